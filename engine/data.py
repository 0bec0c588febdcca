"""Datasets: the workshop's two moons (point for point), TF Playground's four, and your own CSV.

Every generator returns a `Dataset` of `n` points with two features and 0/1 labels, balanced between the two
classes. `split` cuts a dataset into train and test parts the way the workshop's scikit-learn call did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ml101.engine.errors import SpecError

# The workshop notebooks drew their decision boundaries over this window (x, then y).
MOONS_WINDOW = (-1.5, 2.5, -1.0, 2.0)


@dataclass(frozen=True)
class Dataset:
    X: np.ndarray  # (n, 2) float64
    y: np.ndarray  # (n,) float64 of 0.0 / 1.0
    name: str
    window: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max for plots

    def __len__(self) -> int:
        return len(self.y)


@dataclass(frozen=True)
class Split:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def window_around(X: np.ndarray, margin: float = 0.15) -> tuple[float, float, float, float]:
    """A plot window that shows every point with a margin, at least 1 unit wide each way."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1.0)
    lo, hi = lo - margin * span, hi + margin * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def moons(n: int = 1000, noise: float = 0.2, seed: int = 100) -> Dataset:
    """scikit-learn's `make_moons(n, noise=noise, random_state=seed)`, re-done in NumPy, same points."""
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack(
        [
            np.append(np.cos(t_out), 1 - np.cos(t_in)),
            np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5),
        ]
    ).T
    y = np.hstack([np.zeros(n_out), np.ones(n_in)])
    rng = np.random.RandomState(seed)
    order = np.arange(n)
    rng.shuffle(order)
    X, y = X[order], y[order]
    X = X + rng.normal(scale=noise, size=X.shape)
    return Dataset(X, y, "moons", MOONS_WINDOW)


def _two_classes(n: int, rng: np.random.Generator) -> tuple[int, int]:
    return n // 2, n - n // 2


def circles(n: int = 1000, noise: float = 0.1, seed: int = 0) -> Dataset:
    """A disc of class 1 inside a ring of class 0 (TF Playground's "circle")."""
    rng = np.random.default_rng(seed)
    n_ring, n_disc = _two_classes(n, rng)
    r = np.concatenate([rng.uniform(0.7, 1.0, n_ring), rng.uniform(0.0, 0.5, n_disc)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)]) + rng.normal(scale=noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_ring), np.ones(n_disc)])
    return _shuffled(X, y, "circles", rng)


def xor(n: int = 1000, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Four squares; class 1 where x and y have the same sign (TF Playground's "exclusive or")."""
    rng = np.random.default_rng(seed)
    n0, n1 = _two_classes(n, rng)
    pad = 0.05  # keep points off the axes so the true labels are unambiguous before noise

    def quadrant_points(count: int, same_sign: bool) -> np.ndarray:
        pts = rng.uniform(pad, 1.0, size=(count, 2))
        sx = rng.choice([-1.0, 1.0], size=count)
        sy = sx if same_sign else -sx
        return pts * np.column_stack([sx, sy])

    X = np.vstack([quadrant_points(n0, False), quadrant_points(n1, True)])
    X = X + rng.normal(scale=noise, size=X.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return _shuffled(X, y, "xor", rng)


def gauss(n: int = 1000, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two Gaussian blobs; noise widens them until they overlap (TF Playground's "Gaussian")."""
    rng = np.random.default_rng(seed)
    n0, n1 = _two_classes(n, rng)
    spread = 0.2 + noise
    X = np.vstack(
        [rng.normal((-0.5, -0.5), spread, size=(n0, 2)), rng.normal((0.5, 0.5), spread, size=(n1, 2))]
    )
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return _shuffled(X, y, "gauss", rng)


def spiral(n: int = 1000, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Two interleaved spiral arms, the hardest of TF Playground's four."""
    rng = np.random.default_rng(seed)
    n0, n1 = _two_classes(n, rng)
    arms = []
    for count, offset in ((n0, 0.0), (n1, np.pi)):
        t = np.linspace(0.0, 1.0, count)
        r = t
        angle = 1.75 * t * 2 * np.pi + offset
        arms.append(np.column_stack([r * np.sin(angle), r * np.cos(angle)]))
    X = np.vstack(arms) + rng.normal(scale=noise, size=(n, 2))
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return _shuffled(X, y, "spiral", rng)


def _shuffled(X: np.ndarray, y: np.ndarray, name: str, rng: np.random.Generator) -> Dataset:
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    return Dataset(X, y, name, window_around(X))


GENERATORS = {"moons": moons, "circles": circles, "xor": xor, "gauss": gauss, "spiral": spiral}


def generate(name: str, n: int, noise: float, seed: int) -> Dataset:
    if name not in GENERATORS:
        raise SpecError("data", f"unknown dataset {name!r}; choose one of {', '.join(GENERATORS)} or a .csv file")
    return GENERATORS[name](n=n, noise=noise, seed=seed)


def split(data: Dataset, test_fraction: float = 0.1, seed: int = 42) -> Split:
    """scikit-learn's `train_test_split(test_size=test_fraction, random_state=seed)`, in NumPy.

    The first ceil(f·n) indices of `RandomState(seed).permutation(n)` are the test set, the rest train.
    """
    n = len(data)
    n_test = math.ceil(test_fraction * n)
    n_train = n - n_test
    if n_test < 1 or n_train < 1:
        raise SpecError(
            "test_fraction", f"leaves {n_train} training and {n_test} test points; each needs at least 1"
        )
    order = np.random.RandomState(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return Split(data.X[train], data.y[train], data.X[test], data.y[test])
