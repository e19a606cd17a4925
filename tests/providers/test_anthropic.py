"""End to end with the real anthropic SDK, sync and async, against the local replay server."""

from __future__ import annotations

import pytest
from anthropic import Anthropic, AsyncAnthropic
from anthropic.types import MessageParam
from partialgen import IncompleteOutputError, anthropic_tool, anthropic_tool_uses
from partialgen.demo.replay import Replay, replay_server

from examples.meeting import MeetingInfo
from generated.meeting import MeetingInfoParser, PartialMeetingInfo

from .recordings import INTRO, MEETING_DOC

MESSAGES: list[MessageParam] = [
    {"role": "user", "content": "Extract the meeting from my notes."}
]
EXPECTED = MeetingInfo.model_validate(MEETING_DOC)


def client(replay: Replay) -> Anthropic:
    return Anthropic(
        base_url=replay.base_url, api_key="test", max_retries=0, timeout=10
    )


def test_tool_use() -> None:
    with replay_server("anthropic-tool-use") as replay:
        raw = client(replay).messages.create(
            model="claude-sonnet-4-6",
            max_tokens=1024,
            messages=MESSAGES,
            tools=[anthropic_tool(MeetingInfo)],
            tool_choice={"type": "tool", "name": "MeetingInfo"},
            stream=True,
        )
        stream = anthropic_tool_uses(raw, MeetingInfoParser)
        snapshots: list[PartialMeetingInfo] = [event.snapshot for event in stream]
    assert snapshots[0] == PartialMeetingInfo()  # the call started: an empty snapshot
    assert [len(s.users or []) for s in snapshots][-1] == 3
    assert {s.budget for s in snapshots} <= {None, 12500}
    [call] = stream.tool_calls
    assert call.arguments == EXPECTED
    assert call.index == 1 and call.name == "MeetingInfo"
    assert call.id is not None and call.id.startswith("toolu_")
    assert stream.text == INTRO  # the text block before the tool use is kept
    assert stream.finish_reason == "tool_use"
    sent = replay.exchanges[0]
    assert sent.path == "/v1/messages"
    assert sent.body["tools"] == [anthropic_tool(MeetingInfo)]


async def test_tool_use_async() -> None:
    with replay_server("anthropic-tool-use", seed=11) as replay:
        async_client = AsyncAnthropic(
            base_url=replay.base_url, api_key="test", max_retries=0, timeout=10
        )
        raw = await async_client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=1024,
            messages=MESSAGES,
            tools=[anthropic_tool(MeetingInfo)],
            stream=True,
        )
        async with anthropic_tool_uses(
            raw, {"MeetingInfo": MeetingInfoParser}
        ) as stream:
            events = [event async for event in stream]
    assert events[-1].done and events[-1].snapshot.model_dump() == MEETING_DOC
    assert [c.arguments for c in stream.tool_calls] == [EXPECTED]


def test_the_message_stream_helper_works_too() -> None:
    # `messages.stream()` adds derived events (text, input_json) next to the raw ones.
    with replay_server("anthropic-tool-use") as replay:
        manager = client(replay).messages.stream(
            model="claude-sonnet-4-6",
            max_tokens=1024,
            messages=MESSAGES,
            tools=[anthropic_tool(MeetingInfo)],
        )
        with manager as raw:
            stream = anthropic_tool_uses(raw, MeetingInfoParser)
            list(stream)
    assert [c.arguments for c in stream.tool_calls] == [EXPECTED]
    assert stream.text == INTRO


def test_max_tokens_is_an_incomplete_output_naming_the_call() -> None:
    with replay_server("anthropic-max-tokens") as replay:
        raw = client(replay).messages.create(
            model="claude-sonnet-4-6", max_tokens=60, messages=MESSAGES, stream=True
        )
        stream = anthropic_tool_uses(raw, MeetingInfoParser)
        with pytest.raises(IncompleteOutputError) as caught:
            list(stream)
    message = str(caught.value)
    assert message.startswith("tool call 0 ('MeetingInfo', id 'toolu_")
    assert "'max_tokens': the model reached its output token limit" in message
    snapshot = caught.value.snapshot
    assert isinstance(snapshot, PartialMeetingInfo) and snapshot.users
    assert caught.value.text == stream.parsers[0].text
