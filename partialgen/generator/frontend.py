"""The front-end: pydantic model classes → IR, by walking `model_fields` and typing.

JSON Schema input reaches here too, after datamodel-code-generator turned it into a
pydantic module, so there is one walk for both inputs.
"""

from __future__ import annotations

import collections.abc
import datetime
import decimal
import enum
import importlib
import inspect
import ipaddress
import pathlib
import sys
import types
import typing
import uuid
from collections.abc import Iterable
from typing import Annotated, Any, Literal, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ConfigDict, RootModel, StringConstraints, TypeAdapter
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..runtime.specs import field_validated, validates_default
from . import ir, limits
from .errors import GeneratorError
from .hints import hints_of

_S: ir.JsonKind = "string"
_N: ir.JsonKind = "number"
_ATOMIC: dict[type, frozenset[ir.JsonKind]] = {
    datetime.datetime: frozenset({_S, _N}),
    datetime.date: frozenset({_S, _N}),
    datetime.time: frozenset({_S, _N}),
    datetime.timedelta: frozenset({_S, _N}),
    uuid.UUID: frozenset({_S}),
    decimal.Decimal: frozenset({_S, _N}),
    bytes: frozenset({_S}),
    pathlib.Path: frozenset({_S}),
    ipaddress.IPv4Address: frozenset({_S, _N}),
    ipaddress.IPv6Address: frozenset({_S, _N}),
    ipaddress.IPv4Network: frozenset({_S, _N}),
    ipaddress.IPv6Network: frozenset({_S, _N}),
}
_SCALARS: dict[Any, Literal["int", "float", "bool", "none"]] = {
    int: "int",
    float: "float",
    bool: "bool",
    type(None): "none",
    None: "none",
}
_LISTS: dict[Any, Literal["list", "set", "frozenset"]] = {
    list: "list",
    collections.abc.Sequence: "list",
    collections.abc.MutableSequence: "list",
    set: "set",
    collections.abc.Set: "set",
    collections.abc.MutableSet: "set",
    frozenset: "frozenset",
}
_DICTS = (dict, collections.abc.Mapping, collections.abc.MutableMapping)
# Annotated metadata that changes values (not just checks them) makes a value atomic.
_VALIDATOR_NAMES = (
    "AfterValidator",
    "BeforeValidator",
    "PlainValidator",
    "WrapValidator",
)


def load_models(spec: str) -> list[type[BaseModel]]:
    """`pkg.mod:Model` → that class; `pkg.mod` → every model defined in the module."""
    module_name, _, class_name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as e:  # the user's module failed to import: say which and why
        raise GeneratorError(f"cannot import {module_name!r}: {e}") from e
    if class_name:
        obj: Any = module
        for part in class_name.split("."):
            obj = getattr(obj, part, None)
        if not (isinstance(obj, type) and issubclass(obj, BaseModel)):
            raise GeneratorError(f"{spec!r} is not a pydantic model class")
        return [obj]
    found = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == module.__name__
        # pydantic (2.14 and later) also registers a parametrized generic such as
        # `RootModel[list[Tag]]` in the module that made it: not a model it defines.
        and not obj.__pydantic_generic_metadata__["origin"]
    ]
    if not found:
        raise GeneratorError(f"module {module_name!r} defines no pydantic model")
    return found


def model_key(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


class _Walker:
    def __init__(self) -> None:
        self.models: dict[str, ir.Model] = {}
        self.order: list[str] = []
        self._pending: list[type[BaseModel]] = []
        self._seen: set[str] = set()
        self._expanding: list[Any] = []  # RootModels and type aliases being inlined
        # The config of the model (or inlined RootModel) whose types are being read.
        self._configs: list[ConfigDict] = []
        self.types_read = 0  # bounded by limits.MAX_TYPE_NODES

    def add(self, cls: type[BaseModel]) -> str:
        key = model_key(cls)
        if key not in self._seen:
            if "<locals>" in cls.__qualname__ or cls.__module__ == "__main__":
                raise GeneratorError(
                    f"model {cls.__qualname__} is not importable (defined in a function or "
                    "__main__); move it to a module"
                )
            self._seen.add(key)
            self._pending.append(cls)
        return key

    def run(self) -> None:
        while self._pending:
            cls = self._pending.pop(0)
            self._model(cls)

    def _model(self, cls: type[BaseModel]) -> None:
        _resolve(cls)
        validated = field_validated(cls)  # shown only when complete
        fields = []
        self._configs.append(cls.model_config)
        for name, info in cls.model_fields.items():
            where = f"{cls.__qualname__}.{name}"
            node = self._type(
                info.annotation, (), list(info.metadata), info.discriminator, where
            )
            if name in validated and not isinstance(node, ir.ValidatedType):
                node = ir.ValidatedType(node)
            atomic, needed = hints_of(info)
            fields.append(
                ir.Field(
                    name=name,
                    key=_json_key(info, name, where),
                    type=node,
                    default=_default(info, where, validates_default(cls, name)),
                    description=info.description,
                    atomic=atomic,
                    needed=needed,
                )
            )
        self._configs.pop()
        doc = cls.__dict__.get("__doc__")
        key = model_key(cls)
        self.models[key] = ir.Model(
            key=key,
            ref=ir.Ref(cls.__module__, cls.__qualname__),
            doc=inspect.cleandoc(doc) if isinstance(doc, str) else None,
            fields=tuple(fields),
            root_value=issubclass(cls, RootModel),
        )
        self.order.append(key)

    def _type(
        self,
        tp: Any,
        at: tuple[int, ...],
        meta: list[Any],
        discriminator: Any,
        where: str,
    ) -> ir.TypeNode:
        self.types_read += 1
        if self.types_read > limits.MAX_TYPE_NODES:
            raise GeneratorError(
                f"{where}: the types expand to more than {limits.MAX_TYPE_NODES:,} "
                "nodes (RootModels and type aliases are inlined wherever they are used, "
                "and these refer to one another); make some of them BaseModels"
            )
        origin = get_origin(tp)
        args = get_args(tp)
        if origin is Annotated:
            inner = self._type(args[0], (*at, 0), list(args[1:]), discriminator, where)
            return self._annotated(inner, at, list(args[1:]))
        if meta:
            return self._annotated(
                self._type(tp, at, [], discriminator, where), at, meta
            )
        if tp is Any or tp is object:
            return ir.AnyType(at)
        if tp is str:
            return self._str(at)
        if tp in _SCALARS:
            return ir.ScalarType(_SCALARS[tp], at)
        if origin is Literal:
            return ir.LiteralType(tuple(_literal_value(v, where) for v in args), at)
        if origin in (typing.Union, types.UnionType):
            members = tuple(
                self._type(a, (*at, i), [], None, where) for i, a in enumerate(args)
            )
            return ir.UnionType(members, _discriminator_name(discriminator, where), at)
        if origin in _LISTS or tp in _LISTS:
            item = self._type(args[0] if args else Any, (*at, 0), [], None, where)
            return ir.ListType(item, _LISTS[origin or tp], at)
        if origin is tuple or tp is tuple:
            if not args or (len(args) == 2 and args[1] is Ellipsis):
                item = self._type(args[0] if args else Any, (*at, 0), [], None, where)
                return ir.TupleType((item,), True, at)
            if args == ((),):
                return ir.TupleType((), False, at)
            return ir.TupleType(
                tuple(
                    self._type(a, (*at, i), [], None, where) for i, a in enumerate(args)
                ),
                False,
                at,
            )
        if origin in _DICTS or tp in _DICTS:
            key = args[0] if args else str
            key_meta: list[Any] = []
            if (
                get_origin(key) is Annotated
            ):  # e.g. patternProperties: checked by pydantic
                key, *key_meta = get_args(key)
            value = self._type(args[1] if args else Any, (*at, 1), [], None, where)
            if key is str:
                plain = self._str((*at, 0)).transform
                transform = _constrained_transform(plain, key_meta)
                shown = ir.StrType((*at, 0), True, transform) if transform else None
                return ir.DictType(value, at, shown)
            # Keys from a closed set (`propertyNames` with an `enum` or a pattern): the
            # dict is shown when complete, once pydantic has checked every key.
            keys = self._type(key, (*at, 0), [], None, where)
            if not _string_keys(keys):
                raise GeneratorError(f"{where}: dict keys must be str, got {args[0]!r}")
            return ir.ValidatedType(ir.DictType(value, at, keys), at)
        if isinstance(tp, type):
            if issubclass(tp, RootModel):
                return self._root_model(tp, at, where)
            if issubclass(tp, BaseModel):
                if tp.__pydantic_generic_metadata__["parameters"]:
                    raise GeneratorError(
                        f"{where}: generic model {tp.__qualname__} needs type arguments"
                    )
                return ir.ModelType(self.add(tp), at)
            if issubclass(tp, enum.Enum):
                return ir.EnumType(
                    _ref(tp, where), tuple(_enum_value(m, where) for m in tp), at
                )
            if tp in _ATOMIC:
                return ir.AtomicType(_ref(tp, where), _ATOMIC[tp], at)
            if hasattr(tp, "__get_pydantic_core_schema__"):
                return ir.AtomicType(_ref(tp, where), ir.ALL_KINDS, at)
        if (
            type(tp).__name__ == "TypeAliasType"
        ):  # `type X = ...` (3.12) or typing_extensions
            if any(t is tp for t in self._expanding):
                raise GeneratorError(
                    f"{where}: the type alias {_name(tp)} contains itself; make it a "
                    "RootModel (which then streams above its recursion) or a BaseModel"
                )
            self._expanding.append(tp)
            try:
                return self._type(tp.__value__, at, meta, discriminator, where)
            finally:
                self._expanding.pop()
        raise GeneratorError(f"{where}: unsupported type {tp!r}")

    def _root_model(
        self, tp: type[RootModel[Any]], at: tuple[int, ...], where: str
    ) -> ir.TypeNode:
        """JSON holds a RootModel's root value itself; it streams as that value does.

        Inlined where it is used, a RootModel that contains itself (JSON-LD's nodes, a
        tree of lists) would never end: inside itself it is shown when complete, a
        value of the RootModel validated by pydantic, and streams at every level above.
        """
        if any(t is tp for t in self._expanding):
            return ir.AtomicType(_ref(tp, where), ir.ALL_KINDS, at)
        _resolve(tp)
        info = tp.model_fields["root"]
        self._expanding.append(tp)
        self._configs.append(tp.model_config)
        try:
            inner = self._type(
                info.annotation,
                (),
                list(info.metadata),
                info.discriminator,
                f"{where} ({tp.__qualname__}.root)",
            )
        finally:
            self._expanding.pop()
            self._configs.pop()
        return ir.RootModelType(_ref(tp, where), inner, at)

    def _str(self, at: tuple[int, ...]) -> ir.StrType:
        """A `str`, with what its model's config makes pydantic do to it: then it is
        checked when complete too, and its snapshot shows pydantic's value."""
        config = self._configs[-1] if self._configs else ConfigDict()
        transform = tuple(name for name, key in _CONFIG_TRANSFORMS if config.get(key))
        return ir.StrType(at, bool(transform), transform)

    def _annotated(
        self, inner: ir.TypeNode, at: tuple[int, ...], meta: list[Any]
    ) -> ir.TypeNode:
        """Constraints keep a value streaming (checked when complete); validators don't."""
        if any(type(m).__name__ in _VALIDATOR_NAMES for m in meta):
            return ir.ValidatedType(inner, at)
        constrained = any(
            isinstance(
                m, annotated_types.BaseMetadata | annotated_types.GroupedMetadata
            )
            or (isinstance(m, FieldInfo) and m.metadata)
            or type(m).__module__.startswith("pydantic")
            for m in meta
        )
        if constrained and isinstance(inner, ir.StrType):
            return ir.StrType(at, True, _constrained_transform(inner.transform, meta))
        if constrained and isinstance(inner, ir.ScalarType):
            return ir.ScalarType(inner.kind, at, True)
        if isinstance(inner, ir.UnionType):
            for m in meta:
                name = _discriminator_name(getattr(m, "discriminator", None), "")
                if name:
                    return ir.UnionType(inner.members, name, at)
        return inner


# What pydantic may do to a string: ours, the config's key, StringConstraints' attribute.
_TRANSFORMS = (
    ("strip", "str_strip_whitespace", "strip_whitespace"),
    ("lower", "str_to_lower", "to_lower"),
    ("upper", "str_to_upper", "to_upper"),
)
_CONFIG_TRANSFORMS = tuple((name, key) for name, key, _ in _TRANSFORMS)


def _constrained_transform(
    transform: tuple[str, ...], meta: list[Any]
) -> tuple[str, ...]:
    """A field's `StringConstraints` override its model's config, flag by flag."""
    chosen = {name: name in transform for name, _, _ in _TRANSFORMS}
    for m in meta:
        if isinstance(m, StringConstraints):
            for name, _, attribute in _TRANSFORMS:
                value = getattr(m, attribute)
                if value is not None:
                    chosen[name] = bool(value)
    return tuple(name for name, on in chosen.items() if on)


def _name(tp: Any) -> str:
    return str(getattr(tp, "__qualname__", None) or getattr(tp, "__name__", repr(tp)))


def _unresolved(tp: Any) -> bool:
    """A forward reference pydantic has not resolved yet, anywhere in `tp`."""
    if isinstance(tp, str | typing.ForwardRef):
        return True
    origin = get_origin(tp)
    if origin is Literal:  # its arguments are values, strings among them
        return False
    args = get_args(tp)[:1] if origin is Annotated else get_args(tp)
    return any(_unresolved(arg) for arg in args)


def _resolve(cls: type[BaseModel]) -> None:
    """Rebuild a model only if its field annotations still hold forward references.

    A model pydantic left incomplete usually has every annotation resolved already;
    rebuilding it anyway regenerates the schema of everything it reaches, which for a
    schema of many interlinked models costs time and memory quadratic in their number.
    """
    if cls.__pydantic_complete__ or not any(
        _unresolved(info.annotation) for info in cls.model_fields.values()
    ):
        return
    try:
        cls.model_rebuild()
    except Exception as e:
        raise GeneratorError(f"{cls.__qualname__}: unresolved annotations: {e}") from e


def _json_key(info: FieldInfo, name: str, where: str) -> str:
    alias = info.validation_alias if info.validation_alias is not None else info.alias
    if alias is None:
        return name
    if isinstance(alias, str):
        return alias
    raise GeneratorError(
        f"{where}: AliasPath/AliasChoices validation aliases are not supported"
    )


def _default(info: FieldInfo, where: str, validated: bool = False) -> ir.Default:
    if info.default_factory is not None:
        if info.default_factory_takes_validated_data:
            # Computed from the other fields: unknown until the object is complete.
            return ir.Default("required")
        return ir.Default("computed")
    if info.default is PydanticUndefined:
        return ir.Default("required")
    if validated and info.default is not None:
        # What pydantic makes of it (a stripped string, a coerced number): the
        # runtime asks it, with the model's config.
        return ir.Default("computed")
    if not default_fits(info):
        # pydantic keeps defaults unvalidated, so the full model holds it; a snapshot
        # cannot (rule: never a value outside the field's type), so it shows None.
        print(
            f"partialgen: warning: {where}: the default {info.default!r} is not a value "
            "of the field's type; snapshots show None until the key arrives",
            file=sys.stderr,
        )
        return ir.Default("literal", None)
    if _is_plain_literal(info.default):
        return ir.Default("literal", info.default)
    return ir.Default("computed")


def _takes_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None) or annotation is Any:
        return True
    if get_origin(annotation) is Annotated:
        return _takes_none(get_args(annotation)[0])
    if get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_takes_none(a) for a in get_args(annotation))
    return False


def default_fits(info: FieldInfo) -> bool:
    """Whether a field's default is a value of its type as it stands: strict
    validation accepts it and gives back an equal value of its type (a `{}`
    for a model field, `"red"` for an Enum item or `"oops"` for an int do not)."""
    if info.default is None and _takes_none(info.annotation):
        return True  # `X | None = None`, most defaults: no adapter to build (a few ms)
    try:
        value = TypeAdapter(info.rebuild_annotation()).validate_python(
            info.default, strict=True
        )
    except Exception:  # a ValidationError, or a type pydantic cannot check
        return False
    # A subclass is of the type (a `str` subclass renders as its plain value).
    return isinstance(info.default, type(value)) and bool(value == info.default)


def _is_plain_literal(value: object) -> bool:
    """A value whose `repr` is a Python literal that evaluates back to it."""
    if value is None or isinstance(value, bool | int | str):
        return type(value) in (type(None), bool, int, str)
    if type(value) is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) in (list, tuple):
        return all(_is_plain_literal(v) for v in value)  # type: ignore[attr-defined]
    if type(value) is dict:
        return all(type(k) is str and _is_plain_literal(v) for k, v in value.items())
    return False


def _literal_value(value: object, where: str) -> str | int | bool | None:
    if value is None or type(value) in (str, int, bool):
        return value  # type: ignore[return-value]
    if isinstance(value, enum.Enum):
        raise GeneratorError(
            f"{where}: Literal of an enum member is not supported; use the enum"
        )
    raise GeneratorError(f"{where}: unsupported Literal value {value!r}")


def _enum_value(member: enum.Enum, where: str) -> str | int:
    value = member.value
    # The plain value, never a subclass: its `repr` is what the module will contain.
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    raise GeneratorError(
        f"{where}: enum {type(member).__qualname__} has a non str/int value"
    )


def _discriminator_name(discriminator: Any, where: str) -> str | None:
    if discriminator is None:
        return None
    if isinstance(discriminator, str):
        return discriminator
    return None  # a callable Discriminator: decided by the keys seen, then by pydantic


def _string_keys(node: ir.TypeNode) -> bool:
    """Whether JSON object keys can be these: string literals, string enums,
    constrained strings (a pattern) and `Any`, or a union of them."""
    if isinstance(node, ir.UnionType):
        return all(_string_keys(m) for m in node.members)
    if isinstance(node, ir.StrType | ir.AnyType):
        return True
    if isinstance(node, ir.LiteralType | ir.EnumType):
        return all(isinstance(v, str) for v in node.values)
    return False


def _ref(tp: Any, where: str) -> ir.Ref:
    """Where a class (or a type alias, which has no `__qualname__`) is imported from."""
    qualname = _name(tp)
    if "<locals>" in qualname:
        raise GeneratorError(
            f"{where}: {qualname} is defined in a function; move it to a module"
        )
    module = tp.__module__
    if module == "builtins":
        return ir.Ref("builtins", qualname)
    if module not in sys.modules:
        raise GeneratorError(f"{where}: {qualname} is not importable")
    return ir.Ref(module, qualname)


def build_module(
    classes: Iterable[type[BaseModel]], sources: tuple[str, ...]
) -> ir.Module:
    """Walk every model reachable from the roots into one IR module."""
    walker = _Walker()
    roots = tuple(dict.fromkeys(walker.add(cls) for cls in classes))
    walker.run()
    return ir.Module(
        sources=sources,
        roots=roots,
        models=tuple(walker.models[k] for k in walker.order),
    )
