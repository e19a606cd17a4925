"""mypy --strict on tests/typing/: accept.py is clean, reject.py fails exactly where marked.

Each rejected line in reject.py ends with `# E: <error code>`; the set of (line, code)
pairs mypy reports for that file must equal the set of those annotations. basedpyright
in strict mode (`[tool.basedpyright]` in pyproject.toml) must agree: no error in the
generated modules or accept.py, and in reject.py errors on exactly the marked lines
(its rule names differ from mypy's codes, so lines are compared, not codes). Its
`--verifytypes` must find the public namespace typed (issue 15: at least 95%).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.mypy_strict import run_mypy_strict

ROOT = Path(__file__).resolve().parents[1]
TYPING = ROOT / "tests" / "typing"
ACCEPT = TYPING / "accept.py"
REJECT = TYPING / "reject.py"

_EXPECT = re.compile(r"#\s*E:\s*([a-z][a-z0-9-]*)\s*$")
_ERROR = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+): error: (?P<message>.*?)\s+\[(?P<code>[a-z0-9-]+)\]$"
)


@dataclass(frozen=True)
class Error:
    path: Path
    line: int
    code: str
    message: str


@dataclass(frozen=True)
class MypyRun:
    errors: tuple[Error, ...]
    output: str
    returncode: int


@pytest.fixture(scope="module")
def mypy_run(tmp_path_factory: pytest.TempPathFactory) -> MypyRun:
    """One mypy run over both files (mypy is slow to start); a private cache dir."""
    cache = tmp_path_factory.mktemp("mypy_cache")
    result = run_mypy_strict(
        [str(ACCEPT.relative_to(ROOT)), str(REJECT.relative_to(ROOT))],
        cwd=ROOT,
        cache=cache,
    )
    output = result.stdout + result.stderr
    errors = []
    for text in result.stdout.splitlines():
        match = _ERROR.match(text)
        if match:
            errors.append(
                Error(
                    (ROOT / match["path"]).resolve(),
                    int(match["line"]),
                    match["code"],
                    match["message"],
                )
            )
    return MypyRun(tuple(errors), output, result.returncode)


def _where(error: Error) -> str:
    try:
        return f"{error.path.relative_to(ROOT)}:{error.line}"
    except ValueError:
        return f"{error.path}:{error.line}"


def expected_errors(path: Path) -> set[tuple[int, str]]:
    """(line, code) for every `# E: code` comment (real comments only, via tokenize)."""
    source = path.read_text(encoding="utf-8")
    expected = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            match = _EXPECT.search(token.string)
            if match:
                expected.add((token.start[0], match[1]))
    return expected


def test_reject_file_has_expectations() -> None:
    assert len(expected_errors(REJECT)) >= 20
    assert expected_errors(ACCEPT) == set()


def test_accept_passes_mypy_strict(mypy_run: MypyRun) -> None:
    others = [e for e in mypy_run.errors if e.path != REJECT.resolve()]
    if others:
        pytest.fail(
            "mypy --strict rejected usage it must accept:\n"
            + "\n".join(f"  {_where(e)}: {e.message}  [{e.code}]" for e in others),
            pytrace=False,
        )
    # Every error line was understood (no unparsed error output).
    unparsed = [
        line
        for line in mypy_run.output.splitlines()
        if ": error:" in line and not _ERROR.match(line)
    ]
    assert not unparsed, "\n".join(unparsed)


def test_reject_fails_exactly_where_marked(mypy_run: MypyRun) -> None:
    lines = REJECT.read_text(encoding="utf-8").splitlines()
    expected = expected_errors(REJECT)
    reported = {(e.line, e.code) for e in mypy_run.errors if e.path == REJECT.resolve()}
    if reported == expected:
        return
    messages = {
        (e.line, e.code): e.message
        for e in mypy_run.errors
        if e.path == REJECT.resolve()
    }
    report = ["mypy's errors in tests/typing/reject.py differ from the # E: marks:"]
    for line, code in sorted(expected - reported):
        report.append(
            f"  missing   {line:4}: [{code}] expected, mypy reported nothing with "
            f"that code\n            {lines[line - 1].strip()}"
        )
    for line, code in sorted(reported - expected):
        report.append(
            f"  unexpected {line:3}: [{code}] {messages[(line, code)]}\n"
            f"            {lines[line - 1].strip()}"
        )
    pytest.fail("\n".join(report), pytrace=False)


@pytest.fixture(scope="module")
def pyright_errors() -> dict[Path, set[int]]:
    """Lines with a basedpyright (strict) error, by file, over the configured paths."""
    import json
    import shutil
    import subprocess

    binary = shutil.which("basedpyright")
    assert binary is not None, "basedpyright comes with the dev extra"
    done = subprocess.run(
        # The project's own settings, whatever configuration a folder above holds.
        [binary, "--project", str(ROOT / "pyproject.toml"), "--outputjson"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(done.stdout)
    errors: dict[Path, set[int]] = {}
    for d in report["generalDiagnostics"]:
        if d["severity"] == "error":
            line = d["range"]["start"]["line"] + 1
            errors.setdefault(Path(d["file"]).resolve(), set()).add(line)
    assert report["summary"]["filesAnalyzed"] >= 10
    return errors


def test_pyright_strict_accepts_the_generated_modules_and_accept_py(
    pyright_errors: dict[Path, set[int]],
) -> None:
    others = {p: lines for p, lines in pyright_errors.items() if p != REJECT.resolve()}
    assert others == {}


def test_pyright_strict_rejects_exactly_the_marked_lines(
    pyright_errors: dict[Path, set[int]],
) -> None:
    marked = {line for line, _ in expected_errors(REJECT)}
    assert pyright_errors.get(REJECT.resolve(), set()) == marked


def test_pyright_verifytypes_finds_the_public_namespace_typed() -> None:
    import json
    import shutil
    import subprocess

    binary = shutil.which("basedpyright")
    assert binary is not None
    done = subprocess.run(
        [binary, "--verifytypes", "partialgen", "--ignoreexternal", "--outputjson"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    completeness = json.loads(done.stdout)["typeCompleteness"]
    assert completeness["completenessScore"] >= 0.95, completeness[
        "exportedSymbolCounts"
    ]
