"""`ml101 attack poison|steal` as people run it: the documented JSON, the lessons' numbers, one-line refusals."""

from __future__ import annotations

import json

import pytest

POISON_KEYS = {"strategy", "fraction", "flipped", "clean_test_accuracy", "poisoned_test_accuracy"}
STEAL_KEYS = {"strategy", "budget", "queries", "victim_test_accuracy", "surrogate_test_accuracy", "fidelity_grid",
              "fidelity_data"}


def run_json(ml101, parse_json, *args):
    result = ml101("attack", *args, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return parse_json(result)


def test_poisoning_the_last_half_as_in_the_notebook(ml101, parse_json):
    out = run_json(ml101, parse_json, "poison", "--strategy", "last", "--fraction", "0.5")
    assert POISON_KEYS <= set(out)
    assert out["strategy"] == "last" and out["fraction"] == 0.5 and out["flipped"] == 450
    assert out["clean_test_accuracy"] >= 0.95
    assert out["poisoned_test_accuracy"] <= 0.60
    assert len(out["seeds"]) == 3 and out["poisoned_test_accuracy_std"] >= 0


def test_knn_defence_beats_random_flips(ml101, parse_json):
    out = run_json(ml101, parse_json, "poison", "--strategy", "random", "--fraction", "0.3", "--defense", "knn")
    assert out["defense"] == "knn"
    assert out["defended_test_accuracy"] > out["poisoned_test_accuracy"]


def test_stealing_with_the_training_inputs_copies_the_victim(ml101, parse_json):
    out = run_json(ml101, parse_json, "steal", "--strategy", "train", "--budget", "900", "--output", "label")
    assert STEAL_KEYS <= set(out)
    assert out["queries"] == 900 and out["budget"] == 900
    assert out["fidelity_data"] >= 0.95


def test_data_only_queries_copy_less_of_the_plot_window_than_uniform_ones(ml101, parse_json):
    on_data = run_json(ml101, parse_json, "steal", "--strategy", "data", "--budget", "250")
    uniform = run_json(ml101, parse_json, "steal", "--strategy", "uniform", "--budget", "250")
    assert on_data["seeds"] == uniform["seeds"]
    assert on_data["fidelity_grid"] < uniform["fidelity_grid"]


def test_a_poison_sweep_is_a_json_list_over_fractions(ml101, parse_json):
    out = run_json(ml101, parse_json, "poison", "--strategy", "random", "--sweep", "--fractions", "0,0.5",
                   "--seeds", "1", "--defense", "early", "--epochs", "60")
    assert isinstance(out, list) and [row["fraction"] for row in out] == [0.0, 0.5]
    for row in out:
        assert POISON_KEYS | {"defended_test_accuracy"} <= set(row)
        assert row["seeds"] == [0] and row["epochs"] == 60


def test_a_steal_sweep_is_a_json_list_over_budgets(ml101, parse_json):
    out = run_json(ml101, parse_json, "steal", "--strategy", "active", "--sweep", "--budgets", "20,60",
                   "--seeds", "2", "--seed", "5", "--layers", "16,16", "--epochs", "60")
    assert [row["budget"] for row in out] == [20, 60] and [row["queries"] for row in out] == [20, 60]
    assert all(STEAL_KEYS <= set(row) and row["layers"] == [16, 16] and row["seeds"] == [5, 6] for row in out)


def test_without_json_a_table_is_printed(ml101):
    result = ml101("attack", "poison", "--strategy", "class", "--sweep", "--fractions", "0,0.2", "--seeds", "1",
                   "--epochs", "30")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("poison class")
    assert any(line.split()[0] == "0.2" for line in lines[2:-1])
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


@pytest.mark.parametrize(
    ("args", "flag", "says"),
    [
        (["poison", "--strategy", "everything"], "--strategy", "last, random, class"),
        (["poison", "--fraction", "1.5"], "--fraction", "from 0 to 1"),
        (["poison", "--fraction", "half"], "--fraction", "must be a number"),
        (["poison", "--fraction", "nan"], "--fraction", "from 0 to 1"),
        (["poison", "--count", "2.5"], "--count", "whole number"),
        (["poison", "--count", "5000"], "--count", "from 0 to 900"),
        (["poison", "--defense", "firewall"], "--defense", "none, knn, loss, early"),
        (["poison", "--defense", "knn", "--k", "0"], "--k", "from 1"),
        (["poison", "--defense", "loss", "--drop", "1"], "--drop", "less than 1"),
        (["poison", "--strategy", "class", "--class", "2"], "--class", "from 0 to 1"),
        (["poison", "--sweep", "--fractions", "0.1,x"], "--fractions", "must be a number"),
        (["poison", "--sweep", "--count", "5"], "--count", "cannot be swept"),
        (["poison", "--seeds", "0"], "--seeds", "from 1 to 20"),
        (["poison", "--preset", "slow"], "--preset", "fast, notebook"),
        (["poison", "--epochs", "-3"], "--epochs", "at least 0"),
        (["poison", "--threads", "0"], "--threads", "at least 1"),
        (["steal", "--strategy", "guess"], "--strategy", "train, data, uniform, active"),
        (["steal", "--budget", "0"], "--budget", "from 1"),
        (["steal", "--budget", "lots"], "--budget", "whole number"),
        (["steal", "--output", "logits"], "--output", "label, probability, rounded, noisy"),
        (["steal", "--output", "noisy", "--noise", "5"], "--noise", "from 0 to 1"),
        (["steal", "--layers", "0"], "--layers", "from 1 to 256"),
        (["steal", "--sweep", "--budgets", ""], "--budgets", "at least one value"),
        (["steal", "--lr", "0"], "--lr", "greater than 0"),
    ],
)
def test_bad_input_is_one_line_naming_the_flag(ml101, refused, args, flag, says):
    line = refused(ml101("attack", *args, "--json"))
    assert line.startswith(f"ml101: {flag}: "), line
    assert says in line, line


def test_attack_without_a_kind_says_which_exist(ml101, refused):
    line = refused(ml101("attack"))
    assert "poison" in line and "steal" in line
