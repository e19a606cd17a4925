"""A union of members that each take a JSON string (a URL or a pattern, a literal or a
pattern, a pattern or an int from "5"): when a constrained string is among them, the
string streams as text and the union as a whole decides once it is complete, as
pydantic's smart mode does (issue 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from partialgen import InvalidOutputError

from tests.generator.support import generate_schema_and_import
from tests.helpers import fixed_chunks

SCHEMA = {
    "title": "Cfg",
    "type": "object",
    "properties": {
        "url": {
            "anyOf": [
                {"type": "string", "format": "uri"},
                {"type": "string", "pattern": "^\\./"},
            ]
        },
        "size": {
            "anyOf": [
                {"enum": ["auto", "none"]},
                {"type": "string", "pattern": "^[0-9]+px$"},
            ]
        },
        "code": {"oneOf": [{"type": "string", "pattern": "^x"}, {"type": "integer"}]},
        "plain": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    },
}

DOCUMENTS = [
    {"url": "./rel", "size": "12px", "code": "xy", "plain": "5"},
    {"url": "https://example.com/a", "size": "auto", "code": 5, "plain": 5},
    {"code": "5"},  # not `^x`: the int member reads "5", as pydantic lax mode does
    {"size": "12pt"},  # neither member: rejected, as pydantic does
    {"url": "nope"},
]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_schema_and_import(
        tmp_path_factory.mktemp("unions"), SCHEMA, "unions"
    )


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("size", [1, 4, 1000])
def test_string_unions_agree_with_pydantic(
    out: Any, document: dict[str, Any], size: int
) -> None:
    text = json.dumps(document)
    try:
        expected = out.Cfg.model_validate_json(text)
    except ValueError:
        expected = None
    parser = out.CfgParser()
    try:
        for chunk in fixed_chunks(text, size):
            snapshot = parser.feed(chunk)
            for name in ("url", "size", "code", "plain"):
                value = getattr(snapshot, name)
                # What a snapshot holds is the partial's type: text, a URL or an int,
                # never the full model's RootModel wrapper.
                assert value is None or type(value).__name__ in ("str", "int", "AnyUrl")
        result = parser.close()
    except InvalidOutputError:
        assert expected is None
        return
    assert result == expected


def test_the_string_shows_while_it_streams(out: Any) -> None:
    parser = out.CfgParser()
    assert parser.feed('{"url": "https://exa').url == "https://exa"
    final = parser.feed('mple.com"}')
    assert str(final.url) == "https://example.com/"
    assert type(final.url).__name__ == "AnyUrl"
