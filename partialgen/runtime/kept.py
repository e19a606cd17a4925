"""The completed list items a parser keeps until they are taken (`take_items`).

An `ItemEvent` kept per item was one more object for every full pass of the garbage
collector to walk, and ~140 bytes (the event, its path tuple, its index) on top of the
item. Items are kept in runs instead, one per stretch of consecutive items of one list,
and an event is made only when its item is taken.

A consumer that never takes items (most only read snapshots) would still keep every
validated instance: ~3x the size of their JSON, and one more object per item for each
full collector pass. So at most `KEPT_OBJECTS` items are kept as the instances their
close validated; beyond that the oldest are kept as their text (one `str` for a batch of
them, which the collector does not track) and validated again, by the same
`model_validate_json`, when taken. A consumer that takes items as they come never
meets a batch.

Items may be taken on another thread than the one feeding: every method holds the lock,
so an item completing meanwhile is neither lost nor taken twice; a batch's text is cut
on the feeding thread, so taking never reads the received text itself.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable
from itertools import repeat
from typing import NamedTuple, TypeVar

from pydantic import BaseModel

from .errors import Path

KEPT_OBJECTS = 1024
K = TypeVar("K")


class ItemEvent(NamedTuple):
    """A list item that completed and validated: where it is and its full-model instance."""

    path: Path
    item: BaseModel


# Whether to take an item, given its list's path and its full model.
Which = Callable[[Path, type[BaseModel]], bool]


class _Run:
    """Consecutive items of one list, from its index `first` on, with their spans."""

    __slots__ = ("first", "items", "list_path", "spans")

    def __init__(self, list_path: Path, first: int) -> None:
        self.list_path = list_path
        self.first = first
        self.items: list[BaseModel] = []
        self.spans = array("q")  # start, end of each item in the received text


class _Batch:
    """Items kept as their text, in columns: for each, its list (an index into
    `paths`), its index in that list, its model (into `models`) and its span."""

    __slots__ = (
        "base",
        "indices",
        "lists",
        "model_of",
        "models",
        "paths",
        "spans",
        "text",
    )

    def __init__(
        self, text: str, base: int, paths: list[Path], models: list[type[BaseModel]]
    ) -> None:
        self.text = text  # the received text from `base` on, holding every item
        self.base = base
        self.paths = paths
        self.models = models
        self.lists = array("q")
        self.indices = array("q")
        self.model_of = array("q")
        self.spans = array("q")  # start, end of each

    def add_run(
        self,
        run: _Run,
        path_ids: dict[Path, int],
        model_ids: dict[type[BaseModel], int],
    ) -> None:
        # Whole columns at once, in C: a batch is made within one push.
        n = len(run.items)
        self.lists.extend(repeat(_id(path_ids, self.paths, run.list_path), n))
        self.indices.extend(range(run.first, run.first + n))
        self.spans.extend(run.spans)
        kinds = set(map(type, run.items))
        if len(kinds) == 1:
            self.model_of.extend(repeat(_id(model_ids, self.models, kinds.pop()), n))
        else:
            self.model_of.extend(
                _id(model_ids, self.models, type(i)) for i in run.items
            )

    def copy_row(self, other: _Batch, row: int) -> None:
        self.lists.append(other.lists[row])
        self.indices.append(other.indices[row])
        self.model_of.append(other.model_of[row])
        self.spans.extend(other.spans[2 * row : 2 * row + 2])

    def item(self, row: int) -> BaseModel:
        start, end = self.spans[2 * row : 2 * row + 2]
        text = self.text[start - self.base : end - self.base]
        return self.models[self.model_of[row]].model_validate_json(text)


class KeptItems:
    __slots__ = ("batches", "limit", "lock", "objects", "runs", "slice")

    def __init__(
        self, slice: Callable[[int, int], str], limit: int = KEPT_OBJECTS
    ) -> None:
        self.slice = slice  # the received text between two offsets, as validated
        self.limit = limit
        self.batches: list[_Batch] = []  # older than every run
        self.runs: list[_Run] = []
        self.objects = 0  # items in runs
        self.lock = threading.Lock()

    def add(
        self, list_path: Path, index: int, item: BaseModel, start: int, end: int
    ) -> None:
        with self.lock:
            _append(self.runs, list_path, index, item, start, end)
            self.objects += 1
            if self.objects >= self.limit:
                self._batch()

    def _batch(self) -> None:
        """Keep every item of the runs as text from now on."""
        runs = self.runs
        base = min(run.spans[0] for run in runs)  # an outer item starts first
        end = max(max(run.spans[1::2]) for run in runs)
        batch = _Batch(self.slice(base, end), base, [], [])
        path_ids: dict[Path, int] = {}  # a batch of nested lists has a path per run
        model_ids: dict[type[BaseModel], int] = {}
        for run in runs:
            batch.add_run(run, path_ids, model_ids)
        self.batches.append(batch)
        self.runs, self.objects = [], 0

    def take(self, which: Which | None = None) -> list[ItemEvent]:
        """The kept items `which` selects (all of them without it), in order, as events;
        the others stay kept."""
        with self.lock:
            taken: list[ItemEvent] = []
            batches: list[_Batch] = []
            for batch in self.batches:
                rest = _Batch(batch.text, batch.base, batch.paths, batch.models)
                for row, index in enumerate(batch.indices):
                    path = batch.paths[batch.lists[row]]
                    if which is None or which(path, batch.models[batch.model_of[row]]):
                        taken.append(ItemEvent((*path, index), batch.item(row)))
                    else:
                        rest.copy_row(batch, row)
                if rest.indices:
                    batches.append(rest)
            runs: list[_Run] = []
            for run in self.runs:
                path, first = run.list_path, run.first
                for i, item in enumerate(run.items):
                    if which is None or which(path, type(item)):
                        taken.append(ItemEvent((*path, first + i), item))
                    else:
                        start, end = run.spans[2 * i : 2 * i + 2]
                        _append(runs, path, first + i, item, start, end)
            # Only now: if `which` or a validation raised, every item is still kept.
            self.batches, self.runs = batches, runs
            self.objects = sum(len(run.items) for run in runs)
            return taken


def _id(ids: dict[K, int], values: list[K], key: K) -> int:
    """`key`'s index in `values`, appended there the first time."""
    found = ids.get(key)
    if found is None:
        found = ids[key] = len(values)
        values.append(key)
    return found


def _append(
    runs: list[_Run], list_path: Path, index: int, item: BaseModel, start: int, end: int
) -> None:
    last = runs[-1] if runs else None
    if (
        last is None
        or last.first + len(last.items) != index
        or last.list_path != list_path
    ):
        last = _Run(list_path, index)
        runs.append(last)
    last.items.append(item)
    last.spans.extend((start, end))
