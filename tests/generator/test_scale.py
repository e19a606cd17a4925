"""A module of about thirty models generates (black included) into a working module."""

from __future__ import annotations

import ast

from tests.generator.support import Workspace

COUNT = 30


def models_source() -> str:
    lines = [
        "from __future__ import annotations",
        "",
        "import datetime",
        "from enum import Enum",
        "from typing import Literal",
        "",
        "from pydantic import BaseModel, Field",
        "",
        "",
        "class Mode(Enum):",
        '    ON = "on"',
        '    OFF = "off"',
    ]
    for i in range(COUNT):
        nxt = f"M{i + 1}" if i + 1 < COUNT else "M0"
        lines += [
            "",
            "",
            f"class M{i}(BaseModel):",
            f'    """Model number {i}."""',
            "",
            f"    name_{i}: str",
            f"    count: int = {i}",
            f"    ratio: float | None = Field(default=None, description='ratio {i}')",
            f"    kind: Literal['k{i}', 'other'] = 'k{i}'",
            "    mode: Mode = Mode.ON",
            "    when: datetime.date | None = None",
            f"    children: list[{nxt}] = Field(default_factory=list)",
            f"    lookup: dict[str, {nxt}] = Field(default_factory=dict)",
        ]
    return "\n".join(lines) + "\n"


def test_thirty_models_generate_into_a_working_module(ws: Workspace) -> None:
    ws.write("many_models", models_source())
    source = ws.generate("many_models")
    tree = ast.parse(source)
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert {f"PartialM{i}" for i in range(COUNT)} <= classes
    assert {f"M{i}Parser" for i in range(COUNT)} <= classes
    assert len(classes) == 2 * COUNT
    ws.write_raw("many_out", source)
    gen = ws.import_module("many_out")
    models = ws.import_module("many_models")
    document = '{"name_0": "a", "children": [{"name_1": "b", "lookup": {"x": {"name_2": "c"}}}]}'
    parser = gen.M0Parser()
    snapshot = parser.feed(document)
    assert snapshot.children[0].lookup["x"].name_2 == "c"
    assert isinstance(snapshot.children[0], gen.PartialM1)
    assert parser.close() == models.M0.model_validate_json(document)
    assert gen.PartialM17.model_fields["ratio"].description == "ratio 17"
