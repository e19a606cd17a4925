"""JSON Patch deltas between consecutive snapshots, for a client that mirrors the document.

`diff(before, after)` returns the operations that turn `before`'s JSON
(`model_dump(mode="json", by_alias=True)`; `None` before the first snapshot) into
`after`'s. Paths are JSON Pointers (RFC 6901) of the JSON keys. A string that grew is
sent as `{"op": "append", "path": ..., "value": <the new text>}`, our one extension to
RFC 6902, so a streamed string costs its length once; `strict=True` sends `replace`
instead, for clients that apply standard patches only.

Snapshots share every unchanged nested object, list and dict with the snapshot before
(the same object), so the walk skips a subtree on an `is` test: a diff costs the path of
the change, not the size of the document. `apply(doc, ops)` is the reference applier.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, repeat
from operator import is_, is_not
from typing import Any

from pydantic import BaseModel

Op = dict[str, Any]

_PLAIN = (int, bool, type(None))
_SCALARS = (str, int, float, bool, type(None))  # their JSON is themselves
_MISSING: Any = object()


class PatchError(ValueError):
    """An operation `apply` cannot carry out: a bad pointer, a missing target, a failed
    `test`, an unknown `op`. `index` is the operation's position in the list."""

    def __init__(self, message: str, *, index: int, op: object) -> None:
        super().__init__(f"operation {index}: {message}")
        self.index = index
        self.op = op


def escape(key: str) -> str:
    """One JSON Pointer reference token: `~` becomes `~0`, `/` becomes `~1`."""
    if "~" in key:
        key = key.replace("~", "~0")
    if "/" in key:
        key = key.replace("/", "~1")
    return key


def pointer(path: Iterable[str | int]) -> str:
    """The JSON Pointer of a path of JSON keys and list indices (`""` is the root)."""
    return "".join("/" + escape(str(part)) for part in path)


# -- diff -----------------------------------------------------------------------------

# Per class: (field name, JSON key, "/" + escaped key) for every dumped field, or None
# when the class's dump is not its fields' values (serializers, computed fields, extra
# keys, a root model): such objects are compared by their JSON instead.
_Fields = tuple[tuple[str, str, str], ...]
_FIELDS: dict[type[BaseModel], _Fields | None] = {}


def _fields(cls: type[BaseModel]) -> _Fields | None:
    try:
        return _FIELDS[cls]
    except KeyError:
        pass
    decorators = cls.__pydantic_decorators__
    plan: _Fields | None = None
    if not (
        cls.__pydantic_root_model__
        or decorators.model_serializers
        or decorators.field_serializers
        or cls.model_computed_fields
        or cls.model_config.get("extra") == "allow"
        or any(getattr(f, "exclude_if", None) for f in cls.model_fields.values())
    ):
        plan = tuple(
            (name, key, "/" + escape(key))
            for name, info in cls.model_fields.items()
            if not info.exclude
            for key in (info.serialization_alias or name,)
        )
    _FIELDS[cls] = plan
    return plan


def dump(snapshot: BaseModel | None) -> Any:
    """A snapshot's JSON, the document `diff` patches: `model_dump(mode="json",
    by_alias=True)`, or None."""
    if snapshot is None:
        return None
    return snapshot.model_dump(mode="json", by_alias=True)


class _Owner:
    """Where a value sits below the nearest model: that model (before and after), the
    field's name and JSON key, then list indices and dict keys. A value that is not
    plain JSON is dumped through its model with `include`, so it is serialized exactly
    as the whole snapshot's `model_dump` would serialize it."""

    __slots__ = ("after", "before", "key", "name")

    def __init__(self, before: BaseModel, after: BaseModel, name: str, key: str):
        self.before = before
        self.after = after
        self.name = name
        self.key = key

    def json(self, model: BaseModel, trail: tuple[str | int, ...]) -> Any:
        include: Any = True
        for part in reversed(trail):
            include = {part: include}
        dumped = model.model_dump(
            mode="json", by_alias=True, include={self.name: include}
        )
        value = dumped[self.key]
        for part in trail:
            value = value[0] if isinstance(part, int) else value[part]
        return value


class _Differ:
    __slots__ = ("ops", "same_stream", "strict")

    def __init__(self, strict: bool, same_stream: bool = False) -> None:
        self.ops: list[Op] = []
        self.strict = strict
        self.same_stream = same_stream

    def model(self, a: BaseModel, b: BaseModel, ptr: str, fields: _Fields) -> None:
        da, db = a.__dict__, b.__dict__
        for name, key, token in fields:
            x, y = da[name], db[name]
            if x is not y:
                self.value(x, y, ptr + token, _Owner(a, b, name, key), ())

    def value(
        self, a: Any, b: Any, ptr: str, owner: _Owner, trail: tuple[str | int, ...]
    ) -> None:
        kind = type(b)
        if kind is type(a):
            if kind is str:
                if a != b:
                    if not self.strict and b.startswith(a):
                        self.ops.append(
                            {"op": "append", "path": ptr, "value": b[len(a) :]}
                        )
                    else:
                        self.ops.append({"op": "replace", "path": ptr, "value": b})
                return
            if kind is float:
                # -0.0 == 0.0, but they are different JSON; NaN is never equal.
                if a != b or (a == 0.0 and math.copysign(1, a) != math.copysign(1, b)):
                    self.ops.append({"op": "replace", "path": ptr, "value": b})
                return
            if kind in _PLAIN:
                if a != b:
                    self.ops.append({"op": "replace", "path": ptr, "value": b})
                return
            if kind is list:
                self.list(a, b, ptr, owner, trail)
                return
            if kind is dict:
                self.dict(a, b, ptr, owner, trail)
                return
            if isinstance(b, BaseModel):
                fields = _fields(kind)
                if fields is not None:
                    self.model(a, b, ptr, fields)
                    return
        new = self.json(b, owner, owner.after, trail)
        if a is None or new is None:
            self.ops.append({"op": "replace", "path": ptr, "value": new})
        else:
            self.json_value(self.json(a, owner, owner.before, trail), new, ptr)

    def json(
        self, value: Any, owner: _Owner, model: BaseModel, trail: tuple[str | int, ...]
    ) -> Any:
        kind = type(value)
        if kind in _SCALARS:
            return value
        if isinstance(value, BaseModel) and _fields(kind) is not None:
            # Its own dump is what its parent's dump holds, and costs only the object.
            return value.model_dump(mode="json", by_alias=True)
        return owner.json(model, trail)

    def list(
        self,
        a: list[Any],
        b: list[Any],
        ptr: str,
        owner: _Owner,
        trail: tuple[str | int, ...],
    ) -> None:
        common = min(len(a), len(b))
        # Items are appended and only the last one grows: the others are the very same
        # objects, which `all(map(is_, ...))` confirms at C speed. Within one stream,
        # a list whose first item is the same model object is the same list grown
        # (a repeated key makes a new list of new objects; scalars may be cached
        # objects, so they prove nothing): confirming would cost the list's length.
        last = common - 1
        if common and (
            (self.same_stream and isinstance(b[0], BaseModel) and a[0] is b[0])
            or all(map(is_, a[:last], b))
        ):
            if a[last] is not b[last]:
                self.value(a[last], b[last], f"{ptr}/{last}", owner, (*trail, last))
        else:
            for i in compress(range(common), map(is_not, a, b)):
                self.value(a[i], b[i], f"{ptr}/{i}", owner, (*trail, i))
        for i in range(common, len(b)):
            value = self.json(b[i], owner, owner.after, (*trail, i))
            self.ops.append({"op": "add", "path": f"{ptr}/{i}", "value": value})
        for i in range(len(a) - 1, common - 1, -1):
            self.ops.append({"op": "remove", "path": f"{ptr}/{i}"})

    def dict(
        self,
        a: dict[Any, Any],
        b: dict[Any, Any],
        ptr: str,
        owner: _Owner,
        trail: tuple[str | int, ...],
    ) -> None:
        changed = list(
            compress(b, map(is_not, map(a.get, b, repeat(_MISSING)), b.values()))
        )
        if any(type(k) is not str for k in changed):  # keys the dump turns into text
            self.json_value(
                self.json(a, owner, owner.before, trail),
                self.json(b, owner, owner.after, trail),
                ptr,
            )
            return
        added = 0
        for k in changed:
            x = a.get(k, _MISSING)
            if x is _MISSING:
                added += 1
                value = self.json(b[k], owner, owner.after, (*trail, k))
                self.ops.append(
                    {"op": "add", "path": f"{ptr}/{escape(k)}", "value": value}
                )
            else:
                self.value(x, b[k], f"{ptr}/{escape(k)}", owner, (*trail, k))
        if len(a) != len(b) - added:  # a key went away (a repeated key's new object)
            for k in a:
                if k not in b:
                    self.ops.append({"op": "remove", "path": f"{ptr}/{escape(str(k))}"})

    def json_value(self, a: Any, b: Any, ptr: str) -> None:
        """The operations between two JSON values (values the walk cannot go into)."""
        kind = type(b)
        if kind is type(a):
            if kind is dict:
                for k, y in b.items():
                    x = a.get(k, _MISSING)
                    if x is _MISSING:
                        self.ops.append(
                            {"op": "add", "path": f"{ptr}/{escape(k)}", "value": y}
                        )
                    else:
                        self.json_value(x, y, f"{ptr}/{escape(k)}")
                for k in a:
                    if k not in b:
                        self.ops.append({"op": "remove", "path": f"{ptr}/{escape(k)}"})
                return
            if kind is list:
                common = min(len(a), len(b))
                for i in range(common):
                    self.json_value(a[i], b[i], f"{ptr}/{i}")
                for i in range(common, len(b)):
                    self.ops.append({"op": "add", "path": f"{ptr}/{i}", "value": b[i]})
                for i in range(len(a) - 1, common - 1, -1):
                    self.ops.append({"op": "remove", "path": f"{ptr}/{i}"})
                return
            if kind is str:
                if a != b:
                    if not self.strict and b.startswith(a):
                        self.ops.append(
                            {"op": "append", "path": ptr, "value": b[len(a) :]}
                        )
                    else:
                        self.ops.append({"op": "replace", "path": ptr, "value": b})
                return
            if kind is float:
                if a == b and (a != 0.0 or math.copysign(1, a) == math.copysign(1, b)):
                    return
            elif a == b:
                return
        self.ops.append({"op": "replace", "path": ptr, "value": b})


def diff(
    before: BaseModel | None,
    after: BaseModel,
    *,
    strict: bool = False,
    same_stream: bool = False,
) -> list[Op]:
    """The JSON Patch operations that turn `before`'s JSON into `after`'s.

    `before=None` (nothing sent yet) gives one `replace` of the whole document (path
    `""`). Fields that changed are `replace`d, items and dict entries that arrived are
    `add`ed (at their index, in order), a string that grew is an `append` of the new
    text, or a `replace` with `strict=True`. The same object twice gives `[]`.

    `same_stream=True` says `after` is a later snapshot of the parser `before` came
    from (what `PatchEncoder` sends): then the items of a list before `before`'s last
    one are complete and shared, and are not compared, so a diff costs the changed
    path, not the length of the lists on it. For any other pair, leave it False.
    """
    if after is before:
        return []
    if before is None:
        return [{"op": "replace", "path": "", "value": dump(after)}]
    differ = _Differ(strict, same_stream)
    fields = _fields(type(after)) if type(after) is type(before) else None
    if fields is not None:
        differ.model(before, after, "", fields)
    else:
        differ.json_value(dump(before), dump(after), "")
    return differ.ops


# -- apply ----------------------------------------------------------------------------


_BAD_ESCAPE = re.compile(r"~(?![01])")


def _tokens(path: object) -> list[str]:
    if not isinstance(path, str):
        raise TypeError(f"a path is a string, got {type(path).__name__}")
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError(f"a JSON Pointer starts with '/': {path!r}")
    tokens = path.split("/")[1:]
    if "~" in path and _BAD_ESCAPE.search(path):
        raise ValueError(f"a '~' is followed by 0 or 1 in a JSON Pointer: {path!r}")
    return [t.replace("~1", "/").replace("~0", "~") if "~" in t else t for t in tokens]


def _index(token: str, length: int, adding: bool) -> int:
    if adding and token == "-":
        return length
    if not token.isdigit() or not token.isascii() or (token[0] == "0" and token != "0"):
        raise ValueError(f"{token!r} is not an array index")
    index = int(token)
    if index > length or (index == length and not adding):
        raise ValueError(f"index {index} is out of range for an array of {length}")
    return index


def _same(a: Any, b: Any) -> bool:
    """JSON equality: `true` is not `1`; `1` equals `1.0` (both are numbers)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


class _Patcher:
    """Applies operations copy-on-write: each container on a changed path is copied
    once per `apply`, and nothing the caller holds is ever modified."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.fresh: dict[int, Any] = {}  # containers made here, kept alive by id

    def _own(self, value: Any) -> Any:
        if id(value) in self.fresh:
            return value
        if isinstance(value, dict):
            value = dict(value)
        elif isinstance(value, list):
            value = list(value)
        else:
            raise ValueError(f"cannot go into {type(value).__name__} {value!r:.40}")
        self.fresh[id(value)] = value
        return value

    def get(self, tokens: list[str]) -> Any:
        value = self.doc
        for t in tokens:
            if isinstance(value, dict):
                if t not in value:
                    raise ValueError(f"no key {t!r}")
                value = value[t]
            elif isinstance(value, list):
                value = value[_index(t, len(value), False)]
            else:
                raise ValueError(f"cannot go into {type(value).__name__} {value!r:.40}")
        return value

    def parent(self, tokens: list[str]) -> Any:
        """The container that holds the target, owned (copied if it was not yet)."""
        self.doc = container = self._own(self.doc)
        for t in tokens[:-1]:
            if isinstance(container, dict):
                if t not in container:
                    raise ValueError(f"no key {t!r}")
                child = container[t] = self._own(container[t])
            else:
                i = _index(t, len(container), False)
                child = container[i] = self._own(container[i])
            container = child
        return container

    def add(self, tokens: list[str], value: Any) -> None:
        if not tokens:
            self.doc = value
            return
        container, last = self.parent(tokens), tokens[-1]
        if isinstance(container, dict):
            container[last] = value
        else:
            container.insert(_index(last, len(container), True), value)

    def remove(self, tokens: list[str]) -> Any:
        if not tokens:
            raise ValueError("the root cannot be removed")
        container, last = self.parent(tokens), tokens[-1]
        if isinstance(container, dict):
            if last not in container:
                raise ValueError(f"no key {last!r}")
            return container.pop(last)
        return container.pop(_index(last, len(container), False))

    def replace(self, tokens: list[str], value: Any) -> None:
        if not tokens:
            self.doc = value
            return
        container, last = self.parent(tokens), tokens[-1]
        if isinstance(container, dict):
            if last not in container:
                raise ValueError(f"no key {last!r}")
            container[last] = value
        else:
            container[_index(last, len(container), False)] = value

    def run(self, op: Mapping[str, Any]) -> None:
        name = op.get("op")
        tokens = _tokens(op.get("path"))
        if name in ("add", "replace", "test", "append") and "value" not in op:
            raise ValueError(f"{name!r} needs a value")
        if name == "add":
            self.add(tokens, op["value"])
        elif name == "remove":
            self.remove(tokens)
        elif name == "replace":
            self.replace(tokens, op["value"])
        elif name == "append":
            current, text = self.get(tokens), op["value"]
            if type(current) is not str or type(text) is not str:
                raise ValueError("'append' adds a string to a string")
            self.replace(tokens, current + text)
        elif name == "test":
            if not _same(self.get(tokens), op["value"]):
                raise ValueError(f"test failed at {op.get('path')!r}")
        elif name in ("move", "copy"):
            source = _tokens(op.get("from"))
            if name == "move":
                if tokens[: len(source)] == source and len(tokens) > len(source):
                    raise ValueError("an object cannot be moved into itself")
                self.add(tokens, self.remove(source))
            else:  # a deep copy: the two places must not share what later ops change
                self.add(tokens, copy.deepcopy(self.get(source)))
        else:
            raise ValueError(f"unknown op {name!r}")


def apply(doc: Any, ops: Sequence[Mapping[str, Any]]) -> Any:
    """The document `ops` make of `doc`: RFC 6902 operations and `append`.

    Returns a new document and never modifies `doc` or the operations' values; parts
    no operation touched are shared with `doc`. Raises PatchError on the first
    operation that cannot be applied.
    """
    patcher = _Patcher(doc)
    for index, op in enumerate(ops):
        try:
            patcher.run(op)
        except (ValueError, TypeError, AttributeError) as error:
            raise PatchError(str(error), index=index, op=op) from None
    return patcher.doc
