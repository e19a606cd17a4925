"""How long the build step takes for a module of many models (with black).

    python -m benchmarks.generate_many [N]

Writes N related models into a temporary module, generates their partials and parsers
in-process, and prints the best of three wall times and the output size.
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
import time
from pathlib import Path

from partialgen.generator import generate_source


def model_source(count: int) -> str:
    lines = [
        "from __future__ import annotations",
        "import datetime",
        "from typing import Literal",
        "from pydantic import BaseModel, Field",
    ]
    for i in range(count):
        ref = f"M{i - 1} | None = None" if i else "int = 0"
        lines.append(textwrap.dedent(f'''
            class M{i}(BaseModel):
                """Model number {i}."""
                name: str
                size: int = Field(default=3, description="a size")
                ratio: float | None = None
                kind: Literal["a", "b", "c"] = "a"
                tags: list[str] = Field(default_factory=list)
                when: datetime.date | None = None
                previous: {ref}
        '''))
    return "\n".join(lines)


def main(count: int = 100) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "many_models.py").write_text(model_source(count), encoding="utf-8")
        sys.path.insert(0, tmp)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            source = generate_source(["many_models"])
            times.append(time.perf_counter() - started)
    print(
        f"{count} models: best {min(times):.2f}s of 3 runs, "
        f"{len(source.splitlines())} lines generated"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
