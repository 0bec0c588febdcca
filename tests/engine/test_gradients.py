"""The hand-written backward pass is the chain rule, not a guess: finite differences and autograd agree."""

import numpy as np
import pytest

from ml101.engine.nets.numpy_net import NumpyNet, init_params
from ml101.engine.spec import ACTIVATIONS, Experiment

SMALL = Experiment(data="moons", samples=40, layers=(5, 4), activations=("tanh", "tanh"), init="torch",
                   dtype="float64", seed=3)


def _points(seed=0, n=12):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (rng.random(n) > 0.5).astype(float)


def _loss_at(exp, params, X, y):
    net = NumpyNet(exp, params)
    Xp, Yp = net.prepare(X, y)
    return net.gradients(Xp, Yp)


CASES = [(act, loss, reg) for act in ACTIVATIONS for loss in ("bce", "mse") for reg in ("none", "l1", "l2")]


@pytest.mark.parametrize(("activation", "loss", "reg"), CASES)
def test_backward_equals_finite_differences(activation, loss, reg):
    exp = SMALL.with_changes(activations=f"{activation},{activation}", loss=loss, reg=reg,
                             reg_rate=0.01 if reg != "none" else 0.0)
    params = init_params(exp)
    X, y = _points()
    if activation in ("relu", "leaky_relu"):
        X = X + 0.05  # keep pre-activations away from the kink at 0 where the derivative jumps
    _, grads = _loss_at(exp, params, X, y)
    h = 1e-6
    for layer, (W, b) in enumerate(params):
        for which, array in (("W", W), ("b", b)):
            for index in np.ndindex(array.shape):
                if reg == "l1" and which == "W" and abs(array[index]) < 2 * h:
                    continue  # |w| has no derivative at 0
                plus, minus = [[(w.copy(), c.copy()) for w, c in params] for _ in range(2)]
                target_plus = plus[layer][0 if which == "W" else 1]
                target_minus = minus[layer][0 if which == "W" else 1]
                target_plus[index] += h
                target_minus[index] -= h
                numeric = (_loss_at(exp, plus, X, y)[0] - _loss_at(exp, minus, X, y)[0]) / (2 * h)
                analytic = grads[layer][0 if which == "W" else 1][index]
                assert analytic == pytest.approx(numeric, rel=1e-4, abs=1e-7), (layer, which, index)


@pytest.mark.parametrize(("activation", "loss", "reg"), CASES)
def test_numpy_and_torch_agree_on_loss_and_gradients(activation, loss, reg):
    from ml101.engine.nets.torch_net import TorchNet

    exp = SMALL.with_changes(activations=f"{activation},{activation}", loss=loss, reg=reg,
                             reg_rate=0.01 if reg != "none" else 0.0)
    params = init_params(exp)
    X, y = _points(1, 30)
    np_net, torch_net = NumpyNet(exp, params), TorchNet(exp, params)
    np_loss, np_grads = np_net.gradients(*np_net.prepare(X, y))
    t_loss, t_grads = torch_net.gradients(*torch_net.prepare(X, y))
    assert np_loss == pytest.approx(t_loss, rel=1e-6)
    for (a_W, a_b), (b_W, b_b) in zip(np_grads, t_grads, strict=True):
        np.testing.assert_allclose(a_W, b_W, rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(a_b, b_b, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_numpy_and_torch_optimizers_take_the_same_steps(optimizer):
    from ml101.engine.nets.torch_net import TorchNet

    exp = SMALL.with_changes(optimizer=optimizer, lr=0.05, activations="relu,tanh")
    params = init_params(exp)
    X, y = _points(2, 20)
    nets = [NumpyNet(exp, params), TorchNet(exp, params)]
    for net in nets:
        data = net.prepare(X, y)
        for _ in range(5):
            net.train_step(*data)
    for (a_W, a_b), (b_W, b_b) in zip(nets[0].params(), nets[1].params(), strict=True):
        np.testing.assert_allclose(a_W, b_W, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(a_b, b_b, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_huge_weights_give_finite_loss_and_no_warnings(loss):
    # pytest turns RuntimeWarning (overflow in exp/log) into errors for this project
    exp = SMALL.with_changes(loss=loss, activations="linear,linear")
    params = [(W * 1e4, b * 1e4 + 50) for W, b in init_params(exp)]
    net = NumpyNet(exp, params)
    X, y = _points(3)
    loss_value, grads = net.gradients(*net.prepare(X * 100, y))
    assert np.isfinite(loss_value)
    assert all(np.isfinite(g).all() for pair in grads for g in pair)
    p = net.predict(net.prepare(X * 100, y)[0])
    assert ((p >= 0) & (p <= 1)).all()
