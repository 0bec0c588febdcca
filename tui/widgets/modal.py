"""Windows over a screen that close exactly once, and lists and a command palette that survive fast keys.

Textual's `Screen.dismiss` pops whatever screen is on top, not the one dismissed: Enter pressed twice on a
menu (the second arrives before the menu has gone) dismissed it, then popped the screen underneath, and the
app crashed with "Can't pop screen". Here a window that is no longer on top ignores a second dismiss.
"""

from __future__ import annotations

from textual import on
from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import Button, Input
from textual.widgets import OptionList as TextualOptionList


def can_page(options: TextualOptionList) -> bool:
    """Whether PageUp/PageDown can move in `options` now. Textual's OptionList pages by a table of its lines
    that it fills only while it has a size: a key that arrives while the list is refilled or hidden (the
    palette searching) found the table empty and raised KeyError."""
    return options.highlighted is None or options.highlighted in options._index_to_line


class OptionList(TextualOptionList):
    """Textual's OptionList, with PageUp/PageDown that wait until it is laid out (see `can_page`)."""

    def action_page_up(self) -> None:
        if can_page(self):
            super().action_page_up()

    def action_page_down(self) -> None:
        if can_page(self):
            super().action_page_down()


class Modal(ModalScreen[ScreenResultType]):
    """A ModalScreen whose dismiss only closes itself, once."""

    def dismiss(self, result=None) -> AwaitComplete:
        if not self.is_attached or self.app.screen is not self:
            return AwaitComplete.nothing()  # already on its way out: the callback had its answer
        return super().dismiss(result)

    def action_close(self) -> None:
        """For key bindings: close this window (and nothing underneath it)."""
        self.dismiss(None)


class Palette(CommandPalette):
    """Textual's command palette, closing once; keys that arrive while it closes (its list already gone) do
    nothing instead of raising NoMatches."""

    def dismiss(self, result=None) -> AwaitComplete:
        if not self.is_attached or self.app.screen is not self:
            return AwaitComplete.nothing()
        return super().dismiss(result)

    def _action_command_list(self, action: str) -> None:
        lists = self.query(CommandList)
        if lists and (not action.startswith("page_") or can_page(lists.first())):
            super()._action_command_list(action)

    def _action_cursor_down(self) -> None:
        if self.query(CommandList):
            super()._action_cursor_down()

    @on(Input.Submitted)
    @on(Button.Pressed)
    @on(TextualOptionList.OptionSelected)
    def _too_late(self, event: Message) -> None:
        """An Enter that reaches the palette after it closed (two in a row): it already ran its command once.
        Runs before Textual's own handlers, which it then skips."""
        if not self.is_attached or self.app.screen is not self:
            event.stop()
            event.prevent_default()
