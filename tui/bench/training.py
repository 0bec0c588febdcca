"""Training speed for `ml101 bench`: ml101's backends against the loops people write by hand, in one process.

Every loop trains the workshop net (2-25-50-25-1, relu, Adam lr 0.01, float32) on the workshop's 900
training points, full batch, on one thread. ml101's backends are measured through `Trainer.run`, as
`ml101 train` and the app use them (history recording included). The reference loops are what a person
writes with PyTorch:
- `torch_reference`: nn.Sequential, BCEWithLogitsLoss, autograd, optimizer.step — nothing else per step;
- `notebook_loop`: the workshop notebook's loop, which also copies the train and test loss and accuracy to
  NumPy every epoch (a sigmoid output layer and BCELoss, as in the notebook).
Rounds alternate between the loops and each keeps its best round, so that a burst of load from another
program on a shared machine hits all of them alike instead of deciding a ratio.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ml101.engine.spec import Experiment, preset

Progress = Callable[[str], None]


def workshop_experiment(**changes) -> Experiment:
    """The net of `ml101 train --layers 25,50,25 --activation relu --optimizer adam --lr 0.01`."""
    return preset("quick").with_changes(preset="custom", **changes)


def backend_steps_per_second(backend: str, epochs: int, warm: int = 20, **changes) -> float:
    """Steps/s of `Trainer.run` (what `ml101 train --json` reports as steps_per_second) over `epochs` epochs
    after `warm` ones (the first steps allocate buffers and warm caches; the history records every epoch
    of the first 2048, then every second, fourth, …)."""
    from ml101.engine.trainer import Trainer

    trainer = Trainer(workshop_experiment(backend=backend, epochs=epochs, **changes))
    trainer.run(warm)
    warm_epochs, warm_seconds = trainer.epoch, trainer.seconds
    trainer.run(epochs)
    return (trainer.epoch - warm_epochs) / (trainer.seconds - warm_seconds)


def _tensors():
    """The workshop's train and test points as float32 tensors (n, 2) and labels (n, 1)."""
    import torch

    from ml101.engine.data import generate, split

    exp = workshop_experiment()
    s = split(generate(exp.data, exp.samples, exp.noise, exp.data_seed), exp.test_fraction, exp.split_seed)
    as_tensor = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    return (as_tensor(s.X_train), as_tensor(s.y_train).reshape(-1, 1),
            as_tensor(s.X_test), as_tensor(s.y_test).reshape(-1, 1))


def _sequential(sigmoid_output: bool):
    from torch import nn

    modules = [nn.Linear(2, 25), nn.ReLU(), nn.Linear(25, 50), nn.ReLU(), nn.Linear(50, 25), nn.ReLU(),
               nn.Linear(25, 1)]
    return nn.Sequential(*modules, nn.Sigmoid()) if sigmoid_output else nn.Sequential(*modules)


def torch_reference_steps_per_second(epochs: int) -> float:
    """A plain PyTorch training loop, written the usual way, on one thread."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    X, Y, _, _ = _tensors()
    model = _sequential(sigmoid_output=False)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        optimizer.step()

    for _ in range(20):
        step()
    start = time.perf_counter()
    for _ in range(epochs):
        step()
    return epochs / (time.perf_counter() - start)


def notebook_loop_steps_per_second(epochs: int) -> float:
    """The notebook's loop: a step, then train and test loss and accuracy copied to NumPy every epoch."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    X, Y, X_test, Y_test = _tensors()
    model = _sequential(sigmoid_output=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.BCELoss()
    curves = {"train_cost": [], "train_acc": [], "test_cost": [], "test_acc": []}

    def epoch():
        y_hat = model(X)
        loss = loss_fn(y_hat, Y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        curves["train_cost"].append(loss.detach().numpy())
        curves["train_acc"].append(((y_hat > 0.5) == (Y > 0.5)).float().mean().numpy())
        with torch.no_grad():
            y_test = model(X_test)
            curves["test_cost"].append(loss_fn(y_test, Y_test).numpy())
            curves["test_acc"].append(((y_test > 0.5) == (Y_test > 0.5)).float().mean().numpy())

    for _ in range(20):
        epoch()
    start = time.perf_counter()
    for _ in range(epochs):
        epoch()
    return epochs / (time.perf_counter() - start)


def steps_per_second(epochs: dict[str, int], rounds: int, progress: Progress | None = None) -> dict[str, float]:
    """Best-of-`rounds` steps/s of each loop, rounds interleaved. `epochs` maps loop name → epochs per round.
    Without PyTorch only the NumPy backend runs (the other three loops are PyTorch)."""
    from ml101.engine.nets import has_torch

    loops = {"numpy": lambda n: backend_steps_per_second("numpy", n)}
    if has_torch():
        loops.update({
            "torch": lambda n: backend_steps_per_second("torch", n),
            "torch_reference": torch_reference_steps_per_second,
            "notebook_loop": notebook_loop_steps_per_second,
        })
    best = dict.fromkeys(loops, 0.0)
    for r in range(rounds):
        for name, loop in loops.items():
            if progress:
                progress(f"steps/s: {name} (round {r + 1} of {rounds})")
            best[name] = max(best[name], loop(epochs[name]))
    return best


def seconds_to_accuracy(target: float = 0.97, check_every: int = 10, preset_name: str = "quick") -> dict:
    """Wall-clock seconds from building the default preset's trainer until its test accuracy first reaches
    `target` (checked every `check_every` epochs; the checks count), and the whole preset's run."""
    from ml101.engine.trainer import Trainer

    exp = preset(preset_name)
    start = time.perf_counter()
    trainer = Trainer(exp)
    reached = None
    while trainer.epoch < exp.epochs:
        trainer.run(min(check_every, exp.epochs - trainer.epoch))
        if reached is None and trainer.metrics().test_accuracy >= target:
            reached = (time.perf_counter() - start, trainer.epoch)
    total = time.perf_counter() - start
    final = trainer.metrics().test_accuracy
    result = {"preset_seconds": total, "preset_epochs": exp.epochs, "preset_test_accuracy": final}
    if reached is not None:
        result.update(seconds_to_97=reached[0], epochs_to_97=reached[1])
    return result
