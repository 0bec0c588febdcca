"""The app does not grow with use: opening the help or switching Train ↔ Learn again and again leaves nothing.

Counted as live objects, not as memory (which the allocator keeps and the OS reports late): before the fix
each help opening left ≈ 14 footer key widgets and ≈ 20 widgets' style caches with their lines alive,
each Train ↔ Learn switch ≈ 30 footer key widgets; a few thousand objects per step, without bound.
"""

from __future__ import annotations

import gc
from collections import Counter

import pytest
from textual._styles_cache import StylesCache
from textual.dom import DOMNode
from tui_helpers import make_app, settled, until

from ml101.tui.screens.learn import LearnScreen
from ml101.tui.screens.train import TrainScreen

WARM_UP = 5
STEPS = 20
SLACK_OBJECTS = 3000  # a few transient caches; the leak was that much every two steps
SLACK_NODES = 10  # widgets in the compositor's last frame


def live() -> Counter:
    gc.collect()
    objects = gc.get_objects()
    counts = Counter(type(o).__name__ for o in objects if isinstance(o, (DOMNode, StylesCache)))
    counts["objects"] = len(objects)
    counts["widgets"] = sum(n for name, n in counts.items() if name not in ("objects", "StylesCache"))
    return counts


async def open_and_close_the_help(pilot) -> None:
    await pilot.press("question_mark")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen", "the help is open")
    await pilot.pause()
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(pilot.app.screen, TrainScreen), "the help is closed")
    await pilot.pause()


async def switch_to_learn_and_back(pilot) -> None:
    await pilot.press("e")
    await until(pilot, lambda: isinstance(pilot.app.screen, LearnScreen), "the Learn screen is shown")
    await pilot.pause()
    await pilot.press("t")
    await until(pilot, lambda: isinstance(pilot.app.screen, TrainScreen), "the Train screen is back")
    await pilot.pause()


@pytest.mark.parametrize("step", [open_and_close_the_help, switch_to_learn_and_back], ids=["help", "switch"])
async def test_repeating_a_step_leaves_no_widgets_or_caches_behind(step):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        for _ in range(WARM_UP):
            await step(pilot)
        before = live()
        for _ in range(STEPS):
            await step(pilot)
        after = live()
    grown = {name: after[name] - before[name] for name in after if after[name] > before[name]}
    assert after["widgets"] - before["widgets"] <= SLACK_NODES, grown
    assert after["StylesCache"] - before["StylesCache"] <= SLACK_NODES, grown
    assert after["objects"] - before["objects"] <= SLACK_OBJECTS, grown
