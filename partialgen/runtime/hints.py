"""Streaming hints for fields, read by the generator from `Annotated` metadata.

`Annotated[str, Atomic()]` keeps a value hidden until complete (an id, a URL).
`Annotated[str, Needed()]` keeps the enclosing object `None` until that field arrived
(a discriminator, a title). pydantic ignores both when validating.
"""

from __future__ import annotations


class Atomic:
    """Never show this value until it is complete."""

    def __repr__(self) -> str:
        return "Atomic()"


class Needed:
    """Show the object holding this field only once this field's value is complete."""

    def __repr__(self) -> str:
        return "Needed()"
