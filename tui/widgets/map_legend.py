"""What the colours and glyphs on the boundary map mean, and which keys change the map.

In the data-editing mode (key c) the keys are the cursor's, with the cursor's position; points edited by
hand are marked, since they stay until new data is drawn."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ml101.tui.i18n import t
from ml101.tui.models import MapView
from ml101.tui.widgets.boundary_map import (
    DENSITY,
    LEVELS,
    MONO_GLYPHS,
    POINT_COLOURS,
    TEST_GLYPH,
    TRAIN_GLYPH,
    level_colour,
)


class MapLegend(Static):
    DEFAULT_CSS = """
    MapLegend { width: 27; height: auto; padding: 0 1; }
    """

    def show(self, view: MapView, points_mode: str, cursor: tuple[float, float] | None = None,
             edited: bool = False) -> None:
        self.update(legend_text(view, points_mode, self.app.no_color, cursor, edited))


def legend_text(view: MapView, points_mode: str, mono: bool, cursor: tuple[float, float] | None = None,
                edited: bool = False) -> Text:
    text = Text()
    text.append(t("map.untrained") if view.untrained else t("map.trained"), Style(bold=True))
    text.append("\n")
    if view.neuron is None:
        text.append(t("map.output") + "\n")
        names = (t("map.class0"), t("map.undecided"), t("map.class1"))
    else:
        layer, unit = view.neuron
        text.append(t("map.neuron", unit=unit + 1, layer=layer + 1) + "\n")
        names = (t("map.negative"), t("map.zero"), t("map.positive"))
    for level, name in zip((-LEVELS, 0, LEVELS), names, strict=True):
        if mono:
            glyph = DENSITY[round((level + LEVELS) / (2 * LEVELS) * (len(DENSITY) - 1))]
            text.append(f"[{glyph * 2}]")  # brackets, so that the blank of "sure class 0" is visible
        else:
            text.append(" ██ ", Style(color=Color.from_rgb(*level_colour(level))))
        text.append(f" {name}\n")
    if mono:
        text.append(f"{MONO_GLYPHS[(False, 0)]} {MONO_GLYPHS[(False, 1)]}", Style(bold=True))
        text.append(f"  {t('map.train_points')}\n")
        text.append(f"{MONO_GLYPHS[(True, 0)]} {MONO_GLYPHS[(True, 1)]}", Style(bold=True))
        text.append(f"  {t('map.test_points')}\n")
    else:
        for glyph, name in ((TRAIN_GLYPH, "map.train_points"), (TEST_GLYPH, "map.test_points")):
            for label in (0, 1):
                text.append(glyph, Style(color=Color.from_rgb(*POINT_COLOURS[label]), bold=True))
            text.append(f"  {t(name)}\n")
    if edited:
        text.append(f"✎ {t('map.edited')}\n", Style(bold=True))
    text.append("\n")
    keys_and_hints = (
        ("u", t("map.key_view")),
        ("n N", t("map.key_neuron")),
        ("o", t("map.key_output")),
        ("p", t("map.key_points", mode=t(f"map.points_{points_mode}"))),
    )
    if cursor is not None:
        text.append(t("map.cursor", x=f"{cursor[0]:.2f}", y=f"{cursor[1]:.2f}") + "\n", Style(bold=True))
        keys_and_hints = (
            ("←→↑↓", t("map.key_move")),
            ("0 1", t("map.key_add")),
            ("f", t("map.key_flip")),
            ("x", t("map.key_delete")),
            ("z", t("map.key_undo")),
            ("Esc", t("map.key_done")),
        )
    for keys, hint in keys_and_hints:
        text.append(f"{keys:<{4 if cursor else 3}} ", Style(bold=True))
        text.append(f"{hint}\n")
    text.rstrip()
    return text
