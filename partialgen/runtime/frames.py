"""The open containers of a document being built: one frame per `{` or `[` on the path.

Structural frames (model, list, dict) hold the values received so far and build their
snapshot on demand. Capture frames stand for a value that is shown only when complete (an
atomic container, an ignored key's value, an undecided union) and absorb everything
inside it. Frames never recurse: the builder keeps them on an explicit stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .errors import ImpossiblePrefixError, InvalidOutputError, Path
from .snapshot import (
    Completion,
    new_snapshot,
    set_completion,
    set_extra,
    set_fields_set,
    set_private,
    set_values,
)
from .specs import OBJECT, Atomic, DictOf, Field, ListOf, Model, Spec, Union

if TYPE_CHECKING:
    from .builder import Builder

IGNORED: Spec | None = None  # the slot spec of a key the model does not declare
OPENERS = ("begin_object", "begin_array")


class Frame:
    __slots__ = ("b", "depth", "start")
    captures = False  # True: the frame absorbs every event inside it

    def __init__(self, builder: Builder, start: int) -> None:
        self.b: Builder = builder
        self.depth: int = len(builder.stack)
        self.start: int = start

    def slot_key(self) -> str | int | None:
        """The path element of the value being received now, for error messages."""
        return None


class Container(Frame):
    """A frame whose values are shown while they stream: model, list or dict."""

    hidden: bool = False  # only a model frame can be hidden, by the `needed` hint
    complete: int = -1  # list and dict frames: how many leading entries are complete

    __slots__ = ("slot_open",)
    slot_open: bool  # the current slot already holds a (still open) value

    def __init__(self, builder: Builder, start: int) -> None:
        super().__init__(builder, start)
        self.slot_open = False
        self.changed()

    def changed(self) -> None:
        """Something visible changed here: this frame and its ancestors are rebuilt."""
        b = self.b
        if b.dirty < self.depth:
            b.dirty = self.depth

    def slot_spec(self) -> Spec | None:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def slot_done(self) -> None:
        raise NotImplementedError

    def put_child(self, snapshot: Any, child: Frame) -> None:
        self.set_value(snapshot)

    def build(self) -> Any:
        raise NotImplementedError

    def rebuild(self, snapshot: Any, child: Any) -> Any:
        """put_child then build, in one call: publish runs this for every ancestor."""
        self.put_child(snapshot, child)
        return self.build()

    def close(self, end: int) -> Any:
        """The frame's final snapshot once its closing bracket arrived."""
        return self.build()


class ModelFrame(Container):
    __slots__ = (
        "aliased",
        "closed",
        "completion",
        "counts",
        "done",
        "fallback",
        "field",
        "fields_set",
        "hidden",
        "spec",
        "values",
    )

    def __init__(self, builder: Builder, start: int, spec: Model) -> None:
        super().__init__(builder, start)
        self.spec: Model = spec
        self.values: dict[str, Any] = spec.defaults()
        self.fields_set: set[str] = set()
        self.aliased: frozenset[str] = frozenset()  # fields whose alias key arrived
        self.done: frozenset[str] = frozenset()
        self.closed: bool = False
        self.field: Field | None = None  # whose value is arriving; None: an ignored key
        self.counts: dict[str, int] = {}  # complete items of list/dict fields
        self.completion: Completion | None = None
        # A union member guessed from the keys seen: if it does not validate, the union
        # as a whole decides (pydantic may pick another member).
        self.fallback: Union | None = None
        # The `needed` hint: hidden (not in its parent) until those fields complete.
        self.hidden: bool = bool(spec.needed) and self.depth > 0
        if self.hidden and builder.hidden_at is None:
            builder.hidden_at = self.depth

    def slot_key(self) -> str | int | None:
        # Between a completed value and the next key, an error is the object's own.
        if self.field is None or (self.field.name in self.done and not self.slot_open):
            return None
        return self.field.key

    def key(self, name: str, pos: int) -> None:
        field = self.spec.by_key.get(name)
        if field is not None and name != field.key:  # by name (validate_by_name)
            if field.name in self.aliased:
                field = None  # pydantic takes the alias's value, in whichever order
        elif field is not None and field.key != field.name:
            self.aliased = self.aliased | {field.name}
        self.field = field
        self.slot_open = False
        if field is None:
            if self.spec.forbid_extra:
                raise InvalidOutputError(
                    f"unexpected key {name!r}: {self.spec.full.__name__} forbids extra keys",
                    path=(name,),
                    position=pos,
                )
            return
        if field.name not in self.fields_set:
            self.fields_set = self.fields_set | {field.name}
        elif (
            field.name in self.done
        ):  # a repeated key: the last value wins, as in pydantic
            self.done = self.done - {field.name}
            self.completion = None

    def slot_spec(self) -> Spec | None:
        return self.field.spec if self.field is not None else IGNORED

    def set_value(self, value: Any) -> None:
        field = self.field
        self.slot_open = True
        if field.deferred:  # type: ignore[union-attr]
            return  # shown when the object is validated: its validator's output
        self.values[field.name] = value  # type: ignore[union-attr]
        # changed(), inlined: this runs for nearly every chunk of a streaming string.
        b = self.b
        if b.dirty < self.depth:
            b.dirty = self.depth

    def slot_done(self) -> None:
        self.slot_open: bool = False
        if self.field.deferred:  # type: ignore[union-attr]
            return  # complete once the object is validated
        self.done = self.done | {self.field.name}  # type: ignore[union-attr]
        self.completion = None
        if self.hidden and self.spec.needed <= self.done:
            self.reveal()
        self.changed()

    def reveal(self) -> None:
        """Show a hidden object: it takes its place in the parent from now on."""
        self.hidden = False
        self.values = self.spec.in_order(self.values)  # needed fields came in last
        b = self.b
        if b.hidden_at == self.depth:
            b.hidden_at = None
        parent = b.stack[self.depth - 1]
        assert isinstance(parent, Container)
        parent.set_value(None)  # the slot; publish puts this frame's snapshot there

    def put_child(self, snapshot: Any, child: Container) -> None:  # type: ignore[override]
        name = self.field.name  # type: ignore[union-attr]
        self.values[name] = snapshot
        complete = child.complete
        if complete >= 0 and self.counts.get(name) != complete:
            self.counts = {**self.counts, name: complete}
            self.completion = None

    def build(self) -> BaseModel:
        # build_partial, inlined: this runs for every frame on the path of every change.
        completion = self.completion
        if completion is None:
            completion = self.completion = Completion(
                self.done, self.closed, self.counts
            )
        obj: BaseModel = new_snapshot(self.spec.partial)
        set_values(obj, self.values.copy())
        set_fields_set(obj, self.fields_set)
        set_extra(obj, None)
        set_private(obj, None)
        set_completion(obj, completion)
        return obj

    def share_strings(self, full: BaseModel) -> None:
        """Take the validated instance's strings where they equal this object's: both
        stay alive (the result, a kept item), and a string is immutable, so its
        snapshot needs no copy of its own."""
        validated = full.__dict__
        values = self.values
        for name, value in values.items():
            if type(value) is str:
                other = validated.get(name)
                if type(other) is str and other == value:
                    values[name] = other

    def close(self, end: int) -> Any:
        self.closed = True
        # One shared Completion for every closed object of this model: fewer objects
        # kept alive means shorter garbage-collector passes on large documents.
        self.completion = self.spec.complete
        self.fields_set = self.spec.shared_fields_set(self.fields_set)
        # Validated while still hidden: an object closed without its needed fields is
        # never shown unless its full model accepts it (the error's snapshot leaves it
        # out, so no snapshot lacks a field typed as always present).
        replacement = self.b.validate_object(self, end)
        if self.hidden:
            self.reveal()
        return self.build() if replacement is None else replacement


class ListFrame(Container):
    __slots__ = ("complete", "items", "prefix", "seen", "spec")

    def __init__(self, builder: Builder, start: int, spec: ListOf) -> None:
        super().__init__(builder, start)
        self.spec: ListOf = spec
        self.items: list[Any] = []
        self.complete: int = 0
        self.prefix: Path | None = None  # list_path(), once asked
        # For a set: the items so far, so a repeated item is not counted twice.
        self.seen: set[Any] | None = None if spec.container is list else set()

    def slot_key(self) -> int:
        return len(self.items) - 1 if self.slot_open else len(self.items)

    def list_path(self) -> Path:
        """This list's own path: it does not change while the list is open, so it is
        computed once, not once per item."""
        if self.prefix is None:
            self.prefix = self.b.path(self.depth)
        return self.prefix

    def slot_spec(self) -> Spec | None:
        return self.spec.item

    def set_value(self, value: Any) -> None:
        if self.slot_open:
            self.items[-1] = value
        elif self.seen is None:
            self.items.append(value)
            self.slot_open = True
        elif value not in self.seen:  # set items are atomic: they arrive complete
            self.seen.add(value)
            self.items.append(value)
        b = self.b
        if b.dirty < self.depth:
            b.dirty = self.depth

    def slot_done(self) -> None:
        self.slot_open: bool = False
        self.complete = len(self.items)
        self.changed()

    def put_child(self, snapshot: Any, child: Frame) -> None:
        self.items[-1] = snapshot

    def build(self) -> Any:
        return self.spec.container(self.items)

    def rebuild(self, snapshot: Any, child: Any) -> Any:
        items = self.items
        items[-1] = snapshot
        return self.spec.container(items)


class DictFrame(Container):
    __slots__ = ("after_value", "complete", "current", "entries", "spec")

    def __init__(self, builder: Builder, start: int, spec: DictOf) -> None:
        super().__init__(builder, start)
        self.spec: DictOf = spec
        self.entries: dict[str, Any] = {}
        self.current: str = ""
        self.after_value: bool = False  # the current entry's value is complete
        self.complete: int = 0

    def slot_key(self) -> str | int | None:
        return None if self.after_value else self.current

    def key(self, name: str, pos: int) -> None:
        transform = self.spec.key_transform
        self.current = name if transform is None else transform.final(name)
        self.slot_open = False
        self.after_value = False

    def slot_spec(self) -> Spec | None:
        return self.spec.value

    def set_value(self, value: Any) -> None:
        self.entries[self.current] = value
        self.slot_open = True
        self.changed()

    def slot_done(self) -> None:
        self.slot_open: bool = False
        self.complete = len(self.entries)  # a repeated key replaces, it does not add
        self.after_value = True
        self.changed()

    def put_child(self, snapshot: Any, child: Frame) -> None:
        self.entries[self.current] = snapshot

    def build(self) -> Any:
        return dict(self.entries)


class CaptureFrame(Frame):
    """An atomic container value (converted when it closes) or an ignored key's value."""

    __slots__ = ("level", "spec")
    captures = True

    def __init__(self, builder: Builder, start: int, spec: Atomic | None) -> None:
        super().__init__(builder, start)
        self.spec: Atomic | None = spec
        self.level: int = 1  # brackets open inside the value, its own included

    def event(self, kind: str, args: tuple[Any, ...]) -> None:
        if kind in OPENERS:
            self.level += 1
        elif kind == "end":
            self.level -= 1
            if self.level == 0:
                self.b.finish_capture(self, args[0])


class UnionFrame(Frame):
    """An object whose union member is not decided yet: its events are recorded, then
    replayed into the chosen member's frame as soon as the tag or the keys decide it."""

    __slots__ = (
        "candidates",
        "events",
        "in_tag",
        "level",
        "spec",
        "stuck",
        "tag_prefix",
        "tag_start",
    )
    captures = True

    def __init__(self, builder: Builder, start: int, spec: Union) -> None:
        super().__init__(builder, start)
        self.spec: Union = spec
        self.level: int = 1
        self.events: list[tuple[str, tuple[Any, ...]]] = []  # all after its own '{'
        self.candidates: list[Model] = spec.models()
        self.in_tag: bool = (
            False  # the value now arriving at the top level is the tag's
        )
        self.tag_prefix: str | None = None
        self.tag_start: int = 0  # offset of the tag string's opening quote
        # Keys fit no member: the union adapter decides at the end.
        self.stuck: bool = False

    def event(self, kind: str, args: tuple[Any, ...]) -> None:
        if not self.stuck:
            self.events.append((kind, args))
        if kind in OPENERS:
            self.level += 1
            self.in_tag = False
        elif kind == "end":
            self.level -= 1
            if self.level == 0:
                self.b.finish_capture(self, args[0])
        elif self.level == 1 and not self.stuck:
            self._top_level(kind, args)

    def _top_level(self, kind: str, args: tuple[Any, ...]) -> None:
        spec = self.spec
        if kind == "key":
            name = args[0]
            self.in_tag = name == spec.tag_key
            if spec.tag_key is None:  # with a discriminator, pydantic goes by it alone
                self._narrow(name)
        elif kind == "string_start" and self.in_tag:
            self.tag_prefix = ""
            self.tag_start = args[0]
            self._tag("", final=False)
        elif kind == "piece" and self.in_tag and self.tag_prefix is not None:
            self.tag_prefix += args[0]
            self._tag(self.tag_prefix, final=False)
        elif kind == "string_end" and self.in_tag and self.tag_prefix is not None:
            self._tag(self.tag_prefix, final=True)
        elif kind == "scalar":
            self.in_tag = False

    def _narrow(self, name: str) -> None:
        """A key rules out the members that forbid extra keys and do not declare it.

        A member that ignores extra keys is never ruled out by a key: pydantic's smart
        mode may still pick it (`{"skus": "", "percent": 0}` is a valid Discount). So
        keys decide only among strict members; otherwise pydantic does, at the close.
        """
        fitting = [m for m in self.candidates if name in m.by_key or not m.forbid_extra]
        if not fitting:
            self.stuck = True  # no member fits: pydantic's verdict at the close
            self.events = []
            return
        self.candidates = fitting
        if len(fitting) == 1:
            self.b.decide_union(self, fitting[0], by_keys=True)

    def _tag(self, prefix: str, final: bool) -> None:
        tags = self.spec.tags
        if final:
            matches = {tags[prefix]} if prefix in tags else set()
        else:
            matches = {i for tag, i in tags.items() if tag.startswith(prefix)}
        if not matches:
            raise ImpossiblePrefixError(
                path=(self.spec.tag_key or "",),
                position=self.tag_start,
                prefix=prefix,
                allowed=list(tags),
            )
        if len(matches) == 1:
            member = self.spec.members[matches.pop()]
            assert isinstance(member, Model)
            self.b.decide_union(self, member)


def start_frame(builder: Builder, spec: Spec, kind: int, pos: int) -> Frame:
    """The frame for a container value of `kind` starting where `spec` is expected."""
    if isinstance(spec, Model):
        return ModelFrame(builder, pos, spec)
    if isinstance(spec, ListOf):
        return ListFrame(builder, pos, spec)
    if isinstance(spec, DictOf):
        return DictFrame(builder, pos, spec)
    if isinstance(spec, Union) and kind == OBJECT:
        return UnionFrame(builder, pos, spec)
    assert isinstance(spec, Atomic)
    return CaptureFrame(builder, pos, spec)
