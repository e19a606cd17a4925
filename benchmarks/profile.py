"""Where partialgen's time goes on a benchmark document.

    python -m benchmarks.profile [meeting|catalog] [size]      # e.g. catalog 100k

Feeds every 4-character chunk of the deterministic document to the generated parser,
then closes it. Prints the time per kind of chunk (inside a string, at a key or value
boundary, opening or closing an object, the root's last one apart), each call timed
alone, elementwise minimum of 3 runs; then the same loop under cProfile, top 25
functions by own time (tottime).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from collections import defaultdict
from time import perf_counter_ns

from partialgen.runtime.tokenizer import STRING

from .documents import format_size, make_document, parse_size
from .harness import root_index
from .peers import subjects

ROOT_CHUNK = "closes the root (validates the document)"


def chunk_kind(chunk: str, in_string: bool) -> str:
    if in_string and '"' not in chunk and "\\" not in chunk:
        return "inside a string"
    if "}" in chunk:
        return (
            "closes an object, opens the next" if "{" in chunk else "closes an object"
        )
    if "{" in chunk:
        return "opens an object"
    return "key or value boundary"


def by_chunk_kind(model: str, size: int, runs: int = 3) -> dict[str, tuple[int, float]]:
    """Kind of chunk -> (how many, total µs): each feed timed, minimum over `runs`."""
    doc = make_document(model, size)
    parser_cls = subjects()[model].parser
    root = root_index(doc.text)
    kinds: list[str] = []
    best: list[int] = []
    for run in range(runs):
        parser = parser_cls()
        tokenizer = parser._tokenizer  # read-only: which state a chunk starts in
        for i, chunk in enumerate(doc.chunks):
            if run == 0:
                kind = chunk_kind(chunk, tokenizer.state == STRING)
                kinds.append(ROOT_CHUNK if i == root else kind)
            started = perf_counter_ns()
            parser.feed(chunk)
            took = perf_counter_ns() - started
            if run == 0:
                best.append(took)
            elif took < best[i]:
                best[i] = took
        parser.close()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, took in zip(kinds, best, strict=True):
        totals[kind][0] += 1
        totals[kind][1] += took
    return {kind: (n, ns / 1e3) for kind, (n, ns) in totals.items()}


def print_by_chunk_kind(model: str, size: int) -> None:
    kinds = by_chunk_kind(model, size)
    total = sum(us for _, us in kinds.values())
    print(f"| chunk | chunks | µs each | share of {total / 1e3:.1f} ms |")
    print("|---|--:|--:|--:|")
    for kind, (n, us) in sorted(kinds.items(), key=lambda item: -item[1][1]):
        print(f"| {kind} | {n:,} | {us / n:.2f} | {us / total:.0%} |")


def profile(model: str = "meeting", size: int = 100_000, top: int = 25) -> pstats.Stats:
    subject = subjects()[model]
    doc = make_document(model, size)
    chunks = doc.chunks
    parser_cls = subject.parser

    def loop() -> None:
        parser = parser_cls()
        feed = parser.feed
        for chunk in chunks:
            feed(chunk)
        parser.close()

    loop()  # warm-up, outside the profile
    profiler = cProfile.Profile()
    profiler.runcall(loop)
    print(
        f"{model} {format_size(size)}: {doc.size:,} bytes, {len(chunks):,} chunks "
        f"of 4 characters; top {top} by tottime"
    )
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
    return stats


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 2 or (args and args[0] not in subjects()):
        raise SystemExit(__doc__)
    model = args[0] if args else "meeting"
    size = parse_size(args[1]) if len(args) > 1 else 100_000
    print_by_chunk_kind(model, size)
    print()
    profile(model, size)


if __name__ == "__main__":
    main()
