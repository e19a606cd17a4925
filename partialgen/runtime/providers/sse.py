"""Server-Sent Events from raw bytes, for streams read without a provider SDK.

Follows the WHATWG event-stream rules: lines end with CRLF, LF or CR (a CR at the end of
one chunk may pair with an LF at the start of the next); `data` lines join with newlines;
comments (`:`) are skipped; an event is dispatched at a blank line and only if it has
data (an event cut off before its blank line is dropped, as the standard says). Bytes are
decoded incrementally, so a UTF-8 character split across chunks arrives whole; invalid
UTF-8 is a `ProviderError` naming the byte, where the standard would replace it. `sse_json` adds the provider convention on top: each event's data is JSON, and
`[DONE]` ends the stream, and the events stay grouped by the read that completed them
(`reads()`), so an adapter builds one snapshot per network read, not one per event.
"""

from __future__ import annotations

import codecs
import inspect
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Generator,
    Iterable,
    Iterator,
)
from dataclasses import dataclass
from typing import Any

import jiter

from .errors import ProviderError


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One dispatched event: its `event:` name (None when absent), data, id and retry."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    def json(self) -> Any:
        """The data decoded as JSON; ProviderError if it is not JSON."""
        try:
            # jiter (a dependency already): 3-4x json.loads on providers' small events.
            return jiter.from_json(self.data.encode(), cache_mode="keys")
        except ValueError:
            raise ProviderError(
                f"an event's data is not JSON: {self.data[:200]!r}", payload=self
            ) from None


class SSEDecoder:
    """Incremental, sans-I/O: `feed(bytes)` returns the events those bytes completed."""

    def __init__(self) -> None:
        # Strict, as pydantic and the SDKs are: a U+FFFD in the answer would be silent.
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._decoded = 0  # bytes received before the current chunk
        self._buffer = ""
        self._started = False
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        held = len(self._decoder.getstate()[0])  # a character's first bytes, if cut
        try:
            text = self._decoder.decode(chunk)
        except UnicodeDecodeError as e:
            at = self._decoded - held + e.start
            raise ProviderError(
                f"the stream is not valid UTF-8: byte {at} "
                f"({e.object[e.start : e.start + 4]!r}): {e.reason}",
                payload=bytes(chunk),
            ) from None
        self._decoded += len(chunk)
        if not self._started and text:
            text = text.removeprefix("\ufeff")
            self._started = True
        return self._lines(self._buffer + text)

    def _lines(self, text: str) -> list[ServerSentEvent]:
        if "\r" in text:
            return self._any_lines(text)
        # Providers end lines with LF alone: one split, and `data:` lines inline.
        lines = text.split("\n")
        self._buffer = lines.pop()
        events: list[ServerSentEvent] = []
        data = self._data
        for line in lines:
            if line.startswith("data:"):
                data.append(line[6:] if line.startswith(" ", 5) else line[5:])
            elif line:
                self._line(line)
            else:
                event = self._dispatch()
                data = self._data
                if event is not None:
                    events.append(event)
        return events

    def _any_lines(self, text: str) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        start = 0
        length = len(text)
        while start < length:
            end = _line_end(text, start)
            if end == -1:
                break
            if text[end] == "\r" and end + 1 == length:
                break  # a CR last in the chunk: the next chunk may start with its LF
            event = self._line(text[start:end])
            if event is not None:
                events.append(event)
            start = end + 2 if text.startswith("\r\n", end) else end + 1
        self._buffer = text[start:]
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event = self._data, self._event
        self._data, self._event = [], None
        if not data:
            return None
        return ServerSentEvent("\n".join(data), event, self._id, self._retry)


def _line_end(text: str, start: int) -> int:
    lf = text.find("\n", start)
    cr = text.find("\r", start, lf if lf != -1 else len(text))
    return cr if cr != -1 else lf


def sse_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """The events of a byte stream (e.g. `response.iter_bytes()` of an HTTP client)."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)


async def asse_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[ServerSentEvent]:
    """The async twin of `sse_events`."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event


def _batch(decoder: SSEDecoder, chunk: bytes) -> tuple[list[Any], bool]:
    """The JSON of the events `chunk` completed, and whether `[DONE]` was among them."""
    batch: list[Any] = []
    for event in decoder.feed(chunk):
        if event.data == "[DONE]":
            return batch, True
        batch.append(event.json())
    return batch, False


class JSONEvents:
    """`sse_json`'s result: iterate it for each event's JSON, until `data: [DONE]`.

    `reads()` gives the same events grouped by the byte chunk (network read) that
    completed them; the adapters use it to feed the parser once per read.
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        self._reads: Generator[list[Any]] | None = None

    def reads(self) -> Iterator[list[Any]]:
        if self._reads is None:
            self._reads = self._decode()
        return self._reads

    def _decode(self) -> Generator[list[Any]]:
        decoder = SSEDecoder()
        for chunk in self._chunks:
            batch, done = _batch(decoder, chunk)
            if batch:
                yield batch
            if done:
                return

    def __iter__(self) -> Iterator[Any]:
        for batch in self.reads():
            yield from batch

    def close(self) -> None:
        """Stop reading; closes the byte source where it can be closed."""
        if self._reads is not None:
            self._reads.close()
        closer = getattr(self._chunks, "close", None)
        if callable(closer):
            closer()


class AsyncJSONEvents:
    """The async twin of `JSONEvents` (`async for`, `reads()`)."""

    def __init__(self, chunks: AsyncIterable[bytes]) -> None:
        self._chunks = chunks
        self._reads: AsyncGenerator[list[Any]] | None = None

    def reads(self) -> AsyncIterator[list[Any]]:
        if self._reads is None:
            self._reads = self._decode()
        return self._reads

    async def _decode(self) -> AsyncGenerator[list[Any]]:
        decoder = SSEDecoder()
        async for chunk in self._chunks:
            batch, done = _batch(decoder, chunk)
            if batch:
                yield batch
            if done:
                return

    async def __aiter__(self) -> AsyncIterator[Any]:
        async for batch in self.reads():
            for event in batch:
                yield event

    async def aclose(self) -> None:
        """Stop reading; closes the byte source where it can be closed."""
        if self._reads is not None:
            await self._reads.aclose()
        closer = getattr(self._chunks, "aclose", None)
        if callable(closer):
            result = closer()
            if inspect.isawaitable(result):
                await result


def sse_json(chunks: Iterable[bytes]) -> JSONEvents:
    """Each event's data as JSON, until `data: [DONE]`: what the provider adapters read."""
    return JSONEvents(chunks)


def asse_json(chunks: AsyncIterable[bytes]) -> AsyncJSONEvents:
    """The async twin of `sse_json`."""
    return AsyncJSONEvents(chunks)
