"""Data poisoning strategies: the attacker changes training labels (or adds points) before the model is trained.

Every strategy is a pure function `(X, y, m, given) -> Poisoning` of the training set, the number m of points
it may touch, and `given` (a PoisonInputs: the random generator and whatever else one of them needs). It
returns the poisoned points and labels, and which of them the attacker touched, so a picture can mark them
and a defence can be scored. engine/attacks/registry.py lists them by name; poison.py runs one by name.

    last      the notebook: flip the labels of the last m training points (the split shuffled the data,
              so that is a random m, fixed by the data)
    random    flip m points drawn at random
    class     flip m points of one class only (all of them at most)
    boundary  flip the m points nearest to a clean model's decision boundary (smallest |p - 0.5|)
    cluster   flip the m points nearest to one centre: a whole region changes sides
    target    give the m points nearest to one chosen test point the other label: does that point flip?
    backdoor  add an island of m points of one class in an empty region (the trigger): does the model
              learn to answer the attacker's label there while nothing else changes?
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml101.engine.data import window_around
from ml101.engine.errors import SpecError

ISLAND_SPREAD = 0.05  # standard deviation of the backdoor island around its trigger


@dataclass(frozen=True)
class Poisoning:
    X: np.ndarray  # (n', 2) the poisoned training points (n' = n, or n + m for backdoor)
    y: np.ndarray  # (n',) their labels as the model will see them
    changed: np.ndarray  # indices into X of the points whose label the attacker set (sorted)
    target: np.ndarray | None = None  # target/backdoor: the point whose answer the attacker wants to change
    target_label: float | None = None  # … and the answer wanted there
    strategy: str = ""  # the registry's name for what made it (poison.poison fills it in)

    @property
    def flipped(self) -> int:
        return len(self.changed)


@dataclass(frozen=True)
class PoisonInputs:
    """What a strategy may use besides the training set and m; each one reads only what it needs."""

    rng: np.random.Generator  # seeded per strategy and run: the same seed poisons the same points
    cls: int = 0  # class: the class whose points flip
    clean_probability: np.ndarray | None = None  # boundary: a clean model's output on the training points
    X_test: np.ndarray | None = None  # target: the test set the target is picked from …
    y_test: np.ndarray | None = None
    target_index: int | None = None  # … and which test point it is (a random one when None)
    window: tuple[float, float, float, float] | None = None  # backdoor: the plot window it hides its island in


def flip(X, y, indices) -> Poisoning:
    """The labels at `indices` change sides; the points stay where they are."""
    indices = np.sort(np.asarray(indices, dtype=int))
    poisoned = y.copy()
    poisoned[indices] = 1.0 - poisoned[indices]
    return Poisoning(X.copy(), poisoned, indices)


def flip_last(X, y, m: int, given: PoisonInputs) -> Poisoning:
    """The notebook: `y[-m:] = 1 - y[-m:]`."""
    n = len(y)
    return flip(X, y, np.arange(n - m, n))


def flip_random(X, y, m: int, given: PoisonInputs) -> Poisoning:
    return flip(X, y, given.rng.choice(len(y), size=m, replace=False))


def flip_class(X, y, m: int, given: PoisonInputs) -> Poisoning:
    """m points of class `given.cls` get the other label; a class has only so many points, so m is capped."""
    if given.cls not in (0, 1):
        raise SpecError("class", f"must be 0 or 1; got {given.cls!r}")
    members = np.flatnonzero(y == given.cls)
    return flip(X, y, given.rng.choice(members, size=min(m, len(members)), replace=False))


def flip_boundary(X, y, m: int, given: PoisonInputs) -> Poisoning:
    """The m points a clean model is least sure about: small pushes where the boundary is decided."""
    if given.clean_probability is None:
        raise ValueError("boundary poisoning needs the clean model's probabilities on the training points")
    margin = np.abs(np.asarray(given.clean_probability) - 0.5)
    return flip(X, y, np.argsort(margin, kind="stable")[:m])


def flip_cluster(X, y, m: int, given: PoisonInputs) -> Poisoning:
    """Every label in the disc around a random training point that holds m training points changes sides."""
    centre = X[given.rng.integers(len(y))]
    distance = np.linalg.norm(X - centre, axis=1)
    nearest = flip(X, y, np.argsort(distance, kind="stable")[:m])
    return Poisoning(nearest.X, nearest.y, nearest.changed, target=np.asarray(centre, float))


def flip_target(X, y, m: int, given: PoisonInputs) -> Poisoning:
    """The m training points nearest to one test point all get the label that point should not have."""
    X_test, y_test, index = given.X_test, given.y_test, given.target_index
    if X_test is None or y_test is None:
        raise ValueError("target poisoning needs the test set to pick its target from")
    if index is None:
        index = int(given.rng.integers(len(y_test)))
    if not 0 <= index < len(y_test):
        raise SpecError("target", f"must be a test point index from 0 to {len(y_test) - 1}; got {index}")
    point, wanted = np.asarray(X_test[index], float), 1.0 - float(y_test[index])
    nearest = np.argsort(np.linalg.norm(X - point, axis=1), kind="stable")[:m]
    changed = nearest[y[nearest] != wanted]  # neighbours that already carry the wanted label stay as they are
    poisoned = y.copy()
    poisoned[nearest] = wanted
    return Poisoning(X.copy(), poisoned, np.sort(changed), point, wanted)


def add_backdoor(X, y, m: int, given: PoisonInputs) -> Poisoning:
    """m new points tightly around the emptiest spot of the window (the trigger), appended after the real
    training points, with the label opposite to the nearest real point there."""
    trigger = empty_spot(X, given.window or window_around(X))
    label = 1.0 - nearest_label(X, y, trigger)
    island = trigger + given.rng.normal(scale=ISLAND_SPREAD, size=(m, 2))
    Xp = np.vstack([X, island])
    yp = np.concatenate([y, np.full(m, label)])
    return Poisoning(Xp, yp, np.arange(len(y), len(y) + m), trigger, label)


def empty_spot(X: np.ndarray, window: tuple[float, float, float, float], inset: float = 0.1) -> np.ndarray:
    """The place inside the plot window (kept `inset` away from its edges) farthest from every point."""
    x0, x1, y0, y1 = window
    dx, dy = (x1 - x0) * inset, (y1 - y0) * inset
    gx, gy = np.meshgrid(np.linspace(x0 + dx, x1 - dx, 41), np.linspace(y0 + dy, y1 - dy, 31))
    candidates = np.column_stack([gx.ravel(), gy.ravel()])
    nearest = np.min(np.linalg.norm(candidates[:, None, :] - X[None, :, :], axis=2), axis=1)
    return candidates[int(np.argmax(nearest))]


def nearest_label(X: np.ndarray, y: np.ndarray, point: np.ndarray) -> float:
    return float(y[int(np.argmin(np.linalg.norm(X - point, axis=1)))])
