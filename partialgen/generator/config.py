"""Targets from `[tool.partialgen]` in pyproject.toml, or from the command line."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import GeneratorError


@dataclass(frozen=True)
class Target:
    """One generated module: its inputs and where it goes."""

    output: Path
    models: tuple[str, ...] = ()
    schema: Path | None = None  # JSON Schema or OpenAPI input, instead of models
    class_name: str | None = None  # the schema's root class, when its title won't do

    @property
    def models_output(self) -> Path:
        """Where the full models made from a schema go: next to the generated module."""
        return self.output.with_name(f"{self.output.stem}_models.py")


def load_targets(config: Path) -> list[Target]:
    """Read every `[[tool.partialgen.targets]]`; paths are relative to the config file."""
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise GeneratorError(f"cannot read {config}: {e}") from e
    section = data.get("tool", {}).get("partialgen")
    if not isinstance(section, dict) or not isinstance(section.get("targets"), list):
        raise GeneratorError(f"{config} has no [[tool.partialgen.targets]]")
    root = config.parent
    targets = []
    for index, raw in enumerate(section["targets"]):
        where = f"{config}: tool.partialgen.targets[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("output"), str):
            raise GeneratorError(f"{where}: needs an `output` path")
        models = raw.get("models", [])
        if isinstance(models, str):
            models = [models]
        if not models or not all(isinstance(m, str) for m in models):
            raise GeneratorError(
                f"{where}: needs `models`, a list of MODULE[:CLASS] strings"
            )
        unknown = set(raw) - {"output", "models"}
        if unknown:
            raise GeneratorError(f"{where}: unknown keys {sorted(unknown)}")
        targets.append(Target(output=root / raw["output"], models=tuple(models)))
    return targets


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.partialgen] section, upwards from `start`."""
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and "[tool.partialgen" in candidate.read_text(
            encoding="utf-8"
        ):
            return candidate
    return None
