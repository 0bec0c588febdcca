"""The attack lab's curves: accuracy vs poisoned share (per strategy, with and without the defence) and
agreement with the victim vs queries (per strategy, everywhere and on the data), drawn with plotext.

Curves of every strategy swept so far with the current defence (or answer mode) stay on the plot, so
strategies can be compared one `c` at a time; the current strategy is drawn last, on top.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual_plotext import PlotextPlot

from ml101.tui.i18n import t

COLOURS = ((60, 190, 220), (240, 190, 40), (230, 80, 80), (120, 200, 90), (190, 120, 230), (240, 140, 200),
           (200, 200, 200), (110, 140, 255))
MONO_MARKERS = "•+xo*#%@~="


@dataclass(frozen=True)
class Series:
    label: str
    x: list[float]
    y: list[float]
    spread: list[float] | None = None  # standard deviation over the seeds: drawn as error bars


def curve_key(settings) -> tuple[str, str, str]:
    """Which stored curve a setting's sweep fills: attack, strategy and the defence or answer mode."""
    variant = settings.defense if settings.attack == "poison" else settings.output
    return settings.attack, settings.strategy, variant


def _line(label: str, x: list[float], rows, metric: str, bars: bool) -> Series:
    spread = [row.get(f"{metric}_std", 0.0) for row in rows] if bars else None
    return Series(label, x, [row[metric] for row in rows], spread)


def series_for(settings, curves: dict) -> list[Series]:
    """The lines to draw for the current settings out of every curve computed so far."""
    attack, strategy, variant = curve_key(settings)
    chosen = [key for key in curves if key[0] == attack and key[2] == variant]
    chosen.sort(key=lambda key: key[1] == strategy)  # the current strategy last: drawn on top
    series: list[Series] = []
    for key in chosen:
        rows = curves[key].rows
        name = key[1]

        bars = name == strategy  # error bars for the current strategy only: for every line they hide the lines
        if attack == "poison":
            x = [row["fraction"] for row in rows]
            series.append(_line(name, x, rows, "poisoned_test_accuracy", bars))
            if variant != "none":
                series.append(_line(f"{name} + {t(f'attack.defense.{variant}')}", x, rows, "defended_test_accuracy",
                                    bars))
        else:
            x = [float(np.log10(row["budget"])) for row in rows]
            series.append(_line(t("attack.curve.grid", strategy=name), x, rows, "fidelity_grid", bars))
            series.append(_line(t("attack.curve.data", strategy=name), x, rows, "fidelity_data", bars))
    if attack == "poison" and chosen:
        rows = curves[chosen[-1]].rows
        series.insert(0, Series(t("attack.curve.clean"), [row["fraction"] for row in rows],
                                [row["clean_test_accuracy"] for row in rows]))
    return series


def legend_text(series: list[Series], mono: bool) -> Text:
    """Which line is which, below the plot: each line's marker (or colour) and name."""
    text = Text()
    for i, s in enumerate(series):
        if text:
            text.append("  ")
        if mono:
            text.append(MONO_MARKERS[i % len(MONO_MARKERS)] * 2, Style(bold=True))
        else:
            text.append("━━", Style(color=Color.from_rgb(*COLOURS[i % len(COLOURS)]), bold=True))
        text.append(f" {s.label}")
    return text


class AttackCurve(PlotextPlot):
    DEFAULT_CSS = """
    AttackCurve { width: 1fr; height: 1fr; min-height: 6; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._settings = None
        self._series: list[Series] = []

    def show(self, settings, curves: dict) -> list[Series]:
        self._settings = settings
        self._series = series_for(settings, curves)
        self.refresh()
        return self._series

    def render(self):
        if self._settings is None or not self._series:
            kind = "poison" if self._settings is None else self._settings.attack
            return Text(t(f"attack.curve.empty_{kind}"), justify="center")
        self._draw()
        return super().render()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        mono = self.app.no_color
        for i, s in enumerate(self._series):
            marker = MONO_MARKERS[i % len(MONO_MARKERS)] if mono else "braille"
            # no plotext legend: it would cover the top left, where every poisoning curve starts
            plt.plot(s.x, s.y, color=COLOURS[i % len(COLOURS)], marker=marker)
            if s.spread is not None and any(s.spread):
                plt.error(s.x, s.y, yerr=s.spread, color=COLOURS[i % len(COLOURS)])
        plt.ylim(0, 1.02)
        plt.yticks([0, 0.25, 0.5, 0.75, 1.0], ["0", ".25", ".5", ".75", "1"])
        if self._settings.attack == "poison":
            plt.xlim(0, 1)
            plt.xticks([0, 0.25, 0.5, 0.75, 1.0], ["0 %", "25 %", "50 %", "75 %", "100 %"])
            plt.xlabel(t("attack.curve.x_fraction"))
            plt.ylabel(t("attack.curve.y_accuracy"))
        else:
            budgets = sorted({round(10 ** x) for s in self._series for x in s.x})
            plt.xticks([float(np.log10(b)) for b in budgets], [str(b) for b in budgets])
            plt.xlabel(t("attack.curve.x_budget"))
            plt.ylabel(t("attack.curve.y_fidelity"))
