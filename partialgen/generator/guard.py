"""Defence in depth: the models module made from an untrusted schema is executed at build
time and imported by users, so before either, its syntax tree must hold only what a
models module holds: imports of known modules, class definitions with annotated fields
and constant-ish defaults, docstrings, and `Model.model_rebuild()` calls."""

from __future__ import annotations

import ast

from .errors import GeneratorError

_MODULES = frozenset(
    {
        "__future__",
        "typing",
        "typing_extensions",
        "pydantic",
        "datetime",
        "uuid",
        "decimal",
        "enum",
        "ipaddress",
        "pathlib",
        "annotated_types",
        "re",
    }
)
_CALLABLES = frozenset(
    {
        "Field",
        "ConfigDict",
        "StringConstraints",
        "AnyUrl",
        "constr",
        "conint",
        "confloat",
        "conlist",
        "Decimal",
        "TypeAliasType",
    }
)
_EXPRESSIONS = (
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Tuple,
    ast.List,
    ast.Dict,
    ast.Set,
    ast.Constant,
    ast.BinOp,
    ast.BitOr,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.Load,
    ast.keyword,
    ast.Call,
    ast.Slice,
)


def _check_expression(node: ast.AST) -> None:
    for sub in ast.walk(node):
        if not isinstance(sub, _EXPRESSIONS):
            raise GeneratorError(
                f"unexpected {type(sub).__name__} at line {getattr(sub, 'lineno', '?')}"
            )
        if isinstance(sub, ast.Call):
            func = sub.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr if isinstance(func, ast.Attribute) else ""
            )
            if name not in _CALLABLES:
                raise GeneratorError(
                    f"unexpected call to {name or '?'} at line {sub.lineno}"
                )
        if isinstance(sub, ast.Name | ast.Attribute) and (
            (sub.id if isinstance(sub, ast.Name) else sub.attr).startswith("__")
        ):
            raise GeneratorError(f"unexpected dunder name at line {sub.lineno}")


def _check_class(node: ast.ClassDef) -> None:
    if node.decorator_list or node.keywords:
        raise GeneratorError(
            f"unexpected class decorator or keyword at line {node.lineno}"
        )
    for base in node.bases:
        _check_expression(base)
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            _check_expression(item.annotation)
            if item.value is not None:
                _check_expression(item.value)
        elif isinstance(item, ast.Assign) and all(
            isinstance(t, ast.Name) for t in item.targets
        ):
            _check_expression(item.value)
        elif isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant):
            continue  # a docstring
        elif not isinstance(item, ast.Pass):
            raise GeneratorError(
                f"unexpected {type(item).__name__} in class at line {item.lineno}"
            )


def check_models_source(source: str) -> None:
    """Raise GeneratorError unless `source` is plainly a pydantic models module."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom):
            if node.level or (node.module or "").split(".")[0] not in _MODULES:
                raise GeneratorError(
                    f"unexpected import of {node.module!r} at line {node.lineno}"
                )
        elif isinstance(node, ast.ClassDef):
            _check_class(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            if not (
                isinstance(call.func, ast.Attribute)
                and call.func.attr == "model_rebuild"
                and isinstance(call.func.value, ast.Name)
                and not call.args
            ):
                raise GeneratorError(f"unexpected call at line {node.lineno}")
        elif isinstance(node, ast.Assign) and all(
            isinstance(t, ast.Name) for t in node.targets
        ):
            _check_expression(node.value)  # a type alias
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            raise GeneratorError(
                f"unexpected {type(node).__name__} at line {node.lineno}"
            )
