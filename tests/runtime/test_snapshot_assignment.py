"""Assigning to a snapshot's field changes that snapshot alone.

Snapshots share their `model_fields_set` where they can (an open object's successive
snapshots, closed objects of one model with each other): pydantic adds an assigned
field's name to it in place, so every sharer would claim the field as set.
"""

from __future__ import annotations

from generated.catalog import CatalogParser
from generated.meeting import MeetingInfoParser

REVIEWS = (
    '{"title": "t", "products": [{"SKU": "a", "name": "n", "price": 1, "details": '
    '{"kind": "digital", "download_url": "u", "size_mb": 1}, "reviews": [{"author": "x", "stars": 1}, '
    '{"author": "y", "stars": 2}, {"author": "z", "stars": 3}'
)


def test_assigning_a_default_field_of_one_closed_item_leaves_the_others_unset() -> None:
    parser = CatalogParser()
    snapshot = parser.feed(REVIEWS)
    assert snapshot.products is not None and snapshot.products[0].reviews is not None
    first, second, third = snapshot.products[0].reviews
    first.text = "edited"
    assert first.model_fields_set == {"author", "stars", "text"}
    assert second.model_fields_set == {"author", "stars"}
    assert third.model_dump(exclude_unset=True) == {"author": "z", "stars": 3}
    parser.feed(', {"author": "w", "stars": 4}]')
    later = parser.snapshot.products
    assert later is not None and later[0].reviews is not None
    assert later[0].reviews[3].model_fields_set == {"author", "stars"}


def test_assigning_to_an_older_snapshot_leaves_the_next_ones_alone() -> None:
    parser = MeetingInfoParser()
    older = parser.feed('{"date": "d", "location": "a')
    older.budget = 5
    newer = parser.feed("bc")
    assert older.model_fields_set == {"date", "location", "budget"}
    assert newer.model_fields_set == {"date", "location"}
    assert newer.budget is None
