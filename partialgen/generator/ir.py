"""The generator's intermediate representation: small, frozen, closed, plain data.

Both front-ends (pydantic classes, JSON Schema via datamodel-code-generator) produce it;
the plan reads only it. `at` on a type node is its location inside the full model's
field annotation (indices into `typing.get_args`), so the runtime can validate a value
at that position with exactly the user's type, constraints included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

JsonKind = Literal["object", "array", "string", "number", "bool", "null"]
ALL_KINDS: frozenset[JsonKind] = frozenset(
    {"object", "array", "string", "number", "bool", "null"}
)


@dataclass(frozen=True)
class Ref:
    """An importable object: `module` and dotted `qualname`."""

    module: str
    qualname: str


@dataclass(frozen=True)
class StrType:
    at: tuple[int, ...] = ()
    constrained: bool = False  # validated when complete, never blocks streaming
    # What pydantic does to it ("strip", "lower", "upper"): shown so while it streams.
    transform: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScalarType:
    kind: Literal["int", "float", "bool", "none"]
    at: tuple[int, ...] = ()
    constrained: bool = False


@dataclass(frozen=True)
class LiteralType:
    values: tuple[str | int | bool | None, ...]
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class EnumType:
    ref: Ref
    values: tuple[str | int, ...]  # member values, in definition order
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class AtomicType:
    """Shown only when complete: datetime, UUID, Decimal, bytes, custom types."""

    ref: Ref
    accepts: frozenset[JsonKind]
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class ListType:
    item: TypeNode
    container: Literal["list", "set", "frozenset"] = "list"
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class TupleType:
    items: tuple[TypeNode, ...]
    variadic: bool = False  # tuple[X, ...]
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class DictType:
    value: TypeNode
    at: tuple[int, ...] = ()
    # Keys that are not any `str`: a Literal or an Enum (the dict is then validated
    # whole), or a `str` that pydantic transforms (each key shown transformed).
    key: TypeNode | None = None


@dataclass(frozen=True)
class UnionType:
    members: tuple[TypeNode, ...]
    discriminator: str | None = None  # the members' field name, when declared
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class ModelType:
    key: str  # Model.key of the referenced model
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class RootModelType:
    """A pydantic RootModel: in JSON, just its root value. `inner` is located relative to
    the RootModel's own `root` field, not to the field that holds it."""

    ref: Ref
    inner: TypeNode
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class AnyType:
    at: tuple[int, ...] = ()


@dataclass(frozen=True)
class ValidatedType:
    """A value with validators of its own: atomic, converted by pydantic when complete."""

    inner: TypeNode
    at: tuple[int, ...] = ()


TypeNode = (
    StrType
    | ScalarType
    | LiteralType
    | EnumType
    | AtomicType
    | ListType
    | TupleType
    | DictType
    | UnionType
    | ModelType
    | RootModelType
    | AnyType
    | ValidatedType
)


@dataclass(frozen=True)
class Default:
    """A field's default: none (required), a plain literal, or computed by the runtime."""

    kind: Literal["required", "literal", "computed"]
    value: object = None  # the literal, for kind == "literal"


@dataclass(frozen=True)
class Field:
    name: str  # attribute name in the full model
    key: str  # the JSON key (alias)
    type: TypeNode
    default: Default
    description: str | None = None
    atomic: bool = False  # streaming hint: shown only when complete
    needed: bool = False  # streaming hint: the object is shown only once this arrived


@dataclass(frozen=True)
class Model:
    key: str  # "module:qualname", unique per model
    ref: Ref
    doc: str | None
    fields: tuple[Field, ...]
    root_value: bool = False  # a RootModel: its JSON is its `root` field's value itself


@dataclass(frozen=True)
class Module:
    """Everything one generated module holds: its models, roots first-class."""

    sources: tuple[str, ...]
    roots: tuple[str, ...]  # Model.key of each root
    models: tuple[Model, ...]  # every reachable model, dependencies first
