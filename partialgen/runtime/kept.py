"""The completed list items a parser keeps until they are taken (`take_items`).

An `ItemEvent` kept per item was one more object for every full pass of the garbage
collector to walk, and ~140 bytes (the event, its path tuple, its index) on top of the
item. Items are kept in runs instead, one per stretch of consecutive items of one list,
and an event is made only when its item is taken.

Items may be taken on another thread than the one feeding: every method holds the lock,
so an item completing meanwhile is neither lost nor taken twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import NamedTuple

from pydantic import BaseModel

from .errors import Path


class ItemEvent(NamedTuple):
    """A list item that completed and validated: where it is and its full-model instance."""

    path: Path
    item: BaseModel


# Whether to take an item, given its list's path and the item.
Which = Callable[[Path, BaseModel], bool]


class _Run:
    """Consecutive items of one list, from its index `first` on."""

    __slots__ = ("first", "items", "list_path")

    def __init__(self, list_path: Path, first: int, item: BaseModel) -> None:
        self.list_path = list_path
        self.first = first
        self.items = [item]


class KeptItems:
    __slots__ = ("lock", "runs")

    def __init__(self) -> None:
        self.runs: list[_Run] = []
        self.lock = threading.Lock()

    def add(self, list_path: Path, index: int, item: BaseModel) -> None:
        with self.lock:
            _append(self.runs, list_path, index, item)

    def take(self, which: Which | None = None) -> list[ItemEvent]:
        """The kept items `which` selects (all of them without it), in order, as events;
        the others stay kept."""
        with self.lock:
            taken: list[ItemEvent] = []
            rest: list[_Run] = []
            for run in self.runs:
                path, first = run.list_path, run.first
                for i, item in enumerate(run.items, first):
                    if which is None or which(path, item):
                        taken.append(ItemEvent((*path, i), item))
                    else:
                        _append(rest, path, i, item)
            # Only now: if `which` raised, every item is still kept.
            self.runs = rest
            return taken


def _append(runs: list[_Run], list_path: Path, index: int, item: BaseModel) -> None:
    if runs:
        last = runs[-1]
        if last.first + len(last.items) == index and last.list_path == list_path:
            last.items.append(item)
            return
    runs.append(_Run(list_path, index, item))
