"""Every Python example in the README and in the runnable pages of docs/ runs as written,
and .ci/run runs the README's test command."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Pages whose examples are whole programs (the others show fragments of one).
PAGES = [
    ROOT / "README.md",
    *(ROOT / "docs" / f"{n}.md" for n in ("index", "parser", "adapters")),
]
EXAMPLES = [
    block
    for page in PAGES
    for block in re.findall(r"```python\n(.*?)```", page.read_text("utf-8"), flags=re.S)
]


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_readme_example_runs(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / f"example_{index}.py"
    script.write_text(EXAMPLES[index], encoding="utf-8")
    monkeypatch.syspath_prepend(str(ROOT))
    runpy.run_path(str(script), run_name="__main__")


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```bash\n(.*?)```", README, flags=re.S)[0].splitlines()
    test_command = commands[3]
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci
