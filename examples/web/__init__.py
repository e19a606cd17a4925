"""The meeting extraction streamed to a web page, live: `python -m examples.web`.

A FastAPI app serves a page (`index.html`), partialgen's ES module
(`partialgen/static/partialgen.js`) and `/meeting`, which asks an OpenAI-compatible API
for a `MeetingInfo` with the one-call client and streams it as JSON Patch events
(`asse_patches`). `python -m examples.web` points it at partialgen's replay server,
which plays a recorded answer, so no API key is needed.

The page posts the meeting notes to `/meeting` with `streamObject` and redraws the
attendee table on every update.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Header
from fastapi.responses import FileResponse, Response, StreamingResponse
from openai import AsyncOpenAI
from partialgen import asse_patches, from_openai
from partialgen.runtime.transport import HEADERS, MEDIA_TYPE
from pydantic import BaseModel

from generated.meeting import MeetingInfoParser

PAGE = Path(__file__).with_name("index.html")
MODULE = resources.files("partialgen").joinpath("static", "partialgen.js")
TYPES = resources.files("partialgen").joinpath("static", "partialgen.d.ts")

NOTES = (
    "Offsite planning, 15 March 2024: Jason Liu (jason@example.com, @jxnlco), "
    'Zoë "Z" Müller (zoe.mueller@example.org, @zoe_m) and Ana Lúcia '
    "(ana@example.net, @analucia). Conference room B, 4th floor, Building É. "
    "Budget 12,500; book by 1 March."
)


class Notes(BaseModel):
    """What the page posts: the text to extract the meeting from."""

    notes: str = NOTES


def messages(notes: str) -> list[dict[str, str]]:
    return [
        {
            "role": "system",
            "content": "Extract the meeting: attendees, date, location, budget, deadline.",
        },
        {"role": "user", "content": notes},
    ]


def create_app(
    base_url: str, *, api_key: str = "replay", model: str = "gpt-5.4-mini"
) -> FastAPI:
    """The example app, asking the OpenAI-compatible API at `base_url`."""
    client = from_openai(AsyncOpenAI(base_url=base_url, api_key=api_key, max_retries=0))
    app = FastAPI(title="partialgen: the meeting, live")

    def stream(notes: str, last_event_id: str | None) -> StreamingResponse:
        partial = client.create_partial(
            MeetingInfoParser, model=model, messages=messages(notes), max_retries=2
        )
        return StreamingResponse(
            asse_patches(partial, last_event_id=last_event_id),
            media_type=MEDIA_TYPE,
            headers=HEADERS,
        )

    @app.get("/")
    def page() -> FileResponse:
        return FileResponse(PAGE, media_type="text/html; charset=utf-8")

    @app.get("/static/partialgen.js")
    def module() -> Response:
        return Response(
            MODULE.read_bytes(), media_type="text/javascript; charset=utf-8"
        )

    @app.get("/static/partialgen.d.ts")
    def types() -> Response:
        return Response(TYPES.read_bytes(), media_type="text/plain; charset=utf-8")

    @app.post("/meeting")
    def meeting(
        body: Notes, last_event_id: str | None = Header(None)
    ) -> StreamingResponse:
        return stream(body.notes, last_event_id)

    @app.get("/meeting")
    def meeting_default(last_event_id: str | None = Header(None)) -> StreamingResponse:
        """The default notes, for `EventSource` and curl."""
        return stream(NOTES, last_event_id)

    return app
