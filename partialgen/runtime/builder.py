"""Turns the tokenizer's events into typed snapshots, using the generated specs.

The builder owns the frame stack and the string being received. After each chunk the
parser asks it to `publish`: only the frames on the path of a visible change are rebuilt,
deepest first, so unchanged nested snapshots keep their identity and a chunk costs the
depth of the change, not the size of the document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from .collector import paused_collector
from .errors import ImpossiblePrefixError, InvalidOutputError, Path
from .frames import (
    CaptureFrame,
    Container,
    DictFrame,
    Frame,
    ListFrame,
    ModelFrame,
    UnionFrame,
    start_frame,
)
from .kept import KeptItems
from .received import BLOCK, Received, join_tail
from .specs import (
    ARRAY,
    BOOL,
    NULL,
    NUMBER,
    OBJECT,
    SLOW,
    STRING,
    Choice,
    Model,
    Scalar,
    Spec,
    Str,
)
from .transform import StrTransform

# What the string being received is for.
NO_STRING, STREAM, CHOICE, CONVERT, IGNORE, RECORD = range(6)

_KIND_NAMES = {
    OBJECT: "an object",
    ARRAY: "an array",
    STRING: "a string",
    NUMBER: "a number",
    BOOL: "a boolean",
    NULL: "null",
}


def _unvalidated(error: Exception, pos: int) -> InvalidOutputError:
    """pydantic failed with an error of its own instead of a ValidationError: the full
    models cannot validate this value (a constraint they apply to a type it does not
    fit, as some generated schemas do). The stream fails typed, as pydantic fails."""
    return InvalidOutputError(
        f"the model cannot validate this value: {type(error).__name__}: {error}",
        position=pos,
    )


def _kind_of(token: str) -> int:
    first = token[0]
    if first in "tf":
        return BOOL
    if first == "n":
        return NULL
    return NUMBER


class Builder:
    """The tokenizer's sink: keeps the frame stack and publishes snapshots."""

    def __init__(
        self, root: Model, received: Received, keep_items: bool = True
    ) -> None:
        self.root = root
        self.received = received
        self.keep_items = keep_items
        self.stack: list[Frame] = []
        self.dirty: int = -1  # deepest stack index changed since the last publish
        self.hidden_at: int | None = (
            None  # shallowest frame hidden by the `needed` hint
        )
        self.result: BaseModel | None = None  # the validated root, once it closed
        self.items = KeptItems(received.slice)  # completed list items, until taken
        # The string being received.
        self.str_mode: int = NO_STRING
        self.str_frame: Container | None = None
        self.str_depth: int = 0  # the depth of str_frame, read on every piece
        self.str_spec: Any = None
        self.str_start: int = 0
        self.str_value: str = ""
        # A string pydantic transforms (strip, lower, upper): shown as it will return
        # it; how much of str_value that covers, whether a sigma there waits for what
        # follows, and whether a piece since may change what is shown.
        self.str_transform: StrTransform | None = None
        self.str_shown: str = ""
        self.str_done: int = 0
        self.str_sigma_waits: bool = False
        self.str_visible: bool = False
        # Pieces received since the last snapshot; every BLOCK of them joined into one,
        # as the received text is (a 4-character piece costs 61 bytes on its own).
        self.str_parts: list[str] = []
        self.str_blocks: int = 0  # leading entries of str_parts that are joined blocks
        self.str_compact_at: int = BLOCK
        self.str_committed: bool = False  # a literal's value is already shown
        # The root closed since the last publish: a new snapshot.
        self.closed_root: bool = False
        self.failed_close: int = 0  # the end of the object whose validation failed
        # Rule 14: a RootModel's document is its root value itself, not an object.
        self.root_value: bool = issubclass(root.full, RootModel)
        self.root_snapshot: BaseModel = ModelFrame(self, 0, root).build()
        self.dirty = -1

    def root_openers(self) -> str | None:
        """The characters the root may start with, to skip prose up to; None for a root
        that may be a scalar (then only whitespace and a fence are skipped)."""
        if not self.root_value:
            return "{"
        accepts = self.root.by_key["root"].spec.accepts
        if accepts & (STRING | NUMBER | BOOL | NULL):
            return None
        return ("{" if accepts & OBJECT else "") + ("[" if accepts & ARRAY else "")

    def shown_nothing(self) -> bool:
        """Whether the root being received has shown nothing yet: no key of the model
        matched, no entry of a root list or dict began (rule 14's candidate roots)."""
        frames = self.stack[1:2] if self.root_value else self.stack[:1]
        if not frames:
            return False
        frame = frames[0]
        if isinstance(frame, ModelFrame):
            return not frame.fields_set
        if isinstance(frame, ListFrame):
            return not frame.items
        return isinstance(frame, DictFrame) and not frame.entries

    def _enter_root(self, pos: int) -> None:
        """The root value of a RootModel starts: its frame, with the `root` key read."""
        frame = ModelFrame(self, pos, self.root)
        self.stack.append(frame)
        frame.key("root", pos)

    def _root_value_done(self, end: int) -> None:
        """After a value completed: a RootModel's root closes with its root value."""
        if self.root_value and len(self.stack) == 1:
            frame = self.stack[-1]
            assert isinstance(frame, ModelFrame)
            self.root_snapshot = frame.close(end)
            self.closed_root = True
            self.stack.pop()
            self.dirty = -1

    # -- paths and errors ---------------------------------------------------------------

    def path(self, depth: int | None = None) -> Path:
        """The path to the value being received (or to the frame at `depth`)."""
        frames = self.stack if depth is None else self.stack[:depth]
        if self.root_value:  # the root value is the document: `root` is no JSON key
            frames = frames[1:]
        return tuple(k for k in (f.slot_key() for f in frames) if k is not None)

    def _invalid(self, error: ValidationError, pos: int) -> InvalidOutputError:
        """pydantic's verdict on a value at `pos`; its first error's location is kept."""
        details = error.errors()
        return InvalidOutputError(
            details[0]["msg"],
            path=tuple(details[0]["loc"]),
            position=pos,
            errors=details,
            validation_error=error,
        )

    def _convert(self, spec: Any, start: int, end: int) -> Any:
        """Convert a complete value through pydantic, from its raw JSON text."""
        return self._validated(spec.convert, start, end)

    def _validated(self, convert: Callable[[str], Any], start: int, end: int) -> Any:
        try:
            return convert(self.received.slice(start, end))
        except ValidationError as e:
            raise self._invalid(e, start) from None
        except (TypeError, ValueError) as e:
            raise _unvalidated(e, start) from None

    # -- containers ---------------------------------------------------------------------

    def _slot(self, kind: int, pos: int) -> tuple[Container, Spec | None]:
        """The frame receiving a value of `kind`, and the spec that takes it (None: ignored)."""
        top = self.stack[-1]
        assert isinstance(top, Container)
        spec = top.slot_spec()
        if spec is None:  # IGNORED: a key the model does not declare
            return top, None
        resolved = spec.resolve(kind)
        if resolved is None:
            expected = " or ".join(
                n for bit, n in _KIND_NAMES.items() if spec.accepts & bit
            )
            raise InvalidOutputError(
                f"expected {expected}, got {_KIND_NAMES[kind]}", position=pos
            )
        return top, resolved

    def _push(self, kind: int, pos: int) -> None:
        if not self.stack:
            if not self.root_value:
                self.stack.append(ModelFrame(self, pos, self.root))
                return
            self._enter_root(pos)
        top = self.stack[-1]
        if top.captures:
            top.event("begin_object" if kind == OBJECT else "begin_array", (pos,))  # type: ignore[attr-defined]
            return
        parent, spec = self._slot(kind, pos)
        if spec is None:
            self.stack.append(CaptureFrame(self, pos, None))
            return
        frame = start_frame(self, spec, kind, pos)
        if isinstance(frame, Container) and not frame.hidden:
            parent.set_value(None)  # holds the slot; the child's snapshot replaces it
        self.stack.append(frame)

    def begin_object(self, pos: int) -> None:
        self._push(OBJECT, pos)

    def begin_array(self, pos: int) -> None:
        self._push(ARRAY, pos)

    def end_object(self, end: int) -> None:
        frame = self.stack[-1]
        if frame.captures:
            frame.event("end", (end,))  # type: ignore[attr-defined]
            return
        assert isinstance(frame, Container)
        snapshot = frame.close(end)
        self.stack.pop()
        self.dirty = len(self.stack) - 1
        if not self.stack:
            self.root_snapshot = snapshot
            self.closed_root = True
            return
        parent = self.stack[-1]
        assert isinstance(parent, Container)
        parent.put_child(snapshot, frame)
        parent.slot_done()
        self._root_value_done(end)

    def end_array(self, end: int) -> None:
        # A method, not an alias of end_object: mypyc's compiled class mishandles those.
        self.end_object(end)

    def validate_object(self, frame: ModelFrame, end: int) -> Any:
        """Rule 12: a closed object is validated with its full model, at once.

        A union member guessed from the keys is validated as the union instead, as
        pydantic would: when pydantic picks another member, the snapshot returned here
        replaces the guess (the only way a chosen member changes).
        """
        raw = self.received.slice(frame.start, end)
        union = frame.fallback
        try:
            if union is not None and union.check is not None:
                full = union.check.validate_json(raw)
            elif frame.depth == 0:
                # The whole result at once: the collector's passes over it while it is
                # built would free nothing (at 10 MB, 259 ms with them, 152 without).
                with paused_collector():
                    full = frame.spec.full.model_validate_json(raw)
            else:
                full = frame.spec.full.model_validate_json(raw)
        except (TypeError, ValueError) as e:  # a ValidationError, or pydantic's own
            error = (
                self._invalid(e, frame.start)
                if isinstance(e, ValidationError)
                else _unvalidated(e, frame.start)
            )
            error.path = self.path(frame.depth) + error.path
            error.located = True
            # Its position is the object's start; where it failed is its end.
            self.failed_close = end
            raise error from None
        if not isinstance(full, frame.spec.full):
            return union.to_partial(full) if union is not None else None
        if frame.depth == 0:
            self.result = full
            frame.share_strings(full)
        elif self.keep_items:
            parent = self.stack[frame.depth - 1]
            if isinstance(parent, ListFrame):
                self.items.add(
                    parent.list_path(), parent.slot_key(), full, frame.start, end
                )
                frame.share_strings(full)
        # Rule 12: from its close on, an object with validators of its own shows what
        # they returned.
        return frame.spec.to_partial(full) if frame.spec.revalidated else None

    def finish_capture(self, frame: CaptureFrame | UnionFrame, end: int) -> None:
        """A value shown only when complete has closed: convert it into its slot."""
        self.stack.pop()
        parent = self.stack[-1]
        assert isinstance(parent, Container)
        spec = frame.spec
        if spec is not None:  # None: an ignored key's value
            assert spec.check is not None
            full = self._validated(spec.check.validate_json, frame.start, end)
            if (
                self.keep_items
                and isinstance(parent, ListFrame)
                and isinstance(full, BaseModel)
                and not isinstance(full, RootModel)
            ):  # a list item of a union of models, or one shown only when complete
                where = (parent.list_path(), parent.slot_key())
                self.items.add(*where, full, frame.start, end)
            parent.set_value(spec.shown(full))
            parent.slot_done()
            self._root_value_done(end)

    def decide_union(
        self, frame: UnionFrame, member: Model, by_keys: bool = False
    ) -> None:
        """Replace an undecided union by its member's frame and replay what it recorded."""
        self.stack.pop()
        self.str_mode = NO_STRING
        parent = self.stack[-1]
        assert isinstance(parent, Container)
        chosen = ModelFrame(self, frame.start, member)
        if not chosen.hidden:
            parent.set_value(None)
        if by_keys:
            chosen.fallback = frame.spec
        self.stack.append(chosen)
        replay: dict[str, Callable[..., None]] = {
            "begin_object": self.begin_object,
            "begin_array": self.begin_array,
            "end": self.end_object,
            "key": self.key,
            "string_start": self.string_start,
            "piece": self.string_piece,
            "string_end": self.string_end,
            "scalar": self.scalar,
        }
        for kind, args in frame.events:
            replay[kind](*args)

    def key(self, name: str, pos: int) -> None:
        top = self.stack[-1]
        if top.captures:
            top.event("key", (name, pos))  # type: ignore[attr-defined]
        else:
            top.key(name, pos)  # type: ignore[attr-defined]

    # -- strings --------------------------------------------------------------------------

    def string_start(self, pos: int) -> None:
        if not self.stack:
            self._enter_root(pos)
        top = self.stack[-1]
        self.str_start = pos
        if top.captures:
            self.str_mode = RECORD if isinstance(top, UnionFrame) else IGNORE
            top.event("string_start", (pos,))  # type: ignore[attr-defined]
            return
        frame, spec = self._slot(STRING, pos)
        self.str_frame = frame
        self.str_depth = frame.depth
        self.str_spec = spec
        self.str_value = ""
        if spec is None:
            self.str_mode = IGNORE
        elif isinstance(spec, Str):
            self.str_mode = STREAM
            self.str_transform = spec.transform
            self.str_shown, self.str_done, self.str_sigma_waits = "", 0, False
            frame.set_value("")
        elif isinstance(spec, Choice) and spec.strings_only:
            self.str_mode = CHOICE
            self.str_committed = False
            self._choose()
        else:
            self.str_mode = CONVERT

    def string_piece(self, text: str) -> None:
        mode = self.str_mode
        if mode == STREAM:
            parts = self.str_parts
            parts.append(text)
            if len(parts) >= self.str_compact_at:
                self.str_blocks = join_tail(parts, self.str_blocks)
                self.str_compact_at = self.str_blocks + BLOCK
            if self.str_transform is None:
                if self.dirty < self.str_depth:
                    self.dirty = self.str_depth
            elif not self.str_visible:
                self.str_visible = self.str_sigma_waits or self.str_transform.visible(
                    text
                )
        elif mode == CHOICE:
            self.str_value += text
            self._choose()
        elif mode == RECORD:
            self.stack[-1].event("piece", (text,))  # type: ignore[attr-defined]

    def string_chunk(self, text: str) -> None:
        """A whole chunk inside a string: kept as a piece, like those cut by escapes,
        and joined when a snapshot is built, so a long value is copied once per
        snapshot, not once per chunk."""
        self.string_piece(text)

    def _choose(self) -> None:
        """Rule 6: commit a literal once its prefix is unique, fail once it is impossible."""
        spec: Choice = self.str_spec
        matches = spec.matching(self.str_value)
        if not matches:
            raise ImpossiblePrefixError(
                path=(),
                position=self.str_start,
                prefix=self.str_value,
                allowed=spec.allowed,
            )
        if len(matches) == 1 and not self.str_committed:
            self.str_committed = True
            self.str_frame.set_value(matches[0])  # type: ignore[union-attr]

    def flush_string(self) -> None:
        """Move the received pieces of a streaming string into its frame's value."""
        parts = self.str_parts
        if parts:
            self.str_value += parts[0] if len(parts) == 1 else "".join(parts)
            self.str_parts = []
            self.str_blocks, self.str_compact_at = 0, BLOCK
            transform = self.str_transform
            if transform is None:
                self.str_frame.set_value(self.str_value)  # type: ignore[union-attr]
                return
            self.str_visible = False
            more, self.str_done, self.str_sigma_waits = transform.extend(
                self.str_value, self.str_done
            )
            if more:  # rule 15: pieces that only wait change nothing shown
                self.str_shown += more
                self.str_frame.set_value(self.str_shown)  # type: ignore[union-attr]

    def string_end(self, end: int) -> None:
        mode = self.str_mode
        self.str_mode = NO_STRING
        if mode in (RECORD, IGNORE):
            top = self.stack[-1]
            if top.captures:
                top.event("string_end", (end,))  # type: ignore[attr-defined]
            return
        frame = self.str_frame
        assert frame is not None
        if mode == STREAM:
            self.flush_string()
            if self.str_spec.check is not None:
                frame.set_value(self._convert(self.str_spec, self.str_start, end))
        elif mode == CHOICE:
            found, value = self.str_spec.exact(self.str_value)
            if not found:
                raise ImpossiblePrefixError(
                    path=(),
                    position=self.str_start,
                    prefix=self.str_value,
                    allowed=self.str_spec.allowed,
                )
            frame.set_value(value)
        else:
            frame.set_value(self._convert(self.str_spec, self.str_start, end))
        frame.slot_done()
        self._root_value_done(end)

    # -- numbers and keywords -------------------------------------------------------------

    def scalar_start(self, first: str, pos: int) -> None:
        """A wrong kind of value fails at its first character, not when it completes."""
        if not self.stack:
            self._enter_root(pos)
        if not self.stack[-1].captures:
            self._slot(_kind_of(first), pos)

    def scalar(self, token: str, pos: int, end: int) -> None:
        top = self.stack[-1]
        if top.captures:
            top.event("scalar", (token, pos, end))  # type: ignore[attr-defined]
            return
        kind = _kind_of(token)
        frame, spec = self._slot(kind, pos)
        if spec is None:
            return
        value = SLOW
        if isinstance(spec, Scalar) and spec.fast and kind == spec.natural:
            value = spec.plain(token)
        if value is SLOW:
            value = self._convert(spec, pos, end)
        frame.set_value(value)
        frame.slot_done()
        self._root_value_done(end)

    # -- snapshots --------------------------------------------------------------------------

    def pending(self) -> bool:
        """Whether a change waits for the next snapshot."""
        return (
            self.dirty >= 0
            or self.closed_root
            or bool(
                self.str_parts
                and self.str_mode == STREAM
                and (self.str_transform is None or self.str_visible)
            )
        )

    def publish(self) -> BaseModel:
        """Rebuild the changed path, deepest first; the same root object if nothing did."""
        self.closed_root = False
        if self.str_parts and self.str_mode == STREAM:
            self.flush_string()
        depth = self.dirty
        if depth < 0:
            return self.root_snapshot
        self.dirty = -1
        stack = self.stack
        top = len(stack) - 1 if self.hidden_at is None else self.hidden_at - 1
        if depth > top:
            depth = top
        if depth < 0:  # the change was inside a hidden object only
            return self.root_snapshot
        # Every frame here is a Container: capture frames never mark changes.
        child: Any = stack[depth]
        snapshot = child.build()
        for index in range(depth - 1, -1, -1):
            frame: Any = stack[index]
            snapshot = frame.rebuild(snapshot, child)
            child = frame
        self.root_snapshot = snapshot
        return self.root_snapshot
