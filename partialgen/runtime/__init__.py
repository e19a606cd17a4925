"""What generated modules import: parser mechanics, snapshots, specs and errors.

Depends on pydantic and jiter only; nothing from the generator half.
"""

from . import specs
from .builder import ItemEvent
from .errors import (
    DepthLimitError,
    ImpossiblePrefixError,
    IncompleteOutputError,
    InvalidOutputError,
    MalformedJSONError,
    PartialgenError,
    RefusalError,
)
from .parser import AsyncSnapshotStream, SnapshotStream, StreamParser
from .snapshot import (
    Completion,
    PartialModel,
    complete_items,
    completed_fields,
    completion,
    is_complete,
    progress,
)

__all__ = [
    "AsyncSnapshotStream",
    "Completion",
    "DepthLimitError",
    "ImpossiblePrefixError",
    "IncompleteOutputError",
    "InvalidOutputError",
    "ItemEvent",
    "MalformedJSONError",
    "PartialModel",
    "PartialgenError",
    "RefusalError",
    "SnapshotStream",
    "StreamParser",
    "complete_items",
    "completed_fields",
    "completion",
    "is_complete",
    "progress",
    "specs",
]
