"""Model stealing: copy the shipped victim from its answers alone, then measure how good the copy is.

Where the attacker asks is its strategy (steal_strategies.py, listed by name in registry.py). The copy's
architecture and training are the attacker's choice (`exp`: layers, epochs, …). Each budget × seed gets its
own query budget on the victim, enforced by `QueryAPI`. Measured per copy:
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
from ml101.engine.attacks.lab import Tracker, recipe, seed_list, summary, workshop_split
from ml101.engine.attacks.registry import steal_strategy
from ml101.engine.attacks.steal_strategies import Theft
from ml101.engine.data import MOONS_WINDOW, Split, moons
from ml101.engine.errors import SpecError
from ml101.engine.nets.frozen import FrozenNet, grid_points
from ml101.engine.nets.stacked import CancelCheck, Progress, Stack
from ml101.engine.spec import Experiment
from ml101.engine.victim import DEFAULT_NOISE, QueryAPI, Victim, check_output, load_victim

SWEEP_BUDGETS = (10, 25, 50, 100, 250, 500, 900)
MAX_BUDGET = 100_000
GRID_SIZE = (100, 75)
FRESH_POINTS, FRESH_SEED = 2000, 99  # the evaluation moons: no attacker draws with this seed


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


def check_budget(budget) -> None:
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or not 1 <= budget <= MAX_BUDGET:
        raise SpecError("budget", f"must be a whole number of queries from 1 to {MAX_BUDGET}; got {budget!r}")


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
    """Copies of the victim for every budget and seed (one stacked run, or one per round for `active`)."""
    record = steal_strategy(strategy)
    check_output(output)
    memory.check_sweep_length("budgets", budgets)
    for budget in budgets:
        check_budget(budget)
    exp = exp or recipe()
    victim = victim or load_victim()
    data = data or workshop_split()
    seeds_used = seed_list(seeds, seed)
    most = max(budgets, default=1)
    # an attacker who asks in rounds ranks `pool` candidates per query of a round after the first
    asked_at_once = max(GRID_SIZE[0] * GRID_SIZE[1], FRESH_POINTS,
                        record.pool * most // (record.rounds - 1) if record.rounds > 1 else 0)
    memory.check_stack(exp, len(budgets) * len(seeds_used), most, asked_at_once,
                       field="budgets" if len(budgets) > 1 else "budget")
    runs = [(int(b), s) for b in budgets for s in seeds_used]
    apis = [QueryAPI(victim, output, budget=b, noise=noise, seed=s) for b, s in runs]
    tracker = Tracker(record.rounds, exp.epochs, on_progress, should_cancel)
    stack, asked, heard = record.function(Theft(exp, runs, apis, data, window, tracker, threads))
    return _measure(strategy, output, victim, data, window, stack, runs, apis, asked, heard, seeds_used, budgets)


def steal_run(strategy: str, budget: int | None = None, **options) -> StealPoint:
    """One budget (by default the strategy's) of one strategy: a sweep of one point."""
    if budget is None:
        budget = steal_strategy(strategy).default_budget
    return steal_sweep(strategy, [budget], **options)[0]


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
