"""Class names from untrusted titles and definition names (issue 13): made valid,
collision-free and stable, whatever the schema calls its models, and the models then
read valid documents exactly as pydantic does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from partialgen import InvalidOutputError
from partialgen.generator.keywords import unsupported_keywords
from partialgen.generator.schema import class_identifier

from tests.generator.support import generate_schema_and_import
from tests.mypy_strict import run_mypy_strict

NAMES = {
    "runs-javascript": "RunsJavascript",
    "0Model": "Model0Model",
    "//": "Model",
    "None": "NoneModel",
    "int": "Int",
    "url": "Url",
    "Int": "Int",
    "set": "SetModel",
    "Union": "UnionModel",
    "Field": "FieldModel",
    "BaseModel": "BaseModelModel",
    "Literal": "LiteralModel",
    "Café crème": "CafeCreme",
    "UserProfile": "UserProfile",  # a valid name is kept as it is
}


@pytest.mark.parametrize(("name", "expected"), NAMES.items())
def test_class_identifiers(name: str, expected: str) -> None:
    assert class_identifier(name) == expected
    assert class_identifier(expected) == expected  # stable when asked again


@pytest.mark.parametrize("name", [n for n in NAMES if n != "UserProfile"] + ["a.b.c"])
def test_a_definition_with_any_name_generates_and_reads(
    tmp_path: Path, name: str
) -> None:
    pointer = name.replace("~", "~0").replace("/", "~1")
    schema = {
        "title": "Holder",
        "type": "object",
        "properties": {
            "inner": {"$ref": f"#/$defs/{pointer}"},
            "count": {"type": "integer"},  # `int` as a definition must not shadow this
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        },
        "required": ["inner", "count"],
        "$defs": {name: {"type": "object", "properties": {"v": {"type": "string"}}}},
    }
    tag = f"d{abs(hash(name)) % 10**8}"
    out = generate_schema_and_import(tmp_path, schema, tag)
    text = '{"inner": {"v": "x"}, "count": 3, "tags": ["a", "b"]}'
    parser = out.HolderParser()
    for i in range(0, len(text), 5):
        parser.feed(text[i : i + 5])
    result = parser.close()
    assert result == out.Holder.model_validate_json(text)
    assert result.count == 3 and result.inner.v == "x"


@pytest.mark.parametrize("title", ["None", "//", "int", "runs-javascript", "0 day"])
def test_a_root_title_of_any_kind_names_a_class(tmp_path: Path, title: str) -> None:
    schema = {
        "title": title,
        "type": "object",
        "properties": {"v": {"type": "integer"}},
    }
    out = generate_schema_and_import(tmp_path, schema, f"t{abs(hash(title)) % 10**8}")
    parsers = [n for n in vars(out) if n.endswith("Parser") and n != "StreamParser"]
    assert len(parsers) == 1
    assert getattr(out, parsers[0])().feed('{"v": 1}').v == 1


def test_names_that_meet_are_told_apart(tmp_path: Path) -> None:
    schema = {
        "title": "Holder",
        "type": "object",
        "properties": {
            "a": {"$ref": "#/$defs/run-js"},
            "b": {"$ref": "#/$defs/run_js"},
            "c": {"$ref": "#/$defs/RunJs"},
        },
        "$defs": {
            "run-js": {"type": "object", "properties": {"x": {"type": "integer"}}},
            "run_js": {"type": "object", "properties": {"y": {"type": "string"}}},
            "RunJs": {"type": "object", "properties": {"z": {"type": "boolean"}}},
        },
    }
    out = generate_schema_and_import(tmp_path, schema, "meet")
    text = '{"a": {"x": 1}, "b": {"y": "s"}, "c": {"z": true}}'
    parser = out.HolderParser()
    parser.feed(text)
    assert parser.close() == out.Holder.model_validate_json(text)
    models = {type(getattr(parser.close(), k)).__name__ for k in "abc"}
    assert len(models) == 3


def test_a_schema_without_a_title_is_named_after_its_file(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"v": {"type": "integer"}}}
    path = tmp_path / "swa-cli.config.json"
    path.write_text(json.dumps(schema))
    from partialgen.generator.schema import load_schema_models

    models = load_schema_models(path, "swa_models", None)
    assert [root.__name__ for root in models.roots] == ["SwaCliConfig"]


def test_warnings_name_only_keywords_that_were_ignored() -> None:
    document = {
        "id": "https://example.com/draft-04.json",  # draft-04's $id: used for refs
        "definitions": {
            "group": {"Name": {"type": "string", "markdownDescription": "x"}},
            "Other": {"type": "string", "propertyNames": {"pattern": "^a"}},
        },
        "properties": {"a": {"$ref": "#/definitions/group/Name"}},
    }
    assert unsupported_keywords(document, False) == [
        ("propertyNames", "/definitions/Other/propertyNames"),
        ("markdownDescription", "/definitions/group/Name/markdownDescription"),
    ]


def test_a_model_pydantic_itself_cannot_validate_fails_typed(tmp_path: Path) -> None:
    # datamodel-code-generator puts a string constraint on a union with a RootModel
    # member (SchemaStore's sergen schema): pydantic raises a TypeError of its own
    # for a value of that member. The stream fails with a typed error, at that value.
    schema = {
        "title": "Conf",
        "type": "object",
        "properties": {
            "dialect": {
                "type": "string",
                "title": "Dialect",
                "minLength": 1,
                "anyOf": [{"enum": ["a", "b"]}, {"type": "string"}],
            }
        },
    }
    out = generate_schema_and_import(tmp_path, schema, "typed")
    text = '{"dialect": "custom"}'
    with pytest.raises(TypeError):
        out.Conf.model_validate_json(text)
    parser = out.ConfParser()
    with pytest.raises(InvalidOutputError) as caught:
        parser.feed(text)
    assert "the model cannot validate this value: TypeError" in str(caught.value)
    assert caught.value.path == ("dialect",) and caught.value.text == text
    assert out.ConfParser().feed('{"dialect": "a"}').dialect == "a"


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ('{"hooks": {"Pre": 1, "Post": 2}, "name": "n"}', True),
        ('{"hooks": {"Mid": 1}}', False),
    ],
)
def test_a_dict_keyed_by_an_enum_is_shown_when_complete(
    tmp_path: Path, text: str, accepted: bool
) -> None:
    # `propertyNames` with an `enum` makes `dict[Literal[...], int]`: pydantic checks
    # every key, so the dict appears in snapshots once complete and checked.
    schema = {
        "title": "Hooks",
        "type": "object",
        "properties": {
            "hooks": {
                "type": "object",
                "propertyNames": {"enum": ["Pre", "Post"]},
                "additionalProperties": {"type": "integer"},
            },
            "name": {"type": "string"},
        },
    }
    out = generate_schema_and_import(tmp_path, schema, f"keys{int(accepted)}")
    parser = out.HooksParser()
    seen = []
    try:
        for i in range(0, len(text), 3):
            seen.append(parser.feed(text[i : i + 3]).hooks)
        result = parser.close()
    except InvalidOutputError as e:
        assert not accepted and e.path == ("hooks", "Mid", "[key]")  # pydantic's own
        assert all(hooks is None for hooks in seen)
        return
    assert accepted and result == out.Hooks.model_validate_json(text)
    assert seen[0] is None and seen[-1] == {"Pre": 1, "Post": 2}
    assert {h is None or len(h) == 2 for h in seen} == {True}  # never a half dict


def test_defaults_of_another_type_stay_out_of_snapshots_and_pass_mypy(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    schema = {
        "title": "Defs",
        "type": "object",
        "properties": {
            "n": {"type": "integer", "default": "oops"},
            "obj": {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "default": {},
            },
            "colors": {
                "type": "array",
                "items": {"enum": ["red", "blue"]},
                "default": ["red"],
            },
            "s": {"type": "string", "default": 5},
            "ok": {"type": "string", "default": "fine"},
        },
    }
    out = generate_schema_and_import(tmp_path, schema, "defaults")
    warned = capfd.readouterr().err
    assert "Defs.n: the default 'oops' is not a value of the field's type" in warned
    assert "Defs.s: the default 5" in warned and "Defs.ok" not in warned
    first = out.DefsParser().snapshot
    # pydantic keeps "oops" and 5 unvalidated; a snapshot never holds a value outside
    # its field's type, so they show None; `obj` is validated by the model
    # (validate_default), so its snapshot shows what pydantic makes of `{}`.
    assert (first.n, first.s, first.colors, first.ok) == (None, None, ["red"], "fine")
    assert type(first.obj).__name__ == "PartialObj" and first.obj.a is None
    parser = out.DefsParser()
    parser.feed("{}")
    assert parser.close() == out.Defs.model_validate_json("{}")
    result = run_mypy_strict(
        ["pkg_defaults"], cwd=tmp_path, cache=tmp_path / ".mypy_cache"
    )
    assert result.returncode == 0, result.stdout
    models = (tmp_path / "pkg_defaults" / "out_models.py").read_text()
    assert models.count("# type: ignore[assignment]  # the schema's default") == 3
