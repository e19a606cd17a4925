"""The adapters on events as plain dicts (what `sse_json` yields), no HTTP, no SDK.

Finish reasons, refusals, error events, parallel calls interleaved, unknown tools, the
stream helpers' wrapper events, closing the source, sync and async iteration.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from partialgen import (
    ImpossiblePrefixError,
    IncompleteOutputError,
    PartialModel,
    ProviderError,
    RefusalError,
    StreamParser,
    ToolCallSnapshot,
    UnknownToolError,
    anthropic_text,
    anthropic_tool_uses,
    openai_chat_content,
    openai_chat_tool_calls,
    openai_responses_function_calls,
    openai_responses_text,
    sse_json,
    text_snapshots,
)
from partialgen.demo.replay import read_recording
from partialgen.runtime import specs
from pydantic import BaseModel

from examples.categorized import User
from examples.meeting import MeetingInfo
from examples.report import Report
from generated.categorized import PartialUser, UserParser
from generated.meeting import MeetingInfoParser
from generated.report import PartialReport, ReportParser

from .recordings import MEETING_DOC, REPORT_DOC


class Ping(BaseModel):
    """A tool without arguments, with a parser written as generated code would be."""


class PartialPing(PartialModel):
    pass


_ping = specs.Model(Ping)
_ping.define(PartialPing)


class PingParser(StreamParser[PartialPing, Ping]):
    spec = _ping


USER = '{"name": "Ada", "age": 36, "category": "admin"}'
REPORT = '{"title": "Q3", "summary": "Up.", "conclusion": "Hire."}'


def chat(
    content: str | None = None,
    *,
    calls: list[dict[str, Any]] | None = None,
    finish: str | None = None,
    refusal: str | None = None,
) -> dict[str, Any]:
    delta: dict[str, Any] = {}
    if content is not None:
        delta["content"] = content
    if calls is not None:
        delta["tool_calls"] = calls
    if refusal is not None:
        delta["refusal"] = refusal
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"object": "chat.completion.chunk", "choices": [choice]}


def call(index: int, arguments: str, name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"index": index, "function": {"arguments": arguments}}
    if name is not None:
        out.update(id=f"call_{index}", type="function")
        out["function"]["name"] = name
    return out


def pieces(text: str, size: int = 5) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


class Source:
    """A provider stream stand-in that records whether it was closed."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.closed = False

    def __iter__(self) -> Iterator[Any]:
        yield from self.events

    def close(self) -> None:
        self.closed = True


class AsyncSource:
    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[Any]:
        for event in self.events:
            await asyncio.sleep(0)
            yield event

    async def close(self) -> None:
        self.closed = True


# -- one document ----------------------------------------------------------------------


def test_chat_content_snapshots_and_result() -> None:
    source = Source([chat(p) for p in pieces(USER)] + [chat(finish="stop")])
    stream = openai_chat_content(source, UserParser)
    snapshots: list[PartialUser] = list(stream)
    assert snapshots[-1].category == "admin"
    assert len({id(s) for s in snapshots}) == len(snapshots)  # only changes are yielded
    assert stream.result == User(name="Ada", age=36, category="admin")
    assert stream.finish_reason == "stop"
    assert not source.closed  # a complete stream is left to the SDK, which closes it


def test_result_before_the_end_is_an_error() -> None:
    stream = openai_chat_content([chat(USER)], UserParser)
    with pytest.raises(RuntimeError, match="not been iterated"):
        _ = stream.result


@pytest.mark.parametrize(
    ("reason", "says"),
    [
        ("length", "finish reason 'length': the model reached its output token limit"),
        ("content_filter", "content filter"),
        (None, "the stream ended without a finish reason"),
    ],
)
def test_ending_early_keeps_the_last_snapshot_and_says_why(
    reason: str | None, says: str
) -> None:
    events = [chat(p) for p in pieces(USER[:30])]
    if reason:
        events.append(chat(finish=reason))
    stream = openai_chat_content(Source(events), UserParser)
    seen: list[PartialUser] = []
    with pytest.raises(IncompleteOutputError) as caught:
        seen.extend(stream)
    error = caught.value
    assert says in str(error)
    assert error.snapshot is seen[-1] and error.snapshot.name == "Ada"
    assert error.text == USER[:30] == stream.parser.text


def test_a_length_finish_after_a_closed_document_is_fine() -> None:
    stream = openai_chat_content([chat(USER), chat(finish="length")], UserParser)
    list(stream)
    assert stream.result.name == "Ada"


def test_content_when_the_model_called_tools_says_so() -> None:
    events = [chat(calls=[call(0, "{}", "lookup")]), chat(finish="tool_calls")]
    with pytest.raises(IncompleteOutputError, match=r"called tools \(lookup\)"):
        list(openai_chat_content(events, UserParser))


def test_refusal() -> None:
    events = [chat(refusal="I can't "), chat(refusal="help."), chat(finish="stop")]
    with pytest.raises(RefusalError) as caught:
        list(openai_chat_content(events, UserParser))
    assert caught.value.refusal == "I can't help."


@pytest.mark.parametrize(
    "event",
    [
        {"error": {"message": "server overloaded", "type": "server_error"}},
        {"type": "chunk", "chunk": {"error": {"message": "server overloaded"}}},
    ],
)
def test_error_event_in_a_chat_stream(event: dict[str, Any]) -> None:
    source = Source([chat(USER[:10]), event, chat(USER[10:])])
    with pytest.raises(ProviderError, match="server overloaded") as caught:
        list(openai_chat_content(source, UserParser))
    assert caught.value.payload == {
        "message": "server overloaded",
        "type": "server_error",
    } or (caught.value.payload == {"message": "server overloaded"})
    assert caught.value.text == USER[:10]
    assert source.closed


def test_stream_helper_events_are_read_through_their_chunk() -> None:
    # `client.chat.completions.stream()` yields ChunkEvents plus derived events.
    events: list[Any] = []
    for piece in pieces(USER):
        events.append({"type": "chunk", "chunk": chat(piece), "snapshot": {}})
        events.append({"type": "content.delta", "delta": piece, "snapshot": "..."})
    events.append({"type": "content.done", "content": USER, "parsed": None})
    stream = openai_chat_content(events, UserParser)
    list(stream)
    assert stream.result.age == 36


def test_invalid_output_closes_the_source_at_once() -> None:
    bad = USER.replace("admin", "superuser")
    source = Source([chat(p) for p in pieces(bad, 3)] + [chat(finish="stop")])
    with pytest.raises(ImpossiblePrefixError) as caught:
        list(openai_chat_content(source, UserParser))
    assert source.closed
    # It fails on the chunk where the literal went wrong, not at the end of the text.
    assert (
        caught.value.prefix == "su" and caught.value.text == bad[: bad.index("su") + 2]
    )


def test_with_block_closes_and_break_can_resume() -> None:
    source = Source([chat(p) for p in pieces(USER, 2)] + [chat(finish="stop")])
    with openai_chat_content(source, UserParser) as stream:
        for snapshot in stream:
            if snapshot.name == "Ada":
                break
        assert not source.closed
        rest = list(stream)  # the same iteration, resumed
        assert rest[-1].category == "admin"
    assert source.closed
    assert stream.result.name == "Ada"


def test_errors_from_the_source_keep_their_type_with_a_note() -> None:
    def broken() -> Iterator[dict[str, Any]]:
        yield chat(USER[:12])
        raise ConnectionError("peer closed connection")

    stream = openai_chat_content(broken(), UserParser)
    with pytest.raises(ConnectionError) as caught:
        list(stream)
    assert any("`.parser.text`" in note for note in caught.value.__notes__)
    assert stream.parser.text == USER[:12]


def test_responses_text_and_its_endings() -> None:
    def delta(text: str) -> dict[str, Any]:
        return {"type": "response.output_text.delta", "delta": text, "output_index": 0}

    stream = openai_responses_text(
        [delta(p) for p in pieces(USER)] + [{"type": "response.completed"}], UserParser
    )
    list(stream)
    assert stream.result.category == "admin" and stream.finish_reason == "completed"

    incomplete = {
        "type": "response.incomplete",
        "response": {"incomplete_details": {"reason": "max_output_tokens"}},
    }
    with pytest.raises(IncompleteOutputError, match="'max_output_tokens'"):
        list(openai_responses_text([delta(USER[:20]), incomplete], UserParser))

    failed = {"type": "response.failed", "response": {"error": {"message": "boom"}}}
    with pytest.raises(ProviderError, match="boom"):
        list(openai_responses_text([delta(USER[:20]), failed], UserParser))

    refusal = {"type": "response.refusal.delta", "delta": "No."}
    with pytest.raises(RefusalError, match=r"No\."):
        list(
            openai_responses_text([refusal, {"type": "response.completed"}], UserParser)
        )


def test_anthropic_text_with_a_prefill_and_a_refusal_stop() -> None:
    def text(piece: str) -> dict[str, Any]:
        return {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": piece},
        }

    stop = {"type": "message_delta", "delta": {"stop_reason": "end_turn"}}
    # With a `{` prefill the answer continues after it: the prefill goes in first.
    events = [text("{")] + [text(p) for p in pieces(USER[1:])] + [stop]
    stream = anthropic_text(events, UserParser)
    list(stream)
    assert stream.result.name == "Ada" and stream.finish_reason == "end_turn"

    refused = {"type": "message_delta", "delta": {"stop_reason": "refusal"}}
    with pytest.raises(RefusalError, match="I won't"):
        list(anthropic_text([text("I won't do that."), refused], UserParser))


def test_anthropic_error_event() -> None:
    error = {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
    }
    with pytest.raises(ProviderError, match="Overloaded") as caught:
        list(anthropic_text([error], UserParser))
    assert caught.value.payload == error["error"]


def test_plain_text_and_wrong_chunk_types() -> None:
    stream = text_snapshots(pieces(USER), UserParser)
    list(stream)
    assert stream.result.age == 36
    with pytest.raises(TypeError, match="sse_json"):
        list(text_snapshots([b"{}"], UserParser))  # type: ignore[list-item]


def test_raw_recording_bytes_through_sse_json() -> None:
    body = read_recording("openai-chat-meeting")
    chunks = (body[i : i + 100] for i in range(0, len(body), 100))
    stream = openai_chat_content(sse_json(chunks), MeetingInfoParser)
    list(stream)
    assert stream.result == MeetingInfo.model_validate(MEETING_DOC)


# -- async -----------------------------------------------------------------------------


async def test_async_source_iterates_with_async_for_only() -> None:
    source = AsyncSource([chat(p) for p in pieces(USER)] + [chat(finish="stop")])
    stream = openai_chat_content(source, UserParser)
    with pytest.raises(TypeError, match="async for"):
        next(iter(stream))
    snapshots = [s async for s in stream]
    assert snapshots[-1].category == "admin"
    assert stream.result.age == 36


async def test_async_errors_close_the_source() -> None:
    bad = USER.replace("admin", "root")
    source = AsyncSource([chat(p) for p in pieces(bad)])
    with pytest.raises(ImpossiblePrefixError):
        async for _ in openai_chat_content(source, UserParser):
            pass
    assert source.closed


async def test_async_with_closes_and_sync_sources_work_in_async_code() -> None:
    source = AsyncSource([chat(USER), chat(finish="stop")])
    async with openai_chat_content(source, UserParser) as stream:
        async for _ in stream:
            break
    assert source.closed
    plain = openai_chat_content([chat(USER), chat(finish="stop")], UserParser)
    assert [s.category async for s in plain] == ["admin"]


async def test_closing_an_async_source_from_sync_code_is_refused() -> None:
    source = AsyncSource([])
    with pytest.raises(TypeError, match="aclose"):
        openai_chat_content(source, UserParser).close()


# -- tool calls ------------------------------------------------------------------------


def test_parallel_tool_calls_interleaved_stay_apart() -> None:
    user, report = pieces(USER, 3), pieces(REPORT, 4)  # the report ends first
    events = [chat(calls=[call(0, "", "User"), call(1, "", "Report")])]
    for i in range(max(len(user), len(report))):
        parts = []
        if i < len(report):
            parts.append(call(1, report[i]))
        if i < len(user):
            parts.append(call(0, user[i]))
        events.append(chat(calls=parts))
    events.append(chat(finish="tool_calls"))
    stream = openai_chat_tool_calls(events, [UserParser, ReportParser])
    seen: list[ToolCallSnapshot[BaseModel]] = list(stream)
    assert {(e.index, e.name) for e in seen} == {(0, "User"), (1, "Report")}
    starts = seen[:2]
    assert [s.snapshot for s in starts] == [PartialUser(), PartialReport()]
    done = [e for e in seen if e.done]
    assert [e.name for e in done] == ["Report", "User"]  # the report closed first
    assert [(c.index, c.id, c.arguments) for c in stream.tool_calls] == [
        (0, "call_0", User(name="Ada", age=36, category="admin")),
        (1, "call_1", Report(title="Q3", summary="Up.", conclusion="Hire.")),
    ]
    assert stream.finish_reason == "tool_calls"


def test_a_call_is_complete_as_soon_as_its_json_closes() -> None:
    events = [
        chat(calls=[call(0, REPORT, "Report")]),
        chat(calls=[call(1, REPORT[:10], "Report")]),
    ]
    stream = openai_chat_tool_calls(Source(events), ReportParser)
    iterator = iter(stream)
    next(iterator)  # call 0 starts
    event = next(iterator)
    assert event.done and event.index == 0
    assert [c.arguments.title for c in stream.tool_calls] == ["Q3"]  # before the end
    with pytest.raises(
        IncompleteOutputError, match=r"tool call 1 \('Report', id 'call_1'\)"
    ):
        list(iterator)
    assert stream.parsers[1].text == REPORT[:10]


def test_one_parser_types_every_call_whatever_its_name() -> None:
    events = [chat(calls=[call(0, USER, "whatever")]), chat(finish="tool_calls")]
    stream = openai_chat_tool_calls(events, UserParser)
    snapshots: list[PartialUser] = [e.snapshot for e in stream]
    assert snapshots[-1].category == "admin"
    assert stream.tool_calls[0].arguments.category == "admin"


def test_mapping_of_names_and_unknown_tools() -> None:
    events = [chat(calls=[call(0, USER, "save_user")]), chat(finish="tool_calls")]
    stream = openai_chat_tool_calls(events, {"save_user": UserParser})
    list(stream)
    assert isinstance(stream.tool_calls[0].arguments, User)

    source = Source([chat(calls=[call(0, USER, "delete_all")])])
    with pytest.raises(UnknownToolError, match=r"'delete_all'.*'save_user'") as caught:
        list(openai_chat_tool_calls(source, {"save_user": UserParser}))
    assert caught.value.name == "delete_all" and source.closed

    with pytest.raises(UnknownToolError, match="without a name"):
        list(openai_chat_tool_calls([chat(calls=[call(0, USER)])], [UserParser]))

    with pytest.raises(ValueError, match="two parsers"):
        openai_chat_tool_calls([], [UserParser, UserParser])


def test_invalid_arguments_name_the_call() -> None:
    bad = USER.replace("admin", "superuser")
    with pytest.raises(ImpossiblePrefixError) as caught:
        list(openai_chat_tool_calls([chat(calls=[call(3, bad, "User")])], UserParser))
    assert caught.value.__notes__ == ["in tool call 3 ('User', id 'call_3')"]


def test_text_and_refusals_around_tool_calls() -> None:
    events = [chat("Let me save that."), chat(calls=[call(0, USER, "User")])]
    stream = openai_chat_tool_calls([*events, chat(finish="tool_calls")], UserParser)
    list(stream)
    assert stream.text == "Let me save that."
    refused = [chat(refusal="No."), chat(finish="stop")]
    with pytest.raises(RefusalError, match=r"No\."):
        list(openai_chat_tool_calls(refused, UserParser))


def test_no_tool_call_at_all_is_an_empty_list() -> None:
    stream = openai_chat_tool_calls([chat("Hi!"), chat(finish="stop")], UserParser)
    assert list(stream) == [] and stream.tool_calls == [] and stream.text == "Hi!"


def test_responses_function_calls() -> None:
    def added(index: int, name: str) -> dict[str, Any]:
        item = {"type": "function_call", "name": name, "call_id": f"call_{name}"}
        return {
            "type": "response.output_item.added",
            "output_index": index,
            "item": item,
        }

    def delta(index: int, text: str) -> dict[str, Any]:
        return {
            "type": "response.function_call_arguments.delta",
            "output_index": index,
            "delta": text,
        }

    message = {"type": "message", "id": "msg_1", "content": []}
    events = [
        {"type": "response.output_item.added", "output_index": 0, "item": message},
        added(1, "User"),
        *(delta(1, p) for p in pieces(USER)),
        added(2, "Report"),
        *(delta(2, p) for p in pieces(REPORT)),
        {"type": "response.completed"},
    ]
    stream = openai_responses_function_calls(events, [UserParser, ReportParser])
    list(stream)
    assert [(c.index, c.id, c.name) for c in stream.tool_calls] == [
        (1, "call_User", "User"),
        (2, "call_Report", "Report"),
    ]


def test_anthropic_tool_use_and_a_call_without_input() -> None:
    def start(index: int, name: str) -> dict[str, Any]:
        block = {"type": "tool_use", "id": f"toolu_{index}", "name": name, "input": {}}
        return {"type": "content_block_start", "index": index, "content_block": block}

    def delta(index: int, text: str) -> dict[str, Any]:
        json_delta = {"type": "input_json_delta", "partial_json": text}
        return {"type": "content_block_delta", "index": index, "delta": json_delta}

    events = [
        start(0, "User"),
        delta(0, ""),
        *(delta(0, p) for p in pieces(USER)),
        {"type": "content_block_stop", "index": 0},
        start(1, "Ping"),  # no input deltas: its input is the `{}` it started with
        {"type": "content_block_stop", "index": 1},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use"}},
    ]
    stream = anthropic_tool_uses(events, {"User": UserParser, "Ping": PingParser})
    list(stream)
    assert [c.id for c in stream.tool_calls] == ["toolu_0", "toolu_1"]
    assert stream.tool_calls[1].arguments == Ping()
    assert stream.finish_reason == "tool_use"


def test_recorded_tool_streams_from_raw_bytes() -> None:
    for name, adapter in (
        ("openai-chat-tools", openai_chat_tool_calls),
        ("openai-responses-tools", openai_responses_function_calls),
    ):
        stream = adapter(
            sse_json([read_recording(name)]), [MeetingInfoParser, ReportParser]
        )
        list(stream)
        assert [c.arguments for c in stream.tool_calls] == [
            MeetingInfo.model_validate(MEETING_DOC),
            Report.model_validate(REPORT_DOC),
        ]


# -- several choices, legacy function calls ----------------------------------------------


def test_each_choice_of_n_is_followed_apart() -> None:
    """With n > 1 the choices' deltas interleave; a stream follows the one it is given."""
    other = '{"name": "Bob", "age": 7, "category": "user"}'
    events: list[dict[str, Any]] = []
    for index, text in enumerate((USER, other)):  # one event may carry both choices
        for k, part in enumerate(pieces(text, 4)):
            if len(events) <= k:
                events.append({"choices": []})
            delta = {"content": part}
            events[k]["choices"].append(
                {"index": index, "delta": delta, "finish_reason": None}
            )
    ends: list[dict[str, Any]] = [
        {"index": i, "delta": {}, "finish_reason": "stop"} for i in (0, 1)
    ]
    events.append({"choices": ends})
    for choice, text in enumerate((USER, other)):
        stream = openai_chat_content(events, UserParser, choice=choice)
        assert list(stream)[-1].name == json.loads(text)["name"]
        assert stream.result == User.model_validate_json(text)


def test_a_legacy_function_call_reads_as_tool_call_zero() -> None:
    named = {"function_call": {"name": "User", "arguments": ""}}
    events = [{"choices": [{"index": 0, "delta": named, "finish_reason": None}]}]
    for part in pieces(USER):
        delta = {"function_call": {"arguments": part}}
        events.append(
            {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
        )
    events.append(chat(finish="function_call"))
    stream = openai_chat_tool_calls(events, {"User": UserParser})
    assert [s.name for s in list(stream) if s.done] == ["User"]
    assert [(c.index, c.name, c.arguments) for c in stream.tool_calls] == [
        (0, "User", User(name="Ada", age=36, category="admin"))
    ]


def test_a_delta_without_an_index_is_choice_zero_and_a_negative_choice_is_refused() -> (
    None
):
    events: list[dict[str, Any]] = [
        {"choices": [{"delta": {"content": part}}]} for part in pieces(USER)
    ]
    events.append({"choices": [{"delta": {}, "finish_reason": "stop"}]})
    stream = openai_chat_content(events, UserParser)
    assert list(stream)[-1].category == "admin"
    assert stream.result.name == "Ada"
    with pytest.raises(ValueError, match="got -1"):
        openai_chat_content(events, UserParser, choice=-1)
