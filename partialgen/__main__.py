"""The `partialgen` command: generate, check, demo.

The build step's modules (black, jinja2, datamodel-code-generator) are imported only for
`generate` and `check`, so `demo` starts fast and the runtime works without the extra.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

INSTALL_HINT = 'the build step needs its extra: pip install "partialgen[generate]"'


def add_generate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="MODULE[:CLASS]",
        help="pydantic input: a model class, or every model of a module (repeat)",
    )
    parser.add_argument(
        "--schema",
        type=Path,
        metavar="FILE",
        help="JSON Schema or OpenAPI input; its full models go next to --output",
    )
    parser.add_argument(
        "--class-name", help="the schema's root class (default: its title)"
    )
    parser.add_argument(
        "--allow-remote-refs",
        action="store_true",
        help="fetch the schema's https $refs (never anything else); off by default",
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="the generated module"
    )
    parser.add_argument(
        "--typescript",
        type=Path,
        metavar="FILE",
        help="also write the full and partial types as TypeScript (.ts)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PYPROJECT",
        help="read [tool.partialgen] from this file instead of ./pyproject.toml",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="partialgen",
        description="Typed partial classes and stream parsers for streamed LLM JSON.",
    )
    from . import __version__

    parser.add_argument(
        "--version", action="version", version=f"partialgen {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "write the generated modules"),
        ("check", "exit 1 with a diff when generated modules are stale"),
    ):
        add_generate_arguments(commands.add_parser(name, help=text))
    from .demo import add_demo_arguments

    add_demo_arguments(
        commands.add_parser("demo", help="stream a recorded meeting extraction, live")
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args)
    try:
        from .generator.cli import run
    except ImportError as e:
        print(f"partialgen: {INSTALL_HINT} (missing module: {e.name})", file=sys.stderr)
        return 2
    return run(args.command, args)


if __name__ == "__main__":
    sys.exit(main())
