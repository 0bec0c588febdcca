"""The attack lab's setup panel: the settings (tui/models.py, AttackSettings) as a table with their keys."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ml101.engine.attacks.defend import DEFENSES
from ml101.engine.victim import OUTPUTS
from ml101.tui.i18n import t
from ml101.tui.models import ATTACKS, TRAINING_POINTS, AttackSettings


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
    row("s S", t("attack.label.strategy"), _choices(s.strategies, s.strategy), t(s.record.explain_key))
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
