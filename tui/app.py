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
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from engine.spec import DEFAULT_PRESET, Experiment
from tui.i18n import binding, set_language, translate_bindings


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


SCREENS = {  # mode: (module, class); a mode whose module is not there yet is left out
    "train": ("tui.screens.train", "TrainScreen"),
    "learn": ("tui.screens.learn", "LearnScreen"),
    "attack": ("tui.screens.attack", "AttackScreen"),
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
        binding("ctrl+p", "command_palette", "palette", show=False),
    ]

    def __init__(self, exp: Experiment, trainer=None) -> None:
        super().__init__()
        translate_bindings(self)
        self._screens: dict = {}
        self._factories = {"train": partial(_make, "tui.screens.train", "TrainScreen", exp, trainer)}
        for mode, (module, name) in SCREENS.items():
            if mode != "train" and importlib.util.find_spec(module) is not None:
                self._factories[mode] = partial(_make, module, name)
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

    def action_help(self) -> None:
        from tui.widgets.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def run_app(lang: str | None = None, preset: str | None = None, load: str | None = None) -> int:
    """Open the app on a preset (default: the workshop's quick start) or a saved experiment file.

    A bad preset name or file raises SpecError before the screen opens: the CLI prints it in one line."""
    from engine.spec import preset as preset_experiment

    set_language(lang)
    exp = preset_experiment(preset or DEFAULT_PRESET)
    trainer = None
    if load:
        from engine.store import load_experiment

        trainer = load_experiment(load)
        exp = trainer.exp
    ML101App(exp, trainer).run()
    return 0
