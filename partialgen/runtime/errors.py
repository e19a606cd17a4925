"""The typed errors a stream can end with; each keeps the last snapshot and all text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """`users[2].category` style, the way a person reads a location in JSON."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "<root>"


class PartialgenError(Exception):
    """Base of every error a parser raises; nothing received is lost."""

    def __init__(
        self, message: str, *, snapshot: BaseModel | None = None, text: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.snapshot = snapshot
        self.text = text


class IncompleteOutputError(PartialgenError):
    """The stream ended (or was cut by a `length` finish) before the root object closed.

    `path` is where the text stopped: the value being received, or the slot awaited.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path = (),
        snapshot: BaseModel | None = None,
        text: str = "",
    ) -> None:
        super().__init__(message, snapshot=snapshot, text=text)
        self.path = path


class RefusalError(PartialgenError):
    """The model refused to answer; `refusal` holds its words."""

    def __init__(
        self, refusal: str, *, snapshot: BaseModel | None = None, text: str = ""
    ) -> None:
        super().__init__(f"the model refused: {refusal}", snapshot=snapshot, text=text)
        self.refusal = refusal


class BlockedError(RefusalError):
    """The provider's filters stopped the answer or the prompt (Gemini's `SAFETY`,
    `RECITATION`, `PROHIBITED_CONTENT`, a prompt's `blockReason`, ...). `reason` is the
    provider's word, `refusal` what it said; a RefusalError, so one `except` serves both.
    """

    def __init__(
        self,
        reason: str,
        refusal: str,
        *,
        snapshot: BaseModel | None = None,
        text: str = "",
    ) -> None:
        super().__init__(refusal, snapshot=snapshot, text=text)
        self.reason = reason
        self.message: str = f"the provider blocked the answer ({reason}): {refusal}"
        self.args: tuple[Any, ...] = (self.message,)


class InvalidOutputError(PartialgenError):
    """The text cannot become a valid model: where, at which offset, and why."""

    def __init__(
        self,
        message: str,
        *,
        path: Path = (),
        position: int | None = None,
        errors: Sequence[Any] = (),
        validation_error: ValidationError | None = None,
        snapshot: BaseModel | None = None,
        text: str = "",
    ) -> None:
        super().__init__(message, snapshot=snapshot, text=text)
        self.reason = message
        self.path = path
        self.position = position
        self.errors: list[Any] = list(errors)
        self.validation_error = validation_error
        self.located = False  # True: `path` is absolute; else the parser prefixes it

    def __str__(self) -> str:
        at = "" if self.position is None else f" (offset {self.position})"
        return f"{format_path(self.path)}{at}: {self.reason}"


class MalformedJSONError(InvalidOutputError):
    """The text is not JSON: an unexpected character, bad escape or bad number."""


class DepthLimitError(InvalidOutputError):
    """Nesting went past the parser's `max_depth`."""


class ImpossiblePrefixError(InvalidOutputError):
    """A `Literal`/`Enum` string began with text no allowed value starts with."""

    def __init__(
        self, *, path: Path, position: int, prefix: str, allowed: Sequence[object]
    ) -> None:
        super().__init__(
            f"received {prefix!r}, which no allowed value starts with; allowed: "
            + ", ".join(repr(a) for a in allowed),
            path=path,
            position=position,
        )
        self.prefix = prefix
        self.allowed: tuple[object, ...] = tuple(allowed)
