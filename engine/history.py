"""Training curves that never outgrow their memory, however long training runs.

Every `stride`-th epoch is kept. When `capacity` points are stored, every second one is dropped and the
stride doubles, so a run of 10⁶ epochs holds as many points as one of 10⁴, evenly spread over the run.
"""

from __future__ import annotations

import numpy as np

COLUMNS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")


class History:
    def __init__(self, capacity: int = 2048):
        self.capacity = capacity - capacity % 2
        self.stride = 1
        self._rows = np.empty((self.capacity, len(COLUMNS)))
        self._n = 0

    def wants(self, epoch: int) -> bool:
        return epoch % self.stride == 0

    def add(self, epoch, train_loss, test_loss, train_accuracy, test_accuracy) -> None:
        if not self.wants(epoch):  # an off-stride point would be dropped at the next thinning anyway
            return
        if self._n == self.capacity:
            # Keep the points on the doubled stride: a row survives when its epoch is a multiple of it.
            self.stride *= 2
            keep = self._rows[: self._n][self._rows[: self._n, 0] % self.stride == 0]
            self._n = len(keep)
            self._rows[: self._n] = keep
            if epoch % self.stride:
                return
        self._rows[self._n] = (epoch, train_loss, test_loss, train_accuracy, test_accuracy)
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def column(self, name: str) -> np.ndarray:
        """A copy of one column, oldest first (safe to hand to another thread)."""
        return self._rows[: self._n, COLUMNS.index(name)].copy()

    def as_array(self) -> np.ndarray:
        return self._rows[: self._n].copy()

    @classmethod
    def from_array(cls, rows: np.ndarray, stride: int = 1, capacity: int = 2048) -> History:
        history = cls(capacity)
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(COLUMNS))[-history.capacity :]
        history._rows[: len(rows)] = rows
        history._n = len(rows)
        history.stride = max(1, int(stride))
        return history
