import os

# Tests see the same one-thread default the app uses, whatever the CI machine says.
os.environ.setdefault("ML101_THREADS", "1")
# No animations (Textual reads this once, at import): a test waits for every animation to end after each key,
# and a tab's sliding underline drew frames for a third of a second; what the screen ends up showing is the
# same.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

# Before any test module imports NumPy: the ml101 package root sets one BLAS thread. With BLAS's default
# threads, the app's training thread and BLAS's spinning helpers fight over two cores and the UI tests run
# ten times slower.
import pytest  # noqa: E402

import ml101  # noqa: E402, F401  (the package root sets the thread default)


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` (pyproject's default): three test processes per two cores. An app test spends part of its
    time waiting for the app's timers and the worker's snapshots; a third process fills those gaps (on the
    2-core machine the suite took 3m45 with two processes)."""
    return max(2, (os.cpu_count() or 1) * 3 // 2)


def pytest_addoption(parser) -> None:
    group = parser.getgroup("ml101")
    group.addoption("--fuzz-seeds", type=int, default=0, metavar="N",
                    help="key fuzzer (tests/tui/test_key_fuzz.py): N seeds per scenario instead of CI's fixed ones")
    group.addoption("--fuzz-keys", type=int, default=150, metavar="N", help="key fuzzer: keys per run (150)")


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path, monkeypatch):
    """Saves add to the recent-experiments list and the app saves its theme: keep every test's files out of
    the real config folder of whoever runs the tests."""
    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ML101_STATE_DIR", str(tmp_path / "state"))  # a test's crash log is not the user's
