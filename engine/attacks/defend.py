"""Defences against label poisoning. Each says what it changed or removed, so it can be scored honestly.

    knn    label cleaning: a point whose k nearest neighbours mostly carry the other label takes their label
           (the defender trusts the crowd: works against scattered flips, not against flipped regions)
    loss   train once, drop the points the model finds hardest to believe (highest loss), train again
    early  hold part of the (poisoned) training data out and keep the weights from the epoch where that
           held-out part was predicted best: a net learns the broad pattern before it memorises noise

The defender never knows which points were poisoned; `caught` counts afterwards how many of the touched
points really were.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml101.engine.errors import SpecError

DEFENSES = ("none", "knn", "loss", "early")
DEFAULT_K = 10
DEFAULT_DROP = 0.2  # share of training points the loss defence removes
DEFAULT_HOLDOUT = 0.2  # share held out for early stopping


@dataclass(frozen=True)
class Cleaning:
    """A defended training set: labels `y` for the points where `keep` is true."""

    defense: str
    y: np.ndarray  # labels after cleaning (all points, kept or not)
    keep: np.ndarray  # bool per point: does the retrained model see it?
    changed: np.ndarray  # indices whose label the defence changed
    removed: np.ndarray  # indices the defence dropped (or held out)


def check_defense(defense: str) -> None:
    if defense not in DEFENSES:
        raise SpecError("defense", f"must be one of {', '.join(DEFENSES)}; got {defense!r}")


def check_k(k: int, n: int) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < n:
        raise SpecError("k", f"must be a whole number from 1 to {n - 1} (neighbours per point); got {k}")


def check_share(name: str, share: float) -> None:
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0.0 < share < 1.0:
        raise SpecError(name, f"must be a share greater than 0 and less than 1; got {share!r}")


def knn_clean(X: np.ndarray, y: np.ndarray, k: int = DEFAULT_K) -> Cleaning:
    """Relabel each point whose k nearest other points vote for the other label by a strict majority."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    check_k(k, len(y))
    distance = np.linalg.norm(X[:, None, :] - X[None, :, :], axis=2)
    np.fill_diagonal(distance, np.inf)  # a point does not vote for itself
    neighbours = np.argpartition(distance, k - 1, axis=1)[:, :k]
    votes_for_one = y[neighbours].sum(axis=1)
    cleaned = y.copy()
    cleaned[votes_for_one * 2 > k] = 1.0
    cleaned[votes_for_one * 2 < k] = 0.0  # a tie keeps the label the point came with
    changed = np.flatnonzero(cleaned != y)
    return Cleaning("knn", cleaned, np.ones(len(y), bool), changed, np.array([], int))


def drop_high_loss(probability: np.ndarray, y: np.ndarray, share: float = DEFAULT_DROP) -> Cleaning:
    """Drop the `share` of points whose label a model trained on them believes least (largest |y − p|)."""
    check_share("drop", share)
    y = np.asarray(y, float)
    surprise = np.abs(y - np.asarray(probability, float))  # ranks like the cross-entropy loss, never infinite
    removed = np.sort(np.argsort(-surprise, kind="stable")[: int(round(share * len(y)))])
    keep = np.ones(len(y), bool)
    keep[removed] = False
    return Cleaning("loss", y.copy(), keep, np.array([], int), removed)


def holdout(y: np.ndarray, share: float = DEFAULT_HOLDOUT, seed: int = 0) -> Cleaning:
    """Set a random `share` aside as the validation set early stopping watches (labels as poisoned)."""
    check_share("holdout", share)
    y = np.asarray(y, float)
    rng = np.random.default_rng([seed, 7])
    removed = np.sort(rng.choice(len(y), size=max(1, int(round(share * len(y)))), replace=False))
    keep = np.ones(len(y), bool)
    keep[removed] = False
    return Cleaning("early", y.copy(), keep, np.array([], int), removed)


def caught(touched: np.ndarray, poisoned: np.ndarray) -> int:
    """How many of the points a defence touched were really poisoned."""
    return int(np.isin(touched, poisoned).sum())
