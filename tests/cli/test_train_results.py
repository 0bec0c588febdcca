"""`ml101 train` results people rely on: divergence is reported, not crashed on; saved runs reopen exactly;
hostile files are refused without running."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "models"
README = Path(__file__).parents[2] / "README.md"


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_divergence_exits_0_with_strict_json_and_advice(ml101, parse_json, backend):
    result = ml101("train", "--optimizer", "sgd", "--lr", "10", "--backend", backend, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = parse_json(result)  # refuses NaN / Infinity tokens
    assert out["diverged"] is True and out["interrupted"] is False
    assert out["train_loss"] is None and out["test_loss"] is None
    assert out["epochs"] < 300  # stopped early, not trained on garbage
    assert "learning rate" in out["message"] and "smaller" in out["message"]
    assert result.stderr.strip() == f"ml101: {out['message']}"


def test_readme_documents_the_divergence_choice():
    text = " ".join(README.read_text().split())
    assert "--optimizer sgd --lr 10" in text
    assert "stops training and still exits 0" in text and '"diverged": true' in text


def test_divergence_without_json_prints_a_readable_summary(ml101):
    result = ml101("train", "--optimizer", "sgd", "--lr", "10")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "train loss nan" in result.stdout
    assert "Training diverged" in result.stderr


def test_save_then_load_reproduces_the_test_accuracy(ml101, parse_json, tmp_path):
    first = ml101("train", "--preset", "quick", "--save", "run.npz", "--json")
    assert first.returncode == 0, first.stderr
    trained = parse_json(first)
    assert trained["saved"] == "run.npz" and (tmp_path / "run.npz").is_file()
    second = ml101("train", "--load", "run.npz", "--epochs", "0", "--json")
    assert second.returncode == 0, second.stderr
    reopened = parse_json(second)
    for key in ("test_accuracy", "train_accuracy", "test_loss", "train_loss", "epochs", "layers", "preset"):
        assert reopened[key] == trained[key], key


def test_load_continues_training_for_the_extra_epochs(ml101, parse_json):
    assert ml101("train", "--epochs", "20", "--save", "run.npz", "--json").returncode == 0
    result = ml101("train", "--load", "run.npz", "--epochs", "30", "--json")
    assert result.returncode == 0, result.stderr
    assert parse_json(result)["epochs"] == 50


class Marker:
    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_load_refuses_a_pickle_and_its_code_never_runs(ml101, refused, tmp_path, protocol):
    marker = tmp_path / "code-ran"
    (tmp_path / "model.npz").write_bytes(pickle.dumps(Marker(marker), protocol=protocol))
    line = refused(ml101("train", "--load", "model.npz", "--json"))
    assert line == (
        "ml101: experiment model.npz: is a Python pickle; ml101 never loads pickles because they can run code"
    )
    assert not marker.exists()


@pytest.mark.parametrize("name", ["pickle_protocol0.npz", "pickle_protocol4.npz", "torch_pickle.pt"])
def test_load_refuses_the_shipped_hostile_files(ml101, refused, tmp_path, name):
    line = refused(ml101("train", "--load", FIXTURES / name, "--json"))
    assert "pickle" in line
    assert not (tmp_path / "ml101-pwned-marker").exists()  # where their code would have written


@pytest.mark.parametrize("name,words", [("garbage.npz", "is not an ml101 file"), ("empty.npz", "is not an ml101 file")])
def test_load_refuses_garbage(ml101, refused, name, words):
    assert words in refused(ml101("train", "--load", FIXTURES / name, "--json"))


def test_load_refuses_a_truncated_file(ml101, refused, tmp_path):
    assert ml101("train", "--epochs", "5", "--save", "run.npz", "--json").returncode == 0
    raw = (tmp_path / "run.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(raw[: len(raw) // 2])
    assert "cut.npz: is damaged" in refused(ml101("train", "--load", "cut.npz", "--json"))


@pytest.mark.parametrize(
    "change,words",
    [
        (lambda a: a.update(meta=_meta(a, version=2)), "has format version 2; this ml101 reads version 1"),
        (lambda a: a.update(meta=_meta(a, format="other")), "is not an ml101 experiment"),
        (lambda a: a.update(W0=a["W0"] * np.nan), "layer 1 weights are NaN or infinite"),
        (lambda a: a.update(W1=a["W1"][:, :3]), "layer 2 weights do not match the saved architecture"),
    ],
)
def test_load_refuses_wrong_versions_and_broken_weights(ml101, refused, tmp_path, change, words):
    assert ml101("train", "--epochs", "2", "--save", "run.npz", "--json").returncode == 0
    with np.load(tmp_path / "run.npz") as archive:
        arrays = {name: archive[name] for name in archive.files}
    change(arrays)
    np.savez(tmp_path / "bad.npz", **arrays)
    assert refused(ml101("train", "--load", "bad.npz", "--json")).startswith(f"ml101: experiment bad.npz: {words}")


def _meta(arrays, **changes):
    meta = json.loads(str(arrays["meta"]))
    meta.update(changes)
    return np.array(json.dumps(meta))
