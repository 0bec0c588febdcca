"""The attack lab's settings (a plain value the keys change) and the setup panel that shows them.

Both attacks keep their own strategy and amount, so switching between poisoning and stealing loses nothing.
The choices are the engine's own lists: a strategy or defence added there shows up here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ml101.engine.attacks.defend import DEFENSES
from ml101.engine.attacks.poison import DEFAULT_COUNT
from ml101.engine.attacks.poison import STRATEGIES as POISON_STRATEGIES
from ml101.engine.attacks.steal import MAX_BUDGET, SWEEP_BUDGETS
from ml101.engine.attacks.steal import STRATEGIES as STEAL_STRATEGIES
from ml101.engine.victim import OUTPUTS
from ml101.tui.i18n import t

ATTACKS = ("poison", "steal")
STRATEGIES = {"poison": POISON_STRATEGIES, "steal": STEAL_STRATEGIES}
FRACTION_STEP = 0.05
COUNTS = (1, 2, 3, 5, 10, 15, 20, 30, 50, 100)  # target / backdoor: how many points the attacker touches
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
    def uses_count(self) -> bool:
        """target and backdoor are about a few points near one spot: they are set by a count."""
        return self.attack == "poison" and self.poison_strategy in DEFAULT_COUNT

    def other_attack(self) -> AttackSettings:
        return replace(self, attack=ATTACKS[1 - ATTACKS.index(self.attack)])

    def next_strategy(self, delta: int) -> AttackSettings:
        choices = STRATEGIES[self.attack]
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


def amount_text(s: AttackSettings) -> str:
    if s.attack == "steal":
        return t("attack.amount.budget", n=s.budget)
    if s.uses_count:
        return t("attack.amount.count", n=s.count)
    return t("attack.amount.fraction", percent=f"{s.fraction * 100:g}", n=round(s.fraction * TRAINING_POINTS),
             total=TRAINING_POINTS)


def describe(s: AttackSettings) -> str:
    """The settings in a few words, to say which settings a result belongs to."""
    if s.attack == "steal":
        return f"{s.steal_strategy}, {t(f'attack.output.{s.output}')}"
    amount = t("attack.short.count", n=s.count) if s.uses_count else f"{s.fraction * 100:g} %"
    defense = "" if s.defense == "none" else f", {t('attack.label.defense')}: {t(f'attack.defense.{s.defense}')}"
    return f"{s.poison_strategy} {amount}{defense}"


CHOSEN = Style(bold=True, reverse=True)
KEY = Style(bold=True)
DIM = Style(dim=True)


def _choices(options, chosen: str, name=lambda o: o) -> Text:
    """All options in a row; the chosen one in brackets and reversed (readable with and without colour)."""
    text = Text()
    for option in options:
        if text:
            text.append(" ")
        text.append(f"[{name(option)}]" if option == chosen else f" {name(option)} ",
                    CHOSEN if option == chosen else Style())
    return text


def setup_table(s: AttackSettings, seeds: int) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style=KEY)
    table.add_column(no_wrap=True)
    table.add_column()

    def row(keys: str, label: str, value, note: str | None = None) -> None:
        table.add_row(keys, label, value)
        if note:
            table.add_row("", "", Text(note, DIM))

    row("a", t("attack.label.attack"), _choices(ATTACKS, s.attack, lambda a: t(f"attack.kind.{a}")))
    row("s S", t("attack.label.strategy"), _choices(STRATEGIES[s.attack], s.strategy),
        t(f"attack.explain.{s.attack}.{s.strategy}"))
    if s.attack == "poison":
        row("- +", t("attack.label.count" if s.uses_count else "attack.label.fraction"), Text(amount_text(s)))
        row("d", t("attack.label.defense"), _choices(DEFENSES, s.defense, lambda d: t(f"attack.defense.{d}")),
            t(f"attack.defense_help.{s.defense}"))
    else:
        row("- +", t("attack.label.budget"), Text(amount_text(s)))
        row("o", t("attack.label.output"), _choices(OUTPUTS, s.output, lambda o: t(f"attack.output.{o}")),
            t(f"attack.output_help.{s.output}"))
    table.add_row("", "", "")
    table.add_row("⏎", t("attack.label.run"), Text(t(f"attack.setup.run_{s.attack}", seeds=seeds)))
    table.add_row("c", t("attack.label.curve"), Text(t(f"attack.setup.curve_{s.attack}", seeds=seeds)))
    table.add_row(t("attack.keyname.escape"), t("attack.label.cancel"), Text(t("attack.setup.cancel")))
    table.add_row("1 2 3", t("attack.label.panels"), Text(t("attack.setup.panels")))
    return table


class AttackSetup(Static):
    """What will be attacked and how; every line names its key."""

    DEFAULT_CSS = """
    AttackSetup { height: auto; padding: 0 1; }
    """

    def show(self, settings: AttackSettings, seeds: int) -> None:
        self.update(setup_table(settings, seeds))
