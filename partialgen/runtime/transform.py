"""Strings that pydantic transforms while validating (`str_strip_whitespace`,
`str_to_lower`, `str_to_upper` in a model's config, or the same in `StringConstraints`),
shown transformed while they stream.

A snapshot shows the transform of the longest received prefix whose transform every
continuation keeps, so the value only ever grows and ends as pydantic's own: trailing
whitespace waits for what follows it (stripped at the end, shown once something else
follows), and so does a trailing capital sigma, which lowercases to a final sigma
(U+03C2) at the end of a word and to U+03C3 inside one. Pydantic itself changes the
case, so a snapshot's letters are the ones validation produces, whatever Unicode
version Python's own tables follow.
"""

from __future__ import annotations

import functools
import unicodedata

from pydantic import ConfigDict, TypeAdapter, ValidationError

# What pydantic-core strips: Rust's `char::is_whitespace` (Unicode's White_Space), not
# `str.isspace`, which also counts U+001C..U+001F (a test checks every code point).
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SIGMA = "\u03a3"
# Categories of the characters a word may continue through after a sigma (Unicode's
# Case_Ignorable: marks, format characters, modifiers and some punctuation), widened to
# all punctuation and to code points this Python's tables do not assign yet: waiting
# for too many only shows them later, never too much.
_MAYBE_IGNORABLE = frozenset(
    {"Mn", "Me", "Cf", "Lm", "Sk", "Cn", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"}
)


class StrTransform:
    """How one string position transforms: `extend` what a streaming prefix shows,
    `final` a complete value (a dict key)."""

    __slots__ = ("_case", "_final", "lower", "strip")

    def __init__(
        self, *, strip: bool = False, lower: bool = False, upper: bool = False
    ) -> None:
        self.strip: bool = strip
        self.lower: bool = lower
        self._final: TypeAdapter[str] = TypeAdapter(
            str,
            config=ConfigDict(
                str_strip_whitespace=strip, str_to_lower=lower, str_to_upper=upper
            ),
        )
        # Case only: a piece of the middle keeps the whitespace it starts with.
        self._case: TypeAdapter[str] | None = (
            TypeAdapter(str, config=ConfigDict(str_to_lower=lower, str_to_upper=upper))
            if lower or upper
            else None
        )

    def final(self, raw: str) -> str:
        try:
            return self._final.validate_python(raw)
        except ValidationError:  # a lone surrogate: its object fails when it closes
            return raw

    def extend(self, raw: str, done: int) -> tuple[str, int, bool]:
        """What `raw[done:]` adds to the shown text (`raw[:done]` is shown already),
        the new `done`, and whether a capital sigma waits. Only the new text and a few
        characters of context before it are read, so a long value costs each
        snapshot its new characters, not its length."""
        end = len(raw)
        if self.strip:  # trailing whitespace waits
            while end > done and raw[end - 1] in WHITESPACE:
                end -= 1
        # A sigma followed by whitespace is decided, even by whitespace that waits.
        cut = min(_sigma_wait(raw, done, len(raw)), end) if self.lower else end
        waits = cut < end
        head = 0
        if done == 0 and self.strip:  # leading whitespace never shows
            while head < cut and raw[head] in WHITESPACE:
                head += 1
        if self._case is None:
            return raw[max(head, done) : cut], cut, waits
        context = _context(raw, done) if self.lower else done
        try:
            if context < 0:  # a run too long to look back over: the whole prefix
                return (
                    self._cased(raw[head:cut])[len(self._cased(raw[head:done])) :],
                    cut,
                    waits,
                )
            shown = self._cased(raw[max(head, context) : cut])
            skip = len(self._cased(raw[max(head, context) : done]))
        except ValidationError:  # a lone surrogate: the rest waits for the close
            return "", done, waits
        return shown[skip:], cut, waits

    def _cased(self, text: str) -> str:
        assert self._case is not None
        return self._case.validate_python(text) if text else ""

    def visible(self, piece: str) -> bool:
        """Whether a piece may change what is shown: whitespace waits when stripping."""
        return not self.strip or bool(piece.strip(WHITESPACE))


@functools.cache
def str_transform(strip: bool, lower: bool, upper: bool) -> StrTransform:
    """One transform per combination, shared by every string position that has it."""
    return StrTransform(strip=strip, lower=lower, upper=upper)


def _sigma_wait(raw: str, done: int, end: int) -> int:
    """Where the text that must wait begins: the first capital sigma of the trailing
    run (from `done` on) of sigmas and characters a word may continue through; `end`
    if there is none. Before `done`, every sigma is decided already."""
    start = end
    for index in range(end - 1, done - 1, -1):
        char = raw[index]
        if char == _SIGMA:
            start = index
        elif unicodedata.category(char) not in _MAYBE_IGNORABLE:
            break
    return start


_LOOK_BACK = 32


def _context(raw: str, done: int) -> int:
    """Where to start lowering so that a sigma right after `done` sees the character it
    follows (past any it looks through); -1 if that is further than `_LOOK_BACK`."""
    index = done
    while index > 0 and unicodedata.category(raw[index - 1]) in _MAYBE_IGNORABLE:
        index -= 1
        if done - index > _LOOK_BACK:
            return -1
    return max(index - 1, 0)
