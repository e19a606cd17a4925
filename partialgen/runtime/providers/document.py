"""One JSON document in a provider's stream (message content, output text): typed
snapshots while it arrives, the validated model at the end."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

from ..errors import IncompleteOutputError
from ..parser import Pace, StreamParser
from .events import CallStart, Outcome, Piece, Reader, Text, TokenUsage
from .pump import Events, Pump, ended_early

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


class Document(Outcome, Generic[P, M]):
    """Feeds the answer's text to the parser; knows why the provider stopped."""

    def __init__(
        self, parser: StreamParser[P, M], throttle: float | None = None
    ) -> None:
        super().__init__()
        self.parser = parser
        self.result: M | None = None
        self._tools: dict[int, str] = {}  # tool calls seen instead of an answer
        self._pace = Pace(parser, throttle)

    def apply(self, piece: Piece) -> P | None:
        if isinstance(piece, Text):
            self.parser.push(piece.text)
            return self._pace.step()
        if isinstance(piece, CallStart):
            self._tools.setdefault(piece.index, piece.name or "?")
        else:
            self.note(piece, self.parser.snapshot, self.parser.text)
        return None

    def pending(self) -> tuple[P, ...]:
        """The last snapshot, never withheld by the pace."""
        last = self._pace.last()
        return () if last is None else (last,)

    def finish(self) -> None:
        if self.result is not None:
            return
        refused = self.refusal_error(
            self.parser.text, self.parser.snapshot, self.parser.text
        )
        if refused is not None:
            raise refused
        try:
            self.result = self.parser.close()
        except IncompleteOutputError as error:
            if self._tools:
                called = ", ".join(self._tools.values())
                raise ended_early(
                    error, self.finish_reason, f"the model called tools ({called}): "
                ) from None
            raise ended_early(error, self.finish_reason) from None

    def kept(self) -> str:
        return f"the {len(self.parser.text)} characters received are in `.parser.text`"

    def state(self) -> tuple[BaseModel | None, str]:
        return self.parser.snapshot, self.parser.text


class ProviderStream(Pump[P], Generic[P, M]):
    """Typed snapshots of the JSON answer in a provider's stream.

    Iterate it (`for`, or `async for` over an async client's stream) to get a new `P`
    snapshot whenever something visible changed; `result` then holds the validated `M`.
    Ending early raises `IncompleteOutputError` (saying why the provider stopped, with
    the last snapshot and the text), a refusal `RefusalError`, an error event
    `ProviderError`; the provider's stream is closed when anything fails.
    """

    def __init__(
        self,
        source: Events,
        reader: Reader,
        parser: StreamParser[P, M],
        throttle: float | None = None,
    ) -> None:
        self._document = Document(parser, throttle)
        super().__init__(source, reader, self._document)

    @property
    def parser(self) -> StreamParser[P, M]:
        """The parser: `snapshot`, `text`, `take_items(...)` while iterating."""
        return self._document.parser

    @property
    def snapshot(self) -> P:
        """The latest snapshot (defaults only, before any text)."""
        return self._document.parser.snapshot

    @property
    def finish_reason(self) -> str | None:
        """Why the provider stopped (`stop`, `length`, `end_turn`, ...), once known."""
        return self._document.finish_reason

    @property
    def reasoning(self) -> str:
        """Reasoning the provider streamed beside the answer ("" when none)."""
        return self._document.reasoning()

    @property
    def usage(self) -> TokenUsage:
        """Tokens used, as far as the provider reported them so far."""
        return self._document.usage

    @property
    def result(self) -> M:
        """The validated full model, once iteration finished."""
        if self._document.result is None:
            raise RuntimeError("the stream has not been iterated to its end yet")
        return self._document.result
