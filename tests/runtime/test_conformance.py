"""Conformance: partialgen's scanner accepts and rejects JSON exactly as jiter (and so
pydantic) does, whatever the chunking.

Every case of `conformance/corpus.json` (valid, invalid and implementation-defined JSON
values, see its README) is embedded as a field value and streamed in many chunkings. The
outcome (the model `close()` returns, or the documented error `feed`/`close` raised) must
agree with `Model.model_validate_json` on the same text: both accept, with the same
value, also in the last snapshot; or both reject.

The wrappers put the value under fields typed `Any` (a dict value of
`Catalog.metadata`, a root-level field, a list item, a dict value) and under typed
fields (`str`, `float`, `int`, `bool`). The box's `end` field is required and sent last,
so a case that closes the root early (`1}`) makes the document invalid for both instead
of being cut short by rule 14 (text after the root is ignored).

Known, documented divergence: none.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from partialgen import InvalidOutputError, StreamParser
from pydantic import BaseModel, TypeAdapter

from generated.catalog import Catalog, CatalogParser
from tests.helpers import fixed_chunks, split_at
from tests.runtime.robustness_support import (
    generated_kinds,
    pydantic_verdict,
    run,
    same,
)

CORPUS: list[dict[str, str]] = json.loads(
    (Path(__file__).parent / "conformance" / "corpus.json").read_text(encoding="utf-8")
)
IDS = [case["id"] for case in CORPUS]
MISSING = object()


@dataclass(frozen=True)
class Wrapper:
    """Where a case goes in a document, and how to read it back from a model."""

    name: str
    head: str
    tail: str
    read: Callable[[BaseModel], Any]

    def parser_and_model(
        self,
    ) -> tuple[type[StreamParser[Any, Any]], type[BaseModel]]:
        if self.name.startswith("catalog"):
            return CatalogParser, Catalog
        models, partials = generated_kinds()
        return partials.BoxParser, models.Box


def _field(name: str) -> Callable[[BaseModel], Any]:
    return lambda model: getattr(model, name)


ANY_WRAPPERS = [
    Wrapper(
        "catalog.metadata",
        '{"title": "t", "metadata": {"x": ',
        '}, "products": []}',
        lambda m: vars(m)["metadata"].get("x", MISSING),
    ),
    Wrapper("box.value", '{"value": ', ', "end": true}', _field("value")),
    Wrapper("box.items", '{"items": [', '], "end": true}', _field("items")),
    Wrapper("box.table", '{"table": {"k": ', '}, "end": true}', _field("table")),
]
TYPED_WRAPPERS = [
    Wrapper(f"box.{name}", f'{{"{name}": ', ', "end": true}', _field(name))
    for name in ("text", "number", "count", "flag")
]


def chunkings(text: str, seed: str) -> dict[str, list[str]]:
    """Fixed sizes, the whole text, and random cuts (seeded by the case id)."""
    out = {f"size {n}": fixed_chunks(text, n) for n in (1, 2, 3, 7)}
    out["whole"] = [text]
    rng = random.Random(seed)
    for k in range(3):
        cuts = [rng.randrange(1, max(2, len(text))) for _ in range(rng.randint(1, 12))]
        out[f"random {k}"] = split_at(text, cuts)
    return out


def check(wrapper: Wrapper, text: str, chunks: list[str], how: str) -> None:
    """partialgen on `chunks` agrees with pydantic on `text`."""
    parser_cls, model = wrapper.parser_and_model()
    expected = pydantic_verdict(model, text)
    out = run(parser_cls, chunks)
    where = f"{wrapper.name}, {how}: {text[:120]!r}"
    assert not out.problems, f"{where}: {out.problems}"
    if expected is None:
        assert out.error is not None, f"{where}: pydantic rejects, partialgen accepted"
        if isinstance(out.error, InvalidOutputError):
            position = out.error.position
            assert position is not None and 0 <= position <= len(text), where
        return
    assert out.result is not None, f"{where}: pydantic accepts, partialgen: {out.error}"
    assert same(out.result, expected), where
    value = wrapper.read(expected)
    assert same(wrapper.read(out.snapshots[-1]), value), (
        f"{where}: the last snapshot holds {wrapper.read(out.snapshots[-1])!r}, "
        f"pydantic {value!r}"
    )


# -- the corpus says what pydantic does --------------------------------------------------------


@pytest.mark.parametrize("case", CORPUS, ids=IDS)
def test_the_corpus_records_what_pydantic_does(case: dict[str, str]) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(Any)
    try:
        value = adapter.validate_json(case["json"])
    except ValueError:
        verdict = "reject"
    else:
        verdict = "accept"
    assert case["pydantic"] in (verdict, "varies")
    if case["rfc"] == "y":  # valid JSON: the value Python's json module reads
        assert same(value, json.loads(case["json"]))
    else:
        assert case["rfc"] == "i" or verdict == "reject"


# -- every chunking ------------------------------------------------------------------------


@pytest.mark.parametrize("wrapper", ANY_WRAPPERS, ids=[w.name for w in ANY_WRAPPERS])
@pytest.mark.parametrize("case", CORPUS, ids=IDS)
def test_any_field_agrees_with_pydantic_in_every_chunking(
    case: dict[str, str], wrapper: Wrapper
) -> None:
    text = wrapper.head + case["json"] + wrapper.tail
    for how, chunks in chunkings(text, case["id"]).items():
        check(wrapper, text, chunks, how)


@pytest.mark.parametrize("case", CORPUS, ids=IDS)
def test_typed_fields_agree_with_pydantic(case: dict[str, str]) -> None:
    for wrapper in TYPED_WRAPPERS:
        text = wrapper.head + case["json"] + wrapper.tail
        for size in (1, 3, len(text)):
            check(wrapper, text, fixed_chunks(text, size), f"size {size}")


@pytest.mark.parametrize("case", CORPUS, ids=IDS)
def test_every_two_chunk_cut_through_the_value_agrees_with_pydantic(
    case: dict[str, str],
) -> None:
    wrapper = ANY_WRAPPERS[1]
    text = wrapper.head + case["json"] + wrapper.tail
    cuts = list(range(len(wrapper.head) - 1, len(text) - len(wrapper.tail) + 2))
    if len(cuts) > 80:  # long cases: an even sample, ends included
        cuts = [cuts[i * (len(cuts) - 1) // 79] for i in range(80)]
    for cut in cuts:
        check(wrapper, text, split_at(text, [cut]), f"cut at {cut}")
