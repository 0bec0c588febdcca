"""How the Train screen looks, paused, with fixed seeds: at 80×24 (tabs) and 120×40 (side by side).

Update after an intended change of looks: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest
from tui_helpers import make_app, settled

from ml101.tui import i18n

NARROW, WIDE = (80, 24), (120, 40)


def trained_app(**changes):
    """The screens that show training train in float64. In float32 the CPU's rounding (OpenBLAS picks its
    kernels per CPU: Haswell, SkylakeX, ...) grows within 40 epochs into what the screen shows: on Haswell's
    kernels the map's probabilities move by 2e-3 and cells change shade. Float64 runs of the net agree to
    1e-15 on every kernel, far below the 3-4 digits and 16 shades drawn. No snapshot shows the dtype."""
    return make_app(dtype="float64", **changes)


def trained_for(epochs: int, *keys: str):
    """A run_before: train `epochs` epochs (the goal), wait until paused, then press `keys`."""

    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("space")
        await settled(pilot)
        assert pilot.app.screen.state.epoch == epochs
        if keys:
            await pilot.press(*keys)
            await settled(pilot)

    return run_before


def test_start_80x24(snap_compare):
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=settled)


@pytest.mark.parametrize("panel", ["1", "2", "3", "4"])
def test_trained_panels_80x24(snap_compare, panel):
    assert snap_compare(trained_app(epochs=40), terminal_size=NARROW, run_before=trained_for(40, panel))


def test_trained_120x40(snap_compare):
    assert snap_compare(trained_app(epochs=40), terminal_size=WIDE, run_before=trained_for(40))


def test_untrained_neuron_view_120x40(snap_compare):
    app = trained_app(epochs=40)
    assert snap_compare(app, terminal_size=WIDE, run_before=trained_for(40, "u", "n", "n", "p"))


def test_no_color_80x24(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(trained_app(epochs=40), terminal_size=NARROW, run_before=trained_for(40))


def test_german_80x24(snap_compare):
    i18n.set_language("de")
    assert snap_compare(trained_app(epochs=40), terminal_size=NARROW, run_before=trained_for(40))


def test_help_80x24(snap_compare):
    assert snap_compare(trained_app(), terminal_size=NARROW, run_before=trained_for(300, "question_mark"))
