"""Run `ml101` as people do: a separate process, judged only by its exit code, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_env import ROOT, ml101_env  # noqa: F401 — also imported by test modules


@pytest.fixture
def ml101(tmp_path):
    """`ml101(*args)` → CompletedProcess (text), run in tmp_path with its own settings folder."""

    def run(*args: str, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "ml101", *map(str, args)],
            capture_output=True, text=True, timeout=timeout, cwd=cwd or tmp_path,
            env=ml101_env(tmp_path / "config"), stdin=subprocess.DEVNULL,
        )

    return run


def assert_refused(result: subprocess.CompletedProcess, starts: str = "ml101: ") -> str:
    """Bad input: exit 2, nothing on stdout, one line on stderr without a traceback. Returns that line."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(starts), lines[0]
    return lines[0]


def json_result(result: subprocess.CompletedProcess) -> dict:
    """stdout holds exactly one JSON object, strictly valid: no NaN or Infinity tokens."""

    def refuse(token):
        raise AssertionError(f"{token} is not JSON")

    return json.loads(result.stdout, parse_constant=refuse)


@pytest.fixture
def refused():
    return assert_refused


@pytest.fixture
def parse_json():
    return json_result
