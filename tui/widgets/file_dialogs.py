"""Small windows for files: save an experiment (ctrl+s), open one (ctrl+o, with the recent list), export (E).

The dialogs only ask and check the name (folder exists, not a folder, overwrite asked for); the worker
does the reading and writing, and the Train screen reports how it went on its message line. Every
problem with a name shows inside the dialog as one line, and the dialog stays open to fix it.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ml101.engine.errors import SpecError
from ml101.engine.safe_text import printable
from ml101.tui.i18n import binding, t, translate_bindings
from ml101.tui.widgets.modal import Modal

EXPORT_KINDS = ("csv", "npz", "torch")
EXPORT_NAMES = {"csv": "-history.csv", "npz": "-weights.npz", "torch": "-state_dict.pt"}


def default_folder() -> Path:
    """The current folder if we may write there (a workshop laptop's home), else the user's data folder."""
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    from platformdirs import user_data_path

    folder = user_data_path("ml101", appauthor=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return here  # the dialog then says what is wrong when the user tries
    return folder


def default_name(exp, epoch: int, ending: str = ".npz", folder: Path | None = None) -> str:
    """A name that says what is inside and is not taken yet, e.g. ml101-moons-epoch300.npz."""
    folder = folder or default_folder()
    data = Path(exp.data).stem if exp.is_csv else exp.data
    stem = f"ml101-{data}-epoch{epoch}"
    name, n = f"{stem}{ending}", 2
    while (folder / name).exists():
        name, n = f"{stem}-{n}{ending}", n + 1
    return name if folder == Path.cwd() else str(folder / name)


def shown(path: str) -> str:
    """A path as short as it can be said: its name inside the current folder, else in full; escapes and
    a 100 000-character name shown harmless and cut (see engine/safe_text.py)."""
    p = Path(path)
    return printable(p.name if p.parent == Path.cwd() else str(p), 120)


class PathDialog(Modal):
    """Ask for a file name; dismiss with the absolute path, or None on escape.

    With `submit`, the dialog does not close on Enter: it hands the path to `submit` and waits for
    `answered` (the worker's reply), so that a failed save says why inside the dialog, which stays open
    for another name, and the next keys do not land on the screen underneath."""

    DEFAULT_CSS = """
    PathDialog { align: center middle; }
    PathDialog > Vertical { width: 90%; max-width: 76; height: auto; max-height: 90%; border: thick $primary;
                            background: $surface; padding: 0 1; }
    PathDialog Input { margin: 1 0 0 0; }
    PathDialog OptionList { height: auto; max-height: 10; }
    PathDialog .dialog-error { color: $text-error; height: auto; }
    PathDialog .dialog-hint { color: $text-muted; height: auto; }
    """
    BINDINGS = [binding("escape", "cancel", "dialog_cancel", key_display="Esc", show=False)]

    def __init__(self, title: str, value: str, hint: str, ending: str = "", must_exist: bool = False,
                 submit=None) -> None:
        super().__init__()
        translate_bindings(self)
        self._title, self._value, self._hint = title, value, hint
        self._ending, self._must_exist = ending, must_exist
        self._confirmed: Path | None = None  # the existing file the user was asked about
        self._submit, self.pending = submit, None  # pending: the path handed on, until it is answered

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self._title
            yield from self.extra()
            yield Input(value=self._value, id="path", select_on_focus=False)
            yield Static("", id="dialog-error", classes="dialog-error")
            yield Static(self._hint, classes="dialog-hint")

    def extra(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        self.query_one(self.first_focus()).focus()

    def first_focus(self) -> str:
        return "#path"

    def action_cancel(self) -> None:
        self.dismiss(None)

    def error(self, text: str) -> None:
        # Content, not markup: a file name like "[/]" or an OS message is shown as it is.
        self.query_one("#dialog-error", Static).update(Content(f"✗ {text}" if text else ""))

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = self.check(event.value)
        if path is not None:
            self.finish(str(path))

    def finish(self, path: str) -> None:
        if self._submit is None:
            self.dismiss(self.result(path))
            return
        if self.pending is not None:  # Enter again while the last one is still being written
            return
        self.pending = path
        self.query_one("#dialog-error", Static).update(Content(t("file.busy")))
        self._submit(self.result(path))

    def answered(self, error: str | None) -> None:
        """The worker's reply to `submit`: close on success, else say why and wait for another name."""
        self.pending = None
        if error is None:
            self.dismiss(None)
        else:
            self._confirmed = None
            self.error(error)

    @on(Input.Changed, "#path")
    def _changed(self) -> None:
        self.error("")

    def result(self, path: str):
        return path

    def check(self, typed: str) -> Path | None:
        """The path to use, or None after saying in the dialog what is wrong with `typed`."""
        typed = typed.strip()
        if not typed:
            self.error(t("file.need_name"))
            return None
        try:
            return self._check(Path(os.path.expanduser(typed)).absolute())
        except (OSError, ValueError) as exc:  # a NUL byte, a name too long, a folder we may not look into
            self.error(t("file.bad_name", reason=printable(str(exc), 120)))
            return None

    def _check(self, path: Path) -> Path | None:
        if path.is_dir():
            self.error(t("file.is_folder", name=shown(str(path))))
            return None
        if self._ending and not path.suffix:
            path = path.with_name(path.name + self._ending)
        if self._must_exist:
            if not path.is_file():
                self.error(t("file.missing", name=shown(str(path))))
                return None
            return path
        if not path.parent.is_dir():
            self.error(t("file.no_folder", folder=printable(str(path.parent), 120)))
            return None
        try:  # a device, a FIFO, a dangling link: said now, not after the worker tried
            from ml101.engine.safe_write import target

            target(path)
        except SpecError as exc:
            self.error(exc.message)
            return None
        if path.exists() and self._confirmed != path:
            self._confirmed = path
            self.error(t("file.exists", name=printable(path.name, 80)))
            return None
        return path


class SaveDialog(PathDialog):
    def __init__(self, value: str, submit=None) -> None:
        super().__init__(t("file.save_title"), value, t("file.save_hint"), ending=".npz", submit=submit)


class OpenDialog(PathDialog):
    """The recent experiments to pick from (↑↓ Enter), or any path typed below them."""

    def __init__(self, recent: list[str], submit=None) -> None:
        super().__init__(t("file.open_title"), "", t("file.open_hint"), must_exist=True, submit=submit)
        self._recent = recent

    def extra(self) -> ComposeResult:
        if self._recent:
            yield Static(t("file.recent"))
            yield OptionList(*(Option(shown(p), id=p) for p in self._recent), id="recent", markup=False)
        else:
            yield Static(t("file.no_recent"), classes="dialog-hint")

    def first_focus(self) -> str:
        return "#recent" if self._recent else "#path"

    @on(OptionList.OptionSelected, "#recent")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = self.check(event.option.id)
        if path is not None:
            self.finish(str(path))


class ExportDialog(PathDialog):
    """What to export (curves as CSV, weights as .npz, a PyTorch state_dict), then where."""

    def __init__(self, exp, epoch: int, submit=None) -> None:
        self._exp, self._epoch = exp, epoch
        super().__init__(t("file.export_title"), self._default_for("csv"), t("file.export_hint"), submit=submit)
        self._kind = "csv"

    def _default_for(self, kind: str) -> str:
        return default_name(self._exp, self._epoch, EXPORT_NAMES[kind])

    def extra(self) -> ComposeResult:
        yield OptionList(*(Option(t(f"file.export_{kind}"), id=kind) for kind in EXPORT_KINDS), id="kinds")

    def first_focus(self) -> str:
        return "#kinds"

    @on(OptionList.OptionHighlighted, "#kinds")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        kind = event.option.id
        path_input = self.query_one("#path", Input)
        if path_input.value == self._default_for(self._kind):  # not typed over: follow the choice
            path_input.value = self._default_for(kind)
        self._kind = kind

    @on(OptionList.OptionSelected, "#kinds")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#path", Input).focus()

    def result(self, path: str):
        return self._kind, path
