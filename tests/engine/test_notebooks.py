"""The workshop's notebooks 1 and 2, reproduced in full (10 000 epochs each: marked slow, still run in CI)."""

import pytest

from ml101.engine.spec import preset
from ml101.engine.trainer import Trainer


@pytest.mark.slow
@pytest.mark.parametrize(("name", "notebook_accuracy"), [("notebook-numpy", 0.98), ("notebook-torch", 0.99)])
def test_notebook_result_is_reproduced(name, notebook_accuracy):
    exp = preset(name)
    trainer = Trainer(exp)
    assert trainer.run(exp.epochs) == 10_000
    m = trainer.metrics()
    assert m.test_accuracy >= 0.97
    assert m.test_accuracy == pytest.approx(notebook_accuracy, abs=0.015)
    # the curves the notebooks plot were recorded all the way
    assert trainer.history.column("epoch")[-1] == 10_000


def test_numpy_notebook_starts_from_the_notebooks_weights():
    # notebook 1: np.random.seed(2); per layer W = randn(out, in) * 0.1, then b = randn(out, 1) * 0.1
    import numpy as np

    trainer = Trainer(preset("notebook-numpy"))
    np.random.seed(2)
    W1 = np.random.randn(25, 2) * 0.1
    b1 = np.random.randn(25, 1) * 0.1
    W2 = np.random.randn(50, 25) * 0.1
    (W, b), (W_2, _) = trainer.initial_params[:2]
    np.testing.assert_array_equal(W, W1)
    np.testing.assert_array_equal(b, b1[:, 0])
    np.testing.assert_array_equal(W_2, W2)
