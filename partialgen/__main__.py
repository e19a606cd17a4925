"""The `partialgen` command: generate, check, demo."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

INSTALL_HINT = 'the build step needs its extra: pip install "partialgen[generate]"'


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="partialgen",
        description="Typed partial classes and stream parsers for streamed LLM JSON.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    try:
        from .generator.cli import add_arguments, run
    except ImportError as e:
        add_arguments = run = None  # type: ignore[assignment]
        missing = e.name
    for name, text in (
        ("generate", "write the generated modules"),
        ("check", "exit 1 with a diff when generated modules are stale"),
    ):
        sub = commands.add_parser(name, help=text)
        if add_arguments is not None:
            add_arguments(sub)
    demo = commands.add_parser(
        "demo", help="stream a recorded meeting extraction, live"
    )
    from .demo import add_demo_arguments

    add_demo_arguments(demo)
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args)
    if run is None:
        print(
            f"partialgen: {INSTALL_HINT} (missing module: {missing})", file=sys.stderr
        )
        return 2
    return run(args.command, args)


if __name__ == "__main__":
    sys.exit(main())
