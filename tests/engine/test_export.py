import numpy as np
import pytest

from ml101.engine.export import export_history_csv, export_torch, export_weights_npz, load_torch_state
from ml101.engine.spec import preset
from ml101.engine.trainer import Trainer


@pytest.fixture(scope="module")
def trained():
    t = Trainer(preset("quick").with_changes(epochs=60, activations="tanh,relu,leaky_relu"))
    t.run(60)
    return t


def test_history_csv_has_a_header_and_one_row_per_recorded_epoch(trained, tmp_path):
    path = tmp_path / "curves.csv"
    export_history_csv(path, trained)
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,train_loss,test_loss,train_accuracy,test_accuracy"
    assert len(lines) == 1 + len(trained.history)
    assert lines[-1].startswith("60,")


def test_weights_npz_loads_without_pickle(trained, tmp_path):
    path = tmp_path / "w.npz"
    export_weights_npz(path, trained)
    with np.load(path, allow_pickle=False) as f:
        assert f["layers"].tolist() == [2, 25, 50, 25, 1]
        np.testing.assert_allclose(f["W1"], trained.params()[1][0], rtol=1e-6)


def test_state_dict_drives_a_plain_sequential_to_the_same_predictions(trained, tmp_path):
    import torch
    from torch import nn

    path = tmp_path / "model.pt"
    export_torch(path, trained)
    # the README's snippet, verbatim in spirit: rebuild the net by hand and load the file
    model = nn.Sequential(nn.Linear(2, 25), nn.Tanh(), nn.Linear(25, 50), nn.ReLU(), nn.Linear(50, 25),
                          nn.LeakyReLU(), nn.Linear(25, 1), nn.Sigmoid())
    model.load_state_dict(load_torch_state(path))
    X = trained.split.X_test
    with torch.no_grad():
        ours = model(torch.tensor(X, dtype=torch.float32))[:, 0].numpy()
    np.testing.assert_allclose(ours, trained.predict(X), rtol=1e-4, atol=1e-6)


def test_a_pickled_object_is_not_a_state_dict(tmp_path):
    import pickle

    from ml101.engine.errors import SpecError

    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"0.weight": Evil()}))
    with pytest.raises(SpecError):
        load_torch_state(path)
    assert not marker.exists()
