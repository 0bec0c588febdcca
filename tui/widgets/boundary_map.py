"""The decision-boundary map: a model's field over the plot window, with the data points on top.

Each terminal cell shows two pixels stacked: the upper half block `▀` in the top pixel's colour on the
bottom pixel's colour. Values are quantized to a fixed palette (LEVELS shades per class), so a grid that
barely changed renders to mostly the same cells. A new grid is compared cell by cell with the one on screen
and only what changed is sent: Textual repaints a line of a widget from the widget's left edge, so the map is
covered by narrow bands (children that show slices of the map's lines) and each changed cell costs its band
up to that cell. While training at 80×24 a full map is ≈ 13 KB of escape codes, an update ≈ 2 KB, and a
grid with no changed cell costs nothing. Without colour (NO_COLOR) each cell shows a density glyph instead
and the points become letters.

The widget takes plain data — a grid, a window, points — so any screen can show any model with it.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ml101.engine.data import Split
from ml101.tui.widgets.messages import GridSizeChanged

LEVELS = 9
NEUTRAL = (58, 58, 58)
CLASS_COLOURS = ((25, 95, 200), (225, 110, 20))  # class 0 blue, class 1 orange: full certainty
POINT_COLOURS = ((150, 205, 255), (255, 205, 150))
TRAIN_GLYPH, TEST_GLYPH = "•", "×"
# Without colour: the field as density (class 0 light, class 1 dark), the points as letters.
DENSITY = " ░▒▓█"
MONO_GLYPHS = {(False, 0): "o", (False, 1): "x", (True, 0): "O", (True, 1): "X"}
POINT_MODES = ("all", "test", "none")
BANDS = 8  # slices the map is shown in: more send fewer unchanged cells per change, but a full map costs more


def level_colour(level: int) -> tuple[int, int, int]:
    """The palette: level -LEVELS (sure class 0) … 0 (undecided) … +LEVELS (sure class 1)."""
    if level == 0:
        return NEUTRAL
    full = CLASS_COLOURS[level > 0]
    f = abs(level) / LEVELS
    return tuple(round(n + (c - n) * f) for n, c in zip(NEUTRAL, full, strict=True))


def quantize(grid: np.ndarray, kind: str = "probability") -> np.ndarray:
    """Grid values → palette levels. Activations are scaled by their largest size: 0 is neutral."""
    values = np.asarray(grid, dtype=np.float64)
    if kind == "activation":
        finite = np.abs(values[np.isfinite(values)])
        scale = finite.max() if finite.size and finite.max() > 0 else 1.0
        values = 0.5 + 0.5 * values / scale
    values = np.nan_to_num(values, nan=0.5, posinf=1.0, neginf=0.0)
    return np.clip(np.rint((values - 0.5) * 2 * LEVELS), -LEVELS, LEVELS).astype(np.int8)


def map_area(width: int, height: int, window) -> tuple[int, int]:
    """The largest (cols, rows) inside width × height whose pixels are square for this window."""
    x0, x1, y0, y1 = window
    aspect = (x1 - x0) / (y1 - y0)
    cols = min(width, max(1, round(height * 2 * aspect)))
    rows = min(height, max(1, round(cols / aspect / 2)))
    return cols, rows


class BoundaryMap(Widget):
    DEFAULT_CSS = """
    BoundaryMap { width: 1fr; height: 1fr; min-width: 10; min-height: 4; layout: horizontal; }
    """

    points_mode: reactive[str] = reactive("all")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._grid: np.ndarray | None = None
        self._grid_id = -1
        self._kind = "probability"
        self._window = (-1.5, 2.5, -1.0, 2.0)
        self._points: Split | None = None
        self._strips: list[Strip] | None = None
        self._cells: list[list] = []  # per line of the widget, the (text, style) of each map cell: what to compare
        self._drawn_size = None  # the widget size `_strips` were made for
        self._asked_size: tuple[int, int] | None = None
        self._styles: dict = {}

    # the public, plain-data interface ---------------------------------------------------------------
    def show(self, grid, grid_id: int, window, points: Split | None, kind: str = "probability") -> None:
        """Draw `grid` ((ny, nx), row 0 = smallest y) over `window`; redraws only if something changed."""
        window = tuple(window)
        if grid_id == self._grid_id and window == self._window and points is self._points and kind == self._kind:
            return
        self._grid = None if grid is None else quantize(grid, kind)
        self._grid_id, self._kind, self._points = grid_id, kind, points
        if window != self._window:
            self._window = window
            self._ask_for_size()
            self._invalidate()
        else:
            self._repaint_changes()

    @property
    def pixel_size(self) -> tuple[int, int]:
        """(nx, ny) pixels that fill the map area exactly at the current size."""
        cols, rows = map_area(self.size.width, self.size.height, self._window)
        return cols, rows * 2

    def cycle_points(self) -> str:
        self.points_mode = POINT_MODES[(POINT_MODES.index(self.points_mode) + 1) % len(POINT_MODES)]
        return self.points_mode

    # Textual hooks ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        for _ in range(BANDS):
            yield MapBand()

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
        """Any repaint of the map (also a subclass's, e.g. for a cursor) is one of its bands: of all of them,
        or, given regions of the map, of the bands' parts that lie in them."""
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        if repaint and self.is_mounted:
            for band in self.query_children(MapBand):
                if not regions:
                    band.refresh()
                    continue
                start, size = band.region.x - self.region.x, Region(0, 0, *band.size)
                parts = [size.intersection(r.translate((-start, 0))) for r in regions]
                if any(part.area for part in parts):
                    band.refresh(*(part for part in parts if part.area))
        return self

    def on_resize(self) -> None:
        self._ask_for_size()
        self._invalidate()

    def watch_points_mode(self) -> None:
        self._repaint_changes()

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._render_strips()
        return self._strips[y] if y < len(self._strips) else Strip.blank(self.size.width)

    # drawing ----------------------------------------------------------------------------------------
    def _invalidate(self) -> None:
        self._strips = None
        self.refresh()

    def _repaint_changes(self) -> None:
        """Redraw now, but send the terminal only what differs from the lines on screen."""
        old_cells, old_strips = self._cells, self._strips
        if old_strips is None or self._drawn_size != self.size or not self.is_mounted:
            self._invalidate()
            return
        self._strips = self._render_strips()
        bands = [(band, band.region.x - self.region.x, band.region.right - self.region.x)
                 for band in self.query_children(MapBand)]
        dirty: dict[MapBand, list[Region]] = {}
        for y, (old, new) in enumerate(zip(old_cells, self._cells, strict=True)):
            if old == new:
                continue
            changed = [self._left + x for x, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
            for band, start, end in bands:
                inside = [x for x in changed if start <= x < end]
                if inside:  # the band's line from its left edge up to its last changed cell
                    dirty.setdefault(band, []).append(Region(0, y, inside[-1] - start + 1, 1))
        for band, regions in dirty.items():
            band.refresh(*regions)

    def _ask_for_size(self) -> None:
        if self.size.width and self.size.height and self.pixel_size != self._asked_size:
            self._asked_size = self.pixel_size
            self.post_message(GridSizeChanged(*self._asked_size))

    def _render_strips(self) -> list[Strip]:
        width, height = self.size.width, self.size.height
        cols, rows = map_area(width, height, self._window)
        left, top = (width - cols) // 2, (height - rows) // 2
        levels = self._pixels(cols, rows)
        overlay = self._overlay(cols, rows)
        mono = self.app.no_color
        base = self.rich_style
        strips = [Strip.blank(width, base) for _ in range(top)]
        lines: list[list] = [[] for _ in range(top)]
        for row in range(rows):
            cells = []
            for col in range(cols):
                upper, lower = int(levels[2 * row, col]), int(levels[2 * row + 1, col])
                point = overlay.get((row, col))
                cells.append(self._cell(upper, lower, point, mono))
            segments = [Segment(" " * left, base), *_merge(cells, base), Segment(" " * (width - cols - left), base)]
            strips.append(Strip(segments, width))
            lines.append(cells)
        strips.extend(Strip.blank(width, base) for _ in range(height - rows - top))
        lines.extend([] for _ in range(height - rows - top))
        self._cells, self._left, self._drawn_size = lines, left, self.size
        return strips

    def _pixels(self, cols: int, rows: int) -> np.ndarray:
        """Palette levels for (2·rows, cols) pixels, top row first, resampled from whatever grid we have."""
        if self._grid is None:
            return np.zeros((2 * rows, cols), dtype=np.int8)
        ny, nx = self._grid.shape
        iy = ny - 1 - (np.arange(2 * rows) * ny // (2 * rows))
        ix = np.arange(cols) * nx // cols
        return self._grid[iy][:, ix]

    def _overlay(self, cols: int, rows: int) -> dict[tuple[int, int], tuple[bool, int]]:
        points, mode = self._points, self.points_mode
        if points is None or mode == "none":
            return {}
        x0, x1, y0, y1 = self._window
        sets = [(True, points.X_test, points.y_test)]
        if mode == "all":
            sets.insert(0, (False, points.X_train, points.y_train))  # test points last, so on top
        overlay = {}
        for is_test, X, y in sets:
            c = np.floor((X[:, 0] - x0) / (x1 - x0) * cols).astype(int)
            r = np.floor((y1 - X[:, 1]) / (y1 - y0) * rows).astype(int)
            inside = (c >= 0) & (c < cols) & (r >= 0) & (r < rows)
            for rr, cc, label in zip(r[inside], c[inside], y[inside], strict=True):
                overlay[(int(rr), int(cc))] = (is_test, int(label > 0.5))
        return overlay

    def _cell(self, top: int, bottom: int, point, mono: bool) -> tuple[str, Style]:
        key = (top, bottom, point, mono)
        cell = self._styles.get(key)
        if cell is None:
            cell = self._styles[key] = _make_cell(top, bottom, point, mono)
        return cell


def _make_cell(top: int, bottom: int, point, mono: bool) -> tuple[str, Style]:
    if mono:
        if point is not None:
            return MONO_GLYPHS[point], Style(bold=True)
        level = (top + bottom) / 2  # -LEVELS … LEVELS → 0 … len(DENSITY)-1
        return DENSITY[round((level + LEVELS) / (2 * LEVELS) * (len(DENSITY) - 1))], Style()
    if point is not None:
        is_test, label = point
        background = level_colour(round((top + bottom) / 2))
        return (TEST_GLYPH if is_test else TRAIN_GLYPH), Style(
            color=Color.from_rgb(*POINT_COLOURS[label]), bgcolor=Color.from_rgb(*background), bold=True
        )
    return "▀", Style(color=Color.from_rgb(*level_colour(top)), bgcolor=Color.from_rgb(*level_colour(bottom)))


def _merge(cells: list[tuple[str, Style]], base: Style) -> list[Segment]:
    """Neighbouring cells with the same style become one segment: fewer escape codes on the wire."""
    segments: list[Segment] = []
    run_text, run_style = "", None
    for text, style in cells:
        if style == run_style:
            run_text += text
            continue
        if run_text:
            segments.append(Segment(run_text, base + run_style))
        run_text, run_style = text, style
    if run_text:
        segments.append(Segment(run_text, base + run_style))
    return segments


class MapBand(Widget):
    """A vertical slice of the map on top of it, showing the map's own lines: each band starts a new piece of
    line for Textual, so a changed cell is sent from the band's left edge instead of the map's."""

    DEFAULT_CSS = """
    MapBand { width: 1fr; height: 1fr; }
    """

    def render_line(self, y: int) -> Strip:
        bmap = self.parent
        start = self.region.x - bmap.region.x
        return bmap.render_line(y).crop(start, start + self.size.width)
