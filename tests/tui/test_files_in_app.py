"""Saving, opening and exporting from the app: ctrl+s, ctrl+o (with the recent list) and E, as a user does it."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from textual.widgets import Input, OptionList
from tui_helpers import make_app, screen_text, settled, until

from ml101.engine.store import load_experiment, save_experiment
from ml101.engine.trainer import Trainer
from ml101.tui.app import ML101App
from ml101.tui.widgets.file_dialogs import ExportDialog, OpenDialog, SaveDialog


@pytest.fixture(autouse=True)
def workshop_folder(tmp_path, monkeypatch):
    """Each test saves into its own folder and keeps its own recent list."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path


def message(app) -> str:
    return str(app.screen_stack[0].query_one("#message").render())


async def save_as(pilot, name: str | None = None) -> None:
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, SaveDialog), "the save dialog opens")
    if name is not None:
        pilot.app.screen.query_one("#path", Input).value = name
    await pilot.press("enter")


async def test_ctrl_s_saves_under_a_default_name_and_the_file_reopens_exactly(workshop_folder):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s", "s", "s")
        await settled(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SaveDialog), "the save dialog opens")
        assert app.screen.query_one("#path", Input).value == "ml101-moons-epoch3.npz"
        await pilot.press("enter")
        await settled(pilot)
        await until(pilot, lambda: "Saved" in message(app), "the save is reported")
        assert "Saved ml101-moons-epoch3.npz (epoch 3)" in screen_text(app)
        state = app.screen.state
    loaded = load_experiment(workshop_folder / "ml101-moons-epoch3.npz")
    assert loaded.epoch == 3 and loaded.exp == state.exp
    assert loaded.metrics() == state.metrics
    from ml101.tui.settings import recent_experiments

    assert recent_experiments() == [str(workshop_folder / "ml101-moons-epoch3.npz")]


async def test_an_existing_file_is_only_overwritten_after_a_second_enter(workshop_folder):
    target = workshop_folder / "mine.npz"
    target.write_bytes(b"old")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await save_as(pilot, "mine")  # .npz is added
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        assert "mine.npz exists. Enter again overwrites it" in screen_text(app)
        assert target.read_bytes() == b"old"
        await pilot.press("enter")
        await settled(pilot)
        await until(pilot, lambda: "Saved mine.npz" in message(app), "the overwrite is reported")
    assert load_experiment(target).epoch == 0


@pytest.mark.parametrize(
    ("typed", "words"),
    [("", "Please type a file name"), ("no/such/folder/x.npz", "does not exist"), (".", "is a folder")],
)
async def test_bad_names_are_explained_inside_the_dialog_which_stays_open(typed, words):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await save_as(pilot, typed)
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        assert words in str(app.screen.query_one("#dialog-error").render())  # the screen may wrap a long path
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SaveDialog)


async def test_a_write_error_is_one_line_in_the_dialog_which_stays_open_and_training_goes_on(workshop_folder,
                                                                                             monkeypatch):
    import errno

    import ml101.engine.store

    def full_disk(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(ml101.engine.store, "atomic_write", full_disk)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await save_as(pilot, "run.npz")
        await until(pilot, lambda: "✗" in message(app), "the error is shown")
        assert message(app) == "✗ run.npz: No space left on device"
        assert isinstance(app.screen, SaveDialog)  # the next keys fix the name, not step the training
        assert str(app.screen.query_one("#dialog-error").render()) == "✗ run.npz: No space left on device"
        await pilot.press("s")
        assert app.screen.query_one("#path", Input).value == "run.npzs"
        await pilot.press("escape", "s")
        await settled(pilot)
        assert app.screen.state.epoch == 1


async def test_ctrl_o_lists_recent_experiments_and_opens_one_exactly(workshop_folder):
    trainer = Trainer(make_app().train_screen.exp.with_changes(epochs=40, samples=300))
    trainer.run(40)
    path = workshop_folder / "trained.npz"
    save_experiment(path, trainer)
    from ml101.tui.settings import remember_experiment

    remember_experiment(path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, OpenDialog), "the open dialog opens")
        assert "trained.npz" in screen_text(app)
        assert app.screen.query_one(OptionList).has_focus
        await pilot.press("enter")
        await until(pilot, lambda: "Opened trained.npz at epoch 40" in message(app), "the file is opened")
        await settled(pilot)
        state = app.screen.state
        assert state.epoch == 40 and state.exp == trainer.exp
        assert state.metrics == trainer.metrics()
        assert f"Test accuracy {trainer.metrics().test_accuracy:.3f}" in screen_text(app)
        assert np.array_equal(state.points.X_train, trainer.split.X_train)
        assert len(state.history["epoch"]) == len(trainer.history.as_array())
        await pilot.press("s")  # and it trains on from there
        await settled(pilot)
        assert app.screen.state.epoch == 41


class Marker:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        import os

        return (os.system, (f"touch '{self.path}'",))


@pytest.mark.parametrize("kind", ["pickle", "garbage", "json"])
async def test_a_bad_or_malicious_file_is_refused_in_one_line_and_the_experiment_kept(workshop_folder, kind):
    marker = workshop_folder / "code-ran"
    bad = workshop_folder / "evil.npz"
    bad.write_bytes({"pickle": pickle.dumps(Marker(marker)), "garbage": b"\x00\x01not a zip",
                     "json": json.dumps({"format": "ml101-experiment"}).encode()}[kind])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s", "s")
        await settled(pilot)
        before = app.screen.state
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, OpenDialog), "the open dialog opens")
        app.screen.query_one("#path", Input).value = "evil.npz"
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: "current experiment kept" in message(app), "the refusal is shown")
        line = message(app)
        assert line.startswith("✗ experiment evil.npz: ") and "\n" not in line
        if kind == "pickle":
            assert "pickle" in line
        assert isinstance(app.screen, OpenDialog)  # open for another name, the refusal said inside it too
        assert str(app.screen.query_one("#dialog-error").render()).startswith("✗ experiment evil.npz: ")
        await pilot.press("escape")
        await settled(pilot)
        assert app.screen.state.epoch == before.epoch == 2 and app.screen.state.exp == before.exp
    assert not marker.exists()


async def test_a_missing_file_is_explained_in_the_open_dialog():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, OpenDialog), "the open dialog opens")
        assert "No saved experiments yet" in screen_text(app)
        app.screen.query_one("#path", Input).value = "nowhere.npz"
        await pilot.press("enter")
        await pilot.pause()
        assert "nowhere.npz does not exist" in screen_text(app) and isinstance(app.screen, OpenDialog)


@pytest.mark.parametrize(("presses", "name"), [(0, "history.csv"), (1, "weights.npz"), (2, "state_dict.pt")])
async def test_E_exports_curves_weights_or_a_state_dict(workshop_folder, presses, name):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s", "s")
        await settled(pilot)
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog opens")
        for _ in range(presses):
            await pilot.press("down")
        await pilot.press("enter")  # picks the kind; the name follows it
        assert app.screen.query_one("#path", Input).value == f"ml101-moons-epoch2-{name}"
        await pilot.press("enter")
        await until(pilot, lambda: "Exported" in message(app), "the export is reported")
    path = workshop_folder / f"ml101-moons-epoch2-{name}"
    if name.endswith(".csv"):
        assert path.read_text().splitlines()[0].startswith("epoch,train_loss")
    elif name.endswith(".npz"):
        with np.load(path) as archive:
            assert {"W0", "b0", "layers"} <= set(archive.files)
    else:
        from ml101.engine.export import load_torch_state

        assert "0.weight" in load_torch_state(path)


async def test_the_issue_6_must_show_cli_save_then_app_shows_the_cli_test_accuracy(workshop_folder, monkeypatch,
                                                                                    capsys):
    """`ml101 train --preset quick --save FILE`, then `ml101 --load FILE` and `ml101 train --load FILE --epochs 0
    --json` agree on the test accuracy."""
    from ml101.tui.cli import main

    assert main(["train", "--preset", "quick", "--save", "quick.npz"]) == 0
    capsys.readouterr()
    assert main(["train", "--load", "quick.npz", "--epochs", "0", "--json"]) == 0
    cli_accuracy = json.loads(capsys.readouterr().out)["test_accuracy"]
    opened = []
    monkeypatch.setattr(ML101App, "run", lambda self, *a, **k: opened.append(self))
    assert main(["--load", "quick.npz"]) == 0
    app = opened[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert app.screen.state.metrics.test_accuracy == cli_accuracy
        assert f"Test accuracy {cli_accuracy:.3f}" in screen_text(app)
        assert f"Epoch {app.screen.state.epoch} " in screen_text(app) and app.screen.state.epoch == 300
