"""Helpers for the app's tests: build the app on a preset, wait for the worker, read the screen as text."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console
from textual.widgets import Input

from ml101.engine.spec import preset
from ml101.tui.app import ML101App

# Generous: a loaded CI machine may be slow, and waiting is event-driven, so a pass never waits this long.
SETTLE_TIMEOUT = 60


def make_app(name: str = "quick", **changes) -> ML101App:
    exp = preset(name)
    if changes:
        exp = exp.with_changes(**changes)
    return ML101App(exp)


async def settled(pilot) -> None:
    """Wait until the worker has applied every command, training is paused and the screen shows it."""
    train_screen = pilot.app.screen_stack[0]  # also under a modal
    await asyncio.wait_for(train_screen.settled.wait(), SETTLE_TIMEOUT)
    await pilot.pause()


async def until(pilot, condition, what: str) -> None:
    """Wait (without a fixed sleep) until `condition()` holds, e.g. until training is seen running."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_TIMEOUT
    while not condition():
        assert loop.time() < deadline, f"timed out waiting until {what}"
        await pilot.pause(0.01)


def screen_text(app) -> str:
    """The screen as plain text, the way a person reads it."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      force_terminal=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def press_at_once(app, *keys: str) -> None:
    """Keys delivered in one go, as a terminal hands over a held key or a fast typist's: the app takes them one
    after another without the pause for the screen that `pilot.press` makes between keys."""
    from textual import events

    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


async def type_into(pilot, selector: str, text: str) -> None:
    """Type `text` into the settings field `selector` as a person does (old text gone, then Enter)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    await pilot.pause()
    field.value = ""
    await pilot.press(*text, "enter")
    await settled(pilot)
