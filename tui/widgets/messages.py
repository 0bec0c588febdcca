"""Messages from the editing widgets (network editor, settings, the map and its cursor) to their screen.

Dataclasses, like the workers' messages (tui/workers/messages.py says why `eq=False`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from textual.message import Message
from textual.widget import Widget

# What the map's cursor asks for: a move (only the legend changes), a hand edit, or taking the last one back.
CursorAsk = Literal["move", "add", "flip", "delete", "undo"]


@dataclass(eq=False)
class ChangeRequested(Message):
    """A widget asks for new settings. The screen validates them and answers the widget on error."""

    source: Widget
    changes: dict[str, Any]


@dataclass(eq=False)
class GridSizeChanged(Message):
    """The map's pixel size changed: the worker should compute grids of this size."""

    nx: int
    ny: int


@dataclass(eq=False)
class DataEditRequested(Message):
    """The map's cursor asks for `kind` at (x, y) (an added point's class in `label`)."""

    kind: CursorAsk
    x: float = 0.0
    y: float = 0.0
    label: int | None = None


@dataclass(eq=False)
class CursorLeft(Message):
    """The map's cursor mode ended (escape, or the focus went elsewhere)."""
