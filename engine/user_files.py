"""Reading a file someone named: one size cap and one clear line for every way it can fail."""

from __future__ import annotations

from pathlib import Path

from engine.errors import SpecError


def read_user_file(path: Path, field: str, max_bytes: int) -> bytes:
    """The bytes of `path`, or a SpecError naming `field`: missing, a folder, not a regular file (a FIFO or
    /dev/zero would block or never end), too big, or unreadable."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise SpecError(field, "is a folder, not a file")
        if not path.is_file():
            raise SpecError(field, "is not a regular file")
        if size > max_bytes:
            raise SpecError(field, f"is {size / 1e6:.0f} MB; at most {max_bytes // 2**20} MiB are allowed")
        return path.read_bytes()
    except FileNotFoundError:
        raise SpecError(field, "does not exist") from None
    except OSError as exc:
        raise SpecError(field, f"cannot be read ({exc.strerror or exc})") from None
