"""All text a parser has received, kept as a list of chunks.

Appending to a list is O(1); `self.text += chunk` on an attribute would copy the whole
buffer on every chunk (CPython only optimises `+=` on locals).
"""

from __future__ import annotations

from bisect import bisect_right


class Received:
    __slots__ = ("_chunks", "_starts", "size")

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._starts: list[int] = []
        self.size = 0

    def append(self, chunk: str) -> None:
        self._starts.append(self.size)
        self._chunks.append(chunk)
        self.size += len(chunk)

    def text(self) -> str:
        """Everything received, joined once and kept joined."""
        if len(self._chunks) > 1:
            self._chunks = ["".join(self._chunks)]
            self._starts = [0]
        return self._chunks[0] if self._chunks else ""

    def slice(self, start: int, end: int) -> str:
        """The text between two absolute offsets, touching only the chunks it spans."""
        first = bisect_right(self._starts, start) - 1
        last = bisect_right(self._starts, end - 1) - 1 if end > start else first
        if first == last:
            base = self._starts[first]
            return self._chunks[first][start - base : end - base]
        joined = "".join(self._chunks[first : last + 1])
        base = self._starts[first]
        return joined[start - base : end - base]
