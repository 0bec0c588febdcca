"""The help overlay lays out its tables once per text and width: opening it again costs no layout."""

from __future__ import annotations

from tui_helpers import make_app, screen_text, settled

from ml101.tui.widgets.dialogs import HelpScreen, HelpText


async def test_the_second_opening_reuses_the_laid_out_help_and_shows_the_same(monkeypatch):
    HelpText._rendered.clear()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        layouts = []
        original = app.console.render_lines
        monkeypatch.setattr(app.console, "render_lines", lambda *a, **k: layouts.append(1) or original(*a, **k))
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        first, count = screen_text(app), len(layouts)
        assert count >= 1
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert len(layouts) == count
        assert screen_text(app) == first
