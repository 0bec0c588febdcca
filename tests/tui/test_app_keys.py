"""The app's own keys: t/e/x switch screens, P opens the presets menu, F5-F8 load the workshop notebooks."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.command import CommandList
from textual.screen import Screen
from textual.widgets import Select, Static
from textual.widgets._select import SelectOverlay
from tui_helpers import make_app, press_at_once, screen_text, settled, until

from ml101.tui.screens.learn import LearnScreen
from ml101.tui.screens.train import TrainScreen
from ml101.tui.widgets.dialogs import HelpScreen, binding_groups
from ml101.tui.widgets.presets_menu import PresetsMenu


class FakeAttackScreen(Screen):
    """Stands in for the attack lab: records which notebook the app asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.notebooks: list[str] = []

    def compose(self):
        yield Static("attack lab", id="fake")

    def apply_notebook(self, kind: str) -> None:
        self.notebooks.append(kind)

    async def relabel(self) -> None:
        pass


def with_fake_attack(app):
    app._factories["attack"] = FakeAttackScreen
    if "attack" not in app._modes:
        app.add_mode("attack", lambda: app.screen_of("attack"))
    return app


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_t_e_x_switch_screens_and_each_keeps_its_state():
    app = with_fake_attack(make_app())
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("s")
        await settled(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, LearnScreen), "e shows the Learn screen")
        assert "Lesson 1 of 8" in screen_text(app)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, FakeAttackScreen), "x shows the attack lab")
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "t shows the Train screen")
        assert "Epoch 1 / 300" in screen_text(app)  # the same Train screen, training state kept


async def test_the_key_of_the_screen_you_are_on_is_not_in_its_footer():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "e Learn" in footer and "t Train" not in footer
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, LearnScreen), "e shows the Learn screen")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "t Train" in footer and "e Learn" not in footer


async def test_presets_menu_lists_every_preset_and_a_number_loads_one():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("e", "P")  # from the Learn screen: the preset lands on the Train screen, shown
        await until(pilot, lambda: isinstance(app.screen, PresetsMenu), "P opens the menu")
        text = screen_text(app)
        for words in ("Presets for the host", "1 NumPy notebook", "2 PyTorch notebook", "3 Poisoning notebook",
                      "4 Stealing notebook", "5 Quick start", "6 Overfitting", "Notebook 1 exactly"):
            assert words in text, words
        await pilot.press("6")
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "the Train screen shows the preset")
        await settled(pilot)
        assert app.train_screen.exp.preset == "overfit"
        assert "Epoch 0 / 2000" in screen_text(app)


async def test_presets_menu_closes_with_escape_and_picks_with_enter():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, PresetsMenu), "P opens the menu")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "Esc closes the menu")
        assert app.train_screen.exp.preset == "quick"
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, PresetsMenu), "P opens the menu")
        await pilot.press("down", "end", "enter")  # arrows move through the list, Enter picks: the last one
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "Enter picks")
        assert app.train_screen.exp.preset == "overfit"


async def test_enter_twice_in_the_presets_menu_picks_once_and_keeps_the_train_screen():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, PresetsMenu), "P opens the menu")
        press_at_once(app, "enter", "enter")  # the second Enter came while the menu closed: it crashed the app
        await settled(pilot)
        assert isinstance(app.screen, TrainScreen) and app.screen_stack == [app.train_screen]
        assert app.train_screen.exp.preset == "notebook-numpy"  # the first entry


async def test_enter_twice_in_the_palette_runs_its_command_once():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p", *"Presets")
        await until(pilot, lambda: "Presets" in screen_text(app).split("\n", 3)[-1], "the palette finds it")
        press_at_once(app, "enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, PresetsMenu), "the palette opened the menu")
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [TrainScreen, PresetsMenu]


async def test_page_keys_while_the_palette_refills_its_list_move_nothing_and_crash_nothing():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        commands = app.screen.query_one(CommandList)
        await pilot.press("down", "down")
        # the state a search leaves for a moment: the list emptied of its lines and not laid out, a highlight kept
        commands.display = False
        await pilot.pause()
        commands._clear_caches()
        highlighted = commands.highlighted
        await pilot.press("pagedown", "pageup")  # Textual's OptionList raised KeyError here
        assert commands.highlighted == highlighted
        commands.display = True
        await pilot.pause()
        await pilot.press("pagedown")
        assert commands.highlighted > highlighted  # laid out again: the page keys work


async def test_paging_a_settings_drop_down_without_a_size_moves_nothing_and_crashes_nothing():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("4", "tab", "enter")  # the data drop-down, opened
        overlay = app.screen.query_one("#set-data", Select).query_one(SelectOverlay)
        await until(pilot, lambda: overlay.has_focus, "the drop-down's list has the focus")
        # the state the key fuzzer found it in, a moment while it opened or closed: focused, no size, a highlight
        overlay.display = False
        await pilot.pause()
        overlay._clear_caches()
        overlay.action_page_down()  # what its PageDown key does; Textual's OptionList raised KeyError here
        overlay.action_page_up()
        overlay.display = True
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, TrainScreen) and app.screen.exp.data == "moons"


async def test_a_palette_search_that_ends_after_the_palette_closed_leaves_the_app_running():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        # what a burst such as "ctrl+p a Esc" can leave: the search (a worker) still to run, the palette gone
        palette.dismiss()
        await pilot.pause()
        await palette.query(CommandList).remove()
        search = palette._gather_commands("a")  # it ended the app with NoMatches on its list
        await search.wait()
        await pilot.press("s")
        await settled(pilot)
        assert isinstance(app.screen, TrainScreen) and app.screen.state.epoch == 1


async def test_a_closing_palette_leaves_no_timer_or_late_change_that_would_look_for_its_widgets():
    """Textual's palette shows "No matches" (and a busy sign) half a second after a search: on a loaded
    machine that came after Esc had removed its list, and NoMatches ended the app (seen in tmux)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        palette._start_no_matches_countdown("zzz")  # what a search without hits starts
        palette.dismiss()  # Esc within that half second
        palette._start_no_matches_countdown("zzz")  # a search that finishes after Esc
        palette._start_busy_countdown()
        assert palette._no_matches_timer is None and palette._busy_timer is None
        await palette.query("*").remove()  # taken apart, and then a search's last words arrive:
        palette._show_busy = True  # both looked for widgets that had gone (NoMatches)
        palette._list_visible = False
        await pilot.pause()
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "the palette closed")


async def test_opening_the_palette_again_while_the_last_one_closes_opens_it():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        for _ in range(3):
            await pilot.press("ctrl+p")
            await pilot.pause()
            app.screen.dismiss()  # Esc: taken off the stack now, removed from the screen a moment later ...
            app.action_command_palette()  # ... and ctrl+p in that moment: the same id, DuplicateIds ended the app
            await pilot.pause()
            assert type(app.screen).__name__ == "Palette"
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, TrainScreen), "the palette closed")


async def test_f5_loads_the_numpy_notebook_on_the_train_screen():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("e", "f5")
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "F5 shows the Train screen")
        await settled(pilot)
        exp = app.train_screen.exp
        assert (exp.preset, exp.layers, exp.optimizer, exp.lr, exp.epochs) == (
            "notebook-numpy", (25, 50, 50, 25), "sgd", 0.01, 10_000)
        assert "Epoch 0 / 10000" in screen_text(app)


async def test_f7_f8_and_the_menu_open_the_attack_notebooks():
    app = with_fake_attack(make_app())
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(app.screen, FakeAttackScreen), "F7 shows the attack lab")
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("t", "P", "3")
        await until(pilot, lambda: app.screen_of("attack").notebooks == ["poison", "steal", "poison"],
                    "each asked for its notebook")
        assert isinstance(app.screen, FakeAttackScreen)


async def test_help_lists_the_app_keys_on_every_screen():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settled(pilot)
        for screen_key in ("t", "e"):
            await pilot.press(screen_key)
            await pilot.pause()
            groups = binding_groups(app.screen)
            await pilot.press("question_mark")
            await until(pilot, lambda: isinstance(app.screen, HelpScreen), "? shows the help")
            console = Console(width=100, file=io.StringIO(), record=True)
            console.print(app.screen.query_one("#help-text").content)
            shown = console.export_text()
            ids = set()
            for _, bindings in groups:
                for b in bindings:
                    ids.add(b.id)
                    assert app.get_key_display(b) in shown and b.description in shown, b
            assert {"train", "learn", "attack", "language", "presets", "notebook_numpy", "notebook_torch",
                    "notebook_poison", "notebook_steal"} <= ids
            assert "F5" in shown and "NumPy notebook" in shown and "Deutsch" in shown
            await pilot.press("escape")
            await pilot.pause()
        assert "Learn" in [title for title, _ in groups]  # the Learn screen's own keys have their own title


async def test_the_palette_finds_the_presets_menu_by_name():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Presets")
        await until(pilot, lambda: "Presets" in screen_text(app).split("\n", 3)[-1], "the palette finds it")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PresetsMenu), "the palette opened the menu")


async def test_f8_opens_the_attack_lab_on_the_stealing_notebook():
    attack = pytest.importorskip("ml101.tui.screens.attack")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("f8")
        await until(pilot, lambda: isinstance(app.screen, attack.AttackScreen), "F8 shows the attack lab")
        await pilot.pause()
        assert "Stealing notebook" in screen_text(app)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TrainScreen), "t goes back")
