"""The worker glue: one engine Trainer, stepped in a Textual thread worker, steered by queued commands.

The Trainer is not thread-safe, so after `start()` only the worker thread touches it. The screen `send`s
commands (tui/workers/commands.py: play, step, a setting change, ...) into a queue; the worker applies them
between chunks of training of about 50 ms, and posts a `Snapshot` of plain numbers and arrays back:
- at most ten a second, and never while the screen has not yet taken the previous one (back-pressure: a
  busy screen gets fewer, newer snapshots instead of a growing queue);
- with a fresh boundary grid at most three times a second while training, since the map changes slowly and
  every map redraw costs terminal bytes.
There are no per-step UI calls, so training speed does not depend on the screen.
Files (save, open, export) and hand edits of the data happen here too (tui/workers/file_jobs.py), since
they read or replace the Trainer; each answers with a `FileDone` or `DataEdited` message.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections.abc import Mapping
from typing import Any, assert_never

import numpy as np
from textual.worker import Worker, get_current_worker

from ml101.engine.errors import SpecError
from ml101.engine.history import COLUMNS
from ml101.engine.spec import Experiment
from ml101.engine.trainer import ChangeCost, Trainer
from ml101.tui.models import NO_LIMIT, MapView, TrainingState
from ml101.tui.workers.commands import (
    Change,
    Command,
    Edit,
    Export,
    GridSize,
    Load,
    Open,
    Reset,
    Restore,
    Save,
    ShowView,
    Step,
    Toggle,
    Undo,
)
from ml101.tui.workers.file_jobs import FilesAndEdits
from ml101.tui.workers.messages import (
    Replacement,
    RunPutAside,
    RunRestored,
    SettingApplied,
    SettingRejected,
    Snapshot,
    TrainingFailed,
)
from ml101.tui.workers.run_aside import Run, SetAside, before_change

CHUNK_SECONDS = 0.05
SNAPSHOT_SECONDS = 0.1
GRID_SECONDS = 0.33
IDLE_WAIT_SECONDS = 0.1  # how long a paused worker waits for a command before it looks for cancellation
HISTORY_ROWS = 400
MAX_GRID = (160, 100)


class TrainingRunner:
    """The screen's handle on the worker. Every method here is for the UI thread."""

    def __init__(self, host, exp: Experiment, trainer: Trainer | None = None):
        self._host = host
        self._exp = exp
        self._trainer = trainer
        self._commands: queue.SimpleQueue[tuple[int, Command]] = queue.SimpleQueue()
        self._in_flight = threading.Event()
        self.sent = 0
        self.worker: Worker | None = None
        self.stopped = threading.Event()  # set when the worker thread has really ended, not just been cancelled

    def start(self) -> Worker:
        self.worker = self._host.run_worker(
            self._work, name="training", group="training", thread=True, exclusive=True, exit_on_error=False
        )
        return self.worker

    def send(self, command: Command) -> int:
        """Queue a command; its number comes back as `TrainingState.ack` once the worker applied it."""
        self.sent += 1
        self._commands.put((self.sent, command))
        return self.sent

    def received(self) -> None:
        """The screen took the last snapshot: the worker may post the next."""
        self._in_flight.clear()

    def is_settled(self, state: TrainingState) -> bool:
        """True when `state` reflects every command sent so far and training is paused."""
        return state.ack == self.sent and not state.running

    def _work(self) -> None:
        worker = get_current_worker()
        try:
            _TrainingLoop(self, self._host, self._exp, self._trainer).run(lambda: worker.is_cancelled)
        except Exception as exc:  # the loop itself broke (its commands are guarded): never end silently
            self._host.post_message(TrainingFailed(exc, traceback.format_exc()))
        finally:
            self.stopped.set()


class _TrainingLoop(FilesAndEdits):
    """State owned by the worker thread."""

    def __init__(self, runner: TrainingRunner, host, exp: Experiment, trainer: Trainer | None):
        self.runner, self.host, self.exp = runner, host, exp
        self.trainer = trainer
        self.running = False
        self.target = 0
        self.chunk = 1
        self.view = MapView()
        self.grid_size = (0, 0)
        self.grid: np.ndarray | None = None
        self.grid_id = 0
        self.grid_epoch = -1
        self.grid_time = 0.0
        self.grid_stale = True
        self.ack = 0
        self.dirty = True
        self.last_post = 0.0
        self.posted_running = False
        self.undo: list = []  # earlier training points, newest last
        self.aside = SetAside()  # the run the last reset, new data, preset, ... replaced (key z)

    def run(self, cancelled) -> None:
        self._safely(self._build)
        while not cancelled():
            self._take_commands(wait=not self.running)
            if cancelled():
                break
            if self.running:
                self._safely(self._train_chunk)
            self._safely(self._publish)

    # commands -----------------------------------------------------------------------------------------
    def _take_commands(self, wait: bool) -> None:
        try:
            item = self.runner._commands.get(timeout=IDLE_WAIT_SECONDS) if wait else self.runner._commands.get_nowait()
        except queue.Empty:
            return
        while True:
            seq, command = item
            self._safely(self._apply, command)
            self.ack = seq
            self.dirty = True
            try:
                item = self.runner._commands.get_nowait()
            except queue.Empty:
                return

    def _apply(self, command: Command) -> None:
        match command:
            case Load(exp):
                self._load(exp)
            case Save() | Open() | Export():
                self._file(command)
            case _ if self.trainer is None:
                pass  # the first experiment could not be built: only a preset or a file can help
            case ShowView(view):
                self.view, self.grid_stale = view, True
            case GridSize(nx, ny):
                self.grid_size, self.grid_stale = (nx, ny), True
            case Toggle():
                if self.running:
                    self.running = False
                else:
                    self._play()
            case Step():
                self.running = False
                self.trainer.run(1)
            case Reset(new_seed):
                before = self._kept(before_change(self.trainer))
                self.trainer.reset(new_seed=new_seed)
                self._new_model()
                self._put_aside(before, "reset")
            case Restore():
                self._restore()
            case Change(changes):
                self._change(changes)
            case Edit():
                self._edit(command)
            case Undo():
                self._undo()
            case _:
                assert_never(command)

    def _play(self) -> None:
        trainer = self.trainer
        if trainer.diverged:
            return
        if trainer.epoch >= self.target:
            self.target = trainer.epoch + trainer.exp.epochs if trainer.exp.epochs else NO_LIMIT
        self.running = True

    def _change(self, changes: Mapping[str, Any]) -> None:
        before = self._kept(before_change(self.trainer))
        try:
            cost = self.trainer.change(**changes)
        except SpecError as exc:
            self.host.post_message(SettingRejected(exc.field, exc.message, self.trainer.exp, exc))
            return
        if cost == ChangeCost.DATA:
            self.undo = []  # the edited points are gone: nothing left to undo (but z brings them back)
        if cost != ChangeCost.LIVE:
            self._new_model()
            self._put_aside(before, cost)
        elif "epochs" in changes:
            self._set_target()
        self.host.post_message(SettingApplied(tuple(changes), cost))

    def _build(self) -> None:
        if self.trainer is None:
            self.trainer = Trainer(self.exp)  # here, not in the UI thread: torch may take a second to import
        self._new_model()

    def _load(self, exp: Experiment) -> None:
        if self.trainer is None:
            self.exp = exp
            self._build()
            return
        before = self._kept(self.trainer)
        try:
            self.trainer = Trainer(exp)
        except SpecError as exc:
            self.host.post_message(SettingRejected(exc.field, exc.message, self.trainer.exp, exc))
            return
        self.running = False
        self.undo = []
        self._new_model()
        self._put_aside(before, "preset")
        self.host.post_message(SettingApplied(("preset",), ChangeCost.DATA))

    def _new_model(self) -> None:
        self._set_target()
        self.grid_stale = True

    # the run a destructive key replaced (tui/workers/run_aside.py) -------------------------------------------
    def _kept(self, trainer: Trainer) -> Run:
        return Run(trainer, list(self.undo), self.target)  # a reset keeps the data: the list must not be shared

    def _put_aside(self, before: Run, what: Replacement) -> None:
        kept = self.aside.keep(before, self.trainer)
        if kept is not None:
            self.host.post_message(RunPutAside(what, before.trainer.epoch, kept=kept == "kept"))

    def _restore(self) -> None:
        back = self.aside.swap(self._kept(self.trainer))
        if back is None:
            self.host.post_message(RunRestored(None))
            return
        other = self.trainer.epoch
        self.trainer, self.undo, self.target = back.trainer, back.edits, back.target
        self.running = False  # what comes back is looked at first, not trained further by surprise
        self.grid_stale = True
        self.host.post_message(RunRestored(self.trainer.epoch, other))

    def _set_target(self) -> None:
        self.target = self.trainer.exp.epochs or NO_LIMIT

    # training -----------------------------------------------------------------------------------------
    def _train_chunk(self) -> None:
        trainer = self.trainer
        todo = min(self.chunk, self.target - trainer.epoch)
        if todo > 0:
            start = time.perf_counter()
            done = trainer.run(todo)
            elapsed = time.perf_counter() - start
            if done:
                # Size the next chunk to about 50 ms, growing at most 4× at a time.
                per_second = done / max(elapsed, 1e-6)
                self.chunk = max(1, min(self.chunk * 4, int(per_second * CHUNK_SECONDS)))
        if trainer.diverged or trainer.epoch >= self.target:
            self.running = False
        self.dirty = True

    # publishing ---------------------------------------------------------------------------------------
    def _publish(self) -> None:
        trainer = self.trainer
        if trainer is None:
            return
        now = time.monotonic()
        if self._grid_due(now):
            self._compute_grid(now)
        if not self.dirty or self.runner._in_flight.is_set():
            return
        if self.running and self.posted_running and now - self.last_post < SNAPSHOT_SECONDS:
            return  # a start or a stop is shown at once; progress ten times a second
        self.runner._in_flight.set()
        self.host.post_message(Snapshot(self._state()))
        self.dirty = False
        self.last_post = now
        self.posted_running = self.running

    def _grid_due(self, now: float) -> bool:
        if self.grid_size[0] < 1 or self.grid_size[1] < 1:
            return False
        if self.grid_stale:
            return True
        return self.trainer.epoch != self.grid_epoch and (not self.running or now - self.grid_time >= GRID_SECONDS)

    def _compute_grid(self, now: float) -> None:
        trainer = self.trainer
        nx, ny = min(self.grid_size[0], MAX_GRID[0]), min(self.grid_size[1], MAX_GRID[1])
        view = self._effective_view()
        # After divergence the weights may be inf; the grid is then NaN, which the map draws as unknown.
        with np.errstate(over="ignore", invalid="ignore"):
            self.grid = trainer.grid(nx, ny, untrained=view.untrained, neuron=view.neuron)
        self.grid_id += 1
        self.grid_epoch = trainer.epoch
        self.grid_time = now
        self.grid_stale = False
        self.dirty = True

    def _effective_view(self) -> MapView:
        return self.view.within(self.trainer.exp.layers)

    def _state(self) -> TrainingState:
        trainer = self.trainer
        rows = trainer.history.as_array()
        if len(rows) > HISTORY_ROWS:
            rows = rows[np.linspace(0, len(rows) - 1, HISTORY_ROWS).round().astype(int)]
        return TrainingState(
            exp=trainer.exp,
            epoch=trainer.epoch,
            target=self.target,
            metrics=trainer.metrics(),
            history={name: rows[:, i].copy() for i, name in enumerate(COLUMNS)},
            grid=self.grid,
            grid_id=self.grid_id,
            view=self._effective_view(),
            window=trainer.dataset.window,
            points=trainer.split,  # a new Split whenever the points change: widgets compare by identity
            steps_per_second=trainer.steps_per_second,
            running=self.running,
            diverged=trainer.diverged,
            ack=self.ack,
            parameter_count=trainer.exp.parameter_count(),
            device=str(getattr(trainer.net, "device", "cpu")),
            custom_data=trainer.custom_split,
        )

    # errors -------------------------------------------------------------------------------------------
    def _safely(self, fn, *args) -> None:
        """Run one piece of work; a bug pauses training and is reported, the worker lives on."""
        try:
            fn(*args)
        except Exception as exc:  # any bug: report it to the screen and keep serving commands
            self.running = False
            self.dirty = True
            self.host.post_message(TrainingFailed(exc, traceback.format_exc()))
