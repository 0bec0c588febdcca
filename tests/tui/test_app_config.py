"""`ml101` (run_app) with the user's settings: language, theme, preset and threads from the config file or
ML101_* variables; the command line wins; bad values become a notification and the default, never a crash."""

from __future__ import annotations

import pytest
from tui_helpers import screen_text, settled

from ml101.tui import app as app_module
from ml101.tui import cli, i18n
from ml101.tui.settings import Settings, load_settings, save_settings


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "cfg"))
    for var in ("ML101_LANG", "ML101_THEME", "ML101_PRESET", "ML101_THREADS", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    return tmp_path / "cfg"


@pytest.fixture
def opened(monkeypatch):
    """run_app builds the app but does not run it: the test gets the app and the language it opened in."""
    apps = []

    def run(self):
        apps.append((self, i18n.language()))

    monkeypatch.setattr(app_module.ML101App, "run", run)
    return apps


def write_config(config_dir, text: str) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text(text, encoding="utf-8")


def test_the_config_sets_language_theme_preset_and_threads(config_dir, opened):
    write_config(config_dir, 'language = "de"\ntheme = "ansi-dark"\npreset = "overfit"\nthreads = 2\n')
    assert app_module.run_app() == 0
    app, lang = opened[0]
    exp = app.train_screen.exp
    assert (lang, app.theme, exp.preset, exp.threads) == ("de", "ansi-dark", "overfit", 2)


def test_the_command_line_wins_over_the_config(config_dir, opened):
    write_config(config_dir, 'language = "de"\npreset = "overfit"\n')
    assert cli.main(["--lang", "en", "--preset", "notebook-numpy"]) == 0
    app, lang = opened[0]
    assert (lang, app.train_screen.exp.preset) == ("en", "notebook-numpy")


def test_environment_variables_win_over_the_config(config_dir, opened, monkeypatch):
    write_config(config_dir, 'language = "de"\ntheme = "nord"\n')
    monkeypatch.setenv("ML101_LANG", "en")
    monkeypatch.setenv("ML101_THEME", "textual-ansi")  # the 16-colour theme's old name
    app_module.run_app()
    app, lang = opened[0]
    assert (lang, app.theme) == ("en", "ansi-dark")


def test_without_a_language_setting_the_locale_decides(config_dir, opened, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    app_module.run_app()
    assert opened[0][1] == "de"


def test_a_theme_picked_in_the_app_is_kept_for_next_time(config_dir, monkeypatch):
    write_config(config_dir, 'language = "de"\n')
    monkeypatch.setattr(app_module.ML101App, "run", lambda self: setattr(self, "theme", "nord"))
    app_module.run_app()
    saved = load_settings(env={})
    assert (saved.theme, saved.language) == ("nord", "de")


def test_a_broken_config_is_not_overwritten(config_dir, monkeypatch):
    write_config(config_dir, "language = \n")
    monkeypatch.setattr(app_module.ML101App, "run", lambda self: setattr(self, "theme", "nord"))
    app_module.run_app()
    assert (config_dir / "config.toml").read_text() == "language = \n"


async def test_bad_values_open_the_app_with_defaults_and_say_which_setting(config_dir, opened):
    write_config(config_dir, 'language = "fr"\ntheme = "neon"\npreset = "fast"\nthreads = 0\ncolour = "red"\n')
    app_module.run_app()
    app, lang = opened[0]
    assert (lang, app.theme, app.train_screen.exp.preset) == ("en", "textual-dark", "quick")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        messages = [n.message for n in app._notifications]
        assert len(messages) == 5, messages
        assert any('language = "fr" ignored, default used. Allowed: en, de' in m for m in messages), messages
        assert any("threads = 0" in m and "1–64" in m for m in messages), messages
        assert any("unknown setting colour" in m for m in messages), messages
        assert "Epoch 0 / 300" in screen_text(app)


async def test_config_problems_are_told_in_german_too(config_dir, opened):
    write_config(config_dir, 'language = "de"\nthreads = "viele"\n')
    app_module.run_app()
    app, _ = opened[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert [n.message for n in app._notifications] == [
            f'{config_dir / "config.toml"}: threads = "viele" ignoriert, Standard benutzt. Erlaubt: 1–64']


@pytest.mark.parametrize(("lang", "words", "not_words"), [
    ("de", ("Leertaste startet das Training", "Karte", "Test-Genauigkeit"), ("Press space",)),
    ("en", ("Press space to start training", "Map", "Test accuracy"), ("Leertaste",)),
])
async def test_lang_flag_shows_the_first_screen_in_that_language(config_dir, opened, lang, words, not_words):
    write_config(config_dir, f'language = "{"en" if lang == "de" else "de"}"\n')  # the flag beats the config
    assert cli.main(["--lang", lang]) == 0
    app, _ = opened[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        text = screen_text(app)
        assert all(w in text for w in words), text
        assert not any(w in text for w in not_words), text


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light", "textual-light"])
async def test_the_app_opens_in_each_suggested_theme(theme):
    app = app_module.ML101App(_quick(), settings=Settings(theme=theme))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert app.theme == theme and "Epoch 0 / 300" in screen_text(app)


def _quick():
    from ml101.engine.spec import preset

    return preset("quick")


def test_saving_and_reading_the_theme_uses_the_file_only(config_dir, monkeypatch):
    save_settings(Settings(theme="ansi-light"))
    monkeypatch.setenv("ML101_THEME", "dracula")
    assert load_settings().theme == "dracula" and load_settings(env={}).theme == "ansi-light"
