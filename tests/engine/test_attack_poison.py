"""Poisoning strategies and defences on the workshop's training set: exactly which labels change, and how."""

import numpy as np
import pytest

from ml101.engine.attacks import defend
from ml101.engine.attacks.lab import workshop_split
from ml101.engine.attacks.poison import poison
from ml101.engine.attacks.poison_strategies import empty_spot
from ml101.engine.attacks.registry import POISON
from ml101.engine.data import MOONS_WINDOW
from ml101.engine.errors import SpecError


@pytest.fixture(scope="module")
def data():
    return workshop_split()


def untouched(p, y):
    """Indices whose label stayed what it was."""
    same = np.ones(len(y), bool)
    same[p.changed[p.changed < len(y)]] = False
    return same


def test_last_flips_exactly_the_last_share_like_the_notebook(data):
    p = poison("last", data.X_train, data.y_train, fraction=0.5)
    assert p.flipped == 450
    np.testing.assert_array_equal(p.changed, np.arange(450, 900))
    np.testing.assert_array_equal(p.y[450:], 1 - data.y_train[450:])
    np.testing.assert_array_equal(p.y[:450], data.y_train[:450])
    np.testing.assert_array_equal(p.X, data.X_train)


def test_random_flips_a_seeded_random_set(data):
    a = poison("random", data.X_train, data.y_train, fraction=0.3, seed=1)
    again = poison("random", data.X_train, data.y_train, fraction=0.3, seed=1)
    other = poison("random", data.X_train, data.y_train, fraction=0.3, seed=2)
    assert a.flipped == 270 and len(np.unique(a.changed)) == 270
    np.testing.assert_array_equal(a.changed, again.changed)
    assert not np.array_equal(a.changed, other.changed)
    np.testing.assert_array_equal(a.y[a.changed], 1 - data.y_train[a.changed])
    assert (a.y != data.y_train).sum() == 270


@pytest.mark.parametrize("cls", [0, 1])
def test_class_flips_only_points_of_that_class_and_at_most_all_of_them(data, cls):
    p = poison("class", data.X_train, data.y_train, fraction=0.3, cls=cls)
    assert p.flipped == 270
    assert np.all(data.y_train[p.changed] == cls) and np.all(p.y[p.changed] == 1 - cls)
    everything = poison("class", data.X_train, data.y_train, fraction=1.0, cls=cls)
    assert everything.flipped == (data.y_train == cls).sum()
    assert np.all(everything.y == 1 - cls)
    with pytest.raises(SpecError, match="class"):
        poison("class", data.X_train, data.y_train, fraction=0.3, cls=2)


def test_boundary_flips_the_points_the_clean_model_is_least_sure_of(data):
    p_clean = np.random.default_rng(0).uniform(size=len(data.y_train))
    p = poison("boundary", data.X_train, data.y_train, fraction=0.1, clean_probability=p_clean)
    margin = np.abs(p_clean - 0.5)
    assert p.flipped == 90
    assert margin[p.changed].max() <= margin[untouched(p, data.y_train)].min()


def test_cluster_flips_one_region_and_nothing_outside_it(data):
    p = poison("cluster", data.X_train, data.y_train, fraction=0.1, seed=3)
    distance = np.linalg.norm(data.X_train - p.target, axis=1)
    assert p.flipped == 90
    assert distance[p.changed].max() <= distance[untouched(p, data.y_train)].min()
    assert distance[p.changed].max() < 1.0  # a region, not points scattered over the moons
    np.testing.assert_array_equal(p.y[p.changed], 1 - data.y_train[p.changed])


def test_target_gives_the_nearest_neighbours_of_one_test_point_the_wrong_label(data):
    p = poison("target", data.X_train, data.y_train, count=7, seed=4, X_test=data.X_test, y_test=data.y_test)
    assert any(np.array_equal(p.target, x) for x in data.X_test)
    true_label = data.y_test[[np.array_equal(p.target, x) for x in data.X_test]][0]
    assert p.target_label == 1 - true_label
    nearest = np.argsort(np.linalg.norm(data.X_train - p.target, axis=1))[:7]
    assert np.all(p.y[nearest] == p.target_label)
    assert set(p.changed) <= set(nearest) and 1 <= p.flipped <= 7
    assert (p.y != data.y_train).sum() == p.flipped


def test_backdoor_adds_an_island_of_the_other_class_in_an_empty_region(data):
    p = poison("backdoor", data.X_train, data.y_train, count=5, seed=0, window=MOONS_WINDOW)
    n = len(data.y_train)
    assert len(p.y) == n + 5 and p.flipped == 5
    np.testing.assert_array_equal(p.changed, np.arange(n, n + 5))
    np.testing.assert_array_equal(p.X[:n], data.X_train)
    np.testing.assert_array_equal(p.y[:n], data.y_train)
    assert np.all(np.linalg.norm(p.X[n:] - p.target, axis=1) < 0.3)
    gap = np.linalg.norm(data.X_train - p.target, axis=1)
    assert gap.min() > 0.3  # no real point nearby: the region was empty
    assert np.all(p.y[n:] == p.target_label) and p.target_label == 1 - data.y_train[np.argmin(gap)]
    x0, x1, y0, y1 = MOONS_WINDOW
    assert x0 < p.target[0] < x1 and y0 < p.target[1] < y1
    np.testing.assert_array_equal(empty_spot(data.X_train, MOONS_WINDOW), p.target)


@pytest.mark.parametrize("strategy", [s for s in POISON if not POISON[s].needs_clean_model])
def test_no_poison_changes_nothing(data, strategy):
    p = poison(strategy, data.X_train, data.y_train, count=0, X_test=data.X_test, y_test=data.y_test)
    assert p.flipped == 0
    np.testing.assert_array_equal(p.y, data.y_train)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(strategy="everything", fraction=0.1), "strategy"),
        (dict(strategy="random", fraction=1.5), "fraction"),
        (dict(strategy="random", fraction=float("nan")), "fraction"),
        (dict(strategy="random", count=901), "count"),
        (dict(strategy="random", count=-1), "count"),
    ],
)
def test_bad_settings_name_the_setting(data, kwargs, field):
    with pytest.raises(SpecError) as error:
        poison(kwargs.pop("strategy"), data.X_train, data.y_train, **kwargs)
    assert error.value.field == field


def test_knn_cleaning_repairs_most_scattered_flips(data):
    p = poison("random", data.X_train, data.y_train, fraction=0.2, seed=0)
    cleaning = defend.knn_clean(p.X, p.y, k=10)
    repaired = (cleaning.y == data.y_train).mean()
    assert repaired > 0.9 > (p.y == data.y_train).mean()
    assert defend.caught(cleaning.changed, p.changed) > 0.7 * len(cleaning.changed)
    np.testing.assert_array_equal(cleaning.y[cleaning.changed], 1 - p.y[cleaning.changed])


def test_knn_cleaning_cannot_repair_a_flipped_region(data):
    p = poison("cluster", data.X_train, data.y_train, fraction=0.1, seed=0)
    cleaning = defend.knn_clean(p.X, p.y, k=10)
    # inside the region the neighbours were flipped too: most poisoned labels survive the vote
    assert defend.caught(cleaning.changed, p.changed) < 0.5 * p.flipped


def test_loss_defence_drops_the_points_the_model_believes_least():
    y = np.array([0, 0, 1, 1, 1.0])
    p = np.array([0.1, 0.9, 0.8, 0.05, 0.6])  # points 1 and 3 look mislabelled
    cleaning = defend.drop_high_loss(p, y, share=0.4)
    np.testing.assert_array_equal(cleaning.removed, [1, 3])
    np.testing.assert_array_equal(cleaning.keep, [True, False, True, False, True])


def test_holdout_sets_a_seeded_share_aside():
    y = np.zeros(100)
    a, b = defend.holdout(y, 0.2, seed=1), defend.holdout(y, 0.2, seed=1)
    assert len(a.removed) == 20 and (~a.keep).sum() == 20
    np.testing.assert_array_equal(a.removed, b.removed)


def test_bad_defence_settings_name_the_setting(data):
    with pytest.raises(SpecError, match="defense"):
        defend.check_defense("magic")
    with pytest.raises(SpecError, match="^k:"):
        defend.knn_clean(data.X_train, data.y_train, k=0)
    with pytest.raises(SpecError, match="drop"):
        defend.drop_high_loss(np.zeros(3), np.zeros(3), share=1.0)
