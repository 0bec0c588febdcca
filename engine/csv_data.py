"""Your own 2-D data from a CSV file: two numeric feature columns and a 0/1 label, header optional.

Files come from strangers, so every rule is checked and a broken file is refused with one line that names
the row and the problem. Nothing here raises anything but `SpecError`.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

import numpy as np

from engine.data import Dataset, window_around
from engine.errors import SpecError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MIN_PER_CLASS = 2


def load_csv(path: str | os.PathLike) -> Dataset:
    path = Path(path)
    field = f"data file {path.name}"
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise SpecError(field, "is not a regular file")
        if size > MAX_BYTES:
            raise SpecError(field, f"is {size / 1e6:.0f} MB; at most {MAX_BYTES // 2**20} MiB are allowed")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(field, "does not exist") from None
    except OSError as exc:
        raise SpecError(field, f"cannot be read ({exc.strerror or exc})") from None
    return parse_csv(raw, field)


def parse_csv(raw: bytes, field: str = "data file") -> Dataset:
    if b"\x00" in raw:
        raise SpecError(field, "contains binary data (NUL bytes); expected a text CSV, UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(field, f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8 CSV") from None
    try:
        rows = [
            (number, row)
            for number, row in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as exc:
        raise SpecError(field, f"is not a readable CSV ({exc})") from None
    if not rows:
        raise SpecError(field, "is empty; expected rows of x1,x2,label")
    if not _is_numeric_row(rows[0][1]):
        number, header = rows.pop(0)
        if len(header) != 3:
            raise SpecError(f"{field} row {number}", f"has {len(header)} columns; expected 3 (x1,x2,label)")
        if not rows:
            raise SpecError(field, "has a header but no data rows")
    if len(rows) > MAX_ROWS:
        raise SpecError(field, f"has {len(rows)} rows; at most {MAX_ROWS} are allowed")
    X = np.empty((len(rows), 2))
    y = np.empty(len(rows))
    for i, (number, row) in enumerate(rows):
        where = f"{field} row {number}"
        if len(row) != 3:
            raise SpecError(where, f"has {len(row)} columns; expected 3 (x1,x2,label)")
        X[i, 0] = _number(row[0], where, "x1")
        X[i, 1] = _number(row[1], where, "x2")
        label = _number(row[2], where, "label")
        if label not in (0.0, 1.0):
            raise SpecError(where, f"label is {row[2].strip()[:20]!r}; labels must be 0 or 1")
        y[i] = label
    counts = int((y == 0).sum()), int((y == 1).sum())
    if min(counts) < MIN_PER_CLASS:
        raise SpecError(
            field, f"has {counts[0]} points of class 0 and {counts[1]} of class 1; each class needs at least 2"
        )
    return Dataset(X, y, "csv", window_around(X))


def _is_numeric_row(row: list[str]) -> bool:
    try:
        [float(cell) for cell in row]
    except ValueError:
        return False
    return True


def _number(cell: str, where: str, column: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise SpecError(where, f"{column} is {cell.strip()[:20]!r}, not a number") from None
    if not math.isfinite(value):
        raise SpecError(where, f"{column} is {cell.strip()!r}; only finite numbers are allowed")
    if abs(value) > 1e6:
        raise SpecError(where, f"{column} is {value:g}; values must lie within ±1e6")
    return value
