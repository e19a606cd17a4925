"""Linear at any size (issue 16): each path of the parser from 10 KB to 10 MB, side by side.

    python -m benchmarks.scale                       # 10k,100k,1m,10m: ~10 minutes
    python -m benchmarks.scale --sizes 10k,100k,1m   # a couple of minutes
    python -m benchmarks.scale --shapes string,dict --sizes 4m

Shapes (4-character chunks, as `benchmarks.run`):

* `meeting`: MeetingInfo with a growing `users` list (`documents.py`);
* `catalog`: the wide Catalog with a growing `products` list (`documents.py`);
* `string`: a MeetingInfo whose `location` is one long string;
* `dict`: the `Scores` root (`dict[str, int]`) with as many entries as fit.

Paths, each in its own run, CPU time of the thread:

* `push`: `push` every chunk, one snapshot at the end: the cost of reading alone;
* `every 1000`: `push`, and a `snapshot` every 1,000 chunks (a UI looking now and then);
* `stream`: `XParser.stream` over 4 KB reads (what the adapters and the client see: one
  snapshot per read);
* `feed`: `feed` every chunk, a snapshot per chunk. A snapshot copies the lists and dicts
  on the changed path (contract rule 16 allows it), so this path is quadratic in a long
  list's length by design; it is run only while projected under `--budget` seconds.

Reported: seconds, µs per chunk, the growth exponent against the previous size
(`log(t2/t1) / log(n2/n1)`: 1.0 is linear) and, for `push`, the worst single call in a
separate run that times every call (with the garbage collector's passes counted, and the
last call, which closes the root and so validates the whole document, apart), and the
peak memory of a `keep_items=False` and a `keep_items=True` run at the largest size
(tracemalloc, its own run) as a multiple of the text.

The harness's own objects (the chunk lists) are frozen out of the collector's sight
during timed runs (`harness_unseen`); the parser's are all seen.
"""

from __future__ import annotations

import argparse
import gc
import math
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from benchmarks.documents import chunk_text, format_size, make_document, parse_size
from generated.catalog import CatalogParser
from generated.meeting import MeetingInfoParser
from generated.roots import ScoresParser

READ = 1000  # chunks per 4 KB read, and between two looks of `every 1000`


def string_text(size: int) -> str:
    head = '{"users": [], "date": "d", "location": "'
    tail = '", "budget": 1, "deadline": "x"}'
    return head + "x" * (size - len(head) - len(tail)) + tail


def dict_text(size: int) -> str:
    entries, total, i = [], 2, 0
    while total < size:
        entry = f'"player-{i:07d}": {i % 1000}'
        entries.append(entry)
        total += len(entry) + 2
        i += 1
    return "{" + ", ".join(entries) + "}"


SHAPES: dict[str, tuple[Callable[[int], str], Any]] = {
    "meeting": (lambda size: make_document("meeting", size).text, MeetingInfoParser),
    "catalog": (lambda size: make_document("catalog", size).text, CatalogParser),
    "string": (string_text, MeetingInfoParser),
    "dict": (dict_text, ScoresParser),
}


def run_push(parser_cls: Any, chunks: list[str]) -> None:
    parser = parser_cls()
    push = parser.push
    for chunk in chunks:
        push(chunk)
    parser.snapshot  # noqa: B018 - the one snapshot built
    parser.close()


def run_every(parser_cls: Any, chunks: list[str]) -> None:
    parser = parser_cls()
    push = parser.push
    for i, chunk in enumerate(chunks):
        push(chunk)
        if i % READ == 0:
            parser.snapshot  # noqa: B018 - a look now and then
    parser.close()


def _reads(chunks: list[str]) -> Iterator[str]:
    for i in range(0, len(chunks), READ):
        yield "".join(chunks[i : i + READ])


def run_stream(parser_cls: Any, chunks: list[str]) -> None:
    stream = parser_cls.stream(_reads(chunks))
    for _ in stream:
        pass
    stream.result  # noqa: B018


def run_feed(parser_cls: Any, chunks: list[str]) -> None:
    parser = parser_cls()
    feed = parser.feed
    for chunk in chunks:
        feed(chunk)
    parser.close()


PATHS: dict[str, Callable[[Any, list[str]], None]] = {
    "push": run_push,
    "every 1000": run_every,
    "stream": run_stream,
    "feed": run_feed,
}


@contextmanager
def harness_unseen() -> Iterator[None]:
    """The harness's own objects out of the collector's sight (`gc.freeze`) for a run:
    the list of a 10 MB text's 2.5 million chunks alone took 34 ms of each full pass,
    a cost of the benchmark, not of the parser. What the parser keeps is still seen."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def cpu(
    run: Callable[[Any, list[str]], None], parser_cls: Any, chunks: list[str]
) -> float:
    with harness_unseen():
        started = time.thread_time()
        run(parser_cls, chunks)
        return time.thread_time() - started


@dataclass
class Worst:
    """One push run timed call by call."""

    worst: float = 0.0  # ms, the slowest call but the last
    clean: float = 0.0  # ms, the slowest of those with no collector pass in it
    closing: float = 0.0  # ms, the last call: it closes the root, which validates
    passes: int = 0  # the collector's passes, all generations
    collecting: float = 0.0  # ms in them

    def note(self) -> str:
        return (
            f"worst push {self.worst:.2f} ms ({self.clean:.2f} ms with no collector "
            f"pass; {self.passes:,} passes, {self.collecting:,.0f} ms); the closing "
            f"push {self.closing:.1f} ms"
        )


def worst_push(parser_cls: Any, chunks: list[str]) -> Worst:
    """The slowest push of a run, with and without the collector's passes."""
    held = [0]  # collector passes during the current call
    out, clock = Worst(), time.perf_counter_ns
    started = [0]

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            held[0] += 1
            out.passes += 1
            started[0] = clock()
        else:
            out.collecting += (clock() - started[0]) / 1e6

    parser = parser_cls()
    push = parser.push
    worst = worst_clean = 0
    with harness_unseen():
        gc.callbacks.append(record)
        try:
            for chunk in chunks[:-1]:
                held[0] = 0
                t0 = clock()
                push(chunk)
                took = clock() - t0
                worst = max(worst, took)
                if not held[0]:
                    worst_clean = max(worst_clean, took)
            t0 = clock()
            push(chunks[-1])
            closing = clock() - t0
        finally:
            gc.callbacks.remove(record)
    parser.close()
    out.worst, out.clean, out.closing = worst / 1e6, worst_clean / 1e6, closing / 1e6
    return out


def peak_ratio(parser_cls: Any, text: str, keep_items: bool) -> float:
    """Peak traced memory of a push run over the text's size (the text not counted)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    parser = parser_cls(keep_items=keep_items)
    for i in range(0, len(text), 4):
        parser.push(text[i : i + 4])
    parser.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del parser
    return (peak - base) / len(text.encode("utf-8"))


@dataclass
class Row:
    shape: str
    size: int
    path: str
    seconds: float | None
    chunks: int
    growth: float | None = None
    note: str = ""


def growth(previous: Row | None, row: Row) -> float | None:
    if previous is None or previous.seconds is None or row.seconds is None:
        return None
    if previous.seconds <= 0 or row.seconds <= 0:
        return None
    return math.log(row.seconds / previous.seconds) / math.log(row.size / previous.size)


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default="10k,100k,1m,10m")
    options.add_argument("--shapes", default=",".join(SHAPES))
    options.add_argument("--paths", default=",".join(PATHS))
    options.add_argument("--budget", type=float, default=60.0)
    options.add_argument("--no-memory", action="store_true")
    args = options.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    shapes, paths = args.shapes.split(","), args.paths.split(",")
    print("| shape | size | path | seconds | µs/chunk | growth | notes |")
    print("|---|--:|---|--:|--:|--:|---|")
    for shape in shapes:
        make, parser_cls = SHAPES[shape]
        last: dict[str, Row] = {}
        for size in sizes:
            text = make(size)
            chunks = chunk_text(text)
            for path in paths:
                previous = last.get(path)
                row = Row(shape, size, path, None, len(chunks))
                projected = _projected(previous, size)
                if path == "feed" and projected is not None and projected > args.budget:
                    row.note = f"not run: projected {projected:,.0f} s"
                else:
                    row.seconds = cpu(PATHS[path], parser_cls, chunks)
                    row.growth = growth(previous, row)
                    if path == "push":
                        row.note = worst_push(parser_cls, chunks).note()
                last[path] = row
                print(_line(row), flush=True)
        if not args.no_memory:
            text = make(sizes[-1])
            for keep in (False, True):
                ratio = peak_ratio(parser_cls, text, keep)
                print(
                    f"| {shape} | {format_size(sizes[-1])} | peak memory, keep_items="
                    f"{keep} | | | | {ratio:.1f}x the text |",
                    flush=True,
                )


def _projected(previous: Row | None, size: int) -> float | None:
    """Seconds projected from the previous size, assuming quadratic growth."""
    if previous is None or previous.seconds is None:
        return None
    return previous.seconds * (size / previous.size) ** 2


def _line(row: Row) -> str:
    seconds = "" if row.seconds is None else f"{row.seconds:.3f}"
    per = "" if row.seconds is None else f"{row.seconds / row.chunks * 1e6:.2f}"
    grows = "" if row.growth is None else f"{row.growth:.2f}"
    return (
        f"| {row.shape} | {format_size(row.size)} | {row.path} | {seconds} | {per} "
        f"| {grows} | {row.note} |"
    )


if __name__ == "__main__":
    main()
