"""`partialgen.patch`: JSON Patch deltas between consecutive snapshots, and `apply`.

The property: for documents of every example (and for documents with repeated keys,
whose snapshots may go backwards) in random chunkings, applying the diffs in order
reproduces every snapshot's JSON exactly; the strict diffs, applied by the `jsonpatch`
package, do too; `apply` never modifies the document it is given; and the values the
operations carry add up to at most 1.5x the document.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Sequence
from typing import Any

import jsonpatch  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from partialgen import InvalidOutputError, StreamParser
from partialgen.patch import PatchError, apply, diff, dump, escape, pointer
from pydantic import BaseModel

from generated.catalog import CatalogParser, PartialCatalog, PartialProduct
from generated.categorized import UserParser as CategorizedUserParser
from generated.hints import DigestParser
from generated.meeting import MeetingInfoParser
from generated.profile import UserProfileParser
from generated.report import ReportParser
from generated.roots import AnythingParser, ScoresParser, ShapeParser, TagsParser
from tests.helpers import DEMO_MEETING, fixed_chunks, split_at
from tests.strategies import documents, objects, repeated_keys

PARSERS: dict[str, type[StreamParser[Any, Any]]] = {
    "meeting": MeetingInfoParser,
    "profile": UserProfileParser,
    "report": ReportParser,
    "categorized": CategorizedUserParser,
    "catalog": CatalogParser,
    "hints": DigestParser,
}

CATALOG = json.dumps(
    {
        "title": "t",
        "products": [
            {
                "id": "12345678-1234-5678-1234-567812345678",
                "SKU": "A",
                "name": "n",
                "price": "12.50",
                "color": "red",
                "status": "active",
                "labels": ["b", "a", "c"],
                "origin": [1, 2.5],
                "updated_at": "2024-03-15T10:00:00Z",
                "warranty": "P1D",
                "thumbnail": "abc",
                "extra": {"any": [1, "two", None]},
                "details": {"kind": "digital", "download_url": "u", "size_mb": 1},
            }
        ],
        "metadata": {"k": {"deep": [True]}},
    }
)

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def carried(ops: Sequence[dict[str, Any]]) -> int:
    """The bytes of data the operations carry: an append's text, any other value's JSON."""
    total = 0
    for op in ops:
        if op["op"] == "append":
            total += len(op["value"].encode())
        elif "value" in op:
            total += len(compact(op["value"]))
    return total


def snapshots(parser: StreamParser[Any, Any], chunks: Sequence[str]) -> list[Any]:
    """The distinct snapshots a user sees, up to the end or the first error."""
    seen = [parser.snapshot]
    try:
        for chunk in chunks:
            snapshot = parser.feed(chunk)
            if snapshot is not seen[-1]:
                seen.append(snapshot)
    except InvalidOutputError as error:
        if error.snapshot is not None and error.snapshot is not seen[-1]:
            seen.append(error.snapshot)
    return seen


def replay(seen: Sequence[BaseModel]) -> tuple[int, Any]:
    """Apply each diff (ours and, strict, jsonpatch's); check every snapshot's JSON.

    Returns the bytes the non-strict operations carried and the final document.
    """
    doc: Any = None
    standard: Any = None
    before: BaseModel | None = None
    total = 0
    for snapshot in seen:
        expected = dump(snapshot)
        ops = diff(before, snapshot)
        strict = diff(before, snapshot, strict=True)
        assert all(op["op"] != "append" for op in strict)
        kept = copy.deepcopy(doc)
        doc = apply(doc, ops)
        assert doc == expected, ops
        assert compact(doc) == compact(expected)  # key order too
        if before is not None:
            assert kept == apply(kept, []) and apply(kept, []) is kept
            standard = jsonpatch.apply_patch(standard, strict)
        else:
            standard = apply(None, strict)
        assert standard == expected, strict
        total += carried(ops)
        before = snapshot
    return total, doc


@pytest.mark.parametrize("name", list(PARSERS))
@PROPERTY
@given(data=st.data())
def test_diffs_reproduce_every_snapshot(name: str, data: st.DataObject) -> None:
    text = data.draw(documents(name))
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=40))
    seen = snapshots(PARSERS[name](), split_at(text, cuts))
    total, doc = replay(seen)
    assert doc == dump(seen[-1])
    assert total <= 1.5 * len(compact(doc)), (total, len(compact(doc)))


@pytest.mark.parametrize("name", ["meeting", "catalog"])
@settings(PROPERTY, max_examples=15)
@given(data=st.data())
def test_diffs_reproduce_snapshots_that_go_backwards(
    name: str, data: st.DataObject
) -> None:
    # A repeated key replaces the earlier value: lists shrink, strings get shorter.
    text = data.draw(objects(name).flatmap(repeated_keys))
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=30))
    replay(snapshots(PARSERS[name](), split_at(text, cuts)))


def replay_same_stream(seen: Sequence[BaseModel], keep: Sequence[bool]) -> None:
    """Diffs with `same_stream=True` between the snapshots kept (others skipped, as a
    throttled stream does) rebuild each kept snapshot's JSON."""
    doc: Any = None
    before: BaseModel | None = None
    for snapshot, kept in zip(seen, keep, strict=False):
        if not kept and snapshot is not seen[-1]:
            continue
        doc = apply(doc, diff(before, snapshot, same_stream=True))
        assert doc == dump(snapshot)
        before = snapshot


@pytest.mark.parametrize("name", list(PARSERS))
@settings(PROPERTY, max_examples=25)
@given(data=st.data())
def test_same_stream_diffs_reproduce_kept_snapshots(
    name: str, data: st.DataObject
) -> None:
    text = data.draw(documents(name))
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=40))
    seen = snapshots(PARSERS[name](), split_at(text, cuts))
    keep = data.draw(st.lists(st.booleans(), min_size=len(seen), max_size=len(seen)))
    replay_same_stream(seen, keep)


@pytest.mark.parametrize("name", ["meeting", "catalog"])
@settings(PROPERTY, max_examples=15)
@given(data=st.data())
def test_same_stream_diffs_follow_a_repeated_key(
    name: str, data: st.DataObject
) -> None:
    # A repeated key makes a new list of new objects: not the old list grown.
    text = data.draw(objects(name).flatmap(repeated_keys))
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=30))
    seen = snapshots(PARSERS[name](), split_at(text, cuts))
    keep = data.draw(st.lists(st.booleans(), min_size=len(seen), max_size=len(seen)))
    replay_same_stream(seen, keep)


def test_same_stream_sees_a_repeated_key_replace_a_list_of_models() -> None:
    user = '{"name": "%s", "email": "e", "twitter": "t"}'
    old = ", ".join(user % n for n in "abc")
    new = ", ".join(user % n for n in "vwxy")
    parser = MeetingInfoParser()
    first = parser.feed('{"users": [' + old + "]")
    second = parser.feed(', "users": [' + new + "]")
    assert first.users is not None and second.users is not None
    assert len(second.users) > len(first.users) >= 3
    ops = diff(first, second, same_stream=True)
    assert apply(dump(first), ops) == dump(second)


def test_a_replaced_list_of_cached_scalars_is_compared_whole() -> None:
    # One-character strings are shared objects: a new list after a repeated key must
    # not pass for the old one grown because its first item is the same object.
    first = PartialProduct(tags=["a", "b", "c"])
    second = PartialProduct(tags=["a", "x", "c", "d"])
    assert first.tags is not None and second.tags is not None
    assert first.tags[0] is second.tags[0]
    ops = diff(first, second, same_stream=True)
    assert apply(dump(first), ops) == dump(second)
    assert {"op": "replace", "path": "/tags/1", "value": "x"} in ops


@pytest.mark.parametrize("name", ["meeting", "catalog"])
def test_one_character_at_a_time(name: str) -> None:
    text = DEMO_MEETING if name == "meeting" else CATALOG
    total, doc = replay(snapshots(PARSERS[name](), list(text)))
    assert total <= 1.5 * len(compact(doc))


def test_first_diff_is_the_whole_document_then_only_changes() -> None:
    parser = MeetingInfoParser()
    first = parser.feed('{"users": [{"name": "Ja')
    assert diff(None, first) == [{"op": "replace", "path": "", "value": dump(first)}]
    second = parser.feed('son", "email": "j@x.io", "twitter": ""}, {"name": "A"')
    assert diff(first, second) == [
        {"op": "append", "path": "/users/0/name", "value": "son"},
        {"op": "replace", "path": "/users/0/email", "value": "j@x.io"},
        {"op": "replace", "path": "/users/0/twitter", "value": ""},
        {"op": "add", "path": "/users/1", "value": dump(second)["users"][1]},
    ]
    assert diff(second, second) == []
    third = parser.feed(', "email": "a", "twitter": "t"}], "budget": 12500,')
    assert diff(second, third) == [
        {"op": "replace", "path": "/users/1/email", "value": "a"},
        {"op": "replace", "path": "/users/1/twitter", "value": "t"},
        {"op": "replace", "path": "/budget", "value": 12500},
    ]


def test_a_repeated_key_can_shrink_a_list_and_a_string() -> None:
    # pydantic keeps the last value of a repeated key: the snapshot goes backwards.
    text = (
        '{"users": [{"name": "a", "email": "b", "twitter": "c"}, '
        '{"name": "d", "email": "e", "twitter": "f"}], "location": "long text", '
        '"users": [{"name": "g", "email": "h", "twitter": "i"}], "location": "short"}'
    )
    seen = snapshots(MeetingInfoParser(), fixed_chunks(text, 5))
    ops = [op for a, b in zip([None, *seen], seen, strict=False) for op in diff(a, b)]
    assert {"op": "remove", "path": "/users/1"} in ops
    assert {"op": "replace", "path": "/location", "value": ""} in ops
    replay(seen)


def test_strict_replaces_strings() -> None:
    parser = MeetingInfoParser()
    first = parser.feed('{"location": "Room')
    second = parser.feed(" B")
    assert diff(first, second) == [{"op": "append", "path": "/location", "value": " B"}]
    assert diff(first, second, strict=True) == [
        {"op": "replace", "path": "/location", "value": "Room B"}
    ]


def test_paths_use_aliases_and_escape_tilde_and_slash() -> None:
    parser = CatalogParser()
    first = parser.feed('{"title": "", "products": [{"SKU": "AB')
    second = parser.feed('-12", "ratings": {"a/b~c": 4.5, "x')
    ops = diff(first, second)
    assert ops[0] == {"op": "append", "path": "/products/0/SKU", "value": "-12"}
    assert {"op": "add", "path": "/products/0/ratings/a~1b~0c", "value": 4.5} in ops
    assert apply(dump(first), ops) == dump(second)
    assert escape("~/") == "~0~1" and pointer(["a/b", 0, "~"]) == "/a~1b/0/~0"
    assert apply({"~1": 0}, [{"op": "replace", "path": "/~01", "value": 1}]) == {
        "~1": 1
    }


def test_values_are_the_json_dump() -> None:
    # Atomic values (UUID, Decimal, datetime, sets, tuples, bytes, Any) arrive as JSON.
    replay(snapshots(CatalogParser(), fixed_chunks(CATALOG, 7)))


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (TagsParser, '[{"name": "a", "weight": 2}, {"name": "b~/"}]'),
        (ScoresParser, '{"ada": 3, "a/b": 4}'),
        (AnythingParser, '{"x": [1, {"y": "z"}], "w": null}'),
        (ShapeParser, '{"kind": "circle", "radius": 2}'),
    ],
)
def test_root_models(parser: type[StreamParser[Any, Any]], text: str) -> None:
    for size in (1, 3):
        replay(snapshots(parser(), fixed_chunks(text, size)))


def test_a_diff_costs_the_change_not_the_document() -> None:
    # 1,500 users (~110 KB): were each diff to dump the document, diffing every
    # snapshot would dump ~200 MB; sharing unchanged objects keeps it near parse cost.
    users = [
        {"name": f"user {i}", "email": f"u{i}@example.com", "twitter": f"@u{i}"}
        for i in range(1500)
    ]
    text = json.dumps({"users": users, "date": "d", "location": "l", "budget": 1})
    chunks = fixed_chunks(text, 16)
    started = time.perf_counter()
    seen = snapshots(MeetingInfoParser(), chunks)
    parsing = time.perf_counter() - started
    started = time.perf_counter()
    before: Any = None
    doc: Any = None
    for snapshot in seen:
        ops = diff(before, snapshot)
        assert len(ops) <= 4
        doc = apply(doc, ops) if before is None else doc
        before = snapshot
    diffing = time.perf_counter() - started
    assert diffing < max(1.0, 4 * parsing), (diffing, parsing)


def test_wire_bytes_grow_linearly_with_the_document() -> None:
    def ratio(count: int) -> float:
        users = json.loads(DEMO_MEETING)["users"] * count
        text = json.dumps({**json.loads(DEMO_MEETING), "users": users})
        seen = snapshots(MeetingInfoParser(), fixed_chunks(text, 16))
        wire = sum(
            len(compact(diff(a, b))) for a, b in zip([None, *seen], seen, strict=False)
        )
        return wire / len(compact(dump(seen[-1])))

    small, large = ratio(10), ratio(300)
    # Patches cost a constant factor of the document (each chunk's op and path), not
    # the quadratic cost of sending the whole snapshot every time.
    assert large < small * 1.2
    assert large < 6


# -- apply ----------------------------------------------------------------------------


def test_apply_runs_rfc_6902_operations_without_mutating() -> None:
    doc = {"a": {"b": [1, 2]}, "c": "x", "d": {"e": 1}}
    kept = copy.deepcopy(doc)
    ops: list[dict[str, Any]] = [
        {"op": "add", "path": "/a/b/-", "value": 3},
        {"op": "add", "path": "/a/b/0", "value": 0},
        {"op": "remove", "path": "/a/b/1"},
        {"op": "replace", "path": "/c", "value": "y"},
        {"op": "append", "path": "/c", "value": "z"},
        {"op": "copy", "from": "/d", "path": "/f"},
        {"op": "move", "from": "/d/e", "path": "/g"},
        {"op": "test", "path": "/g", "value": 1},
        {"op": "add", "path": "/f/new", "value": True},
    ]
    result = apply(doc, ops)
    assert doc == kept
    assert result == {
        "a": {"b": [0, 2, 3]},
        "c": "yz",
        "d": {},
        "f": {"e": 1, "new": True},
        "g": 1,
    }
    standard = [op for op in ops if op["op"] != "append"]
    assert apply(doc, standard) == jsonpatch.apply_patch(doc, standard)


def test_apply_shares_untouched_parts_and_copies_inserted_values() -> None:
    doc = {"kept": {"big": [1, 2, 3]}, "list": []}
    value = {"name": "a"}
    result = apply(doc, [{"op": "add", "path": "/list/0", "value": value}])
    assert result["kept"] is doc["kept"]
    grown = apply(result, [{"op": "append", "path": "/list/0/name", "value": "b"}])
    assert value == {"name": "a"} and result["list"] == [{"name": "a"}]
    assert grown["list"] == [{"name": "ab"}]


@pytest.mark.parametrize(
    "op",
    [
        {"op": "replace", "path": "/missing", "value": 1},
        {"op": "add", "path": "/list/5", "value": 1},
        {"op": "add", "path": "/list/01", "value": 1},
        {"op": "remove", "path": "/list/0"},
        {"op": "append", "path": "/n", "value": "x"},
        {"op": "append", "path": "/s", "value": 1},
        {"op": "test", "path": "/n", "value": True},
        {"op": "add", "path": "s", "value": 1},
        {"op": "add", "path": "/a~2", "value": 1},
        {"op": "add", "path": "/~~01", "value": 1},
        {"op": "move", "from": "/list", "path": "/list/0"},
        {"op": "frobnicate", "path": ""},
        {"op": "add", "path": "/s"},
    ],
)
def test_apply_rejects_what_it_cannot_do(op: dict[str, Any]) -> None:
    doc = {"list": [], "n": 1, "s": "s"}
    with pytest.raises(PatchError) as caught:
        apply(doc, [{"op": "test", "path": "/n", "value": 1}, op])
    assert caught.value.index == 1 and caught.value.op is op
    assert doc == {"list": [], "n": 1, "s": "s"}


def test_catalog_partial_dump_is_what_diff_patches() -> None:
    snapshot = CatalogParser().feed('{"products": [{"SKU": "x"')
    assert isinstance(snapshot, PartialCatalog)
    assert diff(None, snapshot)[0]["value"]["products"][0]["SKU"] == "x"


def test_a_copy_does_not_share_with_its_source() -> None:
    ops: list[dict[str, Any]] = [
        {"op": "add", "path": "/a", "value": {}},
        {"op": "add", "path": "/a/x", "value": 1},
        {"op": "copy", "from": "/a", "path": "/b"},
        {"op": "add", "path": "/b/y", "value": 2},
    ]
    assert apply({}, ops) == {"a": {"x": 1}, "b": {"x": 1, "y": 2}}
