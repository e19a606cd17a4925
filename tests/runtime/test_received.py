"""The received text: kept exactly, sliceable by offset, compacted into blocks.

A parser joins every `BLOCK` chunks into one block so that thousands of tiny chunks do
not keep thousands of `str` objects alive. Slices across blocks, the chunks not yet
joined and lenient mode's dropped spans must read exactly as before.
"""

from __future__ import annotations

import json
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st
from partialgen.runtime.received import BLOCK, Received

from generated.meeting import MeetingInfo, MeetingInfoParser
from tests.helpers import fixed_chunks

USER = {"name": "Ada", "email": "ada@example.com", "twitter": "@ada"}


def meeting(users: int, location: str) -> str:
    return json.dumps(
        {
            "users": [USER] * users,
            "date": "2026-11-22",
            "location": location,
            "budget": 1200,
            "deadline": "soon",
        }
    )


def receive(received: Received, chunk: str) -> None:
    """What `StreamParser.feed` does with a chunk before scanning it."""
    received.chunks.append(chunk)
    if len(received.chunks) >= received.compact_at:
        received.compact()


@settings(max_examples=60, deadline=None)
@given(
    pieces=st.lists(st.text(max_size=5), min_size=BLOCK, max_size=4 * BLOCK),
    cuts=st.lists(st.tuples(st.integers(0, 10**4), st.integers(0, 10**4)), max_size=8),
    asked=st.sets(st.integers(0, 4 * BLOCK), max_size=6),
)
def test_slices_read_the_text_whatever_was_joined(
    pieces: list[str], cuts: list[tuple[int, int]], asked: set[int]
) -> None:
    received = Received()
    sent = ""
    for count, piece in enumerate(pieces):
        receive(received, piece)
        sent += piece
        if count in asked:  # slicing midway indexes chunks that a later block joins
            for a, b in cuts:
                start, end = sorted((a % (len(sent) + 1), b % (len(sent) + 1)))
                assert received.slice(start, end) == sent[start:end]
    assert len(received.chunks) < BLOCK + len(pieces) // BLOCK + 1
    assert received.text() == sent
    assert received.slice(0, len(sent)) == sent


def test_dropped_spans_read_as_spaces_across_blocks() -> None:
    received = Received()
    text = "".join(f"[{i},]" for i in range(3 * BLOCK))
    for start in range(len(text)):
        receive(received, text[start])
        if text[start] == ",":
            received.drops.append((start, start + 1))
    expected = text.replace(",", " ")
    assert received.slice(0, len(text)) == expected
    assert received.slice(5, len(text) - 7) == expected[5:-7]
    assert received.text() == text  # the text as received, drops included


def test_a_stream_of_tiny_chunks_is_parsed_and_kept_exactly() -> None:
    text = meeting(200, "a\nb" * 300)
    parser = MeetingInfoParser()
    for chunk in fixed_chunks(text, 1):
        parser.feed(chunk)
    assert parser.close() == MeetingInfo.model_validate_json(text)
    assert parser.text == text
    assert len(parser.snapshot.users or []) == 200


def test_tiny_chunks_do_not_keep_a_str_object_each() -> None:
    """1-character chunks once kept ~60 bytes per character alive; now about 2."""
    text = meeting(0, "x" * 200_000)
    chunks = fixed_chunks(text, 1)
    tracemalloc.start()
    try:
        parser = MeetingInfoParser()
        for chunk in chunks:
            parser.feed(chunk)
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert parser.close().location == "x" * 200_000
    assert kept < 6 * len(text)  # the snapshot's string, the blocks, the frames


def test_a_slice_across_two_big_blocks_copies_only_what_it_returns() -> None:
    received = Received()
    for i in range(2 * BLOCK):
        receive(received, chr(ord("a") + i % 26) * 65_536)  # two blocks of 16 MB
    boundary = BLOCK * 65_536
    tracemalloc.start()
    try:
        piece = received.slice(boundary - 3, boundary + 3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert piece == "vvvwww"
    assert peak < 65_536  # not the 32 MB of the two blocks


def test_a_slice_of_everything_is_the_text_joined_in_place() -> None:
    """Validating the root reads all of the text: once it is read, the text is held
    once (joined), not as blocks and a joined copy."""
    tracemalloc.start()
    try:
        received = Received()
        for i in range(2 * BLOCK):
            receive(received, chr(ord("a") + i % 26) * 65_536)  # two blocks of 16 MB
        whole = received.slice(0, 2 * BLOCK * 65_536)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert whole is received.text() and len(received.chunks) == 1
    assert held < 33 * 2**20  # 32 MB of text, once
    assert received.slice(1, 4) == "aaa" and received.slice(65_535, 65_537) == "ab"
