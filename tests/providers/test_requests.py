"""Request helpers: schemas from the full model, strict mode where the model allows it."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import pytest
from openai.lib._pydantic import to_strict_json_schema
from partialgen import (
    NotStrictWarning,
    StrictSchemaError,
    anthropic_tool,
    openai_response_format,
    openai_responses_format,
    openai_responses_tool,
    openai_tool,
    strict_json_schema,
    strict_schema_problems,
)
from pydantic import BaseModel, Field

from examples.catalog import Catalog, Category, Physical
from examples.meeting import MeetingInfo
from examples.report import Report

from .recordings import MEETING_DOC


class Digital(BaseModel):
    kind: Literal["digital"] = "digital"
    url: str


class Item(BaseModel):
    """An item with everything strict mode can take, said another way."""

    name: Annotated[str, Field(min_length=1, max_length=40, description="Its name.")]
    tags: set[str] = Field(default_factory=set)
    note: str | None = None
    details: Physical | Digital = Field(discriminator="kind")
    homepage: str = Field(default="", json_schema_extra={"format": "uri"})


def schemas(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every schema node: the root, properties, items, union members, definitions."""
    yield node
    children = [*node.get("properties", {}).values(), *node.get("$defs", {}).values()]
    children += node.get("anyOf", [])
    if isinstance(node.get("items"), dict):
        children.append(node["items"])
    for child in children:
        yield from schemas(child)


def assert_strict_shape(schema: dict[str, Any]) -> None:
    """What OpenAI's strict mode demands of every object and keyword."""
    assert schema["type"] == "object"
    for node in schemas(schema):
        unsupported = {"oneOf", "discriminator", "default", "const", "minLength"}
        assert not unsupported & set(node), node
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"])
        if "$ref" in node:
            assert set(node) == {"$ref"}


def test_meeting_matches_the_openai_sdks_own_strict_schema() -> None:
    assert strict_json_schema(MeetingInfo) == to_strict_json_schema(MeetingInfo)
    assert_strict_shape(strict_json_schema(MeetingInfo))


def test_the_four_openai_shapes() -> None:
    schema = strict_json_schema(MeetingInfo)
    assert openai_response_format(MeetingInfo) == {
        "type": "json_schema",
        "json_schema": {"name": "MeetingInfo", "schema": schema, "strict": True},
    }
    assert openai_tool(Report, name="write_report", description="File it.") == {
        "type": "function",
        "function": {
            "name": "write_report",
            "parameters": strict_json_schema(Report),
            "strict": True,
            "description": "File it.",
        },
    }
    assert openai_responses_format(MeetingInfo) == {
        "type": "json_schema",
        "name": "MeetingInfo",
        "schema": schema,
        "strict": True,
    }
    assert openai_responses_tool(MeetingInfo) == {
        "type": "function",
        "name": "MeetingInfo",
        "parameters": schema,
        "strict": True,
    }


def test_anthropic_tool() -> None:
    assert anthropic_tool(MeetingInfo) == {
        "name": "MeetingInfo",
        "input_schema": MeetingInfo.model_json_schema(),
    }
    strict = anthropic_tool(Category, strict=True)
    assert strict["strict"] is True
    assert (
        strict["description"] == "A category tree: categories nest inside categories."
    )
    assert_strict_shape(dict(strict["input_schema"]))


def test_a_model_strict_mode_can_take_by_rewriting() -> None:
    assert strict_schema_problems(Item) == []
    schema = strict_json_schema(Item)
    assert_strict_shape(schema)
    props = schema["properties"]
    assert schema["required"] == ["name", "tags", "note", "details", "homepage"]
    # Constraints strict mode lacks move to the description; pydantic still checks them.
    assert props["name"] == {
        "description": "Its name. (minLength: 1, maxLength: 40)",
        "title": "Name",
        "type": "string",
    }
    assert props["tags"]["description"] == "(uniqueItems: True)"
    assert props["homepage"]["description"] == "(format: uri)"
    assert props["note"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    # The discriminated union becomes anyOf; the one-value literal an enum.
    members = props["details"]["anyOf"]
    assert [m["$ref"] for m in members] == ["#/$defs/Physical", "#/$defs/Digital"]
    assert schema["$defs"]["Digital"]["properties"]["kind"]["enum"] == ["digital"]
    jsonschema = pytest.importorskip("jsonschema")
    document = {
        "name": "Lamp",
        "tags": ["a"],
        "note": None,
        "details": {"kind": "digital", "url": "https://x"},
        "homepage": "",
    }
    jsonschema.validate(document, schema)
    Item.model_validate(document)


def test_recursive_model_has_an_object_root() -> None:
    schema = strict_json_schema(Category)
    assert schema["type"] == "object"
    assert schema["properties"]["children"]["items"] == {"$ref": "#/$defs/Category"}
    assert_strict_shape(schema)


def test_what_prevents_strict_mode_is_named() -> None:
    assert strict_schema_problems(Catalog) == [
        "Catalog.metadata: free-form keys (a dict); strict mode needs a model",
        "Product.ratings: free-form keys (a dict); strict mode needs a model",
        "Product.origin: a tuple (prefixItems); use a list or a model",
        "Product.extra: accepts any JSON value (Any); give it a type",
    ]
    with pytest.raises(StrictSchemaError) as caught:
        openai_response_format(Catalog, strict=True)
    assert "Catalog cannot use OpenAI strict mode" in str(caught.value)
    assert "Product.origin: a tuple" in str(caught.value)
    assert "strict=False" in str(caught.value)
    assert caught.value.problems == strict_schema_problems(Catalog)
    with pytest.raises(StrictSchemaError):
        strict_json_schema(Catalog)


def test_by_default_a_model_that_cannot_be_strict_is_sent_plain_with_a_warning() -> (
    None
):
    with pytest.warns(
        NotStrictWarning, match=r"(?s)Catalog is sent without.*metadata"
    ) as w:
        tool = openai_tool(Catalog)
    assert w[0].filename == __file__  # points at the caller
    assert tool["function"]["strict"] is False
    assert tool["function"]["parameters"] == Catalog.model_json_schema()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = openai_responses_tool(Catalog, strict=False)
    assert quiet["strict"] is False


def test_extra_allow_and_free_form_objects() -> None:
    class Open(BaseModel, extra="allow"):
        a: int

    class Loose(BaseModel):
        data: dict[str, int]
        anything: Any
        pair: tuple[int, str]

    assert strict_schema_problems(Open) == [
        "Open: undeclared keys allowed (extra='allow')"
    ]
    assert [p.split(":")[0] for p in strict_schema_problems(Loose)] == [
        "Loose.data",
        "Loose.anything",
        "Loose.pair",
    ]


def test_names_and_descriptions() -> None:
    assert openai_tool(Item)["function"]["description"] == (
        "An item with everything strict mode can take, said another way."
    )
    assert "description" not in openai_tool(MeetingInfo)["function"]
    for bad in ("", "has space", "x" * 65, "é"):
        with pytest.raises(ValueError, match="cannot name a schema or tool"):
            openai_tool(MeetingInfo, name=bad)


def test_what_the_model_writes_for_the_schema_validates() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(MEETING_DOC, strict_json_schema(MeetingInfo))


def test_the_schema_is_made_once_but_no_request_shares_it() -> None:
    def schemas() -> list[dict[str, Any]]:
        tool: dict[str, Any] = dict(openai_tool(MeetingInfo))
        form: dict[str, Any] = dict(openai_response_format(MeetingInfo))
        anthropic: dict[str, Any] = dict(anthropic_tool(MeetingInfo))
        return [
            tool["function"]["parameters"],
            form["json_schema"]["schema"],
            anthropic["input_schema"],
        ]

    for schema in schemas():
        schema["properties"].clear()  # a user editing what they got
    assert all(schema["properties"] for schema in schemas())
    assert MeetingInfo.model_json_schema()["properties"]
