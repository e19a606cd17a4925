"""A resumable JSON tokenizer: feed it text in any chunking, it reports tokens once.

It keeps an explicit stack of open containers (no recursion, so no recursion limit) and
its position inside the current token. String bodies are skipped at C speed with a
regular expression; only structural characters are looked at one by one. Every event
carries absolute offsets into the received text so the builder can slice raw values.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Protocol

from .errors import DepthLimitError, MalformedJSONError

# Tokenizer states.
BEFORE, VALUE, ARRAY_FIRST, OBJECT_FIRST, KEY, COLON, AFTER = range(7)
STRING, KEY_STRING, NUMBER, WORD, DONE, COMMENT = range(7, 13)

_STRING_STOP = re.compile(r'["\\]')
_NUMBER_RUN = re.compile(r"[0-9eE.+\-]*")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_FENCE = re.compile(r"```[^`\n]*\n")  # a Markdown code fence's opening line
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")
_WORDS = ("true", "false", "null", "NaN", "Infinity", "-Infinity")
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_HEX = frozenset("0123456789abcdefABCDEF")
# Where a comment may stand in lenient mode: between tokens, never inside one.
_COMMENT_STATES = frozenset({VALUE, ARRAY_FIRST, OBJECT_FIRST, KEY, COLON, AFTER})


class TokenSink(Protocol):
    """What the tokenizer reports to (the schema-aware builder)."""

    def begin_object(self, pos: int) -> None: ...
    def end_object(self, end: int) -> None: ...
    def begin_array(self, pos: int) -> None: ...
    def end_array(self, end: int) -> None: ...
    def key(self, name: str, pos: int) -> None: ...
    def string_start(self, pos: int) -> None: ...
    def string_piece(self, text: str) -> None: ...
    def string_chunk(self, text: str) -> None: ...  # a whole chunk inside a string
    def string_end(self, end: int) -> None: ...
    def scalar_start(self, first: str, pos: int) -> None: ...
    def scalar(self, token: str, pos: int, end: int) -> None: ...


def _describe(ch: str) -> str:
    return "end of text" if not ch else repr(ch)


class Tokenizer:
    __slots__ = (
        "comma_at",
        "comment_kind",
        "comment_star",
        "comment_start",
        "drops",
        "key_parts",
        "max_depth",
        "number_parts",
        "offset",
        "openers",
        "pending",
        "piece",
        "resume",
        "sink",
        "stack",
        "state",
        "token_start",
        "word",
    )

    def __init__(
        self,
        sink: TokenSink,
        max_depth: int,
        drops: list[tuple[int, int]] | None = None,
        openers: str | None = "{",
    ) -> None:
        self.sink: TokenSink = sink
        # Rule 14: prose before the root is skipped up to one of these characters; for
        # a root that may be a scalar (None), only whitespace and a code fence are.
        self.openers: re.Pattern[str] | None = (
            re.compile("[" + re.escape(openers) + "]") if openers else None
        )
        self.piece: Callable[[str], None] = (
            sink.string_chunk
        )  # the fast path's only call, bound once
        # Lenient mode (drops is a list): comments and trailing commas are accepted, and
        # their spans recorded so the text pydantic validates leaves them out.
        self.drops: list[tuple[int, int]] | None = drops
        self.comma_at: int = 0  # offset of the last comma, for a trailing one
        self.comment_start: int = 0
        self.comment_kind: str = ""  # "": just after '/'; "line" or "block"
        self.comment_star: bool = False  # a block comment's chunk ended with '*'
        self.resume: int = BEFORE  # the state a comment interrupted
        self.state: int = BEFORE
        self.stack: list[bool] = []  # True for an object, False for an array
        self.max_depth: int = max_depth
        # An escape sequence or keyword cut by a chunk boundary, held back until complete.
        self.pending: str = ""
        self.offset: int = 0  # absolute offset of the next chunk's first character
        self.token_start: int = 0
        self.number_parts: list[str] = []
        self.key_parts: list[str] = []
        self.word: str = ""  # a keyword (true, null, NaN...) received so far

    @property
    def done(self) -> bool:
        return self.state == DONE

    @property
    def started(self) -> bool:
        return self.state != BEFORE

    def feed(self, chunk: str) -> None:
        base = self.offset
        self.offset = base + len(chunk)
        # Most chunks fall inside a string value: no state machine needed. (In a string,
        # `pending` only ever holds a cut escape.)
        if (
            self.state == STRING
            and not self.pending
            and '"' not in chunk
            and "\\" not in chunk
        ):
            self.piece(chunk)
            return
        if self.pending:
            base -= len(self.pending)
            chunk = self.pending + chunk
            self.pending = ""
        self._run(chunk, base)

    def _error(self, message: str, pos: int) -> MalformedJSONError:
        return MalformedJSONError(message, position=pos)

    def _value_done(self) -> None:
        self.state = AFTER if self.stack else DONE

    def _run(self, chunk: str, base: int) -> None:
        sink = self.sink
        n = len(chunk)
        i = 0
        while i < n:
            state = self.state
            if state in (STRING, KEY_STRING):
                m = _STRING_STOP.search(chunk, i)
                j = m.start() if m else n
                if j > i:
                    if state == STRING:
                        sink.string_piece(chunk[i:j])
                    else:
                        self.key_parts.append(chunk[i:j])
                if m is None:
                    return
                if chunk[j] == '"':
                    i = j + 1
                    if state == STRING:
                        self._value_done()
                        sink.string_end(base + i)
                    else:
                        name = "".join(self.key_parts)
                        self.key_parts = []
                        self.state = COLON
                        sink.key(name, self.token_start)
                    continue
                decoded, i = self._escape(chunk, j, base)
                if decoded is None:
                    self.pending = chunk[j:]
                    return
                if state == STRING:
                    sink.string_piece(decoded)
                else:
                    self.key_parts.append(decoded)
                continue

            if state == COMMENT:
                i = self._comment(chunk, i, base)
                continue
            ch = chunk[i]
            if ch in " \t\n\r":
                if state == NUMBER:
                    self._end_number(base + i)
                elif state == WORD:
                    self._end_word(base + i)
                i = _WHITESPACE.match(chunk, i).end()  # type: ignore[union-attr]
                continue
            if ch == "/" and self.drops is not None and state in _COMMENT_STATES:
                self.resume = state
                self.state = COMMENT
                self.comment_start = base + i
                self.comment_kind = ""
                i += 1
                continue

            if state == AFTER:
                if ch == ",":
                    self.state = KEY if self.stack[-1] else VALUE
                    self.comma_at = base + i
                    i += 1
                elif ch == "}" and self.stack[-1]:
                    i += 1
                    self._close(base + i, True)
                elif ch == "]" and not self.stack[-1]:
                    i += 1
                    self._close(base + i, False)
                else:
                    closer = "'}'" if self.stack[-1] else "']'"
                    raise self._error(f"expected ',' or {closer}, got {ch!r}", base + i)
            elif state in (VALUE, ARRAY_FIRST):
                if ch == "]" and (state == ARRAY_FIRST or self._trailing_comma(False)):
                    i += 1
                    self._close(base + i, False)
                else:
                    i = self._start_value(chunk, i, base)
            elif state in (OBJECT_FIRST, KEY):
                if ch == '"':
                    self.token_start = base + i
                    self.state = KEY_STRING
                    i += 1
                elif ch == "}" and (
                    state == OBJECT_FIRST or self._trailing_comma(True)
                ):
                    i += 1
                    self._close(base + i, True)
                else:
                    raise self._error(f"expected a key string, got {ch!r}", base + i)
            elif state == COLON:
                if ch != ":":
                    raise self._error(f"expected ':', got {ch!r}", base + i)
                self.state = VALUE
                i += 1
            elif state == NUMBER:
                j = _NUMBER_RUN.match(chunk, i).end()  # type: ignore[union-attr]
                if j > i:
                    self.number_parts.append(chunk[i:j])
                    i = j
                elif ch == "I" and self.number_parts == ["-"]:
                    self.number_parts = []
                    self.word = "-"
                    self.state = WORD
                else:
                    self._check_scalar_end(ch, "number", "".join(self.number_parts))
                    self._end_number(base + i)
            elif state == WORD:
                i = self._word(chunk, i, base)
            elif state == BEFORE:
                if self.openers is None:
                    i = self._before_scalar(chunk, i, base)
                    continue
                m = self.openers.search(chunk, i)
                if m is None:
                    return
                i = self._start_value(chunk, m.start(), base)
            else:  # DONE: text after the root (a closing fence, a second object) is ignored
                return

    def _before_scalar(self, chunk: str, i: int, base: int) -> int:
        """Before a root that may be a scalar: a fence's opening line, or the value."""
        if chunk[i] != "`":
            return self._start_value(chunk, i, base)
        fence = _FENCE.match(chunk, i)
        if fence is not None:
            return fence.end()
        rest = chunk[i:]
        if "\n" not in rest and (rest.startswith("```") or "```".startswith(rest)):
            self.pending = rest  # a fence cut by the chunk boundary
            return len(chunk)
        return self._start_value(chunk, i, base)  # not a fence: malformed

    def end_of_text(self) -> None:
        """The text ended: a number or literal that is the whole root is complete."""
        if not self.stack and self.state == NUMBER:
            self._end_number(self.offset)
        elif not self.stack and self.state == WORD:
            self._end_word(self.offset)

    def _trailing_comma(self, in_object: bool) -> bool:
        """In lenient mode, a closer right after a comma: drop the comma."""
        if self.drops is None or not self.stack or self.stack[-1] != in_object:
            return False
        # In order among the drops: a comment after the comma was dropped already.
        bisect.insort(self.drops, (self.comma_at, self.comma_at + 1))
        return True

    def _comment(self, chunk: str, i: int, base: int) -> int:
        """Consume a `// line` or `/* block */` comment (lenient mode); may span chunks."""
        kind = self.comment_kind
        if not kind:
            if chunk[i] not in "/*":
                raise self._error(
                    f"expected a comment after '/', got {chunk[i]!r}", base + i
                )
            self.comment_kind = "line" if chunk[i] == "/" else "block"
            return i + 1
        if kind == "line":
            j = chunk.find("\n", i)
            return len(chunk) if j < 0 else self._end_comment(base + j + 1, j + 1)
        if self.comment_star and chunk[i] == "/":
            return self._end_comment(base + i + 1, i + 1)
        j = chunk.find("*/", i)
        if j >= 0:
            return self._end_comment(base + j + 2, j + 2)
        self.comment_star = chunk.endswith("*")
        return len(chunk)

    def _end_comment(self, end: int, i: int) -> int:
        assert self.drops is not None
        self.drops.append((self.comment_start, end))
        self.state = self.resume
        self.comment_star = False
        return i

    def _start_value(self, chunk: str, i: int, base: int) -> int:
        ch = chunk[i]
        pos = base + i
        if ch == '"':
            self.state = STRING
            self.sink.string_start(pos)
        elif ch == "{":
            self._open(pos, True)
        elif ch == "[":
            self._open(pos, False)
        elif ch == "-" or "0" <= ch <= "9":
            self.state = NUMBER
            self.token_start = pos
            self.number_parts = [ch]
            self.sink.scalar_start(ch, pos)
        elif ch in "tfnNI":
            self.state = WORD
            self.token_start = pos
            self.word = ch
            self.sink.scalar_start(ch, pos)
        else:
            raise self._error(f"expected a JSON value, got {ch!r}", pos)
        return i + 1

    def _open(self, pos: int, is_object: bool) -> None:
        if len(self.stack) >= self.max_depth:
            raise DepthLimitError(
                f"nesting deeper than max_depth={self.max_depth}", position=pos
            )
        self.stack.append(is_object)
        self.state = OBJECT_FIRST if is_object else ARRAY_FIRST
        if is_object:
            self.sink.begin_object(pos)
        else:
            self.sink.begin_array(pos)

    def _close(self, end: int, is_object: bool) -> None:
        self.stack.pop()
        self._value_done()
        if is_object:
            self.sink.end_object(end)
        else:
            self.sink.end_array(end)

    def _end_number(self, end: int) -> None:
        token = "".join(self.number_parts)
        if not _NUMBER.match(token):
            raise self._error(f"invalid number {token!r}", self.token_start)
        self.number_parts = []
        self._value_done()
        self.sink.scalar(token, self.token_start, end)

    def _word(self, chunk: str, i: int, base: int) -> int:
        """Consume a keyword (`true`, `null`, `NaN`...). Like a number, it is complete at
        the delimiter after it: `truex` is one malformed token, not `true` then junk."""
        word = self.word
        n = len(chunk)
        while i < n and chunk[i].isalnum():
            word += chunk[i]
            i += 1
            if not any(w.startswith(word) for w in _WORDS):
                raise self._error(f"invalid literal {word!r}", self.token_start)
        self.word = word
        if i < n:
            self._check_scalar_end(chunk[i], "literal", word)
            self._end_word(base + i)
        return i

    def _check_scalar_end(self, ch: str, kind: str, token: str) -> None:
        """A number or literal ends only where the next token may begin: `3x6` is one
        malformed token, so no snapshot ever shows the `3`."""
        if ch in " \t\n\r,]}" or (ch == "/" and self.drops is not None):
            return
        raise self._error(f"invalid {kind} {token + ch!r}", self.token_start)

    def _end_word(self, end: int) -> None:
        word = self.word
        if word not in _WORDS:
            raise self._error(f"incomplete literal {word!r}", self.token_start)
        self.word = ""
        self._value_done()
        self.sink.scalar(word, self.token_start, end)

    def _escape(self, chunk: str, j: int, base: int) -> tuple[str | None, int]:
        """Decode the escape at chunk[j] ('\\'); None when the chunk ends inside it."""
        if j + 1 >= len(chunk):
            return None, j
        kind = chunk[j + 1]
        simple = _SIMPLE_ESCAPES.get(kind)
        if simple is not None:
            return simple, j + 2
        if kind != "u":
            raise self._error(f"invalid escape '\\{kind}'", base + j)
        code, k = self._hex4(chunk, j + 2, base)
        if code is None:
            return None, j
        if 0xD800 <= code <= 0xDBFF:  # a high surrogate must be followed by a low one
            if k + 2 > len(chunk):
                return None, j
            if chunk[k : k + 2] != "\\u":
                raise self._error("lone leading surrogate in \\u escape", base + j)
            low, end = self._hex4(chunk, k + 2, base)
            if low is None:
                return None, j
            if not 0xDC00 <= low <= 0xDFFF:
                raise self._error("lone leading surrogate in \\u escape", base + j)
            return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), end
        if 0xDC00 <= code <= 0xDFFF:
            raise self._error("lone trailing surrogate in \\u escape", base + j)
        return chr(code), k

    def _hex4(self, chunk: str, k: int, base: int) -> tuple[int | None, int]:
        digits = chunk[k : k + 4]
        for offset, d in enumerate(digits):
            if d not in _HEX:
                raise self._error("invalid \\u escape", base + k + offset)
        if len(digits) < 4:
            return None, k
        return int(digits, 16), k + 4
