"""The JSON Schema front-end: schema → pydantic models (datamodel-code-generator) → IR.

The only module that imports datamodel-code-generator. The full models it writes become
a sibling module of the generated one (`ticket.py` gets `ticket_models.py`); from there
schema input takes the same path as pydantic input.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import sys
import tempfile
import types
import typing
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import typing_extensions
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .errors import GeneratorError
from .guard import check_models_source
from .imports import sort_imports
from .keywords import unsupported_keywords
from .limits import check_output_size, parse_document
from .refs import Reached, RefPolicy, confine, is_yaml, write_mirror


@dataclass(frozen=True)
class SchemaModels:
    """The full-model module made from a schema, and its root classes."""

    module_name: str
    source: str
    roots: list[type[BaseModel]]


def pascal_case(title: str) -> str:
    """`get_weather` → `GetWeather`, `support ticket` → `SupportTicket`."""
    words = re.split(r"[^0-9A-Za-z]+", title)
    name = "".join(w[:1].upper() + w[1:] for w in words if w)
    return name if name and not name[0].isdigit() else f"Model{name}"


# Names a class must not take in the models module: keywords, builtins (a class `int`
# would shadow the builtin its fields use), and what the module imports.
_TAKEN_NAMES = frozenset(
    {*keyword.kwlist, *keyword.softkwlist, *dir(builtins), "annotations"}
    | set(typing.__all__)
    | set(pydantic.__all__)
    | set(typing_extensions.__all__)
    | {
        "Enum",
        "IntEnum",
        "StrEnum",
        "date",
        "datetime",
        "time",
        "timedelta",
        "timezone",
    }
    | {"UUID", "Decimal", "IPv4Address", "IPv6Address", "IPv4Network", "IPv6Network"}
    | {"IPv4Interface", "IPv6Interface", "Path", "Pattern"}
)


def class_identifier(name: str) -> str:
    """A class name from a title or definition name, as datamodel-code-generator would
    want it: an ASCII identifier (`runs-javascript` → `RunsJavascript`, `0Model` →
    `Model0Model`, `a.b.c` → `ABC`, `//` → `Model`, `server_record` → `ServerRecord`),
    never a keyword, builtin or name the module imports (`None`, `Union`, `set` →
    `NoneModel`, `UnionModel`, `SetModel`). A valid capitalised name is kept as it is.
    """
    if name.isidentifier() and name.isascii() and name[:1].isupper():
        base = name
    else:  # accents dropped from their letters (`Café` → `Cafe`), the rest joined;
        # capitalised, as a class is: `url` must not meet a field `url` it types
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        base = pascal_case(plain)
    return base + "Model" if base in _TAKEN_NAMES else base


def read_document(path: Path) -> dict[str, Any]:
    """A schema file, parsed within the limits of `limits.py`."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise GeneratorError(f"cannot read schema {path}: {e}") from e
    document = parse_document(data, str(path), is_yaml(path.name))
    if not isinstance(document, dict):
        raise GeneratorError(f"{path}: a schema must be an object")
    return document


def models_source(
    path: Path,
    openapi: bool,
    root_name: str | None = None,
    title: str | None = None,
    reached: Reached | None = None,
) -> str:
    """datamodel-code-generator's pydantic module for a schema file, options pinned.

    `root_name` names a JSON Schema's root class (its `title` would otherwise decide,
    in datamodel-code-generator's own way: "BaseModel" becomes "BaseModelModel").
    `reached` holds the documents `refs.confine` checked: datamodel-code-generator reads
    remote ones from a mirror of what was fetched, and never opens a connection itself.
    """
    root_key = _letters(title) if title else None
    asked: list[str] = []
    given: dict[str, str] = {}  # name asked about → class name, one per name
    names: set[str] = set()  # the class names given

    def class_name(name: str) -> str:
        # It asks about the root's title as written, then as it sanitised it; a schema
        # without a title has its root asked about first.
        asked.append(name)
        is_root = _letters(name) == root_key if title else len(asked) == 1
        if root_name and is_root:
            return root_name
        if name in names:  # asked again about a name it was given
            return name
        if name not in given:
            base = wanted = class_identifier(name)
            n = 1
            while wanted in names or wanted == root_name:
                n += 1
                wanted = f"{base}{n}"
            given[name] = wanted
            names.add(wanted)
        return given[name]

    with tempfile.TemporaryDirectory(prefix="partialgen-refs-") as mirror:
        return _models_source(
            path, openapi, class_name, reached or Reached(), Path(mirror)
        )


def _models_source(
    path: Path,
    openapi: bool,
    class_name: Callable[[str], str],
    reached: Reached,
    mirror: Path,
) -> str:
    import datamodel_code_generator as dcg
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import PythonVersion
    from datamodel_code_generator.parser import LiteralType

    write_mirror(mirror, reached.remote)
    # Its own confinement is the schema's directory; ours (checked already) may be wider.
    directory = path.resolve().parent
    own_check = all(p.is_relative_to(directory) for p in reached.local_files)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # its own deprecation notices are not the user's
        try:
            result = dcg.generate(
                path,
                input_file_type=(
                    InputFileType.OpenAPI if openapi else InputFileType.JsonSchema
                ),
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                disable_timestamp=True,
                use_annotated=True,
                field_constraints=True,
                use_standard_collections=True,
                use_union_operator=True,
                use_schema_description=True,
                enum_field_as_literal=LiteralType.All,  # typed defaults: Literal, not Enum
                use_title_as_name=True,
                treat_dot_as_module=False,
                collapse_root_models=True,
                use_double_quotes=True,
                use_tuple_for_fixed_items=True,
                strict_nullable=True,  # a default does not make a field accept null
                field_extra_keys={"x-partialgen"},
                custom_class_name_generator=None if openapi else class_name,
                formatters=[],  # we sort imports and run black: no tool config applies
                # http(s) $refs are read from the mirror, so it never connects. Files
                # outside the schema's directory it refuses too, unless refs.confine
                # allowed some (a wider root): then its warning about them is noise.
                http_local_ref_path=mirror,
                allow_remote_refs=False if own_check else None,
            )
        except RecursionError:
            raise GeneratorError(
                f"{path}: datamodel-code-generator ran out of stack (a reference cycle "
                "it cannot follow, or nesting too deep)"
            ) from None
        except Exception as e:  # its errors have no common base class
            message = " ".join(str(e).split())
            raise GeneratorError(
                f"{path}: datamodel-code-generator failed: {message}"
            ) from e
    if not isinstance(result, str):
        raise GeneratorError(
            f"{path}: the schema produced several modules; put referenced schemas in "
            "files next to it or in $defs"
        )
    check_output_size(result, f"{path}: the models module")
    try:
        # Its header names a temporary path and its tool; ours names the schema.
        return sort_imports(re.sub(r"\A(#[^\n]*\n)+\n?", "", result))
    except SyntaxError as e:  # e.g. a title "None" became `class None(BaseModel)`
        raise GeneratorError(
            f"{path}: datamodel-code-generator wrote a module that does not parse "
            f"(line {e.lineno}: {' '.join((e.text or '').split())!r}); rename the "
            "schema's titles or definitions"
        ) from None


def load_schema_models(
    path: Path,
    module_name: str,
    class_name: str | None,
    policy: RefPolicy | None = None,
) -> SchemaModels:
    """Build the full models in memory, under the module name they will be imported as.

    Every `$ref` is checked against `policy` (default: files under the current
    directory, nothing remote) before datamodel-code-generator reads anything.
    """
    document = read_document(path)
    reached = confine(path, document, policy or RefPolicy.under(Path.cwd()))
    openapi = "openapi" in document
    for name, pointer in unsupported_keywords(document, openapi):
        print(
            f"partialgen: warning: {path}: unsupported keyword {name!r} at {pointer} "
            "is ignored",
            file=sys.stderr,
        )
    wanted = class_name or _root_name(document, path, openapi)
    title = document.get("title")
    source = models_source(
        path,
        openapi,
        None if openapi else wanted,
        title if isinstance(title, str) else None,
        reached,
    )
    try:
        check_models_source(source)
    except GeneratorError as e:
        raise GeneratorError(
            f"{path}: refusing datamodel-code-generator's output: {e}"
        ) from e
    module = types.ModuleType(module_name)
    module.__file__ = f"<partialgen: models of {path}>"
    previous = sys.modules.get(module_name)
    sys.modules[module_name] = module  # pydantic resolves forward references through it
    try:
        exec(compile(source, module.__file__, "exec"), module.__dict__)  # checked above
    except Exception as e:
        raise GeneratorError(f"{path}: the generated models do not import: {e}") from e
    finally:
        if previous is not None:
            sys.modules[module_name] = previous
    root = getattr(module, wanted, None)
    if not (
        isinstance(root, type)
        and issubclass(root, BaseModel)
        and root.__module__ == module_name
    ):
        available = sorted(
            n
            for n, v in vars(module).items()
            if isinstance(v, type)
            and issubclass(v, BaseModel)
            and v.__module__ == module_name
        )
        raise GeneratorError(
            f"{path}: no model named {wanted!r}; pass --class-name, one of: {', '.join(available)}"
        )
    return SchemaModels(module_name, _mark_unfit_defaults(source, module), [root])


def _mark_unfit_defaults(source: str, module: types.ModuleType) -> str:
    """datamodel-code-generator copies a schema's `default` as it is, also one of
    another type (`"default": 5` on a string): pydantic keeps it unvalidated, and mypy
    rejects the assignment. Such lines say so, so the models module passes mypy
    --strict and the schema's author finds the default to fix."""
    from .frontend import default_fits  # the front-end's own test, not a copy of it

    unfit: set[tuple[str, str]] = set()
    for cls in vars(module).values():
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            for name, info in cls.model_fields.items():
                if info.default is not PydanticUndefined and not default_fits(info):
                    unfit.add((cls.__name__, name))
    if not unfit:
        return source
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if (
                    isinstance(item, ast.AnnAssign)
                    and isinstance(item.target, ast.Name)
                    and (node.name, item.target.id) in unfit
                    and item.end_lineno is not None
                ):
                    lines[
                        item.end_lineno - 1
                    ] += "  # type: ignore[assignment]  # the schema's default is of another type"
    return "\n".join(lines) + "\n"


def _letters(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _root_name(document: dict[str, Any], path: Path, openapi: bool) -> str:
    """The root class: a JSON Schema's title in PascalCase (without one, its file name);
    OpenAPI has none to go by."""
    if openapi:
        raise GeneratorError(
            f"{path}: an OpenAPI document needs --class-name to choose the root"
        )
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        # Named after its file, as a user would (`swa-cli.config.json` →
        # `SwaCliConfig`); --class-name chooses another name.
        title = re.sub(r"\.(json|ya?ml)$", "", path.name)
    return class_identifier(pascal_case(title))
