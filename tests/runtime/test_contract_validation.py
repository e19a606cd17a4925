"""Streaming contract, rules 11-13: completion, item events, close() and its errors."""

from __future__ import annotations

import tracemalloc
from typing import ClassVar

import pytest
from partialgen import (
    DepthLimitError,
    ImpossiblePrefixError,
    IncompleteOutputError,
    InvalidOutputError,
    MalformedJSONError,
    PartialgenError,
    PartialModel,
    StreamParser,
    complete_items,
    completed_fields,
    completion,
    is_complete,
    progress,
)
from partialgen.runtime import specs as _s
from partialgen.runtime.errors import Path, format_path
from pydantic import BaseModel, model_validator

from examples.catalog import Product, Review
from generated.catalog import CatalogParser, PartialCatalog
from generated.meeting import (
    MeetingInfo,
    MeetingInfoParser,
    PartialMeetingInfo,
    PartialUser,
    User,
)
from generated.report import PartialReport, ReportParser
from tests.helpers import fixed_chunks

USERS = [
    {"name": "Jason", "email": "j@x.io", "twitter": "@j"},
    {"name": 'Zoë "Z"', "email": "z@x.io", "twitter": "@z"},
    {"name": "Ana 🚀", "email": "a@x.io", "twitter": "@a"},
]
MEETING = (
    '{"users": [{"name": "Jason", "email": "j@x.io", "twitter": "@j"}, '
    '{"name": "Zo\\u00eb \\"Z\\"", "email": "z@x.io", "twitter": "@z"}, '
    '{"name": "Ana \\ud83d\\ude80", "email": "a@x.io", "twitter": "@a"}], '
    '"date": "2024-03-15", "location": "Room B\\n4th floor", "budget": 12500, '
    '"deadline": "2024-03-01"}'
)
REPORT = '{"title": "Q3", "summary": "Sales grew.", "conclusion": "Hire."}'


# -- rule 11: completion ---------------------------------------------------------------------


def test_progress_counts_complete_fields_in_one_call() -> None:
    parser = ReportParser()
    assert progress(parser.snapshot) == (0, 3)
    expected = {
        '{"title": "Q': (0, set()),
        '3"': (1, {"title"}),
        ', "summary": "Sales': (1, {"title"}),
        ' grew."': (2, {"title", "summary"}),
        ', "conclusion": "Hire.': (2, {"title", "summary"}),
        '"': (3, {"title", "summary", "conclusion"}),
    }
    for chunk, (done, fields) in expected.items():
        snapshot = parser.feed(chunk)
        assert progress(snapshot) == (done, 3), chunk
        assert completed_fields(snapshot) == fields, chunk
        assert completion(snapshot).fields == fields
        assert not is_complete(snapshot)
        assert type(snapshot.title) is str  # completion never changes field types
    snapshot = parser.feed("}")
    assert is_complete(snapshot) and completion(snapshot).closed
    assert progress(snapshot) == (3, 3)


def test_closing_quote_arriving_alone_marks_the_string_complete() -> None:
    parser = ReportParser()
    parser.feed('{"title": "Q3')
    assert "title" not in completed_fields(parser.snapshot)
    snapshot = parser.feed('"')
    assert snapshot.title == "Q3"
    assert completed_fields(snapshot) == {"title"}
    assert progress(snapshot) == (1, 3)

    meeting = MeetingInfoParser()
    meeting.feed('{"users": [{"name": "Jo')
    users = meeting.feed('"').users
    assert users is not None
    assert completed_fields(users[0]) == {"name"}

    catalog = CatalogParser()
    catalog.feed('{"title": "T", "products": [{"tags": ["a')
    products = catalog.feed('"').products
    assert products is not None
    assert complete_items(products[0], "tags") == 1


def test_a_closed_object_counts_every_field_complete_defaults_included() -> None:
    parser = CatalogParser()
    parser.feed(
        '{"title": "T", "products": [{"id": "12345678-1234-5678-1234-567812345678", '
        '"SKU": "S", "name": "N", "price": 1, "color": "red", "status": "draft", '
        '"details": {"kind": "digital", "download_url": "u", "size_mb": 1}'
    )
    assert parser.snapshot.products is not None
    item = parser.snapshot.products[0]
    assert not is_complete(item)
    assert "description" not in completed_fields(item)
    details = item.details
    assert details is not None and is_complete(details)
    snapshot = parser.feed("}")
    assert snapshot.products is not None
    item = snapshot.products[0]
    assert is_complete(item)
    assert completed_fields(item) == frozenset(Product.model_fields)
    assert progress(item) == (len(Product.model_fields), len(Product.model_fields))
    assert not is_complete(snapshot)


def test_list_items_report_how_many_are_complete() -> None:
    parser = MeetingInfoParser()
    snapshot = parser.feed(MEETING[: MEETING.index("}, {") + 1])
    assert complete_items(snapshot, "users") == 1
    assert completion(snapshot).items == {"users": 1}
    assert "users" not in completed_fields(snapshot)
    snapshot = parser.feed(', {"name": "Z')
    assert snapshot.users is not None and len(snapshot.users) == 2
    assert complete_items(snapshot, "users") == 1
    assert [is_complete(u) for u in snapshot.users] == [True, False]
    assert completed_fields(snapshot.users[1]) == set()
    snapshot = parser.feed('", "email": "z@x.io"')
    assert snapshot.users is not None
    assert completed_fields(snapshot.users[1]) == {"name", "email"}
    assert progress(snapshot.users[1]) == (2, 3)
    snapshot = parser.feed(', "twitter": "@z"}]')
    assert complete_items(snapshot, "users") == 2
    assert "users" in completed_fields(snapshot)


def test_dict_and_string_list_items_report_completion() -> None:
    parser = CatalogParser()
    prefix = '{"title": "T", "products": [{"ratings": {"a": 1, "b": 2'
    snapshot = parser.feed(prefix)
    assert snapshot.products is not None
    assert complete_items(snapshot.products[0], "ratings") == 1
    snapshot = parser.feed('}, "tags": ["x", "y')
    assert snapshot.products is not None
    assert complete_items(snapshot.products[0], "ratings") == 2
    assert complete_items(snapshot.products[0], "tags") == 1
    assert snapshot.products[0].tags == ["x", "y"]


def test_an_instance_built_by_hand_counts_as_complete() -> None:
    user = PartialUser(name="x")
    assert is_complete(user)
    assert progress(user) == (3, 3)


# -- rule 12: validation of closed objects and item events ---------------------------------------


def test_take_items_delivers_each_validated_item_once_in_order() -> None:
    for size in (1, 4, 9, len(MEETING)):
        parser = MeetingInfoParser()
        taken: list[User] = []
        for chunk in fixed_chunks(MEETING, size):
            parser.feed(chunk)
            new = parser.take_items(User)
            taken.extend(new)
            assert parser.take_items(User) == []  # each item exactly once
            assert all(type(u) is User for u in new)
        assert [u.model_dump() for u in taken] == USERS
        assert taken == parser.close().users


def test_item_is_delivered_as_soon_as_its_brace_arrives() -> None:
    parser = MeetingInfoParser()
    first_end = MEETING.index("}") + 1
    parser.feed(MEETING[: first_end - 1])
    assert parser.take_items(User) == []
    parser.feed(MEETING[first_end - 1 : first_end])
    assert parser.take_items(User) == [User(**USERS[0])]


def test_item_events_carry_paths_and_nested_lists_are_delivered_too() -> None:
    parser = CatalogParser()
    parser.feed(
        '{"title": "T", "products": [{"id": "12345678-1234-5678-1234-567812345678", '
        '"SKU": "S", "name": "N", "price": 1, "color": "red", "status": "draft", '
        '"reviews": [{"author": "A", "stars": 4}, {"author": "B", "stars": 2}], '
        '"details": {"kind": "digital", "download_url": "u", "size_mb": 1}}'
    )
    events = parser.take_item_events()
    assert [e.path for e in events] == [
        ("products", 0, "reviews", 0),
        ("products", 0, "reviews", 1),
        ("products", 0),
    ]
    assert [type(e.item) for e in events] == [Review, Review, Product]
    assert parser.take_item_events() == []
    assert parser.take_items(Review) == []


def test_take_items_filters_by_model() -> None:
    parser = CatalogParser()
    parser.feed(
        '{"title": "T", "categories": [{"name": "a", "children": [{"name": "b"}]}], '
        '"products": [{"id": "12345678-1234-5678-1234-567812345678", '
        '"SKU": "S", "name": "N", "price": 1, "color": "red", "status": "draft", '
        '"reviews": [{"author": "A", "stars": 4}], '
        '"details": {"kind": "digital", "download_url": "u", "size_mb": 1}}'
    )
    assert [r.author for r in parser.take_items(Review)] == ["A"]
    assert [p.name for p in parser.take_items(Product)] == ["N"]
    assert parser.take_items(Review) == []
    assert len(parser.take_item_events()) == 2  # the two categories, still untaken


USER_JSON = '{"name": "Ada", "email": "ada@example.com", "twitter": "@ada"}, '


def _memory_after_feeding(text: str, keep_items: bool) -> int:
    """Bytes a parser holds once it has received `text` (tracemalloc)."""
    tracemalloc.start()
    try:
        parser = MeetingInfoParser(keep_items=keep_items)
        for chunk in fixed_chunks(text, 16):
            parser.feed(chunk)
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def test_without_kept_items_items_still_validate_but_none_are_kept() -> None:
    """`keep_items=False`: a consumer that never takes items does not pay for them."""
    parser = MeetingInfoParser(keep_items=False)
    for chunk in fixed_chunks(MEETING, 7):
        parser.feed(chunk)
    assert parser.close() == MeetingInfo.model_validate_json(MEETING)
    with pytest.raises(ValueError, match="keep_items=False"):
        parser.take_items(User)
    with pytest.raises(ValueError, match="keep_items=False"):
        parser.take_item_events()
    many = MEETING.replace('"users": [', '"users": [' + USER_JSON * 300)
    kept = {keep: _memory_after_feeding(many, keep) for keep in (True, False)}
    # A kept item (its User, its dict and fields-set) costs over 200 bytes.
    assert kept[True] - kept[False] > 300 * 200
    bad = MeetingInfoParser(keep_items=False)
    with pytest.raises(InvalidOutputError) as caught:  # rule 12 holds all the same
        bad.feed('{"users": [{"name": "A"}')
    assert caught.value.path[:2] == ("users", 0)


def test_invalid_nested_object_fails_at_its_closing_brace_with_its_path() -> None:
    parser = MeetingInfoParser()
    parser.feed('{"users": [{"name": "A", "email": "e", "twitter": "t"}, {"name": "B"')
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed("}")
    error = caught.value
    assert error.path[:2] == ("users", 1)
    assert {tuple(e["loc"]) for e in error.errors} == {("email",), ("twitter",)}
    assert {e["type"] for e in error.errors} == {"missing"}
    assert error.validation_error is not None
    assert isinstance(error.snapshot, PartialMeetingInfo)
    assert parser.take_items(User) == [User(name="A", email="e", twitter="t")]


def test_field_validator_runs_when_the_nested_object_closes() -> None:
    parser = CatalogParser()
    parser.feed(
        '{"title": "T", "products": [{"id": "12345678-1234-5678-1234-567812345678", '
        '"SKU": "S", "name": "N", "price": 1, "color": "red", "status": "draft", '
        '"details": {"kind": "digital", "download_url": "u", "size_mb": 1}, '
        '"note": "LOUD NOTE"'
    )
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed("}")
    assert caught.value.path[:2] == ("products", 0)
    assert [tuple(e["loc"]) for e in caught.value.errors] == [("note",)]
    assert "shout" in caught.value.errors[0]["msg"]


CALLS: list[str] = []


class Counted(BaseModel):
    name: str
    child: Counted | None = None

    @model_validator(mode="after")
    def _count(self) -> Counted:
        CALLS.append(self.name)
        return self


_PartialCounted = _s.Model(Counted)


class PartialCounted(PartialModel):
    name: str | None = None
    child: PartialCounted | None = None


_PartialCounted.define(
    PartialCounted,
    _s.Field("name", "name", _s.Str()),
    _s.Field("child", "child", _s.Optional(_PartialCounted)),
)


class CountedParser(StreamParser[PartialCounted, Counted]):
    spec: ClassVar[_s.Model] = _PartialCounted


def test_root_model_validator_runs_once_at_the_end() -> None:
    CALLS.clear()
    parser = CountedParser()
    for chunk in fixed_chunks('{"name": "root", "child": {"name": "kid"}}', 3):
        parser.feed(chunk)
        assert CALLS.count("root") == 0 or parser.done
    result = parser.close()
    assert result.name == "root"
    assert CALLS.count("root") == 1
    parser.close()
    assert CALLS.count("root") == 1


# -- rule 13: close() -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_close_returns_the_same_model_as_model_validate_json(size: int) -> None:
    parser = MeetingInfoParser()
    for chunk in fixed_chunks(MEETING, size):
        parser.feed(chunk)
    result = parser.close()
    assert type(result) is MeetingInfo
    assert result == MeetingInfo.model_validate_json(MEETING)
    assert parser.text == MEETING


@pytest.mark.parametrize("cut", [0, 1, 10, 57, 200, len(MEETING) - 1])
def test_truncated_text_raises_incomplete_with_the_last_snapshot_and_text(
    cut: int,
) -> None:
    parser = MeetingInfoParser()
    last = parser.feed(MEETING[:cut])
    with pytest.raises(IncompleteOutputError) as caught:
        parser.close()
    assert caught.value.snapshot is last
    assert caught.value.text == MEETING[:cut]
    assert parser.text == MEETING[:cut]


@pytest.mark.parametrize(
    ("until", "path"),
    [
        ('"email": "j@x', ("users", 0, "email")),  # inside a value
        ('"email": ', ("users", 0, "email")),  # its key arrived, its value did not
        ('"twitter": "@j"}, ', ("users", 1)),  # between two items
        ('"date": "2024-03', ("date",)),
    ],
)
def test_incomplete_says_where_the_text_stopped(until: str, path: Path) -> None:
    text = MEETING[: MEETING.index(until) + len(until)]
    parser = MeetingInfoParser()
    for chunk in fixed_chunks(text, 3):
        parser.feed(chunk)
    with pytest.raises(IncompleteOutputError) as caught:
        parser.close()
    assert caught.value.path == path
    assert str(caught.value).endswith(f"stopped at {format_path(path)}")


def test_prose_without_json_raises_incomplete_on_close() -> None:
    parser = ReportParser()
    parser.feed("I cannot help with that.")
    with pytest.raises(IncompleteOutputError) as caught:
        parser.close()
    assert caught.value.text == "I cannot help with that."


def test_root_validation_failure_carries_pydantic_details_snapshot_and_text() -> None:
    parser = ReportParser()
    text = '{"title": "T", "summary": "S"}'
    with pytest.raises(InvalidOutputError) as caught:
        for chunk in fixed_chunks(text, 5):
            parser.feed(chunk)
    error = caught.value
    assert [tuple(e["loc"]) for e in error.errors] == [("conclusion",)]
    assert error.errors[0]["type"] == "missing"
    assert error.validation_error is not None
    assert error.text == text == parser.text
    assert isinstance(error.snapshot, PartialReport)
    assert (error.snapshot.title, error.snapshot.summary) == ("T", "S")
    with pytest.raises(InvalidOutputError) as again:
        parser.close()
    assert again.value is error


def test_wrong_kind_error_carries_the_snapshot_and_text() -> None:
    parser = ReportParser()
    text = '{"title": "T", "summary": 5}'
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed(text)
    assert caught.value.path == ("summary",)
    assert caught.value.text == text
    assert isinstance(caught.value.snapshot, PartialReport)
    assert caught.value.snapshot.title == "T"


def test_errors_are_sticky_and_received_text_is_never_lost() -> None:
    parser = MeetingInfoParser()
    parser.feed('{"budget": ')
    with pytest.raises(MalformedJSONError) as caught:
        parser.feed("@12")
    error = caught.value
    with pytest.raises(MalformedJSONError) as again:
        parser.feed(" more text")
    assert again.value is error
    assert parser.text == '{"budget": @12 more text'
    assert error.text == parser.text
    with pytest.raises(MalformedJSONError):
        parser.close()


@pytest.mark.parametrize(
    "error_type",
    [
        IncompleteOutputError,
        InvalidOutputError,
        MalformedJSONError,
        ImpossiblePrefixError,
        DepthLimitError,
    ],
)
def test_every_error_is_a_partialgen_error(error_type: type[Exception]) -> None:
    assert issubclass(error_type, PartialgenError)


def test_snapshot_of_a_catalog_error_is_a_partial_catalog() -> None:
    parser = CatalogParser()
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed('{"title": "T", "products": {')
    assert isinstance(caught.value.snapshot, PartialCatalog)
    assert caught.value.snapshot.title == "T"
