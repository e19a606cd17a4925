"""Hand-written all-optional mirrors of the example models, for pydantic's partial mode.

`TypeAdapter(Mirror).validate_json(text, experimental_allow_partial="trailing-strings")`
needs a model in which every field may be missing. Each mirror keeps the field types,
aliases and defaults of the model it copies, adds `| None` with a `None` default where
the original field is required, and drops validators and declarative constraints (the
full model checks them once, at the end). Their `model_dump()` of a complete document
equals the full model's.

Also here: `InstructorProduct`/`InstructorCatalog`, the Catalog variant instructor can
handle. instructor 1.17.0's `Partial[Catalog]` raises `PydanticUserError`
(discriminator-needs-literal) because it makes the `kind` discriminator optional, so its
Catalog figures use the same models with `details` as a plain (smart-mode) union.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from examples.catalog import (
    Catalog,
    Color,
    Digital,
    Physical,
    Priority,
    Product,
    Size,
)


class MirrorUser(BaseModel):
    name: str | None = None
    email: str | None = None
    twitter: str | None = None


class MirrorMeetingInfo(BaseModel):
    users: list[MirrorUser] | None = None
    date: str | None = None
    location: str | None = None
    budget: int | None = None
    deadline: str | None = None


class MirrorDimensions(BaseModel):
    width: float | None = None
    height: float | None = None
    depth: float | None = None


class MirrorReview(BaseModel):
    author: str | None = None
    stars: int | None = None
    text: str | None = ""


class MirrorPhysical(BaseModel):
    kind: Literal["physical"] = "physical"
    weight_kg: float | None = None
    dimensions: MirrorDimensions | None = None


class MirrorDigital(BaseModel):
    kind: Literal["digital"] = "digital"
    download_url: str | None = None
    size_mb: float | None = None


class MirrorCategory(BaseModel):
    name: str | None = None
    children: list[MirrorCategory] = Field(default_factory=list)


class MirrorProduct(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID | None = None
    sku: str | None = Field(default=None, alias="SKU")
    name: str | None = None
    description: str | None = (
        "No description yet.\n\"Quoted\" and 'single' \\ backslash"
    )
    price: Decimal | None = None
    discount: float | None = 0.0
    color: Color | None = None
    priority: Priority | None = Priority.LOW
    size: Size | None = None
    status: Literal["draft", "active", "archived"] | None = None
    tags: list[str] = Field(default_factory=list)
    labels: set[str] = Field(default_factory=set)
    ratings: dict[str, float] = Field(default_factory=dict)
    reviews: list[MirrorReview] = Field(default_factory=list)
    details: MirrorPhysical | MirrorDigital | None = Field(
        default=None, discriminator="kind"
    )
    origin: tuple[float, float] | None = None
    released: datetime.date | None = None
    updated_at: datetime.datetime | None = None
    available_from: datetime.time | None = None
    warranty: datetime.timedelta | None = None
    thumbnail: bytes | None = None
    in_stock: bool | None = True
    code: int | str | None = None
    extra: Any = None
    note: str | None = None


class MirrorDiscount(BaseModel):
    percent: float | None = None
    label: str | None = ""


class MirrorBundle(BaseModel):
    skus: list[str] | None = None
    label: str | None = ""


class MirrorCatalog(BaseModel):
    title: str | None = None
    products: list[MirrorProduct] | None = None
    categories: list[MirrorCategory] = Field(default_factory=list)
    featured: MirrorProduct | None = None
    promotion: MirrorDiscount | MirrorBundle | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class InstructorProduct(Product):
    """`Product` with `details` as a plain union (see the module docstring)."""

    details: Physical | Digital


class InstructorCatalog(Catalog):
    """`Catalog` over `InstructorProduct` (see the module docstring)."""

    products: list[InstructorProduct]  # type: ignore[assignment]
    featured: InstructorProduct | None = None
