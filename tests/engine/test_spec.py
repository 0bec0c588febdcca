import pytest

from ml101.engine.errors import SpecError
from ml101.engine.spec import PRESETS, Experiment, preset

BAD = [
    ("lr", 0), ("lr", -1), ("lr", "nan"), ("lr", "inf"), ("lr", 11), ("lr", "fast"),
    ("epochs", -1), ("epochs", 2.5), ("samples", 5), ("noise", -0.1), ("test_fraction", 0),
    ("test_fraction", 1), ("batch_size", 100_000), ("reg_rate", -1), ("seed", -3), ("threads", 0),
    ("optimizer", "lbfgs"), ("loss", "hinge"), ("reg", "l3"), ("backend", "jax"), ("device", "tpu"),
    ("init", "zeros"), ("layers", "0"), ("layers", "257"), ("layers", "1,2,3,4,5,6,7,8,9"),
    ("layers", "a,b"), ("activations", "relu,swish,relu"), ("data", "banana"),
]


@pytest.mark.parametrize(("field", "value"), BAD)
def test_every_bad_value_is_refused_naming_its_field(field, value):
    with pytest.raises(SpecError) as err:
        Experiment().with_changes(**{field: value})
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")


def test_unknown_setting_names_itself():
    with pytest.raises(SpecError) as err:
        Experiment().with_changes(learning_rate=0.1)
    assert err.value.field == "learning_rate"


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(SpecError) as err:
        preset("turbo")
    assert err.value.field == "preset" and "quick" in err.value.message


def test_notebook_presets_are_the_notebooks():
    nb1, nb2 = preset("notebook-numpy"), preset("notebook-torch")
    assert (nb1.layers, nb1.optimizer, nb1.lr, nb1.epochs, nb1.init, nb1.seed) == (
        (25, 50, 50, 25), "sgd", 0.01, 10_000, "notebook", 2)
    assert (nb2.layers, nb2.optimizer, nb2.lr, nb2.epochs, nb2.backend) == (
        (25, 50, 25), "rmsprop", 1e-4, 10_000, "torch")
    for exp in (nb1, nb2):
        assert (exp.data, exp.samples, exp.noise, exp.data_seed, exp.test_fraction, exp.split_seed) == (
            "moons", 1000, 0.2, 100, 0.1, 42)
        assert exp.batch_size == 0 and exp.loss == "bce"


def test_changing_layers_keeps_activations_per_layer():
    exp = Experiment().with_changes(activations="tanh,relu,sigmoid")
    assert exp.with_changes(layers="4,4").activations == ("tanh", "relu")
    assert exp.with_changes(layers="4,4,4,4").activations == ("tanh", "relu", "sigmoid", "sigmoid")


def test_text_values_are_understood():
    exp = Experiment().with_changes(lr="0.5", epochs="30", layers="3, 4", optimizer="SGD")
    assert (exp.lr, exp.epochs, exp.layers, exp.optimizer) == (0.5, 30, (3, 4), "sgd")
    assert Experiment().with_changes(layers="none").parameter_count() == 3


def test_every_preset_validates_and_round_trips():
    for name in PRESETS:
        exp = preset(name)
        assert Experiment.from_dict(exp.to_dict()) == exp


def test_a_split_that_leaves_almost_nothing_to_train_on_is_refused_naming_the_test_fraction():
    with pytest.raises(SpecError) as err:
        preset("quick").with_changes(samples=10, test_fraction=0.9)
    assert err.value.field == "test_fraction" and "1 of 10" in err.value.message


def test_cuda_with_the_numpy_backend_is_refused_instead_of_silently_running_on_the_cpu():
    with pytest.raises(SpecError) as err:
        preset("quick").with_changes(backend="numpy", device="cuda")
    assert err.value.field == "device" and "torch" in err.value.message
    assert preset("quick").with_changes(backend="torch", device="cuda").device == "cuda"
