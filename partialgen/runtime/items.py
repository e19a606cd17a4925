"""A list of generated models, wrapped in an object: the answer `create_iterable` asks for.

OpenAI's strict mode and every provider's tools need an object at the top, so a list of
`User`s is asked for as `{"items": [...]}` (`Subject.items_of`). `ItemsParser(UserParser)`
reads that object with the item parser's own tables: each item streams as a nested
`PartialUser` and is validated with `User` the moment it closes (rule 12). The wrapper's
two classes are written here once, and its table is built from the item's at runtime:
tables are plain objects, so no class is created.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, RootModel

from .parser import StreamParser
from .requests import ITEMS_KEY
from .snapshot import PartialModel
from .specs import Field, ListOf, Model

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


class PartialItems(PartialModel):
    """The snapshot of a wrapped list: each item a partial of the item's model."""

    items: list[Any] | None = None


class Items(BaseModel):
    """The validated wrapper; the typed items are `ItemsParser.completed`."""

    items: list[Any]


# Item tables are module-level objects of generated modules, alive as long as they are.
_WRAPPERS: dict[Model, Model] = {}


def _wrapper(item: Model) -> Model:
    """The table of `{"items": [item, ...]}`, made once per item table."""
    spec = _WRAPPERS.get(item)
    if spec is None:
        spec = Model(Items)
        spec.define(PartialItems, Field("items", ITEMS_KEY, ListOf(item)))
        _WRAPPERS[item] = spec
    return spec


class ItemsParser(StreamParser[PartialItems, Items], Generic[P, M]):
    """Reads `{"items": [...]}` with an item parser's tables; typed items as they complete.

    `take()` returns the items completed since the last call, `completed` all of them,
    `current` the partial item still being received. Other options are the parser's.
    """

    def __init__(self, item: type[StreamParser[P, M]], **options: Any) -> None:
        if issubclass(item.spec.full, RootModel):
            raise TypeError(
                f"ItemsParser reads a list of objects; {item.spec.full.__name__} is a "
                f"RootModel: stream it with {item.__name__} itself"
            )
        if options.get("keep_items") is False:
            raise ValueError(
                "ItemsParser keeps its items: keep_items=False does not apply"
            )
        self.item = item
        self._completed: list[M] = []
        self._taken = 0
        super().__init__(**options)

    def _tables(self) -> Model:
        return _wrapper(self.item.spec)

    def _collect(self) -> None:
        """Move the list's own completed items here (items of lists inside them stay
        for `take_items`)."""
        mine = self._kept_items(lambda list_path, _, __: len(list_path) == 1)
        self._completed += [cast(M, e.item) for e in mine]

    def take(self) -> list[M]:
        """The items completed and validated since the last call, in order."""
        self._collect()
        new = self._completed[self._taken :]
        self._taken = len(self._completed)
        return new

    @property
    def completed(self) -> list[M]:
        """Every item completed and validated so far, in order."""
        self._collect()
        return list(self._completed)

    @property
    def current(self) -> P | None:
        """The item being received (a partial), or None between items."""
        items = self.snapshot.items
        if not items or len(items) <= len(self.completed):
            return None
        return cast(P, items[-1])
