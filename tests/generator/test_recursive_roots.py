"""A RootModel that contains itself streams above its recursion.

A RootModel is inlined where it is used (its JSON is its root value), so one that
contains itself, directly or through others, is shown when complete inside itself: a
value of the RootModel validated by pydantic. Every level above streams as usual.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from tests.generator.support import Workspace, generate_schema_and_import

MODELS = """
from __future__ import annotations

from pydantic import BaseModel, RootModel


class Nested(RootModel[str | list["Nested"]]):
    pass


class Ping(RootModel[list["Pong"]]):
    pass


class Pong(RootModel[dict[str, Ping]]):
    pass


class Holds(BaseModel):
    value: Nested
    ping: Ping | None = None
"""

DOCUMENT = '{"value": ["a", ["b", ["c"]], "d"], "ping": [{"k": [{}], "j": []}]}'


def _stream(parser: Any, text: str, full: type[BaseModel]) -> list[Any]:
    snapshots = [parser.feed(c) for c in text]
    assert parser.close() == full.model_validate_json(text)
    return snapshots


def test_a_root_model_holding_lists_of_itself_streams_its_outer_list(
    ws: Workspace,
) -> None:
    ws.write("recursive_roots", MODELS)
    out = ws.generate_and_import("recursive_roots:Holds", name="recursive_roots_out")
    models = sys.modules["recursive_roots"]
    snapshots = _stream(out.HoldsParser(), DOCUMENT, models.Holds)
    # The outer list grows item by item, long before the document ends.
    at_b = DOCUMENT.index('"b"') + 2
    assert snapshots[at_b].value == [models.Nested("a")]
    # Inside itself, the value appears whole, as pydantic validates it.
    inner_done = DOCUMENT.index('"d"') - 3
    assert snapshots[inner_done].value[1] == models.Nested.model_validate_json(
        '["b", ["c"]]'
    )
    for snapshot in snapshots[: DOCUMENT.index('"d"')]:
        assert snapshot.value is None or len(snapshot.value) <= 2
    # Through another RootModel too: the dict streams, its values appear whole.
    at_j = DOCUMENT.index('"j"') + 2
    assert snapshots[at_j].ping == [{"k": models.Ping.model_validate_json("[{}]")}]


def test_a_schema_whose_definition_contains_itself_generates_and_streams(
    tmp_path: Path,
) -> None:
    # JSON-LD's shape: a node is a string, an object, or a list of nodes.
    schema = {
        "title": "Graph",
        "type": "object",
        "properties": {"node": {"$ref": "#/$defs/Node"}},
        "$defs": {
            "Node": {
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "title": "Thing",
                        "properties": {"id": {"type": "string"}},
                    },
                    {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                ]
            }
        },
    }
    out = generate_schema_and_import(tmp_path, schema, "jsonld")
    models = sys.modules["pkg_jsonld.out_models"]
    text = '{"node": [{"id": "x"}, ["y", [{"id": "z"}]], "w"]}'
    snapshots = _stream(out.GraphParser(), text, models.Graph)
    # The top list streams; each node in it appears once complete.
    assert snapshots[text.index('"x"') + 2].node == []
    first = snapshots[text.index("}")].node
    assert first == [models.Node(models.Thing(id="x"))]
    assert len(snapshots[text.index('"w"')].node) == 2
