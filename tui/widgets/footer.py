"""Textual's Footer, without its leak: every screen's key line in ml101 is this one.

Textual 8's Footer builds its key widgets anew whenever the screen's keys change (each screen switch, each
opening of the help or a dialog), and binds each to its own `compact` setting (`data_bind`). That binding is
a watcher kept in a list on the Footer, and Textual prunes closed watchers only when `compact` changes,
which in ml101 it never does: every rebuild left its ≈ 15 old key widgets (with their styles and caches)
alive, ≈ 0.2 MB per help opening and 0.6 MB per Train ↔ Learn switch, without bound, and the garbage
collector's full passes got slower with them. Here the closed ones are dropped after each rebuild.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

import ml101.tui.textual_leaks  # noqa: F401  (the other leak; every ml101 screen has this footer, so it is fixed)


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        drop_closed_watchers(self)


def drop_closed_watchers(node) -> None:
    """Forget the watchers (of any of `node`'s reactive settings) whose widget has been removed."""
    # Textual keeps them under this literal attribute name (textual/reactive.py, _watch).
    for watchers in getattr(node, "__watchers", {}).values():
        watchers[:] = [(owner, callback) for owner, callback in watchers
                       if not (owner._closing or owner._closed)]
