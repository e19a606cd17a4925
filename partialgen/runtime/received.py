"""All text a parser has received, kept as a list of chunks.

Appending to a list is O(1); `self.text += chunk` on an attribute would copy the whole
buffer on every chunk (CPython only optimises `+=` on locals). The offsets index needed
to slice it is built lazily, so receiving a chunk costs one `list.append`.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate


class Received:
    __slots__ = ("_starts", "_starts_end", "chunks", "drops")

    def __init__(self) -> None:
        # Append-only and never replaced, so `chunks.append` can be bound once.
        self.chunks: list[str] = []
        self._starts: list[int] = []  # offset of each chunk, for the indexed prefix
        self._starts_end = 0  # offset just past the last indexed chunk
        # Spans that are not JSON (comments, trailing commas accepted in lenient mode),
        # in order; they read as spaces in slices, so offsets stay true.
        self.drops: list[tuple[int, int]] = []

    def text(self) -> str:
        """Everything received, joined once and kept joined."""
        if len(self.chunks) > 1:
            self._index()
            self.chunks[:] = ["".join(self.chunks)]
            self._starts[:] = [0]
        return self.chunks[0] if self.chunks else ""

    def _index(self) -> None:
        starts = self._starts
        # Running sums in C: the Python loop this replaces cost as much as a feed call.
        ends = list(
            accumulate(map(len, self.chunks[len(starts) :]), initial=self._starts_end)
        )
        self._starts_end = ends.pop()
        starts += ends

    def slice(self, start: int, end: int) -> str:
        """The text between two absolute offsets, touching only the chunks it spans."""
        self._index()
        starts, chunks = self._starts, self.chunks
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, end - 1) - 1 if end > start else first
        base = starts[first]
        if first == last:
            text = chunks[first][start - base : end - base]
        else:
            text = "".join(chunks[first : last + 1])[start - base : end - base]
        return self._blank_drops(text, start, end) if self.drops else text

    def _blank_drops(self, text: str, start: int, end: int) -> str:
        drops = self.drops
        index = bisect_right(drops, (start, start)) - 1
        pieces, pos = [], start
        for a, b in drops[max(index, 0) :]:
            if a >= end:
                break
            a, b = max(a, start), min(b, end)
            if b <= a:
                continue
            pieces.append(text[pos - start : a - start])
            pieces.append(" " * (b - a))
            pos = b
        pieces.append(text[pos - start :])
        return "".join(pieces)
