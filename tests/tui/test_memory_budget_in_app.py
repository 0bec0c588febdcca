"""The settings panel refuses what the memory budget refuses, inline, and keeps the old value."""

from __future__ import annotations

from tui_helpers import make_app, screen_text, settled, type_into

from ml101.tui import i18n

WIDE = (256,) * 8


async def test_too_many_points_for_a_wide_net_are_refused_inline_and_the_old_number_kept():
    app = make_app(layers=WIDE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        await type_into(pilot, "#set-samples", "100000")
        text = screen_text(app)
        assert "✗ Points: 90000 training points × layers 8 of 256" in text
        assert "need about 1.9 GB of memory" in text  # the status line says it in one line
        assert app.screen.state.exp.samples == 1000
        await type_into(pilot, "#set-samples", "20000")  # what fits is still taken
        assert app.screen.state.exp.samples == 20000


async def test_the_german_app_says_it_in_german():
    i18n.set_language("de")
    app = make_app(layers=WIDE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        await type_into(pilot, "#set-samples", "100000")
        text = screen_text(app)
        assert "✗ Punkte: diese Einstellungen bräuchten zusammen etwa" in text
        assert app.screen.state.exp.samples == 1000


async def test_a_csv_too_big_for_the_budget_is_refused_by_the_worker_in_german_too(tmp_path, monkeypatch):
    import numpy as np

    from ml101.engine import budget

    rng = np.random.default_rng(0)
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([rng.normal(size=(30_000, 2)), rng.integers(0, 2, 30_000)]), delimiter=",",
               fmt=["%.4f", "%.4f", "%d"])
    monkeypatch.setenv(budget.ENV, "256M")  # the points are counted only once the file is read
    i18n.set_language("de")
    app = make_app(layers=WIDE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        await type_into(pilot, "#set-csv", str(path))
        text = screen_text(app)
        assert "diese Einstellungen bräuchten zusammen etwa" in text
        assert app.screen.state.exp.data == "moons"  # the data it had
