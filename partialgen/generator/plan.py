"""The plan: IR → everything the template prints, already rendered and safe.

Every Python literal that comes from a schema (keys, descriptions, defaults, literal
and enum values) is rendered with `repr`; every name is made a safe, unique identifier
here. Annotation syntax is decided in this module only.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..runtime import PartialModel
from . import ir
from .errors import GeneratorError

_KIND_BITS = {
    "object": "OBJECT",
    "array": "ARRAY",
    "string": "STRING",
    "number": "NUMBER",
    "bool": "BOOL",
    "null": "NULL",
}
_LITERAL_KINDS: dict[type, ir.JsonKind] = {
    str: "string",
    int: "number",
    bool: "bool",
    type(None): "null",
}
# Names a generated module binds or relies on, which no schema name may take.
_RESERVED = (
    frozenset(dir(builtins))
    | frozenset(keyword.kwlist)
    | {
        "annotations",
        "__all__",
        "__doc__",
        "__name__",
        "__file__",
        "__spec__",
        "__loader__",
        "__package__",
        "__path__",
        "__cached__",
        "__builtins__",
        "__annotations__",
        "__dict__",
    }
)
_THIRD_PARTY = frozenset(
    {"pydantic", "pydantic_core", "partialgen", "annotated_types", "typing_extensions"}
)
# Attributes of a partial class that a field must not shadow (renamed, alias kept).
_MODEL_ATTRIBUTES = frozenset(dir(PartialModel)) | frozenset(dir(type(PartialModel)))
# Builtin names that annotations in class bodies use.
_BUILTIN_TYPES = (
    "str",
    "int",
    "float",
    "bool",
    "list",
    "set",
    "frozenset",
    "tuple",
    "dict",
    "bytes",
)


def is_safe_identifier(name: str) -> bool:
    """A plain identifier that Python reads back as the same name (NFKC-stable)."""
    return (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and unicodedata.normalize("NFKC", name) == name
    )


def to_identifier(text: str, fallback: str = "x") -> str:
    """An ASCII identifier made from any text: other characters become '_'."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", unicodedata.normalize("NFKC", text))
    if not name or name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


class Namer:
    """Hands out unique module-level names, first come first served."""

    def __init__(self) -> None:
        self.taken: set[str] = set(_RESERVED)

    def claim(self, wanted: str) -> str:
        base = wanted if is_safe_identifier(wanted) else to_identifier(wanted)
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        return name


@dataclass(frozen=True)
class PlannedField:
    attr: str
    annotation: str
    default: str  # the right-hand side in the class body
    spec: str  # the runtime spec expression


@dataclass(frozen=True)
class PlannedModel:
    partial: str
    spec_var: str
    full: str  # expression naming the full model class
    docstring: str | None
    fields: tuple[PlannedField, ...]
    field_specs: tuple[str, ...]


@dataclass(frozen=True)
class PlannedParser:
    name: str
    partial: str
    full: str
    spec_var: str


@dataclass(frozen=True)
class Plan:
    header: str
    docstring: str
    imports: tuple[str, ...]
    helpers: dict[str, str]
    models: tuple[PlannedModel, ...]
    parsers: tuple[PlannedParser, ...]
    exports: tuple[str, ...]


def docstring_statement(text: str) -> str:
    """A class docstring that says exactly `text` after black.

    black re-indents docstrings, strips trailing spaces and pads a closing quote, so a
    text it would touch becomes a plain `__doc__` assignment, which it leaves alone.
    """
    lines = text.split("\n")
    plain = (
        '"""' not in text
        and "\\" not in text
        and "\t" not in text
        and text == text.strip()
        and not text.endswith('"')
        and all(line == line.rstrip() for line in lines)
        and all(c == "\n" or c.isprintable() for c in text)
    )
    if plain and ast.literal_eval(f'"""{text}"""') == text:
        return f'"""{text}"""'
    return f"__doc__ = {text!r}"


def comment_safe(text: str) -> str:
    """One line of comment text: control characters and non-ASCII escaped."""
    return text.encode("unicode_escape").decode("ascii")


class _Planner:
    def __init__(self, module: ir.Module) -> None:
        self.module = module
        self.models = {m.key: m for m in module.models}
        self.namer = Namer()
        self.refs: dict[ir.Ref, str] = {}  # importable object → expression
        self.imports: dict[str, set[tuple[str, str]]] = {}  # module → {(name, local)}
        self.partial_names: dict[str, str] = {}
        self.spec_vars: dict[str, str] = {}
        self.parser_names: dict[str, str] = {}
        self.helpers: dict[str, str] = {}
        self.used: set[str] = set()  # helper names the module text uses
        # Field attributes of every partial class, decided first: pydantic evaluates a
        # class's annotations in its own namespace, where a field's default shadows a
        # module name (a field `date` would turn `date | None` into `None | None`).
        self.attrs = {m.key: _field_attributes(m) for m in module.models}
        self.field_attrs = {a for attrs in self.attrs.values() for a in attrs.values()}
        self.namer.taken.update(self.field_attrs)

    def _helper(self, name: str) -> str:
        local = self.helpers[name]
        self.used.add(local)
        return local

    def _import(self, ref: ir.Ref) -> str:
        if ref in self.refs:
            return self.refs[ref]
        parts = ref.qualname.split(".")
        if not all(is_safe_identifier(p) for p in parts) or not all(
            is_safe_identifier(p) for p in ref.module.split(".")
        ):
            raise GeneratorError(
                f"{ref.module}:{ref.qualname} has a name that cannot be imported"
            )
        if ref.module == "builtins" and parts[0] in _BUILTIN_TYPES:
            expr = ".".join([self._builtin(parts[0]), *parts[1:]])
        else:
            names = self.imports.setdefault(ref.module, set())
            local = next((lo for n, lo in names if n == parts[0]), None)
            local = local or self.namer.claim(parts[0])
            names.add((parts[0], local))
            expr = ".".join([local, *parts[1:]])
        self.refs[ref] = expr
        return expr

    def _builtin(self, name: str) -> str:
        """A builtin type's name, or `builtins.name` where a field would shadow it."""
        if name not in self.field_attrs:
            return name
        self.helpers.setdefault("builtins", self.namer.claim("_builtins"))
        return f"{self._helper('builtins')}.{name}"

    def plan(self) -> Plan:
        roots = [self.models[k] for k in self.module.roots]
        for m in roots:  # roots first, so they keep their own names where they can
            self._import(m.ref)
        for m in self.module.models:
            stem = m.ref.qualname.replace(".", "")
            self.partial_names[m.key] = self.namer.claim(f"Partial{stem}")
        for m in roots:
            self.parser_names[m.key] = self.namer.claim(
                f"{m.ref.qualname.replace('.', '')}Parser"
            )
        for helper in ("Any", "Literal", "Field", "PartialModel", "StreamParser", "_s"):
            self.helpers[helper] = self.namer.claim(helper)
        for m in self.module.models:
            self.spec_vars[m.key] = self.namer.claim(f"_{self.partial_names[m.key]}")
        planned = tuple(self._model(m) for m in self.module.models)
        imports = self._import_lines()
        parsers = tuple(
            PlannedParser(
                self.parser_names[m.key],
                self.partial_names[m.key],
                self._import(m.ref),
                self.spec_vars[m.key],
            )
            for m in roots
        )
        exports = sorted(
            {self._export(m.ref) for m in roots}
            | set(self.partial_names.values())
            | set(self.parser_names.values())
        )
        sources = ", ".join(comment_safe(s) for s in self.module.sources)
        return Plan(
            header=f"# Generated by partialgen from {sources}. DO NOT EDIT: "
            "regenerate with `partialgen generate`.",
            docstring=docstring_statement(
                "Typed partial classes and stream parsers for "
                + ", ".join(m.ref.qualname for m in roots)
                + "."
            ),
            imports=imports,
            helpers=self.helpers,
            models=planned,
            parsers=parsers,
            exports=tuple(exports),
        )

    def _export(self, ref: ir.Ref) -> str:
        """The name a root is re-exported under: its own, unless another import has it."""
        local = self._import(ref)
        name = ref.qualname.split(".")[0]
        bound = {lo for names in self.imports.values() for _, lo in names}
        if (
            local.split(".")[0] != name
            and name not in bound
            and name not in _RESERVED
            and "." not in ref.qualname
        ):
            self.imports[ref.module].add(
                (name, name)
            )  # a field's name, not a module name
            return name
        return local

    def _import_lines(self) -> tuple[str, ...]:
        """isort-style groups: standard library, third party, then the user's modules."""
        h = self.helpers
        for name in ("Any", "Literal"):
            if h[name] in self.used:
                self.imports.setdefault("typing", set()).add((name, h[name]))
        if h["Field"] in self.used:
            self.imports.setdefault("pydantic", set()).add(("Field", h["Field"]))
        runtime = self.imports.setdefault("partialgen.runtime", set())
        runtime.add(("PartialModel", h["PartialModel"]))
        runtime.add(("StreamParser", h["StreamParser"]))
        groups: dict[int, list[str]] = {0: [], 1: [], 2: []}
        if "builtins" in self.helpers:
            groups[0].append(f"import builtins as {h['builtins']}")
        for module in sorted(self.imports):
            names = sorted(self.imports[module], key=_isort_key)
            line = f"from {module} import " + ", ".join(
                _as(n, local) for n, local in names
            )
            groups[_import_group(module)].append(line)
        groups[1].append(f"from partialgen.runtime import specs as {h['_s']}")
        groups[1].sort(key=lambda line: line.split(" import ")[0])
        lines: list[str] = []
        for group in groups.values():
            if group:
                lines.extend([*group, ""])
        return tuple(lines[:-1])

    # -- models and fields --------------------------------------------------------------

    def _model(self, model: ir.Model) -> PlannedModel:
        full = self._import(model.ref)
        attrs = self.attrs[model.key]
        fields = []
        specs = []
        for f in model.fields:
            attr = attrs[f.name]
            fields.append(
                PlannedField(
                    attr=attr,
                    annotation=self._field_annotation(f),
                    default=self._default(model, f, attr),
                    spec="",
                )
            )
            spec = self._field_spec(model, f)
            extra = "" if attr == f.name else f", {f.name!r}"
            specs.append(
                f"{self.helpers['_s']}.Field({attr!r}, {f.key!r}, {spec}{extra})"
            )
        return PlannedModel(
            partial=self.partial_names[model.key],
            spec_var=self.spec_vars[model.key],
            full=full,
            docstring=docstring_statement(model.doc) if model.doc else None,
            fields=tuple(fields),
            field_specs=tuple(specs),
        )

    def _field_annotation(self, f: ir.Field) -> str:
        annotation = self.full(f.type) if f.atomic else self.partial(f.type)
        if (
            annotation == self.helpers["Any"]
            or annotation.endswith("| None")
            or annotation == "None"
        ):
            return annotation
        return f"{annotation} | None"

    def _default(self, model: ir.Model, f: ir.Field, attr: str) -> str:
        kwargs: list[str] = []
        if f.default.kind == "computed":
            kwargs.append(
                f"default_factory={self.spec_vars[model.key]}.default_factory({f.name!r})"
            )
        else:
            value = f.default.value if f.default.kind == "literal" else None
            kwargs.append(f"default={value!r}")
        if attr != f.key:
            kwargs.append(f"alias={f.key!r}")
        if f.description:
            kwargs.append(f"description={f.description!r}")
        if len(kwargs) == 1 and kwargs[0].startswith("default="):
            return kwargs[0].removeprefix("default=")
        return f"{self._helper('Field')}({', '.join(kwargs)})"

    # -- annotations ------------------------------------------------------------------------

    def partial(self, node: ir.TypeNode) -> str:
        """The annotation of a value as a snapshot holds it."""
        if isinstance(node, ir.ListType):
            if node.container == "list":
                return f"{self._builtin('list')}[{self.partial(node.item)}]"
            return f"{self._builtin(node.container)}[{self.full(node.item)}]"
        if isinstance(node, ir.DictType):
            return f"{self._builtin('dict')}[{self._builtin('str')}, {self.partial(node.value)}]"
        if isinstance(node, ir.UnionType):
            return _union(self.partial(m) for m in node.members)
        if isinstance(node, ir.ModelType):
            return self.partial_names[node.key]
        return self.full(node)

    def full(self, node: ir.TypeNode) -> str:
        """The annotation of a complete, validated value."""
        if isinstance(node, ir.StrType):
            return self._builtin("str")
        if isinstance(node, ir.ScalarType):
            return "None" if node.kind == "none" else self._builtin(node.kind)
        if isinstance(node, ir.LiteralType):
            return (
                f"{self._helper('Literal')}[{', '.join(repr(v) for v in node.values)}]"
            )
        if isinstance(node, ir.EnumType | ir.AtomicType):
            return self._import(node.ref)
        if isinstance(node, ir.ListType):
            return f"{self._builtin(node.container)}[{self.full(node.item)}]"
        if isinstance(node, ir.TupleType):
            tuple_ = self._builtin("tuple")
            if node.variadic:
                return f"{tuple_}[{self.full(node.items[0])}, ...]"
            return f"{tuple_}[{', '.join(self.full(i) for i in node.items) or '()'}]"
        if isinstance(node, ir.DictType):
            return f"{self._builtin('dict')}[{self._builtin('str')}, {self.full(node.value)}]"
        if isinstance(node, ir.UnionType):
            return _union(self.full(m) for m in node.members)
        if isinstance(node, ir.ModelType):
            return self._import(self.models[node.key].ref)
        if isinstance(node, ir.ValidatedType):
            return self.full(node.inner)
        return self._helper("Any")

    # -- runtime specs -----------------------------------------------------------------------

    def _field_spec(self, model: ir.Model, f: ir.Field) -> str:
        full = self._import(model.ref)
        if f.atomic:
            return self._atomic(full, f.name, f.type.at, accepts(f.type, self.models))
        return self.spec(f.type, full, f.name)

    def _at(self, full: str, field: str, at: tuple[int, ...]) -> str:
        s = self.helpers["_s"]
        return (
            f"{s}.At({full}, {field!r}, {at!r})" if at else f"{s}.At({full}, {field!r})"
        )

    def _atomic(
        self, full: str, field: str, at: tuple[int, ...], kinds: frozenset[str]
    ) -> str:
        return f"{self.helpers['_s']}.Atomic({self._at(full, field, at)}, {self._kinds(kinds)})"

    def _kinds(self, kinds: frozenset[str]) -> str:
        s = self.helpers["_s"]
        if kinds >= ir.ALL_KINDS:
            return f"{s}.ANY_KIND"
        return " | ".join(f"{s}.{_KIND_BITS[k]}" for k in _KIND_BITS if k in kinds)

    def spec(self, node: ir.TypeNode, full: str, field: str) -> str:
        s = self.helpers["_s"]
        at = self._at(full, field, node.at)
        if isinstance(node, ir.StrType):
            return f"{s}.Str({at})" if node.constrained else f"{s}.Str()"
        if node == ir.ScalarType("none", node.at):
            return f"{s}.NONE"
        if isinstance(node, ir.ScalarType):
            fast = ", fast=False" if node.constrained else ""
            return f"{s}.Scalar({node.kind!r}, {at}{fast})"
        if isinstance(node, ir.LiteralType):
            options = tuple((v, v) for v in node.values)
            return f"{s}.Choice({options!r}, {at}, {self._kinds(accepts(node, self.models))})"
        if isinstance(node, ir.EnumType):
            enum = self._import(node.ref)
            members = ", ".join(f"({v!r}, {enum}({v!r}))" for v in node.values)
            return f"{s}.Choice(({members},), {at}, {self._kinds(accepts(node, self.models))})"
        if isinstance(node, ir.ListType):
            if node.container == "list":
                return f"{s}.ListOf({self.spec(node.item, full, field)})"
            item = node.item
            return f"{s}.ListOf({self._atomic(full, field, item.at, accepts(item, self.models))}, {node.container})"
        if isinstance(node, ir.DictType):
            return f"{s}.DictOf({self.spec(node.value, full, field)})"
        if isinstance(node, ir.UnionType):
            others = [m for m in node.members if m != ir.ScalarType("none", m.at)]
            if len(others) == 1 and len(node.members) == 2:
                return f"{s}.Optional({self.spec(others[0], full, field)})"
            members = ", ".join(self.spec(m, full, field) for m in node.members)
            tags = self._tags(node)
            return f"{s}.Union(({members},), {at}{tags})"
        if isinstance(node, ir.ModelType):
            return self.spec_vars[node.key]
        return self._atomic(full, field, node.at, accepts(node, self.models))

    def _tags(self, node: ir.UnionType) -> str:
        """`discriminator=(json key, {tag value: member index})` for a tagged union."""
        if node.discriminator is None:
            return ""
        key: str | None = None
        tags: dict[str, int] = {}
        for index, member in enumerate(node.members):
            if not isinstance(member, ir.ModelType):
                continue
            for f in self.models[member.key].fields:
                if f.name != node.discriminator:
                    continue
                key = f.key
                values: tuple[Any, ...] = ()
                if isinstance(f.type, ir.LiteralType | ir.EnumType):
                    values = f.type.values
                for v in values:
                    if isinstance(v, str):
                        tags[v] = index
        if key is None or not tags:
            return ""
        return f", discriminator=({key!r}, {tags!r})"


def _field_attributes(model: ir.Model) -> dict[str, str]:
    """Each field's attribute in the partial class: its own name where that is safe, else
    a renamed one (the alias keeps the JSON key)."""
    taken = set(_MODEL_ATTRIBUTES)
    attrs: dict[str, str] = {}
    for f in model.fields:
        name = f.name
        if name in taken or not is_safe_identifier(name) or name.startswith("_"):
            base = to_identifier(name.strip("_") or "field", "field") + "_"
            name, n = base, 1
            while name in taken or name in attrs.values():
                n += 1
                name = f"{base}{n}"
        taken.add(name)
        attrs[f.name] = name
    return attrs


def _import_group(module: str) -> int:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        return 0
    if top in _THIRD_PARTY:
        return 1
    origin = getattr(sys.modules.get(top), "__file__", None) or ""
    return 1 if "site-packages" in origin or "dist-packages" in origin else 2


def _isort_key(item: tuple[str, str]) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions and variables."""
    name = item[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def _as(name: str, local: str) -> str:
    return name if name == local else f"{name} as {local}"


def _union(parts: Any) -> str:
    seen = list(dict.fromkeys(parts))
    if "None" in seen:  # None last, as people write Optional
        seen = [p for p in seen if p != "None"] + ["None"]
    return " | ".join(seen)


def accepts(node: ir.TypeNode, models: dict[str, ir.Model]) -> frozenset[str]:
    """The JSON kinds that could ever validate as `node` (conservative: a superset)."""
    if isinstance(node, ir.StrType):
        return frozenset({"string"})
    if isinstance(node, ir.ScalarType):
        return {
            "int": frozenset({"number", "string", "bool"}),
            "float": frozenset({"number", "string", "bool"}),
            "bool": frozenset({"bool", "number", "string"}),
            "none": frozenset({"null"}),
        }[node.kind]
    if isinstance(node, ir.LiteralType):
        return frozenset(_LITERAL_KINDS[type(v)] for v in node.values)
    if isinstance(node, ir.EnumType):
        kinds = {"string"}  # pydantic's lax mode takes "1" for an int-valued enum
        if any(isinstance(v, int) for v in node.values):
            kinds.add("number")
        return frozenset(kinds)
    if isinstance(node, ir.AtomicType):
        return node.accepts
    if isinstance(node, ir.ListType | ir.TupleType):
        return frozenset({"array"})
    if isinstance(node, ir.DictType | ir.ModelType):
        return frozenset({"object"})
    if isinstance(node, ir.UnionType):
        out: frozenset[str] = frozenset()
        for m in node.members:
            out |= accepts(m, models)
        return out
    if isinstance(node, ir.ValidatedType):
        return ir.ALL_KINDS  # a `mode="before"` validator may take anything
    return ir.ALL_KINDS


def make_plan(module: ir.Module) -> Plan:
    return _Planner(module).plan()
