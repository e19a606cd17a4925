"""The public, sans-I/O stream parser that generated `XParser` classes specialise."""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
)
from typing import Any, ClassVar, Generic, NoReturn, TypeVar

from pydantic import BaseModel

from .builder import Builder
from .errors import (
    DepthLimitError,
    IncompleteOutputError,
    InvalidOutputError,
    PartialgenError,
    format_path,
)
from .kept import ItemEvent, Which
from .received import Received
from .specs import Model
from .tokenizer import Tokenizer

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T", bound=BaseModel)

DEFAULT_MAX_DEPTH = 1000
# Rule 14's scan for the root in prose: a root that fails before showing anything, within
# this many characters of its opening bracket, was prose; at most this many are dropped.
LOOKBACK = 2000
MAX_CANDIDATES = 32
_FENCE_LINE = re.compile(r"(?:^|\n)[ \t]*```[^`\n]*\n\s*\Z")


class StreamParser(Generic[P, M]):
    """Feed text in any chunking, get a typed `P` snapshot back; close to get the `M`.

    `feed` returns the same snapshot object when nothing visible changed. Snapshots are
    never mutated after they are returned. Any error is raised once and again on every
    later call; it carries the last snapshot and all received text.
    """

    spec: ClassVar[Model]

    def __init__(
        self,
        *,
        max_depth: int = DEFAULT_MAX_DEPTH,
        lenient: bool = False,
        keep_items: bool = True,
    ) -> None:
        """`max_depth` bounds nesting (DepthLimitError past it). `lenient=True` accepts
        `//` and `/* */` comments and trailing commas, which strict JSON (the default,
        and pydantic) rejects; they are left out of the text that is validated.
        `keep_items=False` validates completed list items as always but does not keep
        them for `take_items`: a consumer that never takes them saves the memory."""
        self._received = Received()
        self._chunks = self._received.chunks
        self._receive = self._chunks.append
        self._options = (max_depth, lenient, keep_items)
        self._candidates = 0  # roots abandoned in the prose before the JSON (rule 14)
        self._first_candidate: InvalidOutputError | None = None
        self._start(0)
        self._error: PartialgenError | None = None

    def _start(self, offset: int) -> None:
        """A fresh builder and tokenizer, reading the text from `offset` on."""
        max_depth, lenient, keep_items = self._options
        self._builder = Builder(self._tables(), self._received, keep_items)
        drops = self._received.drops if lenient else None
        self._tokenizer = Tokenizer(
            self._builder, max_depth, drops, self._builder.root_openers()
        )
        self._tokenizer.offset = offset
        # Bound once: `feed` runs for every chunk, and these are its whole path.
        self._scan = self._tokenizer.feed
        self._publish = self._builder.publish

    @property
    def snapshot(self) -> P:
        """The latest snapshot (defaults only, before any text): built when asked for
        after `push`, then kept until something visible changes."""
        if self._error is not None:
            return self._builder.root_snapshot  # type: ignore[return-value]
        return self._publish()  # type: ignore[return-value]

    @property
    def changed(self) -> bool:
        """Whether something visible changed since the last snapshot was built."""
        return self._error is None and self._builder.pending()

    @property
    def text(self) -> str:
        """Everything received so far, exactly as it arrived."""
        return self._received.text()

    @property
    def keeps_items(self) -> bool:
        """Whether completed items are kept for `take_items` (not `keep_items=False`)."""
        return self._builder.keep_items

    @property
    def done(self) -> bool:
        """True once the root object has closed."""
        return self._tokenizer.done

    def feed(self, text: str) -> P:
        """Consume one chunk; return the snapshot after it."""
        self.push(text)
        return self._publish()  # type: ignore[return-value]

    def push(self, text: str) -> None:
        """Consume one chunk without building a snapshot (`snapshot` builds one when
        asked): for many chunks per look, as a UI rendering 60 times a second takes."""
        if type(text) is not str:
            _not_text(text)  # before any state changes: the parser stays usable
        if self._error is not None:
            if text:
                self._receive(text)
                self._error.text = self._received.text()
            raise self._error
        if not text:
            return
        self._receive(text)
        if len(self._chunks) >= self._received.compact_at:
            self._received.compact()
        try:
            self._scan(text)
        except InvalidOutputError as e:
            self._recover(e)

    def _recover(self, error: InvalidOutputError) -> None:
        """Rule 14: a root that failed before showing anything may have been a `{` (or
        `[`) of the prose; the scan moves on to the next candidate, or the error stands.
        """
        while True:
            rest = self._next_candidate(error)
            if rest is None:
                self._fail(error)
            try:
                self._scan(rest)
                return
            except InvalidOutputError as e:
                error = e

    def _next_candidate(self, error: InvalidOutputError) -> str | None:
        """Start over just after the failed root's opening bracket, and return the text
        to read again; None if that root stands: it showed something, no prose came
        before it (or a code fence's opening line did), it failed past the look-back,
        or too many failed already."""
        builder = self._builder
        if (
            isinstance(error, DepthLimitError)
            or self._candidates >= MAX_CANDIDATES
            or not builder.shown_nothing()
        ):
            return None
        start = builder.stack[0].start
        failed_at = max(error.position or 0, builder.failed_close)
        if failed_at - start > LOOKBACK or _json_starts_here(
            self._received.slice(max(0, start - LOOKBACK), start)
        ):
            return None
        if self._candidates == 0:
            self._first_candidate = error
        self._candidates += 1
        end = self._tokenizer.offset
        drops = self._received.drops
        del drops[bisect.bisect_left(drops, (start, start)) :]  # the candidate's own
        rest = self._received.slice(start + 1, end)
        shown = builder.root_snapshot
        self._start(start + 1)
        self._builder.root_snapshot = shown  # nothing was shown, and nothing is undone
        return rest

    def _tables(self) -> Model:
        """The root's tables: the generated class's `spec`."""
        return self.spec

    def _fail(self, error: InvalidOutputError) -> NoReturn:
        if not error.located:
            error.path = self._builder.path() + error.path
            error.located = True
        try:
            error.snapshot = self._builder.publish()
        except Exception:
            error.snapshot = self.snapshot
        error.text = self._received.text()
        self._error = error
        raise error from None

    def close(self) -> M:
        """The validated full model; raises IncompleteOutputError if the text ended early."""
        if self._error is not None:
            raise self._error
        if self._builder.result is None:
            try:
                self._tokenizer.end_of_text()
            except InvalidOutputError as e:
                self._fail(e)
            self._publish()
        result = self._builder.result
        if result is None:
            path = self._builder.path()
            what = "value" if self._builder.root_value else "object"
            if not self._tokenizer.started:
                started = f"no JSON {what} was received"
                if self._first_candidate is not None:
                    started += (
                        f" ({self._candidates} opening bracket(s) in the prose began "
                        f"none; the first: {self._first_candidate})"
                    )
            else:
                started = f"the root {what} has not closed"
                if path:
                    started += f"; the text stopped at {format_path(path)}"
            self._error = IncompleteOutputError(
                f"the output ended early: {started}",
                path=path,
                snapshot=self.snapshot,
                text=self._received.text(),
            )
            raise self._error
        return result  # type: ignore[return-value]

    def _kept_items(self, which: Which | None = None) -> list[ItemEvent]:
        """The kept item events `which` selects (all without it), removed from those kept."""
        if not self._builder.keep_items:
            raise ValueError(
                f"{type(self).__name__}(keep_items=False) does not keep completed items"
            )
        return self._builder.items.take(which)

    def take_items(self, cls: type[T]) -> list[T]:
        """Completed, validated list items of model `cls` not taken yet, in order.
        Safe to call from another thread than the one feeding (see docs/streaming.md).
        """
        taken = self._kept_items(lambda _, model, item: _is_a(model, item, cls))
        return [e.item for e in taken if isinstance(e.item, cls)]

    def take_item_events(self) -> list[ItemEvent]:
        """Every completed list item not taken yet, with its path, in order."""
        return self._kept_items()

    @classmethod
    def stream(
        cls, chunks: Iterable[str], *, throttle: float | None = None, **options: Any
    ) -> SnapshotStream[P, M]:
        """Iterate snapshots (only when something changed; with `throttle`, at most one
        per that many seconds, the last never withheld); `.result` the final model."""
        return SnapshotStream(cls(**options), chunks, throttle)

    @classmethod
    def astream(
        cls,
        chunks: AsyncIterable[str],
        *,
        throttle: float | None = None,
        **options: Any,
    ) -> AsyncSnapshotStream[P, M]:
        """The async twin of `stream`."""
        return AsyncSnapshotStream(cls(**options), chunks, throttle)


def parser_class(parser: type[StreamParser[P, M]]) -> type[StreamParser[P, M]]:
    """`parser` if it is a generated parser class; a TypeError that says what to pass
    otherwise (a model class, as Instructor takes, or a parser instance)."""
    if isinstance(parser, type) and issubclass(parser, StreamParser):
        return parser
    if isinstance(parser, type) and issubclass(parser, BaseModel):
        hint = f"; pass the generated {parser.__name__}Parser class"
    elif isinstance(parser, StreamParser):
        hint = f"; pass the class {type(parser).__name__}, not an instance"
    else:
        hint = "; pass a generated parser class such as MeetingInfoParser"
    raise TypeError(f"expected a generated parser class, got {parser!r}{hint}")


def _json_starts_here(before: str) -> bool:
    """Whether the text before a root leaves no doubt that the JSON starts there: it is
    only whitespace (or a byte-order mark), or it ends with a code fence's opening line,
    the strongest sign there is. Errors of such a root stand."""
    return not before.strip(" \t\r\n\ufeff") or _FENCE_LINE.search(before) is not None


def _not_text(chunk: object) -> None:
    if isinstance(chunk, str):
        return  # a str subclass is text
    hint = ""
    if isinstance(chunk, bytes | bytearray | memoryview):
        hint = (
            "; decode it first, or for Server-Sent Event bytes use sse_json() with a "
            "provider adapter"
        )
    raise TypeError(f"feed() takes a str chunk, got {type(chunk).__name__}{hint}")


class Pace(Generic[P]):
    """Which snapshots of a parser are shown: each new one (`throttle=None`), or at
    most one per `throttle` seconds, and at the end the last one, never withheld."""

    def __init__(self, parser: StreamParser[P, Any], throttle: float | None) -> None:
        self.check(throttle)
        self.parser = parser
        self.throttle = throttle
        self._next = 0.0
        self._shown = parser.snapshot

    @staticmethod
    def check(throttle: float | None) -> None:
        if throttle is not None and throttle < 0:
            raise ValueError(f"throttle is seconds between snapshots, got {throttle}")

    def step(self) -> P | None:
        """After text was pushed: the snapshot to show now, if any."""
        if not self.parser.changed:
            return None
        if self.throttle is not None:
            now = time.monotonic()
            if now < self._next:
                return None
            self._next = now + self.throttle
        return self.last()

    def last(self) -> P | None:
        """The latest snapshot if it was not shown yet."""
        # Compared with what was shown, not with `changed`: anyone may have asked the
        # parser for its snapshot in between (a note on usage, an error).
        snapshot = self.parser.snapshot
        if snapshot is self._shown:
            return None
        self._shown = snapshot
        return snapshot


class _Stream(Generic[P, M]):
    def __init__(self, parser: StreamParser[P, M], throttle: float | None) -> None:
        self.parser = parser
        self._result: M | None = None
        self._pace = Pace(parser, throttle)

    @property
    def result(self) -> M:
        """The validated full model, available once iteration finished."""
        if self._result is None:
            raise RuntimeError("the stream has not been iterated to its end yet")
        return self._result

    def _step(self, chunk: str) -> P | None:
        self.parser.push(chunk)
        return self._pace.step()


class SnapshotStream(_Stream[P, M]):
    """Snapshots from a sync iterable of text chunks; closes the parser at the end."""

    def __init__(
        self,
        parser: StreamParser[P, M],
        chunks: Iterable[str],
        throttle: float | None = None,
    ) -> None:
        super().__init__(parser, throttle)
        self._chunks = chunks

    def __iter__(self) -> Iterator[P]:
        for chunk in self._chunks:
            snapshot = self._step(chunk)
            if snapshot is not None:
                yield snapshot
        last = self._pace.last()
        if last is not None:
            yield last
        self._result = self.parser.close()


class AsyncSnapshotStream(_Stream[P, M]):
    """Snapshots from an async iterable of text chunks; closes the parser at the end."""

    def __init__(
        self,
        parser: StreamParser[P, M],
        chunks: AsyncIterable[str],
        throttle: float | None = None,
    ) -> None:
        super().__init__(parser, throttle)
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[P]:
        async for chunk in self._chunks:
            snapshot = self._step(chunk)
            if snapshot is not None:
                yield snapshot
        last = self._pace.last()
        if last is not None:
            yield last
        self._result = self.parser.close()


def _is_a(model: type[BaseModel], item: Callable[[], BaseModel], cls: type) -> bool:
    """Whether the item is a `cls`, from its model where that tells (an item kept as
    text is not validated again to be left where it is)."""
    try:
        return issubclass(model, cls)
    except TypeError:  # a runtime-checkable Protocol with data members
        return isinstance(item(), cls)
