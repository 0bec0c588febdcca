"""The attack lab's work: one attack (maps and numbers) or a whole curve, run in a thread worker.

`run_job` is plain Python over the engine (testable without a screen): it trains, then turns the result
into pictures — model grids over the plot window plus the points to draw and the points to mark — so the
screen only draws. `start_job` runs it in a Textual thread worker that posts progress at most ten times a
second and one final message; cancelling the worker stops the engine at its next check (about 0.1 s).
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

import numpy as np
from textual.message import Message
from textual.worker import Worker, get_current_worker

from ml101.engine.attacks.lab import recipe, workshop_split
from ml101.engine.attacks.registry import POISON
from ml101.engine.data import MOONS_WINDOW, Split
from ml101.engine.errors import SpecError
from ml101.engine.nets.stacked import Cancelled, uses_torch
from ml101.engine.spec import Experiment
from ml101.tui.models import AttackSettings

GRID = (160, 120)  # pixels of every map grid: as fine as a 120×40 terminal shows, 4:3 like the window
PROGRESS_SECONDS = 0.1
NO_POINTS = np.zeros((0, 2))


@dataclass(frozen=True)
class Marks:
    """Points a map marks on top of the data: poisoned points, the target, the victim's answered queries."""

    kind: str  # "poisoned", "target", "query"
    X: np.ndarray  # (n, 2)
    labels: np.ndarray  # (n,) 0/1: the label the point carries now / the answer it got


@dataclass(frozen=True)
class Picture:
    """One map: a model's probabilities over the window, the data it learnt from, and the marks."""

    title: str  # i18n key
    grid: np.ndarray  # (ny, nx), row 0 = smallest y
    points: Split
    marks: tuple[Marks, ...] = ()
    legend: tuple[str, ...] = ()  # i18n keys of the marks this map uses


@dataclass(frozen=True)
class Job:
    kind: str  # "run" (one attack, pictures) or "curve" (a sweep)
    settings: AttackSettings
    seeds: int = 3
    exp: Experiment = field(default_factory=recipe)


@dataclass(frozen=True)
class RunResult:
    settings: AttackSettings
    numbers: dict  # the engine point's to_dict()
    pictures: tuple[Picture, ...]  # left, right (and the defended model)
    window: tuple[float, float, float, float] = MOONS_WINDOW


@dataclass(frozen=True)
class CurveResult:
    settings: AttackSettings
    rows: tuple[dict, ...]  # one engine point's to_dict() per fraction or budget


_torch_loaded = threading.Event()
_torch_lock = threading.Lock()


def wait_for_torch(should_cancel=None) -> None:
    """Import torch (seconds, the first time) in a daemon thread and wait for it while watching for a cancel.

    An import cannot be interrupted: done in the worker, quitting the app in the middle would have to wait
    for it. A daemon thread is simply left behind when the app ends."""
    if "torch" in sys.modules and _torch_loaded.is_set():
        return
    with _torch_lock:
        if not getattr(wait_for_torch, "started", False):
            wait_for_torch.started = True
            threading.Thread(target=_import_torch, name="ml101-import-torch", daemon=True).start()
    while not _torch_loaded.wait(PROGRESS_SECONDS):
        if should_cancel is not None and should_cancel():
            raise Cancelled()


def _import_torch() -> None:
    try:
        import torch  # noqa: F401
    finally:
        _torch_loaded.set()  # a failed import shows up where the engine imports torch itself


def run_job(job: Job, on_progress=None, should_cancel=None) -> RunResult | CurveResult:
    """Train what the job needs; raises Cancelled when `should_cancel()` turns true, SpecError for bad settings."""
    if uses_torch(job.exp):  # the NumPy path (always, without PyTorch) neither imports torch nor waits
        wait_for_torch(should_cancel)
    s = job.settings
    options = dict(seeds=job.seeds, exp=job.exp, on_progress=on_progress, should_cancel=should_cancel)
    if s.attack == "poison":
        from ml101.engine.attacks.poison_lab import poison_run, poison_sweep

        options["defense"] = s.defense
        if job.kind == "curve":
            return CurveResult(s, tuple(p.to_dict() for p in poison_sweep(s.poison_strategy, **options)))
        amount = dict(count=s.count) if s.uses_count else dict(fraction=s.fraction)
        point = poison_run(s.poison_strategy, **amount, **options)
        return RunResult(s, point.to_dict(), poison_pictures(point.example))
    from ml101.engine.attacks.steal import steal_run, steal_sweep
    from ml101.engine.victim import load_victim

    victim = load_victim()
    options.update(output=s.output, victim=victim)
    if job.kind == "curve":
        return CurveResult(s, tuple(p.to_dict() for p in steal_sweep(s.steal_strategy, **options)))
    point = steal_run(s.steal_strategy, s.budget, **options)
    return RunResult(s, point.to_dict(), steal_pictures(victim, point.example))


def _grid(net) -> np.ndarray:
    return net.grid(MOONS_WINDOW, *GRID)


def poison_pictures(example) -> tuple[Picture, ...]:
    data = workshop_split()
    poisoning = example.poisoning
    clean_points = Split(data.X_train, data.y_train, data.X_test, data.y_test)
    changed = poisoning.changed
    target = ()
    if poisoning.target is not None and POISON[poisoning.strategy].has_target:
        wanted = poisoning.target_label if poisoning.target_label is not None else 0.0
        target = (Marks("target", poisoning.target[None, :], np.array([wanted])),)
    poisoned = Picture(
        "attack.map.poisoned", _grid(example.poisoned),
        Split(poisoning.X, poisoning.y, data.X_test, data.y_test),
        (Marks("poisoned", poisoning.X[changed], poisoning.y[changed]), *target),
        ("attack.legend.poisoned", *(("attack.legend.target",) if target else ())),
    )
    pictures = [Picture("attack.map.clean", _grid(example.clean), clean_points), poisoned]
    if example.defended is not None and example.cleaning is not None:
        cleaning = example.cleaning
        keep = np.asarray(cleaning.keep, bool)
        still = changed[keep[changed] & (cleaning.y[changed] == poisoning.y[changed])]
        pictures.append(Picture(
            "attack.map.defended", _grid(example.defended),
            Split(poisoning.X[keep], cleaning.y[keep], data.X_test, data.y_test),
            (Marks("poisoned", poisoning.X[still], poisoning.y[still]), *target),
            ("attack.legend.missed", *(("attack.legend.target",) if target else ())),
        ))
    return tuple(pictures)


def steal_pictures(victim, example) -> tuple[Picture, ...]:
    data = workshop_split()
    answers = (np.asarray(example.answers) > 0.5).astype(float)
    return (
        Picture("attack.map.victim", _grid(victim.net), Split(data.X_train, data.y_train, data.X_test, data.y_test)),
        Picture("attack.map.copy", _grid(example.copy), Split(NO_POINTS, np.zeros(0), NO_POINTS, np.zeros(0)),
                (Marks("query", np.asarray(example.queries), answers),), ("attack.legend.query",)),
    )


# ----------------------------------------------------------------------------------------------------------
# Messages from the worker to the screen. `generation` tells the screen which job a message belongs to.


@dataclass(eq=False)  # a message, like the training worker's (tui/workers/messages.py says why eq=False)
class AttackProgress(Message):
    generation: int
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, AttackProgress)


@dataclass(eq=False)
class AttackFinished(Message):
    """The job ended: `result` when it succeeded; `cancelled`, `error` (bad input) or `bug` otherwise."""

    generation: int
    result: RunResult | CurveResult | None = None
    cancelled: bool = False
    error: SpecError | None = None
    bug: BaseException | None = None
    details: str = ""


def start_job(host, job: Job, generation: int, stopped: threading.Event | None = None) -> Worker:
    """Run `job` in a thread worker of `host`; `host` receives AttackProgress and one AttackFinished.

    `stopped` is set when the thread has really ended (a cancelled Textual worker reports "cancelled" at
    once, while its thread still runs to the engine's next check)."""

    def work() -> None:
        try:
            run()
        finally:
            if stopped is not None:
                stopped.set()

    def run() -> None:
        worker = get_current_worker()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_SECONDS:
                last[0] = now
                host.post_message(AttackProgress(generation, done, total))

        try:
            result = run_job(job, progress, lambda: worker.is_cancelled)
        except Cancelled:
            host.post_message(AttackFinished(generation, cancelled=True))
        except SpecError as err:
            host.post_message(AttackFinished(generation, error=err))
        except Exception as err:  # a bug: reported in a window, the app keeps running
            host.post_message(AttackFinished(generation, bug=err, details=traceback.format_exc()))
        else:
            if worker.is_cancelled:  # cancelled after the last check: the user asked to stop, so no result
                host.post_message(AttackFinished(generation, cancelled=True))
            else:
                host.post_message(AttackFinished(generation, result=result))

    return host.run_worker(work, name="attack", group="attack", thread=True, exclusive=True, exit_on_error=False)
