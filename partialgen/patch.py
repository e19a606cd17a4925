"""JSON Patch deltas between snapshots: `diff`, `apply` (see partialgen.runtime.patch)."""

from .runtime.patch import PatchError, apply, diff, dump, escape, pointer

__all__ = ["PatchError", "apply", "diff", "dump", "escape", "pointer"]
