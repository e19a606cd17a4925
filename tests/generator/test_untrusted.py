"""Untrusted names and text: the generated module is valid, inert, and says what the source said.

Models come from `pydantic.create_model` in a module written to tmp_path, so names that
class syntax cannot spell (keywords, dashes, digits) are possible, as with JSON Schema.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import warnings
from pathlib import Path
from typing import Any, get_args

import pytest
from partialgen import InvalidOutputError, StreamParser
from partialgen.__main__ import main
from partialgen.generator import GeneratorError

from tests.generator.support import Workspace

ENV_FLAG = "PARTIALGEN_TEST_PAYLOAD_RAN"


def payloads(marker: Path) -> list[str]:
    """Texts that would do something visible if any of them were ever executed."""
    code = f"import os; os.environ[{ENV_FLAG!r}] = '1'; open({str(marker)!r}, 'w')"
    return [
        f'"""\n{code}\n"""',
        f"'''\n{code}\n'''",
        f'"; {code}; "',
        f"'; {code}; '",
        f"\\\n{code}\n#",
        f'\\"""\n{code}\n',
        f"# {code}\n{code}",
        f"\r\n{code}\r\n",
        f"{{{{ {code} }}}} {{% raw %}}",
        f"café ☃ 日本 \u2028 \u200b{code}",
        f"ends with a backslash \\\n{code}\\",
        f'ends with a quote "\n{code}"',
    ]


PAYLOAD_MODULE = """
import json
import pathlib
from enum import Enum
from typing import Literal

from pydantic import Field, create_model

TEXTS = json.loads(pathlib.Path(__file__).with_name("texts.json").read_text("utf-8"))

Mood = Enum("Mood", {f"M{i}": text for i, text in enumerate(TEXTS)}, module=__name__)

fields = {}
for i, text in enumerate(TEXTS):
    fields[f"d{i}"] = (str, Field(default=text, description=text))
    fields[f"a{i}"] = (int, Field(default=i, alias=text))
fields["choice"] = (Literal[tuple(TEXTS)], TEXTS[0])
fields["mood"] = (Mood, list(Mood)[1])

Payload = create_model(
    "Payload", __module__=__name__, __doc__="\\n".join(TEXTS), **fields
)
"""


@pytest.fixture
def payload_models(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.delenv(ENV_FLAG, raising=False)
    texts = payloads(ws.root / "payload-ran.txt")
    (ws.root / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    ws.write("payload_models", PAYLOAD_MODULE)
    return texts


ALLOWED_TOP_LEVEL = (ast.ImportFrom, ast.ClassDef, ast.Assign)


def test_payload_text_is_never_code(ws: Workspace, payload_models: list[str]) -> None:
    source = ws.generate("payload_models:Payload")
    tree = ast.parse(source)
    statements = tree.body[1:]  # after the module docstring
    for node in statements:
        is_define = (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "define"
        )
        assert isinstance(node, ALLOWED_TOP_LEVEL) or is_define, ast.dump(node)[:200]
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert "os" not in imported
    ws.write_raw("payload_out", source)
    gen: Any = ws.import_module("payload_out")
    assert ENV_FLAG not in os.environ
    assert not (ws.root / "payload-ran.txt").exists()
    assert gen.PayloadParser().snapshot is not None


def test_payload_text_arrives_exactly(ws: Workspace, payload_models: list[str]) -> None:
    gen = ws.generate_and_import("payload_models:Payload", name="payload_out")
    models = ws.import_module("payload_models")
    partial = gen.PartialPayload.model_fields
    for i, text in enumerate(payload_models):
        assert partial[f"d{i}"].description == text
        assert partial[f"d{i}"].default == text
        assert partial[f"a{i}"].alias == text
    literal, none = get_args(partial["choice"].annotation)
    assert none is type(None)
    assert list(get_args(literal)) == payload_models
    assert gen.PartialPayload().choice == payload_models[0]
    assert gen.PartialPayload().mood is list(models.Mood)[1]
    # The JSON keys (aliases) and enum values work in the stream, character by character.
    document = json.dumps(
        {**{t: i * 10 for i, t in enumerate(payload_models)}, "mood": payload_models[3]}
    )
    parser = gen.PayloadParser()
    for ch in document:
        parser.feed(ch)
    result = parser.close()
    assert result == models.Payload.model_validate_json(document)
    assert [getattr(parser.snapshot, f"a{i}") for i in range(len(payload_models))] == [
        i * 10 for i in range(len(payload_models))
    ]
    assert parser.snapshot.mood is list(models.Mood)[3]


DOCSTRINGS = [
    '"Quoted" at the start',
    'Ends with a quote "x"',
    'Both \' and " quotes, ending with a double quote "',
    "It's the user's \"nickname\"",
    "Both ' and \" quotes, ending with a single quote '",
    "Ends with a backslash \\",
    'Has """ inside',
    "Has ''' inside",
    "Title\n\n    indented code\n  less\nback",
    "Non-ASCII café ☃ 日本",
    "# not a comment\nimport os; os.environ['X'] = '1'",
    "\\n a literal backslash-n and \\x41",
    "Line\r\nCRLF",
    "Markdown hard break  \nnext line",
    "Single line with trailing spaces  ",
]


@pytest.mark.parametrize("index", range(len(DOCSTRINGS)))
def test_model_docstring_arrives_exactly(ws: Workspace, index: int) -> None:
    ws.write(
        "doc_models",
        f"""
        from pydantic import create_model

        Doc = create_model("Doc", __module__=__name__, __doc__={DOCSTRINGS[index]!r})
        """,
    )
    gen = ws.generate_and_import("doc_models:Doc")
    models = ws.import_module("doc_models")
    assert inspect.getdoc(gen.PartialDoc) == inspect.getdoc(models.Doc)


NAMES = """
import enum
import warnings

from pydantic import ConfigDict, create_model
from pydantic import Field as PydanticField

ODD = [
    "class", "None", "True", "lambda", "match", "my-field", "2x", "with space",
    "ﬁle", "json", "copy", "dict", "schema", "fields", "validate", "construct",
    "self", "json_", "copy_", "model_name", "café",
]
CLASHES = ["model_dump", "model_validate", "model_copy", "model_extra",
           "model_fields_set", "model_computed_fields", "mro", "register"]
# Aliases (JSON keys) may be anything, dunders included.
KEYS = ["__init__", "__class__", "__dict__", "model_config", "__all__", "_s", "class"]

# An enum whose class name is a helper the module uses and whose members are keywords.
Field_ = enum.Enum(
    "Field", {"class": "class", "None": "none", "for": "for", "mro_": "x"}, module=__name__
)
globals()["Field"] = Field_

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pydantic warns about shadowed BaseModel attributes
    Odd = create_model(
        "Odd", __module__=__name__, **{n: (int, i) for i, n in enumerate(ODD)}
    )
    Clashing = create_model(
        "Clashing",
        __module__=__name__,
        __config__=ConfigDict(protected_namespaces=()),
        **{n: (int, i) for i, n in enumerate(CLASHES)},
    )
    PostInit = create_model(
        "PostInit",
        __module__=__name__,
        __config__=ConfigDict(protected_namespaces=()),
        model_post_init=(int, 0),
    )
Keys = create_model(
    "Keys",
    __module__=__name__,
    **{f"k{i}": (int, PydanticField(default=i, alias=key)) for i, key in enumerate(KEYS)},
    kind=(Field_, Field_["for"]),
)
"""


def import_without_warnings(ws: Workspace, spec: str) -> Any:
    """Generate for `spec`, then import the result with every warning an error."""
    source = ws.generate(spec)
    ws.write_raw("generated_out", source)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return ws.import_module("generated_out")


def test_keyword_and_odd_field_names_keep_their_json_keys(ws: Workspace) -> None:
    ws.write("name_models", NAMES)
    gen = import_without_warnings(ws, "name_models:Odd")
    models = ws.import_module("name_models")
    partial = gen.PartialOdd
    assert len(partial.model_fields) == len(models.ODD)
    assert all(name.isidentifier() for name in partial.model_fields)
    keys = {f.alias or name for name, f in partial.model_fields.items()}
    assert keys == set(models.ODD)
    # The defaults (i for the i-th field) line up with the keys.
    assert partial().model_dump(by_alias=True) == models.Odd().model_dump()
    document = json.dumps({n: 100 + i for i, n in enumerate(models.ODD)})
    parser = gen.OddParser()
    snapshot = parser.feed(document)
    assert snapshot.model_dump(by_alias=True) == json.loads(document)
    assert parser.close() == models.Odd.model_validate_json(document)


def test_dunder_and_keyword_json_keys_and_enum_members(ws: Workspace) -> None:
    ws.write("name_models", NAMES)
    gen = ws.generate_and_import("name_models:Keys")
    models = ws.import_module("name_models")
    assert gen.PartialKeys().kind is models.Field_["for"]
    aliases = [f.alias for f in gen.PartialKeys.model_fields.values()]
    assert aliases[: len(models.KEYS)] == models.KEYS
    document = json.dumps(
        {**{k: 50 + i for i, k in enumerate(models.KEYS)}, "kind": "none"}
    )
    parser = gen.KeysParser()
    snapshot = parser.feed(document)
    assert snapshot.kind is models.Field_["None"]
    assert [getattr(snapshot, f"k{i}") for i in range(len(models.KEYS))] == [
        50 + i for i in range(len(models.KEYS))
    ]
    assert parser.close() == models.Keys.model_validate_json(document)


def test_fields_clashing_with_basemodel_attributes(ws: Workspace) -> None:
    # With protected_namespaces=() a user model may have fields named like BaseModel
    # methods; the partial must import cleanly and keep its own methods working.
    ws.write("name_models", NAMES)
    gen = import_without_warnings(ws, "name_models:Clashing")
    models = ws.import_module("name_models")
    document = json.dumps({n: 100 + i for i, n in enumerate(models.CLASHES)})
    parser = gen.ClashingParser()
    snapshot = parser.feed(document)
    assert snapshot.model_dump(by_alias=True) == json.loads(document)
    assert snapshot.model_copy() == snapshot
    assert parser.close() == models.Clashing.model_validate_json(document)


def test_a_field_named_model_post_init_streams_as_pydantic_validates_it(
    ws: Workspace,
) -> None:
    # pydantic before 2.14 calls the field's value as the hook and raises TypeError on
    # every document; the stream then fails too, with a typed error naming it.
    ws.write("name_models", NAMES)
    gen = import_without_warnings(ws, "name_models:PostInit")
    models = ws.import_module("name_models")
    document = '{"model_post_init": 7}'
    parser = gen.PostInitParser()
    try:
        expected = models.PostInit.model_validate_json(document)
    except TypeError:
        with pytest.raises(
            InvalidOutputError, match="cannot validate this value: TypeError"
        ):
            parser.feed(document)
        return
    assert parser.feed(document).model_dump(by_alias=True) == {"model_post_init": 7}
    assert parser.close() == expected


SHADOWING = """
import datetime
import warnings
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model


class Meeting(BaseModel):
    date: str
    due: datetime.date | None = None


class Event(BaseModel):
    date: datetime.date
    time: datetime.time | None = None


Helpers = create_model(
    "Helpers",
    __module__=__name__,
    Field=(int, 0),
    Any=(int, 0),
    Literal=(int, 0),
    described=(int, Field(default=1, description="after a field named Field")),
    loose=(Any, None),
    mode=(Literal["a", "b"], "a"),
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "dict" shadows a BaseModel attribute
    Builtins = create_model(
        "Builtins",
        __module__=__name__,
        str=(int, 0),
        list=(int, 0),
        dict=(int, 0),
        bytes=(int, 0),
        name=(str, ""),
        items=(list[str], []),
        table=(dict[str, int], {}),
        blob=(bytes, b""),
    )
"""


@pytest.mark.parametrize("model", ["Meeting", "Event", "Helpers", "Builtins"])
def test_field_named_like_a_name_the_class_body_uses(ws: Workspace, model: str) -> None:
    # In the partial's class body each field is assigned its default; a later
    # annotation or default (`date | None`, `Field(...)`, `Any`, `str`) must still
    # mean the type or helper, not that default.
    ws.write("shadow_models", SHADOWING)
    gen = ws.generate_and_import(f"shadow_models:{model}")
    models = ws.import_module("shadow_models")
    full = getattr(models, model)
    partial = getattr(gen, f"Partial{model}")
    partial.model_rebuild()
    for name, info in full.model_fields.items():
        attr = next(
            a for a, f in partial.model_fields.items() if (f.alias or a) == name
        )
        assert partial.model_fields[attr].description == info.description, name
        annotation = partial.model_fields[attr].annotation
        if info.annotation is Any:
            assert annotation is Any, name
        else:
            assert annotation in (info.annotation, info.annotation | None), name


MODEL_NAMES = """
from pydantic import create_model

for name in [
    "__Dunder__", "__all__", "match", "str", "annotations", "Any", "Field",
    "PartialModel", "StreamParser", "_s", "PartialThing", "Thing", "ThingParser", "café",
]:
    globals()[name] = create_model(name, __module__=__name__, x=(int, 0))
"""


@pytest.mark.parametrize(
    "name",
    [
        "__Dunder__",
        "__all__",
        "match",
        "str",
        "annotations",
        "Any",
        "Field",
        "PartialModel",
        "StreamParser",
        "_s",
        "café",
    ],
)
def test_model_names_that_clash_with_module_names(ws: Workspace, name: str) -> None:
    ws.write("model_names", MODEL_NAMES)
    gen = ws.generate_and_import(f"model_names:{name}")
    models = ws.import_module("model_names")
    full = getattr(models, name)
    exported = [n for n in gen.__all__ if getattr(gen, n, None) is full]
    assert len(exported) == 1, gen.__all__
    parsers = [
        n
        for n in gen.__all__
        if isinstance(getattr(gen, n), type)
        and issubclass(getattr(gen, n), StreamParser)
    ]
    assert len(parsers) == 1, gen.__all__
    parser = getattr(gen, parsers[0])()
    parser.feed('{"x": 7}')
    assert parser.close() == full(x=7)


def test_models_whose_generated_names_collide(ws: Workspace) -> None:
    # `Thing` wants `PartialThing` and `ThingParser`, which are user models too.
    ws.write("model_names", MODEL_NAMES)
    gen = ws.generate_and_import(
        "model_names:PartialThing", "model_names:Thing", "model_names:ThingParser"
    )
    models = ws.import_module("model_names")
    for name in ("PartialThing", "Thing", "ThingParser"):
        assert getattr(gen, name) is getattr(models, name)
    assert len(gen.__all__) == len(set(gen.__all__)) == 9


def test_keyword_model_name_is_a_clear_error(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws.write(
        "kw_models",
        """
        from pydantic import create_model

        globals()["class"] = create_model("class", __module__=__name__, x=(int, 0))
        """,
    )
    with pytest.raises(GeneratorError, match="class"):
        ws.generate("kw_models:class")
    output = ws.root / "kw_out.py"
    code = main(["generate", "--model", "kw_models:class", "--output", str(output)])
    assert code == 2
    assert "kw_models:class" in capsys.readouterr().err
    assert not output.exists()


CRAFTED = """
import enum
import pathlib

from pydantic import BaseModel

MARK = pathlib.Path(__file__).with_name("ran")


def evil(kind):
    class Evil(kind):
        def __repr__(self):
            return "__import__('pathlib').Path(%r).write_text('x')" % str(MARK)

        __str__ = __repr__

        def __format__(self, spec):
            return repr(self)

    return Evil


class Color(enum.Enum):
    RED = evil(str)("red")


class Crafted(BaseModel):
    name: str = evil(str)("plain")
    count: int = evil(int)(3)
    ratio: float = evil(float)(0.5)
    tags: list[str] = evil(list)(["a"])
    extra: dict[str, int] = evil(dict)({"k": 1})
    color: Color = Color.RED
"""


def test_defaults_and_enum_values_with_crafted_reprs_run_nothing(ws: Workspace) -> None:
    ws.write("crafted_models", CRAFTED)
    models = ws.import_module("crafted_models")
    source = ws.generate("crafted_models:Crafted")
    assert "write_text" not in source and "__import__" not in source
    ws.write_raw("crafted_out", source)
    gen = ws.import_module("crafted_out")
    snapshot = gen.CraftedParser().feed("{")
    assert not models.MARK.exists()
    assert snapshot.model_dump() == {
        "name": "plain",
        "count": 3,
        "ratio": 0.5,
        "tags": ["a"],
        "extra": {"k": 1},
        "color": models.Color.RED,
    }
    done = gen.CraftedParser()
    done.feed('{"color": "red"}')
    assert done.close() == models.Crafted(color=models.Color.RED)
    assert not models.MARK.exists()
