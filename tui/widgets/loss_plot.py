"""The training curves: train and test loss (or accuracy) over the epochs, drawn with plotext.

Curves are thinned to about one point per column before plotting, so drawing costs the same after a million
epochs as after ten. New curves are drawn at most four times a second, and once they keep coming (training
runs: three drawings within STREAM_SECONDS) at most once a second: every drawing sends the whole plot,
≈ 10 KB, to the terminal.
"""

from __future__ import annotations

import time

import numpy as np
from rich.text import Text
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from ml101.tui.i18n import t

REDRAW_SECONDS = 0.25
STREAM_REDRAW_SECONDS = 1.0
STREAM_SECONDS = 2.0
TRAIN_COLOUR, TEST_COLOUR = (60, 190, 220), (240, 190, 40)


def thin(columns: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """At most `n` evenly spread rows of every column, always with the first and the last."""
    length = len(columns["epoch"])
    if length <= n:
        return columns
    idx = np.linspace(0, length - 1, n).round().astype(int)
    return {name: values[idx] for name, values in columns.items()}


class LossPlot(PlotextPlot):
    DEFAULT_CSS = """
    LossPlot { width: 1fr; height: 1fr; min-height: 6; }
    """

    show_accuracy: reactive[bool] = reactive(False)
    log_scale: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._history: dict[str, np.ndarray] | None = None
        self._last_draw = 0.0
        self._draws: list[float] = []  # when the last few drawings were made
        self._pending = False

    def show(self, history: dict[str, np.ndarray], running: bool = True) -> None:
        """New curves; drawn now, or at most REDRAW_SECONDS later if the last drawing was just now.
        Once training stopped (`running` False) they are drawn at once: a paused screen shows its final curves."""
        old = self._history
        self._history = history
        if old is not None and len(old["epoch"]) == len(history["epoch"]) and (
            len(old["epoch"]) == 0 or old["epoch"][-1] == history["epoch"][-1]
        ):
            return
        now = time.monotonic()
        streaming = len(self._draws) >= 3 and now - self._draws[-3] < STREAM_SECONDS
        wait = (STREAM_REDRAW_SECONDS if streaming else REDRAW_SECONDS) - (now - self._last_draw)
        if wait <= 0 or not running:
            self.refresh()
        elif not self._pending:
            self._pending = True
            self.set_timer(wait, self.refresh)

    def watch_show_accuracy(self) -> None:
        self.refresh()

    def watch_log_scale(self) -> None:
        self.refresh()

    def render(self):
        self._pending = False
        self._last_draw = time.monotonic()
        self._draws = [*self._draws[-2:], self._last_draw]
        history = self._history
        if history is None or len(history["epoch"]) == 0:
            return Text(t("plot.empty"), justify="center")
        self._draw(thin(history, max(2, self.size.width - 8)))
        return super().render()

    def _draw(self, h: dict[str, np.ndarray]) -> None:
        plt = self.plt
        plt.clear_figure()
        if self.show_accuracy:
            series = (h["train_accuracy"], h["test_accuracy"])
            plt.ylabel(t("plot.accuracy"))
        elif self.log_scale:
            # plotext 5's own log scale breaks on repeated drawing; log10 by hand is exact and stable.
            series = tuple(np.log10(np.maximum(h[name], 1e-12)) for name in ("train_loss", "test_loss"))
            plt.ylabel(t("plot.log_loss"))
        else:
            series = (h["train_loss"], h["test_loss"])
            plt.ylabel(t("plot.loss"))
        mono = self.app.no_color
        for values, label, colour, marker in (
            (series[0], t("plot.train"), TRAIN_COLOUR, "braille"),
            (series[1], t("plot.test"), TEST_COLOUR, "•" if mono else "braille"),
        ):
            ok = np.isfinite(values)  # a diverged run has inf or nan at the end: plot what is finite
            if ok.any():
                plt.plot(h["epoch"][ok].tolist(), values[ok].tolist(), label=label, color=colour, marker=marker)
        epochs = h["epoch"]
        plt.xticks(sorted(set(np.linspace(epochs[0], epochs[-1], 5).round().astype(int).tolist())))
        plt.xlabel(t("plot.epoch"))
