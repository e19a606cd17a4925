"""The loop shared by every adapter: events in, pieces through an assembler, results out.

One object serves `for` and `async for` (whichever the provider's stream supports), so
each provider needs one function, not a sync and an async twin. The provider's stream is
closed as soon as anything fails (the HTTP response is released, the model stops being
paid for) and by `with`/`async with`; breaking out of a loop leaves it open, so the
iteration can resume.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from ..errors import IncompleteOutputError, PartialgenError
from .events import Piece, Reader

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


class Pump(Generic[E]):
    """Iterates a provider's events (sync or async) through a reader and an assembler."""

    def __init__(self, source: Events, reader: Reader, assembler: Assembler[E]) -> None:
        self._source = source
        self._reader = reader
        self._assembler = assembler
        self._events: Iterator[Any] | None = None
        self._async_events: AsyncIterator[Any] | None = None

    def __iter__(self) -> Iterator[E]:
        if self._events is None:
            if not isinstance(self._source, Iterable):
                raise TypeError(
                    "this provider stream is asynchronous: iterate it with `async for`"
                )
            self._events = iter(self._source)
        try:
            for event in self._events:
                yield from self._outputs(event)
            self._assembler.finish()
        except Exception as error:
            self._annotate(error)
            self.close()
            raise

    def _outputs(self, event: Any) -> Iterator[E]:
        """What one provider event yields to the user (sync and async share it)."""
        for piece in self._reader.read(event):
            out = self._assembler.apply(piece)
            if out is not None:
                yield out

    async def __aiter__(self) -> AsyncIterator[E]:
        if self._async_events is None:
            self._async_events = _async_events(self._source)
        try:
            async for event in self._async_events:
                for out in self._outputs(event):
                    yield out
            self._assembler.finish()
        except Exception as error:
            self._annotate(error)
            await self.aclose()
            raise

    def _annotate(self, error: Exception) -> None:
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

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


async def _async_events(source: Events) -> AsyncIterator[Any]:
    if isinstance(source, AsyncIterable):
        async for event in source:
            yield event
    else:
        for event in source:  # a sync source in async code: fine for lists and tests
            yield event
