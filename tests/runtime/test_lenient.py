"""`lenient=True`: comments and trailing commas are tolerated; strict is the default."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from partialgen import MalformedJSONError

from generated.meeting import MeetingInfo, MeetingInfoParser
from tests.helpers import fixed_chunks, split_at
from tests.strategies import meeting_objects

NOISY = """// the model's answer
{ "users": [ {"name": "A", /* inline */ "email": "e", "twitter": "t",}, ], // trailing
  "date": "d", "location": "l", "budget": 3, /* a
  multi-line comment with "quotes" and a } */ "deadline": "x", }"""
CLEAN = (
    '{"users": [{"name": "A", "email": "e", "twitter": "t"}], '
    '"date": "d", "location": "l", "budget": 3, "deadline": "x"}'
)


@pytest.mark.parametrize("size", [1, 2, 3, 7, len(NOISY)])
def test_lenient_mode_reads_comments_and_trailing_commas(size: int) -> None:
    parser = MeetingInfoParser(lenient=True)
    for chunk in fixed_chunks(NOISY, size):
        snapshot = parser.feed(chunk)
    assert parser.close() == MeetingInfo.model_validate_json(CLEAN)
    assert snapshot.model_dump() == MeetingInfo.model_validate_json(CLEAN).model_dump()
    assert parser.text == NOISY  # what was received is kept exactly


@pytest.mark.parametrize("noise", ["/* c */", ",", "// c\n"])
def test_strict_mode_rejects_comments_and_trailing_commas(noise: str) -> None:
    text = CLEAN[:-1] + noise + "}"
    parser = MeetingInfoParser()
    with pytest.raises(MalformedJSONError) as caught:
        for chunk in fixed_chunks(text, 4):
            parser.feed(chunk)
    assert caught.value.position is not None
    assert caught.value.position >= len(CLEAN) - 1


def test_a_slash_that_starts_no_comment_is_malformed_even_when_lenient() -> None:
    parser = MeetingInfoParser(lenient=True)
    with pytest.raises(MalformedJSONError, match="comment"):
        parser.feed('{"users": [] /x')


@pytest.mark.parametrize("comment", ["// c\n", "/* c */", "/* a */ // b\n"])
@pytest.mark.parametrize("size", [1, 3, 64])
def test_a_trailing_comma_followed_by_a_comment(comment: str, size: int) -> None:
    text = CLEAN[:-1] + ", " + comment + "}"
    users, rest = CLEAN.split("]", 1)
    parser = MeetingInfoParser(lenient=True)
    for chunk in fixed_chunks(text, size):
        parser.feed(chunk)
    assert parser.close() == MeetingInfo.model_validate_json(CLEAN)
    in_list = MeetingInfoParser(lenient=True)
    in_list.feed(users + ", " + comment + "]" + rest)
    assert in_list.close() == MeetingInfo.model_validate_json(CLEAN)


# -- every position: comments and trailing commas wherever JSON allows whitespace --------

COMMENTS = [
    "// c\n",
    "/* c */",
    "/**/",
    '/* } ] , " */',
    "// , } ]\n",
    "/* a */ // b\n",
]


def _gaps(text: str) -> list[tuple[int, bool]]:
    """Offsets where whitespace may go (outside strings, between tokens), each with
    whether a trailing comma may go there too (before the `}`/`]` of a container with
    something in it)."""
    gaps, in_string, escaped, last = [], False, False, ""
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                last = ch
            continue
        if ch == '"':
            in_string = True
            gaps.append((i, False))
        elif ch in "}]":
            gaps.append((i, last not in "{["))
            last = ch
        elif ch in "{[,:":
            gaps.append((i, False))
            gaps.append((i + 1, False))
            last = ch
        elif not ch.isspace():
            last = ch
    return sorted(set(gaps))


@settings(max_examples=60, deadline=None)
@given(
    document=meeting_objects(),
    data=st.data(),
)
def test_comments_and_trailing_commas_anywhere(
    document: dict[str, Any], data: Any
) -> None:
    clean = json.dumps(document)
    gaps = _gaps(clean)
    chosen = data.draw(st.lists(st.sampled_from(gaps), max_size=12, unique=True))
    noisy, previous = [], 0
    for at, comma_allowed in sorted(chosen):
        noise = data.draw(st.sampled_from(COMMENTS))
        if comma_allowed and data.draw(st.booleans()):
            noise = data.draw(st.sampled_from([",", ", ", ",\n", ", /* x */"])) + noise
        noisy += [clean[previous:at], noise]
        previous = at
    text = "".join([*noisy, clean[previous:]])
    cuts = data.draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=20))
    parser = MeetingInfoParser(lenient=True)
    for chunk in split_at(text, cuts):
        parser.feed(chunk)
    assert parser.close() == MeetingInfo.model_validate_json(clean), text
    assert parser.text == text
