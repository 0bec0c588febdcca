"""Model stealing: copy the shipped victim from its answers alone, then measure how good the copy is.

Attacker strategies (where to ask the victim):
    train    the notebook: the victim's own training inputs (the attacker has the data, not the labels)
    data     fresh points from the same distribution (new moons): copies the victim where data lives
    uniform  points spread evenly over the plot window: copies the off-data regions too
    active   in rounds: a quarter of the budget uniform, then ask where the current copy is least sure

The copy's architecture and training are the attacker's choice (`exp`: layers, epochs, …). Each budget ×
seed gets its own query budget on the victim, enforced by `QueryAPI`. Measured per copy:
    fidelity_grid    agreement with the victim on a grid over the plot window (in and off the data)
    fidelity_data    agreement on fresh in-distribution points (2000 new moons, a seed no strategy uses)
    fidelity_test    agreement on the workshop's 100 test points
    surrogate_test_accuracy / victim_test_accuracy   each model against the true test labels
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ml101.engine import budget as memory
from ml101.engine.attacks.lab import Tracker, pad, recipe, seed_list, summary, workshop_split
from ml101.engine.data import MOONS_WINDOW, Split, moons
from ml101.engine.errors import SpecError
from ml101.engine.nets.frozen import FrozenNet, grid_points
from ml101.engine.nets.stacked import CancelCheck, Progress, Stack
from ml101.engine.spec import Experiment
from ml101.engine.victim import DEFAULT_NOISE, QueryAPI, Victim, check_output, load_victim

STRATEGIES = ("train", "data", "uniform", "active")
SWEEP_BUDGETS = (10, 25, 50, 100, 250, 500, 900)
MAX_BUDGET = 100_000
ACTIVE_ROUNDS = 4
ACTIVE_START = 0.25  # share of the budget the first, uniform round spends
ACTIVE_POOL = 20  # candidates looked at per query the active attacker sends
GRID_SIZE = (100, 75)
FRESH_POINTS, FRESH_SEED = 2000, 99  # the evaluation moons: no attacker draws with this seed
ATTACKER_SEED_BASE = 10_000  # the "data" attacker's moons use seed 10 000 + run seed


@dataclass
class StealExample:
    """The first seed's run at one budget, for pictures: where it asked, what it heard, what it built."""

    queries: np.ndarray  # (n, 2)
    answers: np.ndarray  # (n,)
    copy: FrozenNet


@dataclass
class StealPoint:
    strategy: str
    budget: int
    output: str
    queries: float
    victim_test_accuracy: float
    surrogate_test_accuracy: float
    fidelity_grid: float
    fidelity_data: float
    fidelity_test: float
    seeds: list[int] = field(default_factory=list)
    spread: dict[str, float] = field(default_factory=dict)
    example: StealExample | None = None

    def to_dict(self) -> dict:
        d = {name: getattr(self, name) for name in (
            "strategy", "budget", "output", "queries", "victim_test_accuracy", "surrogate_test_accuracy",
            "fidelity_grid", "fidelity_data", "fidelity_test")}
        if float(self.queries).is_integer():
            d["queries"] = int(self.queries)
        d.update({f"{name}_std": value for name, value in self.spread.items()})
        d["seeds"] = list(self.seeds)
        return d


def check_strategy(strategy: str) -> None:
    if strategy not in STRATEGIES:
        raise SpecError("strategy", f"must be one of {', '.join(STRATEGIES)}; got {strategy!r}")


def check_budget(budget) -> None:
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or not 1 <= budget <= MAX_BUDGET:
        raise SpecError("budget", f"must be a whole number of queries from 1 to {MAX_BUDGET}; got {budget!r}")


def uniform_points(n: int, window, rng: np.random.Generator) -> np.ndarray:
    x0, x1, y0, y1 = window
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def query_points(strategy: str, budget: int, seed: int, data: Split, window) -> np.ndarray:
    """Where a non-adaptive attacker asks (at most `budget` points; `train` has only the training inputs)."""
    if strategy == "train":
        return data.X_train[:budget]
    if strategy == "data":
        return moons(budget, noise=0.2, seed=ATTACKER_SEED_BASE + seed).X
    if strategy == "uniform":
        return uniform_points(budget, window, np.random.default_rng([seed, 21]))
    raise ValueError(f"{strategy} asks adaptively; see steal_sweep")


def steal_sweep(
    strategy: str,
    budgets: Sequence[int] = SWEEP_BUDGETS,
    *,
    output: str = "label",
    seeds: int = 3,
    seed: int = 0,
    exp: Experiment | None = None,
    victim: Victim | None = None,
    data: Split | None = None,
    window: tuple[float, float, float, float] = MOONS_WINDOW,
    noise: float = DEFAULT_NOISE,
    threads: int | None = None,
    on_progress: Progress | None = None,
    should_cancel: CancelCheck | None = None,
) -> list[StealPoint]:
    """Copies of the victim for every budget and seed (one stacked run; `active` needs one per round)."""
    check_strategy(strategy)
    check_output(output)
    memory.check_sweep_length("budgets", budgets)
    for budget in budgets:
        check_budget(budget)
    exp = exp or recipe()
    victim = victim or load_victim()
    data = data or workshop_split()
    seeds_used = seed_list(seeds, seed)
    most = max(budgets, default=1)
    # the active attacker ranks ACTIVE_POOL candidates per query it still has, a round at a time
    asked_at_once = max(GRID_SIZE[0] * GRID_SIZE[1], FRESH_POINTS,
                        ACTIVE_POOL * most // (ACTIVE_ROUNDS - 1) if strategy == "active" else 0)
    memory.check_stack(exp, len(budgets) * len(seeds_used), most, asked_at_once,
                       field="budgets" if len(budgets) > 1 else "budget")
    runs = [(int(b), s) for b in budgets for s in seeds_used]
    apis = [QueryAPI(victim, output, budget=b, noise=noise, seed=s) for b, s in runs]
    tracker = Tracker(ACTIVE_ROUNDS if strategy == "active" else 1, exp.epochs, on_progress, should_cancel)
    if strategy == "active":
        stack, asked, heard = _active(exp, runs, apis, window, tracker, threads)
    else:
        asked = [query_points(strategy, b, s, data, window) for b, s in runs]
        heard = [api.query(X) for api, X in zip(apis, asked, strict=True)]
        X, y, mask = pad(asked, heard)
        stack = tracker.train(exp, X, y, [s for _, s in runs], mask=mask, threads=threads)
    return _measure(strategy, output, victim, data, window, stack, runs, apis, asked, heard, seeds_used, budgets)


def steal_run(strategy: str, budget: int = 250, **options) -> StealPoint:
    """One budget of one strategy: a sweep of one point."""
    return steal_sweep(strategy, [budget], **options)[0]


def _active(exp, runs, apis, window, tracker, threads):
    """Uncertainty sampling in rounds: after each round the copies are retrained and asked where p ≈ 0.5."""
    rngs = [np.random.default_rng([s, 31]) for _, s in runs]
    asked = [uniform_points(max(1, int(round(ACTIVE_START * b))), window, rng) for (b, _), rng in zip(runs, rngs,
                                                                                                       strict=True)]
    heard = [api.query(X) for api, X in zip(apis, asked, strict=True)]
    seeds = [s for _, s in runs]
    stack = tracker.train(exp, *_padded(asked, heard, seeds), threads=threads)
    for round_ in range(1, ACTIVE_ROUNDS):
        # spread what is left evenly over the remaining rounds; the last takes the rest
        sizes = [(api.remaining if round_ == ACTIVE_ROUNDS - 1 else api.remaining // (ACTIVE_ROUNDS - round_))
                 for api in apis]
        pools = [uniform_points(max(1, size) * ACTIVE_POOL, window, rng) for size, rng in zip(sizes, rngs, strict=True)]
        doubt = -np.abs(stack.logits(pad(pools, [np.zeros(len(p)) for p in pools])[0]))
        for i, (size, pool) in enumerate(zip(sizes, pools, strict=True)):
            if size > 0:
                pick = np.argsort(doubt[i, : len(pool)], kind="stable")[-size:]
                asked[i] = np.vstack([asked[i], pool[pick]])
                heard[i] = np.concatenate([heard[i], apis[i].query(pool[pick])])
        stack = tracker.train(exp, *_padded(asked, heard, seeds), threads=threads)
    return stack, asked, heard


def _padded(asked, heard, seeds):
    X, y, mask = pad(asked, heard)
    return X, y, seeds, mask


def _measure(strategy, output, victim, data, window, stack: Stack, runs, apis, asked, heard, seeds, budgets):
    grid = grid_points(window, *GRID_SIZE)
    fresh = moons(FRESH_POINTS, noise=0.2, seed=FRESH_SEED).X
    per_model = {
        "surrogate_test_accuracy": stack.accuracy(data.X_test, data.y_test),
        "fidelity_grid": stack.accuracy(grid, victim.net.labels(grid)),
        "fidelity_data": stack.accuracy(fresh, victim.net.labels(fresh)),
        "fidelity_test": stack.accuracy(data.X_test, victim.net.labels(data.X_test)),
    }
    victim_accuracy = round(victim.accuracy(data.X_test, data.y_test), 4)
    results = []
    n = len(seeds)
    for j, budget in enumerate(budgets):
        rows = slice(j * n, (j + 1) * n)
        means, spread = {}, {}
        for name, values in per_model.items():
            means[name], spread[name] = summary(values[rows])
        used = float(np.mean([api.queries for api in apis[rows]]))
        first = j * n
        results.append(StealPoint(
            strategy, int(budget), output, used, victim_accuracy, seeds=seeds, spread=spread,
            example=StealExample(asked[first], heard[first], stack.net(first)), **means,
        ))
    return results
