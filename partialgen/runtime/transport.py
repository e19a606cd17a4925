"""Server-Sent Events for a browser: a snapshot stream as JSON Patch deltas.

`PatchEncoder` is sans-I/O: it turns snapshots, completed items, the result and errors
into event-stream bytes, each event with an increasing `id:`. `sse_patches` and
`asse_patches` drive it over any snapshot stream (a parser's `stream()`/`astream()`, a
provider adapter's stream, the one-call client's `create_partial`) and yield bytes for
a `StreamingResponse(..., media_type="text/event-stream")`.

Events (`data:` is always one line of JSON):

- `patch`: a list of JSON Patch operations (see `partialgen.patch`). The first patch of
  every connection, and the first after an `attempt`, replaces the whole document
  (`{"op": "replace", "path": "", "value": ...}`), so a client that connects, reconnects
  or sees a re-ask starts from a clean state.
- `item`: `{"path": <JSON Pointer>, "item": <JSON>}`, a list item that closed and
  validated with its full model, once each.
- `attempt`: `{"attempt": n, "error": {...}}`: the one-call client asks again; what was
  shown of the rejected answer (document and items) is to be dropped.
- `done`: the validated full model's JSON; the stream ends.
- `error`: `{"kind": <error class>, "path": <JSON Pointer or null>, "message": ...}`;
  the stream ends.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterable, Iterator
from typing import Any, Protocol

from pydantic import BaseModel, RootModel

from .errors import PartialgenError
from .kept import ItemEvent
from .parser import StreamParser
from .patch import Op, diff, pointer

MEDIA_TYPE = "text/event-stream"
# What a proxy must not do to an event stream: buffer it (nginx) or cache it.
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class SnapshotSource(Protocol):
    """What `sse_patches` reads: iterable snapshots, the parser, and the result."""

    @property
    def parser(self) -> StreamParser[Any, Any]: ...

    @property
    def result(self) -> BaseModel: ...

    def __iter__(self) -> Iterator[BaseModel]: ...


class AsyncSnapshotSource(Protocol):
    """What `asse_patches` reads: the async twin of `SnapshotSource`."""

    @property
    def parser(self) -> StreamParser[Any, Any]: ...

    @property
    def result(self) -> BaseModel: ...

    def __aiter__(self) -> AsyncIterator[BaseModel]: ...


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_event_id(value: str | None) -> int | None:
    """The number in a `Last-Event-ID` header as this encoder wrote it, else None."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() and value.isascii() else None


def error_data(error: PartialgenError) -> dict[str, Any]:
    """An error as an `error` event's data: its class, where (a JSON Pointer) and why."""
    located = getattr(error, "last_error", error)  # RetriesExhaustedError: the last one
    path = getattr(located, "path", None)
    return {
        "kind": type(error).__name__,
        "path": None if path is None else pointer(path),
        "message": error.message,
    }


class PatchEncoder:
    """Snapshots in, event-stream bytes out; no I/O.

    `patch` takes the snapshots of one stream, in order (any of them may be skipped);
    `reset` (or an `attempt`) before those of another.

    `last_event_id` is the `Last-Event-ID` a reconnecting browser sent: ids continue
    after it, so they increase across connections. `retry` (milliseconds) is sent with
    the first event: how long a browser waits before it reconnects. `strict=True`
    sends only RFC 6902 operations. `root_value=True` is for a RootModel target: the
    document is its root value (the parser's snapshot holds it in a `root` field).
    """

    def __init__(
        self,
        *,
        last_event_id: str | None = None,
        retry: int | None = None,
        strict: bool = False,
        root_value: bool = False,
    ) -> None:
        after = parse_event_id(last_event_id)
        self.next_id: int = 0 if after is None else after + 1
        self.strict = strict
        self.root_value = root_value
        self._retry = retry
        self._sent: BaseModel | None = None  # the snapshot the client holds

    def event(self, name: str, data: Any) -> bytes:
        """One event: its name, id and data."""
        head = f"event: {name}\nid: {self.next_id}\n"
        self.next_id += 1
        if self._retry is not None:
            head = f"retry: {self._retry}\n" + head
            self._retry = None
        text = f"{head}data: {_json(data)}\n\n"
        try:
            return text.encode()
        except UnicodeEncodeError:  # a lone surrogate: JSON can escape it, UTF-8 cannot
            return f"{head}data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()

    def reset(self) -> None:
        """Forget what the client holds: the next patch replaces the whole document."""
        self._sent = None

    def patch(self, snapshot: BaseModel) -> bytes:
        """A `patch` event from the last snapshot sent to this one (b"" if nothing
        visible changed)."""
        ops = diff(self._sent, snapshot, strict=self.strict, same_stream=True)
        self._sent = snapshot
        if not ops:
            return b""
        if self.root_value:
            ops = _unwrapped(ops)
        return self.event("patch", ops)

    def items(self, events: Iterable[ItemEvent]) -> bytes:
        """An `item` event for each completed item."""
        return b"".join(
            self.event(
                "item",
                {
                    "path": pointer(e.path),
                    "item": e.item.model_dump(mode="json", by_alias=True),
                },
            )
            for e in events
        )

    def attempt(self, number: int, error: PartialgenError | None) -> bytes:
        """An `attempt` event: the answer is asked for again; the next patch replaces
        the whole document."""
        self.reset()
        failed = None if error is None else error_data(error)
        return self.event("attempt", {"attempt": number, "error": failed})

    def done(self, result: BaseModel) -> bytes:
        """The `done` event: the validated full model."""
        return self.event("done", result.model_dump(mode="json", by_alias=True))

    def error(self, error: PartialgenError) -> bytes:
        """The `error` event of a stream that failed."""
        return self.event("error", error_data(error))


def _unwrapped(ops: list[Op]) -> list[Op]:
    """Operations on `{"root": X}` as operations on `X`."""
    out = []
    for op in ops:
        path = op["path"]
        if path == "":
            out.append({**op, "value": op["value"]["root"]})
        else:
            out.append({**op, "path": path[len("/root") :]})
    return out


class _Run:
    """The decisions both generators share, per snapshot."""

    def __init__(self, encoder: PatchEncoder, items: bool) -> None:
        self.encoder = encoder
        self.items = items
        self.parser: StreamParser[Any, Any] | None = None

    def track(self, stream: Any) -> None:
        """Follow the stream's parser (a re-ask brings a new one)."""
        try:
            parser = stream.parser
        except RuntimeError:  # the one-call client before its first request
            return
        if parser is not self.parser:
            self.parser = parser
            spec = getattr(type(parser), "spec", None)
            full = getattr(spec, "full", None)
            root = isinstance(full, type) and issubclass(full, RootModel)
            self.encoder.root_value = root

    def step(self, stream: Any, snapshot: BaseModel) -> bytes:
        encoder = self.encoder
        out = b""
        self.track(stream)
        if getattr(stream, "new_attempt", False):
            failed = stream.failed_attempts
            out += encoder.attempt(stream.attempt, failed[-1].error if failed else None)
        out += encoder.patch(snapshot)
        return out + self.taken()

    def failed(self, stream: Any, error: PartialgenError) -> bytes:
        """What had arrived when the stream failed (the error's snapshot), then the
        `error` event: the browser shows everything received."""
        out = b""
        self.track(stream)
        if isinstance(error.snapshot, BaseModel):
            out = self.encoder.patch(error.snapshot)
        return out + self.taken() + self.encoder.error(error)

    def taken(self) -> bytes:
        if not self.items or self.parser is None:
            return b""
        if not self.parser.keeps_items:  # keep_items=False: there is nothing to take
            self.items = False
            return b""
        return self.encoder.items(self.parser.take_item_events())


def sse_patches(
    stream: SnapshotSource,
    *,
    last_event_id: str | None = None,
    retry: int | None = None,
    strict: bool = False,
    items: bool = True,
) -> Generator[bytes]:
    """Event-stream bytes for `stream`: `patch`, `item`, `attempt`, then `done` or
    `error`; one bytes chunk per snapshot.

    `items=False` leaves completed items in the parser (for `take_items`) instead of
    sending `item` events. A PartialgenError ends the stream with a last `patch` to
    the snapshot the error carries (what had arrived) and an `error` event;
    any other exception propagates. The stream is closed when the generator is (a
    browser that went away closes the model's response too).
    """
    run = _Run(
        PatchEncoder(last_event_id=last_event_id, retry=retry, strict=strict), items
    )
    try:
        try:
            for snapshot in stream:
                chunk = run.step(stream, snapshot)
                if chunk:
                    yield chunk
            result = stream.result
        except PartialgenError as error:
            yield run.failed(stream, error)
            return
        yield run.taken() + run.encoder.done(result)
    finally:
        close = getattr(stream, "close", None)
        if callable(close):
            close()


async def asse_patches(
    stream: AsyncSnapshotSource,
    *,
    last_event_id: str | None = None,
    retry: int | None = None,
    strict: bool = False,
    items: bool = True,
) -> AsyncGenerator[bytes]:
    """The async twin of `sse_patches`, for `async for` streams."""
    run = _Run(
        PatchEncoder(last_event_id=last_event_id, retry=retry, strict=strict), items
    )
    try:
        try:
            async for snapshot in stream:
                chunk = run.step(stream, snapshot)
                if chunk:
                    yield chunk
            result = stream.result
        except PartialgenError as error:
            yield run.failed(stream, error)
            return
        yield run.taken() + run.encoder.done(result)
    finally:
        close = getattr(stream, "aclose", None)
        if callable(close):
            await close()
