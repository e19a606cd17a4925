"""`sse_patches` / `asse_patches`: snapshot streams as Server-Sent Events for a browser.

Every test reads the bytes back the way a browser would: partialgen's own `sse_events`
decodes them (cut at every kind of network boundary), and a small client applies the
`patch` events with `partialgen.patch.apply`, keeps `item`s, restarts on `attempt`, and
stops at `done` or `error`.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

import jsonpatch  # type: ignore[import-untyped]
import pytest
from anthropic import AsyncAnthropic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai import OpenAI
from partialgen import (
    PartialgenError,
    ServerSentEvent,
    StreamParser,
    asse_json,
    from_anthropic,
    from_openai,
    openai_chat_content,
    sse_events,
    sse_json,
)
from partialgen.demo.replay import read_recording, replay_server
from partialgen.patch import apply, dump
from partialgen.runtime.transport import (
    HEADERS,
    MEDIA_TYPE,
    PatchEncoder,
    asse_patches,
    sse_patches,
)

from examples.categorized import User as CategorizedUser
from examples.meeting import MeetingInfo, User
from generated.catalog import CatalogParser
from generated.categorized import UserParser
from generated.meeting import MeetingInfoParser
from generated.roots import TagsParser
from tests.helpers import DEMO_MEETING, fixed_chunks, split_at, stream_all
from tests.strategies import documents

from .recordings import INVALID_USER, VALID_USER, chat_content, openai_chat

ASK = [{"role": "user", "content": "Who is Ada?"}]


@dataclass
class Browser:
    """What a frontend keeps from the events: the document after each patch, items,
    the result or the error, attempts, and the last event id."""

    doc: Any = None
    docs: list[Any] = field(default_factory=list)
    items: list[tuple[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    done: Any = None
    error: dict[str, Any] | None = None
    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    strict: bool = False

    def receive(self, events: Iterable[ServerSentEvent]) -> Browser:
        for event in events:
            assert event.event is not None and event.id is not None
            assert self.done is None and self.error is None, "an event after the end"
            self.ids.append(int(event.id))
            self.names.append(event.event)
            data = json.loads(event.data)
            if event.event == "patch":
                if self.strict:
                    self.doc = jsonpatch.apply_patch(self.doc, data)
                else:
                    self.doc = apply(self.doc, data)
                self.docs.append(self.doc)
            elif event.event == "item":
                self.items.append((data["path"], data["item"]))
            elif event.event == "attempt":
                self.attempts.append(data)
                self.doc, self.items = None, []
            elif event.event == "done":
                self.done = data
            elif event.event == "error":
                self.error = data
            else:
                raise AssertionError(f"unknown event {event.event!r}")
        return self


def documents_of(snapshots: Iterable[Any]) -> list[Any]:
    """The JSON documents a browser should see: one per visible change (a snapshot
    whose JSON did not change, e.g. an object that closed, sends no patch)."""
    docs: list[Any] = []
    for snapshot in snapshots:
        doc = dump(snapshot)
        if not docs or docs[-1] != doc:
            docs.append(doc)
    return docs


def received(chunks: Iterable[bytes], **options: Any) -> Browser:
    return Browser(**options).receive(sse_events(chunks))


def recut(body: bytes, cuts: Iterable[int]) -> list[bytes]:
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(body)}), len(body)]
    return [body[a:b] for a, b in itertools.pairwise(bounds)]


async def agen(chunks: Iterable[str]) -> AsyncIterator[str]:
    for chunk in chunks:
        await asyncio.sleep(0)
        yield chunk


async def collect(stream: AsyncIterator[bytes]) -> list[bytes]:
    return [chunk async for chunk in stream]


# -- a parser's stream ------------------------------------------------------------------


def test_patches_rebuild_every_snapshot_then_items_and_done() -> None:
    chunks = fixed_chunks(DEMO_MEETING, 9)
    expected, result = stream_all(MeetingInfoParser, chunks)
    body = list(sse_patches(MeetingInfoParser.stream(chunks)))
    browser = received(body)
    assert browser.docs == documents_of(expected[1:])
    assert browser.docs[0] is not browser.docs[1]
    assert browser.done == result.model_dump(mode="json", by_alias=True)
    assert browser.items == [
        (f"/users/{i}", user.model_dump(mode="json"))
        for i, user in enumerate(result.users)
    ]
    assert all(User.model_validate(item) for _, item in browser.items)
    assert browser.ids == list(range(len(browser.ids)))
    assert browser.names[-1] == "done" and browser.error is None
    # An item event follows the patch that completed it: the document already holds it.
    first_item = browser.names.index("item")
    assert browser.names[first_item - 1] == "patch"
    # The first patch carries the whole document, the rest only what changed.
    first = json.loads(next(sse_events(body[:1])).data)
    assert first == [{"op": "replace", "path": "", "value": dump(expected[1])}]


def test_async_stream_gives_the_same_bytes() -> None:
    chunks = fixed_chunks(DEMO_MEETING, 13)
    sync = list(sse_patches(MeetingInfoParser.stream(chunks)))
    async_ = asyncio.run(collect(asse_patches(MeetingInfoParser.astream(agen(chunks)))))
    assert async_ == sync


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_document_any_chunking_any_network_cuts(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["meeting", "catalog"]))
    parser: type[StreamParser[Any, Any]] = (
        MeetingInfoParser if name == "meeting" else CatalogParser
    )
    text = data.draw(documents(name))
    chunks = split_at(text, data.draw(st.lists(st.integers(0, len(text)), max_size=25)))
    expected, result = stream_all(parser, chunks)
    strict = data.draw(st.booleans())
    body = b"".join(sse_patches(parser.stream(chunks), strict=strict))
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=30))
    browser = received(recut(body, cuts), strict=strict)
    assert browser.docs == documents_of(expected[1:])
    assert browser.done == result.model_dump(mode="json", by_alias=True)
    if strict:
        assert b'"op":"append"' not in body


def test_a_root_model_document_is_its_root_value() -> None:
    text = '[{"name": "a/b", "weight": 2}, {"name": "c"}]'
    browser = received(sse_patches(TagsParser.stream(fixed_chunks(text, 4))))
    assert browser.done == [
        {"name": "a/b", "weight": 2.0},
        {"name": "c", "weight": 1.0},
    ]
    assert browser.doc == browser.done
    assert [path for path, _ in browser.items] == ["/0", "/1"]


def test_items_false_and_keep_items_false_send_no_items() -> None:
    chunks = fixed_chunks(DEMO_MEETING, 30)
    stream = MeetingInfoParser.stream(chunks)
    browser = received(sse_patches(stream, items=False))
    assert browser.items == [] and browser.done is not None
    assert len(stream.parser.take_items(User)) == 3  # left for the server's own use
    quiet = received(sse_patches(MeetingInfoParser.stream(chunks, keep_items=False)))
    assert quiet.items == [] and quiet.done == browser.done


# -- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "path"),
    [
        (
            '{"name": "Ada", "category": "superuser"}',
            "ImpossiblePrefixError",
            "/category",
        ),
        ('{"name": "Ada", "age": 3x6}', "MalformedJSONError", "/age"),
        ('{"name": "Ada", "age": 36', "IncompleteOutputError", "/age"),
        ('{"name": "Ada", "age": 36}', "InvalidOutputError", "/category"),
    ],
)
def test_a_failed_stream_ends_with_a_typed_error(
    text: str, kind: str, path: str
) -> None:
    chunks = fixed_chunks(text, 5)
    stream = UserParser.stream(chunks)
    browser = received(sse_patches(stream))
    assert browser.names[-1] == "error" and browser.done is None
    with pytest.raises(PartialgenError) as raised:  # what the parser itself raises
        stream.parser.close()
    assert type(raised.value).__name__ == kind
    assert browser.error == {
        "kind": kind,
        "path": path,
        "message": raised.value.message,
    }


def test_what_arrived_before_the_error_is_shown() -> None:
    # One chunk brings the name, the age and the impossible category: no snapshot is
    # yielded, but the browser still gets what arrived before the error.
    text = '{"name": "Ada", "age": 36, "category": "superuser"}'
    browser = received(sse_patches(UserParser.stream([text])))
    assert browser.names == ["patch", "error"]
    assert browser.doc == {"name": "Ada", "age": 36, "category": None}


def test_a_validation_error_names_the_item_path() -> None:
    text = '{"users": [{"name": "a", "email": "b"}], "date": "d"}'
    browser = received(sse_patches(MeetingInfoParser.stream(fixed_chunks(text, 6))))
    assert browser.error is not None
    assert browser.error["kind"] == "InvalidOutputError"
    assert browser.error["path"] == "/users/0/twitter"
    assert browser.error["message"] == "Field required"


# -- reconnection -----------------------------------------------------------------------


def test_a_reconnection_continues_the_ids_and_starts_from_the_whole_document() -> None:
    chunks = fixed_chunks(DEMO_MEETING, 11)
    first = list(sse_patches(MeetingInfoParser.stream(chunks), retry=2000))
    assert first[0].startswith(b"retry: 2000\n")
    # The connection drops after a few events; the browser kept the last id it saw.
    browser = received(first[:5])
    last = str(browser.ids[-1])
    # Restart: the server answers the reconnection with a new stream.
    again = list(sse_patches(MeetingInfoParser.stream(chunks), last_event_id=last))
    assert browser.receive(sse_events(again)) is browser
    assert browser.ids == list(range(len(browser.ids)))  # no id repeats
    assert json.loads(next(sse_events(again[:1])).data)[0]["path"] == ""
    assert browser.done == MeetingInfo.model_validate_json(DEMO_MEETING).model_dump(
        mode="json"
    )
    assert received([b"".join(first)]).done == browser.done


def test_resume_from_a_running_parser_with_the_encoder() -> None:
    # A server that keeps generating while the browser is away resumes with the
    # encoder itself: the current snapshot in full, then deltas.
    parser = MeetingInfoParser()
    chunks = fixed_chunks(DEMO_MEETING, 7)
    live = PatchEncoder()
    sent = [live.patch(parser.feed(c)) for c in chunks[:20]]
    browser = received(sent)
    for c in chunks[20:40]:
        live.patch(parser.feed(c))  # events the browser never got
    resumed = PatchEncoder(last_event_id=str(browser.ids[-1]))
    body = [resumed.patch(parser.feed(c)) for c in chunks[40:]]
    body.append(resumed.done(parser.close()))
    browser.receive(sse_events(body))
    assert browser.doc == dump(parser.snapshot)
    assert browser.ids == sorted(set(browser.ids))
    assert PatchEncoder(last_event_id="not a number").next_id == 0


# -- provider streams and the one-call client -------------------------------------------


def test_a_provider_stream() -> None:
    body = read_recording("openai-chat-meeting")
    stream = openai_chat_content(sse_json([body]), MeetingInfoParser)
    browser = received(sse_patches(stream))
    assert browser.done == stream.result.model_dump(mode="json")
    assert browser.doc == dump(stream.snapshot)
    assert len(browser.items) == 3


def test_an_async_provider_stream() -> None:
    async def source() -> AsyncIterator[bytes]:
        for piece in recut(read_recording("openai-chat-meeting"), range(0, 10**5, 97)):
            yield piece

    async def run() -> list[bytes]:
        stream = openai_chat_content(asse_json(source()), MeetingInfoParser)
        return await collect(asse_patches(stream))

    browser = received(asyncio.run(run()))
    assert browser.done is not None and len(browser.items) == 3


def chat(text: str, seed: int = 11) -> bytes:
    return openai_chat(chat_content(text, seed), finish="stop", seed=seed).encode()


def test_a_reask_sends_an_attempt_and_starts_the_document_over() -> None:
    with replay_server([chat(INVALID_USER), chat(VALID_USER)], linger=5) as replay:
        sdk = OpenAI(base_url=replay.base_url, api_key="t", max_retries=0, timeout=10)
        stream = from_openai(sdk).create_partial(
            UserParser, model="m", messages=ASK, max_retries=2
        )
        browser = received(sse_patches(stream))
    (attempt,) = browser.attempts
    assert attempt["attempt"] == 2
    assert attempt["error"]["kind"] == "ImpossiblePrefixError"
    assert attempt["error"]["path"] == "/category"
    after = browser.names.index("attempt") + 1
    assert browser.names[after] == "patch"
    assert browser.done == CategorizedUser.model_validate_json(VALID_USER).model_dump(
        mode="json"
    )
    assert browser.doc == browser.done


def test_retries_exhausted_is_an_error_event() -> None:
    with replay_server([chat(INVALID_USER)]) as replay:
        sdk = OpenAI(base_url=replay.base_url, api_key="t", max_retries=0, timeout=10)
        stream = from_openai(sdk).create_partial(UserParser, model="m", messages=ASK)
        browser = received(sse_patches(stream))
    assert browser.error is not None
    assert browser.error["kind"] == "RetriesExhaustedError"
    assert browser.error["path"] == "/category"


def test_the_async_one_call_client() -> None:
    async def run() -> list[bytes]:
        with replay_server("anthropic-tool-use") as replay:
            sdk = AsyncAnthropic(base_url=replay.base_url, api_key="t", max_retries=0)
            stream = from_anthropic(sdk).create_partial(
                MeetingInfoParser, model="m", max_tokens=100, messages=ASK
            )
            return await collect(asse_patches(stream))

    browser = received(asyncio.run(run()))
    assert browser.done is not None and browser.doc is not None
    assert MeetingInfo.model_validate(browser.done)
    assert browser.attempts == []


def test_closing_the_generator_closes_the_stream() -> None:
    # A browser that goes away: the framework closes the generator; the model's
    # response must be closed too, not read to its end.
    with replay_server("openai-chat-meeting", delay=0.01) as replay:
        sdk = OpenAI(base_url=replay.base_url, api_key="t", max_retries=0, timeout=10)
        stream = from_openai(sdk).create_partial(
            MeetingInfoParser, model="m", messages=ASK
        )
        events = sse_patches(stream)
        next(events)
        events.close()
        replay.exchanges[0].finished.wait(5)
        assert replay.exchanges[0].client_closed


# -- a real FastAPI app -------------------------------------------------------------------

needs_fastapi = pytest.mark.skipif(
    importlib.util.find_spec("fastapi") is None
    or importlib.util.find_spec("httpx") is None,
    reason="FastAPI and httpx are not installed (pip install fastapi httpx)",
)


@needs_fastapi
def test_served_by_fastapi() -> None:
    # Imported by name: FastAPI is optional, and this module type-checks without it.
    fastapi: Any = importlib.import_module("fastapi")
    responses: Any = importlib.import_module("fastapi.responses")
    testclient: Any = importlib.import_module("fastapi.testclient")

    def meeting(last_event_id: str | None = fastapi.Header(None)) -> Any:
        stream = MeetingInfoParser.stream(fixed_chunks(DEMO_MEETING, 8))
        return responses.StreamingResponse(
            sse_patches(stream, last_event_id=last_event_id),
            media_type=MEDIA_TYPE,
            headers=HEADERS,
        )

    async def ameeting() -> Any:
        stream = MeetingInfoParser.astream(agen(fixed_chunks(DEMO_MEETING, 8)))
        return responses.StreamingResponse(
            asse_patches(stream), media_type=MEDIA_TYPE, headers=HEADERS
        )

    app = fastapi.FastAPI()
    app.add_api_route("/meeting", meeting, methods=["GET"])
    app.add_api_route("/ameeting", ameeting, methods=["GET"])
    expected = MeetingInfo.model_validate_json(DEMO_MEETING).model_dump(mode="json")
    with testclient.TestClient(app) as client:
        for url in ("/meeting", "/ameeting"):
            with client.stream("GET", url) as response:
                assert response.headers["content-type"].startswith(MEDIA_TYPE)
                assert response.headers["cache-control"] == "no-cache"
                browser = received(response.iter_bytes())
            assert browser.done == expected and browser.doc == expected
        headers = {"Last-Event-ID": "41"}
        with client.stream("GET", "/meeting", headers=headers) as response:
            assert received(response.iter_bytes()).ids[0] == 42
