"""Errors only a provider stream can end with; both keep the last snapshot and all text."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from ..errors import PartialgenError


class ProviderError(PartialgenError):
    """The provider reported a failure inside the stream (an `error` event, a failed
    response) or sent something that is not its protocol; `payload` is what it sent."""

    def __init__(
        self,
        message: str,
        *,
        payload: object = None,
        snapshot: BaseModel | None = None,
        text: str = "",
    ) -> None:
        super().__init__(message, snapshot=snapshot, text=text)
        self.payload = payload


class UnknownToolError(PartialgenError):
    """The model called a tool no parser was given for; `name` is what it called."""

    def __init__(
        self, name: str | None, known: Iterable[str], *, text: str = ""
    ) -> None:
        self.name = name
        self.known: tuple[str, ...] = tuple(known)
        called = "a tool without a name" if name is None else f"the tool {name!r}"
        super().__init__(
            f"the model called {called}; parsers were given for: "
            + (", ".join(repr(k) for k in self.known) or "none"),
            text=text,
        )
