"""Typed messages from the training worker to the screen (the editing widgets' own are in widgets/messages.py).

The worker never touches a widget. It posts a `Snapshot` (a frozen picture of the training state as plain
numbers and arrays) at most ten times a second; a newer snapshot replaces an older one still in the queue.
"""

from __future__ import annotations

from textual.message import Message

from ml101.engine.spec import Experiment
from ml101.tui.models import TrainingState


class Snapshot(Message):
    """The latest training state. Only the newest matters, so a queued older one is dropped."""

    def __init__(self, state: TrainingState) -> None:
        super().__init__()
        self.state = state

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Snapshot)


class SettingApplied(Message):
    """The worker took a change; `cost` is "live", "model" (new weights) or "data" (new data and weights)."""

    def __init__(self, fields: tuple[str, ...], cost: str) -> None:
        super().__init__()
        self.fields = fields
        self.cost = cost


class SettingRejected(Message):
    """The worker refused a change (e.g. an unreadable CSV file); the trainer kept `exp`."""

    def __init__(self, field: str, message: str, exp: Experiment, error: Exception | None = None) -> None:
        super().__init__()
        self.field = field
        self.message = message
        self.exp = exp
        self.error = error  # the SpecError itself: a memory refusal is worded from its numbers in German


class TrainingFailed(Message):
    """An unexpected exception in the worker: a bug to show, not a reason to close the app."""

    def __init__(self, error: BaseException, details: str) -> None:
        super().__init__()
        self.error = error
        self.details = details


class FileDone(Message):
    """The worker saved, opened or exported `path` (`kind`: csv, npz or torch for an export), or could not:
    then `error` says why and the experiment is as it was."""

    def __init__(self, action: str, path: str, kind: str | None = None, error: BaseException | None = None,
                 exp: Experiment | None = None, epoch: int = 0) -> None:
        super().__init__()
        self.action = action
        self.path = path
        self.kind = kind
        self.error = error
        self.exp = exp
        self.epoch = epoch


class DataEdited(Message):
    """A hand edit of the training points was applied (`edit`), refused (`error`) or undone (`undone`)."""

    def __init__(self, edit, train_points: int, error: BaseException | None = None, undone: bool = False,
                 undo_left: int = 0) -> None:
        super().__init__()
        self.edit = edit
        self.train_points = train_points
        self.error = error
        self.undone = undone
        self.undo_left = undo_left


class RunPutAside(Message):
    """A reset, new data, a new model, a preset (`what`: reset, data, model, preset, open) replaced a run that
    had trained to `epoch` (or had hand-edited points): it is kept, and key z brings it back; not `kept` when
    the two runs together would not fit the memory budget."""

    def __init__(self, what: str, epoch: int, kept: bool = True) -> None:
        super().__init__()
        self.what = what
        self.epoch = epoch
        self.kept = kept


class RunRestored(Message):
    """Key z swapped the run put aside with the current one: `epoch` is back, `other` is now put aside;
    `epoch` None when there was nothing to bring back."""

    def __init__(self, epoch: int | None, other: int = 0) -> None:
        super().__init__()
        self.epoch = epoch
        self.other = other
