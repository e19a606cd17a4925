"""Rules 5 and 12 with decorator validators: a `@field_validator` field is shown only as
its validator's output, once the object holding it is validated; from its close on, an
object shows what its validators returned. Nothing goes backwards on the way."""

from __future__ import annotations

from typing import Any

import pytest
from partialgen import completed_fields

from tests.generator.support import Workspace
from tests.runtime.robustness_support import extends

MODELS = """
from typing import Any

from pydantic import BaseModel, field_validator, model_validator


class Item(BaseModel):
    color: str
    size: int = 0

    @field_validator("color")
    @classmethod
    def normalise(cls, value: str) -> str:
        return value.strip().lower()


class Person(BaseModel):
    name: str
    nickname: str = ""
    items: list[Item] = []

    @field_validator("name")
    @classmethod
    def shout(cls, value: str) -> str:
        return value.upper()


class Order(BaseModel):
    code: str
    total: int

    @field_validator("*")
    @classmethod
    def strip_all(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def check(self) -> "Order":
        assert self.total >= 0
        return self
"""
TEXT = '{"name": "alice", "nickname": "al", "items": [{"color": " Red ", "size": 2}]}'


def snapshots(gen: Any, parser_name: str, text: str) -> tuple[list[Any], Any]:
    parser = getattr(gen, parser_name)()
    seen = [parser.snapshot]
    for ch in text:
        snapshot = parser.feed(ch)
        reason = extends(seen[-1], snapshot)
        assert reason is None, reason
        seen.append(snapshot)
    return seen, parser.close()


def test_a_field_validator_output_is_shown_once_its_object_is_validated(
    ws: Workspace,
) -> None:
    ws.write("val_models", MODELS)
    gen = ws.generate_and_import("val_models:Person")
    seen, result = snapshots(gen, "PersonParser", TEXT)
    assert result == gen.Person.model_validate_json(TEXT)
    item_closed = TEXT.index("}") + 1
    # The validated item shows `red` from its close on, never ` Red `.
    assert all(s.items in ([], None) or s.items[0].color in (None, "red") for s in seen)
    assert seen[item_closed].items[0] == gen.PartialItem(color="red", size=2)
    # The root's validated field waits for the root: None, then the validator's output.
    assert {s.name for s in seen[:-1]} == {None}
    assert seen[-1].name == "ALICE" and seen[-1].nickname == "al"
    assert seen[-1].model_dump() == result.model_dump()


def test_a_star_validator_and_a_model_validator(ws: Workspace) -> None:
    ws.write("val_models", MODELS)
    gen = ws.generate_and_import("val_models:Order")
    text = '{"code": " A1 ", "total": 3}'
    seen, result = snapshots(gen, "OrderParser", text)
    assert result == gen.Order(code="A1", total=3)
    assert seen[-2].code is None and seen[-2].total is None
    assert seen[-1] == gen.PartialOrder(code="A1", total=3)
    assert completed_fields(seen[-1]) == {"code", "total"}


RENAMED = """
from pydantic import BaseModel, field_validator


class Page(BaseModel):
    copy: str  # a partial class cannot name a field `copy`: BaseModel has one
    title: str = ""

    @field_validator("copy")
    @classmethod
    def tidy(cls, value: str) -> str:
        return value.strip()


class Book(BaseModel):
    pages: list[Page]
"""


@pytest.mark.filterwarnings("ignore:Field name .copy. in .Page. shadows")
def test_a_validated_object_claims_its_set_fields_by_their_partial_names(
    ws: Workspace,
) -> None:
    ws.write("renamed_models", RENAMED)
    gen = ws.generate_and_import("renamed_models:Book")
    text = '{"pages": [{"copy": " Once "}, {"copy": "upon", "title": "II"}]}'
    seen, result = snapshots(gen, "BookParser", text)
    assert result == gen.Book.model_validate_json(text)
    first, second = seen[-1].pages
    # What was sent is set, under the partial's name; the defaulted title is not.
    assert first.model_fields_set == {"copy_"}
    assert first.model_dump(exclude_unset=True) == {"copy_": "Once"}
    assert second.model_fields_set == {"copy_", "title"}
