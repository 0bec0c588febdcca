"""The app on a small install (no PyTorch): asking for the torch backend is one inline line saying how to
add it, and the experiment stays as it was. Torch is hidden in this process (sys.modules["torch"] = None:
`import torch` raises ImportError and find_spec says None), as on a machine without it."""

from __future__ import annotations

import sys

import pytest
from textual.widgets import Select
from tui_helpers import make_app, screen_text, settled

INSTALL = 'pip install "ml101[torch]"'


@pytest.fixture
def no_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)


async def test_f6_without_torch_says_how_to_add_it_and_keeps_the_experiment(no_torch):
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        await pilot.press("f6")
        await settled(pilot)
        text = screen_text(app)
        assert "✗" in text and "needs PyTorch" in text and INSTALL in text, text
        assert app.screen.state.exp.preset == "quick" and app.screen.state.exp.backend == "numpy"


async def test_the_backend_setting_without_torch_is_refused_inline(no_torch):
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        await pilot.press("4")
        app.screen.query_one("#set-backend", Select).value = "torch"
        await settled(pilot)
        assert "needs PyTorch" in screen_text(app)
        assert app.screen.state.exp.backend == "numpy"
