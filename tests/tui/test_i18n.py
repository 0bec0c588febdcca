"""Every language is complete, the locale picks one, `--lang` overrides it, and errors read well in each."""

from __future__ import annotations

import string

import pytest
from tui_helpers import make_app, screen_text, settled

from ml101.engine.errors import SpecError
from ml101.tui import i18n
from ml101.tui.languages import read_catalogue

EN = i18n.words("en")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_language_has_every_english_word_with_the_same_placeholders_and_nothing_else(lang):
    english, words = read_catalogue("en"), read_catalogue(lang)  # the files as a translator wrote them
    assert [key for key in english if key not in words] == []
    assert [key for key in words if key not in english] == []
    assert [key for key, text in words.items() if not isinstance(text, str)] == []
    assert [key for key in words if placeholders(words[key]) != placeholders(english[key])] == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"LANG": "de_DE.UTF-8"}, "de"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LC_ALL": "de_AT", "LANG": "en_US"}, "de"),
     ({}, "en")],
)
def test_the_locale_picks_the_language(monkeypatch, env, expected):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.set_language(None) == expected
    assert i18n.set_language("en" if expected == "de" else "de") != expected  # an explicit choice wins


def test_errors_name_the_field_and_what_is_allowed_in_both_languages():
    error = SpecError("lr", "must be greater than 0.0 and at most 10.0; got -1")
    assert i18n.explain(error, "-1") == "Learning rate: must be greater than 0.0 and at most 10.0; got -1"
    i18n.set_language("de")
    assert i18n.explain(error, "-1") == (
        "Lernrate: erlaubt ist eine Zahl größer als 0 und höchstens 10 (eingegeben: -1)"
    )
    assert i18n.explain(SpecError("layers", "each width must be from 1 to 256; got 0"), "0").startswith(
        "Schichten (Neuronen): erlaubt sind 0 bis 8 Schichten mit je 1 bis 256 Neuronen"
    )
    assert i18n.number(2676) == "2.676"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_limits_and_lists_in_sentences_are_the_engines(monkeypatch, lang):
    """Changed in the engine, they change in every language: no catalogue has its own copy."""
    from ml101.engine import spec
    from ml101.engine.attacks import defend, steal

    monkeypatch.setattr(spec, "MAX_HIDDEN_LAYERS", 5)
    monkeypatch.setattr(spec, "MAX_WIDTH", 300)
    monkeypatch.setattr(spec, "ACTIVATIONS", ("relu", "gelu"))
    monkeypatch.setattr(spec, "DATASETS", ("moons", "swirl"))
    monkeypatch.setitem(spec.RULES, "test_fraction", ("float", 0.0, 0.75, True))
    monkeypatch.setattr(defend, "DEFAULT_K", 7)
    monkeypatch.setattr(steal, "SWEEP_BUDGETS", (5, 20, 4000))
    i18n.set_language(lang)
    layers = i18n.t("rule.layers")
    assert "5" in layers and "300" in layers and "8" not in layers and "256" not in layers
    assert "relu, gelu" in i18n.t("rule.activations") and "tanh" not in i18n.t("rule.activations")
    assert "moons, swirl" in i18n.t("rule.data") and "spiral" not in i18n.t("rule.data")
    assert "0.75" in i18n.t("rule.test_fraction") and "0.9" not in i18n.t("rule.test_fraction")
    assert "7" in i18n.t("attack.defense_help.knn") and "10" not in i18n.t("attack.defense_help.knn")
    for key in ("attack.setup.curve_steal", "attack.curve.empty_steal"):
        assert "5" in i18n.t(key) and "4000" in i18n.t(key) and "900" not in i18n.t(key)


def test_every_value_ml101_fills_in_itself_is_used_and_left_to_no_caller():
    english = read_catalogue("en")
    used = set().union(*(placeholders(text) for text in english.values()))
    assert set(i18n.AUTOMATIC) <= used
    for key, text in i18n.words("en").items():  # what is left in braces is a caller's
        assert not placeholders(text) & set(i18n.AUTOMATIC), key


async def test_the_app_speaks_german_when_asked():
    i18n.set_language("de")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        text = screen_text(app)
        assert "Epoch 0 / 300" in text  # the word people and scripts look for stays the same
        assert "Test-Genauigkeit" in text and "Leertaste startet das Training" in text
        assert "Karte" in text and "Start/Pause" in text


def test_run_app_honours_the_lang_flag(monkeypatch):
    from ml101.tui import app as app_module

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    opened = []
    monkeypatch.setattr(app_module.ML101App, "run", lambda self: opened.append(i18n.language()))
    assert app_module.run_app(lang="de") == 0
    assert opened == ["de"]


def test_run_app_refuses_an_unknown_preset_before_opening():
    from ml101.tui import app as app_module

    with pytest.raises(SpecError) as error:
        app_module.run_app(preset="nope")
    assert error.value.field == "preset"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_fits_the_message_line_at_80_columns(lang):
    i18n.set_language(lang)
    sample = dict(epochs=10000, accuracy="0.980", fields=i18n.field_label("layers"), epoch=1234, lr="0.5",
                  smaller="0.05")
    for key in (key for key in EN if key.startswith("msg.") and key != "msg.preset"):
        text = i18n.t(key, **{name: sample[name] for name in placeholders(EN[key])})
        assert len(text) <= 78 - 2, (key, text)  # 80 minus padding, minus the "✗ " an error gets


FOOTER_WORDS = {
    "train": ("key.play", "key.step", "key.reset", "key.new_data", "key.help", "key.quit", "key.learn"),
    "attack": ("key.attack_kind", "key.attack_strategy", "key.attack_run", "key.attack_curve", "key.help",
               "key.quit", "key.train", "key.learn"),
    "learn": ("key.help", "key.quit", "key.train"),
}


@pytest.mark.parametrize("mode", FOOTER_WORDS)
@pytest.mark.parametrize("lang", ["en", "de"])
async def test_each_screens_footer_shows_its_main_keys_whole_at_80_columns(lang, mode):
    i18n.set_language(lang)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        app.switch_mode(mode)
        await pilot.pause()
        await pilot.pause()
        last_line = screen_text(app).rstrip("\n").splitlines()[-1]
        for word in FOOTER_WORDS[mode]:
            assert i18n.t(word) in last_line, f"{i18n.t(word)!r} cut off the footer: {last_line!r}"
