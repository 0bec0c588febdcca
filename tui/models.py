"""The UI's plain values: what the screens, widgets and workers pass between them, with no Textual in them.

`TrainingState` is the training worker's picture of a run; `MapView` what the boundary map shows;
`AttackSettings` the attack lab's settings, a value the keys change (each attack keeps its own strategy and
amount, so switching between poisoning and stealing loses nothing). The choices are the engine's own lists,
read when asked (engine/attacks/registry.py for the strategies): a strategy or defence added there shows up
here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace

import numpy as np

from ml101.engine.attacks.defend import DEFENSES
from ml101.engine.attacks.registry import POISON, STEAL, PoisonStrategy, StealStrategy
from ml101.engine.attacks.steal import MAX_BUDGET, SWEEP_BUDGETS
from ml101.engine.data import Split
from ml101.engine.spec import Experiment
from ml101.engine.trainer import Metrics
from ml101.engine.victim import OUTPUTS

NO_LIMIT = sys.maxsize  # a TrainingState's target when training runs until paused


@dataclass(frozen=True)
class MapView:
    """What the boundary map shows: the trained or the fresh model, the output or one hidden neuron."""

    untrained: bool = False
    neuron: tuple[int, int] | None = None  # (hidden layer, unit), 0-based

    def within(self, layers: tuple[int, ...]) -> MapView:
        """This view, or the output's if the chosen neuron is not in a network of these layers."""
        n = self.neuron
        if n is None or (0 <= n[0] < len(layers) and 0 <= n[1] < layers[n[0]]):
            return self
        return MapView(self.untrained, None)


@dataclass(frozen=True)
class TrainingState:
    exp: Experiment
    epoch: int
    target: int  # training pauses by itself at this epoch
    metrics: Metrics
    history: dict[str, np.ndarray]  # COLUMNS of engine.history, downsampled to a few hundred rows
    grid: np.ndarray | None  # (ny, nx), row 0 = smallest y; values per `view`
    grid_id: int  # changes whenever `grid` holds new values: widgets redraw only then
    view: MapView
    window: tuple[float, float, float, float]
    points: Split  # the points drawn on the map
    steps_per_second: float
    running: bool
    diverged: str | None
    ack: int  # the last command the worker has applied (see TrainingRunner.send)
    parameter_count: int = 0
    device: str = "cpu"
    custom_data: bool = False  # the training points were edited by hand


ATTACKS = ("poison", "steal")
REGISTRY = {"poison": POISON, "steal": STEAL}
FRACTION_STEP = 0.05
COUNTS = (1, 2, 3, 5, 10, 15, 20, 30, 50, 100)  # strategies set by a count: how many points the attacker touches
BUDGETS = tuple(sorted({*SWEEP_BUDGETS, 2000, 5000}))
TRAINING_POINTS = 900  # the workshop split the lab trains on: 900 training, 100 test points
assert BUDGETS[-1] <= MAX_BUDGET


@dataclass(frozen=True)
class AttackSettings:
    attack: str = "poison"
    poison_strategy: str = "last"
    fraction: float = 0.5
    count: int = 10
    defense: str = "none"
    steal_strategy: str = "train"
    budget: int = 900
    output: str = "label"

    @property
    def strategy(self) -> str:
        return self.poison_strategy if self.attack == "poison" else self.steal_strategy

    @property
    def strategies(self) -> tuple[str, ...]:
        """The current attack's strategies, in the order the keys cycle through them."""
        return tuple(REGISTRY[self.attack])

    @property
    def record(self) -> PoisonStrategy | StealStrategy:
        """The registry's record of the current strategy (a PoisonStrategy or a StealStrategy)."""
        return REGISTRY[self.attack][self.strategy]

    @property
    def uses_count(self) -> bool:
        """Strategies about a few points near one spot (target, backdoor) are set by a count."""
        return self.attack == "poison" and POISON[self.poison_strategy].amount == "count"

    def other_attack(self) -> AttackSettings:
        return replace(self, attack=ATTACKS[1 - ATTACKS.index(self.attack)])

    def next_strategy(self, delta: int) -> AttackSettings:
        choices = self.strategies
        new = choices[(choices.index(self.strategy) + delta) % len(choices)]
        return replace(self, **{f"{self.attack}_strategy": new})

    def step_amount(self, delta: int) -> AttackSettings:
        """One step more or less of what the attack spends; stays inside the allowed range."""
        if self.attack == "steal":
            return replace(self, budget=_step(BUDGETS, self.budget, delta))
        if self.uses_count:
            return replace(self, count=_step(COUNTS, self.count, delta))
        fraction = round(min(1.0, max(0.0, self.fraction + delta * FRACTION_STEP)), 2)
        return replace(self, fraction=fraction)

    def next_defense(self) -> AttackSettings:
        return replace(self, defense=DEFENSES[(DEFENSES.index(self.defense) + 1) % len(DEFENSES)])

    def next_output(self) -> AttackSettings:
        return replace(self, output=OUTPUTS[(OUTPUTS.index(self.output) + 1) % len(OUTPUTS)])

    @staticmethod
    def notebook(kind: str, base: AttackSettings | None = None) -> AttackSettings:
        """The workshop notebook's attack: flip the last 50 %, or copy with 900 label answers."""
        base = base or AttackSettings()
        if kind == "poison":
            return replace(base, attack="poison", poison_strategy="last", fraction=0.5, defense="none")
        if kind == "steal":
            return replace(base, attack="steal", steal_strategy="train", budget=900, output="label")
        raise ValueError(f"no notebook called {kind!r}; poison or steal")


def _step(values: tuple[int, ...], current: int, delta: int) -> int:
    """The next value of `values` above (delta > 0) or below `current`, or the end it is at."""
    if delta > 0:
        return next((v for v in values if v > current), values[-1])
    return next((v for v in reversed(values) if v < current), values[0])
