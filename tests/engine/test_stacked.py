"""Stacked training must give each model what it would get alone: same weights early, same accuracy late.

Every test runs on both paths (stacked_numpy.py and stacked_torch.py); the torch one is skipped where PyTorch
is not installed. tests/engine/test_stacked_paths.py holds the two paths to each other.
"""

from functools import partial

import numpy as np
import pytest

from ml101.engine.attacks.lab import recipe, workshop_split
from ml101.engine.errors import SpecError
from ml101.engine.nets import has_torch
from ml101.engine.nets.stacked import Cancelled
from ml101.engine.nets.stacked import train_stacked as train_on_path
from ml101.engine.trainer import Trainer


@pytest.fixture(scope="module")
def data():
    return workshop_split()


@pytest.fixture(params=["numpy", pytest.param("torch", marks=pytest.mark.skipif(not has_torch(), reason="no torch"))])
def train_stacked(request):
    return partial(train_on_path, path=request.param)


@pytest.mark.parametrize(
    "changes",
    [
        dict(optimizer="adam", lr=0.01),
        dict(optimizer="rmsprop", lr=0.001, init="torch"),
        dict(optimizer="momentum", lr=0.05, activations="tanh,tanh,tanh", loss="mse"),
        dict(optimizer="sgd", lr=0.1, activations="leaky_relu,sigmoid,linear", reg="l2", reg_rate=0.01),
        dict(optimizer="adam", lr=0.01, layers="8", reg="l1", reg_rate=0.001),
    ],
)
def test_each_stacked_model_follows_its_single_twin_step_for_step(data, changes, train_stacked):
    exp = recipe().with_changes(epochs=15, dtype="float64", **changes)
    stack = train_stacked(exp, data.X_train, data.y_train, seeds=[3, 4])
    for k, seed in enumerate((3, 4)):
        twin = Trainer(exp.with_changes(seed=seed))
        twin.run(exp.epochs)
        np.testing.assert_allclose(stack.net(k).predict(data.X_test), twin.predict(data.X_test), atol=1e-9)


def test_stacked_models_reach_the_accuracy_of_single_models(data, train_stacked):
    exp = recipe()  # the lab's fast recipe: Adam, 300 epochs, float32
    seeds = [0, 1, 2, 3]
    stacked = train_stacked(exp, data.X_train, data.y_train, seeds).accuracy(data.X_test, data.y_test)
    for k, seed in enumerate(seeds):
        single = Trainer(exp.with_changes(seed=seed))
        single.run(exp.epochs)
        assert single.metrics().test_accuracy >= 0.95
        assert stacked[k] == pytest.approx(single.metrics().test_accuracy, abs=0.03)


def test_each_model_learns_its_own_labels_and_points(data, train_stacked):
    exp = recipe().with_changes(epochs=200)
    n = len(data.y_train)
    half = np.zeros((3, n))
    half[0], half[1], half[2, : n // 2] = 1, 1, 1
    labels = np.stack([data.y_train, 1 - data.y_train, data.y_train])
    stack = train_stacked(exp, data.X_train, labels, seeds=[0, 0, 0], mask=half)
    right, inverted, on_half = stack.accuracy(data.X_test, data.y_test)
    assert right >= 0.95 and inverted <= 0.05
    # the masked model is the model trained on the first half alone
    alone = train_stacked(exp, data.X_train[: n // 2], data.y_train[: n // 2], seeds=[0])
    assert on_half == pytest.approx(alone.accuracy(data.X_test, data.y_test)[0], abs=1e-9)


def test_early_stopping_keeps_the_best_epoch_for_the_validation_set(data, train_stacked):
    exp = recipe().with_changes(epochs=200)
    X, y = data.X_train, data.y_train
    validation_against = np.stack([y, 1 - y])  # model 1's validation labels are all wrong: its best is early
    stack = train_stacked(exp, X, y, seeds=[0, 0], validation=(np.stack([X, X]), validation_against,
                                                                  np.ones((2, len(y)))))
    assert stack.best_epoch[0] > stack.best_epoch[1] == 10
    plain, early = stack.accuracy(data.X_test, data.y_test)
    assert plain >= 0.95 and early < plain


def test_progress_is_reported_and_cancel_stops_training(data, train_stacked):
    exp = recipe().with_changes(epochs=100)
    seen = []
    train_stacked(exp, data.X_train, data.y_train, seeds=[0], on_progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (100, 100) and seen == sorted(seen)
    with pytest.raises(Cancelled):
        train_stacked(exp, data.X_train, data.y_train, seeds=[0], should_cancel=lambda: True)


def test_bad_shapes_and_settings_name_what_is_wrong(data, train_stacked):
    exp = recipe().with_changes(epochs=1)
    with pytest.raises(SpecError, match="y"):
        train_stacked(exp, data.X_train, data.y_train[:-1], seeds=[0])
    with pytest.raises(SpecError, match="seeds"):
        train_stacked(exp, data.X_train, data.y_train, seeds=[])
    with pytest.raises(SpecError, match="mask"):
        train_stacked(exp, data.X_train, data.y_train, seeds=[0], mask=np.zeros((1, len(data.y_train))))
    with pytest.raises(SpecError, match="batch_size"):
        train_stacked(exp.with_changes(batch_size=10), data.X_train, data.y_train, seeds=[0])


@pytest.mark.parametrize(
    "dtype, atol",
    [
        # float64 rounding (1e-16 per operation) stays far below 1e-9 through 30 epochs: the twin test above
        # holds a stack to a different program (NumPy, another summation order) at 1e-9 after 15 epochs.
        ("float64", 1e-9),
        # float32 is what the lab trains with. Which kernel a part's products get is the CPU library's choice
        # (on a Xeon, MKL's AVX-512 batched products sum in an order that depends on the batch), so a part
        # and the whole stack differ by rounding (6e-8 per operation), which 30 Adam epochs amplify: two of
        # MKL's own code paths (MKL_CBWR) give the same models 7e-5 apart, as the Xeon's thread split did.
        # 1e-3 leaves an order of magnitude above that; a part that trained on another part's labels, seeds
        # or weights is 0.1 to 1 off.
        ("float32", 1e-3),
    ],
)
def test_a_stack_cut_into_parts_trains_the_same_models(data, train_stacked, dtype, atol):
    exp = recipe().with_changes(epochs=30, dtype=dtype)
    labels = np.stack([data.y_train, 1 - data.y_train, data.y_train, data.y_train, 1 - data.y_train])
    whole = train_stacked(exp, data.X_train, labels, seeds=[0, 1, 2, 3, 4], threads=1)
    parts = train_stacked(exp, data.X_train, labels, seeds=[0, 1, 2, 3, 4], threads=3)
    np.testing.assert_allclose(parts.predict(data.X_test), whole.predict(data.X_test), atol=atol)
