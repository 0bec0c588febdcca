"""Windows over a screen that close exactly once, and a command palette that survives fast keys.

Textual's `Screen.dismiss` pops whatever screen is on top, not the one dismissed: Enter pressed twice on a
menu (the second arrives before the menu has gone) dismissed it, then popped the screen underneath, and the
app crashed with "Can't pop screen". Here a window that is no longer on top ignores a second dismiss.
"""

from __future__ import annotations

from textual import on, work
from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import Button, Input, LoadingIndicator, OptionList


class Modal(ModalScreen[ScreenResultType]):
    """A ModalScreen whose dismiss only closes itself, once."""

    def dismiss(self, result=None) -> AwaitComplete:
        if not self.is_attached or self.app.screen is not self:
            return AwaitComplete.nothing()  # already on its way out: the callback had its answer
        return super().dismiss(result)

    def action_close(self) -> None:
        """For key bindings: close this window (and nothing underneath it)."""
        self.dismiss(None)


_search = CommandPalette._gather_commands.__wrapped__  # the search itself, without its @work


class Palette(CommandPalette):
    """Textual's command palette, closing once; keys that arrive while it closes (its list already gone) do
    nothing instead of raising NoMatches."""

    _dismissed = False  # dismissed: its list goes soon, so nothing may start that would look for it later

    def dismiss(self, result=None) -> AwaitComplete:
        if not self.is_attached or self.app.screen is not self:
            return AwaitComplete.nothing()
        # Textual's half-second "No matches" and "busy" timers fired after the list had gone (NoMatches)
        self._dismissed = True
        self._stop_no_matches_countdown()
        self._stop_busy_countdown()
        return super().dismiss(result)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        if not self._dismissed:
            super()._start_no_matches_countdown(search_value)

    def _start_busy_countdown(self) -> None:
        if not self._dismissed:
            super()._start_busy_countdown()

    def _has_its_widgets(self) -> bool:
        return bool(self.query(CommandList)) and bool(self.query(LoadingIndicator)) and bool(self.query("#--input"))

    def _watch__list_visible(self) -> None:
        if self._has_its_widgets():  # a change that lands while the palette is taken apart shows nothing
            super()._watch__list_visible()

    async def _watch__show_busy(self) -> None:
        if self._has_its_widgets():
            await super()._watch__show_busy()

    def _action_command_list(self, action: str) -> None:
        if self.query(CommandList):
            super()._action_command_list(action)

    def _action_cursor_down(self) -> None:
        if self.query(CommandList):
            super()._action_cursor_down()

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        """Textual's search, in a worker; a palette closed while it searched (typed, then Esc in one burst)
        has no list to fill, and the worker's NoMatches ended the app."""
        try:
            await _search(self, search_value)
        except NoMatches:
            if self.is_attached and self.app.screen is self and self.query(CommandList):
                raise

    @on(Input.Submitted)
    @on(Button.Pressed)
    @on(OptionList.OptionSelected)
    def _too_late(self, event: Message) -> None:
        """An Enter that reaches the palette after it closed (two in a row): it already ran its command once.
        Runs before Textual's own handlers, which it then skips."""
        if not self.is_attached or self.app.screen is not self:
            event.stop()
            event.prevent_default()
