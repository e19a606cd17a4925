"""Hostile JSON Schemas for the generator, as hypothesis strategies, and what must hold.

Names (keywords, dunders, quotes, line breaks, non-ASCII), `$ref`s (into the document,
into a sibling file, out of the root in every spelling, to URLs), cycles and sizes. For
any of them, `partialgen generate` either writes modules that import or refuses with
exit 2 and one line; it never connects anywhere, never copies the outside secret, never
shows a traceback. tests/generator/test_hostile_schemas.py runs this briefly;
scripts/fuzz_schemas.py runs it at length.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from partialgen.__main__ import main

SECRET = "SECRET-42"

NASTY_NAMES = [
    "class",
    "None",
    "__init__",
    "__class__",
    "model_config",
    "model_fields",
    "self",
    "BaseModel",
    "Field",
    "Parser",
    "1st",
    "a-b",
    "a b",
    "",
    " ",
    "'",
    '"""',
    "\\",
    "line\nbreak",
    "{{ x }}",
    "café",
    "日本",
    "\u2028",
    "x" * 200,
]

names = st.one_of(
    st.sampled_from(NASTY_NAMES),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
)


def ref_values(port: int) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            "#",
            "#/$defs/A",
            "#/$defs/B",
            "#/$defs/missing",
            "#/properties",
            "other.json",
            "other.json#/$defs/A",
            "./sub/../other.json",
            "../outside/secret.json",
            "%2e%2e/outside/secret.json",
            "link.json",
            "/etc/passwd",
            "file:///etc/passwd",
            "FILE://localhost/etc/passwd",
            f"http://127.0.0.1:{port}/x.json",
            f"https://127.0.0.1:{port}/x.json",
            f"https://localhost:{port}/x.json#/a",
            "ftp://example.com/x.json",
            "urn:uuid:0",
            "data:application/json,{}",
        ]
    )


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(
            lambda props, title: {
                "type": "object",
                "title": title,
                "properties": props,
            },
            st.dictionaries(names, children, max_size=4),
            names,
        ),
        st.builds(lambda item: {"type": "array", "items": item}, children),
        st.builds(
            lambda members: {"anyOf": members},
            st.lists(children, min_size=1, max_size=3),
        ),
        st.builds(
            lambda item: {"type": "object", "additionalProperties": item}, children
        ),
    )


def schemas(port: int) -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.sampled_from(
            [
                {"type": "string"},
                {"type": "integer"},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "null"},
                {},
                True,
            ]
        ),
        st.builds(lambda r: {"$ref": r}, ref_values(port)),
        st.builds(
            lambda v: {"enum": v},
            st.lists(st.one_of(names, st.integers()), min_size=1, max_size=4),
        ),
        st.builds(lambda d: {"type": "string", "default": d, "description": d}, names),
        st.builds(lambda n: {"enum": list(range(n))}, st.sampled_from([1, 50, 2000])),
    )

    return st.recursive(leaves, _containers, max_leaves=12)


@st.composite
def documents(draw: st.DrawFn, port: int) -> dict[str, Any]:
    """The main schema, its sibling `other.json`, and `$id` sometimes."""
    schema = schemas(port)

    def document() -> dict[str, Any]:
        found: dict[str, Any] = {
            "title": draw(names),
            "type": "object",
            "properties": draw(st.dictionaries(names, schema, min_size=1, max_size=4)),
            "$defs": {"A": draw(schema), "B": draw(schema)},
        }
        if draw(st.booleans()):
            found["required"] = list(found["properties"])[:1]
        if draw(st.integers(0, 9)) == 0:
            found["$id"] = draw(
                st.sampled_from(
                    ["https://example.com/a.json", "file:///etc/", "urn:x", "sub/"]
                )
            )
        return found

    return {"main.json": document(), "other.json": document()}


@dataclass
class Outcome:
    code: int
    err: str
    written: dict[str, str]


def run_hostile(files: dict[str, Any], listener: socket.socket) -> Outcome:
    """Generate from `files` in a fresh project next to an outside secret; check what
    must hold, raising AssertionError with the reason."""
    with tempfile.TemporaryDirectory(prefix="partialgen-fuzz-") as top:
        base = Path(top)
        (base / "outside").mkdir()
        (base / "outside/secret.json").write_text(
            json.dumps(
                {
                    "title": "S",
                    "type": "string",
                    "default": SECRET,
                    "description": SECRET,
                }
            ),
            encoding="utf-8",
        )
        root = base / "proj"
        (root / "sub").mkdir(parents=True)
        (root / "out").mkdir()
        (root / "out/__init__.py").write_text("", encoding="utf-8")
        for name, document in files.items():
            (root / name).write_text(json.dumps(document), encoding="utf-8")
        (root / "link.json").symlink_to(base / "outside/secret.json")
        path, modules = list(sys.path), set(sys.modules)
        err = io.StringIO()
        try:
            with (
                contextlib.chdir(root),
                contextlib.redirect_stderr(err),
                contextlib.redirect_stdout(io.StringIO()),
            ):
                code = main(
                    ["generate", "--schema", "main.json", "--output", "out/fuzzed.py"]
                )
            written = {
                p.name: p.read_text(encoding="utf-8")
                for p in sorted((root / "out").glob("*.py"))
                if p.name != "__init__.py"
            }
            if code == 0:
                sys.path.insert(0, str(root))
                importlib.invalidate_caches()
                importlib.import_module("out.fuzzed")
        finally:
            sys.path[:] = path
            for name in set(sys.modules) - modules:
                del sys.modules[name]
    message = err.getvalue()
    assert code in (0, 2), f"exit {code}: {message}"
    assert "Traceback" not in message, message
    if code == 2:
        assert written == {}, "refused, yet wrote files"
        lines = message.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("partialgen: error: "), message
    for name, text in written.items():
        assert SECRET not in text, f"the outside secret reached {name}"
    listener.settimeout(0.01)
    with contextlib.suppress(TimeoutError):
        connection, _ = listener.accept()
        connection.close()
        raise AssertionError("something connected to the listener")
    return Outcome(code, message, written)
