"""z brings back what a destructive key threw away: a reset (r), new data (d), a preset, a new model, a file."""

from __future__ import annotations

import numpy as np
import pytest
from tui_helpers import make_app, screen_text, settled, until

from ml101.tui import i18n

EN, DE = i18n.words("en"), i18n.words("de")


def message(app) -> str:
    return str(app.train_screen.query_one("#message").render())


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def trained(pilot) -> tuple:
    """Train the quick preset to its goal (300 epochs); the epoch, test accuracy and train loss shown."""
    await settled(pilot)
    await pilot.press("space")
    await settled(pilot)
    state = pilot.app.train_screen.state
    assert state.epoch == 300
    return state.epoch, state.metrics.test_accuracy, state.metrics.train_loss


def seen(app) -> tuple:
    state = app.train_screen.state
    return state.epoch, state.metrics.test_accuracy, state.metrics.train_loss


async def test_r_after_training_then_z_brings_back_the_epoch_the_accuracy_and_the_curves():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        epoch, accuracy, loss = await trained(pilot)
        curve = app.train_screen.state.history["test_loss"].copy()
        await pilot.press("r")
        await settled(pilot)
        assert app.train_screen.state.epoch == 0
        assert "Reset. z brings back epoch 300." in notifications(app)
        await pilot.press("z")
        await settled(pilot)
        assert seen(app) == (epoch, accuracy, loss)  # the same weights: the same numbers to the last digit
        assert np.array_equal(app.train_screen.state.history["test_loss"], curve)
        assert "Epoch 300 / 300" in screen_text(app)
        assert "Epoch 300 is back (paused). z again: epoch 0." in message(app)
        await pilot.press("z")  # z again: the fresh start of the reset
        await settled(pilot)
        assert app.train_screen.state.epoch == 0


async def test_a_second_reset_does_not_lose_the_first_run():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        epoch, accuracy, loss = await trained(pilot)
        await pilot.press("r", "r", "r")
        await settled(pilot)
        await pilot.press("z")
        await settled(pilot)
        assert seen(app) == (epoch, accuracy, loss)


async def test_training_after_restoring_goes_on_from_there():
    app = make_app(epochs=100)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("space")
        await settled(pilot)
        await pilot.press("r", "z", "space")
        await settled(pilot)
        assert app.train_screen.state.epoch == 200  # the goal of the restored run, then 100 more


async def test_new_data_then_z_brings_back_the_points_edited_by_hand():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await trained(pilot)
        await pilot.press("c", "1", "1", "escape")  # two points added by hand
        await settled(pilot)
        edited = app.train_screen.state.points
        assert app.train_screen.state.custom_data
        await pilot.press("d")
        await settled(pilot)
        assert not app.train_screen.state.custom_data and app.train_screen.state.epoch == 0
        assert "New data. z brings back epoch 300 and its data." in notifications(app)
        await pilot.press("z")
        await settled(pilot)
        state = app.train_screen.state
        assert state.epoch == 300 and state.custom_data
        assert np.array_equal(state.points.X_train, edited.X_train)
        assert "points edited by hand" in screen_text(app)
        await pilot.press("c", "z")  # and the hand edits' own undo still works, step by step
        await settled(pilot)
        assert len(app.train_screen.state.points.y_train) == len(edited.y_train) - 1


@pytest.mark.parametrize("keys", [("P", "6"), ("f5",), ("e", "o")], ids=["presets menu", "F5", "learn o"])
async def test_loading_a_preset_after_training_can_be_undone(keys):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        epoch, accuracy, loss = await trained(pilot)
        layers = app.train_screen.exp.layers
        await pilot.press(*keys)
        await settled(pilot)
        assert app.screen is app.train_screen
        assert app.train_screen.state.epoch == 0 and app.train_screen.exp.preset != "quick"
        assert "Preset loaded. z brings back epoch 300." in notifications(app)
        await pilot.press("z")
        await settled(pilot)
        assert seen(app) == (epoch, accuracy, loss)
        assert app.train_screen.exp.layers == layers and app.train_screen.exp.preset == "quick"


async def test_a_setting_that_needs_a_new_model_can_be_undone():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        epoch, accuracy, loss = await trained(pilot)
        await pilot.press("3", "minus")  # remove a layer: a new model at epoch 0
        await settled(pilot)
        assert app.train_screen.state.epoch == 0
        assert "A new model. z brings back epoch 300." in notifications(app)
        await pilot.press("escape", "z")
        await settled(pilot)
        assert seen(app) == (epoch, accuracy, loss)
        assert app.train_screen.state.exp.layers == (25, 50, 25)


async def test_opening_a_file_after_training_can_be_undone(tmp_path, monkeypatch):
    from textual.widgets import Input

    from ml101.engine.spec import preset
    from ml101.engine.store import save_experiment
    from ml101.engine.trainer import Trainer
    from ml101.tui.widgets.file_dialogs import OpenDialog

    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "config"))  # its own recent list
    other = Trainer(preset("quick").with_changes(data="circles"))
    other.run(40)
    save_experiment(str(tmp_path / "other.npz"), other)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        epoch, accuracy, loss = await trained(pilot)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, OpenDialog), "the open dialog opens")
        field = app.screen.query_one("#path", Input)
        field.value = str(tmp_path / "other.npz")
        field.focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is app.train_screen, "the dialog closes")
        await settled(pilot)
        assert app.train_screen.state.epoch == 40 and app.train_screen.exp.data == "circles"
        assert "File opened. z brings back epoch 300." in notifications(app)
        await pilot.press("z")
        await settled(pilot)
        assert seen(app) == (epoch, accuracy, loss) and app.train_screen.exp.data == "moons"


async def test_z_with_nothing_put_aside_says_so_and_an_untrained_reset_offers_nothing():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("z")
        await settled(pilot)
        assert "Nothing to bring back" in message(app)
        await pilot.press("r")  # nothing was trained: nothing to keep, no notice
        await settled(pilot)
        await pilot.press("z")
        await settled(pilot)
        assert "Nothing to bring back" in message(app)
        assert not [n for n in notifications(app) if "z brings back" in n]


async def test_a_run_too_big_to_keep_twice_is_not_kept_and_the_notice_says_why(monkeypatch):
    from ml101.engine.budget import training_bytes
    from ml101.engine.spec import preset

    # a memory limit that holds one quick run but not two
    monkeypatch.setattr("ml101.tui.workers.run_aside.limit", lambda: training_bytes(preset("quick")) + 1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await trained(pilot)
        await pilot.press("r")
        await settled(pilot)
        assert "Epoch 300 not kept for z: two runs this big exceed the memory limit." in notifications(app)
        await pilot.press("z")
        await settled(pilot)
        assert "Nothing to bring back" in message(app) and app.train_screen.state.epoch == 0


async def test_the_help_lists_z():
    from ml101.tui.widgets.dialogs import binding_groups

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        keys = {b.key: b.description for _, bindings in binding_groups(app.screen) for b in bindings}
        assert keys["z"] == "Bring back the run"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_undo_line_fits_the_message_line_at_80_columns(lang):
    i18n.set_language(lang)
    for key in (key for key in EN if key.startswith("undo.")):
        assert key in DE
        text = i18n.t(key, epoch=i18n.number(1_234_567), other=i18n.number(1_234_567))
        assert len(text) <= 76, (key, text)
