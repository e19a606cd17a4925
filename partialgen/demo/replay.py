"""A local HTTP server replaying recorded OpenAI, Anthropic and Gemini Server-Sent Event
streams.

Tests, `partialgen demo` and the README examples point the real SDK clients at it, so
the whole path (HTTP, the SDK's SSE decoding, our adapters, the parser) runs with no
network and no API key:

    with replay_server("openai-chat-meeting") as replay:
        client = OpenAI(base_url=replay.base_url, api_key="replay")

Every POST whose path ends with the recording's endpoint (`/chat/completions`,
`/responses`, `/messages`, Gemini's `:streamGenerateContent`) gets the recorded bytes, split at awkward places (inside
multi-byte UTF-8 characters among them), one HTTP chunk per piece, with an optional delay
between events. Only the standard library is used: the server binds 127.0.0.1 on an
ephemeral port and runs in a daemon thread until the `with` block ends.
"""

from __future__ import annotations

import json
import random
import re
import select
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

# Which endpoint each recording answers, by the prefix of its name.
ENDPOINTS = {
    "openai-chat-": "/chat/completions",
    "openai-responses-": "/responses",
    "anthropic-": "/messages",
    # google-genai: POST {base_url}/v1beta/models/{model}:streamGenerateContent?alt=sse
    "gemini-": ":streamGenerateContent",
}


def recording_names() -> list[str]:
    """The names of the shipped recordings (files `recordings/<name>.sse`)."""
    folder = resources.files(__package__).joinpath("recordings")
    return sorted(
        p.name.removesuffix(".sse") for p in folder.iterdir() if p.name.endswith(".sse")
    )


def read_recording(name: str) -> bytes:
    """The exact bytes of a shipped recording."""
    path = resources.files(__package__).joinpath("recordings", f"{name}.sse")
    if not path.is_file():
        raise ValueError(
            f"no recording named {name!r}; known: {', '.join(recording_names())}"
        )
    return path.read_bytes()


def endpoint_of(name: str) -> str:
    for prefix, endpoint in ENDPOINTS.items():
        if name.startswith(prefix):
            return endpoint
    raise ValueError(
        f"recording {name!r} names no provider (prefixes: {list(ENDPOINTS)})"
    )


def awkward_pieces(body: bytes, seed: int) -> Iterator[bytes]:
    """Split SSE bytes as a network might: 1-48 byte pieces, cutting every multi-byte
    UTF-8 character after its first byte, so decoders must carry half characters over.
    """
    rng = random.Random(seed)
    cuts = {i + 1 for i, b in enumerate(body) if b >= 0xC0}  # after a lead byte
    i = 0
    while i < len(body):
        i += rng.randint(1, 48)
        cuts.add(i)
    start = 0
    for cut in sorted(c for c in cuts if 0 < c < len(body)):
        yield body[start:cut]
        start = cut
    yield body[start:]


@dataclass
class Exchange:
    """One request the server answered, and how the answer ended."""

    path: str
    body: Any
    status: int = 200
    sent: int = 0  # bytes of the recording written
    client_closed: bool = False  # the client hung up before the stream's end
    finished: threading.Event = field(default_factory=threading.Event)


@dataclass
class Replay:
    """What the `with` block gets: where to point a client, and what it sent."""

    base_url: str
    exchanges: list[Exchange]


@dataclass
class _Script:
    bodies: list[bytes]  # the n-th request gets the n-th (the last one after that)
    endpoint: str
    delay: float
    seed: int
    linger: float
    cut_after: int | None
    stopping: threading.Event
    exchanges: list[Exchange]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small chunks must leave at once, not after 40 ms
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the demo's terminal and the test output stay clean

    def do_POST(self) -> None:
        script = self.server.script
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path, _, query = self.path.partition("?")
        exchange = Exchange(path, body)
        script.exchanges.append(exchange)
        try:
            problem = self._problem(exchange, script, query)
            if problem:
                exchange.status = problem[0]
                self._error(*problem)
            else:
                self._stream(exchange, script)
        finally:
            exchange.finished.set()

    def _problem(
        self, exchange: Exchange, script: _Script, query: str
    ) -> tuple[int, str] | None:
        if not exchange.path.endswith(script.endpoint):
            return 404, f"this replay serves {script.endpoint}, not {exchange.path}"
        if not isinstance(exchange.body, dict):
            return 400, "this replay serves JSON requests only"
        # OpenAI and Anthropic ask for a stream in the body, Gemini in the query.
        if exchange.body.get("stream") is not True and "alt=sse" not in query:
            return 400, "this replay serves streams only: pass stream=True"
        return None

    def _error(self, status: int, message: str) -> None:
        # The SDKs read `error.message` from this shape (google-genai also `code`).
        payload = {
            "type": "error",
            "error": {
                "type": "replay_error",
                "message": message,
                "code": status,
                "status": HTTPStatus(status).name,
            },
        }
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _stream(self, exchange: Exchange, script: _Script) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        turn = min(script.exchanges.index(exchange), len(script.bodies) - 1)
        try:
            for event in _events(script.bodies[turn]):
                for piece in awkward_pieces(event, script.seed + exchange.sent):
                    if script.stopping.is_set():
                        return
                    if (
                        script.cut_after is not None
                        and exchange.sent >= script.cut_after
                    ):
                        # A dropped connection: no terminating chunk, the socket just closes.
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    self._chunk(piece)
                    exchange.sent += len(piece)
                if script.delay:
                    script.stopping.wait(script.delay)
            if script.linger and self._client_hangs_up(script):
                exchange.client_closed = True
                return
            self._chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            exchange.client_closed = True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _client_hangs_up(self, script: _Script) -> bool:
        """Hold the stream open (as a model still generating would) until the client
        closes the connection or `linger` seconds pass."""
        deadline = time.monotonic() + script.linger
        while (
            left := deadline - time.monotonic()
        ) > 0 and not script.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.05))
            if readable:
                try:
                    return bool(self.connection.recv(1) == b"")
                except OSError:
                    return True
        return False


# A blank line ends an event; Gemini's lines end with CRLF.
_EVENT_END = re.compile(rb"\r\n\r\n|\n\n")


def _events(body: bytes) -> Iterator[bytes]:
    """SSE events with their blank-line terminators, so pacing happens per event."""
    start = 0
    for end in _EVENT_END.finditer(body):
        yield body[start : end.end()]
        start = end.end()
    if start < len(body):
        yield body[start:]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: _Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-stream is expected; Exchange records it


@contextmanager
def replay_server(
    recording: str | bytes | Sequence[str | bytes],
    *,
    endpoint: str | None = None,
    delay: float = 0.0,
    seed: int = 0,
    linger: float = 0.0,
    cut_after: int | None = None,
) -> Iterator[Replay]:
    """Serve one recording to every streaming request until the block ends.

    `recording` is a shipped recording's name (see `recording_names()`) or raw SSE bytes
    (then `endpoint` says which path answers; default: any), or a list of them: the
    first request gets the first, the next request the next (re-asks), and any request
    after the last gets the last. `delay` paces events;
    `linger` holds the stream open after the last event until the client hangs up (to
    observe consumers that stop early); `cut_after` drops the connection after that many
    bytes, as a network failure would.
    """
    turns = [recording] if isinstance(recording, str | bytes) else list(recording)
    if not turns:
        raise ValueError("replay_server needs at least one recording")
    bodies = []
    for turn in turns:
        if isinstance(turn, str):
            bodies.append(read_recording(turn))
            endpoint = endpoint or endpoint_of(turn)
        else:
            bodies.append(turn)
    exchanges: list[Exchange] = []
    script = _Script(
        bodies,
        endpoint or "",
        delay,
        seed,
        linger,
        cut_after,
        threading.Event(),
        exchanges,
    )
    server = _Server(script)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Replay(f"http://{host!s}:{port}", exchanges)
    finally:
        script.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
