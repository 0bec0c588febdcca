"""Run ml101 as on a machine without PyTorch, in this venv that has it (for the dev extra's other tests).

The child Python starts with sys.modules["torch"] = None: `import torch` raises ImportError and
importlib.util.find_spec("torch") returns None, which is all a missing install looks like to ml101."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_env import ml101_env

HIDE_TORCH = 'import sys; sys.modules["torch"] = None\n'
# `python -m ml101`, after hiding torch
LAUNCH = HIDE_TORCH + 'import runpy; runpy.run_module("ml101", run_name="__main__", alter_sys=True)\n'
INSTALL_LINE = 'needs PyTorch, which is not installed: pip install "ml101[torch]"'


def ml101_without_torch(folder: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`ml101 *args` run in `folder` (its own settings there) by a Python that cannot import torch."""
    return subprocess.run([sys.executable, "-c", LAUNCH, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=folder, env=ml101_env(folder / "config"), stdin=subprocess.DEVNULL)
