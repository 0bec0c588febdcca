"""The GPU part of `ml101 bench` (`ml101 bench --gpu`, scripts/gpu_bench.sh): where a GPU pays off and where not.

- one workshop net with the torch backend on CUDA and on the CPU (a single small net is launch-bound on a
  GPU: that is why `device auto` keeps it on the CPU), and the fast NumPy net for comparison;
- the 33-model poisoning sweep stacked on CUDA and on the CPU;
- a big stack (1001 workshop nets, full batch, Adam) on CUDA: model-steps per second.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ml101.engine.errors import SpecError


def gpu_figures(quick: bool = False, progress: Callable[[str], None] | None = None, gpu: str = "cuda",
                models: int = 1001) -> dict:
    """`gpu` and `models` exist for a dry run of this code on a machine without a GPU (gpu="cpu")."""
    from ml101.engine.nets import require_torch

    require_torch("--gpu", "the GPU part")
    import torch

    from ml101.tui.bench import sweep as bench_sweep
    from ml101.tui.bench.training import backend_steps_per_second

    say = progress or (lambda _message: None)
    if gpu == "cuda" and not torch.cuda.is_available():
        raise SpecError("--gpu", "no CUDA GPU here (torch.cuda.is_available() is False); run it on a GPU machine")
    if gpu == "cuda":
        say(f"GPU: {torch.cuda.get_device_name(0)}")
    epochs = 300 if quick else 1000
    figures: dict[str, float] = {"quick": 1 if quick else 0}
    say("one net: torch on CUDA, torch on the CPU, NumPy")
    figures["single_torch_cuda_steps_per_second"] = backend_steps_per_second("torch", epochs, device=gpu)
    figures["single_torch_cpu_steps_per_second"] = backend_steps_per_second("torch", epochs, device="cpu")
    figures["single_numpy_steps_per_second"] = backend_steps_per_second("numpy", epochs * 3)
    for name, device in (("cuda", gpu), ("cpu", "cpu")):
        say(f"sweep: 33 models stacked on {device}")
        bench_sweep.warm_up(device)
        figures[f"sweep_stacked_{name}_seconds"] = bench_sweep.stacked_seconds(device)[0]
    figures["sweep_cpu_vs_cuda"] = figures["sweep_stacked_cpu_seconds"] / figures["sweep_stacked_cuda_seconds"]
    stack_epochs = 100 if quick else 300
    say(f"big stack: {models} nets × {stack_epochs} epochs on {gpu}")
    seconds = _stack_seconds(models, stack_epochs, gpu)
    figures[f"stack_{models}_cuda_model_steps_per_second"] = models * stack_epochs / seconds
    return figures


def _stack_seconds(models: int, epochs: int, device: str) -> float:
    import torch

    from ml101.engine.data import generate, split
    from ml101.engine.nets.stacked import train_stacked
    from ml101.engine.spec import preset

    exp = preset("quick").with_changes(device=device)
    s = split(generate(exp.data, exp.samples, exp.noise, exp.data_seed), exp.test_fraction, exp.split_seed)
    train_stacked(exp.with_changes(epochs=3), s.X_train, s.y_train, list(range(models)))  # warm-up
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    stack = train_stacked(exp.with_changes(epochs=epochs), s.X_train, s.y_train, list(range(models)))
    float(stack.weights[0].sum())  # waits for the GPU
    return time.perf_counter() - start
