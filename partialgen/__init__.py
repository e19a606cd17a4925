"""partialgen: typed partial classes and incremental stream parsers, generated ahead of time.

`import partialgen` gives the runtime (pydantic + jiter only). The build step lives in
`partialgen.generator` and needs `pip install "partialgen[generate]"`.
"""

from .runtime import (
    AsyncSnapshotStream,
    Completion,
    DepthLimitError,
    ImpossiblePrefixError,
    IncompleteOutputError,
    InvalidOutputError,
    ItemEvent,
    MalformedJSONError,
    PartialgenError,
    PartialModel,
    RefusalError,
    SnapshotStream,
    StreamParser,
    complete_items,
    completed_fields,
    completion,
    is_complete,
    progress,
)

__version__ = "0.1.0"

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
    "__version__",
    "complete_items",
    "completed_fields",
    "completion",
    "is_complete",
    "progress",
]
