"""Train the stealing lab's victim and write assets/victim.npz + assets/victim.json.

    .venv/bin/python scripts/train_victim.py [--out-dir assets] [--check]

The victim is the workshop's PyTorch notebook model (2-25-50-25-1, ReLU, RMSprop lr 1e-4, 10 000 full-batch
epochs on the workshop moons), trained with ml101's NumPy engine in float64 from a fixed seed, so the same
weights come back on any machine (up to the last bits of floating-point summation). The .npz is written
byte for byte the same every time (fixed zip timestamps) and its sha256 goes into the JSON, which
engine/victim.py checks before it trusts the weights. --check trains again and compares with the shipped
files instead of writing.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml101.engine.spec import preset  # noqa: E402
from ml101.engine.store import atomic_write  # noqa: E402
from ml101.engine.trainer import Trainer  # noqa: E402
from ml101.engine.victim import FORMAT, VERSION  # noqa: E402

VICTIM_SEED = 101


def train():
    exp = preset("notebook-torch").with_changes(backend="numpy", dtype="float64", seed=VICTIM_SEED, preset="victim")
    trainer = Trainer(exp)
    start = time.perf_counter()
    trainer.run(exp.epochs)
    trainer.check()
    return trainer, time.perf_counter() - start


def npz_bytes_reproducible(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz archive whose bytes depend only on the arrays (np.savez stamps the current time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as f:
                np.lib.format.write_array(f, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def victim_files(trainer) -> tuple[bytes, bytes]:
    exp = trainer.exp
    arrays = {}
    for i, (W, b) in enumerate(trainer.params()):
        arrays[f"W{i}"], arrays[f"b{i}"] = W, b
    npz = npz_bytes_reproducible(arrays)
    m = trainer.metrics()
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "layers": list(exp.layers),
        "activations": list(exp.activations),
        "output": "sigmoid",
        "trained_by": "scripts/train_victim.py",
        "training": {k: getattr(exp, k) for k in ("optimizer", "lr", "epochs", "init", "seed", "loss", "dtype")},
        "data": {k: getattr(exp, k) for k in ("data", "samples", "noise", "data_seed", "test_fraction", "split_seed")},
        "train_accuracy": round(m.train_accuracy, 4),
        "test_accuracy": round(m.test_accuracy, 4),
        "sha256": hashlib.sha256(npz).hexdigest(),
    }
    return npz, (json.dumps(meta, indent=2) + "\n").encode()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=str(ROOT / "assets"))
    parser.add_argument("--check", action="store_true", help="compare with the shipped files, write nothing")
    args = parser.parse_args(argv)
    trainer, seconds = train()
    npz, meta = victim_files(trainer)
    out = Path(args.out_dir)
    print(f"trained in {seconds:.1f} s: test accuracy {trainer.metrics().test_accuracy:.3f}")
    if args.check:
        same = (out / "victim.npz").read_bytes() == npz and (out / "victim.json").read_bytes() == meta
        print("matches the shipped victim" if same else "DIFFERS from the shipped victim")
        return 0 if same else 1
    atomic_write(out / "victim.npz", npz)
    atomic_write(out / "victim.json", meta)
    print(f"wrote {out / 'victim.npz'} and {out / 'victim.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
