"""Streaming contract, rules 6-9: literals, nested models, containers, unions, aliases."""

from __future__ import annotations

import pytest
from partialgen import ImpossiblePrefixError, InvalidOutputError, completed_fields

from examples.catalog import Color, Priority, Size
from generated.catalog import (
    CatalogParser,
    PartialBundle,
    PartialCatalog,
    PartialDigital,
    PartialDimensions,
    PartialDiscount,
    PartialPhysical,
    PartialProduct,
)
from generated.categorized import PartialUser as PartialCategorizedUser
from generated.categorized import UserParser
from generated.meeting import MeetingInfoParser, PartialUser
from tests.helpers import fixed_chunks

OPEN_PRODUCT = '{"title": "T", "products": [{'


def product(snapshot: PartialCatalog, index: int = 0) -> PartialProduct:
    assert snapshot.products is not None and len(snapshot.products) > index
    return snapshot.products[index]


# -- rule 6: literal and enum prefixes ---------------------------------------------------


@pytest.mark.parametrize("value", ["admin", "user", "guest"])
def test_unique_literal_prefix_commits_at_its_first_character(value: str) -> None:
    parser = UserParser()
    assert parser.feed('{"name": "A", "category": "').category is None
    for n in range(1, len(value) + 1):
        assert parser.feed(value[n - 1]).category == value, value[:n]
    snapshot = parser.feed('"')
    assert snapshot.category == value
    assert "category" in completed_fields(snapshot)
    assert parser.feed(', "age": 3}').category == value
    assert parser.close().category == value


@pytest.mark.parametrize(
    ("received", "prefix"),
    [
        ('"x', "x"),
        ('"ad', None),
        ('"adx', "adx"),
        ('"admins', "admins"),
        ('"adm"', "adm"),
    ],
)
def test_impossible_literal_prefix_fails_at_once(
    received: str, prefix: str | None
) -> None:
    parser = UserParser()
    parser.feed('{"name": "A", "category": ')
    if prefix is None:  # still possible: nothing happens
        assert parser.feed(received).category == "admin"
        return
    with pytest.raises(ImpossiblePrefixError) as caught:
        for ch in received:
            parser.feed(ch)
    error = caught.value
    assert error.path == ("category",)
    assert error.prefix == prefix
    assert set(error.allowed) == {"admin", "user", "guest"}
    assert error.text == '{"name": "A", "category": ' + received
    assert isinstance(error.snapshot, PartialCategorizedUser)
    assert error.snapshot.category in (None, "admin")
    assert error.snapshot.name == "A"
    # The error is raised again on every later call.
    with pytest.raises(ImpossiblePrefixError):
        parser.close()


def test_enum_prefix_shared_by_several_values_stays_undecided() -> None:
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"size": "')
    sizes = [product(parser.feed(ch)).size for ch in "small"]
    assert sizes == [None] * 5  # "small" and "smaller" both start with any of these
    assert product(parser.feed("e")).size is Size.SMALLER
    assert product(parser.feed('r"')).size is Size.SMALLER

    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"size": "small')
    assert product(parser.snapshot).size is None
    assert product(parser.feed('"')).size is Size.SMALL

    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"size": "l')).size is Size.LARGE


def test_enum_value_commits_as_an_enum_member() -> None:
    parser = CatalogParser()
    item = product(parser.feed(OPEN_PRODUCT + '"color": "g'))
    assert item.color is Color.GREEN
    item = product(parser.feed('reen", "priority": 2,'))
    assert item.color is Color.GREEN
    assert item.priority is Priority.HIGH


def test_literal_prefix_matching_two_values_stays_none_then_commits() -> None:
    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"status": "a')).status is None
    assert product(parser.feed("r")).status == "archived"


@pytest.mark.parametrize(
    ("field", "prefix", "path", "allowed"),
    [
        ("color", '"y', ("products", 0, "color"), {"red", "green", "blue"}),
        ("size", '"smalls', ("products", 0, "size"), {"small", "smaller", "large"}),
        ("status", '"ad', ("products", 0, "status"), {"draft", "active", "archived"}),
        (
            "details",
            '{"kind": "v',
            ("products", 0, "details", "kind"),
            {"physical", "digital"},
        ),
    ],
)
def test_impossible_enum_or_tag_prefix_names_path_prefix_and_allowed(
    field: str, prefix: str, path: tuple[str | int, ...], allowed: set[str]
) -> None:
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + f'"{field}": ' + prefix[:-1])
    with pytest.raises(ImpossiblePrefixError) as caught:
        parser.feed(prefix[-1])
    assert caught.value.path == path
    assert set(caught.value.allowed) == allowed
    assert caught.value.prefix == prefix.rsplit('"', 1)[1]
    snapshot = caught.value.snapshot
    assert isinstance(snapshot, PartialCatalog)
    assert getattr(product(snapshot), field) is None


# -- rule 7: nested models, lists, sets and dicts --------------------------------------------


def test_nested_model_is_none_until_its_brace() -> None:
    parser = CatalogParser()
    assert parser.feed('{"title": "T", "featured": ').featured is None
    featured = parser.feed("{").featured
    assert isinstance(featured, PartialProduct)
    assert featured.name is None and featured.in_stock is True

    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"details": {"kind": "physical", "dimensions": ')
    details = product(parser.snapshot).details
    assert isinstance(details, PartialPhysical) and details.dimensions is None
    details = product(parser.feed("{")).details
    assert isinstance(details, PartialPhysical)
    assert isinstance(details.dimensions, PartialDimensions)
    assert details.dimensions.width is None


def test_keys_before_the_tag_do_not_choose_a_discriminated_member() -> None:
    # pydantic goes by the discriminator alone: `weight_kg` then `"kind": "digital"` is a
    # valid Digital (the extra key is ignored), so the keys must not pick Physical.
    parser = CatalogParser()
    snapshot = parser.feed(OPEN_PRODUCT + '"details": {"weight_kg": 1, "kind": ')
    assert product(snapshot).details is None
    details = product(parser.feed('"d')).details
    assert isinstance(details, PartialDigital)


def test_list_is_empty_at_its_bracket_and_items_appear_when_they_start() -> None:
    parser = MeetingInfoParser()
    assert parser.feed('{"users": ').users is None
    assert parser.feed("[").users == []
    users = parser.feed("{").users
    assert users is not None and len(users) == 1 and isinstance(users[0], PartialUser)
    assert users[0].name is None
    users = parser.feed('"name": "J').users
    assert users is not None and users[0].name == "J"
    users = parser.feed('", "email": "e", "twitter": "t"}, {').users
    assert users is not None and [u.name for u in users] == ["J", None]


def test_string_items_appear_at_their_opening_quote() -> None:
    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"tags": [')).tags == []
    assert product(parser.feed('"')).tags == [""]
    assert product(parser.feed("ne")).tags == ["ne"]
    assert product(parser.feed('w", "h\\u00')).tags == ["new", "h"]
    assert product(parser.feed('e9"]')).tags == ["new", "hé"]


def test_set_items_appear_only_when_complete() -> None:
    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"labels": [')).labels == set()
    assert product(parser.feed('"x')).labels == set()
    assert product(parser.feed('", "y')).labels == {"x"}
    assert product(parser.feed('", "x"]')).labels == {"x", "y"}


def test_dict_entry_appears_once_its_key_is_complete_and_its_value_complete() -> None:
    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"ratings": {')).ratings == {}
    assert product(parser.feed('"ali')).ratings == {}
    assert product(parser.feed('ce": ')).ratings == {}
    assert product(parser.feed("4.")).ratings == {}  # a number is atomic
    ratings = product(parser.feed("5, ")).ratings
    assert ratings == {"alice": 4.5}
    ratings = product(parser.feed('"bob": 2}')).ratings
    assert ratings == {"alice": 4.5, "bob": 2.0}
    assert type(ratings["bob"]) is float


def test_dict_of_any_shows_each_entry_when_its_value_completes() -> None:
    parser = CatalogParser()
    parser.feed('{"title": "T", "metadata": {"source": "ll')
    assert parser.snapshot.metadata == {}
    assert parser.feed('m", "nested": {"k": [1').metadata == {"source": "llm"}
    metadata = parser.feed(", 2]}, ").metadata
    assert metadata == {"source": "llm", "nested": {"k": [1, 2]}}


def test_recursive_models_nest_as_partials() -> None:
    parser = CatalogParser()
    snapshot = parser.feed(
        '{"title": "T", "categories": [{"name": "a", "children": [{"na'
    )
    assert snapshot.categories is not None
    root = snapshot.categories[0]
    assert root.name == "a" and root.children is not None
    assert len(root.children) == 1 and root.children[0].name is None
    assert root.children[0].children == []


# -- rule 8: unions -----------------------------------------------------------------------------


def test_discriminator_decides_the_member_from_its_first_character() -> None:
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"details": ')
    assert product(parser.feed('{"kind": "')).details is None
    details = product(parser.feed("d")).details
    assert isinstance(details, PartialDigital) and details.kind == "digital"
    details = product(parser.feed('igital", "download_url": "htt')).details
    assert isinstance(details, PartialDigital) and details.download_url == "htt"


def test_keys_do_not_decide_between_members_that_ignore_extra_keys() -> None:
    # `percent` is only a Discount's, but a Bundle ignores it: pydantic's smart mode
    # could still pick the Bundle, so the member is decided when the object closes.
    parser = CatalogParser()
    snapshot = parser.feed(
        '{"title": "T", "promotion": {"label": "spring", "percent": 1'
    )
    assert snapshot.promotion is None
    snapshot = parser.feed('2.5, "skus": ""}, "products": []}')
    assert isinstance(snapshot.promotion, PartialDiscount)
    assert snapshot.promotion.percent == 12.5
    assert parser.close().model_dump() == snapshot.model_dump()


def test_an_extra_key_does_not_reject_what_pydantic_accepts() -> None:
    parser = CatalogParser()
    for chunk in fixed_chunks(
        '{"title": "", "products": [], "promotion": {"percent": "", "skus": []}}', 3
    ):
        snapshot = parser.feed(chunk)
    assert isinstance(snapshot.promotion, PartialBundle)  # pydantic's choice
    assert parser.close().model_dump() == snapshot.model_dump()


def test_an_unknown_key_does_not_stop_the_discriminator_from_deciding() -> None:
    # LLMs add keys the model does not declare; the tag after them still decides.
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"details": {"comment": "extra", "kind": "d')
    details = product(parser.snapshot).details
    assert isinstance(details, PartialDigital)
    details = product(parser.feed('igital", "download_url": "ab')).details
    assert isinstance(details, PartialDigital) and details.download_url == "ab"


def test_a_discriminated_member_never_changes_once_its_tag_decided() -> None:
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"details": {"kind": "digital", ')
    assert isinstance(product(parser.snapshot).details, PartialDigital)
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed('"size_mb": {')
    assert caught.value.path == ("products", 0, "details", "size_mb")
    snapshot = caught.value.snapshot
    assert isinstance(snapshot, PartialCatalog)
    assert isinstance(product(snapshot).details, PartialDigital)


def test_optional_model_is_none_for_null_and_a_partial_for_an_object() -> None:
    parser = CatalogParser()
    snapshot = parser.feed('{"title": "T", "featured": null, ')
    assert snapshot.featured is None and "featured" in completed_fields(snapshot)
    parser = CatalogParser()
    assert isinstance(
        parser.feed('{"title": "T", "featured": {').featured, PartialProduct
    )


def test_int_or_str_union_streams_a_string_and_waits_for_a_number() -> None:
    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"code": "X')).code == "X"
    assert product(parser.feed('-1"')).code == "X-1"

    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"code": 4')).code is None
    item = product(parser.feed("2,"))
    assert item.code == 42 and type(item.code) is int

    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"code": null,')).code is None


def test_wrong_kind_inside_a_union_fails_at_once() -> None:
    parser = CatalogParser()
    parser.feed(OPEN_PRODUCT + '"details": ')
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed("[")
    assert caught.value.path == ("products", 0, "details")


# -- rule 9: aliases -------------------------------------------------------------------------


def test_alias_is_read_from_the_json_and_exposed_under_the_field_name() -> None:
    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"SKU": "AB')).sku == "AB"
    assert product(parser.feed('-12"')).sku == "AB-12"
    assert "sku" in completed_fields(product(parser.snapshot))


def test_field_name_is_accepted_where_the_model_populates_by_name() -> None:
    # Product sets populate_by_name=True, so pydantic accepts "sku" too.
    parser = CatalogParser()
    assert product(parser.feed(OPEN_PRODUCT + '"sku": "CD')).sku == "CD"


def test_unknown_keys_are_skipped_whatever_their_value() -> None:
    parser = MeetingInfoParser()
    before = parser.feed('{"date": "d", ')
    assert parser.feed('"junk": {"a": [1, "x", {"b": null}]}, ') is before
    assert parser.feed('"Date": "no", ').date == "d"
