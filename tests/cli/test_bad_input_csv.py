"""`ml101 train --data FILE --json` with every malformed CSV: exit 2, one line naming the file and row."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


@pytest.mark.parametrize("name", sorted(fixtures.CSV_CORPUS))
def test_malformed_csv_exits_2_with_one_line(ml101, refused, name):
    line = refused(ml101("train", "--data", FIXTURES / "csv" / name, "--epochs", "1", "--json"))
    assert line.startswith(f"ml101: data file {name}")
    assert fixtures.CSV_CORPUS[name][1] in line


def test_more_than_100_000_rows(ml101, refused, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("".join(f"{i % 97 / 97:.3f},{i % 89 / 89:.3f},{i % 2}\n" for i in range(100_001)))
    assert "more than 100000 rows" in refused(ml101("train", "--data", path, "--json"))


def test_a_very_long_line(ml101, refused, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("0,0,0\n1,1,1\n0.5," + "7" * 300_000 + ",1\n")
    assert "long.csv row 3" in refused(ml101("train", "--data", path, "--json"))


def test_missing_file_folder_and_wrong_extension(ml101, refused, tmp_path):
    assert "missing.csv: does not exist" in refused(ml101("train", "--data", tmp_path / "missing.csv", "--json"))
    (tmp_path / "folder.csv").mkdir()
    assert "folder.csv: is a folder" in refused(ml101("train", "--data", "folder.csv", "--json"))
    (tmp_path / "points.txt").write_text("0,0,0\n1,1,1\n0,1,0\n1,0,1\n")
    assert refused(ml101("train", "--data", "points.txt", "--json")).startswith("ml101: --data: must be one of")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_no_read_permission(ml101, refused, tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text("0,0,0\n1,1,1\n0,1,0\n1,0,1\n")
    path.chmod(0)
    assert "secret.csv: cannot be read" in refused(ml101("train", "--data", path, "--json"))


def test_batch_larger_than_a_csv_training_set(ml101, refused, tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("".join(f"{i / 20},{i % 3 / 3},{i % 2}\n" for i in range(20)))
    line = refused(ml101("train", "--data", path, "--batch-size", "50", "--json"))
    assert line.startswith("ml101: --batch-size: must be at most the 18 training points")


def test_a_good_csv_trains(ml101, parse_json, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i / 40},{(i * 7) % 40 / 40},{int(i >= 20)}\n" for i in range(40)))
    result = ml101("train", "--data", path, "--epochs", "50", "--json")
    assert result.returncode == 0, result.stderr
    assert parse_json(result)["epochs"] == 50
