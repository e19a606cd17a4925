"""`create_iterable`: each item of a list answer, validated, as soon as it completes.

The list is asked for wrapped in an object (`{"items": [...]}`: OpenAI's strict mode and
every provider's tools need an object at the top) and read by an `ItemsParser` over the
one-call stream, attempts and re-asks included. An item is delivered once: a re-asked
answer usually repeats the items that were fine, so the new attempt's items that equal,
in order, those already delivered are skipped; from its first different item on, every
item is delivered.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from typing import Generic, TypeVar, cast

from pydantic import BaseModel

from ..closing import AsyncClosing, Closing
from ..items import Items, ItemsParser, PartialItems
from ..providers.events import TokenUsage
from .attempts import Attempt
from .stream import AsyncPartialStream, PartialStream, _Stream

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


class _Delivery(Generic[M]):
    """Which completed items are new to the consumer, across attempts."""

    def __init__(self) -> None:
        self.delivered: list[M] = []
        self.index = 0  # items of the current attempt seen so far
        self.repeating = False  # the current attempt still repeats delivered items

    def restart(self) -> None:
        self.index = 0
        self.repeating = True

    def new(self, items: list[M]) -> list[M]:
        out = []
        for item in items:
            i, self.index = self.index, self.index + 1
            if self.repeating and i < len(self.delivered) and self.delivered[i] == item:
                continue
            self.repeating = False
            self.delivered.append(item)
            out.append(item)
        return out


class _Items(Generic[P, M]):
    """What both item streams show: the attempt state of the stream underneath."""

    def __init__(self, stream: _Stream[PartialItems, Items]) -> None:
        self._stream = stream
        self._delivery: _Delivery[M] = _Delivery()
        self._result: list[M] | None = None

    def _taken(self) -> list[M]:
        if self._stream.new_attempt:
            self._delivery.restart()
        return self._delivery.new(self.parser.take())

    def _finish(self) -> None:
        self._result = self.parser.completed

    @property
    def parser(self) -> ItemsParser[P, M]:
        """The current attempt's parser: `text`, `current` (the item still arriving)."""
        return cast(ItemsParser[P, M], self._stream.parser)

    @property
    def attempt(self) -> int:
        """The attempt under way or finished, from 1."""
        return self._stream.attempt

    @property
    def failed_attempts(self) -> list[Attempt]:
        """The attempts that failed so far, oldest first."""
        return self._stream.failed_attempts

    @property
    def usage(self) -> TokenUsage:
        """Tokens used, summed over every attempt so far."""
        return self._stream.usage

    @property
    def reasoning(self) -> str:
        """Reasoning the provider streamed in the current attempt."""
        return self._stream.reasoning

    @property
    def result(self) -> list[M]:
        """Every item of the answer that validated, once iteration finished."""
        if self._result is None:
            raise RuntimeError("the stream has not been iterated to its end yet")
        return self._result


class IterableStream(_Items[P, M], Closing):
    """Each item of a list answer, validated, as it completes (`for`)."""

    def __init__(self, stream: PartialStream[PartialItems, Items]) -> None:
        super().__init__(stream)
        self._partial = stream
        self._iterator: Generator[M] | None = None

    def __iter__(self) -> Iterator[M]:
        if self._iterator is None:
            self._iterator = self._items()
        return self._iterator

    def _items(self) -> Generator[M]:
        for _ in self._partial:
            yield from self._taken()
        yield from self._taken()
        self._finish()

    def close(self) -> None:
        """Stop: the current response is closed."""
        if self._iterator is not None:
            self._iterator.close()
        self._partial.close()


class AsyncIterableStream(_Items[P, M], AsyncClosing):
    """The async twin of `IterableStream` (`async for`)."""

    def __init__(self, stream: AsyncPartialStream[PartialItems, Items]) -> None:
        super().__init__(stream)
        self._partial = stream
        self._iterator: AsyncGenerator[M] | None = None

    def __aiter__(self) -> AsyncIterator[M]:
        if self._iterator is None:
            self._iterator = self._items()
        return self._iterator

    async def _items(self) -> AsyncGenerator[M]:
        async for _ in self._partial:
            for item in self._taken():
                yield item
        for item in self._taken():
            yield item
        self._finish()

    async def aclose(self) -> None:
        """Stop: the current response is closed."""
        if self._iterator is not None:
            await self._iterator.aclose()
        await self._partial.aclose()
