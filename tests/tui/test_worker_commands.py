"""Every command the Train screen can send is one the training worker knows, and each gets its answer.

The worker is driven here without an app (a host that only collects messages), so a command added to
tui/workers/commands.py but not to the worker's `match` shows up as a failure, not as a key that silently
does nothing (the worker would report it as a bug, in a window, only when someone pressed that key).
"""

from __future__ import annotations

import typing

from ml101.engine.spec import preset
from ml101.engine.trainer import ChangeCost
from ml101.tui.models import MapView
from ml101.tui.workers import commands as c
from ml101.tui.workers.messages import DataEdited, FileDone, RunRestored, SettingApplied, TrainingFailed
from ml101.tui.workers.training import TrainingRunner, _TrainingLoop


class Host:
    def __init__(self) -> None:
        self.messages: list = []

    def post_message(self, message) -> bool:
        self.messages.append(message)
        return True


def worker():
    host = Host()
    runner = TrainingRunner(host, preset("quick"))
    loop = _TrainingLoop(runner, host, runner._exp, None)
    loop._build()
    return runner, loop, host


def apply(runner, loop, host, command) -> list:
    """Send `command` as the screen does and let the worker take it; the messages it answered with."""
    host.messages.clear()
    sent = runner.send(command)
    loop._take_commands(wait=False)
    assert loop.ack == sent
    return list(host.messages)


def test_every_command_is_applied_without_a_bug_report(tmp_path):
    quick = preset("quick")
    saved = str(tmp_path / "run.toml")
    samples = [
        c.Toggle(), c.Toggle(), c.Step(), c.Reset(new_seed=True), c.Change({"lr": 0.01}), c.Load(quick),
        c.GridSize(8, 6), c.ShowView(MapView(untrained=True)), c.Save(saved), c.Open(saved),
        c.Export(str(tmp_path / "curves.csv"), "csv"), c.Edit("add", 0.0, 0.0, 1), c.Edit("flip", 0.0, 0.0),
        c.Edit("delete", 0.0, 0.0), c.Undo(), c.Restore(),
    ]
    assert {type(s) for s in samples} == set(typing.get_args(c.Command)), "a command without a sample here"
    runner, loop, host = worker()
    for command in samples:
        answers = apply(runner, loop, host, command)
        assert not [m for m in answers if isinstance(m, TrainingFailed)], command


def test_the_answers_name_what_was_done(tmp_path):
    runner, loop, host = worker()
    [applied] = apply(runner, loop, host, c.Change({"lr": 0.01}))
    assert isinstance(applied, SettingApplied) and applied.cost is ChangeCost.LIVE and applied.fields == ("lr",)

    path = str(tmp_path / "curves.csv")
    [done] = apply(runner, loop, host, c.Export(path, "csv"))
    assert isinstance(done, FileDone) and done.error is None and done.job == c.Export(path, "csv")
    trainer = loop.trainer
    [failed] = apply(runner, loop, host, c.Open(str(tmp_path / "missing.toml")))
    assert isinstance(failed, FileDone) and "missing.toml" in str(failed.error)
    assert loop.trainer is trainer  # a file that cannot be opened leaves the experiment as it was

    points = len(loop.trainer.split.y_train)
    [added] = apply(runner, loop, host, c.Edit("add", 0.5, 0.5, 1))
    assert isinstance(added, DataEdited) and added.edit.kind == "add" and added.train_points == points + 1
    [undone] = apply(runner, loop, host, c.Undo())
    assert undone.undone and undone.train_points == points and undone.undo_left == 0

    [nothing] = apply(runner, loop, host, c.Restore())
    assert isinstance(nothing, RunRestored) and nothing.epoch is None  # nothing trained, so nothing put aside


def test_something_that_is_not_a_command_is_reported_and_the_worker_goes_on():
    runner, loop, host = worker()
    answers = apply(runner, loop, host, "toggle")  # the old string form
    assert [type(m) for m in answers] == [TrainingFailed]
    assert [type(m) for m in apply(runner, loop, host, c.Step())] == []
    assert loop.trainer.epoch == 1
