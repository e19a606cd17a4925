"""How much a compiled runtime would gain: the same parser code, compiled with mypyc.

    python -m benchmarks.compiled                  # meeting and catalog, 10k and 100k
    python -m benchmarks.compiled --sizes 10k,100k,1m

An experiment, not a build option: it copies the runtime, examples, generated modules and
benchmarks into a temporary directory, compiles the runtime's hot-path modules there with
mypyc (which ships with mypy; it needs a C compiler and the Python headers), then times
the interpreted and the compiled parser in fresh interpreters, alternating, together with
the concatenation floor. `parser.py` stays interpreted (mypyc cannot compile its async
generator) and so does `snapshot.py` (mypyc's C for a pydantic subclass does not build).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TypedDict

from .documents import format_size, parse_size
from .report import X

ROOT = Path(__file__).resolve().parent.parent
COMPILED = ("tokenizer", "builder", "frames", "received", "specs")
COPIED = ("partialgen", "generated", "examples", "benchmarks")
MYPY_INI = "[mypy]\nstrict = True\npython_version = 3.11\n"

# Runs in a fresh interpreter with the variant's directory first on sys.path. The
# floor's `buf += chunk` must be in a function: CPython appends in place to locals only.
TIMER = """
import gc, json, sys, time
import partialgen.runtime.tokenizer as tokenizer
from benchmarks.documents import make_document
from benchmarks.peers import subjects

def best(run, times):
    took = []
    for _ in range(times):
        gc.collect()
        started = time.thread_time()
        run()
        took.append(time.thread_time() - started)
    return min(took)

def main():
    model, size, times = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    doc, parser_class = make_document(model, size), subjects()[model].parser

    def stream():
        feed = parser_class().feed
        for chunk in doc.chunks:
            feed(chunk)

    def floor():
        buf = ""
        for chunk in doc.chunks:
            buf += chunk

    print(json.dumps({
        "compiled": not tokenizer.__file__.endswith(".py"),
        "parser": best(stream, times),
        "floor": best(floor, max(times, 5)),
    }))

main()
"""


def compile_copy(into: Path) -> None:
    for name in COPIED:
        shutil.copytree(
            ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    (into / "mypy.ini").write_text(MYPY_INI, encoding="utf-8")
    sources = [f"partialgen/runtime/{name}.py" for name in COMPILED]
    subprocess.run(
        [sys.executable, "-m", "mypyc", *sources],
        cwd=into,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Timing(TypedDict):
    compiled: bool  # the tree's runtime was the compiled one
    parser: float  # seconds, best of `times`
    floor: float


def measure(root: Path, model: str, size: int, times: int) -> Timing:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", TIMER, model, str(size), str(times)],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: Timing = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(prog="python -m benchmarks.compiled")
    options.add_argument("--sizes", default="10k,100k")
    options.add_argument("--models", default="meeting,catalog")
    options.add_argument("--rounds", type=int, default=2, help="alternating rounds")
    args = options.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        compiled = Path(scratch)
        print("compiling with mypyc:", ", ".join(COMPILED), file=sys.stderr)
        compile_copy(compiled)
        print(f"| document | interpreted | compiled | speed-up | floor | {X} floor |")
        print("|---|--:|--:|--:|--:|--:|")
        for model in args.models.split(","):
            for size in sizes:
                times = 5 if size < 1_000_000 else 2
                plain: list[float] = []
                native: list[float] = []
                floors: list[float] = []
                for _ in range(args.rounds):  # alternate, so load hits both alike
                    for root, into in ((ROOT, plain), (compiled, native)):
                        figures = measure(root, model, size, times)
                        assert figures["compiled"] == (root == compiled), root
                        into.append(figures["parser"])
                        floors.append(figures["floor"])
                p, c, f = min(plain), min(native), min(floors)
                print(
                    f"| {model} {format_size(size)} | {p * 1e3:.1f} ms "
                    f"| {c * 1e3:.1f} ms | {p / c:.2f}{X} | {f * 1e3:.2f} ms "
                    f"| {p / f:.0f}{X} → {c / f:.0f}{X} |"
                )


if __name__ == "__main__":
    main()
