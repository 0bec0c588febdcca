"""Attack-lab results kept in files, so the lab's snapshots do not depend on the CPU's float kernels.

Freshly trained float32 models differ in their last digits from one CPU to the next (MKL and OpenBLAS pick
kernels per CPU, and kernels sum in different orders); a map cell or a third decimal then changes, and so
does the screenshot. The snapshot tests draw these stored results instead: the keys, the worker, its
messages and the drawing are the app's own, only `run_job`'s training is replaced by reading a file.
`test_the_stored_results_are_what_the_lab_computes_now` checks the files against a fresh run.

After a change to what a run computes or draws from: python tests/tui/fixed_attack_results.py
"""

from __future__ import annotations  # noqa: I001 — engine before NumPy, see below

import json
from dataclasses import asdict
from pathlib import Path

import ml101  # noqa: F401 — first: the package root sets one BLAS thread before NumPy loads, as the tests train with
import numpy as np

from ml101.tui.workers.attack import Job, Marks, Picture, RunResult
from ml101.engine.data import Split
from ml101.tui.models import AttackSettings

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "attack"
JOBS = {  # file name → the job whose result it holds: the lab's two notebook attacks, as `r`/Enter runs them
    "poison_last_half": Job("run", AttackSettings()),
    "steal_train_900": Job("run", AttackSettings(attack="steal")),
}
POINT_FIELDS = ("X_train", "y_train", "X_test", "y_test")


def save(result: RunResult, path: Path) -> None:
    arrays, pictures = {}, []
    for i, picture in enumerate(result.pictures):
        # float32 is plenty for a map drawn in 16 levels a side, and halves the file
        arrays[f"p{i}_grid"] = picture.grid.astype(np.float32)
        for name in POINT_FIELDS:
            arrays[f"p{i}_{name}"] = getattr(picture.points, name)
        for j, marks in enumerate(picture.marks):
            arrays[f"p{i}_m{j}_X"], arrays[f"p{i}_m{j}_labels"] = marks.X, marks.labels
        pictures.append(dict(title=picture.title, legend=list(picture.legend), marks=[m.kind for m in picture.marks]))
    meta = dict(settings=asdict(result.settings), numbers=result.numbers, window=list(result.window),
                pictures=pictures)
    np.savez_compressed(path, meta=np.array(json.dumps(meta, default=_plain)), **arrays)


def load(name: str) -> RunResult:
    with np.load(FOLDER / f"{name}.npz", allow_pickle=False) as stored:
        meta = json.loads(str(stored["meta"]))
        pictures = tuple(
            Picture(
                p["title"],
                stored[f"p{i}_grid"].astype(np.float64),
                Split(*(stored[f"p{i}_{name}"] for name in POINT_FIELDS)),
                tuple(Marks(kind, stored[f"p{i}_m{j}_X"], stored[f"p{i}_m{j}_labels"])
                      for j, kind in enumerate(p["marks"])),
                tuple(p["legend"]),
            )
            for i, p in enumerate(meta["pictures"])
        )
    return RunResult(AttackSettings(**meta["settings"]), meta["numbers"], pictures, tuple(meta["window"]))


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} in an attack result file")


def main() -> None:
    from ml101.tui.workers.attack import run_job

    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, job in JOBS.items():
        save(run_job(job), FOLDER / f"{name}.npz")
        print(f"wrote {FOLDER / name}.npz")


if __name__ == "__main__":
    main()
