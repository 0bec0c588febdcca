"""The fast NumPy net (engine/nets/numpy_fast.py) computes what the teaching net (engine/nets/numpy_net.py) computes."""

import itertools

import numpy as np
import pytest

from ml101.engine.nets.numpy_fast import FastNumpyNet
from ml101.engine.nets.numpy_net import NumpyNet, init_params
from ml101.engine.spec import ACTIVATIONS, LOSSES, OPTIMIZERS, REGULARIZERS, Experiment, preset
from ml101.engine.trainer import Trainer

# the workshop net on fewer points; lr 0.003 keeps every combination out of chaotic regimes, where any two
# correct implementations drift apart after a few steps (RMSprop with mse at lr 0.01 does so even in float64)
BASE = preset("quick").with_changes(samples=300, lr=0.003, dtype="float32")
POINTS = Trainer(BASE).split


def _experiment(activation="relu", loss="bce", reg="none", optimizer="adam", **more):
    return BASE.with_changes(activations=f"{activation},{activation},{activation}", loss=loss, reg=reg,
                             reg_rate=0.001 if reg != "none" else 0.0, optimizer=optimizer, **more)


def _pair(exp):
    params = init_params(exp)
    nets = NumpyNet(exp, params), FastNumpyNet(exp, params)
    data = [net.prepare(POINTS.X_train, POINTS.y_train) for net in nets]
    return nets, data


def _train(net, data, steps):
    return np.array([net.train_step(*data)[0] for _ in range(steps)])


@pytest.mark.parametrize(("activation", "loss", "reg", "optimizer"),
                         list(itertools.product(ACTIVATIONS, LOSSES, REGULARIZERS, OPTIMIZERS)))
def test_same_loss_curve_as_the_teaching_net(activation, loss, reg, optimizer):
    # RMSprop's first steps are ±lr whatever the gradient's size: chaotic at lr 0.003 with a linear net
    lr = 0.001 if optimizer == "rmsprop" else BASE.lr
    (slow, fast), (slow_data, fast_data) = _pair(_experiment(activation, loss, reg, optimizer, lr=lr))
    slow_losses, fast_losses = _train(slow, slow_data, 30), _train(fast, fast_data, 30)
    np.testing.assert_allclose(fast_losses, slow_losses, rtol=2e-4)
    assert slow_losses[-1] < slow_losses[0]  # the curve moved: equal numbers are not equal non-training
    for (W1, b1), (W2, b2) in zip(slow.params(), fast.params(), strict=True):
        np.testing.assert_allclose(W2, W1, rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(b2, b1, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize(("activation", "loss", "reg"),
                         list(itertools.product(ACTIVATIONS, LOSSES, REGULARIZERS)))
def test_same_gradients(activation, loss, reg):
    (slow, fast), (slow_data, fast_data) = _pair(_experiment(activation, loss, reg, dtype="float64"))
    slow_loss, slow_grads = slow.gradients(*slow_data)
    fast_loss, fast_grads = fast.gradients(*fast_data)
    assert fast_loss == pytest.approx(slow_loss, rel=1e-10)
    for (dW1, db1), (dW2, db2) in zip(slow_grads, fast_grads, strict=True):
        np.testing.assert_allclose(dW2, dW1, rtol=1e-8, atol=1e-14)
        np.testing.assert_allclose(db2, db1, rtol=1e-8, atol=1e-14)


def test_predict_evaluate_and_neurons_agree():
    (slow, fast), (slow_data, fast_data) = _pair(_experiment("tanh"))
    _train(slow, slow_data, 20)
    _train(fast, fast_data, 20)
    grid = np.random.default_rng(1).uniform(-2, 2, size=(500, 2))
    Xs, _ = slow.prepare(grid, np.zeros(500))
    Xf, _ = fast.prepare(grid, np.zeros(500))
    np.testing.assert_allclose(fast.predict(Xf), slow.predict(Xs), atol=1e-5)
    for layer, unit in ((0, 0), (1, 49), (2, 7)):
        np.testing.assert_allclose(fast.neuron(Xf, layer, unit), slow.neuron(Xs, layer, unit), atol=1e-5)
    test_s = slow.prepare(POINTS.X_test, POINTS.y_test)
    test_f = fast.prepare(POINTS.X_test, POINTS.y_test)
    assert fast.evaluate(*test_f)[0] == pytest.approx(slow.evaluate(*test_s)[0], rel=1e-5)
    assert fast.evaluate(*test_f)[1] == slow.evaluate(*test_s)[1]


def test_live_changes_follow_the_teaching_net():
    # lr, loss, regulariser and optimizer change mid-run; a new optimizer starts with an empty memory
    exp = _experiment()
    (slow, fast), (slow_data, fast_data) = _pair(exp)
    curves = [[], []]
    for change in ({}, dict(lr=0.001), dict(reg="l2", reg_rate=0.01), dict(optimizer="momentum"),
                   dict(loss="mse", optimizer="adam")):
        exp = exp.with_changes(**change)
        for net, data, curve in zip((slow, fast), (slow_data, fast_data), curves, strict=True):
            net.configure(exp)
            curve.extend(_train(net, data, 8))
    np.testing.assert_allclose(curves[1], curves[0], rtol=2e-4)


def test_minibatches_of_changing_size():
    exp = _experiment()
    (slow, fast), _ = _pair(exp)
    for size in (64, 64, 17, 128, 64):
        batch = slice(0, size)
        a = slow.train_step(*slow.prepare(POINTS.X_train[batch], POINTS.y_train[batch]))
        b = fast.train_step(*fast.prepare(POINTS.X_train[batch], POINTS.y_train[batch]))
        assert b[0] == pytest.approx(a[0], rel=1e-4) and b[1] == a[1]


def test_trainer_uses_the_fast_net_for_float32_and_the_teaching_net_for_float64():
    assert isinstance(Trainer(BASE).net, FastNumpyNet)
    assert isinstance(Trainer(preset("notebook-numpy")).net, NumpyNet)


def test_trainer_behaves_the_same_on_either_net():
    exp = Experiment().with_changes(samples=300, epochs=60)
    fast = Trainer(exp)
    slow = Trainer(exp)
    slow.net = NumpyNet(exp, slow.initial_params)
    slow._train = slow.net.prepare(slow.split.X_train, slow.split.y_train)
    slow._test = slow.net.prepare(slow.split.X_test, slow.split.y_test)
    for t in (fast, slow):
        t.run(30)
        t.change(lr=0.003, reg="l1", reg_rate=0.001)
        t.run(30)
    mf, ms = fast.metrics(), slow.metrics()
    assert mf.epoch == ms.epoch == 60
    assert mf.train_loss == pytest.approx(ms.train_loss, rel=1e-3)
    assert mf.test_accuracy == pytest.approx(ms.test_accuracy, abs=0.02)
    np.testing.assert_allclose(fast.history.as_array(), slow.history.as_array(), rtol=1e-3, atol=2e-2)
    np.testing.assert_allclose(fast.grid(40, 30), slow.grid(40, 30), atol=1e-3)
    np.testing.assert_allclose(fast.grid(40, 30, neuron=(1, 3)), slow.grid(40, 30, neuron=(1, 3)), atol=1e-3)
    np.testing.assert_allclose(fast.grid(40, 30, untrained=True), slow.grid(40, 30, untrained=True), atol=1e-5)
    for (W1, b1), (W2, b2) in zip(slow.params(), fast.params(), strict=True):
        np.testing.assert_allclose(W2, W1, rtol=1e-2, atol=1e-3)
        np.testing.assert_allclose(b2, b1, rtol=1e-2, atol=1e-3)


def test_drawing_maps_of_many_sizes_keeps_memory_bounded():
    # the app asks for a new grid size whenever the terminal is resized; buffers for old sizes must go
    from ml101.engine.nets.numpy_fast import SCRATCH_BYTES, _nbytes

    t = Trainer(BASE)
    for width in range(40, 400, 20):
        grid = t.grid(width, width // 2)
        assert grid.shape == (width // 2, width)
    assert sum(map(_nbytes, t.net._scratches.values())) <= SCRATCH_BYTES
    np.testing.assert_allclose(t.grid(40, 20), t.grid(40, 20))  # a reused buffer gives the same picture
