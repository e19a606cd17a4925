"""Every supported field type becomes the right partial annotation; recursion; forward refs."""

from __future__ import annotations

import datetime
import decimal
import typing
import uuid
from typing import Any, Literal

from tests.generator.support import Workspace, class_annotations, defined_classes

KINDS = """
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from enum import Enum, IntEnum, StrEnum
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, Field


class Color(StrEnum):
    RED = "red"
    GREEN = "green"


class Priority(IntEnum):
    LOW = 1
    HIGH = 2


class Size(Enum):
    SMALL = "small"
    LARGE = "large"


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    name: str


class Kinds(BaseModel):
    s: str
    i: int
    f: float
    b: bool
    n: None
    lit: Literal["x", "y", 3]
    color: Color
    priority: Priority
    size: Size
    dt: datetime.datetime
    d: datetime.date
    t: datetime.time
    td: datetime.timedelta
    u: uuid.UUID
    dec: Decimal
    raw: bytes
    ints: list[int]
    cats: list[Cat]
    pair: tuple[int, str]
    many: tuple[int, ...]
    names: set[str]
    frozen: frozenset[int]
    by_name: dict[str, Cat]
    groups: dict[str, list[Cat]]
    positive: Annotated[int, Field(ge=0)]
    short: Annotated[str, Field(min_length=1, max_length=5)]
    pet: Cat
    anything: Any
    maybe: Optional[int]
    maybe_cat: Optional[Cat]
    either: int | str
    either_or_none: Union[int, str, None]
    animal: Cat | Dog = Field(discriminator="kind")
    tagged: Annotated[Cat | Dog, Field(discriminator="kind")]
    animals: list[Annotated[Cat | Dog, Field(discriminator="kind")]]
    untagged: Cat | Dog
    opt_lit: Optional[Literal["a", "b"]]
    holes: list[Optional[int]]
"""

EXPECTED = {
    "s": "str | None",
    "i": "int | None",
    "f": "float | None",
    "b": "bool | None",
    "n": "None",
    "lit": "Literal['x', 'y', 3] | None",
    "color": "Color | None",
    "priority": "Priority | None",
    "size": "Size | None",
    "dt": "datetime | None",
    "d": "date | None",
    "t": "time | None",
    "td": "timedelta | None",
    "u": "UUID | None",
    "dec": "Decimal | None",
    "raw": "bytes | None",
    "ints": "list[int] | None",
    "cats": "list[PartialCat] | None",
    "pair": "tuple[int, str] | None",
    "many": "tuple[int, ...] | None",
    "names": "set[str] | None",
    "frozen": "frozenset[int] | None",
    "by_name": "dict[str, PartialCat] | None",
    "groups": "dict[str, list[PartialCat]] | None",
    "positive": "int | None",
    "short": "str | None",
    "pet": "PartialCat | None",
    "anything": "Any",
    "maybe": "int | None",
    "maybe_cat": "PartialCat | None",
    "either": "int | str | None",
    "either_or_none": "int | str | None",
    "animal": "PartialCat | PartialDog | None",
    "tagged": "PartialCat | PartialDog | None",
    "animals": "list[PartialCat | PartialDog] | None",
    "untagged": "PartialCat | PartialDog | None",
    "opt_lit": "Literal['a', 'b'] | None",
    "holes": "list[int | None] | None",
}

DOCUMENT = """{
  "s": "text", "i": 3, "f": 1.5, "b": true, "n": null, "lit": 3,
  "color": "green", "priority": 2, "size": "large",
  "dt": "2024-05-06T07:08:09Z", "d": "2024-05-06", "t": "07:08:09", "td": "PT90S",
  "u": "12345678-1234-5678-1234-567812345678", "dec": "1.10", "raw": "abc",
  "ints": [1, 2], "cats": [{"lives": 9}], "pair": [1, "a"], "many": [1, 2, 3],
  "names": ["a", "b"], "frozen": [1], "by_name": {"tom": {"lives": 7}},
  "groups": {"g": [{"lives": 1}]}, "positive": 5, "short": "abc",
  "pet": {"lives": 8}, "anything": {"k": [1]}, "maybe": null, "maybe_cat": null,
  "either": "s", "either_or_none": 4,
  "animal": {"kind": "dog", "name": "rex"}, "tagged": {"kind": "cat", "lives": 2},
  "animals": [{"kind": "cat", "lives": 1}, {"kind": "dog", "name": "d"}],
  "untagged": {"kind": "dog", "name": "fido"}, "opt_lit": "b", "holes": [1, null]
}"""


def test_each_field_type_has_its_partial_annotation(ws: Workspace) -> None:
    ws.write("kinds_models", KINDS)
    source = ws.generate("kinds_models:Kinds")
    assert class_annotations(source, "PartialKinds") == EXPECTED


def test_partial_annotations_resolve_to_the_users_types(ws: Workspace) -> None:
    ws.write("kinds_models", KINDS)
    gen = ws.generate_and_import("kinds_models:Kinds")
    models = ws.import_module("kinds_models")
    hints = typing.get_type_hints(gen.PartialKinds)
    assert hints["color"] == models.Color | None
    assert hints["priority"] == models.Priority | None
    assert hints["size"] == models.Size | None
    assert hints["dt"] == datetime.datetime | None
    assert hints["u"] == uuid.UUID | None
    assert hints["dec"] == decimal.Decimal | None
    assert hints["lit"] == Literal["x", "y", 3] | None
    cats, none = typing.get_args(hints["cats"])
    assert (typing.get_origin(cats), typing.get_args(cats)) == (list, (gen.PartialCat,))
    assert none is type(None)
    assert hints["animal"] == gen.PartialCat | gen.PartialDog | None
    assert hints["anything"] is Any


def test_parsing_a_full_document_agrees_with_pydantic(ws: Workspace) -> None:
    ws.write("kinds_models", KINDS)
    gen = ws.generate_and_import("kinds_models:Kinds")
    models = ws.import_module("kinds_models")
    parser = gen.KindsParser()
    snapshot = parser.feed(DOCUMENT)
    assert parser.close() == models.Kinds.model_validate_json(DOCUMENT)
    assert isinstance(snapshot, gen.PartialKinds)
    assert snapshot.color is models.Color.GREEN
    assert snapshot.priority is models.Priority.HIGH
    assert snapshot.dt == datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    assert isinstance(snapshot.cats[0], gen.PartialCat)
    assert isinstance(snapshot.animal, gen.PartialDog)
    assert isinstance(snapshot.animals[0], gen.PartialCat)
    assert isinstance(snapshot.animals[1], gen.PartialDog)
    assert snapshot.by_name["tom"].lives == 7


def test_user_enums_and_models_are_imported_not_redeclared(ws: Workspace) -> None:
    ws.write("kinds_models", KINDS)
    gen = ws.generate_and_import("kinds_models:Kinds")
    models = ws.import_module("kinds_models")
    for name in ("Color", "Priority", "Size", "Cat", "Dog", "Kinds"):
        assert getattr(gen, name) is getattr(models, name), name
    assert defined_classes(gen) == {
        "PartialKinds",
        "PartialCat",
        "PartialDog",
        "KindsParser",
    }


def test_module_reexports_each_root_model(ws: Workspace) -> None:
    ws.write("kinds_models", KINDS)
    gen = ws.generate_and_import("kinds_models:Kinds", "kinds_models:Dog")
    models = ws.import_module("kinds_models")
    assert {"Kinds", "Dog", "KindsParser", "DogParser"} <= set(gen.__all__)
    assert gen.Kinds is models.Kinds
    assert gen.Dog is models.Dog
    assert all(hasattr(gen, name) for name in gen.__all__)
    assert gen.KindsParser().feed('{"s": "x"').s == "x"
    assert gen.DogParser().feed('{"name": "rex"').name == "rex"


def test_module_spec_takes_every_model_of_the_module(ws: Workspace) -> None:
    ws.write("kinds_models", KINDS)
    gen = ws.generate_and_import("kinds_models")
    for name in ("Cat", "Dog", "Kinds"):
        assert name in gen.__all__
        assert f"{name}Parser" in gen.__all__
    assert "ColorParser" not in gen.__all__  # enums are not models


RECURSIVE = """
from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field


class Node(BaseModel):
    value: int
    children: list[Node] = Field(default_factory=list)
    parent: Optional[Node] = None


class Ping(BaseModel):
    pong: Pong | None = None


class Pong(BaseModel):
    ping: Ping | None = None
    pings: list[Ping] = []
"""


def test_recursive_and_mutually_recursive_models(ws: Workspace) -> None:
    ws.write("rec_models", RECURSIVE)
    source = ws.generate("rec_models:Node", "rec_models:Ping")
    assert class_annotations(source, "PartialNode") == {
        "value": "int | None",
        "children": "list[PartialNode] | None",
        "parent": "PartialNode | None",
    }
    assert class_annotations(source, "PartialPing") == {"pong": "PartialPong | None"}
    assert class_annotations(source, "PartialPong") == {
        "ping": "PartialPing | None",
        "pings": "list[PartialPing] | None",
    }
    ws.write_raw("rec_out", source)
    gen = ws.import_module("rec_out")
    snap = gen.NodeParser().feed('{"value": 1, "children": [{"value": 2, "children": [')
    assert isinstance(snap.children[0], gen.PartialNode)
    parser = gen.PingParser()
    snap = parser.feed('{"pong": {"ping": {"pong": {"pings": [{}]}}}}')
    assert isinstance(snap.pong.ping.pong.pings[0], gen.PartialPing)
    rec = ws.import_module("rec_models")
    assert parser.close() == rec.Ping.model_validate_json(
        '{"pong": {"ping": {"pong": {"pings": [{}]}}}}'
    )


FORWARD = """
from __future__ import annotations

from pydantic import BaseModel


class Order(BaseModel):
    lines: list["Line"]
    customer: Customer


class Line(BaseModel):
    sku: str
    qty: int


class Customer(BaseModel):
    name: str
"""


def test_forward_references_defined_later_resolve(ws: Workspace) -> None:
    ws.write("fwd_models", FORWARD)
    source = ws.generate("fwd_models:Order")
    assert class_annotations(source, "PartialOrder") == {
        "lines": "list[PartialLine] | None",
        "customer": "PartialCustomer | None",
    }
    ws.write_raw("fwd_out", source)
    gen = ws.import_module("fwd_out")
    snap = gen.OrderParser().feed('{"lines": [{"sku": "a", "qty": 2}], "customer": {')
    assert snap.lines[0].qty == 2
    assert isinstance(snap.customer, gen.PartialCustomer)
