"""Data poisoning: the attacker changes training labels (or adds points) before the model is trained.

Every strategy is a pure function of the training set and returns a `Poisoning`: the poisoned points and
labels, and which of them the attacker touched, so a picture can mark them and a defence can be scored.

    last      the notebook: flip the labels of the last m training points (the split shuffled the data,
              so that is a random m, fixed by the data)
    random    flip m points drawn at random
    class     flip m points of one class only (all of them at most)
    boundary  flip the m points nearest to a clean model's decision boundary (smallest |p - 0.5|)
    cluster   flip the m points nearest to one centre: a whole region changes sides
    target    give the m points nearest to one chosen test point the other label: does that point flip?
    backdoor  add an island of m points of one class in an empty region (the trigger): does the model
              learn to answer the attacker's label there while nothing else changes?

m = round(fraction · number of training points), or `count` when given. The CLI and the curves use the
fraction of the training set for every strategy so that the curves share one axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ml101.engine.errors import SpecError

STRATEGIES = ("last", "random", "class", "boundary", "cluster", "target", "backdoor")
# What each strategy shows best when no fraction is given: the notebook's 50 %, a visible dent, a few points.
DEFAULT_FRACTION = {"last": 0.5, "random": 0.3, "class": 0.3, "boundary": 0.1, "cluster": 0.1}
DEFAULT_COUNT = {"target": 10, "backdoor": 5}
ISLAND_SPREAD = 0.05  # standard deviation of the backdoor island around its trigger


@dataclass(frozen=True)
class Poisoning:
    strategy: str
    X: np.ndarray  # (n', 2) the poisoned training points (n' = n, or n + m for backdoor)
    y: np.ndarray  # (n',) their labels as the model will see them
    changed: np.ndarray  # indices into X of the points whose label the attacker set (sorted)
    target: np.ndarray | None = None  # target/backdoor: the point whose answer the attacker wants to change
    target_label: float | None = None  # … and the answer wanted there

    @property
    def flipped(self) -> int:
        return len(self.changed)


def poison_count(n: int, fraction: float | None, count: int | None, strategy: str) -> int:
    """How many points a strategy changes, from --fraction or --count (count wins)."""
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 0 <= count <= n:
            raise SpecError("count", f"must be a whole number from 0 to {n} (the training points); got {count}")
        return int(count)
    if fraction is None:
        if strategy in DEFAULT_COUNT:
            return DEFAULT_COUNT[strategy]
        fraction = DEFAULT_FRACTION[strategy]
    check_fraction(fraction)
    return int(round(fraction * n))


def check_fraction(fraction: float) -> None:
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not math.isfinite(fraction):
        raise SpecError("fraction", f"must be a number from 0 to 1; got {fraction!r}")
    if not 0.0 <= fraction <= 1.0:
        raise SpecError("fraction", f"must be from 0 to 1 (the share of training points); got {fraction:g}")


def check_strategy(strategy: str) -> None:
    if strategy not in STRATEGIES:
        raise SpecError("strategy", f"must be one of {', '.join(STRATEGIES)}; got {strategy!r}")


def _flip(X, y, indices, strategy, **extra) -> Poisoning:
    indices = np.sort(np.asarray(indices, dtype=int))
    poisoned = y.copy()
    poisoned[indices] = 1.0 - poisoned[indices]
    return Poisoning(strategy, X.copy(), poisoned, indices, **extra)


def flip_last(X, y, m: int) -> Poisoning:
    """The notebook: `y[-m:] = 1 - y[-m:]`."""
    n = len(y)
    return _flip(X, y, np.arange(n - m, n), "last")


def flip_random(X, y, m: int, rng: np.random.Generator) -> Poisoning:
    return _flip(X, y, rng.choice(len(y), size=m, replace=False), "random")


def flip_class(X, y, m: int, cls: int, rng: np.random.Generator) -> Poisoning:
    """m points of class `cls` get the other label; a class has only so many points, so m is capped."""
    if cls not in (0, 1):
        raise SpecError("class", f"must be 0 or 1; got {cls!r}")
    members = np.flatnonzero(y == cls)
    return _flip(X, y, rng.choice(members, size=min(m, len(members)), replace=False), "class")


def flip_boundary(X, y, m: int, clean_probability: np.ndarray) -> Poisoning:
    """The m points a clean model is least sure about: small pushes where the boundary is decided."""
    margin = np.abs(np.asarray(clean_probability) - 0.5)
    return _flip(X, y, np.argsort(margin, kind="stable")[:m], "boundary")


def flip_cluster(X, y, m: int, centre: np.ndarray) -> Poisoning:
    """Every label in the disc around `centre` that holds m training points changes sides."""
    distance = np.linalg.norm(X - np.asarray(centre), axis=1)
    return _flip(X, y, np.argsort(distance, kind="stable")[:m], "cluster", target=np.asarray(centre, float))


def flip_target(X, y, m: int, point: np.ndarray, true_label: float) -> Poisoning:
    """The m training points nearest to `point` all get the label `point` should not have."""
    wanted = 1.0 - float(true_label)
    nearest = np.argsort(np.linalg.norm(X - np.asarray(point), axis=1), kind="stable")[:m]
    changed = nearest[y[nearest] != wanted]  # neighbours that already carry the wanted label stay as they are
    poisoned = y.copy()
    poisoned[nearest] = wanted
    return Poisoning("target", X.copy(), poisoned, np.sort(changed), np.asarray(point, float), wanted)


def add_backdoor(X, y, m: int, trigger: np.ndarray, label: float, rng: np.random.Generator) -> Poisoning:
    """m new points of `label`, tightly around `trigger`, appended after the real training points."""
    island = np.asarray(trigger, float) + rng.normal(scale=ISLAND_SPREAD, size=(m, 2))
    Xp = np.vstack([X, island])
    yp = np.concatenate([y, np.full(m, float(label))])
    return Poisoning("backdoor", Xp, yp, np.arange(len(y), len(y) + m), np.asarray(trigger, float), float(label))


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


def poison(
    strategy: str,
    X: np.ndarray,
    y: np.ndarray,
    *,
    fraction: float | None = None,
    count: int | None = None,
    seed: int = 0,
    cls: int = 0,
    clean_probability: np.ndarray | None = None,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    target_index: int | None = None,
    window: tuple[float, float, float, float] | None = None,
) -> Poisoning:
    """One strategy by name, with everything it may need; `seed` picks the random choices.

    boundary needs `clean_probability` (a clean model's output on X); target needs the test set (the target
    is test point `target_index`, a random one by default); backdoor puts its island at `empty_spot` of
    `window` with the label opposite to the nearest real point there.
    """
    check_strategy(strategy)
    X, y = np.asarray(X, float), np.asarray(y, float)
    m = poison_count(len(y), fraction, count, strategy)
    rng = np.random.default_rng([seed, STRATEGIES.index(strategy)])
    if strategy == "last":
        return flip_last(X, y, m)
    if strategy == "random":
        return flip_random(X, y, m, rng)
    if strategy == "class":
        return flip_class(X, y, m, cls, rng)
    if strategy == "boundary":
        if clean_probability is None:
            raise ValueError("boundary poisoning needs the clean model's probabilities on the training points")
        return flip_boundary(X, y, m, clean_probability)
    if strategy == "cluster":
        return flip_cluster(X, y, m, X[rng.integers(len(y))])
    if strategy == "target":
        if X_test is None or y_test is None:
            raise ValueError("target poisoning needs the test set to pick its target from")
        if target_index is None:
            target_index = int(rng.integers(len(y_test)))
        if not 0 <= target_index < len(y_test):
            raise SpecError("target", f"must be a test point index from 0 to {len(y_test) - 1}; got {target_index}")
        return flip_target(X, y, m, X_test[target_index], y_test[target_index])
    trigger = empty_spot(X, window or _window_of(X))
    return add_backdoor(X, y, m, trigger, 1.0 - nearest_label(X, y, trigger), rng)


def _window_of(X: np.ndarray) -> tuple[float, float, float, float]:
    from ml101.engine.data import window_around

    return window_around(X)
