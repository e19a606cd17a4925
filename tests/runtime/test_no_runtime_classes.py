"""No class is created at runtime: importing generated code defines exactly its partial
classes, and streaming every example creates none (no create_model, no generics)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import importlib, json, pkgutil
    from pydantic import BaseModel
    import examples, generated
    import partialgen  # the runtime's own base class, PartialModel, is not generated
    for info in pkgutil.iter_modules(examples.__path__):
        if not info.ispkg:  # examples/web is an app over the generated modules
            importlib.import_module(f"examples.{info.name}")
    # Full models made from a schema are the user's models, like examples/.
    for info in pkgutil.iter_modules(generated.__path__):
        if info.name.endswith("_models"):
            importlib.import_module(f"generated.{info.name}")

    def all_models():
        seen, todo = set(), [BaseModel]
        while todo:
            for sub in todo.pop().__subclasses__():
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return seen

    before = all_models()
    modules = [importlib.import_module(f"generated.{info.name}")
               for info in pkgutil.iter_modules(generated.__path__)
               if not info.name.endswith("_models")]
    declared = {getattr(m, name) for m in modules for name in m.__all__
                if name.startswith("Partial")}
    imported = all_models() - before
    assert imported == declared, sorted(c.__qualname__ for c in imported ^ declared)

    docs = {
        "meeting": {"users": [{"name": "A", "email": "a@x", "twitter": "@a"}],
                    "date": "d", "location": "l", "budget": 1, "deadline": "x"},
        "profile": {"name": "n", "bio": "b", "interests": ["x", "y"]},
        "report": {"title": "t", "summary": "s", "conclusion": "c"},
        "categorized": {"name": "n", "age": 3, "category": "guest"},
        "catalog": {"title": "t", "products": [{
            "id": "12345678-1234-5678-1234-567812345678", "SKU": "A", "name": "n",
            "price": "1.5", "color": "red", "status": "draft", "labels": ["a"],
            "details": {"kind": "digital", "download_url": "u", "size_mb": 1},
            "origin": [1, 2], "released": "2024-01-01", "code": 3, "extra": {"a": [1]},
            "ratings": {"a": 1}, "note": "fine"}],
            "categories": [{"name": "c", "children": [{"name": "d"}]}],
            "metadata": {"k": "v"}},
        "hints": {"topic": "t", "articles": [{"title": "a", "url": "u"}], "source": "s"},
        "roots": [{"name": "red"}, {"name": "blue", "weight": 2}],
        "ticket": {"ticket_id": "12345678-1234-5678-1234-567812345678", "subject": "s",
                   "customer": {"name": "n", "plan": "pro"},
                   "events": [{"type": "opened", "channel": "chat"},
                              {"type": "comment", "author": "a", "body": "b"}]},
    }
    roots = {"meeting": "MeetingInfoParser", "profile": "UserProfileParser",
             "report": "ReportParser", "categorized": "UserParser", "catalog": "CatalogParser",
             "ticket": "SupportTicketParser", "hints": "DigestParser",
             "roots": "TagsParser"}
    streamed = 0
    for module in modules:
        name = module.__name__.split(".")[-1]
        parser = getattr(module, roots[name])()
        text = json.dumps(docs[name])
        for i in range(0, len(text), 3):
            parser.feed(text[i : i + 3])
        parser.close()
        snapshot = parser.snapshot
        snapshot.model_dump()  # builds the deferred serializer: still no new class
        if name == "roots":  # a list root already; not an item of a wrapped list
            streamed += 1
            continue
        # A list of them, as create_iterable reads it: tables built, no class.
        items = partialgen.ItemsParser(getattr(module, roots[name]))
        items.feed(json.dumps({"items": [docs[name], docs[name]]}))
        assert len(items.take()) == 2
        items.close().model_dump()
        items.snapshot.model_dump()
        streamed += 1
    assert streamed == len(docs), streamed
    created = all_models() - before - declared
    assert not created, sorted(c.__qualname__ for c in created)
    print("ok", len(declared), "partial classes,", streamed, "examples streamed")
    """)


def test_importing_and_streaming_create_no_model_class() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
