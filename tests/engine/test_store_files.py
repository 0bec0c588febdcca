"""Experiment files from strangers: refused with one clear line, and nothing inside them ever runs."""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ml101.engine.errors import SpecError
from ml101.engine.spec import preset
from ml101.engine.store import atomic_write, load_experiment, npz_bytes, read_npz, save_experiment
from ml101.engine.trainer import Trainer

FIXTURES = Path(__file__).parents[1] / "fixtures" / "models"
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A small trained experiment's file and its arrays, to break in different ways."""
    trainer = Trainer(preset("quick").with_changes(samples=100, epochs=5))
    trainer.run(5)
    path = tmp_path_factory.mktemp("saved") / "good.npz"
    save_experiment(path, trainer)
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return path, arrays


def write_npz(path: Path, arrays: dict, **meta_changes) -> Path:
    arrays = dict(arrays)
    if meta_changes:
        meta = json.loads(str(arrays["meta"]))
        meta.update(meta_changes)
        arrays["meta"] = np.array(json.dumps(meta))
    path.write_bytes(npz_bytes(arrays))
    return path


class Marker:
    """Unpickling this creates a file: if it exists afterwards, the file's code ran."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch '{self.path}'",))


# pickles ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["pickle_protocol0.npz", "pickle_protocol4.npz", "torch_pickle.pt"])
def test_shipped_hostile_files_are_refused_as_pickles_without_running(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)  # the fixtures would create their marker here
    with pytest.raises(SpecError, match="pickle") as err:
        load_experiment(FIXTURES / name)
    assert str(err.value).startswith(f"experiment {name}: ")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_pickle_of_any_protocol_is_named_a_pickle_and_never_runs(tmp_path, protocol):
    marker = tmp_path / "code-ran"
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps(Marker(marker), protocol=protocol))
    with pytest.raises(SpecError, match="is a Python pickle; ml101 never loads pickles"):
        load_experiment(path)
    with pytest.raises(SpecError, match="pickle"):
        read_npz(path)
    assert not marker.exists()


def test_an_object_array_inside_an_npz_is_refused_without_running(tmp_path, saved):
    marker = tmp_path / "code-ran"
    buffer = io.BytesIO()
    np.save(buffer, np.array([Marker(marker)], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(tmp_path / "evil.npz", "w") as archive:
        archive.writestr("meta.npy", _npy(saved[1]["meta"]))
        archive.writestr("W0.npy", buffer.getvalue())
    with pytest.raises(SpecError, match=r"contains pickled objects \(W0.npy\)"):
        load_experiment(tmp_path / "evil.npz")
    assert not marker.exists()


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


# damaged and foreign files ---------------------------------------------------------------------------
def test_garbage_empty_and_truncated_files(tmp_path, saved):
    raw = saved[0].read_bytes()
    corrupt = bytearray(raw)
    corrupt[len(raw) // 3 : len(raw) // 3 + 50] = bytes(50)
    cases = {
        FIXTURES / "garbage.npz": "is not an ml101 file",
        FIXTURES / "empty.npz": "is not an ml101 file",
        _write(tmp_path / "cut.npz", raw[: len(raw) // 2]): "is damaged",
        _write(tmp_path / "cut-early.npz", raw[:100]): "is damaged",
        _write(tmp_path / "corrupt.npz", bytes(corrupt)): "is damaged",
        _write(tmp_path / "notes.npz", b"PK but really a note\n"): "is damaged",
    }
    for path, words in cases.items():
        with pytest.raises(SpecError, match=words) as err:
            load_experiment(path)
        assert "\n" not in str(err.value)


def _write(path: Path, raw: bytes) -> Path:
    path.write_bytes(raw)
    return path


def test_a_folder_a_missing_file_and_an_endless_device(tmp_path):
    with pytest.raises(SpecError, match="does not exist"):
        load_experiment(tmp_path / "missing.npz")
    with pytest.raises(SpecError, match="is a folder"):
        load_experiment(tmp_path)
    if os.path.exists("/dev/zero"):
        (tmp_path / "zero.npz").symlink_to("/dev/zero")
        with pytest.raises(SpecError, match="not a regular file"):
            load_experiment(tmp_path / "zero.npz")


def test_an_entry_claiming_a_huge_array_is_refused_before_memory_is_taken(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**11,)})
    with zipfile.ZipFile(tmp_path / "bomb.npz", "w") as archive:
        archive.writestr("X.npy", header.getvalue() + bytes(64))
    with pytest.raises(SpecError, match="unpacks to more than"):
        load_experiment(tmp_path / "bomb.npz")


def test_a_plain_npz_that_is_not_an_experiment(tmp_path):
    np.savez(tmp_path / "weights.npz", W0=np.zeros((2, 2)))
    with pytest.raises(SpecError, match="not an ml101 experiment"):
        load_experiment(tmp_path / "weights.npz")


@pytest.mark.parametrize(
    "meta,words",
    [
        ({"format": "keras"}, "format should be 'ml101-experiment'"),
        ({"version": 99}, "has format version 99; this ml101 reads version 1"),
        ({"epoch": "many"}, "bad epoch count"),
        ({"epoch": -3}, "bad epoch count"),
        ({"seconds": float("nan")}, "bad training time"),
        ({"history_stride": None}, "training curves"),
        ({"experiment": {"lr": "fast"}}, "has a bad setting: lr: must be a number"),
        ({"experiment": {"layers\nrm -rf": 1}}, "is not a setting"),
        ({"experiment": [1, 2]}, "unreadable settings"),
    ],
)
def test_wrong_format_version_and_meta(tmp_path, saved, meta, words):
    path = write_npz(tmp_path / "bad.npz", saved[1], **meta)
    with pytest.raises(SpecError, match=words.replace("(", r"\(")) as err:
        load_experiment(path)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "change,words",
    [
        (lambda a: a.update(W1=np.zeros((3, 3))), "layer 2 weights do not match the saved architecture"),
        (lambda a: a.pop("b2"), "layer 3 weights do not match"),
        (lambda a: a.update(W0=np.full_like(a["W0"], np.nan)), "layer 1 weights are NaN or infinite"),
        (lambda a: a.update(b3=np.full_like(a["b3"], np.inf)), "layer 4 weights are NaN or infinite"),
        (lambda a: a.update(W0=a["W0"].astype(np.int64)), "not floating-point numbers"),
        (lambda a: a.update(W0=np.full_like(a["W0"], 1e300)), "exceed"),
        (lambda a: a.update(X=a["X"].astype(str)), "not numbers"),
        (lambda a: a.update(X=a["X"][:, :1]), "no usable data points"),
        (lambda a: a.update(y=a["y"] * 2), "labels 0 or 1"),
        (lambda a: a.update(X=a["X"][:1], y=a["y"][:1]), "at least 2"),
        (lambda a: a.update(history=np.zeros((5000, 5))), "training curves"),
    ],
)
def test_weights_and_data_that_do_not_fit(tmp_path, saved, change, words):
    arrays = dict(saved[1])
    change(arrays)
    with pytest.raises(SpecError, match=words):
        load_experiment(write_npz(tmp_path / "bad.npz", arrays))


# saving -----------------------------------------------------------------------------------------------
def test_save_then_load_gives_the_same_model_and_numbers(tmp_path):
    trainer = Trainer(preset("quick").with_changes(samples=200, epochs=40))
    trainer.run(40)
    save_experiment(tmp_path / "run.npz", trainer)
    again = load_experiment(tmp_path / "run.npz")
    assert again.exp == trainer.exp and again.epoch == 40
    assert again.metrics() == trainer.metrics()
    np.testing.assert_array_equal(again.history.as_array(), trainer.history.as_array())
    for (W, b), (W2, b2) in zip(trainer.params(), again.params(), strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "run.npz"
    target.write_bytes(b"old")

    def disk_full(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["run.npz"]


SAVER = """
import sys
from pathlib import Path
from ml101.engine.spec import preset
from ml101.engine.store import atomic_write, save_experiment
from ml101.engine.trainer import Trainer

# Two complete experiment files (epochs 1 and 2), written over each other as fast as the disk allows, so that
# most of the time is spent inside the write and a kill lands mid-write.
target = Path(sys.argv[1])
trainer = Trainer(preset("quick").with_changes(samples=20000, epochs=1))
payloads = []
for epoch in (1, 2):
    trainer.epoch = epoch
    save_experiment(target.with_suffix(f".{epoch}"), trainer)
    payloads.append(target.with_suffix(f".{epoch}").read_bytes())
for i in range(10**6):
    atomic_write(target, payloads[i % 2])
    if i == 0:
        print("saving", flush=True)
"""


def test_killing_a_save_at_random_moments_always_leaves_a_loadable_file(tmp_path):
    # Writing in place instead (open(target, "wb").write(...)) breaks the file in 8 kills out of 8.
    target = tmp_path / "run.npz"
    rng = random.Random(1)
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(target)], stdout=subprocess.PIPE, text=True,
                                 cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert child.stdout.readline() == "saving\n"
        time.sleep(rng.uniform(0, 0.1))
        child.send_signal(signal.SIGKILL)
        child.communicate()
        assert load_experiment(target).epoch in (1, 2)  # the old or the new content, never a broken file
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".ml101-tmp-")]
    assert len(leftovers) <= 6  # at most one per kill, and loading never looks at them


def test_temp_files_left_by_killed_saves_are_swept_up_by_the_next_save(tmp_path):
    """Only ml101's own temp files (its prefix and a pid) of a process that is gone; nobody else's file."""
    target = tmp_path / "run.npz"
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # its pid now names no process
    dead, alive = child.pid, os.getppid()
    old = tmp_path / f".ml101-tmp-{dead}-0123abcd-run.npz"
    running = tmp_path / f".ml101-tmp-{alive}-0123abcd-run.npz"  # a save still going on in another process
    fresh = tmp_path / f".ml101-tmp-{dead}-4567cdef-run.npz"  # a pid reused in another container, maybe
    theirs = [tmp_path / ".run.npz.abc123.tmp", tmp_path / ".ml101-tmp-notes.txt", tmp_path / "ml101-tmp-1-x"]
    hour_ago = time.time() - 3600
    for leftover in (old, running, fresh, *theirs):
        leftover.write_bytes(b"half a file")
        if leftover != fresh:
            os.utime(leftover, (hour_ago, hour_ago))
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert not old.exists()
    assert running.exists() and fresh.exists() and all(p.exists() for p in theirs)
