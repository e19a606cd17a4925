"""Deterministic benchmark documents: MeetingInfo and Catalog JSON of a target size.

Documents grow by lengthening their lists (users; products) until the UTF-8 text
reaches the target size, so the same target always gives the same text. They are
serialised with `json.dumps(..., ensure_ascii=False)` (the separators an LLM usually
emits) and cut into fixed-size chunks of characters.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CHUNK_CHARS = 4

_FIRST = [
    "Jason", "Ada", "Grace", "Linus", "Margaret", "Guido", "Barbara", "Ken",
    "Frances", "Dennis", "Radia", "Edsger", "Hedy", "Niklaus", "Katherine", "Alan",
]  # fmt: skip
_LAST = [
    "Liu", "Lovelace", "Hopper", "Torvalds", "Hamilton", "van Rossum", "Liskov",
    "Thompson", "Allen", "Ritchie", "Perlman", "Dijkstra", "Lamarr", "Wirth",
]  # fmt: skip
_WORDS = [
    "stream", "parser", "snapshot", "partial", "typed", "model", "field", "value",
    "token", "chunk", "latency", "render", "widget", "schema", "literal", "nested",
    "object", "list", "budget", "meeting", "room", "catalog", "product", "review",
    "rating", "warranty", "shipping", "weight", "colour", "fabric", "cotton",
    "steel", "oak", "walnut", "ceramic", "glass", "modular", "compact", "durable",
    "portable", "lightweight", "café", "naïve", "résumé", "déjà-vu", "—",
    "“quoted”", "tab\there", "line\nbreak", "back\\slash",
]  # fmt: skip
_TAGS = ["new", "sale", "eco", "bestseller", "limited", "bundle", "outdoor", "kids"]


@dataclass(frozen=True)
class Document:
    """One benchmark input: the full text, its chunks and how it was built."""

    model: str
    target: int
    text: str
    items: int

    @property
    def size(self) -> int:
        """Size in bytes (UTF-8)."""
        return len(self.text.encode("utf-8"))

    @property
    def chunks(self) -> list[str]:
        return chunk_text(self.text)


def chunk_text(text: str, width: int = CHUNK_CHARS) -> list[str]:
    """Cut `text` into pieces of `width` characters (the last may be shorter)."""
    return [text[i : i + width] for i in range(0, len(text), width)]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _user(rng: random.Random, i: int) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    handle = f"{first}{last}".replace(" ", "").lower()[: rng.randint(4, 12)]
    return {
        "name": f"{first} {last}",
        "email": f"{handle}.{i}@example.com",
        "twitter": f"@{handle}{i}",
    }


def meeting_document(target: int) -> dict[str, Any]:
    """A MeetingInfo whose users list is long enough to reach `target` bytes."""
    rng = random.Random(1)
    head = {"users": [], "date": "2024-03-15", "location": "Room B, 4th floor"}
    tail = {"budget": 12500, "deadline": "end of next sprint"}

    def build(items: list[dict[str, Any]]) -> dict[str, Any]:
        return {**head, "users": items, **tail}

    return _grow(build, lambda i: _user(rng, i), target)


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _review(rng: random.Random) -> dict[str, Any]:
    return {
        "author": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "stars": rng.randint(1, 5),
        "text": _sentence(rng, rng.randint(3, 25)),
    }


def _details(rng: random.Random, i: int) -> dict[str, Any]:
    if i % 2 == 0:
        return {
            "kind": "physical",
            "weight_kg": round(rng.uniform(0.1, 40), 3),
            "dimensions": {
                "width": round(rng.uniform(1, 200), 1),
                "height": round(rng.uniform(1, 200), 1),
                **({"depth": round(rng.uniform(1, 90), 2)} if i % 4 == 0 else {}),
            },
        }
    return {
        "kind": "digital",
        "download_url": f"https://cdn.example.com/files/{i}/{_uuid(rng)}.zip",
        "size_mb": round(rng.uniform(0.5, 4000), 2),
    }


def _product(rng: random.Random, i: int, words: int) -> dict[str, Any]:
    product: dict[str, Any] = {
        "id": _uuid(rng),
        "SKU": f"{rng.choice('ABCDEFGH')}{rng.choice('XYZ')}-{rng.randint(10, 9999)}",
        "name": f"{_sentence(rng, 2).title()} {i}",
        "description": _sentence(rng, rng.randint(max(1, words // 2), words)),
        "price": round(rng.uniform(1, 2000), 2),
        "discount": round(rng.choice([0, 0, 0.05, 0.1, 0.15, 0.333]), 3),
        "color": rng.choice(["red", "green", "blue"]),
        "priority": rng.choice([1, 2]),
        "status": rng.choice(["draft", "active", "archived"]),
        "tags": rng.sample(_TAGS, rng.randint(0, 4)),
        "labels": sorted(rng.sample(_TAGS, rng.randint(0, 3))),
        "ratings": {
            src: round(rng.uniform(1, 5), 2)
            for src in rng.sample(["web", "store", "app", "press"], rng.randint(0, 3))
        },
        "reviews": [_review(rng) for _ in range(rng.randint(0, 3))],
        "details": _details(rng, i),
        "in_stock": rng.random() < 0.8,
    }
    if i % 3 == 0:
        product["size"] = rng.choice(["small", "smaller", "large"])
        product["origin"] = [round(rng.uniform(-90, 90), 4), rng.uniform(-180, 180)]
        product["released"] = f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{i % 10}"
    if i % 3 == 1:
        product["updated_at"] = f"2024-05-0{rng.randint(1, 9)}T12:3{i % 10}:00Z"
        product["available_from"] = f"0{rng.randint(6, 9)}:30:00"
        product["warranty"] = f"P{rng.randint(30, 730)}D"
        product["thumbnail"] = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"
    product["code"] = [rng.randint(1, 10**6), f"C-{i}", None][i % 3]
    if i % 5 == 0:
        product["extra"] = {"batch": i, "flags": [True, False, None], "ratio": 0.5}
    if i % 4 == 1:
        product["note"] = _sentence(rng, 4)
    return product


def _category(rng: random.Random, depth: int) -> dict[str, Any]:
    children = (
        [_category(rng, depth - 1) for _ in range(rng.randint(1, 2))] if depth else []
    )
    return {"name": _sentence(rng, 2), "children": children}


def catalog_document(target: int) -> dict[str, Any]:
    """A Catalog whose products list is long enough to reach `target` bytes."""
    rng = random.Random(2)
    small = target < 2000
    words = 6 if small else 60  # long descriptions, except in tiny smoke documents
    head: dict[str, Any] = {"title": "Spring catalog — “everything must go”"}
    tail: dict[str, Any] = {
        "categories": [] if small else [_category(rng, 2) for _ in range(3)],
        "featured": None if small else _product(rng, 0, 20),
        "metadata": {"generated": "2024-05-01", "version": 3, "locale": "en-GB"},
    }

    def build(items: list[dict[str, Any]]) -> dict[str, Any]:
        return {**head, "products": items, **tail}

    return _grow(build, lambda i: _product(rng, i, words), target)


def _grow(
    build: Callable[[list[dict[str, Any]]], dict[str, Any]],
    item: Callable[[int], dict[str, Any]],
    target: int,
) -> dict[str, Any]:
    """Append items until the serialised document reaches `target` bytes."""
    items = [item(0)]
    size = len(dumps(build(items)).encode("utf-8"))
    while size < target:
        new = item(len(items))
        items.append(new)
        size += len(dumps(new).encode("utf-8")) + 2  # ", " separator
    return build(items)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


BUILDERS: dict[str, Callable[[int], dict[str, Any]]] = {
    "meeting": meeting_document,
    "catalog": catalog_document,
}


def make_document(model: str, target: int) -> Document:
    """The deterministic document for `model` ("meeting" or "catalog") of ~`target` bytes."""
    value = BUILDERS[model](target)
    items = len(value["users" if model == "meeting" else "products"])
    return Document(model=model, target=target, text=dumps(value), items=items)


def parse_size(text: str) -> int:
    """`"1k"` → 1000, `"1m"` → 1000000, `"300"` → 300 (decimal units)."""
    text = text.strip().lower().removesuffix("b")
    scale = {"k": 1000, "m": 1000**2}.get(text[-1:], 1)
    number = text[:-1] if scale != 1 else text
    value = int(float(number) * scale)
    if value <= 0:
        raise ValueError(f"not a positive size: {text!r}")
    return value


def format_size(size: int) -> str:
    """1000 → "1k", 1000000 → "1m", 300 → "300"."""
    for unit, scale in (("m", 1000**2), ("k", 1000)):
        if size >= scale and size % scale == 0:
            return f"{size // scale}{unit}"
    return str(size)
