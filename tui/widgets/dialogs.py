"""Overlays any screen can open: the key help (`?`) and the report of an unexpected error."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.i18n import binding, t, translate_bindings


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
    add(t("help.group_screen"), screen)
    for widget in screen.query("*"):
        if type(widget) in seen or not type(widget).__module__.startswith("tui."):
            continue
        seen.add(type(widget))
        add(t(getattr(widget, "HELP_GROUP", "help.group_other")), widget)
    return groups


def help_text(screen: Screen) -> Text:
    text = Text()
    for title, bindings in binding_groups(screen):
        text.append(f"{title}\n", Style(bold=True, underline=True))
        for b in bindings:
            text.append(f"  {screen.app.get_key_display(b):<12}", Style(bold=True))
            text.append(b.description)
            if b.tooltip:
                text.append(f" — {b.tooltip}", Style(dim=True))
            text.append("\n")
        text.append("\n")
    text.rstrip()
    return text


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath, with what it does."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 100; height: 90%; border: thick $primary; background: $surface; }
    HelpScreen VerticalScroll { height: 1fr; padding: 0 1; }
    HelpScreen #help-close { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        binding("escape,question_mark,q", "app.pop_screen", "help_close", key_display="Esc", show=False),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        translate_bindings(self)
        self._text = help_text(under)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("help.title")
            with VerticalScroll():
                yield Static(self._text, id="help-text")
            yield Static(t("help.close"), id="help-close")


class ErrorScreen(ModalScreen[None]):
    """A bug in ml101 while training: say so plainly, show the details, keep the app running."""

    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen > Vertical { width: 90%; max-width: 110; height: 80%; border: thick $error; background: $surface; }
    ErrorScreen #error-summary { padding: 0 1; text-style: bold; }
    ErrorScreen VerticalScroll { height: 1fr; padding: 0 1; }
    ErrorScreen #error-close { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [binding("escape,enter", "app.pop_screen", "error_close", key_display="Esc", show=False)]

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
