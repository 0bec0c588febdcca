"""The loss plot: a few new curves are drawn within a quarter second, a steady stream of them once a second."""

from __future__ import annotations

import numpy as np
from textual.app import App, ComposeResult

from ml101.engine.history import COLUMNS
from ml101.tui.widgets import loss_plot
from ml101.tui.widgets.loss_plot import LossPlot


class PlotApp(App):
    def compose(self) -> ComposeResult:
        yield LossPlot()


def history(epochs: int) -> dict[str, np.ndarray]:
    e = np.arange(epochs, dtype=float)
    return {name: (e if name == "epoch" else 1 / (1 + e)) for name in COLUMNS}


async def test_new_curves_wait_longer_once_they_keep_coming(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(loss_plot.time, "monotonic", lambda: clock[0])
    app = PlotApp()
    async with app.run_test():
        plot = app.query_one(LossPlot)
        waits = []
        monkeypatch.setattr(plot, "set_timer", lambda wait, callback: waits.append(round(wait, 3)))
        monkeypatch.setattr(plot, "refresh", lambda *a, **k: waits.append(0))
        epochs = 10
        for _ in range(4):  # new curves every 0.1 s, each drawn: a stream
            epochs += 10
            plot.show(history(epochs))
            plot.render()  # the drawing Textual would make
            plot._pending = False
            clock[0] += 0.1
        epochs += 10
        plot.show(history(epochs))
        # drawn when mounted, then: a quarter second between drawings, until three came within two seconds,
        # then a second between drawings
        assert waits == [0.25, 0.15, 0.9, 0.9, 0.9]


async def test_curves_of_a_run_that_stopped_are_drawn_at_once(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(loss_plot.time, "monotonic", lambda: clock[0])
    app = PlotApp()
    async with app.run_test():
        plot = app.query_one(LossPlot)
        drawn, timers = [], []
        monkeypatch.setattr(plot, "set_timer", lambda wait, callback: timers.append(wait))
        monkeypatch.setattr(plot, "refresh", lambda *a, **k: drawn.append(clock[0]))
        plot.show(history(20))
        plot.render()
        timers.clear()
        clock[0] += 0.05
        plot.show(history(30), running=False)  # just drawn, but training paused: the last curves, now
        assert drawn[-1] == clock[0] and timers == []
