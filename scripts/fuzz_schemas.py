"""Long fuzz run of the generator on hostile schemas (not part of the test suite).

    python scripts/fuzz_schemas.py --minutes 5

Runs the property of tests/generator/hostile_schemas.py (the bounded version runs in
tests/generator/test_hostile_schemas.py) batch after batch with fresh random seeds until
the time is up, and prints each distinct failure once with the input that showed it.
Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings

from tests.generator.hostile_schemas import documents, run_hostile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=50, help="examples per seed")
    args = parser.parse_args()
    server = socket.create_server(("127.0.0.1", 0), backlog=16)
    port = server.getsockname()[1]
    findings: dict[str, str] = {}
    examples = 0
    deadline = time.monotonic() + args.minutes * 60

    @settings(
        max_examples=args.batch,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(files=documents(port))
    def batch(files: dict[str, Any]) -> None:
        nonlocal examples
        examples += 1
        try:
            run_hostile(files, server)
        except Exception as e:  # every failure is a finding; keep going
            key = (
                f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
            )
            findings.setdefault(key, f"{traceback.format_exc()}\ninput: {files!r}")

    while time.monotonic() < deadline:
        batch()
    server.close()
    for key, detail in findings.items():
        print(f"=== {key}\n{detail}\n")
    print(f"{examples} examples, {len(findings)} distinct finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
