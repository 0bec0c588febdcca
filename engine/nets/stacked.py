"""Many small networks trained at once: the attack lab's curves need dozens of models per picture.

K networks of one architecture are kept as stacked tensors — layer l's weights are one (K, out, in) tensor —
and every step is one batched matrix product per layer (torch.baddbmm/bmm) for all K at once. Each model has
its own initialisation seed, its own points, labels and mask (pad shorter data sets with mask 0), so one run
can hold clean, poisoned and defended models of several seeds side by side.

The models do not interact: the loss is a sum of per-model means, so every model gets exactly the gradient
it would get alone, and Adam/RMSprop work element by element. A test checks that a stacked model reaches the
accuracy a single `Trainer` reaches with the same seed.

Forward and backward are written out by hand (like engine/nets/numpy_net.py, batched): on two cores that is
faster than autograd for nets this small, and it reads the same as the teaching code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ml101.engine.errors import SpecError
from ml101.engine.hyper import ADAM_BETAS, EPS, LEAKY_SLOPE, MOMENTUM, RMSPROP_ALPHA
from ml101.engine.nets.frozen import FrozenNet, grid_points  # noqa: F401 — re-exported: stacks hand these out
from ml101.engine.nets.numpy_net import ACTIVATIONS, init_params
from ml101.engine.spec import Experiment

Progress = Callable[[int, int], None]  # (epochs done, epochs in this run)
CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """The caller's cancel check said stop; nothing half-trained is returned."""


# ---------------------------------------------------------------------------------------------------------
# Which device and how many threads.


def pick_device(requested: str) -> str:
    """Unlike a single net, a stack is big enough for a GPU to pay off, so `auto` takes one when present."""
    import torch

    if requested == "cuda" and not torch.cuda.is_available():
        raise SpecError("device", "cuda was asked for but no CUDA GPU is available; use auto or cpu")
    if requested in ("cuda", "auto") and torch.cuda.is_available():
        return "cuda"
    return "cpu"


def default_threads(models: int) -> int:
    """Parts to train side by side: one per 8 models, at most one per core and at most 4."""
    return max(1, min(4, os.cpu_count() or 1, models // 8))


# ---------------------------------------------------------------------------------------------------------
# Training.


@dataclass
class Stack:
    """K trained networks, still stacked (for fast batched predictions), plus what early stopping chose."""

    exp: Experiment
    weights: list  # torch tensors (K, out, in)
    biases: list  # torch tensors (K, out, 1)
    best_epoch: np.ndarray  # (K,) the epoch each model's weights come from

    def __len__(self) -> int:
        return self.weights[0].shape[0]

    def logits(self, X: np.ndarray) -> np.ndarray:
        """X (M, 2) for all models, or (K, M, 2) one set per model → (K, M) logits as float64."""
        import torch

        with torch.no_grad():
            A = _as_points(X, len(self), self.weights[0])
            for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
                A = torch.baddbmm(b, W, A)
                if i < len(self.exp.layers):
                    A = _activate(self.exp.activations[i], A)
            return A[:, 0, :].double().cpu().numpy()

    def predict(self, X: np.ndarray) -> np.ndarray:
        return ACTIVATIONS["sigmoid"][0](self.logits(X))

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """(K,) accuracy of each model on shared points (M, 2) or its own (K, M, 2), labels (M,) or (K, M)."""
        return ((self.logits(X) > 0) == (np.asarray(y) > 0.5)).mean(axis=-1)

    def net(self, k: int) -> FrozenNet:
        params = tuple(
            (W[k].double().cpu().numpy().copy(), b[k, :, 0].double().cpu().numpy().copy())
            for W, b in zip(self.weights, self.biases, strict=True)
        )
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
) -> Stack:
    """Train len(seeds) networks of `exp`'s architecture and optimizer, full batch, for exp.epochs.

    X: (N, 2) shared by all models or (K, N, 2); y: (N,) or (K, N) labels in [0, 1] (soft labels allowed);
    mask: (K, N) of 0/1, which points each model trains on (default all). Model k starts from
    `init_params(exp.with_changes(seed=seeds[k]))`, the very weights a single Trainer with that seed uses.
    validation: (Xv (K, V, 2), yv (K, V), mv (K, V)) turns on early stopping: every `check_every` epochs
    each model's accuracy on its masked validation points is measured and its best weights are kept.
    threads: CPU threads (default `default_threads`); the stack is cut into that many parts, trained side
    by side. `on_progress(done, epochs)` and `should_cancel()` are called on the caller's thread about
    ten times a second; a cancel raises `Cancelled`.
    """
    import torch

    k = len(seeds)
    if k == 0:
        raise SpecError("seeds", "need at least one model to train")
    if exp.batch_size:
        raise SpecError("batch_size", "stacked training is full batch only; use 0")
    device = pick_device(exp.device)
    dtype = torch.float64 if exp.dtype == "float64" else torch.float32
    Ws, bs = _initial_stack(exp, seeds, device, dtype)
    points = _as_points(X, k, Ws[0])
    n = points.shape[2]
    Y = _per_model(y, k, n, "y", Ws[0])
    M = _per_model(np.ones(n) if mask is None else mask, k, n, "mask", Ws[0])
    counts = M.sum(dim=2, keepdim=True)
    if bool((counts == 0).any()):
        raise SpecError("mask", "every model needs at least one training point")
    tensors = [Ws, bs, points, Y, M / counts]  # M / counts: each model's loss is the mean over its own points
    if validation is not None:
        Xv = _as_points(validation[0], k, Ws[0])
        v = Xv.shape[2]
        tensors.append([Xv, _per_model(validation[1], k, v, "validation labels", Ws[0]),
                        _per_model(validation[2], k, v, "validation mask", Ws[0])])
    parts = 1 if device == "cuda" else max(1, min(threads or default_threads(k), k))
    bounds = np.linspace(0, k, parts + 1).astype(int)
    jobs = [_Part(exp, _slice(tensors, lo, hi), check_every) for lo, hi in zip(bounds, bounds[1:], strict=False)]
    previous_threads = torch.get_num_threads()
    try:
        _run_side_by_side(jobs, exp.epochs, on_progress, should_cancel)
    finally:
        torch.set_num_threads(previous_threads)  # the parts set one thread each; leave the caller as it was
    return Stack(exp, [torch.cat([job.result[0][i] for job in jobs]) for i in range(len(Ws))],
                 [torch.cat([job.result[1][i] for job in jobs]) for i in range(len(bs))],
                 np.concatenate([job.result[2] for job in jobs]))


def _slice(tensors, lo: int, hi: int):
    if isinstance(tensors, list):
        return [_slice(t, lo, hi) for t in tensors]
    return tensors[lo:hi].clone()


class _Part:
    """Some of the stack's models, trained on one CPU thread (its own optimizer: Adam is per weight)."""

    def __init__(self, exp: Experiment, tensors, check_every: int):
        self.exp, self.check_every = exp, check_every
        self.Ws, self.bs, self.X, self.Y, self.scale = tensors[:5]
        self.validation = tensors[5] if len(tensors) > 5 else None
        self.epoch = 0
        self.result = None

    def run(self, stop) -> None:
        import torch

        # One thread per part: parts share the cores without waiting on each other, which intra-op
        # threads do at every product (a 50-epoch, 33-model run took 1.6 s on one thread and 10-13 s on
        # two while another program kept one of the two cores busy).
        torch.set_num_threads(1)
        exp, Ws, bs = self.exp, self.Ws, self.bs
        optimizer = _optimizer(exp, Ws + bs)
        early = _EarlyStopping(self.validation, Ws, bs) if self.validation is not None else None
        for epoch in range(1, exp.epochs + 1):
            if stop.is_set():
                return
            grads = _gradients(exp, Ws, bs, self.X, self.Y, self.scale)
            for p, g in zip(Ws + bs, grads, strict=True):
                p.grad = g
            optimizer.step()
            if early is not None and (epoch % self.check_every == 0 or epoch == exp.epochs):
                early.check(exp, epoch)
            self.epoch = epoch
        if early is not None:
            self.result = (early.best_W, early.best_b, early.best_epoch)
        else:
            self.result = ([W.detach() for W in Ws], [b.detach() for b in bs], np.full(len(Ws[0]), exp.epochs))


def _run_side_by_side(jobs, epochs: int, on_progress, should_cancel) -> None:
    """Train the parts in threads (torch lets go of the GIL inside its kernels); report and cancel here."""
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


def _initial_stack(exp: Experiment, seeds, device, dtype):
    import torch

    inits = [init_params(exp.with_changes(seed=int(s))) for s in seeds]
    Ws, bs = [], []
    for layer in range(len(exp.layers) + 1):
        W = np.stack([p[layer][0] for p in inits])
        b = np.stack([p[layer][1] for p in inits])[:, :, None]
        Ws.append(torch.tensor(W, dtype=dtype, device=device))
        bs.append(torch.tensor(b, dtype=dtype, device=device))
    return Ws, bs


def _as_points(X, k: int, like):
    """Points as (K, 2, N): one column per point, as in the NumPy notebook, one slab per model."""
    import torch

    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 2:
        X = np.broadcast_to(X, (k, *X.shape))
    if X.ndim != 3 or X.shape[0] != k or X.shape[2] != 2:
        raise SpecError("X", f"points must be (N, 2) or ({k}, N, 2); got shape {X.shape}")
    return torch.tensor(np.ascontiguousarray(X.transpose(0, 2, 1)), dtype=like.dtype, device=like.device)


def _per_model(values, k: int, n: int, name: str, like):
    import torch

    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = np.broadcast_to(values, (k, values.shape[0]))
    if values.shape != (k, n):
        raise SpecError(name, f"must be ({n},) or ({k}, {n}); got shape {values.shape}")
    return torch.tensor(values[:, None, :], dtype=like.dtype, device=like.device)


def _activate(name: str, Z):
    import torch

    if name == "relu":
        return torch.relu(Z)
    if name == "leaky_relu":
        return torch.nn.functional.leaky_relu(Z, LEAKY_SLOPE)
    if name == "tanh":
        return torch.tanh(Z)
    if name == "sigmoid":
        return torch.sigmoid(Z)
    return Z


def _activate_(name: str, Z):
    """The activation, in place: Z becomes A."""
    import torch

    if name == "relu":
        return Z.clamp_min_(0)
    if name == "leaky_relu":
        return torch.nn.functional.leaky_relu_(Z, LEAKY_SLOPE)
    if name == "tanh":
        return Z.tanh_()
    if name == "sigmoid":
        return Z.sigmoid_()
    return Z


def _slope(name: str, A):
    """g′ for the backward pass, from the layer's output A = g(Z) (leaky relu: A > 0 exactly when Z > 0)."""
    if name == "leaky_relu":
        return (A > 0).to(A.dtype) * (1 - LEAKY_SLOPE) + LEAKY_SLOPE
    if name == "tanh":
        return 1 - A * A
    return A * (1 - A)  # sigmoid


def _gradients(exp: Experiment, Ws, bs, X, Y, scale):
    """One batched forward and backward pass: the chain rule of engine/nets/numpy_net.py with a model axis.

    Every slope is written in terms of the layer's output A (relu′ is A > 0, tanh′ is 1 − A², …), so the
    activations overwrite Z in place and no Z is kept: fewer big tensors made and walked per step.
    """
    import torch

    with torch.no_grad():
        outputs, A = [X], X
        last = len(Ws) - 1
        for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            A = torch.baddbmm(b, W, A)
            if i < last:
                A = _activate_(exp.activations[i], A)
                outputs.append(A)
        P = torch.sigmoid(A)
        dZ = P.sub_(Y).mul_(scale) if exp.loss == "bce" else (P - Y).mul_(P).mul_(1 - P).mul_(scale)
        dW, db = [None] * len(Ws), [None] * len(bs)
        for i in range(last, -1, -1):
            dW[i] = torch.bmm(dZ, outputs[i].transpose(1, 2))
            db[i] = dZ.sum(dim=2, keepdim=True)
            if exp.reg == "l2":
                dW[i] += exp.reg_rate * Ws[i]
            elif exp.reg == "l1":
                dW[i] += exp.reg_rate * torch.sign(Ws[i])
            if i > 0:
                dZ = torch.bmm(Ws[i].transpose(1, 2), dZ)
                below, name = outputs[i], exp.activations[i - 1]
                if name == "relu":
                    # relu's slope is 0 or 1: one fused kernel instead of building a 0/1 tensor and multiplying
                    dZ = torch.ops.aten.threshold_backward(dZ, below, 0)
                elif name != "linear":
                    dZ *= _slope(name, below)
        return dW + db


def _optimizer(exp: Experiment, params):
    """torch.optim's own optimizers with TorchNet's settings: stacked and single models step alike."""
    import torch

    if exp.optimizer == "adam":
        return torch.optim.Adam(params, lr=exp.lr, betas=ADAM_BETAS, eps=EPS, foreach=True)
    if exp.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=exp.lr, alpha=RMSPROP_ALPHA, eps=EPS, foreach=True)
    if exp.optimizer == "momentum":
        return torch.optim.SGD(params, lr=exp.lr, momentum=MOMENTUM, foreach=True)
    return torch.optim.SGD(params, lr=exp.lr, foreach=True)


class _EarlyStopping:
    """Keeps each model's weights from the check where its validation accuracy was best so far."""

    def __init__(self, validation, Ws, bs):
        self.X, yv, mv = validation
        self.y = yv[:, 0, :] > 0.5
        self.m = mv[:, 0, :]
        self.count = self.m.sum(dim=1).clamp(min=1)
        self.Ws, self.bs = Ws, bs
        self.best_W = [W.detach().clone() for W in Ws]
        self.best_b = [b.detach().clone() for b in bs]
        self.best_accuracy = np.full(len(Ws[0]), -1.0)
        self.best_epoch = np.zeros(len(Ws[0]), dtype=int)

    def check(self, exp: Experiment, epoch: int) -> None:
        import torch

        with torch.no_grad():
            A = self.X
            for i, (W, b) in enumerate(zip(self.Ws, self.bs, strict=True)):
                A = torch.baddbmm(b, W, A)
                if i < len(exp.layers):
                    A = _activate(exp.activations[i], A)
            right = ((A[:, 0, :] > 0) == self.y).to(self.m.dtype) * self.m
            accuracy = (right.sum(dim=1) / self.count).double().cpu().numpy()
            better = accuracy > self.best_accuracy  # ties keep the earlier, simpler model
            if not better.any():
                return
            self.best_accuracy[better] = accuracy[better]
            self.best_epoch[better] = epoch
            pick = torch.as_tensor(better, device=self.Ws[0].device)[:, None, None]
            for best, now in zip(self.best_W + self.best_b, self.Ws + self.bs, strict=True):
                best.copy_(torch.where(pick, now, best))
