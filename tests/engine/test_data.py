import numpy as np
import pytest

from ml101.engine.data import GENERATORS, generate, moons, split
from ml101.engine.errors import SpecError


def test_moons_are_the_workshop_points():
    # First rows of scikit-learn's make_moons(1000, noise=0.2, random_state=100), recorded once.
    d = moons()
    assert d.X.shape == (1000, 2)
    np.testing.assert_allclose(d.X[:3], [[2.24907069e-05, 1.07275825], [-5.59037377e-02, 4.25241282e-01],
                                         [2.40944879e-02, 4.08065802e-01]], rtol=1e-7, atol=1e-12)
    assert d.y[:5].tolist() == [0, 0, 1, 0, 1]


def test_workshop_split_is_100_test_900_train():
    s = split(moons(), 0.1, 42)
    assert s.X_test.shape == (100, 2) and s.X_train.shape == (900, 2)
    # scikit-learn's train_test_split puts RandomState(42).permutation(1000)[:100] into the test set
    order = np.random.RandomState(42).permutation(1000)
    np.testing.assert_array_equal(s.X_test, moons().X[order[:100]])


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n", [10, 101, 1000])
def test_every_dataset_has_shape_and_balance(name, n):
    d = generate(name, n, 0.1, 3)
    assert d.X.shape == (n, 2) and d.y.shape == (n,)
    assert set(np.unique(d.y)) == {0.0, 1.0}
    assert abs((d.y == 1).sum() - (d.y == 0).sum()) <= 1
    x0, x1, y0, y1 = d.window
    assert x0 < d.X[:, 0].min() and d.X[:, 0].max() < x1 and y0 < d.X[:, 1].min() and d.X[:, 1].max() < y1


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_points(name):
    a, b, c = generate(name, 50, 0.2, 1), generate(name, 50, 0.2, 1), generate(name, 50, 0.2, 2)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)


def test_unknown_dataset_names_the_field():
    with pytest.raises(SpecError) as err:
        generate("banana", 100, 0.1, 0)
    assert err.value.field == "data" and "moons" in err.value.message


def test_split_that_leaves_nothing_is_refused():
    with pytest.raises(SpecError) as err:
        split(generate("xor", 10, 0.1, 0), 0.95, 1)
    assert err.value.field == "test_fraction"
