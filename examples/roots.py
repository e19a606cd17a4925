"""Roots that are not objects (contract rule 14): the document is the root value itself.

`RootModel[list[Tag]]` reads a document that is an array, prose skipped up to its `[`;
a map root reads an object of entries; a scalar root skips only whitespace and a fence.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, RootModel


class Tag(BaseModel):
    name: str
    weight: float = 1.0


class Tags(RootModel[list[Tag]]):
    """A list of tags: the answer is a JSON array."""


class Scores(RootModel[dict[str, int]]):
    """Scores by name: the answer is an object of entries."""


class Headline(RootModel[str]):
    """A scalar root: the answer is one JSON string."""


class Count(RootModel[int]):
    """A number root: complete when the text ends."""


class Anything(RootModel[Any]):
    """Whatever JSON value the answer is."""


class Circle(BaseModel):
    kind: Literal["circle"]
    radius: float


class Square(BaseModel):
    kind: Literal["square"]
    side: float


class Shape(RootModel[Circle | Square]):
    """A union root, tagged by `kind`."""

    root: Circle | Square = Field(discriminator="kind")
