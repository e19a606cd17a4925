"""The same models as TypeScript: the JSON a browser receives, full and partial.

A full model's interface types its `model_dump(mode="json", by_alias=True)`, which is
what a patch stream's `done` event carries: every key present (defaults included),
keys by alias. A partial's interface types a snapshot's JSON, the document the patch
events build: every key optional and nullable, lists of partial items, literals only
ever whole (contract rule 6), union members partial with their tags. A RootModel's full
type is its root value; its snapshot is an object with one `root` key, as in Python.

Every name and key comes from a model or a schema, so nothing is written unquoted that
is not a plain identifier, and comments cannot be closed early.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from . import ir
from .limits import check_output_size
from .plan import Namer

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
# Reserved in TypeScript type positions or as declaration names (the strict-mode set).
_RESERVED = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "implements",
        "interface",
        "let",
        "package",
        "private",
        "protected",
        "public",
        "static",
        "yield",
        "any",
        "boolean",
        "never",
        "number",
        "object",
        "string",
        "symbol",
        "undefined",
        "unknown",
        "bigint",
        "type",
        "declare",
        "namespace",
        "module",
        "keyof",
        "infer",
        "readonly",
        "abstract",
        "async",
        "await",
        "constructor",
        "get",
        "set",
        "require",
        "global",
        "of",
        "satisfies",
        "Partial",
        "Record",
        "Array",
        "Object",
        "String",
        "Number",
        "Boolean",
        "Date",
        "Promise",
        "Map",
        "Set",
        "Json",
    ]
)
# Types pydantic's JSON mode writes as strings (datetime, UUID, Decimal, bytes...).
_STRING_MODULES = frozenset(
    {
        "datetime",
        "uuid",
        "decimal",
        "builtins",
        "pathlib",
        "ipaddress",
        "pydantic.networks",
    }
)
_PYDANTIC_STRINGS = frozenset(
    [
        "AwareDatetime",
        "NaiveDatetime",
        "PastDate",
        "FutureDate",
        "PastDatetime",
        "FutureDatetime",
        "UUID1",
        "UUID3",
        "UUID4",
        "UUID5",
        "UUID6",
        "UUID7",
        "UUID8",
        "SecretStr",
        "SecretBytes",
        "Base64Str",
        "Base64Bytes",
        "Base64UrlStr",
        "Base64UrlBytes",
        "FilePath",
        "DirectoryPath",
        "NewPath",
    ]
)


def _dumps_as_string(ref: ir.Ref) -> bool:
    """Whether pydantic's JSON mode writes values of this atomic type as strings."""
    return ref.module in _STRING_MODULES or (
        ref.module == "pydantic.types" and ref.qualname in _PYDANTIC_STRINGS
    )


def _name(text: str) -> str:
    """An identifier for a declaration, from a model's name."""
    name = re.sub(r"[^A-Za-z0-9_$]", "_", text) or "Model"
    if name[0].isdigit():
        name = "_" + name
    return name + "_" if name in _RESERVED else name


def _key(key: str) -> str:
    return key if _IDENTIFIER.match(key) else json.dumps(key)


def _literal(value: object) -> str:
    return json.dumps(value)  # str (ASCII-escaped), int, bool or None


def _doc(text: str | None, indent: str = "") -> list[str]:
    if not text:
        return []
    lines = [
        "".join(c if c.isprintable() else " " for c in line).replace("*/", "*\\/")
        for line in text.strip().splitlines()
    ]
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [
        f"{indent}/**",
        *(f"{indent} * {line}".rstrip() for line in lines),
        f"{indent} */",
    ]


# A type is kept as its alternatives (`A | B` is ("A", "B")), so unions flatten and a
# null is never written twice.
Alternatives = tuple[str, ...]


def _union(parts: Iterable[Alternatives]) -> Alternatives:
    unique = tuple(dict.fromkeys(a for part in parts for a in part))
    return ("unknown",) if "unknown" in unique else unique or ("never",)


def _text(alternatives: Alternatives) -> str:
    return " | ".join(alternatives)


def _array(item: Alternatives) -> Alternatives:
    text = _text(item)
    return (f"{text}[]" if len(item) == 1 else f"({text})[]",)


def _map(value: Alternatives) -> Alternatives:
    return (f"{{ [key: string]: {_text(value)} }}",)


class _Emitter:
    def __init__(self, module: ir.Module) -> None:
        self.module = module
        self.models = {m.key: m for m in module.models}
        namer = Namer()
        namer.taken |= _RESERVED
        self.full_names: dict[str, str] = {}
        self.partial_names: dict[str, str] = {}
        for m in module.models:
            stem = _name(m.ref.qualname.replace(".", ""))
            self.full_names[m.key] = namer.claim(stem)
            self.partial_names[m.key] = namer.claim(f"Partial{stem}")

    def full(self, node: ir.TypeNode) -> Alternatives:
        """The TypeScript type of a validated value's JSON."""
        if isinstance(node, ir.StrType):
            return ("string",)
        if isinstance(node, ir.ScalarType):
            kinds = {"int": "number", "float": "number", "bool": "boolean"}
            return (kinds.get(node.kind, "null"),)
        if isinstance(node, ir.LiteralType | ir.EnumType):
            return _union((_literal(v),) for v in node.values)
        if isinstance(node, ir.AtomicType):
            return ("string" if _dumps_as_string(node.ref) else "unknown",)
        if isinstance(node, ir.ListType):
            return _array(self.full(node.item))
        if isinstance(node, ir.TupleType):
            if node.variadic:
                return _array(self.full(node.items[0]))
            return (f"[{', '.join(_text(self.full(i)) for i in node.items)}]",)
        if isinstance(node, ir.DictType):
            return _map(self.full(node.value))
        if isinstance(node, ir.UnionType):
            return _union(self.full(m) for m in node.members)
        if isinstance(node, ir.ModelType):
            return (self.full_names[node.key],)
        if isinstance(node, ir.RootModelType | ir.ValidatedType):
            return self.full(node.inner)
        return ("unknown",)

    def partial(self, node: ir.TypeNode) -> Alternatives:
        """The TypeScript type of a value as a snapshot's JSON holds it."""
        if isinstance(node, ir.ListType) and node.container == "list":
            return _array(self.partial(node.item))
        if isinstance(node, ir.DictType):
            return _map(self.partial(node.value))
        if isinstance(node, ir.UnionType):
            return _union(self.partial(m) for m in node.members)
        if isinstance(node, ir.ModelType):
            return (self.partial_names[node.key],)
        if isinstance(node, ir.RootModelType):
            return self.partial(node.inner)
        return self.full(node)  # atomic: shown only when complete, as validated

    def model(self, m: ir.Model) -> list[str]:
        full, partial = self.full_names[m.key], self.partial_names[m.key]
        lines = _doc(m.doc)
        if m.root_value:
            lines.append(f"export type {full} = {_text(self.full(m.fields[0].type))};")
        else:
            lines.append(f"export interface {full} {{")
            for f in m.fields:
                lines += _doc(f.description, "  ")
                lines.append(f"  {_key(f.key)}: {_text(self.full(f.type))};")
            lines.append("}")
        lines.append("")
        lines += _doc(m.doc)
        lines.append(f"export interface {partial} {{")
        present = m.key not in self.module.roots
        for f in m.fields:
            value = self.full(f.type) if f.atomic else self.partial(f.type)
            if f.needed and present:  # shown only once it arrived, as in Python
                lines.append(f"  {_key(f.key)}: {_text(value)};")
            else:
                lines.append(f"  {_key(f.key)}?: {_text(_union([value, ('null',)]))};")
        lines.append("}")
        return lines


def render_typescript(module: ir.Module, header: str) -> str:
    """The TypeScript module for `module`: every model's full and partial type."""
    emitter = _Emitter(module)
    lines = [header, ""]
    for m in module.models:
        lines += emitter.model(m)
        lines.append("")
    text = "\n".join(lines).rstrip("\n") + "\n"
    check_output_size(text, "the TypeScript module")
    return text
