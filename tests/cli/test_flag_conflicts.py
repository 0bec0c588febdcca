"""Flags that cannot go together, values like -0, and the memory budget on the command line: refused with exit
2 and one line naming the flags (never silently ignored, never a loaded model silently replaced)."""

from __future__ import annotations

import pytest

WIDE = ",".join(["256"] * 8)

TRAIN_CONFLICTS = [
    (["--preset", "quick", "--load", "{saved}"], "--preset", "--load"),
    (["--load", "{saved}", "--data", "circles"], "--data", "--load"),
    (["--load", "{saved}", "--layers", "4"], "--layers", "--load"),
    (["--load", "{saved}", "--samples", "200"], "--samples", "--load"),
    (["--load", "{saved}", "--backend", "torch"], "--backend", "--load"),
    (["--load", "{saved}", "--seed", "3"], "--seed", "--load"),
    (["--data", "points.csv", "--samples", "200"], "--samples", "CSV"),
    (["--data", "points.csv", "--noise", "0.3"], "--noise", "CSV"),
    (["--reg-rate", "0.1"], "--reg-rate", "--reg none"),
    (["--threads", "2"], "--threads", "--backend numpy"),
]

ATTACK_CONFLICTS = [
    (["poison", "--sweep", "--fraction", "0.3"], "--fraction", "--sweep"),
    (["poison", "--fractions", "0,0.5"], "--fractions", "--sweep"),
    (["poison", "--fraction", "0.2", "--count", "5"], "--count", "--fraction"),
    (["poison", "--sweep", "--count", "5"], "--count", "--sweep"),
    (["poison", "--k", "5"], "--k", "--defense knn"),
    (["poison", "--defense", "loss", "--k", "5"], "--k", "--defense knn"),
    (["poison", "--drop", "0.3"], "--drop", "--defense loss"),
    (["poison", "--holdout", "0.3", "--defense", "knn"], "--holdout", "--defense early"),
    (["poison", "--class", "1"], "--class", "--strategy class"),
    (["steal", "--sweep", "--budget", "30"], "--budget", "--sweep"),
    (["steal", "--budgets", "10,20"], "--budgets", "--sweep"),
    (["steal", "--noise", "0.3"], "--noise", "--output noisy"),
    (["poison", "--device", "cuda", "--threads", "2"], "--threads", "--device cuda"),
]


@pytest.fixture
def saved(ml101, tmp_path):
    path = tmp_path / "run.npz"
    assert ml101("train", "--epochs", "2", "--save", path, "--json").returncode == 0
    return path


@pytest.mark.parametrize("args,flag,other", TRAIN_CONFLICTS, ids=[" ".join(c[0]) for c in TRAIN_CONFLICTS])
def test_train_flags_that_would_be_ignored_are_refused_naming_both(ml101, refused, saved, args, flag, other):
    line = refused(ml101("train", *[a.format(saved=saved) for a in args], "--json"))
    assert line.startswith(f"ml101: {flag}: ") and other in line


@pytest.mark.parametrize("args,flag,other", ATTACK_CONFLICTS, ids=[" ".join(c[0]) for c in ATTACK_CONFLICTS])
def test_attack_flags_that_would_be_ignored_are_refused_naming_both(ml101, refused, args, flag, other):
    line = refused(ml101("attack", *args, "--json"))
    assert line.startswith(f"ml101: {flag}: ") and other in line


def test_bench_refuses_parts_with_the_gpu_bench(ml101, refused):
    line = refused(ml101("bench", "--gpu", "--only", "app"))
    assert line.startswith("ml101: --only: ") and "--gpu" in line


def test_the_app_refuses_a_preset_and_a_file_at_once(ml101, refused, saved):
    line = refused(ml101("--preset", "quick", "--load", saved))
    assert line.startswith("ml101: --preset: ") and "--load" in line


@pytest.mark.parametrize("args,flag,hint", [
    (["--preset", "overfit", "train"], "--preset", "ml101 train --preset"),
    (["--load", "run.npz", "train"], "--load", "ml101 train --load"),
    (["--lang", "de", "attack", "poison"], "--lang", "ml101 attack has none"),
    (["--preset", "quick", "bench"], "--preset", "ml101 bench has none"),
])
def test_the_apps_options_before_a_command_are_not_silently_dropped(ml101, refused, args, flag, hint):
    line = refused(ml101(*args, "--json"))
    assert line.startswith(f"ml101: {flag}: ") and hint in line


def test_a_loaded_run_still_takes_the_settings_that_keep_its_model(ml101, parse_json, saved):
    done = ml101("train", "--load", saved, "--epochs", "3", "--lr", "0.003", "--optimizer", "sgd", "--json")
    assert done.returncode == 0, done.stderr
    out = parse_json(done)
    assert out["epochs"] == 5 and out["lr"] == 0.003 and out["optimizer"] == "sgd"


@pytest.mark.parametrize("value", ["-0", "-0.0", "-0e5"])
def test_minus_zero_is_zero(ml101, parse_json, value):
    done = ml101("train", f"--noise={value}", "--epochs", "2", "--json")
    assert done.returncode == 0, done.stderr
    assert parse_json(done)["epochs"] == 2
    done = ml101("attack", "poison", f"--fraction={value}", "--seeds", "1", "--epochs", "2", "--json")
    assert done.returncode == 0, done.stderr
    out = parse_json(done)
    assert out["fraction"] == 0 and str(out["fraction"]) == "0.0" and out["flipped"] == 0


def test_the_issues_memory_hungry_settings_are_refused_naming_them(ml101, refused):
    line = refused(ml101("train", "--samples", "100000", "--layers", WIDE, "--json"))
    assert line.startswith("ml101: --samples: ")
    assert "8 of 256" in line and "full batch of 90000" in line and "limit of 1.0 GB" in line
    assert "--memory-limit" in line


def test_the_limit_can_be_raised_or_lowered(ml101, refused, parse_json):
    done = ml101("train", "--samples", "60000", "--layers", WIDE, "--epochs", "0", "--memory-limit", "3G", "--json")
    assert done.returncode == 0, done.stderr
    assert parse_json(done)["layers"] == [256] * 8
    line = refused(ml101("train", "--layers", "256,256", "--samples", "20000", "--memory-limit", "200M", "--json"))
    assert line.startswith("ml101: --samples: ") and "layers 256,256" in line and "limit of 200.0 MB" in line
    assert "like 1G" in refused(ml101("train", "--memory-limit", "plenty", "--json"))


def test_a_sweep_list_is_capped(ml101, refused):
    fractions = ",".join(str(i / 1000) for i in range(1000))
    line = refused(ml101("attack", "poison", "--sweep", "--fractions", fractions, "--json"))
    assert line == "ml101: --fractions: at most 50 values in one sweep; got 1000"
    line = refused(ml101("attack", "steal", "--sweep", "--budgets", ",".join(["10"] * 51), "--json"))
    assert line.startswith("ml101: --budgets: at most 50")


@pytest.mark.parametrize("values", ["nan,0.1", "0.1,2", "0.1,-1"])
def test_a_bad_value_in_a_list_names_the_list(ml101, refused, values):
    assert refused(ml101("attack", "poison", "--sweep", "--fractions", values, "--json")).startswith(
        "ml101: --fractions: must be")


def test_an_attack_too_big_for_memory_is_refused_naming_its_seeds(ml101, refused):
    line = refused(ml101("attack", "poison", "--seeds", "20", "--layers", WIDE, "--json"))
    assert line.startswith("ml101: --seeds: 40 models × 900 points") and "limit of 1.0 GB" in line
