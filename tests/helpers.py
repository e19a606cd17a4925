"""Shared helpers: chunk text, stream it, and collect the snapshots a user would see."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from partialgen import StreamParser
from pydantic import BaseModel

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


# The recorded answer `partialgen demo` replays: a realistic MeetingInfo document.
DEMO_MEETING = (
    Path(__file__).resolve().parents[1]
    / "partialgen"
    / "demo"
    / "meeting_response.json"
).read_text(encoding="utf-8")


def fixed_chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def split_at(text: str, cuts: Iterable[int]) -> list[str]:
    """Cut `text` at the given offsets (sorted, deduplicated, out-of-range ignored)."""
    points = sorted({c for c in cuts if 0 < c < len(text)})
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def stream_all(
    parser_cls: type[StreamParser[P, M]], chunks: Sequence[str]
) -> tuple[list[P], M]:
    """Feed every chunk; return the distinct snapshots (in order) and the closed result."""
    parser = parser_cls()
    seen: list[P] = [parser.snapshot]
    for chunk in chunks:
        snapshot = parser.feed(chunk)
        if snapshot is not seen[-1]:
            seen.append(snapshot)
    return seen, parser.close()


def dump(snapshot: BaseModel) -> dict[str, Any]:
    return snapshot.model_dump()
