"""The attack lab's boundary map: the Train screen's map plus marked points (poisoned, target, queries).

A marked point gets its own glyph, in colour and without: poisoned points are diamonds (hollow = now class
0, filled = now class 1) in magenta, the target a bullseye, the victim's answered queries plus/minus signs.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ml101.tui.i18n import t
from ml101.tui.widgets.boundary_map import (
    LEVELS,
    MONO_GLYPHS,
    POINT_COLOURS,
    TEST_GLYPH,
    TRAIN_GLYPH,
    BoundaryMap,
    level_colour,
)

POISON_COLOUR = (245, 60, 245)  # magenta: stands out on blue and orange alike
TARGET_COLOUR = (255, 255, 255)
GLYPHS = {  # (kind, label) → glyph; the same with and without colour, so the legend has one set of words
    ("poisoned", 0): "◇", ("poisoned", 1): "◆",
    ("target", 0): "◎", ("target", 1): "◎",
    ("query", 0): "-", ("query", 1): "+",
}
MARK_ORDER = ("query", "poisoned", "target")  # later kinds are drawn over earlier ones


class AttackMap(BoundaryMap):
    """`show_picture(picture, grid_id)` draws a worker Picture; `None` leaves an empty (grey) map."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._marks: tuple = ()

    def show_picture(self, picture, grid_id: int, window) -> None:
        self._marks = () if picture is None else picture.marks
        if picture is None:
            self.show(None, grid_id, window, None)
        else:
            self.show(picture.grid, grid_id, window, picture.points)

    def _overlay(self, cols: int, rows: int) -> dict:
        overlay = super()._overlay(cols, rows)
        x0, x1, y0, y1 = self._window
        for marks in sorted(self._marks, key=lambda m: MARK_ORDER.index(m.kind)):
            X = np.asarray(marks.X, float).reshape(-1, 2)
            c = np.floor((X[:, 0] - x0) / (x1 - x0) * cols).astype(int)
            r = np.floor((y1 - X[:, 1]) / (y1 - y0) * rows).astype(int)
            inside = (c >= 0) & (c < cols) & (r >= 0) & (r < rows)
            for rr, cc, label in zip(r[inside], c[inside], np.asarray(marks.labels)[inside], strict=True):
                overlay[(int(rr), int(cc))] = (marks.kind, int(label > 0.5))
        return overlay

    def _cell(self, top: int, bottom: int, point, mono: bool):
        if point is None or not isinstance(point[0], str):
            return super()._cell(top, bottom, point, mono)
        key = (top, bottom, point, mono)
        cell = self._styles.get(key)
        if cell is None:
            cell = self._styles[key] = mark_cell(top, bottom, point, mono)
        return cell


def mark_cell(top: int, bottom: int, point: tuple[str, int], mono: bool) -> tuple[str, Style]:
    glyph = GLYPHS[point]
    if mono:
        return glyph, Style(bold=True)
    kind, label = point
    colour = {"poisoned": POISON_COLOUR, "target": TARGET_COLOUR}.get(kind, POINT_COLOURS[label])
    background = level_colour(round((top + bottom) / 2))
    return glyph, Style(color=Color.from_rgb(*colour), bgcolor=Color.from_rgb(*background), bold=True)


def legend_text(mark_keys: tuple[str, ...], mono: bool, with_points: bool = True) -> Text:
    """One short legend for the maps shown: the two classes, the data points and each kind of mark."""
    text = Text()

    def item(glyphs: list[tuple[str, Style]], words: str) -> None:
        if text:
            text.append("  ")
        for glyph, style in glyphs:
            text.append(glyph, style)
        text.append(f" {words}")

    if mono:
        item([("[ ]", Style())], t("attack.legend.class0"))
        item([("[█]", Style())], t("attack.legend.class1"))
    else:
        for level, name in ((-LEVELS, "attack.legend.class0"), (LEVELS, "attack.legend.class1")):
            item([("██", Style(color=Color.from_rgb(*level_colour(level))))], t(name))
    if with_points:
        if mono:
            train = [(f"{MONO_GLYPHS[(False, 0)]}{MONO_GLYPHS[(False, 1)]}", Style(bold=True))]
            test = [(f"{MONO_GLYPHS[(True, 0)]}{MONO_GLYPHS[(True, 1)]}", Style(bold=True))]
        else:
            train = [(TRAIN_GLYPH, Style(color=Color.from_rgb(*POINT_COLOURS[c]), bold=True)) for c in (0, 1)]
            test = [(TEST_GLYPH, Style(color=Color.from_rgb(*POINT_COLOURS[c]), bold=True)) for c in (0, 1)]
        item(train, t("attack.legend.train"))
        item(test, t("attack.legend.test"))
    kinds = {"attack.legend.poisoned": "poisoned", "attack.legend.missed": "poisoned", "attack.legend.target": "target",
             "attack.legend.query": "query"}
    for key in dict.fromkeys(mark_keys):
        kind = kinds[key]
        glyphs = [(g, Style(bold=True) if mono else Style(bold=True, color=_mark_colour(kind, label)))
                  for label, g in ((0, GLYPHS[(kind, 0)]), (1, GLYPHS[(kind, 1)]))]
        item(glyphs[:1] if kind == "target" else glyphs, t(key))
    return text


def _mark_colour(kind: str, label: int) -> Color:
    return Color.from_rgb(*{"poisoned": POISON_COLOUR, "target": TARGET_COLOUR}.get(kind, POINT_COLOURS[label]))


class MapTitle(Static):
    DEFAULT_CSS = """
    MapTitle { height: 1; width: 1fr; content-align: center middle; text-style: bold; text-wrap: nowrap;
               text-overflow: ellipsis; }
    """
