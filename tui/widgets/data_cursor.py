"""The boundary map with a keyboard cursor for editing the training points by hand (key c on the Train screen).

In cursor mode the map has the focus and its own keys: arrows move the cursor one cell (with shift five),
0 / 1 add a training point of that class under the cursor, f flips the nearest training point's label,
x / delete / backspace deletes it, z / ctrl+z undoes, escape leaves. The map only asks
(`DataEditRequested`); the Train screen sends the edit to the worker, which owns the data.

The cursor cell is drawn reversed and bold, so it shows without colour too (NO_COLOR); a point under it
keeps its glyph, any other cell shows `+`.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from ml101.tui.i18n import binding, translate_bindings
from ml101.tui.widgets.boundary_map import MONO_GLYPHS, TEST_GLYPH, TRAIN_GLYPH, BoundaryMap, map_area
from ml101.tui.widgets.messages import CursorLeft, DataEditRequested

CURSOR_GLYPH = "+"
POINT_GLYPHS = {TRAIN_GLYPH, TEST_GLYPH, *MONO_GLYPHS.values()}
BIG_STEP = 5


class DataCursorMap(BoundaryMap):
    HELP_GROUP = "help.group_cursor"
    BINDINGS = [
        binding("up", "move(0, -1)", "cursor_up", key_display="↑", show=False),
        binding("down", "move(0, 1)", "cursor_down", key_display="↓", show=False),
        binding("left", "move(-1, 0)", "cursor_left", key_display="←", show=False),
        binding("right", "move(1, 0)", "cursor_right", key_display="→", show=False),
        binding("shift+up", f"move(0, -{BIG_STEP})", "cursor_up5", key_display="⇧↑", show=False),
        binding("shift+down", f"move(0, {BIG_STEP})", "cursor_down5", key_display="⇧↓", show=False),
        binding("shift+left", f"move(-{BIG_STEP}, 0)", "cursor_left5", key_display="⇧←", show=False),
        binding("shift+right", f"move({BIG_STEP}, 0)", "cursor_right5", key_display="⇧→", show=False),
        binding("0", "add(0)", "add0"),
        binding("1", "add(1)", "add1"),
        binding("f", "flip", "flip"),
        binding("x,delete,backspace", "delete", "delete_point", key_display="x"),
        binding("z,ctrl+z", "undo", "undo", key_display="z"),
        binding("escape", "leave", "cursor_leave", key_display="Esc"),
    ]
    can_focus = False  # only in cursor mode

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        translate_bindings(self)
        self.editing = False
        self.cursor: tuple[int, int] | None = None  # (column, row) of the map area, top-left is (0, 0)

    # the mode ---------------------------------------------------------------------------------------
    def start(self) -> None:
        self.editing = True
        self.can_focus = True
        if self.cursor is None:
            cols, rows = self._area()
            self.cursor = (cols // 2, rows // 2)
        self.focus()
        self.refresh()

    def stop(self) -> None:
        if not self.editing:
            return
        self.editing = False
        self.can_focus = False
        if self.has_focus:
            self.screen.set_focus(None)
        self.refresh()
        self.post_message(CursorLeft())

    def position(self) -> tuple[float, float]:
        """The cursor cell's centre in data coordinates."""
        cols, rows = self._area()
        col, row = self._clamped(cols, rows)
        x0, x1, y0, y1 = self._window
        return x0 + (col + 0.5) / cols * (x1 - x0), y1 - (row + 0.5) / rows * (y1 - y0)

    # keys -------------------------------------------------------------------------------------------
    def action_move(self, dx: int, dy: int) -> None:
        cols, rows = self._area()
        col, row = self._clamped(cols, rows)
        self.cursor = (min(max(col + dx, 0), cols - 1), min(max(row + dy, 0), rows - 1))
        top = (self.size.height - rows) // 2  # only the lines the cursor left and entered are sent again
        self.refresh(*(Region(0, top + r, self.size.width, 1) for r in {row, self.cursor[1]}))
        self.post_message(DataEditRequested("move", *self.position()))

    def action_add(self, label: int) -> None:
        self.post_message(DataEditRequested("add", *self.position(), label=label))

    def action_flip(self) -> None:
        self.post_message(DataEditRequested("flip", *self.position()))

    def action_delete(self) -> None:
        self.post_message(DataEditRequested("delete", *self.position()))

    def action_undo(self) -> None:
        self.post_message(DataEditRequested("undo"))

    def action_leave(self) -> None:
        self.stop()

    # drawing: the map's own lines, with the cursor cell replaced ------------------------------------
    def _area(self) -> tuple[int, int]:
        return map_area(max(self.size.width, 1), max(self.size.height, 1), self._window)

    def _clamped(self, cols: int, rows: int) -> tuple[int, int]:
        col, row = self.cursor or (cols // 2, rows // 2)
        return min(max(col, 0), cols - 1), min(max(row, 0), rows - 1)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if not self.editing or not self.size.width or not self.size.height:
            return strip
        width, height = self.size.width, self.size.height
        cols, rows = self._area()
        col, row = self._clamped(cols, rows)
        if y != (height - rows) // 2 + row:
            return strip
        x = (width - cols) // 2 + col
        under = strip.crop(x, x + 1).text
        glyph = under if under in POINT_GLYPHS else CURSOR_GLYPH
        cell = Strip([Segment(glyph, self.rich_style + Style(bold=True, reverse=True))], 1)
        return Strip.join([strip.crop(0, x), cell, strip.crop(x + 1, width)])
