"""A provider stream that breaks its protocol: a typed `ProviderError` carrying the
snapshot and every character received, and the parser keeps what arrived."""

from __future__ import annotations

from typing import Any

import pytest
from partialgen import (
    ProviderError,
    anthropic_tool_uses,
    openai_chat_content,
    sse_json,
)

from generated.categorized import PartialUser, UserParser

START = '{"name": "Ada", "age": 36, '


def chat_event(content: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": {"content": content}}]}


def test_content_that_is_not_text_is_refused_before_it_reaches_the_parser() -> None:
    snapshots = openai_chat_content([chat_event(START), chat_event(5)], UserParser)
    with pytest.raises(
        ProviderError, match="an event holds content of type int, not text: 5"
    ) as e:
        list(snapshots)
    assert e.value.text == START == snapshots.parser.text
    assert e.value.snapshot == PartialUser(name="Ada", age=36)
    assert e.value.payload == chat_event(5)
    snapshots.parser.feed('"category": "admin"}')  # the parser is intact
    assert snapshots.parser.close().category == "admin"


def test_tool_arguments_that_are_not_text_are_refused() -> None:
    events: list[dict[str, Any]] = [
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": "t1", "name": "User"},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": START},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": ["x"]},
        },
    ]
    uses = anthropic_tool_uses(events, UserParser)
    with pytest.raises(
        ProviderError, match="holds tool call arguments of type list, not text"
    ) as e:
        list(uses)
    assert e.value.text == START
    assert e.value.snapshot == PartialUser(name="Ada", age=36)


def sse(*payloads: bytes) -> list[bytes]:
    return [b"data: " + p + b"\n\n" for p in payloads]


START_EVENT = (
    b'{"choices": [{"index": 0, "delta": {"content": "'
    + START.replace('"', '\\"').encode()
    + b'"}}]}'
)


@pytest.mark.parametrize(
    ("bad", "message"),
    [(b"{not json", "not JSON"), (b'{"x": "\xff"}', "not valid UTF-8")],
)
def test_an_undecodable_event_carries_the_snapshot_and_the_text(
    bad: bytes, message: str
) -> None:
    snapshots = openai_chat_content(sse_json(sse(START_EVENT, bad)), UserParser)
    with pytest.raises(ProviderError, match=message) as e:
        list(snapshots)
    assert e.value.text == START
    assert e.value.snapshot == PartialUser(name="Ada", age=36)
