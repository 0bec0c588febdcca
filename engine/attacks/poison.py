"""Data poisoning by name: how many points a strategy touches, with which random choices, on which data.

The strategies themselves are in poison_strategies.py, listed by name in registry.py. m, the number of points
a strategy changes, is round(fraction · number of training points), or `count` when given; without either it
is the strategy's default. The CLI and the curves use the fraction of the training set for every strategy so
that the curves share one axis.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ml101.engine.attacks.poison_strategies import Poisoning, PoisonInputs
from ml101.engine.attacks.registry import POISON, PoisonStrategy, poison_strategy
from ml101.engine.errors import SpecError


def poison_count(n: int, fraction: float | None, count: int | None, strategy: PoisonStrategy) -> int:
    """How many points a strategy changes, from --fraction or --count (count wins), else its default."""
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 0 <= count <= n:
            raise SpecError("count", f"must be a whole number from 0 to {n} (the training points); got {count}")
        return int(count)
    if fraction is None:
        if strategy.amount == "count":
            return int(strategy.default_amount)
        fraction = strategy.default_amount
    check_fraction(fraction)
    return int(round(fraction * n))


def check_fraction(fraction: float) -> None:
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not math.isfinite(fraction):
        raise SpecError("fraction", f"must be a number from 0 to 1; got {fraction!r}")
    if not 0.0 <= fraction <= 1.0:
        raise SpecError("fraction", f"must be from 0 to 1 (the share of training points); got {fraction:g}")


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
    record = poison_strategy(strategy)
    X, y = np.asarray(X, float), np.asarray(y, float)
    m = poison_count(len(y), fraction, count, record)
    rng = np.random.default_rng([seed, list(POISON).index(strategy)])
    given = PoisonInputs(rng, cls, clean_probability, X_test, y_test, target_index, window)
    return replace(record.function(X, y, m, given), strategy=strategy)
