"""Bounded work: alias bombs, huge or deep schemas, huge output and recursion that never
ends are each refused with exit 2 and one line, quickly, and never with a traceback."""

from __future__ import annotations

import inspect
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from partialgen.__main__ import main
from partialgen.generator import limits

from tests.generator.support import Workspace


@pytest.fixture
def project(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def generate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["generate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_refused(code: int, err: str, root: Path, *expected: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("partialgen: error: ")
    for text in expected:
        assert text in lines[0], lines[0]
    assert not (root / "out").exists()


def schema_file(root: Path, name: str, document: Any) -> str:
    (root / name).write_text(json.dumps(document), encoding="utf-8")
    return name


def alias_bomb(levels: int) -> str:
    """The billion laughs: each level holds nine aliases of the one before."""
    names = "abcdefghijklmnop"
    lines = ["title: Bomb", "type: object", "a: &a [lol,lol,lol,lol,lol]"]
    for previous, name in itertools.pairwise(names[: levels + 1]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append(f"properties: {{v: {{type: string, default: *{names[levels]}}}}}")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_at_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = alias_bomb(9)  # about 9**9 * 5 strings once expanded
    assert len(source) < 500
    (project / "bomb.yaml").write_text(source, encoding="utf-8")
    started = time.perf_counter()
    code, _, err = generate(capsys, "--schema", "bomb.yaml", "--output", "out/bomb.py")
    assert time.perf_counter() - started < 10
    assert_refused(code, err, project, "bomb.yaml", f"more than {limits.MAX_VALUES}")


def test_a_referenced_yaml_alias_bomb_is_refused_too(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "bomb.yaml").write_text(alias_bomb(9), encoding="utf-8")
    name = schema_file(
        project,
        "host.json",
        {"title": "Host", "type": "object", "properties": {"b": {"$ref": "bomb.yaml"}}},
    )
    code, _, err = generate(capsys, "--schema", name, "--output", "out/host.py")
    assert_refused(code, err, project, "bomb.yaml", "values")


def test_aliases_that_expand_a_little_still_work(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "shared.yaml").write_text(
        "title: Shared\ntype: object\nproperties:\n"
        "  a: &word {type: string, maxLength: 5}\n  b: *word\n  c: *word\n"
        "  d: {<<: *word, minLength: 2}\n",
        encoding="utf-8",
    )
    code, _, err = generate(capsys, "--schema", "shared.yaml", "--output", "out/s.py")
    assert code == 0, err
    models = (project / "out/s_models.py").read_text()
    assert models.count("max_length=5") == 4 and "min_length=2" in models


def test_a_yaml_merge_key_bomb_is_refused_at_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Merge keys copy while PyYAML loads: 366 bytes took 45 s before the bound.
    lines = ["title: Merge", "type: object", "a: &a {x: 1, y: 2, z: 3}"]
    for previous, name in itertools.pairwise("abcdefgh"):
        lines.append(f"{name}: &{name} {{<<: [" + ",".join([f"*{previous}"] * 9) + "]}")
    (project / "merge.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    code, _, err = generate(capsys, "--schema", "merge.yaml", "--output", "out/m.py")
    assert time.perf_counter() - started < 10
    if _expands_repeated_merges():
        assert_refused(code, err, project, "merge.yaml", "merge keys")
    else:  # PyYAML 6.0.4 drops a repeated merge itself: no bomb left to refuse
        assert code == 0, err


def _expands_repeated_merges() -> bool:
    """Whether this PyYAML copies a mapping once per repetition in `<<: [*a, *a]`."""
    loader = yaml.SafeLoader("a: &a {x: 1}\nb: {<<: [*a, *a]}\n")
    try:
        node = loader.get_single_node()
        assert node is not None
        merged = node.value[1][1]
        loader.flatten_mapping(merged)
        return len(merged.value) > 1
    finally:
        loader.dispose()


def test_a_yaml_alias_inside_itself_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "loop.yaml").write_text(
        "title: Loop\ntype: object\nproperties: &p\n  again: {properties: *p}\n",
        encoding="utf-8",
    )
    code, _, err = generate(capsys, "--schema", "loop.yaml", "--output", "out/loop.py")
    assert_refused(code, err, project, "loop.yaml", "alias inside itself")


def nested_arrays(depth: int) -> str:
    """JSON text (json.dumps itself could not write it): `depth` arrays in a field."""
    inner = '{"type": "array", "items": ' * depth + '{"type": "string"}' + "}" * depth
    return f'{{"title": "Deep", "type": "object", "properties": {{"x": {inner}}}}}'


@pytest.mark.parametrize("depth", [62, 500, 5000])
def test_a_schema_nested_too_deeply_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    (project / "deep.json").write_text(nested_arrays(depth), encoding="utf-8")
    name = "deep.json"
    code, _, err = generate(capsys, "--schema", name, "--output", "out/deep.py")
    assert_refused(code, err, project, "deep.json", "nested", str(limits.MAX_DEPTH))


def test_a_schema_at_the_depth_limit_generates(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 61 arrays and the root object, its `properties` and the field: 64 levels
    (project / "deep.json").write_text(nested_arrays(61), encoding="utf-8")
    code, _, err = generate(capsys, "--schema", "deep.json", "--output", "out/deep.py")
    assert code == 0, err
    assert (project / "out/deep_models.py").read_text().count("list[") == 61


def test_deep_yaml_is_refused_without_a_traceback(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "deep.yaml").write_text(
        "title: Deep\ntype: object\ndefault: " + "[" * 3000 + "]" * 3000 + "\n",
        encoding="utf-8",
    )
    code, _, err = generate(capsys, "--schema", "deep.yaml", "--output", "out/d.py")
    assert_refused(code, err, project, "deep.yaml", "nested")


def test_a_schema_file_over_the_size_limit_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "title": "Big",
        "type": "object",
        "description": "x" * limits.MAX_DOCUMENT_BYTES,
    }
    name = schema_file(project, "big.json", document)
    code, _, err = generate(capsys, "--schema", name, "--output", "out/big.py")
    assert_refused(code, err, project, "big.json", str(limits.MAX_DOCUMENT_BYTES))


def test_a_schema_with_too_many_values_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "title": "Many",
        "type": "object",
        "properties": {"v": {"enum": list(range(limits.MAX_VALUES))}},
    }
    name = schema_file(project, "many.json", document)
    code, _, err = generate(capsys, "--schema", name, "--output", "out/many.py")
    assert_refused(code, err, project, "many.json", str(limits.MAX_VALUES))


def test_values_count_across_referenced_documents(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    half = limits.MAX_VALUES // 2 + 10
    for name in ("a", "b"):
        schema_file(project, f"{name}.json", {"enum": list(range(half))})
    name = schema_file(
        project,
        "host.json",
        {
            "title": "Host",
            "type": "object",
            "properties": {"a": {"$ref": "a.json"}, "b": {"$ref": "b.json"}},
        },
    )
    code, _, err = generate(capsys, "--schema", name, "--output", "out/host.py")
    assert_refused(code, err, project, "documents it references", "values")


def test_output_over_the_size_limit_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Under every input limit, but each alias of the text is printed again.
    text = "y" * (limits.MAX_OUTPUT_BYTES // 3)
    fields = "".join(f"  f{i}: {{type: string, description: *t}}\n" for i in range(4))
    (project / "wide.yaml").write_text(
        f"title: Wide\ntype: object\n$comment: &t {text}\nproperties:\n{fields}",
        encoding="utf-8",
    )
    code, _, err = generate(capsys, "--schema", "wide.yaml", "--output", "out/w.py")
    assert_refused(code, err, project, "wide.yaml", str(limits.MAX_OUTPUT_BYTES))


RECURSIVE_MODELS = """
from __future__ import annotations

from pydantic import BaseModel


class Tree(BaseModel):
    label: str
    children: list[Tree] = []
"""


def test_recursion_through_basemodel_fields_still_generates(
    ws: Workspace, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws.write("recursive_models", RECURSIVE_MODELS)
    code, _, err = generate(
        capsys, "--model", "recursive_models:Tree", "--output", "tree_out.py"
    )
    assert code == 0, err
    tree = ws.import_module("tree_out")
    parsed = tree.TreeParser().feed('{"label": "a", "children": [{"label": "b"')
    assert parsed.children[0].label == "b"


def test_a_defs_cycle_through_objects_generates(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "title": "Folder",
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#"}},
        },
    }
    name = schema_file(project, "folder.json", document)
    code, _, err = generate(capsys, "--schema", name, "--output", "out/folder.py")
    assert code == 0, err


def definition_chain(length: int, kind: str) -> dict[str, Any]:
    """`length` definitions, each an object (or an array) holding the next one."""
    defs: dict[str, Any] = {}
    for i in range(length):
        ref = {"$ref": f"#/$defs/D{i + 1}"}
        defs[f"D{i}"] = (
            {"title": f"D{i}", "type": "object", "properties": {"n": ref}}
            if kind == "object"
            else {"type": "array", "items": ref}
        )
    defs[f"D{length}"] = {"title": f"D{length}", "type": "string"}
    return {
        "title": "Chain",
        "type": "object",
        "properties": {"x": {"$ref": "#/$defs/D0"}},
        "$defs": defs,
    }


@pytest.mark.parametrize("kind", ["object", "array"])
def test_a_long_chain_of_definitions_is_refused_at_once(
    project: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    name = schema_file(project, "chain.json", definition_chain(500, kind))
    started = time.perf_counter()
    code, _, err = generate(capsys, "--schema", name, "--output", "out/chain.py")
    assert time.perf_counter() - started < 10
    assert_refused(
        code, err, project, "chain.json#/$defs/D", f"limit of {limits.MAX_REF_CHAIN}"
    )


def test_a_chain_of_definitions_under_the_limit_generates(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = schema_file(project, "chain.json", definition_chain(60, "object"))
    code, _, err = generate(capsys, "--schema", name, "--output", "out/chain.py")
    assert code == 0, err
    assert "class D59(BaseModel)" in (project / "out/chain_models.py").read_text()


DEEP_TYPE_MODELS = """
from typing import Any

from pydantic import BaseModel

T: Any = str
for _ in range(100):
    T = list[T]


class DeepType(BaseModel):
    x: T
"""


def test_running_out_of_stack_anywhere_is_one_line_and_exit_2(
    ws: Workspace,
    project: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The last resort behind the limits: a RecursionError is never a traceback."""
    ws.write("deep_type_models", DEEP_TYPE_MODELS)
    ws.import_module("deep_type_models")  # pydantic builds it with the usual stack
    limit = sys.getrecursionlimit()
    # Enough for the command, not for walking a type 100 lists deep.
    sys.setrecursionlimit(len(inspect.stack()) + 80)
    try:
        code, _, err = generate(
            capsys, "--model", "deep_type_models:DeepType", "--output", "out/d.py"
        )
    finally:
        sys.setrecursionlimit(limit)
    assert_refused(code, err, project, "deep_type_models:DeepType", "too deeply")


def test_root_models_that_refer_to_one_another_are_refused_at_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nine definitions, each a string or a list of any other: inlined along every path
    # they made a 1 GB module after minutes; the type budget stops the walk.
    defs = {
        f"D{i}": {
            "anyOf": [
                {"type": "string"},
                *(
                    {"type": "array", "items": {"$ref": f"#/$defs/D{j}"}}
                    for j in range(9)
                    if j != i
                ),
            ]
        }
        for i in range(9)
    }
    document = {
        "title": "Bomb",
        "type": "object",
        "properties": {"v": {"$ref": "#/$defs/D0"}},
        "$defs": defs,
    }
    name = schema_file(project, "bomb.json", document)
    started = time.perf_counter()
    code, _, err = generate(capsys, "--schema", name, "--output", "out/bomb.py")
    assert_refused(code, err, project, "expand to more than 100,000 nodes")
    assert time.perf_counter() - started < 30  # it took minutes, in gigabytes
