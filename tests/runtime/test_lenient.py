"""`lenient=True`: comments and trailing commas are tolerated; strict is the default."""

from __future__ import annotations

import pytest
from partialgen import MalformedJSONError

from generated.meeting import MeetingInfo, MeetingInfoParser
from tests.helpers import fixed_chunks

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
