"""The template writes what black would: black then confirms the module in one pass.

black formats a module a second time whenever its first pass changed something, and
splitting long lines is its slowest work, so a large schema's build time was mostly
black's. These tests hold the layout to black's own output: on every module the
project generates, on a large schema, and on random field lines and spec tables.
"""

from __future__ import annotations

import json
import keyword
import subprocess
import sys
from pathlib import Path

import black
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from partialgen.generator import render
from partialgen.generator.config import Target, load_targets
from partialgen.generator.imports import import_block
from partialgen.generator.layout import (
    Brackets,
    Chain,
    Expr,
    assigned,
    call,
    field_line,
    lay,
    literal,
)
from partialgen.generator.pipeline import generate_target
from partialgen.generator.plan import Plan
from partialgen.generator.render import BLACK_MODE

from benchmarks.generate_schema import schema as large_schema

ROOT = Path(__file__).resolve().parents[2]


def _black(source: str) -> str:
    return black.format_str(source, mode=BLACK_MODE)


def _templates_of(target: Target, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The partials module's source as the template wrote it, before black."""
    written: list[str] = []
    original = render.template_source

    def recording(plan: Plan) -> str:
        written.append(original(plan))
        return written[-1]

    monkeypatch.setattr(render, "template_source", recording)
    generate_target(target)
    return written


def test_every_checked_in_module_is_written_as_black_leaves_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    targets = load_targets(ROOT / "pyproject.toml")
    assert len(targets) >= 8
    for target in targets:
        target = Target(
            output=ROOT / target.output,
            models=target.models,
            schema=None if target.schema is None else ROOT / target.schema,
        )
        (source,) = _templates_of(target, monkeypatch)
        assert _black(source) == source, target.output


def test_a_large_schema_is_written_as_black_leaves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 120 interlinked models; the root's list of a 60-member union makes lines of
    # hundreds of characters, in the class body and in the spec table.
    path = tmp_path / "big.schema.json"
    path.write_text(json.dumps(large_schema(120)), encoding="utf-8")
    (source,) = _templates_of(
        Target(output=tmp_path / "big.py", schema=path), monkeypatch
    )
    assert max(len(line) for line in source.splitlines()) <= 88
    assert _black(source) == source


# -- random field lines and spec tables, against black -----------------------------------

_names = st.from_regex(r"[A-Z][a-z]{0,30}", fullmatch=True).map(lambda s: f"Partial{s}")
_texts = st.text(
    st.characters(codec="ascii", categories=("L", "N", "P", "Zs")), max_size=60
)
_attrs = st.from_regex(r"[a-z][a-z_]{0,24}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s)
)
_members = st.lists(_names, min_size=1, max_size=6, unique=True)


@st.composite
def _fields(draw: st.DrawFn) -> tuple[str, Expr, Expr | None]:
    """A field as the plan writes it: a default comes with `| None`."""
    default = draw(_defaults())
    return draw(_attrs), draw(_annotations(optional=default is not None)), default


_literals = st.lists(_texts, min_size=1, max_size=12, unique=True).map(
    lambda values: Brackets("Literal[", tuple(literal(v) for v in values), "]")
)


@st.composite
def _annotations(draw: st.DrawFn, optional: bool) -> Expr:
    members: list[Expr] = list(draw(_members))
    if draw(st.booleans()):
        members.insert(0, draw(_literals))
    if draw(st.booleans()):
        inner = members[0] if len(members) == 1 else Chain(tuple(members))
        container = draw(st.sampled_from(["list", "dict"]))
        args = (inner,) if container == "list" else ("str", inner)
        members = [Brackets(f"{container}[", args, "]")]
    if optional or draw(st.booleans()):
        members.append("None")
    return members[0] if len(members) == 1 else Chain(tuple(members))


@st.composite
def _defaults(draw: st.DrawFn) -> Expr | None:
    kind = draw(st.sampled_from(["none", "null", "text", "field"]))
    if kind == "none":
        return None
    if kind == "null":
        return "None"
    if kind == "text":
        return literal(draw(_texts))
    kwargs: list[Expr] = ["default=None"]
    if draw(st.booleans()):
        kwargs.append(f"alias={literal(draw(_texts))}")
    if draw(st.booleans()):
        kwargs.append(f"description={literal(draw(_texts))}")
    return call("Field", *kwargs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        _fields(),
        min_size=1,
        max_size=8,
    )
)
def test_field_lines_are_laid_out_as_black_lays_them_out(
    fields: list[tuple[str, Expr, Expr | None]],
) -> None:
    body = "\n".join(field_line(a, ann, d, 4) for a, ann, d in fields)
    source = f"class Partial(Base):\n{body}\n"
    assert _black(source) == source


@st.composite
def _specs(draw: st.DrawFn, depth: int = 0) -> Expr:
    leaf = st.one_of(
        st.just("_s.Str()"),
        _names.map(lambda n: f"_{n}"),
        st.tuples(_names, _texts).map(lambda t: call("_s.At", t[0], literal(t[1]))),
    )
    if depth > 3 or draw(st.booleans()):
        return draw(leaf)
    kind = draw(st.sampled_from(["optional", "list", "union", "choice"]))
    if kind in ("optional", "list"):
        callee = "_s.Optional" if kind == "optional" else "_s.ListOf"
        return call(callee, draw(_specs(depth + 1)))
    if kind == "choice":
        values = draw(st.lists(_texts, min_size=1, max_size=5))
        return call("_s.Choice", literal(tuple((v, v) for v in values)), "_s.STRING")
    members = tuple(draw(st.lists(_specs(depth + 1), min_size=2, max_size=4)))
    tags = draw(st.dictionaries(_texts, st.integers(0, 3), max_size=4))
    return call(
        "_s.Union",
        Brackets("(", members, ")", magic=True),
        Brackets("discriminator=(", ('"kind"', literal(tags)), ")"),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_texts, _specs()), min_size=1, max_size=6))
def test_spec_tables_are_laid_out_as_black_lays_them_out(
    specs: list[tuple[str, Expr]],
) -> None:
    lines = [
        "    "
        + lay(call("_s.Field", literal(key), literal(key), spec), 4, 4, ",")
        + ","
        for key, spec in specs
    ]
    source = "_PartialX.define(\n    PartialX,\n" + "\n".join(lines) + "\n)\n"
    assert _black(source) == source


@pytest.mark.parametrize("renamed", [("Alpha", "Alpha_2"), ("Zulu", "Zulu_2")])
def test_a_split_import_keeps_the_order_isort_wants(
    tmp_path: Path, renamed: tuple[str, str]
) -> None:
    # A split import sorts by its names as if written on one line, not by its `(`.
    names = {(n, n) for n in ("Alpha1", "Beta", "Gamma", "Delta", "Epsilon", "Zeta")}
    names |= {(n, n) for n in ("Eta", "Theta", "Iota", "Kappa", "Lambda")}
    block = import_block({"pkg.models": names | {renamed}})
    renaming = f"from pkg.models import {renamed[0]} as {renamed[1]}"
    assert block.index(renaming) == (0 if renamed[0] == "Alpha" else 1)
    path = tmp_path / "imports.py"
    path.write_text("\n".join(block) + "\n", encoding="utf-8")
    ruff = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I"]
    result = subprocess.run([*ruff, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("length", [10, 40, 60, 66, 70, 75, 80, 84, 90, 120])
def test_long_class_names_are_laid_out_as_black_lays_them_out(length: int) -> None:
    name = "N" * length
    spec = assigned(f"_Partial{name}", call("_s.Model", name), 0)
    partial = lay(Brackets(f"class Partial{name}(", ("PartialModel",), "):"), 0, 0)
    base = Brackets("StreamParser[", (f"Partial{name}", name), "]")
    parser = lay(Brackets(f"class {name}Parser(", (base,), "):"), 0, 0)
    source = f"{spec}\n\n\n{partial}\n    pass\n\n\n{parser}\n    spec = 1\n"
    assert _black(source) == source
