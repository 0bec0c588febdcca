"""Model stealing strategies: where the attacker asks the victim. engine/attacks/registry.py lists them by name.

    train    the notebook: the victim's own training inputs (the attacker has the data, not the labels)
    data     fresh points from the same distribution (new moons): copies the victim where data lives
    uniform  points spread evenly over the plot window: copies the off-data regions too
    active   in rounds: a quarter of the budget uniform, then ask where the current copy is least sure

Every strategy is a function of a `Theft` (the copies to make: budgets, seeds, query APIs, training) that asks,
trains the copies and returns them with what each asked and heard. Most attackers choose all their queries
before asking: `at_once(where)` turns their choice, `where(budget, seed, data, window) -> points`, into such a
function. An adaptive attacker (`active`) asks in rounds and trains between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ml101.engine.attacks.lab import Tracker, pad
from ml101.engine.data import Split, moons

if TYPE_CHECKING:
    from ml101.engine.nets.stacked import Stack
    from ml101.engine.spec import Experiment
    from ml101.engine.victim import QueryAPI

ACTIVE_ROUNDS = 4
ACTIVE_START = 0.25  # share of the budget the first, uniform round spends
ACTIVE_POOL = 20  # candidates looked at per query the active attacker sends
ATTACKER_SEED_BASE = 10_000  # the "data" attacker's moons use seed 10 000 + run seed

Window = tuple[float, float, float, float]
Where = Callable[[int, int, Split, Window], np.ndarray]  # (budget, seed, data, window) -> the points to ask


@dataclass(frozen=True)
class Theft:
    """Everything a stealing strategy works with: one copy per (budget, seed) run, each with its own API."""

    exp: Experiment  # how the copies are trained
    runs: list[tuple[int, int]]  # (budget, seed) per copy
    apis: list[QueryAPI]  # per copy: the victim behind its own query budget
    data: Split  # the workshop data (an attacker may know the training inputs)
    window: Window
    tracker: Tracker  # trains the stack and counts the epochs of every round
    threads: int | None = None

    def train(self, asked: list[np.ndarray], heard: list[np.ndarray]) -> Stack:
        X, y, mask = pad(asked, heard)
        return self.tracker.train(self.exp, X, y, [s for _, s in self.runs], mask=mask, threads=self.threads)


Stolen = tuple["Stack", list[np.ndarray], list[np.ndarray]]  # the copies, and per copy what it asked and heard


def at_once(where: Where) -> Callable[[Theft], Stolen]:
    """A strategy that picks every query before asking: ask once, train the copies once."""

    def steal(theft: Theft) -> Stolen:
        asked = [where(b, s, theft.data, theft.window) for b, s in theft.runs]
        heard = [api.query(X) for api, X in zip(theft.apis, asked, strict=True)]
        return theft.train(asked, heard), asked, heard

    return steal


def uniform_points(n: int, window, rng: np.random.Generator) -> np.ndarray:
    x0, x1, y0, y1 = window
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def training_inputs(budget: int, seed: int, data: Split, window: Window) -> np.ndarray:
    """At most `budget` points: the attacker has only the victim's training inputs."""
    return data.X_train[:budget]


def fresh_moons(budget: int, seed: int, data: Split, window: Window) -> np.ndarray:
    return moons(budget, noise=0.2, seed=ATTACKER_SEED_BASE + seed).X


def uniform_window(budget: int, seed: int, data: Split, window: Window) -> np.ndarray:
    return uniform_points(budget, window, np.random.default_rng([seed, 21]))


def where_unsure(theft: Theft) -> Stolen:
    """Uncertainty sampling in rounds: after each round the copies are retrained and asked where p ≈ 0.5."""
    apis = theft.apis
    rngs = [np.random.default_rng([s, 31]) for _, s in theft.runs]
    asked = [uniform_points(max(1, int(round(ACTIVE_START * b))), theft.window, rng)
             for (b, _), rng in zip(theft.runs, rngs, strict=True)]
    heard = [api.query(X) for api, X in zip(apis, asked, strict=True)]
    stack = theft.train(asked, heard)
    for round_ in range(1, ACTIVE_ROUNDS):
        # spread what is left evenly over the remaining rounds; the last takes the rest
        sizes = [(api.remaining if round_ == ACTIVE_ROUNDS - 1 else api.remaining // (ACTIVE_ROUNDS - round_))
                 for api in apis]
        pools = [uniform_points(max(1, size) * ACTIVE_POOL, theft.window, rng)
                 for size, rng in zip(sizes, rngs, strict=True)]
        doubt = -np.abs(stack.logits(pad(pools, [np.zeros(len(p)) for p in pools])[0]))
        for i, (size, pool) in enumerate(zip(sizes, pools, strict=True)):
            if size > 0:
                pick = np.argsort(doubt[i, : len(pool)], kind="stable")[-size:]
                asked[i] = np.vstack([asked[i], pool[pick]])
                heard[i] = np.concatenate([heard[i], apis[i].query(pool[pick])])
        stack = theft.train(asked, heard)
    return stack, asked, heard
