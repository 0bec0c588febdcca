import pytest

from tui.settings import (
    Settings,
    language_from_locale,
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
    save_settings(Settings(language="de", theme="textual-ansi", preset="overfit", threads=2))
    s = load_settings(env={})
    assert (s.language, s.theme, s.preset, s.threads) == ("de", "textual-ansi", "overfit", 2)
    assert s.problems == ()


def test_environment_wins_over_the_file(config_dir):
    save_settings(Settings(language="de"))
    s = load_settings(env={"ML101_LANG": "en", "ML101_THREADS": "4"})
    assert s.language == "en" and s.threads == 4


def test_a_broken_file_is_reported_not_fatal(config_dir):
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text('language = "fr"\ntheme = \nthreads = 0')
    s = load_settings(env={})
    assert s == Settings() and "not readable TOML" in s.problems[0]
    (config_dir / "config.toml").write_text('language = "fr"\nthreads = 0\ncolour = "red"')
    s = load_settings(env={})
    assert s == Settings() and len(s.problems) == 3
    assert any("language" in p and "en or de" in p for p in s.problems)


def test_locale_picks_german():
    assert language_from_locale({"LANG": "de_DE.UTF-8"}) == "de"
    assert language_from_locale({"LC_ALL": "en_US.UTF-8", "LANG": "de_DE"}) == "en"
    assert language_from_locale({}) == "en"


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
