"""cProfile of partialgen's feed loop on a benchmark document.

    python -m benchmarks.profile [meeting|catalog] [size]      # e.g. catalog 100k

Feeds every 4-character chunk of the deterministic document to the generated parser,
then closes it, under cProfile; prints the top 25 functions by own time (tottime).
"""

from __future__ import annotations

import cProfile
import pstats
import sys

from .documents import format_size, make_document, parse_size
from .peers import subjects


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
    profile(model, size)


if __name__ == "__main__":
    main()
