"""The memory budget: settings that multiply up to gigabytes are refused before anything is built, naming the
settings and the limit; what the budget allows really fits (the estimate errs high, checked against the
peak RSS of real runs); big sets are evaluated in chunks without changing the numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ml101.engine import budget
from ml101.engine.budget import MemoryBudgetError, parse_size
from ml101.engine.errors import SpecError
from ml101.engine.spec import Experiment, preset
from ml101.engine.trainer import Trainer

ROOT = Path(__file__).parents[2]
WIDE = ",".join(["256"] * 8)


@pytest.fixture(autouse=True)
def default_limit(monkeypatch):
    monkeypatch.delenv(budget.ENV, raising=False)
    budget.set_limit(None)
    yield
    budget.set_limit(None)


def test_the_issues_settings_are_refused_naming_them_and_the_limit():
    wide = Experiment().with_changes(layers=WIDE)
    with pytest.raises(MemoryBudgetError) as caught:
        wide.with_changes(samples=100_000)
    err = caught.value
    assert err.field == "samples"  # the setting just typed
    assert "90000 training points" in err.message and "8 of 256" in err.message and "full batch" in err.message
    assert "limit of 1.0 GB" in err.message and "ML101_MEMORY_LIMIT" in err.message
    assert err.needed > err.limit == 2**30


def test_the_same_points_in_batches_of_1000_are_allowed():
    exp = Experiment().with_changes(layers=WIDE, batch_size=1000, samples=100_000)
    assert budget.training_bytes(exp) < 2**30


def test_the_setting_that_tipped_it_is_the_one_named():
    big = Experiment().with_changes(samples=100_000)
    with pytest.raises(MemoryBudgetError) as caught:
        big.with_changes(layers=WIDE)
    assert caught.value.field == "layers"


def test_every_preset_fits_with_room_to_spare():
    for name in ("quick", "notebook-numpy", "notebook-torch", "overfit"):
        assert budget.training_bytes(preset(name)) < 2**29, name


def test_the_limit_comes_from_the_flag_then_the_environment(monkeypatch):
    wide = dict(layers=WIDE, samples=100_000)
    monkeypatch.setenv(budget.ENV, "4G")
    assert Experiment().with_changes(**wide).samples == 100_000
    budget.set_limit("512M")
    with pytest.raises(MemoryBudgetError, match="limit of 512.0 MB"):
        Experiment().with_changes(**wide)


def test_a_bad_limit_names_where_it_came_from(monkeypatch):
    monkeypatch.setenv(budget.ENV, "lots")
    with pytest.raises(SpecError) as caught:
        preset("quick")
    assert caught.value.field == budget.ENV and "like 1G" in caught.value.message
    with pytest.raises(SpecError, match="from 64.0 MB to 1.0 TB"):
        budget.set_limit("1K")


@pytest.mark.parametrize("text,size", [("1G", 2**30), ("1.5GB", 3 * 2**29), ("800M", 800 * 2**20),
                                       ("2GiB", 2**31), ("134217728", 2**27), (" 3 g ", 3 * 2**30)])
def test_sizes_read_as_people_write_them(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "-1G", "1e9", "nan", "1 G B", "0x10M"])
def test_sizes_that_are_not_sizes_are_refused(text):
    with pytest.raises(SpecError, match="size like 1G"):
        parse_size(text)


def test_a_csv_too_big_for_the_budget_is_refused_naming_the_data(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "big.csv"
    rows = np.column_stack([rng.normal(size=(30_000, 2)), rng.integers(0, 2, 30_000)])
    np.savetxt(path, rows, delimiter=",", fmt=["%.4f", "%.4f", "%d"])
    exp = Experiment().with_changes(data=str(path), layers=WIDE)  # the size is unknown until it is read
    budget.set_limit("256M")
    with pytest.raises(MemoryBudgetError) as caught:
        Trainer(exp)
    assert caught.value.field == "data" and "27000 training points" in caught.value.message


def test_a_big_set_is_evaluated_in_chunks_with_the_same_numbers(monkeypatch):
    # float64: a float32 product over fewer columns may round differently on another CPU's kernels
    exp = Experiment().with_changes(samples=6000, layers="16,16", epochs=1, reg="l2", reg_rate=0.01, dtype="float64")
    whole = Trainer(exp)
    whole.run(3)
    monkeypatch.setattr("ml101.engine.trainer.eval_chunk", lambda exp: 1024)  # 5400 points → 6 chunks
    chunked = Trainer(exp)
    chunked.run(3)
    a, b = whole.metrics(), chunked.metrics()
    assert b.train_accuracy == a.train_accuracy and b.test_accuracy == a.test_accuracy
    assert b.train_loss == pytest.approx(a.train_loss, rel=1e-9)  # the penalty counted once, not per chunk
    assert b.test_loss == pytest.approx(a.test_loss, rel=1e-9)
    assert np.allclose(chunked.grid(90, 40), whole.grid(90, 40), atol=1e-12)  # 3600 points in 4 chunks


def test_a_sweep_of_1000_fractions_is_refused_before_any_training():
    from ml101.engine.attacks.poison_lab import poison_sweep

    with pytest.raises(SpecError) as caught:
        poison_sweep("random", [i / 1000 for i in range(1000)], seeds=1)
    assert caught.value.field == "fractions" and "at most 50 values" in caught.value.message


def test_a_stack_too_big_for_the_budget_is_refused_naming_the_models():
    from ml101.engine.attacks.lab import recipe
    from ml101.engine.attacks.poison_lab import poison_sweep

    with pytest.raises(MemoryBudgetError) as caught:
        poison_sweep("random", [0.1 * i for i in range(1, 11)], seeds=20, exp=recipe(layers=WIDE, epochs=1))
    assert caught.value.field == "fractions" and "220 models × 900 points" in caught.value.message


def _peak(code: str) -> dict:
    """Run `code` in a fresh process (its last line prints a JSON dict); add its peak RSS in bytes."""
    script = code + "\nimport resource; out['rss'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024" \
                    "\nimport json; print(json.dumps(out))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "ML101_THREADS": "1"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux only")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_widest_full_batch_the_budget_allows_really_fits(dtype):
    # the most points 8 layers of 256 may train on in one full batch under the default limit
    found = _peak(f"""
from dataclasses import replace
from ml101.engine import budget
from ml101.engine.spec import Experiment
from ml101.engine.trainer import Trainer
exp = Experiment().with_changes(layers="{WIDE}", dtype="{dtype}", test_fraction=0.1)
lo, hi = 10, 100_000
while lo < hi:  # replace(): unchecked, so that the search may step over the limit
    mid = (lo + hi + 1) // 2
    lo, hi = (mid, hi) if budget.training_bytes(replace(exp, samples=mid)) <= budget.limit() else (lo, mid - 1)
exp = exp.with_changes(samples=lo)
trainer = Trainer(exp)
trainer.run(2)
trainer.metrics()
out = {{"samples": lo, "estimate": budget.training_bytes(exp)}}
""")
    assert found["samples"] > 5000  # a real run, not a toy
    assert found["rss"] <= found["estimate"] <= 2**30
