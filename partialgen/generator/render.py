"""Render a plan through the jinja2 template, then format once with black (pinned)."""

from __future__ import annotations

import ast
from functools import cache
from importlib import resources

import black
import jinja2
from black.mode import Mode, TargetVersion
from black.parsing import InvalidInput

from ..runtime.collector import paused_collector
from .errors import GeneratorError
from .limits import check_output_size
from .plan import Plan

# Fixed here, not read from the user's configuration: output must not depend on it.
BLACK_MODE = Mode(target_versions={TargetVersion.PY311}, line_length=88)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def _load(name: str) -> str:
    return resources.files("partialgen").joinpath("templates", name).read_text("utf-8")


def render(plan: Plan) -> str:
    return format_source(template_source(plan))


def template_source(plan: Plan) -> str:
    """The module as the template writes it: already laid out as black would, so that
    black, which formats twice when its first pass changes anything, runs once."""
    template = _environment().get_template("module.py.jinja")
    source = template.render(plan=plan, h=plan.helpers)
    check_output_size(source, "the generated module")
    return source


def format_source(source: str) -> str:
    """Format once with the pinned black; refuse anything that does not parse."""
    try:
        ast.parse(source)
        # black builds a tree of the whole module (parent links make every node part
        # of a cycle); the collector's passes over it as it grew made formatting a
        # large module superlinear: 75,000 lines took 26 s with them, 10.6 s without.
        with paused_collector():
            return black.format_str(source, mode=BLACK_MODE)
    except (SyntaxError, InvalidInput) as e:  # a bug in the plan, never the user's
        raise GeneratorError(
            f"internal error: generated code does not parse: {e}"
        ) from e
