"""Text that came from outside (a file name, a path, a field of a file) made safe to print or show.

A name can hold anything but `/` and NUL: an escape sequence that retitles the window or clears the screen,
a line break that forges a second line, a right-to-left override that shows `gpj.exe` as `exe.jpg`, or a
hundred thousand characters. `printable` shows each such character as a visible escape (`\\x1b`, `\\n`,
`\\u202e`) and cuts the text to a length a line can hold, so what is printed is always one honest line.
"""

from __future__ import annotations

import unicodedata

LIMIT = 200  # characters; a path longer than this is cut in the middle, where it says least
ELLIPSIS = "…"
# Bidirectional controls and invisible formatting characters reorder or hide what a reader sees.
_FORMAT_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _escaped(ch: str) -> str:
    if ch == "\\":
        return ch  # kept as typed: only characters a terminal would act on are escaped
    if unicodedata.category(ch) not in _FORMAT_CATEGORIES:
        return ch
    code = ord(ch)
    if code < 0x100:
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object, limit: int = LIMIT) -> str:
    """`text` with every control, format and bidi character escaped, at most `limit` characters long
    (longer text keeps its start and end with … between: a path's folder and file name both stay)."""
    if not isinstance(text, str):
        text = _as_text(text)
    if len(text) > 4 * limit:  # escaping can only lengthen it: look at no more than can be shown
        text = text[: 2 * limit] + text[-2 * limit :]
        cut = True
    else:
        cut = False
    safe = "".join(_escaped(ch) for ch in text)
    if not cut and len(safe) <= limit:
        return safe
    keep = max(limit - len(ELLIPSIS), 2)
    head = keep * 2 // 3
    return safe[:head] + ELLIPSIS + safe[len(safe) - (keep - head) :]


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    try:
        return str(value)
    except Exception:  # an int too long to print, or a broken __str__
        return f"<a {type(value).__name__}>"


def is_printable(text: str) -> bool:
    """True when `printable` would leave `text` as it is (no control characters, not too long)."""
    return isinstance(text, str) and len(text) <= LIMIT and printable(text) == text
