"""How partialgen does on SchemaStore's schemas and their own test documents.

    python -m scripts.schemastore [FOLDER]     # default: ../shared/data/schemastore

For each schema (its `schema-local/` variant when there is one, refs rewritten to
sibling files): generate the models and the parser, then stream each of its test
documents in three chunkings and compare with `Model.model_validate_json`: both accept
with equal results, or both reject. Prints one line per schema and the totals;
`tests/generator/test_schemastore.py` runs it where the folder exists.
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partialgen import PartialgenError
from partialgen.generator.config import Target
from partialgen.generator.errors import GeneratorError
from partialgen.generator.pipeline import generate_target

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "schemastore"
CHUNKINGS = (1, 7, 1 << 30)


@dataclass
class Outcome:
    name: str
    status: str  # "generated", "refused" (a clean GeneratorError) or "crashed"
    detail: str = ""
    documents: int = 0
    agree: int = 0
    disagreements: list[str] = field(default_factory=list)


def schema_file(folder: Path) -> Path:
    meta = json.loads((folder / "meta.json").read_text())
    name: str = meta["schema"]
    local = folder / "schema-local" / name
    return local if local.exists() else folder / "schema" / name


def agrees(out: Any, parser_name: str, model: Any, text: str) -> str | None:
    """None if partialgen and pydantic agree on `text` in every chunking, else why."""
    try:
        expected = model.model_validate_json(text)
    except Exception:  # a ValidationError, or pydantic failing on the models themselves
        expected = None
    for size in CHUNKINGS:
        parser = getattr(out, parser_name)()
        try:
            for i in range(0, len(text), size):
                parser.feed(text[i : i + size])
            got = parser.close()
        except PartialgenError as e:
            if expected is not None:
                return f"chunks of {size}: partialgen rejects ({e}), pydantic accepts"
            continue
        if expected is None:
            return f"chunks of {size}: partialgen accepts, pydantic rejects"
        if got != expected:
            return f"chunks of {size}: results differ"
    return None


def survey_one(folder: Path, work: Path, index: int) -> Outcome:
    outcome = Outcome(folder.name, "generated")
    schema = schema_file(folder)
    package = work / f"ss{index}"
    package.mkdir()
    (package / "__init__.py").write_text("")
    target = Target(package / "out.py", schema=schema, ref_root=schema.parent)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            files = generate_target(target)
    except GeneratorError as e:
        return Outcome(folder.name, "refused", str(e).splitlines()[0][:200])
    except Exception as e:  # a bug: the generator must refuse cleanly or succeed
        return Outcome(folder.name, "crashed", f"{type(e).__name__}: {e}"[:200])
    for path, text in files.items():
        path.write_text(text)
    try:
        out: Any = importlib.import_module(f"ss{index}.out")
    except Exception as e:
        return Outcome(folder.name, "crashed", f"import: {type(e).__name__}: {e}"[:200])
    parsers = [n for n in out.__all__ if n.endswith("Parser")]
    parser_name = parsers[0]
    model = getattr(out, parser_name).spec.full
    for doc in sorted((folder / "docs").glob("*.json")):
        outcome.documents += 1
        try:
            problem = agrees(out, parser_name, model, doc.read_text(encoding="utf-8"))
        except Exception:  # an untyped error is a disagreement, with its traceback
            problem = "raised " + traceback.format_exc().splitlines()[-1]
        if problem is None:
            outcome.agree += 1
        else:
            outcome.disagreements.append(f"{doc.name}: {problem}"[:300])
    return outcome


def survey(root: Path) -> Iterator[Outcome]:
    with tempfile.TemporaryDirectory(prefix="partialgen-schemastore-") as work:
        sys.path.insert(0, work)
        try:
            folders = sorted(p for p in root.iterdir() if (p / "meta.json").exists())
            for index, folder in enumerate(folders):
                yield survey_one(folder, Path(work), index)
        finally:
            sys.path.remove(work)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else DEFAULT
    outcomes = []
    for o in survey(root):
        outcomes.append(o)
        extra = (
            f" {o.agree}/{o.documents} documents agree"
            if o.status == "generated"
            else ""
        )
        print(f"{o.status:9} {o.name}{extra} {o.detail}", flush=True)
        for d in o.disagreements:
            print(f"          {d}")
    generated = [o for o in outcomes if o.status == "generated"]
    print(
        f"\n{len(generated)} of {len(outcomes)} schemas generate "
        f"({sum(o.status == 'refused' for o in outcomes)} refused cleanly, "
        f"{sum(o.status == 'crashed' for o in outcomes)} crashed); "
        f"{sum(o.agree for o in generated)} of {sum(o.documents for o in generated)} "
        "of their documents stream equal to pydantic"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
