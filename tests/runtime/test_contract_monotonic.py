"""Streaming contract, rule 10 and section 4: snapshots never go backwards, never hold a
value outside their static type, and the last one equals the full-model validation.

Each document is cut at every offset (two chunks) and streamed in several fixed and
random chunkings, so every token kind (keys, escapes, surrogate pairs, numbers with sign,
fraction and exponent, keywords, literals, discriminators, atomic values) is cut at every
position.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from partialgen import StreamParser, completion
from pydantic import BaseModel

from generated.catalog import Catalog, CatalogParser
from generated.meeting import MeetingInfo, MeetingInfoParser
from tests.helpers import DEMO_MEETING, fixed_chunks, split_at, stream_all
from tests.static_types import check_snapshot_types

CATALOG = r"""{
  "title": "Spring \"sale\" \u00e9 \ud83d\ude00",
  "products": [
    {
      "id": "12345678-1234-5678-1234-567812345678",
      "SKU": "AB-12",
      "name": "Widget\nPro",
      "price": 19.99,
      "discount": -1.5e-2,
      "color": "green",
      "priority": 2,
      "size": "smaller",
      "status": "active",
      "tags": ["new", "h\u00e9llo", ""],
      "labels": ["x", "y"],
      "ratings": {"alice": 4, "bob": 3.5E+0},
      "reviews": [{"author": "Al", "stars": 5, "text": "ok"}, {"author": "Bo", "stars": 3}],
      "details": {"kind": "physical", "weight_kg": 2, "dimensions": {"width": 10, "height": 2.5e1, "depth": null}},
      "origin": [1.5, -2],
      "released": "2024-03-15",
      "updated_at": "2024-03-15T10:20:30Z",
      "available_from": "09:30:00",
      "warranty": "P1D",
      "thumbnail": "aGVsbG8=",
      "in_stock": false,
      "code": "X-1",
      "extra": {"a": [1, {"b": null}], "c": true},
      "note": "quiet"
    },
    {
      "id": "87654321-4321-8765-4321-876543218765", "SKU": "CD-3", "name": "E-book",
      "price": "5.00", "color": "blue", "status": "draft", "size": "small",
      "details": {"download_url": "https://x.example/b", "kind": "digital", "size_mb": 12},
      "code": 42, "in_stock": true, "description": "a \\ b"
    }
  ],
  "categories": [{"name": "root", "children": [{"name": "leaf", "children": []}]}],
  "featured": {"id": "00000000-0000-0000-0000-000000000001", "SKU": "F", "name": "F",
    "price": 0, "color": "red", "status": "archived",
    "details": {"kind": "digital", "download_url": "", "size_mb": 0.0}, "code": null},
  "metadata": {"source": "llm", "n": -3, "nested": {"k": [1, 2.5, false]}}
}"""

# One product using every field kind, compact: the document cut at every offset.
PRODUCT = (
    '{"title": "Sale \\u00e9\\ud83d\\ude00", "products": [{"SKU": "A\\"1", '
    '"id": "12345678-1234-5678-1234-567812345678", "name": "W\\nP", "price": -19.5e1, '
    '"discount": 0.25, "color": "blue", "priority": 1, "size": "smaller", '
    '"status": "archived", "tags": ["a", ""], "labels": ["x"], '
    '"ratings": {"k": -2E-1}, "reviews": [{"author": "Al", "stars": 5}], '
    '"details": {"weight_kg": 2, "kind": "physical", "dimensions": '
    '{"width": 10, "height": 2.5, "depth": null}}, "origin": [1, -2.5], '
    '"released": "2024-03-15", "updated_at": "2024-03-15T10:20:30Z", '
    '"available_from": "09:30:00", "warranty": "P1D", "thumbnail": "aGk=", '
    '"in_stock": false, "code": 7, "extra": {"a": [true, null]}, "note": "ok"}], '
    '"featured": null, "metadata": {"n": 1}}'
)

MEETING = DEMO_MEETING

DOCS: dict[str, tuple[type[StreamParser[Any, Any]], type[BaseModel], str]] = {
    "product": (CatalogParser, Catalog, PRODUCT),
    "catalog": (CatalogParser, Catalog, CATALOG),
    "meeting": (MeetingInfoParser, MeetingInfo, MEETING),
}

# -- static types of partial classes ----------------------------------------------------------

# -- "extended or unchanged" ---------------------------------------------------------------------


_DEFAULTS: dict[tuple[type[BaseModel], str], Any] = {}


def default_of(cls: type[BaseModel], name: str) -> Any:
    if (cls, name) not in _DEFAULTS:
        info = cls.model_fields[name]
        _DEFAULTS[cls, name] = info.get_default(
            call_default_factory=True, validated_data={}
        )
    return _DEFAULTS[cls, name]


def extends(earlier: Any, later: Any, where: str = "<root>") -> None:
    """Fail unless `later` holds every value `earlier` held, extended or unchanged."""
    if earlier is None:
        return
    if isinstance(earlier, BaseModel):
        assert type(later) is type(earlier), f"{where}: {earlier!r} became {later!r}"
        for name in type(earlier).model_fields:
            value = getattr(earlier, name)
            if value == default_of(type(earlier), name):
                continue  # a default is replaced by the received value
            extends(value, getattr(later, name), f"{where}.{name}")
    elif isinstance(earlier, str) and not isinstance(later, type(None)):
        assert isinstance(later, str) and later.startswith(
            earlier
        ), f"{where}: {earlier!r} became {later!r}"
    elif isinstance(earlier, list):
        assert isinstance(later, list) and len(later) >= len(earlier), where
        for i, item in enumerate(earlier):
            extends(item, later[i], f"{where}[{i}]")
    elif isinstance(earlier, set):
        assert isinstance(later, set) and earlier <= later, where
    elif isinstance(earlier, dict):
        assert isinstance(later, dict) and earlier.keys() <= later.keys(), where
        for key, item in earlier.items():
            extends(item, later[key], f"{where}[{key!r}]")
    else:
        assert earlier == later and type(earlier) is type(
            later
        ), f"{where}: {earlier!r} became {later!r}"


def tree_state(snapshot: Any, where: str = "<root>") -> list[Any]:
    """Values and completion of every object in a snapshot tree."""
    if isinstance(snapshot, BaseModel):
        state = completion(snapshot)
        out: list[Any] = [
            (where, sorted(state.fields), state.closed, dict(state.items))
        ]
        for name in type(snapshot).model_fields:
            out += tree_state(getattr(snapshot, name), f"{where}.{name}")
        return out
    if isinstance(snapshot, list):
        return [
            s for i, v in enumerate(snapshot) for s in tree_state(v, f"{where}[{i}]")
        ]
    return []


# -- the tests ------------------------------------------------------------------------------------


def test_documents_are_valid() -> None:
    for _parser, model, text in DOCS.values():
        model.model_validate_json(text)


@pytest.mark.parametrize("doc", ["product", "meeting"])
def test_every_two_chunk_cut_agrees_with_the_final_snapshot(doc: str) -> None:
    parser_cls, model, text = DOCS[doc]
    full = model.model_validate_json(text)
    full_dump = full.model_dump()
    final = parser_cls().feed(text)
    assert final.model_dump() == full_dump
    by_char = parser_cls()
    after_chars = [by_char.snapshot] + [by_char.feed(ch) for ch in text]
    for cut in range(len(text) + 1):
        parser = parser_cls()
        first = parser.feed(text[:cut])
        check_snapshot_types(first)
        # The same text gives the same snapshot, completion included, in any chunking.
        assert first.model_dump() == after_chars[cut].model_dump(), f"cut at {cut}"
        assert tree_state(first) == tree_state(
            after_chars[cut]
        ), f"completion after {text[max(0, cut - 30) : cut]!r} depends on the chunking"
        try:
            extends(first, final)
        except AssertionError as e:
            raise AssertionError(
                f"cut at {cut}: {text[max(0, cut - 20) : cut]!r}"
            ) from e
        last = parser.feed(text[cut:])
        assert last.model_dump() == full_dump, f"cut at {cut}"
        assert parser.close() == full


def _chunkings(text: str) -> list[list[str]]:
    rng = random.Random(20240315)
    out = [fixed_chunks(text, size) for size in (1, 2, 3, 7)]
    for _ in range(4):
        out.append(split_at(text, rng.sample(range(1, len(text)), 40)))
    return out


@pytest.mark.parametrize("doc", list(DOCS))
def test_snapshots_never_go_backwards_and_keep_their_static_types(doc: str) -> None:
    parser_cls, model, text = DOCS[doc]
    full = model.model_validate_json(text)
    for chunks in _chunkings(text):
        snapshots, result = stream_all(parser_cls, chunks)
        for n, (earlier, later) in enumerate(itertools.pairwise(snapshots)):
            check_snapshot_types(later)
            try:
                extends(earlier, later)
            except AssertionError as e:
                at = len("".join(chunks[: n + 1]))
                raise AssertionError(
                    f"{doc} at offset ~{at}, {len(chunks)} chunks"
                ) from e
        assert result == full


@pytest.mark.parametrize("doc", list(DOCS))
def test_last_snapshot_equals_the_full_validation_field_by_field(doc: str) -> None:
    parser_cls, model, text = DOCS[doc]
    full = model.model_validate_json(text)
    snapshots, result = stream_all(parser_cls, fixed_chunks(text, 4))
    last = snapshots[-1]
    for name in type(last).model_fields:
        assert getattr(last, name) == getattr(full, name) or (
            _dump(getattr(last, name)) == _dump(getattr(full, name))
        ), name
    assert result == full


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value
