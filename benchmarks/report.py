"""The Markdown report, the targets and results.json / results.md."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents import format_size
from .harness import Cell, Results
from .imports import BASELINE, PAIRS

X = "\N{MULTIPLICATION SIGN}"

MODEL_TITLES = {
    "meeting": "MeetingInfo (examples.meeting, `users: list[User]`)",
    "catalog": "Catalog (examples.catalog: floats, literals, enums, nested, union)",
}

FLOOR_RATIO = 25.0
INSTRUCTOR_100K = 1000.0
INSTRUCTOR_10K = 50.0
GROWTH_10K_100K = 1.1
GROWTH_100K_1M = 1.25
MAX_FEED_US = 1000.0
IMPORT_RATIO = 1.5


@dataclass
class Growth:
    model: str
    impl: str
    from_target: int
    to_target: int
    exponent: float
    extrapolated: bool


@dataclass
class Target:
    name: str
    figure: str
    passed: bool | None  # None: not measured in this run


def _gc_note(cell: Cell) -> str:
    """What the worst calls held: the garbage collector's passes, and the rest's worst."""
    if cell.gc_passes is None or cell.gc_longest_us is None:
        return ""
    passes = ", ".join(
        f"gen {gen}: {n} (longest {fmt_us(longest)})"
        for gen, (n, longest) in enumerate(
            zip(cell.gc_passes, cell.gc_longest_us, strict=True)
        )
        if n
    )
    return (
        f". Collector passes in the run: {passes or 'none'}; "
        f"{cell.gc_tracked_after:,} objects tracked after it. Worst call with a "
        f"sample free of collector passes: {fmt_us(cell.max_excl_root_gc_us)}"
    )


def growths(cells: list[Cell]) -> list[Growth]:
    """log(t2/t1)/log(n2/n1) between consecutive sizes, per model and implementation."""
    out: list[Growth] = []
    series: dict[tuple[str, str], list[Cell]] = {}
    for c in cells:
        if c.total_s is not None:
            series.setdefault((c.model, c.impl), []).append(c)
    for (model, impl), items in series.items():
        items.sort(key=lambda c: c.size)
        for a, b in itertools.pairwise(items):
            assert a.total_s is not None and b.total_s is not None
            if b.size == a.size or a.total_s <= 0 or b.total_s <= 0:
                continue
            exponent = math.log(b.total_s / a.total_s) / math.log(b.size / a.size)
            extrapolated = "extrapolated" in (a.method, b.method)
            out.append(Growth(model, impl, a.target, b.target, exponent, extrapolated))
    return out


def _find(cells: list[Cell], model: str, target: int, impl: str) -> Cell | None:
    for c in cells:
        if (c.model, c.target, c.impl) == (model, target, impl):
            return c
    return None


def _growth(gs: list[Growth], model: str, impl: str, a: int, b: int) -> Growth | None:
    for g in gs:
        if (g.model, g.impl, g.from_target, g.to_target) == (model, impl, a, b):
            return g
    return None


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:,.3g} s" if seconds < 1000 else f"{seconds:,.0f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def fmt_us(us: float | None) -> str:
    return "—" if us is None else fmt_time(us / 1e6)


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}{X}"
    return f"{value:.3g}{X}"


def fmt_bytes(value: int | None) -> str:
    if value is None:
        return "—"
    if value >= 1e6:
        return f"{value / 1e6:.3g} MB"
    return f"{value / 1e3:.3g} KB"


def evaluate_targets(results: Results) -> list[Target]:
    cells = results.cells
    gs = growths(cells)
    targets: list[Target] = []

    pg = _find(cells, "meeting", 100_000, "partialgen")
    floor = _find(cells, "meeting", 100_000, "floor")
    if pg and floor and pg.total_s and floor.total_s:
        ratio = pg.total_s / floor.total_s
        targets.append(
            Target(
                f"100 KB MeetingInfo: partialgen ≤ {FLOOR_RATIO:g}{X} the concat floor",
                f"{fmt_time(pg.total_s)} vs floor {fmt_time(floor.total_s)} "
                f"= {fmt_ratio(ratio)}",
                ratio <= FLOOR_RATIO,
            )
        )
    else:
        targets.append(
            Target(f"100 KB MeetingInfo: ≤ {FLOOR_RATIO:g}{X} floor", "", None)
        )

    for target, goal in ((100_000, INSTRUCTOR_100K), (10_000, INSTRUCTOR_10K)):
        name = (
            f"{format_size(target).upper()}B MeetingInfo: partialgen ≥ "
            f"{goal:,.0f}{X} faster than instructor"
        )
        pg = _find(cells, "meeting", target, "partialgen")
        ins = _find(cells, "meeting", target, "instructor")
        if pg and ins and pg.total_s and ins.total_s:
            ratio = ins.total_s / pg.total_s
            how = (
                " (instructor extrapolated from sampled calls)"
                if ins.method == "extrapolated"
                else f" (both measured, best of {ins.runs}/{pg.runs})"
            )
            targets.append(
                Target(
                    name,
                    f"instructor {fmt_time(ins.total_s)} / partialgen "
                    f"{fmt_time(pg.total_s)} = {fmt_ratio(ratio)}{how}",
                    ratio >= goal,
                )
            )
        else:
            targets.append(Target(name, "", None))

    for a, b, goal in (
        (10_000, 100_000, GROWTH_10K_100K),
        (100_000, 1_000_000, GROWTH_100K_1M),
    ):
        for model in results.meta["models"]:
            g = _growth(gs, model, "partialgen", a, b)
            name = (
                f"{model}: partialgen growth exponent {format_size(a)}→"
                f"{format_size(b)} ≤ {goal}"
            )
            if g is None:
                targets.append(Target(name, "", None))
                continue
            ca, cb = _find(cells, model, a, "partialgen"), _find(
                cells, model, b, "partialgen"
            )
            assert ca and cb
            targets.append(
                Target(
                    name,
                    f"{g.exponent:.3f} ({fmt_time(ca.total_s)} → {fmt_time(cb.total_s)})",
                    g.exponent <= goal,
                )
            )

    for model in results.meta["models"]:
        worst: Cell | None = None
        for c in cells:
            if (
                c.model == model
                and c.impl == "partialgen"
                and c.max_excl_root_us is not None
                and (
                    worst is None or c.max_excl_root_us > (worst.max_excl_root_us or 0)
                )
            ):
                worst = c
        name = (
            f"{model}: no feed call over 1 ms (except the root's last chunk and close)"
        )
        if worst is None:
            targets.append(Target(name, "", None))
            continue
        assert worst.max_excl_root_us is not None
        targets.append(
            Target(
                name,
                f"worst {fmt_us(worst.max_excl_root_us)} at "
                f"{format_size(worst.target)}B (elementwise min of "
                f"{worst.call_runs} runs; one run's raw max "
                f"{fmt_us(worst.max_excl_root_raw_us)}; root chunk "
                f"{fmt_us(worst.root_us)}, close {fmt_us(worst.close_us)})"
                + _gc_note(worst),
                worst.max_excl_root_us <= MAX_FEED_US,
            )
        )

    imports = {t.module: t for t in results.imports}
    for model in results.meta["models"]:
        generated, models = PAIRS[model]
        name = f"import {generated} ≤ {IMPORT_RATIO}{X} import {models}"
        if generated in imports and models in imports:
            g_ms, m_ms = imports[generated].best_ms, imports[models].best_ms
            targets.append(
                Target(
                    name,
                    f"{g_ms:.1f} ms vs {m_ms:.1f} ms = {g_ms / m_ms:.2f}{X}",
                    g_ms / m_ms <= IMPORT_RATIO,
                )
            )
        else:
            targets.append(Target(name, "", None))
    return targets


def _how(c: Cell) -> str:
    if c.method == "extrapolated":
        return f"≈ extrapolated† ({c.samples}{X}{c.window} sampled calls)"
    if c.method == "unsupported":
        return "unsupported"
    runs = "1 run" if c.runs == 1 else f"best of {c.runs}"
    return f"{runs}; wall {fmt_time(c.wall_s)}"


def _check(c: Cell) -> str:
    if c.final_ok is None:
        return "—"
    if c.final_ok and c.snapshot_ok:
        return "✓"
    return (
        "✗" + ("" if c.final_ok else " final") + ("" if c.snapshot_ok else " last-snap")
    )


def cell_table(results: Results, model: str) -> list[str]:
    gs = {(g.impl, g.to_target): g for g in growths(results.cells) if g.model == model}
    lines = [
        f"| size | implementation | total (CPU) | {X} partialgen | {X} floor | median/chunk "
        "| p99/chunk | max/chunk excl. root | root chunk | close | snapshots "
        "| growth | peak mem | result | how |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|---|",
    ]
    docs = {d["target"]: d for d in results.documents if d["model"] == model}
    for c in results.cells:
        if c.model != model:
            continue
        size = f"{format_size(c.target)} ({docs[c.target]['bytes']:,} B)"
        if c.method == "unsupported":
            lines.append(f"| {size} | {c.label} | unsupported: {c.error} |" + " |" * 12)
            continue
        approx = "≈ " if c.method == "extrapolated" else ""
        mark = "†" if c.method == "extrapolated" else ""
        g = gs.get((c.impl, c.target))
        growth = (
            "—" if g is None else f"{g.exponent:.2f}{'†' if g.extrapolated else ''}"
        )
        snaps = (
            "—"
            if c.snapshots is None
            else f"{'≈' if c.snapshots_estimated else ''}{c.snapshots:,}"
        )
        if c.rejected:
            snaps += f" ({'≈' if c.snapshots_estimated else ''}{c.rejected:,} rejected)"
        label = c.label + ("‡" if c.note else "")
        lines.append(
            f"| {size} | {label} | {approx}{fmt_time(c.total_s)}{mark} "
            f"| {fmt_ratio(c.vs_partialgen)} | {fmt_ratio(c.vs_floor)} "
            f"| {fmt_us(c.median_us)} | {fmt_us(c.p99_us)} | {fmt_us(c.max_excl_root_us)} "
            f"| {fmt_us(c.root_us)} | {fmt_us(c.close_us)} | {snaps} | {growth} "
            f"| {fmt_bytes(c.peak_bytes)}{'*' if c.memory_method == 'end window' else ''} "
            f"| {_check(c)} | {_how(c)} |"
        )
    return lines


def _load(meta: dict[str, Any], when: str) -> str:
    values = meta.get(f"load_average_at_{when}")
    return "/".join(f"{v:.1f}" for v in values) if values else "?"


def render_markdown(results: Results) -> str:
    meta = results.meta
    pk = meta["packages"]
    out = [
        "# partialgen benchmark",
        "",
        f"`{meta['command']}` — {meta['date']}, Python {meta['python']} on "
        f"{meta['platform']} ({meta['cpus']} CPUs); pydantic {pk.get('pydantic')}, "
        f"pydantic-core {pk.get('pydantic-core')}, jiter {pk.get('jiter')}, "
        f"instructor {pk.get('instructor')}; commit {meta['commit']}, partialgen "
        f"sources {meta.get('partialgen_source_digest', '?')}"
        + (
            f" with uncommitted changes in {len(meta['uncommitted_in_partialgen'])} "
            "partialgen/generated/examples paths"
            if meta["uncommitted_in_partialgen"]
            else ""
        )
        + ".",
        "",
        f"Chunks of {meta['chunk_chars']} characters; one process; totals are the "
        "thread's CPU time (`time.thread_time_ns`), best of several tight runs (the "
        "best wall time is in the last column); per-chunk figures come from separately instrumented "
        "runs (`perf_counter_ns` around each call; elementwise minimum over up to 3 "
        "runs); peak memory from another run (tracemalloc). Peers projected over "
        f"{meta['budget_s']:g} s are extrapolated (†, see notes). GC on. Load average "
        f"(1/5/15 min) {_load(meta, 'start')} at the start, {_load(meta, 'end')} at "
        f"the end, on {meta['cpus']} CPUs.",
        "",
        "## Documents",
        "",
        "| model | target | bytes | items | chunks |",
        "|---|---|--:|--:|--:|",
    ]
    for d in results.documents:
        out.append(
            f"| {d['model']} | {format_size(d['target'])} | {d['bytes']:,} "
            f"| {d['items']:,} | {d['chunks']:,} |"
        )
    for model in meta["models"]:
        out += ["", f"## {MODEL_TITLES.get(model, model)}", ""]
        out += cell_table(results, model)

    out += ["", "## Targets", "", "| target | figure | status |", "|---|---|---|"]
    for target in evaluate_targets(results):
        status = {True: "PASS", False: "FAIL", None: "not measured"}[target.passed]
        out.append(f"| {target.name} | {target.figure or '—'} | {status} |")

    if results.imports:
        out += [
            "",
            "## Import time (fresh interpreter, best of "
            f"{len(results.imports[0].runs_ms)})",
            "",
            "| module | import | vs its models module | over `import pydantic` |",
            "|---|--:|--:|--:|",
        ]
        imports = {t.module: t for t in results.imports}
        base = imports.get(BASELINE)
        wrapped = {g: m for g, m in PAIRS.values()}
        for t in results.imports:
            vs = "—"
            if t.module in wrapped and wrapped[t.module] in imports:
                m = imports[wrapped[t.module]].best_ms
                vs = f"{t.best_ms / m:.2f}{X}"
            over = (
                "—"
                if base is None or t is base
                else f"+{t.best_ms - base.best_ms:.1f} ms"
            )
            out.append(f"| `{t.module}` | {t.best_ms:.1f} ms | {vs} | {over} |")

    checks = [
        c
        for c in results.cells
        if c.method == "measured" and c.estimate_s and c.total_s
    ]
    if checks:
        out += [
            "",
            "## Accuracy of the sampled extrapolation (where the peer also ran to the end)",
            "",
            "| model | size | implementation | measured | sampled estimate | estimate / measured |",
            "|---|---|---|--:|--:|--:|",
        ]
        for c in checks:
            assert c.estimate_s and c.total_s
            out.append(
                f"| {c.model} | {format_size(c.target)} | {c.label} "
                f"| {fmt_time(c.total_s)} | {fmt_time(c.estimate_s)} "
                f"| {c.estimate_s / c.total_s:.2f} |"
            )

    out += ["", "## Notes", "", *NOTES]
    if any(c.impl == "partialgen-nogc" for c in results.cells):
        out.append(
            "- **partialgen, GC off**: the same runs with `gc.disable()` (diagnostic "
            "only: the share of collector pauses in partialgen's time and growth)."
        )
    notes = sorted({c.note for c in results.cells if c.note})
    out += [f"- ‡ {n}." for n in notes]
    return "\n".join(out) + "\n"


NOTES = [
    "- **partialgen**: the generated `MeetingInfoParser`/`CatalogParser`; `feed()` every "
    "chunk, then `close()` (the validated model). Snapshots = calls returning a new "
    "object.",
    "- **instructor**: `Partial[Model].from_streaming_response(chunks, "
    "stream_extractor=...)`, the public entry instructor's provider handlers call after "
    "`extract_streaming_json` has turned provider events into text deltas; here the "
    "extractor yields the text chunks (no network, no client). Each chunk runs "
    "`model_from_chunks` → `process_potential_object` on the whole accumulated text "
    "(jiter partial parse, a `JsonCompleteness` pass that parses it again, rebuilding "
    "the partial object, validating completed items); close = its final full-model "
    "validation pass.",
    "- **pydantic allow_partial**: `TypeAdapter(Mirror).validate_json(buf, "
    'experimental_allow_partial="trailing-strings")` per chunk on the accumulated '
    "text, into hand-written all-optional mirrors (benchmarks/mirrors.py). A chunk whose "
    "partial validation raises (an incomplete UUID, literal or enum outside a trailing "
    "list item) keeps the previous snapshot and counts as *rejected*. Close = "
    "`Model.model_validate_json(buf)`.",
    "- **jiter re-parse**: `jiter.from_json(buf.encode(), "
    'partial_mode="trailing-strings")` per chunk (the OpenAI/Anthropic SDK approach; '
    "untyped dicts); close = `Model.model_validate_json(buf)`.",
    "- **one-shot validate**: `Model.model_validate_json(text)` once, no streaming: the "
    "limit. **concat floor**: `buf += chunk` in a local and nothing else.",
    "- Accumulating peers keep `buf` in a local so CPython's in-place `+=` applies.",
    "- † **extrapolated**: the peer's state is the accumulated text only, so a window "
    "of real chunk calls can start anywhere by first receiving the prefix as one "
    "(untimed) chunk. S windows of m chunks at evenly spaced offsets (the last one "
    "ends with the root's closing chunk) are timed call by call (`perf_counter_ns`) "
    "and as a whole (thread CPU time, averaged over the window's repeats); the CPU "
    "cost per chunk is interpolated linearly between window midpoints and summed over "
    "every chunk, plus the root chunk and close as measured. Its per-chunk columns are those of the "
    "sampled calls. S and m shrink with the per-call cost to bound the sampling time. "
    "The same estimate is computed for peers that ran to the end (accuracy table).",
    "- Growth = log(t2/t1)/log(n2/n1) of totals between consecutive sizes (n in "
    "bytes); † when either total is extrapolated.",
    "- Peak memory: tracemalloc peak over a full tight run; * = measured over the "
    "end window only (prefix as one chunk + last m chunks + close), which for "
    "re-parsing peers holds the largest buffer and parse.",
    "- result ✓: the final result equals `Model.model_validate_json(text)` and the "
    "last snapshot holds the whole document (for jiter: equals `json.loads(text)`; "
    "floor: the text).",
    '- "max/chunk excl. root" excludes the call on the chunk that closes the root '
    "object; that call and close() are shown separately. Per-chunk columns are the "
    "elementwise minimum over up to 3 instrumented runs (sampling windows: over their "
    "repeats), which removes OS preemption on a shared machine but keeps costs that "
    "recur in every run (GC pauses recur: gc.collect() precedes each run); "
    "results.json also has one run's raw maximum (`max_excl_root_raw_us`).",
]


def to_json(results: Results) -> dict[str, Any]:
    return {
        "meta": results.meta,
        "documents": results.documents,
        "cells": [dataclasses.asdict(c) for c in results.cells],
        "growth": [dataclasses.asdict(g) for g in growths(results.cells)],
        "imports": [dataclasses.asdict(t) for t in results.imports],
        "targets": [dataclasses.asdict(t) for t in evaluate_targets(results)],
    }


def write_results(results: Results, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / "results.json"
    md_path = directory / "results.md"
    json_path.write_text(
        json.dumps(to_json(results), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    md_path.write_text(render_markdown(results), encoding="utf-8")
    return json_path, md_path
