"""The Train screen's files and hand edits: save (ctrl+s), open (ctrl+o), export (E), edit the points (c).

A mixin of `TrainScreen`, kept apart so that each file stays short. Dialogs ask; the worker reads and
writes (it owns the Trainer) and answers with `FileDone` / `DataEdited`; this side tells the user.
"""

from __future__ import annotations

from ml101.engine.errors import SpecError
from ml101.engine.safe_text import printable
from ml101.tui.i18n import explain, t
from ml101.tui.widgets.data_cursor import DataCursorMap
from ml101.tui.widgets.file_dialogs import ExportDialog, OpenDialog, PathDialog, SaveDialog, default_name, shown
from ml101.tui.widgets.messages import CursorLeft, DataEditRequested
from ml101.tui.workers.commands import Edit, Export, Open, Save, Undo
from ml101.tui.workers.messages import DataEdited, FileDone


def file_error(error: BaseException, path: str) -> str:
    """One line for what went wrong with a file: the file's fault or the disk's (a missing PyTorch is a
    SpecError from the engine, with the line that says how to add it)."""
    if isinstance(error, SpecError):
        return explain(error)
    if isinstance(error, OSError):
        return t("file.os_error", name=shown(path), reason=printable(error.strerror or str(error), 120))
    return f"{shown(path)}: {printable(str(error), 200)}"


def coordinates(x: float, y: float) -> dict:
    return {"x": f"{x:.2f}", "y": f"{y:.2f}"}


class FilesAndEdits:
    """Actions and worker answers for files and hand edits (mixed into TrainScreen)."""

    # files ------------------------------------------------------------------------------------------
    def _epoch(self) -> int:
        return self.state.epoch if self.state is not None else 0

    def action_save(self) -> None:
        if self.state is not None and self.state.diverged:
            self.say("file.diverged", error=True)
            return
        # The dialog stays open until the worker answers: a failed save is told inside it (on_file_done).
        self.app.push_screen(SaveDialog(default_name(self.exp, self._epoch()), submit=self._save_to))

    def _save_to(self, path: str | None) -> None:
        if path:
            self._send(Save(path))

    def action_open(self) -> None:
        from ml101.tui.settings import recent_experiments, recent_problems

        self.app.push_screen(OpenDialog(recent_experiments(), submit=self._open_from))
        self._tell_recent_notes(recent_problems())

    def _tell_recent_notes(self, notes: list[str]) -> None:
        for note in notes:  # markup=False: the note quotes a broken entry of the user's file
            self.app.notify(t("file.recent_note", note=note), severity="warning", timeout=10, markup=False)

    def _open_from(self, path: str | None) -> None:
        if path:
            self._send(Open(path))
            self.say("file.opening", name=shown(path))

    def action_export(self) -> None:
        if self.state is not None and self.state.diverged:
            self.say("file.diverged", error=True)
            return
        self.app.push_screen(ExportDialog(self.exp, self._epoch(), submit=self._export_to))

    def _export_to(self, choice) -> None:
        if choice:
            kind, path = choice
            if kind == "torch":
                self.say("msg.loading_torch")
            self._send(Export(path, kind))

    def _waiting_dialog(self, path: str) -> PathDialog | None:
        return next((s for s in reversed(self.app.screen_stack) if isinstance(s, PathDialog) and s.pending == path),
                    None)

    def on_file_done(self, event: FileDone) -> None:
        job = event.job
        name = shown(job.path)
        dialog = self._waiting_dialog(job.path)
        if event.error is not None:
            reason = file_error(event.error, job.path)
            if dialog is not None:  # stays open: the next keys fix the name instead of landing on the screen
                dialog.answered(reason)
            self.say("file.open_failed" if isinstance(job, Open) else "file.failed", error=True, reason=reason)
            return
        if dialog is not None:
            dialog.answered(None)
        if isinstance(job, Export):
            self.say("file.exported", what=t(f"file.export_{job.kind}"), name=name)
            return
        from ml101.tui.settings import remember_experiment

        self._tell_recent_notes(remember_experiment(job.path))
        if isinstance(job, Save):
            self.say("file.saved", name=name, epoch=event.epoch)
        else:
            self._show_experiment(event.exp)
            self._update_legend()
            self.say("file.opened", name=name, epoch=event.epoch)

    # editing the points by hand ---------------------------------------------------------------------
    def action_edit_data(self) -> None:
        cursor = self.query_one(DataCursorMap)
        if cursor.editing:  # c again: the cursor only lost the focus (or never did)
            cursor.focus()
            return
        self.action_panel("map")
        cursor.start()
        self._update_legend()
        self.say("edit.start")

    def on_data_edit_requested(self, event: DataEditRequested) -> None:
        event.stop()
        match event.kind:
            case "move":
                self._update_legend()
            case "undo":
                self._send(Undo())
            case "add" | "flip" | "delete":
                self._send(Edit(event.kind, event.x, event.y, event.label))

    def on_descendant_focus(self, event) -> None:
        if not isinstance(event.widget, DataCursorMap):  # Tab or a click elsewhere ends the mode
            self.leave_cursor()

    def on_cursor_left(self, event: CursorLeft) -> None:
        self._update_legend()
        self.say("edit.left")

    def on_data_edited(self, event: DataEdited) -> None:
        if event.error is not None:
            self.say("edit.refused", error=True, reason=explain(event.error))
        elif event.edit is not None:
            e = event.edit
            self.say(f"edit.{e.kind}", label=e.label, new=e.new_label, **coordinates(e.x, e.y))
        elif event.undone:
            self.say("edit.undone", n=event.train_points, left=event.undo_left)
        else:
            self.say("edit.nothing")

    def cursor_legend(self) -> tuple[float, float] | None:
        cursor = self.query_one(DataCursorMap)
        return cursor.position() if cursor.editing else None

    def leave_cursor(self) -> None:
        self.query_one(DataCursorMap).stop()

