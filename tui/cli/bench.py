"""`ml101 bench`: how fast ml101 trains and how the app behaves, measured side by side on this machine.

Progress goes to stderr; stdout gets a table, or with --json one object of numbers (keys in README,
"Performance"). A figure that cannot be measured here is left out and named on stderr, never guessed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile

# figure → (comparison, bound, what the issue asks); ratios hold across machines, absolute figures are for 2 cores
TARGETS = {
    "fastest_steps_per_second": (">=", 3000, "fastest backend, single thread"),
    "fastest_vs_torch_reference": (">=", 2.4, "fastest backend ÷ plain PyTorch loop"),
    "seconds_to_97": ("<=", 0.5, "default preset to test accuracy ≥ 0.97"),
    "sweep_stacked_seconds": ("<=", 5.0, "33-model poisoning sweep, stacked"),
    "sweep_speedup": (">=", 3.0, "sweep: sequential ÷ stacked"),
    "app_vs_headless": (">=", 0.7, "training steps/s in the app ÷ headless"),
    "key_latency_p95_ms": ("<=", 100, "key press to repaint while training, p95"),
    "app_first_frame_seconds": ("<=", 1.0, "start to first frame"),
    "rss_numpy_mb": ("<=", 120, "app peak memory, NumPy backend"),
    "terminal_bytes_per_second": ("<=", 20 * 1024, "terminal output while training at 80×24"),
}

# How a figure that needs PyTorch is named on stderr when torch is not installed: a skip, not a failure.
SKIPPED = "skipped, needs PyTorch"

# --only's names for the parts, in the order they run
SECTIONS = {
    "training": "training speed",
    "preset": "default preset to 0.97",
    "sweep": "attack sweep",
    "start": "app start and memory",
    "app": "app while training",
}

# (epochs per round for numpy, torch, torch_reference, notebook_loop), rounds, app seconds, key presses; the
# quick plan times the attack sweep on the path the lab takes only (the other's import and warm-up are 5 s)
PLANS = {
    "quick": dict(epochs=dict(numpy=1500, torch=400, torch_reference=400, notebook_loop=300), rounds=1,
                  to_97_repeats=3, first_frames=1, app_seconds=2.0, presses=6, sweep_rounds=1,
                  sweep_both_paths=False),
    "full": dict(epochs=dict(numpy=3000, torch=1500, torch_reference=1500, notebook_loop=1000), rounds=3,
                 to_97_repeats=5, first_frames=3, app_seconds=10.0, presses=20, sweep_rounds=3,
                 sweep_both_paths=True),
}


def add_parser(commands) -> None:
    p = commands.add_parser("bench", help="measure training speed and the app's responsiveness",
                            description=__doc__)
    p.add_argument("--json", action="store_true", help="print one JSON object of numbers")
    p.add_argument("--quick", action="store_true", help="shorter runs (about half a minute), for CI")
    p.add_argument("--gpu", action="store_true", help="only the GPU part: stacked sweep and one net on CUDA vs CPU")
    p.add_argument("--only", metavar="PARTS", type=parts,
                   help=f"only these parts, comma-separated ({', '.join(SECTIONS)}); e.g. --only app to measure "
                        "the screen while training (steps/s, key latency, terminal bytes) in a few seconds")
    p.set_defaults(run=run)


def say(message: str) -> None:
    print(f"ml101 bench: {message}", file=sys.stderr, flush=True)


def run(args) -> int:
    if args.gpu and args.only:
        from ml101.engine.errors import SpecError

        raise SpecError("--only", "cannot be used with --gpu, which measures the GPU part only")
    if args.gpu:
        from ml101.tui.bench.gpu import gpu_figures

        figures, problems = gpu_figures(quick=args.quick, progress=say), {}
    else:
        figures, problems = measure(PLANS["quick" if args.quick else "full"], quick=args.quick, only=args.only)
    for name, problem in problems.items():
        say(f"not measured: {name}: {problem}")
    if args.json:
        print(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    else:
        print_table(figures)
    return 1 if any(not p.startswith(("not built yet", SKIPPED)) for p in problems.values()) else 0


def parts(text: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [part for part in chosen if part not in SECTIONS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(SECTIONS)} (got {text!r})")
    return chosen


def measure(plan: dict, quick: bool, only: tuple[str, ...] | None = None) -> tuple[dict, dict]:
    """Every figure (or those of the parts in `only`), part by part; a part that fails is reported and the
    others still run."""
    figures: dict[str, float] = {"quick": 1 if quick else 0, "cpus": os.cpu_count() or 1}
    problems: dict[str, str] = {}
    run = {
        "training": lambda: training_speed(plan),
        "preset": lambda: time_to_97(plan),
        "sweep": lambda: sweep(plan),
        "start": lambda: app_start(plan),
        "app": lambda: app_training(plan),
    }
    sections = [(SECTIONS[part], run[part]) for part in SECTIONS if only is None or part in only]
    from ml101.engine.nets import TORCH_INSTALL, has_torch

    if not has_torch():  # these figures are PyTorch's own; the NumPy ones beside them still come
        needs = {"training": "torch, torch_reference and notebook_loop steps/s", "start": "rss_torch_mb"}
        problems.update({f"{SECTIONS[part]}: {what}": f"{SKIPPED} ({TORCH_INSTALL})"
                         for part, what in needs.items() if only is None or part in only})
    for number, (name, section) in enumerate(sections, 1):
        say(f"[{number}/{len(sections)}] {name}")
        try:
            found = section()
        except Exception as exc:  # one broken part must not hide the others' figures
            if os.environ.get("ML101_DEBUG"):
                raise
            problems[name] = f"{type(exc).__name__}: {exc}"
            continue
        if isinstance(found, str):
            problems[name] = found
            continue
        figures.update(found)
    met = [name for name in TARGETS if name in figures and target_met(name, figures[name])]
    figures["targets_met"] = len(met)
    figures["targets_measured"] = sum(name in figures for name in TARGETS)
    return figures, problems


def training_speed(plan: dict) -> dict:
    from ml101.tui.bench.training import steps_per_second

    best = steps_per_second(plan["epochs"], plan["rounds"], progress=say)
    if "torch" not in best:
        return {"numpy_steps_per_second": best["numpy"], "fastest_steps_per_second": best["numpy"]}
    fastest = max(best["numpy"], best["torch"])
    ref, notebook = best["torch_reference"], best["notebook_loop"]
    return {
        "numpy_steps_per_second": best["numpy"],
        "torch_steps_per_second": best["torch"],
        "torch_reference_steps_per_second": ref,
        "notebook_loop_steps_per_second": notebook,
        "fastest_steps_per_second": fastest,
        "fastest_vs_torch_reference": fastest / ref,
        "fastest_vs_notebook_loop": fastest / notebook,
        "numpy_vs_torch_reference": best["numpy"] / ref,
        "torch_vs_torch_reference": best["torch"] / ref,
    }


def time_to_97(plan: dict) -> dict:
    from ml101.tui.bench.training import seconds_to_accuracy

    runs = [seconds_to_accuracy() for _ in range(plan["to_97_repeats"])]
    if any("seconds_to_97" not in r for r in runs):
        return "the default preset did not reach test accuracy 0.97"
    median = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    return {
        "seconds_to_97": median("seconds_to_97"),
        "epochs_to_97": median("epochs_to_97"),
        "quick_preset_seconds": median("preset_seconds"),
        "quick_preset_test_accuracy": min(r["preset_test_accuracy"] for r in runs),
    }


def sweep(plan: dict) -> dict:
    from ml101.tui.bench import sweep as bench_sweep

    say("sweep: 33 models stacked (each stacked path where PyTorch is installed), then the same one by one")
    return bench_sweep.sweep_figures(plan["sweep_rounds"], both_paths=plan["sweep_both_paths"])


def app_start(plan: dict) -> dict:
    from ml101.tui.bench.terminal import first_frame, memory_with_torch

    starts = []
    for i in range(plan["first_frames"]):
        say(f"app: start to first frame ({i + 1} of {plan['first_frames']})")
        starts.append(first_frame()["first_frame_seconds"])
    figures = {"app_first_frame_seconds": statistics.median(starts)}
    from ml101.engine.nets import has_torch

    if has_torch():
        say("app: peak memory once torch is loaded (the notebook-torch preset)")
        figures["rss_torch_mb"] = memory_with_torch(["--preset", "notebook-torch"])
    return figures


def app_training(plan: dict) -> dict:
    from ml101.engine.spec import preset
    from ml101.engine.store import save_experiment
    from ml101.engine.trainer import Trainer
    from ml101.tui.bench.terminal import training_session
    from ml101.tui.bench.training import backend_steps_per_second

    with tempfile.TemporaryDirectory(prefix="ml101-bench-") as folder:
        path = os.path.join(folder, "endless.npz")
        save_experiment(path, Trainer(preset("quick").with_changes(epochs=0)))  # epochs 0: no goal, trains on
        say("app: the same training headless")
        # the app trains on past epoch 2048, where the history records every second epoch or fewer: compare
        # with headless training in the same stretch, best of two
        headless = max(backend_steps_per_second("numpy", plan["epochs"]["numpy"], warm=2048) for _ in range(2))
        session = training_session(path, plan["app_seconds"], plan["presses"], progress=say)
    return {
        "app_steps_per_second": session["app_steps_per_second"],
        "headless_steps_per_second": headless,
        "app_vs_headless": session["app_steps_per_second"] / headless,
        "key_latency_p50_ms": session["key_latency_p50_ms"],
        "key_latency_p95_ms": session["key_latency_p95_ms"],
        "terminal_bytes_per_second": session["bytes_per_second_training"],
        "terminal_bytes_per_second_paused": session["bytes_per_second_paused"],
        "rss_numpy_mb": session["peak_rss_mb"],
    }


def target_met(name: str, value: float) -> bool:
    comparison, bound, _ = TARGETS[name]
    return value >= bound if comparison == ">=" else value <= bound


def print_table(figures: dict) -> None:
    width = max(len(k) for k in figures)
    for name, value in figures.items():
        line = f"{name:<{width}}  {_number(value):>10}"
        if name in TARGETS:
            comparison, bound, what = TARGETS[name]
            verdict = "ok" if target_met(name, value) else "MISSED"
            line += f"   target {comparison} {bound:g} ({what}): {verdict}"
        print(line)


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:#.3g}"
