"""Import blocks in isort's style, decided here and not by any tool's configuration.

Groups: the standard library, third-party packages (pydantic, partialgen, anything
installed in site-packages), then the user's own modules; sorted within each group, and
names ordered CONSTANTS, Classes, then functions and variables.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping

from .layout import WIDTH, Brackets, lay

_THIRD_PARTY = frozenset(
    {"pydantic", "pydantic_core", "partialgen", "annotated_types", "typing_extensions"}
)
Names = Iterable[tuple[str, str]]  # (imported name, local name)


def import_group(module: str) -> int:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        return 0
    if top in _THIRD_PARTY:
        return 1
    origin = getattr(sys.modules.get(top), "__file__", None) or ""
    return 1 if "site-packages" in origin or "dist-packages" in origin else 2


def _name_key(item: tuple[str, str]) -> tuple[int, str]:
    name = item[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def _as(name: str, local: str) -> str:
    return name if name == local else f"{name} as {local}"


def _from_import(module: str, names: list[str]) -> str:
    """One `from` import, split one name a line (black's way) if it is too long."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= WIDTH:
        return line
    return lay(Brackets(f"from {module} import (", tuple(names), ")", magic=True), 0, 0)


def import_block(imports: Mapping[str, Names], modules: Names = ()) -> list[str]:
    """`from m import a, b as c` lines (and `import m as x`), grouped and sorted."""
    # (group, module, the text sorted on, the names of a `from` import: [] for `import`)
    lines: list[tuple[int, str, str, list[str]]] = []
    for module, local in modules:
        lines.append((import_group(module), module, f"import {_as(module, local)}", []))
    for module, names in imports.items():
        plain = sorted((n for n in names if n[0] == n[1]), key=_name_key)
        renamed = sorted((n for n in names if n[0] != n[1]), key=_name_key)
        if plain:  # isort keeps `x as y` imports on lines of their own
            imported = [n for n, _ in plain]
            lines.append((import_group(module), module, ", ".join(imported), imported))
        for name, local in renamed:
            text = _as(name, local)
            lines.append((import_group(module), module, text, [text]))
    out: list[str] = []
    for group in (0, 1, 2):
        # Within a group, isort puts `import x` lines before `from x import y` lines,
        # and sorts by the names imported, as written on one line (not by a split
        # line's `(`).
        block = sorted(
            (bool(imported), m, text, imported)
            for g, m, text, imported in lines
            if g == group
        )
        for _, m, text, imported in block:
            out.append(_from_import(m, imported) if imported else text)
        if block:
            out.append("")
    return out[:-1]


def sort_imports(source: str) -> str:
    """Regroup the leading `from x import y` statements of a module (after __future__)."""
    tree = ast.parse(source)
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and n is tree.body[0])]
    imports: dict[str, set[tuple[str, str]]] = {}
    first = last = None
    for node in body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.module != "__future__"
            and node.level == 0
        ):
            assert node.module is not None
            for alias in node.names:
                imports.setdefault(node.module, set()).add(
                    (alias.name, alias.asname or alias.name)
                )
            first = node.lineno if first is None else first
            last = node.end_lineno
        elif isinstance(node, ast.ImportFrom | ast.Import):
            continue
        else:
            break
    if first is None or last is None:
        return source
    lines = source.splitlines(keepends=True)
    before = "".join(lines[: first - 1])
    if before and not before.endswith("\n\n"):
        before += "\n"  # a blank line after `from __future__ import ...`
    return before + "\n".join(import_block(imports)) + "\n" + "".join(lines[last:])
