"""What happens after a bug: the full traceback goes to a log file, the person reads one line.

A Rich traceback with local variables fills the terminal, means nothing to a workshop participant and may
show their paths and data; the one line says what broke and where the details are, to send with a report.
The log lives in the user's state folder (ML101_STATE_DIR overrides it, as tests do); when that cannot be
written, a new file in the temp folder is used instead, so a traceback is never lost.
"""

from __future__ import annotations

import os
import platform
import stat
import sys
import tempfile
import time
import traceback
from pathlib import Path

LOG_NAME = "crash.log"


def state_dir() -> Path:
    override = os.environ.get("ML101_STATE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_state_path

    return user_state_path("ml101", appauthor=False)


def where(error: BaseException) -> str:
    """The class (or module) whose code raised `error`: 'OptionList', 'architecture'."""
    tb = error.__traceback__
    if tb is None:
        return "ml101"
    while tb.tb_next is not None:
        tb = tb.tb_next
    owner = tb.tb_frame.f_locals.get("self")
    if owner is not None:
        return type(owner).__name__
    return Path(tb.tb_frame.f_code.co_filename).stem


def report(error: BaseException) -> str:
    """The log's text: when, which versions, the whole traceback."""
    try:
        from importlib.metadata import version

        textual_version = version("textual")
    except Exception:  # noqa: BLE001 — a log without the version beats no log
        textual_version = "?"
    head = (f"ml101 crash at {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
            f"python {platform.python_version()} on {platform.platform()}, textual {textual_version}\n"
            f"command: {' '.join(sys.argv)}\n\n")
    return head + "".join(traceback.format_exception(error))


def _write_regular(path: Path, text: str) -> None:
    """Write `text` to `path`, only if it is (or becomes) a plain file: a FIFO or a device planted where the log
    goes must neither block nor receive it; a symlink is not followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        os.write(fd, text.encode("utf-8", "replace"))
    finally:
        os.close(fd)


def write_log(error: BaseException) -> Path | None:
    """Write the report of `error`; the file it went to, or None when not even the temp folder took it."""
    text = report(error)
    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        _write_regular(path, text)
        return path
    except (OSError, ValueError):
        pass
    try:
        fd, name = tempfile.mkstemp(prefix="ml101-crash-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as out:
            out.write(text)
        return Path(name)
    except OSError:
        return None


def what(error: BaseException) -> str:
    """'KeyError in OptionList': the kind of bug and the code it came from, without the values involved."""
    return f"{type(error).__name__} in {where(error)}"


def one_line(error: BaseException, log: Path | None) -> str:
    """'ml101: something went wrong (KeyError in OptionList); the details are in /…/crash.log'."""
    if log is None:
        return f"ml101: something went wrong ({what(error)}); no log could be written"
    return f"ml101: something went wrong ({what(error)}); the details are in {log}"
