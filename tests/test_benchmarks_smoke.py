"""The benchmark harness on tiny documents, so it cannot rot.

One run of everything on documents of a few hundred bytes; no timing assertions: every
implementation must produce the same final result, and the report must render.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from benchmarks import compiled, harness, profile
from benchmarks.documents import chunk_text, make_document, parse_size
from benchmarks.harness import Cell, Config, Results, run_benchmark
from benchmarks.peers import IMPLS, Trace
from benchmarks.report import (
    evaluate_targets,
    render_markdown,
    write_results,
)

SIZES = [300, 600]
# Instructor pins an older jiter, so it comes with the `bench` extra, not `dev`: without
# it, every other implementation still runs here.
HAVE_INSTRUCTOR = importlib.util.find_spec("instructor") is not None
RUN = [name for name in IMPLS if name != "instructor" or HAVE_INSTRUCTOR]


@pytest.fixture(scope="module")
def results() -> Results:
    config = Config(
        sizes=SIZES,
        models=["meeting", "catalog"],
        impls=RUN,
        budget_s=30.0,
        max_runs=1,
        memory=True,
        imports=True,
        import_repeats=1,
        sample_windows=4,
        window_repeats=1,
    )
    return run_benchmark(config)


def test_documents_are_deterministic_and_valid() -> None:
    from examples.catalog import Catalog
    from examples.meeting import MeetingInfo

    for model, cls in (("meeting", MeetingInfo), ("catalog", Catalog)):
        doc = make_document(model, 300)
        assert doc.text == make_document(model, 300).text
        assert "".join(doc.chunks) == doc.text
        assert all(len(c) == 4 for c in doc.chunks[:-1])
        cls.model_validate_json(doc.text)
        bigger = make_document(model, 5000)
        assert bigger.size >= 5000 and bigger.items > doc.items
    assert chunk_text("abcdefghij") == ["abcd", "efgh", "ij"]
    assert [parse_size(s) for s in ("300", "1k", "10K", "1m", "2kb")] == [
        300,
        1000,
        10_000,
        1_000_000,
        2000,
    ]


def test_every_implementation_produces_the_same_result(results: Results) -> None:
    cells = results.cells
    assert len(cells) == 2 * len(SIZES) * len(RUN)
    for cell in cells:
        where = (cell.model, cell.target, cell.impl)
        assert cell.method in ("measured", "extrapolated"), (where, cell.error)
        assert cell.final_ok, where
        assert cell.snapshot_ok, where
        assert cell.total_s is not None and cell.total_s > 0, where
        assert cell.peak_bytes is not None and cell.peak_bytes > 0, where
        if cell.impl in ("partialgen", "instructor", "pydantic-partial", "jiter"):
            assert cell.snapshots, where
            assert cell.median_us is not None and cell.max_excl_root_us is not None
        if cell.impl == "partialgen":  # its calls are attributed to collector passes
            assert cell.gc_passes is not None and len(cell.gc_passes) == 3, where
            assert cell.gc_tracked_after, where
            assert cell.max_excl_root_gc_us is not None, where
        # the re-parsing peers also get a sampled estimate of their total
        if cell.impl in ("instructor", "pydantic-partial", "jiter"):
            assert cell.estimate_s is not None and cell.estimate_s > 0, where


def test_report_renders_and_writes(results: Results, tmp_path: Path) -> None:
    text = render_markdown(results)
    for heading in ("## Documents", "## MeetingInfo", "## Catalog", "## Targets"):
        assert heading in text
    assert "## Import time" in text
    for name in RUN:
        assert IMPLS[name].label in text
    names = [t.name for t in evaluate_targets(results)]
    assert any("floor" in n for n in names)
    json_path, md_path = write_results(results, tmp_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert {"meta", "documents", "cells", "growth", "imports", "targets"} <= set(data)
    assert len(data["growth"]) > 0
    assert md_path.read_text(encoding="utf-8") == text


@pytest.mark.skipif(not HAVE_INSTRUCTOR, reason="needs the `bench` extra (instructor)")
def test_instructor_is_compared(results: Results) -> None:
    names = [t.name for t in evaluate_targets(results)]
    assert any("instructor" in n for n in names)


def test_cli_parses_options() -> None:
    from benchmarks.run import parse_args

    config, _ = parse_args(["--quick", "--models", "meeting", "--no-imports"])
    assert config.sizes == [1000, 10_000]
    assert config.models == ["meeting"]
    assert not config.imports
    config, _ = parse_args(["--sizes", "10k,1k", "--impls", "partialgen,floor"])
    assert config.sizes == [1000, 10_000] and config.impls == ["partialgen", "floor"]


def test_compiled_trial_times_a_tree_in_a_fresh_interpreter() -> None:
    """`benchmarks.compiled` (mypyc, too slow to build here) times each tree this way."""
    figures = compiled.measure(compiled.ROOT, "meeting", 1000, 1)
    assert figures["compiled"] is False  # this checkout's runtime is interpreted
    assert figures["parser"] > 0 and figures["floor"] > 0


def test_profile_splits_the_time_by_kind_of_chunk() -> None:
    kinds = profile.by_chunk_kind("meeting", 1000, runs=2)
    assert set(kinds) >= {
        "inside a string",
        "key or value boundary",
        "closes an object",
        profile.ROOT_CHUNK,
    }
    assert kinds[profile.ROOT_CHUNK][0] == 1
    assert sum(n for n, _ in kinds.values()) == len(
        make_document("meeting", 1000).chunks
    )
    assert all(us > 0 for _, us in kinds.values())


def test_slow_calls_are_attributed_to_the_collector_passes_they_held() -> None:
    """Calls at 0, 10, 20... µs; passes start inside calls 1 and 3 and between 4 and 5."""
    trace = Trace(
        times_ns=[5_000, 9_000, 5_000, 9_000, 5_000, 6_000],
        close_ns=0,
        wall_ns=0,
        snapshots=0,
        final=None,
        last_snapshot=None,
        starts_ns=[0, 10_000, 20_000, 30_000, 40_000, 50_000],
    )
    cell = Cell("meeting", 1000, 1000, 6, "partialgen", "partialgen")
    passes = [(0, 12_000, 6_000), (2, 31_000, 7_000), (0, 46_000, 1_000)]
    held = harness._attribute_gc(cell, trace, passes, tracked=123)
    assert held == {1, 3}  # the pass between calls belongs to neither
    assert cell.gc_passes == [2, 0, 1]
    assert cell.gc_longest_us == [6.0, 0.0, 7.0]
    # Call 4 was slow in the measured run but not in the diagnostic one; call 5 is the
    # root's. The worst call left is 4, at its pass-free diagnostic time.
    measured = [5_000, 9_000, 5_000, 9_000, 8_000, 6_000]
    worst = harness._worst_without_gc(measured, trace.times_ns, held, root=5)
    assert worst == 5.0


def test_client_benchmark_runs_every_path(capsys: pytest.CaptureFixture[str]) -> None:
    """`benchmarks.client` on a tiny answer: each path returns the same model (it
    asserts so itself) and gets a row."""
    from benchmarks import client

    client.main(["--sizes", "300,600", "--runs", "1", "--instructor-max", "600"])
    out = capsys.readouterr().out
    paths = ["parser", "sse + adapter", "create_partial", "sdk loop", "sdk + adapter"]
    if HAVE_INSTRUCTOR:
        paths.append("instructor")
    for path in paths:
        assert out.count(f"| {path} |") == 2, path


def test_scale_benchmark_runs_every_shape_and_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import scale

    scale.main(["--sizes", "2k,4k"])
    lines = capsys.readouterr().out.splitlines()
    for shape in scale.SHAPES:
        for path in scale.PATHS:
            row = [
                line for line in lines if line.startswith(f"| {shape} | 4k | {path} |")
            ]
            assert len(row) == 1, (shape, path)
            growth = row[0].split("|")[6].strip()
            float(growth)  # measured against the 2k run (tiny: any sign)
        assert sum(f"| {shape} | 4k | peak memory" in line for line in lines) == 2
    assert any("worst push" in line for line in lines)


def test_wire_benchmark_compares_patches_and_snapshots(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import wire

    wire.main(["--sizes", "2k", "--read", "4", "--read", "64"])
    rows = [line.split("|") for line in capsys.readouterr().out.splitlines()[2:]]
    sent = {
        (r[2].strip(), r[4].strip().split()[0]): int(r[5].replace(",", ""))
        for r in rows
    }
    for read in ("4", "64"):
        # Whole snapshots resend the document: more bytes than its patches.
        assert sent[(read, "snapshots")] > sent[(read, "patches")] > 2000
