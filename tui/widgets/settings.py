"""The hyperparameters panel: data, training settings and presets, one row each.

A typed value counts when Enter is pressed or the field is left; Escape takes it back. The panel only asks
(`ChangeRequested`); the screen checks the value against the engine's rules and answers with `show` or
`show_error`. Below the rows, a line explains the focused setting and whether it applies while training.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.events import DescendantFocus
from textual.widgets import Input, Label, Select, Static

from ml101.engine.spec import (
    BACKENDS,
    DATASETS,
    INITS,
    LIVE_SAFE,
    LOSSES,
    OPTIMIZERS,
    PRESETS,
    REGULARIZERS,
    Experiment,
    rule_text,
)
from ml101.tui.i18n import binding, t, translate_bindings
from ml101.tui.widgets.messages import ChangeRequested

CSV = "csv"
CHOICES = {
    "preset": ("custom", *PRESETS),
    "data": (*DATASETS, CSV),
    "optimizer": OPTIMIZERS,
    "loss": LOSSES,
    "reg": REGULARIZERS,
    "init": INITS,
    "backend": BACKENDS,
}
ROWS = (
    "preset", "data", CSV, "samples", "noise", "test_fraction", "optimizer", "lr", "epochs", "batch_size",
    "loss", "reg", "reg_rate", "init", "backend", "seed",
)  # fmt: skip


def choice_label(field: str, value: str) -> str:
    if field == "preset":
        return t(f"preset.{value}")
    if field == "data":
        return t(f"data.{value}")
    return value


def placeholder(field: str) -> str:
    return t("placeholder.csv") if field == CSV else rule_text(field)


def value_text(exp: Experiment, field: str) -> str:
    if field == CSV:
        return exp.data if exp.is_csv else ""
    value = getattr(exp, field)
    return f"{value:g}" if isinstance(value, float) else str(value)


class SettingsPanel(VerticalScroll):
    HELP_GROUP = "help.group_settings"
    DEFAULT_CSS = """
    SettingsPanel { height: 1fr; padding: 0 1; }
    SettingsPanel .row { height: 1; }
    SettingsPanel .row Label { width: 17; }
    SettingsPanel .row Input, SettingsPanel .row Select { width: 1fr; max-width: 34; }
    SettingsPanel .error { color: $text-error; display: none; padding-left: 17; }
    SettingsPanel .error.-shown { display: block; }
    SettingsPanel #setting-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [binding("escape", "cancel_edit", "settings_cancel", key_display="Esc")]

    def __init__(self, exp: Experiment, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        translate_bindings(self)
        self.exp = exp

    def compose(self) -> ComposeResult:
        for field in ROWS:
            with Horizontal(classes="row"):
                yield Label(t(f"field.{field}"), id=f"label-{field}")
                if field in CHOICES:
                    options = [(choice_label(field, v), v) for v in CHOICES[field]]
                    # The initial value matters: a Select announces its value once it is mounted.
                    yield Select(options, value=self._choice(field), allow_blank=False, compact=True, id=f"set-{field}")
                else:
                    yield Input(compact=True, placeholder=placeholder(field), id=f"set-{field}",
                                select_on_focus=True)
            yield Static(id=f"error-{field}", classes="error")
        yield Static(t("settings.hint"), id="setting-hint")

    def on_mount(self) -> None:
        self.show(self.exp, force=True)

    def relabel(self) -> None:
        """The words in the language now set, in place (a rebuild would leave keys and snapshots arriving
        meanwhile without fields); what is being typed stays, errors in the old language go."""
        for field in ROWS:
            self.query_one(f"#label-{field}", Label).update(t(f"field.{field}"))
            widget = self.query_one(f"#set-{field}")
            if isinstance(widget, Select):
                with widget.prevent(Select.Changed):
                    widget.set_options([(choice_label(field, v), v) for v in CHOICES[field]])
                    widget.value = self._choice(field)
                    widget.mutate_reactive(Select.value)  # the same value: shown again with its new words
            else:
                widget.placeholder = placeholder(field)
        self.query_one("#setting-hint", Static).update(t("settings.hint"))
        self.show_error(None)
        self.show(self.exp, force=True)

    def show(self, exp: Experiment, force: bool = False) -> None:
        """Show `exp`'s values; a field being typed in keeps its text."""
        if exp == self.exp and not force:
            return
        self.exp = exp
        for field in ROWS:
            widget = self.query_one(f"#set-{field}")
            if isinstance(widget, Select):
                with widget.prevent(Select.Changed):
                    widget.value = self._choice(field)
            elif not widget.has_focus:
                widget.value = value_text(exp, field)

    def _choice(self, field: str) -> str:
        value = CSV if field == "data" and self.exp.is_csv else getattr(self.exp, field)
        return value if value in CHOICES[field] else CHOICES[field][0]

    def show_error(self, field: str | None, text: str | None = None) -> None:
        """Show `text` under `field`'s row, or clear every error with `show_error(None)`.

        A field that is no longer being typed in shows its kept value again."""
        for error in self.query(".error"):
            if field is None or error.id == f"error-{self._row_of(field)}":
                error.update(Text(f"✗ {text}") if text else "")
                error.set_class(bool(text), "-shown")
        if field is None or not text:
            return
        row = self._row_of(field)
        widget = self.query_one(f"#set-{row}")
        if isinstance(widget, Input) and not widget.has_focus:
            widget.value = value_text(self.exp, row)
        self.query_one(f"#error-{row}").scroll_visible()

    def _row_of(self, field: str) -> str:
        if field.startswith("data file"):
            return CSV
        return field if field in ROWS else "preset"

    def _ask(self, changes: dict) -> None:
        self.post_message(ChangeRequested(self, changes))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._typed(event.input)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        self._typed(event.input)

    def _typed(self, widget: Input) -> None:
        field = widget.id.removeprefix("set-")
        text = widget.value.strip()
        if text == value_text(self.exp, field):
            return
        if field == CSV:
            if text:
                self._ask({"data": text})
            return
        self._ask({field: text})

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        event.stop()
        field = event.select.id.removeprefix("set-")
        if field == "data" and event.value == CSV:
            self.query_one(f"#set-{CSV}", Input).focus()
        elif field == "preset" and event.value == "custom":
            return
        elif event.value != getattr(self.exp, field):
            self._ask({field: event.value})

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        field = (event.widget.id or "").removeprefix("set-")
        if field in ROWS:
            when = t("settings.live") if field in LIVE_SAFE else t("settings.restart")
            self.query_one("#setting-hint", Static).update(f"{t(f'hint.{field}')} {when}")

    def action_cancel_edit(self) -> None:
        focused = self.screen.focused
        if isinstance(focused, Input):
            focused.value = value_text(self.exp, focused.id.removeprefix("set-"))
        self.screen.set_focus(None)
