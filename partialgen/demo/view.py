"""How `partialgen demo` draws a meeting snapshot: a panel redrawn on every snapshot.

A value still arriving shows a cursor, a missing one a dim ellipsis, so the screen tells
complete from partial the way the snapshot's completion state does.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from ..runtime import complete_items, completed_fields, progress

CURSOR = "▌"
MISSING = Text("…", style="dim")
DETAILS = ("date", "location", "budget", "deadline")
USER_FIELDS = ("name", "email", "twitter")


def _value(value: object, complete: bool) -> Text:
    if value is None:
        return MISSING
    shown = f"{value:,}" if isinstance(value, int) else str(value)
    text = Text(shown)
    if not complete:
        text.append(CURSOR, style="bold cyan")
    return text


def _attendees(snapshot: Any) -> Table:
    users = snapshot.users or []
    table = Table(
        title="Attendees",
        title_justify="left",
        title_style="bold",
        expand=True,
        border_style="bright_black",
    )
    for column, ratio in zip(USER_FIELDS, (3, 4, 2), strict=True):
        table.add_column(column, ratio=ratio, overflow="fold")
    complete = complete_items(snapshot, "users")
    for row, user in enumerate(users):
        done = USER_FIELDS if row < complete else completed_fields(user)
        table.add_row(*(_value(getattr(user, f), f in done) for f in USER_FIELDS))
    if not users:
        table.add_row(MISSING, MISSING, MISSING)
    return table


def _details(snapshot: Any) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="right", style="bold")
    grid.add_column(overflow="fold")
    done = completed_fields(snapshot)
    for name in DETAILS:
        grid.add_row(name, _value(getattr(snapshot, name), name in done))
    return grid


def _progress(snapshot: Any) -> RenderableType:
    done, total = progress(snapshot)
    names = ", ".join(sorted(completed_fields(snapshot))) or "none yet"
    line = Table.grid(padding=(0, 1))
    line.add_column(width=20)
    line.add_column()
    line.add_row(
        ProgressBar(total=total, completed=done, width=20),
        Text(f"{done}/{total} complete: {names}", style="green"),
    )
    return line


def render(
    snapshot: Any,
    *,
    show_progress: bool,
    source: str,
    snapshots: int,
    received: int,
    finished: bool = False,
) -> RenderableType:
    """The whole screen for one snapshot."""
    parts: list[RenderableType] = [_attendees(snapshot), Text(""), _details(snapshot)]
    if show_progress:
        parts += [Text(""), _progress(snapshot)]
    state = "[green]validated ✓[/]" if finished else "[cyan]streaming…[/]"
    return Panel(
        Group(*parts),
        title=f"[bold]MeetingInfo[/] · {state}",
        title_align="left",
        subtitle=f"{snapshots} snapshots · {received} chars · {source}",
        subtitle_align="left",
        border_style="green" if finished else "cyan",
        padding=(0, 1),
    )
