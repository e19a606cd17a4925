"""Property-based tests of the streaming contract, for every example model.

Documents come from `tests/strategies.py`: valid JSON for each example's full model, with
shuffled keys, undeclared keys (also the other union member's keys, which pydantic
ignores), varied formatting (`json.dumps` with and without indent, `ensure_ascii` on and
off, several separators; or a custom encoder with random whitespace and random valid
escapes such as `\\u0061` and surrogate pairs, in keys too) and strings full of quotes,
backslashes, newlines, control characters, non-ASCII and astral characters.

Properties (each for meeting, profile, report, categorized and catalog):

1. **Never backwards.** Fed one character at a time, and fed in random chunkings (cut
   points drawn as a list, empty chunks inserted), consecutive snapshots satisfy
   `extends(old, new)`, and so do up to SAMPLES snapshots spread over the run with the
   last one (the snapshot an error carries counts as the last one). An empty chunk
   returns the previous snapshot object itself, and a published snapshot is never
   mutated afterwards, not even by `close()` (the fingerprints of up to SAMPLES
   snapshots, and of the last one, taken at publication, equal their fingerprints at
   the end).
2. **Static types.** Every snapshot (and the snapshot an error carries) holds, in every
   field, a value of the field's declared type in the partial class (see `TypeChecker`).
3. **Final result.** `close()` returns exactly `Model.model_validate_json(text)`, and
   the last snapshot's `model_dump()` equals the full model's `model_dump()`, also
   compared type-exactly (an `int` never equals a `float` here).
4. **`stream` = feed loop.** `XParser.stream(chunks)` yields the same sequence of
   snapshots (type, data, `model_fields_set` and completion state, recursively) as a
   manual `feed` loop that keeps the snapshots that are new objects, and the same result
   or the same error (also for truncated documents).
5. **Invalid input.** Documents mutated by truncation, by changing a value (a wrong
   literal/enum value, a value of the wrong JSON kind, any JSON value, a deleted key or
   item, a key added where it does not belong) or by corrupting one character (replaced,
   deleted or inserted) fail only with the documented errors: `feed` raises an
   `InvalidOutputError` (or subclass), `close` raises `IncompleteOutputError` or
   `InvalidOutputError`; nothing else, ever; and an error keeps all received text.
   Acceptance agrees with pydantic: let `root` be the text up to the end of the root
   object (rule 14: text after it is skipped; the whole text if the root never closes).
   If `Model.model_validate_json(root)` fails, the parser must raise at some point; if
   it succeeds, the parser must accept and return an equal model whose dump equals the
   last snapshot's. Properties 1 and 2 hold for these runs too.
6. **Repeated keys** (valid JSON; pydantic keeps the last value): everything of 5 except
   two trade-offs docs/streaming.md documents: snapshots may go backwards, and the
   parser may fail fast on a value a later repetition would have replaced.

`test_found_examples` keeps the minimal falsifying documents the properties found, as
fixed cases run whole and character by character. The two oracles are tested
themselves at the end of the module.

The `extends(old, new)` rule, by the declared type of the value (for a union, the member
the old value belongs to):

* `old` is `None`: `new` may be anything (a value that has not started yet).
* `str`: `new` is a `str` and starts with `old`.
* a partial model class: `new` is an instance of exactly the same class,
  `old.model_fields_set <= new.model_fields_set`, and every field extends, except that a
  *placeholder* may change to anything. A field is a placeholder in `old` when its key
  had not arrived (it is not in `old.model_fields_set`, so it shows its default, rule 1),
  or when its key has arrived but its value has not begun: the field is not complete in
  `old` (`partialgen.completed_fields`) and still holds exactly its declared default
  (rules 1, 3, 5 and 6: numbers, atomic values and undecided literals keep showing the
  default until they complete or are decided). A union member, once chosen, never
  changes (rule 8).
* `list[X]`: `new` is a list at least as long; item `i` of `old` extends item `i` of
  `new` (items are only appended).
* `set[X]`: `new` is a set containing every element of `old` (set items are atomic).
* `dict[K, V]`: the keys of `old` are, in order, the first keys of `new`, and each of
  their values extends.
* anything else (`int`, `float`, `bool`, `Decimal`, dates and times, `UUID`, `bytes`,
  tuples, `Enum`, `Literal`, `Any`): `new` equals `old` with exactly the same types,
  recursively (`1` does not equal `1.0`, `True` does not equal `1`).

The static type check (`conforms`), by the annotation `typing.get_type_hints` resolves
on the partial class: `int` is exactly `int` (not `bool`, not an `IntEnum`), `float` is
exactly `float` (never an `int`), `str` exactly `str` (not a `StrEnum`), `date` exactly
`date` (not a `datetime`), likewise `bytes`, `Decimal`, `UUID`, `time`, `timedelta`;
an `Enum` field holds a member of that enum; a `Literal` holds one of its values with the
value's own type; a partial model field holds an instance of exactly that partial class,
whose fields are checked recursively (and which holds exactly its declared fields);
`list`, `set`, `dict` and `tuple` are checked by their exact container type and, item by
item, their arguments; `Any` accepts anything; a union accepts what one member accepts.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from partialgen import (
    IncompleteOutputError,
    InvalidOutputError,
    PartialgenError,
    PartialModel,
    StreamParser,
    completed_fields,
    completion,
)
from pydantic import BaseModel

from examples.catalog import Color, Priority
from generated.catalog import (
    Catalog,
    CatalogParser,
    PartialCatalog,
    PartialDigital,
    PartialDimensions,
    PartialPhysical,
    PartialProduct,
    PartialReview,
)
from generated.categorized import PartialUser as PartialCategorizedUser
from generated.categorized import User as CategorizedUser
from generated.categorized import UserParser as CategorizedUserParser
from generated.hints import Digest, DigestParser, PartialDigest
from generated.meeting import MeetingInfo, MeetingInfoParser, PartialMeetingInfo
from generated.meeting import PartialUser as PartialMeetingUser
from generated.profile import PartialUserProfile, UserProfile, UserProfileParser
from generated.report import PartialReport, Report, ReportParser
from tests.helpers import fixed_chunks, split_at
from tests.strategies import (
    corruptions,
    documents,
    formatted,
    objects,
    repeated_keys,
    truncations,
    value_mutations,
)

# -- the example models -------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    parser: type[StreamParser[Any, Any]]
    partial: type[PartialModel]
    model: type[BaseModel]


CASES = [
    Case("meeting", MeetingInfoParser, PartialMeetingInfo, MeetingInfo),
    Case("profile", UserProfileParser, PartialUserProfile, UserProfile),
    Case("report", ReportParser, PartialReport, Report),
    Case("categorized", CategorizedUserParser, PartialCategorizedUser, CategorizedUser),
    Case("catalog", CatalogParser, PartialCatalog, Catalog),
    Case("hints", DigestParser, PartialDigest, Digest),
]

each_case = pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])

# Sized so that the whole module runs in roughly a minute on two cores.
BASE = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # No explain phase: on a failure it re-runs the test for minutes on large documents.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
SOME = settings(BASE, max_examples=100)
MORE = settings(BASE, max_examples=175)

# -- exact equality -----------------------------------------------------------------------


def fingerprint(value: object, *, ordered: bool = True) -> object:
    """A hashable, type-exact image of a value; for models it includes `model_fields_set`
    and (for snapshots) the completion state, so equal fingerprints mean a user sees the
    same thing. `ordered=False` ignores the order of dict keys."""
    if isinstance(value, BaseModel):
        state = completion(value)
        return (
            type(value),
            frozenset((k, fingerprint(v)) for k, v in value.__dict__.items()),
            frozenset(value.model_fields_set),
            state.closed,
            frozenset(state.fields),
            tuple(sorted(state.items.items())),
        )
    if isinstance(value, dict):
        entries = (
            (fingerprint(k), fingerprint(v, ordered=ordered)) for k, v in value.items()
        )
        return (dict, tuple(entries) if ordered else frozenset(entries))
    if isinstance(value, list | tuple):
        return (type(value), tuple(fingerprint(v, ordered=ordered) for v in value))
    if isinstance(value, set | frozenset):
        return (type(value), frozenset(fingerprint(v) for v in value))
    if isinstance(value, float) and value != value:
        return (float, "nan")  # pydantic accepts NaN in float fields; nan != nan
    return (type(value), value)


def same_dump(a: BaseModel, b: BaseModel) -> bool:
    """`a.model_dump() == b.model_dump()`, but with exactly the same value types (and
    NaN equal to NaN).

    The order of keys is not compared: a snapshot's attributes may be stored in another
    order than the fields are declared in, which equality does not see either."""
    return fingerprint(a.model_dump(), ordered=False) == fingerprint(
        b.model_dump(), ordered=False
    )


def same(a: object, b: object) -> bool:
    return fingerprint(a) == fingerprint(b)


# -- static types -------------------------------------------------------------------------


@functools.cache
def field_types(cls: type[BaseModel]) -> dict[str, Any]:
    """The resolved annotation of every field of a (partial) model class."""
    hints = typing.get_type_hints(cls)
    return {name: hints[name] for name in cls.model_fields}


@functools.cache
def field_default(cls: type[BaseModel], name: str) -> Any:
    return cls.model_fields[name].get_default(
        call_default_factory=True, validated_data={}
    )


@dataclass(frozen=True)
class Shape:
    """An annotation taken apart once: `kind` is one of any, union, none, literal,
    items (list/set/frozenset), dict, tuple, exact; `cls` is the exact or container
    type; `args` the members, item/key/value annotations, or the literal values."""

    kind: str
    cls: Any = None
    args: tuple[Any, ...] = ()


@functools.cache
def shape(tp: Any) -> Shape:
    if tp is Any:
        return Shape("any")
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return Shape("union", args=get_args(tp))
    if tp is type(None):
        return Shape("none", type(None))
    if origin is typing.Annotated:
        return shape(get_args(tp)[0])
    if origin is Literal:
        return Shape("literal", args=get_args(tp))
    if origin in (list, set, frozenset):
        return Shape("items", origin, get_args(tp))
    if origin is dict:
        return Shape("dict", dict, get_args(tp))
    if origin is tuple:
        return Shape("tuple", tuple, get_args(tp))
    if isinstance(tp, type) and origin is None:
        return Shape("exact", tp)
    raise TypeError(f"the checker does not know the annotation {tp!r}")


class TypeChecker:
    """`conforms(tp, value)`: None if `value` is of static type `tp`, else the reason,
    starting with the path below `value` (`.field[2]: ...`).

    Model instances already checked are remembered by identity (they are kept alive by
    the snapshots under test), so checking every snapshot of a character-by-character
    stream costs only the parts that changed.
    """

    def __init__(self) -> None:
        self.checked: dict[int, BaseModel] = {}

    def conforms(self, tp: Any, value: Any) -> str | None:
        sh = shape(tp)
        kind = sh.kind
        if kind == "exact":
            if type(value) is not sh.cls:
                return f": {type(value).__name__} {value!r} is not a {sh.cls.__name__}"
            if isinstance(value, BaseModel):
                return self.model(value)
            return None  # an Enum member's type is its enum class
        if kind == "any":
            return None
        if kind == "union":
            if value is None and type(None) in sh.args:
                return None
            member = _member_of(tp, value)  # the only member it could be
            if member is not tp:
                return self.conforms(member, value)
            return f": {type(value).__name__} {value!r} fits no member of {tp}"
        if kind == "none":
            return None if value is None else f": {value!r} is not None"
        if kind == "literal":
            if any(type(value) is type(a) and value == a for a in sh.args):
                return None
            return f": {value!r} is not one of {sh.args}"
        if type(value) is not sh.cls:
            return f": {type(value).__name__} {value!r} is not a {sh.cls.__name__}"
        if kind == "items":
            for i, v in enumerate(value):
                reason = self.conforms(sh.args[0], v)
                if reason is not None:
                    return f"[{i}]{reason}"
            return None
        if kind == "dict":
            for k, v in value.items():
                reason = self.conforms(sh.args[0], k)
                if reason is not None:
                    return f".keys(){reason}"
                reason = self.conforms(sh.args[1], v)
                if reason is not None:
                    return f"[{k!r}]{reason}"
            return None
        assert kind == "tuple"
        args = sh.args
        if len(args) == 2 and args[1] is Ellipsis:
            args = (args[0],) * len(value)
        if len(args) != len(value):
            return f": {value!r} does not have {len(args)} items"
        for i, (item_tp, v) in enumerate(zip(args, value, strict=True)):
            reason = self.conforms(item_tp, v)
            if reason is not None:
                return f"[{i}]{reason}"
        return None

    def model(self, snapshot: BaseModel) -> str | None:
        if id(snapshot) in self.checked:
            return None
        hints = field_types(type(snapshot))
        if snapshot.__dict__.keys() != hints.keys():
            return (
                f": holds fields {sorted(snapshot.__dict__)}, declares {sorted(hints)}"
            )
        if not snapshot.model_fields_set <= hints.keys():
            return f": model_fields_set {snapshot.model_fields_set} has unknown names"
        values = snapshot.__dict__
        for name, tp in hints.items():
            reason = self.conforms(tp, values[name])
            if reason is not None:
                return f".{name}{reason}"
        self.checked[id(snapshot)] = snapshot
        return None

    def check(self, case: Case, snapshot: BaseModel) -> None:
        assert (
            type(snapshot) is case.partial
        ), f"the snapshot is a {type(snapshot).__name__}, not a {case.partial.__name__}"
        reason = self.model(snapshot)
        assert reason is None, f"wrong type at {case.partial.__name__}{reason}"


# -- extends ------------------------------------------------------------------------------


def _member_of(tp: Any, value: Any) -> Any:
    """For a union annotation, the member `value` has the outer shape of (else `tp`)."""
    sh = shape(tp)
    if sh.kind != "union":
        return tp
    for member in sh.args:
        m = shape(member)
        if m.kind == "any":
            return member
        if m.kind == "literal":
            if any(type(value) is type(a) and value == a for a in m.args):
                return member
        elif m.kind != "none" and type(value) is m.cls:
            return member
    return tp


def _is_default(value: Any, default: Any) -> bool:
    if type(value) is not type(default):
        return False
    if isinstance(value, list | dict | set) and len(value) != len(default):
        return False
    return same(value, default)


def extends(tp: Any, old: Any, new: Any) -> str | None:
    """None if `new` extends `old` (see the module docstring), else the reason,
    starting with the path below the value."""
    if old is new or old is None:
        return None
    tp = _member_of(tp, old)
    sh = shape(tp)
    if tp is str:
        if type(new) is str and new.startswith(old):
            return None
        return f": {new!r} does not extend {old!r}"
    if sh.kind == "exact" and issubclass(sh.cls, BaseModel):
        if type(new) is not type(old):
            return f": a {type(old).__name__} became {new!r}"
        if not old.model_fields_set <= new.model_fields_set:
            return f": model_fields_set shrank from {old.model_fields_set} to {new.model_fields_set}"
        cls: type[BaseModel] = type(old)
        done = completed_fields(old)
        olds, news = old.__dict__, new.__dict__
        for name, field_tp in field_types(cls).items():
            o, n = olds[name], news[name]
            if o is n:
                continue
            if name not in old.model_fields_set or (
                name not in done and _is_default(o, field_default(cls, name))
            ):
                continue  # a placeholder (see the module docstring)
            reason = extends(field_tp, o, n)
            if reason is not None:
                return f".{name}{reason}"
        return None
    if sh.kind == "items" and sh.cls is list:
        if type(new) is not list or len(new) < len(old):
            return f": list {old!r} became {new!r}"
        for i, (o, n) in enumerate(zip(old, new, strict=False)):
            reason = extends(sh.args[0], o, n)
            if reason is not None:
                return f"[{i}]{reason}"
        return None
    if sh.kind == "items":
        if type(new) is not type(old) or not old <= new:
            return f": set {old!r} became {new!r}"
        return None
    if sh.kind == "dict":
        if type(new) is not dict or list(new)[: len(old)] != list(old):
            return f": dict {old!r} became {new!r}"
        for k in old:
            reason = extends(sh.args[1], old[k], new[k])
            if reason is not None:
                return f"[{k!r}]{reason}"
        return None
    if same(old, new):
        return None
    return f": {old!r} changed to {new!r}"


def assert_extends(case: Case, old: BaseModel, new: BaseModel, where: str) -> None:
    reason = extends(case.partial, old, new)
    assert (
        reason is None
    ), f"{where}: the snapshot went backwards at {case.partial.__name__}{reason}"


# -- running a parser ---------------------------------------------------------------------


# Checks that cost the size of the document per snapshot (fingerprints, comparisons with
# the last snapshot) look at about this many snapshots of one run, spread evenly.
SAMPLES = 24


def _sampled(count: int) -> range:
    """Indices of about SAMPLES of `count` snapshots, spread evenly."""
    return range(0, count, max(1, count // SAMPLES))


@dataclass
class Run:
    """What a user sees: the distinct snapshots (the initial one first), the result or
    the error, and some snapshots' fingerprints taken when they were published."""

    snapshots: list[BaseModel]
    fingerprints: dict[int, object] = field(default_factory=dict)
    result: BaseModel | None = None
    error: PartialgenError | None = None
    failed_in_feed: bool = False


def run_parser(case: Case, chunks: Sequence[str], *, record: bool = False) -> Run:
    """Feed every chunk, then close; only the documented errors may come out.

    With `record`, fingerprints are taken of a sample of the snapshots (all of them for
    up to SAMPLES chunks) and of the last one before `close`."""
    parser = case.parser()
    run = Run([parser.snapshot])
    stride = max(1, len(chunks) // SAMPLES)

    def take(index: int) -> None:
        if record and index not in run.fingerprints:
            run.fingerprints[index] = fingerprint(run.snapshots[index])

    take(0)
    for index, chunk in enumerate(chunks):
        previous = run.snapshots[-1]
        try:
            snapshot = parser.feed(chunk)
        except InvalidOutputError as e:
            take(len(run.snapshots) - 1)
            run.error, run.failed_in_feed = e, True
            received = "".join(chunks[: index + 1])
            assert e.text == received, "the error lost received text"
            with pytest.raises(InvalidOutputError):
                parser.close()
            return run
        except Exception as e:
            raise AssertionError(
                f"feed raised {type(e).__name__}, not an InvalidOutputError: {e}"
            ) from e
        if not chunk:
            assert snapshot is previous, "an empty chunk produced a new snapshot"
        if snapshot is not previous:
            run.snapshots.append(snapshot)
            if index % stride == 0:
                take(len(run.snapshots) - 1)
    take(len(run.snapshots) - 1)
    try:
        run.result = parser.close()
    except (IncompleteOutputError, InvalidOutputError) as e:
        run.error = e
        assert e.text == "".join(chunks), "the error lost received text"
    except Exception as e:
        raise AssertionError(
            f"close raised {type(e).__name__}, not a documented error: {e}"
        ) from e
    return run


def with_empty_chunks(chunks: list[str], positions: Sequence[int]) -> list[str]:
    out = list(chunks)
    for position in sorted(positions, reverse=True):
        out.insert(min(position, len(out)), "")
    return out


@st.composite
def chunkings(draw: st.DrawFn, text: str) -> list[str]:
    """`text` cut at random points, with empty chunks here and there."""
    cuts = draw(st.lists(st.integers(0, len(text)), max_size=40))
    empties = draw(st.lists(st.integers(0, len(cuts) + 1), max_size=3))
    return with_empty_chunks(split_at(text, cuts), empties)


def check_snapshots(case: Case, run: Run, *, monotonic: bool = True) -> None:
    """Properties 1 and 2 on one run: types, never backwards, never mutated.

    The snapshot an error carries counts as the run's last snapshot."""
    checker = TypeChecker()
    snapshots = list(run.snapshots)
    if run.error is not None:
        assert run.error.snapshot is not None, "the error carries no snapshot"
        if run.error.snapshot is not snapshots[-1]:
            snapshots.append(run.error.snapshot)
    for snapshot in snapshots:
        checker.check(case, snapshot)
    if monotonic:
        for i, (old, new) in enumerate(itertools.pairwise(snapshots)):
            assert_extends(case, old, new, f"snapshot {i} -> {i + 1}")
        last = snapshots[-1]
        for i in _sampled(len(snapshots)):
            assert_extends(case, snapshots[i], last, f"snapshot {i} -> last")
    for i, recorded in run.fingerprints.items():
        assert (
            fingerprint(run.snapshots[i]) == recorded
        ), f"snapshot {i} was mutated after it was published"


def check_final(case: Case, text: str, run: Run) -> None:
    """Property 3: the result is pydantic's, and so is the last snapshot, field by field."""
    expected = case.model.model_validate_json(text)
    assert run.error is None, f"a valid document failed: {run.error!r}"
    assert type(run.result) is case.model
    assert same(run.result, expected), (run.result, expected)
    assert run.result.model_fields_set == expected.model_fields_set
    last = run.snapshots[-1]
    assert same_dump(last, expected), (
        "the last snapshot differs from the full model",
        last.model_dump(),
        expected.model_dump(),
    )


# -- 1, 2, 3: valid documents ---------------------------------------------------------------


@each_case
@SOME
@given(data=st.data())
def test_char_by_char_snapshots_extend_typed_and_final(
    case: Case, data: st.DataObject
) -> None:
    text = data.draw(documents(case.name), label="text")
    run = run_parser(case, fixed_chunks(text, 1))
    check_snapshots(case, run)
    check_final(case, text, run)


@each_case
@MORE
@given(data=st.data())
def test_random_chunks_snapshots_extend_typed_and_final(
    case: Case, data: st.DataObject
) -> None:
    text = data.draw(documents(case.name), label="text")
    chunks = data.draw(chunkings(text), label="chunks")
    run = run_parser(case, chunks, record=True)
    check_snapshots(case, run)
    check_final(case, text, run)


# -- 4: stream() and the feed loop ------------------------------------------------------------


def _iterate(
    stream: Iterator[BaseModel],
) -> tuple[list[BaseModel], PartialgenError | None]:
    yielded: list[BaseModel] = []
    try:
        for snapshot in stream:
            yielded.append(snapshot)
    except PartialgenError as e:
        return yielded, e
    return yielded, None


@each_case
@SOME
@given(data=st.data())
def test_stream_yields_the_feed_loop_snapshots(case: Case, data: st.DataObject) -> None:
    text = data.draw(documents(case.name), label="text")
    if data.draw(st.booleans(), label="truncate"):
        text = data.draw(truncations(text), label="truncated")
    chunks = data.draw(chunkings(text), label="chunks")
    manual = run_parser(case, chunks)
    stream = case.parser.stream(chunks)
    yielded, error = _iterate(iter(stream))
    assert [fingerprint(s) for s in yielded] == [
        fingerprint(s) for s in manual.snapshots[1:]
    ]
    assert type(error) is type(manual.error)
    if error is None:
        assert stream.result == manual.result
    else:
        assert str(error) == str(manual.error)


# -- 5: invalid documents ---------------------------------------------------------------------


def root_end(text: str) -> int | None:
    """Where the first `{...}` of `text` ends, matching brackets outside strings (None:
    it never closes). For valid JSON this is exactly where the root object ends."""
    start = text.find("{")
    if start < 0:
        return None
    depth = 0
    in_string = False
    i = start
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _event(label: str) -> None:
    """A hypothesis statistics event, also outside a hypothesis test."""
    with contextlib.suppress(InvalidArgument):
        event(label)


def check_agrees_with_pydantic(
    case: Case,
    text: str,
    chunks: Sequence[str],
    *,
    monotonic: bool = True,
    may_fail_fast: bool = False,
) -> None:
    """Property 5 (with 1 and 2) on one document. `may_fail_fast`: the parser may reject
    a document pydantic accepts (the documented repeated-key trade-off)."""
    run = run_parser(case, chunks, record=True)  # raises on undocumented exceptions
    check_snapshots(case, run, monotonic=monotonic)
    end = root_end(text)
    root = text if end is None else text[:end]
    try:
        expected = case.model.model_validate_json(root)
    except ValueError as e:  # a ValidationError, or (pydantic 2.13, a Decimal field
        # given an array) the decimal module's own ValueError: a rejection all the same
        _event(f"pydantic rejects; partialgen: {type(run.error).__name__}")
        assert (
            run.error is not None
        ), f"pydantic rejects the document but partialgen accepted it: {e}"
        return
    _event(f"pydantic accepts; partialgen: {type(run.error).__name__}")
    if may_fail_fast and isinstance(run.error, InvalidOutputError):
        return
    assert (
        run.error is None
    ), f"pydantic accepts the document but partialgen raised {run.error!r}"
    assert same(run.result, expected), (run.result, expected)
    last = run.snapshots[-1]
    assert same_dump(last, expected), (
        "the last snapshot differs from the full model",
        last.model_dump(),
        expected.model_dump(),
    )


@each_case
@SOME
@given(data=st.data())
def test_truncated_documents(case: Case, data: st.DataObject) -> None:
    text = data.draw(documents(case.name), label="text")
    text = data.draw(truncations(text), label="truncated")
    chunks = data.draw(chunkings(text), label="chunks")
    check_agrees_with_pydantic(case, text, chunks)


@each_case
@MORE
@given(data=st.data())
def test_documents_with_a_wrong_value(case: Case, data: st.DataObject) -> None:
    obj = data.draw(objects(case.name), label="valid")
    mutated = data.draw(value_mutations(obj), label="mutated")
    text = data.draw(formatted(mutated), label="text")
    chunks = data.draw(chunkings(text), label="chunks")
    check_agrees_with_pydantic(case, text, chunks)


@each_case
@MORE
@given(data=st.data())
def test_documents_with_a_corrupt_character(case: Case, data: st.DataObject) -> None:
    text = data.draw(documents(case.name), label="valid")
    text = data.draw(corruptions(text), label="corrupted")
    if data.draw(st.booleans(), label="char by char"):
        chunks = fixed_chunks(text, 1)
    else:
        chunks = data.draw(chunkings(text), label="chunks")
    check_agrees_with_pydantic(case, text, chunks)


@each_case
@SOME
@given(data=st.data())
def test_documents_with_a_repeated_key(case: Case, data: st.DataObject) -> None:
    """A repeated key is valid JSON and pydantic keeps the last value. docs/streaming.md
    documents two trade-offs for it: the snapshot may go backwards (the repeated value
    replaces the earlier one), and the parser fails fast on a value that could not
    validate even though a later repetition would have replaced it. Everything else
    still holds: static types, documented errors only, a document pydantic rejects is
    rejected, and an accepted one gives pydantic's result and a last snapshot equal to
    the full model."""
    obj = data.draw(objects(case.name), label="object")
    text = data.draw(repeated_keys(obj), label="text")
    chunks = data.draw(chunkings(text), label="chunks")
    check_agrees_with_pydantic(case, text, chunks, monotonic=False, may_fail_fast=True)


# -- falsifying examples found by the properties above, kept as fixed cases ---------------

_PRODUCT = (
    '"id": "e3e70682-c209-4cac-629f-6fbed82c07cd", "name": "0", "price": 0, '
    '"color": "red", "status": "draft"'
)
_PHYSICAL = '{"kind": "physical", "weight_kg": 0.0, "dimensions": {"width": 0.0, "height": 0.0}}'
FOUND = {
    # A discriminated union is decided by its tag, not by a key of the other member.
    "other member's key before the tag": '{"title": "", "products": [{'
    + _PRODUCT
    + ', "SKU": "", "details": {"weight_kg": 0.0, "kind": "digital", '
    '"download_url": "", "size_mb": 0.0}}]}',
    # pydantic's lax IntEnum takes a boolean.
    "boolean for an IntEnum": '{"title": "", "products": [{'
    + _PRODUCT
    + ', "SKU": "", "priority": true, "details": '
    + _PHYSICAL
    + "}]}",
    # Both the alias and the field name (populate_by_name): pydantic takes the alias.
    "alias and field name both present": '{"title": "", "products": [{"SKU": "", '
    + _PRODUCT
    + ', "sku": "0", "details": '
    + _PHYSICAL
    + "}]}",
    # Smart-mode union: the member the keys suggest must not reject a document that
    # pydantic validates as the other member.
    "smart union, wrong kind for the guessed member": (
        '{"title": "", "products": [], "promotion": {"skus": "", "percent": 0.0}}'
    ),
    "smart union, invalid value for the guessed member": (
        '{"title": "", "products": [], "promotion": {"percent": "", "skus": []}}'
    ),
    "smart union, pydantic prefers the other member": (
        '{"title": "", "products": [], "promotion": {"skus": [], "percent": 0.0}}'
    ),
}


@pytest.mark.parametrize("text", FOUND.values(), ids=FOUND.keys())
@pytest.mark.parametrize("char_by_char", [False, True], ids=["whole", "char-by-char"])
def test_found_examples(text: str, char_by_char: bool) -> None:
    case = next(c for c in CASES if c.name == "catalog")
    chunks = fixed_chunks(text, 1) if char_by_char else [text]
    check_agrees_with_pydantic(case, text, chunks)


# -- the oracles themselves ---------------------------------------------------------------


def test_type_oracle_rejects_values_outside_the_static_type() -> None:
    user = PartialCategorizedUser.model_construct
    product = PartialProduct.model_construct
    wrong: list[tuple[BaseModel, str]] = [
        (user(age=True), ".age"),
        (user(age=1.0), ".age"),
        (user(category="adm"), ".category"),
        (user(name=Color.RED), ".name"),
        (PartialDimensions.model_construct(width=2), ".width"),
        (product(color="red"), ".color"),
        (product(priority=1), ".priority"),
        (product(released=datetime.datetime(2020, 1, 1)), ".released"),
        (product(details={"kind": "physical"}), ".details"),
        (product(details=PartialDimensions.model_construct()), ".details"),
        (product(labels=["a"]), ".labels"),
        (product(origin=(1, 2.0)), ".origin"),
        (product(origin=(1.0,)), ".origin"),
        (product(ratings={"a": 1}), ".ratings"),
        (product(reviews=[PartialReview.model_construct(stars=True)]), ".reviews[0]"),
        (product(code=1.5), ".code"),
    ]
    for snapshot, path in wrong:
        reason = TypeChecker().model(snapshot)
        assert reason is not None and reason.startswith(path), (snapshot, reason)
    right = product(
        priority=Priority.HIGH,
        color=Color.RED,
        code="x",
        extra=[{"any": object()}],
        origin=(1.0, 2.0),
        labels={"a"},
        details=PartialPhysical.model_construct(kind="physical"),
    )
    assert TypeChecker().model(right) is None


def test_extends_oracle_rejects_going_backwards() -> None:
    user = PartialCategorizedUser.model_construct
    product = PartialProduct.model_construct
    meeting = PartialMeetingInfo.model_construct
    backwards: list[tuple[BaseModel, BaseModel]] = [
        (user(name="ab"), user(name="a")),
        (user(name="ab"), user(name="xab")),
        (user(age=3), user(age=4)),
        (user(category="user"), user(category=None)),
        (
            meeting(users=[PartialMeetingUser.model_construct(name="a")]),
            meeting(users=[]),
        ),
        (
            meeting(users=[PartialMeetingUser.model_construct(name="ab")]),
            meeting(users=[PartialMeetingUser.model_construct(name="b")]),
        ),
        (product(labels={"a"}), product(labels={"b"})),
        (product(ratings={"a": 1.0, "b": 2.0}), product(ratings={"b": 2.0, "a": 1.0})),
        (product(discount=1.0), product(discount=1)),
        (product(priority=Priority.LOW), product(priority=Priority.HIGH)),
        (
            product(details=PartialPhysical.model_construct()),
            product(details=PartialDigital.model_construct()),
        ),
    ]
    for old, new in backwards:
        assert extends(type(old), old, new) is not None, (old, new)
    forwards: list[tuple[BaseModel, BaseModel]] = [
        (user(name="ab"), user(name="abc")),
        (user(), user(name="x", age=3)),  # keys not arrived: anything
        (product(), product(discount=2.5, priority=Priority.HIGH)),
        (product(tags=["a"]), product(tags=["ab", "c"])),
        (product(ratings={"a": 1.0}), product(ratings={"a": 1.0, "b": 2.0})),
        (product(labels={"a"}), product(labels={"a", "b"})),
    ]
    for old, new in forwards:
        assert extends(type(old), old, new) is None, (old, new)
