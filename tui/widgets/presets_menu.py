"""The host's presets menu (key P): the four workshop notebooks and two teaching presets, one key each.

It only chooses; the app applies the choice (Train screen presets there, notebooks 3 and 4 in the attack lab).
"""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ml101.tui.i18n import binding, t, translate_bindings
from ml101.tui.widgets.modal import Modal

# (key, preset): Train screen presets by their engine name, the attack notebooks as notebook-poison/-steal
CHOICES = (
    ("1", "notebook-numpy"),
    ("2", "notebook-torch"),
    ("3", "notebook-poison"),
    ("4", "notebook-steal"),
    ("5", "quick"),
    ("6", "overfit"),
)
ATTACK_NOTEBOOKS = {"notebook-poison": "poison", "notebook-steal": "steal"}


def title(name: str) -> str:
    return t(f"presets.{name}") if name in ATTACK_NOTEBOOKS else t(f"preset.{name}")


def explanation(name: str) -> str:
    return t(f"presets_help.{name}") if name in ATTACK_NOTEBOOKS else t(f"preset_help.{name}")


class PresetsMenu(Modal[str | None]):
    """Returns the chosen preset's name, or None when closed with Esc."""

    DEFAULT_CSS = """
    PresetsMenu { align: center middle; }
    PresetsMenu > Vertical { width: 100%; max-width: 100; height: auto; max-height: 100%;
                             border: thick $primary; background: $surface; }
    PresetsMenu OptionList, PresetsMenu OptionList:focus { height: auto; max-height: 1fr; border: none;
                                                           padding: 0; }
    PresetsMenu #presets-hint { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        *(binding(key, f"pick('{name}')", f"pick_{name.replace('-', '_')}", show=False) for key, name in CHOICES),
        binding("escape", "dismiss_menu", "presets_close", key_display="Esc", show=False),
        binding("q", "app.quit", "quit", show=False),  # as the footer underneath says; the menu hides the app's q
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        options = []
        for key, name in CHOICES:
            prompt = Table.grid(padding=(0, 1))  # a wrapped explanation stays indented under its title
            prompt.add_column(no_wrap=True)
            prompt.add_column()
            prompt.add_row(Text(key, Style(bold=True)), Text(title(name), Style(bold=True)))
            prompt.add_row("", Text(explanation(name), Style(dim=True)))
            options.append(Option(prompt, id=name))
        with Vertical() as box:
            box.border_title = t("presets.title")
            yield OptionList(*options, id="presets")
            yield Static(t("presets.hint"), id="presets-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, name: str) -> None:
        self.dismiss(name)

    def action_dismiss_menu(self) -> None:
        self.dismiss(None)
