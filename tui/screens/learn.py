"""The Learn screen: the workshop slides as short lessons, written with the network on the Train screen.

Each lesson (engine/lessons.py, assets/lessons/<lang>.toml) is filled in with the experiment as edited on
the Train screen and its latest metrics: the layers as formulas with their real shapes, the loss being
minimised, the update step with the current learning rate, the train/test gap. The text is rebuilt when the
screen is shown and once a second while it is visible, so it follows training that goes on underneath.
"""

from __future__ import annotations

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ml101.engine.lessons import Lesson, load_lessons, render
from ml101.tui.i18n import binding, language, number, t, translate_all_bindings, translate_bindings
from ml101.tui.widgets.footer import Footer

REFRESH_SECONDS = 1.0


class LearnScreen(Screen):
    HELP_GROUP = "help.group_learn"
    AUTO_FOCUS = "#lesson-scroll"  # ↑↓ PgUp PgDn scroll the lesson
    BINDINGS = [
        # priority: the focused scroll area would otherwise take ←→ for scrolling sideways
        binding("right,n", "lesson(1)", "lesson_next", key_display="→", priority=True, show=False),
        binding("left,p", "lesson(-1)", "lesson_prev", key_display="←", priority=True, show=False),
        binding("o", "overfit", "lesson_overfit", show=False),  # the line above the footer names these keys
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.index = 0
        self._lessons: list[Lesson] = load_lessons(language())
        self._shown: tuple | None = None  # what is on screen, so an unchanged lesson is not redrawn

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-title")
        with VerticalScroll(id="lesson-scroll"):
            yield Static(id="lesson-body")
        yield Static(id="lesson-live")
        yield Static(id="lesson-keys")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.show_lesson()
        self.set_interval(REFRESH_SECONDS, self._tick)

    def on_screen_resume(self) -> None:
        self.show_lesson()

    def _tick(self) -> None:
        if self.is_current:
            self.show_lesson()

    @property
    def lesson(self) -> Lesson:
        return self._lessons[self.index]

    def show_lesson(self) -> None:
        """Fill in the current lesson with the Train screen's network and metrics, if anything changed."""
        train = self.app.train_screen
        exp, state = train.exp, train.state
        metrics = state.metrics if state is not None else None
        lang = language()
        body = render(self.lesson, exp, metrics)
        if metrics is None or metrics.epoch == 0:
            live = t("learn.not_trained", lr=f"{exp.lr:g}")
        else:
            live = t("learn.live", epoch=number(metrics.epoch), train=f"{metrics.train_accuracy:.2f}",
                     test=f"{metrics.test_accuracy:.2f}", lr=f"{exp.lr:g}")
        counter = t("learn.counter", n=self.index + 1, total=len(self._lessons))
        shown = (lang, self.index, body, live)
        if shown == self._shown:
            return
        scroll = self.query_one("#lesson-scroll", VerticalScroll)
        if self._shown is not None and self._shown[:2] != shown[:2]:
            scroll.scroll_home(animate=False)  # a new lesson starts at its top; live updates keep the place
        self._shown = shown
        self.query_one("#lesson-title", Static).update(f"{counter} · {self.lesson.title}")
        self.query_one("#lesson-body", Static).update(Markdown(body.strip(), code_theme="ansi_dark"))
        self.query_one("#lesson-live", Static).update(live)
        self.query_one("#lesson-keys", Static).update(t("learn.keys"))

    async def relabel(self) -> None:
        translate_all_bindings(self)
        self._lessons = load_lessons(language())
        self.index = min(self.index, len(self._lessons) - 1)
        self._shown = None
        if self.is_mounted:
            self.show_lesson()

    # actions ------------------------------------------------------------------------------------------
    def action_lesson(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self._lessons)
        self.show_lesson()

    async def action_overfit(self) -> None:
        """What the fit lesson promises: the overfit preset on the Train screen, shown at once."""
        train = self.app.train_screen
        train.request(self, {"preset": "overfit"})
        await self.app.switch_mode("train")
