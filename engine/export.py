"""Take results out of ml101: curves as CSV, weights as .npz or as a PyTorch state_dict.

The state_dict matches `nn.Sequential(Linear, act, …, Linear, Sigmoid)` (see README, "Use your weights in
PyTorch"), and loads with `torch.load(path, weights_only=True)`: no pickle of arbitrary objects.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ml101.engine.history import COLUMNS
from ml101.engine.nets import require_torch
from ml101.engine.store import atomic_write, check_saveable, npz_bytes


def history_csv(history) -> str:
    rows = history.as_array()
    lines = [",".join(COLUMNS)]
    lines += [f"{int(r[0])}," + ",".join(f"{v:.6g}" for v in r[1:]) for r in rows]
    return "\n".join(lines) + "\n"


def export_history_csv(path, trainer) -> None:
    atomic_write(path, history_csv(trainer.history).encode())


def export_weights_npz(path, trainer) -> None:
    """W0, b0, W1, b1, … (W of shape (out, in)) plus the architecture as plain arrays."""
    check_saveable(trainer, "weights")
    exp = trainer.exp
    arrays = {"layers": np.array((2, *exp.layers, 1)), "activations": np.array([*exp.activations, "sigmoid"])}
    for i, (W, b) in enumerate(trainer.params()):
        arrays[f"W{i}"], arrays[f"b{i}"] = W.astype(np.float32), b.astype(np.float32)
    atomic_write(path, npz_bytes(arrays))


def state_dict(trainer):
    """An OrderedDict of float32 tensors named like `build_sequential(exp)`'s modules."""
    from collections import OrderedDict

    require_torch("export", "a PyTorch state_dict")
    import torch

    result = OrderedDict()
    for i, (W, b) in enumerate(trainer.params()):
        module = 2 * i  # Linear, activation, Linear, activation, …
        result[f"{module}.weight"] = torch.tensor(W, dtype=torch.float32)
        result[f"{module}.bias"] = torch.tensor(b, dtype=torch.float32)
    return result


def export_torch(path, trainer) -> None:
    require_torch("export", "a PyTorch state_dict")  # before anything is written
    import torch

    check_saveable(trainer, "weights")
    buffer = io.BytesIO()
    torch.save(state_dict(trainer), buffer)
    atomic_write(path, buffer.getvalue())


def load_torch_state(path):
    """Read a state_dict file safely: tensors only, nothing that runs code."""
    import pickle

    require_torch("weights", "reading a PyTorch state_dict")
    import torch

    from ml101.engine.errors import SpecError

    try:
        return torch.load(Path(path), weights_only=True, map_location="cpu")
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError) as exc:
        from ml101.engine.safe_text import printable

        raise SpecError(f"weights {printable(Path(path).name, 80)}",
                        printable(f"is not a plain PyTorch state_dict ({exc})", 300)) from None
