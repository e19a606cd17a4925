"""One target's inputs → one module's source text."""

from __future__ import annotations

from collections.abc import Sequence

from .config import Target
from .frontend import build_module, load_models
from .plan import make_plan
from .render import render


def generate_source(models: Sequence[str]) -> str:
    """The generated module for `--model` inputs (`pkg.mod:Class` or `pkg.mod`)."""
    classes = [cls for spec in models for cls in load_models(spec)]
    return render(make_plan(build_module(classes, tuple(models))))


def generate_target(target: Target) -> str:
    return generate_source(target.models)
