"""A bug in the app ends it with one line naming a log file (the full traceback is there) and exit code 1.

Before, a crash printed a screenful of Rich traceback with local variables and `ml101` exited 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.app import App

from ml101.tui import app as app_module
from ml101.tui import crash
from ml101.tui.screens.train import TrainScreen

ROOT = Path(__file__).resolve().parents[2]


def broken_step(self) -> None:
    {}["no such key"]  # the kind of bug the key fuzzer found: a KeyError deep in a key's action


def run_headless_pressing(monkeypatch, *keys: str) -> None:
    """`run_app` as the CLI calls it, but headless, with `keys` pressed once the Train screen has settled."""

    async def press(pilot) -> None:
        await pilot.app.screen.settled.wait()
        await pilot.press(*keys)
        await pilot.pause()

    monkeypatch.setattr(app_module.ML101App, "run", lambda self: App.run(self, headless=True, auto_pilot=press))


def test_a_crash_is_one_line_naming_the_log_and_exit_code_1(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(TrainScreen, "action_step", broken_step)
    run_headless_pressing(monkeypatch, "s")
    code = app_module.run_app(lang="en")
    err = capsys.readouterr().err
    log = tmp_path / "state" / "crash.log"
    assert code == 1
    assert err.splitlines() == [f"ml101: something went wrong (KeyError in TrainScreen); the details are in {log}"]
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "broken_step" in text and "'no such key'" in text


def test_the_line_is_in_the_apps_language(monkeypatch, capsys):
    monkeypatch.setattr(TrainScreen, "action_step", broken_step)
    run_headless_pressing(monkeypatch, "s")
    assert app_module.run_app(lang="de") == 1
    assert capsys.readouterr().err.startswith("ml101: etwas ist schiefgegangen (KeyError in TrainScreen)")


def test_a_normal_quit_prints_nothing_and_exits_0(monkeypatch, tmp_path, capsys):
    run_headless_pressing(monkeypatch, "s", "q")
    assert app_module.run_app(lang="en") == 0
    assert capsys.readouterr().err == ""
    assert not (tmp_path / "state" / "crash.log").exists()


def test_a_state_folder_that_cannot_be_written_falls_back_to_a_temp_file(monkeypatch, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("ML101_STATE_DIR", str(blocked / "state"))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    try:
        raise KeyError("x")
    except KeyError as error:
        log = crash.write_log(error)
    assert log is not None and log.parent == tmp_path and log.name.startswith("ml101-crash-")
    assert "KeyError: 'x'" in log.read_text()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_where_the_log_goes_neither_blocks_nor_receives_it(monkeypatch, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    os.mkfifo(state / "crash.log")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    try:
        raise ValueError("y")
    except ValueError as error:
        log = crash.write_log(error)  # a blocking open would hang here: nobody reads the FIFO
    assert log is not None and log.parent == tmp_path


def test_the_real_app_in_a_terminal_exits_1_without_a_traceback_on_screen(tmp_path):
    """The whole path a user takes: `ml101` in a terminal (a pty), a key that hits a bug."""
    pty = pytest.importorskip("pty")
    code = (
        "import sys\n"
        "from tests.tui.test_crash_guard import broken_step\n"
        "from ml101.tui.screens.train import TrainScreen\n"
        "TrainScreen.action_step = broken_step\n"
        "from ml101.tui.cli import main\n"
        "sys.exit(main(['--lang', 'en']))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), ML101_STATE_DIR=str(tmp_path / "state"), TERM="xterm-256color",
               COLUMNS="80", LINES="24")
    env.pop("ML101_DEBUG", None)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=follower, stdout=follower, stderr=follower,
                            env=env, cwd=tmp_path, start_new_session=True)
    os.close(follower)
    output = read_until_exit(proc, leader, send=b"s")
    assert proc.returncode == 1
    assert b"Traceback" not in output and b"locals" not in output
    assert b"something went wrong (KeyError in TrainScreen)" in output
    assert (tmp_path / "state" / "crash.log").is_file()


def read_until_exit(proc, leader: int, send: bytes) -> bytes:
    """Everything the app wrote to its terminal; `send` is typed once the Train screen shows."""
    import select

    output, sent = b"", False
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError(f"the app neither showed its screen nor ended: {output[-500:]!r}")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the app ended and closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if not sent and b"Epoch" in output:
            os.write(leader, send)
            sent = True
    proc.wait(60)
    os.close(leader)
    return output


def test_a_bug_outside_the_screen_is_one_line_with_the_same_log_and_exit_1(monkeypatch, tmp_path, capsys):
    from ml101.tui import cli

    def broken_start(**_) -> int:
        raise RuntimeError("the settings reader broke")

    monkeypatch.delenv("ML101_DEBUG", raising=False)
    monkeypatch.setattr(app_module, "run_app", broken_start)
    assert cli.main([]) == 1
    log = tmp_path / "state" / "crash.log"
    assert capsys.readouterr().err.splitlines() == [
        f"ml101: internal error (RuntimeError in test_crash_guard); the details are in {log}"
        " (ML101_DEBUG=1 shows them here)"]
    assert "the settings reader broke" in log.read_text()
