"""Snapshots on demand: `push` consumes text without building a snapshot, `snapshot`
builds one when asked (kept until something visible changes), `changed` tells."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from partialgen import ImpossiblePrefixError

from generated.categorized import UserParser
from generated.meeting import MeetingInfo, MeetingInfoParser, User
from tests.helpers import DEMO_MEETING, split_at
from tests.runtime.robustness_support import extends


def test_push_then_snapshot_is_what_feed_would_have_shown() -> None:
    fed, pushed = MeetingInfoParser(), MeetingInfoParser()
    for i in range(0, len(DEMO_MEETING), 7):
        chunk = DEMO_MEETING[i : i + 7]
        last = fed.feed(chunk)
        pushed.push(chunk)
        if i % 91 == 0:
            assert pushed.snapshot == last
    assert pushed.snapshot == fed.snapshot
    assert (
        pushed.close() == fed.close() == MeetingInfo.model_validate_json(DEMO_MEETING)
    )


def test_a_snapshot_is_built_once_and_kept_until_something_changes() -> None:
    parser = MeetingInfoParser()
    parser.push('{"location": "Room')
    assert parser.changed
    first = parser.snapshot
    assert not parser.changed
    assert parser.snapshot is first
    parser.push("   ")  # inside the string: visible
    assert parser.changed and parser.snapshot.location == "Room   "
    parser.push('", ')  # the string closed: its completion changed
    second = parser.snapshot
    parser.push("  \n")  # whitespace between tokens: nothing visible
    assert not parser.changed and parser.snapshot is second


def test_items_and_errors_are_the_same_with_push() -> None:
    parser = MeetingInfoParser()
    parser.push(DEMO_MEETING[: DEMO_MEETING.index("}") + 1])
    assert [u.name for u in parser.take_items(User)] == [
        json.loads(DEMO_MEETING)["users"][0]["name"]
    ]
    users = UserParser()
    users.push('{"name": "Ada", "category": "')
    with pytest.raises(ImpossiblePrefixError) as caught:
        users.push("s")
    assert users.snapshot == caught.value.snapshot
    assert users.text == '{"name": "Ada", "category": "s'
    assert not users.changed


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(st.integers(1, len(DEMO_MEETING) - 1), max_size=30), data=st.data()
)
def test_any_chunking_any_looks(cuts: list[int], data: st.DataObject) -> None:
    chunks = split_at(DEMO_MEETING, cuts)
    looks = data.draw(
        st.lists(st.booleans(), min_size=len(chunks), max_size=len(chunks))
    )
    parser, reference = MeetingInfoParser(), MeetingInfoParser()
    last = parser.snapshot
    for chunk, look in zip(chunks, looks, strict=True):
        parser.push(chunk)
        expected = reference.feed(chunk)
        if look:
            snapshot = parser.snapshot
            assert snapshot == expected
            reason = extends(last, snapshot)
            assert reason is None, reason
            last = snapshot
    assert parser.close() == MeetingInfo.model_validate_json(DEMO_MEETING)
    assert parser.snapshot == reference.snapshot


async def test_a_throttled_stream_shows_the_first_change_then_the_last() -> None:
    chunks = split_at(DEMO_MEETING, range(5, len(DEMO_MEETING), 5))
    everything = list(MeetingInfoParser.stream(chunks))
    paced = MeetingInfoParser.stream(chunks, throttle=3600)
    shown = list(paced)
    assert shown == [everything[0], everything[-1]]
    assert paced.result == MeetingInfo.model_validate_json(DEMO_MEETING)

    async def source() -> AsyncIterator[str]:
        for chunk in chunks:
            yield chunk

    ashown = [s async for s in MeetingInfoParser.astream(source(), throttle=3600)]
    assert ashown == shown
    assert list(MeetingInfoParser.stream(chunks, throttle=0)) == everything
    with pytest.raises(ValueError, match="throttle is seconds"):
        MeetingInfoParser.stream(chunks, throttle=-1)
