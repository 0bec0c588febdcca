"""`ml101 bench`: one run measures every figure of issue 7 and prints each as a number (no speed is asserted:
timings depend on the machine; they are what the bench reports, not what a test checks)."""

import json
import math
import subprocess
import sys

import pytest

from ml101.tui.bench.terminal import EPOCH, ESCAPES, percentile

pytestmark = pytest.mark.slow  # a quick `ml101 bench` takes half a minute: the fast lane leaves it to CI and full runs

ML101 = [sys.executable, "-c", "import sys; from ml101.tui.cli import main; sys.exit(main())"]

FIGURES = [
    # training speed, side by side, and the ratios
    "numpy_steps_per_second", "torch_steps_per_second", "torch_reference_steps_per_second",
    "notebook_loop_steps_per_second", "fastest_steps_per_second", "fastest_vs_torch_reference",
    "fastest_vs_notebook_loop",
    # the default preset
    "seconds_to_97", "epochs_to_97",
    # the attack sweep
    "sweep_models", "sweep_stacked_seconds", "sweep_sequential_seconds", "sweep_speedup",
    # the app
    "app_first_frame_seconds", "rss_numpy_mb", "rss_torch_mb", "app_steps_per_second",
    "headless_steps_per_second", "app_vs_headless", "key_latency_p50_ms", "key_latency_p95_ms",
    "terminal_bytes_per_second",
]


@pytest.fixture(scope="module")
def quick_bench():
    done = subprocess.run([*ML101, "bench", "--json", "--quick"], capture_output=True, text=True, timeout=300)
    return done


def test_quick_bench_prints_every_figure_as_a_number(quick_bench):
    assert quick_bench.returncode == 0, quick_bench.stderr
    figures = json.loads(quick_bench.stdout)
    missing = [name for name in FIGURES if name not in figures]
    assert not missing, f"not measured: {missing}\n{quick_bench.stderr}"
    for name, value in figures.items():
        assert isinstance(value, (int, float)) and not isinstance(value, bool), name
        assert math.isfinite(value), name


def test_figures_fit_together(quick_bench):
    f = json.loads(quick_bench.stdout)
    for name in FIGURES:
        if name.endswith(("steps_per_second", "seconds", "_mb")):
            assert f[name] > 0, name
    assert f["fastest_steps_per_second"] == max(f["numpy_steps_per_second"], f["torch_steps_per_second"])
    assert f["fastest_vs_torch_reference"] == pytest.approx(
        f["fastest_steps_per_second"] / f["torch_reference_steps_per_second"], rel=1e-3)
    assert f["sweep_models"] == 33
    assert f["key_latency_p50_ms"] <= f["key_latency_p95_ms"]
    assert f["rss_torch_mb"] > f["rss_numpy_mb"]  # torch is heavy; the NumPy app must not have loaded it
    assert f["quick_preset_test_accuracy"] >= 0.97


def test_progress_goes_to_stderr_and_stdout_is_only_json(quick_bench):
    assert "[1/5]" in quick_bench.stderr
    assert quick_bench.stdout.strip().startswith("{") and quick_bench.stdout.count("\n") == 1


def test_bad_flag_is_one_line_and_exit_2():
    done = subprocess.run([*ML101, "bench", "--fast"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--fast" in done.stderr


def test_gpu_part_without_a_gpu_says_so():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    done = subprocess.run([*ML101, "bench", "--gpu", "--json"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("ml101: --gpu:") and "CUDA" in done.stderr


def test_status_line_is_read_through_escape_sequences():
    frame = b"\x1b[1;1H\x1b[1m\x1b[38;2;255;255;255mEpoch 1234\x1b[0m / 300\x1b]0;title\x07 \x1b[?2026l"
    assert EPOCH.findall(ESCAPES.sub(b"", frame)) == [b"1234"]


def test_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) in (50.0, 51.0)
    assert percentile(values, 95) in (95.0, 96.0)
    assert percentile([7.0], 95) == 7.0


def test_only_measures_just_the_parts_asked_for():
    done = subprocess.run([*ML101, "bench", "--json", "--quick", "--only", "preset"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert "seconds_to_97" in figures and "numpy_steps_per_second" not in figures
    assert "[1/1] default preset" in done.stderr
    assert figures["targets_measured"] == 1


def test_only_with_an_unknown_part_names_the_parts():
    done = subprocess.run([*ML101, "bench", "--only", "speed"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "training, preset, sweep, start, app" in done.stderr
