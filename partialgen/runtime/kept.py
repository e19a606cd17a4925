"""The completed list items a parser keeps until they are taken (`take_items`).

An `ItemEvent` kept per item was one more object for every full pass of the garbage
collector to walk, and ~140 bytes (the event, its path tuple, its index) on top of the
item. Items are kept in runs instead, one per stretch of consecutive items of one list,
and an event is made only when its item is taken.

A consumer that never takes items (most only read snapshots) would still keep every
validated instance: ~3x the size of their JSON, and one more object per item for each
full collector pass. So the newest `KEPT_OBJECTS` untaken items (up to `BATCH` more)
stay the instances their close validated, and older ones are kept as their text: each
run's own stretch of the received text (its items and the commas between them), in
batches whose columns the collector does not walk, validated again with the same
`model_validate_json` when taken. A consumer that takes items at least every
`KEPT_OBJECTS` of them only ever gets the instances.

Items may be taken on another thread than the one feeding: every method holds the lock,
so an item completing meanwhile is neither lost nor taken twice; a batch's text is cut
on the feeding thread, so taking never reads the received text itself.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable
from itertools import repeat
from typing import Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InvalidOutputError, Path

KEPT_OBJECTS = 1024
# Items turned to text at once: the push that does it costs ~6 µs an item (Catalog).
BATCH = 256
_GAP = 64  # text between two runs' items kept with them rather than cut apart
K = TypeVar("K")


class ItemEvent(NamedTuple):
    """A list item that completed and validated: where it is and its full-model instance."""

    path: Path
    item: BaseModel


# Whether to take an item, given its list's path, its full model and a way to get the
# item itself (validating it again if it was kept as text: ask for it only if needed).
Which = Callable[[Path, type[BaseModel], Callable[[], BaseModel]], bool]


class _Numbered(Generic[K]):
    """Values numbered in the order first seen."""

    __slots__ = ("keys", "numbers")

    def __init__(self) -> None:
        self.keys: list[K] = []
        self.numbers: dict[K, int] = {}

    def number(self, key: K) -> int:
        found = self.numbers.get(key)
        if found is None:
            found = self.numbers[key] = len(self.keys)
            self.keys.append(key)
        return found


class _Run:
    """Consecutive items of one list, from its index `first` on, with their spans."""

    __slots__ = ("first", "items", "list_path", "spans")

    def __init__(self, list_path: Path, first: int) -> None:
        self.list_path = list_path
        self.first = first
        self.items: list[BaseModel] = []
        self.spans = array("q")  # start, end of each item in the received text


class _Batch:
    """Items kept as text, in columns: for each, its list (an index into `paths`), its
    index in that list, its model (into `models`), its text (into `texts`, which
    starts at `bases` of the same index in the received text) and its span there."""

    __slots__ = (
        "bases",
        "indices",
        "lists",
        "model_of",
        "models",
        "paths",
        "spans",
        "text_of",
        "texts",
    )

    def __init__(self) -> None:
        # A batch of nested lists has a path per run: numbered by a dict (1,024 of
        # them looked up in a list made that push take 15.9 ms).
        self.paths: _Numbered[Path] = _Numbered()
        self.models: _Numbered[type[BaseModel]] = _Numbered()
        self.texts: list[str] = []
        self.bases = array("q")
        self.lists = array("q")
        self.indices = array("q")
        self.model_of = array("q")
        self.text_of = array("q")
        self.spans = array("q")  # start, end of each

    def add_runs(self, parts: list[tuple[_Run, int]], starts: list[int]) -> None:
        """The first `upto` items of each run, whose text starts in the stretch
        `starts` finds: a batch is made within one push, so the columns grow from
        lists, in one call each."""
        lists: list[int] = []
        indices: list[int] = []
        text_of: list[int] = []
        model_of: list[int] = []
        paths, models, spans = self.paths.number, self.models.number, self.spans
        for run, upto in parts:
            lists += repeat(paths(run.list_path), upto)
            indices += range(run.first, run.first + upto)
            text_of += repeat(bisect_right(starts, run.spans[0]) - 1, upto)
            kinds = set(map(type, run.items[:upto]))
            if len(kinds) == 1:  # mostly: one model per list
                model_of += repeat(models(kinds.pop()), upto)
            else:
                model_of += (models(type(i)) for i in run.items[:upto])
            spans.extend(run.spans[: 2 * upto])
        self.lists.extend(lists)
        self.indices.extend(indices)
        self.text_of.extend(text_of)
        self.model_of.extend(model_of)

    def copy_row(self, other: _Batch, row: int) -> None:
        self.lists.append(self.paths.number(other.path(row)))
        self.indices.append(other.indices[row])
        self.model_of.append(self.models.number(other.model(row)))
        text = other.text_of[row]
        if not self.texts or self.texts[-1] is not other.texts[text]:
            self.texts.append(other.texts[text])
            self.bases.append(other.bases[text])
        self.text_of.append(len(self.texts) - 1)
        self.spans.extend(other.spans[2 * row : 2 * row + 2])

    def path(self, row: int) -> Path:
        return self.paths.keys[self.lists[row]]

    def model(self, row: int) -> type[BaseModel]:
        return self.models.keys[self.model_of[row]]

    def item(self, row: int) -> BaseModel:
        text, (start, end) = self.text_of[row], self.spans[2 * row : 2 * row + 2]
        base = self.bases[text]
        return self.model(row).model_validate_json(
            self.texts[text][start - base : end - base]
        )


class _Revalidated:
    """An item kept as text, validated when first asked for."""

    __slots__ = ("batch", "row", "value")

    def __init__(self, batch: _Batch, row: int) -> None:
        self.batch, self.row = batch, row
        self.value: BaseModel | None = None

    def __call__(self) -> BaseModel:
        if self.value is None:
            self.value = self.batch.item(self.row)
        return self.value


class _Kept:
    """An item kept as the instance its close validated."""

    __slots__ = ("value",)

    def __init__(self, value: BaseModel) -> None:
        self.value = value

    def __call__(self) -> BaseModel:
        return self.value


class KeptItems:
    __slots__ = ("batch", "batches", "limit", "lock", "objects", "runs", "slice")

    def __init__(
        self,
        slice: Callable[[int, int], str],
        limit: int | None = None,
        batch: int | None = None,
    ) -> None:
        self.slice = slice  # the received text between two offsets, as validated
        self.limit = KEPT_OBJECTS if limit is None else limit
        self.batch = min(BATCH, self.limit) if batch is None else batch
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
            if self.objects >= self.limit + self.batch:
                self._batch()

    def _batch(self) -> None:
        """Keep the oldest `batch` items as text from now on."""
        # The oldest runs, and how many items of each.
        parts: list[tuple[_Run, int]] = []
        left = self.batch
        for run in self.runs:
            if not left:
                break
            parts.append((run, min(left, len(run.items))))
            left -= parts[-1][1]
        batch = _Batch()
        starts = self._cut_stretches(batch, parts)
        batch.add_runs(parts, starts)
        whole = 0
        for run, upto in parts:
            if upto == len(run.items):
                whole += 1
            else:  # the last one's rest stays instances
                del run.items[:upto], run.spans[: 2 * upto]
                run.first += upto
        del self.runs[:whole]
        self.batches.append(batch)
        self.objects -= self.batch

    def _cut_stretches(self, batch: _Batch, parts: list[tuple[_Run, int]]) -> list[int]:
        """Cut the text of those items, in few stretches: runs that nest or lie close
        together share one (an outer item holds its inner lists), runs far apart
        (items next to long strings of their parents) keep their own, so a batch holds
        about its items' JSON. Returns where each stretch starts."""
        spans = sorted((run.spans[0], run.spans[2 * upto - 1]) for run, upto in parts)
        stretches: list[list[int]] = []
        for start, end in spans:
            if stretches and start <= stretches[-1][1] + _GAP:
                stretches[-1][1] = max(stretches[-1][1], end)
            else:
                stretches.append([start, end])
        for start, end in stretches:
            batch.texts.append(self.slice(start, end))
            batch.bases.append(start)
        return [start for start, _ in stretches]

    def take(self, which: Which | None = None) -> list[ItemEvent]:
        """The kept items `which` selects (all of them without it), in order, as events;
        the others stay kept.

        If an item kept as text no longer validates (a validator that answers
        differently the second time), that item is dropped and an InvalidOutputError
        with its path raised; every other item stays kept for the next call (those
        this call had validated are validated again then).
        """
        with self.lock:
            taken: list[ItemEvent] = []
            batches: list[_Batch] = []
            for number, batch in enumerate(self.batches):
                rest = _Batch()
                for row, index in enumerate(batch.indices):
                    path = batch.path(row)
                    item = _Revalidated(batch, row)
                    try:
                        if which is None or which(path, batch.model(row), item):
                            taken.append(ItemEvent((*path, index), item()))
                        else:
                            rest.copy_row(batch, row)
                    except ValidationError as e:
                        self._drop(number, row)
                        raise _revalidation_failed(path, index, e) from None
                if rest.indices:
                    batches.append(rest)
            runs: list[_Run] = []
            for run in self.runs:
                path, first = run.list_path, run.first
                for i, instance in enumerate(run.items):
                    if which is None or which(path, type(instance), _Kept(instance)):
                        taken.append(ItemEvent((*path, first + i), instance))
                    else:
                        start, end = run.spans[2 * i : 2 * i + 2]
                        _append(runs, path, first + i, instance, start, end)
            # Only now: if `which` raised, every item is still kept.
            self.batches, self.runs = batches, runs
            self.objects = sum(len(run.items) for run in runs)
            return taken

    def _drop(self, number: int, row: int) -> None:
        """Forget one item kept as text, keeping every other."""
        old = self.batches[number]
        new = _Batch()
        for other in range(len(old.indices)):
            if other != row:
                new.copy_row(old, other)
        self.batches[number : number + 1] = [new] if new.indices else []


def _revalidation_failed(path: Path, index: int, e: ValidationError) -> Exception:
    error = InvalidOutputError(
        "a kept item no longer validates: its model's validators rejected, when it "
        "was taken, the text they had accepted when it closed (it is dropped; the "
        "other items stay kept)",
        errors=e.errors(),
    )
    error.path = (*path, index)
    return error


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
