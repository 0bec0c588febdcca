"""What every attack run shares: how its models are trained, on which data, with which seeds, and progress.

Attack curves need dozens of models, so the lab trains with the quick recipe (Adam, 300 full-batch epochs:
as accurate on the moons as the notebook's 10 000 RMSprop epochs, 30× sooner). The "notebook" recipe is the
workshop's exact PyTorch setting, for reproducing its numbers (slow: minutes for a sweep).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ml101.engine.data import Split, generate, split
from ml101.engine.errors import SpecError
from ml101.engine.nets import has_torch
from ml101.engine.nets.stacked import CancelCheck, Progress, Stack, train_stacked
from ml101.engine.spec import PRESETS, Experiment, preset

RECIPES = {"fast": "quick", "notebook": "notebook-torch"}  # attack recipe → the training preset it uses
DEFAULT_SEEDS = {"fast": 3, "notebook": 1}
MAX_SEEDS = 20


def recipe(name: str = "fast", **changes) -> Experiment:
    """The training settings of an attack recipe, with validated changes (e.g. epochs, layers, device)."""
    if name not in RECIPES:
        raise SpecError("preset", f"must be one of {', '.join(RECIPES)}; got {name!r}")
    settings = PRESETS[RECIPES[name]].settings
    if settings.get("backend") == "torch" and not has_torch():
        # the lab's models train stacked (engine/nets/stacked.py picks NumPy or PyTorch by itself); `backend`
        # only names a single net's, so the notebook recipe runs on a small install too
        exp = Experiment().with_changes(preset=RECIPES[name], **dict(settings, backend="numpy"))
    else:
        exp = preset(RECIPES[name])
    return exp.with_changes(**changes) if changes else exp


def workshop_split(exp: Experiment | None = None) -> Split:
    """The workshop's moons and 900/100 split (or the data settings of `exp`)."""
    exp = exp or Experiment()
    return split(generate(exp.data, exp.samples, exp.noise, exp.data_seed), exp.test_fraction, exp.split_seed)


def seed_list(seeds: int, seed: int = 0) -> list[int]:
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or not 1 <= seeds <= MAX_SEEDS:
        raise SpecError("seeds", f"must be a whole number from 1 to {MAX_SEEDS}; got {seeds!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**31 - MAX_SEEDS:
        raise SpecError("seed", f"must be a whole number from 0 to {2**31 - MAX_SEEDS - 1}; got {seed!r}")
    return [int(seed) + i for i in range(seeds)]


def summary(values: Sequence[float]) -> tuple[float, float]:
    """Mean and spread (population standard deviation) over seeds, rounded for people."""
    values = np.asarray(values, dtype=np.float64)
    return round(float(values.mean()), 4), round(float(values.std()), 4)


def pad(Xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], keeps: Sequence[np.ndarray] | None = None):
    """Per-model point sets of different sizes as (K, N, 2), (K, N) and a 0/1 mask (K, N)."""
    n = max(len(y) for y in ys)
    k = len(ys)
    X, y, mask = np.zeros((k, n, 2)), np.zeros((k, n)), np.zeros((k, n))
    for i, (Xi, yi) in enumerate(zip(Xs, ys, strict=True)):
        X[i, : len(yi)], y[i, : len(yi)] = Xi, yi
        mask[i, : len(yi)] = 1.0 if keeps is None else keeps[i]
    return X, y, mask


@dataclass
class Tracker:
    """Turns the progress of several training runs into one (done, total) count of epochs."""

    runs: int
    epochs: int
    on_progress: Progress | None = None
    should_cancel: CancelCheck | None = None
    finished: int = 0

    @property
    def total(self) -> int:
        return self.runs * self.epochs

    def train(self, exp: Experiment, X, y, seeds, mask=None, validation=None, threads=None) -> Stack:
        def progress(done: int, _total: int) -> None:
            if self.on_progress is not None:
                self.on_progress(self.finished * self.epochs + done, self.total)

        stack = train_stacked(exp, X, y, seeds, mask=mask, validation=validation, threads=threads,
                              on_progress=progress, should_cancel=self.should_cancel)
        self.finished += 1
        return stack
