"""Streaming contract, rules 14-16 and section 4: noise, emission, identity, immutability,
sync/async streams, and only documented errors whatever the input."""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from partialgen import (
    DepthLimitError,
    IncompleteOutputError,
    PartialgenError,
    completion,
)
from pydantic import BaseModel

from generated.catalog import Catalog, CatalogParser, PartialCatalog
from generated.categorized import User, UserParser
from generated.meeting import MeetingInfo, MeetingInfoParser, PartialMeetingInfo
from tests.helpers import fixed_chunks, stream_all

MEETING = (
    '{"users": [{"name": "Jason", "email": "j@x.io", "twitter": "@j"}, '
    '{"name": "Zo\\u00eb \\"Z\\"", "email": "z@x.io", "twitter": "@z"}], '
    '"date": "2024-03-15", "location": "Room B\\n4th", "budget": 12500, '
    '"deadline": "2024-03-01"}'
)
CATALOG = json.dumps(
    {
        "title": "Spring",
        "products": [
            {
                "id": "12345678-1234-5678-1234-567812345678",
                "SKU": "AB-12",
                "name": "Widget",
                "price": 19.99,
                "color": "green",
                "status": "active",
                "tags": ["new", "hot"],
                "ratings": {"alice": 4.5},
                "reviews": [{"author": "Al", "stars": 5}],
                "details": {
                    "kind": "physical",
                    "weight_kg": 2.0,
                    "dimensions": {"width": 1.0, "height": 2.0},
                },
                "in_stock": False,
                "code": None,
            },
            {
                "id": "87654321-4321-8765-4321-876543218765",
                "SKU": "CD-3",
                "name": "E-book",
                "price": "5.00",
                "color": "blue",
                "status": "draft",
                "details": {"kind": "digital", "download_url": "u", "size_mb": 12.5},
            },
        ],
        "metadata": {"n": 3, "ok": True},
    }
)


def dumps(snapshots: Iterable[BaseModel]) -> list[dict[str, Any]]:
    return [s.model_dump() for s in snapshots]


def distinct_values(snapshots: Iterable[BaseModel]) -> list[dict[str, Any]]:
    """The sequence of values shown, dropping snapshots that changed completion only."""
    out: list[dict[str, Any]] = []
    for dump in dumps(snapshots):
        if not out or dump != out[-1]:
            out.append(dump)
    return out


# -- rule 14: whitespace, empty chunks, prose and fences ------------------------------------------


def test_empty_and_whitespace_chunks_return_the_same_snapshot_everywhere() -> None:
    # After every structural character and closing quote, whitespace changes nothing;
    # an empty chunk changes nothing anywhere.
    parser = MeetingInfoParser()
    in_string = escaped = False
    previous = ""
    for ch in MEETING:
        before = parser.snapshot
        assert parser.feed("") is before
        if not in_string and previous in ("", *'{[,:}]"'):
            assert parser.feed(" \n\t\r ") is before
            assert parser.feed("") is before
        parser.feed(ch)
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        else:
            in_string = ch == '"'
        previous = ch
    assert parser.close() == MeetingInfo.model_validate_json(MEETING)


def test_pretty_printed_and_compact_json_give_the_same_snapshots() -> None:
    data = json.loads(CATALOG)
    compact = json.dumps(data, separators=(",", ":"))
    pretty = json.dumps(data, indent=4)
    compact_snaps, compact_result = stream_all(CatalogParser, list(compact))
    pretty_snaps, pretty_result = stream_all(CatalogParser, list(pretty))
    # Whitespace may complete a number before its "," or "}", so only values compare.
    assert distinct_values(pretty_snaps) == distinct_values(compact_snaps)
    assert pretty_result == compact_result == Catalog.model_validate_json(compact)


@pytest.mark.parametrize("size", [1, 3, 10, 64])
def test_prose_and_code_fences_around_the_json_are_skipped(size: int) -> None:
    before = 'Sure! Here is the "meeting" you asked for:\n\n```json\n'
    after = "\n```\n\nLet me know if you need anything else: [1, 2] {}."
    plain, plain_result = stream_all(MeetingInfoParser, fixed_chunks(MEETING, size))
    parser = MeetingInfoParser()
    initial = parser.snapshot
    for chunk in fixed_chunks(before, size):
        assert parser.feed(chunk) is initial
    seen = [initial]
    for chunk in fixed_chunks(MEETING, size):
        snapshot = parser.feed(chunk)
        if snapshot is not seen[-1]:
            seen.append(snapshot)
    assert dumps(seen) == dumps(plain)
    assert parser.done
    for chunk in fixed_chunks(after, size):
        assert parser.feed(chunk) is seen[-1]
    assert parser.close() == plain_result
    assert parser.text == before + MEETING + after


def test_text_after_the_root_closes_is_ignored_even_a_second_object() -> None:
    parser = UserParser()
    final = parser.feed('{"name": "A", "age": 1, "category": "guest"}')
    assert parser.feed('\n{"name": "B", "age": 2, "category": "x"}') is final
    assert parser.close().name == "A"


# -- rule 15: emission and identity ------------------------------------------------------------------

NO_CHANGE = [
    ('{"name": "A"', ', "ag'),  # a partial key
    ('{"name": "A", ', '"age"'),  # a whole key, no value yet
    ('{"name": "A", "age"', ": 3"),  # a number without its delimiter
    ('{"name": "A", "age": 3', "45"),
    ('{"name": "A', "\\"),  # an escape cut after the backslash
    ('{"name": "A', "\\u00"),
    ('{"name": "A', "\\ud83d"),  # the first half of a surrogate pair
    ('{"name": "A', "\\ud83d\\ude"),
    ('{"name": "A", "category": "a', "dm"),  # a literal already committed
    ('{"name": "A", "category": "u', "se"),
]


@pytest.mark.parametrize(("before", "chunk"), NO_CHANGE)
def test_a_chunk_that_changes_nothing_returns_the_previous_snapshot(
    before: str, chunk: str
) -> None:
    parser = UserParser()
    previous = parser.feed(before)
    assert parser.feed(chunk) is previous


CATALOG_NO_CHANGE = [
    ('"in_stock": ', "fals"),
    ('"size": "', "smal"),  # several enum values still possible
    ('"details": ', '{"kind": "'),  # the union member is still undecided
    ('"id": ', '"12345678-12'),  # atomic
    ('"origin": ', "[1.5, 2"),  # an atomic tuple
    ('"extra": ', '{"a": [1, {"b": '),
    ('"ratings": {', '"alice": 4'),
]


@pytest.mark.parametrize(("before", "chunk"), CATALOG_NO_CHANGE)
def test_incomplete_atomic_values_return_the_previous_snapshot(
    before: str, chunk: str
) -> None:
    parser = CatalogParser()
    previous = parser.feed('{"title": "T", "products": [{' + before)
    assert parser.feed(chunk) is previous


def test_unchanged_nested_objects_keep_their_identity() -> None:
    parser = MeetingInfoParser()
    split = MEETING.index("}, {") + 1
    snapshot = parser.feed(MEETING[:split])
    assert snapshot.users is not None
    user0 = snapshot.users[0]
    for ch in MEETING[split : MEETING.index('"date"')]:
        previous, snapshot = snapshot, parser.feed(ch)
        assert snapshot.users is not None and previous.users is not None
        assert snapshot.users[0] is user0
        if len(previous.users) == 2 and snapshot.users[1] is not previous.users[1]:
            # a new object only for a visible change: a value or its completion
            assert _state(snapshot.users[1]) != _state(previous.users[1]), repr(ch)
    users = snapshot.users
    assert parser.feed('"date": "2024').users is users  # the closed list is shared


def test_closed_product_and_its_parts_are_shared_while_the_next_streams() -> None:
    parser = CatalogParser()
    split = CATALOG.index('{"id": "8765')
    done = parser.feed(CATALOG[:split])
    assert done.products is not None
    first = done.products[0]
    assert first.details is not None and first.reviews
    details, reviews = first.details, first.reviews
    for chunk in fixed_chunks(CATALOG[split : CATALOG.index('"download_url"')], 5):
        snapshot = parser.feed(chunk)
        assert snapshot.products is not None
        assert snapshot.products[0] is first
        assert snapshot.products[0].details is details
        assert snapshot.products[0].reviews is reviews


def test_inside_an_open_object_unchanged_closed_children_are_shared() -> None:
    parser = CatalogParser()
    head = CATALOG[: CATALOG.index('"in_stock"')]
    snapshot = parser.feed(head)
    assert snapshot.products is not None
    details = snapshot.products[0].details
    assert details is not None
    later = parser.feed('"in_stock": false, "note": "qu')
    assert later is not snapshot
    assert later.products is not None
    assert later.products[0].details is details


def _state(snapshot: BaseModel) -> tuple[Any, ...]:
    state = completion(snapshot)
    return (
        copy.deepcopy(snapshot.model_dump()),
        sorted(state.fields),
        state.closed,
        dict(state.items),
    )


@pytest.mark.parametrize("size", [1, 4])
def test_a_published_snapshot_is_never_mutated(size: int) -> None:
    parser = CatalogParser()
    published: list[tuple[PartialCatalog, tuple[Any, ...], list[Any]]] = []
    for chunk in fixed_chunks(CATALOG, size):
        snapshot = parser.feed(chunk)
        if not published or snapshot is not published[-1][0]:
            nested = [(p, _state(p)) for p in snapshot.products or []]
            published.append((snapshot, _state(snapshot), nested))
    parser.close()
    for snapshot, state, nested in published:
        assert _state(snapshot) == state
        for item, item_state in nested:
            assert _state(item) == item_state


# -- sync and async streams ----------------------------------------------------------------------


async def _achunks(chunks: list[str]) -> AsyncIterator[str]:
    for chunk in chunks:
        yield chunk


@pytest.mark.parametrize("size", [1, 5, 33])
async def test_stream_and_astream_give_identical_snapshot_sequences(size: int) -> None:
    chunks = ["", "Here:\n```json\n", *fixed_chunks(CATALOG, size), " ", "\n```"]
    sync = CatalogParser.stream(chunks)
    sync_snaps = list(sync)
    astream = CatalogParser.astream(_achunks(chunks))
    async_snaps = [s async for s in astream]
    assert dumps(async_snaps) == dumps(sync_snaps)
    assert len(sync_snaps) == len({id(s) for s in sync_snaps})  # only changes
    assert sync.result == astream.result == Catalog.model_validate_json(CATALOG)
    helper_snaps, _ = stream_all(CatalogParser, chunks)
    assert dumps(sync_snaps) == dumps(helper_snaps[1:])


async def test_astream_of_truncated_text_raises_incomplete() -> None:
    stream = MeetingInfoParser.astream(_achunks(fixed_chunks(MEETING[:-1], 8)))
    seen: list[PartialMeetingInfo] = []
    with pytest.raises(IncompleteOutputError) as caught:
        async for snapshot in stream:
            seen.append(snapshot)
    assert caught.value.snapshot is seen[-1]
    assert caught.value.text == MEETING[:-1]


# -- rule 16: the cost of a chunk does not grow with the text already received ------------------


def _calls_for_tail(prefix: str, tail: str) -> int:
    """Python and C function calls made while feeding `tail` one character at a time.

    Deterministic, unlike a wall-clock timing: equal counts mean equal work per chunk.
    """
    parser = MeetingInfoParser()
    parser.feed(prefix)
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        for ch in tail:
            parser.feed(ch)
    finally:
        sys.setprofile(None)
    return calls


def test_chunk_cost_does_not_grow_with_received_text() -> None:
    user = '{"name": "n", "email": "e", "twitter": "t"}'
    tail = ", ".join(f'"{k}": "{"x" * 300}"' for k in ("date", "location", "deadline"))
    small = '{"users": [' + user + "], "
    big = '{"users": [' + ", ".join([user] * 2000) + "], "
    long_text = '{"users": [], "junk": "' + "y" * 300_000 + '", '
    base = _calls_for_tail(small, tail)
    assert _calls_for_tail(big, tail) == base
    assert _calls_for_tail(long_text, tail) == base


# -- section 4: only documented errors, whatever the input ---------------------------------------

BAD = [
    '{"name": }',
    '{"name" 1}',
    '{"name": "a" "age": 1}',
    "{]",
    "{,}",
    '{"name": "\\x"}',
    '{"name": "\\u12G4"}',
    '{"name": "\\udc00"}',
    '{"name": "\\ud83dx"}',
    '{"name": "\\ud83d\\u0041"}',
    '{"age": 01}',
    '{"age": 1.}',
    '{"age": -}',
    '{"age": 1e}',
    '{"age": 1.5}',
    '{"age": 1e999999}',
    '{"age": ' + "9" * 5000 + "}",
    '{"age": NaN}',
    '{"age": -Infinity}',
    '{"age": tru}',
    '{"age": nul',
    '{"age": True}',
    '{"age": [1]}',
    '{"age": {}}',
    '{"name": null}',
    '{"category": 1}',
    '{"category": ["admin"]}',
    '{"category": "ADMIN"}',
    '{"": 1, "\\u0000": 2}',
    "{{",
    '{"name": "a", "name": 3}',
    "}{]",
    "[1, 2]",
    '{"name": "a", "age": 1, "category": "user"}}}',
    '{"name": "a", "age": 1, "category": "user"',
]


def _feed_all(parser: Any, chunks: list[str]) -> Any:
    """Feed every chunk and close; only documented errors may escape (and are returned)."""
    error: PartialgenError | None = None
    for chunk in chunks:
        try:
            parser.feed(chunk)
        except PartialgenError as e:
            assert error is None or e is error  # sticky: the same error again
            error = e
    try:
        return parser.close()
    except PartialgenError as e:
        assert error is None or e is error
        return e


@pytest.mark.parametrize("text", BAD)
@pytest.mark.parametrize("size", [1, 4, 10_000])
def test_bad_input_raises_only_documented_errors(text: str, size: int) -> None:
    parser = UserParser()
    outcome = _feed_all(parser, fixed_chunks(text, size))
    if isinstance(outcome, PartialgenError):
        assert outcome.text == parser.text == text
    else:  # accepted: pydantic must agree on the root object
        start = text.index("{")
        _, length = json.JSONDecoder().raw_decode(text[start:])
        assert outcome == User.model_validate_json(text[start : start + length])


@pytest.mark.parametrize("parser_cls", [CatalogParser, MeetingInfoParser, UserParser])
def test_deep_nesting_raises_depth_limit_error(parser_cls: Any) -> None:
    parser = parser_cls(max_depth=50)
    with pytest.raises(DepthLimitError):
        parser.feed('{"extra": ' + "[" * 100)


def test_default_depth_limit_applies_without_recursion() -> None:
    parser = CatalogParser()
    parser.feed('{"title": "T", "products": [{"extra": ')
    with pytest.raises(DepthLimitError):
        for _ in range(30):
            parser.feed('{"a": [' * 50)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet='{}[]":,\\ u0123456789.eE+-truefalsnNIy\n', max_size=40),
    st.integers(min_value=1, max_value=5),
)
def test_arbitrary_text_raises_only_documented_errors(text: str, size: int) -> None:
    _feed_all(UserParser(), fixed_chunks(text, size))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_documents_agree_with_pydantic(data: st.DataObject) -> None:
    text = MEETING
    at = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
    ch = data.draw(st.sampled_from(list('{}[]",:\\ 0a-.eu')))
    if action == "delete":
        text = text[:at] + text[at + 1 :]
    elif action == "insert":
        text = text[:at] + ch + text[at:]
    else:
        text = text[:at] + ch + text[at + 1 :]
    size = data.draw(st.integers(min_value=1, max_value=12))
    try:
        expected: MeetingInfo | None = MeetingInfo.model_validate_json(text)
    except ValueError:
        expected = None
    outcome = _feed_all(MeetingInfoParser(), fixed_chunks(text, size))
    if expected is not None:
        assert outcome == expected
