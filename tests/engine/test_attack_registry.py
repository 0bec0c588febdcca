"""One registry of attack strategies: a new strategy is one entry plus its function, and every part of ml101
offers it. These tests register a toy strategy and follow it through the engine, the headless CLI and the
app's settings (plain values, no screen), which is why an engine test imports ml101.tui here."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ml101.engine.attacks import registry
from ml101.engine.attacks.lab import recipe
from ml101.engine.attacks.poison_lab import poison_run
from ml101.engine.attacks.poison_strategies import flip
from ml101.engine.attacks.registry import POISON, STEAL, PoisonStrategy, StealStrategy
from ml101.engine.attacks.steal import steal_run
from ml101.engine.attacks.steal_strategies import at_once
from ml101.engine.errors import SpecError

QUICK = dict(seeds=1, exp=recipe(epochs=5))


def flip_first(X, y, m, given):
    """The toy: the first m training points change sides."""
    return flip(X, y, np.arange(m))


@pytest.fixture
def first(monkeypatch):
    monkeypatch.setitem(POISON, "first", PoisonStrategy("first", flip_first, "fraction", 0.2,
                                                        "flip the labels of the first points"))


@pytest.fixture
def corner(monkeypatch):
    ask_the_origin = at_once(lambda budget, seed, data, window: np.zeros((budget, 2)))
    monkeypatch.setitem(STEAL, "corner", StealStrategy("corner", ask_the_origin, "ask about one point only"))


def test_a_registered_poisoning_strategy_runs_with_its_default(first):
    point = poison_run("first", **QUICK)
    assert point.strategy == "first" and point.example.poisoning.strategy == "first"
    assert point.flipped == 180  # its default, 0.2 of the 900 training points
    np.testing.assert_array_equal(point.example.poisoning.changed, np.arange(180))


def test_the_cli_offers_a_registered_strategy(first, capsys):
    from ml101.tui.cli import build_parser, main

    poison = build_parser().parse_args(["attack", "poison"])  # the parser is built from the registry
    assert poison.strategy == "last"
    assert main(["attack", "poison", "--strategy", "wrong"]) == 2
    assert "first" in capsys.readouterr().err  # the refusal lists what there is
    assert main(["attack", "poison", "--strategy", "first", "--fraction", "0.1", "--epochs", "5", "--seeds", "1",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["strategy"] == "first" and out["flipped"] == 90


def test_the_cli_help_lists_every_strategy_with_its_sentence(first, capsys):
    from ml101.tui.cli import main

    with pytest.raises(SystemExit):
        main(["attack", "poison", "--help"])
    help_text = capsys.readouterr().out
    assert "last|random|class|boundary|cluster|target|backdoor|first" in "".join(help_text.split())  # wrapped
    assert "flip the labels of the first points" in help_text and "first 0.2" in help_text


def test_the_app_settings_cycle_through_a_registered_strategy(first):
    from ml101.tui.models import AttackSettings

    last_one = AttackSettings(poison_strategy="backdoor")
    toy = last_one.next_strategy(1)
    assert toy.poison_strategy == "first" and not toy.uses_count  # set by a fraction, as registered
    assert toy.next_strategy(1).poison_strategy == "last"
    assert AttackSettings().next_strategy(-1).poison_strategy == "first"
    assert toy.step_amount(1).fraction == toy.fraction + 0.05


def test_a_registered_stealing_strategy_runs_and_is_offered(corner):
    from ml101.tui.models import AttackSettings

    point = steal_run("corner", 10, **QUICK)
    assert point.queries == 10 and not point.example.queries.any()
    assert "corner" in AttackSettings(attack="steal").strategies


def test_the_registry_answers_what_the_names_used_to():
    assert [name for name, s in POISON.items() if s.amount == "count"] == ["target", "backdoor"]
    assert [name for name, s in POISON.items() if s.has_target] == ["target", "backdoor"]
    assert [name for name, s in POISON.items() if s.needs_clean_model] == ["boundary"]
    assert [name for name, s in POISON.items() if s.takes_class] == ["class"]
    assert [name for name, s in STEAL.items() if s.rounds > 1] == ["active"]
    assert {name: s.default_budget for name, s in STEAL.items()} == {"train": 900, "data": 250, "uniform": 250,
                                                                      "active": 250}
    assert POISON["target"].explain_key == "attack.explain.poison.target"


@pytest.mark.parametrize("name", ["everything", None, ["last"]])
def test_an_unknown_name_is_a_one_line_refusal_listing_the_strategies(name):
    with pytest.raises(SpecError) as error:
        registry.poison_strategy(name)
    assert error.value.field == "strategy" and "last, random, class" in error.value.message


def test_every_strategy_has_its_words_in_every_language():
    from ml101.tui.languages import available, read_catalogue

    for lang in available():
        words = read_catalogue(lang)
        missing = [s.explain_key for s in (*POISON.values(), *STEAL.values()) if s.explain_key not in words]
        assert not missing, (lang, missing)
