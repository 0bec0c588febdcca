"""The run a destructive key replaced, kept so that one key (z on the Train screen) brings it back.

`r` (reset), `d` (new data), a preset (P, F5/F6, the Learn screen's o), a setting that needs a new model and
opening a file each throw away what was trained; after a long training that is work lost to one key. The
worker keeps the run it replaced, one deep: z swaps it with the current run (z again swaps back), so a
second reset does not lose the first run unless something was trained in between.

Only the worker thread uses this (it owns the Trainers).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ml101.engine.budget import BASE_BYTES, limit, training_bytes
from ml101.engine.trainer import Trainer


@dataclass
class Run:
    """One run as the worker holds it: the trainer (weights, epoch, curves, data) and what goes with it."""

    trainer: Trainer
    edits: list  # the hand edits' undo steps (earlier training points)
    target: int  # the epoch training pauses at


def before_change(trainer: Trainer) -> Trainer:
    """A copy of `trainer` that a reset or a setting change of the original leaves as it is.

    Shallow is enough: a reset or a new model or data gives the Trainer new objects (net, history, split,
    dataset, exp) instead of changing the old ones. Only a live change (ChangeCost.LIVE) reconfigures the shared
    net in place; that copy must then be dropped, and is: only changes that cost a new model are kept."""
    return copy.copy(trainer)


def worth_keeping(trainer: Trainer | None) -> bool:
    """Something trained, or points edited by hand; a diverged run is no loss (it cannot train on)."""
    return trainer is not None and not trainer.diverged and (trainer.epoch > 0 or trainer.custom_split)


def _bytes(trainer: Trainer) -> int:
    return training_bytes(trainer.exp, len(trainer.dataset.y))


def fits_beside(kept: Trainer, current: Trainer) -> bool:
    """Both runs held at once stay inside the memory budget (engine/budget.py; the process's base once)."""
    base = BASE_BYTES["torch" if kept.exp.backend == "torch" else "numpy"]
    return _bytes(current) + _bytes(kept) - base <= limit()


class SetAside:
    def __init__(self) -> None:
        self.run: Run | None = None

    def keep(self, run: Run, current: Trainer) -> str | None:
        """Put `run` (replaced by `current`) aside if it is worth it: "kept", "too_big" (it is not: both
        would not fit the memory budget) or None (nothing worth keeping; the run kept before stays)."""
        if self.run is not None and not fits_beside(self.run.trainer, current):
            self.run = None  # a big new run: the old one must go
        if not worth_keeping(run.trainer):
            return None
        if not fits_beside(run.trainer, current):
            return "too_big"
        self.run = run
        return "kept"

    def swap(self, current: Run) -> Run | None:
        """The run put aside, now taken out, with `current` put aside in its place; None if there is none."""
        back, self.run = self.run, (current if self.run is not None else None)
        return back
