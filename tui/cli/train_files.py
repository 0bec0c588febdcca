"""`ml101 train`'s files: --save, --export-csv, --export-npz, --export-torch.

Checked before training (so an hour of training never ends in "cannot write"): each name is a regular file
or a new name in a folder that takes files (see engine/safe_write.py for devices, FIFOs and links), no two
flags name the same file, and PyTorch is there for --export-torch. Written after training, each on its own:
when one fails late (the disk filled up, the folder went away), the others are still written, the result
is still printed, that file is written to ml101's rescue folder instead, and the exit code is 2 with one
line per failed file naming it.
"""

from __future__ import annotations

import time
from pathlib import Path

from ml101.engine.errors import SpecError
from ml101.engine.safe_text import printable
from ml101.engine.safe_write import check_target

FLAGS = {"save": "--save", "export_csv": "--export-csv", "export_npz": "--export-npz",
         "export_torch": "--export-torch"}
RESULT_KEYS = {"save": "saved", "export_csv": "export_csv", "export_npz": "export_npz",
               "export_torch": "export_torch"}


def check_outputs(args) -> dict[str, Path]:
    """attribute → the file it will write (`~` expanded, links followed); SpecError naming the flag."""
    outputs, owner = {}, {}
    for name, flag in FLAGS.items():
        path = getattr(args, name, None)
        if path is None:
            continue
        if not path.strip():
            raise SpecError(flag, "needs a file name")
        real = check_target(path, flag)
        if real in owner:
            raise SpecError(f"{owner[real]}, {flag}", f"both name {printable(path)}; give each its own file")
        owner[real], outputs[name] = flag, real
    if "export_torch" in outputs:
        from ml101.engine.nets import require_torch

        require_torch("--export-torch", "a PyTorch state_dict")  # before training, not after
    return outputs


def _writer(name: str):
    from ml101.engine import export
    from ml101.engine.store import save_experiment

    return {"save": save_experiment, "export_csv": export.export_history_csv,
            "export_npz": export.export_weights_npz, "export_torch": export.export_torch}[name]


def write_outputs(args, outputs: dict[str, Path], trainer, result: dict) -> tuple[list[str], list[str]]:
    """Write every output; put where each went into `result`. Returns one line per file that could not be
    written where asked (empty when all went well), and notes about the recent list (not failures)."""
    lines, notes = [], []
    for name, real in outputs.items():
        flag, typed = FLAGS[name], getattr(args, name)
        if trainer.diverged and name != "export_csv":
            lines.append(f"ml101: {flag}: {printable(typed)} not written: training diverged, so the weights are "
                         "NaN or infinite and could never be opened again (--export-csv still writes the curves)")
            continue
        try:
            _writer(name)(real, trainer)
        except KeyboardInterrupt:  # a second Ctrl+C while saving: the result is still printed, this file not
            lines += [f"ml101: {FLAGS[n]}: {printable(getattr(args, n))} not written (interrupted)"
                      for n in list(outputs)[list(outputs).index(name):]]
            break
        except (OSError, SpecError) as exc:  # late: the disk filled up, the folder went away, a FIFO appeared
            reason = exc.message if isinstance(exc, SpecError) else (exc.strerror or str(exc))
            rescued = _rescue(name, real, trainer)
            where = f"; written to {printable(str(rescued))} instead" if rescued else "; nothing written"
            lines.append(f"ml101: {flag}: cannot write {printable(typed)} ({printable(reason, 120)}){where}")
            if rescued is None:
                continue
            real, typed = rescued, str(rescued)
        result[RESULT_KEYS[name]] = typed
        if name == "save":
            from ml101.tui.settings import remember_experiment

            notes += [f"ml101: note: {note}" for note in remember_experiment(real)]
    return lines, notes


def _rescue(name: str, real: Path, trainer) -> Path | None:
    """The same content in ml101's own data folder, under a name that says what happened and when."""
    from platformdirs import user_data_path

    folder = user_data_path("ml101", appauthor=False) / "rescued"
    target = folder / f"{real.stem[:80]}-rescued-{time.strftime('%Y%m%d-%H%M%S')}{real.suffix[:10]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _writer(name)(target, trainer)
    except (OSError, SpecError):
        return None
    return target
