"""Editing the training points by hand: add one, flip or delete the nearest — the hands-on poisoning lesson.

Only training points change. The test points stay as they were, so the test accuracy honestly shows what
an edit did to the model. Every function returns a new `Split` and an `Edit` that says what happened;
the caller keeps the old split for undo (`Trainer.use_split` puts either one in place).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml101.engine.data import Split
from ml101.engine.errors import SpecError
from ml101.engine.spec import MIN_TRAIN_POINTS

MAX_TRAIN_POINTS = 100_000  # as many as the biggest generated data set


@dataclass(frozen=True)
class Edit:
    kind: str  # "add", "flip" or "delete"
    x: float  # where the point is
    y: float
    label: int  # its class before the edit (an added point: its class)
    new_label: int | None = None  # after a flip


def add_point(split: Split, x: float, y: float, label: int) -> tuple[Split, Edit]:
    if label not in (0, 1):
        raise SpecError("label", f"must be 0 or 1; got {label!r}")
    if len(split.y_train) >= MAX_TRAIN_POINTS:
        raise SpecError("data", f"has {MAX_TRAIN_POINTS} training points already; no more can be added")
    X = np.vstack([split.X_train, np.array([[x, y]], dtype=split.X_train.dtype)])
    labels = np.append(split.y_train, np.array(label, dtype=split.y_train.dtype))
    return Split(X, labels, split.X_test, split.y_test), Edit("add", float(x), float(y), label)


def nearest(split: Split, x: float, y: float) -> int:
    """Index of the training point nearest to (x, y); of equally near ones the newest (the one just added)."""
    distances = np.sum((split.X_train - (x, y)) ** 2, axis=1)
    return len(distances) - 1 - int(np.argmin(distances[::-1]))


def flip_nearest(split: Split, x: float, y: float) -> tuple[Split, Edit]:
    i = nearest(split, x, y)
    labels = split.y_train.copy()
    old = int(labels[i] > 0.5)
    labels[i] = 1 - old
    px, py = split.X_train[i]
    return Split(split.X_train, labels, split.X_test, split.y_test), Edit("flip", float(px), float(py), old, 1 - old)


def delete_nearest(split: Split, x: float, y: float) -> tuple[Split, Edit]:
    if len(split.y_train) <= MIN_TRAIN_POINTS:
        raise SpecError("data", f"needs at least {MIN_TRAIN_POINTS} training points; none can be deleted")
    i = nearest(split, x, y)
    px, py = split.X_train[i]
    keep = np.arange(len(split.y_train)) != i
    edit = Edit("delete", float(px), float(py), int(split.y_train[i] > 0.5))
    return Split(split.X_train[keep], split.y_train[keep], split.X_test, split.y_test), edit
