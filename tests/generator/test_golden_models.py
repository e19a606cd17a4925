"""datamodel-code-generator's output for a few schemas, compared with committed copies.

An upgrade of its pin shows here as a readable diff. After reviewing one, regenerate:

    PARTIALGEN_UPDATE_GOLDEN=1 python -m pytest tests/generator/test_golden_models.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from partialgen.generator.schema import models_source

GOLDEN = Path(__file__).parent / "golden"
SCHEMAS = sorted(GOLDEN.glob("*.schema.json"))


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: p.name)
def test_datamodel_code_generator_output_is_unchanged(schema: Path) -> None:
    produced = models_source(schema, openapi=False)
    expected_path = schema.with_name(
        schema.name.replace(".schema.json", ".models.py.txt")
    )
    if os.environ.get("PARTIALGEN_UPDATE_GOLDEN"):
        expected_path.write_text(produced, encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            produced.splitlines(keepends=True),
            fromfile=f"{expected_path.name} (committed)",
            tofile="datamodel-code-generator now",
        )
    )
    assert not diff, "datamodel-code-generator's output changed:\n" + diff


def test_there_are_golden_schemas() -> None:
    assert len(SCHEMAS) >= 3
