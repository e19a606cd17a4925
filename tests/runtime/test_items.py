"""ItemsParser: a list of generated models wrapped in `{"items": [...]}`, each item typed
and validated the moment it closes, whatever the chunking."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from partialgen import ImpossiblePrefixError, InvalidOutputError, ItemsParser
from pydantic import TypeAdapter

from examples.categorized import User
from generated.categorized import PartialUser, UserParser
from generated.meeting import MeetingInfo, MeetingInfoParser
from generated.meeting import User as Attendee
from tests.helpers import split_at

USERS = [
    {"name": "Ada", "age": 36, "category": "admin"},
    {"name": "Bo \u00e9 \U0001f680", "age": 3, "category": "guest"},
    {"name": "", "age": 0, "category": "user"},
]
USER_LIST = TypeAdapter(list[User])


def wrapped(items: list[Any], indent: int | None = None) -> str:
    return json.dumps({"items": items}, indent=indent)


def test_each_item_is_delivered_validated_as_soon_as_it_closes() -> None:
    text = wrapped(USERS)
    parser = ItemsParser(UserParser)
    delivered: list[tuple[int, User]] = []
    for end in range(1, len(text) + 1):
        parser.feed(text[end - 1])
        delivered += [(end, user) for user in parser.take()]
    closes = [i + 1 for i, ch in enumerate(text) if ch == "}"][: len(USERS)]
    assert [end for end, _ in delivered] == closes
    assert [user for _, user in delivered] == USER_LIST.validate_python(USERS)
    assert parser.close().items == USERS
    assert parser.completed == USER_LIST.validate_python(USERS)
    assert parser.take() == []


@settings(max_examples=60, deadline=None)
@given(
    users=st.lists(
        st.fixed_dictionaries(
            {
                "name": st.text(max_size=8),
                "age": st.integers(-(10**6), 10**6),
                "category": st.sampled_from(["admin", "user", "guest"]),
            }
        ),
        max_size=5,
    ),
    indent=st.sampled_from([None, 2]),
    data=st.data(),
)
def test_any_chunking_gives_the_list_pydantic_validates(
    users: list[dict[str, Any]], indent: int | None, data: st.DataObject
) -> None:
    text = wrapped(users, indent)
    cuts = data.draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=12))
    parser = ItemsParser(UserParser)
    taken: list[User] = []
    seen = 0
    for chunk in split_at(text, cuts):
        snapshot = parser.feed(chunk)
        items = snapshot.items or []
        assert len(items) >= seen  # never backwards
        seen = len(items)
        taken += parser.take()
        assert all(isinstance(item, PartialUser) for item in items)
    parser.close()
    assert taken == USER_LIST.validate_json(json.dumps(users))


def test_the_item_being_received_is_a_typed_partial() -> None:
    parser = ItemsParser(UserParser)
    parser.feed(
        '{"items": [{"name": "Ada", "age": 36, "category": "admin"}, {"name": "B'
    )
    assert parser.current == PartialUser(name="B")
    assert [u.name for u in parser.take()] == ["Ada"]
    parser.feed('o", "age": 3, "category": "guest"}')
    assert parser.current is None  # between items
    assert [u.name for u in parser.take()] == ["Bo"]


def test_an_invalid_item_fails_at_once_naming_where() -> None:
    parser = ItemsParser(UserParser)
    parser.feed(wrapped(USERS[:1])[:-2] + ', {"name": "Bo", "age": 3, "category": "')
    with pytest.raises(ImpossiblePrefixError) as caught:
        parser.feed('super"}]}')
    assert caught.value.path == ("items", 1, "category")
    assert [u.name for u in parser.take()] == ["Ada"]  # what was valid stays delivered
    parser = ItemsParser(UserParser)
    with pytest.raises(InvalidOutputError) as failed:
        parser.feed('{"items": [{"name": "Bo", "age": 3}]}')  # category is required
    assert failed.value.path[:2] == ("items", 0)


def test_prose_and_a_fence_around_the_object_are_skipped() -> None:
    text = (
        "Here you go:\n```json\n" + wrapped(USERS, indent=2) + "\n```\nAnything else?"
    )
    parser = ItemsParser(UserParser)
    parser.feed(text)
    assert parser.completed == USER_LIST.validate_python(USERS)
    assert parser.close().items == USERS


def test_items_of_lists_inside_items_stay_for_take_items() -> None:
    attendee = {"name": "a", "email": "e", "twitter": "t"}
    meeting = {
        "users": [attendee],
        "date": "d",
        "location": "l",
        "budget": 1,
        "deadline": "x",
    }
    parser = ItemsParser(MeetingInfoParser)
    parser.feed(wrapped([meeting, meeting]))
    assert parser.take() == [MeetingInfo.model_validate(meeting)] * 2
    assert parser.take_items(Attendee) == [Attendee.model_validate(attendee)] * 2


def test_options_go_to_the_parser_and_items_are_always_kept() -> None:
    parser = ItemsParser(UserParser, lenient=True)
    parser.feed('{"items": [{"name": "Ada", "age": 36, "category": "admin",},],}')
    assert [u.name for u in parser.take()] == ["Ada"]
    with pytest.raises(ValueError, match="keeps its items"):
        ItemsParser(UserParser, keep_items=False)


def test_a_root_model_is_not_an_item() -> None:
    from generated.roots import TagsParser

    with pytest.raises(
        TypeError, match="Tags is a RootModel: stream it with TagsParser"
    ):
        ItemsParser(TagsParser)
