"""The stacked models in NumPy: the chain rule of engine/nets/numpy_net.py with a model axis in front.

Layer l's weights for all K models are one (K, out, in) array and the points one (K, in, N) slab, so a layer
is one `np.matmul` over the model axis (one BLAS product per model, without a Python loop). The optimizers
are the teaching net's own classes: they work element by element on a list of arrays, so a stacked array is
simply a bigger parameter and every model still steps exactly as it would alone.

This path needs nothing but NumPy; engine/nets/stacked.py decides when it runs (always without PyTorch).
"""

from __future__ import annotations

import numpy as np

from ml101.engine.hyper import LEAKY_SLOPE
from ml101.engine.nets.numpy_net import OPTIMIZERS, sigmoid
from ml101.engine.spec import Experiment

NAME = "numpy"


def _dtype(exp: Experiment):
    return np.float64 if exp.dtype == "float64" else np.float32


def as_arrays(exp: Experiment, arrays):
    """NumPy arrays (nested lists of them) as this path's own contiguous copies in the experiment's dtype."""
    if isinstance(arrays, list):
        return [as_arrays(exp, a) for a in arrays]
    return np.array(arrays, dtype=_dtype(exp), order="C")


def to_numpy(array) -> np.ndarray:
    return np.asarray(array, dtype=np.float64)


def concat(arrays) -> np.ndarray:
    return np.concatenate(arrays)


def logits(exp: Experiment, Ws, bs, X: np.ndarray) -> np.ndarray:
    """(K, 2, M) points → (K, M) output logits as float64."""
    return forward(exp, Ws, bs, X.astype(Ws[0].dtype, copy=False))[:, 0, :].astype(np.float64)


def forward(exp: Experiment, Ws, bs, A):
    """The logits (K, 1, M) of every model for its own points A (K, 2, M)."""
    last = len(Ws) - 1
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        Z = np.matmul(W, A)
        Z += b
        A = _activate_(exp.activations[i], Z) if i < last else Z
    return A


def _activate_(name: str, Z):
    """The activation, in place: Z becomes A (the same formulas as numpy_net.ACTIVATIONS)."""
    if name == "relu":
        return np.maximum(Z, 0, out=Z)
    if name == "leaky_relu":
        return np.multiply(Z, LEAKY_SLOPE, out=Z, where=Z < 0)
    if name == "tanh":
        return np.tanh(Z, out=Z)
    if name == "sigmoid":
        Z[...] = sigmoid(Z)
        return Z
    return Z


def _slope(name: str, A):
    """g′ for the backward pass, from the layer's output A = g(Z) (leaky relu: A > 0 exactly when Z > 0)."""
    if name == "leaky_relu":
        return np.where(A > 0, 1.0, LEAKY_SLOPE).astype(A.dtype)
    if name == "tanh":
        return 1 - A * A
    return A * (1 - A)  # sigmoid


def gradients(exp: Experiment, Ws, bs, X, Y, scale):
    """One batched forward and backward pass; [dW per layer] + [db per layer], each shaped like its weights.

    Every slope is written in terms of the layer's output A (relu′ is A > 0, tanh′ is 1 − A², …), so the
    activations overwrite Z in place and no Z is kept. `scale` (K, 1, N) is each model's mask divided by its
    point count: the loss is a sum of per-model means, so each model gets the gradient it would get alone.
    """
    outputs, A = [X], X
    ones = np.ones((X.shape[2], 1), dtype=X.dtype)
    last = len(Ws) - 1
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        A = np.matmul(W, A)
        A += b
        if i < last:
            A = _activate_(exp.activations[i], A)
            outputs.append(A)
    P = sigmoid(A)
    dZ = (P - Y) * scale if exp.loss == "bce" else (P - Y) * P * (1 - P) * scale
    dW, db = [None] * len(Ws), [None] * len(bs)
    for i in range(last, -1, -1):
        dW[i] = np.matmul(dZ, outputs[i].transpose(0, 2, 1))
        db[i] = np.matmul(dZ, ones)  # the sum over points, as a BLAS product: 1.5× faster than .sum(axis=2)
        if exp.reg == "l2":
            dW[i] += exp.reg_rate * Ws[i]
        elif exp.reg == "l1":
            dW[i] += exp.reg_rate * np.sign(Ws[i])
        if i > 0:
            dZ = np.matmul(Ws[i].transpose(0, 2, 1), dZ)
            below, name = outputs[i], exp.activations[i - 1]
            if name == "relu":
                # relu's slope is 0 or 1; multiplying by the 0/1 mask is 10× faster than assigning through it
                np.multiply(dZ, below > 0, out=dZ)
            elif name != "linear":
                dZ *= _slope(name, below)
    return dW + db


class Part:
    """Some of the stack's models, trained on one thread with their own optimizer (Adam's memory is per
    weight). NumPy lets go of the GIL inside its products and element-wise loops, so parts run side by side."""

    def __init__(self, exp: Experiment, arrays, check_every: int, device: str = "cpu"):
        self.exp, self.check_every = exp, check_every
        arrays = as_arrays(exp, arrays)
        self.Ws, self.bs, self.X, self.Y, self.scale = arrays[:5]
        self.validation = arrays[5] if len(arrays) > 5 else None
        self.epoch = 0
        self.result = None

    def run(self, stop) -> None:
        exp, Ws, bs = self.exp, self.Ws, self.bs
        optimizer = OPTIMIZERS[exp.optimizer](exp.lr)
        early = EarlyStopping(self.validation, Ws, bs) if self.validation is not None else None
        for epoch in range(1, exp.epochs + 1):
            if stop.is_set():
                return
            optimizer.step(Ws + bs, gradients(exp, Ws, bs, self.X, self.Y, self.scale))
            if early is not None and (epoch % self.check_every == 0 or epoch == exp.epochs):
                early.check(exp, epoch)
            self.epoch = epoch
        if early is not None:
            self.result = (early.best_W, early.best_b, early.best_epoch)
        else:
            self.result = (Ws, bs, np.full(len(Ws[0]), exp.epochs))


def run_parts(jobs, epochs: int, on_progress, should_cancel) -> None:
    from ml101.engine.nets.stacked import run_side_by_side

    run_side_by_side(jobs, epochs, on_progress, should_cancel)


class EarlyStopping:
    """Keeps each model's weights from the check where its validation accuracy was best so far."""

    def __init__(self, validation, Ws, bs):
        self.X, yv, mv = validation
        self.y = yv[:, 0, :] > 0.5
        self.m = mv[:, 0, :].astype(np.float64)
        self.count = np.maximum(self.m.sum(axis=1), 1)
        self.Ws, self.bs = Ws, bs
        self.best_W = [W.copy() for W in Ws]
        self.best_b = [b.copy() for b in bs]
        self.best_accuracy = np.full(len(Ws[0]), -1.0)
        self.best_epoch = np.zeros(len(Ws[0]), dtype=int)

    def check(self, exp: Experiment, epoch: int) -> None:
        right = (forward(exp, self.Ws, self.bs, self.X)[:, 0, :] > 0) == self.y
        accuracy = (right * self.m).sum(axis=1) / self.count
        better = accuracy > self.best_accuracy  # ties keep the earlier, simpler model
        if not better.any():
            return
        self.best_accuracy[better] = accuracy[better]
        self.best_epoch[better] = epoch
        for best, now in zip(self.best_W + self.best_b, self.Ws + self.bs, strict=True):
            best[better] = now[better]
