"""A trained network as plain NumPy arrays: what the attack lab hands out and the shipped victim is made of.

It only predicts (no training, no torch), so pictures, the victim's query API and tests can use it anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml101.engine.nets.numpy_net import ACTIVATIONS


@dataclass(frozen=True)
class FrozenNet:
    """A trained MLP that only predicts: (W (out, in), b (out,)) per layer, hidden activations by name."""

    params: tuple[tuple[np.ndarray, np.ndarray], ...]
    activations: tuple[str, ...]

    @property
    def layers(self) -> tuple[int, ...]:
        return tuple(W.shape[0] for W, _ in self.params[:-1])

    def logits(self, X: np.ndarray) -> np.ndarray:
        A = np.asarray(X, dtype=np.float64).T
        for i, (W, b) in enumerate(self.params):
            Z = W @ A + b[:, None]
            A = ACTIVATIONS[self.activations[i]][0](Z) if i < len(self.activations) else Z
        return Z[0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Probability of class 1 for each point (n, 2) → (n,)."""
        return ACTIVATIONS["sigmoid"][0](self.logits(X))

    def labels(self, X: np.ndarray) -> np.ndarray:
        return (self.logits(X) > 0).astype(np.float64)

    def grid(self, window: tuple[float, float, float, float], nx: int, ny: int) -> np.ndarray:
        """Probabilities over the window as (ny, nx), row 0 = smallest y (as `Trainer.grid`)."""
        return self.predict(grid_points(window, nx, ny)).reshape(ny, nx)


def grid_points(window: tuple[float, float, float, float], nx: int, ny: int) -> np.ndarray:
    x0, x1, y0, y1 = window
    gx, gy = np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny))
    return np.column_stack([gx.ravel(), gy.ravel()])
