"""The status line: new numbers while training at most four times a second, a change of words at once."""

from __future__ import annotations

from textual.app import App, ComposeResult
from tui_helpers import until

from ml101.engine.spec import preset
from ml101.engine.trainer import Metrics
from ml101.tui.models import MapView, TrainingState
from ml101.tui.widgets.status_line import StatusLine


class LineApp(App):
    def compose(self) -> ComposeResult:
        yield StatusLine()


def state(epoch: int, running: bool = True, speed: float = 2873.4) -> TrainingState:
    return TrainingState(
        exp=preset("quick"), epoch=epoch, target=10**6, metrics=Metrics(epoch, 0.1, 0.2, 0.95, 0.9), history={},
        grid=None, grid_id=0, view=MapView(), window=(-1.5, 2.5, -1.0, 2.0), points=None,
        steps_per_second=speed, running=running, diverged=None, ack=0,
    )


def shown(app) -> str:
    return str(app.query_one(StatusLine).render())


async def test_numbers_wait_for_the_next_drawing_but_the_newest_is_drawn():
    app = LineApp()
    async with app.run_test() as pilot:
        line = app.query_one(StatusLine)
        line.show(state(100))
        line.show(state(200))  # right after: only numbers changed, so it waits
        line.show(state(300))
        assert "Epoch 100" in shown(app)
        await until(pilot, lambda: "Epoch 300" in shown(app), "the newest numbers are drawn")
        assert "2870 steps/s" in shown(app)  # three significant digits: the speed does not flicker


async def test_pausing_is_drawn_at_once_with_the_final_numbers():
    app = LineApp()
    async with app.run_test():
        line = app.query_one(StatusLine)
        line.show(state(100))
        line.show(state(250, running=False))
        assert "Epoch 250" in shown(app) and "steps/s" in shown(app) and "–" in shown(app)
