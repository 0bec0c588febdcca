"""Writing a file someone named, like a careful Unix tool: all or nothing, never over something else.

The rules, the same for every save and export:
  * `~` is expanded.
  * The target must be a regular file or a new name in an existing folder. A device (`/dev/null`), a FIFO,
    a socket or a folder is refused with one line: renaming a new file over it would replace it.
  * A symbolic link is followed when it points to a regular file (or to a new name, see below): the file it
    points to is written and the link stays a link. A link to a device or a folder is refused like the
    device itself, and a dangling link (pointing to nothing) is refused, as `cp` does: writing through it
    would create a file somewhere the user may not expect.
  * An existing file keeps its permission bits (and, where allowed, its owner); a new file gets what the
    umask gives any new file (0644 under umask 022).
  * The bytes go to a temp file in the same folder (`.ml101-tmp-<pid>-<random>-<name>`), are fsynced, and
    the temp file is renamed over the target: a crash leaves the old file or the new one, never half.
  * Temp files a killed ml101 left behind are swept: only names of that pattern, whose process is gone.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import tempfile
import time
from pathlib import Path

from ml101.engine.errors import SpecError
from ml101.engine.safe_text import printable

TEMP_PREFIX = ".ml101-tmp-"
_TEMP_NAME = re.compile(r"\.ml101-tmp-(\d+)-[0-9a-f]{8}-")
NAME_MAX = 255
STALE_AFTER_S = 60  # a temp file of a dead process, untouched this long, is left over from a crash
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


def expanded(path: str | os.PathLike) -> Path:
    """The path as the user meant it: `~` expanded, relative to the current folder."""
    return Path(os.path.expanduser(os.fspath(path)))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def target(path: str | os.PathLike, field: str | None = None) -> Path:
    """The file a write to `path` will replace or create (symlinks followed), or a SpecError naming `field`
    (default: the file's name) that says why ml101 will not write there."""
    if not os.fspath(path).strip():
        raise SpecError(field or "file", "needs a file name, like run.npz")
    path = expanded(path)
    field = field or f"file {printable(path.name or str(path))}"
    shown = printable(str(path))
    try:
        real = Path(os.path.realpath(path))
        if path.is_symlink() and not os.path.lexists(real):
            raise SpecError(field, f"{shown} is a link to {printable(os.readlink(path))}, which does not exist; "
                            "ml101 does not write through a dangling link")
        try:
            mode = os.stat(real).st_mode
        except (FileNotFoundError, NotADirectoryError):  # a new name; the folder is checked below
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            what = _kind(mode)
            via = f" (the link {shown} points to {printable(str(real))})" if path.is_symlink() else ""
            hint = "; give a file name like run.npz" if what == "a folder" else "; ml101 only writes regular files"
            raise SpecError(field, f"{shown} is {what}{via}{hint}")
        if mode is not None and not os.access(real, os.W_OK):
            raise SpecError(field, f"{shown} is read-only; ml101 does not overwrite a write-protected file")
        folder = real.parent
        if not folder.is_dir():
            exists = os.path.lexists(folder)
            raise SpecError(field, f"folder {printable(str(folder))} "
                            f"{'is not a folder' if exists else 'does not exist'}")
    except SpecError:
        raise
    except OSError as exc:  # a name too long, a loop of links, a folder we may not look into
        raise SpecError(field, f"cannot use {shown} ({exc.strerror or exc})") from None
    except ValueError:  # a NUL byte
        raise SpecError(field, f"{shown} is not a valid file name") from None
    return real


def check_target(path: str | os.PathLike, field: str) -> Path:
    """`target`, and proof now (not after an hour of training) that the folder takes a new file."""
    real = target(path, field)
    try:
        with tempfile.TemporaryFile(prefix=TEMP_PREFIX, dir=real.parent):
            pass
    except OSError as exc:
        raise SpecError(field, f"cannot write into {printable(str(real.parent))} ({exc.strerror or exc})") from None
    return real


def _temp_name(name: str) -> str:
    prefix = f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-"
    return prefix + os.fsdecode(os.fsencode(name)[: NAME_MAX - len(prefix)])  # a long name still fits


def atomic_write(path: str | os.PathLike, data: bytes, field: str | None = None) -> Path:
    """Write all of `data` to `path` or nothing (see the module's rules). Returns the file written.
    SpecError when the target is not something ml101 writes over; OSError when the disk says no."""
    real = target(path, field)
    try:
        old = os.stat(real)
    except FileNotFoundError:
        old = None
    tmp = real.parent / _temp_name(real.name)
    # O_EXCL: never open something that appeared under that name; 0o666 lets the umask decide, as for any
    # new file (mkstemp would make every file 0600).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            if old is not None:
                _keep_mode_and_owner(f.fileno(), old)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(real.parent)
    remove_stale_temp_files(real.parent)
    return real


def _keep_mode_and_owner(fd: int, old: os.stat_result) -> None:
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except (OSError, AttributeError):
        pass  # only root may give a file away; the file is then the writer's, as with any editor
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process: not ours to judge
    return True


def remove_stale_temp_files(folder: Path, stale_after_s: float = STALE_AFTER_S) -> list[Path]:
    """Delete temp files of ml101 writes whose process died mid-write. Only our own pattern, only regular
    files owned by this user, only when that process is gone and the file has not changed for a minute
    (a process of the same pid in another container may still be writing)."""
    removed = []
    cutoff = time.time() - stale_after_s
    try:
        names = [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for name in names:
        match = _TEMP_NAME.match(name)
        if match is None or int(match[1]) == os.getpid() or _alive(int(match[1])):
            continue
        stale = folder / name
        try:
            info = os.lstat(stale)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and info.st_mtime < cutoff:
                stale.unlink()
                removed.append(stale)
        except OSError:
            pass
    return removed
