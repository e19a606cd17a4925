"""Fixtures of the browser tests: the example app (plus test pages and scripted
streams) served by uvicorn on 127.0.0.1, and one headless Chromium for the module.

Every test skips, saying why, when no Chromium executable is found.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import FileResponse, StreamingResponse
from partialgen.demo.replay import Replay, replay_server
from partialgen.runtime.transport import HEADERS, MEDIA_TYPE, PatchEncoder, sse_patches

from examples.web import create_app
from generated.meeting import MeetingInfoParser

from .chromium import Chromium, find_chromium

PAGES = Path(__file__).with_name("pages")
CHROMIUM = find_chromium()

# The recording's events are paced, so the browser sees the table grow.
DELAY = 0.004


@dataclass
class Site:
    base_url: str
    replay: Replay


def scripted_routes(app: FastAPI) -> None:
    """Streams the meeting endpoint never produces: an error, a cut, a re-ask."""

    @app.get("/test/{name}")
    def page(name: str) -> FileResponse:
        return FileResponse(PAGES / Path(name).name, media_type="text/html")

    @app.get("/broken")
    def broken() -> StreamingResponse:
        stream = MeetingInfoParser.stream(['{"users": [{"name": "Ada", "email": 3'])
        return StreamingResponse(
            sse_patches(stream), media_type=MEDIA_TYPE, headers=HEADERS
        )

    @app.get("/cut")
    def cut() -> StreamingResponse:
        parser = MeetingInfoParser()
        parser.feed('{"users": [{"name": "Ad')
        body = PatchEncoder().patch(parser.snapshot)
        return StreamingResponse(iter([body]), media_type=MEDIA_TYPE)

    @app.get("/badpatch")
    def badpatch() -> StreamingResponse:
        encoder = PatchEncoder()
        chunks = [
            encoder.event("patch", [{"op": "replace", "path": "", "value": {"a": 1}}]),
            encoder.event("patch", [{"op": "replace", "path": "/nope", "value": 2}]),
            encoder.event("done", {"a": 1}),
        ]
        return StreamingResponse(iter(chunks), media_type=MEDIA_TYPE)

    @app.get("/garbage")
    def garbage() -> StreamingResponse:
        body = b"event: patch\nid: 0\ndata: [{not json\n\n"
        return StreamingResponse(iter([body]), media_type=MEDIA_TYPE)

    @app.get("/reask")
    def reask() -> StreamingResponse:
        encoder = PatchEncoder()
        first = MeetingInfoParser()
        first.feed('{"users": [{"name": "Wrong')
        second = MeetingInfoParser()
        text = (
            '{"users": [{"name": "Ada", "email": "ada@example.com", '
            '"twitter": "@ada"}], "date": "2024-01-01", "location": "Here", '
            '"budget": 1, "deadline": "2024-01-02"}'
        )
        chunks = [encoder.patch(first.snapshot), encoder.attempt(2, None)]
        for piece in (text[:40], text[40:]):
            second.feed(piece)
            chunks.append(encoder.patch(second.snapshot))
            chunks.append(encoder.items(second.take_item_events()))
        chunks.append(encoder.done(second.close()))
        return StreamingResponse(iter(chunks), media_type=MEDIA_TYPE)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is not installed")
    with replay_server("openai-chat-meeting", delay=DELAY) as replay:
        app = create_app(replay.base_url)
        scripted_routes(app)
        sock = free_socket()
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        host, port = sock.getsockname()
        try:
            yield Site(f"http://{host}:{port}", replay)
        finally:
            server.should_exit = True
            thread.join(10)
            sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    if CHROMIUM is None:
        pytest.skip(
            "no Chromium found (looked for $CHROMIUM, `chromium` on PATH and "
            "/usr/bin/chromium; on Debian: apt-get install -y chromium)"
        )
    with Chromium(CHROMIUM) as chromium:
        yield chromium
