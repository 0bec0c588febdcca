"""`pip install ml101` without the [torch] extra: every command runs on NumPy, and asking for PyTorch is
one line (exit 2) that says how to add it."""

import pytest
from without_torch import INSTALL_LINE, ml101_without_torch


@pytest.mark.parametrize(
    "args, field",
    [
        (["train", "--backend", "torch", "--epochs", "2"], "--backend: torch"),
        (["train", "--preset", "notebook-torch", "--epochs", "2"], "--backend: torch"),
        (["train", "--epochs", "2", "--export-torch", "weights.pt"], "--export-torch: a PyTorch state_dict"),
        (["attack", "poison", "--device", "cuda"], "--device: cuda"),
        (["bench", "--gpu"], "--gpu: the GPU part"),
    ],
)
def test_asking_for_pytorch_says_how_to_install_it(tmp_path, refused, args, field):
    done = ml101_without_torch(tmp_path, *args)
    assert refused(done) == f"ml101: {field} {INSTALL_LINE}"
    assert not (tmp_path / "weights.pt").exists()


def test_training_and_attacks_run_on_numpy(tmp_path, parse_json):
    trained = parse_json(ml101_without_torch(tmp_path, "train", "--preset", "quick", "--json"))
    assert trained["test_accuracy"] >= 0.97
    one = parse_json(ml101_without_torch(tmp_path, "attack", "poison", "--strategy", "last", "--fraction", "0.5",
                                         "--json"))
    assert one["clean_test_accuracy"] >= 0.95 and one["poisoned_test_accuracy"] < 0.7
    sweep = parse_json(ml101_without_torch(tmp_path, "attack", "steal", "--strategy", "uniform", "--sweep",
                                           "--seeds", "1", "--epochs", "100", "--json"))
    assert len(sweep) > 1 and sweep[-1]["fidelity_test"] >= 0.9  # the biggest budget copies the victim


def test_bench_measures_numpy_and_names_what_it_skipped(tmp_path, parse_json):
    done = ml101_without_torch(tmp_path, "bench", "--only", "training", "--quick", "--json")
    figures = parse_json(done)
    assert figures["numpy_steps_per_second"] > 0 and "torch_steps_per_second" not in figures
    skipped = [line for line in done.stderr.splitlines() if "skipped, needs PyTorch" in line]
    assert len(skipped) == 1 and "torch_reference" in skipped[0], done.stderr
