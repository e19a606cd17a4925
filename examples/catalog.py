"""A catalog using every field kind partialgen supports, for tests and benchmarks."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from enum import Enum, IntEnum, StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Color(StrEnum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Priority(IntEnum):
    LOW = 1
    HIGH = 2


class Size(Enum):
    SMALL = "small"
    SMALLER = "smaller"
    LARGE = "large"


class Dimensions(BaseModel):
    """Physical size in centimetres."""

    width: float
    height: float
    depth: float | None = None


class Review(BaseModel):
    author: str
    stars: Annotated[int, Field(ge=1, le=5)]
    text: str = ""


class Physical(BaseModel):
    kind: Literal["physical"] = "physical"
    weight_kg: float
    dimensions: Dimensions


class Digital(BaseModel):
    kind: Literal["digital"] = "digital"
    download_url: str
    size_mb: float


class Discount(BaseModel):
    percent: float
    label: str = ""


class Bundle(BaseModel):
    skus: list[str]
    label: str = ""


class Category(BaseModel):
    """A category tree: categories nest inside categories."""

    name: str
    children: list[Category] = Field(default_factory=list)


class Product(BaseModel):
    """One product of the catalog."""

    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    sku: str = Field(alias="SKU", description='Stock keeping unit, e.g. "AB-12"')
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = "No description yet.\n\"Quoted\" and 'single' \\ backslash"
    price: Decimal
    discount: float = 0.0
    color: Color
    priority: Priority = Priority.LOW
    size: Size | None = None
    status: Literal["draft", "active", "archived"]
    tags: list[str] = Field(default_factory=list)
    labels: set[str] = Field(default_factory=set)
    ratings: dict[str, float] = Field(default_factory=dict)
    reviews: list[Review] = Field(default_factory=list)
    details: Physical | Digital = Field(discriminator="kind")
    origin: tuple[float, float] | None = None
    released: datetime.date | None = None
    updated_at: datetime.datetime | None = None
    available_from: datetime.time | None = None
    warranty: datetime.timedelta | None = None
    thumbnail: bytes | None = None
    in_stock: bool = True
    code: int | str | None = None
    extra: Any = None
    note: str | None = None

    @field_validator("note")
    @classmethod
    def _no_shouting(cls, value: str | None) -> str | None:
        if value is not None and value.isupper() and len(value) > 3:
            raise ValueError("notes must not shout")
        return value


class Catalog(BaseModel):
    """A product catalog, the rich example."""

    title: str
    products: list[Product]
    categories: list[Category] = Field(default_factory=list)
    featured: Product | None = None
    # No discriminator: the keys seen so far choose the member, as pydantic's smart
    # mode would; `label` fits both, `percent` only a Discount, `skus` only a Bundle.
    promotion: Discount | Bundle | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
