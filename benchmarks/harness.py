"""Measurement: totals (best of several tight runs), per-call distributions, memory, and
the sampled extrapolation used for peers too slow to run to the end.

Everything runs in this one process, in order: for each model and size, each
implementation. `gc.collect()` precedes every measured run; the collector stays on
during the runs (its pauses are part of what a user sees). Totals are the thread's CPU
time, best of several runs (wall time is recorded too): on a shared machine, wall time
also counts the time slices of other processes, which inflates long runs more than
short ones and would distort every ratio.

Sampled extrapolation (only for the re-parsing peers, whose state is the accumulated
text alone): `S` windows of `m` consecutive real chunks start at evenly spaced offsets
`k` from 0 to `N - m` (the last window ends with the root's closing chunk). Each window
gets its state by receiving `text[:4k]` as one chunk (untimed), then its `m` chunk
calls are timed one by one (`perf_counter_ns`) and together (the thread's CPU time).
A window's per-chunk cost is its CPU time per call, averaged over its repeats; that
cost is interpolated linearly between window midpoints and summed over all `N` chunks
(the chunk completing the root is added once, as measured); the close time comes from
the last window. Per-chunk statistics of such a cell are those of the `S x m` sampled
calls. The same estimate is also computed for every peer that did run to the end, to
show its accuracy, and it is what decides whether a peer runs to the end at all.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import os
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .documents import CHUNK_CHARS, Document, make_document
from .peers import IMPLS, Impl, Subject, Trace, check_final, check_snapshot, subjects


@dataclass
class Config:
    sizes: list[int]
    models: list[str]
    impls: list[str]
    budget_s: float = 30.0  # a peer projected over this is extrapolated, not run
    max_runs: int = 10
    memory: bool = True
    imports: bool = True
    import_repeats: int = 9
    sample_windows: int = 16  # at most, per extrapolation
    window_repeats: int = 3  # at most, per window
    log: Callable[[str], None] | None = None


@dataclass
class Cell:
    """One (model, size, implementation) measurement."""

    model: str
    target: int
    size: int
    chunks: int
    impl: str
    label: str
    method: str = "measured"  # measured | extrapolated | unsupported
    runs: int = 0
    # Totals are CPU time of this thread (time.thread_time_ns), best of `runs`: on a
    # shared machine, wall time also counts other processes' time slices. Wall times
    # are kept too. Extrapolated cells: the sampled estimate (see the module docstring).
    wall_times_s: list[float] = field(default_factory=list)
    cpu_times_s: list[float] = field(default_factory=list)
    total_s: float | None = None
    wall_s: float | None = None
    median_us: float | None = None
    p99_us: float | None = None
    max_us: float | None = None
    max_excl_root_us: float | None = None
    max_excl_root_raw_us: float | None = None  # the same, from a single run
    root_us: float | None = None
    close_us: float | None = None
    # The garbage collector during one diagnostic run (partialgen only): its passes
    # and the longest per generation (0, 1, 2), the objects it tracked after the run,
    # and the slowest call (excluding the root's) during which it did not run.
    gc_passes: list[int] | None = None
    gc_longest_us: list[float] | None = None
    gc_tracked_after: int | None = None
    max_excl_root_gc_us: float | None = None
    per_call_basis: str = ""
    call_runs: int = (
        0  # instrumented runs (or window repeats) per-call figures min over
    )
    snapshots: int | None = None
    snapshots_estimated: bool = False
    rejected: int | None = None
    peak_bytes: int | None = None
    memory_method: str = ""
    final_ok: bool | None = None
    snapshot_ok: bool | None = None
    estimate_s: float | None = None
    samples: int = 0
    window: int = 0
    note: str = ""
    error: str | None = None
    vs_partialgen: float | None = None
    vs_floor: float | None = None


def _ns(values: Sequence[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))])


def root_index(text: str) -> int:
    """Index of the chunk that completes the root object (holds its closing brace)."""
    return text.rindex("}") // CHUNK_CHARS


def _fill_calls(cell: Cell, times: Sequence[int], root: int) -> None:
    """Per-call statistics; `times[i]` is the call on chunk `i`."""
    cell.median_us = _ns(times, 0.5) / 1e3
    cell.p99_us = _ns(times, 0.99) / 1e3
    cell.max_us = max(times) / 1e3
    rest = [t for i, t in enumerate(times) if i != root]
    cell.max_excl_root_us = max(rest) / 1e3 if rest else None
    if 0 <= root < len(times):
        cell.root_us = times[root] / 1e3


def _collect() -> None:
    gc.collect()


def timed_run(
    impl: Impl, subject: Subject, chunks: list[str], text: str
) -> tuple[float, float]:
    """(wall, CPU) seconds of one tight run."""
    _collect()
    c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
    impl.run(subject, chunks, text)
    t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
    return (t1 - t0) / 1e9, (c1 - c0) / 1e9


def traced_run(
    impl: Impl, subject: Subject, chunks: list[str], text: str
) -> tuple[Trace, float]:
    """One instrumented run and its CPU seconds."""
    _collect()
    c0 = time.thread_time_ns()
    trace = impl.trace(subject, chunks, text)
    return trace, (time.thread_time_ns() - c0) / 1e9


def gc_passes(
    impl: Impl, subject: Subject, chunks: list[str], text: str
) -> tuple[Trace, list[tuple[int, int, int]], int]:
    """One traced run that records every collector pass as (generation, start, ns).

    A separate run, because the callback runs at every collection and would add to the
    measured calls. Which calls it finds is only true of this run (see
    `_worst_without_gc`). Also returns how many objects the collector tracks once the
    run is over (while its result is alive).
    """
    # Preallocated: the callback must not leave new tracked objects behind, which would
    # move this run's collections away from where the measured runs had theirs.
    limit = len(chunks) + 1000
    gens, starts, took = [0] * limit, [0] * limit, [0] * limit
    count = [0, 0]  # passes recorded; the current pass's start

    def record(phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter_ns()
        if phase == "start":
            count[1] = now
        elif count[0] < limit:
            k = count[0]
            gens[k], starts[k], took[k] = info["generation"], count[1], now - count[1]
            count[0] = k + 1

    _collect()
    gc.callbacks.append(record)
    try:
        trace = impl.trace(subject, chunks, text)
    finally:
        gc.callbacks.remove(record)
    passes = list(zip(gens[: count[0]], starts, took, strict=False))
    tracked = len(gc.get_objects())
    return trace, passes, tracked


def _attribute_gc(
    cell: Cell, trace: Trace, passes: list[tuple[int, int, int]], tracked: int
) -> set[int]:
    """The calls of `trace` during which the collector ran, and its passes' summary."""
    cell.gc_passes = [sum(1 for g, _, _ in passes if g == gen) for gen in range(3)]
    cell.gc_longest_us = [
        max((d for g, _, d in passes if g == gen), default=0) / 1e3 for gen in range(3)
    ]
    cell.gc_tracked_after = tracked
    starts = trace.starts_ns
    held = set()
    for _, start, _ in passes:
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and start < starts[i] + trace.times_ns[i]:
            held.add(i)
    return held


def _worst_without_gc(
    measured: Sequence[int], diagnostic: Sequence[int], held: set[int], root: int
) -> float | None:
    """The slowest call (µs) that has a sample free of collector passes.

    The diagnostic run knows which of its calls held a pass; the measured runs do not,
    and their schedule may differ. So each call's time is its minimum over the measured
    runs and the diagnostic one, and only calls that held a pass in the diagnostic run
    are left out: every remaining call then has at least one sample with no pass in it.
    """
    best = _elementwise_min([measured, diagnostic])
    rest = [t for i, t in enumerate(best) if i != root and i not in held]
    return max(rest) / 1e3 if rest else None


def peak_memory(run: Callable[[], object]) -> int:
    """Peak bytes allocated (tracemalloc) while `run` executes, its result included."""
    _collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak


def choose_runs(projected_s: float, config: Config) -> int:
    if projected_s < 0.01:
        runs = 10
    elif projected_s < 0.2:
        runs = 5
    elif projected_s <= config.budget_s / 6:
        runs = 3
    elif projected_s <= config.budget_s / 3:
        runs = 2
    else:
        runs = 1
    return max(1, min(runs, config.max_runs))


@dataclass
class Sampled:
    estimate_s: float
    samples: int
    window: int
    repeats: int
    calls: list[int]  # per-call times of every window (elementwise min of repeats)
    calls_excl_root: list[int]
    root_ns: int | None
    close_ns: int
    last: Trace
    last_chunks: list[str]
    new_fraction: float
    rejected_fraction: float


def probe_end_cost(impl: Impl, subject: Subject, chunks: list[str], text: str) -> float:
    """Seconds one chunk call costs near the end of the text (state from a prefix)."""
    n = len(chunks)
    if n < 3:
        return 0.0
    trace = impl.trace(subject, ["".join(chunks[: n - 2]), chunks[n - 2]], text)
    return trace.times_ns[1] / 1e9


_OVERHEAD_NS: list[float] = []


def instrumentation_overhead_ns() -> float:
    """CPU cost per call of the per-call timing itself (two `perf_counter_ns` reads
    and the bookkeeping), subtracted from the windows' CPU time per call."""
    if not _OVERHEAD_NS:
        ns, cpu, noop = time.perf_counter_ns, time.thread_time_ns, object
        n = 20_000
        best = float("inf")
        for _ in range(5):
            times = [0] * n
            c0 = cpu()
            for i in range(n):
                t0 = ns()
                noop()
                times[i] = ns() - t0
                if i == 0:
                    pass
            best = min(best, (cpu() - c0) / n)
        _OVERHEAD_NS.append(best)
    return _OVERHEAD_NS[0]


def _elementwise_min(runs: Sequence[Sequence[int]]) -> list[int]:
    return [min(values) for values in zip(*runs, strict=True)]


def sample(
    impl: Impl,
    subject: Subject,
    chunks: list[str],
    text: str,
    sample_budget_s: float,
    max_windows: int = 16,
    max_repeats: int = 3,
) -> Sampled:
    """The sampled estimate of a re-parsing peer's total (see the module docstring)."""
    n = len(chunks)
    root = root_index(text)
    end_cost = max(probe_end_cost(impl, subject, chunks, text), 1e-7)
    calls = int(sample_budget_s / (end_cost / 2))
    repeats = 3 if calls >= 3 * 16 * 32 else 2 if calls >= 2 * 16 * 8 else 1
    repeats = max(1, min(repeats, max_repeats))
    calls //= repeats
    count = max(min(4, max_windows), min(max_windows, calls // 10))
    width = max(4, min(64, calls // count - 1))
    width = max(1, min(width, n // count))
    count = min(count, max(1, n // width))
    starts = sorted(
        {round(j * (n - width) / (count - 1)) for j in range(count)}
        if count > 1
        else {n - width}
    )
    pooled: list[int] = []
    pooled_rest: list[int] = []
    means: list[tuple[float, float]] = []
    root_ns: int | None = None
    last: Trace | None = None
    last_chunks: list[str] = []
    last_close = 0
    new = rejected = 0
    _collect()  # once: a collection per window would cost more than the windows
    for k in starts:
        feed = (["".join(chunks[:k])] if k else []) + chunks[k : k + width]
        runs: list[list[int]] = []
        closes: list[int] = []
        cpu: list[float] = []  # CPU per call, calls after the first, each repeat
        for _ in range(repeats):
            trace = impl.trace(subject, feed, text)
            runs.append(trace.times_ns[1:] if k else trace.times_ns)
            closes.append(trace.close_ns)
            spanned = trace.times_ns[1:]
            if spanned:
                root_in_span = 1 <= root - k + (1 if k else 0) < len(trace.times_ns)
                spent = trace.cpu_after_first_ns
                count_in_span = len(spanned)
                if root_in_span:  # the root chunk is accounted for separately
                    spent -= trace.times_ns[root - k + (1 if k else 0)]
                    count_in_span -= 1
                if count_in_span > 0:
                    per_call = spent / count_in_span - instrumentation_overhead_ns()
                    cpu.append(max(0.0, per_call))
        times = _elementwise_min(runs)
        kept = []
        for j, t in enumerate(times):
            if k + j == root:
                root_ns = t
            else:
                kept.append(t)
        pooled.extend(times)
        pooled_rest.extend(kept)
        new += max(0, trace.snapshots - (1 if k else 0))
        rejected += trace.rejected
        if cpu:  # CPU time keeps GC pauses and drops other processes' time slices
            means.append((k + len(times) / 2, sum(cpu) / len(cpu)))
        elif kept:
            means.append((k + len(times) / 2, sum(kept) / len(kept)))
        last, last_chunks, last_close = trace, feed, min(closes)
    assert last is not None
    # Piecewise-linear per-chunk cost through the window midpoints, flat at both ends.
    total = means[0][1] * means[0][0]
    for (x0, c0), (x1, c1) in itertools.pairwise(means):
        total += (c0 + c1) / 2 * (x1 - x0)
    total += means[-1][1] * (n - means[-1][0])
    if root_ns is not None:
        total += root_ns - means[-1][1]  # the root chunk, once, at its measured cost
    total += last_close
    return Sampled(
        estimate_s=total / 1e9,
        samples=len(starts),
        window=width,
        repeats=repeats,
        calls=pooled,
        calls_excl_root=pooled_rest,
        root_ns=root_ns,
        close_ns=last_close,
        last=last,
        last_chunks=last_chunks,
        new_fraction=min(1.0, new / len(pooled)),
        rejected_fraction=min(1.0, rejected / len(pooled)),
    )


def _apply_trace(
    cell: Cell, impl: Impl, subject: Subject, trace: Trace, text: str
) -> None:
    cell.close_us = trace.close_ns / 1e3 if impl.streaming else None
    cell.snapshots = trace.snapshots if impl.streaming else None
    cell.rejected = trace.rejected if impl.key == "pydantic-partial" else None
    cell.final_ok = check_final(impl, subject, trace.final, text)
    cell.snapshot_ok = check_snapshot(impl, subject, trace.last_snapshot, text)


def measure(impl: Impl, subject: Subject, doc: Document, config: Config) -> Cell:
    chunks, text = doc.chunks, doc.text
    cell = Cell(doc.model, doc.target, doc.size, len(chunks), impl.key, impl.label)
    if impl.key == "instructor" and subject.instructor_note:
        cell.note = subject.instructor_note
    try:
        impl.prepare(subject)
    except Exception as e:  # an implementation that cannot handle the model
        cell.method = "unsupported"
        cell.error = f"{type(e).__name__}: {e}"
        return cell
    root = root_index(text)
    sampled: Sampled | None = None
    if impl.reparse:
        sampled = sample(
            impl,
            subject,
            chunks,
            text,
            config.budget_s / 2,
            config.sample_windows,
            config.window_repeats,
        )
        cell.estimate_s = sampled.estimate_s
        cell.samples, cell.window = sampled.samples, sampled.window
        cell.call_runs = sampled.repeats
        projected = sampled.estimate_s
    else:
        wall, cpu = timed_run(impl, subject, chunks, text)
        cell.wall_times_s.append(wall)
        cell.cpu_times_s.append(cpu)
        projected = cpu

    if sampled is not None and projected > config.budget_s:
        _extrapolated(cell, impl, subject, sampled, config, text)
        return cell

    runs = choose_runs(projected, config)
    # Per-call times: the elementwise minimum over up to 3 instrumented runs, which
    # drops OS preemption (this machine may be shared) but keeps what recurs in every
    # run, garbage-collector pauses mostly included (gc.collect() before each run starts
    # the collector's counts afresh, so its passes tend to fall on the same calls).
    traced = [traced_run(impl, subject, chunks, text) for _ in range(min(3, runs))]
    traces = [trace for trace, _ in traced]
    if runs == 1 and not cell.cpu_times_s:  # too slow to repeat: the traced run counts
        cell.wall_times_s.append(traces[0].wall_ns / 1e9)
        cell.cpu_times_s.append(traced[0][1])
    while len(cell.cpu_times_s) < runs:
        wall, cpu = timed_run(impl, subject, chunks, text)
        cell.wall_times_s.append(wall)
        cell.cpu_times_s.append(cpu)
    cell.runs = len(cell.cpu_times_s)
    cell.total_s = min(cell.cpu_times_s)
    cell.wall_s = min(cell.wall_times_s)
    _apply_trace(cell, impl, subject, traces[0], text)
    if impl.streaming and chunks:
        cell.call_runs = len(traces)
        times = _elementwise_min([t.times_ns for t in traces])
        _fill_calls(cell, times, root)
        raw = [t for i, t in enumerate(traces[0].times_ns) if i != root]
        cell.max_excl_root_raw_us = max(raw) / 1e3 if raw else None
        if traces[0].starts_ns:
            diagnostic, passes, tracked = gc_passes(impl, subject, chunks, text)
            held = _attribute_gc(cell, diagnostic, passes, tracked)
            cell.max_excl_root_gc_us = _worst_without_gc(
                times, diagnostic.times_ns, held, root
            )
        cell.close_us = min(t.close_ns for t in traces) / 1e3
        cell.per_call_basis = f"all {len(times)} calls"
    if config.memory:
        if not impl.reparse or projected * 3 <= config.budget_s:
            cell.peak_bytes = peak_memory(lambda: impl.run(subject, chunks, text))
            cell.memory_method = "full run"
        elif sampled is not None:
            last_chunks = sampled.last_chunks
            cell.peak_bytes = peak_memory(lambda: impl.run(subject, last_chunks, text))
            cell.memory_method = "end window"
    return cell


def _extrapolated(
    cell: Cell,
    impl: Impl,
    subject: Subject,
    sampled: Sampled,
    config: Config,
    text: str,
) -> None:
    cell.method = "extrapolated"
    cell.total_s = sampled.estimate_s
    cell.per_call_basis = f"{len(sampled.calls)} sampled calls"
    times = sampled.calls
    cell.median_us = _ns(times, 0.5) / 1e3
    cell.p99_us = _ns(times, 0.99) / 1e3
    cell.max_us = max(times) / 1e3
    rest = sampled.calls_excl_root
    cell.max_excl_root_us = max(rest) / 1e3 if rest else None
    cell.root_us = None if sampled.root_ns is None else sampled.root_ns / 1e3
    _apply_trace(cell, impl, subject, sampled.last, text)
    cell.close_us = sampled.close_ns / 1e3
    cell.snapshots = round(cell.chunks * sampled.new_fraction)
    cell.snapshots_estimated = True
    if impl.key == "pydantic-partial":
        cell.rejected = round(cell.chunks * sampled.rejected_fraction)
    if config.memory:
        last_chunks = sampled.last_chunks
        cell.peak_bytes = peak_memory(lambda: impl.run(subject, last_chunks, text))
        cell.memory_method = "end window"


@dataclass
class ImportTiming:
    module: str
    best_ms: float
    runs_ms: list[float]


@dataclass
class Results:
    meta: dict[str, Any]
    documents: list[dict[str, Any]]
    cells: list[Cell]
    imports: list[ImportTiming]


def log(config: Config, message: str) -> None:
    if config.log is not None:
        config.log(message)


def run_benchmark(config: Config) -> Results:
    from .imports import measure_imports
    from .meta import environment

    meta = environment(config)
    table = subjects()
    cells: list[Cell] = []
    documents: list[dict[str, Any]] = []
    for model in config.models:
        subject = table[model]
        for target in config.sizes:
            doc = make_document(model, target)
            documents.append(
                {
                    "model": model,
                    "target": target,
                    "bytes": doc.size,
                    "chars": len(doc.text),
                    "items": doc.items,
                    "chunks": len(doc.chunks),
                }
            )
            for key in config.impls:
                impl = IMPLS[key]
                started = time.perf_counter()
                cell = measure(impl, subject, doc, config)
                cells.append(cell)
                log(
                    config,
                    f"{model:8} {doc.size:>9,} B {key:17} {cell.method:12} "
                    f"total {_fmt_s(cell.total_s)} "
                    f"({time.perf_counter() - started:.1f}s wall)",
                )
    _ratios(cells)
    imports: list[ImportTiming] = []
    if config.imports:
        log(config, "import times (fresh subprocesses)...")
        imports = measure_imports(config.models, config.import_repeats)
    meta["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if _OVERHEAD_NS:
        meta["instrumentation_overhead_ns"] = round(_OVERHEAD_NS[0], 1)
    return Results(meta, documents, cells, imports)


def _fmt_s(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}s"


def _ratios(cells: list[Cell]) -> None:
    by_key = {(c.model, c.target, c.impl): c for c in cells}
    for c in cells:
        if c.total_s is None:
            continue
        pg = by_key.get((c.model, c.target, "partialgen"))
        floor = by_key.get((c.model, c.target, "floor"))
        if pg is not None and pg.total_s:
            c.vs_partialgen = c.total_s / pg.total_s
        if floor is not None and floor.total_s:
            c.vs_floor = c.total_s / floor.total_s


def stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
