"""Shared by the robustness and conformance tests and by `scripts/fuzz.py`.

* `generated_kinds()`: a user model module with one field of every kind partialgen
  supports (`Kinds`) and a conformance box (`Box`), run through the real build step
  (`partialgen.generator.generate_source`) into a temporary directory, imported once per
  process.
* `run(parser_cls, chunks)`: feed every chunk and close, checking on the way the
  invariants that hold whatever the input: only documented errors, sticky errors that
  keep the last snapshot and all the text, snapshots inside their static types.
* `same(a, b)`: type-exact deep equality where NaN equals NaN and -0.0 is not 0.0.
* `extends(old, new)`: "snapshots never go backwards".
"""

from __future__ import annotations

import atexit
import functools
import importlib
import json
import math
import shutil
import sys
import tempfile
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from partialgen import (
    IncompleteOutputError,
    InvalidOutputError,
    PartialgenError,
    StreamParser,
    completion,
)
from partialgen.runtime.errors import format_path
from pydantic import BaseModel

from tests.helpers import split_at

# -- the models -----------------------------------------------------------------------------

MODELS_MODULE = "partialgen_robustness_models"
PARTIALS_MODULE = "partialgen_robustness_partials"

MODELS_SOURCE = '''\
"""User models for the robustness tests: one field of every kind partialgen supports."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from enum import Enum, IntEnum, StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field


class Shade(StrEnum):
    LIGHT = "light"
    LIGHTER = "lighter"
    DARK = "dark"


class Level(IntEnum):
    LOW = 1
    HIGH = 2


class Mixed(Enum):
    ONE = 1
    TWO = "two"


class Inner(BaseModel):
    a: int
    b: str = ""


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    name: str


class Kinds(BaseModel):
    """Every field has a default, so a document may hold any one field alone."""

    s: str = ""
    s_min: Annotated[str, Field(min_length=2)] = "xx"
    i: int = 0
    i_ge: Annotated[int, Field(ge=0)] = 0
    f: float = 0.0
    f_finite: Annotated[float, Field(allow_inf_nan=False)] = 0.0
    b: bool = False
    n: None = None
    lit_s: Literal["on", "off"] = "on"
    lit_i: Literal[1, 2] = 1
    lit_b: Literal[True] = True
    lit_mixed: Literal["a", 0] = "a"
    shade: Shade = Shade.DARK
    level: Level = Level.LOW
    mixed: Mixed = Mixed.ONE
    when: datetime.datetime | None = None
    day: datetime.date | None = None
    clock: datetime.time | None = None
    span: datetime.timedelta | None = None
    uid: uuid.UUID | None = None
    money: Decimal | None = None
    blob: bytes | None = None
    pair: tuple[int, str] | None = None
    strs: list[str] = Field(default_factory=list)
    ints: list[int] = Field(default_factory=list)
    uniq: set[int] = Field(default_factory=set)
    frozen: frozenset[str] = frozenset()
    table: dict[str, int] = Field(default_factory=dict)
    inner: Inner | None = None
    inners: list[Inner] = Field(default_factory=list)
    pet: Cat | Dog | None = Field(default=None, discriminator="kind")
    either: Inner | Dog | None = None
    num_or_text: int | str = 0
    anything: Any = None
    maybe: str | None = None


class Box(BaseModel):
    """A JSON value under test goes in one field; `end` is required and sent last, so a
    value that closes the root early makes the document invalid instead of cut short."""

    value: Any = None
    items: list[Any] = Field(default_factory=list)
    table: dict[str, Any] = Field(default_factory=dict)
    text: str = ""
    number: float = 0.0
    count: int = 0
    flag: bool = False
    end: bool
'''


@functools.cache
def generated_kinds() -> tuple[Any, Any]:
    """(the user models module, the generated module), built once per process."""
    from partialgen.generator import generate_source

    directory = Path(tempfile.mkdtemp(prefix="partialgen-robustness-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    (directory / f"{MODELS_MODULE}.py").write_text(MODELS_SOURCE, encoding="utf-8")
    sys.path.insert(0, str(directory))
    importlib.invalidate_caches()
    source = generate_source([f"{MODELS_MODULE}:Kinds", f"{MODELS_MODULE}:Box"])
    (directory / f"{PARTIALS_MODULE}.py").write_text(source, encoding="utf-8")
    importlib.invalidate_caches()
    return importlib.import_module(MODELS_MODULE), importlib.import_module(
        PARTIALS_MODULE
    )


# -- equality -------------------------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    """Type-exact deep equality; NaN equals NaN, -0.0 differs from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, BaseModel):
        return all(
            same(getattr(a, name), getattr(b, name)) for name in type(a).model_fields
        )
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# -- static types of snapshots ----------------------------------------------------------------


@functools.cache
def field_types(cls: type[BaseModel]) -> dict[str, Any]:
    """The evaluated annotations of a generated partial class's fields."""
    hints = typing.get_type_hints(cls)  # each class of the MRO in its own module
    return {name: hints[name] for name in cls.model_fields}


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (typing.Union, types.UnionType)


def outside_type(value: Any, tp: Any, where: str = "<root>") -> str | None:
    """Why `value` is not of the static type `tp` (None when it is). No lax coercion:
    an int is not a float, a bool is not an int, a str-valued enum is not a str."""
    if tp is Any:
        return None
    origin, args = get_origin(tp), get_args(tp)
    if _is_union(tp):
        reasons = [outside_type(value, member, where) for member in args]
        if any(r is None for r in reasons):
            return None
        return f"{where}: {value!r} fits no member of {tp}"
    if tp is type(None):
        return None if value is None else f"{where}: {value!r} is not None"
    if origin is typing.Annotated:
        return outside_type(value, args[0], where)
    if origin is Literal:
        if any(type(value) is type(a) and value == a for a in args):
            return None
        return f"{where}: {value!r} is not one of {args}"
    if origin in (list, set, frozenset):
        if type(value) is not origin:
            return f"{where}: {value!r} is not a {origin.__name__}"
        for i, item in enumerate(value):
            reason = outside_type(item, args[0], f"{where}[{i}]")
            if reason:
                return reason
        return None
    if origin is dict:
        if type(value) is not dict:
            return f"{where}: {value!r} is not a dict"
        for key, item in value.items():
            reason = outside_type(key, args[0], f"{where} key") or outside_type(
                item, args[1], f"{where}[{key!r}]"
            )
            if reason:
                return reason
        return None
    if origin is tuple:
        if type(value) is not tuple or len(value) != len(args):
            return f"{where}: {value!r} is not a {tp}"
        for i, (item, arg) in enumerate(zip(value, args, strict=True)):
            reason = outside_type(item, arg, f"{where}[{i}]")
            if reason:
                return reason
        return None
    if isinstance(tp, type) and issubclass(tp, Enum):
        return None if type(value) is tp else f"{where}: {value!r} is not a {tp}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if type(value) is not tp:
            return f"{where}: {value!r} is not a {tp.__name__}"
        return snapshot_outside_types(value, where)
    if isinstance(tp, type):
        return None if type(value) is tp else f"{where}: {value!r} is not a {tp}"
    raise AssertionError(f"{where}: no check for {tp}")


def snapshot_outside_types(snapshot: BaseModel, where: str = "<root>") -> str | None:
    """Why some field of `snapshot` holds a value outside its declared type, or None."""
    for name, tp in field_types(type(snapshot)).items():
        reason = outside_type(getattr(snapshot, name), tp, f"{where}.{name}")
        if reason:
            return reason
    return None


# -- never backwards --------------------------------------------------------------------------


def extends(old: Any, new: Any, where: str = "<root>") -> str | None:
    """Why `new` does not hold every value `old` held, extended or unchanged (or None).

    A field still showing its default (its key had not arrived, or its value had not
    started or completed) may change to anything, as docs/streaming.md says.
    """
    if old is None:
        return None
    if isinstance(old, BaseModel):
        if type(new) is not type(old):
            return f"{where}: {old!r} became {new!r}"
        done = completion(old)
        for name, info in type(old).model_fields.items():
            value = getattr(old, name)
            placeholder = name not in old.model_fields_set or (
                name not in done.fields
                and not done.closed
                and same(value, info.get_default(call_default_factory=True))
            )
            if placeholder:
                continue
            reason = extends(value, getattr(new, name), f"{where}.{name}")
            if reason:
                return reason
        return None
    if isinstance(old, str) and not isinstance(old, Enum):
        if not (type(new) is str and new.startswith(old)):
            return f"{where}: {old!r} became {new!r}"
        return None
    if isinstance(old, list):
        if type(new) is not list or len(new) < len(old):
            return f"{where}: {old!r} became {new!r}"
        for i, item in enumerate(old):
            reason = extends(item, new[i], f"{where}[{i}]")
            if reason:
                return reason
        return None
    if isinstance(old, set | frozenset):
        if type(new) is not type(old) or not old <= new:
            return f"{where}: {old!r} became {new!r}"
        return None
    if isinstance(old, dict):
        if type(new) is not dict or list(new)[: len(old)] != list(old):
            return f"{where}: {old!r} became {new!r}"
        for key, item in old.items():
            reason = extends(item, new[key], f"{where}[{key!r}]")
            if reason:
                return reason
        return None
    return None if same(old, new) else f"{where}: {old!r} became {new!r}"


# -- running a stream -----------------------------------------------------------------------


@dataclass
class Outcome:
    """What a stream ended with: the closed model, or the documented error it raised."""

    result: BaseModel | None = None
    error: PartialgenError | None = None
    raised_in_feed: bool = False
    snapshots: list[BaseModel] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.result is not None


def run(
    parser_cls: type[StreamParser[Any, Any]],
    chunks: Sequence[str],
    *,
    check_types: bool = True,
    check_backwards: bool = False,
    **options: Any,
) -> Outcome:
    """Feed every chunk, then close. Anything but a documented error propagates.

    Collects into `problems` every broken invariant: a snapshot outside its static type,
    a snapshot going backwards (when asked), an error that is not sticky or lost text.
    """
    parser = parser_cls(**options)
    out = Outcome(snapshots=[parser.snapshot])
    text = ""
    for chunk in chunks:
        text += chunk
        try:
            snapshot = parser.feed(chunk)
        except PartialgenError as e:
            if out.error is None:
                out.error, out.raised_in_feed = e, True
                if not isinstance(e, InvalidOutputError):
                    out.problems.append(f"feed raised {type(e).__name__}: {e}")
            elif e is not out.error:
                out.problems.append(f"a second, different error: {e!r}")
            if e.text != text:
                out.problems.append("the error does not carry all the received text")
            continue
        if snapshot is not out.snapshots[-1]:
            out.snapshots.append(snapshot)
    try:
        out.result = parser.close()
    except PartialgenError as e:
        if out.error is not None and e is not out.error:
            out.problems.append(f"close raised another error than feed: {e!r}")
        if out.error is None and not isinstance(
            e, IncompleteOutputError | InvalidOutputError
        ):
            out.problems.append(f"close raised {type(e).__name__}")
        out.error = e
    else:
        if out.error is not None:
            out.problems.append("close returned a model after feed raised")
    if parser.text != text:
        out.problems.append("parser.text lost received text")
    if out.error is not None:
        if out.error.text != text:
            out.problems.append("error.text differs from the received text")
        if out.error.snapshot is None:
            out.problems.append("the error carries no snapshot")
        else:
            out.snapshots.append(out.error.snapshot)
    if check_types:
        for snapshot in out.snapshots:
            reason = snapshot_outside_types(snapshot)
            if reason:
                out.problems.append(f"snapshot outside its type: {reason}")
                break
    if check_backwards:
        for old, new in zip(out.snapshots, out.snapshots[1:], strict=False):
            reason = extends(old, new)
            if reason:
                out.problems.append(f"snapshot went backwards: {reason}")
                break
    return out


def pydantic_verdict(model: type[BaseModel], text: str) -> BaseModel | None:
    """`model.model_validate_json(text)`, or None when pydantic rejects the text."""
    try:
        return model.model_validate_json(text)
    except ValueError:
        return None


# -- fuzzing: strategies and properties, shared by the bounded tests and scripts/fuzz.py ------

# Values a field of `Kinds` accepts, so that random documents are often valid.
PLAUSIBLE: dict[str, list[Any]] = {
    "s": ["", "a", 'q"uo\\te', "\u00e9\U0001f600\n\t"],
    "s_min": ["ab", "long enough"],
    "i": [0, -1, 12, 2**70],
    "i_ge": [0, 5],
    "f": [0.0, -2.5, 1e300, 3],
    "f_finite": [1.5, -0.0],
    "b": [True, False],
    "n": [None],
    "lit_s": ["on", "off"],
    "lit_i": [1, 2],
    "lit_b": [True],
    "lit_mixed": ["a", 0],
    "shade": ["light", "lighter", "dark"],
    "level": [1, 2, "1"],
    "mixed": [1, "two"],
    "when": ["2024-03-15T10:20:30Z", 0, None],
    "day": ["2024-03-15", None],
    "clock": ["09:30:00", None],
    "span": ["P1D", 3600, None],
    "uid": ["12345678-1234-5678-1234-567812345678", None],
    "money": ["12.50", 3, None],
    "blob": ["aGk=", None],
    "pair": [[1, "x"], None],
    "strs": [[], ["a", ""]],
    "ints": [[], [1, -2]],
    "uniq": [[1, 1, 2]],
    "frozen": [["x", "y"]],
    "table": [{}, {"a": 1, "b": 2}],
    "inner": [{"a": 1}, {"a": 2, "b": "x"}, None],
    "inners": [[], [{"a": 1}, {"b": "y", "a": 3}]],
    "pet": [{"kind": "cat", "lives": 9}, {"name": "rex", "kind": "dog"}, None],
    "either": [{"a": 1}, {"name": "d"}, None],
    "num_or_text": [7, "seven"],
    "anything": [None, {"k": [1, 2.5, None]}, "x"],
    "maybe": [None, "m"],
}

# One value of each JSON kind, to put every kind in every field often.
TOKENS: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    2,
    -1,
    1.5,
    float("nan"),
    "",
    "1",
    "x",
    [],
    [1],
    {},
    {"a": 1},
]

# Characters that stress a JSON scanner, for mutations and raw text.
NASTY = (
    '{}[]":,\\ /*#'
    "0123456789.eE+-"
    "truefalsnNIiyu"
    "abcdefABCDEF"
    "\x00\x01\x1f\t\n\r\x7f"
    "\ud800\udc00\udbff\ufeff\u2028\u00a0\u00e9"
)


PROSE = ["", "Sure:\n```json\n", "\ufeff", "Here [it] is: ", "```\r\n"]


@functools.cache
def _strategies() -> Any:
    """Hypothesis strategies, built once (hypothesis is imported only when fuzzing)."""
    from hypothesis import strategies as st

    strings = st.one_of(
        st.text(st.characters(exclude_categories=()), max_size=8),
        st.sampled_from(["light", "on", "two", "cat", "dog", "1", "2024-03-15", ""]),
    )
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.integers(),
        st.floats(),
        strings,
    )
    keys = st.one_of(st.sampled_from(["a", "b", "kind", "name", "lives", "k"]), strings)
    values = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(keys, inner, max_size=4),
        ),
        max_leaves=12,
    )
    return st, values


def draw_document(data: Any) -> tuple[dict[str, Any], str]:
    """A Kinds document (unique keys): plausible or arbitrary values, serialized with
    random formatting. Returns (the data, its JSON text)."""
    st, values = _strategies()
    names = data.draw(
        st.lists(
            st.sampled_from([*PLAUSIBLE, "zz_undeclared"]), unique=True, max_size=6
        ),
        label="fields",
    )
    doc: dict[str, Any] = {}
    for name in names:
        how = data.draw(st.sampled_from(["plausible", "token", "any"]), label=name)
        if how == "plausible" and name in PLAUSIBLE:
            doc[name] = data.draw(st.sampled_from(PLAUSIBLE[name]), label=name)
        elif how == "token":
            doc[name] = data.draw(st.sampled_from(TOKENS), label=name)
        else:
            doc[name] = data.draw(values, label=name)
    indent = data.draw(st.sampled_from([None, 0, 2, "\t"]), label="indent")
    ascii_only = data.draw(st.booleans(), label="ensure_ascii")
    separators = data.draw(
        st.sampled_from([None, (",", ":"), (" , ", " : ")]), label="separators"
    )
    text = json.dumps(
        doc, indent=indent, ensure_ascii=ascii_only, separators=separators
    )
    return doc, text


def draw_chunks(data: Any, text: str) -> list[str]:
    """Random cut points (sometimes one character per chunk), with empty chunks."""
    st, _ = _strategies()
    if len(text) < 2 or data.draw(st.integers(0, 9), label="one by one") == 0:
        return list(text)
    cuts = data.draw(st.lists(st.integers(1, len(text) - 1), max_size=12), label="cuts")
    chunks = split_at(text, cuts)
    if data.draw(st.booleans(), label="empty chunks"):
        chunks = [c for chunk in chunks for c in (chunk, "")]
    return chunks


def mutate(data: Any, text: str) -> str:
    """One to three edits (insert, delete, replace, duplicate a slice) anywhere."""
    st, _ = _strategies()
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        at = data.draw(st.integers(0, len(text)), label="at")
        op = data.draw(
            st.sampled_from(["insert", "delete", "replace", "copy"]), label="op"
        )
        ch = data.draw(st.sampled_from(NASTY), label="char")
        if op == "insert":
            text = text[:at] + ch + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + 1 :]
        elif op == "replace":
            text = text[:at] + ch + text[at + 1 :]
        else:
            end = data.draw(st.integers(at, min(len(text), at + 20)), label="end")
            text = text[:at] + text[at:end] + text[at:]
    return text


def root_end(parser_cls: type[StreamParser[Any, Any]], text: str) -> int:
    """The length of the shortest prefix after which the parser's root has closed."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        parser = parser_cls()
        try:
            parser.feed(text[:mid])
        except PartialgenError:
            lo = mid + 1
            continue
        if parser.done:
            hi = mid
        else:
            lo = mid + 1
    return lo


def verdict_problems(
    parser_cls: type[StreamParser[Any, Any]],
    model: type[BaseModel],
    text: str,
    out: Outcome,
) -> list[str]:
    """Accept/reject and value agree with `model.model_validate_json`.

    Where partialgen accepted a text pydantic rejects as a whole, the documented rule 14
    must explain it: pydantic accepts the root alone (prose before the root's `{` and
    text after its `}` are skipped) and gives the same model.
    """
    expected = pydantic_verdict(model, text)
    if out.result is None:
        if expected is not None:
            return [f"pydantic accepts, partialgen raised {describe(out.error)}"]
        return []
    if expected is None:
        # The root is one of the `{` before where it closed: the first, or a later one
        # when those before it were prose (failed before a key of the model matched).
        end = root_end(parser_cls, text)
        starts = [i for i, ch in enumerate(text[:end]) if ch == "{"]
        for start in starts:
            expected = pydantic_verdict(model, text[start:end])
            if expected is not None:
                break
        else:
            return [
                f"pydantic rejects every root in {text[:end]!r}, partialgen accepts"
            ]
    problems = []
    if not same(out.result, expected):
        problems.append(f"close() returned {out.result!r}, pydantic {expected!r}")
    last = out.snapshots[-1].model_dump()
    for key, value in expected.model_dump().items():
        if not same(last.get(key, MISSING_KEY), value):
            problems.append(
                f"the last snapshot's {key} is {last.get(key)!r}, not {value!r}"
            )
    return problems


MISSING_KEY = object()


def describe(error: PartialgenError | None) -> str:
    """`Type at path: reason`, the way the fuzz report groups findings."""
    if isinstance(error, InvalidOutputError):
        return f"{type(error).__name__} at {format_path(error.path)}: {error.reason}"
    return repr(error)


@dataclass
class Trial:
    """One fuzzed input: its text and chunking, what happened, what went wrong."""

    text: str
    chunks: list[str]
    outcome: Outcome
    problems: list[str]


def check_random_document(data: Any) -> Trial:
    """Property 1: a random, well-formed Kinds document in a random chunking, sometimes
    with prose or a fence before it and anything after it."""
    st, _ = _strategies()
    models, partials = generated_kinds()
    _, text = draw_document(data)
    if data.draw(st.booleans(), label="wrapped"):
        before = data.draw(st.sampled_from(PROSE), label="before")
        after = data.draw(st.text(st.sampled_from(NASTY), max_size=8), label="after")
        text = before + text + after
    chunks = draw_chunks(data, text)
    out = run(partials.KindsParser, chunks, check_backwards=True)
    problems = verdict_problems(partials.KindsParser, models.Kinds, text, out)
    return Trial(text, chunks, out, out.problems + problems)


def check_mutated_document(data: Any) -> Trial:
    """Property 2: the same, with a few characters inserted, deleted or replaced."""
    models, partials = generated_kinds()
    _, text = draw_document(data)
    text = mutate(data, text)
    chunks = draw_chunks(data, text)
    out = run(partials.KindsParser, chunks)
    problems = verdict_problems(partials.KindsParser, models.Kinds, text, out)
    return Trial(text, chunks, out, out.problems + problems)


def check_raw_value(data: Any) -> Trial:
    """Property 3: arbitrary JSON-ish text as a value typed Any (the scanner alone)."""
    st, _ = _strategies()
    models, partials = generated_kinds()
    raw = data.draw(st.text(st.sampled_from(NASTY), max_size=24), label="raw")
    text = '{"value": ' + raw + ', "end": true}'
    chunks = draw_chunks(data, text)
    out = run(partials.BoxParser, chunks)
    problems = verdict_problems(partials.BoxParser, models.Box, text, out)
    return Trial(text, chunks, out, out.problems + problems)


PROPERTIES = {
    "random_document": check_random_document,
    "mutated_document": check_mutated_document,
    "raw_value": check_raw_value,
}
