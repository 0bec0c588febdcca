"""Saves and exports write like a careful Unix tool: never over a device, FIFO or folder; links followed to a
regular file and otherwise refused; the file's mode kept, a new file's mode from the umask; `~` expanded."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from ml101.engine.errors import SpecError
from ml101.engine.safe_write import atomic_write, check_target
from ml101.engine.spec import preset
from ml101.engine.store import load_experiment, save_experiment
from ml101.engine.trainer import Trainer


def test_dev_null_itself_is_refused_and_stays_a_device():
    with pytest.raises(SpecError, match="/dev/null is a device; ml101 only writes regular files"):
        atomic_write("/dev/null", b"data")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_link_to_dev_null_is_refused_and_stays_a_link(tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/null")
    with pytest.raises(SpecError, match="is a device .the link .* points to /dev/null"):
        atomic_write(link, b"data")
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left either


def test_a_fifo_is_refused_at_once_without_waiting_for_a_reader(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    errors = []
    worker = threading.Thread(target=lambda: errors.append(_refusal(fifo)), daemon=True)
    worker.start()
    worker.join(30)  # a guard against a hang, not a speed test
    assert not worker.is_alive(), "writing to a FIFO blocked"
    assert "is a FIFO" in errors[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def _refusal(path) -> str:
    try:
        atomic_write(path, b"data")
    except SpecError as exc:
        return str(exc)
    return "written"


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(SpecError, match="is a folder; give a file name like run.npz"):
        atomic_write(tmp_path, b"data")
    assert tmp_path.is_dir()


def test_a_link_to_a_regular_file_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(real.name)
    atomic_write(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_dangling_link_is_refused(tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "nowhere" / "x.csv")
    with pytest.raises(SpecError, match="which does not exist; ml101 does not write through a dangling link"):
        atomic_write(link, b"new")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664, 0o640])
def test_an_existing_file_keeps_its_mode(tmp_path, mode):
    target = tmp_path / "run.csv"
    target.write_bytes(b"old")
    target.chmod(mode)
    atomic_write(target, b"new")
    assert stat.S_IMODE(os.stat(target).st_mode) == mode and target.read_bytes() == b"new"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "run.csv", b"new")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "run.csv").st_mode) == mode


def test_a_saved_experiment_is_0644_under_umask_022_and_loads(tmp_path):
    trainer = Trainer(preset("quick").with_changes(samples=100, epochs=2))
    trainer.run(2)
    old = os.umask(0o022)
    try:
        save_experiment(tmp_path / "run.npz", trainer)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "run.npz").st_mode) == 0o644
    assert load_experiment(tmp_path / "run.npz").epoch == 2


def test_tilde_means_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    written = atomic_write("~/x.csv", b"new")
    assert written == tmp_path / "x.csv" and (tmp_path / "x.csv").read_bytes() == b"new"
    assert check_target("~/y.npz", "--save") == tmp_path / "y.npz"


def test_a_very_long_name_still_gets_a_temp_file_in_the_same_folder(tmp_path):
    name = "r" * 250 + ".csv"
    atomic_write(tmp_path / name, b"new")
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("name", ["missing/x.npz", "file.txt/x.npz"])
def test_the_folder_must_exist_and_be_a_folder(tmp_path, name):
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(SpecError, match=r"folder .* (does not exist|is not a folder)"):
        check_target(tmp_path / name, "--save")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_file_and_folder_are_refused_before_any_work(tmp_path):
    target = tmp_path / "run.npz"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(SpecError, match="is read-only"):
        check_target(target, "--save")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(SpecError, match="cannot write into"):
            check_target(folder / "run.npz", "--save")
    finally:
        folder.chmod(0o755)


def test_an_escape_sequence_in_a_file_name_is_shown_escaped(tmp_path):
    evil = tmp_path / "a\x1b]0;owned\x07b"
    evil.mkdir()
    with pytest.raises(SpecError) as err:
        atomic_write(evil, b"x")
    assert "\x1b" not in str(err.value) and "\x07" not in str(err.value)
    assert "a\\x1b]0;owned\\x07b" in str(err.value)


def test_a_diverged_run_is_refused_with_the_reason_and_no_file_written(tmp_path):
    trainer = Trainer(preset("quick").with_changes(optimizer="sgd", lr=10, samples=100, epochs=50))
    trainer.run(50)
    assert trainer.diverged
    with pytest.raises(SpecError, match="not saved: Training diverged at epoch"):
        save_experiment(tmp_path / "run.npz", trainer)
    trainer.change(lr=0.01)  # a new learning rate clears the flag, but the weights are still broken
    with pytest.raises(SpecError, match="weights are NaN, infinite"):
        save_experiment(tmp_path / "run.npz", trainer)
    assert list(Path(tmp_path).iterdir()) == []


def test_the_readme_says_which_symlink_policy_and_temp_name_ml101_uses():
    text = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert "Symbolic links are followed** when they point to a regular file" in text
    assert "A dangling link (pointing to nothing) is refused" in text
    assert ".ml101-tmp-<pid>-<random>-<name>" in text
