"""Ctrl+C during `ml101 train`: it stops promptly, exits 130 and still prints (and saves) what it has."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ml101.engine.store import load_experiment

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is a POSIX thing")
ROOT = Path(__file__).parents[2]


def start(tmp_path, *args, env=None):
    return subprocess.Popen(
        [sys.executable, "-m", "ml101", "train", "--epochs", "100000", *args],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONPATH=str(ROOT), ML101_CONFIG_DIR=str(tmp_path / "config"), **(env or {})),
        # A shell that started pytest in the background may ignore SIGINT; the child must not inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for_epochs(child, deadline_s: float = 60) -> bytes:
    """Read the live progress bar until it shows a finished epoch: then training is surely under way."""
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    seen, end = b"", time.monotonic() + deadline_s
    while time.monotonic() < end:
        if selector.select(timeout=0.5):
            chunk = os.read(child.stdout.fileno(), 4096)
            assert chunk, "ml101 ended before training started"
            seen += chunk
            if re.search(rb"Epoch +[1-9]\d*/100000", seen):
                return seen
    raise AssertionError(f"no progress within {deadline_s} s: {seen[-300:]!r}")


def wait_for_cpu_seconds(child, seconds: float = 0.8, deadline_s: float = 60) -> None:
    """--json prints nothing until the end; training has started once the process has worked a while."""
    stat = Path(f"/proc/{child.pid}/stat")
    if not stat.exists():
        time.sleep(1.5)
        return
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") >= seconds:
            return
        time.sleep(0.05)
    raise AssertionError("ml101 did not start working")


def test_ctrl_c_with_json_exits_130_with_the_partial_result(tmp_path, parse_json):
    child = start(tmp_path, "--json", "--save", "run.npz")
    wait_for_cpu_seconds(child)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=10)
    assert child.returncode == 130, err
    assert b"Traceback" not in err
    result = parse_json(subprocess.CompletedProcess([], 130, out.decode(), err.decode()))
    assert result["interrupted"] is True and 0 < result["epochs"] < 100000
    assert err.decode().strip() == f"ml101: interrupted at epoch {result['epochs']}; the result so far is printed"
    # Ctrl+C keeps the work: the file holds the epochs trained so far.
    assert result["saved"] == "run.npz"
    assert load_experiment(tmp_path / "run.npz").epoch == result["epochs"]


def test_ctrl_c_during_the_progress_bar_exits_130_with_a_summary(tmp_path):
    child = start(tmp_path, env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "COLUMNS": "100"})
    seen = wait_for_epochs(child)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=10)
    assert child.returncode == 130, err
    assert b"Traceback" not in err
    summary = (seen + out).decode(errors="replace")
    assert re.search(r"custom: \d+ epochs in", summary) and "test  loss" in summary
    assert "interrupted at epoch" in err.decode()
