"""What the Train screen can ask of the training worker: one small frozen dataclass per command.

The screen `send`s these to `TrainingRunner`; the worker thread applies them, in order, between chunks of
training (`_TrainingLoop._apply` matches on the class). Values only: a command holds no widget and no
Trainer, so it can cross from the UI thread to the worker thread without sharing anything that changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ml101.engine.spec import Experiment
from ml101.tui.models import MapView

EditKind = Literal["add", "flip", "delete"]  # a hand edit of the training points (engine/data_edit.py)
ExportKind = Literal["csv", "npz", "torch"]  # the curves, the weights, or a PyTorch state dict
FileAction = Literal["save", "open", "export"]


@dataclass(frozen=True)
class Toggle:
    """Play, or pause when training (space)."""


@dataclass(frozen=True)
class Step:
    """One epoch, then paused (s)."""


@dataclass(frozen=True)
class Reset:
    """Fresh weights on the same data (r); a new seed gives different ones."""

    new_seed: bool


@dataclass(frozen=True)
class Change:
    """Setting changes the screen has already checked against the engine's rules (field name → value)."""

    changes: Mapping[str, Any]


@dataclass(frozen=True)
class Load:
    """A whole new experiment (a preset): new data, a new model, paused."""

    exp: Experiment


@dataclass(frozen=True)
class GridSize:
    """The map's size in pixels: the boundary grids are computed this fine."""

    nx: int
    ny: int


@dataclass(frozen=True)
class ShowView:
    """What the map shows: the output or one hidden unit, trained or untrained weights."""

    view: MapView


@dataclass(frozen=True)
class Save:
    path: str


@dataclass(frozen=True)
class Open:
    path: str


@dataclass(frozen=True)
class Export:
    path: str
    kind: ExportKind


@dataclass(frozen=True)
class Edit:
    """A hand edit at (x, y) in data coordinates; `label` only for "add"."""

    kind: EditKind
    x: float
    y: float
    label: int | None = None


@dataclass(frozen=True)
class Undo:
    """Take back the last hand edit."""


@dataclass(frozen=True)
class Restore:
    """Swap the current run with the one the last reset, new data, preset, ... replaced (z)."""


FileJob = Save | Open | Export
Command = Toggle | Step | Reset | Change | Load | GridSize | ShowView | Save | Open | Export | Edit | Undo | Restore
