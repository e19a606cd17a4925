"""The replay server and its recordings: fresh, realistic, split awkwardly, cleaned up."""

from __future__ import annotations

import json
import socket

import pytest
from openai import BadRequestError, OpenAI
from partialgen import sse_json
from partialgen.demo.replay import (
    awkward_pieces,
    endpoint_of,
    read_recording,
    recording_names,
    replay_server,
)

from . import recordings


def test_recordings_are_fresh() -> None:
    """Regenerate with: python -m tests.providers.recordings"""
    assert recording_names() == sorted(recordings.RECORDINGS)
    for name in recordings.RECORDINGS:
        assert read_recording(name) == recordings.render(name), name


def test_recordings_look_like_the_apis() -> None:
    chat = read_recording("openai-chat-meeting").decode()
    assert chat.endswith("data: [DONE]\n\n")
    first = json.loads(chat.split("\n\n")[0].removeprefix("data: "))
    assert first["object"] == "chat.completion.chunk"
    assert first["choices"][0]["delta"]["role"] == "assistant"
    anthropic = read_recording("anthropic-tool-use").decode()
    assert anthropic.startswith("event: message_start\ndata: ")
    assert "event: ping\n" in anthropic and anthropic.endswith(
        'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    )
    responses = read_recording("openai-responses-tools").decode()
    assert responses.startswith("event: response.created\n")
    # Non-ASCII travels as raw UTF-8, as the APIs send it.
    assert "Mü" in chat and "\\u00fc" not in chat


def test_awkward_pieces_cut_inside_multibyte_characters() -> None:
    body = "data: Zoë 🚀\n\n".encode()
    pieces = list(awkward_pieces(body, seed=1))
    assert b"".join(pieces) == body
    ends = {piece[-1] for piece in pieces}
    assert 0xC3 in ends and 0xF0 in ends  # a piece ends right after a lead byte
    assert list(awkward_pieces(body, seed=1)) == pieces  # deterministic


def test_unknown_recordings_and_providers() -> None:
    with pytest.raises(ValueError, match="no recording named 'nope'; known: anthropic"):
        read_recording("nope")
    with pytest.raises(ValueError, match="names no provider"):
        endpoint_of("mistral-x")


def test_requests_are_recorded_and_non_streaming_ones_refused() -> None:
    with replay_server("openai-chat-meeting") as replay:
        client = OpenAI(base_url=replay.base_url, api_key="test", max_retries=0)
        with pytest.raises(BadRequestError, match="streams only"):
            client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}]
            )
        [exchange] = replay.exchanges
        # The server marks the exchange finished just after the client has its answer.
        assert exchange.finished.wait(timeout=5)
        assert exchange.status == 400
        assert exchange.body["messages"] == [{"role": "user", "content": "hi"}]


def test_the_server_stops_with_the_block() -> None:
    with replay_server("openai-chat-meeting") as replay:
        host, port = replay.base_url.removeprefix("http://").split(":")
        assert host == "127.0.0.1"
        socket.create_connection((host, int(port)), timeout=2).close()
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2).close()


def test_recorded_deltas_are_cut_at_awkward_places() -> None:
    pieces = [
        call["function"]["arguments"]
        for event in sse_json([read_recording("openai-chat-tools")])
        for choice in event["choices"]
        for call in choice["delta"].get("tool_calls") or []
        if call["index"] == 0
    ]
    text = "".join(pieces)
    assert text == recordings.MEETING_ESCAPED
    ends = {len("".join(pieces[: i + 1])) for i in range(len(pieces))}

    def cut_inside(token: str, offset: int) -> bool:
        return text.index(token) + offset in ends

    assert cut_inside('"users"', 3)  # inside a key
    assert cut_inside("12500", 2)  # inside a number
    assert cut_inside('\\"Z', 1)  # right after a backslash
    assert cut_inside("\\u00c9", 4)  # inside a \u escape
    assert cut_inside("\\ude80", 0)  # between the halves of a surrogate pair
