"""Kept items (runs of consecutive items per list, older ones as text) against a plain
list of events."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from partialgen import InvalidOutputError
from partialgen.runtime.errors import Path
from partialgen.runtime.kept import ItemEvent, KeptItems
from pydantic import BaseModel, field_validator


class A(BaseModel):
    n: int


class B(BaseModel):
    n: int


LISTS: list[Path] = [(), ("users",), ("users", 0, "tags"), ("users", 1, "tags")]

# A step: add an item (which list, its class) or take (everything, or one class).
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, len(LISTS) - 1), st.booleans()),
        st.tuples(st.just("take"), st.sampled_from(["all", "A", "B"]), st.just(False)),
    ),
    max_size=60,
)


class Text:
    """A received text that items are written into, as a parser receives them."""

    def __init__(self) -> None:
        self.text = "["

    def write(self, item: BaseModel) -> tuple[int, int]:
        start = len(self.text)
        self.text += item.model_dump_json() + ", "
        return start, start + len(item.model_dump_json())

    def slice(self, start: int, end: int) -> str:
        return self.text[start:end]


def kept_items(limit: int = 1024) -> tuple[KeptItems, Text]:
    text = Text()
    return KeptItems(text.slice, limit), text


@settings(max_examples=300, deadline=None)
@given(steps, st.sampled_from([1, 2, 3, 7, 1024]))
def test_every_item_is_taken_once_in_order_with_its_path(
    script: list[tuple[str, object, bool]], limit: int
) -> None:
    (kept, text), model = kept_items(limit), []  # model: what a plain list would keep
    next_index = [0] * len(LISTS)
    taken, expected = [], []
    for n, (step, arg, is_a) in enumerate(script):
        if step == "add":
            assert isinstance(arg, int)
            index, next_index[arg] = next_index[arg], next_index[arg] + 1
            item = A(n=n) if is_a else B(n=n)
            kept.add(LISTS[arg], index, item, *text.write(item))
            model.append(ItemEvent((*LISTS[arg], index), item))
        else:
            classes = {"all": (A, B), "A": (A,), "B": (B,)}[str(arg)]

            def which(
                _: Path, cls: type, __: object, c: tuple[type, ...] = classes
            ) -> bool:
                return issubclass(cls, c)

            taken += kept.take(None if len(classes) == 2 else which)
            expected += [e for e in model if isinstance(e.item, classes)]
            model = [e for e in model if not isinstance(e.item, classes)]
    assert taken == expected
    assert kept.take() == model
    assert kept.take() == []


def test_consecutive_items_of_one_list_share_a_run() -> None:
    kept, text = kept_items()
    for i in range(1000):
        item = A(n=i) if i % 2 else B(n=i)
        kept.add(("users",), i, item, *text.write(item))
    assert len(kept.runs) == 1
    kept.take(lambda _, cls, __: cls is B)
    assert len(kept.runs) == 500  # what stays is no longer consecutive
    assert [e.path for e in kept.take()][:2] == [("users", 1), ("users", 3)]


def test_items_beyond_the_limit_are_kept_as_text_and_validated_when_taken() -> None:
    kept, text = kept_items(limit=100)
    items = [A(n=i) for i in range(250)]
    for i, item in enumerate(items):
        kept.add(("users",), i, item, *text.write(item))
    # At 200 the oldest 100 went to text; the newest stay the instances.
    assert len(kept.batches) == 1 and kept.objects == 150
    events = kept.take()
    assert [e.item for e in events] == items
    assert all(e.item is not i for e, i in zip(events[:100], items, strict=False))
    assert all(e.item is i for e, i in zip(events[100:], items[100:], strict=True))
    assert [e.path for e in events] == [("users", i) for i in range(250)]
    assert kept.take() == [] and not kept.batches


def test_a_batch_keeps_only_its_items_text() -> None:
    # Items of nested lists, each next to a long text of its parent's: what is kept
    # of them is their own JSON, not the stretch of the document around them.
    kept, text = kept_items(limit=4)
    for i in range(40):
        text.text += "x" * 10_000
        item = A(n=i)
        kept.add(("docs", i, "notes"), 0, item, *text.write(item))
    held = sum(len(t) for batch in kept.batches for t in batch.texts)
    # At 8 kept, the oldest 4 go to text: 36 of the 40, in 9 batches.
    assert len(kept.batches) == 9 and held == sum(
        len(f'{{"n":{i}}}') for i in range(36)
    )
    assert [e.item.n for e in kept.take()] == list(range(40))  # type: ignore[attr-defined]


class Checked(BaseModel):
    """A model whose validator consults the world: it may answer otherwise later."""

    n: int

    @field_validator("n")
    @classmethod
    def allowed(cls, value: int) -> int:
        if value in REJECTED:
            raise ValueError("rejected now")
        return value


REJECTED: set[int] = set()


def test_an_item_that_no_longer_validates_is_reported_and_the_rest_delivered() -> None:
    REJECTED.clear()
    kept, text = kept_items(limit=1)
    for i, item in enumerate(Checked(n=i) for i in range(5)):
        kept.add(("rows",), i, item, *text.write(item))
    assert kept.objects == 1  # rows 0-3 are text now
    REJECTED.update({0, 2})
    with pytest.raises(InvalidOutputError) as caught:
        kept.take()
    assert caught.value.path == ("rows", 0) and caught.value.errors
    with pytest.raises(InvalidOutputError) as caught:
        kept.take()
    assert caught.value.path == ("rows", 2)
    assert [e.path for e in kept.take()] == [("rows", 1), ("rows", 3), ("rows", 4)]
    REJECTED.clear()


def test_a_failing_selection_loses_no_item() -> None:
    for limit in (1, 1024):  # kept as text, or as instances
        kept, text = kept_items(limit)
        for i, item in enumerate([A(n=0), B(n=1), A(n=2)]):
            kept.add(("users",), i, item, *text.write(item))

        def broken(_: Path, cls: type, __: object) -> bool:
            if cls is B:
                raise TypeError("not a class")
            return True

        with pytest.raises(TypeError):
            kept.take(broken)
        paths = [e.path for e in kept.take()]
        assert paths == [("users", 0), ("users", 1), ("users", 2)]
