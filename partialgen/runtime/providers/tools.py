"""Tool calls in a provider's stream: one parser per call, chosen by function name.

Parallel calls stay apart by the provider's index (the chat `tool_calls[i].index`, the
Responses `output_index`, the Anthropic content block index), even if their argument
texts interleave. A call's validated arguments are available the moment its JSON closes,
so a tool can start running while the model is still writing the next call.

With `throttle` (seconds), each call shows at most one snapshot per that long; a call's
start, its `done` snapshot and, when the events end, its latest one are never withheld.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ..errors import IncompleteOutputError, PartialgenError
from ..parser import Pace, StreamParser
from .errors import UnknownToolError
from .events import (
    CallEnd,
    CallStart,
    CallText,
    Outcome,
    Piece,
    Reader,
    Text,
    TokenUsage,
)
from .pump import Events, Pump, ended_early

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)

# Parsers by function name, or a list of parser classes named by their full model's class
# (the default name of `openai_tool(Model)` and friends).
ParserTable = (
    Mapping[str, type[StreamParser[Any, Any]]] | Iterable[type[StreamParser[Any, Any]]]
)


@dataclass(frozen=True, slots=True)
class ToolCallSnapshot(Generic[P]):
    """A tool call changed: which one, and its arguments so far."""

    index: int  # the provider's position of the call in the response
    id: str | None  # what a tool result must refer to (`tool_call_id`, `tool_use_id`)
    name: str
    snapshot: P
    done: bool  # the arguments closed and validated: in `ToolCallStream.tool_calls`


@dataclass(frozen=True, slots=True)
class ToolCall(Generic[M]):
    """A complete tool call with its validated arguments."""

    index: int
    id: str | None
    name: str
    arguments: M


def parser_table(
    parsers: type[StreamParser[Any, Any]] | ParserTable,
) -> tuple[
    type[StreamParser[Any, Any]] | None, dict[str, type[StreamParser[Any, Any]]]
]:
    """(the parser for every call, or None) and the parsers by name."""
    if isinstance(parsers, type):
        return parsers, {}
    if isinstance(parsers, Mapping):
        return None, dict(parsers)
    table: dict[str, type[StreamParser[Any, Any]]] = {}
    for parser in parsers:
        name = parser.spec.full.__name__
        if name in table:
            raise ValueError(f"two parsers for tools named {name!r}; pass a mapping")
        table[name] = parser
    return None, table


class Calls(Outcome, Generic[P, M]):
    """Routes pieces to one parser per call and keeps everything that arrived."""

    def __init__(
        self,
        every: type[StreamParser[P, M]] | None,
        table: Mapping[str, type[StreamParser[P, M]]],
        options: dict[str, Any],
        throttle: float | None = None,
    ) -> None:
        super().__init__()
        Pace.check(throttle)
        self._every = every
        self._table = table
        self._options = options
        self._throttle = throttle
        self.parsers: dict[int, StreamParser[P, M]] = {}
        self._paces: dict[int, Pace[P]] = {}
        self.names: dict[int, str] = {}
        self.ids: dict[int, str | None] = {}
        self.complete: dict[int, ToolCall[M]] = {}
        self.prose: list[str] = []

    def apply(self, piece: Piece) -> ToolCallSnapshot[P] | None:
        if isinstance(piece, CallStart):
            return self._start(piece)
        if isinstance(piece, CallText):
            return self._feed(piece.index, piece.text)
        if isinstance(piece, CallEnd):
            parser = self.parsers.get(piece.index)
            if parser is not None and not parser.text:
                # Anthropic sends no input deltas for a call without arguments; the
                # block's input is then the `{}` of its start.
                return self._feed(piece.index, "{}")
        elif isinstance(piece, Text):
            self.prose.append(piece.text)
        else:
            self.note(piece, None, "".join(self.prose))
        return None

    def _start(self, piece: CallStart) -> ToolCallSnapshot[P] | None:
        if piece.index in self.parsers:
            if self.ids[piece.index] is None:
                self.ids[piece.index] = piece.id
            return None
        cls = self._every or self._table.get(piece.name or "")
        if cls is None:
            raise UnknownToolError(piece.name, self._table, text="".join(self.prose))
        parser = cls(**self._options)
        self.parsers[piece.index] = parser
        self._paces[piece.index] = Pace(parser, self._throttle)
        self.names[piece.index] = piece.name or ""
        self.ids[piece.index] = piece.id
        return self._event(piece.index, parser.snapshot)

    def _feed(self, index: int, text: str) -> ToolCallSnapshot[P] | None:
        parser = self.parsers.get(index)
        if parser is None:  # arguments of a call whose name never came
            raise UnknownToolError(None, self._table, text=text)
        try:
            parser.push(text)
            closed = parser.done and index not in self.complete
            if closed:
                self.complete[index] = ToolCall(
                    index, self.ids[index], self.names[index], parser.close()
                )
        except PartialgenError as error:
            error.add_note(f"in {self.describe(index)}")
            raise
        pace = self._paces[index]
        if closed:  # shown whatever the pace: the call's arguments are complete
            pace.last()
            return self._event(index, parser.snapshot)
        snapshot = pace.step()
        return None if snapshot is None else self._event(index, snapshot)

    def _event(self, index: int, snapshot: P) -> ToolCallSnapshot[P]:
        return ToolCallSnapshot(
            index, self.ids[index], self.names[index], snapshot, index in self.complete
        )

    def describe(self, index: int) -> str:
        return f"tool call {index} ({self.names[index]!r}, id {self.ids[index]!r})"

    def finish(self) -> None:
        prose = "".join(self.prose)
        refused = self.refusal_error(prose, None, prose)
        if refused is not None:
            raise refused
        for index in sorted(self.parsers):
            if index not in self.complete:
                try:
                    self.parsers[index].close()
                except IncompleteOutputError as error:
                    what = f"{self.describe(index)}: "
                    raise ended_early(error, self.finish_reason, what) from None

    def kept(self) -> str:
        return "every call's text and snapshot are in `.parsers`"

    def pending(self) -> list[ToolCallSnapshot[P]]:
        """Each open call's latest snapshot, if its pace held it back."""
        shown = ((i, self._paces[i].last()) for i in sorted(self._paces))
        return [self._event(i, s) for i, s in shown if s is not None]

    def state(self) -> tuple[BaseModel | None, str]:
        """The latest call's snapshot and text; the prose before any call."""
        if not self.parsers:
            return None, "".join(self.prose)
        parser = self.parsers[max(self.parsers)]
        return parser.snapshot, parser.text


class ToolCallStream(Pump[ToolCallSnapshot[P]], Generic[P, M]):
    """Typed snapshots of the tool calls in a provider's stream.

    Iterating yields a `ToolCallSnapshot` whenever a call starts or its arguments change
    (at most one per source read and call, and with `throttle` one per that many seconds);
    `tool_calls` lists the calls whose arguments are complete and validated (all of them
    in index order once iteration finished). Errors as for `ProviderStream`; an error in
    one call's arguments carries a note naming the call.
    """

    def __init__(self, source: Events, reader: Reader, calls: Calls[P, M]) -> None:
        self._calls = calls
        super().__init__(source, reader, calls)

    @property
    def tool_calls(self) -> list[ToolCall[M]]:
        """The complete calls so far, in index order."""
        return [self._calls.complete[i] for i in sorted(self._calls.complete)]

    @property
    def parsers(self) -> dict[int, StreamParser[P, M]]:
        """Every call's parser by index: its snapshot and text, complete or not."""
        return dict(self._calls.parsers)

    @property
    def text(self) -> str:
        """Text the model wrote besides its tool calls."""
        return "".join(self._calls.prose)

    @property
    def finish_reason(self) -> str | None:
        """Why the provider stopped (`tool_calls`, `tool_use`, `length`, ...), once known."""
        return self._calls.finish_reason

    @property
    def reasoning(self) -> str:
        """Reasoning the provider streamed beside the calls ("" when none)."""
        return self._calls.reasoning()

    @property
    def usage(self) -> TokenUsage:
        """Tokens used, as far as the provider reported them so far."""
        return self._calls.usage
