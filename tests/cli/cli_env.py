"""Where the project is and the environment every ml101 subprocess of the CLI tests runs with.

A module of its own (not conftest.py): test modules import it by name, and "conftest" names several files."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).parents[2]


def ml101_env(config_dir: Path) -> dict[str, str]:
    env = dict(os.environ, ML101_CONFIG_DIR=str(config_dir), ML101_THREADS="1", PYTHONPATH=str(ROOT))
    env.pop("ML101_DEBUG", None)  # a traceback on purpose would hide the one-line message
    return env
