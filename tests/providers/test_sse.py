"""Server-Sent Events from bytes: line endings, fields, and chunks cut anywhere."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from partialgen import (
    ProviderError,
    ServerSentEvent,
    asse_events,
    asse_json,
    sse_events,
    sse_json,
)
from partialgen.demo.replay import read_recording, recording_names
from partialgen.runtime.providers import SSEDecoder

BODY = (
    b": a comment the decoder skips\n"
    b"event: message_start\n"
    b'data: {"type": "message_start", "text": "Z\xc3\xb6e \xf0\x9f\x9a\x80"}\n'
    b"\n"
    b"id: 7\r\n"
    b"retry: 1500\r\n"
    b"data: first line\r\n"
    b"data:second line\r\n"
    b"\r\n"
    b"data: cr only\r"
    b"\r"
    b"event: no data, never dispatched\n"
    b"\n"
    b"data: [DONE]\n"
    b"\n"
)
EXPECTED = [
    ServerSentEvent(
        '{"type": "message_start", "text": "Zöe 🚀"}', "message_start", None, None
    ),
    ServerSentEvent("first line\nsecond line", None, "7", 1500),
    ServerSentEvent("cr only", None, "7", 1500),
    ServerSentEvent("[DONE]", None, "7", 1500),
]


def split(body: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(body)}), len(body)]
    return [body[a:b] for a, b in itertools.pairwise(bounds)]


def test_fields_line_endings_comments_and_events_without_data() -> None:
    assert list(sse_events([BODY])) == EXPECTED


def test_every_single_cut_gives_the_same_events() -> None:
    # Cuts inside the two- and four-byte characters and between CR and LF among them.
    for cut in range(len(BODY) + 1):
        assert list(sse_events(split(BODY, [cut]))) == EXPECTED, cut


def test_byte_by_byte() -> None:
    assert list(sse_events(BODY[i : i + 1] for i in range(len(BODY)))) == EXPECTED


@given(st.lists(st.integers(0, len(BODY)), max_size=40))
def test_any_chunking(cuts: list[int]) -> None:
    assert list(sse_events(split(BODY, cuts))) == EXPECTED


def test_a_leading_byte_order_mark_is_dropped() -> None:
    events = list(sse_events([b"\xef\xbb", b"\xbfdata: a\n\n"]))
    assert events == [ServerSentEvent("a")]


@pytest.mark.parametrize(
    ("chunks", "byte"),
    [
        ([b"data: a\xff\n\n"], 7),
        ([b"data: \xc3", b"(\n\n"], 6),  # a lead byte, then no continuation
        ([b"data: ok\n\n", b"data: \xed\xa0\x80\n\n"], 16),  # a surrogate
    ],
)
def test_invalid_utf8_is_a_provider_error_naming_the_byte(
    chunks: list[bytes], byte: int
) -> None:
    with pytest.raises(ProviderError, match=f"not valid UTF-8: byte {byte} "):
        list(sse_events(chunks))


def test_an_event_cut_off_before_its_blank_line_is_dropped() -> None:
    assert list(sse_events([b"data: 1\n\ndata: 2\n"])) == [ServerSentEvent("1")]


def test_sse_json_stops_at_done_and_rejects_data_that_is_not_json() -> None:
    assert list(sse_json([b'data: {"a": 1}\n\ndata: [DONE]\n\ndata: 2\n\n'])) == [
        {"a": 1}
    ]
    with pytest.raises(ProviderError, match="not JSON") as caught:
        list(sse_json([b"data: {oops\n\n"]))
    assert isinstance(caught.value.payload, ServerSentEvent)


@pytest.mark.parametrize("name", recording_names())
def test_recordings_decode_like_the_whole_body(name: str) -> None:
    body = read_recording(name)
    whole = list(sse_json([body]))
    assert whole == list(sse_json(body[i : i + 7] for i in range(0, len(body), 7)))
    assert all(isinstance(event, dict) for event in whole)
    # Every line of a recording is an SSE field line the providers send (Gemini's
    # end with CRLF).
    for line in body.decode().replace("\r\n", "\n").split("\n"):
        assert line == "" or line.startswith(("data: ", "event: ")), line


async def test_async_twins() -> None:
    async def chunks(body: bytes) -> AsyncIterator[bytes]:
        for i in range(0, len(body), 3):
            yield body[i : i + 3]

    assert [event async for event in asse_events(chunks(BODY))] == EXPECTED
    body = b'data: {"a": "\xc3\xb6"}\n\ndata: [DONE]\n\ndata: 2\n\n'
    assert [data async for data in asse_json(chunks(body))] == [{"a": "ö"}]


def test_decoder_is_sans_io() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\n") == []
    assert decoder.feed(b"\n") == [ServerSentEvent("x")]
