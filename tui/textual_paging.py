"""A crash of Textual 8.2.8's OptionList, fixed for every list in the app (imported by tui/app.py).

OptionList pages (PageUp/PageDown) by a table of its lines that it fills only while it has a size. A key
that arrives while a list is refilled or not laid out — the palette searching, a Select's list just opened or
closing, a menu's list in its first moment — found the table empty and raised KeyError, which ended the app.
The key fuzzer found it in the palette, in the settings' drop-downs and in the dialogs' lists; each kind is
an OptionList (the palette's CommandList, Select's SelectOverlay), so the fix is on OptionList itself: such
a key moves nothing, as it would in a list with nothing to page through.
"""

from __future__ import annotations

from textual.widgets import OptionList


def can_page(options: OptionList) -> bool:
    """Whether PageUp/PageDown can move in `options` now."""
    return options.highlighted is None or options.highlighted in options._index_to_line


_move_page = OptionList._move_page


def _move_page_once_laid_out(self: OptionList, direction) -> None:
    if can_page(self):
        _move_page(self, direction)


OptionList._move_page = _move_page_once_laid_out
