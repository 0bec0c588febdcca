"""The attack lab's numbers under the maps: what a person looks at first, then what the run was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from ml101.tui.i18n import t
from ml101.tui.widgets.attack_setup import describe

if TYPE_CHECKING:
    from ml101.tui.workers.attack import RunResult


def _pm(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return "–"
    spread = row.get(f"{name}_std", 0.0)
    return f"{value:.3f}" + (f" ±{spread:.2f}" if spread >= 0.005 else "")  # a spread that rounds to 0: not shown


def numbers_text(result: RunResult | None, seeds: int) -> Text:
    """The run's numbers in two lines: what a person looks at first, then what it was and how it was made."""
    if result is None:
        return Text(t("attack.num.none"))
    row, s = result.numbers, result.settings
    bold = Style(bold=True)
    text = Text()
    runs = len(row.get("seeds", ())) or seeds
    if s.attack == "poison":
        text.append(f"{t('attack.num.accuracy')}  ")
        text.append(f"{t('attack.num.clean')} {_pm(row, 'clean_test_accuracy')}", bold)
        text.append("  ")
        text.append(f"{t('attack.num.poisoned')} {_pm(row, 'poisoned_test_accuracy')}", bold)
        if s.defense != "none":
            text.append("  ")
            text.append(f"{t('attack.num.defended')} {_pm(row, 'defended_test_accuracy')}", bold)
        details = [t("attack.num.flipped", n=round(row["flipped"]))]
        if "defense_touched" in row:
            details.append(t("attack.num.defense", touched=round(row["defense_touched"]),
                             caught=round(row["defense_caught"])))
        if "target_hit" in row:
            details.append(t("attack.num.target", hit=round(100 * row["target_hit"]),
                             clean=round(100 * row["target_hit_clean"])))
    else:
        text.append(f"{t('attack.num.fidelity')}  ")
        text.append(f"{t('attack.num.grid')} {_pm(row, 'fidelity_grid')}", bold)
        text.append("  ")
        text.append(f"{t('attack.num.data')} {_pm(row, 'fidelity_data')}", bold)
        details = [t("attack.num.copy", copy=_pm(row, "surrogate_test_accuracy"),
                     victim=f"{row['victim_test_accuracy']:.3f}"),
                   t("attack.num.queries", used=round(row["queries"]), budget=row["budget"])]
    details.append(t("attack.num.runs", settings=describe(s), runs=runs))
    text.append("\n")
    text.append(" · ".join(details), Style(dim=True))
    return text
