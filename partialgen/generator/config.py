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
    schema_label: str = ""  # the schema path as the user wrote it, for the file marker
    ref_root: Path | None = None  # where a schema's file $refs may lead (default: cwd)
    allow_remote_refs: bool = False  # https $refs are fetched (nothing else ever is)
    typescript: Path | None = None  # the same types as TypeScript, for the browser

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
        unknown = set(raw) - {
            "output",
            "models",
            "schema",
            "class_name",
            "allow_remote_refs",
            "typescript",
        }
        if unknown:
            raise GeneratorError(f"{where}: unknown keys {sorted(unknown)}")
        output = root / raw["output"]
        typescript = raw.get("typescript")
        if typescript is not None and not isinstance(typescript, str):
            raise GeneratorError(f"{where}: `typescript` must be a path")
        typescript_path = root / typescript if typescript else None
        if "schema" in raw:
            class_name = raw.get("class_name")
            if "models" in raw or not isinstance(raw["schema"], str):
                raise GeneratorError(
                    f"{where}: `schema` is one path, and excludes `models`"
                )
            if class_name is not None and not isinstance(class_name, str):
                raise GeneratorError(f"{where}: `class_name` must be a string")
            allow_remote_refs = raw.get("allow_remote_refs", False)
            if not isinstance(allow_remote_refs, bool):
                raise GeneratorError(
                    f"{where}: `allow_remote_refs` must be true or false"
                )
            targets.append(
                Target(
                    output,
                    schema=root / raw["schema"],
                    class_name=class_name,
                    schema_label=raw["schema"],
                    ref_root=root,
                    allow_remote_refs=allow_remote_refs,
                    typescript=typescript_path,
                )
            )
            continue
        if "allow_remote_refs" in raw:
            raise GeneratorError(f"{where}: `allow_remote_refs` goes with `schema`")
        models = raw.get("models", [])
        if isinstance(models, str):
            models = [models]
        if not models or not all(isinstance(m, str) for m in models):
            raise GeneratorError(
                f"{where}: needs `models` (MODULE[:CLASS] strings) or a `schema` path"
            )
        targets.append(Target(output, models=tuple(models), typescript=typescript_path))
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
