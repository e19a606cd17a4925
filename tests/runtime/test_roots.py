"""Rule 14, roots of every kind: a RootModel's document is its root value itself.

A list root reads an array (prose skipped up to its `[`), its items streaming and
delivered by rule 12; a map root reads an object of entries; a union root its member;
a scalar root (a string, a number, `Any`) skips only whitespace and a code fence. For
every document and chunking the result is `Model.model_validate_json(text)` and
snapshots never go backwards.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from partialgen import (
    IncompleteOutputError,
    InvalidOutputError,
    MalformedJSONError,
    StreamParser,
)
from pydantic import BaseModel

from examples.roots import Anything, Count, Headline, Scores, Shape, Tag, Tags
from generated.roots import (
    AnythingParser,
    CountParser,
    HeadlineParser,
    PartialCircle,
    PartialTag,
    ScoresParser,
    ShapeParser,
    TagsParser,
)
from tests.helpers import split_at
from tests.runtime.robustness_support import extends

TAGS = [{"name": "red", "weight": 0.5}, {"name": "caf\u00e9 \U0001f680"}, {"name": ""}]
CASES: list[tuple[type[StreamParser[Any, Any]], type[BaseModel], str]] = [
    (TagsParser, Tags, json.dumps(TAGS)),
    (TagsParser, Tags, "[]"),
    (ScoresParser, Scores, '{"ada": 3, "bo": -1}'),
    (HeadlineParser, Headline, '"Rain \\"later\\" \\u00e9"'),
    (CountParser, Count, "42"),
    (CountParser, Count, "-7 "),
    (AnythingParser, Anything, '[null, 1, "1", {}, {"a": [true]}]'),
    (AnythingParser, Anything, "3.5e2"),
    (AnythingParser, Anything, "null"),
    (ShapeParser, Shape, '{"kind": "circle", "radius": 2}'),
]
IDS = [f"{parser.__name__}:{text[:12]}" for parser, _, text in CASES]


def streamed(parser_cls: type[StreamParser[Any, Any]], chunks: list[str]) -> Any:
    """Feed every chunk, checking each snapshot extends the last; the closed result."""
    parser = parser_cls()
    last = parser.snapshot
    for chunk in chunks:
        snapshot = parser.feed(chunk)
        reason = extends(last, snapshot)
        assert reason is None, reason
        last = snapshot
    return parser.close()


@pytest.mark.parametrize(("parser_cls", "model", "text"), CASES, ids=IDS)
def test_every_prefix_then_the_rest_gives_what_pydantic_gives(
    parser_cls: type[StreamParser[Any, Any]], model: type[BaseModel], text: str
) -> None:
    expected = model.model_validate_json(text)
    for cut in range(len(text) + 1):
        assert streamed(parser_cls, split_at(text, [cut])) == expected, cut
    assert streamed(parser_cls, list(text)) == expected


@settings(max_examples=40, deadline=None)
@given(
    tags=st.lists(
        st.fixed_dictionaries(
            {"name": st.text(max_size=6)},
            optional={"weight": st.floats(allow_nan=False, allow_infinity=False)},
        ),
        max_size=4,
    ),
    cuts=st.lists(st.integers(1, 200), max_size=10),
)
def test_any_list_in_any_chunking(tags: list[dict[str, Any]], cuts: list[int]) -> None:
    text = json.dumps(tags)
    assert streamed(TagsParser, split_at(text, cuts)) == Tags.model_validate_json(text)


def test_a_list_root_skips_prose_and_delivers_items_as_they_close() -> None:
    parser = TagsParser()
    parser.feed('Sure! Here are the tags:\n```json\n[{"name": "red"}, {"na')
    assert parser.snapshot.root == [PartialTag(name="red"), PartialTag()]
    assert parser.take_items(Tag) == [Tag(name="red")]
    parser.feed('me": "blue", "weight": 2}]\n```\nAnything else?')
    assert parser.take_items(Tag) == [Tag(name="blue", weight=2)]
    assert parser.close() == Tags([Tag(name="red"), Tag(name="blue", weight=2)])


def test_strings_stream_at_a_string_root() -> None:
    parser = HeadlineParser()
    assert parser.feed('```json\n"Rain lat').root == "Rain lat"
    assert parser.feed('er"\n```').root == "Rain later"
    assert parser.close() == Headline("Rain later")


def test_a_number_root_is_complete_only_when_the_text_ends() -> None:
    parser = CountParser()
    assert parser.feed("12").root is None
    assert parser.feed("34").root is None
    assert parser.close() == Count(1234)
    assert parser.snapshot.root == 1234


def test_a_union_root_is_decided_by_its_discriminator() -> None:
    parser = ShapeParser()
    snapshot = parser.feed('{"kind": "c')
    assert snapshot.root == PartialCircle(kind="circle")
    parser.feed('ircle", "radius": 1.5}')
    assert parser.close() == Shape.model_validate({"kind": "circle", "radius": 1.5})


def test_errors_name_paths_as_pydantic_does_without_root() -> None:
    with pytest.raises(InvalidOutputError) as caught:
        TagsParser().feed('[{"name": "a"}, {"name": 3}]')
    assert caught.value.path == (1, "name")
    with pytest.raises(InvalidOutputError) as wrong_kind:
        ScoresParser().feed('{"a": "x"')
    assert wrong_kind.value.path == ("a",)


def test_a_scalar_root_does_not_skip_prose() -> None:
    with pytest.raises(MalformedJSONError):
        CountParser().feed("The count is 3")
    with pytest.raises(InvalidOutputError, match="expected a string"):
        HeadlineParser().feed("[")


def test_a_root_that_never_completes_is_incomplete() -> None:
    parser = TagsParser()
    parser.feed('[{"name": "a"}')
    with pytest.raises(IncompleteOutputError, match="has not closed"):
        parser.close()
    with pytest.raises(IncompleteOutputError, match="no JSON"):
        HeadlineParser().close()
    count = CountParser()
    count.feed("-")
    with pytest.raises(MalformedJSONError, match="invalid number"):
        count.close()
