"""Re-asking, sans I/O: which failures earn another attempt, what the model is told, and
the error that carries every attempt once none is left."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from ..errors import (
    IncompleteOutputError,
    InvalidOutputError,
    PartialgenError,
    Path,
    format_path,
)
from ..providers.events import TokenUsage

# How much of a rejected value the model is shown back.
_SHOWN_INPUT = 80


@dataclass(frozen=True, slots=True)
class Attempt:
    """One answer that failed: its number (from 1), why, and what had arrived."""

    number: int
    error: PartialgenError
    text: str
    snapshot: BaseModel | None
    reasoning: str
    usage: TokenUsage


class RetriesExhaustedError(PartialgenError):
    """No attempt produced a valid answer. `attempts` holds each one, oldest first;
    `snapshot` and `text` are the last attempt's, and `last_error` its error."""

    def __init__(self, attempts: list[Attempt]) -> None:
        last = attempts[-1]
        said = "".join(f"\n  attempt {a.number}: {a.error}" for a in attempts)
        count = "1 attempt" if len(attempts) == 1 else f"{len(attempts)} attempts"
        super().__init__(
            f"no valid answer after {count}:{said}",
            snapshot=last.snapshot,
            text=last.text,
        )
        self.attempts: tuple[Attempt, ...] = tuple(attempts)
        self.last_error: PartialgenError = last.error


def reasked(error: PartialgenError, retry_incomplete: bool) -> bool:
    """Whether a failed answer is worth asking again for.

    Invalid output is (the model can fix it when told what was wrong). An answer cut
    short is only when asked for: a token limit usually cuts the next answer too. A
    refusal, a provider's error or a broken connection is not: asking again would not
    change it, and connection retries are the SDK's own.
    """
    if isinstance(error, InvalidOutputError):
        return True
    return retry_incomplete and isinstance(error, IncompleteOutputError)


def problems(error: PartialgenError) -> list[str]:
    """Each thing wrong with an answer, with where it is, in words a model can act on."""
    if isinstance(error, IncompleteOutputError):
        return [f"{format_path(error.path)}: the answer stopped before it was complete"]
    if not isinstance(error, InvalidOutputError):
        return [error.message]
    if not error.errors:
        at = "" if error.position is None else f" (at character {error.position})"
        return [f"{format_path(error.path)}{at}: {error.reason}"]
    # pydantic's locations are relative to the object that was validated; the error's
    # path ends with the first of them.
    first: Path = tuple(error.errors[0].get("loc", ()))
    cut = len(error.path) - len(first)
    base = error.path[:cut] if cut >= 0 and error.path[cut:] == first else ()
    lines = []
    for detail in error.errors:
        where = format_path(base + tuple(detail.get("loc", ())))
        line = f"{where}: {detail.get('msg', 'invalid')}"
        value = detail.get("input")
        if isinstance(value, str | int | float | bool):
            shown = repr(value)
            if len(shown) > _SHOWN_INPUT:
                shown = shown[:_SHOWN_INPUT] + "..."
            line += f" (got {shown})"
        lines.append(line)
    return lines


def feedback(error: PartialgenError, schema_name: str) -> str:
    """The message that asks the model again."""
    listed = "".join(f"\n- {line}" for line in problems(error))
    return (
        f"Your answer is not a valid {schema_name}:{listed}\n"
        "Answer again with the whole corrected JSON."
    )
