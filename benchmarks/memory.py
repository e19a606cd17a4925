"""Peak memory while streaming a large document, as a multiple of the text's size.

    python -m benchmarks.memory                  # 10 MB documents, 4 KB and 64 B chunks
    python -m benchmarks.memory --size-mb 2 --chunk 4096 --chunk 64 --chunk 1

Documents (ASCII, so one byte per character):

* `string`: a MeetingInfo whose `location` is one huge string (streamed into every
  snapshot);
* `users`: a MeetingInfo with as many users as fit (every user a nested model, validated
  when its `}` arrives, and kept as an item event until `take_items`);
* `any`: a Catalog whose `metadata` holds one huge value typed `Any` (atomic: shown when
  complete).

For each document and chunk size the text is fed chunk by chunk (the chunks are cut
inside the measurement: a parser keeps what it received) and closed. tracemalloc
reports the peak of Python allocations during feeding and closing, beyond what existed
before (the document's own text is not counted); "kept" is what is still allocated
after `close()` while the parser and the result are alive. Wall time is measured with
tracemalloc on, which slows allocation-heavy work down.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from generated.catalog import CatalogParser
from generated.meeting import MeetingInfoParser

MB = 1_000_000
USER = '{"name": "Jason Liu", "email": "jason@example.com", "twitter": "@jxnlco"}'


def string_document(size: int) -> str:
    head, tail = (
        '{"users": [], "date": "d", "location": "',
        '", "budget": 1, "deadline": "x"}',
    )
    return head + "x" * (size - len(head) - len(tail)) + tail


def users_document(size: int) -> str:
    head = '{"users": ['
    tail = '], "date": "2024-03-15", "location": "B", "budget": 1, "deadline": "x"}'
    count = (size - len(head) - len(tail)) // (len(USER) + 2)
    return head + ", ".join([USER] * count) + tail


def any_document(size: int) -> str:
    head, tail = '{"title": "t", "products": [], "metadata": {"blob": ', "}}"
    item = json.dumps({"k": "v" * 90, "n": [1, 2.5, None, True]})
    count = (size - len(head) - len(tail)) // (len(item) + 2)
    return head + "[" + ", ".join([item] * count) + "]" + tail


DOCUMENTS: dict[str, tuple[Callable[[int], str], Any]] = {
    "string": (string_document, MeetingInfoParser),
    "users": (users_document, MeetingInfoParser),
    "any": (any_document, CatalogParser),
}


def measure(text: str, parser_cls: Any, chunk: int) -> tuple[int, int, float]:
    """(peak bytes, bytes kept after close, CPU seconds) for one stream."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    started = time.process_time()
    parser = parser_cls()
    for i in range(0, len(text), chunk):
        parser.feed(text[i : i + chunk])
    result = parser.close()
    seconds = time.process_time() - started
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del parser, result
    return peak - base, current - base, seconds


def pydantic_peak(text: str, parser_cls: Any) -> int:
    """Peak bytes of `Model.model_validate_json(text)` alone."""
    model = parser_cls.spec.full
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    result = model.model_validate_json(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak - base


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--size-mb", type=float, default=10.0)
    options.add_argument("--chunk", type=int, action="append")
    options.add_argument("--document", choices=list(DOCUMENTS), action="append")
    args = options.parse_args()
    size = int(args.size_mb * MB)
    chunks = args.chunk or [4096, 64]
    names = args.document or list(DOCUMENTS)
    print(
        f"{'document':<9} {'text MB':>8} {'chunk B':>8} {'peak MB':>8} "
        f"{'peak/text':>9} {'kept MB':>8} {'pydantic MB':>11} {'CPU s':>7}",
        flush=True,
    )
    for name in names:
        make, parser_cls = DOCUMENTS[name]
        text = make(size)
        reference = pydantic_peak(text, parser_cls)
        for chunk in chunks:
            peak, kept, seconds = measure(text, parser_cls, chunk)
            print(
                f"{name:<9} {len(text) / MB:>8.2f} {chunk:>8} {peak / MB:>8.1f} "
                f"{peak / len(text):>9.2f} {kept / MB:>8.1f} {reference / MB:>11.1f} "
                f"{seconds:>7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
