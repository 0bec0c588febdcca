"""The Train screen's keys change what the issue says they change, as seen on the screen."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console
from tui_helpers import make_app, screen_text, settled, until

from ml101.tui.widgets.dialogs import HelpScreen, binding_groups


async def test_opens_on_the_quick_preset_at_epoch_0_with_the_test_accuracy():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        text = screen_text(app)
        assert "Epoch 0 / 300" in text
        assert "Test accuracy 0." in text
        assert "paused" in text
        assert app.screen.state.exp.preset == "quick"


async def test_space_starts_and_pauses_training():
    app = make_app(epochs=1_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("space")
        await until(pilot, lambda: app.screen.state.running and app.screen.state.epoch > 0, "training runs")
        assert "▶ training" in screen_text(app)
        await pilot.press("space")
        await settled(pilot)
        paused_at = app.screen.state.epoch
        text = screen_text(app)
        assert "⏸ paused" in text and f"Epoch {paused_at} " in text
        assert paused_at > 0
        await pilot.press("s")  # still paused: only the one epoch that was asked for
        await settled(pilot)
        assert app.screen.state.epoch == paused_at + 1


async def test_space_trains_to_the_goal_and_the_test_accuracy_is_high():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("space")
        await settled(pilot)  # the worker took the key and has paused again: at the goal
        state = app.screen.state
        assert state.epoch == 300
        assert state.metrics.test_accuracy >= 0.9
        text = screen_text(app)
        assert "Epoch 300 / 300" in text and "goal reached" in text
        assert f"Test accuracy {state.metrics.test_accuracy:.3f}" in text


async def test_step_advances_exactly_one_epoch():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        for expected in (1, 2, 3):
            await pilot.press("s")
            await settled(pilot)
            assert app.screen.state.epoch == expected
            assert f"Epoch {expected} / 300" in screen_text(app)


async def test_reset_goes_back_to_epoch_0_with_new_start_weights():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s", "s")
        await settled(pilot)
        before = app.screen.state
        await pilot.press("r")
        await settled(pilot)
        after = app.screen.state
        assert after.epoch == 0 and "Epoch 0 / 300" in screen_text(app)
        assert after.exp.seed != before.exp.seed
        assert after.exp.data_seed == before.exp.data_seed  # same data


async def test_new_data_draws_new_points_and_starts_again():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s")
        await settled(pilot)
        before = app.screen.state
        await pilot.press("d")
        await settled(pilot)
        after = app.screen.state
        assert after.epoch == 0
        assert after.exp.data_seed == before.exp.data_seed + 1
        assert not np.array_equal(after.points.X_train, before.points.X_train)


async def test_untrained_view_and_neuron_view_change_the_map():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s", "s", "s")
        await settled(pilot)
        trained = app.screen.state.grid
        await pilot.press("u")
        await settled(pilot)
        assert app.screen.state.view.untrained
        assert "Untrained model" in screen_text(app)
        assert not np.allclose(app.screen.state.grid, trained)
        await pilot.press("u", "n", "n")
        await settled(pilot)
        assert app.screen.state.view.neuron == (0, 1)
        assert "Neuron 2 of layer 1" in screen_text(app)
        await pilot.press("N", "N", "N")
        await settled(pilot)
        assert app.screen.state.view.neuron == (2, 24)  # back to (0, 0), the output, then the last unit
        await pilot.press("o")
        await settled(pilot)
        assert app.screen.state.view.neuron is None
        assert "Output: which class?" in screen_text(app)


async def test_divergence_is_reported_and_pauses_training():
    app = make_app(optimizer="sgd", lr=10)
    async with app.run_test(size=(100, 24)) as pilot:
        await settled(pilot)
        await pilot.press("space")
        await until(pilot, lambda: app.screen.state.diverged is not None, "training diverges")
        await settled(pilot)
        text = screen_text(app)
        assert "diverged" in text and "learning rate 10 is too big" in text
        await pilot.press("space")  # refused: nothing to train until the rate is lower or the model reset
        await pilot.pause()
        assert "Lower the learning rate" in screen_text(app)


async def test_panels_are_tabs_at_80x24_and_keys_1_to_4_switch_them():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert "surely class 0" in screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        assert "No curves yet" in screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        assert "Parameters (weights + biases): 2,676" in screen_text(app)
        await pilot.press("escape", "4")
        await pilot.pause()
        assert "Learning rate" in screen_text(app)


async def test_all_panels_side_by_side_at_120x40():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        text = screen_text(app)
        for seen in ("surely class 0", "No curves yet", "Parameters (weights + biases)", "Learning rate"):
            assert seen in text


async def test_plot_toggles_accuracy_and_log_scale():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s", "s", "2")
        await settled(pilot)
        assert "loss" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert "accuracy" in screen_text(app).split("Epoch")[0]
        await pilot.press("a", "l")
        await pilot.pause()
        assert "log10(loss)" in screen_text(app)


async def test_help_overlay_lists_every_binding():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        groups = binding_groups(app.screen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, file=io.StringIO(), record=True)
        console.print(app.screen.query_one("#help-text").content)  # all of it, also what is scrolled away
        help_shown = console.export_text()
        ids = set()
        for _, bindings in groups:
            for b in bindings:
                ids.add(b.id)
                assert app.get_key_display(b) in help_shown, b
                assert b.description and b.description in help_shown, b
        # every kind of key the issue asks for is among them
        assert {"play", "step", "reset", "new_data", "help", "quit", "untrained", "neuron_next", "arch_add"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_an_action_by_name():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"One epoch")
        await until(pilot, lambda: "One epoch" in screen_text(app).split("\n", 3)[-1], "the palette finds it")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.state.epoch == 1, "the epoch ran")
        await settled(pilot)
        assert "Epoch 1 / 300" in screen_text(app)
