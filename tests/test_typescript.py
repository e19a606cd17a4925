"""The TypeScript types `generate --typescript` writes, checked by the real `tsc --strict`.

`tests/typing/typescript/accept.ts` (the generated types used as a frontend would, with
`partialgen.js`) must compile; `reject.ts` must fail exactly on the lines marked
`// E: TSxxxx`. Also: the checked-in `generated/*.ts` are what the generator writes,
and hostile names, keys and descriptions stay inert. tsc comes from npm, pinned in
`tests/typescript/package-lock.json` and installed here on first use (`npm ci`); these
tests skip, saying why, where Node.js and npm are missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from partialgen.generator import ir
from partialgen.generator.config import Target
from partialgen.generator.pipeline import generate_target
from partialgen.generator.typescript import render_typescript

ROOT = Path(__file__).resolve().parents[1]
TOOLCHAIN = ROOT / "tests" / "typescript"
USAGE = ROOT / "tests" / "typing" / "typescript"
_EXPECT = re.compile(r"//\s*E:\s*((?:TS\d+\s*)+)$")
_ERROR = re.compile(r"^(?P<file>[^(\n]+)\((?P<line>\d+),\d+\): error (?P<code>TS\d+):")


@pytest.fixture(scope="session")
def tsc() -> Path:
    binary = TOOLCHAIN / "node_modules" / ".bin" / "tsc"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip(
            "Node.js and npm are needed to install tsc (apt-get install -y npm)"
        )
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=TOOLCHAIN,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return binary


def compile_project(tsc: Path, config: Path) -> tuple[int, set[tuple[str, int, str]]]:
    done = subprocess.run(
        [str(tsc), "-p", str(config), "--pretty", "false"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = set()
    for line in done.stdout.splitlines():
        m = _ERROR.match(line)
        if m:
            errors.add((Path(m["file"]).name, int(m["line"]), m["code"]))
    return done.returncode, errors


def test_accepted_usage_compiles(tsc: Path) -> None:
    code, errors = compile_project(tsc, USAGE / "tsconfig.json")
    assert (code, errors) == (0, set())


def test_rejected_usage_fails_exactly_where_marked(tsc: Path) -> None:
    expected = set()
    for number, line in enumerate((USAGE / "reject.ts").read_text().splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            expected |= {("reject.ts", number, code) for code in m[1].split()}
    assert len(expected) >= 8
    code, errors = compile_project(tsc, USAGE / "tsconfig.reject.json")
    assert code != 0
    assert errors == expected


@pytest.mark.parametrize("name", ["meeting", "catalog", "roots", "ticket"])
def test_checked_in_types_are_what_the_generator_writes(name: str) -> None:
    from partialgen.generator.config import load_targets

    targets = [
        t
        for t in load_targets(ROOT / "pyproject.toml")
        if t.typescript is not None and t.typescript.name == f"{name}.ts"
    ]
    assert len(targets) == 1
    path = targets[0].typescript
    assert path is not None
    assert generate_target(targets[0])[path] == path.read_text()


HOSTILE = {
    "title": "interface",
    "description": "*/ export const pwned = 1; /* and\nmore */",
    "type": "object",
    "properties": {
        'a"b': {"type": "string", "description": "*/ alert(1) /*"},
        "delete": {"type": "integer"},
        "with space": {"enum": ['x" | number | "', "*/", "\u2028"]},
        "$ok_1": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
    },
    "required": ['a"b'],
    "$defs": {
        "Node": {
            "title": "1 bad-name",
            "type": "object",
            "properties": {
                "kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}
            },
        }
    },
}


def test_hostile_schema_names_stay_inert(tsc: Path, tmp_path: Path) -> None:
    schema = tmp_path / "hostile.json"
    schema.write_text(json.dumps(HOSTILE))
    target = Target(
        tmp_path / "hostile.py",
        schema=schema,
        class_name="Hostile",
        ref_root=tmp_path,
        typescript=tmp_path / "hostile.ts",
    )
    source = generate_target(target)[tmp_path / "hostile.ts"]
    (tmp_path / "hostile.ts").write_text(source)
    declared = re.findall(r"^export (?:interface|type) (\w+)", source, re.M)
    assert [line for line in source.splitlines() if line.startswith("export")] == [
        line
        for line in source.splitlines()
        if re.match(r"export (interface|type) ", line)
    ]
    assert "pwned" not in source.replace("*\\/ export const pwned", "")
    usage = tmp_path / "use.ts"
    usage.write_text(
        "import type { Hostile, PartialHostile } from './hostile';\n"
        "const h: Hostile = {'a\"b': 'x', delete: 1, 'with space': '*/',"
        " $ok_1: [{kids: []}]};\n"
        "const p: PartialHostile = {'with space': 'x\" | number | \"'};\n"
        "console.log(h, p);\n"
    )
    config = tmp_path / "tsconfig.json"
    base = json.loads((USAGE / "tsconfig.json").read_text())
    base["files"] = ["use.ts", "hostile.ts"]
    config.write_text(json.dumps(base))
    code, errors = compile_project(tsc, config)
    assert (code, errors) == (0, set()), source
    assert len(declared) == len(set(declared)) >= 4


def test_a_recursive_model_and_reserved_names() -> None:
    node = ir.Model(
        key="m:class",
        ref=ir.Ref("m", "class"),
        doc=None,
        fields=(
            ir.Field(
                "kids",
                "kids",
                ir.ListType(ir.ModelType("m:class")),
                ir.Default("required"),
            ),
        ),
    )
    text = render_typescript(ir.Module(("m",), ("m:class",), (node,)), "// header")
    assert "export interface class_ {\n  kids: class_[];\n}" in text
    assert (
        "export interface Partialclass_ {\n  kids?: Partialclass_[] | null;\n}" in text
    )
