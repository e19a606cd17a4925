"""Kept items (runs of consecutive items per list) against a plain list of events."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from partialgen.runtime.errors import Path
from partialgen.runtime.kept import ItemEvent, KeptItems
from pydantic import BaseModel


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


@settings(max_examples=300, deadline=None)
@given(steps)
def test_every_item_is_taken_once_in_order_with_its_path(
    script: list[tuple[str, object, bool]],
) -> None:
    kept, model = KeptItems(), []  # model: the events a plain list would keep
    next_index = [0] * len(LISTS)
    taken, expected = [], []
    for n, (step, arg, is_a) in enumerate(script):
        if step == "add":
            assert isinstance(arg, int)
            index, next_index[arg] = next_index[arg], next_index[arg] + 1
            item = A(n=n) if is_a else B(n=n)
            kept.add(LISTS[arg], index, item)
            model.append(ItemEvent((*LISTS[arg], index), item))
        else:
            classes = {"all": (A, B), "A": (A,), "B": (B,)}[str(arg)]

            def which(_: Path, item: BaseModel, c: tuple[type, ...] = classes) -> bool:
                return isinstance(item, c)

            taken += kept.take(None if len(classes) == 2 else which)
            expected += [e for e in model if isinstance(e.item, classes)]
            model = [e for e in model if not isinstance(e.item, classes)]
    assert taken == expected
    assert kept.take() == model
    assert kept.take() == []


def test_consecutive_items_of_one_list_share_a_run() -> None:
    kept = KeptItems()
    for i in range(1000):
        kept.add(("users",), i, A(n=i))
    assert len(kept.runs) == 1
    kept.take(lambda _, item: isinstance(item, A) and item.n % 2 == 0)
    assert len(kept.runs) == 500  # what stays is no longer consecutive
    assert [e.path for e in kept.take()][:2] == [("users", 1), ("users", 3)]


def test_a_failing_selection_loses_no_item() -> None:
    kept = KeptItems()
    kept.add(("users",), 0, A(n=0))
    kept.add(("users",), 1, B(n=1))

    def broken(_: Path, item: BaseModel) -> bool:
        if isinstance(item, B):
            raise TypeError("not a class")
        return True

    with pytest.raises(TypeError):
        kept.take(broken)
    assert [e.path for e in kept.take()] == [("users", 0), ("users", 1)]
