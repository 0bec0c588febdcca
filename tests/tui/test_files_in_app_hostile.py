"""The app's file dialogs against hostile names and failing disks: a device or FIFO is refused inside the
dialog, a failed save or export keeps the dialog open with the reason, names with escapes or markup are
shown harmless, and a broken recent list is named once."""

from __future__ import annotations

import errno
import json
import os
import stat

import pytest
from textual.widgets import Input
from tui_helpers import make_app, screen_text, settled, until

from ml101.engine.store import load_experiment
from ml101.tui.widgets.file_dialogs import ExportDialog, OpenDialog, SaveDialog


@pytest.fixture(autouse=True)
def workshop_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path


def dialog_error(app) -> str:
    return str(app.screen.query_one("#dialog-error").render())


async def type_and_enter(pilot, dialog_type, key: str, name: str) -> None:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, dialog_type), "the dialog opens")
    box = pilot.app.screen.query_one("#path", Input)
    box.value = name
    box.focus()
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize(("make", "words"), [
    (lambda folder: (folder / "out.npz").symlink_to("/dev/null"), "is a device (the link"),
    (lambda folder: os.mkfifo(folder / "out.npz"), "is a FIFO (named pipe)"),
    (lambda folder: (folder / "out.npz").symlink_to(folder / "gone" / "x.npz"), "dangling link"),
])
async def test_a_device_fifo_or_dangling_link_is_refused_inside_the_save_dialog(workshop_folder, make, words):
    make(workshop_folder)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await type_and_enter(pilot, SaveDialog, "ctrl+s", "out.npz")
        await pilot.press("enter")  # the "exists, Enter again" question does not apply: refused each time
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog) and words in dialog_error(app), dialog_error(app)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


async def test_after_a_failed_save_another_name_in_the_same_dialog_saves(workshop_folder, monkeypatch):
    import ml101.engine.store

    real = ml101.engine.store.atomic_write

    def full_for_first(path, data, field=None):
        if os.path.basename(path) == "first.npz":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, field)

    monkeypatch.setattr(ml101.engine.store, "atomic_write", full_for_first)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await type_and_enter(pilot, SaveDialog, "ctrl+s", "first.npz")
        await until(pilot, lambda: "No space left" in dialog_error(app), "the failure is shown in the dialog")
        app.screen.query_one("#path", Input).value = "second.npz"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, SaveDialog), "the dialog closes once saved")
        assert "Saved second.npz" in screen_text(app)
    assert load_experiment(workshop_folder / "second.npz").epoch == 0
    assert not (workshop_folder / "first.npz").exists()


async def test_a_failed_export_keeps_its_dialog_open(workshop_folder, monkeypatch):
    import ml101.engine.export

    def full(path, data, field=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(ml101.engine.export, "atomic_write", full)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog opens")
        await pilot.press("enter", "enter")  # the kind (curves), then the name
        await until(pilot, lambda: "No space left" in dialog_error(app), "the failure is shown in the dialog")
        assert isinstance(app.screen, ExportDialog)


@pytest.mark.parametrize("name", ["[/]x.npz", "[bold red]x.npz", "\x1b]0;owned\x07.npz", "\u202egpj.npz"])
async def test_names_with_markup_or_escapes_save_and_show_harmlessly(workshop_folder, name):
    (workshop_folder / "[").mkdir()  # so that "[/]x.npz" is the file "]x.npz" in the folder "["
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await type_and_enter(pilot, SaveDialog, "ctrl+s", name)
        await until(pilot, lambda: not isinstance(app.screen, SaveDialog), "the dialog closes once saved")
        await settled(pilot)
        text = screen_text(app)
        assert "Saved " in text and "\x1b]" not in text and "\u202e" not in text
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, OpenDialog), "the open dialog opens")
        await pilot.pause()
        text = screen_text(app)
        shown = name.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\u202e", "\\u202e")
        assert shown in text, text
    assert load_experiment(workshop_folder / name).epoch == 0


async def test_a_typed_name_with_markup_in_a_missing_folder_is_explained(workshop_folder):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await type_and_enter(pilot, SaveDialog, "ctrl+s", "[/]/x.npz")
        assert isinstance(app.screen, SaveDialog) and "[/] does not exist" in dialog_error(app)


async def test_a_broken_recent_entry_is_named_once_and_the_good_ones_listed(workshop_folder):
    good = workshop_folder / "good.npz"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await type_and_enter(pilot, SaveDialog, "ctrl+s", "good.npz")
        await until(pilot, lambda: not isinstance(app.screen, SaveDialog), "saved")
        await settled(pilot)
        recent = workshop_folder / "config" / "recent.json"
        recent.write_text(json.dumps([str(good), 12, "not/absolute.npz"]))
        for _ in range(2):
            await pilot.press("ctrl+o")
            await until(pilot, lambda: isinstance(app.screen, OpenDialog), "the open dialog opens")
            await pilot.pause()
            assert "good.npz" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
        notes = [n.message for n in app._notifications if "skipped the entry" in n.message]
        assert len(notes) == 2, notes  # 12 and the relative path, each once although the list opened twice
