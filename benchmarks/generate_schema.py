"""The build step on a large JSON Schema: N interlinked models, recursion included.

    python -m benchmarks.generate_schema [N]

Each model refers to its parent in a binary tree whose root refers back to the schema's
root, and the root holds a list of an `anyOf` over half of them. Prints the wall time
and the peak memory of one `partialgen generate --schema` run in a fresh process.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def schema(count: int) -> dict[str, Any]:
    defs = {}
    for i in range(count):
        parent = f"#/$defs/M{(i - 1) // 2}" if i else "#"
        defs[f"M{i}"] = {
            "type": "object",
            "title": f"M{i}",
            "properties": {
                "name": {"type": "string"},
                "size": {"type": "integer", "minimum": 0},
                "kind": {"enum": ["a", "b"]},
                "parent": {"$ref": parent},
            },
            "required": ["name"],
        }
    members = [{"$ref": f"#/$defs/M{i}"} for i in range(count // 2, count)]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "big_root",
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"anyOf": members}}},
        "$defs": defs,
    }


def main(count: int = 1000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "big.schema.json")
        path.write_text(json.dumps(schema(count)), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "partialgen",
            "generate",
            "--schema",
            str(path),
            "--output",
            str(Path(tmp, "big.py")),
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=tmp)
        elapsed = time.perf_counter() - started
        lines = sum(
            len(p.read_text(encoding="utf-8").splitlines())
            for p in Path(tmp).glob("big*.py")
        )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{count} models: {elapsed:.1f} s, peak memory {peak:.0f} MB, {lines} lines generated"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
