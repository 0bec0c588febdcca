"""The Attack lab screen: its keys change what they say, runs show maps and numbers, curves can be cancelled.

Runs use the engine's fast recipe; tests that only need *a* result train fewer epochs and one seed.
"""

from __future__ import annotations

import asyncio
import re

from tui_helpers import SETTLE_TIMEOUT, make_app, press_at_once, screen_text, until

from ml101.engine.attacks.lab import recipe
from ml101.tui import i18n
from ml101.tui.app import screen_actions
from ml101.tui.screens.attack import AttackScreen
from ml101.tui.widgets.dialogs import binding_groups

SHORT = recipe(epochs=40)  # enough for a boundary to show; for tests that do not check accuracy


async def open_lab(pilot) -> AttackScreen:
    await pilot.press("x")
    await until(pilot, lambda: isinstance(pilot.app.screen, AttackScreen), "x opens the attack lab")
    await pilot.pause()
    return pilot.app.screen


async def finished(pilot, screen: AttackScreen) -> None:
    await until(pilot, lambda: not screen.running, "the attack finished")
    await pilot.pause()


def number_after(text: str, label: str) -> float:
    match = re.search(rf"{label} (\d\.\d+)", text)
    assert match, f"no number after {label!r} in:\n{text}"
    return float(match.group(1))


def map_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if "▀" in line]


async def test_x_opens_the_lab_on_the_notebook_poisoning_with_every_key_named():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lab(pilot)
        text = screen_text(app)
        assert "[Poisoning]" in text and "[last]" in text and "[none]" in text
        assert "50 % of the training points (450 of 900)" in text
        assert "the last part of the training list gets" in text  # the strategy explained in words
        for key in ("a ", "s S", "- +", "d ", "⏎ ", "c ", "Esc", "1 2 3"):
            assert key in text
        assert "No results yet" in text


async def test_each_key_changes_what_it_says():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        await pilot.press("s")
        assert screen.settings.poison_strategy == "random" and "[random]" in screen_text(app)
        await pilot.press("S", "S")
        assert "[backdoor]" in screen_text(app)
        assert "10 points" in screen_text(app)  # backdoor counts points instead of a share
        await pilot.press("plus")
        assert screen.settings.count == 15 and "15 points" in screen_text(app)
        await pilot.press("s", "plus")  # back to last: the share
        assert "55 % of the training points (495 of 900)" in screen_text(app)
        await pilot.press("minus", "minus")
        assert screen.settings.fraction == 0.45
        await pilot.press("d")
        assert "[neighbours (kNN)]" in screen_text(app)
        await pilot.press("d", "d", "d")
        assert screen.settings.defense == "none"
        await pilot.press("o")
        assert "Answer modes are for stealing" in screen_text(app)

        await pilot.press("a")
        text = screen_text(app)
        assert "[Stealing]" in text and "[train]" in text and "900 questions to the victim" in text
        await pilot.press("s")
        assert "[data]" in screen_text(app)
        await pilot.press("plus")
        assert screen.settings.budget == 2000 and "2000 questions to the victim" in screen_text(app)
        await pilot.press("o")
        assert "[probability]" in screen_text(app)
        await pilot.press("d")
        assert "Defences are for poisoning" in screen_text(app)
        await pilot.press("a")
        assert screen.settings.poison_strategy == "last" and screen.settings.fraction == 0.45  # kept

        await pilot.press("2")
        assert "No attack yet" in screen_text(app)
        await pilot.press("3")
        assert "No curve yet" in screen_text(app)
        await pilot.press("v")
        assert "No defended model yet" in screen_text(app)
        await pilot.press("escape")
        assert "Nothing is running" in screen_text(app)
        await pilot.press("1")
        assert "[Poisoning]" in screen_text(app)


async def test_r_the_train_screens_reset_key_starts_nothing_here_enter_runs():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        screen.seeds, screen.exp = 1, SHORT
        await pilot.press("r")
        await pilot.pause()
        assert not screen.running and screen.result is None
        assert "⏎ Run" in screen_text(app).splitlines()[-1]  # the footer names the key that runs
        await pilot.press("enter")  # a short run may already be over when the key has been handled
        await until(pilot, lambda: screen.result is not None, "enter ran the attack")


async def test_poisoning_the_last_half_shows_the_damage_and_the_poisoned_points():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        await pilot.press("enter")
        await finished(pilot, screen)
        text = screen_text(app)
        assert "Clean model" in text and "Poisoned model" in text  # the maps come to the front
        assert number_after(text, "clean") >= 0.95
        assert number_after(text, "poisoned") <= 0.60
        assert "450 labels changed" in text and "mean of 3 runs" in text
        rows = map_rows(text)
        assert len(rows) >= 10
        left = "".join(row[:40] for row in rows)
        right = "".join(row[40:] for row in rows)
        assert "◆" in right and "◇" in right and "◆" not in left  # poisoned points only on the poisoned map
        assert "poisoned (now 0/1)" in text


async def test_a_defence_gives_a_third_model_to_look_at():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        await pilot.press("s", "minus", "minus", "minus", "minus", "d")  # random, 30 %, kNN
        await pilot.press("space")
        await finished(pilot, screen)
        text = screen_text(app)
        assert number_after(text, "defended") > number_after(text, "poisoned")
        assert re.search(r"defence touched \d+, \d+ of them poisoned", text)
        await pilot.press("v")
        text = screen_text(app)
        assert "Defended model" in text and "poisoned, not caught" in text
        await pilot.press("v")
        assert "Poisoned model" in screen_text(app)


async def test_stealing_with_the_notebooks_settings_shows_fidelity_and_the_questions():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        await pilot.press("a", "enter")
        await finished(pilot, screen)
        text = screen_text(app)
        assert "Victim (the original)" in text and "Stolen copy" in text
        assert number_after(text, "on the data") >= 0.95
        assert number_after(text, "everywhere") >= 0.9
        assert "900 of 900 questions" in text
        right = "".join(row[40:] for row in map_rows(text))
        assert "+" in right and "-" in right  # the questions, marked by the answer they got


async def test_curves_add_a_line_per_strategy():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        screen.seeds, screen.exp = 1, SHORT
        await pilot.press("c")
        await finished(pilot, screen)
        text = screen_text(app)
        assert "last" in text and "clean" in text and "Curve ready" in text
        assert "poisoned share of the training points" in text
        await pilot.press("s", "c")
        await finished(pilot, screen)
        text = screen_text(app)
        assert "last" in text and "random" in text  # the earlier strategy stays for comparison
        assert len(screen.curves) == 2


async def test_a_stealing_curve_shows_agreement_over_the_budget():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        screen.seeds, screen.exp = 1, SHORT
        await pilot.press("a", "c")
        await finished(pilot, screen)
        text = screen_text(app)
        assert "train everywhere" in text and "train on the data" in text
        assert "questions to the victim" in text


async def test_escape_cancels_a_sweep_and_the_screen_stays_usable():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        screen.seeds, screen.exp = 1, recipe(epochs=100_000)  # would take many minutes
        await pilot.press("c")
        await until(pilot, lambda: screen.progress is not None, "the sweep reports progress")
        await pilot.pause()
        assert "Curve: training many models" in screen_text(app) and "Esc cancels" in screen_text(app)
        await pilot.press("enter")
        assert "Still working" in screen_text(app)  # one job at a time
        await pilot.press("escape")
        await finished(pilot, screen)
        text = screen_text(app)
        assert "Cancelled" in text and "Curve: training" not in text  # the progress line has gone
        await pilot.press("3")
        assert "No curve yet" in screen_text(app) and screen.curves == {}
        screen.exp = SHORT
        await pilot.press("enter")
        await finished(pilot, screen)
        assert "Poisoned model" in screen_text(app)


async def test_quitting_during_a_sweep_stops_the_worker():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        screen.seeds, screen.exp = 1, recipe(epochs=100_000)
        await pilot.press("c")
        await until(pilot, lambda: screen.progress is not None, "the sweep reports progress")
        assert not screen.stopped.is_set()
        await pilot.press("q")
    # A worker that ignored the cancel would train 100 000 epochs (many minutes); this one stops at its next
    # check, about a tenth of a second later.
    assert await asyncio.to_thread(screen.stopped.wait, SETTLE_TIMEOUT)


async def test_apply_notebook_sets_the_workshops_attacks():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        await pilot.press("s", "s", "plus", "d", "a", "s", "minus", "o")
        screen.apply_notebook("poison")
        s = screen.settings
        assert (s.attack, s.poison_strategy, s.fraction, s.defense) == ("poison", "last", 0.5, "none")
        text = screen_text(app)
        assert "[last]" in text and "(450 of 900)" in text and "Poisoning notebook" in text
        screen.apply_notebook("steal")
        s = screen.settings
        assert (s.attack, s.steal_strategy, s.budget, s.output) == ("steal", "train", 900, "label")
        text = screen_text(app)
        assert "[Stealing]" in text and "[train]" in text and "[class only]" in text and "900 questions" in text


async def test_german_words_after_a_language_switch_keep_settings_and_results():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        screen.seeds, screen.exp = 1, SHORT
        await pilot.press("s", "enter")
        await finished(pilot, screen)
        i18n.set_language("de")
        await screen.relabel()
        await pilot.pause()
        text = screen_text(app)
        assert "Sauberes Modell" in text and "Vergiftetes Modell" in text
        assert "Test-Genauigkeit:" in text and "vergiftet 0." in text
        await pilot.press("1")
        text = screen_text(app)
        assert "[Vergiften]" in text and "Strategie" in text and "[random]" in text
        assert "Falsche Labels bei zufällig gewählten Punkten" in text
        assert "Start" in text and "Kurve" in text  # the footer's words


async def test_switching_the_language_while_an_attack_runs_keeps_the_widgets_its_progress_lands_in():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        screen.seeds, screen.exp = 1, SHORT
        setup = screen.query_one("#attack-panel-setup")
        await pilot.press("enter")
        # L rebuilt the screen: progress arriving meanwhile found no progress line (NoMatches, a crash)
        press_at_once(app, "L", "2", "1", "L", "L", "3")
        await finished(pilot, screen)
        assert screen.query_one("#attack-panel-setup") is setup  # relabelled in place, not rebuilt
        assert i18n.language() == "de"
        assert "Sauberes Modell" in screen_text(app) or "Kurve" in screen_text(app)


async def test_panel_keys_faster_than_the_tabs_end_on_the_last_one(monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        press_at_once(app, "2", "3", "2", "3", "1", "3")
        await until(pilot, lambda: screen.panel == "curve", "the last key's panel shows")
        shown = []
        monkeypatch.setattr(screen, "_show_panel", lambda name: shown.append(name))
        for _ in range(5):
            await pilot.pause()
        settled_count = len(shown)
        for _ in range(5):
            await pilot.pause()
        # before, stale tab announcements switched the panel back and forth for ever (the app hung)
        assert set(shown) <= {"curve"} and len(shown) == settled_count
        assert screen.query_one("#attack-tabs").active == "attack-tab-curve"


async def test_help_and_palette_list_the_labs_keys():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lab(pilot)
        groups = binding_groups(screen)
        assert [title for title, _ in groups][:2] == ["Everywhere", "Attack lab"]  # not the Train screen's title
        ids = {b.id for _, bindings in groups for b in bindings}
        assert {"attack_kind", "attack_strategy", "attack_more", "attack_less", "attack_defense", "attack_output",
                "attack_run", "attack_curve", "attack_cancel", "attack_view"} <= ids
        names = {name for name, _, _ in screen_actions(screen)}
        assert {"Run", "Curve", "Cancel", "Poison/Steal", "Defence"} <= names
