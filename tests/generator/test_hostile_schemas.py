"""A brief fuzz run of the generator on hostile schemas (scripts/fuzz_schemas.py runs it
at length): it generates importable modules or refuses in one line, and never connects,
leaks the outside secret or shows a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.generator.hostile_schemas import documents, run_hostile

_SERVER = socket.create_server(("127.0.0.1", 0), backlog=16)
PORT = _SERVER.getsockname()[1]


@pytest.fixture(scope="module")
def listener() -> Iterator[socket.socket]:
    yield _SERVER
    _SERVER.close()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(files=documents(PORT))
def test_hostile_schemas_generate_or_are_refused_cleanly(
    listener: socket.socket, files: dict[str, Any]
) -> None:
    run_hostile(files, listener)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_plain_schema_passes_the_same_checks(
    listener: socket.socket, data: st.DataObject
) -> None:
    """Not only refusals: a plain in-tree schema among the hostile ones generates."""
    title = data.draw(st.sampled_from(["Plain", "class", "Straße"]))
    outcome = run_hostile(
        {
            "main.json": {
                "title": title,
                "type": "object",
                "properties": {"a": {"$ref": "other.json"}, "b": {"$ref": "#/$defs/A"}},
                "$defs": {"A": {"type": "integer"}},
            },
            "other.json": {"title": "Other", "type": "string"},
        },
        listener,
    )
    assert outcome.code == 0, outcome.err
