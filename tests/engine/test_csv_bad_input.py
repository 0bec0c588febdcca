"""Own data from strangers: every malformed CSV is refused with a SpecError that names the row and the problem."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from ml101.engine.csv_data import MAX_ROWS, load_csv, parse_csv
from ml101.engine.errors import SpecError

FIXTURES = Path(__file__).parents[1] / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


def good_rows(n: int) -> str:
    return "".join(f"{i / n:.4f},{(i * 7 % n) / n:.4f},{i % 2}\n" for i in range(n))


@pytest.mark.parametrize("name", sorted(fixtures.CSV_CORPUS))
def test_each_malformed_file_is_refused_naming_its_problem(name):
    path = FIXTURES / "csv" / name
    assert path.read_bytes() == fixtures.CSV_CORPUS[name][0], "fixtures are stale: run make_fixtures.py"
    with pytest.raises(SpecError) as err:
        load_csv(path)
    message = str(err.value)
    assert message.startswith(f"data file {name}")
    assert fixtures.CSV_CORPUS[name][1] in message
    assert "\n" not in message


def test_more_than_the_row_limit_is_refused_without_reading_everything(tmp_path):
    path = tmp_path / "million.csv"
    path.write_text("x1,x2,label\n" + good_rows(1000) * 1000)  # a million rows, 14 MB
    with pytest.raises(SpecError, match=f"more than {MAX_ROWS} rows"):
        load_csv(path)


def test_exactly_the_row_limit_loads(tmp_path):
    path = tmp_path / "limit.csv"
    path.write_text("x1,x2,label\n" + good_rows(1000) * (MAX_ROWS // 1000))
    assert load_csv(path).X.shape == (MAX_ROWS, 2)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as f:
        f.truncate(21 * 2**20)  # sparse: 21 MiB of nothing
    with pytest.raises(SpecError, match="at most 20 MiB"):
        load_csv(path)


@pytest.mark.parametrize("line", [b"1," + b"9" * 200_000 + b",0\n", b'1,"' + b"a" * 200_000 + b'",0\n'])
def test_a_very_long_line_is_refused_with_its_row(line):
    with pytest.raises(SpecError, match=r"row 2: "):
        parse_csv(b"0,0,0\n" + line)


def test_a_missing_file_a_folder_and_a_device(tmp_path):
    with pytest.raises(SpecError, match="missing.csv: does not exist"):
        load_csv(tmp_path / "missing.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(SpecError, match="folder.csv: is a folder"):
        load_csv(tmp_path / "folder.csv")
    if os.path.exists("/dev/zero"):  # endless: must be refused, not read
        (tmp_path / "zero.csv").symlink_to("/dev/zero")
        with pytest.raises(SpecError, match="not a regular file"):
            load_csv(tmp_path / "zero.csv")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text(good_rows(10))
    path.chmod(0)
    with pytest.raises(SpecError, match="secret.csv: cannot be read"):
        load_csv(path)


def test_a_read_error_is_reported_not_raised(tmp_path, monkeypatch):
    # Stands in for the permission test where tests run as root.
    path = tmp_path / "secret.csv"
    path.write_text(good_rows(10))

    def refuse(fd, n):
        raise PermissionError(13, "Permission denied")

    import ml101.engine.user_files

    monkeypatch.setattr(ml101.engine.user_files.os, "read", refuse)
    with pytest.raises(SpecError, match=r"secret.csv: cannot be read \(Permission denied\)"):
        load_csv(path)


@pytest.mark.parametrize(
    "text",
    [
        "x1,x2,label\n" + good_rows(10),  # header
        good_rows(10),  # no header
        "\ufeff" + good_rows(10),  # Excel's UTF-8 byte-order mark
        good_rows(10).replace("\n", "\r\n"),  # Windows
        good_rows(10).replace("\n", "\r"),  # old Mac
        good_rows(10).replace(",", " , "),  # spaces around cells
        "\n\n" + good_rows(5) + "\n\n" + good_rows(5),  # blank lines
        good_rows(10).replace(",0\n", ",0.0\n").replace(",1\n", ",1e0\n"),  # labels written as floats
    ],
)
def test_well_formed_variants_load_every_point(text):
    data = parse_csv(text.encode())
    assert data.X.shape == (10, 2) and set(np.unique(data.y)) == {0.0, 1.0}
    assert np.isfinite(data.X).all()


def test_a_first_row_with_a_typo_is_reported_not_dropped_as_a_header():
    with pytest.raises(SpecError, match=r"row 1: x1 is '0\.1\.2', not a number"):
        parse_csv(b"0.1.2,0.5,1\n" + good_rows(10).encode())
