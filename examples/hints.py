"""Streaming hints: a news digest whose articles appear only once their title is known,
and whose links never show half-written."""

from typing import Annotated

from partialgen.runtime.hints import Atomic, Needed
from pydantic import BaseModel, Field


class Article(BaseModel):
    title: Annotated[str, Needed()]
    url: Annotated[str, Atomic()]
    summary: str = ""


class Digest(BaseModel):
    topic: str
    articles: list[Article] = Field(default_factory=list)
    source: str = Field(default="", json_schema_extra={"x-partialgen": "atomic"})
