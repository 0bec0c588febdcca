"""Random keys at machine speed on every screen, while training and while attacks run: never a crash.

Each run is a seeded sequence of the app's own keys (every binding of the app, its screens and widgets, and
the keys Textual's widgets use: Enter, Esc, Tab, PageUp/PageDown, arrows, letters typed into fields), some
pressed one by one, some sent as a burst the way a held key or a fast typist delivers them (the app sees the
next key before it has finished the last: screens still rebuilding, dialogs on their way out). Any exception
fails the test, with the seed and the keys that led to it. The quit keys are left out, so a run goes on.

CI runs the fixed seeds below (about a minute); `--fuzz-seeds=200` (and `--fuzz-keys=600`) runs longer.
"""

from __future__ import annotations

import asyncio
import random
import sys
from unittest import mock

import pytest
from tui_helpers import make_app, press_at_once, until

from ml101.engine.trainer import Trainer
from ml101.tui.app import ML101App
from ml101.tui.screens.attack import AttackScreen
from ml101.tui.screens.learn import LearnScreen
from ml101.tui.screens.train import TrainScreen
from ml101.tui.widgets.architecture import LayerList
from ml101.tui.widgets.data_cursor import DataCursorMap
from ml101.tui.widgets.dialogs import ErrorScreen, HelpScreen
from ml101.tui.widgets.file_dialogs import PathDialog
from ml101.tui.widgets.presets_menu import PresetsMenu
from ml101.tui.widgets.settings import SettingsPanel

pytestmark = pytest.mark.slow  # the fuzzer is a net for the whole app, not for each edit: CI and a full run take it

QUIT_KEYS = {"q", "ctrl+c", "ctrl+q"}
TEXTUAL_KEYS = [  # what Textual's own widgets (Input, Select, OptionList, Tabs, scroll areas, the palette) use
    "enter", "escape", "tab", "shift+tab", "pageup", "pagedown", "home", "end", "up", "down", "left", "right",
    "space", "backspace", "delete", "ctrl+p", "period", "comma", "9", "full_stop",
]  # fmt: skip
OWNERS = (ML101App, TrainScreen, LearnScreen, AttackScreen, HelpScreen, ErrorScreen, PresetsMenu, PathDialog,
          LayerList, SettingsPanel, DataCursorMap)
GAPS = (0, 0.002, 0.01, 0.03)  # seconds between keys: from a held key to quick typing
START_SECONDS = 60  # generous, for a loaded CI machine: waits end as soon as the state is reached


def own_keys() -> list[str]:
    """Every key the app and its screens and widgets bind, and Textual's widget keys; never a quit key."""
    keys = set(TEXTUAL_KEYS)
    for owner in OWNERS:
        for b in owner.BINDINGS:
            keys.update(k.strip() for k in b.key.split(","))
    return sorted(keys - QUIT_KEYS)


KEYS = own_keys()
SCENARIOS = ("startup", "train", "training", "learn", "attack-running", "dialogs")
CI_RUNS = [(scenario, seed) for seed in (1,) for scenario in SCENARIOS]


def pytest_generate_tests(metafunc) -> None:  # noqa: D103 — pytest's hook: the runs, CI's or many more
    if "scenario" in metafunc.fixturenames:
        n = metafunc.config.getoption("fuzz_seeds")
        runs = CI_RUNS if not n else [(s, seed) for seed in range(n) for s in SCENARIOS]
        metafunc.parametrize(("scenario", "seed"), runs, ids=[f"{s}-{seed}" for s, seed in runs])


async def start(pilot, scenario: str) -> None:
    """Bring the app into the scenario's state: a screen, training running, an attack running."""
    app = pilot.app
    train = app.screen
    if scenario == "startup":
        return  # keys from the first moment: the editors are not even mounted yet
    await asyncio.wait_for(train.settled.wait(), START_SECONDS)
    if scenario == "training":
        await pilot.press("space")
        await until(pilot, lambda: train.state is not None and train.state.running, "training runs")
    elif scenario == "learn":
        await pilot.press("space", "e")
    elif scenario == "attack-running":
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, AttackScreen), "the attack lab shows")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.running or app.screen.result is not None, "an attack runs")
    elif scenario == "dialogs":
        await pilot.press("space", "ctrl+s")


async def fuzz(scenario: str, seed: int, n_keys: int, size: tuple[int, int]) -> list[str]:
    rng = random.Random(f"{scenario}-{seed}")
    app = make_app(epochs=100_000)
    pressed: list[str] = []
    reported: list[str] = []  # bugs the app caught and showed in its error window: bugs all the same
    shown = ErrorScreen.__init__

    def report(window, error, details) -> None:
        reported.append(details)
        shown(window, error, details)

    try:
        with mock.patch.object(ErrorScreen, "__init__", report):
            await drive(app, rng, pressed, scenario, n_keys, size)
    except Exception as exc:
        raise AssertionError(f"{scenario} seed {seed} at {size}: {type(exc).__name__} after the keys "
                             f"{' '.join(pressed[-30:])}") from exc
    assert not reported, f"{scenario} seed {seed} at {size}: the error window showed {reported[0]}"
    assert app.return_code in (None, 0), f"{scenario} seed {seed}: the app ended with code {app.return_code}"
    return pressed


async def drive(app, rng, pressed: list[str], scenario: str, n_keys: int, size: tuple[int, int]) -> None:
    """Bring the app into the scenario, then press `n_keys` drawn by `rng`, noting them in `pressed`."""
    async with app.run_test(size=size) as pilot:
        await start(pilot, scenario)
        while len(pressed) < n_keys and not app._exit:
            if rng.random() < 0.3:
                keys = [rng.choice(KEYS) for _ in range(rng.randint(2, 12))]
                pressed.append("[" + " ".join(keys) + "]")
            else:
                keys = [rng.choice(KEYS)]
                pressed.append(keys[0])
            press_at_once(app, *keys)
            # a fast typist, or now and then a look at the screen (Pilot's pause waits up to a second)
            await (pilot.pause() if rng.random() < 0.05 else asyncio.sleep(rng.choice(GAPS)))
        await pilot.pause()
        await pilot.pause()


async def test_random_keys_never_crash_the_app(scenario, seed, request, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # ctrl+s and E write files: here, not into the checkout
    n_keys = request.config.getoption("fuzz_keys")
    size = random.Random(seed).choice([(80, 24), (120, 40), (100, 30)])
    pressed = await fuzz(scenario, seed, n_keys, size)
    assert pressed, "no key was pressed"


def test_the_fuzzer_presses_the_keys_that_used_to_crash():
    """The keys it draws from include every kind that crashed the app: a test of the test."""
    for key in ("plus", "enter", "escape", "pageup", "pagedown", "L", "P", "ctrl+p", "x", "e", "t", "ctrl+s",
                "question_mark", "f8", "E", "c", "1", "4"):
        assert key in KEYS, key
    assert not QUIT_KEYS & set(KEYS)


async def test_the_fuzzer_fails_on_a_crash_and_on_a_bug_the_app_only_showed(monkeypatch, tmp_path):
    """A test of the test: a key whose action raises, and a training step that fails (the app catches that
    one and shows it in its error window), both fail a fuzz run; only `s` is pressed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "KEYS", ["s"])

    def broken(*_) -> None:
        raise KeyError("injected")

    with monkeypatch.context() as patched:
        patched.setattr(TrainScreen, "action_step", broken)
        with pytest.raises(AssertionError, match="KeyError after the keys s"):
            await fuzz("train", 0, 5, (80, 24))
    monkeypatch.setattr(Trainer, "run", broken)  # what `s` asks the worker to do
    with pytest.raises(AssertionError, match="the error window showed"):
        await fuzz("train", 0, 5, (80, 24))
