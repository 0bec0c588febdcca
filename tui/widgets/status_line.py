"""The two status lines: where training stands (always `Epoch <n>` and the test accuracy).

While training, new numbers arrive ten times a second; they are drawn at most four times a second (each
drawing sends both lines, ≈ 500 bytes, to the terminal). A change of words — started, paused, done, another
language — is drawn at once, so a paused screen always shows its final numbers.
"""

from __future__ import annotations

import math
import re
import time

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ml101.tui.i18n import t
from ml101.tui.models import NO_LIMIT, TrainingState

REDRAW_SECONDS = 0.25
NUMBERS = re.compile(r"\d+")


def number(x: float, digits: int = 4) -> str:
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞"
    return f"{x:.{digits}f}"


def status_text(state: TrainingState | None) -> Text:
    text = Text()
    if state is None:
        text.append("Epoch 0", Style(bold=True))
        text.append(f"   {t('status.loading')}")
        return text
    epoch = f"Epoch {state.epoch}"  # the word stays "Epoch" in every language: people and scripts look for it
    if state.target != NO_LIMIT:
        epoch += f" / {state.target}"
    text.append(epoch, Style(bold=True))
    if state.diverged:
        text.append(f"   ⚠ {t('status.diverged')}", Style(bold=True, reverse=True))
    elif state.running:
        text.append(f"   ▶ {t('status.running')}", Style(bold=True))
    elif state.epoch >= state.target:
        text.append(f"   ✓ {t('status.done')}")
    else:
        text.append(f"   ⏸ {t('status.paused')}")
    # A paused screen shows no speed: it would only be the last chunk's, and it would make screenshots differ.
    speed = f"{float(f'{state.steps_per_second:.3g}'):.0f}" if state.running else "–"  # 2873 → 2870: calmer
    text.append(f"   {t('status.speed', speed=speed)}")
    text.append(f"   {state.exp.backend}" + (f" ({state.device})" if state.exp.backend == "torch" else ""))
    m = state.metrics
    text.append("\n")
    text.append(t("status.test_accuracy"))
    text.append(f" {number(m.test_accuracy, 3)}", Style(bold=True))
    text.append(f" ({t('status.train')} {number(m.train_accuracy, 3)})")
    text.append(f"   {t('status.test_loss')} {number(m.test_loss)} ({t('status.train')} {number(m.train_loss)})")
    return text


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 2; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self._shown: Text | None = None
        self._drawn_at = 0.0
        self._pending: Text | None = None
        self._draw(status_text(None))

    def show(self, state: TrainingState) -> None:
        text = status_text(state)
        if self._shown is not None and text == self._shown:
            return
        wait = REDRAW_SECONDS - (time.monotonic() - self._drawn_at)
        # Only a running count is calmed; a step or a reset while paused must show its epoch at once.
        if wait > 0 and state.running and self._shown is not None and _words(text) == _words(self._shown):
            if self._pending is None:
                self.set_timer(wait, self._draw_pending)
            self._pending = text
            return
        self._draw(text)

    def _draw_pending(self) -> None:
        if self._pending is not None:
            self._draw(self._pending)

    def _draw(self, text: Text) -> None:
        self._pending = None
        self._shown, self._drawn_at = text, time.monotonic()
        self.update(text)


def _words(text: Text) -> str:
    return NUMBERS.sub("#", text.plain)
