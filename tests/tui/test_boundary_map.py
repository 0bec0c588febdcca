"""The boundary map widget on its own: palette, points, NO_COLOR, and no redraw without a change."""

from __future__ import annotations

import numpy as np
from textual.app import App, ComposeResult
from tui_helpers import screen_text

from ml101.engine.data import MOONS_WINDOW, Split
from ml101.tui.widgets.boundary_map import LEVELS, BoundaryMap, map_area, quantize
from ml101.tui.widgets.messages import GridSizeChanged


class MapApp(App):
    def __init__(self):
        super().__init__()
        self.sizes = []

    def compose(self) -> ComposeResult:
        yield BoundaryMap()

    def on_grid_size_changed(self, event: GridSizeChanged) -> None:
        self.sizes.append((event.nx, event.ny))


# Two train points (one per class) and one test point, far apart inside the moons window.
POINTS = Split(
    X_train=np.array([[-1.0, 1.5], [2.0, -0.5]]),
    y_train=np.array([0.0, 1.0]),
    X_test=np.array([[0.5, 0.5]]),
    y_test=np.array([1.0]),
)


def left_to_right(nx=40, ny=30):
    """Class 0 on the left, class 1 on the right."""
    return np.tile(np.linspace(0, 1, nx), (ny, 1))


def test_quantize_maps_probabilities_and_activations_onto_the_fixed_palette():
    levels = quantize(np.array([0.0, 0.5, 1.0, np.nan]))
    assert levels.tolist() == [-LEVELS, 0, LEVELS, 0]  # an unknown value (diverged net) is neutral
    activations = quantize(np.array([-2.0, 0.0, 2.0, 1.0]), kind="activation")
    assert activations.tolist() == [-LEVELS, 0, LEVELS, round(LEVELS / 2)]
    assert quantize(np.zeros(3), kind="activation").tolist() == [0, 0, 0]  # a dead neuron is quiet


def test_map_area_keeps_pixels_square():
    assert map_area(80, 19, MOONS_WINDOW) == (51, 19)  # 19 rows = 38 pixels tall, 4:3 window
    assert map_area(40, 30, MOONS_WINDOW) == (40, 15)  # width-bound


async def test_points_are_drawn_train_and_test_with_different_glyphs():
    app = MapApp()
    async with app.run_test(size=(40, 15)) as pilot:
        app.query_one(BoundaryMap).show(left_to_right(), 1, MOONS_WINDOW, POINTS)
        await pilot.pause()
        text = screen_text(app)
        assert text.count("•") == 2 and text.count("×") == 1
        assert "▀" in text
        assert app.sizes[-1] == (40, 30)  # the map asked for one value per pixel


async def test_cycling_points_hides_train_then_all_points():
    app = MapApp()
    async with app.run_test(size=(40, 15)) as pilot:
        bmap = app.query_one(BoundaryMap)
        bmap.show(left_to_right(), 1, MOONS_WINDOW, POINTS)
        assert bmap.cycle_points() == "test"
        await pilot.pause()
        assert screen_text(app).count("•") == 0 and screen_text(app).count("×") == 1
        assert bmap.cycle_points() == "none"
        await pilot.pause()
        assert "×" not in screen_text(app)


async def test_no_color_uses_density_glyphs_and_letters(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = MapApp()
    async with app.run_test(size=(40, 15)) as pilot:
        app.query_one(BoundaryMap).show(left_to_right(), 1, MOONS_WINDOW, POINTS)
        await pilot.pause()
        rows = screen_text(app).splitlines()
        assert rows[7].startswith(" ") and rows[7].rstrip().endswith("█")  # sure class 0 … sure class 1
        assert "▒" in rows[7]
        text = "\n".join(rows)
        assert "o" in text and "x" in text and "X" in text  # train class 0, train class 1, test class 1
        assert "▀" not in text


async def test_the_same_grid_is_not_drawn_again(monkeypatch):
    app = MapApp()
    async with app.run_test(size=(40, 15)) as pilot:
        bmap = app.query_one(BoundaryMap)
        drawn = []
        original = bmap._render_strips
        monkeypatch.setattr(bmap, "_render_strips", lambda: drawn.append(1) or original())
        grid = left_to_right()
        bmap.show(grid, 7, MOONS_WINDOW, POINTS)
        await pilot.pause()
        count = len(drawn)
        bmap.show(grid.copy(), 7, MOONS_WINDOW, POINTS)  # same grid id: nothing new to draw
        bmap.refresh()
        await pilot.pause()
        assert len(drawn) == count
        bmap.show(1 - grid, 8, MOONS_WINDOW, POINTS)
        await pilot.pause()
        assert len(drawn) == count + 1
