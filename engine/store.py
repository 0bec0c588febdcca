"""Saving and loading experiments: one `.npz` file, written atomically, read without pickle.

An experiment file is a NumPy `.npz` archive (a zip of plain arrays) holding
    meta        the settings and progress as JSON text (format "ml101-experiment", version 1)
    W0, b0, …   the trained weights, layer by layer (W of shape (out, in), b of shape (out,))
    X, y        the exact data points, so edited or CSV data reopens as it was
    history     the training curves (epoch, train_loss, test_loss, train_accuracy, test_accuracy)

Why not pickle: unpickling runs code chosen by whoever made the file. `np.load(allow_pickle=False)` only
ever builds plain arrays, and a file that needs more is refused.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from engine.data import Dataset
from engine.errors import SpecError
from engine.history import History
from engine.spec import Experiment

FORMAT = "ml101-experiment"
VERSION = 1
MAX_FILE_BYTES = 200 * 1024 * 1024
PICKLE_MAGIC = (b"\x80", b"(dp", b"(lp", b"ccopy_reg", b"c__builtin__")


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write all of `data` or nothing: a crash mid-write leaves the old file as it was."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def read_npz(path: str | os.PathLike, field: str = "file") -> dict[str, np.ndarray]:
    """Every array in an .npz file, refusing pickles, non-archives and object arrays with a clear line."""
    path = Path(path)
    where = f"{field} {path.name}"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SpecError(where, f"is {size / 1e6:.0f} MB; at most {MAX_FILE_BYTES // 2**20} MiB are allowed")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(where, "does not exist") from None
    except IsADirectoryError:
        raise SpecError(where, "is a folder, not a file") from None
    except OSError as exc:
        raise SpecError(where, f"cannot be read ({exc.strerror or exc})") from None
    if raw.startswith(PICKLE_MAGIC):
        raise SpecError(where, "is a Python pickle; ml101 never loads pickles because they can run code")
    if not raw.startswith(b"PK"):
        raise SpecError(where, "is not an ml101 file (expected an .npz archive)")
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise SpecError(where, "contains pickled objects; ml101 never loads pickles") from None
        raise SpecError(where, f"is damaged ({exc})") from None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise SpecError(where, f"is damaged or not an .npz archive ({exc})") from None


def save_experiment(path, trainer) -> None:
    exp: Experiment = trainer.exp
    history: History = trainer.history
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "experiment": exp.to_dict(),
        "epoch": trainer.epoch,
        "seconds": trainer.seconds,
        "history_stride": history.stride,
        "dataset": {"name": trainer.dataset.name, "window": list(trainer.dataset.window)},
    }
    arrays = {"meta": np.array(json.dumps(meta)), "X": trainer.dataset.X, "y": trainer.dataset.y,
              "history": history.as_array()}
    for i, (W, b) in enumerate(trainer.params()):
        arrays[f"W{i}"], arrays[f"b{i}"] = W, b
    for i, (W, b) in enumerate(trainer.initial_params):
        arrays[f"init_W{i}"], arrays[f"init_b{i}"] = W, b
    atomic_write(path, npz_bytes(arrays))


def _meta(arrays: dict, where: str) -> dict:
    if "meta" not in arrays or arrays["meta"].dtype.kind != "U" or arrays["meta"].ndim != 0:
        raise SpecError(where, "is an .npz file but not an ml101 experiment (no meta entry)")
    try:
        meta = json.loads(str(arrays["meta"]))
    except json.JSONDecodeError:
        raise SpecError(where, "has an unreadable meta entry") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SpecError(where, f"is not an ml101 experiment (format should be {FORMAT!r})")
    if meta.get("version") != VERSION:
        raise SpecError(where, f"has format version {meta.get('version')!r}; this ml101 reads version {VERSION}")
    return meta


def _layer_arrays(arrays: dict, exp: Experiment, prefix: str, where: str):
    sizes = (2, *exp.layers, 1)
    params = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        W, b = arrays.get(f"{prefix}W{i}"), arrays.get(f"{prefix}b{i}")
        if W is None or b is None or W.shape != (n_out, n_in) or b.shape != (n_out,):
            raise SpecError(where, f"layer {i + 1} weights do not match the saved architecture {exp.layers}")
        if W.dtype.kind != "f" or not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise SpecError(where, f"layer {i + 1} weights are not finite numbers")
        params.append((W.astype(np.float64), b.astype(np.float64)))
    return params


def load_experiment(path):
    """A Trainer exactly as saved: settings, data, weights, epoch and curves."""
    from engine.trainer import Trainer

    where = f"experiment {Path(path).name}"
    arrays = read_npz(path, "experiment")
    meta = _meta(arrays, where)
    try:
        exp = Experiment.from_dict(meta["experiment"])
    except SpecError as exc:
        raise SpecError(where, f"has a bad setting: {exc}") from None
    except (TypeError, AttributeError):
        raise SpecError(where, "has unreadable settings") from None
    X, y = arrays.get("X"), arrays.get("y")
    if X is None or y is None or X.ndim != 2 or X.shape[1:] != (2,) or y.shape != (len(X),):
        raise SpecError(where, "has no usable data points")
    if not np.isfinite(X).all() or not np.isin(y, (0.0, 1.0)).all():
        raise SpecError(where, "data points must be finite with labels 0 or 1")
    info = meta.get("dataset", {})
    window = tuple(float(v) for v in info.get("window", (X[:, 0].min(), X[:, 0].max(), X[:, 1].min(), X[:, 1].max())))
    dataset = Dataset(X.astype(np.float64), y.astype(np.float64), str(info.get("name", "saved")), window)
    params = _layer_arrays(arrays, exp, "", where)
    trainer = Trainer(exp, dataset=dataset, params=params)
    if "init_W0" in arrays:
        trainer.initial_params = _layer_arrays(arrays, exp, "init_", where)
    trainer.epoch = int(meta.get("epoch", 0))
    trainer.seconds = float(meta.get("seconds", 0.0))
    history = arrays.get("history")
    if history is not None and history.ndim == 2 and history.shape[1] == 5:
        trainer.history = History.from_array(history, meta.get("history_stride", 1))
    return trainer
