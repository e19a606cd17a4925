"""Which JSON Schema keywords the schema front-end honours, and a walk that finds others.

A keyword outside this list is not an error (the models still generate), but it is
reported with its JSON pointer: validation it asks for will not happen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SUPPORTED = frozenset(
    {
        # structure
        "type",
        "properties",
        "required",
        "items",
        "prefixItems",
        "additionalProperties",
        "patternProperties",
        "$ref",
        "$defs",
        "definitions",
        "allOf",
        "anyOf",
        "oneOf",
        "discriminator",
        "enum",
        "const",
        "format",
        "default",
        "nullable",
        # constraints, checked by pydantic when a value completes
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        # annotations
        "title",
        "description",
        "$schema",
        "$id",
        "id",  # draft-04's `$id`: refs resolve against it (refs.py, and the generator)
        "$comment",
        "examples",
        "example",
        "readOnly",
        "writeOnly",
        "deprecated",
    }
)
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = (
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _walk(schema: Any, pointer: str, refs: _Refs) -> Iterator[tuple[str, str]]:
    if not isinstance(schema, dict):
        return
    for key in sorted(schema):
        if key in SUPPORTED or key.startswith("x-"):
            continue
        where = f"{pointer}/{_escape(key)}"
        # Not a keyword but a schema, or a group of them, that a `$ref` points at
        # (`#/definitions/group/Name`): used, so it is walked, not reported.
        if where in refs.targets:
            yield from _walk(schema[key], where, refs)
        elif where in refs.prefixes and isinstance(schema[key], dict):
            for name in sorted(schema[key]):
                yield from _walk(schema[key][name], f"{where}/{_escape(name)}", refs)
        else:
            yield key, where
    for key in _SCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            for name in sorted(schema[key]):
                yield from _walk(
                    schema[key][name], f"{pointer}/{key}/{_escape(name)}", refs
                )
    for key in _SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            for index, sub in enumerate(schema[key]):
                yield from _walk(sub, f"{pointer}/{key}/{index}", refs)
    for key in _SCHEMA_VALUES:
        value = schema.get(key)
        if isinstance(value, list):  # draft-07 tuple `items`
            for index, sub in enumerate(value):
                yield from _walk(sub, f"{pointer}/{key}/{index}", refs)
        else:
            yield from _walk(value, f"{pointer}/{key}", refs)


class _Refs:
    """The local `$ref` pointers of a document, and their proper prefixes
    (`#/definitions/group/Name` gives `/definitions` and `/definitions/group`)."""

    def __init__(self, document: Any) -> None:
        self.targets: set[str] = set()
        self.prefixes: set[str] = set()
        stack = [document]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                ref = value.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/"):
                    parts = ref[1:].split("/")
                    self.targets.add(ref[1:])
                    self.prefixes.update(
                        "/".join(parts[:n]) for n in range(2, len(parts))
                    )
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)


def unsupported_keywords(
    document: dict[str, Any], openapi: bool
) -> list[tuple[str, str]]:
    """(keyword, JSON pointer) for every keyword the front-end does not honour."""
    refs = _Refs(document)
    if not openapi:
        return list(_walk(document, "", refs))
    schemas = document.get("components", {}).get("schemas", {})
    found: list[tuple[str, str]] = []
    for name in sorted(schemas):
        found.extend(_walk(schemas[name], f"/components/schemas/{_escape(name)}", refs))
    return found
