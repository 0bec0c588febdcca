"""Bad architectures, hyperparameters and usage through `ml101 train --json`: exit 2 and one line that
starts with the flag, never a traceback and never a half-run."""

from __future__ import annotations

import pytest

CASES = [
    # architecture
    (["--layers", "0"], "--layers", "from 1 to 256"),
    (["--layers", "100000"], "--layers", "from 1 to 256"),
    (["--layers", "9" * 5000], "--layers", "whole numbers"),
    (["--layers", "-3"], "--layers", "from 1 to 256"),
    (["--layers", "2.5"], "--layers", "whole numbers"),
    (["--layers", "1,,2"], "--layers", "whole numbers"),
    (["--layers", ",".join(["4"] * 9)], "--layers", "at most 8 hidden layers"),
    (["--activation", "softmax"], "--activation", "relu, tanh, sigmoid, linear, leaky_relu"),
    (["--activation", "relu,tanh"], "--activation", "one per hidden layer"),
    # learning rate
    (["--lr", "-1"], "--lr", "greater than 0"),
    (["--lr", "0"], "--lr", "greater than 0"),
    (["--lr", "nan"], "--lr", "finite"),
    (["--lr", "inf"], "--lr", "finite"),
    (["--lr", "1e400"], "--lr", "finite"),
    (["--lr", "1e308"], "--lr", "at most 10"),
    (["--lr", "fast"], "--lr", "must be a number"),
    (["--lr="], "--lr", "must be a number"),
    # epochs, batch, split
    (["--epochs", "-1"], "--epochs", "at least 0"),
    (["--epochs", "1.5"], "--epochs", "whole number"),
    (["--epochs", "1e100"], "--epochs", "at most"),
    (["--batch-size", "901"], "--batch-size", "at most the 900 training points"),
    (["--batch-size", "-1"], "--batch-size", "at least 0"),
    (["--test-fraction", "0"], "--test-fraction", "greater than 0"),
    (["--test-fraction", "1"], "--test-fraction", "at most 0.9"),
    (["--samples", "5"], "--samples", "at least 10"),
    (["--noise", "-0.1"], "--noise", "at least 0"),
    (["--reg-rate", "nan"], "--reg-rate", "finite"),
    (["--seed", "1" + "0" * 400], "--seed", "0 to 2147483647"),
    (["--threads", "0"], "--threads", "at least 1"),
    # names
    (["--preset", "fastest"], "--preset", "quick, notebook-numpy"),
    (["--data", "mnist"], "--data", "moons, circles, xor, gauss, spiral"),
    (["--optimizer", "lbfgs"], "--optimizer", "sgd, momentum, rmsprop, adam"),
    (["--loss", "hinge"], "--loss", "bce, mse"),
    (["--backend", "jax"], "--backend", "numpy, torch"),
    (["--dtype", "float16"], "--dtype", "float32, float64"),
    # usage
    (["--bogus"], "--bogus", "not an option"),
    (["--lr=0.1", "--colour=red"], "--colour", "not an option"),
    (["--lr"], "--lr", "needs a value"),
    (["--preset"], "--preset", "needs a value"),
    (["--save", ""], "--save", "needs a file name"),
    (["--save", "no/such/folder/run.npz"], "--save", "does not exist"),
    (["--save", "."], "--save", "is a folder"),
    (["--load", ""], "--load", "needs a file name"),
    (["--load", "missing.npz"], "experiment missing.npz", "does not exist"),
]


@pytest.mark.parametrize("args,flag,allowed", CASES, ids=[" ".join(c[0])[:40] for c in CASES])
def test_bad_setting_exits_2_naming_the_flag(ml101, refused, args, flag, allowed):
    line = refused(ml101("train", *args, "--json"))
    assert line.startswith(f"ml101: {flag}: "), line
    assert allowed in line


def test_the_previous_file_survives_a_refused_run(ml101, refused, tmp_path):
    target = tmp_path / "run.npz"
    target.write_bytes(b"keep me")
    refused(ml101("train", "--lr", "-1", "--save", target, "--json"))
    assert target.read_bytes() == b"keep me"


def test_unknown_command_and_unknown_top_level_option(ml101, refused):
    assert "unknown command" in refused(ml101("trian"))
    assert refused(ml101("--lang", "fr")).startswith("ml101: --lang: ")
