"""Exit codes a shell script can trust: a reader that went away (`| head`) is no error and loses no file; a
full disk is exit 2 with one line naming what could not be written; a GPU that is not there is one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cli_env import ROOT, ml101_env

ML101 = [sys.executable, "-m", "ml101"]


def closed_reader(args, tmp_path, read: int = 0) -> subprocess.CompletedProcess:
    """Run ml101 with stdout into a pipe whose reader takes `read` bytes and closes it, as `head -c` does."""
    r, w = os.pipe()
    proc = subprocess.Popen([*ML101, *args], stdout=w, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            cwd=tmp_path, env=ml101_env(tmp_path / "config") | {"PYTHONPATH": str(ROOT)})
    os.close(w)
    got = os.read(r, read) if read else b""
    os.close(r)
    stderr = proc.communicate(timeout=300)[1].decode()
    return subprocess.CompletedProcess(args, proc.returncode, got, stderr)


@pytest.mark.parametrize("args", [["train", "--epochs", "3000"], ["train", "--epochs", "300", "--json"],
                                  ["attack", "poison", "--seeds", "1", "--epochs", "20"]],
                         ids=["progress bar", "json", "attack table"])
def test_a_closed_pipe_ends_quietly_with_0(tmp_path, args):
    done = closed_reader(args, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no "Exception ignored … BrokenPipeError", no traceback


def test_a_closed_pipe_still_saves_the_run(tmp_path):
    done = closed_reader(["train", "--epochs", "3000", "--save", "run.npz"], tmp_path, read=10)
    assert done.returncode == 0 and done.stderr == ""
    assert (tmp_path / "run.npz").stat().st_size > 1000


def test_the_json_reader_gets_what_it_asked_for(tmp_path):
    done = closed_reader(["train", "--epochs", "20", "--json"], tmp_path, read=10)
    assert done.stdout == b'{"preset":' and done.returncode == 0 and done.stderr == ""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("args", [["train", "--epochs", "3", "--json"], ["train", "--epochs", "3"],
                                  ["attack", "poison", "--seeds", "1", "--epochs", "3"]])
def test_stdout_on_a_full_disk_is_exit_2_naming_stdout(ml101, tmp_path, args):
    with open("/dev/full", "w") as full:
        done = subprocess.run([*ML101, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
                              cwd=tmp_path, env=ml101_env(tmp_path / "config"), stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["ml101: stdout: cannot write (No space left on device)"]


def test_a_full_disk_while_saving_names_the_file(ml101, tmp_path, monkeypatch, capsys):
    import errno

    from ml101.tui import cli

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "run.npz"))

    monkeypatch.setattr("ml101.tui.cli.train.build_trainer", full)  # any late write that finds the disk full
    assert cli.main(["train", "--json"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"ml101: {tmp_path / 'run.npz'}: cannot write (No space left on device)"]


def _torch_sees_a_gpu() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.mark.skipif(_torch_sees_a_gpu(), reason="this machine has a CUDA GPU: the run below is checked instead")
def test_attack_on_cuda_without_a_gpu_is_one_line(ml101, refused):
    line = refused(ml101("attack", "poison", "--device", "cuda", "--json"))
    assert line.startswith("ml101: --device: cuda") and "no CUDA GPU" in line


def test_attack_on_cuda_trains_its_stack_with_pytorch_on_the_gpu(monkeypatch):
    """Where CUDA exists the attack's recipe must accept it: the stacked models run in PyTorch (the quick
    recipe's NumPy backend, which refuses cuda, is not what trains them)."""
    import argparse

    from ml101.tui.cli import attack as cli_attack

    monkeypatch.setattr("torch.cuda.is_available", lambda: True)
    args = argparse.Namespace(device="cuda", layers=None, epochs="5", lr=None, preset="fast", seeds="1",
                              seed="0", threads=None)
    exp, options = cli_attack._training(args)
    assert (exp.device, exp.backend) == ("cuda", "torch")
    from ml101.engine.nets.stacked import pick_device

    assert pick_device(exp.device) == "cuda"


@pytest.mark.skipif(not _torch_sees_a_gpu(), reason="needs a CUDA GPU")
def test_attack_on_a_real_gpu(ml101, parse_json):
    done = ml101("attack", "poison", "--device", "cuda", "--seeds", "2", "--epochs", "50", "--json")
    assert done.returncode == 0, done.stderr
    assert 0.5 <= parse_json(done)["clean_test_accuracy"] <= 1
