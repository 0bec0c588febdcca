"""The Learn screen: lessons written with the network on the Train screen, live, in both languages."""

from __future__ import annotations

import asyncio

import pytest
from tui_helpers import SETTLE_TIMEOUT, make_app, screen_text, settled, until

from ml101.engine.lessons import load_lessons
from ml101.tui.screens.learn import LearnScreen
from ml101.tui.screens.train import TrainScreen


async def show_lesson(pilot, lesson_id: str) -> str:
    """Go to the Learn screen's lesson `lesson_id` with → and return the screen's text."""
    app = pilot.app
    if not isinstance(app.screen, LearnScreen):
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, LearnScreen), "the Learn screen shows")
    for _ in range(len(load_lessons("en"))):
        if app.screen.lesson.id == lesson_id:
            break
        await pilot.press("right")
    assert app.screen.lesson.id == lesson_id
    await pilot.pause()
    return screen_text(app)


async def test_the_formulas_and_parameter_count_follow_an_edited_network():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        text = await show_lesson(pilot, "layers")
        assert "a¹ = relu(W¹·x + b¹)   W¹: 25×2, b¹: 25" in text
        assert "ŷ = σ(W⁴·a³ + b⁴)   W⁴: 1×25" in text
        await pilot.press("t")  # back to training, change the network as a user would, come back
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "the Train screen shows")
        app.train_screen.request(app.train_screen, {"layers": "7,3", "activations": "tanh,relu"})
        await settled(pilot)
        text = await show_lesson(pilot, "layers")
        assert "a¹ = tanh(W¹·x + b¹)   W¹: 7×2, b¹: 7" in text
        assert "a² = relu(W²·a¹ + b²)   W²: 3×7" in text
        assert "ŷ = σ(W³·a² + b³)   W³: 1×3" in text
        assert "25×2" not in text and "W⁴" not in text
        text = await show_lesson(pilot, "model")
        assert "49 parameters" in text and "2676" not in text  # 7·2+7 + 3·7+3 + 1·3+1


async def test_the_loss_and_the_step_show_the_current_settings():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        app.train_screen.request(app.train_screen, {"optimizer": "sgd", "lr": 0.3, "loss": "mse"})
        await settled(pilot)
        text = await show_lesson(pilot, "gradient")
        assert "α ← α − 0.3 · ∇J" in text and "learning rate 0.3" in text
        text = await show_lesson(pilot, "loss")
        assert "J = ½ · mean (y − ŷ)²" in text


async def test_the_fit_lesson_follows_training_and_o_loads_the_overfit_preset():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        text = await show_lesson(pilot, "fit")
        assert "not trained yet" in text and "Press o" in text
        app.train_screen.action_step()  # training goes on while the lesson is open
        await until(pilot, lambda: "Now: Epoch 1 " in screen_text(app), "the lesson shows the new epoch")
        assert "(epoch 1)" in screen_text(app)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "o switched to the Train screen")
        await settled(pilot)
        assert app.train_screen.exp.preset == "overfit"
        text = screen_text(app)
        assert "Epoch 0 / 2000" in text and "Overfitting" in text


async def test_lessons_turn_german_with_the_language_and_back():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        text = await show_lesson(pilot, "fit")
        assert "Lesson 7 of 8 · Underfitting and overfitting" in text
        await pilot.press("L")
        await pilot.pause()
        text = screen_text(app)
        assert "Lektion 7 von 8 · Underfitting und Overfitting" in text
        assert "Drück o" in text and "Press o" not in text
        assert "Trainieren" in text  # the footer's key for the Train screen
        await pilot.press("L")
        await pilot.pause()
        assert "Lesson 7 of 8" in screen_text(app)


async def test_a_long_lesson_scrolls_and_left_goes_back():
    app = make_app(layers="8,8,8,8,8,8,8,8")
    async with app.run_test(size=(80, 18)) as pilot:  # 9 formula lines and the text do not fit in 18 rows
        await settled(pilot)
        text = await show_lesson(pilot, "layers")
        scroll = app.screen.query_one("#lesson-scroll")
        assert scroll.max_scroll_y > 0  # more than fits: the rest is a scroll away
        assert "later ones combine them into curves" not in text
        await pilot.press("end")
        await pilot.pause()
        assert "later ones combine them into curves" in screen_text(app)
        await pilot.press("left")
        await pilot.pause()
        assert app.screen.lesson.id == "model" and scroll.scroll_y == 0  # a new lesson starts at its top


async def test_no_traceback_before_the_first_snapshot():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.train_screen.state = None  # as in the first moments, before the worker reported anything
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, LearnScreen), "the Learn screen shows")
        app.train_screen.state = None
        app.screen.show_lesson()
        await pilot.pause()
        assert "not trained yet" in screen_text(app)
        await asyncio.wait_for(app.train_screen.settled.wait(), SETTLE_TIMEOUT)  # the worker still starts fine


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_fit_lesson_names_the_key_that_loads_overfit(lang):
    fit = next(lesson for lesson in load_lessons(lang) if lesson.id == "fit")
    assert "**o**" in fit.body and fit.action == "preset:overfit"
    assert {b.key: b.action for b in LearnScreen.BINDINGS}["o"] == "overfit"


def test_the_layers_lesson_looks_right_at_80x24(snap_compare):
    async def run_before(pilot) -> None:
        await settled(pilot)
        await show_lesson(pilot, "layers")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
