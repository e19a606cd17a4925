"""Bounds on the work an untrusted schema can ask for: bytes, values, nesting, output.

Each bound is checked before the expensive step it protects, and breaking one is a
`GeneratorError` (exit 2, one line). The values are documented in
docs/untrusted-schemas.md; change both together.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from .errors import GeneratorError

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
"""One schema file, local or fetched."""

MAX_DOCUMENTS = 200
"""Schema files one target may reach through `$ref`s, its own included."""

MAX_VALUES = 200_000
"""JSON values (objects, arrays, scalars) of all of one target's documents, with every
YAML alias expanded: a YAML alias bomb is a few hundred bytes that expand to millions."""

MAX_DEPTH = 64
"""Nesting of objects and arrays in one document; deeper schemas are refused before any
recursive step (ours or datamodel-code-generator's) can run out of stack."""

MAX_REF_CHAIN = 100
"""`$ref`s leading from one definition into the next, cycles aside: a chain of a few
hundred exhausts the stack of datamodel-code-generator and of pydantic, slowly."""

MAX_OUTPUT_BYTES = 4 * 1024 * 1024
"""One generated module, before formatting."""

MAX_TYPE_NODES = 100_000
"""Types the front-end reads for one target. A RootModel (or alias) is inlined where it
is used, so RootModels that refer to one another expand along every path: nine that all
hold lists of the others made a module of 1 GB after minutes. The largest schema of the
SchemaStore survey reads 2,731; the 3,000-model benchmark 34,504."""


class _TooLarge(Exception):
    pass


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting what merge keys (`<<: [*a, *a]`) copy: they copy
    while loading, so a merge bomb must be stopped there. Aliases only share, and what
    they expand to is measured afterwards."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.merged = 0

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        super().flatten_mapping(node)
        self.merged += len(node.value)
        if self.merged > MAX_VALUES:
            raise _TooLarge


def parse_document(data: bytes, name: str, yaml_syntax: bool) -> Any:
    """Decode a schema file's bytes (JSON, or YAML), refusing it if it is too big."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise GeneratorError(
            f"{name} is {len(data)} bytes, over the limit of {MAX_DOCUMENT_BYTES}"
        )
    try:
        text = data.decode("utf-8")
        if yaml_syntax:
            return yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader
        return json.loads(text)
    except _TooLarge:
        raise GeneratorError(
            f"{name} expands to more than {MAX_VALUES} values (YAML merge keys "
            "included); refusing it"
        ) from None
    except RecursionError:
        raise GeneratorError(
            f"{name} is nested too deeply (limit {MAX_DEPTH} levels)"
        ) from None
    except (ValueError, yaml.YAMLError) as e:
        message = " ".join(str(e).split())
        raise GeneratorError(f"{name} is not valid JSON/YAML: {message}") from None


def measure(document: Any, name: str) -> int:
    """The number of JSON values in `document` with aliases expanded; refuses it when
    that or its nesting is over the limits, or when a YAML alias contains itself.

    Iterative and memoised by object identity: a document of shared subtrees (what YAML
    aliases load as) is measured in time linear in its size on disk, not its expansion.
    """
    sizes: dict[int, tuple[int, int]] = {}  # id → (values, depth)
    open_ids: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)]
    keep: list[Any] = []  # ids stay unique while their objects live
    while stack:
        value, children_done = stack.pop()
        if not isinstance(value, dict | list):
            continue
        key = id(value)
        if children_done:
            children = [
                sizes.get(id(c), (1, 0)) for c in _children(value)
            ]  # scalars count one
            values = 1 + sum(s for s, _ in children)
            depth = 1 + max((d for _, d in children), default=0)
            sizes[key] = (values, depth)
            open_ids.discard(key)
            if depth > MAX_DEPTH:
                raise GeneratorError(
                    f"{name} is nested {depth} levels deep, over the limit of {MAX_DEPTH}"
                )
            if values > MAX_VALUES:
                raise GeneratorError(
                    f"{name} expands to more than {MAX_VALUES} values (YAML aliases "
                    "included); refusing it"
                )
            continue
        if key in sizes:
            continue
        if key in open_ids:
            raise GeneratorError(f"{name} contains a YAML alias inside itself")
        if len(open_ids) > MAX_DEPTH:
            raise GeneratorError(
                f"{name} is nested more than {MAX_DEPTH} levels deep, over the limit"
            )
        open_ids.add(key)
        keep.append(value)
        stack.append((value, True))
        stack.extend((c, False) for c in _children(value))
    if isinstance(document, dict | list):
        return sizes[id(document)][0]
    return 1


def _children(value: dict[Any, Any] | list[Any]) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else value


def check_output_size(source: str, what: str) -> None:
    size = len(source.encode("utf-8"))
    if size > MAX_OUTPUT_BYTES:
        raise GeneratorError(
            f"{what} would be {size} bytes, over the limit of {MAX_OUTPUT_BYTES}; "
            "split the schema or the models"
        )
