"""`ml101 train --save/--load/--export-*` like a careful Unix tool: a device, FIFO or link to one is refused
before training; `~` is home; modes are kept; a late failure keeps the run; names are printed escaped."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ml101.engine.store import load_experiment

ROOT = Path(__file__).parents[2]

FAST = ("--epochs", "20", "--samples", "200")


def test_export_to_dev_null_is_refused_before_training_and_dev_null_stays(ml101, refused):
    line = refused(ml101("train", *FAST, "--export-csv", "/dev/null", "--json"))
    assert line == "ml101: --export-csv: /dev/null is a device; ml101 only writes regular files"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_link_to_dev_null_is_refused_and_stays_a_link(ml101, refused, tmp_path):
    (tmp_path / "out.csv").symlink_to("/dev/null")
    line = refused(ml101("train", *FAST, "--export-csv", "out.csv", "--json"))
    assert "out.csv is a device (the link out.csv points to /dev/null)" in line
    assert os.readlink(tmp_path / "out.csv") == "/dev/null"


def test_a_fifo_is_refused_at_once(ml101, refused, tmp_path):
    os.mkfifo(tmp_path / "run.npz")
    line = refused(ml101("train", *FAST, "--save", "run.npz", "--json", timeout=60))
    assert line == "ml101: --save: run.npz is a FIFO (named pipe); ml101 only writes regular files"


def test_two_flags_naming_one_file_are_refused_naming_both(ml101, refused):
    line = refused(ml101("train", *FAST, "--save", "run.npz", "--export-npz", "./run.npz", "--json"))
    assert line == "ml101: --save, --export-npz: both name ./run.npz; give each its own file"


def test_tilde_is_the_home_folder_for_save_and_load(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, ML101_CONFIG_DIR=str(tmp_path / "config"), ML101_THREADS="1", PYTHONPATH=str(ROOT),
               HOME=str(home))
    env.pop("ML101_DEBUG", None)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "ml101", "train", *args], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL)

    saved = run(*FAST, "--save=~/x.npz", "--json")
    assert saved.returncode == 0, saved.stderr
    assert load_experiment(home / "x.npz").epoch == 20
    loaded = run("--load", "~/x.npz", "--epochs", "0", "--json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["epochs"] == 20


def test_an_existing_files_mode_is_kept_and_a_new_one_follows_the_umask(ml101, tmp_path):
    (tmp_path / "kept.npz").write_bytes(b"old")
    (tmp_path / "kept.npz").chmod(0o640)
    old = os.umask(0o022)
    try:
        result = ml101("train", *FAST, "--save", "kept.npz", "--export-csv", "new.csv", "--json")
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(tmp_path / "kept.npz").st_mode) == 0o640
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o644


def test_a_diverged_run_is_not_saved_says_why_and_still_prints_its_result(ml101, parse_json, tmp_path):
    result = ml101("train", "--optimizer", "sgd", "--lr", "10", "--save", "run.npz", "--export-csv", "c.csv",
                   "--json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    out = parse_json(result)
    assert out["diverged"] is True and "saved" not in out and out["export_csv"] == "c.csv"
    assert "ml101: --save: run.npz not written: training diverged" in result.stderr
    assert not (tmp_path / "run.npz").exists()
    assert (tmp_path / "c.csv").read_text().startswith("epoch,train_loss")


def test_escape_sequences_in_names_are_printed_escaped(ml101, refused, tmp_path):
    evil = "\x1b]0;owned\x07\x1b[2J"
    line = refused(ml101("train", *FAST, "--save", f"{evil}/run.npz", "--json"))
    assert "\x1b" not in line and "\\x1b]0;owned\\x07\\x1b[2J" in line
    (tmp_path / f"{evil}.npz").write_bytes(b"not an experiment")
    line = refused(ml101("train", "--load", f"{evil}.npz", "--json"))
    assert line.startswith("ml101: experiment \\x1b]0;owned\\x07\\x1b[2J.npz: ")


def test_a_100000_character_name_is_one_short_line(ml101, refused):
    line = refused(ml101("train", *FAST, "--save", "d" * 100_000 + "/run.npz", "--json"))
    assert len(line) <= 600 and "…" in line


def test_a_broken_recent_list_never_makes_save_fail(ml101, parse_json, tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "recent.json").write_text(json.dumps([7, "relative.npz", "/x\x00.npz"]))
    result = ml101("train", *FAST, "--save", "run.npz", "--json")
    assert result.returncode == 0, result.stderr
    assert parse_json(result)["saved"] == "run.npz" and load_experiment(tmp_path / "run.npz").epoch == 20
    notes = result.stderr.splitlines()
    assert len(notes) == 3 and all(n.startswith("ml101: note: ") and "recent.json" in n for n in notes), notes
    again = ml101("train", *FAST, "--save", "run2.npz", "--json")  # named once: the save cleaned the list
    assert again.returncode == 0 and again.stderr == ""


def test_a_fifo_as_recent_list_does_not_hang_a_save(ml101, tmp_path):
    (tmp_path / "config").mkdir()
    os.mkfifo(tmp_path / "config" / "recent.json")
    result = ml101("train", *FAST, "--save", "run.npz", "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "recent.json: not updated" in result.stderr and (tmp_path / "run.npz").is_file()


# late failures, in-process so the disk can "fill up" exactly after training ------------------------------
@pytest.fixture
def in_process(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.syspath_prepend(str(ROOT))
    return tmp_path


def _disk_full_for(monkeypatch, module, name: str, victim: str):
    real = getattr(module, name)

    def write(path, trainer):
        if os.path.basename(path) == victim:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, trainer)

    monkeypatch.setattr(module, name, write)


def test_a_failed_export_after_a_good_save_keeps_the_save_and_prints_the_json(in_process, monkeypatch, capsys):
    import ml101.engine.export
    from ml101.tui.cli import main

    _disk_full_for(monkeypatch, ml101.engine.export, "export_history_csv", "curves.csv")
    code = main(["train", *FAST, "--save", "run.npz", "--export-csv", "curves.csv", "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    result = json.loads(out)
    assert result["saved"] == "run.npz" and load_experiment(in_process / "run.npz").epoch == 20
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "ml101: --export-csv: cannot write curves.csv (No space left on device); written to "), lines
    rescued = result["export_csv"]
    assert rescued.startswith(str(in_process / "data" / "ml101" / "rescued" / "curves-rescued-"))
    assert open(rescued).read().startswith("epoch,train_loss")


def test_a_save_that_fails_after_training_is_written_to_the_rescue_folder(in_process, monkeypatch, capsys):
    import ml101.engine.store
    from ml101.tui.cli import main

    _disk_full_for(monkeypatch, ml101.engine.store, "save_experiment", "run.npz")
    code = main(["train", *FAST, "--save", "run.npz", "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and "--save: cannot write run.npz (No space left on device); written to " in err
    rescued = json.loads(out)["saved"]
    assert load_experiment(rescued).epoch == 20
    from ml101.tui.settings import recent_experiments

    assert recent_experiments() == [rescued]


@pytest.mark.parametrize(("flag", "name", "field"), [("--load", "pipe.npz", "experiment pipe.npz"),
                                                     ("--data", "pipe.csv", "data file pipe.csv")])
def test_a_fifo_to_read_is_refused_at_once(ml101, refused, tmp_path, flag, name, field):
    os.mkfifo(tmp_path / name)
    line = refused(ml101("train", flag, name, "--json", timeout=60))
    assert line == f"ml101: {field}: is a FIFO (named pipe), not a regular file"


def test_ctrl_c_while_saving_still_prints_the_result(in_process, monkeypatch, capsys):
    import ml101.engine.store
    from ml101.tui.cli import main

    def interrupted(path, trainer):
        raise KeyboardInterrupt

    monkeypatch.setattr(ml101.engine.store, "save_experiment", interrupted)
    code = main(["train", *FAST, "--save", "run.npz", "--export-csv", "c.csv", "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and json.loads(out)["epochs"] == 20
    assert err.splitlines() == ["ml101: --save: run.npz not written (interrupted)",
                                "ml101: --export-csv: c.csv not written (interrupted)"]
