"""The one import name, ml101, is put together from the project's folders by pyproject's package-dir.

setuptools' discovery does not follow a package-dir mapping, so pyproject lists every package by hand; a
folder with an __init__.py missing from that list would be left out of the wheel without a word.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_folder_with_an_init_is_a_listed_package_and_no_more():
    config = _setuptools()
    mapping = config["package-dir"]
    found = set()
    for name, folder in mapping.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            parts = init.parent.relative_to(base).parts
            if "__pycache__" in parts or (name == "ml101.tui" and parts[:1] == ("root",)):
                continue  # tui/root is the package ml101 itself, mapped on its own
            found.add(".".join((name, *parts)))
    assert found == set(config["packages"])


def test_python_m_ml101_is_the_ml101_command():
    out = subprocess.run([sys.executable, "-m", "ml101", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("usage: ml101")


def test_the_old_top_level_names_are_not_installed():
    code = "import importlib.util as u; print([n for n in ('engine', 'tui', 'assets') if u.find_spec(n)])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert out.stdout.strip() == "[]"
