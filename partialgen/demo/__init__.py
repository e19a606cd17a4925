"""`partialgen demo`: stream a recorded meeting extraction through the generated parser.

The recorded answer is split into small chunks at awkward places (inside keys, escapes,
numbers) and replayed with a short delay, so the live view looks like a real stream.
"""

from __future__ import annotations

import argparse
import importlib
import random
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from ..runtime import completed_fields, progress

RECORDING = "meeting_response.json"


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--delay", type=float, default=0.02, help="seconds between chunks"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the chunking")
    parser.add_argument("--progress", action="store_true", help="show fields completed")


def recorded_response() -> str:
    return resources.files(__package__).joinpath(RECORDING).read_text("utf-8")


def chunks(text: str, seed: int) -> Iterator[str]:
    """Cut `text` into 1-8 character chunks, like an LLM's token stream."""
    rng = random.Random(seed)
    i = 0
    while i < len(text):
        n = rng.randint(1, 8)
        yield text[i : i + n]
        i += n


def _generated_meeting() -> Any:
    # generated/ sits in the checkout next to examples/; make the command work from it.
    root = str(Path.cwd())
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        return importlib.import_module("generated.meeting")
    except ImportError as e:
        raise SystemExit(
            f"partialgen demo: run it from the partialgen checkout ({e})"
        ) from e


def render(snapshot: Any, show_progress: bool) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Meeting (live)", show_lines=False, expand=False)
    table.add_column("name")
    table.add_column("email")
    table.add_column("twitter")
    for user in snapshot.users or []:
        table.add_row(user.name or "", user.email or "", user.twitter or "")
    details = Text()
    for label in ("date", "location", "budget", "deadline"):
        value = getattr(snapshot, label)
        details.append(f"{label:>9}: ", style="bold")
        details.append("…" if value is None else str(value))
        details.append("\n")
    parts: list[Any] = [table, details]
    if show_progress:
        done, total = progress(snapshot)
        names = ", ".join(sorted(completed_fields(snapshot))) or "none yet"
        parts.append(Text(f"{done}/{total} fields complete: {names}", style="green"))
    return Group(*parts)


def run_demo(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.live import Live

    meeting = _generated_meeting()
    console = Console()
    parser = meeting.MeetingInfoParser()
    snapshots = 0
    with Live(
        render(parser.snapshot, args.progress), console=console, refresh_per_second=30
    ) as live:
        for chunk in chunks(recorded_response(), args.seed):
            before = parser.snapshot
            snapshot = parser.feed(chunk)
            if snapshot is not before:
                snapshots += 1
                live.update(render(snapshot, args.progress))
            time.sleep(args.delay)
    result = parser.close()
    console.print(f"[bold]{snapshots}[/] snapshots; validated result:")
    console.print_json(result.model_dump_json())
    return 0
