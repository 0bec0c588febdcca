"""The boundary map sends the terminal only what changed, and what it shows is still exactly the latest grid."""

from __future__ import annotations

import numpy as np
from rich.color import ColorSystem
from textual.app import App, ComposeResult

from ml101.engine.data import MOONS_WINDOW, Split
from ml101.tui.widgets.boundary_map import BoundaryMap

SIZE = (53, 19)  # the map at 80×24
RNG = np.random.default_rng(0)
POINTS = Split(
    X_train=RNG.uniform([-1.5, -1.0], [2.5, 2.0], (300, 2)),
    y_train=RNG.integers(0, 2, 300).astype(float),
    X_test=RNG.uniform([-1.5, -1.0], [2.5, 2.0], (100, 2)),
    y_test=RNG.integers(0, 2, 100).astype(float),
)


class MapApp(App):
    def __init__(self):
        super().__init__()
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        yield BoundaryMap()

    def on_mount(self) -> None:
        self.console._color_system = ColorSystem.TRUECOLOR  # count bytes as a colour terminal gets them

    def _display(self, screen, renderable) -> None:  # headless: keep what a terminal would have been sent
        if renderable is not None:
            self.sent.append(renderable.render_segments(self.console))


def field(shift: float, nx: int, ny: int) -> np.ndarray:
    """A smooth boundary (a tilted logistic) that moves a little with `shift`."""
    x, y = np.meshgrid(np.linspace(-1.5, 2.5, nx), np.linspace(-1.0, 2.0, ny))
    return 1 / (1 + np.exp(-3 * (x - 0.5 * y - shift)))


def cells(app) -> list[list[tuple[str, str]]]:
    """The whole screen, cell by cell (character and style): how it looks, however it is cut into pieces."""
    return [[(ch, str(seg.style)) for seg in strip for ch in seg.text]
            for strip in app.screen._compositor.render_strips()]


async def test_after_many_partial_repaints_the_screen_is_exactly_a_fresh_drawing_of_the_last_grid():
    moved = MapApp()
    async with moved.run_test(size=SIZE) as pilot:
        bmap = moved.query_one(BoundaryMap)
        nx, ny = bmap.pixel_size
        for step, shift in enumerate(np.linspace(0, 0.6, 12)):
            bmap.show(field(shift, nx, ny), step, MOONS_WINDOW, POINTS)
            await pilot.pause()
        bmap.cycle_points()
        await pilot.pause()
        seen = cells(moved)
    fresh = MapApp()
    async with fresh.run_test(size=SIZE) as pilot:
        bmap = fresh.query_one(BoundaryMap)
        bmap.points_mode = "test"
        bmap.show(field(0.6, nx, ny), 0, MOONS_WINDOW, POINTS)
        await pilot.pause()
        assert cells(fresh) == seen


async def test_a_new_grid_that_changes_no_cell_sends_nothing():
    app = MapApp()
    async with app.run_test(size=SIZE) as pilot:
        bmap = app.query_one(BoundaryMap)
        nx, ny = bmap.pixel_size
        grid = field(0.2, nx, ny)
        bmap.show(grid, 1, MOONS_WINDOW, POINTS)
        await pilot.pause()
        app.sent.clear()
        bmap.show(grid + 1e-6, 2, MOONS_WINDOW, POINTS)  # new values, the same palette levels
        await pilot.pause()
        assert "".join(app.sent) == ""


async def test_a_small_change_sends_only_its_line_and_only_near_the_change():
    app = MapApp()
    async with app.run_test(size=SIZE) as pilot:
        bmap = app.query_one(BoundaryMap)
        nx, ny = bmap.pixel_size
        app.sent.clear()
        grid = field(0.2, nx, ny)
        bmap.show(grid, 1, MOONS_WINDOW, POINTS)
        await pilot.pause()
        full = "".join(app.sent)
        app.sent.clear()
        changed = grid.copy()
        changed[ny // 2, nx - 4] = 1 - changed[ny // 2, nx - 4]  # a sure pixel flips class: one cell, one line
        bmap.show(changed, 2, MOONS_WINDOW, POINTS)
        await pilot.pause()
        update = "".join(app.sent)
        row = SIZE[1] - 1 - (ny // 2) // 2  # screen line of that pixel (row 0 of the grid is the bottom)
        assert update.count(f"\x1b[{row + 1};") == 1  # a cursor move to that line and to no other
        assert update.count("\x1b[") - update.count(f"\x1b[{row + 1};") < 20  # a few colours, nothing more
        # not the line from the map's left edge (a 19th of the map): only the narrow band the cell is in
        assert 0 < len(update) < len(full) / 50


class CursorApp(MapApp):
    def compose(self) -> ComposeResult:
        from ml101.tui.widgets.data_cursor import DataCursorMap

        yield DataCursorMap()


async def test_moving_the_data_cursor_sends_two_lines_not_the_map_and_ends_exactly_like_a_fresh_drawing():
    app = CursorApp()
    async with app.run_test(size=SIZE) as pilot:
        cmap = app.query_one(BoundaryMap)
        nx, ny = cmap.pixel_size
        cmap.show(field(0.2, nx, ny), 1, MOONS_WINDOW, POINTS)
        cmap.start()
        await pilot.pause()
        col, row = cmap.cursor
        app.sent.clear()
        for key in ("down", "down", "right", "up"):
            await pilot.press(key)
            await pilot.pause()
        moved_bytes = sum(map(len, app.sent))
        assert cmap.cursor == (col + 1, row + 1)
        after_moves = cells(app)
        app.sent.clear()
        cmap.refresh()
        await pilot.pause()
        full_bytes = sum(map(len, app.sent))
        assert cells(app) == after_moves  # the rows repainted while moving are exactly what a full drawing shows
        assert moved_bytes < full_bytes  # four moves cost less than one whole map
