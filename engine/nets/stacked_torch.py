"""The stacked models in PyTorch: torch.baddbmm/bmm over the model axis, torch.optim's optimizers.

The same forward and backward as engine/nets/stacked_numpy.py, written out by hand (on two cores that is
faster than autograd for nets this small). This path is the one for a CUDA GPU; engine/nets/stacked.py
decides when it runs on the CPU. torch is imported with this module: only import it when it is chosen.
"""

from __future__ import annotations

import numpy as np
import torch

from ml101.engine.hyper import ADAM_BETAS, EPS, LEAKY_SLOPE, MOMENTUM, RMSPROP_ALPHA
from ml101.engine.spec import Experiment

NAME = "torch"


def as_tensors(exp: Experiment, arrays, device: str):
    """NumPy arrays (nested lists of them) as tensors of the experiment's dtype on `device`."""
    if isinstance(arrays, list):
        return [as_tensors(exp, a, device) for a in arrays]
    dtype = torch.float64 if exp.dtype == "float64" else torch.float32
    return torch.tensor(np.ascontiguousarray(arrays), dtype=dtype, device=device)


def to_numpy(tensor) -> np.ndarray:
    return tensor.detach().double().cpu().numpy()


def concat(tensors):
    return torch.cat(tensors)


def logits(exp: Experiment, Ws, bs, X: np.ndarray) -> np.ndarray:
    """(K, 2, M) points → (K, M) output logits as float64."""
    with torch.no_grad():
        A = torch.as_tensor(np.ascontiguousarray(X), dtype=Ws[0].dtype, device=Ws[0].device)
        return forward(exp, Ws, bs, A)[:, 0, :].double().cpu().numpy()


def forward(exp: Experiment, Ws, bs, A):
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        A = torch.baddbmm(b, W, A)
        if i < len(exp.layers):
            A = _activate_(exp.activations[i], A)
    return A


def _activate_(name: str, Z):
    """The activation, in place: Z becomes A."""
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


def gradients(exp: Experiment, Ws, bs, X, Y, scale):
    """One batched forward and backward pass: the chain rule of engine/nets/numpy_net.py with a model axis.

    Every slope is written in terms of the layer's output A (relu′ is A > 0, tanh′ is 1 − A², …), so the
    activations overwrite Z in place and no Z is kept: fewer big tensors made and walked per step.
    """
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
    if exp.optimizer == "adam":
        return torch.optim.Adam(params, lr=exp.lr, betas=ADAM_BETAS, eps=EPS, foreach=True)
    if exp.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=exp.lr, alpha=RMSPROP_ALPHA, eps=EPS, foreach=True)
    if exp.optimizer == "momentum":
        return torch.optim.SGD(params, lr=exp.lr, momentum=MOMENTUM, foreach=True)
    return torch.optim.SGD(params, lr=exp.lr, foreach=True)


class Part:
    """Some of the stack's models, trained on one CPU thread (its own optimizer: Adam is per weight)."""

    def __init__(self, exp: Experiment, arrays, check_every: int, device: str = "cpu"):
        self.exp, self.check_every = exp, check_every
        tensors = as_tensors(exp, arrays, device)
        self.Ws, self.bs, self.X, self.Y, self.scale = tensors[:5]
        self.validation = tensors[5] if len(tensors) > 5 else None
        self.epoch = 0
        self.result = None

    def run(self, stop) -> None:
        # One thread per part: parts share the cores without waiting on each other, which intra-op
        # threads do at every product (a 50-epoch, 33-model run took 1.6 s on one thread and 10-13 s on
        # two while another program kept one of the two cores busy).
        torch.set_num_threads(1)
        exp, Ws, bs = self.exp, self.Ws, self.bs
        optimizer = _optimizer(exp, Ws + bs)
        early = EarlyStopping(self.validation, Ws, bs) if self.validation is not None else None
        for epoch in range(1, exp.epochs + 1):
            if stop.is_set():
                return
            grads = gradients(exp, Ws, bs, self.X, self.Y, self.scale)
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


def run_parts(jobs, epochs: int, on_progress, should_cancel) -> None:
    """Train the parts in threads (torch lets go of the GIL inside its kernels)."""
    from ml101.engine.nets.stacked import run_side_by_side

    previous_threads = torch.get_num_threads()
    try:
        run_side_by_side(jobs, epochs, on_progress, should_cancel)
    finally:
        torch.set_num_threads(previous_threads)  # the parts set one thread each; leave the caller as it was


class EarlyStopping:
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
        with torch.no_grad():
            A = forward(exp, self.Ws, self.bs, self.X)
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
