"""Shared helpers for the build-step tests: a workspace on sys.path, AST readers."""

from __future__ import annotations

import ast
import importlib
import json
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

from partialgen.generator import generate_source
from partialgen.generator.config import Target
from partialgen.generator.pipeline import generate_target


class Workspace:
    """A directory on sys.path holding user model modules and generated modules."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, source: str) -> Path:
        """Write module `name` (dedented) and make it importable."""
        path = self.root / f"{name}.py"
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        importlib.invalidate_caches()
        return path

    def import_module(self, name: str) -> ModuleType:
        importlib.invalidate_caches()
        return importlib.import_module(name)

    def generate(self, *models: str) -> str:
        """The generated module's text for `--model` inputs."""
        return generate_source(list(models))

    def generate_and_import(self, *models: str, name: str = "generated_out") -> Any:
        """Generate, write as module `name`, import it; returns the module (as Any)."""
        source = self.generate(*models)
        self.write_raw(name, source)
        return self.import_module(name)

    def write_raw(self, name: str, source: str) -> Path:
        path = self.root / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        importlib.invalidate_caches()
        return path


def class_annotations(source: str, class_name: str) -> dict[str, str]:
    """{attribute: annotation as written} for one class of a generated module."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return {
                stmt.target.id: ast.unparse(stmt.annotation)
                for stmt in node.body
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            }
    raise AssertionError(f"no class {class_name} in the generated module")


def defined_classes(module: ModuleType) -> set[str]:
    """Names of the classes the module itself defines (not imported ones)."""
    return {
        name
        for name, obj in vars(module).items()
        if isinstance(obj, type) and obj.__module__ == module.__name__
    }


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for `python -m partialgen` runs: the partialgen under test, nothing else.

    PYTHONPATH names only the directory holding this `partialgen` package, so the
    subprocess runs the same code as the tests; the user's models come from its cwd.
    """
    import os

    import partialgen

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(Path(partialgen.__file__).resolve().parents[1])
    env.update(extra)
    return env


def generate_schema_and_import(tmp_path: Path, schema: dict[str, Any], tag: str) -> Any:
    """Generate from a JSON Schema into package `pkg_<tag>` under `tmp_path`; import it."""
    path = tmp_path / f"{tag}.json"
    path.write_text(json.dumps(schema))
    package = tmp_path / f"pkg_{tag}"
    package.mkdir()
    (package / "__init__.py").write_text("")
    target = Target(package / "out.py", schema=path, ref_root=tmp_path)
    for file, text in generate_target(target).items():
        file.write_text(text)
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.invalidate_caches()
        return importlib.import_module(f"pkg_{tag}.out")
    finally:
        sys.path.remove(str(tmp_path))
