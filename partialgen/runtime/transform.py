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

from pydantic import ConfigDict, TypeAdapter

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
    """How one string position transforms: `shown(raw)` for a prefix, `final(raw)` for a
    complete value (a dict key)."""

    __slots__ = ("_case", "lower", "strip")

    def __init__(
        self, *, strip: bool = False, lower: bool = False, upper: bool = False
    ) -> None:
        self.strip: bool = strip
        self.lower: bool = lower
        config = ConfigDict(
            str_strip_whitespace=strip, str_to_lower=lower, str_to_upper=upper
        )
        self._case: TypeAdapter[str] = TypeAdapter(str, config=config)

    def final(self, raw: str) -> str:
        return self._case.validate_python(raw)

    def shown(self, raw: str) -> str:
        # Stripping a prefix at both ends is right: what follows its trailing
        # whitespace shows that whitespace again, and a space after a sigma decides it.
        if self.lower and _SIGMA in raw:
            raw = raw[: _sigma_wait(raw)]
        return self._case.validate_python(raw)

    def visible(self, piece: str) -> bool:
        """Whether a piece may change what is shown: whitespace waits when stripping."""
        return not self.strip or bool(piece.strip(WHITESPACE))


@functools.cache
def str_transform(strip: bool, lower: bool, upper: bool) -> StrTransform:
    """One transform per combination, shared by every string position that has it."""
    return StrTransform(strip=strip, lower=lower, upper=upper)


def _sigma_wait(raw: str) -> int:
    """Where the text that must wait begins: the first capital sigma of the trailing
    run of sigmas and characters a word may continue through (the end if none)."""
    start = len(raw)
    for index in range(len(raw) - 1, -1, -1):
        char = raw[index]
        if char == _SIGMA:
            start = index
        elif unicodedata.category(char) not in _MAYBE_IGNORABLE:
            break
    return start
