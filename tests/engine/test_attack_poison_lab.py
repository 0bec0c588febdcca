"""Trained poisoning runs: the damage a participant sees, what defences recover, and sweeps for curves."""

import numpy as np
import pytest

from ml101.engine.attacks.lab import recipe
from ml101.engine.attacks.poison_lab import SWEEP_FRACTIONS, poison_run, poison_sweep
from ml101.engine.errors import SpecError
from ml101.engine.nets.stacked import Cancelled


def test_flipping_the_last_half_teaches_the_model_nothing():
    point = poison_run("last", 0.5)
    assert point.clean_test_accuracy >= 0.95
    assert point.poisoned_test_accuracy <= 0.60
    assert point.flipped == 450 and point.seeds == [0, 1, 2]
    assert point.spread["poisoned_test_accuracy"] >= 0


def test_knn_cleaning_recovers_from_random_flips():
    point = poison_run("random", 0.3, defense="knn")
    assert point.defended_test_accuracy > point.poisoned_test_accuracy + 0.01
    assert point.extra["defense_caught"] > 0.7 * point.extra["defense_touched"]
    example = point.example
    assert example.defended is not None and example.cleaning.defense == "knn"
    assert len(example.cleaning.changed) > 0


def test_flipping_one_class_hurts_more_than_flipping_at_random():
    by_class = poison_run("class", 0.3, seeds=2)
    at_random = poison_run("random", 0.3, seeds=2)
    assert by_class.poisoned_test_accuracy < at_random.poisoned_test_accuracy - 0.1


def test_a_targeted_flip_changes_the_answer_at_the_target_only():
    point = poison_run("target")  # 10 neighbours of one random test point per seed
    assert point.flipped <= 10
    assert point.extra["target_hit"] >= 2 / 3 and point.extra["target_hit_clean"] == 0.0
    assert point.poisoned_test_accuracy >= point.clean_test_accuracy - 0.04


def test_a_backdoor_island_works_and_knn_cleaning_removes_it():
    point = poison_run("backdoor", count=5, defense="knn")
    assert point.extra["target_hit"] == 1.0
    assert point.extra["target_hit_defended"] == 0.0
    assert point.poisoned_test_accuracy >= point.clean_test_accuracy - 0.02
    assert len(point.example.poisoning.y) == 905


def test_loss_and_early_stopping_defences_report_what_they_did():
    loss = poison_run("boundary", 0.1, defense="loss", seeds=2, drop=0.2)
    assert loss.extra["defense_touched"] == 180
    assert loss.extra["defense_caught"] > 0.4 * 180  # far more than the 10 % a random drop would catch
    assert loss.poisoned_test_accuracy < loss.clean_test_accuracy
    early = poison_run("random", 0.3, defense="early", seeds=2, exp=recipe(epochs=100))
    assert 10 <= early.extra["stopped_epoch"] <= 100
    assert early.extra["defense_touched"] == 180  # the held-out 20 %
    assert early.defended_test_accuracy >= 0.8


def test_a_sweep_gives_one_point_per_fraction_and_reports_progress():
    seen = []
    points = poison_sweep("last", [0.0, 0.5, 1.0], seeds=2, on_progress=lambda d, t: seen.append((d, t)))
    assert [p.fraction for p in points] == [0.0, 0.5, 1.0]
    assert [p.flipped for p in points] == [0, 450, 900]
    clean, half, inverted = points
    assert clean.poisoned_test_accuracy == clean.clean_test_accuracy == half.clean_test_accuracy
    assert inverted.poisoned_test_accuracy <= 0.1  # every label flipped: the model learns the opposite
    assert seen == sorted(seen) and seen[-1][0] == seen[-1][1]
    assert points[1].example.poisoned.predict(np.zeros((1, 2))).shape == (1,)
    assert SWEEP_FRACTIONS == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def test_a_cancelled_sweep_stops():
    with pytest.raises(Cancelled):
        poison_sweep("random", should_cancel=lambda: True)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: poison_run("random", 2.0), "fraction"),
        (lambda: poison_run("random", 0.1, defense="pray"), "defense"),
        (lambda: poison_run("random", 0.1, seeds=0), "seeds"),
        (lambda: poison_sweep("random", [0.1, -0.1]), "fraction"),
    ],
)
def test_bad_settings_are_refused_before_training(call, field):
    with pytest.raises(SpecError) as error:
        call()
    assert error.value.field == field


@pytest.mark.slow
def test_the_poisoning_notebook_is_reproduced():
    # notebook 3: PyTorch, RMSprop 1e-4, 10 000 full-batch epochs, last 50 % of labels flipped → 0.52
    point = poison_run("last", 0.5, exp=recipe("notebook"), seeds=1)
    assert point.clean_test_accuracy >= 0.97
    assert point.poisoned_test_accuracy == pytest.approx(0.52, abs=0.06)
