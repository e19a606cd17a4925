"""Exact static type checks of snapshots: every field holds a value of its declared
type in the partial class (no lax coercion: an `int` is not a `float`)."""

from __future__ import annotations

import datetime
import types
import typing
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel

# pydantic types whose values are plain standard-library ones.
_VALUE_TYPES: dict[Any, type] = {
    pydantic.AwareDatetime: datetime.datetime,
    pydantic.NaiveDatetime: datetime.datetime,
    pydantic.PastDatetime: datetime.datetime,
    pydantic.FutureDatetime: datetime.datetime,
    pydantic.PastDate: datetime.date,
    pydantic.FutureDate: datetime.date,
    pydantic.EmailStr: str,
}
_FIELD_TYPES: dict[type[BaseModel], dict[str, Any]] = {}


def field_types(cls: type[BaseModel]) -> dict[str, Any]:
    if cls not in _FIELD_TYPES:
        hints = typing.get_type_hints(cls, include_extras=True)
        _FIELD_TYPES[cls] = {name: hints[name] for name in cls.model_fields}
    return _FIELD_TYPES[cls]


def check_static_type(value: Any, tp: Any, where: str) -> None:
    """Fail unless `value` belongs to the static type `tp` (exact scalars, no coercion)."""
    tp = _VALUE_TYPES.get(tp, tp)
    origin, args = get_origin(tp), get_args(tp)
    if tp is Any:
        return
    if origin is Annotated:
        check_static_type(value, args[0], where)
    elif origin in (Union, types.UnionType):
        for arg in args:
            try:
                check_static_type(value, arg, where)
            except AssertionError:
                continue
            return
        raise AssertionError(f"{where}: {value!r} is outside {tp}")
    elif tp is type(None):
        assert value is None, f"{where}: {value!r} is not None"
    elif origin is Literal:
        assert any(
            type(value) is type(a) and value == a for a in args
        ), f"{where}: {value!r} is not one of {args}"
    elif origin in (list, set, frozenset):
        assert type(value) is origin, f"{where}: {value!r} is not a {origin.__name__}"
        for i, item in enumerate(value):
            check_static_type(item, args[0], f"{where}[{i}]")
    elif origin is dict:
        assert type(value) is dict, f"{where}: {value!r} is not a dict"
        for key, item in value.items():
            check_static_type(key, args[0], f"{where} key")
            check_static_type(item, args[1], f"{where}[{key!r}]")
    elif origin is tuple:
        assert type(value) is tuple, f"{where}: {value!r} is not a tuple"
        positions = [args[0]] * len(value) if args[1:] == (...,) else list(args)
        assert len(value) == len(positions), f"{where}: {value!r} has the wrong length"
        for i, (item, arg) in enumerate(zip(value, positions, strict=True)):
            check_static_type(item, arg, f"{where}[{i}]")
    elif tp in (float, int, bool, str):
        assert type(value) is tp, f"{where}: {value!r} is not exactly a {tp.__name__}"
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        assert type(value) is tp, f"{where}: {value!r} is not a {tp.__name__}"
        check_snapshot_types(value, where)
    else:
        assert isinstance(tp, type), f"{where}: cannot check against {tp!r}"
        assert isinstance(value, tp), f"{where}: {value!r} is not a {tp.__name__}"


def check_snapshot_types(snapshot: BaseModel, where: str = "<root>") -> None:
    for name, tp in field_types(type(snapshot)).items():
        check_static_type(getattr(snapshot, name), tp, f"{where}.{name}")
