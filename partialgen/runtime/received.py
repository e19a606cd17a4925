"""All text a parser has received, kept as a list of chunks.

Appending to a list is O(1); `self.text += chunk` on an attribute would copy the whole
buffer on every chunk (CPython only optimises `+=` on locals). The offsets index needed
to slice it is built lazily, so receiving a chunk costs one `list.append`.
"""

from __future__ import annotations

from bisect import bisect_right


class Received:
    __slots__ = ("_starts", "_starts_end", "chunks")

    def __init__(self) -> None:
        # Append-only and never replaced, so `chunks.append` can be bound once.
        self.chunks: list[str] = []
        self._starts: list[int] = []  # offset of each chunk, for the indexed prefix
        self._starts_end = 0  # offset just past the last indexed chunk

    def text(self) -> str:
        """Everything received, joined once and kept joined."""
        if len(self.chunks) > 1:
            self._index()
            self.chunks[:] = ["".join(self.chunks)]
            self._starts[:] = [0]
        return self.chunks[0] if self.chunks else ""

    def _index(self) -> None:
        starts, end = self._starts, self._starts_end
        for chunk in self.chunks[len(starts) :]:
            starts.append(end)
            end += len(chunk)
        self._starts_end = end

    def slice(self, start: int, end: int) -> str:
        """The text between two absolute offsets, touching only the chunks it spans."""
        self._index()
        starts, chunks = self._starts, self.chunks
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, end - 1) - 1 if end > start else first
        base = starts[first]
        if first == last:
            return chunks[first][start - base : end - base]
        return "".join(chunks[first : last + 1])[start - base : end - base]
