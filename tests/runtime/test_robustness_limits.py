"""Robustness, part 2: sizes, depths, wrong kinds and truncation.

A 10 MB string, nesting 100,000 levels deep (a `DepthLimitError` past `max_depth`,
never a `RecursionError`), integers of thousands of digits, every JSON token kind in
every field kind (agreeing with pydantic, errors naming the path, the offset and what was
expected), and every example document cut at every offset.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from partialgen import (
    DepthLimitError,
    IncompleteOutputError,
    InvalidOutputError,
    PartialgenError,
    StreamParser,
)
from pydantic import BaseModel, ValidationError

from generated.catalog import Catalog, CatalogParser
from generated.categorized import User, UserParser
from generated.meeting import MeetingInfo, MeetingInfoParser
from generated.profile import UserProfile, UserProfileParser
from generated.report import Report, ReportParser
from tests.helpers import DEMO_MEETING, fixed_chunks
from tests.runtime.robustness_support import (
    extends,
    generated_kinds,
    pydantic_verdict,
    run,
    same,
    snapshot_outside_types,
)

MB = 1_000_000


def kinds() -> tuple[type[BaseModel], Any]:
    models, partials = generated_kinds()
    return models.Kinds, partials.KindsParser


# -- a 10 MB string ------------------------------------------------------------------------------


def test_a_10_mb_string_streams_and_validates() -> None:
    big = "".join(f"{i:09d} " for i in range(MB))  # 10 MB
    text = '{"title": "' + big + '", "products": []}'
    parser = CatalogParser()
    shown = 0
    for chunk in fixed_chunks(text, 64 * 1024):
        title = parser.feed(chunk).title
        if title is not None:
            assert len(title) >= shown and title == big[: len(title)]
            shown = len(title)
    result = parser.close()
    assert result.title == big == parser.snapshot.title
    assert len(parser.text) == len(text)


def test_a_2_mb_string_of_escapes_cut_anywhere_validates() -> None:
    unit = 'line \\"q\\" \\u00e9\\ud83d\\ude00 \\\\ \\n'
    big = unit * (2 * MB // len(unit))  # 2 MB: escapes are decoded one by one
    text = (
        '{"users": [], "date": "d", "location": "'
        + big
        + '", "budget": 1, "deadline": "x"}'
    )
    parser = MeetingInfoParser()
    for chunk in fixed_chunks(text, 65_521):  # a prime: escapes cut at many offsets
        parser.feed(chunk)
    assert parser.snapshot.location == json.loads('"' + big + '"')
    assert parser.close() == MeetingInfo.model_validate_json(text)


@pytest.mark.parametrize("key", ["ignored", "metadata"])
def test_a_10_mb_value_in_an_undeclared_key_or_an_any_field(key: str) -> None:
    big = json.dumps({"k": ["x" * 1000] * (10 * MB // 1006)})
    value = big if key == "ignored" else '{"v": ' + big + "}"
    text = '{"title": "t", "' + key + '": ' + value + ', "products": []}'
    parser = CatalogParser()
    for chunk in fixed_chunks(text, 256 * 1024):
        parser.feed(chunk)
    assert parser.close() == Catalog.model_validate_json(text)


# -- memory ------------------------------------------------------------------------------------


def traced_peak(work: Callable[[], object]) -> int:
    """Peak bytes of Python allocations while `work` runs (tracemalloc)."""
    gc.collect()
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        work()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        if not tracing:
            tracemalloc.stop()


def test_streaming_a_10_mb_string_peaks_at_a_small_multiple_of_its_size() -> None:
    # benchmarks/memory.py measures more documents and chunk sizes; about 5x here.
    text = '{"title": "' + "x" * (10 * MB) + '", "products": []}'

    def stream() -> None:
        parser = CatalogParser()
        for chunk in fixed_chunks(text, 64 * 1024):
            parser.feed(chunk)
        parser.close()

    assert traced_peak(stream) < 8 * len(text)


def test_streaming_many_objects_peaks_at_a_small_multiple_of_pydantics_own() -> None:
    # Snapshots, item events not taken yet and the result: about 4.7x what
    # `model_validate_json` alone needs today. A regression guard: keeping every
    # published snapshot, or the text many times over, would go far past it.
    user = '{"name": "Jason Liu", "email": "jason@example.com", "twitter": "@jxnlco"}'
    text = (
        '{"users": ['
        + ", ".join([user] * 2000)
        + '], "date": "d", "location": "l", "budget": 1, "deadline": "x"}'
    )

    def stream() -> None:
        parser = MeetingInfoParser()
        for chunk in fixed_chunks(text, 4096):
            parser.feed(chunk)
        parser.close()

    reference = traced_peak(lambda: MeetingInfo.model_validate_json(text))
    assert traced_peak(stream) < 6 * reference


# -- nesting: 100,000 levels -------------------------------------------------------------------

DEEP = 100_000


def deep_chunks(head: str, opener: str, closer: str, tail: str) -> list[str]:
    text = head + opener * DEEP + closer * DEEP + tail
    return fixed_chunks(text, 256 * 1024)


@pytest.mark.parametrize(
    ("head", "opener", "closer", "tail", "path"),
    [
        ('{"title": "t", "metadata": {"x": ', "[", "]", "}}", ("metadata", "x")),
        ('{"title": "t", "metadata": {"x": ', '{"a": ', "}", "}}", ("metadata", "x")),
        ('{"title": "t", "ignored": ', "[", "]", "}", ()),
        (
            '{"title": "t", "categories": [',
            '{"name": "n", "children": [',
            "]}",
            "]}",
            None,  # categories[0].children[0]...: checked by its length
        ),
    ],
)
def test_100000_levels_of_nesting_raise_depth_limit_error(
    head: str, opener: str, closer: str, tail: str, path: tuple[str, ...] | None
) -> None:
    parser = CatalogParser()
    with pytest.raises(DepthLimitError) as caught:
        for chunk in deep_chunks(head, opener, closer, tail):
            parser.feed(chunk)
    error = caught.value
    text = error.text
    # The 1001st open container is refused (the root is the first).
    assert error.position is not None and text[error.position] in "[{"
    before = text[: error.position]
    assert (
        sum(before.count(c) for c in "[{") - sum(before.count(c) for c in "]}") == 1000
    )
    assert "max_depth=1000" in str(error)
    assert isinstance(error.snapshot, BaseModel)
    if path is not None:
        assert error.path == path
        assert snapshot_outside_types(error.snapshot) is None
    else:  # categories[0].children[0]. ... .children[0]
        assert len(error.path) > 900
    with pytest.raises(DepthLimitError):
        parser.close()


@pytest.mark.parametrize("limit", [1, 2, 3, 10, 64])
@pytest.mark.parametrize("opener", ["[", '{"a": '])
def test_max_depth_allows_exactly_that_many_levels(limit: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    # The root is level 1, `anything` holds levels 2 and up.
    for depth, refused in ((limit, False), (limit + 1, True)):
        inner = depth - 1
        text = '{"anything": ' + opener * inner + closer * inner + "}"
        if inner == 0:
            text = '{"anything": 1}'
        _, parser_cls = kinds()
        out = run(parser_cls, [text], max_depth=limit)
        assert isinstance(out.error, DepthLimitError) == refused, (depth, out.error)
        if refused:
            assert out.error is not None
            assert out.error.text == text


def test_a_raised_max_depth_still_never_recurses() -> None:
    # With the limit out of the way, 100,000 levels reach pydantic, whose own
    # recursion limit rejects them: an InvalidOutputError, never a RecursionError.
    parser = CatalogParser(max_depth=10 * DEEP)
    head = '{"title": "t", "products": [], "metadata": {"x": '
    with pytest.raises(InvalidOutputError) as caught:
        for chunk in deep_chunks(head, "[", "]", "}}"):
            parser.feed(chunk)
        parser.close()
    assert not isinstance(caught.value, DepthLimitError)
    assert caught.value.path[:2] == ("metadata", "x")
    assert pydantic_verdict(Catalog, caught.value.text) is None


def test_deep_valid_nesting_below_pydantics_limit_is_accepted() -> None:
    head = '{"title": "t", "products": [], "metadata": {"x": '
    text = head + "[" * 150 + "]" * 150 + "}}"
    out = run(CatalogParser, fixed_chunks(text, 7))
    assert out.result is not None and same(
        out.result, Catalog.model_validate_json(text)
    )


# -- huge integers ------------------------------------------------------------------------------

DIGITS = [19, 20, 300, 309, 3999, 4000, 4300, 4301, 10_000, 100_000]
NUMBER_FIELDS = ["i", "i_ge", "f", "f_finite", "anything", "money", "num_or_text"]


@pytest.mark.parametrize("digits", DIGITS)
@pytest.mark.parametrize("field", NUMBER_FIELDS)
def test_huge_integers_agree_with_pydantic(field: str, digits: int) -> None:
    model, parser_cls = kinds()
    numbers = (
        "9" * digits,
        "-" + "8" * digits,
        "1" + "0" * digits + ".5",
        "1" * digits + f"e-{digits}",  # a small float written with many digits
    )
    for number in numbers:
        text = f'{{"{field}": {number}, "maybe": "after"}}'
        expected = pydantic_verdict(model, text)
        for size in (7, len(text)):
            out = run(parser_cls, fixed_chunks(text, size))
            assert not out.problems
            assert out.accepted == (expected is not None), (number[:20], out.error)
            if expected is not None:
                assert same(getattr(out.snapshots[-1], field), getattr(expected, field))
            else:
                assert isinstance(out.error, InvalidOutputError)
                assert out.error.path[:1] == (field,)
                assert out.error.position == len(field) + 5


def test_a_huge_integer_in_a_list_and_a_dict_agrees_with_pydantic() -> None:
    model, parser_cls = kinds()
    for digits in (4300, 4301):
        big = "7" * digits
        text = f'{{"ints": [1, {big}], "table": {{"k": {big}}}, "uniq": [{big}]}}'
        expected = pydantic_verdict(model, text)
        out = run(parser_cls, fixed_chunks(text, 1000))
        assert out.accepted == (expected is not None)
        if expected is not None:
            assert same(out.result, expected)


# -- every JSON token kind in every field kind ----------------------------------------------

TOKENS = [
    "{}",
    '{"a": 1}',
    '{"a": 1, "b": "x"}',
    '{"kind": "dog", "name": "x"}',
    '{"lives": 3}',
    '{"zz": 1}',
    "[]",
    "[1]",
    '["a"]',
    '[1, "a"]',
    "[true]",
    "[[]]",
    '""',
    '"x"',
    '"1"',
    '"0"',
    '"1.5"',
    '"true"',
    '"light"',
    '"two"',
    '"2024-01-01"',
    '"2024-01-01T10:00:00Z"',
    '"12:00"',
    '"P1D"',
    '"12345678-1234-5678-1234-567812345678"',
    '"aGk="',
    '"on"',
    '"a"',
    "0",
    "1",
    "2",
    "-1",
    "1.5",
    "1.0",
    "1e2",
    "-0",
    "true",
    "false",
    "null",
    "NaN",
    "Infinity",
    "-Infinity",
    "123456789012345678901234567890",
]


def kinds_fields() -> list[str]:
    return list(kinds()[0].model_fields)


def pydantic_locations(model: type[BaseModel], text: str) -> set[tuple[Any, ...]]:
    try:
        model.model_validate_json(text)
    except ValidationError as e:
        return {tuple(err["loc"]) for err in e.errors()}
    return set()


@pytest.mark.parametrize("field", kinds_fields())
def test_every_token_kind_in_every_field_kind_agrees_with_pydantic(field: str) -> None:
    """Accepted with pydantic's value (the last snapshot too), or rejected with an error
    that names where: a path that leads to a location pydantic reports (a union decided
    by the token's kind reports its member's error at the union), an offset inside the
    value, a message."""
    model, parser_cls = kinds()
    wrong: list[str] = []
    for token in TOKENS:
        text = f'{{"{field}": {token}}}'
        start = len(field) + 5
        expected = pydantic_verdict(model, text)
        for size in (1, 2, len(text)):
            out = run(parser_cls, fixed_chunks(text, size))
            where = f"{field}={token} in chunks of {size}"
            if out.problems:
                wrong.append(f"{where}: {out.problems}")
            elif expected is not None:
                if out.result is None:
                    wrong.append(f"{where}: pydantic accepts, partialgen: {out.error}")
                elif not same(
                    (
                        getattr(out.snapshots[-1], field).model_dump()
                        if isinstance(getattr(out.snapshots[-1], field), BaseModel)
                        else getattr(out.snapshots[-1], field)
                    ),
                    (
                        getattr(expected, field).model_dump()
                        if isinstance(getattr(expected, field), BaseModel)
                        else getattr(expected, field)
                    ),
                ):
                    wrong.append(f"{where}: the last snapshot differs from pydantic")
            else:
                error = out.error
                if not isinstance(error, InvalidOutputError):
                    wrong.append(f"{where}: pydantic rejects, partialgen: {error!r}")
                    continue
                locations = pydantic_locations(model, text)
                if not any(loc[: len(error.path)] == error.path for loc in locations):
                    wrong.append(
                        f"{where}: path {error.path} is not among pydantic's "
                        f"{sorted(locations)} ({error})"
                    )
                if error.position is None or not (
                    start <= error.position < start + len(token)
                ):
                    wrong.append(
                        f"{where}: offset {error.position} outside the value "
                        f"[{start}, {start + len(token)}) ({error})"
                    )
                if not error.reason:
                    wrong.append(f"{where}: no message")
    assert not wrong, "\n".join(wrong)


# -- truncation at every offset ---------------------------------------------------------------

MEETING = DEMO_MEETING
PROFILE = (
    '{"name": "Zo\\u00eb", "bio": "Line\\none \\"quoted\\" \\ud83d\\ude00",'
    ' "interests": ["a", "", "c\\\\d"]}'
)
REPORT = '{"title": "T", "summary": "S \\t s", "conclusion": ""}'
CATEGORIZED = '{"name": "Al", "age": -0, "category": "guest"}'
CATALOG = json.dumps(
    {
        "title": "Sale \u00e9 \U0001f600",
        "products": [
            {
                "id": "12345678-1234-5678-1234-567812345678",
                "SKU": 'A"1',
                "name": "Widget\nPro",
                "price": -19.5e1,
                "discount": 0.25,
                "color": "blue",
                "priority": 2,
                "size": "smaller",
                "status": "archived",
                "tags": ["a", ""],
                "labels": ["x", "y"],
                "ratings": {"k": -0.2, "j": 4},
                "reviews": [{"author": "Al", "stars": 5, "text": "ok"}],
                "details": {
                    "kind": "physical",
                    "weight_kg": 2,
                    "dimensions": {"width": 10, "height": 2.5, "depth": None},
                },
                "origin": [1, -2.5],
                "released": "2024-03-15",
                "updated_at": "2024-03-15T10:20:30Z",
                "available_from": "09:30:00",
                "warranty": "P1D",
                "thumbnail": "aGk=",
                "in_stock": False,
                "code": "X-1",
                "extra": {"a": [True, None, 1.5e300]},
                "note": "ok",
            }
        ],
        "categories": [{"name": "root", "children": [{"name": "leaf"}]}],
        "featured": None,
        "metadata": {"n": 1, "nested": {"k": [1, 2.5, False]}},
    },
    indent=1,
)
KINDS = json.dumps(
    {
        "s": 'h\u00e9llo "q" \\ \U0001f600 \n',
        "s_min": "ab",
        "i": -12,
        "i_ge": 3,
        "f": 2.5e-3,
        "f_finite": -0.0,
        "b": True,
        "n": None,
        "lit_s": "off",
        "lit_i": 2,
        "lit_b": True,
        "lit_mixed": 0,
        "shade": "lighter",
        "level": 2,
        "mixed": "two",
        "when": "2024-03-15T10:20:30Z",
        "day": "2024-03-15",
        "clock": "09:30:00",
        "span": "P1DT2H",
        "uid": "12345678-1234-5678-1234-567812345678",
        "money": "12.50",
        "blob": "aGk=",
        "pair": [1, "x"],
        "strs": ["a", "", "b\n"],
        "ints": [1, -2],
        "uniq": [3, 3, 4],
        "frozen": ["x"],
        "table": {"a": 1, "b": 2},
        "inner": {"a": 1, "b": "x"},
        "inners": [{"a": 1}, {"a": 2, "b": "y"}],
        "pet": {"kind": "dog", "name": "rex"},
        "either": {"name": "d"},
        "num_or_text": "7",
        "anything": {"k": [1, 2.5, None, True, "s"]},
        "maybe": None,
    },
    ensure_ascii=False,
)


def documents() -> list[tuple[str, type[StreamParser[Any, Any]], type[BaseModel], str]]:
    models, partials = generated_kinds()
    return [
        ("meeting", MeetingInfoParser, MeetingInfo, MEETING),
        ("profile", UserProfileParser, UserProfile, PROFILE),
        ("report", ReportParser, Report, REPORT),
        ("categorized", UserParser, User, CATEGORIZED),
        ("catalog", CatalogParser, Catalog, CATALOG),
        ("kinds", partials.KindsParser, models.Kinds, KINDS),
    ]


DOC_NAMES = ["meeting", "profile", "report", "categorized", "catalog", "kinds"]


def document(name: str) -> tuple[type[StreamParser[Any, Any]], type[BaseModel], str]:
    _, parser_cls, model, text = next(d for d in documents() if d[0] == name)
    return parser_cls, model, text


@pytest.mark.parametrize("name", DOC_NAMES)
def test_every_truncation_is_incomplete_with_the_last_snapshot_and_the_text(
    name: str,
) -> None:
    parser_cls, model, text = document(name)
    final = model.model_validate_json(text)
    root_end = len(text.rstrip())
    previous: BaseModel | None = None
    for cut in range(root_end + 1):
        prefix = text[:cut]
        parser = parser_cls()
        snapshot = parser.feed(prefix)  # a prefix of a valid document never fails
        assert snapshot_outside_types(snapshot) is None, cut
        if previous is not None:
            assert extends(previous, snapshot) is None, cut
        previous = snapshot
        if cut == root_end:
            assert parser.close() == final
            break
        with pytest.raises(IncompleteOutputError) as caught:
            parser.close()
        error = caught.value
        assert error.snapshot is snapshot is parser.snapshot, cut
        assert error.text == prefix == parser.text, cut
        assert ("no JSON object" in error.message) == (cut == 0), cut


@pytest.mark.parametrize("name", DOC_NAMES)
def test_every_truncation_of_a_fenced_answer(name: str) -> None:
    parser_cls, model, text = document(name)
    before = "Sure, here it is:\n```json\n"
    answer = before + text + "\n```\nAnything else?"
    final = model.model_validate_json(text)
    root_end = len(before) + len(text.rstrip())
    for cut in range(0, len(answer) + 1, 3 if len(answer) > 1000 else 1):
        parser = parser_cls()
        snapshot = parser.feed(answer[:cut])
        try:
            result = parser.close()
        except IncompleteOutputError as e:
            assert cut < root_end
            assert e.snapshot is snapshot and e.text == answer[:cut]
            assert ("no JSON object" in e.message) == (cut <= len(before))
        except PartialgenError as e:  # pragma: no cover - reported by the assert
            raise AssertionError(f"cut {cut}: {e!r}") from e
        else:
            assert cut >= root_end and result == final
