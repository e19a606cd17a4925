"""The side-by-side benchmark: partialgen vs instructor, pydantic partial validation,
jiter re-parsing, one-shot validation and a concatenation floor.

    python -m benchmarks.run                      # all sizes (1k,10k,100k,1m), both models
    python -m benchmarks.run --quick              # 1k,10k, short budget: a minute or two
    python -m benchmarks.run --sizes 10k,100k --models meeting --impls partialgen,floor

Prints a Markdown report (tables, targets, notes) and writes results.json and
results.md (to benchmarks/ unless --out says otherwise). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .documents import parse_size
from .harness import Config, run_benchmark, stderr_log
from .peers import DEFAULT_IMPLS, IMPLS, instructor_available, subjects
from .report import render_markdown, write_results

DEFAULT_SIZES = "1k,10k,100k,1m"
QUICK_SIZES = "1k,10k"


def _list(text: str, allowed: list[str], what: str) -> list[str]:
    items = [t.strip() for t in text.split(",") if t.strip()]
    for item in items:
        if item not in allowed:
            raise SystemExit(
                f"unknown {what} {item!r}; choose from {', '.join(allowed)}"
            )
    return items


def parse_args(argv: list[str] | None = None) -> tuple[Config, Path]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__
    )
    parser.add_argument(
        "--sizes", help=f"comma-separated sizes (default {DEFAULT_SIZES})"
    )
    parser.add_argument("--models", default="meeting,catalog", help="meeting,catalog")
    parser.add_argument(
        "--impls",
        default=",".join(DEFAULT_IMPLS),
        help=f"comma-separated, from {','.join(IMPLS)} (default: all but partialgen-nogc)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"sizes {QUICK_SIZES}, budget 5 s, 3 runs max",
    )
    parser.add_argument(
        "--budget",
        type=float,
        help="seconds a peer may be projected to take before it is extrapolated "
        "(default 30; 5 with --quick)",
    )
    parser.add_argument("--max-runs", type=int, help="cap on timing runs per cell")
    parser.add_argument(
        "--no-memory", action="store_true", help="skip tracemalloc runs"
    )
    parser.add_argument("--no-imports", action="store_true", help="skip import timing")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="output directory",
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    impls = _list(args.impls, list(IMPLS), "implementation")
    if "instructor" in impls and not instructor_available():
        stderr_log("instructor is not installed: skipping it (pip install instructor)")
        impls.remove("instructor")
    config = Config(
        sizes=sorted({parse_size(s) for s in sizes.split(",") if s.strip()}),
        models=_list(args.models, list(subjects()), "model"),
        impls=impls,
        budget_s=(
            args.budget if args.budget is not None else (5.0 if args.quick else 30.0)
        ),
        max_runs=args.max_runs or (3 if args.quick else 10),
        memory=not args.no_memory,
        imports=not args.no_imports,
        import_repeats=3 if args.quick else 9,
        log=stderr_log,
    )
    return config, args.out


def main(argv: list[str] | None = None) -> None:
    config, out = parse_args(argv)
    results = run_benchmark(config)
    sys.stdout.write(render_markdown(results))
    json_path, md_path = write_results(results, out)
    stderr_log(f"wrote {json_path} and {md_path}")


if __name__ == "__main__":
    main()
