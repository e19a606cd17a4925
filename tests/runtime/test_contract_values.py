"""Streaming contract, rules 1-5: what a snapshot holds for each kind of value.

Every test feeds hand-made chunkings that cut the token under test at each position
and checks what a user rendering the snapshots would see after every chunk.
"""

from __future__ import annotations

import datetime
import itertools
import uuid
from decimal import Decimal
from typing import Any

import pytest
from partialgen import InvalidOutputError, completed_fields

from examples.catalog import Priority, Product
from generated.catalog import (
    CatalogParser,
    PartialCatalog,
    PartialPhysical,
    PartialProduct,
)
from generated.categorized import PartialUser, UserParser
from generated.meeting import MeetingInfoParser

# A catalog whose first product is open: the product's fields follow.
OPEN_PRODUCT = '{"title": "T", "products": [{'


def product(snapshot: PartialCatalog) -> PartialProduct:
    assert snapshot.products, f"no product yet in {snapshot!r}"
    return snapshot.products[0]


def feed_each(parser: Any, chunks: list[str]) -> list[Any]:
    """The snapshot after every chunk (not deduplicated)."""
    return [parser.feed(chunk) for chunk in chunks]


# -- rule 1: defaults --------------------------------------------------------------------


def test_defaults_are_visible_before_any_text() -> None:
    snapshot = CatalogParser().snapshot
    assert snapshot.title is None
    assert snapshot.products is None
    assert snapshot.featured is None
    assert snapshot.categories == []  # default_factory=list
    assert snapshot.metadata == {}  # default_factory=dict


def test_nested_defaults_are_visible_from_the_objects_first_snapshot() -> None:
    parser = CatalogParser()
    item = product(parser.feed(OPEN_PRODUCT))
    defaults = Product.model_fields
    assert item.description == defaults["description"].default
    assert (
        item.description == "No description yet.\n\"Quoted\" and 'single' \\ backslash"
    )
    assert item.in_stock is True
    assert item.discount == 0.0 and type(item.discount) is float
    assert item.priority is Priority.LOW
    assert (item.tags, item.labels, item.ratings, item.reviews) == ([], set(), {}, [])
    assert (item.id, item.sku, item.name, item.price, item.details) == (None,) * 5
    # The defaults stay while other keys arrive, and are replaced when their key does.
    item = product(parser.feed('"name": "Lamp", "in_stock": false, '))
    assert item.description == defaults["description"].default
    assert item.in_stock is False
    item = product(parser.feed('"description": "Br'))
    assert item.description == "Br"


def test_discriminator_default_is_visible_once_the_member_is_known() -> None:
    parser = CatalogParser()
    item = product(parser.feed(OPEN_PRODUCT + '"details": {"kind": "d'))
    assert item.details is not None
    assert item.details.kind == "digital"  # committed: no other tag starts with "d"
    assert item.details.size_mb is None


# -- rule 2: strings -----------------------------------------------------------------------

# (raw JSON, decoded text) pieces of one string: every escape kind.
PIECES = [
    ("a", "a"),
    ("\\n", "\n"),
    ("b", "b"),
    ('\\"', '"'),
    ("\\\\", "\\"),
    ("\\/", "/"),
    ("\\t", "\t"),
    ("c", "c"),
    ("\\u00e9", "é"),
    ("d", "d"),
    ("\\ud83d\\ude00", "😀"),
    ("e", "e"),
]
RAW = "".join(raw for raw, _ in PIECES)
DECODED = "".join(text for _, text in PIECES)


def decoded_prefix(cut: int) -> str:
    """The decoded text of the escapes lying wholly within RAW[:cut]."""
    out, at = "", 0
    for raw, text in PIECES:
        at += len(raw)
        if at > cut:
            break
        out += text
    return out


def test_string_is_empty_at_its_opening_quote_and_grows_by_each_character() -> None:
    parser = MeetingInfoParser()
    text = '{"date": "2024-03-15", "budget": 5'
    start = text.index('"2024')
    values = [s.date for s in feed_each(parser, list(text))]
    assert values[: start + 1] == [None] * start + [""]
    assert values[start + 1 : start + 11] == ["2024-03-15"[:n] for n in range(1, 11)]
    assert values[-1] == "2024-03-15"


@pytest.mark.parametrize("cut", range(len(RAW) + 1))
def test_escape_cut_anywhere_is_held_back_until_complete(cut: int) -> None:
    parser = UserParser()
    first = parser.feed('{"name": "' + RAW[:cut])
    assert first.name == decoded_prefix(cut)
    second = parser.feed(RAW[cut:] + '", "age": 1, "category": "user"}')
    assert second.name == DECODED
    assert parser.close().name == DECODED


def test_escapes_fed_one_character_at_a_time_never_shrink() -> None:
    parser = UserParser()
    parser.feed('{"name": "')
    seen = [parser.feed(ch).name for ch in RAW]
    for n, value in enumerate(seen, start=1):
        assert value == decoded_prefix(n), (n, RAW[:n])
    # The held-back pieces: "\" alone, "\u00", the first half of a surrogate pair.
    assert seen[RAW.index("\\u00e9") + 3] == decoded_prefix(RAW.index("\\u00e9"))
    high_end = RAW.index("\\ude00")
    assert seen[high_end - 1] == decoded_prefix(RAW.index("\\ud83d"))
    assert seen[high_end + 1] == seen[high_end - 1]


@pytest.mark.parametrize(
    "cuts", [(1,), (2,), (6,), (7,), (8,), (6, 8), (1, 2, 6, 7, 8)]
)
def test_surrogate_pair_cut_after_backslash_u_or_between_halves(
    cuts: tuple[int, ...],
) -> None:
    pair = "\\ud83d\\ude00"
    parser = UserParser()
    parser.feed('{"name": "x')
    bounds = [0, *cuts, len(pair)]
    for a, b in itertools.pairwise(bounds):
        assert parser.feed(pair[a:b]).name == ("x" if b < len(pair) else "x😀")
    assert parser.feed('"').name == "x😀"


@pytest.mark.parametrize(
    "key", ['"category"', '"c\\u0061tegory"', '"\\u0063ategor\\u0079"']
)
def test_keys_cut_anywhere_are_recognised(key: str) -> None:
    for cut in range(1, len(key)):
        parser = UserParser()
        assert parser.feed('{"name": "A", ' + key[:cut]).category is None
        assert parser.feed(key[cut:] + ': "guest"').category == "guest", key[:cut]


def test_raw_control_characters_are_kept_in_the_snapshot() -> None:
    parser = UserParser()
    snapshot = parser.feed('{"name": "a\tb\x01c\nd')
    assert snapshot.name == "a\tb\x01c\nd"
    snapshot = parser.feed('", "age": 1, "category": ')
    assert snapshot.name == "a\tb\x01c\nd"
    # JSON forbids raw control characters, so the object fails as pydantic says.
    with pytest.raises(InvalidOutputError):
        parser.feed('"user"}')
        parser.close()


# -- rule 3: numbers -------------------------------------------------------------------------

NUMBERS = [
    ("-1.25e+2", -125.0),
    ("3.5E-1", 0.35),
    ("0", 0.0),
    ("-0.5", -0.5),
    ("12E2", 1200.0),
    ("7", 7.0),
]


@pytest.mark.parametrize(("token", "value"), NUMBERS)
def test_float_appears_only_when_its_delimiter_arrives(
    token: str, value: float
) -> None:
    for cut in range(1, len(token) + 1):
        parser = CatalogParser()
        parser.feed(OPEN_PRODUCT + '"discount": ')
        assert product(parser.feed(token[:cut])).discount == 0.0  # the default
        if cut < len(token):
            assert product(parser.feed(token[cut:])).discount == 0.0
        assert "discount" not in completed_fields(product(parser.snapshot))
        item = product(parser.feed(", "))
        assert item.discount == value
        assert type(item.discount) is float
        assert "discount" in completed_fields(item)


def test_int_never_flickers_while_its_digits_arrive() -> None:
    parser = UserParser()
    text = '{"age": -12345, "name": "x"'
    ages = [s.age for s in feed_each(parser, list(text))]
    assert next(a for a in ages if a is not None) == -12345
    assert ages.index(-12345) == text.index(",")
    assert set(ages) == {None, -12345}


@pytest.mark.parametrize("delimiter", [" ", "\n", "\t", "\r", ",", "}"])
def test_whitespace_or_delimiter_completes_a_number(delimiter: str) -> None:
    parser = UserParser()
    assert parser.feed('{"name": "n", "category": "user", "age": 42').age is None
    snapshot = parser.feed(delimiter)
    assert snapshot.age == 42 and type(snapshot.age) is int


def test_float_field_holds_a_float_when_the_json_says_an_integer() -> None:
    parser = CatalogParser()
    parser.feed(
        OPEN_PRODUCT
        + '"ratings": {"a": 4}, "details": {"kind": "physical", "weight_kg": 2, '
    )
    item = product(parser.feed('"dimensions": {"width": 10, "height": -3}'))
    assert isinstance(item.details, PartialPhysical)
    dims = item.details.dimensions
    assert dims is not None and item.ratings is not None
    values = [item.details.weight_kg, dims.width, dims.height, item.ratings["a"]]
    assert values == [2.0, 10.0, -3.0, 4.0]
    assert [type(v) for v in values] == [float] * 4


def test_a_number_cut_across_many_chunks_with_the_same_snapshot() -> None:
    parser = CatalogParser()
    before = parser.feed(OPEN_PRODUCT + '"discount": ')
    for ch in "-1.5e-3":
        assert parser.feed(ch) is before
    assert product(parser.feed(",")).discount == -0.0015


# -- rule 4: keywords ---------------------------------------------------------------------


@pytest.mark.parametrize(("word", "value"), [("false", False), ("true", True)])
def test_bool_keyword_appears_only_when_whole(word: str, value: bool) -> None:
    for cut in range(1, len(word)):
        parser = CatalogParser()
        parser.feed(OPEN_PRODUCT + '"in_stock": ' + word[:cut])
        item = product(parser.snapshot)
        assert item.in_stock is True  # still the default
        assert "in_stock" not in completed_fields(item)
        item = product(parser.feed(word[cut:] + ","))
        assert item.in_stock is value
        assert "in_stock" in completed_fields(item)


def test_null_keyword_appears_only_when_whole() -> None:
    for cut in range(1, 4):
        parser = CatalogParser()
        parser.feed('{"title": "T", "featured": ' + "null"[:cut])
        assert "featured" not in completed_fields(parser.snapshot)
        snapshot = parser.feed("null"[cut:] + ",")
        assert snapshot.featured is None
        assert "featured" in completed_fields(snapshot)


# -- rule 5: atomic values and constraints ---------------------------------------------------

ATOMIC = [
    (
        "id",
        '"12345678-1234-5678-1234-567812345678"',
        uuid.UUID(int=0x12345678123456781234567812345678),
    ),
    ("price", "19.99", Decimal("19.99")),
    ("price", '"5.00"', Decimal("5.00")),
    ("origin", "[1.5, -2]", (1.5, -2.0)),
    ("released", '"2024-03-15"', datetime.date(2024, 3, 15)),
    (
        "updated_at",
        '"2024-03-15T10:20:30Z"',
        datetime.datetime(2024, 3, 15, 10, 20, 30, tzinfo=datetime.UTC),
    ),
    ("available_from", '"09:30:00"', datetime.time(9, 30)),
    ("warranty", '"P1D"', datetime.timedelta(days=1)),
    ("thumbnail", '"aGk="', b"aGk="),
    ("extra", '{"a": [1, {"b": "c"}]}', {"a": [1, {"b": "c"}]}),
]


@pytest.mark.parametrize(("field", "raw", "value"), ATOMIC)
def test_atomic_value_is_none_until_complete(
    field: str, raw: str, value: object
) -> None:
    delimiter = "" if raw[-1] in '"]}' else ","
    for cut in range(1, len(raw)):
        parser = CatalogParser()
        parser.feed(OPEN_PRODUCT + f'"{field}": ' + raw[:cut])
        assert getattr(product(parser.snapshot), field) is None, raw[:cut]
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + f'"{field}": ')
    item = product(parser.feed(raw + delimiter))
    assert getattr(item, field) == value
    assert type(getattr(item, field)) is type(value)


def test_a_field_validator_field_waits_for_its_object() -> None:
    # `@field_validator("note")` may read the other fields: only the product's own
    # validation runs it, so the note is shown when the product closes.
    minimal = (
        '"id": "12345678-1234-5678-1234-567812345678", "SKU": "A", "name": "n", '
        '"price": "1", "color": "red", "status": "draft", '
        '"details": {"kind": "digital", "download_url": "u", "size_mb": 1}'
    )
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + minimal + ', "note": "quiet"')
    assert product(parser.feed(" ")).note is None
    assert product(parser.feed("}")).note == "quiet"


def test_constrained_string_streams_and_is_checked_when_complete() -> None:
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"name": "')
    assert product(parser.snapshot).name == ""  # min_length=1 does not block streaming
    assert product(parser.feed("Wid")).name == "Wid"
    assert product(parser.feed('get"')).name == "Widget"

    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"name": "')
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed('"')
    assert caught.value.path == ("products", 0, "name")
    assert caught.value.errors[0]["type"] == "string_too_short"


def test_numeric_constraint_fails_when_the_number_completes() -> None:
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"reviews": [{"author": "A", "stars": 7')
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed(",")
    assert caught.value.path == ("products", 0, "reviews", 0, "stars")
    assert caught.value.errors[0]["type"] == "less_than_equal"


def test_string_for_an_int_field_is_accepted_when_it_completes() -> None:
    parser = UserParser()
    assert parser.feed('{"age": "1').age is None
    assert parser.feed("2").age is None
    snapshot = parser.feed('"')
    assert snapshot.age == 12 and type(snapshot.age) is int
    parser.feed(', "name": "n", "category": "admin"}')
    assert parser.close().age == 12


@pytest.mark.parametrize(
    ("prefix", "wrong", "path"),
    [
        ('{"age": ', "{", ("age",)),
        ('{"age": ', "[", ("age",)),
        ('{"name": ', "{", ("name",)),
        ('{"name": ', "[", ("name",)),
        ('{"name": ', "1", ("name",)),
        ('{"name": ', "t", ("name",)),
        ('{"category": ', "n", ("category",)),
        ('{"name": "A", "age": ', "n", ("age",)),
    ],
)
def test_wrong_token_kind_fails_at_its_first_character(
    prefix: str, wrong: str, path: tuple[str, ...]
) -> None:
    parser = UserParser()
    parser.feed(prefix)
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed(wrong)
    assert caught.value.path == path
    assert caught.value.position == len(prefix)
    assert isinstance(caught.value.snapshot, PartialUser)
    assert caught.value.text == prefix + wrong


def test_fields_with_default_factories_keep_their_declared_place() -> None:
    """Rule 1's defaults, in order: `model_dump()` and `repr()` follow the model."""
    snapshot = CatalogParser().feed(OPEN_PRODUCT + '"name": "Lamp"')
    assert snapshot.products
    product = snapshot.products[0]
    assert list(product.model_dump()) == list(Product.model_fields)
    assert list(snapshot.model_dump()) == list(PartialCatalog.model_fields)
