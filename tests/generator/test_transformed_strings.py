"""Strings pydantic transforms (`str_strip_whitespace`, `str_to_lower`, `str_to_upper` in
a model's config, or the same in `StringConstraints`) stream as pydantic will return them:
every snapshot extends the one before, and the last equals the validated result (rules
2, 10 and 13). Before, they streamed raw and the result differed from the last snapshot.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from partialgen import InvalidOutputError
from partialgen.runtime.transform import WHITESPACE
from pydantic import ConfigDict, TypeAdapter

from tests.generator.support import Workspace
from tests.runtime.robustness_support import extends

FLAGS = list(itertools.product((False, True), repeat=3))  # strip, lower, upper


def _models() -> str:
    lines = [
        "from typing import Annotated",
        "from pydantic import BaseModel, ConfigDict, Field, StringConstraints",
    ]
    for strip, lower, upper in FLAGS:
        suffix = f"{int(strip)}{int(lower)}{int(upper)}"
        config = (
            f"ConfigDict(str_strip_whitespace={strip}, str_to_lower={lower}, "
            f"str_to_upper={upper})"
        )
        constraints = (
            f"StringConstraints(strip_whitespace={strip}, to_lower={lower}, "
            f"to_upper={upper})"
        )
        lines += [
            f"class Config{suffix}(BaseModel):",
            f"    model_config = {config}",
            "    text: str = ''",
            "    items: list[str] = []",
            "    table: dict[str, str] = {}",
            "    tags: set[str] = set()",
            f"class Field{suffix}(BaseModel):",
            f"    text: Annotated[str, {constraints}] = ''",
            f"    items: list[Annotated[str, {constraints}]] = []",
        ]
    lines += [
        "class Outer(BaseModel):",
        "    inner: Config110",
        # A field's constraints override its model's config, flag by flag.
        "    kept: Annotated[str, StringConstraints(strip_whitespace=False)] = ''",
        "    model_config = ConfigDict(str_strip_whitespace=True, str_to_upper=True)",
        "class Keys(BaseModel):",
        "    upper: dict[Annotated[str, StringConstraints(to_upper=True)], int] = {}",
        "class Unions(BaseModel):",
        "    model_config = ConfigDict(str_strip_whitespace=True, str_to_lower=True)",
        "    number: str | int = 0",
        "    optional: str | None = None",
        "class Defaults(BaseModel):",
        "    model_config = ConfigDict(str_strip_whitespace=True, validate_default=True)",
        "    text: str = ' Kept '",
        "    plain: Annotated[str, Field(validate_default=False)] = ' As is '",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("transformed")
    sys.path.insert(0, str(root))
    try:
        ws = Workspace(root)
        ws.write("transformed_models", _models())
        names = [
            f"{kind}{a:d}{b:d}{c:d}"
            for kind in ("Config", "Field")
            for a, b, c in FLAGS
        ]
        yield ws.generate_and_import(
            *(
                f"transformed_models:{n}"
                for n in [*names, "Outer", "Keys", "Unions", "Defaults"]
            ),
            name="transformed_partials",
        )
    finally:
        sys.path.remove(str(root))
        for name in ("transformed_models", "transformed_partials"):
            sys.modules.pop(name, None)


def stream(gen: Any, model: str, text: str, cuts: list[int]) -> tuple[list[Any], Any]:
    """Every snapshot, each extending the one before, and the result of `close()`."""
    parser = getattr(gen, f"{model}Parser")()
    seen = [parser.snapshot]
    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    for start, end in itertools.pairwise(bounds):
        snapshot = parser.feed(text[start:end])
        reason = extends(seen[-1], snapshot)
        assert reason is None, (reason, text[:end])
        seen.append(snapshot)
    return seen, parser.close()


# Whitespace of both kinds (pydantic's and Python's only), capitals and sigmas (final
# or not), letters whose case changes their length, marks and apostrophes.
ALPHABET = " \t\n\x1c\u3000\u00a0aAbZ\u03a3\u03c3\u03c2\u0391\u00df\u0130'.:\u0301-1é"
TEXTS = st.text(alphabet=ALPHABET, max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    model=st.sampled_from(
        [f"{k}{a:d}{b:d}{c:d}" for k in ("Config", "Field") for a, b, c in FLAGS]
    ),
    text=TEXTS,
    items=st.lists(TEXTS, max_size=3),
    keys=st.lists(st.tuples(TEXTS, TEXTS), max_size=3),
    ascii_only=st.booleans(),
    cuts=st.one_of(
        st.lists(st.integers(min_value=0, max_value=10_000), max_size=12),
        st.just(list(range(200))),  # one character at a time
    ),
)
def test_every_snapshot_extends_the_last_and_ends_as_pydantic_validates(
    gen: Any,
    model: str,
    text: str,
    items: list[str],
    keys: list[tuple[str, str]],
    ascii_only: bool,
    cuts: list[int],
) -> None:
    document: dict[str, Any] = {"text": text, "items": items}
    if model.startswith("Config"):
        document |= {"table": dict(keys), "tags": [k for k, _ in keys]}
    raw = json.dumps(document, ensure_ascii=ascii_only)
    expected = getattr(gen, model).model_validate_json(raw)
    # Keys the transform makes equal repeat a key, which replaces (docs/streaming.md).
    assume(len(getattr(expected, "table", ())) == len(document.get("table", ())))
    seen, result = stream(gen, model, raw, cuts)
    assert result == expected
    assert seen[-1].model_dump() == expected.model_dump()


def test_a_config_transforms_fields_items_keys_and_set_members(gen: Any) -> None:
    raw = (
        '{"text": "  Hello  World  ", "items": [" A "], "table": {" Key ": " V "},'
        ' "tags": ["X", " x "]}'
    )
    seen, result = stream(gen, "Config110", raw, list(range(len(raw))))
    shown = [s.text for s in seen if s.text]
    # Leading whitespace never shows; inner whitespace shows once a letter follows it.
    assert shown[0] == "h" and "hello " not in shown and "hello  w" in shown
    assert seen[-1].model_dump() == result.model_dump()
    assert result.table == {"key": "v"} and result.tags == {"x"}
    assert seen[-1].table == {"key": "v"} and seen[-1].tags == {"x"}


def test_a_field_constraint_overrides_the_config(gen: Any) -> None:
    raw = '{"inner": {"text": " AbC "}, "kept": " Ab "}'
    seen, result = stream(gen, "Outer", raw, list(range(len(raw))))
    assert result.kept == " AB " and result.inner.text == "abc"
    assert seen[-1].model_dump() == result.model_dump()
    assert " A" in [s.kept for s in seen]  # not stripped, still upper-cased


def test_a_key_constraint_transforms_the_key(gen: Any) -> None:
    raw = '{"upper": {"ab": 1, "Cd": 2}}'
    seen, result = stream(gen, "Keys", raw, list(range(len(raw))))
    assert next(list(s.upper) for s in seen if s.upper) == ["AB"]
    assert seen[-1].upper == result.upper == {"AB": 1, "CD": 2}


@pytest.mark.parametrize("model", ["Config010", "Config011", "Field110"])
def test_a_final_sigma_waits_for_the_letter_that_decides_it(
    gen: Any, model: str
) -> None:
    # "OSA ODOS' OS" in Greek capitals: a capital sigma lowercases to U+03C3 inside a
    # word and to the final sigma U+03C2 at its end; an apostrophe does not end a word.
    raw = '{"text": "\u039f\u03a3\u0391 \u039f\u0394\u039f\u03a3\' \u039f\u03a3"}'
    seen, result = stream(gen, model, raw, list(range(len(raw))))
    shown = [s.text for s in seen]
    assert "\u03bf" in shown and "\u03bf\u03c3\u03b1" in shown  # o, then osa
    assert "\u03bf\u03c2" not in shown  # never o + final sigma on the way
    assert (
        "\u03bf\u03c3\u03b1 \u03bf\u03b4\u03bf" in shown
    )  # osa odo: the sigma and ' wait
    assert result.text == "\u03bf\u03c3\u03b1 \u03bf\u03b4\u03bf\u03c2' \u03bf\u03c2"
    assert seen[-1].text == result.text


def test_a_string_in_a_union_streams_transformed_too(gen: Any) -> None:
    raw = '{"number": " HeLLo ", "optional": " A b "}'
    seen, result = stream(gen, "Unions", raw, list(range(len(raw))))
    assert "hello" in [s.number for s in seen[:-3]] and " HeLLo" not in seen
    assert (
        seen[-1].model_dump()
        == result.model_dump()
        == {
            "number": "hello",
            "optional": "a b",
        }
    )


def test_a_validated_default_shows_as_pydantic_validates_it(gen: Any) -> None:
    parser = gen.DefaultsParser()
    assert parser.snapshot.text == "Kept" and parser.snapshot.plain == " As is "
    parser.feed("{}")
    assert parser.close() == gen.Defaults()
    assert parser.snapshot.model_dump() == gen.Defaults().model_dump()


def test_a_lone_surrogate_fails_typed(gen: Any) -> None:
    parser = gen.Config010Parser()
    with pytest.raises(InvalidOutputError):
        for chunk in ('{"text": "A', "\ud800", 'b"', "}"):
            parser.feed(chunk)
        parser.close()
    assert parser.text.startswith('{"text": "A\ud800b"')


def test_whitespace_after_a_waiting_sigma_decides_it(gen: Any) -> None:
    parser = gen.Config110Parser()
    assert parser.feed('{"text": "\u0391\u03a3').text == "\u03b1"
    parser.push(" ")
    assert parser.changed  # the sigma is final now
    assert parser.snapshot.text == "\u03b1\u03c2"


def test_whitespace_that_waits_changes_nothing(gen: Any) -> None:
    parser = gen.Config100Parser()
    parser.feed('{"text": "a')
    before = parser.snapshot
    parser.push("   \t")
    assert not parser.changed
    assert parser.snapshot is before  # rule 15: nothing visible changed
    assert parser.feed("b").text == "a   \tb"


def test_stripped_whitespace_is_what_pydantic_strips() -> None:
    # pydantic-core strips Unicode's White_Space (Rust's `char::is_whitespace`), not
    # `str.isspace`: every character of the Basic Multilingual Plane, where all of
    # White_Space lies, is checked against it.
    strip = TypeAdapter(str, config=ConfigDict(str_strip_whitespace=True))
    stripped = {
        chr(c)
        for c in range(0x10000)
        if not 0xD800 <= c < 0xE000 and strip.validate_python(chr(c) + "x") == "x"
    }
    assert stripped == set(WHITESPACE)
