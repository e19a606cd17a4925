"""End to end with the real openai SDK, sync and async, against the local replay server.

The recordings split the model's text inside keys, escapes and numbers, and the server
splits the bytes inside multi-byte characters; the SDK does the HTTP and SSE decoding,
our adapters and the generated parsers do the rest.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import time

import httpx
import pytest
from openai import APIConnectionError, AsyncOpenAI, NotFoundError, OpenAI
from openai.types.chat import ChatCompletionMessageParam
from partialgen import (
    ImpossiblePrefixError,
    IncompleteOutputError,
    InvalidOutputError,
    RefusalError,
    ToolCallSnapshot,
    openai_chat_content,
    openai_chat_tool_calls,
    openai_response_format,
    openai_responses_format,
    openai_responses_function_calls,
    openai_responses_text,
    openai_responses_tool,
    openai_tool,
)
from partialgen.demo.replay import Replay, replay_server
from pydantic import BaseModel

from examples.categorized import User
from examples.meeting import MeetingInfo
from examples.report import Report
from generated.categorized import UserParser
from generated.meeting import MeetingInfoParser, PartialMeetingInfo
from generated.report import ReportParser

from .recordings import MEETING_DOC, REPORT_DOC

MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "user", "content": "Extract the meeting from my notes."}
]
EXPECTED = MeetingInfo.model_validate(MEETING_DOC)


def client(replay: Replay) -> OpenAI:
    return OpenAI(base_url=replay.base_url, api_key="test", max_retries=0, timeout=10)


def async_client(replay: Replay) -> AsyncOpenAI:
    return AsyncOpenAI(
        base_url=replay.base_url, api_key="test", max_retries=0, timeout=10
    )


def check_meeting_snapshots(snapshots: list[PartialMeetingInfo]) -> None:
    """What a UI rendering these would see: values only ever extended, nothing half."""
    names = [[u.name or "" for u in s.users or []] for s in snapshots]
    for before, after in itertools.pairwise(names):
        assert len(after) >= len(before)
        for old, new in zip(before, after, strict=False):
            assert new.startswith(old)
    assert {s.budget for s in snapshots} <= {None, 12500}  # never 12 or 125
    zoe = {n[1] for n in names if len(n) > 1}
    assert 'Zoë "' in zoe or 'Zoë "Z' in zoe  # the escaped quote, once complete
    assert not any(name and name.endswith("\\") for name in zoe)
    locations = {s.location for s in snapshots}
    assert "Conference room B, 4th floor\nBuilding É" in locations
    assert not any(loc and "\\" in loc for loc in locations)


def test_chat_content() -> None:
    with replay_server("openai-chat-meeting") as replay:
        raw = client(replay).chat.completions.create(
            model="gpt-5.4-mini",
            messages=MESSAGES,
            response_format=openai_response_format(MeetingInfo),
            stream=True,
        )
        stream = openai_chat_content(raw, MeetingInfoParser)
        snapshots: list[PartialMeetingInfo] = list(stream)
    check_meeting_snapshots(snapshots)
    assert stream.result == EXPECTED
    assert stream.finish_reason == "stop"
    assert raw.response.is_closed
    sent = replay.exchanges[0].body
    assert sent["response_format"] == openai_response_format(MeetingInfo)
    assert sent["response_format"]["json_schema"]["strict"] is True


async def test_chat_content_async() -> None:
    with replay_server("openai-chat-meeting", seed=3) as replay:
        raw = await async_client(replay).chat.completions.create(
            model="gpt-5.4-mini",
            messages=MESSAGES,
            response_format=openai_response_format(MeetingInfo),
            stream=True,
        )
        stream = openai_chat_content(raw, MeetingInfoParser)
        snapshots = [snapshot async for snapshot in stream]
    check_meeting_snapshots(snapshots)
    assert stream.result == EXPECTED


def check_two_calls(
    events: list[ToolCallSnapshot[BaseModel]], calls: list[object]
) -> None:
    assert [(e.index, e.name) for e in events if e.done] == [
        (0, "MeetingInfo"),
        (1, "Report"),
    ]
    meeting = [e.snapshot for e in events if e.index == 0]
    assert all(isinstance(s, PartialMeetingInfo) for s in meeting)
    assert calls == [EXPECTED, Report.model_validate(REPORT_DOC)]


def test_chat_parallel_tool_calls() -> None:
    with replay_server("openai-chat-tools") as replay:
        raw = client(replay).chat.completions.create(
            model="gpt-5.4-mini",
            messages=MESSAGES,
            tools=[openai_tool(MeetingInfo), openai_tool(Report)],
            parallel_tool_calls=True,
            stream=True,
        )
        stream = openai_chat_tool_calls(raw, [MeetingInfoParser, ReportParser])
        events = list(stream)
    check_two_calls(events, [c.arguments for c in stream.tool_calls])
    assert all(c.id and c.id.startswith("call_") for c in stream.tool_calls)
    assert stream.finish_reason == "tool_calls"
    tools = replay.exchanges[0].body["tools"]
    assert [t["function"]["name"] for t in tools] == ["MeetingInfo", "Report"]


async def test_chat_parallel_tool_calls_async() -> None:
    with replay_server("openai-chat-tools", seed=5) as replay:
        raw = await async_client(replay).chat.completions.create(
            model="gpt-5.4-mini",
            messages=MESSAGES,
            tools=[openai_tool(MeetingInfo), openai_tool(Report)],
            stream=True,
        )
        async with openai_chat_tool_calls(
            raw, [MeetingInfoParser, ReportParser]
        ) as stream:
            events = [event async for event in stream]
    check_two_calls(events, [c.arguments for c in stream.tool_calls])


def test_responses_text() -> None:
    with replay_server("openai-responses-meeting") as replay:
        raw = client(replay).responses.create(
            model="gpt-5.4-mini",
            input="Extract the meeting from my notes.",
            text={"format": openai_responses_format(MeetingInfo)},
            stream=True,
        )
        stream = openai_responses_text(raw, MeetingInfoParser)
        snapshots = list(stream)
    check_meeting_snapshots(snapshots)
    assert stream.result == EXPECTED
    assert stream.finish_reason == "completed"
    assert replay.exchanges[0].path == "/responses"


async def test_responses_function_calls_async() -> None:
    with replay_server("openai-responses-tools") as replay:
        raw = await async_client(replay).responses.create(
            model="gpt-5.4-mini",
            input="Extract the meeting, then report on it.",
            tools=[openai_responses_tool(MeetingInfo), openai_responses_tool(Report)],
            stream=True,
        )
        stream = openai_responses_function_calls(raw, [MeetingInfoParser, ReportParser])
        events = [event async for event in stream]
    check_two_calls(events, [c.arguments for c in stream.tool_calls])


def test_responses_function_calls_sync_typed_by_one_parser() -> None:
    with replay_server("openai-responses-tools") as replay:
        raw = client(replay).responses.create(
            model="gpt-5.4-mini",
            input="x",
            tools=[openai_responses_tool(MeetingInfo)],
            stream=True,
        )
        # Reading only the meeting call: the report's arguments fail as a meeting.
        with pytest.raises(InvalidOutputError, match="users") as caught:
            for event in openai_responses_function_calls(raw, MeetingInfoParser):
                _: PartialMeetingInfo = event.snapshot
    assert "tool call 1 ('Report'" in caught.value.__notes__[0]
    assert raw.response.is_closed


def test_length_finish_is_an_incomplete_output_with_the_last_snapshot() -> None:
    with replay_server("openai-chat-length") as replay:
        raw = client(replay).chat.completions.create(
            model="gpt-5.4-mini",
            messages=MESSAGES,
            max_completion_tokens=60,
            stream=True,
        )
        stream = openai_chat_content(raw, MeetingInfoParser)
        seen: list[PartialMeetingInfo] = []
        with pytest.raises(IncompleteOutputError, match="'length'") as caught:
            seen.extend(stream)
    error = caught.value
    assert error.snapshot is seen[-1]
    assert isinstance(error.snapshot, PartialMeetingInfo)
    assert [u.name for u in error.snapshot.users or []][:2] == [
        "Jason Liu",
        'Zoë "Z" Müller',
    ]
    assert error.text == stream.parser.text and len(error.text) == 230


def test_refusal() -> None:
    with replay_server("openai-chat-refusal") as replay:
        raw = client(replay).chat.completions.create(
            model="gpt-5.4-mini", messages=MESSAGES, stream=True
        )
        with pytest.raises(RefusalError, match="can't help") as caught:
            list(openai_chat_content(raw, MeetingInfoParser))
    assert caught.value.refusal.startswith("I'm sorry")


def test_invalid_literal_stops_the_consumer_and_closes_the_http_stream() -> None:
    # `linger` keeps the response open after its last event, as a model still writing
    # would: only a consumer that closes the stream ends the exchange early.
    with replay_server("openai-chat-invalid-literal", linger=10) as replay:
        raw = client(replay).chat.completions.create(
            model="gpt-5.4-mini", messages=MESSAGES, stream=True
        )
        started = time.monotonic()
        with pytest.raises(ImpossiblePrefixError) as caught:
            for _ in openai_chat_content(raw, UserParser):
                pass
        assert raw.response.is_closed
        exchange = replay.exchanges[0]
        assert exchange.finished.wait(5)
        assert exchange.client_closed
        assert time.monotonic() - started < 5
    error = caught.value
    assert error.path == ("category",) and error.prefix.startswith("s")
    assert error.allowed == ("admin", "user", "guest")
    assert error.snapshot is not None and error.snapshot.model_dump() == {
        "name": "Ada",
        "age": 36,
        "category": None,
    }


async def test_breaking_out_inside_async_with_closes_the_http_stream() -> None:
    with replay_server("openai-chat-meeting", linger=10) as replay:
        raw = await async_client(replay).chat.completions.create(
            model="gpt-5.4-mini", messages=MESSAGES, stream=True
        )
        async with openai_chat_content(raw, MeetingInfoParser) as stream:
            async for snapshot in stream:
                if snapshot.users:
                    break
        assert replay.exchanges[0].finished.wait(5)
        assert replay.exchanges[0].client_closed


def _broken_stream_errors() -> tuple[type[Exception], ...]:
    # Recent SDK releases raise APIConnectionError for a stream cut mid-body; some
    # let the HTTP library's own error through (httpx's, or httpx2's since 3.x),
    # and CI installs whichever release the registry offers.
    errors: list[type[Exception]] = [APIConnectionError, httpx.RequestError]
    with contextlib.suppress(ImportError):
        errors.append(importlib.import_module("httpx2").RequestError)
    return tuple(errors)


BROKEN_STREAM_ERRORS = _broken_stream_errors()


def test_a_dropped_connection_keeps_what_arrived() -> None:
    with replay_server("openai-chat-meeting", cut_after=9000) as replay:
        raw = client(replay).chat.completions.create(
            model="gpt-5.4-mini", messages=MESSAGES, stream=True
        )
        stream = openai_chat_content(raw, MeetingInfoParser)
        with pytest.raises(BROKEN_STREAM_ERRORS) as caught:
            list(stream)
    assert "`.parser.text`" in caught.value.__notes__[0]
    text = stream.parser.text
    assert text and EXPECTED.model_dump_json() != text
    assert stream.snapshot.users and stream.snapshot.users[0].name == "Jason Liu"


def test_the_server_answers_only_its_endpoint() -> None:
    with replay_server("anthropic-tool-use") as replay, pytest.raises(NotFoundError):
        client(replay).chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        )


def test_categorized_user_round_trip_types() -> None:
    # The invalid recording with the literal fixed validates to the full model.
    fixed = (
        b'data: {"choices":[{"index":0,"delta":{"content":"{\\"name\\":\\"Ada\\",'
        b'\\"age\\":36,\\"category\\":\\"admin\\"}"},"finish_reason":"stop"}]}\n\n'
        b"data: [DONE]\n\n"
    )
    with replay_server(fixed, endpoint="/chat/completions") as replay:
        raw = client(replay).chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        )
        stream = openai_chat_content(raw, UserParser)
        list(stream)
    assert stream.result == User(name="Ada", age=36, category="admin")
