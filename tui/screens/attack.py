"""The Attack lab: poison the training data or steal the shipped victim model, and see what it does.

Keys pick the attack, its strategy, how much it spends and the defence (or what the victim answers); Enter
(or space) runs one attack (clean and attacked maps side by side, the numbers), `c` a whole curve. Both run in a
thread worker (tui/workers/attack.py) with progress on the message line; Esc cancels. Below 120×40 the
setup, the maps and the curve are tabs (keys 1-3); from 120×40 on the setup and the curve stand on the left,
the two maps one above the other on the right.
"""

from __future__ import annotations

import threading

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, Tab, Tabs

from ml101.engine.attacks.lab import recipe
from ml101.engine.data import MOONS_WINDOW
from ml101.tui.i18n import binding, explain, t, translate_all_bindings, translate_bindings
from ml101.tui.models import AttackSettings
from ml101.tui.widgets.attack_curve import AttackCurve, curve_key
from ml101.tui.widgets.attack_curve import legend_text as curve_legend
from ml101.tui.widgets.attack_map import AttackMap, MapTitle, legend_text
from ml101.tui.widgets.attack_numbers import numbers_text
from ml101.tui.widgets.attack_setup import AttackSetup, amount_text
from ml101.tui.widgets.dialogs import ErrorScreen
from ml101.tui.widgets.footer import Footer
from ml101.tui.widgets.messages import GridSizeChanged
from ml101.tui.workers.attack import AttackFinished, AttackProgress, CurveResult, Job, RunResult, start_job

PANELS = ("setup", "maps", "curve")
WIDE = (120, 40)
BAR_WIDTH = 16


class AttackScreen(Screen):
    AUTO_FOCUS = None  # every key goes to the screen
    HELP_GROUP = "help.group_attack"  # the help overlay's title for this screen's keys
    DEFAULT_CSS = """
    AttackScreen #attack-panels { height: 1fr; }
    AttackScreen .attack-panel { display: none; height: 1fr; width: 1fr; }
    AttackScreen .attack-panel.-active { display: block; }
    AttackScreen #attack-left { display: none; width: 1fr; }
    AttackScreen #attack-left.-active { display: block; }
    AttackScreen #attack-maps { height: 1fr; }
    AttackScreen .attack-map-box { width: 1fr; height: 1fr; }
    AttackScreen .attack-map-box.-left { margin-right: 1; }
    AttackScreen #attack-legend, AttackScreen #attack-curve-legend { height: auto; padding: 0 1; }
    AttackScreen #attack-numbers { height: auto; padding: 0 1; background: $panel; }
    AttackScreen #attack-progress { height: 1; padding: 0 1; text-style: bold; }
    AttackScreen #attack-message { height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap;
                                   text-overflow: ellipsis; }
    AttackScreen #attack-message.-error { color: $text-error; }
    AttackScreen.-wide #attack-tabs { display: none; }
    AttackScreen.-wide .attack-panel { display: block; border: round $primary 50%; border-title-color: $text; }
    AttackScreen.-wide #attack-left { display: block; }
    AttackScreen.-wide #attack-panel-setup { height: auto; max-height: 60%; }
    AttackScreen.-wide #attack-maps { layout: vertical; }
    AttackScreen.-wide .attack-map-box.-left { margin-right: 0; }
    """
    BINDINGS = [
        binding("a", "attack", "attack_kind"),
        binding("s", "strategy(1)", "attack_strategy"),
        binding("S", "strategy(-1)", "attack_strategy_prev", show=False),
        binding("plus,equals_sign,right", "amount(1)", "attack_more", key_display="+", show=False),
        binding("minus,left", "amount(-1)", "attack_less", key_display="-", show=False),
        binding("d", "defense", "attack_defense", show=False),
        binding("o", "output", "attack_output", show=False),
        # not r: on the Train screen r resets, and a finger used to it would start a long run here
        binding("enter,space", "run", "attack_run", key_display="⏎"),
        binding("c", "curve", "attack_curve"),
        # not in the footer (full at 80 columns in German): the progress line says "Esc cancels" while it matters
        binding("escape", "cancel", "attack_cancel", key_display="Esc", show=False),
        binding("v", "view", "attack_view", show=False),
        binding("1", "panel('setup')", "attack_panel_setup", show=False),
        binding("2", "panel('maps')", "attack_panel_maps", show=False),
        binding("3", "panel('curve')", "attack_panel_curve", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.settings = AttackSettings()
        self.seeds = 3  # runs per result, averaged (the CLI's default)
        self.exp = recipe()  # how every model of the lab is trained
        self.result: RunResult | None = None
        self.curves: dict = {}  # curve_key → CurveResult
        self.job: Job | None = None  # the job running now
        self.progress: tuple[int, int] | None = None
        self.panel = "setup"
        self.show_defended = False
        self._generation = 0
        self._worker = None
        self.stopped = threading.Event()  # set when the last job's thread has ended
        self.stopped.set()
        self._cancelling = False
        self._message: tuple[str, dict, bool] = ("attack.msg.start", {}, False)

    # layout -----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(t(f"attack.panel.{name}"), id=f"attack-tab-{name}") for name in PANELS), id="attack-tabs",
                   active=f"attack-tab-{self.panel}")  # a notebook may have chosen the panel already
        with Horizontal(id="attack-panels"):
            with Vertical(id="attack-left"):
                with VerticalScroll(id="attack-panel-setup", classes="attack-panel"):
                    yield AttackSetup(id="attack-setup")
                with Vertical(id="attack-panel-curve", classes="attack-panel"):
                    yield AttackCurve(id="attack-curve")
                    yield Static(id="attack-curve-legend")
            with Vertical(id="attack-panel-maps", classes="attack-panel"):
                with Horizontal(id="attack-maps"):
                    for side in ("left", "right"):
                        with Vertical(classes=f"attack-map-box -{side}"):
                            yield MapTitle(id=f"attack-title-{side}")
                            yield AttackMap(id=f"attack-map-{side}")
                yield Static(id="attack-legend")
        yield Static(id="attack-numbers")
        yield Static(id="attack-progress")
        yield Static(id="attack-message")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._show_everything()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE[0] and self.size.height >= WIDE[1], "-wide")

    def _show_everything(self) -> None:
        for name in PANELS:
            self.query_one(f"#attack-panel-{name}").border_title = t(f"attack.panel.{name}")
        self._show_panel(self.panel)
        self._show_settings()
        self._show_result()
        self._show_curve()
        self._show_message()

    def _show_panel(self, name: str) -> None:
        self.panel = name
        for other in PANELS:
            self.query_one(f"#attack-panel-{other}").set_class(other == name, "-active")
        self.query_one("#attack-left").set_class(name != "maps", "-active")
        tabs = self.query_one(Tabs)
        if tabs.active != f"attack-tab-{name}":
            tabs.active = f"attack-tab-{name}"

    @on(Tabs.TabActivated)
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        if event.tab.id != event.tabs.active:
            # A stale announcement (keys 1 2 3 faster than the tabs tell): following it would set the old tab
            # again, whose announcement then undoes the newer one, back and forth for ever.
            return
        self._show_panel(event.tab.id.removeprefix("attack-tab-"))

    def on_grid_size_changed(self, event: GridSizeChanged) -> None:
        event.stop()  # the maps draw fixed-size grids from the worker: any size of map resamples them

    # what the screen shows --------------------------------------------------------------------------
    def _show_settings(self) -> None:
        self.query_one(AttackSetup).show(self.settings, self.seeds)

    def _show_result(self) -> None:
        result = self.result
        pictures = () if result is None else result.pictures
        if len(pictures) > 2:
            pictures = (pictures[0], pictures[2 if self.show_defended else 1])
        window = MOONS_WINDOW if result is None else result.window
        for side, picture in zip(("left", "right"), (*pictures, None, None)[:2], strict=True):
            key = f"attack.map.empty_{side}" if picture is None else picture.title
            self.query_one(f"#attack-title-{side}", MapTitle).update(t(key))
            grid_id = 2 * self._generation + self.show_defended
            self.query_one(f"#attack-map-{side}", AttackMap).show_picture(picture, grid_id, window)
        marks = tuple(key for picture in pictures for key in picture.legend)
        self.query_one("#attack-legend", Static).update(legend_text(marks, self.app.no_color))
        self.query_one("#attack-numbers", Static).update(numbers_text(result, self.seeds))

    def _show_curve(self) -> None:
        series = self.query_one(AttackCurve).show(self.settings, self.curves)
        legend = curve_legend(series, self.app.no_color)
        if series:
            runs = len(next(iter(self.curves.values())).rows[0].get("seeds", ()))
            legend.append(f"  ({t('attack.curve.runs', runs=runs)})", Style(dim=True))
        self.query_one("#attack-curve-legend", Static).update(legend)

    # the message line -------------------------------------------------------------------------------
    def say(self, key: str, error: bool = False, **values) -> None:
        self._message = (key, values, error)
        self._show_message()

    def _show_message(self) -> None:
        key, values, error = self._message
        text = key.removeprefix("=") if key.startswith("=") else t(key, **values)
        line = Text(f"✗ {text}" if error else text, style=Style(bold=error), no_wrap=True, overflow="ellipsis")
        message = self.query_one("#attack-message", Static)
        message.update(line)
        message.set_class(error, "-error")
        self._show_progress()

    def _show_progress(self) -> None:
        """While a job runs, a line of its own: what runs, how far, and that Esc cancels."""
        line = self.query_one("#attack-progress", Static)
        line.display = self.job is not None
        if self.job is None:
            return
        if self._cancelling:
            text = t("attack.msg.cancelling")
        elif self.progress is None:
            text = t("attack.msg.preparing")
        else:
            done, total = self.progress
            share = done / total if total else 0.0
            filled = round(share * BAR_WIDTH)
            text = t(f"attack.msg.running_{self.job.kind}", bar="█" * filled + "░" * (BAR_WIDTH - filled),
                     percent=round(100 * share))
        line.update(Text(text, no_wrap=True, overflow="ellipsis"))

    # settings ---------------------------------------------------------------------------------------
    def _change(self, settings: AttackSettings, what: str, value: str) -> None:
        self.settings = settings
        self._show_settings()
        self._show_curve()
        self.say("attack.msg.changed", what=t(what), value=value)

    def action_attack(self) -> None:
        new = self.settings.other_attack()
        self._change(new, "attack.label.attack", t(f"attack.kind.{new.attack}"))

    def action_strategy(self, delta: int) -> None:
        new = self.settings.next_strategy(delta)
        self._change(new, "attack.label.strategy", new.strategy)

    def action_amount(self, delta: int) -> None:
        new = self.settings.step_amount(delta)
        label = "attack.label.budget" if new.attack == "steal" else (
            "attack.label.count" if new.uses_count else "attack.label.fraction")
        self._change(new, label, amount_text(new))

    def action_defense(self) -> None:
        if self.settings.attack != "poison":
            self.say("attack.msg.no_defense", error=True)
            return
        new = self.settings.next_defense()
        self._change(new, "attack.label.defense", t(f"attack.defense.{new.defense}"))

    def action_output(self) -> None:
        if self.settings.attack != "steal":
            self.say("attack.msg.no_output", error=True)
            return
        new = self.settings.next_output()
        self._change(new, "attack.label.output", t(f"attack.output.{new.output}"))

    def action_view(self) -> None:
        if self.result is None or len(self.result.pictures) < 3:
            self.say("attack.msg.no_defended", error=True)
            return
        self.show_defended = not self.show_defended
        self._show_result()
        self.say("attack.msg.view_defended" if self.show_defended else "attack.msg.view_poisoned")

    def action_panel(self, name: str) -> None:
        self._show_panel(name)

    def apply_notebook(self, kind: str) -> None:
        """The workshop notebook's attack: "poison" (last 50 %, no defence) or "steal" (train, 900, label)."""
        self.settings = AttackSettings.notebook(kind, self.settings)
        self.panel = "setup"
        self._message = (f"attack.msg.notebook_{kind}", {}, False)
        if self.is_mounted:  # otherwise on_mount shows it all
            self._show_everything()

    async def relabel(self) -> None:
        """New words after a language switch; settings, results and a running job are kept.

        In place, not by recomposing: keys and the worker's progress arriving meanwhile would find no widgets."""
        translate_all_bindings(self)
        if not self.is_mounted:
            return  # on_mount shows it all in the new words
        for name in PANELS:
            self.query_one(f"#attack-tab-{name}", Tab).label = t(f"attack.panel.{name}")
        self._show_everything()
        self.on_resize()
        self.refresh_bindings()

    # running ----------------------------------------------------------------------------------------
    def action_run(self) -> None:
        self._start("run")

    def action_curve(self) -> None:
        self._start("curve")

    def _start(self, kind: str) -> None:
        if self.job is not None:
            self.say("attack.msg.busy", error=True)
            return
        self._generation += 1
        self.job = Job(kind, self.settings, self.seeds, self.exp)
        self.progress = None
        self._cancelling = False
        self.stopped = threading.Event()
        self._worker = start_job(self, self.job, self._generation, self.stopped)
        self.say(f"attack.msg.started_{kind}")

    @property
    def running(self) -> bool:
        return self.job is not None

    def action_cancel(self) -> None:
        if self.job is None:
            self.say("attack.msg.nothing_to_cancel")
            return
        self._cancelling = True
        self._worker.cancel()
        self._show_progress()

    def on_attack_progress(self, event: AttackProgress) -> None:
        if event.generation == self._generation and self.job is not None:
            self.progress = (event.done, event.total)
            self._show_progress()

    def on_attack_finished(self, event: AttackFinished) -> None:
        if event.generation != self._generation:
            return
        job, self.job, self.progress, self._worker = self.job, None, None, None
        self._cancelling = False
        if event.cancelled:
            self.say("attack.msg.cancelled")
        elif event.error is not None:
            self.say("=" + explain(event.error), error=True)
        elif event.bug is not None:
            self.say("attack.msg.failed", error=True)
            self.app.push_screen(ErrorScreen(event.bug, event.details))
        elif isinstance(event.result, RunResult):
            self.result = event.result
            self.show_defended = False
            self._show_result()
            if not self.has_class("-wide"):
                self._show_panel("maps")
            self.say("attack.msg.done_run")
        elif isinstance(event.result, CurveResult):
            self.curves[curve_key(job.settings)] = event.result
            self._show_curve()
            if not self.has_class("-wide"):
                self._show_panel("curve")
            self.say("attack.msg.done_curve")

