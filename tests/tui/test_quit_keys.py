"""ctrl+c quits from everywhere (dialogs, the palette, menus, the help, a text field); q quits unless it is typed."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_helpers import make_app, settled, until

from ml101.tui.widgets.dialogs import ErrorScreen

STOP_SECONDS = 1.0  # the worker checks for cancellation after every ~50 ms chunk


async def open_save_dialog(pilot):
    await pilot.press("ctrl+s")


async def open_open_dialog(pilot):
    await pilot.press("ctrl+o")


async def open_palette(pilot):
    await pilot.press("ctrl+p")


async def open_presets(pilot):
    await pilot.press("P")


async def open_help(pilot):
    await pilot.press("question_mark")


async def open_error(pilot):
    pilot.app.push_screen(ErrorScreen(ValueError("a bug"), "Traceback: ..."))


async def focus_a_typed_field(pilot):
    await pilot.press("4")
    await pilot.pause()
    field = pilot.app.screen.query_one("#set-lr", Input)
    field.focus()  # its text is selected on focus: there ctrl+c used to copy, not quit
    await pilot.pause()
    assert field.selected_text


async def open_a_choice(pilot):
    await pilot.press("4")  # the preset choice has the focus
    await pilot.pause()
    await pilot.press("enter")  # its list of choices opens


async def edit_the_network(pilot):
    await pilot.press("3")


STATES = {
    "save dialog": (open_save_dialog, "SaveDialog"),
    "open dialog": (open_open_dialog, "OpenDialog"),
    "palette": (open_palette, "Palette"),  # ml101's CommandPalette (tui/widgets/modal.py)
    "presets menu": (open_presets, "PresetsMenu"),
    "help": (open_help, "HelpScreen"),
    "error window": (open_error, "ErrorScreen"),
    "settings field": (focus_a_typed_field, "TrainScreen"),
    "open choice": (open_a_choice, "TrainScreen"),
    "network editor": (edit_the_network, "TrainScreen"),
}


@pytest.mark.parametrize("state", list(STATES))
async def test_ctrl_c_quits_while_training_whatever_has_the_focus(state):
    setup, screen_name = STATES[state]
    app = make_app(epochs=1_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        runner = app.train_screen.runner
        await pilot.press("space")
        await until(pilot, lambda: app.train_screen.state.running, "training runs")
        await setup(pilot)
        await pilot.pause()
        assert type(app.screen).__name__ == screen_name  # the key really went to that state
        assert not app._exit
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app._exit, f"ctrl+c did not quit from the {state}"
    assert runner.stopped.wait(STOP_SECONDS), "the training thread was still running"


@pytest.mark.parametrize("state", ["help", "presets menu", "error window"])
async def test_q_quits_from_an_overlay_without_a_text_field(state):
    setup, screen_name = STATES[state]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await setup(pilot)
        await pilot.pause()
        assert type(app.screen).__name__ == screen_name
        await pilot.press("q")
        await pilot.pause()
        assert app._exit, f"q did not quit from the {state}"


async def test_in_a_text_field_q_is_a_letter_not_quit():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await focus_a_typed_field(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app._exit
        assert app.screen.query_one("#set-lr", Input).value == "q"  # the selected text was typed over


async def test_in_the_palette_q_is_searched_for_not_quit():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await open_palette(pilot)
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app._exit
        assert app.screen.query_one(Input).value == "q"


async def test_escape_and_question_mark_still_only_close_the_help():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        for key in ("escape", "question_mark"):
            await open_help(pilot)
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpScreen"
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.train_screen and not app._exit
