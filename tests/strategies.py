"""Hypothesis strategies: valid JSON documents for every example model, and mutations.

Every `*_objects()` strategy draws a JSON-compatible dict (keys are the JSON keys, i.e.
aliases) that the example's full pydantic model accepts. Objects of models get their keys
shuffled and, now and then, an undeclared key (pydantic ignores it by default). Strings
mix quotes, backslashes, control characters, newlines, non-ASCII and astral characters
(emoji, musical symbols) with arbitrary code points, surrogates excluded.

`formatted(obj)` turns an object into text with varied `json.dumps` options (indent,
`ensure_ascii`, separators) and leading/trailing JSON whitespace.

The mutation strategies (`value_mutations`, `truncations`, `corruptions`) turn a valid
document into one that is usually, but not always, invalid: the tests decide validity by
asking pydantic, never by assuming it.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from pydantic import TypeAdapter

JSONObject = dict[str, Any]
Path = tuple[str | int, ...]

# Characters that stress escaping, chunk boundaries inside escapes and UTF-16 pairs.
SPECIAL_CHARS = (
    '"\\/\n\r\t\b\f\x00\x1f\x7f'  # escaped in JSON (or optionally, for /)
    "\u00e9\u00df\u4e2d\u2028\u2029\ufeff"  # non-ASCII in the BMP
    "\U0001f600\U0001d11e\U0001f44d\U0001f3fd"  # astral: surrogate pairs in \\u form
    "'{}[]:, u0tn"  # JSON syntax and escape letters inside strings
    "aZ9"
)

# One string choice per text (cheap to generate and to shrink): either mostly special
# characters or any code point but surrogates.
_SPECIAL_TEXT = st.sampled_from(SPECIAL_CHARS)
_ANY_TEXT = st.characters(exclude_categories=["Cs"])


def texts(min_size: int = 0, max_size: int = 10) -> st.SearchStrategy[str]:
    """Strings of `min_size`..`max_size` characters."""
    return st.one_of(
        st.text(_SPECIAL_TEXT, min_size=min_size, max_size=max_size),
        st.text(_ANY_TEXT, min_size=min_size, max_size=max_size),
    )


# Values for an `int` field: small, beyond 64 bits, and integral floats (pydantic's lax
# mode turns `3.0` into 3).
int_values: st.SearchStrategy[int | float] = st.one_of(
    st.integers(-1000, 1000),
    st.integers(-(2**70), 2**70),
    st.integers(-(2**53), 2**53).map(float),
)

# Values for a `float` field: floats, and JSON integers (the snapshot must hold a float).
float_values: st.SearchStrategy[int | float] = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-1000, 1000),
    st.integers(-(2**70), 2**70),
)

json_scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    texts(max_size=6),
)

json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(texts(max_size=4), inner, max_size=3),
    ),
    max_leaves=6,
)


@st.composite
def _object(
    draw: st.DrawFn,
    required: dict[str, st.SearchStrategy[Any]],
    optional: dict[str, st.SearchStrategy[Any]] | None = None,
) -> JSONObject:
    """A model's JSON object: the required keys, some optional ones, shuffled, and now
    and then an undeclared key."""
    obj = draw(st.fixed_dictionaries(required, optional=optional or {}))
    if draw(st.integers(0, 9)) == 9:
        obj["x-unknown" + draw(texts(max_size=3))] = draw(json_values)
    return dict(draw(st.permutations(list(obj.items()))))


def _renamed(
    strategy: st.SearchStrategy[JSONObject], old: str, new: str
) -> st.SearchStrategy[JSONObject]:
    """The same objects with the key `old` (if present) renamed to `new`, in place."""

    def rename(obj: JSONObject) -> JSONObject:
        return {(new if k == old else k): v for k, v in obj.items()}

    return strategy.map(rename)


# -- meeting, profile, report, categorized -----------------------------------------------


def meeting_objects() -> st.SearchStrategy[JSONObject]:
    user = _object({"name": texts(), "email": texts(), "twitter": texts()})
    return _object(
        {
            "users": st.lists(user, max_size=3),
            "date": texts(),
            "location": texts(),
            "budget": int_values,
            "deadline": texts(),
        }
    )


def profile_objects() -> st.SearchStrategy[JSONObject]:
    return _object(
        {
            "name": texts(),
            "bio": texts(max_size=30),
            "interests": st.lists(texts(), max_size=4),
        }
    )


def report_objects() -> st.SearchStrategy[JSONObject]:
    return _object(
        {
            "title": texts(),
            "summary": texts(max_size=30),
            "conclusion": texts(max_size=30),
        }
    )


def categorized_objects() -> st.SearchStrategy[JSONObject]:
    return _object(
        {
            "name": texts(),
            "age": int_values,
            "category": st.sampled_from(["admin", "user", "guest"]),
        }
    )


def digest_objects() -> st.SearchStrategy[JSONObject]:
    """The hints example: articles hidden until their `Needed()` title completes."""
    article = _object(
        {"title": texts(), "url": texts()}, optional={"summary": texts(max_size=20)}
    )
    return _object(
        {"topic": texts(), "articles": st.lists(article, max_size=3)},
        optional={"source": texts()},
    )


# -- catalog ----------------------------------------------------------------------------


def _dump_json(tp: Any) -> Callable[[Any], Any]:
    adapter: TypeAdapter[Any] = TypeAdapter(tp)
    return lambda value: adapter.dump_python(value, mode="json")


_timezones: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.just(datetime.UTC),
    st.integers(-23 * 60, 23 * 60).map(
        lambda m: datetime.timezone(datetime.timedelta(minutes=m))
    ),
)
_datetimes = st.one_of(
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(2200, 1, 1),
        timezones=_timezones,
    ).map(_dump_json(datetime.datetime)),
    st.integers(0, 4_000_000_000),  # a unix timestamp
)
_dates = st.dates(
    min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)
).map(_dump_json(datetime.date))
_times = st.times().map(_dump_json(datetime.time))
_timedeltas = st.one_of(
    st.timedeltas(
        min_value=datetime.timedelta(days=-1000),
        max_value=datetime.timedelta(days=1000),
    ).map(_dump_json(datetime.timedelta)),
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6),
)
_prices = st.one_of(
    st.decimals(
        min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False
    ).map(str),
    st.integers(-(10**12), 10**12),
    st.floats(-1e9, 1e9),
)
_notes = st.one_of(
    st.none(), texts(max_size=8).filter(lambda s: not (s.isupper() and len(s) > 3))
)


def dimensions_objects() -> st.SearchStrategy[JSONObject]:
    return _object(
        {"width": float_values, "height": float_values},
        {"depth": st.one_of(st.none(), float_values)},
    )


def details_objects() -> st.SearchStrategy[JSONObject]:
    """A member of the discriminated union `Physical | Digital`.

    Now and then the object also carries keys of the *other* member: pydantic ignores
    them (the tag decides, extra keys are ignored), so the document stays valid.
    """
    physical_keys = {"weight_kg": float_values, "dimensions": dimensions_objects()}
    digital_keys = {"download_url": texts(), "size_mb": float_values}
    physical = _object({"kind": st.just("physical"), **physical_keys})
    digital = _object({"kind": st.just("digital"), **digital_keys})
    physical_with_extra = _object(
        {"kind": st.just("physical"), **physical_keys}, digital_keys
    )
    digital_with_extra = _object(
        {"kind": st.just("digital"), **digital_keys}, physical_keys
    )
    return st.one_of(physical, digital, physical_with_extra, digital_with_extra)


def review_objects() -> st.SearchStrategy[JSONObject]:
    return _object(
        {"author": texts(), "stars": st.integers(1, 5)},
        {"text": texts()},
    )


def product_objects() -> st.SearchStrategy[JSONObject]:
    products = _object(
        {
            "id": st.uuids().map(str),
            "SKU": texts(max_size=6),
            "name": texts(min_size=1, max_size=8),
            "price": _prices,
            "color": st.sampled_from(["red", "green", "blue"]),
            "status": st.sampled_from(["draft", "active", "archived"]),
            "details": details_objects(),
        },
        {
            "description": texts(),
            "discount": float_values,
            "priority": st.sampled_from([1, 2]),
            "size": st.sampled_from(["small", "smaller", "large", None]),
            "tags": st.lists(texts(max_size=5), max_size=3),
            "labels": st.lists(texts(max_size=3), max_size=3),
            "ratings": st.dictionaries(texts(max_size=4), float_values, max_size=3),
            "reviews": st.lists(review_objects(), max_size=2),
            "origin": st.one_of(
                st.none(), st.lists(float_values, min_size=2, max_size=2)
            ),
            "released": st.one_of(st.none(), _dates),
            "updated_at": st.one_of(st.none(), _datetimes),
            "available_from": st.one_of(st.none(), _times),
            "warranty": st.one_of(st.none(), _timedeltas),
            "thumbnail": st.one_of(st.none(), texts(max_size=5)),
            "in_stock": st.booleans(),
            "code": st.one_of(
                st.none(), st.integers(-(2**40), 2**40), texts(max_size=4)
            ),
            "extra": json_values,
            "note": _notes,
        },
    )
    # populate_by_name: the field name is accepted as well as the alias.
    return st.one_of(products, _renamed(products, "SKU", "sku"))


def category_objects() -> st.SearchStrategy[JSONObject]:
    return st.recursive(
        _object({"name": texts(max_size=5)}),
        lambda children: _object(
            {"name": texts(max_size=5)},
            {"children": st.lists(children, max_size=2)},
        ),
        max_leaves=4,
    )


def promotion_objects() -> st.SearchStrategy[JSONObject]:
    """A member of the undiscriminated (smart-mode) union `Discount | Bundle`; now and
    then with keys of the other member too, which pydantic ignores or weighs."""
    discount_keys = {"percent": float_values}
    bundle_keys = {"skus": st.lists(texts(max_size=4), max_size=3)}
    label = {"label": texts(max_size=5)}
    return st.one_of(
        _object(discount_keys, label),
        _object(bundle_keys, label),
        _object(discount_keys, {**label, **bundle_keys}),
        _object(bundle_keys, {**label, **discount_keys}),
    )


def catalog_objects() -> st.SearchStrategy[JSONObject]:
    return _object(
        {
            "title": texts(),
            "products": st.lists(product_objects(), max_size=2),
        },
        {
            "categories": st.lists(category_objects(), max_size=2),
            "featured": st.one_of(st.none(), product_objects()),
            "promotion": st.one_of(st.none(), promotion_objects()),
            "metadata": st.dictionaries(texts(max_size=4), json_values, max_size=3),
        },
    )


OBJECTS: dict[str, Callable[[], st.SearchStrategy[JSONObject]]] = {
    "meeting": meeting_objects,
    "profile": profile_objects,
    "report": report_objects,
    "categorized": categorized_objects,
    "catalog": catalog_objects,
    "hints": digest_objects,
}

# -- formatting -------------------------------------------------------------------------

_SEPARATORS: list[tuple[str, str] | None] = [
    None,
    (",", ":"),
    (", ", ": "),
    (" , ", " : "),
    (",\n", ":\t"),
    ("\r\n,", "\n:\r\n"),
]
_PADDING = ["", "", " ", "\n", "\r\n\t  "]


class Pairs(list[tuple[str, Any]]):
    """A JSON object as (key, value) pairs, so that a key may repeat."""


_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_WHITESPACE = ["", "", "", " ", "\n", "\t", "\r\n", "  "]


def _u_escape(char: str, rnd: random.Random) -> str:
    """`char` as `\\uXXXX` (a surrogate pair beyond the BMP), in random letter case."""
    code = ord(char)
    if code > 0xFFFF:
        code -= 0x10000
        units = [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]
    else:
        units = [code]
    out = "".join(f"\\u{unit:04x}" for unit in units)
    return out.upper().replace("\\U", "\\u") if rnd.random() < 0.5 else out


def _encode_string(value: str, rnd: random.Random, rate: float) -> str:
    out = ['"']
    for char in value:
        must = char in _SHORT_ESCAPES or ord(char) < 0x20
        if must and char in _SHORT_ESCAPES and rnd.random() < 0.7:
            out.append(_SHORT_ESCAPES[char])
        elif must or rnd.random() < rate:
            out.append(
                "\\/" if char == "/" and rnd.random() < 0.5 else _u_escape(char, rnd)
            )
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _encode(value: Any, rnd: random.Random, rate: float) -> str:
    """JSON text for `value` with random whitespace and random (valid) escapes, in keys
    as well as values: `\\u0061` for `a`, surrogate pairs for astral characters, `\\/`.
    """

    def ws() -> str:
        return rnd.choice(_WHITESPACE)

    if isinstance(value, str):
        return _encode_string(value, rnd, rate)
    if isinstance(value, Pairs | dict):
        pairs = value.items() if isinstance(value, dict) else value
        if not pairs:
            return "{" + ws() + "}"
        entries = [
            ws()
            + _encode_string(k, rnd, rate)
            + ws()
            + ":"
            + ws()
            + _encode(v, rnd, rate)
            + ws()
            for k, v in pairs
        ]
        return "{" + ",".join(entries) + "}"
    if isinstance(value, list):
        if not value:
            return "[" + ws() + "]"
        return "[" + ",".join(ws() + _encode(v, rnd, rate) + ws() for v in value) + "]"
    return json.dumps(value, allow_nan=False)


@st.composite
def formatted(draw: st.DrawFn, obj: JSONObject) -> str:
    """`obj` as JSON text, formatted one of many ways."""
    if draw(st.integers(0, 2)) == 2:
        rnd = draw(st.randoms(use_true_random=False))
        rate = draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]))
        return rnd.choice(_PADDING) + _encode(obj, rnd, rate) + rnd.choice(_PADDING)
    indent = draw(st.sampled_from([None, None, 0, 1, 2, "\t"]))
    text = json.dumps(
        obj,
        indent=indent,
        ensure_ascii=draw(st.booleans()),
        separators=draw(st.sampled_from(_SEPARATORS)),
        allow_nan=False,
    )
    return draw(st.sampled_from(_PADDING)) + text + draw(st.sampled_from(_PADDING))


def objects(name: str) -> st.SearchStrategy[JSONObject]:
    """Valid objects for the example `name`."""
    return OBJECTS[name]()


def documents(name: str) -> st.SearchStrategy[str]:
    """Valid document texts for the example `name`."""
    return OBJECTS[name]().flatmap(formatted)


# -- mutations --------------------------------------------------------------------------

# Keys holding a Literal or Enum somewhere in the examples: mutations favour them.
LITERAL_KEYS = frozenset({"category", "color", "priority", "size", "status", "kind"})

WRONG_LITERALS: tuple[Any, ...] = (
    "",
    "admin ",
    "Admin",
    "adm",
    "users",
    "gues",
    "RED",
    "re",
    "bluee",
    "smal",
    "small ",
    "smalle",
    "smallest",
    "LARGE",
    "physic",
    "physical\u0000",
    "Digital",
    "digitalx",
    "draft2",
    "activ",
    "1",
    "3",
    3,
    0,
    1.0,
    2.0,
    True,
    False,
    None,
    [],
    {},
)


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _paths(value: Any, prefix: Path = ()) -> list[Path]:
    """Every position inside `value` that holds a value (the root excluded)."""
    out: list[Path] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        path = (*prefix, key)
        out.append(path)
        out.extend(_paths(child, path))
    return out


def _get(value: Any, path: Path) -> Any:
    for key in path:
        value = value[key]
    return value


def _replace(value: Any, path: Path, new: Any) -> Any:
    """A copy of `value` with the position `path` holding `new` (None: key deleted)."""
    if not path:
        return new
    key, rest = path[0], path[1:]
    if isinstance(value, dict):
        if not rest and new is _DELETE:
            return {k: v for k, v in value.items() if k != key}
        return {
            k: (_replace(v, rest, new) if k == key else v) for k, v in value.items()
        }
    assert isinstance(value, list)
    if not rest and new is _DELETE:
        return [v for i, v in enumerate(value) if i != key]
    return [(_replace(v, rest, new) if i == key else v) for i, v in enumerate(value)]


_DELETE: Any = object()


def _keyed_values(value: Any, out: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Every (key, value) of every object inside `value`, by key."""
    if isinstance(value, dict):
        for k, v in value.items():
            out.setdefault(k, []).append(v)
            _keyed_values(v, out)
    elif isinstance(value, list):
        for v in value:
            _keyed_values(v, out)
    return out


# Keys (with plausible values) that belong to some model of the examples, to add where
# they do not belong: another union member's key, a sibling model's key.
FOREIGN_KEYS: dict[str, st.SearchStrategy[Any]] = {
    "kind": st.sampled_from(["physical", "digital"]),
    "weight_kg": float_values,
    "dimensions": dimensions_objects(),
    "download_url": texts(max_size=4),
    "size_mb": float_values,
    "width": float_values,
    "depth": float_values,
    "children": st.lists(_object({"name": texts(max_size=3)}), max_size=1),
    "name": texts(max_size=4),
    "title": texts(max_size=4),
    "text": texts(max_size=4),
    "stars": st.integers(0, 6),
    "sku": texts(max_size=3),
    "SKU": texts(max_size=3),
    "users": st.lists(_object({"name": texts(max_size=3)}), max_size=1),
    "category": st.sampled_from(["admin", "user", "guest"]),
    "percent": float_values,
    "skus": st.lists(texts(max_size=3), max_size=2),
    "label": texts(max_size=3),
}


@st.composite
def added_keys(draw: st.DrawFn, obj: JSONObject) -> JSONObject:
    """`obj` with a key added to one of its objects, where that object lacks it: a key
    seen elsewhere in the document (with one of its values there) or a key of some
    example model."""
    paths = _dict_paths(obj) or [()]
    path = draw(st.sampled_from(paths))
    target = _get(obj, path)
    elsewhere = _keyed_values(obj, {})
    keys = sorted((set(elsewhere) | set(FOREIGN_KEYS)) - set(target))
    key = draw(st.sampled_from(keys))
    choices = [*elsewhere.get(key, [])]
    value = draw(
        st.one_of(
            st.sampled_from(choices) if choices else FOREIGN_KEYS[key],
            FOREIGN_KEYS.get(key, json_values),
        )
    )
    items = list(target.items())
    items.insert(draw(st.integers(0, len(items))), (key, value))
    mutated = _replace(obj, path, dict(items))
    assert isinstance(mutated, dict)
    return mutated


@st.composite
def value_mutations(draw: st.DrawFn, obj: JSONObject) -> JSONObject:
    """`obj` with one value replaced (a wrong literal, a value of the wrong JSON kind,
    any JSON value), a key or item deleted, or a key added where it does not belong."""
    if draw(st.integers(0, 3)) == 0:
        return draw(added_keys(obj))
    paths = _paths(obj)
    if not paths:
        return {**obj, draw(st.sampled_from(["title", "name", "users"])): None}
    literal_paths = [p for p in paths if p and p[-1] in LITERAL_KEYS]
    favour_literals = draw(st.booleans())
    if literal_paths and favour_literals:
        path = draw(st.sampled_from(literal_paths))
        new = draw(st.sampled_from(WRONG_LITERALS))
    else:
        path = draw(st.sampled_from(paths))
        kind = _json_kind(_get(obj, path))
        new = draw(
            st.one_of(
                st.sampled_from(WRONG_LITERALS),
                json_values.filter(lambda v: _json_kind(v) != kind),
                json_values,
                st.just(_DELETE),
            )
        )
    mutated = _replace(obj, path, new)
    assert isinstance(mutated, dict)
    return mutated


def root_span(text: str) -> tuple[int, int]:
    """Offsets of the root object's `{` and of its last `}` in a valid document."""
    return text.index("{"), text.rindex("}")


@st.composite
def truncations(draw: st.DrawFn, text: str) -> str:
    """A strict prefix of `text` (possibly empty)."""
    return text[: draw(st.integers(0, len(text) - 1))]


_CORRUPT_CHARS = st.one_of(
    st.sampled_from(list('"\\{}[],:. 0123456789-+eEtrufalsnNI\n\t\x00\x1fu')),
    st.characters(exclude_categories=["Cs"]),
)


@st.composite
def corruptions(draw: st.DrawFn, text: str) -> str:
    """`text` with one character replaced, deleted or inserted, strictly after the root
    object's `{` and no later than its closing `}`, so the text around the root (which
    the parser skips by rule 14) is not involved."""
    first, last = root_span(text)
    at = draw(st.integers(first + 1, last))
    op = draw(st.sampled_from(["replace", "delete", "insert"]))
    if op == "delete":
        return text[:at] + text[at + 1 :]
    char = draw(_CORRUPT_CHARS)
    if op == "insert":
        return text[:at] + char + text[at:]
    return text[:at] + char + text[at + 1 :]


def _dict_paths(value: Any, prefix: Path = ()) -> list[Path]:
    """The positions of every non-empty JSON object inside `value`, the root included."""
    out: list[Path] = [prefix] if isinstance(value, dict) and value else []
    children: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        out.extend(_dict_paths(child, (*prefix, key)))
    return out


@st.composite
def repeated_keys(draw: st.DrawFn, obj: JSONObject) -> str:
    """`obj` as text with one key of one of its objects repeated later in that object.

    The repeated value is often a plausible one for that key (see FOREIGN_KEYS), so that
    the document stays valid (pydantic takes the last value), else any JSON value or a
    wrong literal. Keys holding literals (union tags included) are favoured.
    """
    paths = _dict_paths(obj)
    literal_paths = [p for p in paths if LITERAL_KEYS & set(_get(obj, p))]
    favour_literals = draw(st.booleans())
    if literal_paths and favour_literals:
        path = draw(st.sampled_from(literal_paths))
        target = _get(obj, path)
        key = draw(st.sampled_from(sorted(LITERAL_KEYS & set(target))))
    else:
        path = draw(st.sampled_from(paths))
        target = _get(obj, path)
        key = draw(st.sampled_from(list(target)))
    plausible = FOREIGN_KEYS.get(key)
    if plausible is not None and draw(st.integers(0, 2)) < 2:
        value = draw(plausible)
    else:
        value = draw(st.one_of(json_values, st.sampled_from(WRONG_LITERALS)))
    items = list(target.items())
    index = [k for k, _ in items].index(key)
    items.insert(draw(st.integers(index + 1, len(items))), (key, value))
    document = _replace(obj, path, Pairs(items))
    rnd = draw(st.randoms(use_true_random=False))
    return rnd.choice(_PADDING) + _encode(document, rnd, 0.1) + rnd.choice(_PADDING)
