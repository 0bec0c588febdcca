"""Reading a file someone named: one size cap and one clear line for every way it can fail.

The file is opened without blocking (a FIFO would otherwise wait forever for a writer), must then say it is a
regular file (a link to /dev/zero never ends), and is read with a bounded read: a file that grows while it is
read can still not make ml101 take more than the cap.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ml101.engine.errors import SpecError

_KINDS = ((stat.S_ISDIR, "is a folder, not a file"), (stat.S_ISFIFO, "is a FIFO (named pipe), not a regular file"),
          (stat.S_ISCHR, "is a device, not a regular file"), (stat.S_ISBLK, "is a device, not a regular file"),
          (stat.S_ISSOCK, "is a socket, not a regular file"))


def read_bounded(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`. Raises IsNotRegular / TooBig (both ValueError)
    or OSError; never blocks and never reads more than `max_bytes + 1` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(os.path.expanduser(os.fspath(path)), flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IsNotRegular(next((why for test, why in _KINDS if test(info.st_mode)), "is not a regular file"))
        if info.st_size > max_bytes:
            raise TooBig(info.st_size)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise TooBig(total)
        return b"".join(chunks)
    finally:
        os.close(fd)


class IsNotRegular(ValueError):
    """A folder, FIFO, device or socket where a file was expected; the message says which."""


class TooBig(ValueError):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_user_file(path: Path, field: str, max_bytes: int) -> bytes:
    """The bytes of `path`, or a SpecError naming `field`: missing, a folder, not a regular file (a FIFO or
    /dev/zero would block or never end), too big, or unreadable."""
    try:
        return read_bounded(path, max_bytes)
    except IsNotRegular as exc:
        raise SpecError(field, str(exc)) from None
    except TooBig as exc:
        raise SpecError(field, f"is {exc.size / 1e6:.0f} MB or more; at most {max_bytes // 2**20} MiB are "
                        "allowed") from None
    except FileNotFoundError:
        raise SpecError(field, "does not exist") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise SpecError(field, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
