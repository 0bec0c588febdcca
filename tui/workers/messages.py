"""Typed messages from the training worker to the screen (the editing widgets' own are in widgets/messages.py,
the attack worker's in workers/attack.py).

The worker never touches a widget. It posts a `Snapshot` (a frozen picture of the training state as plain
numbers and arrays) at most ten times a second; a newer snapshot replaces an older one still in the queue.

Each message is a dataclass: Textual's `Message` sets itself up in `__post_init__`, which the generated
`__init__` calls. `eq=False`: a message is an event, not a value; two posts are two messages even when they
say the same, and a snapshot's arrays could not be compared with == anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message

from ml101.engine.data_edit import Edit as PointEdit
from ml101.engine.errors import SpecError
from ml101.engine.spec import Experiment
from ml101.engine.trainer import ChangeCost
from ml101.tui.models import TrainingState
from ml101.tui.workers.commands import FileJob

# What replaced a run that was put aside: a reset, a preset, an opened file, or a change that cost a new model
# (ChangeCost.MODEL) or new data too (ChangeCost.DATA).
Replacement = Literal["reset", "preset", "open"] | ChangeCost


@dataclass(eq=False)
class Snapshot(Message):
    """The latest training state. Only the newest matters, so a queued older one is dropped."""

    state: TrainingState

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Snapshot)


@dataclass(eq=False)
class SettingApplied(Message):
    """The worker took a change of `fields`; `cost` says whether training went on or what had to start again."""

    fields: tuple[str, ...]
    cost: ChangeCost


@dataclass(eq=False)
class SettingRejected(Message):
    """The worker refused a change (e.g. an unreadable CSV file); the trainer kept `exp`."""

    field: str
    message: str
    exp: Experiment
    error: SpecError | None = None  # the error itself: a memory refusal is worded from its numbers in German


@dataclass(eq=False)
class TrainingFailed(Message):
    """An unexpected exception in the worker: a bug to show, not a reason to close the app."""

    error: BaseException
    details: str


@dataclass(eq=False)
class FileDone(Message):
    """The worker did `job` (saved, opened or exported its path), or could not: then `error` says why and the
    experiment is as it was. `exp` and `epoch` are the experiment's after the job."""

    job: FileJob
    error: BaseException | None = None
    exp: Experiment | None = None
    epoch: int = 0


@dataclass(eq=False)
class DataEdited(Message):
    """A hand edit of the training points was applied (`edit`), refused (`error`) or undone (`undone`)."""

    edit: PointEdit | None
    train_points: int
    error: SpecError | None = None
    undone: bool = False
    undo_left: int = 0


@dataclass(eq=False)
class RunPutAside(Message):
    """A reset, new data, a new model, a preset or an opened file (`what`) replaced a run that had trained to
    `epoch` (or had hand-edited points): it is kept, and key z brings it back; not `kept` when the two runs
    together would not fit the memory budget."""

    what: Replacement
    epoch: int
    kept: bool = True


@dataclass(eq=False)
class RunRestored(Message):
    """Key z swapped the run put aside with the current one: `epoch` is back, `other` is now put aside;
    `epoch` None when there was nothing to bring back."""

    epoch: int | None
    other: int = 0

