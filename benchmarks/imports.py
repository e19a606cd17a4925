"""Import time of each generated module vs the models module it wraps.

Each figure is the best of several fresh interpreters (`python -c`), timing only the
`import` statement with `time.perf_counter_ns` inside the child, so interpreter startup
is excluded. Modules are measured in interleaved rounds after one untimed warm-up each
(which also leaves the bytecode caches written, as in a user's installed project).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .harness import ImportTiming

ROOT = Path(__file__).resolve().parent.parent

# generated module -> the models module it wraps
PAIRS = {
    "meeting": ("generated.meeting", "examples.meeting"),
    "catalog": ("generated.catalog", "examples.catalog"),
}
BASELINE = "pydantic"

_SNIPPET = (
    "import time\n"
    "t = time.perf_counter_ns()\n"
    "import {module}\n"
    "print(time.perf_counter_ns() - t)\n"
)


def import_ns(module: str) -> int:
    """Nanoseconds `import module` takes in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    done = subprocess.run(
        [sys.executable, "-c", _SNIPPET.format(module=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def measure_imports(models: list[str], repeats: int) -> list[ImportTiming]:
    modules = [BASELINE]
    for model in models:
        modules.extend(m for m in PAIRS[model] if m not in modules)
    for module in modules:  # warm-up: bytecode caches, disk cache
        import_ns(module)
    runs: dict[str, list[float]] = {m: [] for m in modules}
    for _ in range(max(1, repeats)):
        for module in modules:
            runs[module].append(import_ns(module) / 1e6)
    return [ImportTiming(m, min(runs[m]), runs[m]) for m in modules]
