"""Trainer: one experiment's data, model and progress, advanced a few epochs at a time.

The app's worker, the CLI and the attack lab all drive training through this class. It knows nothing about
screens: it hands out plain numbers (`Metrics`), a bounded `History` and probability grids as arrays.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from ml101.engine.budget import check_training, eval_chunk
from ml101.engine.data import Dataset, Split, generate, split
from ml101.engine.errors import DivergedError
from ml101.engine.history import History
from ml101.engine.nets import build_net
from ml101.engine.nets.numpy_net import init_params
from ml101.engine.spec import LIVE_SAFE, Experiment

DATA_FIELDS = {"data", "samples", "noise", "data_seed", "test_fraction", "split_seed"}


class ChangeCost(StrEnum):
    """What a setting change cost. The values are the words the app's messages are keyed by."""

    LIVE = "live"  # training goes on with the same weights
    MODEL = "model"  # a new model, same data
    DATA = "data"  # new data and a new model


@dataclass(frozen=True)
class Metrics:
    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float


def load_dataset(exp: Experiment) -> Dataset:
    if exp.is_csv:
        from ml101.engine.csv_data import load_csv

        return load_csv(exp.data)
    return generate(exp.data, exp.samples, exp.noise, exp.data_seed)


class Trainer:
    def __init__(self, exp: Experiment, dataset: Dataset | None = None, params=None):
        self.exp = exp
        self.dataset = dataset if dataset is not None else load_dataset(exp)
        check_training(exp, n_points=len(self.dataset.y))  # a CSV's or a saved file's points, counted
        self.split: Split = split(self.dataset, exp.test_fraction, exp.split_seed)
        self.custom_split = False  # True once points were edited by hand (or loaded so): saved as they are
        self._new_model(params)

    # building ----------------------------------------------------------------------------------------
    def _new_model(self, params=None) -> None:
        self.initial_params = init_params(self.exp)
        self.net = build_net(self.exp, params if params is not None else self.initial_params)
        self._untrained = None
        s = self.split
        self._train = self.net.prepare(s.X_train, s.y_train)
        self._test = self.net.prepare(s.X_test, s.y_test)
        self._shuffle = np.random.default_rng(self.exp.seed)
        self.epoch = 0
        self.seconds = 0.0
        self.history = History()
        self.diverged: str | None = None

    def reset(self, new_seed: bool = False) -> None:
        """Start again from a fresh initialisation on the same data (a new seed if asked)."""
        if new_seed:
            self.exp = self.exp.with_changes(seed=(self.exp.seed + 1) % 2**31)
        self._new_model()

    def change(self, **changes) -> ChangeCost:
        """Apply validated setting changes; returns what they cost (training goes on, or what starts again)."""
        new = self.exp.with_changes(**changes)
        changed = {k for k in changes if getattr(new, k) != getattr(self.exp, k)}
        if changed & DATA_FIELDS:
            # Load and split first: a missing CSV file must leave the trainer as it was.
            dataset = load_dataset(new)
            check_training(new, n_points=len(dataset.y))
            self.split = split(dataset, new.test_fraction, new.split_seed)
            self.exp, self.dataset, self.custom_split = new, dataset, False
            self._new_model()
            return ChangeCost.DATA
        self.exp = new
        if changed - LIVE_SAFE - {"preset"}:
            self._new_model()
            return ChangeCost.MODEL
        self.net.configure(new)
        if self.diverged and "lr" in changed:
            self.diverged = None  # a new learning rate is the usual cure: let the user try it
        return ChangeCost.LIVE

    def set_dataset(self, dataset: Dataset) -> None:
        """Train on edited points from now on (same split rule); the model starts again."""
        self.dataset = dataset
        self.split = split(dataset, self.exp.test_fraction, self.exp.split_seed)
        self.custom_split = False
        self._new_model()

    def use_split(self, points: Split) -> None:
        """Train and test on exactly these points from now on (edited by hand, or loaded so). The model, the
        epoch and the curves stay: training on shows what the new points do to it."""
        X = np.concatenate([points.X_train, points.X_test])
        y = np.concatenate([points.y_train, points.y_test])
        self.dataset = Dataset(X, y, self.dataset.name, self.dataset.window)
        self.split, self.custom_split = points, True
        self._train = self.net.prepare(points.X_train, points.y_train)
        self._test = self.net.prepare(points.X_test, points.y_test)

    # training ----------------------------------------------------------------------------------------
    def run(self, epochs: int) -> int:
        """Train up to `epochs` epochs; returns how many ran (fewer if training diverged)."""
        if self.diverged:
            return 0
        X, Y = self._train
        n = self.split.y_train.shape[0]
        batch = self.exp.batch_size or n
        start = time.perf_counter()
        done = 0
        # A blown-up step overflows on the way; that is reported once, as divergence, not as warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                for _ in range(epochs):
                    if batch >= n:
                        loss, correct = self.net.train_step(X, Y)
                    else:
                        loss, correct = self._minibatch_epoch(batch)
                    if not math.isfinite(loss):
                        self._diverge(loss)
                        break
                    self.epoch += 1
                    done += 1
                    if self.history.wants(self.epoch):
                        self._record(loss, correct / n)
            finally:
                self.seconds += time.perf_counter() - start
        return done

    def _minibatch_epoch(self, batch: int):
        n = self.split.y_train.shape[0]
        order = self._shuffle.permutation(n)
        Xs, ys = self.split.X_train[order], self.split.y_train[order]
        total_loss, total_correct = 0.0, 0
        for lo in range(0, n, batch):
            Xb, Yb = self.net.prepare(Xs[lo : lo + batch], ys[lo : lo + batch])
            loss, correct = self.net.train_step(Xb, Yb)
            total_loss += loss * len(ys[lo : lo + batch])
            total_correct += correct
        return total_loss / n, total_correct

    def _record(self, train_loss: float, train_accuracy: float) -> None:
        test_loss, test_accuracy = self._evaluate(self._test, self.split.X_test, self.split.y_test)
        self.history.add(self.epoch, train_loss, test_loss, train_accuracy, test_accuracy)

    def _diverge(self, loss: float) -> None:
        self.diverged = (
            f"Training diverged at epoch {self.epoch + 1}: the loss became {loss}. The steps are too big: "
            f"try a smaller learning rate than {self.exp.lr:g} (e.g. {self.exp.lr / 10:g}) or the adam optimizer, "
            "and train again from a fresh start."
        )

    def check(self) -> None:
        """Raise DivergedError if training blew up (for callers that prefer exceptions)."""
        if self.diverged:
            raise DivergedError(self.diverged)

    # measuring ---------------------------------------------------------------------------------------
    def metrics(self) -> Metrics:
        """Loss and accuracy of the current weights on both sets (one forward pass each)."""
        with np.errstate(over="ignore", invalid="ignore"):  # weights may be inf after divergence
            train_loss, train_acc = self._evaluate(self._train, self.split.X_train, self.split.y_train)
            test_loss, test_acc = self._evaluate(self._test, self.split.X_test, self.split.y_test)
        return Metrics(self.epoch, train_loss, test_loss, train_acc, test_acc)

    def _evaluate(self, prepared, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """net.evaluate, over a big set in chunks: one pass over 90 000 points of 8 × 256 units would hold
        almost a gigabyte of activations at once (the memory budget counts on chunks, engine/budget.py)."""
        chunk = eval_chunk(self.exp)
        if len(y) <= chunk:
            return self.net.evaluate(*prepared)
        loss, correct = 0.0, 0
        for lo in range(0, len(y), chunk):
            part_loss, part_accuracy = self.net.evaluate(*self.net.prepare(X[lo : lo + chunk], y[lo : lo + chunk]))
            size = len(y[lo : lo + chunk])
            loss += part_loss * size / len(y)  # the regulariser's penalty, in every part, adds up to one
            correct += round(part_accuracy * size)
        return loss, correct / len(y)

    def _in_chunks(self, net, X: np.ndarray, ask) -> np.ndarray:
        """ask(net, prepared points) for X's points, a chunk at a time (the map's grid can be 70 000 points)."""
        chunk = eval_chunk(self.exp)
        parts = [X[lo : lo + chunk] for lo in range(0, len(X), chunk)] or [X]
        answers = [np.asarray(ask(net, net.prepare(part, np.zeros(len(part)))[0]), dtype=np.float64) for part in parts]
        return answers[0] if len(answers) == 1 else np.concatenate(answers)

    def predict(self, X: np.ndarray, untrained: bool = False) -> np.ndarray:
        net = self._untrained_net() if untrained else self.net
        return self._in_chunks(net, X, lambda net, Xp: net.predict(Xp))

    def grid(self, nx: int, ny: int, window=None, untrained: bool = False, neuron=None) -> np.ndarray:
        """The model over the plot window as an (ny, nx) array; row 0 is the bottom (smallest y).

        Values are probabilities of class 1, or with `neuron=(layer, unit)` that hidden unit's output.
        """
        x0, x1, y0, y1 = window or self.dataset.window
        xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
        gx, gy = np.meshgrid(xs, ys)
        points = np.column_stack([gx.ravel(), gy.ravel()])
        if neuron is None:
            return self.predict(points, untrained).reshape(ny, nx)
        net = self._untrained_net() if untrained else self.net
        return self._in_chunks(net, points, lambda net, Xp: net.neuron(Xp, *neuron)).reshape(ny, nx)

    def _untrained_net(self):
        if self._untrained is None:
            self._untrained = build_net(replace(self.exp), self.initial_params)
        return self._untrained

    def params(self):
        return self.net.params()

    @property
    def steps_per_second(self) -> float:
        """Optimizer steps per second of training time so far."""
        n = self.split.y_train.shape[0]
        steps_per_epoch = math.ceil(n / (self.exp.batch_size or n))
        return self.epoch * steps_per_epoch / self.seconds if self.seconds > 0 else 0.0
