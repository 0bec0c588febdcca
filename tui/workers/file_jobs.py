"""The training worker's files (save, open, export) and hand edits of the points.

A mixin of `_TrainingLoop` (tui/workers/training.py), kept apart so that each file stays short. These run
in the worker thread because they read or replace the Trainer, which only that thread touches; each answers
the screen with a `FileDone` or `DataEdited` message.
"""

from __future__ import annotations

from typing import assert_never

from ml101.engine import data_edit
from ml101.engine.errors import SpecError
from ml101.tui.workers.commands import Edit, Export, FileJob, Open, Save
from ml101.tui.workers.messages import DataEdited, FileDone

MAX_UNDO = 500  # hand edits kept for undo; each is one copy of the training points (≈ 30 KB for 900)
EXPORTERS = {"csv": "export_history_csv", "npz": "export_weights_npz", "torch": "export_torch"}
FILE_ERRORS = (SpecError, OSError, ValueError, ImportError)  # a file's fault or the disk's: told, not a bug


class FilesAndEdits:
    """File jobs and hand edits (mixed into _TrainingLoop, which owns `trainer`, `undo` and the run put aside)."""

    def _file(self, job: FileJob) -> None:
        from ml101.engine import export
        from ml101.engine.store import load_experiment, save_experiment

        try:
            match job:
                case Open(path):
                    trainer = load_experiment(path)  # the current experiment stays unless this succeeds
                    before = self._kept(self.trainer)
                    self.trainer, self.running = trainer, False
                    self.undo = []
                    self._new_model()
                    self._put_aside(before, "open")
                case Save(path):
                    save_experiment(path, self.trainer)
                case Export(path, kind):
                    getattr(export, EXPORTERS[kind])(path, self.trainer)
                case _:
                    assert_never(job)
        except FILE_ERRORS as exc:
            self.host.post_message(FileDone(job, error=exc))
            return
        self.host.post_message(FileDone(job, exp=self.trainer.exp, epoch=self.trainer.epoch))

    def _edit(self, edit: Edit) -> None:
        trainer = self.trainer
        before = trainer.split
        try:
            match edit.kind:
                case "add":
                    points, done = data_edit.add_point(before, edit.x, edit.y, edit.label)
                case "flip":
                    points, done = data_edit.flip_nearest(before, edit.x, edit.y)
                case "delete":
                    points, done = data_edit.delete_nearest(before, edit.x, edit.y)
                case _:
                    assert_never(edit.kind)
        except SpecError as exc:
            self.host.post_message(DataEdited(None, len(before.y_train), error=exc))
            return
        self.undo.append(before)
        del self.undo[:-MAX_UNDO]
        trainer.use_split(points)
        self.host.post_message(DataEdited(done, len(points.y_train), undo_left=len(self.undo)))

    def _undo(self) -> None:
        trainer, undone = self.trainer, bool(self.undo)
        if undone:
            trainer.use_split(self.undo.pop())
        self.host.post_message(DataEdited(None, len(trainer.split.y_train), undone=undone, undo_left=len(self.undo)))
