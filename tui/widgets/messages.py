"""Messages from the editing widgets (network editor, settings, the map and its cursor) to their screen."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class ChangeRequested(Message):
    """A widget asks for new settings. The screen validates them and answers the widget on error."""

    def __init__(self, source, changes: dict[str, Any]) -> None:
        super().__init__()
        self.source = source
        self.changes = changes


class GridSizeChanged(Message):
    """The map's pixel size changed: the worker should compute grids of this size."""

    def __init__(self, nx: int, ny: int) -> None:
        super().__init__()
        self.nx = nx
        self.ny = ny


class DataEditRequested(Message):
    """The map's cursor asks for a hand edit at (x, y): kind "add" (with `label`), "flip", "delete" or "undo"."""

    def __init__(self, kind: str, x: float = 0.0, y: float = 0.0, label: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.x = x
        self.y = y
        self.label = label


class CursorLeft(Message):
    """The map's cursor mode ended (escape, or the focus went elsewhere)."""
