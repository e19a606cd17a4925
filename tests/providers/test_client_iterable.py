"""`create_iterable` with the real SDKs against the replay server: each item validated as
it completes, delivered once across re-asks, the list asked for wrapped in an object."""

from __future__ import annotations

import json
from typing import Any

import pytest
from anthropic import AsyncAnthropic
from partialgen import ImpossiblePrefixError, RetriesExhaustedError, from_anthropic
from partialgen.demo.replay import replay_server

from examples.categorized import User
from generated.categorized import UserParser

from .test_client import ASK, anthropic_tool, bodies, chat, openai_client

ADA = {"name": "Ada", "age": 36, "category": "admin"}
BO = {"name": "Bo", "age": 3, "category": "guest"}
CY = {"name": "Cy", "age": 5, "category": "user"}


def answer(*users: dict[str, Any], broken: str = "") -> str:
    text = json.dumps({"items": list(users)})
    return text[:-2] + broken + "]}" if broken else text


def users(*docs: dict[str, Any]) -> list[User]:
    return [User.model_validate(d) for d in docs]


def test_items_arrive_one_by_one_as_they_complete() -> None:
    text = answer(ADA, BO, CY)
    with replay_server(chat(text)) as replay:
        stream = openai_client(replay).create_iterable(
            UserParser, model="m", messages=ASK
        )
        seen = []
        for user in stream:
            # The item is delivered once it closed, before the next one has.
            seen.append((user, len(stream.parser.text)))
        sent = bodies(replay)[0]
    assert [u for u, _ in seen] == users(ADA, BO, CY)
    ends = [text.index(json.dumps(d)) + len(json.dumps(d)) for d in (ADA, BO, CY)]
    received = [n for _, n in seen]
    assert all(r >= e for r, e in zip(received, ends, strict=True))
    assert received[0] < ends[1] and received[1] < ends[2]
    assert stream.result == users(ADA, BO, CY)
    form = sent["response_format"]["json_schema"]
    assert form["name"] == "UserList" and form["strict"] is True
    assert form["schema"]["required"] == ["items"]
    assert form["schema"]["properties"]["items"]["type"] == "array"


def test_a_reask_does_not_deliver_repeated_items_again() -> None:
    first = answer(ADA, broken=', {"name": "Bo", "age": 3, "category": "superuser"}')
    with replay_server([chat(first, 21), chat(answer(ADA, BO, CY), 22)]) as replay:
        stream = openai_client(replay).create_iterable(
            UserParser, model="m", messages=ASK, max_retries=1
        )
        delivered = [(stream.attempt, user) for user in stream]
        reask = bodies(replay)[1]
    assert delivered == list(zip([1, 2, 2], users(ADA, BO, CY), strict=True))
    assert stream.result == users(ADA, BO, CY)
    assert len(stream.failed_attempts) == 1
    assert "items[1].category" in reask["messages"][-1]["content"]
    assert "UserList" in reask["messages"][-1]["content"]


def test_a_reask_that_changes_an_item_delivers_the_new_one() -> None:
    first = answer(ADA, BO, broken=', {"name": "Cy", "age": "five"}')
    changed = {**BO, "age": 4}
    with replay_server([chat(first, 23), chat(answer(ADA, changed, CY), 24)]) as replay:
        stream = openai_client(replay).create_iterable(
            UserParser, model="m", messages=ASK, max_retries=1
        )
        delivered = list(stream)
    assert delivered == users(ADA, BO, changed, CY)
    assert stream.result == users(ADA, changed, CY)  # the answer that validated


def test_no_retries_left_keeps_what_was_delivered() -> None:
    first = answer(ADA, broken=', {"name": "Bo", "age": 3, "category": "superuser"}')
    with replay_server(chat(first)) as replay:
        stream = openai_client(replay).create_iterable(
            UserParser, model="m", messages=ASK
        )
        delivered = []
        with pytest.raises(RetriesExhaustedError) as caught:
            for user in stream:
                delivered.append(user)
    assert delivered == users(ADA)
    assert isinstance(caught.value.last_error, ImpossiblePrefixError)
    assert len(replay.exchanges) == 1


async def test_async_anthropic_tools_mode() -> None:
    turns = [anthropic_tool(answer(ADA, BO), 25)]
    with replay_server(turns) as replay:
        sdk = AsyncAnthropic(base_url=replay.base_url, api_key="test", max_retries=0)
        stream = from_anthropic(sdk).create_iterable(
            UserParser, model="claude", max_tokens=500, messages=ASK
        )
        delivered = [user async for user in stream]
        sent = bodies(replay)[0]
    assert delivered == users(ADA, BO) == stream.result
    assert sent["tool_choice"] == {"type": "tool", "name": "UserList"}
    assert sent["tools"][0]["input_schema"]["required"] == ["items"]
