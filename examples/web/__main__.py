"""`python -m examples.web`: the example page on 127.0.0.1, fed by the replay server."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import uvicorn
from partialgen.demo.replay import replay_server

from . import create_app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.web", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="default: 8000")
    parser.add_argument(
        "--delay",
        type=float,
        default=0.05,
        help="seconds between the recorded events (default: 0.05)",
    )
    args = parser.parse_args(argv)
    with replay_server("openai-chat-meeting", delay=args.delay) as replay:
        app = create_app(replay.base_url)
        print(f"The meeting, live: http://127.0.0.1:{args.port}/", flush=True)
        uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
