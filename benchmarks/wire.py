"""Bytes on the wire and CPU: JSON Patch events against whole snapshots (issue 14).

    python -m benchmarks.wire                     # 10k,100k,1m MeetingInfo
    python -m benchmarks.wire --sizes 10k --read 4096

For each size, the MeetingInfo document of `documents.py` streams in 4-character
chunks, one snapshot per source read: every chunk (`--read 4`, the worst case: a
provider sends a delta per token) and 4 KB reads (`--read 4096`, what a network read
carries). Each snapshot is sent two ways:

* `patches`: `PatchEncoder.patch(snapshot)`, the `patch` event `sse_patches` writes
  (our `append` operation for growing strings);
* `snapshots`: the whole snapshot's JSON as one event
  (`json.dumps(snapshot.model_dump(mode="json", by_alias=True))`), what a server that
  forwards snapshots sends.

Reported: bytes of all events, their ratio to the document, and CPU per snapshot of the
encoding alone (the parser's own time is left out: it is the same for both). Whole
snapshots grow with the document, so their cost is quadratic; past `--budget` seconds
they are measured on every Nth snapshot only and scaled by N (marked "sampled").
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from partialgen.runtime.transport import PatchEncoder
from pydantic import BaseModel

from benchmarks.documents import chunk_text, format_size, make_document, parse_size
from generated.meeting import MeetingInfoParser


def snapshots(text: str, read: int) -> list[BaseModel]:
    """Every distinct snapshot of the stream, one per read of `read` characters."""
    parser = MeetingInfoParser()
    out: list[BaseModel] = []
    chunks = chunk_text(text)
    per_read = max(1, read // 4)
    for i in range(0, len(chunks), per_read):
        for chunk in chunks[i : i + per_read]:
            parser.push(chunk)
        if parser.changed:
            out.append(parser.snapshot)
    return out


def whole(snapshot: BaseModel) -> bytes:
    data = json.dumps(snapshot.model_dump(mode="json", by_alias=True))
    return f"event: snapshot\ndata: {data}\n\n".encode()


def measure(
    shots: list[BaseModel], encode: Callable[[BaseModel], bytes], every: int
) -> tuple[int, float]:
    """(bytes, CPU seconds) of encoding every `every`-th snapshot, scaled by `every`."""
    total = 0
    started = time.thread_time()
    for snapshot in shots[::every]:
        total += len(encode(snapshot))
    return total * every, (time.thread_time() - started) * every


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default="10k,100k,1m")
    options.add_argument("--read", type=int, action="append")
    options.add_argument("--budget", type=float, default=20.0)
    args = options.parse_args(argv)
    print("| size | read | snapshots | way | bytes | x document | µs per snapshot |")
    print("|--:|--:|--:|---|--:|--:|--:|")
    for size in [parse_size(s) for s in args.sizes.split(",")]:
        text = make_document("meeting", size).text
        for read in args.read or [4, 4096]:
            shots = snapshots(text, read)
            encoder = PatchEncoder()
            ways: list[tuple[str, Callable[[BaseModel], bytes], int]] = [
                ("patches", encoder.patch, 1)
            ]
            # A whole snapshot costs about its size: sample it past the budget.
            _, probe = measure(shots[-10:], whole, 1)
            every = max(1, int(probe / 10 * len(shots) / 2 / args.budget) + 1)
            ways.append(("snapshots", whole, every))
            for name, encode, step in ways:
                sent, seconds = measure(shots, encode, step)
                note = f" (sampled 1/{step})" if step > 1 else ""
                print(
                    f"| {format_size(size)} | {read} | {len(shots):,} | {name}{note} | "
                    f"{sent:,} | {sent / len(text.encode()):.2f} | "
                    f"{seconds / len(shots) * 1e6:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
