"""Attack-sweep speed for `ml101 bench`: 33 poisoned models (11 fractions × 3 seeds) stacked, and one by one.

Stacked is what `ml101 attack poison --sweep` runs: `poison_sweep`, every model in one batched program
(engine/nets/stacked.py). Sequential is the same 33 poisonings trained one after another by the fastest
single-model path ml101 has (the fast NumPy net, no history, nothing but training and a test evaluation),
so the ratio says what stacking buys over simply looping. Both include making the poisoned data sets. The
mean test accuracies per fraction of the two runs are compared as a check that both did the same work.
"""

from __future__ import annotations

import time

import numpy as np

from ml101.engine.attacks import lab, poison_lab
from ml101.engine.attacks.poison import poison

SEEDS = 3


def warm_up(device: str = "cpu") -> None:
    """Import torch and run a tiny stack once, so neither is counted in the sweep's seconds."""
    from ml101.engine.attacks.lab import recipe, workshop_split
    from ml101.engine.nets.stacked import train_stacked

    data = workshop_split()
    train_stacked(recipe(epochs=3, device=device), data.X_train, data.y_train, [0, 1])


def stacked_seconds(device: str = "cpu", strategy: str = "random") -> tuple[float, np.ndarray]:
    exp = lab.recipe(device=device)
    start = time.perf_counter()
    points = poison_lab.poison_sweep(strategy, poison_lab.SWEEP_FRACTIONS, seeds=SEEDS, exp=exp)
    seconds = time.perf_counter() - start
    return seconds, np.array([p.poisoned_test_accuracy for p in points])


def sequential_seconds(strategy: str = "random") -> tuple[float, np.ndarray]:
    from ml101.engine.nets import build_net
    from ml101.engine.nets.numpy_net import init_params

    exp = lab.recipe()
    data = lab.workshop_split()
    start = time.perf_counter()
    means = []
    for fraction in poison_lab.SWEEP_FRACTIONS:
        accuracies = []
        for seed in lab.seed_list(SEEDS):
            plan = poison(strategy, data.X_train, data.y_train, fraction=fraction, seed=seed,
                          X_test=data.X_test, y_test=data.y_test)
            model = exp.with_changes(seed=seed)
            net = build_net(model, init_params(model))
            X, Y = net.prepare(plan.X, plan.y)
            for _ in range(exp.epochs):
                net.train_step(X, Y)
            accuracies.append(net.evaluate(*net.prepare(data.X_test, data.y_test))[1])
        means.append(round(float(np.mean(accuracies)), 4))
    return time.perf_counter() - start, np.array(means)


def sweep_figures() -> dict:
    """Seconds for the 33-model sweep stacked (CPU) and sequential."""
    warm_up()
    stacked, stacked_accuracy = stacked_seconds()
    sequential, sequential_accuracy = sequential_seconds()
    return {
        "sweep_models": len(stacked_accuracy) * SEEDS,
        "sweep_stacked_seconds": stacked,
        "sweep_sequential_seconds": sequential,
        "sweep_speedup": sequential / stacked,
        "sweep_accuracy_gap": float(np.max(np.abs(stacked_accuracy - sequential_accuracy))),
    }
