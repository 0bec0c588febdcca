"""Your own 2-D data from a CSV file: two numeric feature columns and a 0/1 label, header optional.

Files come from strangers, so every rule is checked and a broken file is refused with one line that names
the row and the problem. Nothing here raises anything but `SpecError`.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path

import numpy as np

from ml101.engine.data import Dataset, window_around
from ml101.engine.errors import SpecError
from ml101.engine.safe_text import printable
from ml101.engine.user_files import read_user_file

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MIN_PER_CLASS = 2
# Plain decimal numbers only: Python's float() also takes "1_000", "٣" and "0x1p3"-like spellings that no
# spreadsheet writes, and a cell that looks odd is more likely a typo than a number.
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
NON_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)


def load_csv(path: str | os.PathLike) -> Dataset:
    path = Path(os.path.expanduser(os.fspath(path)))
    field = f"data file {printable(path.name, 80)}"
    raw = read_user_file(path, field, MAX_BYTES)
    return parse_csv(raw, field)


def parse_csv(raw: bytes, field: str = "data file") -> Dataset:
    if b"\x00" in raw:
        raise SpecError(field, "contains binary data (NUL bytes); expected a text CSV, UTF-8")
    control = CONTROL_BYTES.search(raw)
    if control:  # no text editor writes these: an image, a zip, a model file
        raise SpecError(field, f"contains binary data (byte {control[0][0]:#04x} at offset {control.start()}); "
                        "expected a text CSV, UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(field, f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8 CSV") from None
    rows = _rows(text, field)
    if not rows:
        raise SpecError(field, "is empty; expected rows of x1,x2,label")
    if _is_header(rows[0][1]):
        number, header = rows.pop(0)
        if len(header) != 3:
            raise SpecError(f"{field} row {number}", _columns(header))
        if not rows:
            raise SpecError(field, "has a header but no data rows")
    if len(rows) > MAX_ROWS:
        raise SpecError(field, f"has more than {MAX_ROWS} rows; at most {MAX_ROWS} are allowed")
    X = np.empty((len(rows), 2))
    y = np.empty(len(rows))
    for i, (number, row) in enumerate(rows):
        where = f"{field} row {number}"
        if len(row) != 3:
            raise SpecError(where, _columns(row))
        X[i, 0] = _number(row[0], where, "x1")
        X[i, 1] = _number(row[1], where, "x2")
        label = _number(row[2], where, "label")
        if label not in (0.0, 1.0):
            raise SpecError(where, f"label is {row[2].strip()[:20]!r}; labels must be 0 or 1")
        y[i] = label
    counts = int((y == 0).sum()), int((y == 1).sum())
    if min(counts) < MIN_PER_CLASS:
        zeros = f"{counts[0]} point{'s' * (counts[0] != 1)}"
        raise SpecError(
            field, f"has {zeros} of class 0 and {counts[1]} of class 1; each class needs at least {MIN_PER_CLASS}"
        )
    return Dataset(X, y, "csv", window_around(X))


def _rows(text: str, field: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows with their line numbers; reading stops after one too many, so a file with
    millions of rows is refused in a second instead of filling memory first."""
    # newline=None: old Mac files end lines with a lone \r, which the csv module otherwise rejects.
    reader = csv.reader(io.StringIO(text, newline=None))
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
                if len(rows) > MAX_ROWS + 1:  # + 1: the first row may be a header
                    break
    except csv.Error as exc:
        raise SpecError(f"{field} row {reader.line_num}", f"is not readable CSV ({exc})") from None
    return rows


def _columns(row: list[str]) -> str:
    found = f"has {len(row)} column{'s' * (len(row) != 1)}; expected 3 (x1,x2,label)"
    if len(row) == 1 and (";" in row[0] or "\t" in row[0]):
        return found + " separated by commas, not semicolons or tabs"
    return found


def _is_header(row: list[str]) -> bool:
    """A header names columns: none of its cells is a number. A row with some numbers is data with a typo,
    reported as such, never silently dropped."""
    return not any(NUMBER.fullmatch(cell.strip()) for cell in row)


def _number(cell: str, where: str, column: str) -> float:
    text = cell.strip()
    if NON_FINITE.fullmatch(text):
        raise SpecError(where, f"{column} is {text[:20]!r}; only finite numbers are allowed")
    if not NUMBER.fullmatch(text):
        raise SpecError(where, f"{column} is {text[:20]!r}, not a number")
    value = float(text)
    if not math.isfinite(value):
        raise SpecError(where, f"{column} is {cell.strip()!r}; only finite numbers are allowed")
    if abs(value) > 1e6:
        raise SpecError(where, f"{column} is {value:g}; values must lie within ±1e6")
    return value
