"""Long runs keep memory flat: the curves are thinned, never appended to without bound.

10⁶ real training steps take ≈ 45 s here (a 2-unit net still costs ≈ 45 µs a step in Python), too slow for a test:
the history alone sees 10⁶ epochs, and the trainer runs 2 × 20 000 steps under tracemalloc.
"""

from __future__ import annotations

import tracemalloc

import numpy as np

from ml101.engine.history import History
from ml101.engine.spec import Experiment
from ml101.engine.trainer import Trainer


def test_a_million_epochs_of_history_stay_bounded_and_evenly_spread():
    history = History()
    for epoch in range(1, 10**6 + 1):
        if history.wants(epoch):  # as the trainer asks
            history.add(epoch, 1.0 / epoch, 1.0 / epoch, 0.5, 0.5)
        if epoch in (10**3, 10**5):
            assert len(history) <= history.capacity
    epochs = history.column("epoch")
    assert len(history) <= history.capacity
    assert len(history) >= history.capacity // 2  # thinned, not emptied
    assert epochs[-1] > 0.99e6 and epochs[0] <= 10**6 / history.capacity * 2  # the whole run, start to end
    gaps = np.diff(epochs)
    assert (gaps == gaps[0]).all()  # evenly spread


def test_training_memory_does_not_grow_with_the_number_of_steps():
    exp = Experiment().with_changes(samples=10, test_fraction=0.2, layers="2", optimizer="sgd", lr=0.05, epochs=1)
    trainer = Trainer(exp)
    trainer.run(3000)  # past the first thinning of the history, with every buffer allocated
    tracemalloc.start()
    try:
        trainer.run(20_000)
        first_current, first_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        trainer.run(20_000)
        second_current, second_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert trainer.epoch == 43_000 and trainer.diverged is None
    assert len(trainer.history) <= trainer.history.capacity
    # A leak of even 4 bytes a step would add 80 kB over the second half.
    assert second_current - first_current < 16_000
    assert second_peak <= first_peak + 16_000
