"""Pausing the cyclic garbage collector around one bulk build of objects that all stay
alive: its passes during the build can free nothing and walk everything built so far."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collector() -> Iterator[None]:
    """The collector off for the block (if it was on); it sees what was built at its
    next pass. A collector someone else turned off stays off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
