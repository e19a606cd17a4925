"""`partialgen demo`: a meeting extraction streamed through the one-call client, live.

Without `--live`, an embedded server on 127.0.0.1 replays a recorded Chat Completions
stream (`recordings/openai-chat-meeting.sse`), so the demo needs no key and no network
but runs every layer a real call does: `from_openai(OpenAI()).create_partial(...)` with
its structured-outputs request, HTTP through the SDK, the SSE decoder, the generated
`MeetingInfoParser`, and a re-ask if the answer is invalid (`--retries`). With `--live`
and OPENAI_API_KEY, the same code calls the OpenAI API (OPENAI_BASE_URL is honoured, as
by the SDK itself).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Any

from ..runtime import PartialgenError, from_openai

RECORDING = "openai-chat-meeting"
DEFAULT_MODEL = "gpt-5.4-mini"
INSTALL_HINT = 'the demo needs its extra: pip install "partialgen[demo]"'

SYSTEM = (
    "Extract the meeting from the notes: every attendee with name, email and twitter "
    "handle, the date, the location, the budget in euros and the decision deadline."
)
NOTES = """\
Planning call, Monday.
- Jason Liu (jason@example.com, @jxnlco) opened the call.
- Zoë "Z" Müller joined: zoe.mueller@example.org, twitter @zoe_m.
- Ana Lúcia 🚀 dialled in late (ana@example.net, @analucia).
Offsite on 2024-03-15, Conference room B, 4th floor / Building É.
Budget 12,500 euros, to be confirmed by 2024-03-01."""


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--live",
        action="store_true",
        help="call the OpenAI API (needs OPENAI_API_KEY) instead of the recording",
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help=f"model for --live (default {DEFAULT_MODEL})",
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=0.03,
        help="seconds between replayed stream events (default 0.03)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=1,
        help="times an invalid answer is asked for again (default 1)",
    )
    parser.add_argument("--progress", action="store_true", help="show fields completed")
    parser.add_argument(
        "--web",
        action="store_true",
        help="serve the example page (examples/web) on 127.0.0.1 and print its URL",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="the page's port for --web (default 8000)",
    )


def _from_checkout(module: str) -> Any:
    # generated/ and examples/ sit in the checkout; make the command work from it.
    root = str(Path.cwd())
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise SystemExit(
            f"partialgen demo: run it from the partialgen checkout ({e})"
        ) from e


def _generated_meeting() -> Any:
    return _from_checkout("generated.meeting")


def run_demo(args: argparse.Namespace) -> int:
    if args.web:
        if args.live:
            print(
                "partialgen demo: --web replays the recording; drop --live",
                file=sys.stderr,
            )
            return 2
        web = _from_checkout("examples.web.__main__")
        return int(web.main(["--port", str(args.port), "--delay", str(args.delay)]))
    try:
        from rich.console import Console
    except ImportError as e:
        print(
            f"partialgen demo: {INSTALL_HINT} (missing module: {e.name})",
            file=sys.stderr,
        )
        return 2
    console = Console()
    if args.live and not os.environ.get("OPENAI_API_KEY"):
        console.print(
            "[red]partialgen demo --live needs OPENAI_API_KEY[/] (without --live it "
            "replays a recorded response, no key needed)"
        )
        return 2
    console.print(f"[bold]Meeting notes[/]\n{NOTES}\n")
    with console.status("starting the openai client…"):
        try:
            from openai import OpenAI
        except ImportError as e:
            console.print(
                f"[red]partialgen demo:[/] {INSTALL_HINT} (missing: {e.name})"
            )
            return 2
        meeting = _generated_meeting()
    if args.live:
        return _extract(
            OpenAI(), args.model, f"OpenAI API · {args.model}", meeting, args, console
        )
    from .replay import replay_server

    with replay_server(RECORDING, delay=args.delay) as replay:
        client = OpenAI(base_url=replay.base_url, api_key="replay", max_retries=0)
        source = f"recording replayed at {replay.base_url.removeprefix('http://')}"
        return _extract(client, DEFAULT_MODEL, source, meeting, args, console)


def _extract(
    client: Any,
    model: str,
    source: str,
    meeting: Any,
    args: argparse.Namespace,
    console: Any,
) -> int:
    """Stream the extraction through the one-call client, drawing each snapshot."""
    from openai import APIError
    from rich.live import Live

    from .view import render

    count = 0
    stream = from_openai(client).create_partial(
        meeting.MeetingInfoParser,
        model=model,
        messages=[
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": NOTES},
        ],
        max_retries=args.retries,
    )

    def screen(snapshot: Any, finished: bool = False) -> Any:
        attempt = f" · attempt {stream.attempt}" if stream.attempt > 1 else ""
        return render(
            snapshot,
            show_progress=args.progress,
            source=source + attempt,
            snapshots=count,
            received=len(stream.parser.text) if stream.attempt else 0,
            finished=finished,
        )

    first = meeting.MeetingInfoParser().snapshot  # drawn until the first one arrives
    with Live(screen(first), console=console, auto_refresh=False) as live:
        try:
            with stream:
                for snapshot in stream:
                    count += 1
                    live.update(screen(snapshot), refresh=True)
                live.update(screen(stream.result, finished=True), refresh=True)
        except (PartialgenError, APIError) as error:
            live.stop()
            console.print(f"[red]{type(error).__name__}:[/] {error}")
            text = error.text if isinstance(error, PartialgenError) else ""
            shown = text if len(text) <= 300 else "…" + text[-300:]
            console.print(f"[dim]{len(text)} characters arrived: {shown!r}[/]")
            return 1
        except KeyboardInterrupt:  # the `with` block has closed the stream
            live.stop()
            console.print("[yellow]interrupted[/]")
            return 130
    console.print("\n[bold green]✓[/] the validated [bold]MeetingInfo[/], as JSON:")
    console.print_json(stream.result.model_dump_json())
    return 0
