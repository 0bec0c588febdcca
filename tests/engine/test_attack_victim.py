"""The shipped victim: loads without pickle, refuses pickles unexecuted, answers within its query budget."""

import hashlib
import importlib.util
import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

from ml101.engine.attacks.lab import workshop_split
from ml101.engine.data import MOONS_WINDOW
from ml101.engine.errors import SpecError
from ml101.engine.nets.frozen import grid_points
from ml101.engine.victim import QueryAPI, QueryLimitExceeded, asset_path, load_victim

ROOT = Path(__file__).resolve().parents[2]


class Booby:
    """Unpickling this would create the marker file: proof that a loader ran the file's code."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_shipped_victim_is_a_good_model_of_the_workshop_moons():
    victim = load_victim()
    data = workshop_split()
    assert victim.net.layers == (25, 50, 25)
    assert victim.accuracy(data.X_test, data.y_test) >= 0.97
    assert victim.meta["trained_by"] == "scripts/train_victim.py"


def test_shipped_victim_files_are_plain_arrays_and_json_in_the_package():
    npz = asset_path("victim.npz")
    assert npz.is_file() and npz.with_suffix(".json").is_file()
    with np.load(npz, allow_pickle=False) as archive:  # would raise if any entry needed pickle
        assert sorted(archive.files) == ["W0", "W1", "W2", "W3", "b0", "b1", "b2", "b3"]
        assert all(archive[name].dtype == np.float64 for name in archive.files)
    meta = json.loads(npz.with_suffix(".json").read_text())
    assert meta["sha256"] == hashlib.sha256(npz.read_bytes()).hexdigest()


def _victim_pair(tmp_path, npz_bytes: bytes) -> Path:
    """A victim.npz with these bytes and a victim.json that vouches for them (right sha256)."""
    meta = json.loads(asset_path("victim.json").read_text())
    meta["sha256"] = hashlib.sha256(npz_bytes).hexdigest()
    (tmp_path / "victim.npz").write_bytes(npz_bytes)
    (tmp_path / "victim.json").write_text(json.dumps(meta))
    return tmp_path / "victim.npz"


def test_a_pickle_posing_as_the_victim_is_refused_without_running(tmp_path):
    marker = tmp_path / "pwned"
    path = _victim_pair(tmp_path, pickle.dumps(Booby(marker)))
    with pytest.raises(SpecError, match="pickle"):
        load_victim(path)
    assert not marker.exists()


def test_an_npz_with_a_pickled_object_inside_is_refused_without_running(tmp_path):
    marker = tmp_path / "pwned"
    with np.load(asset_path("victim.npz")) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["W0"] = np.array([Booby(marker)], dtype=object)
    np.savez(tmp_path / "evil.npz", **arrays)  # object arrays are stored pickled
    path = _victim_pair(tmp_path, (tmp_path / "evil.npz").read_bytes())
    with pytest.raises(SpecError, match="pickle"):
        load_victim(path)
    assert not marker.exists()


def test_a_changed_weights_file_does_not_match_its_json(tmp_path):
    shutil.copy(asset_path("victim.json"), tmp_path / "victim.json")
    with np.load(asset_path("victim.npz")) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["W3"] = -arrays["W3"]  # the victim answered backwards
    np.savez(tmp_path / "victim.npz", **arrays)
    with pytest.raises(SpecError, match="does not match"):
        load_victim(tmp_path / "victim.npz")


def test_the_query_cap_holds_and_a_refused_batch_costs_nothing():
    api = QueryAPI(load_victim(), "label", budget=10)
    points = np.zeros((6, 2))
    assert api.query(points).shape == (6,)
    with pytest.raises(QueryLimitExceeded, match="at most 10") as error:
        api.query(np.zeros((5, 2)))
    assert error.value.field == "budget"
    assert api.queries == 6 and api.remaining == 4
    api.query(np.zeros((4, 2)))
    with pytest.raises(QueryLimitExceeded):
        api.query(np.zeros((1, 2)))
    assert api.queries == 10


def test_output_modes_say_more_or_less_about_the_victim():
    victim = load_victim()
    points = grid_points(MOONS_WINDOW, 30, 20)
    answer = {mode: QueryAPI(victim, mode, seed=1).query(points) for mode in ("label", "probability", "rounded",
                                                                                "noisy")}
    p = answer["probability"]
    assert set(np.unique(answer["label"])) == {0.0, 1.0}
    np.testing.assert_array_equal(answer["label"], (p > 0.5).astype(float))
    assert np.all((p >= 0) & (p <= 1)) and len(np.unique(p)) > 100
    np.testing.assert_allclose(answer["rounded"] * 10, np.round(answer["rounded"] * 10))
    assert np.abs(answer["rounded"] - p).max() <= 0.05 + 1e-12
    noise = answer["noisy"] - p
    assert 0.05 < noise.std() < 0.15 and np.all((answer["noisy"] >= 0) & (answer["noisy"] <= 1))


def test_bad_query_settings_name_the_flag():
    victim = load_victim()
    with pytest.raises(SpecError, match="output"):
        QueryAPI(victim, "logits")
    with pytest.raises(SpecError, match="budget"):
        QueryAPI(victim, "label", budget=-1)
    with pytest.raises(SpecError, match="noise"):
        QueryAPI(victim, "noisy", noise=float("nan"))


@pytest.mark.slow
def test_the_script_trains_the_shipped_victim_again():
    spec = importlib.util.spec_from_file_location("train_victim", ROOT / "scripts" / "train_victim.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    trainer, _ = script.train()
    shipped = load_victim()
    points = grid_points(MOONS_WINDOW, 80, 60)
    # bit-equal on this machine; other BLAS builds may differ in the last bits, never in the answers
    np.testing.assert_allclose(trainer.predict(points), shipped.net.predict(points), atol=1e-4)
