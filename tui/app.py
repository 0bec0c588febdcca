"""The ml101 app: its screens (one mode each), the keys that work everywhere, the command palette.

`run_app` is what `ml101` without a command runs. Screens live in tui/screens/, one file each, listed in
`SCREENS`; each is a mode, made once and kept, so switching back finds it as it was (training goes on).
Every screen gets palette entries and help for its keys for free.

What screens may rely on (and must offer):
- `app.train_screen`: the Train screen (its `.exp` is the experiment as edited, `.state` the latest
  TrainingState with metrics, or None before the first snapshot; `.request(source, changes)` applies
  changes as if typed, `{"preset": name}` included).
- `app.screen_of(mode)`: the screen of a mode, made on first use.
- Every screen offers `async relabel()`: re-read all its words after a language switch.
- The attack screen offers `apply_notebook("poison" | "steal")`: the workshop notebook's settings.

App keys: t/e/x switch to the Train, Learn and attack screens, L goes to the next language (every screen
made so far relabels itself), P opens the presets menu, F5-F8 load the four workshop notebooks directly.
`run_app` reads the user settings (tui/settings.py): language, theme, preset and threads, each used unless
the command line says otherwise; a bad value is shown as a notification and its default used.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
from dataclasses import replace
from functools import partial

from textual import events
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

import ml101.tui.textual_paging  # noqa: F401  (PageUp/PageDown in a list not laid out yet: Textual raised KeyError)
from ml101.engine.spec import Experiment
from ml101.tui.i18n import binding, next_language, set_language, t, translate_bindings
from ml101.tui.settings import Problem, Settings


def screen_actions(screen) -> list[tuple[str, str, object]]:
    """(name, help, callback) for every ml101 key of `screen` and of the app."""
    actions = {}
    for node in (screen, screen.app):
        for bindings in node._bindings.key_to_bindings.values():
            for b in bindings:
                if b.id and b.id not in actions:
                    actions[b.id] = (b.description, b.tooltip, partial(node.run_action, b.action))
    return list(actions.values())


class ScreenActions(Provider):
    """The command palette lists every action of the current screen by its (translated) name."""

    async def discover(self) -> Hits:
        for name, help_text, callback in screen_actions(self.screen):
            yield DiscoveryHit(name, callback, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in screen_actions(self.screen):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text or None)


SCREENS = {  # mode: (module, class), imported when the screen is first shown
    "train": ("ml101.tui.screens.train", "TrainScreen"),
    "learn": ("ml101.tui.screens.learn", "LearnScreen"),
    "attack": ("ml101.tui.screens.attack", "AttackScreen"),
}


def _make(module: str, name: str, *args):
    return getattr(importlib.import_module(module), name)(*args)


class ML101App(App):
    CSS_PATH = "ml101.tcss"
    TITLE = "ml101"
    DEFAULT_MODE = "train"
    COMMANDS = App.COMMANDS | {ScreenActions}
    BINDINGS = [
        binding("question_mark", "help", "help", key_display="?"),
        binding("q", "quit", "quit"),
        # Textual only hints at ctrl+q on ctrl+c; people stop a long run with ctrl+c, on every screen. A priority
        # key: a dialog, the palette or a menu (modal screens hide the app's keys) and a text field (ctrl+c
        # copies there) would otherwise keep it.
        binding("ctrl+c", "quit", "quit_ctrl_c", key_display="^c", show=False, priority=True),
        binding("ctrl+p", "command_palette", "palette", show=False),
        binding("t", "mode('train')", "train"),
        binding("e", "mode('learn')", "learn"),
        binding("x", "mode('attack')", "attack", show=False),  # the footer is full at 80 columns
        binding("L", "switch_language", "language", show=False),
        binding("P", "presets", "presets", show=False),
        binding("f5", "preset('notebook-numpy')", "notebook_numpy", key_display="F5", show=False),
        binding("f6", "preset('notebook-torch')", "notebook_torch", key_display="F6", show=False),
        binding("f7", "preset('notebook-poison')", "notebook_poison", key_display="F7", show=False),
        binding("f8", "preset('notebook-steal')", "notebook_steal", key_display="F8", show=False),
    ]

    def __init__(self, exp: Experiment, trainer=None, settings: Settings | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.settings = settings or Settings()
        self.theme = self.settings.theme  # checked by load_settings against Textual's themes
        self._screens: dict = {}
        self.crash_log = None  # after a bug: where its traceback was written (tui/crash.py)
        self._crash_said = False
        self._factories = {mode: partial(_make, module, name) for mode, (module, name) in SCREENS.items()}
        self._factories["train"] = partial(_make, *SCREENS["train"], exp, trainer)
        for mode in self._factories:
            self.add_mode(mode, partial(self.screen_of, mode))

    def screen_of(self, mode: str):
        """The one screen of `mode`, made the first time it is asked for."""
        if mode not in self._screens:
            self._screens[mode] = self._factories[mode]()
        return self._screens[mode]

    @property
    def train_screen(self):
        return self.screen_of("train")

    def _handle_exception(self, error: Exception) -> None:
        """A bug anywhere in the app: the traceback to the crash log, not a Rich dump with local variables on the
        terminal; the app still ends (its state is unknown) with return code 1. Textual 8's hook (pinned)."""
        from ml101.tui import crash

        self._return_code = 1
        if self._exception is None:  # the first one is the cause; Pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
            try:
                self.crash_log = crash.write_log(error)
            except Exception:  # noqa: BLE001 — the app must still end, with the one line
                self.crash_log = None
        self._close_messages_no_wait()

    def run(self, **options):
        """As Textual's, on a loop of its own: asyncio.run's waits for the worker threads after the screen has
        gone (a model still being built, PyTorch still importing: seconds of a dead terminal after q); the
        quick exit after the app (tui/workers/lifecycle.py) waits for them as long as a save needs, and no longer."""
        if options.get("loop") is not None:
            return super().run(**options)
        loop = asyncio.new_event_loop()
        try:
            return super().run(loop=loop, **options)
        finally:
            loop.close()  # the threads still running are not waited for here

    def _print_error_renderables(self) -> None:
        """Textual calls this as soon as the terminal is back, before it waits for worker threads to end (a
        model still being built can take seconds): the crash line is said here, not after that wait."""
        super()._print_error_renderables()
        line = self.crash_line()
        if line is not None and not self._crash_said:
            self._crash_said = True
            out = self.error_console.file  # where Textual's own messages go
            out.write(line + "\n")
            out.flush()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not self._screen_stacks.get(self._current_mode):
            return  # keys typed after quit reach an app whose screens are gone (Textual raised ScreenStackError)
        await super().on_event(event)

    def crash_line(self) -> str | None:
        """The one line for the terminal after a bug, or None when the app ended normally."""
        if self._exception is None:
            return None
        from ml101.engine.safe_text import printable
        from ml101.tui import crash

        log = printable(self.crash_log) if self.crash_log is not None else t("app.crash_no_log")
        return t("app.crashed", what=crash.what(self._exception), log=log)

    def on_mount(self) -> None:
        for problem in self.settings.problems:
            # markup=False: the values come from the user's file, and "[/]" in a theme name is not markup
            self.notify(problem_text(problem), severity="warning", timeout=15, markup=False)

    def action_command_palette(self) -> None:
        from ml101.tui.widgets.modal import Palette  # Textual's, but closing once even when Enter comes twice

        if self.use_command_palette and not Palette.is_open(self):
            # no id (Textual's has one): a palette opened while the last one is still being removed would
            # have the same, and Textual refused it with DuplicateIds
            self.push_screen(Palette())

    def search_themes(self) -> None:
        """The palette's Theme command: its own palette of themes, closing once as well."""
        from textual.theme import ThemeProvider

        from ml101.tui.widgets.modal import Palette

        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def action_help(self) -> None:
        from ml101.tui.widgets.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # screens ------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # The key of the screen you are on does nothing there: keep it out of the footer.
        return not (action == "mode" and parameters and parameters[0] == self.current_mode)

    async def action_mode(self, mode: str) -> bool:
        """Show `mode`'s screen."""
        if self.current_mode != mode:
            await self.switch_mode(mode)
            self.refresh_bindings()
        return True

    # presets ------------------------------------------------------------------------------------------
    def action_presets(self) -> None:
        from ml101.tui.widgets.presets_menu import PresetsMenu

        if not isinstance(self.screen, PresetsMenu):
            self.push_screen(PresetsMenu(), self._preset_chosen)

    async def _preset_chosen(self, name: str | None) -> None:
        if name:
            await self.action_preset(name)

    async def action_preset(self, name: str) -> None:
        """A Train screen preset (shown there), or notebook-poison/-steal in the attack lab."""
        from ml101.tui.widgets.presets_menu import ATTACK_NOTEBOOKS

        if name in ATTACK_NOTEBOOKS:
            if await self.action_mode("attack"):
                self.screen_of("attack").apply_notebook(ATTACK_NOTEBOOKS[name])
            return
        self.train_screen.request(self.train_screen, {"preset": name})
        await self.action_mode("train")

    # language -----------------------------------------------------------------------------------------
    async def action_switch_language(self) -> None:
        set_language(next_language())  # round through every catalogue; the key's label names the next one
        translate_bindings(self)
        for screen in list(self._screens.values()):
            await screen.relabel()  # each screen re-reads its words, its widgets' keys included
        self.refresh_bindings()
        self.notify(t("app.language_now"), timeout=3)


def problem_text(problem: Problem) -> str:
    """A config problem in the current language: where, which setting, what is allowed."""
    if problem.kind == "unreadable":
        return t("app.config_unreadable", where=problem.where, detail=problem.allowed)
    if problem.kind == "unknown":
        return t("app.config_unknown", where=problem.where, setting=problem.setting)
    if problem.kind == "more":
        return t("app.config_more", where=problem.where, n=problem.value)
    return t("app.config_value", where=problem.where, setting=problem.setting, value=problem.value,
             allowed=problem.allowed)


def run_app(lang: str | None = None, preset: str | None = None, load: str | None = None,
            settings: Settings | None = None) -> int:
    """Open the app on a preset or a saved experiment file.

    The command line wins over the user settings (`settings`, read from the config file and ML101_*
    variables when not given), which win over the defaults: language from the locale, the quick preset.
    A bad preset name or file on the command line raises SpecError before the screen opens: the CLI
    prints it in one line. A theme picked in the app (command palette: Theme) is saved for next time."""
    from ml101.engine.spec import preset as preset_experiment
    from ml101.tui.settings import load_settings, save_settings

    settings = settings or load_settings()
    set_language(lang or settings.language or None)
    exp = preset_experiment(preset or settings.preset)
    if exp.threads != settings.threads:
        exp = exp.with_changes(threads=settings.threads)
    trainer = None
    if load:
        from ml101.engine.store import load_experiment

        trainer = load_experiment(load)
        exp = trainer.exp
    app = ML101App(exp, trainer, settings)
    # What exists now (modules, the model) lives until the end: out of the collector's full passes, which
    # otherwise stop the screen for 40-90 ms about once a second while training (ml101 bench: key latency);
    # and full passes ten times rarer (each still walks every object made since, 20-80 ms; memory +≈ 5 MB).
    gc.freeze()
    gc.set_threshold(*gc.get_threshold()[:2], 100)
    try:
        app.run()
    except KeyboardInterrupt:
        if app.crash_line() is None:
            raise
        # ctrl+c while Python waited for a worker after a crash: the crash is what the exit code must say
    crashed = app.crash_line()  # already printed by Textual as the app closed
    if app.theme != settings.theme:
        saved = load_settings(env={})  # the file's values, not the environment's
        if not saved.problems:  # never overwrite a file the user still has to fix
            try:
                save_settings(replace(saved, theme=app.theme))
            except OSError:
                pass  # a read-only config folder: the theme is simply not remembered
    from ml101.tui.workers.lifecycle import exit_now_if_torch

    code = 0 if crashed is None else 1
    exit_now_if_torch(app, code)  # with PyTorch loaded, Python's teardown alone would take over a second
    return code
