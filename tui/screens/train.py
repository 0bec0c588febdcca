"""The Train screen: edit a network and its training, train it live, watch the boundary and the curves.

Data flows one way: widgets ask for changes (`ChangeRequested`); this screen checks them against the
engine's rules and sends them to the worker (`TrainingRunner`); the worker's `Snapshot`s update the widgets.
Below 120×40 the four panels are tabs (keys 1-4); from 120×40 on they stand side by side.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Static, Tab, Tabs

from ml101.engine.errors import SpecError
from ml101.engine.spec import Experiment, preset
from ml101.engine.trainer import Trainer
from ml101.tui.i18n import binding, explain, field_label, has, number, t, translate_all_bindings, translate_bindings
from ml101.tui.models import MapView, TrainingState
from ml101.tui.screens.train_files import FilesAndEdits
from ml101.tui.widgets.architecture import ArchitectureEditor, LayerList
from ml101.tui.widgets.boundary_map import BoundaryMap
from ml101.tui.widgets.data_cursor import DataCursorMap
from ml101.tui.widgets.dialogs import ErrorScreen
from ml101.tui.widgets.footer import Footer
from ml101.tui.widgets.loss_plot import LossPlot
from ml101.tui.widgets.map_legend import MapLegend
from ml101.tui.widgets.messages import ChangeRequested, GridSizeChanged
from ml101.tui.widgets.settings import SettingsPanel, value_text
from ml101.tui.widgets.status_line import StatusLine
from ml101.tui.workers.commands import Change, Command, GridSize, Load, Reset, Restore, ShowView, Step, Toggle
from ml101.tui.workers.messages import (
    RunPutAside,
    RunRestored,
    SettingApplied,
    SettingRejected,
    Snapshot,
    TrainingFailed,
)
from ml101.tui.workers.training import TrainingRunner

PANELS = ("map", "plot", "net", "settings")
COLUMN_OF = {"map": "left", "plot": "left", "net": "right", "settings": "right"}
WIDE = (120, 40)
UNDO_NOTICE_SECONDS = 8


class TrainScreen(FilesAndEdits, Screen):
    AUTO_FOCUS = None  # keys go to the screen until the user picks a field: space must start training
    BINDINGS = [
        binding("space", "toggle_run", "play"),
        binding("s", "step", "step"),
        binding("r", "reset", "reset"),
        binding("d", "new_data", "new_data"),
        binding("u", "toggle_untrained", "untrained", show=False),
        binding("n", "neuron(1)", "neuron_next", show=False),
        binding("N", "neuron(-1)", "neuron_prev", show=False),
        binding("o", "output", "output", show=False),
        binding("p", "points", "points", show=False),
        binding("a", "toggle_accuracy", "accuracy", show=False),
        binding("l", "toggle_log", "log", show=False),
        binding("1", "panel('map')", "panel_map", show=False),
        binding("2", "panel('plot')", "panel_plot", show=False),
        binding("3", "panel('net')", "panel_net", show=False),
        binding("4", "panel('settings')", "panel_settings", show=False),
        binding("escape", "leave_field", "leave_field", key_display="Esc", show=False),
        binding("c", "edit_data", "edit_data", show=False),
        binding("ctrl+s", "save", "save", key_display="^s", show=False),
        binding("ctrl+o", "open", "open", key_display="^o", show=False),
        binding("E", "export", "export", show=False),
        binding("z", "restore", "restore", show=False),  # the data cursor's z (its focus comes first) undoes edits
    ]

    def __init__(self, exp: Experiment, trainer: Trainer | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.exp = trainer.exp if trainer is not None else exp
        self.view = MapView()
        self.state: TrainingState | None = None
        self.runner = TrainingRunner(self, self.exp, trainer)
        self.settled = asyncio.Event()  # set while the screen shows a paused state with every command applied
        self._announced_divergence: str | None = None
        self._said: tuple = ("msg.start", False, {})  # the message line's key and values, re-read by relabel
        self._edited = False  # the legend says so when the points were edited by hand
        self.editor = ArchitectureEditor(self.exp, id="architecture")
        self.settings = SettingsPanel(self.exp, id="settings")

    # layout -----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(t(f"panel.{name}"), id=f"tab-{name}") for name in PANELS), id="tabs")
        with Horizontal(id="panels"):
            with Vertical(id="left", classes="column"):
                with Horizontal(id="panel-map", classes="panel"):
                    yield DataCursorMap(id="map")
                    yield MapLegend(id="legend")
                with Vertical(id="panel-plot", classes="panel"):
                    yield LossPlot(id="plot")
            with Vertical(id="right", classes="column"):
                # The editors have many widgets; mounted after the first paint, so `Epoch 0` shows sooner.
                with VerticalScroll(id="panel-net", classes="panel"):
                    yield Lazy(self.editor)
                with Vertical(id="panel-settings", classes="panel"):
                    yield Lazy(self.settings)
        yield StatusLine(id="status")
        yield Static(id="message")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._show_titles()
        self._show_panel("map")
        self._update_legend()
        self.say("msg.start")
        self.runner.start()

    def _show_titles(self) -> None:
        for name in PANELS:
            self.query_one(f"#panel-{name}").border_title = t(f"panel.{name}")
            self.query_one(f"#tab-{name}", Tab).label = t(f"panel.{name}")

    async def relabel(self) -> None:
        """Every word again in the language now set; training, the worker and the settings go on as they are."""
        translate_all_bindings(self)
        self._show_titles()
        for editor in (self.editor, self.settings):
            if editor.is_mounted:
                editor.relabel()
        if self.state is not None:
            self.query_one(StatusLine).show(self.state)
        self.query_one(LossPlot).refresh()
        self._update_legend()
        text, error, values = self._said
        self.say(text, error, **values)
        self.refresh_bindings()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE[0] and self.size.height >= WIDE[1], "-wide")

    def _show_panel(self, name: str) -> None:
        for other in PANELS:
            self.query_one(f"#panel-{other}").set_class(other == name, "-active")
        for column in ("left", "right"):
            self.query_one(f"#{column}").set_class(COLUMN_OF[name] == column, "-active")

    @on(Tabs.TabActivated)
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        self._show_panel(event.tab.id.removeprefix("tab-"))

    # messages from the worker -----------------------------------------------------------------------
    def on_snapshot(self, event: Snapshot) -> None:
        self.runner.received()
        state, old = event.state, self.state
        self.state = state
        if state.ack == self.runner.sent:  # only a state that saw every command may overwrite our settings
            self._show_experiment(state.exp)
        self.query_one(StatusLine).show(state)
        kind = "probability" if state.view.neuron is None else "activation"
        self.query_one(BoundaryMap).show(state.grid, state.grid_id, state.window, state.points, kind)
        self.query_one(LossPlot).show(state.history, running=state.running)
        if state.diverged and state.diverged != self._announced_divergence:
            self.say("msg.diverged", error=True, epoch=state.epoch + 1, lr=f"{state.exp.lr:g}",
                     smaller=f"{state.exp.lr / 10:g}")
        elif state.running and (old is None or not old.running):
            self.say("msg.training")
        elif old is not None and old.running and not state.running and state.epoch >= state.target:
            self.say("msg.done", epochs=state.epoch, accuracy=f"{state.metrics.test_accuracy:.3f}")
        self._announced_divergence = state.diverged
        if state.custom_data != self._edited:
            self._edited = state.custom_data
            self._update_legend()
        if self.runner.is_settled(state) and state.grid is not None:
            self.settled.set()
        else:
            self.settled.clear()

    def on_setting_applied(self, event: SettingApplied) -> None:
        fields = [field_label(f) for f in event.fields if f not in ("preset", "activations")]
        if fields:  # a preset was announced with its explanation when it was picked
            self.say(t(f"msg.applied_{event.cost}", fields=", ".join(fields)))

    def on_setting_rejected(self, event: SettingRejected) -> None:
        self._show_experiment(event.exp)
        self._reject(self.settings, event.field, explain(event.error or SpecError(event.field, event.message)))

    def on_training_failed(self, event: TrainingFailed) -> None:
        self.say("msg.failed", error=True)
        self.app.push_screen(ErrorScreen(event.error, event.details))

    def on_run_put_aside(self, event: RunPutAside) -> None:
        # A notification, not the message line: that one says what the key did (new weights, the preset, ...).
        key = f"undo.kept_{event.what}" if event.kept else "undo.too_big"
        self.app.notify(t(key, epoch=number(event.epoch)), timeout=UNDO_NOTICE_SECONDS,
                        severity="information" if event.kept else "warning")

    def on_run_restored(self, event: RunRestored) -> None:
        if event.epoch is None:
            self.say("undo.nothing")
        else:
            self.say("undo.restored", epoch=number(event.epoch), other=number(event.other))

    def on_grid_size_changed(self, event: GridSizeChanged) -> None:
        self._send(GridSize(event.nx, event.ny))

    # requests from widgets --------------------------------------------------------------------------
    def on_change_requested(self, event: ChangeRequested) -> None:
        event.stop()
        self.request(event.source, event.changes)

    def request(self, source, changes: dict) -> None:
        """Check `changes` against the rules; apply them, or explain at `source` and keep the old values."""
        if "preset" in changes:
            self._load_preset(source, str(changes["preset"]))
            return
        data = str(changes.get("data", ""))
        if data.lower().endswith(".csv") and not os.path.isfile(os.path.expanduser(data)):
            kept = t("error.kept", old=self._old_value("data"))
            self._reject(source, "csv", f"{field_label('csv')}: {t('error.csv_missing', path=data)}. {kept}")
            return
        try:
            new = self.exp.with_changes(**changes, preset="custom")
        except SpecError as err:
            typed = changes.get(err.field)
            if isinstance(typed, tuple):
                typed = ",".join(map(str, typed))
            self._reject(source, err.field, f"{explain(err, typed)}. {t('error.kept', old=self._old_value(err.field))}")
            return
        _clear_error(source)
        if new.backend == "torch" and self.exp.backend != "torch":
            self.say("msg.loading_torch")  # the first PyTorch model takes a second or two to import
        self._show_experiment(new)
        self._send(Change({name: getattr(new, name) for name in (*changes, "preset")}))

    def _load_preset(self, source, name: str) -> None:
        try:
            exp = preset(name)
        except SpecError as err:
            self._reject(source, "preset", explain(err))
            return
        _clear_error(source)
        self._show_experiment(exp)
        self._send(Load(exp))
        self.say(t("msg.preset", title=t(f"preset.{name}"), explanation=t(f"preset_help.{name}")))

    def _old_value(self, field: str) -> str:
        if field in ("layers", "activations"):
            return ",".join(map(str, getattr(self.exp, field))) or "-"
        return value_text(self.exp, field) if hasattr(self.exp, field) else "-"

    def _reject(self, source, field: str, text: str) -> None:
        _show_error_at(source, field, text)
        self.say(text, error=True)

    def _show_experiment(self, exp: Experiment) -> None:
        self.exp = exp
        for editor in (self.editor, self.settings):
            if editor.is_mounted:
                editor.show(exp)
            else:
                editor.exp = exp  # shown when it mounts
        if self.view.within(exp.layers) != self.view:
            self._set_view(self.view.within(exp.layers))

    # actions ----------------------------------------------------------------------------------------
    def _send(self, command: Command) -> None:
        self.settled.clear()
        self.runner.send(command)

    def action_toggle_run(self) -> None:
        if self.state is not None and self.state.diverged:
            self.say("msg.diverged_blocked", error=True)
            return
        self._send(Toggle())

    def action_step(self) -> None:
        self._send(Step())

    def action_reset(self) -> None:
        self._send(Reset(new_seed=True))
        self.say("msg.reset")

    def action_restore(self) -> None:
        self._send(Restore())

    def action_new_data(self) -> None:
        if self.exp.is_csv:
            self.say("msg.csv_no_new_data", error=True)
            return
        self.request(self, {"data_seed": (self.exp.data_seed + 1) % 2**31})

    def action_toggle_untrained(self) -> None:
        self._set_view(replace(self.view, untrained=not self.view.untrained))

    def action_neuron(self, delta: int) -> None:
        choices = [None] + [(layer, unit) for layer, width in enumerate(self.exp.layers) for unit in range(width)]
        at = choices.index(self.view.neuron) if self.view.neuron in choices else 0
        self._set_view(replace(self.view, neuron=choices[(at + delta) % len(choices)]))

    def action_output(self) -> None:
        self._set_view(replace(self.view, neuron=None))

    def _set_view(self, view: MapView) -> None:
        self.view = view
        self._send(ShowView(view))
        self._update_legend()

    def action_points(self) -> None:
        self.query_one(BoundaryMap).cycle_points()
        self._update_legend()

    def _update_legend(self) -> None:
        self.query_one(MapLegend).show(self.view, self.query_one(BoundaryMap).points_mode, self.cursor_legend(),
                                       self._edited)

    def action_toggle_accuracy(self) -> None:
        plot = self.query_one(LossPlot)
        plot.show_accuracy = not plot.show_accuracy
        self.say("msg.plot_accuracy" if plot.show_accuracy else "msg.plot_loss")

    def action_toggle_log(self) -> None:
        plot = self.query_one(LossPlot)
        plot.log_scale = not plot.log_scale
        self.say("msg.log_on" if plot.log_scale else "msg.log_off")

    def action_panel(self, name: str) -> None:
        self.leave_cursor()
        self.query_one(Tabs).active = f"tab-{name}"
        self._show_panel(name)
        # query, not query_one: in the first moments the editors may not be mounted yet (Lazy)
        target = {"net": LayerList, "settings": "#set-preset"}.get(name)
        widgets = list(self.query(target)) if target else []
        self.set_focus(widgets[0] if widgets else None)

    def action_leave_field(self) -> None:
        self.set_focus(None)

    # the message line -------------------------------------------------------------------------------
    def say(self, text: str, error: bool = False, **values) -> None:
        """Show `text` on the message line: a key of the word tables (with its values) or a finished line."""
        self._said = (text, error, values)
        text = t(text, **values) if has(text) else text
        line = Text(f"✗ {text}" if error else text, style=Style(bold=error), no_wrap=True, overflow="ellipsis")
        message = self.query_one("#message", Static)
        message.update(line)
        message.set_class(error, "-error")


def _show_error_at(source, field: str | None, text: str | None) -> None:
    """Explain at the editor that asked (the nearest one with `show_error`); `None` clears its errors."""
    for node in source.ancestors_with_self:
        if hasattr(node, "show_error"):
            if node.is_mounted:  # an editor not mounted yet (Lazy) has no error line; the message line says it
                node.show_error(field, text)
            return


def _clear_error(source) -> None:
    _show_error_at(source, None, None)
