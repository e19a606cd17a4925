"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit in a throwaway repo.

pre-commit installs a hook repository from git at a revision, so the hooks are taken
from a one-commit snapshot of this checkout's working tree (tracked files as they are on
disk, plus untracked files git does not ignore): what is tested is what is on disk, not
the last commit. `pre-commit try-repo` would do the same for modified tracked files, but
it leaves untracked ones out and builds the hook environment in a fresh temporary store
on every call; so it runs once here, and the other tests point a
`.pre-commit-config.yaml` at the snapshot with `pre-commit run`, sharing one
PRE_COMMIT_HOME (one hook environment, installed from the package index) per module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="pre-commit needs git, which is not on PATH"
)

# Building the hook environment installs pydantic, black and datamodel-code-generator.
TIMEOUT = 900

MODELS = '''\
"""The user's models."""

from pydantic import BaseModel


class Item(BaseModel):
    name: str
    price: float
'''

PYPROJECT = """\
[project]
name = "shop"
version = "0"

[[tool.partialgen.targets]]
models = ["shop.models:Item"]
output = "shop/generated/items.py"
"""

OUTPUT = Path("shop/generated/items.py")


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str


def caller_env() -> dict[str, str]:
    """The environment without the caller's git state (in a hook), pre-commit's
    settings or PYTHONPATH (the hooks must run what their environment installed)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "PRE_COMMIT")) and k != "PYTHONPATH"
    }


def git_env() -> dict[str, str]:
    """For the throwaway repositories: no user or system git config either."""
    env = caller_env()
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="partialgen tests",
        GIT_AUTHOR_EMAIL="tests@partialgen.invalid",
        GIT_COMMITTER_NAME="partialgen tests",
        GIT_COMMITTER_EMAIL="tests@partialgen.invalid",
    )
    return env


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=caller_env() if cwd == ROOT else git_env(),  # safe.directory, say
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """This checkout's working tree, committed in a repository of its own."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file may be deleted in the working tree
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name, follow_symlinks=False)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    git(snapshot, "init", "--quiet")
    git(snapshot, "add", "--all")
    git(snapshot, "commit", "--quiet", "--no-verify", "--message", "snapshot")
    return HookRepo(snapshot, git(snapshot, "rev-parse", "HEAD").strip())


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path, hook_repo: HookRepo) -> Path:
    """A user's repository: a models module, its target, and both hooks configured."""
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text(MODELS)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "notes.txt").write_text("nothing partialgen reads\n")
    (tmp_path / ".pre-commit-config.yaml").write_text(textwrap.dedent(f"""\
            repos:
              - repo: {hook_repo.path.as_posix()}
                rev: {hook_repo.rev}
                hooks:
                  - id: partialgen-check
                  - id: partialgen-generate
            """))
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", "--all")
    return tmp_path


def pre_commit(
    project: Path, home: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """`pre-commit ARGS` in the project, its output and errors in one text."""
    env = git_env()
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color=never"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def generate_here(project: Path) -> str:
    """Generate with this test run's own partialgen (not the hook's); the new text."""
    subprocess.run(
        [sys.executable, "-m", "partialgen", "generate"],
        cwd=project,
        env=git_env(),
        capture_output=True,
        check=True,
        text=True,
    )
    git(project, "add", "--all")
    return (project / OUTPUT).read_text()


def check_here(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "partialgen", "check"],
        cwd=project,
        env=git_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def make_stale(project: Path) -> None:
    """A field added to the model after its partials were generated."""
    generate_here(project)
    models = project / "shop" / "models.py"
    models.write_text(MODELS + "    in_stock: bool\n")
    git(project, "add", "--all")


def test_the_manifest_is_valid() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_try_repo_check_fails_on_stale_output_with_the_diff(
    project: Path, hook_repo: HookRepo, pre_commit_home: Path
) -> None:
    make_stale(project)
    # try-repo builds the hook environment in a store of its own, not PRE_COMMIT_HOME.
    result = pre_commit(
        project,
        pre_commit_home,
        "try-repo",
        str(hook_repo.path),
        "partialgen-check",
        "--all-files",
    )
    assert result.returncode == 1, result.stdout
    assert "partialgen check" in result.stdout
    assert "Failed" in result.stdout
    assert f"{OUTPUT.as_posix()} (on disk)" in result.stdout  # the diff's header
    assert f"{OUTPUT.as_posix()} (generated)" in result.stdout
    assert "+    in_stock: bool | None = None" in result.stdout
    assert "stale: " in result.stdout


def test_check_fails_on_stale_output_with_the_diff(
    project: Path, pre_commit_home: Path
) -> None:
    make_stale(project)
    result = pre_commit(project, pre_commit_home, "run", "partialgen-check", "-a")
    assert result.returncode == 1, result.stdout
    assert "- hook id: partialgen-check" in result.stdout
    assert "- exit code: 1" in result.stdout
    assert f"{OUTPUT.as_posix()} (generated)" in result.stdout
    assert "+    in_stock: bool | None = None" in result.stdout
    assert "run `partialgen generate` and commit the result" in result.stdout


def test_check_fails_on_missing_output(project: Path, pre_commit_home: Path) -> None:
    result = pre_commit(project, pre_commit_home, "run", "partialgen-check", "-a")
    assert result.returncode == 1, result.stdout
    assert "missing: " in result.stdout
    assert OUTPUT.as_posix() in result.stdout
    assert not (project / OUTPUT).exists()


def test_check_passes_on_fresh_output(project: Path, pre_commit_home: Path) -> None:
    generate_here(project)  # the hook's environment must agree with the project's
    result = pre_commit(project, pre_commit_home, "run", "partialgen-check", "-a")
    assert result.returncode == 0, result.stdout
    assert "partialgen check" in result.stdout
    assert "Passed" in result.stdout


def test_generate_rewrites_stale_output_then_check_passes(
    project: Path, pre_commit_home: Path
) -> None:
    make_stale(project)
    result = pre_commit(project, pre_commit_home, "run", "partialgen-generate", "-a")
    # A hook that changes tracked files fails, so the commit is redone with them.
    assert result.returncode == 1, result.stdout
    assert "- files were modified by this hook" in result.stdout
    assert "in_stock: bool | None" in (project / OUTPUT).read_text()

    git(project, "add", "--all")
    result = pre_commit(project, pre_commit_home, "run", "partialgen-check", "-a")
    assert result.returncode == 0, result.stdout
    result = pre_commit(project, pre_commit_home, "run", "partialgen-generate", "-a")
    assert result.returncode == 0, result.stdout  # nothing left to rewrite


def test_generate_writes_missing_output(project: Path, pre_commit_home: Path) -> None:
    result = pre_commit(project, pre_commit_home, "run", "partialgen-generate", "-a")
    # pre-commit sees changes to tracked files only: a new file does not fail the hook.
    assert result.returncode == 0, result.stdout
    assert (project / OUTPUT).is_file()
    assert check_here(project).returncode == 0  # what the project's partialgen makes


def test_hooks_run_only_when_a_file_they_read_changes(
    project: Path, pre_commit_home: Path
) -> None:
    make_stale(project)
    skipped = pre_commit(
        project, pre_commit_home, "run", "partialgen-check", "--files", "notes.txt"
    )
    assert skipped.returncode == 0, skipped.stdout
    assert "Skipped" in skipped.stdout
    for changed in ("shop/models.py", "pyproject.toml"):
        result = pre_commit(
            project, pre_commit_home, "run", "partialgen-check", "--files", changed
        )
        assert result.returncode == 1, result.stdout
        assert "+    in_stock: bool | None = None" in result.stdout
