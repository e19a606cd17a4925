"""Python source laid out as black lays it out, so black confirms it in one pass.

black formats a module twice when its first pass changes anything, and finding splits
for long lines is its slowest work: on a large schema the spec tables (lines of
thousands of characters) took most of the build. The plan writes literals with black's
quotes and long calls split as black splits them, here; black still formats every
module and has the last word (a case laid out differently costs time, never output).

black's rules as used here: a bracket whose line is too long is split after its
opening bracket; its contents go on one line of their own if they fit, else one item a
line with a trailing comma (always, for a tuple, list or dict display); a written
trailing comma ("magic") keeps it split.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

WIDTH = 88  # render.BLACK_MODE's line length
INDENT = 4


@dataclass(frozen=True)
class Brackets:
    """`opening items closing`: a call (`opening` ends with its callee's `(`), a
    display, or an argument such as `name=(...)` whose value is one."""

    opening: str
    items: tuple[Expr, ...]
    closing: str
    magic: bool = False  # a trailing comma is written: black keeps it split
    one_tuple: bool = False  # `(x,)`: that comma is syntax, not magic

    @property
    def forced(self) -> bool:
        return self.magic or any(
            not isinstance(i, str) and i.forced for i in self.items
        )

    @property
    def display(self) -> bool:
        """A tuple, list or dict written out, not a call or a subscript: split, black
        gives its items a line each even where they would fit on one."""
        before = self.opening[-2:-1]
        return not (before.isalnum() or before in ("_", ")", "]"))


@dataclass(frozen=True)
class Chain:
    """`a | b | c`: a union annotation. Split, each operand starts a line of its own."""

    operands: tuple[Expr, ...]

    @property
    def forced(self) -> bool:
        return any(not isinstance(o, str) and o.forced for o in self.operands)


Expr = str | Brackets | Chain


def call(callee: str, *args: Expr) -> Brackets:
    return Brackets(f"{callee}(", args, ")")


def flat(e: Expr) -> str:
    if isinstance(e, str):
        return e
    if isinstance(e, Chain):
        return " | ".join(flat(o) for o in e.operands)
    comma = "," if e.magic or e.one_tuple else ""
    return f"{e.opening}{', '.join(flat(i) for i in e.items)}{comma}{e.closing}"


def lay(e: Expr, indent: int, used: int, suffix: str = "") -> str:
    """`e` as it appears `used` columns into a line of a block at `indent`, followed on
    its last line by `suffix`; lines after the first carry their own indentation."""
    text = flat(e)
    if isinstance(e, str) or (not e.forced and used + len(text) + len(suffix) <= WIDTH):
        return text
    if isinstance(e, Chain):
        last = len(e.operands) - 1
        lines = [
            lay(o, indent, used if i == 0 else indent + 2, suffix if i == last else "")
            for i, o in enumerate(e.operands)
        ]
        return f"\n{' ' * indent}| ".join(lines)
    inner = indent + INDENT
    pad = " " * inner
    if len(e.items) == 1 and not (e.magic or e.one_tuple):
        body = lay(e.items[0], inner, inner)
    else:
        one_line = ", ".join(flat(i) for i in e.items) + ("," if e.one_tuple else "")
        if not (e.forced or e.display) and inner + len(one_line) <= WIDTH:
            body = one_line
        else:
            body = f"\n{pad}".join(lay(i, inner, inner, ",") + "," for i in e.items)
    return f"{e.opening}\n{pad}{body}\n{' ' * indent}{e.closing}"


def field_line(attr: str, annotation: Expr, default: Expr | None, indent: int) -> str:
    """`attr: annotation = default` in a class body, split as black splits it: in the
    default where the line up to there fits (at its brackets, else in parentheses
    around it), else in parentheses around the annotation."""
    pad = " " * indent
    target = f"{pad}{attr}: "
    if default is None:
        if isinstance(annotation, Brackets):
            return target + lay(annotation, indent, len(target))
        return target + _parenthesized(annotation, indent, len(target), "")
    line = f"{target}{flat(annotation)} = "
    text = flat(default)
    if len(line) + len(text) <= WIDTH and not _forced(default):
        return line + text
    if isinstance(annotation, Brackets):
        return line + text  # black splits the annotation's brackets: left to it
    split = _split_value(default, indent, len(line))
    if split is not None or isinstance(annotation, str):
        return line + (split or text)
    lead = _parenthesized(annotation, indent, len(target), f" = {text}")
    return f"{target}{lead} = {_value(default, indent, len(f'{pad}) = '))}"


def assigned(target: str, value: Expr, indent: int) -> str:
    """`target = value` at `indent`, split as black splits an assignment."""
    line = f"{' ' * indent}{target} = "
    return line + _value(value, indent, len(line))


def _value(value: Expr, indent: int, used: int) -> str:
    text = flat(value)
    if used + len(text) <= WIDTH and not _forced(value):
        return text
    split = _split_value(value, indent, used)
    if split is None and isinstance(value, Brackets):
        return lay(value, indent, used)  # not even `(` fits: black splits it there
    return split or text


def _forced(e: Expr) -> bool:
    return not isinstance(e, str) and e.forced


def _split_value(value: Expr, indent: int, used: int) -> str | None:
    """The right-hand side of an assignment that starts `used` columns in and does
    not fit, split: at its own brackets, else wrapped in parentheses on a line of its
    own; None where neither fits (black looks elsewhere, or leaves the line long)."""
    if isinstance(value, Brackets) and used + len(value.opening) <= WIDTH:
        return lay(value, indent, used)
    inner = indent + INDENT
    if used + 1 > WIDTH:
        return None
    if isinstance(value, Brackets):  # split inside the parentheses as it must be
        return f"(\n{' ' * inner}{lay(value, inner, inner)}\n{' ' * indent})"
    text = flat(value)
    if inner + len(text) <= WIDTH and not _forced(value):
        return f"(\n{' ' * inner}{text}\n{' ' * indent})"
    return None


def _parenthesized(e: Expr, indent: int, used: int, suffix: str) -> str:
    """An annotation, split in parentheses where it does not fit before `suffix`
    (black's invisible parentheses made visible); a name too long stays as it is."""
    text = flat(e)
    inner = indent + INDENT
    if used + len(text) + len(suffix) <= WIDTH and not _forced(e):
        return text
    if isinstance(e, str):
        return text
    return f"(\n{' ' * inner}{lay(e, inner, inner)}\n{' ' * indent})"


def string(s: str) -> str:
    """A string literal in black's quotes: double, unless that needs more escapes."""
    r = repr(s)
    if r.startswith('"'):
        return r
    body = r[1:-1]
    if s.count('"') > body.count("\\'"):
        return r
    return '"' + body.replace("\\'", "'").replace('"', '\\"') + '"'


def literal(value: Any) -> Expr:
    """A Python literal for a plain value (as `repr`), in black's style."""
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list | tuple) and value:
        items = tuple(literal(v) for v in value)
        if isinstance(value, list):
            return Brackets("[", items, "]")
        return Brackets("(", items, ")", one_tuple=len(items) == 1)
    if isinstance(value, dict) and value:
        entries = tuple(
            prefixed(f"{flat(literal(k))}: ", literal(v)) for k, v in value.items()
        )
        return Brackets("{", entries, "}")
    return repr(value)


def prefixed(prefix: str, e: Expr) -> Expr:
    """`e` written after `prefix` on its first line: `name=value`, `key: value`."""
    if isinstance(e, Brackets):
        return replace(e, opening=prefix + e.opening)
    return prefix + flat(e)
