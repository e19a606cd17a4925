"""Field metadata reaches the partial classes: alias, default, default_factory, description, doc."""

from __future__ import annotations

import inspect

from tests.generator.support import Workspace

MODELS = '''
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class Level(Enum):
    LOW = "low"
    HIGH = "high"


class Item(BaseModel):
    """An item.

    Second paragraph, with "quotes" and a trailing period.
    """

    model_config = ConfigDict(populate_by_name=True)

    sku: str = Field(alias="SKU", description="Stock keeping unit")
    title: str = Field(validation_alias="itemTitle")
    count: int = 3
    ratio: float = 0.5
    flag: bool = False
    note: str | None = None
    words: list[str] = ["a", "b"]
    pair: tuple[int, int] = (1, 2)
    level: Level = Level.HIGH
    tags: list[str] = Field(default_factory=list)
    seeded: list[int] = Field(default_factory=lambda: [1, 2, 3])
    sub: dict[str, int] = Field(default_factory=dict, description="Sub counts")


class Bare(BaseModel):
    x: int
'''


def test_alias_is_the_partial_alias_and_the_json_key(ws: Workspace) -> None:
    ws.write("meta_models", MODELS)
    gen = ws.generate_and_import("meta_models:Item")
    fields = gen.PartialItem.model_fields
    assert fields["sku"].alias == "SKU"
    assert fields["title"].alias == "itemTitle"
    snap = gen.ItemParser().feed('{"SKU": "A-1", "itemTitle": "Lamp", "count": 9,')
    assert (snap.sku, snap.title, snap.count) == ("A-1", "Lamp", 9)


def test_partial_defaults_equal_the_source_defaults(ws: Workspace) -> None:
    ws.write("meta_models", MODELS)
    gen = ws.generate_and_import("meta_models:Item")
    models = ws.import_module("meta_models")
    empty = gen.PartialItem()
    for name in ("count", "ratio", "flag", "note", "words", "pair", "level"):
        expected = models.Item.model_fields[name].default
        assert getattr(empty, name) == expected, name
        assert type(getattr(empty, name)) is type(expected), name
    assert empty.sku is None  # required fields start empty
    assert empty.title is None
    # A parser's first snapshot shows the same defaults.
    assert gen.ItemParser().snapshot.level is models.Level.HIGH


def test_default_factories_run_per_instance(ws: Workspace) -> None:
    ws.write("meta_models", MODELS)
    gen = ws.generate_and_import("meta_models:Item")
    first, second = gen.PartialItem(), gen.PartialItem()
    assert first.tags == [] and first.sub == {}
    assert first.seeded == [1, 2, 3]
    first.seeded.append(4)
    first.tags.append("x")
    assert second.seeded == [1, 2, 3]
    assert second.tags == []
    assert gen.PartialItem().words == ["a", "b"]


def test_descriptions_are_copied(ws: Workspace) -> None:
    ws.write("meta_models", MODELS)
    gen = ws.generate_and_import("meta_models:Item")
    models = ws.import_module("meta_models")
    for name, info in models.Item.model_fields.items():
        assert gen.PartialItem.model_fields[name].description == info.description, name


def test_model_docstring_is_the_partial_docstring(ws: Workspace) -> None:
    ws.write("meta_models", MODELS)
    gen = ws.generate_and_import("meta_models:Item", "meta_models:Bare")
    models = ws.import_module("meta_models")
    assert inspect.getdoc(gen.PartialItem) == inspect.getdoc(models.Item)
    assert gen.PartialBare.__dict__.get("__doc__") is None


DATA_FACTORY = """
from pydantic import BaseModel, Field


class Invoice(BaseModel):
    net: int
    gross: int = Field(default_factory=lambda data: data["net"] * 2)
"""


def test_default_factory_that_takes_validated_data(ws: Workspace) -> None:
    # pydantic >= 2.10: the factory receives the validated data, which a snapshot does
    # not have yet; the parser must still start, and the final model uses the factory.
    ws.write("data_factory", DATA_FACTORY)
    gen = ws.generate_and_import("data_factory:Invoice")
    parser = gen.InvoiceParser()
    assert gen.PartialInvoice().net is None
    parser.feed('{"net": 5')
    assert parser.feed("}").net == 5
    assert parser.close().gross == 10
