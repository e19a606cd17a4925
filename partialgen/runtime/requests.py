"""What to send so the model writes the JSON a parser expects, derived from the full model.

    response_format=openai_response_format(MeetingInfo)      # Chat Completions
    tools=[openai_tool(MeetingInfo)]                          # Chat Completions
    text={"format": openai_responses_format(MeetingInfo)}     # Responses API
    tools=[openai_responses_tool(MeetingInfo)]                # Responses API
    tools=[anthropic_tool(MeetingInfo)]                       # Anthropic Messages
    config=genai_config(MeetingInfo)                          # Gemini (google-genai)

The schema is pydantic's JSON Schema of the model (aliases as keys). OpenAI's strict mode
(constrained decoding: the output always fits the schema) accepts a subset of JSON Schema:
with `strict=None` (the default) the helpers use it when the model fits, and otherwise
send the plain schema with a `NotStrictWarning` naming every field that prevents it;
`strict=True` raises `StrictSchemaError` instead. For strict mode every property becomes
required (an optional field's key is then always written, `null` where allowed) and
constraints strict mode does not support (`minLength`, `uniqueItems`, unknown formats)
move into the description; partialgen still validates them.

Return types are the SDKs' own request types, imported for type checkers only: at
runtime this module needs pydantic alone.
"""

from __future__ import annotations

import copy
import functools
import inspect
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

if TYPE_CHECKING:  # the SDKs' TypedDicts, so results pass their type checks as they are
    from anthropic.types import JSONOutputFormatParam, ToolParam
    from google.genai.types import GenerateContentConfigDict
    from openai.types.chat import ChatCompletionFunctionToolParam
    from openai.types.responses import (
        FunctionToolParam,
        ResponseFormatTextJSONSchemaConfigParam,
    )
    from openai.types.shared_params import ResponseFormatJSONSchema

# What OpenAI's strict mode cannot say, and moves to the description instead.
_LOOSE_CONSTRAINTS = (
    "minLength",
    "maxLength",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contains",
    "minContains",
    "maxContains",
)
_STRICT_FORMATS = frozenset(
    {
        "date-time",
        "time",
        "date",
        "duration",
        "email",
        "hostname",
        "ipv4",
        "ipv6",
        "uuid",
    }
)
_UNSUPPORTED = ("not", "if", "then", "else", "dependentRequired", "dependentSchemas")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


class StrictSchemaError(ValueError):
    """The model's schema cannot use strict mode; `problems` says where and why."""

    def __init__(self, model: type[BaseModel], problems: list[str]) -> None:
        self.model = model
        self.problems = problems
        super().__init__(
            f"{model.__name__} cannot use OpenAI strict mode:\n"
            + "".join(f"  - {p}\n" for p in problems)
            + "Pass strict=False to send the schema without strict mode (the model is "
            "then not constrained to it; partialgen still validates every value)."
        )


class NotStrictWarning(UserWarning):
    """The schema was sent without strict mode; the message names what prevents it."""


# The key that wraps a list where the provider needs an object.
ITEMS_KEY = "items"


@dataclass(frozen=True, slots=True)
class Subject:
    """What a request asks the model to write: a JSON Schema, its name and description."""

    name: str
    schema: dict[str, Any]
    description: str | None
    model: type[BaseModel]  # the model whose instances the answer holds

    @classmethod
    def of(cls, model: type[BaseModel]) -> Subject:
        doc = inspect.cleandoc(model.__doc__) if model.__doc__ else None
        return cls(model.__name__, _json_schema(model), doc, model)

    @classmethod
    def items_of(cls, model: type[BaseModel], key: str = ITEMS_KEY) -> Subject:
        """A list of `model`s, wrapped in an object (strict mode and tools need one)."""
        item = copy.deepcopy(_json_schema(model))
        defs = item.pop("$defs", None)
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {key: {"type": "array", "items": item}},
            "required": [key],
            "additionalProperties": False,
        }
        if defs:
            schema["$defs"] = defs
        name = f"{model.__name__}List"[:64]
        return cls(name, schema, f"A list of {model.__name__} objects.", model)


@functools.lru_cache(maxsize=512)
def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """pydantic's JSON Schema of `model`, made once: a millisecond or more per request
    otherwise. Shared, so never changed: every helper copies what it transforms."""
    return model.model_json_schema()


def strict_schema_problems(model: type[BaseModel]) -> list[str]:
    """What keeps `model`'s schema out of OpenAI's strict mode ([] when it fits)."""
    problems: list[str] = []
    _Strict(Subject.of(model), problems).schema()
    return problems


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON Schema in the form strict mode accepts; StrictSchemaError if none."""
    problems: list[str] = []
    schema = _Strict(Subject.of(model), problems).schema()
    if problems:
        raise StrictSchemaError(model, problems)
    return schema


def openai_response_format(
    model: type[BaseModel],
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
) -> ResponseFormatJSONSchema:
    """Chat Completions `response_format`: the answer's content is `model`'s JSON."""
    return response_format_for(Subject.of(model), name, description, strict)


def response_format_for(
    subject: Subject, name: str | None, description: str | None, strict: bool | None
) -> ResponseFormatJSONSchema:
    schema, is_strict = _schema(subject, strict)
    spec: dict[str, Any] = {"name": _name(subject, name), "schema": schema}
    spec["strict"] = is_strict
    _describe(spec, subject, description)
    return cast(
        "ResponseFormatJSONSchema", {"type": "json_schema", "json_schema": spec}
    )


def openai_tool(
    model: type[BaseModel],
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
) -> ChatCompletionFunctionToolParam:
    """A Chat Completions function tool whose arguments are `model`'s JSON."""
    return tool_for(Subject.of(model), name, description, strict)


def tool_for(
    subject: Subject, name: str | None, description: str | None, strict: bool | None
) -> ChatCompletionFunctionToolParam:
    schema, is_strict = _schema(subject, strict)
    function: dict[str, Any] = {"name": _name(subject, name), "parameters": schema}
    function["strict"] = is_strict
    _describe(function, subject, description)
    return cast(
        "ChatCompletionFunctionToolParam", {"type": "function", "function": function}
    )


def openai_responses_format(
    model: type[BaseModel],
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
) -> ResponseFormatTextJSONSchemaConfigParam:
    """Responses API `text={"format": ...}`: the output text is `model`'s JSON."""
    return responses_format_for(Subject.of(model), name, description, strict)


def responses_format_for(
    subject: Subject, name: str | None, description: str | None, strict: bool | None
) -> ResponseFormatTextJSONSchemaConfigParam:
    schema, is_strict = _schema(subject, strict)
    spec: dict[str, Any] = {"type": "json_schema", "name": _name(subject, name)}
    spec.update(schema=schema, strict=is_strict)
    _describe(spec, subject, description)
    return cast("ResponseFormatTextJSONSchemaConfigParam", spec)


def openai_responses_tool(
    model: type[BaseModel],
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
) -> FunctionToolParam:
    """A Responses API function tool whose arguments are `model`'s JSON."""
    return responses_tool_for(Subject.of(model), name, description, strict)


def responses_tool_for(
    subject: Subject, name: str | None, description: str | None, strict: bool | None
) -> FunctionToolParam:
    schema, is_strict = _schema(subject, strict)
    tool: dict[str, Any] = {"type": "function", "name": _name(subject, name)}
    tool.update(parameters=schema, strict=is_strict)
    _describe(tool, subject, description)
    return cast("FunctionToolParam", tool)


def anthropic_tool(
    model: type[BaseModel],
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool = False,
) -> ToolParam:
    """An Anthropic tool whose input is `model`'s JSON. `strict=True` asks for strict
    tool use, which takes the same schema subset as OpenAI's strict mode."""
    return anthropic_tool_for(Subject.of(model), name, description, strict)


def anthropic_tool_for(
    subject: Subject, name: str | None, description: str | None, strict: bool
) -> ToolParam:
    schema = _schema(subject, True)[0] if strict else copy.deepcopy(subject.schema)
    tool: dict[str, Any] = {"name": _name(subject, name), "input_schema": schema}
    _describe(tool, subject, description)
    if strict:
        tool["strict"] = True
    return cast("ToolParam", tool)


def anthropic_output_format(
    model: type[BaseModel], *, strict: bool | None = None
) -> JSONOutputFormatParam:
    """Anthropic structured outputs, `output_config={"format": ...}`: the answer's text is
    `model`'s JSON. Its schema subset is strict mode's; `strict` as for OpenAI."""
    return output_format_for(Subject.of(model), strict)


def output_format_for(subject: Subject, strict: bool | None) -> JSONOutputFormatParam:
    schema = _schema(subject, strict)[0]
    return cast("JSONOutputFormatParam", {"type": "json_schema", "schema": schema})


def genai_config(model: type[BaseModel]) -> GenerateContentConfigDict:
    """Gemini's `config` for `generate_content_stream` (google-genai): JSON output with
    `model`'s JSON Schema as `response_json_schema`. Add your own settings beside it:
    `config={**genai_config(MeetingInfo), "temperature": 0}`.

    The schema is pydantic's, as it is: Gemini's `response_json_schema` takes JSON
    Schema itself (`$ref`/`$defs`, `anyOf`, `enum`, nullable types), unlike the older
    `response_schema` (an OpenAPI subset), and keeps the schema's key order."""
    return genai_config_for(Subject.of(model))


def genai_config_for(subject: Subject) -> GenerateContentConfigDict:
    return {
        "response_mime_type": "application/json",
        "response_json_schema": copy.deepcopy(subject.schema),
    }


def _schema(subject: Subject, strict: bool | None) -> tuple[dict[str, Any], bool]:
    if strict is False:
        return copy.deepcopy(subject.schema), False
    problems: list[str] = []
    schema = _Strict(subject, problems).schema()
    if not problems:
        return schema, True
    if strict:
        raise StrictSchemaError(subject.model, problems)
    warnings.warn(
        NotStrictWarning(
            f"{subject.name} is sent without OpenAI strict mode, because of:\n"
            + "".join(f"  - {p}\n" for p in problems)
            + "Pass strict=False to say that is intended."
        ),
        stacklevel=4,
    )
    return copy.deepcopy(subject.schema), False


def _name(subject: Subject, name: str | None) -> str:
    name = subject.name if name is None else name
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} cannot name a schema or tool: use 1-64 letters, digits, _ or -"
        )
    return name


def _describe(spec: dict[str, Any], subject: Subject, description: str | None) -> None:
    if description is None:
        description = subject.description
    if description:
        spec["description"] = description


class _Strict:
    """Rewrites pydantic's schema into strict mode's subset, noting what cannot fit."""

    def __init__(self, subject: Subject, problems: list[str]) -> None:
        self._root = copy.deepcopy(subject.schema)
        self._name = subject.name
        self._defs: dict[str, Any] = self._root.get("$defs", {})
        self._problems = problems
        self._inlining: set[str] = set()

    def schema(self) -> dict[str, Any]:
        root = {k: v for k, v in self._root.items() if k != "$defs"}
        if set(root) == {"$ref"}:  # a recursive model: the root must be the object
            root = self._defs[root["$ref"].rsplit("/", 1)[-1]]
        out = self._node(root, self._name)
        if out.get("type") != "object":
            self._problem(self._name, "the root is not an object")
        # A recursive root is both the root and a definition: report its problems once.
        self._problems[:] = dict.fromkeys(self._problems)
        if self._defs:
            out["$defs"] = {k: self._node(v, k) for k, v in self._defs.items()}
        return out

    def _problem(self, path: str, what: str) -> None:
        self._problems.append(f"{path}: {what}")

    def _node(self, node: dict[str, Any], path: str) -> dict[str, Any]:
        node = copy.copy(node)
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) > 1:
            return self._inline(node, ref, path)
        if "oneOf" in node:  # pydantic's discriminated unions; strict mode knows anyOf
            node["anyOf"] = node.pop("oneOf")
        node.pop("discriminator", None)
        node.pop("default", None)  # every key is required, so a default never applies
        if "const" in node:
            node["enum"] = [node.pop("const")]
        all_of = node.pop("allOf", None)
        if all_of is not None:
            if len(all_of) != 1:
                self._problem(path, "an intersection (allOf)")
            else:
                node = {**all_of[0], **node}
                return self._node(node, path)
        self._loosen(node)
        for keyword in _UNSUPPORTED:
            if keyword in node:
                self._problem(path, f"the keyword {keyword!r}")
        if "prefixItems" in node:
            self._problem(path, "a tuple (prefixItems); use a list or a model")
        if not any(k in node for k in ("type", "anyOf", "$ref", "enum")):
            self._problem(path, "accepts any JSON value (Any); give it a type")
        if node.get("type") == "object":
            self._object(node, path)
        items = node.get("items")
        if isinstance(items, dict):
            node["items"] = self._node(items, f"{path}[]")
        if "anyOf" in node:
            node["anyOf"] = [self._node(m, path) for m in node["anyOf"]]
        return node

    def _inline(self, node: dict[str, Any], ref: str, path: str) -> dict[str, Any]:
        # Strict mode rejects keywords beside a $ref (a field's description, say), so
        # the definition is inlined with them; a recursive one keeps the bare $ref.
        name = ref.rsplit("/", 1)[-1]
        if name in self._inlining or name not in self._defs:
            return {"$ref": ref}
        self._inlining.add(name)
        try:
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return self._node({**self._defs[name], **siblings}, path)
        finally:
            self._inlining.discard(name)

    def _loosen(self, node: dict[str, Any]) -> None:
        moved = {k: node.pop(k) for k in _LOOSE_CONSTRAINTS if k in node}
        if "format" in node and node["format"] not in _STRICT_FORMATS:
            moved["format"] = node.pop("format")
        if moved:
            said = ", ".join(f"{k}: {v}" for k, v in moved.items())
            node["description"] = f"{node.get('description', '')} ({said})".strip()

    def _object(self, node: dict[str, Any], path: str) -> None:
        properties = node.get("properties")
        extra = node.get("additionalProperties")
        if properties is None:
            if extra not in (None, False):
                self._problem(
                    path, "free-form keys (a dict); strict mode needs a model"
                )
            else:
                self._problem(path, "an object without declared fields")
            return
        if extra not in (None, False):
            self._problem(path, "undeclared keys allowed (extra='allow')")
        if "patternProperties" in node:
            self._problem(path, "the keyword 'patternProperties'")
        node["additionalProperties"] = False
        node["required"] = list(properties)
        node["properties"] = {
            key: self._node(value, f"{path}.{key}") for key, value in properties.items()
        }
