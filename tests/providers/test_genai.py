"""Gemini through the real google-genai SDK against the replay server.

The request helper, the adapter (over the SDK's own stream and over raw SSE bytes), and
the one-call client: sync and async, re-asks with their request bodies checked, no
retries left, a truncated stream, blocks by the provider's filters, thought parts as
reasoning, and usage summed over attempts.
"""

from __future__ import annotations

import json
from typing import Any, assert_type

import pytest
from google import genai
from google.genai import types
from partialgen import (
    AsyncPartialClient,
    AsyncPartialStream,
    BlockedError,
    IncompleteOutputError,
    InvalidOutputError,
    MalformedJSONError,
    PartialClient,
    PartialStream,
    ProviderError,
    RefusalError,
    RetriesExhaustedError,
    TokenUsage,
    from_genai,
    genai_config,
    genai_content,
    sse_json,
)
from partialgen.demo.replay import Replay, awkward_pieces, read_recording, replay_server

from examples.categorized import User
from examples.meeting import MeetingInfo
from generated.categorized import PartialUser, UserParser
from generated.meeting import MeetingInfoParser, PartialMeetingInfo

from .recordings import MEETING_DOC, VALID_USER, gemini
from .test_client import ADA, MALFORMED, bodies, never_backwards

MISSING_CATEGORY = '{"name":"Ada","age":36}'
ASK = "Who is Ada?"
ASKED = {"role": "user", "parts": [{"text": ASK}]}
MODEL = "gemini-2.5-flash"


def answer(text: str, seed: int = 41, **options: Any) -> bytes:
    return gemini(text, seed=seed, **options).encode()


def sdk(replay: Replay) -> genai.Client:
    options = types.HttpOptions(base_url=replay.base_url, timeout=10_000)
    return genai.Client(api_key="test", http_options=options)


def client(replay: Replay) -> PartialClient:
    return from_genai(sdk(replay))


def text_of(content: dict[str, Any]) -> str:
    (part,) = content["parts"]
    return str(part["text"])


# -- the request helper and the adapter -------------------------------------------------


def test_genai_config_asks_for_json_with_the_models_json_schema() -> None:
    config = genai_config(MeetingInfo)
    assert config == {
        "response_mime_type": "application/json",
        "response_json_schema": MeetingInfo.model_json_schema(),
    }
    # The SDK's own config takes it as it is, with the user's settings beside it.
    full = types.GenerateContentConfig.model_validate({**config, "temperature": 0})
    assert full.response_json_schema == MeetingInfo.model_json_schema()
    schema = config["response_json_schema"]
    assert schema is not None
    schema["title"] = "changed"  # a copy, not pydantic's cache
    assert MeetingInfo.model_json_schema()["title"] == "MeetingInfo"


def test_adapter_over_the_sdks_own_stream() -> None:
    with replay_server("gemini-meeting") as replay:
        google = sdk(replay)  # kept: a collected client closes its connections
        chunks = google.models.generate_content_stream(
            model=MODEL, contents=ASK, config=genai_config(MeetingInfo)
        )
        stream = genai_content(chunks, MeetingInfoParser)
        names = [[u.name for u in s.users or []] for s in stream]
    assert stream.result == MeetingInfo.model_validate(MEETING_DOC)
    assert len(names) > 10 and names[-1][0] == "Jason Liu"
    assert stream.finish_reason == "STOP"
    assert stream.usage == TokenUsage(212, 131)


async def test_adapter_over_the_async_sdk_stream() -> None:
    with replay_server("gemini-meeting") as replay:
        google = sdk(replay)
        chunks = await google.aio.models.generate_content_stream(
            model=MODEL, contents=ASK, config=genai_config(MeetingInfo)
        )
        stream = genai_content(chunks, MeetingInfoParser)
        count = 0
        async for _ in stream:
            count += 1
    assert count > 10 and stream.result == MeetingInfo.model_validate(MEETING_DOC)
    assert stream.usage == TokenUsage(212, 131)


def test_adapter_over_raw_sse_bytes() -> None:
    body = read_recording("gemini-meeting")
    stream = genai_content(sse_json(awkward_pieces(body, 3)), MeetingInfoParser)
    snapshots = list(stream)
    assert stream.result == MeetingInfo.model_validate(MEETING_DOC)
    assert len(snapshots) > 10
    assert stream.usage == TokenUsage(212, 131)


def test_thought_parts_are_reasoning_and_thinking_tokens_are_output() -> None:
    thoughts = ["Ada runs the team {not json}. ", "So: admin."]
    body = answer(VALID_USER, thoughts=thoughts, usage=(9, 40, 25))
    stream = genai_content(sse_json([body]), UserParser)
    for _ in stream:
        pass
    assert stream.result == ADA
    assert stream.reasoning == "Ada runs the team {not json}. So: admin."
    assert stream.parser.text == VALID_USER  # no thought in the parsed text
    assert stream.usage == TokenUsage(9, 40 + 25)


def test_an_error_in_the_stream_is_a_provider_error() -> None:
    error = {"error": {"code": 500, "message": "Internal error", "status": "INTERNAL"}}
    body = answer(VALID_USER).split(b"\r\n\r\n")[0] + b"\r\n\r\n"
    body += b"data: " + json.dumps(error).encode() + b"\r\n\r\n"
    with pytest.raises(ProviderError, match="Internal error") as caught:
        for _ in genai_content(sse_json([body]), UserParser):
            pass
    assert caught.value.payload == error["error"]


# -- the one-call client ----------------------------------------------------------------


def test_create_partial_streams_the_meeting() -> None:
    config = {"temperature": 0.2}
    with replay_server("gemini-meeting") as replay:
        stream = client(replay).create_partial(
            MeetingInfoParser, model=MODEL, contents=ASK, config=config
        )
        assert_type(stream, PartialStream[PartialMeetingInfo, MeetingInfo])
        names = [[u.name for u in s.users or []] for s in stream]
        (exchange,) = replay.exchanges
        sent = bodies(replay)[0]
    assert stream.result == MeetingInfo.model_validate(MEETING_DOC)
    assert len(names) > 10 and names[-1][0] == "Jason Liu"
    assert stream.attempt == 1 and stream.failed_attempts == []
    assert stream.usage == TokenUsage(212, 131)
    assert exchange.path.endswith(f"/models/{MODEL}:streamGenerateContent")
    assert sent["contents"] == [ASKED]
    assert sent["generationConfig"] == {
        "temperature": 0.2,
        "responseMimeType": "application/json",
        "responseJsonSchema": MeetingInfo.model_json_schema(),
    }
    assert config == {"temperature": 0.2}  # the user's dict is not changed


def test_a_config_object_keeps_the_users_settings() -> None:
    config = types.GenerateContentConfig(
        temperature=0.5, system_instruction="Be terse."
    )
    with replay_server(answer(VALID_USER)) as replay:
        user = client(replay).create(
            UserParser, model=MODEL, contents=ASK, config=config
        )
        sent = bodies(replay)[0]
    assert user == ADA
    assert sent["systemInstruction"]["parts"] == [{"text": "Be terse."}]
    assert sent["generationConfig"]["temperature"] == 0.5
    assert sent["generationConfig"]["responseJsonSchema"] == User.model_json_schema()
    assert config.response_json_schema is None  # the user's object is not changed


def test_keywords_the_mode_sets_are_refused() -> None:
    partial = from_genai(genai.Client(api_key="test"))
    with pytest.raises(TypeError, match="response_mime_type"):
        partial.create_partial(
            UserParser,
            model=MODEL,
            contents=ASK,
            config={"response_mime_type": "text/plain"},
        )
    with pytest.raises(TypeError, match=r"config\.response_schema"):
        partial.create_partial(
            UserParser,
            model=MODEL,
            contents=ASK,
            config=types.GenerateContentConfig(response_schema=User),
        )
    with pytest.raises(ValueError, match="Gemini modes are"):
        from_genai(genai.Client(api_key="test"), mode="tools")  # type: ignore[call-overload]


async def test_async_client_streams() -> None:
    with replay_server("gemini-meeting") as replay:
        google = sdk(replay)
        partial = from_genai(google.aio)
        assert isinstance(partial, AsyncPartialClient)
        stream = partial.create_partial(MeetingInfoParser, model=MODEL, contents=ASK)
        assert_type(stream, AsyncPartialStream[PartialMeetingInfo, MeetingInfo])
        count = 0
        async for _ in stream:
            count += 1
        meeting = await partial.create(MeetingInfoParser, model=MODEL, contents=ASK)
    assert count > 10 and stream.result == meeting
    assert meeting == MeetingInfo.model_validate(MEETING_DOC)
    assert stream.usage == TokenUsage(212, 131)


def test_the_clients_kind_follows_the_sdk_clients_kind() -> None:
    sync = genai.Client(api_key="test")
    assert_type(from_genai(sync), PartialClient)
    assert_type(from_genai(sync.aio), AsyncPartialClient)
    assert isinstance(from_genai(sync), PartialClient)


# -- re-asking --------------------------------------------------------------------------


def test_malformed_json_mid_stream_is_reasked_with_the_models_answer() -> None:
    turns = [answer(MALFORMED, 42), answer(VALID_USER, 43, usage=(230, 20, 0))]
    # Gemini's stream ends with the connection, so the valid answer lingers too.
    with replay_server(turns, linger=2) as replay:
        stream = client(replay).create_partial(
            UserParser, model=MODEL, contents=ASK, max_retries=2
        )
        seen = [(stream.attempt, stream.new_attempt, s) for s in stream]
        sent = bodies(replay)
        first_closed = replay.exchanges[0].client_closed
    assert stream.result == ADA
    assert first_closed  # the invalid answer's HTTP stream was closed at once
    assert seen[-1][0] == 2
    restart = [s for _, fresh, s in seen if fresh]
    assert restart == [PartialUser()]  # the second attempt starts from a clean slate
    never_backwards([s for a, _, s in seen if a == 1])
    never_backwards([s for a, _, s in seen if a == 2])
    (failed,) = stream.failed_attempts
    assert isinstance(failed.error, MalformedJSONError)
    assert failed.text.startswith('{"name":"Ada","age":3x')
    # The re-ask: the conversation, the model's own answer, the errors with their path.
    assert len(sent) == 2
    asked, said, feedback = sent[1]["contents"]
    assert asked == ASKED == sent[0]["contents"][0]
    assert said == {"role": "model", "parts": [{"text": failed.text}]}
    assert feedback["role"] == "user"
    assert "age" in text_of(feedback) and "at character" in text_of(feedback)
    assert sent[1]["generationConfig"] == sent[0]["generationConfig"]
    # Gemini reports usage in every chunk, so the stopped attempt's is known too.
    assert failed.usage.input_tokens == 212 and failed.usage.output_tokens > 0
    assert stream.usage == failed.usage + TokenUsage(230, 20)


async def test_async_final_validation_failure_is_reasked() -> None:
    turns = [answer(MISSING_CATEGORY, 44), answer(VALID_USER, 45)]
    with replay_server(turns) as replay:
        google = sdk(replay)
        stream = from_genai(google.aio).create_partial(
            UserParser, model=MODEL, contents=[ASK], max_retries=1
        )
        fresh = [stream.new_attempt async for _ in stream]
        sent = bodies(replay)
    assert stream.result == ADA
    assert fresh.count(True) == 1 and stream.attempt == 2
    (failed,) = stream.failed_attempts
    assert isinstance(failed.error, InvalidOutputError)
    asked, said, feedback = sent[1]["contents"]
    assert asked == ASKED
    assert said == {"role": "model", "parts": [{"text": MISSING_CATEGORY}]}
    assert "category: Field required" in text_of(feedback)
    assert stream.usage == TokenUsage(2 * 212, 2 * 131)


def test_no_retries_left_raises_every_attempt() -> None:
    turns = [answer(MALFORMED, 46), answer(MISSING_CATEGORY, 47)]
    with replay_server(turns) as replay:
        stream = client(replay).create_partial(
            UserParser, model=MODEL, contents=ASK, max_retries=1
        )
        with pytest.raises(RetriesExhaustedError) as caught:
            for _ in stream:
                pass
        assert len(replay.exchanges) == 2
    error = caught.value
    first, second = error.attempts
    assert isinstance(first.error, MalformedJSONError)
    assert isinstance(second.error, InvalidOutputError)
    assert error.text == MISSING_CATEGORY == second.text
    assert error.snapshot == PartialUser(name="Ada", age=36)
    assert "after 2 attempts" in str(error)


def test_a_cut_by_max_tokens_is_incomplete_and_not_reasked_unless_asked() -> None:
    cut = answer(VALID_USER[:20], 48, finish="MAX_TOKENS")
    with replay_server([cut, answer(VALID_USER)]) as replay:
        with pytest.raises(IncompleteOutputError, match="MAX_TOKENS") as caught:
            client(replay).create(UserParser, model=MODEL, contents=ASK, max_retries=2)
        assert len(replay.exchanges) == 1
    assert "output token limit" in str(caught.value)
    assert caught.value.text == VALID_USER[:20]
    assert caught.value.snapshot == PartialUser(name="Ada")
    with replay_server([cut, answer(VALID_USER)]) as replay:
        user = client(replay).create(
            UserParser,
            model=MODEL,
            contents=ASK,
            max_retries=2,
            retry_incomplete=True,
        )
        sent = bodies(replay)
    assert user == ADA
    assert "stopped before it was complete" in text_of(sent[1]["contents"][-1])


def test_a_safety_stop_is_a_blocked_refusal_and_not_reasked() -> None:
    blocked = answer(VALID_USER[:20], 49, finish="SAFETY")
    with replay_server([blocked, answer(VALID_USER)]) as replay:
        stream = client(replay).create_partial(
            UserParser, model=MODEL, contents=ASK, max_retries=2
        )
        with pytest.raises(BlockedError) as caught:
            for _ in stream:
                pass
        assert len(replay.exchanges) == 1
    error = caught.value
    assert isinstance(error, RefusalError)
    assert error.reason == "SAFETY" and "safety filters" in error.refusal
    assert error.text == VALID_USER[:20]
    assert stream.finish_reason == "SAFETY"


def test_a_blocked_prompt_is_a_blocked_refusal() -> None:
    event = {
        "promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
        "usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 7},
    }
    body = b"data: " + json.dumps(event).encode() + b"\r\n\r\n"
    with replay_server(body, endpoint=":streamGenerateContent") as replay:
        stream = client(replay).create_partial(UserParser, model=MODEL, contents=ASK)
        with pytest.raises(BlockedError, match="prompt was blocked") as caught:
            for _ in stream:
                pass
    assert caught.value.reason == "PROHIBITED_CONTENT"
    assert stream.usage == TokenUsage(7, 0)


def test_client_reasoning_from_thought_parts() -> None:
    thoughts = ["Looking up Ada. ", "She is an admin."]
    turns = [
        answer(MISSING_CATEGORY, 50, thoughts=["First try."], usage=(9, 12, 5)),
        answer(VALID_USER, 51, thoughts=thoughts, usage=(30, 14, 8)),
    ]
    with replay_server(turns) as replay:
        stream = client(replay).create_partial(
            UserParser,
            model=MODEL,
            contents=ASK,
            config={"thinking_config": {"include_thoughts": True}},
            max_retries=1,
        )
        seen = [(stream.attempt, stream.reasoning) for _ in stream]
        sent = bodies(replay)
    assert stream.result == ADA
    assert stream.reasoning == "Looking up Ada. She is an admin."
    assert stream.failed_attempts[0].reasoning == "First try."
    assert (1, "First try.") in seen
    # Thoughts stay out of the re-ask: the model's turn is its answer only.
    assert sent[1]["contents"][1]["parts"] == [{"text": MISSING_CATEGORY}]
    # The SDK sends a dict config's nested settings as given; the API reads both.
    thinking = sent[0]["generationConfig"]["thinkingConfig"]
    assert thinking in ({"includeThoughts": True}, {"include_thoughts": True})
    assert stream.usage == TokenUsage(9 + 30, 12 + 5 + 14 + 8)


def test_the_replay_serves_gemini_streams_only() -> None:
    with replay_server("gemini-meeting") as replay:
        google = sdk(replay)
        with pytest.raises(
            genai.errors.APIError, match="streamGenerateContent"
        ) as caught:
            google.models.generate_content(model=MODEL, contents=ASK)
    assert caught.value.code == 404 and caught.value.status == "NOT_FOUND"


def test_create_iterable_delivers_each_item_of_a_wrapped_list() -> None:
    bo = User(name="Bo", age=3, category="guest")
    items = {"items": [ADA.model_dump(), bo.model_dump()]}
    with replay_server(answer(json.dumps(items), 52)) as replay:
        stream = client(replay).create_iterable(UserParser, model=MODEL, contents=ASK)
        delivered = list(stream)
        sent = bodies(replay)[0]
    assert delivered == [ADA, bo] == stream.result
    schema = sent["generationConfig"]["responseJsonSchema"]
    assert schema["required"] == ["items"]
    assert schema["properties"]["items"]["type"] == "array"


def test_a_prompt_of_parts_stays_the_first_turn_of_the_reask() -> None:
    turns = [answer(MISSING_CATEGORY, 53), answer(VALID_USER, 54)]
    with replay_server(turns) as replay:
        user = client(replay).create(
            UserParser,
            model=MODEL,
            contents=[ASK, types.Part.from_text(text="Answer in JSON.")],
            max_retries=1,
        )
        sent = bodies(replay)
    assert user == ADA
    asked, said, feedback = sent[1]["contents"]
    assert asked == {
        "role": "user",
        "parts": [{"text": ASK}, {"text": "Answer in JSON."}],
    }
    assert said["role"] == "model" and feedback["role"] == "user"
