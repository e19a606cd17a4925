"""partialgen.js and the example app in a real headless Chromium.

The pages under `pages/` import the module the example serves from
`partialgen/static/`, run their cases in the browser and write a JSON report into
`<pre id="result">`, which the tests read back through Playwright. The example
page itself is loaded as a user would, and its attendee table is read as it grows.
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from typing import Any

from openai import OpenAI
from partialgen import from_openai

from examples.web import NOTES
from generated.meeting import MeetingInfoParser

from .chromium import Chromium
from .conftest import Site

ASK = [{"role": "user", "content": "Who is in the meeting?"}]


def validated_meeting(site: Site) -> Any:
    """The validated MeetingInfo the replayed answer gives in Python, as JSON."""
    client = from_openai(OpenAI(base_url=site.replay.base_url, api_key="replay"))
    meeting = client.create(MeetingInfoParser, model="m", messages=ASK)
    return meeting.model_dump(mode="json", by_alias=True)


def report(browser: Chromium, url: str, timeout: float = 15) -> Any:
    with browser.page() as page:
        page.goto(url)
        text = page.text_of("#result", when="el.dataset.done === '1'", timeout=timeout)
    return json.loads(text)


def test_apply_patch_cases(browser: Chromium, site: Site) -> None:
    started = time.monotonic()
    results = report(browser, f"{site.base_url}/test/patch.html")
    failed = [(r["name"], r["detail"]) for r in results if not r["ok"]]
    assert failed == []
    names = {r["name"] for r in results}
    assert {
        "append to a string root",
        "only the changed path is new",
        "values from the operations are never written to",
        "the same events at every cut into two pieces",
    } <= names
    assert len(results) >= 45
    assert time.monotonic() - started < 10


def test_stream_object_builds_the_validated_meeting(
    browser: Chromium, site: Site
) -> None:
    expected = validated_meeting(site)
    sent_before = len(site.replay.exchanges)
    got = report(browser, f"{site.base_url}/test/stream.html")
    assert "failure" not in got, got.get("failure")
    assert got["result"] == expected and got["final"] == expected
    assert got["sameAsResultPromise"] is True
    # Many intermediate documents, each a new object, none changed afterwards, and
    # the finished first attendee shared by every later document.
    assert got["updates"] > 20
    assert got["rowCounts"] == [0, 1, 2, 3]
    assert got["growingNames"] > 3
    assert got["everyUpdateNew"] is True
    assert got["noneChanged"] is True
    assert got["firstUserShared"] is True
    # onItem: each attendee once, in order, validated, already in the document.
    assert [(i["path"], i["item"]) for i in got["items"]] == [
        (f"/users/{n}", user) for n, user in enumerate(expected["users"])
    ]
    assert all(i["inDocument"] for i in got["items"])
    assert got["handleItems"] == 3
    assert got["calls"] == ["item", "done"] and got["lastCall"] == "done"
    assert int(got["lastEventId"]) == got["updates"] + 3  # patches, items, then done
    # The request init reached the server: POST, the body, the headers.
    [exchange] = site.replay.exchanges[sent_before:]
    assert exchange.body["messages"][-1]["content"] == "Notes from the browser test"


def test_stream_object_errors_reasks_aborts(browser: Chromium, site: Site) -> None:
    sent_before = len(site.replay.exchanges)
    got = report(browser, f"{site.base_url}/test/failures.html")
    # Two requests reached the model: the one aborted after its first update, whose
    # response the server then closed, and the reconnection (an already aborted
    # signal sends nothing).
    aborted_call, reconnect_call = site.replay.exchanges[sent_before:]
    assert aborted_call.finished.wait(5) and aborted_call.client_closed
    assert reconnect_call.finished.wait(5) and not reconnect_call.client_closed

    broken = got["broken"]
    error = {
        "kind": "InvalidOutputError",
        "path": "/users/0/email",
        "message": "expected a string, got a number",
    }
    assert broken["errors"] == [error]
    assert broken["rejected"] == {
        "name": "StreamError",
        "isStreamError": True,
        **error,
        "status": None,
    }
    assert broken["last"]["users"] == [{"name": "Ada", "email": None, "twitter": None}]
    assert broken["done"] == [] and "result" not in broken

    cut = got["cut"]
    assert cut["rejected"]["kind"] == "ConnectionClosed"
    assert cut["errors"] == [
        {
            "kind": "ConnectionClosed",
            "path": None,
            "message": "the stream ended before its done event",
        }
    ]
    assert cut["document"]["users"][0]["name"] == "Ad"

    # Events the client cannot apply or read end the stream as errors too.
    badpatch = got["badpatch"]
    assert badpatch["errors"] == [
        {
            "kind": "PatchError",
            "path": "/nope",
            "message": 'operation 0: no key "nope"',
        }
    ]
    assert badpatch["rejected"]["kind"] == "PatchError"
    assert badpatch["document"] == {"a": 1} and badpatch["done"] == []
    garbage = got["garbage"]
    assert garbage["errors"][0]["kind"] == "ProtocolError"
    assert garbage["errors"][0]["message"].startswith("patch event: ")

    reask = got["reask"]
    assert reask["attempts"] == [{"n": 2, "error": None}]
    ada = {"name": "Ada", "email": "ada@example.com", "twitter": "@ada"}
    assert reask["updates"][0]["users"] == [
        {"name": "Wrong", "email": None, "twitter": None}
    ]
    assert all(u["users"][0]["name"] != "Wrong" for u in reask["updates"][1:])
    assert reask["items"] == [{"path": "/users/0", "item": ada}]
    assert reask["result"] == reask["last"] == reask["done"][0]
    assert reask["result"]["users"] == [ada]

    missing = got["missing"]
    assert missing["rejected"]["kind"] == "HTTPError"
    assert missing["rejected"]["status"] == 404
    assert missing["errors"][0]["kind"] == "HTTPError"

    for name in ("aborted", "signal"):
        aborted = got[name]
        assert aborted["rejected"]["name"] == "AbortError", name
        assert aborted["errors"] == [] and aborted["done"] == [], name
    assert len(got["aborted"]["updates"]) == 1
    assert got["signal"]["updates"] == []

    # Last-Event-ID went to the server, which continued the ids after it.
    reconnect = got["reconnect"]
    assert "result" in reconnect and int(reconnect["lastEventId"]) > 41


# -- the example page ---------------------------------------------------------------

# Records the attendee table's rows at every change, before the page's own script runs.
WATCH = """
window.__tables = [];
new MutationObserver(() => {
  const rows = [...document.querySelectorAll("#attendees tbody tr")].map(
    (tr) => [...tr.cells].map((td) => td.textContent));
  const last = window.__tables[window.__tables.length - 1];
  if (JSON.stringify(rows) !== JSON.stringify(last)) window.__tables.push(rows);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def non_blank(png: bytes) -> bool:
    """A PNG of more than one colour (decoded with the standard library)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, pos = {}, 8
    data = b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IDAT":
            data += body
        else:
            chunks[kind] = body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour in (2, 6)
    raw = zlib.decompress(data)
    return len(set(raw)) > 16 and width > 100 and height > 100


def test_the_example_page_renders_the_table_live(
    browser: Chromium, site: Site, tmp_path: Any
) -> None:
    expected = validated_meeting(site)
    sent_before = len(site.replay.exchanges)
    with browser.page() as page:
        page.goto(f"{site.base_url}/", before=WATCH)
        status = page.text_of(
            "#status",
            when="el.dataset.state === 'done' || el.dataset.state === 'error'",
        )
        assert status == "validated ✓"
        rows = page.evaluate(
            "[...document.querySelectorAll('#attendees tbody tr')].map("
            "(tr) => ({cls: tr.className, cells: [...tr.cells].map((td) => td.textContent)}))"
        )
        tables = page.evaluate("window.__tables")
        details = page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('#details dt')].map("
            "(dt) => [dt.textContent, dt.nextElementSibling.textContent]))"
        )
        stats = page.text_of("#stats", when="true")
        png = page.screenshot()
    users = expected["users"]
    assert rows == [
        {"cls": "complete", "cells": [u["name"], u["email"], u["twitter"]]}
        for u in users
    ]
    assert details == {
        "date": expected["date"],
        "location": expected["location"],
        "budget": f"{expected['budget']:,}",
        "deadline": expected["deadline"],
    }
    # The table grew: one row, two, three, with names arriving piece by piece.
    counts = [len(t) for t in tables]
    assert sorted(set(counts)) == [0, 1, 2, 3] and counts == sorted(counts)
    assert len(tables) > 10
    final = [[u["name"], u["email"], u["twitter"]] for u in users]
    between = [t for t in tables if t and t != final]
    assert len(between) > 5
    assert any("…" in row for t in between for row in t)  # fields yet to arrive
    assert stats.endswith("· 3 attendees validated")
    assert int(stats.split()[0]) > 20
    # The page posted its notes.
    [exchange] = site.replay.exchanges[sent_before:]
    assert exchange.body["messages"][-1]["content"] == NOTES
    (tmp_path / "example.png").write_bytes(png)
    assert non_blank(png)
