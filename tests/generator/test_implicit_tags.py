"""Rule 8: a union whose member models each carry a string `Literal` under one key, with
values no two members share, is decided by that key as by a declared discriminator."""

from __future__ import annotations

from typing import Any

from tests.generator.support import Workspace

MODELS = """
from typing import Literal
from pydantic import BaseModel


class Call(BaseModel):
    kind: Literal["call"]
    number: str


class Mail(BaseModel):
    kind: Literal["mail", "letter"]
    address: str


class Note(BaseModel):
    kind: Literal["note"] = "note"
    text: str


class Contact(BaseModel):
    via: Call | Mail | Note | None = None


class Shared(BaseModel):  # `kind` does not tell these apart: decided at the close
    via: Call | Mail | None = None


class Other(BaseModel):
    kind: Literal["call"]
    extension: str


class Ambiguous(BaseModel):
    via: Call | Other | None = None
"""


def stream(gen: Any, parser: str, text: str) -> list[Any]:
    p = getattr(gen, parser)()
    shown = [p.feed(ch).via for ch in text]
    p.close()
    return shown


def test_the_literal_key_decides_the_member_at_its_first_character(
    ws: Workspace,
) -> None:
    ws.write("contact_models", MODELS)
    gen = ws.generate_and_import("contact_models:Contact")
    text = '{"via": {"kind": "letter", "address": "1 Main St"}}'
    shown = stream(gen, "ContactParser", text)
    decided = text.index('"letter"') + 2  # the `l` tells Mail apart from the others
    assert shown[decided - 1] == gen.PartialMail(kind="letter")
    assert all(s is None for s in shown[: text.index('"letter"')])
    assert shown[-1] == gen.PartialMail(kind="letter", address="1 Main St")


def test_keys_in_any_order_and_a_defaulted_literal(ws: Workspace) -> None:
    ws.write("contact_models", MODELS)
    gen = ws.generate_and_import("contact_models:Contact")
    text = '{"via": {"text": "hi", "kind": "note"}}'
    shown = stream(gen, "ContactParser", text)
    assert shown[text.index('"note"') + 1] == gen.PartialNote(kind="note", text="hi")


def test_a_shared_literal_value_waits_for_pydantic(ws: Workspace) -> None:
    ws.write("contact_models", MODELS)
    gen = ws.generate_and_import("contact_models:Ambiguous")
    text = '{"via": {"kind": "call", "extension": "12"}}'
    parser = gen.AmbiguousParser()
    assert parser.feed(text[:-2]).via is None  # "call" fits both members
    parser.feed(text[-2:])
    assert parser.close().via == gen.Ambiguous.model_validate_json(text).via
    source = ws.generate("contact_models:Ambiguous")
    assert "discriminator=" not in source
    assert 'discriminator=("kind"' in ws.generate("contact_models:Contact")
