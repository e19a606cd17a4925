"""The documentation site builds with `mkdocs build --strict`: every page in the nav,
every link and anchor resolving, the API reference rendered from the docstrings. A
broken link makes the build fail (checked on a copy of the site with one added)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    done = build(ROOT, tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    reference = (tmp_path / "site" / "reference" / "index.html").read_text("utf-8")
    # mkdocstrings rendered the docstrings, not just the headings.
    assert "from_openai" in reference and "same_stream" in reference
    performance = (tmp_path / "site" / "performance" / "index.html").read_text("utf-8")
    assert "Linear at any size" in performance  # benchmarks/README.md included
    assert (tmp_path / "site" / "index.html").exists()
    for page in ("client", "streaming", "browser", "generator", "errors", "adapters"):
        assert (tmp_path / "site" / page / "index.html").exists(), page


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    for name in ("mkdocs.yml", "docs", "partialgen", "benchmarks"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, copy / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy(source, copy / name)
    page = copy / "docs" / "hints.md"
    page.write_text(page.read_text("utf-8") + "\nSee [nowhere](missing.md).\n", "utf-8")
    done = build(copy, tmp_path / "site")
    assert done.returncode != 0
    assert "missing.md" in done.stdout + done.stderr
