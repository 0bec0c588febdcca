"""Many small networks trained at once: the attack lab's curves need dozens of models per picture.

K networks of one architecture are kept as stacked arrays — layer l's weights are one (K, out, in) array —
and every step is one batched matrix product per layer for all K at once. Each model has its own
initialisation seed, its own points, labels and mask (pad shorter data sets with mask 0), so one run can
hold clean, poisoned and defended models of several seeds side by side.

The models do not interact: the loss is a sum of per-model means, so every model gets exactly the gradient
it would get alone, and Adam/RMSprop work element by element. A test checks that a stacked model reaches the
accuracy a single `Trainer` reaches with the same seed.

This file is the shared part (checks, threads, `Stack`) and the choice of path. The maths is written twice,
by hand, like engine/nets/numpy_net.py: stacked_numpy.py (np.matmul, the teaching net's optimizers; needs
nothing else) and stacked_torch.py (torch.bmm, torch.optim; the path for a CUDA GPU). On the CPU
`CPU_PATH` is used when PyTorch is installed, NumPy when it is not.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ml101.engine.errors import SpecError
from ml101.engine.nets import has_torch, require_torch
from ml101.engine.nets.frozen import FrozenNet, grid_points  # noqa: F401 — re-exported: stacks hand these out
from ml101.engine.nets.numpy_net import ACTIVATIONS, init_params
from ml101.engine.spec import Experiment

Progress = Callable[[int, int], None]  # (epochs done, epochs in this run)
CancelCheck = Callable[[], bool]

# Which path trains a stack on the CPU when PyTorch is installed: NumPy, as where it is not. Measured
# (`ml101 bench --only sweep`, 33 models × 300 epochs, two threads, best of 3, a 2-core VM): torch 1.57 s,
# NumPy 2.80 s once torch is loaded; but importing torch costs about 2 s and 200 MB per process, so a single
# CLI sweep is faster on NumPy (3.4 s against 3.6 s), a camp server with 30 participants keeps 6 GB free, and
# the lab's numbers are the same on a small install and a full one. CUDA stays torch's (pick_device).
CPU_PATH = "numpy"


class Cancelled(Exception):
    """The caller's cancel check said stop; nothing half-trained is returned."""


# ---------------------------------------------------------------------------------------------------------
# Which device, which path and how many threads.


def pick_device(requested: str) -> str:
    """Unlike a single net, a stack is big enough for a GPU to pay off, so `auto` takes one when present."""
    if requested == "cuda":
        require_torch("device", "cuda")
        import torch

        if not torch.cuda.is_available():
            raise SpecError("device", "cuda was asked for but no CUDA GPU is available; use auto or cpu")
        return "cuda"
    if requested == "auto" and _cuda_possible():
        import torch

        if torch.cuda.is_available():
            return "cuda"
    return "cpu"


def _cuda_possible() -> bool:
    """Whether asking torch about CUDA could say yes, decided without importing torch where the system tells:
    on Linux the NVIDIA driver shows itself in /proc and /dev, a Mac has no CUDA."""
    if not has_torch():
        return False
    if "torch" in sys.modules:
        return True  # already paid for: ask it
    if sys.platform == "darwin":
        return False
    if sys.platform.startswith("linux"):
        return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidiactl")
    return True


def path_name(exp: Experiment) -> str:
    """"torch" or "numpy": the path `train_stacked` takes for `exp` here (imports torch only for a GPU check
    that could say yes)."""
    if pick_device(exp.device) == "cuda":
        return "torch"
    return CPU_PATH if CPU_PATH == "numpy" or has_torch() else "numpy"


def uses_torch(exp: Experiment) -> bool:
    """Whether training a stack of `exp` will import torch (the app imports it ahead, off its worker)."""
    return path_name(exp) == "torch"


def _path(name: str):
    if name == "torch":
        from ml101.engine.nets import stacked_torch

        return stacked_torch
    from ml101.engine.nets import stacked_numpy

    return stacked_numpy


def default_threads(models: int) -> int:
    """Parts to train side by side: one per 8 models, at most one per core and at most 4."""
    return max(1, min(4, os.cpu_count() or 1, models // 8))


# ---------------------------------------------------------------------------------------------------------
# Training.


@dataclass
class Stack:
    """K trained networks, still stacked (for fast batched predictions), plus what early stopping chose.

    `weights` and `biases` are in the form of the path that trained them (`path`: NumPy arrays or torch
    tensors, on the GPU for CUDA); everything a caller gets out is NumPy."""

    exp: Experiment
    weights: list  # (K, out, in) per layer
    biases: list  # (K, out, 1) per layer
    best_epoch: np.ndarray  # (K,) the epoch each model's weights come from
    path: str = "numpy"

    def __len__(self) -> int:
        return self.weights[0].shape[0]

    def logits(self, X: np.ndarray) -> np.ndarray:
        """X (M, 2) for all models, or (K, M, 2) one set per model → (K, M) logits as float64."""
        return _path(self.path).logits(self.exp, self.weights, self.biases, _as_points(X, len(self)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return ACTIVATIONS["sigmoid"][0](self.logits(X))

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """(K,) accuracy of each model on shared points (M, 2) or its own (K, M, 2), labels (M,) or (K, M)."""
        return ((self.logits(X) > 0) == (np.asarray(y) > 0.5)).mean(axis=-1)

    def net(self, k: int) -> FrozenNet:
        to_numpy = _path(self.path).to_numpy
        params = tuple((to_numpy(W[k]).copy(), to_numpy(b[k, :, 0]).copy())
                       for W, b in zip(self.weights, self.biases, strict=True))
        return FrozenNet(params, tuple(self.exp.activations))


def train_stacked(
    exp: Experiment,
    X: np.ndarray,
    y: np.ndarray,
    seeds: Sequence[int],
    mask: np.ndarray | None = None,
    validation: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    check_every: int = 10,
    threads: int | None = None,
    on_progress: Progress | None = None,
    should_cancel: CancelCheck | None = None,
    path: str | None = None,
) -> Stack:
    """Train len(seeds) networks of `exp`'s architecture and optimizer, full batch, for exp.epochs.

    X: (N, 2) shared by all models or (K, N, 2); y: (N,) or (K, N) labels in [0, 1] (soft labels allowed);
    mask: (K, N) of 0/1, which points each model trains on (default all). Model k starts from
    `init_params(exp.with_changes(seed=seeds[k]))`, the very weights a single Trainer with that seed uses.
    validation: (Xv (K, V, 2), yv (K, V), mv (K, V)) turns on early stopping: every `check_every` epochs
    each model's accuracy on its masked validation points is measured and its best weights are kept.
    threads: CPU threads (default `default_threads`); the stack is cut into that many parts, trained side
    by side. `on_progress(done, epochs)` and `should_cancel()` are called on the caller's thread about
    ten times a second; a cancel raises `Cancelled`. path: "numpy" or "torch" to choose (tests and the
    bench compare them; "torch" on the CPU unless exp.device picks a GPU), default `path_name(exp)`.
    """
    k = len(seeds)
    if k == 0:
        raise SpecError("seeds", "need at least one model to train")
    if exp.batch_size:
        raise SpecError("batch_size", "stacked training is full batch only; use 0")
    if path is None:
        path = path_name(exp)
    elif path not in ("numpy", "torch"):
        raise SpecError("path", f"must be numpy or torch; got {path!r}")
    elif path == "torch":
        require_torch("path")
    elif exp.device == "cuda":
        raise SpecError("path", "a stack on a CUDA GPU trains in PyTorch; use path torch or device cpu")
    # NumPy runs on the CPU, also when asked for by name where `auto` would have found a GPU
    device = pick_device(exp.device) if path == "torch" else "cpu"
    Ws, bs = _initial_stack(exp, seeds)
    points = _as_points(X, k)
    n = points.shape[2]
    Y = _per_model(y, k, n, "y")
    M = _per_model(np.ones(n) if mask is None else mask, k, n, "mask")
    counts = M.sum(axis=2, keepdims=True)
    if (counts == 0).any():
        raise SpecError("mask", "every model needs at least one training point")
    arrays = [Ws, bs, points, Y, M / counts]  # M / counts: each model's loss is the mean over its own points
    if validation is not None:
        Xv = _as_points(validation[0], k)
        v = Xv.shape[2]
        arrays.append([Xv, _per_model(validation[1], k, v, "validation labels"),
                       _per_model(validation[2], k, v, "validation mask")])
    chosen = _path(path)
    parts = 1 if device == "cuda" else max(1, min(threads or default_threads(k), k))
    bounds = np.linspace(0, k, parts + 1).astype(int)
    jobs = [chosen.Part(exp, _slice(arrays, lo, hi), check_every, device)
            for lo, hi in zip(bounds, bounds[1:], strict=False)]
    chosen.run_parts(jobs, exp.epochs, on_progress, should_cancel)
    return Stack(exp, [chosen.concat([job.result[0][i] for job in jobs]) for i in range(len(Ws))],
                 [chosen.concat([job.result[1][i] for job in jobs]) for i in range(len(bs))],
                 np.concatenate([job.result[2] for job in jobs]), path)


def _slice(arrays, lo: int, hi: int):
    if isinstance(arrays, list):
        return [_slice(a, lo, hi) for a in arrays]
    return arrays[lo:hi]  # a view: each path's Part makes its own copy in its own dtype and device


def run_side_by_side(jobs, epochs: int, on_progress, should_cancel) -> None:
    """Train the parts in threads (NumPy and torch let go of the GIL inside their kernels); report and
    cancel here, on the caller's thread."""
    import threading
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    stop = threading.Event()
    with ThreadPoolExecutor(len(jobs), thread_name_prefix="ml101-stack") as pool:
        futures = [pool.submit(job.run, stop) for job in jobs]
        try:
            while True:
                finished, running = wait(futures, timeout=0.1, return_when=FIRST_EXCEPTION)
                for future in finished:
                    future.result()  # a part's exception surfaces here, on the caller's thread
                if should_cancel is not None and should_cancel():
                    raise Cancelled()
                if on_progress is not None:
                    on_progress(min(job.epoch for job in jobs), epochs)
                if not running:
                    return
        finally:
            stop.set()


def _initial_stack(exp: Experiment, seeds):
    """Every model's `init_params`, stacked layer by layer: W (K, out, in), b (K, out, 1), float64."""
    inits = [init_params(exp.with_changes(seed=int(s))) for s in seeds]
    Ws = [np.stack([p[layer][0] for p in inits]) for layer in range(len(exp.layers) + 1)]
    bs = [np.stack([p[layer][1] for p in inits])[:, :, None] for layer in range(len(exp.layers) + 1)]
    return Ws, bs


def _as_points(X, k: int) -> np.ndarray:
    """Points as (K, 2, N): one column per point, as in the NumPy notebook, one slab per model."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 2:
        X = np.broadcast_to(X, (k, *X.shape))
    if X.ndim != 3 or X.shape[0] != k or X.shape[2] != 2:
        raise SpecError("X", f"points must be (N, 2) or ({k}, N, 2); got shape {X.shape}")
    return X.transpose(0, 2, 1)


def _per_model(values, k: int, n: int, name: str) -> np.ndarray:
    """Labels or a mask as (K, 1, N): one row per model, lined up with the points' columns."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = np.broadcast_to(values, (k, values.shape[0]))
    if values.shape != (k, n):
        raise SpecError(name, f"must be ({n},) or ({k}, {n}); got shape {values.shape}")
    return values[:, None, :]
