"""Quitting while training ends the worker at once; shrinking the terminal to 40x12 and back breaks nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tui_helpers import make_app, press_at_once, screen_text, settled, until

STOP_SECONDS = 1.0  # the worker checks for cancellation after every ~50 ms chunk


@pytest.mark.parametrize(("key", "backend"), [("q", "numpy"), ("ctrl+c", "numpy"), ("q", "torch")])
async def test_quitting_while_training_stops_the_worker_thread(key, backend):
    app = make_app(epochs=1_000_000, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        runner = app.screen.runner
        await pilot.press("space")
        await until(pilot, lambda: app.screen.state.running and app.screen.state.epoch > 0, "training runs")
        await pilot.press(key)
        await pilot.pause()
        assert app._exit  # the app is on its way out
    assert runner.stopped.wait(STOP_SECONDS), "the training thread was still running"


async def test_quitting_from_the_data_cursor_mode_and_a_dialog_also_stops_the_worker():
    app = make_app(epochs=1_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        runner = app.screen.runner
        await pilot.press("space", "c")
        await until(pilot, lambda: app.screen.state.running, "training runs")
        await pilot.press("q")  # q is not one of the cursor's keys: it quits
        await pilot.pause()
    assert runner.stopped.wait(STOP_SECONDS)


SIZES = [(40, 12), (80, 24), (40, 12), (120, 40), (41, 13), (80, 24)]


async def test_resizing_down_to_40x12_and_back_while_training_does_not_crash():
    app = make_app(epochs=1_000_000)
    async with app.run_test(size=(40, 12)) as pilot:
        await settled(pilot)
        assert "Epoch 0" in screen_text(app)
        await pilot.press("space")
        await until(pilot, lambda: app.screen.state.running, "training runs")
        for width, height in SIZES:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert app.size == (width, height)
            assert "Epoch" in screen_text(app)
        await pilot.press("space")
        await settled(pilot)
        assert "Epoch" in screen_text(app) and app.screen.state.epoch > 0


@pytest.mark.parametrize("mode", ["cursor", "dialog", "help"])
async def test_resizing_with_the_cursor_a_dialog_or_the_help_open_does_not_crash(mode):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press({"cursor": "c", "dialog": "ctrl+s", "help": "question_mark"}[mode])
        if mode == "cursor":
            for _ in range(20):
                await pilot.press("shift+right", "shift+down")  # the far corner, then the map gets smaller
        await pilot.pause()
        for width, height in SIZES:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert screen_text(app).strip()
        if mode == "cursor":
            await pilot.press("1")  # the cursor is still inside the map and can add a point there
            await settled(pilot)
            assert app.screen.state.custom_data


def test_after_the_app_closed_with_torch_loaded_the_process_ends_at_once_with_its_output_flushed():
    code = """
import sys, types
sys.modules["torch"] = types.ModuleType("torch")  # stands in for PyTorch: only its presence matters
from ml101.tui.workers.lifecycle import exit_now_if_torch

class Closed:
    return_code, is_headless = 0, False

class Headless:
    return_code, is_headless = 0, True

exit_now_if_torch(Headless(), 5)  # a test's app: nothing happens
print("written before the end", end="")
exit_now_if_torch(Closed(), 3)
print("never")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (3, "written before the end", "")


@pytest.mark.parametrize("mode", ["learn", "attack"])
async def test_ctrl_c_quits_from_every_screen_not_only_train(mode):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        app.switch_mode(mode)
        await until(pilot, lambda: app.screen is app.screen_of(mode), f"the {mode} screen is shown")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app._exit


def test_the_quick_exit_lets_a_save_the_worker_began_finish(tmp_path):
    saved = tmp_path / "run.npz"
    code = f"""
import sys, threading, time, types
sys.modules["torch"] = types.ModuleType("torch")
from ml101.tui.workers.lifecycle import exit_now_if_torch

class Runner:
    worker, stopped = object(), threading.Event()

class Screen:
    runner = Runner()

class Closed:
    return_code, is_headless, _screens = 0, False, {{"train": Screen()}}

def save_then_stop():  # the worker: finishes the save it began, then ends
    time.sleep(0.3)
    open({str(saved)!r}, "w").write("saved")
    Runner.stopped.set()

threading.Thread(target=save_then_stop).start()
exit_now_if_torch(Closed(), 0)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and saved.read_text() == "saved"


async def test_keys_typed_after_quit_end_the_app_cleanly():
    """A burst that ends the app (q, or a test leaving run_test) with more keys behind it: those keys reach an app
    whose screens are gone; Textual raised ScreenStackError on them, and the crash guard said exit 1."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        press_at_once(app, *"tildpend", "pagedown", "q", "s", "s", "pageup")  # typed into the palette, still there
    assert app.return_code in (None, 0) and app.crash_log is None
