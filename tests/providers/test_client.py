"""The one-call client with the real openai and anthropic SDKs against the replay server.

Each test plays the provider's side with recorded-style streams: a first answer that is
invalid (mid-stream or at the end) and a second that is valid, and checks what the user
sees (snapshots, attempts, the result, usage) and what the re-ask sent (its body).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from anthropic import Anthropic, AsyncAnthropic
from openai import AsyncOpenAI, OpenAI
from partialgen import (
    AsyncPartialClient,
    ImpossiblePrefixError,
    IncompleteOutputError,
    InvalidOutputError,
    MalformedJSONError,
    PartialClient,
    RefusalError,
    RetriesExhaustedError,
    TokenUsage,
    from_anthropic,
    from_openai,
    openai_chat_content,
)
from partialgen.demo.replay import Replay, replay_server

from examples.categorized import User
from examples.meeting import MeetingInfo
from generated.categorized import PartialUser, UserParser
from generated.meeting import MeetingInfoParser

from .recordings import (
    INVALID_USER,
    MEETING_DOC,
    VALID_USER,
    anthropic,
    chat_content,
    chat_tool_calls,
    openai_chat,
    openai_responses,
)

MISSING_CATEGORY = '{"name":"Ada","age":36}'
MALFORMED = '{"name":"Ada","age":3x6,"category":"admin"}'
ADA = User(name="Ada", age=36, category="admin")
ASK = [{"role": "user", "content": "Who is Ada?"}]


def chat(text: str, seed: int = 11, finish: str = "stop") -> bytes:
    return openai_chat(chat_content(text, seed), finish=finish, seed=seed).encode()


def chat_call(text: str, seed: int = 12) -> bytes:
    deltas = chat_tool_calls([("User", text)], seed)
    return openai_chat(deltas, finish="tool_calls", seed=seed).encode()


def openai_client(replay: Replay) -> PartialClient:
    sdk = OpenAI(base_url=replay.base_url, api_key="test", max_retries=0, timeout=10)
    return from_openai(sdk)


def anthropic_sdk(replay: Replay) -> Anthropic:
    return Anthropic(base_url=replay.base_url, api_key="test", max_retries=0)


def bodies(replay: Replay) -> list[dict[str, Any]]:
    for exchange in replay.exchanges:
        exchange.finished.wait(5)
    return [e.body for e in replay.exchanges]


def never_backwards(snapshots: list[PartialUser]) -> None:
    for before, after in itertools.pairwise(snapshots):
        assert (after.name or "").startswith(before.name or "")
        for field in ("age", "category"):
            if getattr(before, field) is not None:
                assert getattr(after, field) == getattr(before, field)


# -- the happy path ---------------------------------------------------------------------


def test_create_partial_streams_the_meeting() -> None:
    with replay_server("openai-chat-meeting") as replay:
        stream = openai_client(replay).create_partial(
            MeetingInfoParser, model="gpt-5.4-mini", messages=ASK
        )
        names = [[u.name for u in s.users or []] for s in stream]
        sent = bodies(replay)[0]
    assert stream.result == MeetingInfo.model_validate(MEETING_DOC)
    assert len(names) > 20 and names[-1][0] == "Jason Liu"
    assert stream.attempt == 1 and stream.failed_attempts == []
    assert stream.usage == TokenUsage(212, 131)
    assert sent["messages"] == ASK and sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    assert sent["response_format"]["json_schema"]["strict"] is True
    assert sent["response_format"]["json_schema"]["name"] == "MeetingInfo"


def test_create_returns_the_model_and_passes_other_keywords() -> None:
    with replay_server(chat(VALID_USER)) as replay:
        user = openai_client(replay).create(
            UserParser, model="m", messages=ASK, temperature=0.2, seed=7
        )
        sent = bodies(replay)[0]
    assert user == ADA
    assert sent["temperature"] == 0.2 and sent["seed"] == 7


async def test_async_client_streams() -> None:
    with replay_server("openai-chat-meeting") as replay:
        sdk = AsyncOpenAI(base_url=replay.base_url, api_key="test", max_retries=0)
        client = from_openai(sdk)
        assert isinstance(client, AsyncPartialClient)
        stream = client.create_partial(MeetingInfoParser, model="m", messages=ASK)
        count = 0
        async for _ in stream:
            count += 1
        meeting = await client.create(MeetingInfoParser, model="m", messages=ASK)
    assert count > 20 and stream.result == meeting
    assert meeting == MeetingInfo.model_validate(MEETING_DOC)


def test_keywords_the_mode_sets_are_refused() -> None:
    client = from_openai(OpenAI(api_key="test"))
    with pytest.raises(TypeError, match="response_format"):
        client.create_partial(
            UserParser, model="m", messages=ASK, response_format={"type": "text"}
        )
    with pytest.raises(TypeError, match="stream_options\\['include_usage'\\]"):
        client.create_partial(
            UserParser, model="m", messages=ASK, stream_options={"include_usage": False}
        )
    with pytest.raises(ValueError, match="OpenAI modes are"):
        from_openai(OpenAI(api_key="test"), mode="text")  # type: ignore[call-overload]


# -- re-asking --------------------------------------------------------------------------


def test_invalid_literal_mid_stream_is_reasked_and_the_stream_starts_over() -> None:
    with replay_server([chat(INVALID_USER), chat(VALID_USER)], linger=5) as replay:
        stream = openai_client(replay).create_partial(
            UserParser, model="m", messages=ASK, max_retries=2
        )
        seen: list[tuple[int, bool, PartialUser]] = [
            (stream.attempt, stream.new_attempt, s) for s in stream
        ]
        sent = bodies(replay)
        first_closed = replay.exchanges[0].client_closed
    assert stream.result == ADA
    assert first_closed  # the invalid answer's HTTP stream was closed at once
    assert [a for a, _, _ in seen].count(1) >= 2 and seen[-1][0] == 2
    restart = [s for a, fresh, s in seen if fresh]
    assert len(restart) == 1 and restart[0] == PartialUser()  # a clean slate
    never_backwards([s for a, _, s in seen if a == 1])
    never_backwards([s for a, _, s in seen if a == 2])
    (failed,) = stream.failed_attempts
    assert isinstance(failed.error, ImpossiblePrefixError)
    assert failed.text.startswith('{"name":"Ada","age":36,"category":"s')
    assert failed.snapshot == PartialUser(name="Ada", age=36)
    # The re-ask: the conversation, the model's own answer, the error with its path.
    assert len(sent) == 2
    assert sent[1]["messages"][:1] == ASK
    answer, feedback = sent[1]["messages"][1:]
    assert answer == {"role": "assistant", "content": failed.text}
    assert feedback["role"] == "user"
    assert "category" in feedback["content"] and "'admin'" in feedback["content"]
    assert sent[1]["response_format"] == sent[0]["response_format"]
    # OpenAI reports usage in the stream's last chunk, which the stopped attempt never
    # reached: only the second attempt's usage is known.
    assert stream.usage == TokenUsage(212, 131)


def test_final_validation_failure_is_reasked_with_pydantic_errors() -> None:
    with replay_server([chat(MISSING_CATEGORY), chat(VALID_USER)]) as replay:
        user = openai_client(replay).create(
            UserParser, model="m", messages=ASK, max_retries=1
        )
        sent = bodies(replay)
    assert user == ADA
    feedback = sent[1]["messages"][-1]["content"]
    assert "category: Field required" in feedback


def test_malformed_json_is_reasked_with_its_position() -> None:
    with replay_server([chat(MALFORMED), chat(VALID_USER)]) as replay:
        stream = openai_client(replay).create_partial(
            UserParser, model="m", messages=ASK, max_retries=1
        )
        for _ in stream:
            pass
        sent = bodies(replay)
    assert isinstance(stream.failed_attempts[0].error, MalformedJSONError)
    assert "at character" in sent[1]["messages"][-1]["content"]
    assert stream.result == ADA


def test_no_retries_left_raises_every_attempt() -> None:
    turns = [chat(INVALID_USER), chat(MISSING_CATEGORY)]
    with replay_server(turns) as replay:
        stream = openai_client(replay).create_partial(
            UserParser, model="m", messages=ASK, max_retries=1
        )
        with pytest.raises(RetriesExhaustedError) as caught:
            for _ in stream:
                pass
        assert len(replay.exchanges) == 2
    error = caught.value
    first, second = error.attempts
    assert isinstance(first.error, ImpossiblePrefixError)
    assert isinstance(second.error, InvalidOutputError)
    assert (first.number, second.number) == (1, 2)
    assert error.last_error is second.error
    assert error.text == MISSING_CATEGORY == second.text
    assert error.snapshot == PartialUser(name="Ada", age=36)
    assert "after 2 attempts" in str(error) and "category" in str(error)
    assert error.__cause__ is second.error


def test_without_max_retries_an_invalid_answer_is_asked_once() -> None:
    with replay_server([chat(INVALID_USER), chat(VALID_USER)]) as replay:
        with pytest.raises(RetriesExhaustedError) as caught:
            openai_client(replay).create(UserParser, model="m", messages=ASK)
        assert len(replay.exchanges) == 1
    assert len(caught.value.attempts) == 1


def test_a_cut_by_the_token_limit_is_not_reasked_unless_asked() -> None:
    cut = chat(VALID_USER[:20], finish="length")
    with replay_server([cut, chat(VALID_USER)]) as replay:
        with pytest.raises(IncompleteOutputError, match="length"):
            openai_client(replay).create(
                UserParser, model="m", messages=ASK, max_retries=2
            )
        assert len(replay.exchanges) == 1
    with replay_server([cut, chat(VALID_USER)]) as replay:
        user = openai_client(replay).create(
            UserParser, model="m", messages=ASK, max_retries=2, retry_incomplete=True
        )
        sent = bodies(replay)
    assert user == ADA
    assert "stopped before it was complete" in sent[1]["messages"][-1]["content"]


def test_a_refusal_is_not_reasked() -> None:
    with replay_server(["openai-chat-refusal", chat(VALID_USER)]) as replay:
        with pytest.raises(RefusalError):
            openai_client(replay).create(
                UserParser, model="m", messages=ASK, max_retries=2
            )
        assert len(replay.exchanges) == 1


async def test_async_reask() -> None:
    with replay_server([chat(INVALID_USER), chat(VALID_USER)]) as replay:
        sdk = AsyncOpenAI(base_url=replay.base_url, api_key="test", max_retries=0)
        stream = from_openai(sdk).create_partial(
            UserParser, model="m", messages=ASK, max_retries=1
        )
        fresh = [stream.new_attempt async for _ in stream]
    assert fresh.count(True) == 1 and stream.attempt == 2
    assert stream.result == ADA


# -- modes ------------------------------------------------------------------------------


def test_openai_tools_mode_reasks_with_a_tool_result() -> None:
    with replay_server([chat_call(INVALID_USER), chat_call(VALID_USER)]) as replay:
        sdk = OpenAI(base_url=replay.base_url, api_key="test", max_retries=0)
        client = from_openai(sdk, mode="tools")
        user = client.create(UserParser, model="m", messages=ASK, max_retries=1)
        sent = bodies(replay)
    assert user == ADA
    first = sent[0]
    assert first["tools"][0]["function"]["name"] == "User"
    assert first["tool_choice"] == {"type": "function", "function": {"name": "User"}}
    assert first["parallel_tool_calls"] is False
    call_turn, result_turn = sent[1]["messages"][1:]
    (call,) = call_turn["tool_calls"]
    assert call_turn["role"] == "assistant"
    assert call["function"]["name"] == "User"
    assert call["function"]["arguments"].startswith('{"name":"Ada"')
    assert result_turn["role"] == "tool"
    assert result_turn["tool_call_id"] == call["id"]
    assert call["id"].startswith("call_")
    assert "category" in result_turn["content"]


def test_openai_responses_mode() -> None:
    turns = [
        openai_responses([("message", "", INVALID_USER)], seed=21).encode(),
        openai_responses([("message", "", VALID_USER)], seed=22).encode(),
    ]
    with replay_server(turns) as replay:
        sdk = OpenAI(base_url=replay.base_url, api_key="test", max_retries=0)
        stream = from_openai(sdk, mode="responses").create_partial(
            UserParser, model="m", input="Who is Ada?", max_retries=1
        )
        for _ in stream:
            pass
        sent = bodies(replay)
    assert stream.result == ADA
    assert sent[0]["text"]["format"]["name"] == "User"
    assert sent[0]["input"] == "Who is Ada?"
    asked, answer, feedback = sent[1]["input"]
    assert asked == {"role": "user", "content": "Who is Ada?"}
    assert answer["role"] == "assistant" and answer["content"].startswith('{"name"')
    assert "category" in feedback["content"]


def test_openai_responses_tools_mode() -> None:
    turns = [
        openai_responses([("function_call", "User", INVALID_USER)], seed=23).encode(),
        openai_responses([("function_call", "User", VALID_USER)], seed=24).encode(),
    ]
    with replay_server(turns) as replay:
        sdk = OpenAI(base_url=replay.base_url, api_key="test", max_retries=0)
        client = from_openai(sdk, mode="responses_tools")
        user = client.create(UserParser, model="m", input=ASK, max_retries=1)
        sent = bodies(replay)
    assert user == ADA
    assert sent[0]["tool_choice"] == {"type": "function", "name": "User"}
    call, output = sent[1]["input"][1:]
    assert call["type"] == "function_call" and call["name"] == "User"
    assert output["type"] == "function_call_output"
    assert output["call_id"] == call["call_id"]
    assert "category" in output["output"]


def anthropic_tool(text: str, seed: int) -> bytes:
    return anthropic([("tool_use", "User", text)], stop="tool_use", seed=seed).encode()


def test_anthropic_tools_mode_reasks_with_an_error_tool_result() -> None:
    turns = [anthropic_tool(MALFORMED, 31), anthropic_tool(VALID_USER, 32)]
    with replay_server(turns) as replay:
        client = from_anthropic(anthropic_sdk(replay))
        stream = client.create_partial(
            UserParser, model="claude", max_tokens=500, messages=ASK, max_retries=1
        )
        for _ in stream:
            pass
        sent = bodies(replay)
    assert stream.result == ADA
    assert sent[0]["tool_choice"] == {"type": "tool", "name": "User"}
    assert sent[0]["tools"][0]["name"] == "User"
    use_turn, result_turn = sent[1]["messages"][1:]
    (use,) = use_turn["content"]
    (result,) = result_turn["content"]
    assert use["type"] == "tool_use" and use["name"] == "User"
    assert use["input"] == {"name": "Ada"}  # what could be read of the arguments
    assert result["type"] == "tool_result" and result["is_error"] is True
    assert result["tool_use_id"] == use["id"]
    assert "at character" in result["content"]
    # The stopped attempt counts what message_start reported (2 output tokens so far).
    assert stream.usage == TokenUsage(2 * 472, 2 + 187)


async def test_anthropic_json_mode_async() -> None:
    def text(answer: str, seed: int) -> bytes:
        return anthropic([("text", "", answer)], stop="end_turn", seed=seed).encode()

    with replay_server([text(MISSING_CATEGORY, 33), text(VALID_USER, 34)]) as replay:
        sdk = AsyncAnthropic(base_url=replay.base_url, api_key="test", max_retries=0)
        client = from_anthropic(sdk, mode="json")
        user = await client.create(
            UserParser, model="claude", max_tokens=500, messages=ASK, max_retries=1
        )
        sent = bodies(replay)
    assert user == ADA
    assert sent[0]["output_config"]["format"]["type"] == "json_schema"
    assert sent[0]["output_config"]["format"]["schema"]["required"] == [
        "name",
        "age",
        "category",
    ]
    answer, feedback = sent[1]["messages"][1:]
    assert answer == {"role": "assistant", "content": MISSING_CATEGORY}
    assert "Field required" in feedback["content"]


def test_anthropic_tools_mode_refuses_thinking() -> None:
    client = from_anthropic(Anthropic(api_key="test"))
    with pytest.raises(TypeError, match="mode='json'"):
        client.create_partial(
            UserParser,
            model="claude",
            max_tokens=500,
            messages=ASK,
            thinking={"type": "enabled", "budget_tokens": 1024},
        )


# -- reasoning --------------------------------------------------------------------------


def _sse(events: list[dict[str, Any]], named: bool = False) -> bytes:
    out = ""
    for event in events:
        head = f"event: {event['type']}\n" if named else ""
        out += head + "data: " + json.dumps(event) + "\n\n"
    return out.encode()


def test_reasoning_content_deltas_are_kept_apart_from_the_answer() -> None:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    events: list[dict[str, Any]] = [
        chunk({"role": "assistant", "reasoning_content": "Ada is "}),
        chunk({"reasoning_content": "an admin {not json}."}),
        *(chunk({"content": VALID_USER[i : i + 5]}) for i in range(0, 45, 5)),
        chunk({}, "stop"),
    ]
    body = _sse(events) + b"data: [DONE]\n\n"
    with replay_server(body) as replay:
        stream = openai_client(replay).create_partial(
            UserParser, model="deepseek-reasoner", messages=ASK
        )
        seen = []
        for _ in stream:
            seen.append(stream.reasoning)
    assert stream.result == ADA
    assert stream.reasoning == "Ada is an admin {not json}."
    assert seen[0] == "Ada is an admin {not json}."


def test_anthropic_thinking_deltas_are_reasoning() -> None:
    start = {"type": "message_start", "message": {"usage": {"input_tokens": 9}}}
    thinking = {"type": "thinking", "thinking": ""}
    events: list[dict[str, Any]] = [
        start,
        {"type": "content_block_start", "index": 0, "content_block": thinking},
        *(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "thinking_delta", "thinking": part},
            }
            for part in ("Let me ", "think.")
        ),
        {"type": "content_block_stop", "index": 0},
        {
            "type": "content_block_start",
            "index": 1,
            "content_block": {"type": "text", "text": ""},
        },
        {
            "type": "content_block_delta",
            "index": 1,
            "delta": {"type": "text_delta", "text": VALID_USER},
        },
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 40},
        },
        {"type": "message_stop"},
    ]
    with replay_server(_sse(events, named=True)) as replay:
        client = from_anthropic(anthropic_sdk(replay), mode="json")
        stream = client.create_partial(
            UserParser,
            model="claude",
            max_tokens=2000,
            messages=ASK,
            thinking={"type": "enabled", "budget_tokens": 1024},
        )
        for _ in stream:
            pass
    assert stream.result == ADA
    assert stream.reasoning == "Let me think."
    assert stream.usage == TokenUsage(9, 40)


def test_responses_reasoning_summary_is_reasoning() -> None:
    events: list[dict[str, Any]] = [
        {"type": "response.reasoning_summary_text.delta", "delta": "Looked up "},
        {"type": "response.reasoning_summary_text.delta", "delta": "Ada."},
        {"type": "response.output_text.delta", "delta": VALID_USER},
        {
            "type": "response.completed",
            "response": {"usage": {"input_tokens": 5, "output_tokens": 50}},
        },
    ]
    with replay_server(_sse(events, named=True)) as replay:
        sdk = OpenAI(base_url=replay.base_url, api_key="test", max_retries=0)
        stream = from_openai(sdk, mode="responses").create_partial(
            UserParser, model="m", input="Who is Ada?"
        )
        for _ in stream:
            pass
    assert stream.result == ADA
    assert stream.reasoning == "Looked up Ada."
    assert stream.usage == TokenUsage(5, 50)


def test_stream_facts_before_iteration_are_refused_clearly() -> None:
    stream = from_openai(OpenAI(api_key="test")).create_partial(
        UserParser, model="m", messages=ASK
    )
    assert stream.attempt == 0
    with pytest.raises(RuntimeError, match="iterate it first"):
        _ = stream.snapshot
    with pytest.raises(RuntimeError, match="not been iterated"):
        _ = stream.result


def test_a_model_or_a_parser_instance_is_refused_with_what_to_pass() -> None:
    client = from_openai(OpenAI(api_key="test"))
    with pytest.raises(TypeError, match="pass the generated MeetingInfoParser class"):
        client.create_partial(MeetingInfo, model="m", messages=ASK)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pass the class UserParser, not an instance"):
        client.create_iterable(UserParser(), model="m", messages=ASK)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pass the generated UserParser class"):
        openai_chat_content([], User)  # type: ignore[arg-type]


def test_a_throttle_shows_fewer_snapshots_and_never_withholds_the_last() -> None:
    with replay_server("openai-chat-meeting") as replay:
        everything = list(
            openai_client(replay).create_partial(
                MeetingInfoParser, model="m", messages=ASK
            )
        )
        stream = openai_client(replay).create_partial(
            MeetingInfoParser, model="m", messages=ASK, throttle=3600
        )
        shown = list(stream)
    assert len(everything) > 20
    assert shown == [everything[0], everything[-1]]
    assert stream.result == MeetingInfo.model_validate(MEETING_DOC)
