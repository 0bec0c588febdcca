"""Editing the network and the settings: good edits apply, bad ones are explained and change nothing."""

from __future__ import annotations

import asyncio

from textual.widgets import Input, Select
from tui_helpers import SETTLE_TIMEOUT, make_app, screen_text, settled, type_into, until

from ml101.tui.widgets.dialogs import ErrorScreen


async def test_arrow_keys_change_a_layers_width_and_the_parameter_count():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("3")  # the network panel, with the layer list focused
        await pilot.press("right")
        await settled(pilot)
        state = app.screen.state
        assert state.exp.layers == (26, 50, 25)
        assert state.parameter_count == 2676 + 1 + 2 + 50  # one more unit: its 2 weights in, bias, 50 out
        assert "Parameters (weights + biases): 2,729" in screen_text(app)
        await pilot.press("down", "minus")  # remove the middle layer
        await settled(pilot)
        assert app.screen.state.exp.layers == (26, 25)
        await pilot.press("plus", "a")  # copy the selected layer, then give the copy the next activation
        await settled(pilot)
        assert app.screen.state.exp.layers == (26, 25, 25)
        assert app.screen.state.exp.activations == ("relu", "relu", "tanh")


async def test_typing_a_width_changes_the_model_and_starts_again_at_epoch_0():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s")
        await settled(pilot)
        await pilot.press("3")
        await type_into(pilot, "#layer-width", "4")
        state = app.screen.state
        assert state.exp.layers == (4, 50, 25) and state.epoch == 0
        assert state.parameter_count == app.screen.exp.parameter_count() < 2676
        assert "a new model" in screen_text(app)


async def test_an_invalid_width_is_explained_and_the_old_width_kept():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("3")
        await type_into(pilot, "#layer-width", "0")
        text = screen_text(app)
        assert "Layers (neurons): each width must be from 1 to 256; got 0" in text
        assert "Kept: 25,50,25" in text
        assert app.screen.state.exp.layers == (25, 50, 25)
        assert app.screen.state.parameter_count == 2676
        await pilot.press("escape")  # leaving the field shows the kept width again
        await pilot.pause()
        assert app.screen.query_one("#layer-width", Input).value == "25"


async def test_narrowing_a_one_neuron_layer_is_refused():
    app = make_app(layers="1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("3", "left")
        await settled(pilot)
        assert "each width must be from 1 to 256; got 0" in screen_text(app)
        assert app.screen.state.exp.layers == (1,)


async def test_holding_plus_past_eight_layers_is_refused_and_the_editor_keeps_working():
    app = make_app(layers="4")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("3", *["plus"] * 12)  # once crashed the app with an IndexError at the ninth
        await settled(pilot)
        assert app.screen.state.exp.layers == (4,) * 8
        assert "at most 8 hidden layers" in screen_text(app)
        await pilot.press("right", "plus")  # the cursor is on the last layer that exists: it widens
        await settled(pilot)
        assert app.screen.state.exp.layers == (4,) * 7 + (5,)


async def test_ten_at_a_time_stops_at_the_widths_limits_and_past_them_says_why():
    app = make_app(layers="250,5")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("3", "shift+right", "down", "shift+left")
        await settled(pilot)
        assert app.screen.state.exp.layers == (256, 1)  # not refused as 260 and -5 would be
        await pilot.press("shift+left")
        await settled(pilot)
        assert "each width must be from 1 to 256" in screen_text(app)
        assert app.screen.state.exp.layers == (256, 1)


async def test_an_invalid_learning_rate_is_explained_inline_and_the_old_one_kept():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        await type_into(pilot, "#set-lr", "-1")
        text = screen_text(app)
        assert "✗ Learning rate: must be greater than 0" in text
        assert "Kept: 0.01." in text
        assert app.screen.state.exp.lr == 0.01


async def test_a_live_setting_applies_while_training_goes_on():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s", "s")
        await settled(pilot)
        await pilot.press("4")
        await type_into(pilot, "#set-lr", "0.003")
        state = app.screen.state
        assert state.exp.lr == 0.003 and state.epoch == 2  # same weights, same epoch
        assert "applies at once" in screen_text(app)


async def test_a_missing_csv_file_is_named_and_the_data_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        await type_into(pilot, "#set-csv", "nope.csv")
        assert "✗ CSV file: nope.csv not found. Kept: moons." in screen_text(app)
        assert app.screen.state.exp.data == "moons"


async def test_a_broken_csv_file_is_refused_by_the_worker_and_the_data_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.csv").write_text("x1,x2,label\n1,2,0\n")
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        await type_into(pilot, "#set-csv", "broken.csv")
        await pilot.pause()
        assert "✗ Data file broken.csv" in screen_text(app)
        assert app.screen.state.exp.data == "moons"


async def test_a_good_csv_file_is_trained_on(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.csv").write_text("x1,x2,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        await type_into(pilot, "#set-csv", "mine.csv")
        assert app.screen.state.exp.data == "mine.csv"
        assert len(app.screen.state.points.y_train) + len(app.screen.state.points.y_test) == 40


async def test_picking_a_preset_loads_it():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        app.screen.query_one("#set-preset", Select).value = "overfit"
        await settled(pilot)
        state = app.screen.state
        assert state.exp.preset == "overfit" and state.exp.layers == (128, 128, 128)
        assert "Overfitting:" in screen_text(app)


async def test_a_worker_error_is_shown_in_a_modal_and_the_app_keeps_running(monkeypatch):
    from ml101.engine.trainer import Trainer

    def broken_run(self, epochs):
        raise RuntimeError("simulated bug")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        with monkeypatch.context() as patch:
            patch.setattr(Trainer, "run", broken_run)
            await pilot.press("s")
            await settled(pilot)
            assert isinstance(app.screen, ErrorScreen)
            assert "RuntimeError: simulated bug" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await settled(pilot)
        assert app.screen.state.epoch == 1


async def test_quitting_while_training_stops_the_worker():
    app = make_app(epochs=1_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("space")
        await until(pilot, lambda: app.screen.state.running, "training runs")
        runner = app.screen.runner
        await pilot.press("q")
    # The thread itself ends (a cancelled thread worker could go on training unseen, and keep Python alive).
    assert await asyncio.to_thread(runner.stopped.wait, SETTLE_TIMEOUT)
    assert runner.worker.is_cancelled
