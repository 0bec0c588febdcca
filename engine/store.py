"""Saving and loading experiments: one `.npz` file, written atomically, read without pickle.

An experiment file is a NumPy `.npz` archive (a zip of plain arrays) holding
    meta        the settings and progress as JSON text (format "ml101-experiment", version 1)
    W0, b0, …   the trained weights, layer by layer (W of shape (out, in), b of shape (out,))
    X, y        the exact data points, so edited or CSV data reopens as it was
    test_mask   only for points edited by hand: which of X are test points (else the split rule decides)
    history     the training curves (epoch, train_loss, test_loss, train_accuracy, test_accuracy)

Why not pickle: unpickling runs code chosen by whoever made the file. `np.load(allow_pickle=False)` only
ever builds plain arrays, and a file that needs more is refused.
"""

from __future__ import annotations

import io
import json
import math
import os
import pickletools
import re
import warnings
import zipfile

import numpy as np

from ml101.engine.data import Dataset, Split, window_around
from ml101.engine.errors import SpecError
from ml101.engine.history import COLUMNS, History
from ml101.engine.safe_text import printable
from ml101.engine.safe_write import atomic_write, expanded  # noqa: F401 — atomic_write: where callers look for it
from ml101.engine.spec import Experiment
from ml101.engine.user_files import read_user_file

FORMAT = "ml101-experiment"
VERSION = 1
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # 100 000 points and 8 layers of 256 need under 10 MiB
MAX_MEMBERS = 200
MAX_PICKLE_SNIFF = 1024 * 1024
MAX_WEIGHT = 1e12
MAX_COORDINATE = 1e6  # as for CSV files
# A name the app shows as a label: no control characters, no markup brackets, one short line.
LABEL = re.compile(r"[\w .+-]{1,40}")


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def read_npz(path: str | os.PathLike, field: str = "file") -> dict[str, np.ndarray]:
    """Every array in an .npz file, refusing pickles, non-archives and object arrays with a clear line."""
    path = expanded(path)
    where = f"{field} {printable(path.name, 80)}"
    raw = read_user_file(path, where, MAX_FILE_BYTES)
    if _is_pickle(raw):
        raise SpecError(where, "is a Python pickle; ml101 never loads pickles because they can run code")
    if not raw.startswith(b"PK"):
        raise SpecError(where, "is not an ml101 file (expected an .npz archive)")
    try:
        return _arrays(raw, where)
    except SpecError:
        raise
    except Exception as exc:  # zlib, zipfile, struct, EOF: every way a damaged archive fails
        why = printable(f"is damaged or not an .npz archive ({type(exc).__name__}: {exc})", 300)
        raise SpecError(where, why) from None


def _is_pickle(raw: bytes) -> bool:
    """Protocol 2+ pickles start with 0x80; older ones are text opcodes that end in STOP. pickletools only
    decodes opcodes, it never builds an object, so asking it is safe."""
    if raw[:1] == b"\x80":
        return True
    if raw.startswith(b"PK"):  # a zip archive
        return False
    try:
        with warnings.catch_warnings():  # it warns about odd escapes in text that only resembles opcodes
            warnings.simplefilter("ignore")
            ops = [op.name for op, _, _ in pickletools.genops(io.BytesIO(raw[:MAX_PICKLE_SNIFF]))]
    except Exception:  # anything undecodable is simply not a pickle
        return False
    return len(ops) > 1 and ops[-1] == "STOP"


def _arrays(raw: bytes, where: str) -> dict[str, np.ndarray]:
    """The arrays of an .npz archive, read member by member after checking every header: NumPy itself
    would allocate whatever shape a header claims (a 2 KB file can ask for 1 TB) and hands back non-.npy
    members, such as a PyTorch file's data.pkl, as raw bytes."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise SpecError(where, f"holds {len(members)} entries; an ml101 file has at most {MAX_MEMBERS}")
        pickles = [info.filename for info in members if "pkl" in info.filename or "pickle" in info.filename]
        if pickles:
            raise SpecError(where, f"contains a pickle ({printable(pickles[0], 40)}; a PyTorch .pt file?); ml101 never "
                            "loads pickles")
        total = 0
        for info in members:
            name = info.filename
            if not name.endswith(".npy"):
                raise SpecError(where, f"contains {name[:40]!r}, which is not a NumPy array")
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                if version not in ((1, 0), (2, 0)):
                    raise SpecError(where, f"entry {printable(name, 60)} uses .npy format {version}; ml101 reads 1.0 "
                                    "and 2.0")
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                    np.lib.format.read_array_header_2_0
                shape, _, dtype = read_header(member)
            if dtype.hasobject:
                raise SpecError(where, f"contains pickled objects ({printable(name, 60)}); ml101 never loads pickles")
            total += math.prod(shape) * dtype.itemsize
            if total > MAX_UNPACKED_BYTES:
                raise SpecError(where, f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB; no ml101 file "
                                "is that big")
        arrays = {}
        for info in members:
            with archive.open(info) as member:
                arrays[info.filename[: -len(".npy")]] = np.lib.format.read_array(member, allow_pickle=False)
        return arrays


def check_saveable(trainer, field: str = "experiment") -> None:
    """What a save writes, a load reads back: a diverged run (NaN, infinite or absurd weights) is refused
    with the reason, never written as a file that can never be opened again."""
    if trainer.diverged:
        raise SpecError(field, f"not saved: {trainer.diverged}")
    for i, (W, b) in enumerate(trainer.params()):
        W, b = np.asarray(W), np.asarray(b)
        if not (np.isfinite(W).all() and np.isfinite(b).all()) or max(np.abs(W).max(initial=0),
                                                                        np.abs(b).max(initial=0)) > MAX_WEIGHT:
            raise SpecError(field, f"not saved: layer {i + 1}'s weights are NaN, infinite or beyond "
                            f"±{MAX_WEIGHT:g} (training diverged); a smaller learning rate and a fresh start help")


def save_experiment(path, trainer) -> None:
    check_saveable(trainer)
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
    if getattr(trainer, "custom_split", False):  # edited points: the split rule would not give them back
        s = trainer.split
        arrays["X"], arrays["y"] = np.concatenate([s.X_train, s.X_test]), np.concatenate([s.y_train, s.y_test])
        arrays["test_mask"] = np.arange(len(arrays["y"])) >= len(s.y_train)
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
    except (ValueError, RecursionError):  # bad JSON, ints too long to read, lists nested 10 000 deep
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
        if W.dtype.kind != "f" or b.dtype.kind != "f":
            raise SpecError(where, f"layer {i + 1} weights are {W.dtype}/{b.dtype}, not floating-point numbers")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise SpecError(where, f"layer {i + 1} weights are NaN or infinite (saved after training diverged?)")
        W, b = W.astype(np.float64), b.astype(np.float64)
        if max(np.abs(W).max(), np.abs(b).max()) > MAX_WEIGHT:
            raise SpecError(where, f"layer {i + 1} weights exceed ±{MAX_WEIGHT:g}; no trained net has such weights")
        params.append((W, b))
    return params


def _dataset(arrays: dict, meta: dict, where: str) -> Dataset:
    X, y = arrays.get("X"), arrays.get("y")
    if X is None or y is None or X.ndim != 2 or X.shape[1:] != (2,) or y.shape != (len(X),):
        raise SpecError(where, "has no usable data points (X must be n×2, y of length n)")
    if X.dtype.kind not in "fiu" or y.dtype.kind not in "fiub":
        raise SpecError(where, f"data points are {X.dtype}/{y.dtype}, not numbers")
    if len(X) < 2:
        raise SpecError(where, f"has only {len(X)} data point{'s' * (len(X) != 1)}; at least 2 are needed")
    X, y = X.astype(np.float64), y.astype(np.float64)
    if not np.isfinite(X).all() or np.abs(X).max() > MAX_COORDINATE or not np.isin(y, (0.0, 1.0)).all():
        raise SpecError(where, f"data points must be finite, within ±{MAX_COORDINATE:g}, with labels 0 or 1")
    info = meta.get("dataset")
    info = info if isinstance(info, dict) else {}
    window = info.get("window")
    # The plot window is only a view: an odd one is replaced by one that shows every point.
    if not (isinstance(window, list) and len(window) == 4 and all(_is_number(v) for v in window)
            and window[0] < window[1] and window[2] < window[3]):
        window = window_around(X)
    name = info.get("name", "saved")
    name = name if isinstance(name, str) and LABEL.fullmatch(name) else "saved"  # only a label
    return Dataset(X, y, name, tuple(float(v) for v in window))


def _is_number(v, lo: float = -MAX_COORDINATE * 10, hi: float = MAX_COORDINATE * 10) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and lo <= v <= hi


def _history(arrays: dict, meta: dict, where: str) -> History | None:
    rows, stride = arrays.get("history"), meta.get("history_stride", 1)
    if rows is None:
        return None
    bad = SpecError(where, "has unreadable training curves (history)")
    if rows.ndim != 2 or rows.shape[1] != len(COLUMNS) or len(rows) > History().capacity or rows.dtype.kind != "f":
        raise bad
    if not (isinstance(stride, int) and not isinstance(stride, bool) and 1 <= stride <= 2**40):
        raise bad
    epochs = rows[:, 0]
    # History keeps epochs that are multiples of its stride, in order; anything else would break its thinning.
    if not np.isfinite(epochs).all() or (epochs < 0).any() or (np.diff(epochs) <= 0).any() or (epochs % stride).any():
        raise bad
    return History.from_array(rows, stride)


def _test_mask(arrays: dict, n: int, where: str) -> np.ndarray | None:
    mask = arrays.get("test_mask")
    if mask is None:
        return None
    if mask.dtype.kind != "b" or mask.shape != (n,) or mask.all() or not mask.any():
        raise SpecError(where, "has an unreadable test_mask (one true/false per point, both kinds needed)")
    return mask


def _check_names(exp: Experiment, where: str) -> None:
    """The free-text settings, held to what a person could have typed: a short printable preset name and a
    CSV path without control characters (a file could carry escape sequences that the app would show)."""
    from ml101.engine.spec import PRESETS

    name = exp.preset
    if name not in PRESETS and name != "custom" and not LABEL.fullmatch(name):
        raise SpecError(where, f"has a bad setting: preset must be one of {', '.join(PRESETS)} or a short name "
                        f"of letters, digits, spaces and .+-_ (at most 40); got '{printable(name, 40)}'")
    if exp.is_csv and printable(exp.data, 4096) != exp.data:
        raise SpecError(where, f"has a bad setting: data must be a CSV file name without control characters; "
                        f"got '{printable(exp.data, 60)}'")


def load_experiment(path):
    """A Trainer exactly as saved: settings, data, weights, epoch and curves."""
    from ml101.engine.trainer import Trainer

    where = f"experiment {printable(expanded(path).name, 80)}"
    arrays = read_npz(path, "experiment")
    meta = _meta(arrays, where)
    settings = meta.get("experiment")
    if not isinstance(settings, dict):
        raise SpecError(where, "has unreadable settings")
    try:
        exp = Experiment.from_dict(settings)
    except SpecError as exc:
        raise SpecError(where, f"has a bad setting: {exc}") from None
    _check_names(exp, where)
    epoch, seconds = meta.get("epoch", 0), meta.get("seconds", 0.0)
    if not (_is_number(epoch, 0, 10**12) and epoch == int(epoch)):
        raise SpecError(where, f"has a bad epoch count {str(epoch)[:20]!r}")
    if not _is_number(seconds, 0, 10**9):
        raise SpecError(where, f"has a bad training time {str(seconds)[:20]!r}")
    dataset = _dataset(arrays, meta, where)
    params = _layer_arrays(arrays, exp, "", where)
    initial = _layer_arrays(arrays, exp, "init_", where) if "init_W0" in arrays else None
    history = _history(arrays, meta, where)
    mask = _test_mask(arrays, len(dataset), where)
    try:
        trainer = Trainer(exp, dataset=dataset, params=params)
    except SpecError as exc:  # e.g. device = cuda on a machine without a GPU: still the file's setting
        raise SpecError(where, f"has a bad setting: {exc}") from None
    if mask is not None:
        X, y = dataset.X, dataset.y
        trainer.use_split(Split(X[~mask], y[~mask], X[mask], y[mask]))
    if initial is not None:
        trainer.initial_params = initial
    trainer.epoch = int(epoch)
    trainer.seconds = float(seconds)
    if history is not None:
        trainer.history = history
    return trainer
