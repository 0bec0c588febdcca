"""How the Attack lab looks after a finished run (fixed seeds): at 80×24 in colour and without, and at 120×40.

Update after an intended change of looks: pytest tests/tui/test_attack_snapshots.py --snapshot-update
"""

from __future__ import annotations

from tui_helpers import make_app, until

from tui.screens.attack import AttackScreen

NARROW, WIDE = (80, 24), (120, 40)


def ran(*keys: str):
    """A run_before: open the lab with x, press `keys` (the last one starts a job), wait until it is done."""

    async def run_before(pilot) -> None:
        await pilot.press("x")
        await until(pilot, lambda: isinstance(pilot.app.screen, AttackScreen), "the attack lab is shown")
        screen = pilot.app.screen
        await pilot.press(*keys)
        await until(pilot, lambda: not screen.running, "the attack finished")
        await pilot.pause()

    return run_before


def test_poisoning_maps_80x24(snap_compare):
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=ran("enter"))


def test_poisoning_maps_no_color_80x24(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=ran("enter"))


def test_stealing_120x40(snap_compare):
    assert snap_compare(make_app(), terminal_size=WIDE, run_before=ran("a", "enter"))
