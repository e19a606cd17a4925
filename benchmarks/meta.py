"""What the results were measured on: versions, machine, the commit and local edits."""

from __future__ import annotations

import datetime
import hashlib
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .harness import Config

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["pydantic", "pydantic-core", "jiter", "instructor"]


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def runtime_digest() -> str:
    """sha256 (12 hex digits) of the partialgen runtime sources this process loaded."""
    digest = hashlib.sha256()
    for name in sorted(sys.modules):
        if name == "partialgen" or name.startswith("partialgen."):
            path = getattr(sys.modules[name], "__file__", None)
            if path and path.endswith(".py"):
                digest.update(name.encode() + b"\0" + Path(path).read_bytes())
    return digest.hexdigest()[:12]


def environment(config: Config) -> dict[str, Any]:
    dirty = _git("status", "--porcelain", "--", "partialgen", "generated", "examples")
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.orig_argv[1:]]),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "packages": {p: _version(p) for p in PACKAGES},
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_in_partialgen": dirty.splitlines() if dirty else [],
        "partialgen_source_digest": runtime_digest(),
        "sizes": config.sizes,
        "models": config.models,
        "impls": config.impls,
        "budget_s": config.budget_s,
        "max_runs": config.max_runs,
        "chunk_chars": 4,
        "gc": "enabled during runs; gc.collect() before each",
    }
