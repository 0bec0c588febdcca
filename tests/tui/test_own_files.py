"""ml101's own files (config.toml, recent.json) as a user's machine may have them: a FIFO, a link to
/dev/zero, a megabyte, nesting 100 000 deep, broken entries. Each is one note and the default, never a hang,
never a crash, and never a reason for a save to fail."""

from __future__ import annotations

import json
import os
import threading

import pytest
from tui_helpers import settled

from ml101.tui import app as app_module
from ml101.tui.settings import (
    Settings,
    load_settings,
    recent_experiments,
    recent_path,
    recent_problems,
    remember_experiment,
    save_settings,
)


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "cfg"))
    for var in ("ML101_LANG", "ML101_THEME", "ML101_PRESET", "ML101_THREADS"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "cfg").mkdir()
    return tmp_path / "cfg"


def guarded(call):
    """Run `call` in a thread; fail (instead of hanging the suite) if it never returns."""
    result = []
    worker = threading.Thread(target=lambda: result.append(call()), daemon=True)
    worker.start()
    worker.join(60)  # a guard against a hang, not a speed test
    assert not worker.is_alive(), "blocked reading a file"
    return result[0]


def _config(config_dir, kind: str):
    path = config_dir / "config.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        path.write_text('language = "de"\n' + "# padding\n" * 100_000)
    elif kind == "nested":
        path.write_text("theme = " + "[" * 20_000 + "]" * 20_000 + "\n")
    elif kind == "dangling":
        path.symlink_to(config_dir / "nowhere.toml")
    return path


@pytest.mark.parametrize(("kind", "words"), [
    ("fifo", "is a FIFO (named pipe), not a regular file"),
    ("zero", "is a device, not a regular file"),
    ("folder", "is a folder"),
    ("huge", "bigger than 64 KiB"),
    ("nested", "nested too deeply"),
    ("dangling", "cannot be read"),
])
def test_a_config_that_is_no_small_toml_file_is_one_problem_and_the_defaults(config_dir, kind, words):
    _config(config_dir, kind)
    settings = guarded(load_settings)
    assert settings == Settings()
    assert len(settings.problems) == 1 and words in str(settings.problems[0]), settings.problems


def test_a_config_that_cannot_be_written_over_is_left_alone(config_dir):
    path = _config(config_dir, "fifo")
    assert guarded(lambda: save_settings(Settings(theme="nord"))) is False
    assert path.is_fifo()


def test_a_deep_value_and_a_thousand_unknown_keys_are_told_in_a_few_short_lines(config_dir):
    lines = ["threads = " + "[" * 300 + "]" * 300, 'theme = "\\u001b]0;owned\\u0007"']
    lines += [f"key{i} = 1" for i in range(1000)]
    (config_dir / "config.toml").write_text("\n".join(lines) + "\n")
    problems = [str(p) for p in load_settings().problems]
    assert len(problems) == 5 and problems[-1].endswith("998 more problems ignored"), problems
    assert all(len(p) < 300 and "\x1b" not in p for p in problems), problems
    assert "theme = " in problems[1] and "\\u001b]0;owned" in problems[1]


@pytest.mark.parametrize("kind", ["fifo", "zero", "nested", "huge"])
async def test_the_app_opens_with_any_such_config_and_says_so(config_dir, monkeypatch, kind):
    _config(config_dir, kind)
    opened = []
    monkeypatch.setattr(app_module.ML101App, "run", lambda self: opened.append(self))
    assert guarded(app_module.run_app) == 0
    app = opened[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "config.toml ignored" in messages[0], messages


async def test_markup_in_a_config_value_is_shown_as_typed(config_dir, monkeypatch):
    (config_dir / "config.toml").write_text('theme = "[/]"\n')
    opened = []
    monkeypatch.setattr(app_module.ML101App, "run", lambda self: opened.append(self))
    app_module.run_app()
    app = opened[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert any('theme = "[/]" ignored' in n.message for n in app._notifications)


# recent.json ------------------------------------------------------------------------------------------------
def _saved(tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(b"an experiment")
    return str(path)


def test_broken_entries_are_skipped_named_once_and_dropped_by_the_next_save(tmp_path, config_dir):
    good = _saved(tmp_path, "good.npz")
    entries = [42, "relative.npz", "/x\x00y.npz", "/" + "d" * 5000, "/tmp/\x1b]0;owned\x07.npz", good,
               str(tmp_path / "deleted.npz")]
    recent_path().write_text(json.dumps(entries))
    assert recent_experiments() == [good]  # and the deleted one simply left out
    notes = recent_problems()
    assert len(notes) == 4 and all("recent.json: skipped the entry" in n for n in notes), notes
    assert all(len(n) < 300 and "\x1b" not in n and "\x00" not in n for n in notes), notes
    assert recent_problems() == []  # told once
    newer = _saved(tmp_path, "newer.npz")
    assert remember_experiment(newer) == []
    assert json.loads(recent_path().read_text()) == [newer, good]


@pytest.mark.parametrize("kind", ["fifo", "zero", "garbage", "folder", "nested"])
def test_a_broken_recent_list_never_hangs_and_never_blocks_a_save(tmp_path, config_dir, kind):
    path = recent_path()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "nested":
        path.write_text("[" * 100_000 + "]" * 100_000)
    else:
        path.write_bytes(b"\xff\xfe not json")
    assert guarded(recent_experiments) == []
    notes = guarded(lambda: remember_experiment(_saved(tmp_path, "run.npz")))
    assert len(notes) == 1 and "recent.json" in notes[0], notes
    if kind in ("garbage", "nested"):  # our own broken file is replaced by a good one
        assert recent_experiments() == [str(tmp_path / "run.npz")]
    elif kind == "fifo":
        assert path.is_fifo()
