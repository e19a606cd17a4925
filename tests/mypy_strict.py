"""Running `mypy --strict` from the tests, one way: a private cache, one error a line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

MYPY_TIMEOUT = 300


def run_mypy_strict(
    targets: Sequence[str],
    *,
    cwd: Path,
    cache: Path,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """mypy --strict on `targets`; its output has `path:line: error: message  [code]`."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(cache),
            "--hide-error-context",
            "--no-pretty",
            "--no-error-summary",
            "--show-error-codes",
            *targets,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=MYPY_TIMEOUT,
    )
    # mypy exits 1 for type errors; anything else (2: crash or bad usage) is not a result.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result
