"""List items shown only when complete (a union of models that ignore extra keys,
which only pydantic can decide at the close) are delivered by `take_items` like any
other completed item (rule 12): they were validated and then never kept."""

from __future__ import annotations

import json

from tests.generator.support import Workspace

MODELS = """
from typing import Annotated

from pydantic import BaseModel

from partialgen.runtime.hints import Atomic


class Cat(BaseModel):
    meow: int
    name: str = ""


class Dog(BaseModel):
    bark: int
    name: str = ""


class Pets(BaseModel):
    pets: list[Cat | Dog]
    whole: list[Annotated[Cat, Atomic()]] = []
"""


def test_items_decided_at_their_close_are_taken_in_order(ws: Workspace) -> None:
    ws.write("pets_models", MODELS)
    gen = ws.generate_and_import("pets_models:Pets")
    pets = [{"meow": i} if i % 3 else {"bark": i, "name": "d"} for i in range(9)]
    text = json.dumps({"pets": pets, "whole": [{"meow": 9}]})
    parser = gen.PetsParser()
    for i in range(0, len(text), 5):
        parser.feed(text[i : i + 5])
    result = parser.close()
    events = parser.take_item_events()
    assert [e.path for e in events] == [*(("pets", i) for i in range(9)), ("whole", 0)]
    assert [e.item for e in events] == [*result.pets, *result.whole]
    assert parser.take_items(gen.Dog) == []  # each delivered once
