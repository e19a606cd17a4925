"""Streaming hints: `Needed()` hides an object until the field arrived; `Atomic()` (or
`x-partialgen: atomic`) keeps a value hidden until complete."""

from __future__ import annotations

import json

import pytest
from partialgen import InvalidOutputError

from generated.hints import Digest, DigestParser, PartialArticle, PartialDigest
from tests.helpers import fixed_chunks, stream_all

DOC = {
    "topic": "Rust",
    "articles": [
        {"summary": "Async traits land.", "title": "Rust 2.0", "url": "https://e.x/a"},
        {"title": "Cargo", "url": "https://e.x/b"},
    ],
    "source": "feed://weekly",
}
TEXT = json.dumps(DOC)


def test_an_article_appears_only_once_its_needed_title_is_complete() -> None:
    parser = DigestParser()
    cut = TEXT.index('"title": "Rust 2.0"') + len('"title": "Rust')
    snapshot = parser.feed(TEXT[:cut])
    assert snapshot.articles == []  # summary streamed, but the title is not complete
    snapshot = parser.feed(TEXT[cut : TEXT.index('"url"')])
    assert snapshot.articles == [
        PartialArticle(title="Rust 2.0", url=None, summary="Async traits land.")
    ]


def test_atomic_values_never_show_half_written() -> None:
    snapshots, result = stream_all(DigestParser, fixed_chunks(TEXT, 1))
    urls = {a.url for s in snapshots for a in s.articles or []}
    assert urls <= {None, "https://e.x/a", "https://e.x/b"}
    assert {s.source for s in snapshots} == {"", "feed://weekly"}
    assert result == Digest.model_validate_json(TEXT)
    assert snapshots[-1].model_dump() == result.model_dump()


def test_every_shown_article_has_its_title_at_every_chunking() -> None:
    for size in (1, 2, 3, 5, 8):
        snapshots, _ = stream_all(DigestParser, fixed_chunks(TEXT, size))
        for snapshot in snapshots:
            for article in snapshot.articles or []:
                assert article.title in ("Rust 2.0", "Cargo")


def test_the_needed_field_is_typed_as_always_present() -> None:
    assert PartialArticle.model_fields["title"].annotation is str
    assert PartialArticle.model_fields["title"].is_required()


def test_a_revealed_object_dumps_its_fields_in_declaration_order() -> None:
    """The needed title arrived after the summary; the snapshot still reads in order."""
    snapshot = DigestParser().feed(TEXT[: TEXT.index('"url"')])
    assert snapshot.articles
    assert list(snapshot.articles[0].model_dump()) == ["title", "url", "summary"]
    assert repr(snapshot.articles[0]).startswith("PartialArticle(title='Rust 2.0',")


def test_an_object_closed_without_its_needed_field_is_never_shown() -> None:
    """Found by the property tests: the error's snapshot held an article lacking the
    title typed as always present."""
    parser = DigestParser()
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed('{"topic": "t", "articles": [{"summary": "s"}]')
    assert caught.value.path[:3] == ("articles", 0, "title")
    snapshot = caught.value.snapshot
    assert isinstance(snapshot, PartialDigest)
    assert snapshot.articles == []
