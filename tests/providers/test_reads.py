"""One snapshot per network read: `sse_json` keeps events grouped by the byte chunk that
completed them, and the adapters feed the parser once per group."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from partialgen import (
    IncompleteOutputError,
    ProviderError,
    ToolCallSnapshot,
    ToolCallStream,
    anthropic_tool_uses,
    asse_json,
    openai_chat_content,
    openai_chat_tool_calls,
    openai_responses_function_calls,
    sse_events,
    sse_json,
)

from generated.categorized import PartialUser, User, UserParser

from .recordings import (
    anthropic,
    chat_content,
    chat_tool_calls,
    openai_chat,
    openai_responses,
)
from .test_sse import split

USER = '{"name":"Ada Lovelace","age":36,"category":"admin"}'
BODY = openai_chat(chat_content(USER, 3), finish="stop", seed=3).encode()
LF_ONLY = b"".join(
    b'event: e%d\nid: %d\ndata: {"n": %d}\n: comment\n\n' % (i, i, i) for i in range(9)
)


def reads_of(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


@given(st.lists(st.integers(1, len(LF_ONLY) - 1), max_size=10))
def test_lf_only_streams_decode_alike_in_any_chunking(cuts: list[int]) -> None:
    events = list(sse_events(split(LF_ONLY, cuts)))
    assert [(e.event, e.id, json.loads(e.data)) for e in events] == [
        (f"e{i}", str(i), {"n": i}) for i in range(9)
    ]


def test_events_are_grouped_by_the_read_that_completed_them() -> None:
    reads = [b'data: {"a": 1}\n\ndata: {"b"', b': 2}\n\ndata: {"c": 3}\n\n', b"\n"]
    assert list(sse_json(reads).reads()) == [[{"a": 1}], [{"b": 2}, {"c": 3}]]
    assert list(sse_json(reads)) == [{"a": 1}, {"b": 2}, {"c": 3}]


@pytest.mark.parametrize("size", [1, 7, 64, 4096, len(BODY)])
def test_the_parser_is_fed_once_per_read(size: int) -> None:
    reads = reads_of(BODY, size)
    grouped = list(sse_json(reads).reads())
    snapshots = openai_chat_content(sse_json(reads), UserParser)
    shown = list(snapshots)
    assert snapshots.result == User.model_validate_json(USER)
    assert len(shown) <= len(grouped)
    if size >= len(BODY):  # one read: one snapshot, the whole answer
        assert len(shown) == 1 and shown[0].name == "Ada Lovelace"


def test_tool_call_arguments_are_joined_per_call() -> None:
    deltas = chat_tool_calls([("User", USER), ("User", USER)], 4)
    body = openai_chat(deltas, finish="tool_calls", seed=4).encode()
    calls = openai_chat_tool_calls(sse_json([body]), UserParser)
    events = list(calls)
    assert [c.arguments for c in calls.tool_calls] == [
        User.model_validate_json(USER)
    ] * 2
    assert {e.index for e in events} == {0, 1}


def test_an_event_the_reader_rejects_keeps_the_text_before_it_in_the_same_read() -> (
    None
):
    good = b'data: {"choices": [{"index": 0, "delta": {"content": "{\\"name\\": \\"A"}}]}\n\n'
    bad = b'data: {"error": {"message": "overloaded"}}\n\n'
    snapshots = openai_chat_content(sse_json([good + bad]), UserParser)
    with pytest.raises(ProviderError, match="overloaded"):
        list(snapshots)
    assert snapshots.parser.text == '{"name": "A'


def test_close_closes_the_byte_source() -> None:
    closed = []

    def source() -> Iterator[bytes]:
        try:
            yield BODY[:100]
            yield BODY[100:]
        finally:
            closed.append(True)

    events = sse_json(source())
    next(iter(events))
    events.close()
    assert closed == [True]


async def test_async_reads_are_grouped_too() -> None:
    async def source() -> AsyncIterator[bytes]:
        for chunk in reads_of(BODY, 512):
            yield chunk

    grouped = [batch async for batch in asse_json(source()).reads()]
    snapshots = openai_chat_content(asse_json(source()), UserParser)
    shown = [s async for s in snapshots]
    assert snapshots.result == User.model_validate_json(USER)
    assert 1 <= len(shown) <= len(grouped)


def test_an_adapter_takes_a_throttle_and_shows_the_last_snapshot() -> None:
    reads = reads_of(BODY, 7)
    everything = list(openai_chat_content(sse_json(reads), UserParser))
    paced = openai_chat_content(sse_json(reads), UserParser, throttle=3600)
    assert list(paced) == [everything[0], everything[-1]]
    assert paced.result == User.model_validate_json(USER)


def _by_call(events: list[ToolCallSnapshot[PartialUser]]) -> dict[int, list[Any]]:
    calls: dict[int, list[Any]] = {}
    for e in events:
        calls.setdefault(e.index, []).append((e.snapshot, e.done))
    return calls


@pytest.mark.parametrize(
    "adapter", ["openai_chat", "openai_responses", "anthropic"], ids=str
)
def test_tool_call_adapters_take_a_throttle_per_call(adapter: str) -> None:
    # Two parallel calls, read 7 bytes at a time: each shows its start, its first
    # change, then (held back by an hour's pace) nothing until its done snapshot.
    if adapter == "openai_chat":
        deltas = chat_tool_calls([("User", USER), ("User", USER)], 4)
        body = openai_chat(deltas, finish="tool_calls", seed=4)
    elif adapter == "openai_responses":
        items = [("function_call", "User", USER)] * 2
        body = openai_responses(items, 4)
    else:
        body = anthropic([("tool_use", "User", USER)] * 2, stop="tool_use", seed=4)
    adapters: dict[str, Callable[..., ToolCallStream[PartialUser, User]]] = {
        "openai_chat": openai_chat_tool_calls,
        "openai_responses": openai_responses_function_calls,
        "anthropic": anthropic_tool_uses,
    }
    adapt = adapters[adapter]
    reads = reads_of(body.encode(), 7)
    everything = _by_call(list(adapt(sse_json(reads), UserParser)))
    paced = adapt(sse_json(reads), UserParser, throttle=3600)
    shown = _by_call(list(paced))
    assert shown.keys() == everything.keys() == {0, 1}
    for index, events in everything.items():
        assert len(events) > 3
        assert shown[index] == [events[0], events[1], events[-1]]
        assert shown[index][-1][1] is True  # done: never withheld
    done = User.model_validate_json(USER)
    assert [c.arguments for c in paced.tool_calls] == [done, done]
    assert _by_call(list(adapt(sse_json(reads), UserParser, throttle=0))) == everything
    with pytest.raises(ValueError, match="throttle is seconds"):
        adapt(sse_json(reads), UserParser, throttle=-1)


def test_a_throttled_call_cut_short_shows_its_latest_snapshot_before_the_error() -> (
    None
):
    body = anthropic(
        [("tool_use", "User", USER)], stop="max_tokens", seed=5, cut=len(USER) - 9
    )
    reads = reads_of(body.encode(), 7)

    def until_the_error(throttle: float | None) -> list[ToolCallSnapshot[PartialUser]]:
        shown = []
        calls = anthropic_tool_uses(sse_json(reads), UserParser, throttle=throttle)
        with pytest.raises(IncompleteOutputError, match="max_tokens"):
            for event in calls:
                shown.append(event)
        return shown

    everything, shown = until_the_error(None), until_the_error(3600)
    assert shown[-1] == everything[-1]
    assert shown[-1].snapshot.age == 36 and not shown[-1].done
    assert len(shown) == 3 < len(everything)
