"""Partial snapshots: the base class of generated partials, fast construction, completion."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict


class Completion:
    """Which parts of one snapshot object are complete.

    `fields`: names of fields whose value has fully arrived. `closed`: the object's `}`
    arrived (then every field counts as complete, defaults included). `items`: for list
    and dict fields still streaming, how many of their leading entries are complete.
    """

    __slots__ = ("closed", "fields", "items")

    def __init__(
        self, fields: frozenset[str], closed: bool, items: Mapping[str, int]
    ) -> None:
        self.fields: frozenset[str] = fields
        self.closed: bool = closed
        self.items: Mapping[str, int] = items

    def __repr__(self) -> str:
        return f"Completion(fields={sorted(self.fields)}, closed={self.closed}, items={dict(self.items)})"


class PartialModel(BaseModel):
    """Base of every generated `PartialX`: all fields optional, no validation on snapshots.

    The stream parser builds snapshots without validating (values are already converted)
    and records their completion in a slot, outside the fields, so equality and
    `model_dump()` see only the data.
    """

    __slots__ = ("_partialgen_completion",)
    # Schemas are built on first validation or dump, so importing generated code is cheap.
    model_config: ClassVar[ConfigDict] = ConfigDict(
        defer_build=True,
        validate_by_name=True,
        validate_by_alias=True,
        protected_namespaces=(),  # a field may be called `model_name`, as in the full model
    )

    def __setattr__(self, name: str, value: Any) -> None:
        # Snapshots share their fields-set (an open object's successive snapshots, closed
        # objects of one model); pydantic adds an assigned field to it in place, so this
        # object takes a copy of its own first.
        set_fields_set(self, set(self.__pydantic_fields_set__))
        super().__setattr__(name, value)


P = TypeVar("P", bound=PartialModel)

# The slot writers, bound once: calling a descriptor's `__set__` skips the attribute
# lookup `object.__setattr__` does: over a quarter of a snapshot's construction cost.
new_snapshot: Callable[[type[BaseModel]], Any] = object.__new__
set_values = BaseModel.__dict__["__dict__"].__set__
set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
set_private = BaseModel.__dict__["__pydantic_private__"].__set__
set_completion = PartialModel.__dict__["_partialgen_completion"].__set__


def build_partial(
    cls: type[P], values: dict[str, Any], fields_set: set[str], completion: Completion
) -> P:
    """A snapshot instance without validation: `model_construct` costs microseconds a call."""
    obj: P = new_snapshot(cls)
    set_values(obj, values)
    set_fields_set(obj, fields_set)
    set_extra(obj, None)
    set_private(obj, None)
    set_completion(obj, completion)
    return obj


def completion(snapshot: BaseModel) -> Completion:
    """The completion state of a snapshot; an instance you built yourself counts as complete."""
    state = getattr(snapshot, "_partialgen_completion", None)
    if isinstance(state, Completion):
        return state
    return Completion(frozenset(type(snapshot).model_fields), True, {})


def is_complete(snapshot: BaseModel) -> bool:
    """True once the object's closing brace has arrived."""
    return completion(snapshot).closed


def completed_fields(snapshot: BaseModel) -> frozenset[str]:
    """Names of the fields whose values are complete (all of them once the object closed)."""
    state = completion(snapshot)
    return frozenset(type(snapshot).model_fields) if state.closed else state.fields


def progress(snapshot: BaseModel) -> tuple[int, int]:
    """(complete fields, all fields): "3 of 5 fields complete" in one call."""
    return len(completed_fields(snapshot)), len(type(snapshot).model_fields)


def complete_items(snapshot: BaseModel, field: str) -> int:
    """How many leading items of a list or dict field are complete."""
    value = getattr(snapshot, field)
    state = completion(snapshot)
    if value is None:
        return 0
    if state.closed or field in state.fields:
        return len(value)
    return state.items.get(field, 0)
