"""Usage of the generated modules that `mypy --strict` must reject.

Every line mypy must flag ends with `# E: <error code>`; tests/test_typing.py checks that
the reported (line, code) pairs are exactly these. Never imported or run.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Literal

from anthropic import Anthropic
from openai import AsyncOpenAI, OpenAI
from partialgen import from_anthropic, from_openai

from examples.catalog import Color, Priority, Product
from generated.catalog import (
    CatalogParser,
    PartialCatalog,
    PartialDigital,
    PartialPhysical,
    PartialProduct,
)
from generated.categorized import PartialUser as PartialCategorizedUser
from generated.meeting import (
    MeetingInfo,
    MeetingInfoParser,
    PartialMeetingInfo,
    PartialUser,
    User,
)


def needs_user(user: User) -> str:
    return user.name


def needs_meeting(meeting: MeetingInfo) -> int:
    return meeting.budget


def partial_is_not_full(snap: PartialMeetingInfo, person: PartialUser) -> None:
    needs_user(person)  # E: arg-type
    needs_meeting(snap)  # E: arg-type
    full: MeetingInfo = snap  # E: assignment
    users: list[User] = snap.users or []  # E: assignment


def fields_are_optional(snap: PartialMeetingInfo) -> None:
    budget: int = snap.budget  # E: assignment
    date: str = snap.date  # E: assignment
    snap.users[0]  # E: index
    snap.location.upper()  # E: union-attr


def field_types_are_exact(snap: PartialMeetingInfo, person: PartialUser) -> None:
    snap.budget = "100"  # E: assignment
    snap.date = 20240101  # E: assignment
    person.name = None
    person.email = ["a@b.c"]  # E: assignment
    snap.users = [User(name="a", email="b", twitter="c")]  # E: list-item
    _ = snap.nonexistent  # E: attr-defined
    _ = person.age  # E: attr-defined


def literals_and_enums(user: PartialCategorizedUser, product: PartialProduct) -> None:
    role: Literal["admin", "user"] = user.category  # E: assignment
    user.category = "root"  # E: assignment
    user.category = "admin"
    product.status = "deleted"  # E: assignment
    product.color = "red"  # E: assignment
    product.color = Priority.LOW  # E: assignment
    product.priority = Color.RED  # E: assignment
    colour: Color = product.color  # E: assignment
    day: datetime.date = product.released  # E: assignment
    product.updated_at = "2024-01-01T00:00:00Z"  # E: assignment


def unions_need_narrowing(product: PartialProduct) -> None:
    _ = product.details.kind  # E: union-attr
    if isinstance(product.details, PartialDigital):
        _ = product.details.weight_kg  # E: attr-defined
    physical: PartialPhysical = product.details  # E: assignment
    product.details = Product  # E: assignment


def parsers_are_typed(chunks: Iterator[str]) -> None:
    parser = MeetingInfoParser()
    parser.feed(b"{}")  # E: arg-type
    snap: MeetingInfo = parser.feed("{")  # E: assignment
    done: PartialMeetingInfo = parser.close()  # E: assignment
    people: list[PartialUser] = parser.take_items(User)  # E: arg-type
    products: list[User] = CatalogParser().take_items(Product)  # E: arg-type
    catalog: PartialCatalog = CatalogParser().feed("{")
    _ = catalog
    catalog = MeetingInfoParser().feed("{")  # E: assignment
    stream = MeetingInfoParser.stream(chunks)
    for item in stream:
        _ = item.title  # E: attr-defined
    result: PartialMeetingInfo = stream.result  # E: assignment


def one_call_is_typed(sdk: OpenAI, aio: AsyncOpenAI, anthropic: Anthropic) -> None:
    client = from_openai(sdk)
    ask = MeetingInfoParser
    meeting: PartialMeetingInfo = client.create(ask, model="m")  # E: assignment
    stream = client.create_partial(ask, model="m")
    for snap in stream:
        needs_meeting(snap)  # E: arg-type
    done: PartialMeetingInfo = stream.result  # E: assignment
    client.create(PartialMeetingInfo, model="m")  # E: arg-type
    from_openai(anthropic)  # E: call-overload
    from_openai(sdk, mode="text")  # E: call-overload
    from_anthropic(anthropic, mode="json_schema")  # E: call-overload
    async_stream = from_openai(aio).create_partial(ask, model="m")
    for _ in async_stream:  # E: attr-defined
        pass
    not_awaited: MeetingInfo = from_openai(aio).create(ask)  # E: assignment
    for _ in from_openai(aio).create_iterable(ask):  # E: attr-defined
        pass
    users: list[PartialUser] = client.create_iterable(ask).result  # E: assignment
