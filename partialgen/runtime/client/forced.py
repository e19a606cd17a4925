"""A forced tool call read as the answer: its argument text is the document to parse."""

from __future__ import annotations

from typing import Any

from ..providers.errors import ProviderError
from ..providers.events import CallEnd, CallStart, CallText, Piece, Reader, Text


class ForcedCall:
    """Wraps a provider's reader: the one tool call's arguments become answer text.

    The request forces exactly one call of one tool, so a second call is a broken
    promise, not something to choose between; text beside the call is not the answer
    and is kept apart in `prose`.
    """

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self.index: int | None = None
        self.call_id: str | None = None
        self.name: str | None = None
        self.prose: list[str] = []
        self._sent = False  # any argument text passed on yet

    def read(self, event: Any) -> list[Piece]:
        pieces: list[Piece] = []
        for piece in self._reader.read(event):
            if isinstance(piece, CallStart):
                self._start(piece)
            elif isinstance(piece, CallText):
                self._check(piece.index)
                self._sent = True
                pieces.append(Text(piece.text))
            elif isinstance(piece, CallEnd):
                if piece.index == self.index and not self._sent:
                    # Anthropic sends no input deltas for a call without arguments.
                    self._sent = True
                    pieces.append(Text("{}"))
            elif isinstance(piece, Text):
                self.prose.append(piece.text)
            else:
                pieces.append(piece)
        return pieces

    def _start(self, piece: CallStart) -> None:
        if self.index is None:
            self.index, self.call_id, self.name = piece.index, piece.id, piece.name
        else:
            self._check(piece.index)
            self.call_id = self.call_id or piece.id

    def _check(self, index: int) -> None:
        if index != self.index:
            raise ProviderError(
                "the model made more than one tool call where one was forced "
                f"(calls {self.index} and {index})"
            )
