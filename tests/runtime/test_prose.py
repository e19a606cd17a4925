"""Rule 14, finding the root in prose: a `{` or `[` of the prose that fails before the
root has shown anything lets the scan move on to the next one (docs/streaming.md)."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from partialgen import (
    IncompleteOutputError,
    InvalidOutputError,
    MalformedJSONError,
)
from partialgen.runtime.parser import LOOKBACK, MAX_CANDIDATES

from generated.meeting import MeetingInfo, MeetingInfoParser
from generated.roots import Scores, ScoresParser, Tags, TagsParser
from tests.helpers import fixed_chunks, split_at, stream_all
from tests.strategies import meeting_objects

MEETING = (
    '{"users": [{"name": "Jason", "email": "j@x.io", "twitter": "@j"}], '
    '"date": "2024-03-15", "location": "Room B", "budget": 12500, '
    '"deadline": "2024-03-01"}'
)

# Prose an assistant writes before its JSON, each holding brackets that begin no root.
PROSE = [
    "Sure {here} it is: ",
    "Use {curly} braces, {{ doubled }} or {} empty: ",
    'An example: {"a": 1, "b": [1, {"c": 2}]} and the answer: ',
    "Code: `function f() { return {a: 1}; }`\n\n",
    'Not this one {"users": "x"... wait, ',  # a known key stands: see below
]


@pytest.mark.parametrize("prose", PROSE[:4])
@pytest.mark.parametrize("size", [1, 3, 17, 10_000])
def test_brackets_in_prose_that_begin_no_root_are_skipped(
    prose: str, size: int
) -> None:
    plain, plain_result = stream_all(MeetingInfoParser, fixed_chunks(MEETING, size))
    parser = MeetingInfoParser()
    initial = parser.snapshot
    # The failed candidates showed nothing (each opening bracket may make a new, equal
    # snapshot, as the root's does), then come the snapshots of the JSON alone.
    for chunk in fixed_chunks(prose, size):
        assert parser.feed(chunk) == initial
    seen = [parser.snapshot]
    for chunk in fixed_chunks(MEETING, size):
        snapshot = parser.feed(chunk)
        if snapshot is not seen[-1]:
            seen.append(snapshot)
    assert [s.model_dump() for s in seen] == [s.model_dump() for s in plain]
    assert parser.close() == plain_result == MeetingInfo.model_validate_json(MEETING)
    assert parser.text == prose + MEETING


@pytest.mark.parametrize("prose", PROSE[:4])
def test_prose_and_json_in_one_chunk(prose: str) -> None:
    parser = MeetingInfoParser()
    assert (
        parser.feed(prose + MEETING).model_dump()
        == MeetingInfo.model_validate_json(MEETING).model_dump()
    )
    assert parser.done


def test_a_prose_object_with_a_key_of_the_model_is_the_root() -> None:
    # Once a key of the model matched, the snapshot may show it: its errors stand.
    text = PROSE[4] + MEETING
    parser = MeetingInfoParser()
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed(text)
    assert caught.value.path == ("users",)
    assert caught.value.text == text


@pytest.mark.parametrize(
    "before",
    ["", "\n  \t", "\ufeff", "Sure:\n```json\n", "Here:\n```\n  ", "``` JSON \r\n"],
)
def test_after_a_fence_or_at_the_start_the_first_bracket_is_the_root(
    before: str,
) -> None:
    # Nothing before it but whitespace or a fence's opening line: no doubt where the
    # JSON starts, so a malformed one fails at once, where it went wrong.
    text = before + "{curly} " + MEETING
    parser = MeetingInfoParser()
    with pytest.raises(MalformedJSONError) as caught:
        for chunk in fixed_chunks(text, 2):
            parser.feed(chunk)
    assert caught.value.position == text.index("curly")
    assert "expected a key string" in caught.value.reason


def test_a_fence_after_prose_brackets_still_finds_the_json() -> None:
    text = "Use {curly} braces:\n```json\n" + MEETING + "\n```"
    _, result = stream_all(MeetingInfoParser, fixed_chunks(text, 5))
    assert result == MeetingInfo.model_validate_json(MEETING)


def test_a_candidate_failing_past_the_look_back_stands() -> None:
    # An object of unknown keys longer than the look-back fails its validation at its
    # `}`: too far back to read again, so that error is the stream's.
    long_value = "x" * LOOKBACK
    near = 'Prose {"note": "' + "x" * (LOOKBACK - 30) + '"} ' + MEETING
    far = 'Prose {"note": "' + long_value + '"} ' + MEETING
    assert MeetingInfoParser().feed(near).users is not None
    parser = MeetingInfoParser()
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed(far)
    assert caught.value.errors and caught.value.errors[0]["type"] == "missing"


def test_at_most_so_many_candidates_are_dropped() -> None:
    enough = "a {b} " * MAX_CANDIDATES
    assert MeetingInfoParser().feed(enough + MEETING).budget == 12500
    parser = MeetingInfoParser()
    with pytest.raises(MalformedJSONError) as caught:
        parser.feed(enough + "a {b} " + MEETING)
    assert caught.value.position == len(enough) + 3


def test_prose_without_json_names_the_first_failed_bracket_on_close() -> None:
    parser = MeetingInfoParser()
    parser.feed("I cannot do {that}, sorry {")
    parser.feed("again}.")
    with pytest.raises(IncompleteOutputError) as caught:
        parser.close()
    message = str(caught.value)
    assert "no JSON object was received" in message
    assert "2 opening bracket(s) in the prose" in message
    assert "offset 13" in message and "got 't'" in message


@pytest.mark.parametrize("size", [1, 4, 1000])
def test_citations_before_a_list_root_are_skipped(size: int) -> None:
    body = '[{"name": "a"}, {"name": "b", "weight": 2}]'
    text = "As [1] and [the docs] say, the tags are [see below]:\n" + body
    seen, result = stream_all(TagsParser, fixed_chunks(text, size))
    assert result == Tags.model_validate_json(body)
    assert seen[0].root is None
    assert seen[-1].model_dump()["root"] == result.model_dump()


def test_a_dict_root_skips_a_prose_object() -> None:
    text = 'Scores {ok}, or {"note": "a string is no score"}: {"ann": 3}'
    _, result = stream_all(ScoresParser, fixed_chunks(text, 3))
    assert result == Scores.model_validate_json('{"ann": 3}')


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_lenient_comments_in_a_dropped_candidate_are_not_left_out_twice(
    size: int,
) -> None:
    body = (
        '{"users": [], // none\n "budget": 3, /* c */ "date": "d", "location": "l",'
        ' "deadline": "e",}'
    )
    text = 'Try {"x": 1, /* no */ } first, then ' + body
    parser = MeetingInfoParser(lenient=True)
    for chunk in fixed_chunks(text, size):
        parser.feed(chunk)
    result = parser.close()
    assert (result.budget, result.date, result.users) == (3, "d", [])
    assert parser.text == text


# Prose made of words and brackets that begin no MeetingInfo: `{` before a non-key,
# objects of unknown keys, arrays, and text between them.
_PROSE_PIECES = st.sampled_from(
    [
        "Sure! ",
        "{here} ",
        "{ } ",
        "{{x}} ",
        '{"a": 1} ',
        '{"nested": {"x": [1]}} ',
        "[1, 2] ",
        "f(x) { return 1; } ",
        ": ",
        "\n",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    prose=st.lists(_PROSE_PIECES, max_size=6).map("".join),
    document=meeting_objects(),
    cuts=st.lists(st.integers(min_value=1, max_value=400), max_size=12),
)
def test_random_prose_and_chunkings_find_the_same_root(
    prose: str, document: dict[str, object], cuts: list[int]
) -> None:
    body = json.dumps(document)
    text = "Answer: " + prose + body
    plain, plain_result = stream_all(MeetingInfoParser, [body])
    seen, result = stream_all(MeetingInfoParser, split_at(text, cuts))
    assert result == plain_result == MeetingInfo.model_validate_json(body)
    final = seen[-1].model_dump()
    assert final == plain[-1].model_dump()
    # Never backwards: each snapshot's fields stay set once set.
    for before, after in itertools.pairwise(seen):
        for name, value in before.model_dump().items():
            if value is not None:
                assert after.model_dump()[name] is not None
