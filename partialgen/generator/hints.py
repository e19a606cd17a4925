"""Reading streaming hints: `Atomic()`/`Needed()` markers, or an `x-partialgen` extra."""

from __future__ import annotations

from typing import Any

from pydantic.fields import FieldInfo

from ..runtime.hints import Atomic, Needed

HINT_KEY = "x-partialgen"  # in json_schema_extra, and as the JSON Schema keyword


def hints_of(info: FieldInfo) -> tuple[bool, bool]:
    """(atomic, needed) for a field."""
    atomic = any(isinstance(m, Atomic) for m in info.metadata)
    needed = any(isinstance(m, Needed) for m in info.metadata)
    extra: Any = info.json_schema_extra
    if isinstance(extra, dict):
        words = extra.get(HINT_KEY)
        if isinstance(words, str):
            words = [words]
        if isinstance(words, list):
            atomic = atomic or "atomic" in words
            needed = needed or "needed" in words
    return atomic, needed
