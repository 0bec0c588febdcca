"""The same network in PyTorch (the workshop's second notebook): nn.Sequential, autograd, torch.optim.

torch is imported when this module is, and only the trainer imports it, only for `backend="torch"`: the
app starts in a fraction of the time and memory without it.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ml101.engine.hyper import ADAM_BETAS, EPS, MOMENTUM, RMSPROP_ALPHA
from ml101.engine.spec import Experiment

_ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "linear": nn.Identity,
}


def pick_device(requested: str) -> str:
    """A single workshop-sized net is launch-bound on a GPU (slower than one CPU core), so `auto` keeps
    it on the CPU; `cuda` is honoured when asked and available."""
    if requested == "cuda":
        if not torch.cuda.is_available():
            from ml101.engine.errors import SpecError

            raise SpecError("device", "cuda was asked for but no CUDA GPU is available; use auto or cpu")
        return "cuda"
    return "cpu"


def build_sequential(exp: Experiment) -> nn.Sequential:
    """Linear → activation → … → Linear: the logits. Add nn.Sigmoid() for probabilities."""
    sizes = (2, *exp.layers, 1)
    modules: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        modules.append(nn.Linear(n_in, n_out))
        if i < len(exp.layers):
            modules.append(_ACTIVATIONS[exp.activations[i]]())
    return nn.Sequential(*modules)


class TorchNet:
    def __init__(self, exp: Experiment, params):
        torch.set_num_threads(exp.threads)
        self.device = pick_device(exp.device)
        self.dtype = torch.float64 if exp.dtype == "float64" else torch.float32
        self.model = build_sequential(exp).to(device=self.device, dtype=self.dtype)
        self.linears = [m for m in self.model if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for layer, (W, b) in zip(self.linears, params, strict=True):
                layer.weight.copy_(torch.as_tensor(W))
                layer.bias.copy_(torch.as_tensor(b))
        self.optimizer_name = None
        self.configure(exp)

    def configure(self, exp: Experiment) -> None:
        self.loss_name, self.reg, self.reg_rate = exp.loss, exp.reg, exp.reg_rate
        if exp.optimizer != self.optimizer_name:
            params = self.model.parameters()
            # fused: one kernel for all parameters instead of a handful of small ops per tensor (Adam ≈ 20 %
            # faster per step on the workshop net); RMSprop has no fused version
            self.optimizer = {
                "sgd": lambda: torch.optim.SGD(params, lr=exp.lr, fused=True),
                "momentum": lambda: torch.optim.SGD(params, lr=exp.lr, momentum=MOMENTUM, fused=True),
                "rmsprop": lambda: torch.optim.RMSprop(params, lr=exp.lr, alpha=RMSPROP_ALPHA, eps=EPS, foreach=True),
                "adam": lambda: torch.optim.Adam(params, lr=exp.lr, betas=ADAM_BETAS, eps=EPS, fused=True),
            }[exp.optimizer]()
            self.optimizer_name = exp.optimizer
        for group in self.optimizer.param_groups:
            group["lr"] = exp.lr

    def _loss(self, logits, Y):
        if self.loss_name == "bce":
            loss = nn.functional.binary_cross_entropy_with_logits(logits, Y)
        else:
            loss = 0.5 * torch.mean((torch.sigmoid(logits) - Y) ** 2)
        if self.reg == "l1":
            loss = loss + self.reg_rate * sum(layer.weight.abs().sum() for layer in self.linears)
        elif self.reg == "l2":
            loss = loss + self.reg_rate * 0.5 * sum((layer.weight**2).sum() for layer in self.linears)
        return loss

    def prepare(self, X, y):
        as_tensor = lambda a: torch.as_tensor(np.asarray(a), dtype=self.dtype, device=self.device)  # noqa: E731
        return as_tensor(X), as_tensor(y).reshape(-1, 1)

    def train_step(self, X, Y):
        self.optimizer.zero_grad(set_to_none=True)
        logits = self.model(X)
        loss = self._loss(logits, Y)
        loss.backward()
        self.optimizer.step()
        correct = ((logits > 0) == (Y > 0.5)).sum()
        return loss.item(), int(correct)

    def gradients(self, X, Y):
        self.model.zero_grad(set_to_none=True)
        loss = self._loss(self.model(X), Y)
        loss.backward()
        grads = [(layer.weight.grad.cpu().double().numpy(), layer.bias.grad.cpu().double().numpy())
                 for layer in self.linears]
        return loss.item(), grads

    @torch.no_grad()
    def evaluate(self, X, Y):
        logits = self.model(X)
        return float(self._loss(logits, Y)), float(((logits > 0) == (Y > 0.5)).double().mean())

    @torch.no_grad()
    def predict(self, X):
        return torch.sigmoid(self.model(X))[:, 0].cpu().double().numpy()

    @torch.no_grad()
    def neuron(self, X, layer, unit):
        # Sequential holds Linear, activation pairs: hidden layer l's output is module 2·l + 1.
        return self.model[: 2 * layer + 2](X)[:, unit].cpu().double().numpy()

    def params(self):
        return [(layer.weight.detach().cpu().double().numpy().copy(),
                 layer.bias.detach().cpu().double().numpy().copy()) for layer in self.linears]
