"""Overlays any screen can open: the key help (`?`) and the report of an unexpected error."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ml101.tui.i18n import binding, t, translate_bindings
from ml101.tui.widgets.modal import Modal


def binding_groups(screen: Screen) -> list[tuple[str, list[Binding]]]:
    """Every ml101 key usable on `screen`, grouped: the app's, the screen's, then each widget kind's.

    Only bindings with an id are ml101's own (Textual's built-in ones are documented by Textual)."""
    groups: list[tuple[str, list[Binding]]] = []
    seen: set[type] = set()

    def add(title: str, node) -> None:
        bindings = [b for bs in node._bindings.key_to_bindings.values() for b in bs if b.id]
        unique = list({b.id: b for b in bindings}.values())
        if unique:
            groups.append((title, unique))

    add(t("help.group_app"), screen.app)
    add(t(getattr(screen, "HELP_GROUP", "help.group_screen")), screen)  # each screen may name its group
    for widget in screen.query("*"):
        if type(widget) in seen or not type(widget).__module__.startswith("ml101.tui."):
            continue
        seen.add(type(widget))
        add(t(getattr(widget, "HELP_GROUP", "help.group_other")), widget)
    return groups


def help_key(screen: Screen) -> tuple:
    """What the help of `screen` says, as a key: the same key, the same help text (in any language)."""
    app = screen.app
    return tuple((title, tuple((app.get_key_display(b), b.description, b.tooltip) for b in bindings))
                 for title, bindings in binding_groups(screen))


def help_table(screen: Screen) -> Group:
    """Per group a title, then one row per key: the key, what it does and, where useful, a sentence more."""
    parts = []
    for title, bindings in binding_groups(screen):
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style=Style(bold=True), min_width=9)
        table.add_column()
        for b in bindings:
            what = Text(b.description)
            if b.tooltip:
                what.append(f" — {b.tooltip}", Style(dim=True))
            table.add_row(screen.app.get_key_display(b), what)
        parts += [Text(title, Style(bold=True, underline=True)), table, Text("")]
    return Group(*parts[:-1])


class HelpScreen(Modal[None]):
    """Every key of the screen underneath, with what it does."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface; }
    HelpScreen VerticalScroll { height: 1fr; padding: 0 1; }
    HelpScreen #help-close { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        binding("escape,question_mark", "app.pop_screen", "help_close", key_display="Esc", show=False),
        # q quits from here as the footer underneath says (a modal screen hides the app's own q)
        binding("q", "app.quit", "quit", show=False),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        translate_bindings(self)
        self._table = help_table(under)
        self._key = help_key(under)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("help.title")
            with VerticalScroll():
                yield HelpText(self._table, self._key, id="help-text")
            yield Static(t("help.close"), id="help-close")


class HelpText(Widget):
    """The help table as lines, rendered once per text and width and kept: Rich takes tens of milliseconds to
    lay out the tables, twice per opening (measured, then drawn), which was most of the time `?` took."""

    DEFAULT_CSS = "HelpText { height: auto; }"
    _rendered: dict = {}  # (help_key, width) → strips, for the last few

    def __init__(self, table: Group, key: tuple, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._table, self._key = table, key

    @property
    def content(self) -> Group:
        """All of the help, also what is scrolled away (as Static.content)."""
        return self._table

    def _lines(self, width: int) -> list[Strip]:
        key = (self._key, width)
        lines = HelpText._rendered.get(key)
        if lines is None:
            options = self.app.console_options.update_width(width).update(highlight=False)
            lines = [Strip(line) for line in self.app.console.render_lines(self._table, options, pad=False)]
            while len(HelpText._rendered) >= 8:
                HelpText._rendered.pop(next(iter(HelpText._rendered)))
            HelpText._rendered[key] = lines
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines(width))

    def render_line(self, y: int) -> Strip:
        width, style = self.size.width, self.rich_style
        lines, background = self._lines(width), Style(bgcolor=style.bgcolor)
        line = lines[y].apply_style(style) if y < len(lines) else Strip([])
        return line.extend_cell_length(width, background)  # as Static pads: the background, no colour


class ErrorScreen(Modal[None]):
    """A bug in ml101 while training: say so plainly, show the details, keep the app running."""

    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen > Vertical { width: 90%; max-width: 110; height: 80%; border: thick $error; background: $surface; }
    ErrorScreen #error-summary { padding: 0 1; text-style: bold; }
    ErrorScreen VerticalScroll { height: 1fr; padding: 0 1; }
    ErrorScreen #error-close { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        binding("escape,enter", "app.pop_screen", "error_close", key_display="Esc", show=False),
        binding("q", "app.quit", "quit", show=False),
    ]

    def __init__(self, error: BaseException, details: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.error = error
        self.details = details

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("error.title")
            yield Static(Text(t("error.summary", error=f"{type(self.error).__name__}: {self.error}")),
                         id="error-summary")
            with VerticalScroll():
                yield Static(Text(self.details), id="error-details")
            yield Static(t("error.close"), id="error-close")
