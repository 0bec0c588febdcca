"""The headless commands never load Textual: scripts and slow links get the CLI without the app's cost.

The import contracts in pyproject read the static import graph; this runs the real thing and looks at
sys.modules, so a deferred import inside a function that the command calls is caught too.
"""

import subprocess
import sys

import pytest

COMMANDS = {
    "train": ["train", "--preset", "quick", "--epochs", "3", "--json"],
    "attack poison": ["attack", "poison", "--strategy", "last", "--fraction", "0.5", "--epochs", "3",
                      "--seeds", "1", "--json"],
    "attack steal": ["attack", "steal", "--strategy", "data", "--budget", "20", "--epochs", "3", "--seeds", "1",
                     "--json"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_headless_command_runs_without_importing_textual(name, tmp_path):
    code = (
        "import sys\nfrom ml101.tui.cli import main\n"
        f"code = main({COMMANDS[name]!r})\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_plotext'))\n"
        "print(f'LOADED {code} {loaded}', file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    last = out.stderr.strip().splitlines()[-1]
    assert last == "LOADED 0 []", out.stderr[-2000:]
