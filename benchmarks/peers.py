"""The implementations compared, each driven the way its users drive it.

Every implementation has a tight `run` (used for total times: nothing but the work) and
an instrumented `trace` (each feed/parse call timed with `time.perf_counter_ns`, the
snapshots counted, the last snapshot kept). Accumulating peers keep the received text
in a local `buf += chunk`, as the SDKs do, so CPython's in-place concatenation applies.

- `partialgen`: the generated `XParser`; `feed` every chunk, then `close()`.
- `instructor`: `Partial[Model].from_streaming_response(chunks, stream_extractor=...)`,
  the public entry point instructor's provider handlers call once their
  `extract_streaming_json` has turned provider events into text deltas; here the
  extractor yields our text chunks. It runs `model_from_chunks`: per chunk, the whole
  accumulated text is re-parsed with jiter (three times, with its completeness
  tracker) and the partial object rebuilt; the closing pass validates the full model.
- `pydantic-partial`: `TypeAdapter(mirror).validate_json(buf,
  experimental_allow_partial="trailing-strings")` per chunk on the accumulated text,
  into the hand-written all-optional mirror (benchmarks/mirrors.py). A chunk whose
  partial validation raises keeps the previous snapshot (counted as "rejected").
  `close` is `Model.model_validate_json(buf)`.
- `jiter`: `jiter.from_json(buf.encode(), partial_mode="trailing-strings")` per chunk
  (the OpenAI/Anthropic SDK approach; untyped dicts); `close` is
  `Model.model_validate_json(buf)`, as the SDKs do for a final parsed object.
- `oneshot`: `Model.model_validate_json(text)` of the whole text, once (the limit).
- `floor`: `buf += chunk` in a local and nothing else.
- `partialgen-nogc` (not run by default): partialgen with the garbage collector off.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from time import perf_counter_ns, thread_time_ns
from typing import Any, Literal, cast

from jiter import from_json
from partialgen.runtime import StreamParser
from pydantic import BaseModel, TypeAdapter, ValidationError

from examples.catalog import Catalog
from examples.meeting import MeetingInfo
from generated.catalog import CatalogParser
from generated.meeting import MeetingInfoParser

from .mirrors import InstructorCatalog, MirrorCatalog, MirrorMeetingInfo

PARTIAL: Literal["trailing-strings"] = "trailing-strings"


@dataclass
class Subject:
    """One model under test and everything each implementation needs for it."""

    key: str
    model: type[BaseModel]
    parser: type[StreamParser[Any, Any]]
    mirror: type[BaseModel]
    instructor_model: type[BaseModel]
    instructor_note: str = ""
    mirror_adapter: TypeAdapter[Any] = field(init=False)
    instructor_partial: Any = None

    def __post_init__(self) -> None:
        self.mirror_adapter = TypeAdapter(self.mirror)


def subjects() -> dict[str, Subject]:
    return {
        "meeting": Subject(
            "meeting", MeetingInfo, MeetingInfoParser, MirrorMeetingInfo, MeetingInfo
        ),
        "catalog": Subject(
            "catalog",
            Catalog,
            CatalogParser,
            MirrorCatalog,
            InstructorCatalog,
            instructor_note=(
                "instructor 1.17.0 cannot build Partial[Catalog] (PydanticUserError "
                "discriminator-needs-literal): driven with InstructorCatalog, the same "
                "models with `details` as a plain union"
            ),
        ),
    }


@dataclass
class Trace:
    """One instrumented pass: per-call times and what came out."""

    times_ns: list[int]
    close_ns: int
    wall_ns: int
    snapshots: int
    final: Any
    last_snapshot: Any
    rejected: int = 0
    # CPU time of every call after the first (re-parsing peers only; the sampling
    # windows' first call receives the prefix).
    cpu_after_first_ns: int = 0
    # perf_counter_ns when each call started (partialgen only), to tell which calls
    # held a pause of the garbage collector.
    starts_ns: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Impl:
    key: str
    label: str
    run: Callable[[Subject, list[str], str], Any]
    trace: Callable[[Subject, list[str], str], Trace]
    # The state is the accumulated text only: feeding a prefix as one chunk reaches the
    # same state as feeding it in pieces, which the sampled extrapolation relies on.
    reparse: bool = False
    streaming: bool = True
    prepare: Callable[[Subject], None] = lambda subject: None


# partialgen ---------------------------------------------------------------------------


def run_partialgen(subject: Subject, chunks: list[str], text: str) -> Any:
    parser = subject.parser()
    feed = parser.feed
    for chunk in chunks:
        feed(chunk)
    return parser.close()


def trace_partialgen(subject: Subject, chunks: list[str], text: str) -> Trace:
    ns = perf_counter_ns
    started = ns()
    parser = subject.parser()
    feed = parser.feed
    times = [0] * len(chunks)
    starts = [0] * len(chunks)
    prev = parser.snapshot
    snapshots = 0
    for i, chunk in enumerate(chunks):
        t0 = ns()
        snap = feed(chunk)
        times[i] = ns() - t0
        starts[i] = t0
        if snap is not prev:
            snapshots += 1
            prev = snap
    t0 = ns()
    final = parser.close()
    ended = ns()
    return Trace(
        times, ended - t0, ended - started, snapshots, final, prev, starts_ns=starts
    )


def run_partialgen_nogc(subject: Subject, chunks: list[str], text: str) -> Any:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return run_partialgen(subject, chunks, text)
    finally:
        if enabled:
            gc.enable()


def trace_partialgen_nogc(subject: Subject, chunks: list[str], text: str) -> Trace:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return trace_partialgen(subject, chunks, text)
    finally:
        if enabled:
            gc.enable()


# instructor ---------------------------------------------------------------------------


def _text_deltas(completion: Iterable[str]) -> Iterator[str]:
    """The `stream_extractor`: our "provider stream" already is text deltas."""
    yield from completion


def prepare_instructor(subject: Subject) -> None:
    if subject.instructor_partial is None:
        from instructor.dsl.partial import Partial

        partial: Any = cast(Any, Partial)[subject.instructor_model]
        partial.get_partial_model()  # built once, outside the timings
        subject.instructor_partial = partial


def run_instructor(subject: Subject, chunks: list[str], text: str) -> Any:
    last = None
    for obj in subject.instructor_partial.from_streaming_response(
        chunks, stream_extractor=_text_deltas
    ):
        last = obj
    return last


def trace_instructor(subject: Subject, chunks: list[str], text: str) -> Trace:
    ns = perf_counter_ns
    started = ns()
    stream = subject.instructor_partial.from_streaming_response(
        chunks, stream_extractor=_text_deltas
    )
    times = [0] * len(chunks)
    prev: Any = None
    snapshots = 0
    cpu_first = 0
    for i in range(len(chunks)):
        t0 = ns()
        snap = next(stream)
        times[i] = ns() - t0
        if i == 0:
            cpu_first = thread_time_ns()
        if snap is not prev:
            snapshots += 1
            prev = snap
    cpu_rest = thread_time_ns() - cpu_first
    t0 = ns()
    for _ in stream:  # the closing pass (full validation), which yields nothing
        raise AssertionError("instructor yielded more objects than chunks")
    ended = ns()
    trace = Trace(times, ended - t0, ended - started, snapshots, prev, prev)
    trace.cpu_after_first_ns = cpu_rest
    return trace


def _close(subject: Subject, buf: str) -> Any:
    """The full model; None for a sampling window that stops before the end."""
    try:
        return subject.model.model_validate_json(buf)
    except ValidationError:
        return None


# pydantic partial ---------------------------------------------------------------------


def run_pydantic(subject: Subject, chunks: list[str], text: str) -> Any:
    validate = subject.mirror_adapter.validate_json
    buf = ""
    for chunk in chunks:
        buf += chunk
        try:
            validate(buf, experimental_allow_partial=PARTIAL)
        except ValidationError:  # a rejected chunk: the previous snapshot stays
            continue
    return subject.model.model_validate_json(buf)


def _trace_reparse(
    subject: Subject, chunks: list[str], parse: Callable[[str], Any]
) -> Trace:
    """Time `parse(accumulated text)` per chunk; a ValidationError keeps the previous
    snapshot and counts as rejected. `buf` stays a local, so `+=` appends in place."""
    ns = perf_counter_ns
    started = ns()
    times = [0] * len(chunks)
    prev: Any = None
    snapshots = rejected = 0
    buf = ""
    cpu_first = 0
    for i, chunk in enumerate(chunks):
        t0 = ns()
        buf += chunk
        try:
            snap = parse(buf)
        except ValidationError:
            snap = prev
            rejected += 1
        times[i] = ns() - t0
        if i == 0:
            cpu_first = thread_time_ns()
        if snap is not prev:
            snapshots += 1
            prev = snap
    cpu_rest = thread_time_ns() - cpu_first
    t0 = ns()
    final = _close(subject, buf)
    ended = ns()
    return Trace(
        times, ended - t0, ended - started, snapshots, final, prev, rejected, cpu_rest
    )


def trace_pydantic(subject: Subject, chunks: list[str], text: str) -> Trace:
    parse = partial(
        subject.mirror_adapter.validate_json, experimental_allow_partial=PARTIAL
    )
    return _trace_reparse(subject, chunks, parse)


# jiter --------------------------------------------------------------------------------


def run_jiter(subject: Subject, chunks: list[str], text: str) -> Any:
    buf = ""
    for chunk in chunks:
        buf += chunk
        from_json(buf.encode(), partial_mode=PARTIAL)
    return subject.model.model_validate_json(buf)


def trace_jiter(subject: Subject, chunks: list[str], text: str) -> Trace:
    return _trace_reparse(
        subject, chunks, lambda buf: from_json(buf.encode(), partial_mode=PARTIAL)
    )


# one-shot and floor -------------------------------------------------------------------


def run_oneshot(subject: Subject, chunks: list[str], text: str) -> Any:
    return subject.model.model_validate_json(text)


def trace_oneshot(subject: Subject, chunks: list[str], text: str) -> Trace:
    t0 = perf_counter_ns()
    final = subject.model.model_validate_json(text)
    took = perf_counter_ns() - t0
    return Trace([], took, took, 0, final, final)


def run_floor(subject: Subject, chunks: list[str], text: str) -> Any:
    buf = ""
    for chunk in chunks:
        buf += chunk
    return buf


def trace_floor(subject: Subject, chunks: list[str], text: str) -> Trace:
    ns = perf_counter_ns
    started = ns()
    times = [0] * len(chunks)
    buf = ""
    for i, chunk in enumerate(chunks):
        t0 = ns()
        buf += chunk
        times[i] = ns() - t0
    ended = ns()
    return Trace(times, 0, ended - started, 0, buf, buf)


IMPLS: dict[str, Impl] = {
    impl.key: impl
    for impl in (
        Impl("partialgen", "partialgen", run_partialgen, trace_partialgen),
        Impl(
            "partialgen-nogc",
            "partialgen, GC off",
            run_partialgen_nogc,
            trace_partialgen_nogc,
        ),
        Impl(
            "instructor",
            "instructor Partial",
            run_instructor,
            trace_instructor,
            reparse=True,
            prepare=prepare_instructor,
        ),
        Impl(
            "pydantic-partial",
            "pydantic allow_partial",
            run_pydantic,
            trace_pydantic,
            reparse=True,
        ),
        Impl("jiter", "jiter re-parse", run_jiter, trace_jiter, reparse=True),
        Impl(
            "oneshot", "one-shot validate", run_oneshot, trace_oneshot, streaming=False
        ),
        Impl("floor", "concat floor", run_floor, trace_floor),
    )
}


# What `python -m benchmarks.run` measures unless --impls says otherwise.
# `partialgen-nogc` (the cyclic garbage collector disabled during the run) is a
# diagnostic: how much of partialgen's time, and of its growth, is collector pauses.
DEFAULT_IMPLS = [key for key in IMPLS if key != "partialgen-nogc"]


def instructor_available() -> bool:
    try:
        import instructor  # noqa: F401
    except ImportError:
        return False
    return True


def check_final(impl: Impl, subject: Subject, final: Any, text: str) -> bool:
    """The final result equals `Model.model_validate_json(text)` (the text, for the floor)."""
    if impl.key == "floor":
        return bool(final == text)
    expected = subject.model.model_validate_json(text).model_dump()
    return isinstance(final, BaseModel) and final.model_dump() == expected


def check_snapshot(impl: Impl, subject: Subject, snapshot: Any, text: str) -> bool:
    """The last snapshot holds the whole document (contract rule 10 for partialgen)."""
    if impl.key == "floor":
        return bool(snapshot == text)
    if impl.key == "jiter":
        return bool(snapshot == json.loads(text))
    expected = subject.model.model_validate_json(text).model_dump()
    return isinstance(snapshot, BaseModel) and snapshot.model_dump() == expected


def chunk_windows(
    chunks: Sequence[str], starts: Sequence[int], width: int
) -> Iterator[tuple[int, list[str]]]:
    """For each start k: the prefix as one chunk (if any), then `width` real chunks."""
    for k in starts:
        prefix = "".join(chunks[:k])
        yield k, ([prefix] if prefix else []) + list(chunks[k : k + width])
