"""One target's inputs → the source text of every file it generates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .config import Target
from .errors import GeneratorError
from .frontend import build_module, load_models
from .plan import comment_safe, generated_header, make_plan
from .render import format_source, render


def generate_source(models: Sequence[str]) -> str:
    """The generated module for `--model` inputs (`pkg.mod:Class` or `pkg.mod`)."""
    classes = [cls for spec in models for cls in load_models(spec)]
    return render(make_plan(build_module(classes, tuple(models))))


def module_name(path: Path) -> str:
    """The dotted name `path` is imported as: its package, found by `__init__.py` files."""
    parts = [path.stem]
    directory = path.resolve().parent
    while (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts)


def generate_target(target: Target) -> dict[Path, str]:
    """Every file a target writes: the partials module, and for a schema its full models."""
    try:
        return _generate_target(target)
    except RecursionError:  # a last resort: the limits and checks should come first
        name = target.schema_label or ", ".join(target.models)
        raise GeneratorError(
            f"{name}: types nest or recurse too deeply to generate (recursion is "
            "supported through BaseModel fields)"
        ) from None


def _generate_target(target: Target) -> dict[Path, str]:
    if target.schema is None:
        return {target.output: generate_source(target.models)}
    from .refs import RefPolicy
    from .schema import (
        load_schema_models,
    )  # only schema input needs datamodel-code-generator

    source_name = target.schema_label or target.schema.name
    policy = RefPolicy.under(target.ref_root or Path.cwd(), target.allow_remote_refs)
    models = load_schema_models(
        target.schema, module_name(target.models_output), target.class_name, policy
    )
    header = (
        generated_header(comment_safe(source_name))
        + "\n# The full models, made from the schema by datamodel-code-generator (pinned).\n"
    )
    return {
        target.models_output: format_source(header + models.source),
        target.output: render(make_plan(build_module(models.roots, (source_name,)))),
    }
