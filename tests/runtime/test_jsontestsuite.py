"""JSONTestSuite's parsing files as whole documents of a `RootModel[Any]` root.

Each file, streamed whole, one character at a time and in 3-character chunks, must end
as `Anything.model_validate_json` ends on it: the same value, or an error. The one
documented difference is rule 14: text after the root value is ignored, so where
pydantic rejects a file only for what follows the root (`[1]x`, `{} }`), partialgen's
value must be pydantic's value for the text up to the root's end.

The files live in the steering repo's `shared/data/jsontestsuite/test_parsing/`; the
tests skip where that folder is absent. Files that are not UTF-8 are left out: `feed`
takes text (bytes go through `sse_json`, which checks the encoding).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from partialgen import PartialgenError

from examples.roots import Anything
from generated.roots import AnythingParser
from tests.runtime.robustness_support import same

FOLDER = Path(__file__).resolve().parents[3] / "shared" / "data" / "jsontestsuite"
FILES = sorted((FOLDER / "test_parsing").glob("*.json")) if FOLDER.is_dir() else []
MISSING = object()


def text_of(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def pydantic_value(text: str) -> Any:
    try:
        return Anything.model_validate_json(text).root
    except ValueError:
        return MISSING


def streamed(text: str, size: int) -> Any:
    parser = AnythingParser()
    try:
        for i in range(0, len(text), size):
            parser.feed(text[i : i + size])
        return parser.close().root
    except PartialgenError:
        return MISSING


@pytest.mark.skipif(not FILES, reason="shared/data/jsontestsuite is not here")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_root_document_streams_as_pydantic_reads_it(path: Path) -> None:
    text = text_of(path)
    if text is None:
        pytest.skip("not UTF-8")
    expected = pydantic_value(text)
    for size in (max(1, len(text)), 1, 3):
        got = streamed(text, size)
        if expected is MISSING and got is not MISSING:
            # Rule 14: only text after the root may make the difference.
            prefixes = (pydantic_value(text[:end]) for end in range(1, len(text)))
            assert any(
                same(got, value) for value in prefixes if value is not MISSING
            ), f"size {size}: partialgen accepted {got!r}, pydantic rejects it"
        else:
            assert (got is MISSING) == (expected is MISSING), f"size {size}: {got!r}"
            assert got is MISSING or same(got, expected), f"size {size}: {got!r}"
