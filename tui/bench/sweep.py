"""Attack-sweep speed for `ml101 bench`: 33 poisoned models (11 fractions × 3 seeds) stacked, and one by one.

Stacked is what `ml101 attack poison --sweep` runs: `poison_sweep`, every model in one batched program
(engine/nets/stacked.py), on the path the lab takes here. Where PyTorch is installed, the full plan times both stacked
paths too (`sweep_stacked_numpy_seconds`, `sweep_stacked_torch_seconds`), one of the figures behind `stacked.CPU_PATH`
(whose comment gives the others). Sequential is the same 33 poisonings trained one after another by the fastest
single-model path ml101 has (the fast NumPy net, no history, nothing but training and a test evaluation), so the ratio
says what stacking buys over simply looping. Both include making the poisoned data sets. The mean test accuracies per
fraction of the two runs are compared as a check that both did the same work.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import numpy as np

from ml101.engine.attacks import lab, poison_lab
from ml101.engine.attacks.poison import poison
from ml101.engine.nets import has_torch, stacked

SEEDS = 3


def warm_up(device: str = "cpu", path: str | None = None) -> None:
    """Import the path's library (torch: seconds) and run a tiny stack once, so neither is counted."""
    data = lab.workshop_split()
    stacked.train_stacked(lab.recipe(epochs=3, device=device), data.X_train, data.y_train, [0, 1], path=path)


@contextmanager
def cpu_path(path: str | None):
    """The lab's stacks on the CPU take `path` meanwhile (None: leave the choice as it is)."""
    chosen = stacked.CPU_PATH
    stacked.CPU_PATH = path or chosen
    try:
        yield
    finally:
        stacked.CPU_PATH = chosen


def stacked_seconds(device: str = "cpu", strategy: str = "random", path: str | None = None) -> tuple[float, np.ndarray]:
    exp = lab.recipe(device=device)
    with cpu_path(path):
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


def sweep_figures(rounds: int = 1, both_paths: bool = True) -> dict:
    """Seconds for the 33-model sweep stacked (CPU) and sequential; with PyTorch and `both_paths`, each stacked
    path too (best of `rounds`, rounds alternating between the paths so that load from elsewhere hits both)."""
    chosen = stacked.path_name(lab.recipe(device="cpu"))
    paths = tuple(dict.fromkeys((chosen, "numpy", "torch"))) if both_paths and has_torch() else (chosen,)
    for path in paths:
        warm_up(path=path)
    best = dict.fromkeys(paths, float("inf"))
    accuracy = {}
    for _ in range(rounds):
        for path in paths:
            seconds, accuracy[path] = stacked_seconds(path=path)
            best[path] = min(best[path], seconds)
    stacked_time, stacked_accuracy = best[chosen], accuracy[chosen]
    sequential, sequential_accuracy = sequential_seconds()
    figures = {
        "sweep_models": len(stacked_accuracy) * SEEDS,
        "sweep_stacked_seconds": stacked_time,
        "sweep_sequential_seconds": sequential,
        "sweep_speedup": sequential / stacked_time,
        "sweep_accuracy_gap": float(np.max(np.abs(stacked_accuracy - sequential_accuracy))),
    }
    figures.update({f"sweep_stacked_{path}_seconds": best[path] for path in paths})
    return figures
