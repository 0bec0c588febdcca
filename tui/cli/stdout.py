"""stdout as a careful Unix tool treats it: a reader that went away (`ml101 train | head -1`) ends the output
quietly, not the run; a full disk is said in one line naming stdout.

Python's advice (docs, "Note on SIGPIPE"): flush inside the program and, on BrokenPipeError, point stdout at
/dev/null so that the interpreter's last flush at exit has nowhere to fail.
"""

from __future__ import annotations

import errno
import os
import sys

DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)

stdout_gone = False  # the reader of stdout closed its end: what is left to print goes nowhere


def silence(stream=None) -> None:
    """Send what is still written to `stream` (default stdout) to /dev/null."""
    global stdout_gone
    stream = stream or sys.stdout
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # not a real file (pytest's capture): nothing to point elsewhere
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
    if fd == 1:
        stdout_gone = True


def console(stderr: bool = False):
    """A Rich console for progress bars. Rich ends the program with exit 1 when its pipe breaks
    (`Console.on_broken_pipe`); this one drops the output and lets the run go on, so a --save still happens."""
    from rich.console import Console

    class PipeSafeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            silence(self.file)

    return PipeSafeConsole(stderr=stderr)


def flush_stdout() -> None:
    """Flush inside the program, where a broken pipe or a full disk can still be reported (see `finish`)."""
    sys.stdout.flush()


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in DISK_FULL


def disk_full_line(exc: OSError) -> str:
    """'ml101: stdout: cannot write (No space left on device)' or the same naming the file."""
    where = exc.filename if exc.filename is not None else "stdout"
    return f"ml101: {where}: cannot write ({exc.strerror or os.strerror(exc.errno)})"
