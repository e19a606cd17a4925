"""All text a parser has received, kept as a list of chunks.

Appending to a list is O(1); `self.text += chunk` on an attribute would copy the whole
buffer on every chunk (CPython only optimises `+=` on locals). The offsets index needed
to slice it is built lazily, so receiving a chunk costs one `list.append` and a length
check.

Every `BLOCK` chunks are joined into one block: a 4-character chunk costs 53 bytes as a
`str` plus its list slot and offset, which kept 20 times the text's size alive and made
every full garbage-collector pass walk a list as long as the stream. Each character is
copied once more, when its block is joined.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

BLOCK = 256


def join_tail(parts: list[str], first: int) -> int:
    """Join `parts[first:]` into one block, in place; returns the number of blocks."""
    parts[first:] = ["".join(parts[first:])]
    return first + 1


class Received:
    __slots__ = ("_blocks", "_starts", "_starts_end", "chunks", "compact_at", "drops")

    def __init__(self) -> None:
        # Never replaced (blocks are joined in place), so `chunks.append` can be bound once.
        self.chunks: list[str] = []
        self._starts: list[int] = []  # offset of each chunk, for the indexed prefix
        self._starts_end = 0  # offset just past the last indexed chunk
        self._blocks = 0  # leading entries of `chunks` that are joined blocks
        # len(chunks) at which the recent chunks are joined
        self.compact_at: int = BLOCK
        # Spans that are not JSON (comments, trailing commas accepted in lenient mode),
        # in order; they read as spaces in slices, so offsets stay true.
        self.drops: list[tuple[int, int]] = []

    def text(self) -> str:
        """Everything received, joined once and kept joined."""
        if len(self.chunks) > 1:
            self._blocks = 0
            self.compact()
        return self.chunks[0] if self.chunks else ""

    def compact(self) -> None:
        """Join the chunks received since the last block into one block."""
        self._index()
        first = self._blocks
        self._blocks = join_tail(self.chunks, first)  # in place: `append` stays bound
        del self._starts[first + 1 :]
        self.compact_at = first + 1 + BLOCK

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
        spans_all = first == 0 and last == len(chunks) - 1 > 0
        if spans_all and 2 * (end - start) > self._starts_end:
            # Most of it (the root, when it is validated): joined in place, so the
            # blocks and a joined copy of them are not both alive while pydantic reads it.
            self.text()
            first = last = 0
        base = starts[first]
        if first == last:
            text = chunks[first][start - base : end - base]
        else:  # only the parts of the end blocks inside the slice are copied
            head = chunks[first][start - base :]
            tail = chunks[last][: end - starts[last]]
            text = "".join([head, *chunks[first + 1 : last], tail])
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
