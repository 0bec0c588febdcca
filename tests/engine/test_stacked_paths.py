"""The NumPy and the PyTorch stack are two writings of one program: they must train the same models.

Which one the attack lab gets is a speed choice (stacked.CPU_PATH) or a matter of what is installed, so a
result must not depend on it beyond rounding.
"""

import numpy as np
import pytest

from ml101.engine.attacks.lab import recipe, workshop_split
from ml101.engine.errors import SpecError
from ml101.engine.nets import has_torch
from ml101.engine.nets.stacked import path_name, train_stacked, uses_torch

needs_torch = pytest.mark.skipif(not has_torch(), reason="compares with the PyTorch path")


@pytest.fixture(scope="module")
def data():
    return workshop_split()


def _lab_inputs(data):
    """Three models with what the lab gives stacks: their own labels (one soft), a mask and early stopping."""
    X, y = data.X_train, data.y_train
    n = len(y)
    labels = np.stack([y, 1 - y, 0.8 * y + 0.1])  # the third learns soft labels, as the stealing lab's do
    mask = np.ones((3, n))
    mask[1, n // 3:] = 0  # the second trains on a third of the points
    validation = (np.stack([X, X, X]), np.stack([y, y, 1 - y]), np.ones((3, n)))
    return X, labels, mask, validation


@needs_torch
@pytest.mark.parametrize(
    "changes",
    [
        dict(optimizer="adam", lr=0.01),
        dict(optimizer="rmsprop", lr=0.001, init="torch", activations="tanh,leaky_relu,sigmoid"),
        dict(optimizer="momentum", lr=0.05, loss="mse", reg="l2", reg_rate=0.01),
        dict(optimizer="sgd", lr=0.1, layers="8", activations="linear", reg="l1", reg_rate=0.001),
    ],
)
def test_both_paths_train_the_same_models_in_float64(data, changes):
    # float64 rounding (1e-16 per operation) stays far below 1e-9 through 40 epochs, as in test_stacked.py's
    # twin test; a mask, label, validation or optimizer handled differently moves predictions by 1e-3 or more.
    exp = recipe().with_changes(epochs=40, dtype="float64", **changes)
    X, labels, mask, validation = _lab_inputs(data)
    stacks = [train_stacked(exp, X, labels, [0, 1, 2], mask=mask, validation=validation, check_every=5, path=path)
              for path in ("numpy", "torch")]
    np.testing.assert_array_equal(stacks[0].best_epoch, stacks[1].best_epoch)
    np.testing.assert_allclose(stacks[0].predict(data.X_test), stacks[1].predict(data.X_test), atol=1e-9)
    for k in range(3):
        for (W0, b0), (W1, b1) in zip(stacks[0].net(k).params, stacks[1].net(k).params, strict=True):
            np.testing.assert_allclose(W0, W1, atol=1e-9)
            np.testing.assert_allclose(b0, b1, atol=1e-9)


@needs_torch
def test_both_paths_reach_the_same_accuracy_with_the_labs_recipe(data):
    # float32 for 300 Adam epochs: the two libraries' products round differently (6e-8 per operation) and
    # training amplifies that, so single models may end a test point or two apart. The mean over six seeds
    # moves far less; 0.02 is two test points on average, a wrong update or mask costs 0.1 or more.
    exp = recipe()
    seeds = list(range(6))
    accuracy = [train_stacked(exp, data.X_train, data.y_train, seeds, path=path).accuracy(data.X_test, data.y_test)
                for path in ("numpy", "torch")]
    assert accuracy[0].min() >= 0.95 and accuracy[1].min() >= 0.95
    assert accuracy[0].mean() == pytest.approx(accuracy[1].mean(), abs=0.02)


def test_without_a_gpu_the_cpu_path_is_chosen_and_named(data):
    exp = recipe().with_changes(device="cpu")
    assert path_name(exp) in ("numpy", "torch")
    assert uses_torch(exp) == (path_name(exp) == "torch")
    stack = train_stacked(exp.with_changes(epochs=2), data.X_train, data.y_train, [0])
    assert stack.path == path_name(exp)


def test_a_path_that_does_not_exist_is_refused(data):
    with pytest.raises(SpecError, match="path"):
        train_stacked(recipe().with_changes(epochs=1), data.X_train, data.y_train, [0], path="jax")


def test_the_attack_lab_on_the_cpu_does_not_load_torch_even_where_it_is_installed():
    """NumPy is the CPU path everywhere: a poisoning run costs no torch import (2 s, 200 MB on a shared server)."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom ml101.engine.attacks.lab import recipe\n"
        "from ml101.engine.attacks.poison_lab import poison_run\n"
        "poison_run('last', 0.5, seeds=1, exp=recipe(epochs=5))\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "ML101_THREADS": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
