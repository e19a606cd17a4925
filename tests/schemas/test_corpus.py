"""The schema-first corpus: every schema of tests/schemas, end to end, as a user runs it.

For each entry of manifest.json: `python -m partialgen generate --schema ... --output ...`
into one temporary package, one `mypy --strict` run over everything generated, then the
valid sample streamed under several chunkings (the result must equal
`Root.model_validate_json(text)`, the last snapshot must dump like the full model) and the
invalid sample streamed until it fails with exactly the documented error class.

The samples are also checked against their schemas with `jsonschema` (when installed),
so a corpus mistake shows up as a corpus failure, not as a partialgen bug.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import random
import re
import subprocess
import sys
import types
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import partialgen
import pytest
from partialgen import PartialgenError
from pydantic import BaseModel, ValidationError

from tests.generator.support import subprocess_env
from tests.helpers import fixed_chunks, split_at, stream_all
from tests.mypy_strict import run_mypy_strict
from tests.runtime.test_contract_monotonic import extends
from tests.static_types import check_snapshot_types

HERE = Path(__file__).resolve().parent
PACKAGE = "schema_corpus"  # the generated modules are imported as schema_corpus.<name>
GENERATE_TIMEOUT = 180


@dataclass(frozen=True)
class Hint:
    path: tuple[str, ...]  # attribute names; "*" is every item of a list
    hint: str  # "atomic" or "needed"


@dataclass(frozen=True)
class Entry:
    name: str
    schema: Path
    root: str
    class_name: str | None
    invalid_error: str
    invalid_reason: str
    warns_about: tuple[str, ...]
    hints: tuple[Hint, ...]

    @property
    def is_openapi(self) -> bool:
        return self.schema.suffix in (".yaml", ".yml")

    @property
    def valid_text(self) -> str:
        return (HERE / f"{self.name}.valid.json").read_text(encoding="utf-8")

    @property
    def invalid_text(self) -> str:
        return (HERE / f"{self.name}.invalid.json").read_text(encoding="utf-8")


def load_manifest() -> dict[str, Entry]:
    raw = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    entries = {}
    for name, spec in raw["schemas"].items():
        entries[name] = Entry(
            name=name,
            schema=HERE / spec["schema"],
            root=spec["root"],
            class_name=spec.get("class_name"),
            invalid_error=spec["invalid_error"],
            invalid_reason=spec["invalid_reason"],
            warns_about=tuple(spec.get("warns_about", ())),
            hints=tuple(
                Hint(tuple(h["path"]), h["hint"]) for h in spec.get("hints", ())
            ),
        )
    return entries


MANIFEST = load_manifest()
NAMES = sorted(MANIFEST)
WARNING_NAMES = [n for n in NAMES if MANIFEST[n].warns_about]
HINT_NAMES = [n for n in NAMES if MANIFEST[n].hints]


# --------------------------------------------------------------------------- generation


@dataclass(frozen=True)
class Generation:
    """One `partialgen generate --schema` run."""

    entry: Entry
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (
            f"`{' '.join(self.argv)}` exited {self.returncode}\n"
            f"stdout:\n{self.stdout}\nstderr:\n{self.stderr}"
        )


@dataclass
class Corpus:
    root: Path  # on sys.path; holds the package PACKAGE
    runs: dict[str, Generation]

    @property
    def package(self) -> Path:
        return self.root / PACKAGE

    def run(self, name: str) -> Generation:
        generation = self.runs[name]
        if generation.returncode != 0:
            pytest.fail(f"generation failed:\n{generation.describe()}")
        return generation

    def module(self, name: str) -> Any:
        self.run(name)
        return importlib.import_module(f"{PACKAGE}.{name}")

    def models_module(self, name: str) -> types.ModuleType:
        self.run(name)
        return importlib.import_module(f"{PACKAGE}.{name}_models")


def generate_one(root: Path, entry: Entry) -> Generation:
    argv = [
        sys.executable,
        "-m",
        "partialgen",
        "generate",
        "--schema",
        str(entry.schema),
        "--output",
        f"{PACKAGE}/{entry.name}.py",
    ]
    if entry.class_name is not None:
        argv += ["--class-name", entry.class_name]
    result = subprocess.run(
        argv,
        cwd=root,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=GENERATE_TIMEOUT,
    )
    return Generation(
        entry, tuple(argv), result.returncode, result.stdout, result.stderr
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """Generate every schema into one package (in parallel: each run starts Python)."""
    root = tmp_path_factory.mktemp("corpus")
    (root / PACKAGE).mkdir()
    (root / PACKAGE / "__init__.py").write_text("", encoding="utf-8")
    workers = min(4, (os.cpu_count() or 1) + 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = dict(
            zip(
                NAMES,
                pool.map(lambda n: generate_one(root, MANIFEST[n]), NAMES),
                strict=True,
            )
        )
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield Corpus(root, runs)
    finally:
        sys.path.remove(str(root))
        for module in [
            m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")
        ]:
            del sys.modules[module]


@pytest.mark.parametrize("name", NAMES)
def test_generates_both_modules(corpus: Corpus, name: str) -> None:
    corpus.run(name)
    assert (corpus.package / f"{name}.py").is_file()
    assert (corpus.package / f"{name}_models.py").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_module_exports_root_partial_and_parser(corpus: Corpus, name: str) -> None:
    entry = MANIFEST[name]
    module = corpus.module(name)
    models = corpus.models_module(name)
    root = getattr(models, entry.root, None)
    assert isinstance(root, type) and issubclass(
        root, BaseModel
    ), f"{name}_models has no model {entry.root}"
    assert (
        getattr(module, entry.root, None) is root
    ), f"{name} must re-export {entry.root}"
    partial = getattr(module, f"Partial{entry.root}")
    parser = getattr(module, f"{entry.root}Parser")
    assert issubclass(partial, BaseModel)
    assert issubclass(parser, partialgen.StreamParser)
    assert isinstance(parser().snapshot, partial)


@pytest.mark.parametrize("name", WARNING_NAMES)
def test_warns_about_unsupported_keywords(corpus: Corpus, name: str) -> None:
    generation = corpus.run(name)
    assert "warning" in generation.stderr.lower(), generation.describe()
    for keyword in MANIFEST[name].warns_about:
        assert re.search(
            rf"\b{re.escape(keyword)}\b", generation.stderr
        ), f"no warning names {keyword!r}:\n{generation.describe()}"


# --------------------------------------------------------------------------------- mypy

_MYPY_ERROR = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): error: (?P<message>.*)$")


def mypy_cache_dir(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """pytest's cache directory when there is one: a warm mypy cache saves ~15 s a run."""
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("schema-corpus-mypy"))
    return tmp_path_factory.mktemp("mypy_cache")


def test_mypy_strict_accepts_every_generated_module(
    corpus: Corpus,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """One mypy run for the whole corpus: mypy is slow to start, the modules are many.

    Schemas that failed to generate are reported by test_generates_both_modules.
    """
    generated = sorted(
        p.name for p in corpus.package.glob("*.py") if p.name != "__init__.py"
    )
    assert generated, "nothing was generated"
    cache = mypy_cache_dir(request, tmp_path_factory)
    result = run_mypy_strict(
        [PACKAGE], cwd=corpus.root, cache=cache, env=subprocess_env()
    )
    ours = [
        line
        for line in result.stdout.splitlines()
        if (m := _MYPY_ERROR.match(line)) and Path(m["path"]).parts[:1] == (PACKAGE,)
    ]
    assert not ours, "mypy --strict rejects generated code:\n" + "\n".join(ours)


# ---------------------------------------------------------------------------- streaming


def chunkings(name: str, text: str) -> dict[str, list[str]]:
    """One character at a time, whole, fixed sizes and seeded random cuts."""
    out = {"1 char": list(text), "whole": [text], "7 chars": fixed_chunks(text, 7)}
    for i, cuts in enumerate((3, 12, len(text) // 4)):
        rng = random.Random(f"{name}/{i}")
        points = rng.sample(
            range(1, max(2, len(text))), min(cuts, max(0, len(text) - 1))
        )
        out[f"random {cuts} cuts (seed {i})"] = split_at(text, points)
    return out


def parts(module: Any, entry: Entry) -> tuple[type[BaseModel], type[BaseModel], Any]:
    return (
        getattr(module, entry.root),
        getattr(module, f"Partial{entry.root}"),
        getattr(module, f"{entry.root}Parser"),
    )


# Classes pydantic uses only as annotations: the values they validate to are these.
@pytest.mark.parametrize("name", NAMES)
def test_valid_sample_streams_to_the_full_model(corpus: Corpus, name: str) -> None:
    entry = MANIFEST[name]
    root, partial, parser_cls = parts(corpus.module(name), entry)
    text = entry.valid_text
    expected = root.model_validate_json(text)
    for label, chunks in chunkings(name, text).items():
        assert "".join(chunks) == text
        snapshots, result = stream_all(parser_cls, chunks)
        assert type(result) is root, label
        assert result == expected, label
        assert all(isinstance(s, partial) for s in snapshots), label
        assert snapshots[-1].model_dump() == expected.model_dump(), label


@pytest.mark.parametrize("name", NAMES)
def test_snapshots_keep_their_static_types_and_never_go_backwards(
    corpus: Corpus, name: str
) -> None:
    entry = MANIFEST[name]
    _, _, parser_cls = parts(corpus.module(name), entry)
    text = entry.valid_text
    snapshots, _ = stream_all(parser_cls, list(text))
    for n, (earlier, later) in enumerate(itertools.pairwise(snapshots), start=1):
        try:
            check_snapshot_types(later)
            extends(earlier, later)
        except AssertionError as e:
            raise AssertionError(f"distinct snapshot {n} of the 1-char stream") from e


@pytest.mark.parametrize("name", NAMES)
def test_invalid_sample_fails_with_the_documented_error(
    corpus: Corpus, name: str
) -> None:
    entry = MANIFEST[name]
    root, partial, parser_cls = parts(corpus.module(name), entry)
    text = entry.invalid_text
    expected = getattr(partialgen, entry.invalid_error)
    with pytest.raises(ValidationError):
        root.model_validate_json(text)  # the sample is invalid for the full model too
    for label, chunks in chunkings(name, text).items():
        parser = parser_cls()
        with pytest.raises(PartialgenError) as caught:
            for chunk in chunks:
                parser.feed(chunk)
            parser.close()
        error = caught.value
        assert type(error) is expected, (
            f"{label}: expected {entry.invalid_error} ({entry.invalid_reason}), "
            f"got {type(error).__name__}: {error}"
        )
        assert error.text and text.startswith(error.text), label
        assert isinstance(error.snapshot, partial), label


# -------------------------------------------------------------------------------- hints


def reach(
    obj: Any, path: Sequence[str], at: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(location, value) for every place `path` names, below objects that exist.

    Objects without the attribute are skipped (union members that lack the field); a
    RootModel-like wrapper is looked through.
    """
    if not path:
        yield at, obj
        return
    if obj is None:
        return
    step, rest = path[0], path[1:]
    if step == "*":
        for i, item in enumerate(obj):
            yield from reach(item, rest, (*at, i))
        return
    while not hasattr(obj, step) and hasattr(obj, "root"):
        obj = obj.root
    if hasattr(obj, step):
        yield from reach(getattr(obj, step), rest, (*at, step))


def value_at(obj: Any, location: tuple[str | int, ...]) -> Any:
    for step in location:
        if isinstance(step, int):
            obj = obj[step]
        else:
            while not hasattr(obj, step) and hasattr(obj, "root"):
                obj = obj.root
            obj = getattr(obj, step)
    return obj


@pytest.mark.parametrize("name", HINT_NAMES)
def test_streaming_hints_hold_on_every_snapshot(corpus: Corpus, name: str) -> None:
    entry = MANIFEST[name]
    _, _, parser_cls = parts(corpus.module(name), entry)
    snapshots, _ = stream_all(parser_cls, list(entry.valid_text))
    final = snapshots[-1]
    for hint in entry.hints:
        where = ".".join(hint.path)
        assert list(
            reach(final, hint.path)
        ), f"{where} names nothing in the final snapshot"
        for n, snapshot in enumerate(snapshots):
            for location, value in reach(snapshot, hint.path):
                if hint.hint == "needed":
                    assert (
                        value is not None
                    ), f"snapshot {n}: the object holding {where} is shown before it"
                else:
                    assert value is None or value == value_at(
                        final, location
                    ), f"snapshot {n}: atomic {where} shows {value!r} before it is complete"


# ----------------------------------------------------------------- the corpus itself


def test_manifest_lists_every_schema_with_its_samples() -> None:
    schemas = {p.name for p in HERE.glob("*.schema.json")} | {
        p.name for p in HERE.glob("*.openapi.yaml")
    }
    assert schemas == {e.schema.name for e in MANIFEST.values()}
    assert len(MANIFEST) >= 15
    for entry in MANIFEST.values():
        assert (HERE / f"{entry.name}.valid.json").is_file(), entry.name
        assert (HERE / f"{entry.name}.invalid.json").is_file(), entry.name
        error = getattr(partialgen, entry.invalid_error, None)
        assert isinstance(error, type) and issubclass(
            error, PartialgenError
        ), entry.name
        assert entry.class_name is not None or not entry.is_openapi, entry.name
        assert all(h.hint in ("atomic", "needed") for h in entry.hints), entry.name


def openapi_as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects as JSON Schema 2020-12: `nullable`, boolean exclusive bounds."""
    if isinstance(node, list):
        return [openapi_as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: openapi_as_json_schema(v) for k, v in node.items()}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    for bound, keyword in (
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ):
        if out.get(keyword) is True:
            out[keyword] = out.pop(bound)
        elif out.get(keyword) is False:
            del out[keyword]
    return out


def schema_validator(entry: Entry) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    from referencing.jsonschema import DRAFT202012

    def from_file(uri: str) -> Any:
        contents = json.loads((HERE / uri).read_text(encoding="utf-8"))
        return referencing.Resource.from_contents(
            contents, default_specification=DRAFT202012
        )

    if entry.is_openapi:
        yaml = pytest.importorskip("yaml")
        document = openapi_as_json_schema(
            yaml.safe_load(entry.schema.read_text(encoding="utf-8"))
        )
        registry = referencing.Registry().with_resource(
            "urn:openapi",
            referencing.Resource.from_contents(
                document, default_specification=DRAFT202012
            ),
        )
        schema: dict[str, Any] = {
            "$ref": f"urn:openapi#/components/schemas/{entry.class_name}"
        }
        cls = jsonschema.Draft202012Validator
    else:
        schema = json.loads(entry.schema.read_text(encoding="utf-8"))
        registry = referencing.Registry(retrieve=from_file)
        cls = jsonschema.validators.validator_for(
            schema, default=jsonschema.Draft202012Validator
        )
    cls.check_schema(schema)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("name", NAMES)
def test_samples_agree_with_their_schema(name: str) -> None:
    """The corpus is right before partialgen is judged by it."""
    entry = MANIFEST[name]
    validator = schema_validator(entry)
    problems = [e.message for e in validator.iter_errors(json.loads(entry.valid_text))]
    assert not problems, f"{name}.valid.json breaks its schema: {problems}"
    try:
        invalid = json.loads(entry.invalid_text)
    except json.JSONDecodeError:
        assert entry.invalid_error in ("MalformedJSONError", "IncompleteOutputError")
        return
    assert entry.invalid_error not in ("MalformedJSONError", "IncompleteOutputError")
    assert not validator.is_valid(invalid), f"{name}.invalid.json passes its schema"
