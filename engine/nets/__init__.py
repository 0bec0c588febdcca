"""The networks ml101 trains, and the one interface the trainer drives them through.

    numpy_net.py   the teaching code: the workshop's first notebook, read it top to bottom
    numpy_fast.py  the same maths rearranged for speed (float32), held to the teaching code by tests
    torch_net.py   the same network in PyTorch (the second notebook); needs the `torch` extra
    frozen.py      a trained network as plain arrays: predicts only (the attack lab, the shipped victim)
    stacked.py     many networks trained at once, for the attack lab's curves (stacked_numpy.py, stacked_torch.py)

`build_net` picks one of the first three for an experiment; all three follow `Net`. PyTorch is an extra
(`pip install "ml101[torch]"`): `require_torch` is the one check, and its line says how to add it.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from typing import Any, Protocol

import numpy as np

from ml101.engine.errors import SpecError
from ml101.engine.spec import Experiment

TORCH_INSTALL = 'pip install "ml101[torch]"'


def has_torch() -> bool:
    """Whether `import torch` would work, without importing it (1.4 s and 200 MB): find_spec only looks.

    A module set to None in sys.modules (how tests hide an installed torch) is one that cannot be imported;
    find_spec says None for it too."""
    if "torch" in sys.modules:
        return sys.modules["torch"] is not None
    return _torch_installed()


@functools.cache
def _torch_installed() -> bool:
    """Looked up once per process: every validation of a torch experiment asks."""
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # a broken or half-removed install reads as not installed
        return False


def require_torch(field: str, what: str = "torch") -> None:
    """SpecError naming `field` when PyTorch is missing: `backend: torch needs PyTorch, … pip install …`."""
    if not has_torch():
        raise SpecError(field, f"{what} needs PyTorch, which is not installed: {TORCH_INSTALL}")


Params = list[tuple[np.ndarray, np.ndarray]]  # (W (out, in), b (out,)) per layer, float64


class Net(Protocol):
    """What the Trainer needs from a network. Data goes through `prepare` once, in the net's own form."""

    def configure(self, exp: Experiment) -> None:
        """Take the settings that may change while training: loss, regulariser, learning rate, optimizer."""

    def prepare(self, X: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        """Points (N, 2) and labels (N,) in the form train_step/evaluate take."""

    def train_step(self, X: Any, Y: Any) -> tuple[float, int]:
        """One forward, backward and update; the batch's loss and correct count from before the update."""

    def gradients(self, X: Any, Y: Any) -> tuple[float, Params]:
        """The loss and every layer's (dW, db), changing nothing."""

    def evaluate(self, X: Any, Y: Any) -> tuple[float, float]:
        """(loss, accuracy), changing nothing."""

    def predict(self, X: Any) -> np.ndarray:
        """The probability of class 1 for each point."""

    def neuron(self, X: Any, layer: int, unit: int) -> np.ndarray:
        """What one hidden unit outputs for each point."""

    def params(self) -> Params:
        """The weights as float64 copies."""


def build_net(exp: Experiment, params: Params) -> Net:
    if exp.backend == "torch":
        require_torch("backend")
        from ml101.engine.nets.torch_net import TorchNet  # torch costs 1.4 s and 200 MB: only when asked for

        return TorchNet(exp, params)
    if exp.dtype == "float32":
        from ml101.engine.nets.numpy_fast import FastNumpyNet  # NumpyNet's maths, ≈ 3× faster

        return FastNumpyNet(exp, params)
    from ml101.engine.nets.numpy_net import NumpyNet  # float64: the teaching code itself, as the notebook ran it

    return NumpyNet(exp, params)
