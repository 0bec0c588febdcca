"""Every attack strategy once: its name, its function, and what the rest of ml101 asks about it.

The engine runs a strategy through its record (poison.py, poison_lab.py, steal.py), the CLI builds the
strategies it accepts and their help from these dicts (tui/cli/attack.py), and the app cycles through them
and asks a record whether it is set by a count and whether it aims at a target (tui/models.py,
tui/workers/attack.py). So a new strategy is one entry here plus its function (poison_strategies.py,
steal_strategies.py), and its words: the app explains it under `explain_key` in the language catalogues.

The dicts' order is the order the app and the CLI offer them in. A poisoning strategy's position also seeds
its random choices, so a new one goes at the end: the others then keep their numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ml101.engine.attacks import poison_strategies as p
from ml101.engine.attacks import steal_strategies as s
from ml101.engine.errors import SpecError


@dataclass(frozen=True)
class PoisonStrategy:
    name: str
    function: Callable[[np.ndarray, np.ndarray, int, p.PoisonInputs], p.Poisoning]
    # How the app sets its size, and what a run uses when given neither a fraction nor a count: a share of
    # the training points, or a number of points (a few points near one spot are set by a count).
    amount: Literal["fraction", "count"]
    default_amount: float
    help: str  # one sentence for the CLI's help (English; the app's words are in the language catalogues)
    has_target: bool = False  # aims at one point: the app marks it, a run reports whether the model obeys there
    needs_clean_model: bool = False  # chooses its points with a clean model's help: one more training run
    takes_class: bool = False  # flips the points of one class, chosen by `cls` (the CLI's --class)

    @property
    def explain_key(self) -> str:
        return f"attack.explain.poison.{self.name}"


@dataclass(frozen=True)
class StealStrategy:
    name: str
    function: Callable[[s.Theft], s.Stolen]  # asks the victim, trains the copies
    help: str  # one sentence for the CLI's help
    default_budget: int = 250  # queries when none are given
    rounds: int = 1  # training runs per copy: more than one for an attacker who asks in rounds
    # Candidates an attacker who asks in rounds weighs per query of a round after the first: they are in
    # memory at once, so the memory estimate needs them.
    pool: int = 0

    @property
    def explain_key(self) -> str:
        return f"attack.explain.steal.{self.name}"


POISON: dict[str, PoisonStrategy] = {strategy.name: strategy for strategy in (
    # The defaults are what each strategy shows best: the notebook's 50 %, a visible dent, a few points.
    PoisonStrategy("last", p.flip_last, "fraction", 0.5, "flip the labels of the last points, as the notebook does"),
    PoisonStrategy("random", p.flip_random, "fraction", 0.3, "flip the labels of points drawn at random"),
    PoisonStrategy("class", p.flip_class, "fraction", 0.3, "flip points of one class only (--class)",
                   takes_class=True),
    PoisonStrategy("boundary", p.flip_boundary, "fraction", 0.1,
                   "flip the points a clean model is least sure about", needs_clean_model=True),
    PoisonStrategy("cluster", p.flip_cluster, "fraction", 0.1, "flip every point of one neighbourhood"),
    PoisonStrategy("target", p.flip_target, "count", 10,
                   "give the neighbours of one test point the other label: does that point flip?", has_target=True),
    PoisonStrategy("backdoor", p.add_backdoor, "count", 5,
                   "add an island of points in an empty spot: does the model learn the trigger?", has_target=True),
)}

STEAL: dict[str, StealStrategy] = {strategy.name: strategy for strategy in (
    StealStrategy("train", s.at_once(s.training_inputs), "ask about the victim's own training inputs, as the "
                  "notebook does", default_budget=900),
    StealStrategy("data", s.at_once(s.fresh_moons), "ask about fresh points like the data (new moons)"),
    StealStrategy("uniform", s.at_once(s.uniform_window), "ask about points spread evenly over the plot window"),
    StealStrategy("active", s.where_unsure, "ask in rounds, each time where the copy is least sure",
                  rounds=s.ACTIVE_ROUNDS, pool=s.ACTIVE_POOL),
)}


def poison_strategy(name: str) -> PoisonStrategy:
    """The record of a poisoning strategy; an unknown name is a SpecError naming the ones there are."""
    return _lookup(POISON, name)


def steal_strategy(name: str) -> StealStrategy:
    return _lookup(STEAL, name)


def _lookup(strategies: dict, name: str):
    if not isinstance(name, str) or name not in strategies:
        raise SpecError("strategy", f"must be one of {', '.join(strategies)}; got {name!r}")
    return strategies[name]
