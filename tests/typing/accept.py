"""Usage of the generated modules that `mypy --strict` must accept, with exact types.

Checked by tests/test_typing.py; never imported or run.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any, Literal, assert_type

from anthropic import Anthropic, AsyncAnthropic
from openai import AsyncOpenAI, OpenAI
from partialgen import (
    AsyncIterableStream,
    AsyncPartialClient,
    AsyncPartialStream,
    Attempt,
    Items,
    ItemsParser,
    IterableStream,
    PartialClient,
    PartialgenError,
    PartialItems,
    PartialStream,
    RetriesExhaustedError,
    TokenUsage,
    from_anthropic,
    from_openai,
)
from pydantic import BaseModel

from examples.catalog import Color, Priority, Product, Size
from examples.categorized import User as CategorizedUser
from generated.catalog import (
    Catalog,
    CatalogParser,
    PartialCatalog,
    PartialCategory,
    PartialDigital,
    PartialDimensions,
    PartialPhysical,
    PartialProduct,
    PartialReview,
)
from generated.categorized import PartialUser as PartialCategorizedUser
from generated.categorized import UserParser as CategorizedUserParser
from generated.meeting import (
    MeetingInfo,
    MeetingInfoParser,
    PartialMeetingInfo,
    PartialUser,
    User,
)
from generated.profile import PartialUserProfile, UserProfile, UserProfileParser
from generated.report import PartialReport, Report, ReportParser


def meeting_fields(snap: PartialMeetingInfo) -> None:
    assert_type(PartialMeetingInfo().users, list[PartialUser] | None)
    assert_type(snap.users, list[PartialUser] | None)
    assert_type(snap.date, str | None)
    assert_type(snap.location, str | None)
    assert_type(snap.budget, int | None)
    assert_type(snap.deadline, str | None)
    if snap.users:
        first = snap.users[0]
        assert_type(first, PartialUser)
        assert_type(first.name, str | None)
        assert_type(first.email, str | None)
        assert_type(first.twitter, str | None)
    # Snapshots are pydantic models: building one by hand is allowed.
    PartialMeetingInfo(users=[PartialUser(name="a")], budget=3)


def meeting_parser(chunks: list[str]) -> MeetingInfo:
    parser = MeetingInfoParser()
    assert_type(parser.snapshot, PartialMeetingInfo)
    for chunk in chunks:
        snap = parser.feed(chunk)
        assert_type(snap, PartialMeetingInfo)
        assert_type(parser.take_items(User), list[User])
    result = parser.close()
    assert_type(result, MeetingInfo)
    assert_type(result.users, list[User])
    assert_type(result.budget, int)
    return result


def meeting_stream(chunks: Iterator[str]) -> MeetingInfo:
    stream = MeetingInfoParser.stream(chunks)
    for snap in stream:
        assert_type(snap, PartialMeetingInfo)
        if snap.users is not None:
            assert_type(len(snap.users), int)
    assert_type(stream.result, MeetingInfo)
    return stream.result


async def meeting_astream(chunks: AsyncIterator[str]) -> MeetingInfo:
    stream = MeetingInfoParser.astream(chunks)
    async for snap in stream:
        assert_type(snap, PartialMeetingInfo)
    assert_type(stream.result, MeetingInfo)
    return stream.result


def catalog_fields(snap: PartialCatalog) -> None:
    assert_type(snap.title, str | None)
    assert_type(snap.products, list[PartialProduct] | None)
    assert_type(snap.categories, list[PartialCategory] | None)
    assert_type(snap.featured, PartialProduct | None)
    assert_type(snap.metadata, dict[str, Any] | None)


def product_fields(p: PartialProduct) -> None:
    assert_type(p.id, uuid.UUID | None)
    assert_type(p.sku, str | None)
    assert_type(p.price, Decimal | None)
    assert_type(p.discount, float | None)
    assert_type(p.color, Color | None)
    assert_type(p.priority, Priority | None)
    assert_type(p.size, Size | None)
    assert_type(p.status, Literal["draft", "active", "archived"] | None)
    assert_type(p.tags, list[str] | None)
    assert_type(p.labels, set[str] | None)
    assert_type(p.ratings, dict[str, float] | None)
    assert_type(p.reviews, list[PartialReview] | None)
    assert_type(p.details, PartialPhysical | PartialDigital | None)
    assert_type(p.origin, tuple[float, float] | None)
    assert_type(p.released, datetime.date | None)
    assert_type(p.updated_at, datetime.datetime | None)
    assert_type(p.available_from, datetime.time | None)
    assert_type(p.warranty, datetime.timedelta | None)
    assert_type(p.thumbnail, bytes | None)
    assert_type(p.in_stock, bool | None)
    assert_type(p.code, int | str | None)
    assert_type(p.extra, Any)
    assert_type(p.note, str | None)
    # Narrowing works as on hand-written classes.
    if isinstance(p.details, PartialPhysical):
        assert_type(p.details.kind, Literal["physical"] | None)
        assert_type(p.details.weight_kg, float | None)
        assert_type(p.details.dimensions, PartialDimensions | None)
    elif p.details is not None:
        assert_type(p.details, PartialDigital)
        assert_type(p.details.download_url, str | None)
    if p.status == "active":
        assert_type(p.status, Literal["active"])
    if p.color is Color.RED:
        assert_type(p.color, Literal[Color.RED])
    status: Literal["draft", "active", "archived"] | None = p.status
    assert_type(status, Literal["draft", "active", "archived"] | None)
    p.status = "archived"
    p.color = Color.BLUE
    p.code = "X1"
    p.code = 7


def category_tree(c: PartialCategory) -> int:
    assert_type(c.children, list[PartialCategory] | None)
    return 1 + sum(category_tree(child) for child in c.children or [])


def catalog_parser(text: str) -> Catalog:
    parser = CatalogParser()
    assert_type(parser.feed(text), PartialCatalog)
    assert_type(parser.take_items(Product), list[Product])
    result = parser.close()
    assert_type(result, Catalog)
    assert_type(result.products, list[Product])
    return result


def categorized(text: str) -> CategorizedUser:
    snap = CategorizedUserParser().feed(text)
    assert_type(snap, PartialCategorizedUser)
    assert_type(snap.category, Literal["admin", "user", "guest"] | None)
    assert_type(snap.age, int | None)
    return CategorizedUserParser().close()


def profile_and_report(text: str) -> tuple[UserProfile, Report]:
    profile = UserProfileParser().feed(text)
    assert_type(profile, PartialUserProfile)
    assert_type(profile.interests, list[str] | None)
    report = ReportParser().feed(text)
    assert_type(report, PartialReport)
    assert_type(report.conclusion, str | None)
    return UserProfileParser().close(), ReportParser().close()


# -- the one-call client: types from the parser class, async from the SDK client ----------


def one_call(sdk: OpenAI, render: Any) -> MeetingInfo:
    client = from_openai(sdk)
    assert_type(client, PartialClient)
    stream = client.create_partial(
        MeetingInfoParser, model="m", messages=[], max_retries=2, temperature=0
    )
    assert_type(stream, PartialStream[PartialMeetingInfo, MeetingInfo])
    with stream:
        for snap in stream:
            assert_type(snap, PartialMeetingInfo)
            if stream.new_attempt:
                assert_type(stream.attempt, int)
            render(snap)
    assert_type(stream.snapshot, PartialMeetingInfo)
    assert_type(stream.usage, TokenUsage)
    assert_type(stream.reasoning, str)
    assert_type(stream.finish_reason, str | None)
    assert_type(stream.failed_attempts, list[Attempt])
    assert_type(stream.parser.take_items(User), list[User])
    assert_type(stream.result, MeetingInfo)
    return stream.result


def one_call_modes(openai: OpenAI, anthropic: Anthropic) -> CategorizedUser:
    assert_type(from_openai(openai, mode="responses_tools"), PartialClient)
    client = from_anthropic(anthropic, mode="json")
    assert_type(client, PartialClient)
    try:
        user = client.create(
            CategorizedUserParser, model="m", max_tokens=9, messages=[]
        )
    except RetriesExhaustedError as e:
        assert_type(e.attempts, tuple[Attempt, ...])
        assert_type(e.attempts[-1].snapshot, BaseModel | None)
        assert_type(e.last_error, PartialgenError)
        raise
    assert_type(user, CategorizedUser)
    return user


async def one_call_async(openai: AsyncOpenAI, anthropic: AsyncAnthropic) -> MeetingInfo:
    assert_type(from_anthropic(anthropic), AsyncPartialClient)
    client = from_openai(openai, mode="tools")
    assert_type(client, AsyncPartialClient)
    stream = client.create_partial(MeetingInfoParser, model="m", messages=[])
    assert_type(stream, AsyncPartialStream[PartialMeetingInfo, MeetingInfo])
    async with stream:
        async for snap in stream:
            assert_type(snap, PartialMeetingInfo)
    assert_type(stream.result, MeetingInfo)
    meeting = await client.create(MeetingInfoParser, model="m", messages=[])
    assert_type(meeting, MeetingInfo)
    return meeting


def wrapped_list(text: str) -> list[CategorizedUser]:
    parser = ItemsParser(CategorizedUserParser)
    assert_type(parser, ItemsParser[PartialCategorizedUser, CategorizedUser])
    assert_type(parser.feed(text), PartialItems)
    assert_type(parser.take(), list[CategorizedUser])
    assert_type(parser.current, PartialCategorizedUser | None)
    assert_type(parser.close(), Items)
    return parser.completed


def one_call_items(sdk: OpenAI) -> list[CategorizedUser]:
    stream = from_openai(sdk).create_iterable(CategorizedUserParser, model="m")
    assert_type(stream, IterableStream[PartialCategorizedUser, CategorizedUser])
    for user in stream:
        assert_type(user, CategorizedUser)
    assert_type(stream.parser.current, PartialCategorizedUser | None)
    assert_type(stream.parser.take(), list[CategorizedUser])
    assert_type(stream.result, list[CategorizedUser])
    return stream.result


async def one_call_items_async(sdk: AsyncAnthropic) -> list[CategorizedUser]:
    stream = from_anthropic(sdk).create_iterable(CategorizedUserParser, model="m")
    assert_type(stream, AsyncIterableStream[PartialCategorizedUser, CategorizedUser])
    async for user in stream:
        assert_type(user, CategorizedUser)
    return stream.result
