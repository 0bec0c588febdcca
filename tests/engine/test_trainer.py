import numpy as np
import pytest

from ml101.engine.history import History
from ml101.engine.spec import preset
from ml101.engine.trainer import ChangeCost, Trainer


@pytest.fixture(scope="module")
def quick():
    return preset("quick")


def test_quick_preset_learns_the_moons(quick):
    t = Trainer(quick)
    t.run(quick.epochs)
    m = t.metrics()
    assert t.epoch == quick.epochs
    assert m.test_accuracy >= 0.97 and m.train_accuracy >= 0.95


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_same_seed_same_result(quick, backend):
    exp = quick.with_changes(backend=backend, epochs=20, batch_size=64)
    a, b = Trainer(exp), Trainer(exp)
    a.run(20)
    b.run(20)
    assert a.metrics() == b.metrics()
    c = Trainer(exp.with_changes(seed=1))
    c.run(20)
    assert c.metrics() != a.metrics()


def test_backends_follow_the_same_path(quick):
    exp = quick.with_changes(dtype="float64", epochs=30)
    a, b = Trainer(exp), Trainer(exp.with_changes(backend="torch"))
    a.run(30)
    b.run(30)
    assert a.metrics().train_loss == pytest.approx(b.metrics().train_loss, rel=1e-6)


def test_divergence_stops_and_says_what_to_try(quick):
    t = Trainer(quick.with_changes(optimizer="sgd", lr=10))
    ran = t.run(200)
    assert ran < 200 and t.diverged
    assert "learning rate" in t.diverged and "10" in t.diverged
    assert t.run(5) == 0  # stays stopped until something changes
    assert t.change(lr=0.01) is ChangeCost.LIVE and t.diverged is None


def test_live_changes_keep_the_weights(quick):
    t = Trainer(quick)
    t.run(10)
    before = t.params()[0][0].copy()
    assert t.change(lr=0.001, reg="l2", reg_rate=0.001, optimizer="sgd") is ChangeCost.LIVE
    assert t.epoch == 10
    np.testing.assert_array_equal(t.params()[0][0], before)
    assert t.change(layers="8") is ChangeCost.MODEL and t.epoch == 0
    assert t.change(noise=0.3) is ChangeCost.DATA and t.epoch == 0


def test_a_change_cost_reads_as_the_word_messages_are_keyed_by():
    # The app words its answer as msg.applied_<cost> and undo.kept_<cost>: the enum must format as before.
    assert [f"msg.applied_{cost}" for cost in ChangeCost] == ["msg.applied_live", "msg.applied_model",
                                                               "msg.applied_data"]


def test_reset_returns_to_the_same_start(quick):
    t = Trainer(quick)
    start = t.params()[0][0].copy()
    t.run(5)
    t.reset()
    assert t.epoch == 0
    np.testing.assert_array_equal(t.params()[0][0], start)
    t.reset(new_seed=True)
    assert not np.array_equal(t.params()[0][0], start)


def test_grid_covers_the_window_with_probabilities(quick):
    t = Trainer(quick)
    t.run(100)
    g = t.grid(30, 20)
    assert g.shape == (20, 30) and ((g >= 0) & (g <= 1)).all()
    # the trained net separates the classes; the fresh one is near 0.5 everywhere
    assert g.max() > 0.95 and g.min() < 0.05
    assert not np.array_equal(t.grid(30, 20, untrained=True), g)
    neuron = t.grid(10, 10, neuron=(0, 3))
    assert neuron.shape == (10, 10) and (neuron >= 0).all()  # a ReLU unit


def test_history_stays_bounded_and_spread_out():
    h = History(capacity=100)
    for epoch in range(1, 100_001):
        if h.wants(epoch):
            h.add(epoch, 1.0, 1.0, 0.5, 0.5)
    epochs = h.column("epoch")
    assert len(h) <= 100
    assert epochs[0] <= 2048 and epochs[-1] >= 100_000 - 2048
    assert np.all(np.diff(epochs) > 0)


def test_minibatches_make_several_steps_per_epoch(quick):
    t = Trainer(quick.with_changes(batch_size=100))
    t.run(3)
    assert t.epoch == 3
    full = Trainer(quick)
    full.run(3)
    assert t.metrics().train_loss < full.metrics().train_loss  # 27 steps beat 3
