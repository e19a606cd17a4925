"""The loop shared by every adapter: events in, pieces through an assembler, results out.

One object serves `for` and `async for` (whichever the provider's stream supports), so
each provider needs one function, not a sync and an async twin. The provider's stream is
closed as soon as anything fails (the HTTP response is released, the model stops being
paid for) and by `with`/`async with`; breaking out of a loop leaves it open, so the
iteration can resume.
"""

from __future__ import annotations

import inspect
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Iterable,
    Iterator,
    Sequence,
)
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from ..closing import AsyncClosing, Closing
from ..errors import IncompleteOutputError, PartialgenError
from .errors import ProviderError
from .events import CallText, Piece, Reader, Reasoning, Text
from .sse import AsyncJSONEvents, JSONEvents

E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)

# What the adapters accept: an SDK stream, a generator, or `sse_json(...)` output.
Events = Iterable[Any] | AsyncIterable[Any]

# The provider's words for why it stopped, in ours.
STOP_REASONS = {
    "length": "the model reached its output token limit",
    "max_tokens": "the model reached its output token limit",
    "max_output_tokens": "the model reached its output token limit",
    "content_filter": "the provider's content filter stopped the output",
    "model_context_window_exceeded": "the model's context window is full",
    "pause_turn": "the provider paused the turn",
    "tool_calls": "the model called a tool instead",
    "tool_use": "the model called a tool instead",
    # Gemini's words
    "MAX_TOKENS": "the model reached its output token limit",
    "CONTINUATION": "the request's token limit stopped it; continue with its token",
    "LANGUAGE": "the model does not support the prompt's language",
    "UNEXPECTED_TOOL_CALL": "the model called a tool instead",
    "MALFORMED_FUNCTION_CALL": "the model called a tool instead",
}


def ended_early(
    error: IncompleteOutputError, reason: str | None, what: str = ""
) -> IncompleteOutputError:
    """The parser's incomplete error, saying why the provider stopped."""
    if reason is None:
        why = "the stream ended without a finish reason"
    else:
        why = f"finish reason {reason!r}"
        if reason in STOP_REASONS:
            why += f": {STOP_REASONS[reason]}"
    return IncompleteOutputError(
        f"{what}{error.message} ({why})",
        path=error.path,
        snapshot=error.snapshot,
        text=error.text,
    )


class Assembler(Protocol[E_co]):
    def apply(self, piece: Piece) -> E_co | None:
        """Take one piece; return what the consumer should see now, if anything."""
        ...

    def finish(self) -> None:
        """The events ended: validate what arrived or raise the error that explains."""
        ...

    def kept(self) -> str:
        """Where the received text stays available, for notes on foreign errors."""
        ...

    def state(self) -> tuple[BaseModel | None, str]:
        """The latest snapshot and the text received, for errors raised outside it."""
        ...

    def pending(self) -> Sequence[E_co]:
        """What a pace held back, shown when the events end."""
        ...


class Pump(Generic[E], Closing, AsyncClosing):
    """Iterates a provider's events (sync or async) through a reader and an assembler."""

    def __init__(self, source: Events, reader: Reader, assembler: Assembler[E]) -> None:
        self._source = source
        self._reader = reader
        self._assembler = assembler
        self._events: Iterator[list[Any]] | None = None
        self._async_events: AsyncIterator[list[Any]] | None = None

    def __iter__(self) -> Iterator[E]:
        if self._events is None:
            if not isinstance(self._source, Iterable):
                raise TypeError(
                    "this provider stream is asynchronous: iterate it with `async for`"
                )
            self._events = _reads(self._source)
        try:
            for batch in self._events:
                yield from self._outputs(batch)
            yield from self._assembler.pending()
            self._assembler.finish()
        except Exception as error:
            self._annotate(error)
            self.close()
            raise

    def _outputs(self, batch: list[Any]) -> Iterator[E]:
        """What the events of one read yield to the user (sync and async share it):
        their text joined, so the parser is fed, and a snapshot built, once per read."""
        pieces: list[Piece] = []
        rejected: Exception | None = None
        for event in batch:
            try:
                pieces += _checked(self._reader.read(event), event)
            except Exception as error:  # what arrived before it is applied first
                rejected = error
                break
        for piece in _joined(pieces):
            out = self._assembler.apply(piece)
            if out is not None:
                yield out
        if rejected is not None:
            raise rejected

    async def __aiter__(self) -> AsyncIterator[E]:
        if self._async_events is None:
            self._async_events = _async_reads(self._source)
        try:
            async for batch in self._async_events:
                for out in self._outputs(batch):
                    yield out
            for last in self._assembler.pending():
                yield last
            self._assembler.finish()
        except Exception as error:
            self._annotate(error)
            await self.aclose()
            raise

    def _annotate(self, error: Exception) -> None:
        if isinstance(error, PartialgenError) and error.snapshot is None:
            # Raised by the source (`sse_json`), not the parser: what arrived so far.
            error.snapshot, error.text = self._assembler.state()
        if not isinstance(error, PartialgenError | TypeError):
            error.add_note(
                f"partialgen: the stream broke off; {self._assembler.kept()}"
            )

    def close(self) -> None:
        """Close the provider's stream (its HTTP response), e.g. to stop early."""
        closer = getattr(self._source, "close", None)
        if callable(closer):
            result = closer()
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                raise TypeError(
                    "this provider stream is asynchronous: use `await aclose()`"
                )

    async def aclose(self) -> None:
        """The async twin of `close`."""
        closer = getattr(self._source, "aclose", None) or getattr(
            self._source, "close", None
        )
        if callable(closer):
            result = closer()
            if inspect.isawaitable(result):
                await result


_KINDS = {Text: "content", Reasoning: "reasoning", CallText: "tool call arguments"}


def _checked(pieces: list[Piece], event: Any) -> list[Piece]:
    """The pieces of an event, refused before anything is fed if a text is no text."""
    for piece in pieces:
        if isinstance(piece, _Joinable) and type(piece.text) is not str:
            kind = _KINDS[type(piece)]
            raise ProviderError(
                f"an event holds {kind} of type {type(piece.text).__name__}, not text: "
                f"{piece.text!r:.100}",
                payload=event,
            )
    return pieces


def _reads(source: Iterable[Any]) -> Iterator[list[Any]]:
    """The source's events grouped by read: as `sse_json` grouped them, else one each."""
    if isinstance(source, JSONEvents):
        return source.reads()
    return ([event] for event in source)


async def _async_reads(source: Events) -> AsyncIterator[list[Any]]:
    if isinstance(source, AsyncJSONEvents | JSONEvents):
        reads: Any = source.reads()
        if isinstance(source, JSONEvents):
            for batch in reads:  # a sync source in async code: fine for tests
                yield batch
        else:
            async for batch in reads:
                yield batch
    elif isinstance(source, AsyncIterable):
        async for event in source:
            yield [event]
    else:
        for event in source:  # a sync source in async code: fine for lists and tests
            yield [event]


_Joinable = Text | Reasoning | CallText


def _joined(pieces: list[Piece]) -> list[Piece]:
    """Runs of text of the same kind (and tool call) as one piece each; order kept."""
    if len(pieces) < 2:
        return pieces
    out: list[Piece] = []
    i, n = 0, len(pieces)
    while i < n:
        first = pieces[i]
        j = i + 1
        if isinstance(first, _Joinable):
            key = _run_key(first)
            while j < n and _run_key(pieces[j]) == key:
                j += 1
        if j - i > 1 and isinstance(first, _Joinable):
            out.append(_rejoined(first, "".join(_text(p) for p in pieces[i:j])))
        else:
            out.append(first)
        i = j
    return out


def _run_key(piece: Piece) -> tuple[type, int] | None:
    if isinstance(piece, CallText):
        return CallText, piece.index
    if isinstance(piece, Text | Reasoning):
        return type(piece), 0
    return None


def _text(piece: Piece) -> str:
    return piece.text if isinstance(piece, _Joinable) else ""


def _rejoined(first: _Joinable, text: str) -> Piece:
    if isinstance(first, CallText):
        return CallText(first.index, text)
    return Reasoning(text) if isinstance(first, Reasoning) else Text(text)
