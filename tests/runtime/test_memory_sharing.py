"""What large documents keep: strings shared with the validated objects, items nobody
took as text, the collector paused only while the result is built."""

from __future__ import annotations

import gc
import json
import tracemalloc
from typing import Protocol, runtime_checkable

import pytest
from partialgen import InvalidOutputError
from partialgen.runtime.kept import BATCH, KEPT_OBJECTS

from examples.meeting import User
from generated.meeting import MeetingInfoParser

MEETING = (
    '{"users": [{"name": "Ada", "email": "ada@example.com", "twitter": "@ada"}, '
    '{"name": "Bob", "email": "bob@example.com", "twitter": "@bob"}], '
    '"date": "2024-01-01", "location": "a long hall", "budget": 3, "deadline": "soon"}'
)


def test_kept_items_and_the_result_share_their_strings_with_the_snapshot() -> None:
    parser = MeetingInfoParser()
    for i in range(0, len(MEETING), 3):
        parser.feed(MEETING[i : i + 3])
    result = parser.close()
    kept = parser.take_items(User)
    snapshot = parser.snapshot
    assert snapshot.users is not None
    for partial, item in zip(snapshot.users, kept, strict=True):
        assert partial.email == item.email and partial.email is item.email
    assert snapshot.location is result.location
    assert result == type(result).model_validate_json(MEETING)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_as_it_was_after_the_root_validates_or_fails(
    enabled: bool,
) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        MeetingInfoParser().feed(MEETING)
        assert gc.isenabled() is enabled
        with pytest.raises(InvalidOutputError, match="deadline"):  # at the root's }
            MeetingInfoParser().feed(MEETING.replace(', "deadline": "soon"', ""))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_long_string_pushed_in_small_pieces_is_held_in_blocks() -> None:
    """1 MB of one string in 4-character pushes, no snapshot asked for: its pieces are
    joined every few hundred, not kept as 250,000 `str`s (15 times the text)."""
    body = "x" * 1_000_000
    text = '{"users": [], "date": "d", "location": "' + body
    tracemalloc.start()
    try:
        parser = MeetingInfoParser(keep_items=False)
        for i in range(0, len(text), 4):
            parser.push(text[i : i + 4])
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held < 3 * len(text)  # the received text, the pieces in blocks
    assert parser.snapshot.location == body


def test_items_nobody_took_are_kept_as_text_and_validated_when_taken() -> None:
    users = [
        {"name": f"u{i}", "email": f"u{i}@example.com", "twitter": f"@u{i}"}
        for i in range(3 * KEPT_OBJECTS)
    ]
    text = json.dumps(
        {"users": users, "date": "d", "location": "l", "budget": 1, "deadline": "x"}
    )
    parser = MeetingInfoParser()
    body = text[:-1]  # the root's `}` validates it: its users are instances too
    for i in range(0, len(body), 64):
        parser.push(body[i : i + 64])
        if i == 64 * 300:
            early = parser.take_items(User)  # taken as they come: the instances
    gc.collect()
    # The newest untaken items (up to BATCH more) are instances; the rest wait as text.
    instances = sum(type(o) is User for o in gc.get_objects())
    assert instances < KEPT_OBJECTS + BATCH + len(early)
    parser.push("}")
    result = parser.close()
    assert early + parser.take_items(User) == result.users
    assert parser.take_items(User) == []


@runtime_checkable
class Named(Protocol):
    name: str


def test_items_are_taken_by_a_protocol_kept_as_text_or_not() -> None:
    users = [
        {"name": f"u{i}", "email": "e", "twitter": "t"} for i in range(3 * KEPT_OBJECTS)
    ]
    text = json.dumps(
        {"users": users, "date": "d", "location": "l", "budget": 1, "deadline": "x"}
    )
    parser = MeetingInfoParser()
    parser.feed(text)
    # Off-type (T is bound to BaseModel), and served as before.
    taken = parser.take_items(Named)  # type: ignore[type-var,type-abstract]
    assert [u.name for u in taken] == [u["name"] for u in users]
