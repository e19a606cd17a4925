"""The one-call stream: attempts, each a provider stream of typed snapshots.

`Attempts` decides everything and does no I/O; `PartialStream` and `AsyncPartialStream`
only open each attempt's response (with `with` / `async with`, so leaving the block,
for a re-ask or an error, closes the HTTP stream at once) and iterate it.
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ..closing import AsyncClosing, Closing
from ..errors import PartialgenError
from ..parser import StreamParser
from ..providers.document import ProviderStream
from ..providers.events import Reader, TokenUsage
from ..providers.pump import Events
from ..requests import Subject
from .attempts import Attempt, RetriesExhaustedError, feedback, reasked
from .dialects import Answer, Dialect
from .forced import ForcedCall

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


class Attempts(Generic[P, M]):
    """The state of a one-call request across its attempts, sans I/O."""

    def __init__(
        self,
        dialect: Dialect,
        parser: Callable[..., StreamParser[P, M]],
        subject: Subject,
        request: dict[str, Any],
        *,
        max_retries: int,
        retry_incomplete: bool,
        parser_options: Mapping[str, Any],
        throttle: float | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries is 0 or more, got {max_retries}")
        self.dialect = dialect
        self.parser = parser
        self.subject = subject
        self.request: dict[str, Any] = request
        self.max_retries = max_retries
        self.retry_incomplete = retry_incomplete
        self.parser_options: dict[str, Any] = dict(parser_options)
        self.throttle = throttle
        self.number: int = 0  # the current attempt, from 1
        self.failed: list[Attempt] = []
        self.reader: Reader | None = None
        self.current: ProviderStream[P, M] | None = None

    def begin(self, events: Events) -> ProviderStream[P, M]:
        """The next attempt's stream over its response's events."""
        self.number += 1
        self.reader = self.dialect.reader()
        parser = self.parser(**self.parser_options)
        self.current = ProviderStream(events, self.reader, parser, self.throttle)
        return self.current

    def fail(self, error: PartialgenError) -> None:
        """Record the failed attempt, then either prepare the re-ask or raise."""
        stream = self.current
        assert stream is not None
        parser = stream.parser
        if error.snapshot is None:  # raised by a reader, not the parser
            error.snapshot, error.text = parser.snapshot, parser.text
        self.failed.append(
            Attempt(
                self.number,
                error,
                parser.text,
                error.snapshot,
                stream.reasoning,
                stream.usage,
            )
        )
        if not reasked(error, self.retry_incomplete):
            if len(self.failed) > 1:
                error.add_note(
                    f"partialgen: attempt {self.number} of a re-asked request; the "
                    "earlier answers were invalid"
                )
            raise error
        if self.number > self.max_retries:
            raise RetriesExhaustedError(self.failed) from error
        call = self.reader if isinstance(self.reader, ForcedCall) else None
        answer = Answer(
            parser.text,
            error.snapshot,
            call.call_id if call else None,
            call.name if call else None,
        )
        self.request = self.dialect.reask(
            self.request, answer, feedback(error, self.subject.name)
        )

    @property
    def usage(self) -> TokenUsage:
        """Summed over the attempts; the current one's as far as it was reported."""
        spent = sum((a.usage for a in self.failed), TokenUsage())
        failed = bool(self.failed) and self.failed[-1].number == self.number
        if self.current is not None and not failed:
            spent += self.current.usage
        return spent


class _Stream(Generic[P, M]):
    """What both streams show while they run."""

    def __init__(self, client: Any, attempts: Attempts[P, M]) -> None:
        self._client = client
        self._attempts = attempts
        self._result: M | None = None
        self._restarted = False

    def _live(self) -> ProviderStream[P, M]:
        if self._attempts.current is None:
            raise RuntimeError("the stream has not started yet: iterate it first")
        return self._attempts.current

    @property
    def attempt(self) -> int:
        """The attempt under way or finished, from 1 (0 before the first request)."""
        return self._attempts.number

    @property
    def new_attempt(self) -> bool:
        """True while the latest snapshot is the fresh start of a re-asked attempt:
        what was shown of the previous answer should be cleared."""
        return self._restarted

    @property
    def failed_attempts(self) -> list[Attempt]:
        """The attempts that failed so far, oldest first."""
        return list(self._attempts.failed)

    @property
    def parser(self) -> StreamParser[P, M]:
        """The current attempt's parser: `snapshot`, `text`, `take_items(...)`."""
        return self._live().parser

    @property
    def snapshot(self) -> P:
        """The current attempt's latest snapshot."""
        return self._live().snapshot

    @property
    def reasoning(self) -> str:
        """Reasoning the provider streamed in the current attempt ("" when none)."""
        return self._live().reasoning

    @property
    def finish_reason(self) -> str | None:
        """Why the provider stopped the current attempt, once known."""
        return self._live().finish_reason

    @property
    def usage(self) -> TokenUsage:
        """Tokens used, summed over every attempt so far."""
        return self._attempts.usage

    @property
    def result(self) -> M:
        """The validated full model, once iteration finished."""
        if self._result is None:
            raise RuntimeError("the stream has not been iterated to its end yet")
        return self._result


class PartialStream(_Stream[P, M], Closing):
    """Typed snapshots of an answer, asked again while it is invalid.

    Iterate it for a `P` whenever something visible changed; a re-ask starts the
    snapshots over (`new_attempt` tells the first of them), and `result` then holds
    the validated `M`. Breaking out of the loop keeps the response open to resume;
    `close()` (or `with`) ends it.
    """

    def __init__(self, client: Any, attempts: Attempts[P, M]) -> None:
        super().__init__(client, attempts)
        self._iterator: Generator[P] | None = None

    def __iter__(self) -> Iterator[P]:
        if self._iterator is None:
            self._iterator = self._snapshots()
        return self._iterator

    def _snapshots(self) -> Generator[P]:
        attempts = self._attempts
        while True:
            with attempts.dialect.events(self._client, attempts.request) as events:
                stream = attempts.begin(events)
                try:
                    if attempts.number > 1:
                        self._restarted = True
                        yield stream.snapshot
                        self._restarted = False
                    yield from stream
                except PartialgenError as error:
                    attempts.fail(error)
                    continue
                self._result = stream.result
                return

    def close(self) -> None:
        """Stop: the current response is closed."""
        if self._iterator is not None:
            self._iterator.close()


class AsyncPartialStream(_Stream[P, M], AsyncClosing):
    """The async twin of `PartialStream`: iterate it with `async for`."""

    def __init__(self, client: Any, attempts: Attempts[P, M]) -> None:
        super().__init__(client, attempts)
        self._iterator: AsyncGenerator[P] | None = None

    def __aiter__(self) -> AsyncIterator[P]:
        if self._iterator is None:
            self._iterator = self._snapshots()
        return self._iterator

    async def _snapshots(self) -> AsyncGenerator[P]:
        attempts = self._attempts
        while True:
            async with attempts.dialect.aevents(
                self._client, attempts.request
            ) as events:
                stream = attempts.begin(events)
                try:
                    if attempts.number > 1:
                        self._restarted = True
                        yield stream.snapshot
                        self._restarted = False
                    async for snapshot in stream:
                        yield snapshot
                except PartialgenError as error:
                    attempts.fail(error)
                    continue
                self._result = stream.result
                return

    async def aclose(self) -> None:
        """Stop: the current response is closed."""
        if self._iterator is not None:
            await self._iterator.aclose()
