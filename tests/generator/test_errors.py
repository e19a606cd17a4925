"""Types the generator cannot handle are a GeneratorError naming model and field; exit 2."""

from __future__ import annotations

import pytest
from partialgen.__main__ import main
from partialgen.generator import GeneratorError

from tests.generator.support import Workspace

BAD = """
from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel


class Hooked(BaseModel):
    name: str
    on_done: Callable[[int], int]


class IntKeyed(BaseModel):
    scores: dict[int, str]


class Outer(BaseModel):
    title: str
    inner: Inner


class Inner(BaseModel):
    lookup: dict[int, int]


class Dangling(BaseModel):
    other: Missing | None = None
"""


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        ("bad_models:Hooked", "Hooked.on_done"),
        ("bad_models:IntKeyed", "IntKeyed.scores"),
        ("bad_models:Outer", "Inner.lookup"),  # found while walking a nested model
    ],
)
def test_unsupported_type_names_model_and_field(
    ws: Workspace, spec: str, where: str
) -> None:
    ws.write("bad_models", BAD)
    with pytest.raises(GeneratorError, match=rf"^{where}: "):
        ws.generate(spec)


def test_unresolvable_forward_reference_names_the_model(ws: Workspace) -> None:
    ws.write("bad_models", BAD)
    with pytest.raises(GeneratorError) as info:
        ws.generate("bad_models:Dangling")
    assert "Dangling" in str(info.value)
    assert "Missing" in str(info.value)


def test_model_defined_in_a_function_is_refused(ws: Workspace) -> None:
    ws.write(
        "local_models",
        """
        from pydantic import BaseModel

        def make():
            class Local(BaseModel):
                x: int
            return Local

        Local = make()
        """,
    )
    with pytest.raises(GeneratorError, match="Local"):
        ws.generate("local_models:Local")


def test_cli_exits_2_with_the_message_and_writes_nothing(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws.write("bad_models", BAD)
    output = ws.root / "out.py"
    code = main(["generate", "--model", "bad_models:Hooked", "--output", str(output)])
    captured = capsys.readouterr()
    assert code == 2
    assert "Hooked.on_done" in captured.err
    assert "unsupported type" in captured.err
    assert not output.exists()
    code = main(["check", "--model", "bad_models:IntKeyed", "--output", str(output)])
    assert code == 2
    assert "IntKeyed.scores: dict keys must be str" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["generate", "--model", "no_such_module_xyz"], "--output is required"),
        (
            ["generate", "--model", "no_such_module_xyz", "--output", "o.py"],
            "no_such_module_xyz",
        ),
        (
            ["generate", "--model", "bad_models:Nope", "--output", "o.py"],
            "bad_models:Nope",
        ),
    ],
)
def test_cli_usage_errors_exit_2(
    ws: Workspace,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    ws.write("bad_models", BAD)
    monkeypatch.chdir(ws.root)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (ws.root / "o.py").exists()
