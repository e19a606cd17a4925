"""Schema knowledge for the parser, as plain objects that generated modules construct.

A spec says, for one position in the document, which JSON kinds could ever validate there
(so a wrong kind fails at its first character) and how a complete value is converted. The
conversion of anything that is not a plain token goes through pydantic itself, on the raw
JSON text of the value, so it agrees with `Model.model_validate_json` by construction.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, RootModel, TypeAdapter
from pydantic import Field as _FieldInfo

from .snapshot import Completion, PartialModel, build_partial
from .transform import StrTransform, str_transform

# JSON kinds, as bits, by the first character of a value.
OBJECT, ARRAY, STRING, NUMBER, BOOL, NULL = 1, 2, 4, 8, 16, 32
ANY_KIND = 63

_PLAIN_INT = re.compile(r"-?[0-9]+\Z")
_INFINITIES = (float("inf"), float("-inf"))

_CONFIG_KEYS = (
    "strict",
    "str_strip_whitespace",
    "str_to_lower",
    "str_to_upper",
    "str_max_length",
    "str_min_length",
    "allow_inf_nan",
    "ser_json_inf_nan",
    "val_json_bytes",
    "coerce_numbers_to_str",
    "use_enum_values",
)


class At:
    """Where a type sits in a full model: a field, then indices into `get_args`.

    Its `TypeAdapter` is built on first use, with the field's constraints and the
    model's config, so importing a generated module stays cheap.
    """

    __slots__ = ("_adapter", "args", "field", "model")

    def __init__(
        self, model: type[BaseModel], field: str, args: tuple[int, ...] = ()
    ) -> None:
        self.model: type[BaseModel] = model
        self.field: str = field
        self.args: tuple[int, ...] = args
        self._adapter: TypeAdapter[Any] | None = None

    def adapter(self) -> TypeAdapter[Any]:
        if self._adapter is None:
            info = self.model.model_fields[self.field]
            tp: Any = info.annotation
            if self.args:
                for index in self.args:
                    while (
                        type(tp).__name__ == "TypeAliasType"
                    ):  # `X = TypeAliasType(...)`
                        tp = tp.__value__
                    tp = get_args(tp)[index]
            else:
                # A field's discriminator lives on its FieldInfo, not in its metadata.
                tagged = (
                    [_FieldInfo(discriminator=info.discriminator)]
                    if info.discriminator
                    else []
                )
                if info.metadata or tagged:
                    tp = Annotated[(tp, *info.metadata, *tagged)]
            model_config: dict[str, Any] = dict(self.model.model_config)
            config = {k: model_config[k] for k in _CONFIG_KEYS if k in model_config}
            adapter_config = ConfigDict(**config) if config and not _is_model(tp) else None  # type: ignore[typeddict-item]
            self._adapter = TypeAdapter(tp, config=adapter_config)
        return self._adapter

    def validate_json(self, raw: str) -> Any:
        return self.adapter().validate_json(raw)


def _identity(value: Any) -> Any:
    return value


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


class Spec:
    """Base of every spec; `accepts` holds the JSON kinds that could validate here."""

    __slots__ = ("accepts",)
    accepts: int

    def resolve(self, kind: int) -> Spec | None:
        """The spec that takes over once a value of `kind` starts (None: impossible)."""
        return self if self.accepts & kind else None

    def to_partial(self, value: Any) -> Any:
        """The snapshot form of a validated full value: plain values as they are, and a
        RootModel as its root value, which is how partial classes hold it."""
        return value.root if isinstance(value, RootModel) else value


class Str(Spec):
    """A plain `str`: streams character by character; constraints checked at the end.

    `strip`, `lower` and `upper` say what pydantic does to it (its model's config or
    its `StringConstraints`): it streams as pydantic will return it.
    """

    __slots__ = ("check", "transform")

    def __init__(
        self,
        check: At | None = None,
        *,
        strip: bool = False,
        lower: bool = False,
        upper: bool = False,
    ) -> None:
        self.accepts = STRING
        # Only for a constrained string, validated when complete.
        self.check: At | None = check
        self.transform: StrTransform | None = (
            str_transform(strip, lower, upper) if strip or lower or upper else None
        )

    def convert(self, raw: str) -> Any:
        assert self.check is not None, "only a constrained string is converted"
        # A union's check may return a RootModel member: snapshots hold its root value.
        return self.to_partial(self.check.validate_json(raw))


SLOW: Any = object()  # a plain token that pydantic must convert after all


class Scalar(Spec):
    """int, float, bool or None: plain tokens convert directly, the rest via pydantic.

    `fast` is False when constraints or the model's config could change the value.
    """

    __slots__ = ("check", "fast", "kind", "natural")

    def __init__(self, kind: str, check: At | None, fast: bool = True) -> None:
        self.kind: str = kind
        self.check: At | None = check
        self.fast: bool = fast
        accepts, natural = {
            "int": (NUMBER | STRING | BOOL, NUMBER),
            "float": (NUMBER | STRING | BOOL, NUMBER),
            "bool": (BOOL | NUMBER | STRING, BOOL),
            "none": (NULL, NULL),
        }[kind]
        self.accepts = accepts
        self.natural: int = natural  # the kind of token `plain` reads

    def plain(self, token: str) -> Any:
        """The value of a token of the natural kind, or SLOW."""
        kind = self.kind
        if kind == "int":
            if _PLAIN_INT.match(token) and len(token) < 4000:  # int()'s digit limit
                return int(token)
            return SLOW
        if kind == "float":
            if len(token) > 300:  # jiter refuses over 4,300 digits: pydantic decides
                return SLOW
            if _PLAIN_INT.match(token):  # JSON `-0` is the integer 0 for pydantic: 0.0
                return float(int(token))
            value = float(token)
            # Out of a float's range: jiter's verdict depends on the digits (`1e400` is
            # inf, a 4,000-digit mantissa an error), so pydantic decides.
            return SLOW if value in _INFINITIES and token[-1].isdigit() else value
        if kind == "bool":
            return token == "true"
        return None

    def convert(self, raw: str) -> Any:
        assert self.check is not None, "null converts on the fast path"
        return self.check.validate_json(raw)


NONE = Scalar("none", None)  # JSON null where None is allowed


class Choice(Spec):
    """A `Literal` or `Enum`: a string value commits as soon as its prefix is unique."""

    __slots__ = ("allowed", "check", "options", "strings_only")

    def __init__(
        self, options: Sequence[tuple[Any, Any]], check: At, accepts: int
    ) -> None:
        # (JSON value, snapshot value): ("red", Color.RED), ("admin", "admin"), (1, 1)
        self.options: tuple[tuple[str, Any], ...] = tuple(
            (j, v) for j, v in options if isinstance(j, str)
        )
        self.strings_only: bool = len(self.options) == len(options)
        self.allowed: tuple[Any, ...] = tuple(j for j, _ in options)
        self.check: At = check
        self.accepts = accepts

    def matching(self, prefix: str) -> list[Any]:
        return [v for j, v in self.options if j.startswith(prefix)]

    def exact(self, text: str) -> tuple[bool, Any]:
        for j, v in self.options:
            if j == text:
                return True, v
        return False, None

    def convert(self, raw: str) -> Any:
        return self.check.validate_json(raw)


class Atomic(Spec):
    """A value shown only when complete (datetime, UUID, tuple, Any, validated fields)."""

    __slots__ = ("check", "partial")

    def __init__(
        self, check: At, accepts: int = ANY_KIND, partial: Spec | None = None
    ) -> None:
        self.check: At = check
        self.accepts = accepts
        self.partial: Spec | None = (
            partial  # converts a validated value holding models into partials
        )

    def convert(self, raw: str) -> Any:
        return self.shown(self.check.validate_json(raw))

    def shown(self, value: Any) -> Any:
        """The snapshot form of the value pydantic validated here."""
        return value if self.partial is None else self.partial.to_partial(value)

    def to_partial(self, value: Any) -> Any:
        return value  # atomic values keep their full types, RootModels included


class ListOf(Spec):
    """list, set or frozenset: `[]` at once, items as they start (or complete)."""

    __slots__ = ("container", "item")

    def __init__(
        self, item: Spec, container: Callable[[list[Any]], Any] = list
    ) -> None:
        self.accepts = ARRAY
        self.item: Spec = item
        self.container: Callable[[list[Any]], Any] = container

    def to_partial(self, value: Any) -> Any:
        value = super().to_partial(value)
        return self.container([self.item.to_partial(v) for v in value])


class DictOf(Spec):
    """dict[str, X]: an entry appears once its key is complete and its value begins.

    `key`, a `Str` that pydantic transforms: each key is shown as pydantic returns it.
    """

    __slots__ = ("key_transform", "value")

    def __init__(self, value: Spec, key: Str | None = None) -> None:
        self.accepts = OBJECT
        self.value: Spec = value
        self.key_transform: StrTransform | None = None if key is None else key.transform

    def to_partial(self, value: Any) -> Any:
        value = super().to_partial(value)
        return {k: self.value.to_partial(v) for k, v in value.items()}


class Field:
    """One field of a model: attribute name, JSON key, value spec (and the full model's
    attribute name, when the partial had to rename it)."""

    __slots__ = ("deferred", "full_name", "key", "name", "needed", "spec")

    def __init__(
        self,
        name: str,
        key: str,
        spec: Spec,
        full_name: str | None = None,
        *,
        needed: bool = False,
    ) -> None:
        self.name: str = name
        self.key: str = key
        self.spec: Spec = spec
        self.full_name: str = full_name or name
        # The streaming hint: the object holding this field is shown once it is complete.
        self.needed: bool = needed
        # A `@field_validator` field: its value is the validator's output, known when
        # the object holding it is validated (Model.define sets it).
        self.deferred: bool = False


class Model(Spec):
    """A model: its partial and full classes and its field table, keyed by JSON key."""

    __slots__ = (
        "by_key",
        "complete",
        "default_factories",
        "field_sets",
        "fields",
        "forbid_extra",
        "full",
        "needed",
        "order",
        "partial",
        "revalidated",
        "static_defaults",
    )

    def __init__(self, full: type[BaseModel]) -> None:
        self.accepts = OBJECT
        self.partial: type[PartialModel] = PartialModel  # set by define()
        self.full: type[BaseModel] = full
        self.fields: tuple[Field, ...] = ()
        self.needed: frozenset[str] = frozenset()  # fields to wait for before showing
        self.by_key: dict[str, Field] = {}
        self.forbid_extra: bool = full.model_config.get("extra") == "forbid"
        # Every field with a default, in declaration order (a factory's field holds
        # None until `defaults` calls it): a snapshot's `__dict__` keeps this order, and
        # `model_dump()` and `repr()` follow `__dict__`.
        self.static_defaults: dict[str, Any] = {}
        self.default_factories: dict[str, Callable[[], Any]] = {}
        self.order: tuple[str, ...] = ()
        self.complete: Completion = Completion(frozenset(), True, {})
        # Validators on the model's own methods: a closed object shows their output.
        self.revalidated: bool = False
        # One fields-set object per distinct set of fields, shared by the closed objects
        # of this model: one object less per item for memory and the collector.
        self.field_sets: dict[frozenset[str], set[str]] = {}

    def shared_fields_set(self, names: set[str]) -> set[str]:
        """The shared `__pydantic_fields_set__` equal to `names` (an assignment to a
        snapshot gives it a copy first: `PartialModel.__setattr__`)."""
        return self.field_sets.setdefault(frozenset(names), names)

    def define(self, partial: type[PartialModel], *fields: Field) -> None:
        """Bind the partial class and fill the field table.

        Separate from __init__ so that models (and partial-class defaults) can refer to
        each other's specs before every table is filled.
        """
        self.partial = partial
        self.fields = fields
        self.complete = Completion(frozenset(f.name for f in fields), True, {})
        decorators = self.full.__pydantic_decorators__
        validated = field_validated(self.full)
        for f in fields:
            f.deferred = f.full_name in validated
        self.revalidated = bool(validated or decorators.model_validators)
        self.needed = frozenset(f.name for f in fields if f.needed)
        by_name = self.full.model_config.get(
            "validate_by_name"
        ) or self.full.model_config.get("populate_by_name")
        for f in fields:
            self.by_key[f.key] = f
            if by_name:
                self.by_key.setdefault(f.name, f)
        self.order = tuple(self.partial.model_fields)
        for name, info in self.partial.model_fields.items():
            if info.is_required():
                continue  # a needed field: set before the object is ever shown
            if info.default_factory is not None:
                self.default_factories[name] = info.default_factory  # type: ignore[assignment]
            elif isinstance(info.default, list | dict | set):
                self.default_factories[name] = _copier(info.default)
            self.static_defaults[name] = (
                None if name in self.default_factories else info.default
            )

    def default_factory(self, name: str) -> Callable[[], Any]:
        """A factory for the partial class: the full model's default, as a partial value.

        Resolved once, on first call: asking pydantic per object costs a signature
        inspection each time.
        """
        resolved: list[Callable[[], Any]] = []

        def resolve() -> Callable[[], Any]:
            info = self.full.model_fields[name]
            field = next((f for f in self.fields if f.full_name == name), None)
            convert = _identity if field is None else field.spec.to_partial
            factory: Any = info.default_factory
            if factory is None:
                default = info.default
                if validates_default(self.full, name):  # pydantic does: show that
                    try:
                        default = At(self.full, name).adapter().validate_python(default)
                    except ValueError:  # pydantic will reject it too: nothing to show
                        default = None
                return lambda: convert(copy.deepcopy(default))
            return lambda: convert(factory())

        def make() -> Any:
            if not resolved:
                resolved.append(resolve())
            return resolved[0]()

        return make

    def defaults(self) -> dict[str, Any]:
        """Field values before any key arrives: declared defaults, else None."""
        values = dict(self.static_defaults)
        for name, factory in self.default_factories.items():
            values[name] = factory()  # an existing key: its place is kept
        return values

    def in_order(self, values: dict[str, Any]) -> dict[str, Any]:
        """`values` in declaration order (needed fields are added as they arrive)."""
        return {name: values[name] for name in self.order if name in values}

    def to_partial(self, value: Any) -> Any:
        value = super().to_partial(value)
        if not isinstance(value, BaseModel):
            return value
        values = {
            f.name: f.spec.to_partial(getattr(value, f.full_name)) for f in self.fields
        }
        given = value.__pydantic_fields_set__  # by the full model's names
        fields_set = self.shared_fields_set(
            {f.name for f in self.fields if f.full_name in given}
        )
        return build_partial(self.partial, values, fields_set, self.complete)


def field_validated(full: type[BaseModel]) -> set[str]:
    """The fields a `@field_validator` of the model applies to."""
    names: set[str] = set()
    for decorator in full.__pydantic_decorators__.field_validators.values():
        fields = decorator.info.fields
        names.update(full.model_fields if "*" in fields else fields)
    return names


def validates_default(full: type[BaseModel], name: str) -> bool:
    """Whether pydantic validates the field's default: the field says, else the config."""
    validate = full.model_fields[name].validate_default
    if validate is None:
        return bool(full.model_config.get("validate_default"))
    return validate


def _copier(value: Any) -> Callable[[], Any]:
    return lambda: copy.deepcopy(value)


class Union(Spec):
    """A union: decided by the first character's kind, a discriminator, or the keys seen."""

    __slots__ = ("_by_kind", "check", "members", "tag_key", "tags")

    def __init__(
        self,
        members: Sequence[Spec],
        check: At | None,
        discriminator: tuple[str, dict[str, int]] | None = None,
    ) -> None:
        self.members: tuple[Spec, ...] = tuple(members)
        self.check: At | None = check
        self.accepts: int = 0
        for m in self.members:
            self.accepts |= m.accepts
        # The discriminator's JSON key and its JSON values → member index.
        self.tag_key: str | None = discriminator[0] if discriminator else None
        self.tags: dict[str, int] = discriminator[1] if discriminator else {}
        self._by_kind: dict[int, Spec | None] = {}
        for kind in (OBJECT, ARRAY, STRING, NUMBER, BOOL, NULL):
            self._by_kind[kind] = self._decide(kind)

    def _decide(self, kind: int) -> Spec | None:
        fits = [m.resolve(kind) for m in self.members if m.accepts & kind]
        candidates = [m for m in fits if m is not None]
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        if kind == NULL and NONE in candidates:
            return NONE  # null is None, whatever else might also accept it
        if kind == STRING:
            # pydantic's smart mode prefers the exact type: a JSON string is a `str`.
            for m in candidates:
                if isinstance(m, Str) and m.check is None:
                    return m
            # A constrained one (a pattern) may fail where another member accepts the
            # string (a URL, a literal, an int from "5"): it streams as text, and the
            # union as a whole decides when it is complete, as pydantic would.
            text = next((m for m in candidates if isinstance(m, Str)), None)
            if self.check is not None and text is not None:
                union_text = Str(self.check)
                union_text.transform = text.transform  # shown as that member returns it
                return union_text
        if kind == OBJECT and all(isinstance(m, Model) for m in candidates):
            return self  # decided while the object streams, by tag or keys
        assert self.check is not None, "an ambiguous union needs its location"
        return Atomic(self.check, kind, partial=self)

    def resolve(self, kind: int) -> Spec | None:
        return self._by_kind[kind]

    def models(self) -> list[Model]:
        return [m for m in self.members if isinstance(m, Model)]

    def convert(self, raw: str) -> Any:
        assert self.check is not None
        return self.shown(self.check.validate_json(raw))

    def shown(self, value: Any) -> Any:
        """The snapshot form of the value pydantic validated here."""
        return self.to_partial(value)

    def to_partial(self, value: Any) -> Any:
        value = super().to_partial(value)
        for m in self.members:
            if isinstance(m, Model) and isinstance(value, m.full):
                return m.to_partial(value)
            if isinstance(m, ListOf | DictOf) and isinstance(
                value, list | dict | set | frozenset
            ):
                return m.to_partial(value)
        return value


def Optional(spec: Spec) -> Union:
    """`X | None`: null, or whatever X takes."""
    return Union((spec, NONE), None)
