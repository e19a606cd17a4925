"""End to end through the OpenAI SDK: what one streamed answer costs by each path.

    python -m benchmarks.client                  # 10k and 100k MeetingInfo, ~1 minute
    python -m benchmarks.client --sizes 10k --runs 3

One Chat Completions answer (a `MeetingInfo` document cut into 4-character content
deltas, rendered as the API's SSE events) is served from memory by an
`httpx.MockTransport`, so no socket or thread is involved and CPU time is all Python's.
Side by side, in one process, best of `--runs` (the thread's CPU time):

- `parser`: `MeetingInfoParser().feed(delta)` for every delta: the floor of any path;
- `sse + adapter`: the raw bytes through `sse_json` and `openai_chat_content`;
- `create_partial`: `from_openai(client).create_partial(...)` iterated to its result;
- `sdk loop`: iterating the SDK's own `create(stream=True)`, no parsing at all;
- `sdk + adapter`: the SDK's stream through `openai_chat_content`;
- `instructor`: Instructor's `create_partial` (with the `bench` extra; it re-parses the
  whole answer on every delta, so it runs at the smaller sizes only, `--instructor-max`).

Targets (issue 12): `create_partial` at most 2x the parser alone, and at least 5x less
CPU than the SDK's own loop.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx  # the HTTP client this openai release is built on
from openai import OpenAI
from partialgen import from_openai, openai_chat_content, openai_response_format
from partialgen.runtime.providers.sse import sse_json

from examples.meeting import MeetingInfo
from generated.meeting import MeetingInfoParser

from .documents import chunk_text, make_document, parse_size
from .peers import instructor_available

ASK = [{"role": "user", "content": "Extract the meeting."}]
HEAD = {
    "id": "chatcmpl-BENCH0000000000000000000000",
    "object": "chat.completion.chunk",
    "created": 1741569952,
    "model": "gpt-5.4-mini-2026-03-17",
    "service_tier": "default",
    "system_fingerprint": "fp_bench00000",
}
READ_SIZE = 4096  # bytes per network read, as httpx hands them over


def sse_body(deltas: list[str]) -> bytes:
    """The API's stream for these content deltas: one event each, then the finish
    chunk, the usage chunk and `[DONE]` (fields as the API sends them)."""

    def event(delta: dict[str, Any], reason: str | None = None, **more: Any) -> str:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": reason}
        body = {**HEAD, "choices": [choice], "usage": None, **more}
        return "data: " + json.dumps(body, separators=(",", ":")) + "\n\n"

    first = {"role": "assistant", "content": "", "refusal": None}
    events = [event(first), *(event({"content": d}, obfuscation="abc") for d in deltas)]
    events.append(event({}, "stop"))
    usage = {"prompt_tokens": 212, "completion_tokens": len(deltas), "total_tokens": 0}
    events.append(
        "data: "
        + json.dumps({**HEAD, "choices": [], "usage": usage}, separators=(",", ":"))
        + "\n\n"
    )
    events.append("data: [DONE]\n\n")
    return "".join(events).encode()


def sdk_client(body: bytes) -> OpenAI:
    def handler(request: httpx.Request) -> httpx.Response:
        pieces = [body[i : i + READ_SIZE] for i in range(0, len(body), READ_SIZE)]
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=httpx.ByteStream(b"") if not pieces else _Pieces(pieces),
        )

    transport = httpx.MockTransport(handler)
    return OpenAI(
        api_key="bench",
        base_url="http://bench.invalid/v1",
        max_retries=0,
        http_client=httpx.Client(transport=transport),
    )


class _Pieces(httpx.SyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.pieces)


@dataclass
class Row:
    path: str
    size: int
    deltas: int
    seconds: float

    @property
    def per_delta_us(self) -> float:
        return self.seconds / self.deltas * 1e6


def best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        work()
        best = min(best, time.thread_time() - start)
    return best


def paths(body: bytes, deltas: list[str], expected: MeetingInfo) -> dict[str, Any]:
    """Each path as a function that streams the answer and returns the model."""
    client = sdk_client(body)
    request: dict[str, Any] = {"model": "m", "messages": ASK}

    def parser() -> MeetingInfo:
        p = MeetingInfoParser()
        for d in deltas:
            p.feed(d)
        return p.close()

    def sse_adapter() -> MeetingInfo:
        pieces = (body[i : i + READ_SIZE] for i in range(0, len(body), READ_SIZE))
        snapshots = openai_chat_content(sse_json(pieces), MeetingInfoParser)
        for _ in snapshots:
            pass
        return snapshots.result

    def create_partial() -> MeetingInfo:
        stream = from_openai(client).create_partial(MeetingInfoParser, **request)
        for _ in stream:
            pass
        return stream.result

    def sdk_loop() -> None:
        form = openai_response_format(MeetingInfo)
        for _ in client.chat.completions.create(
            **request, response_format=form, stream=True
        ):
            pass

    def sdk_adapter() -> MeetingInfo:
        form = openai_response_format(MeetingInfo)
        stream = client.chat.completions.create(
            **request, response_format=form, stream=True
        )
        snapshots = openai_chat_content(stream, MeetingInfoParser)
        for _ in snapshots:
            pass
        return snapshots.result

    out: dict[str, Any] = {
        "parser": parser,
        "sse + adapter": sse_adapter,
        "create_partial": create_partial,
        "sdk loop": sdk_loop,
        "sdk + adapter": sdk_adapter,
    }
    if instructor_available():
        out["instructor"] = instructor_path(client, request)
    for name, work in out.items():
        result = work()
        if result is not None and name != "instructor":
            assert result == expected, name
    return out


def instructor_path(client: OpenAI, request: dict[str, Any]) -> Callable[[], object]:
    instructor: Any = importlib.import_module("instructor")  # the `bench` extra
    patched = instructor.from_openai(client, mode=instructor.Mode.JSON_SCHEMA)

    def run() -> object:
        partials = patched.chat.completions.create_partial(
            response_model=MeetingInfo, max_retries=0, **request
        )
        return list(partials)[-1]

    return run


def main(argv: list[str] | None = None) -> None:
    cli = argparse.ArgumentParser(
        prog="python -m benchmarks.client", description=__doc__
    )
    cli.add_argument("--sizes", default="10k,100k")
    cli.add_argument("--runs", type=int, default=5)
    cli.add_argument("--instructor-max", default="10k")
    args = cli.parse_args(argv)
    limit = parse_size(args.instructor_max)
    rows: list[Row] = []
    for size in (parse_size(s) for s in args.sizes.split(",")):
        doc = make_document("meeting", size)
        deltas = chunk_text(doc.text)
        expected = MeetingInfo.model_validate_json(doc.text)
        for name, work in paths(sse_body(deltas), deltas, expected).items():
            if name == "instructor" and size > limit:
                continue
            runs = 1 if name == "instructor" else args.runs
            rows.append(Row(name, doc.size, len(deltas), best_of(runs, work)))
    print(report(rows))


def report(rows: list[Row]) -> str:
    lines = [
        "| size | deltas | path | CPU | µs per delta | x parser | SDK loop / this |",
        "|--:|--:|---|--:|--:|--:|--:|",
    ]
    for size in sorted({r.size for r in rows}):
        cells = [r for r in rows if r.size == size]
        base = next(r for r in cells if r.path == "parser")
        sdk = next(r for r in cells if r.path == "sdk loop")
        for r in cells:
            lines.append(
                f"| {size / 1000:.0f} KB | {r.deltas:,} | {r.path} | {r.seconds * 1000:,.1f} ms"
                f" | {r.per_delta_us:.1f} | {r.seconds / base.seconds:.2f}"
                f" | {sdk.seconds / r.seconds:.1f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
