"""Editing the training points by hand on the map (key c): add, flip, delete, undo — the model stays."""

from __future__ import annotations

import numpy as np
import pytest
from tui_helpers import make_app, screen_text, settled

from ml101.engine.store import load_experiment
from ml101.tui import i18n
from ml101.tui.widgets.data_cursor import DataCursorMap

EN = i18n.words("en")


def message(app) -> str:
    return str(app.screen.query_one("#message").render())


def labels(state) -> tuple[int, int]:
    y = state.points.y_train
    return int((y == 0).sum()), int((y == 1).sum())


async def start_editing(pilot) -> DataCursorMap:
    await settled(pilot)
    await pilot.press("c")
    await pilot.pause()
    return pilot.app.screen.query_one(DataCursorMap)


async def test_c_shows_a_cursor_that_arrows_move_and_escape_ends():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        cursor = await start_editing(pilot)
        assert cursor.has_focus and cursor.editing
        assert "Cursor at (" in screen_text(app) and "flip nearest" in screen_text(app)
        x, y = cursor.position()
        await pilot.press("right")
        x1, y1 = cursor.position()
        assert x1 > x and y1 == y
        await pilot.press("shift+down")
        x2, y2 = cursor.position()
        assert x2 == x1 and y2 < y1
        # five rows down; a cell is two square pixels high, so that is as far as ten columns to the right
        assert y1 - y2 == pytest.approx(10 * (x1 - x), rel=0.05)
        assert f"Cursor at ({x2:.2f}, {y2:.2f})" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not cursor.editing and not cursor.has_focus
        assert "Cursor at" not in screen_text(app) and "Done editing" in message(app)
        await pilot.press("2")  # the screen's keys are back
        await pilot.pause()
        assert app.screen.query_one("#panel-plot").has_class("-active")


async def test_tab_away_ends_the_mode_and_the_help_lists_the_editing_keys():
    from ml101.tui.widgets.dialogs import HelpScreen, binding_groups

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        cursor = await start_editing(pilot)
        await pilot.press("tab")
        await pilot.pause()
        assert not cursor.editing and "Cursor at" not in screen_text(app)
        await pilot.press("escape", "c", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        groups = binding_groups(app.screen_stack[0])
        help_text = " | ".join(f"{title}: " + ", ".join(b.description for b in bindings) for title, bindings in groups)
        for words in ("Edit points", "Editing points (after c)", "Add 1", "Flip", "Delete",
                      "Undo", "Save", "Open", "Export"):
            assert words in help_text, words


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_cursor_cell_is_visible_with_and_without_colour(monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        cursor = await start_editing(pilot)
        assert app.no_color == no_color
        for _ in range(10):
            await pilot.press("shift+up", "shift+left")  # the top-left corner: no points there
        await pilot.pause()
        first_map_line = screen_text(app).splitlines()[1]
        assert first_map_line.lstrip().startswith("+")
        strip = cursor.render_line((cursor.size.height - cursor._area()[1]) // 2)
        assert any(seg.style and seg.style.reverse for seg in strip)  # reversed: visible without colour too


async def test_adding_flipping_and_deleting_change_the_training_points_but_not_the_model():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s", "s")
        cursor = await start_editing(pilot)
        before = app.screen.state
        n0, n1 = labels(before)

        await pilot.press("1")
        await settled(pilot)
        x, y = cursor.position()
        state = app.screen.state
        assert labels(state) == (n0, n1 + 1)
        assert tuple(state.points.X_train[-1]) == (x, y)
        assert message(app) == f"Added a class 1 point at ({x:.2f}, {y:.2f}). Model kept: space trains on."
        assert state.epoch == before.epoch == 2  # the model is kept ...
        assert state.metrics.test_accuracy == before.metrics.test_accuracy  # ... and the test points too
        assert "✎ points edited by hand" in screen_text(app)

        await pilot.press("0")
        await settled(pilot)
        assert labels(app.screen.state) == (n0 + 1, n1 + 1)

        await pilot.press("f")  # the nearest point is the class 0 point just added
        await settled(pilot)
        assert labels(app.screen.state) == (n0, n1 + 2)
        assert message(app) == f"Flipped a point of class 0 to 1 at ({x:.2f}, {y:.2f}). Model kept."

        for key in ("x", "delete", "backspace"):
            count = len(app.screen.state.points.y_train)
            await pilot.press(key)
            await settled(pilot)
            assert len(app.screen.state.points.y_train) == count - 1
            assert message(app).startswith("Deleted a class ")
        assert app.screen.state.epoch == 2


async def test_undo_goes_back_step_by_step_to_the_original_points():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        cursor = await start_editing(pilot)
        original = app.screen.state.points
        snapshots = [original]
        for keys in (("1",), ("right", "right", "0"), ("f",), ("x",)):
            await pilot.press(*keys)
            await settled(pilot)
            snapshots.append(app.screen.state.points)
        for expected, key in zip(reversed(snapshots[:-1]), ("z", "ctrl+z", "z", "z"), strict=True):
            await pilot.press(key)
            await settled(pilot)
            points = app.screen.state.points
            assert np.array_equal(points.X_train, expected.X_train) and np.array_equal(points.y_train, expected.y_train)
        assert message(app).startswith(f"Undone: {len(original.y_train)} training points now (0 more")
        await pilot.press("z")
        await settled(pilot)
        assert message(app) == "Nothing to undo."
        assert cursor.editing


async def test_flipping_many_points_poisons_the_model_once_it_trains_on():
    app = make_app(epochs=100)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("space")
        await settled(pilot)
        clean = app.screen.state.metrics.train_accuracy
        await start_editing(pilot)
        for _ in range(12):  # a whole region of the map gets the other label
            await pilot.press("f", "down", "f", "right")
        await settled(pilot)
        assert app.screen.state.metrics.train_accuracy < clean  # the old model disagrees with the new labels
        await pilot.press("escape", "space")
        await settled(pilot)
        assert app.screen.state.epoch == 200


async def test_saving_keeps_the_edited_points_and_new_data_ends_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "config"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_editing(pilot)
        await pilot.press("1", "left", "left", "left", "0", "f", "escape")
        await settled(pilot)
        edited = app.screen.state.points
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await settled(pilot)
        loaded = load_experiment(tmp_path / "ml101-moons-epoch0.npz")
        assert np.array_equal(loaded.split.X_train, edited.X_train)
        assert np.array_equal(loaded.split.y_train, edited.y_train)
        assert np.array_equal(loaded.split.X_test, edited.X_test)

        await pilot.press("d")  # new data: the hand edits are gone, and so is their undo
        await settled(pilot)
        assert "points edited by hand" not in screen_text(app)
        await pilot.press("c", "z")
        await settled(pilot)
        assert message(app) == "Nothing to undo."


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_editing_and_file_message_fits_the_message_line_at_80_columns(lang):
    i18n.set_language(lang)
    sample = dict(label=1, new=0, x="-10.25", y="-10.75", n=100000, left=500, name="ml101-spiral-epoch10000.npz",
                  epoch=10000, reason="", what=i18n.t("file.export_torch"))
    for key in (key for key in EN if key.startswith(("edit.", "file.")) and not key.startswith("file.export_")):
        if key in ("file.exists", "file.is_folder", "file.no_folder", "file.missing", "file.bad_name", "file.os_error"):
            continue  # shown in the dialog, which wraps; or naming a path that is as long as it is
        text = i18n.t(key, **{name: sample[name] for name in ("label", "new", "x", "y", "n", "left", "name",
                                                                "epoch", "reason", "what") if f"{{{name}}}" in EN[key]})
        assert len(text) <= 78 - 2, (key, text)
