"""Fixtures for the build-step tests: user model modules and generated modules in tmp_path.

Every test writes its own model module into its own tmp_path, so module names may repeat
between tests; whatever a test imported from its tmp_path is dropped from `sys.modules`
afterwards.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.generator.support import Workspace


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield Workspace(tmp_path)
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None) or ""
        if origin.startswith(str(tmp_path)):
            del sys.modules[name]
