import pytest

from ml101.tui.languages import detect_language
from ml101.tui.settings import (
    Settings,
    load_settings,
    recent_experiments,
    remember_experiment,
    save_settings,
)


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ML101_CONFIG_DIR", str(tmp_path / "cfg"))
    return tmp_path / "cfg"


def test_saved_settings_come_back(config_dir):
    save_settings(Settings(language="de", theme="ansi-dark", preset="overfit", threads=2))
    s = load_settings(env={})
    assert (s.language, s.theme, s.preset, s.threads) == ("de", "ansi-dark", "overfit", 2)
    assert s.problems == ()


def test_environment_wins_over_the_file(config_dir):
    save_settings(Settings(language="de"))
    s = load_settings(env={"ML101_LANG": "en", "ML101_THREADS": "4"})
    assert s.language == "en" and s.threads == 4


def test_a_broken_file_is_reported_not_fatal(config_dir):
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text('language = "fr"\ntheme = \nthreads = 0')
    s = load_settings(env={})
    assert s == Settings() and "not readable TOML" in str(s.problems[0])
    (config_dir / "config.toml").write_text('language = "fr"\nthreads = 0\ncolour = "red"\ntheme = 3')
    s = load_settings(env={})
    assert s == Settings() and len(s.problems) == 4
    text = [str(p) for p in s.problems]
    assert any('language = "fr" ignored; allowed: en, de' in p for p in text), text
    assert any("threads = 0 ignored; allowed: 1–64" in p for p in text), text
    assert any("unknown setting 'colour'" in p for p in text), text


def test_a_bad_environment_variable_is_named_and_the_file_value_kept(config_dir):
    save_settings(Settings(threads=2, theme="nord"))
    s = load_settings(env={"ML101_THREADS": "many", "ML101_THEME": "neon"})
    assert (s.threads, s.theme) == (1, "textual-dark")  # the bad value replaced the file's, so: the default
    assert {p.where for p in s.problems} == {"ML101_THREADS", "ML101_THEME"}


def test_the_16_colour_theme_under_its_old_name_and_every_suggested_theme_exist(config_dir):
    from textual.theme import BUILTIN_THEMES

    from ml101.tui.settings import THEMES

    assert set(THEMES) <= set(BUILTIN_THEMES)
    s = load_settings(env={"ML101_THEME": "textual-ansi"})
    assert s.theme == "ansi-dark" and s.problems == ()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "de_DE"}, "en"),  # LC_ALL before LANG
        ({"LC_MESSAGES": "de_AT.UTF-8@euro", "LANG": "en_US.UTF-8"}, "de"),  # LC_MESSAGES before LANG
        ({"LANGUAGE": "de:en", "LC_ALL": "en_US.UTF-8"}, "de"),  # LANGUAGE first, a list by preference
        ({"LANGUAGE": "fr:de", "LANG": "en_US.UTF-8"}, "de"),  # its first language that has a catalogue
        ({"LANGUAGE": "fr", "LANG": "de_DE.UTF-8"}, "en"),  # the first variable set decides, as in gettext
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_locale_picks_the_language_as_gettext_does(env, expected):
    assert detect_language(env) == expected


def test_a_config_language_is_any_language_with_a_catalogue(config_dir, monkeypatch):
    from ml101.tui import languages

    monkeypatch.setattr(languages, "available", lambda: ("en", "de", "xx"))
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text('language = "xx"')
    assert load_settings(env={}).language == "xx"
    (config_dir / "config.toml").write_text('language = "yy"')
    assert [p.allowed for p in load_settings(env={}).problems] == ["en, de, xx"]


def test_recent_experiments_newest_first_and_only_existing(tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    a.write_bytes(b"x")
    b.write_bytes(b"x")
    remember_experiment(a)
    remember_experiment(b)
    remember_experiment(a)
    assert recent_experiments() == [str(a.resolve()), str(b.resolve())]
    b.unlink()
    assert recent_experiments() == [str(a.resolve())]
