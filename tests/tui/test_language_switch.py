"""L switches every screen to the next language while training state and edits stay as they were; a new
language is one catalogue file, and L, --lang and the config then offer it."""

from __future__ import annotations

import pytest
from tui_helpers import make_app, press_at_once, screen_text, settled, until

from ml101.tui import i18n, languages
from ml101.tui.screens.learn import LearnScreen
from ml101.tui.screens.train import TrainScreen
from ml101.tui.widgets.architecture import LayerList


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_l_switches_the_train_screen_to_german_and_back_keeping_training():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        app.train_screen.request(app.train_screen, {"lr": 0.05})
        await pilot.press("s", "s", "s")
        await until(pilot, lambda: app.train_screen.state.epoch == 3, "three epochs ran")
        await settled(pilot)
        assert "One epoch" in footer(app)
        await pilot.press("L")
        await until(pilot, lambda: "Schritt" in footer(app), "the footer speaks German")
        assert i18n.language() == "de" and "Deutsch" in notifications(app)
        assert "One epoch" not in footer(app) and "Lernen" in footer(app)
        if hasattr(TrainScreen, "relabel"):  # the Train screen re-reads its own words
            await until(pilot, lambda: "Karte" in screen_text(app), "the panels speak German")
        state = app.train_screen.state
        assert (state.epoch, app.train_screen.exp.lr) == (3, 0.05)  # nothing was reset
        await pilot.press("L")
        await until(pilot, lambda: "One epoch" in footer(app), "the footer speaks English again")
        assert i18n.language() == "en" and "English" in notifications(app)
        await settled(pilot)
        assert (app.train_screen.state.epoch, app.train_screen.exp.lr) == (3, 0.05)
        assert "Epoch 3 / 300" in screen_text(app)


async def test_l_while_training_and_editing_the_network_keeps_the_editors_and_their_keys():
    app = make_app(epochs=100_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen = app.train_screen
        layers, lr_field = screen.query_one(LayerList), screen.query_one("#set-lr")
        await pilot.press("space", "3")
        await until(pilot, lambda: screen.state.running, "training runs")
        # snapshots and keys arriving while the editors were rebuilt found no layer list (NoMatches, a crash)
        press_at_once(app, "L", "right", "plus", "L", "L", "right")
        await until(pilot, lambda: i18n.language() == "de" and "Neuronen:" in screen_text(app), "German words")
        await until(pilot, lambda: screen.state.ack == screen.runner.sent, "every key's change was applied")
        before = len(screen.exp.layers)
        await pilot.press("plus")  # the layer list still has the focus and its keys
        await until(pilot, lambda: len(screen.exp.layers) == before + 1, "a layer was added")
        assert screen.query_one(LayerList) is layers and screen.query_one("#set-lr") is lr_field  # in place
        assert str(screen.query_one("#label-lr").content) == "Lernrate"  # the hidden settings panel too
        await pilot.press("4")
        assert "Lernrate" in screen_text(app)


async def wide_screen_text(mode: str, switch: bool) -> str:
    i18n.set_language("en" if switch else "de")
    app = make_app()
    async with app.run_test(size=(130, 45)) as pilot:  # wide: every panel at once
        await settled(pilot)
        await app.action_mode(mode)
        await pilot.pause()
        if switch:
            await pilot.press("L")
            await pilot.pause()
        app.clear_notifications()
        if mode == "train":
            await pilot.press("4")  # the settings' hint line as well
        await pilot.pause()
        return screen_text(app)


@pytest.mark.parametrize("mode", ["train", "attack"])
async def test_after_l_a_screen_reads_as_one_opened_in_german(mode):
    """The words are changed in place (no rebuild: keys meanwhile found no widgets), so every one must be."""
    assert await wide_screen_text(mode, switch=True) == await wide_screen_text(mode, switch=False)


async def test_screens_made_before_the_switch_speak_the_new_language():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("e")  # the Learn screen exists now ...
        await until(pilot, lambda: isinstance(app.screen, LearnScreen), "the Learn screen shows")
        await pilot.press("t", "L", "e")  # ... is relabelled while out of sight, and shown again
        await until(pilot, lambda: isinstance(app.screen, LearnScreen), "the Learn screen shows again")
        await pilot.pause()
        text = screen_text(app)
        assert "Lektion 1 von 8" in text and "Trainieren" in text
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Lernen" in screen_text(app) and "Tasten" in screen_text(app)  # the help's groups too


async def test_the_palette_switches_the_language_by_name():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Deutsch")
        await until(pilot, lambda: "Deutsch" in screen_text(app).split("\n", 3)[-1], "the palette finds it")
        await pilot.press("enter")
        await until(pilot, lambda: i18n.language() == "de", "the language switched")
        await until(pilot, lambda: "Schritt" in footer(app), "the footer speaks German")


@pytest.fixture
def french(tmp_path, monkeypatch):
    """The installed catalogues and one more, fr.toml, in a folder of their own: a translator's one new file."""
    folder = tmp_path / "i18n"
    folder.mkdir()
    for lang in languages.available():
        text = languages.catalogue_folder().joinpath(f"{lang}.toml").read_text(encoding="utf-8")
        (folder / f"{lang}.toml").write_text(text, encoding="utf-8")
    french = (folder / "en.toml").read_text(encoding="utf-8")
    french = french.replace('language_now = "English"', 'language_now = "Français"')
    french = french.replace('step = "One epoch"', 'step = "Une époque"')
    (folder / "fr.toml").write_text(french, encoding="utf-8")
    monkeypatch.setattr(languages, "catalogue_folder", lambda: folder)
    i18n.load()
    yield
    i18n.set_language("en")
    monkeypatch.undo()
    i18n.load()


async def test_a_new_language_is_one_file_and_l_goes_round_all_of_them(french, tmp_path):
    from ml101.tui.cli import build_parser
    from ml101.tui.settings import load_settings

    assert i18n.LANGUAGES == ("en", "de", "fr")
    assert build_parser().parse_args(["--lang", "fr"]).app_lang == "fr"
    assert load_settings(tmp_path / "none.toml", env={"ML101_LANG": "fr"}).language == "fr"
    assert languages.detect_language({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert i18n.t("keyhelp.language") == "switch the language: English → Deutsch → Français → English"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert i18n.t("key.language") == "Language: Deutsch"
        await pilot.press("L")
        await until(pilot, lambda: "Schritt" in footer(app), "the footer speaks German")
        assert i18n.t("key.language") == "Sprache: Français"  # the key names the language it goes to
        await pilot.press("L")
        await until(pilot, lambda: "Une époque" in footer(app), "the footer speaks French")
        assert i18n.language() == "fr" and "Français" in notifications(app)
        assert i18n.t("key.language") == "Language: English"
        await pilot.press("L")
        await until(pilot, lambda: "One epoch" in footer(app), "the footer speaks English again")
        assert i18n.language() == "en"
