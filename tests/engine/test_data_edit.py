"""Editing training points by hand: only the training set changes, the model stays, and a save keeps it all."""

from __future__ import annotations

import numpy as np
import pytest

from ml101.engine.data_edit import add_point, delete_nearest, flip_nearest
from ml101.engine.errors import SpecError
from ml101.engine.spec import preset
from ml101.engine.store import load_experiment, npz_bytes, save_experiment
from ml101.engine.trainer import Trainer


@pytest.fixture
def trainer():
    t = Trainer(preset("quick").with_changes(samples=100, epochs=20))
    t.run(20)
    return t


def test_add_puts_one_training_point_of_that_class_where_asked(trainer):
    before = trainer.split
    after, edit = add_point(before, 0.3, -0.2, 1)
    assert len(after.y_train) == len(before.y_train) + 1
    assert tuple(after.X_train[-1]) == (0.3, -0.2) and after.y_train[-1] == 1.0
    assert (edit.kind, edit.label) == ("add", 1)
    assert after.X_test is before.X_test and after.y_test is before.y_test  # the test points stay honest


def test_flip_changes_the_label_of_the_nearest_training_point_only(trainer):
    before = trainer.split
    target = before.X_train[7] + 0.001
    after, edit = flip_nearest(before, *target)
    changed = np.flatnonzero(after.y_train != before.y_train)
    assert changed.tolist() == [7]
    assert edit.label == int(before.y_train[7]) and edit.new_label == 1 - edit.label
    assert (edit.x, edit.y) == tuple(before.X_train[7])


def test_delete_removes_the_nearest_training_point_and_keeps_a_minimum(trainer):
    before = trainer.split
    after, edit = delete_nearest(before, *before.X_train[3])
    assert len(after.y_train) == len(before.y_train) - 1
    assert not any(np.array_equal(row, before.X_train[3]) for row in after.X_train)
    small = type(before)(before.X_train[:4], before.y_train[:4], before.X_test, before.y_test)
    with pytest.raises(SpecError, match="at least 4"):
        delete_nearest(small, 0, 0)
    with pytest.raises(SpecError):
        add_point(before, 0, 0, 2)


def test_use_split_keeps_the_model_and_its_progress_but_changes_the_training_accuracy(trainer):
    weights = [W.copy() for W, _ in trainer.params()]
    epoch, before = trainer.epoch, trainer.metrics()
    points = trainer.split
    for i in range(20):  # poison: flip twenty points near each other
        points, _ = flip_nearest(points, *points.X_train[i])
    trainer.use_split(points)
    assert trainer.epoch == epoch and trainer.custom_split
    assert all(np.array_equal(W, W2) for (W, _), W2 in zip(trainer.params(), weights, strict=True))
    after = trainer.metrics()
    assert after.test_accuracy == before.test_accuracy  # the same model on the same test points
    assert after.train_accuracy < before.train_accuracy
    trainer.run(5)  # and training goes on with the edited points
    assert trainer.epoch == epoch + 5


def test_edited_points_are_saved_and_reopen_exactly(tmp_path, trainer):
    points, _ = add_point(trainer.split, 9.0, 9.0, 0)
    points, _ = flip_nearest(points, *points.X_train[0])
    trainer.use_split(points)
    path = tmp_path / "edited.npz"
    save_experiment(path, trainer)
    loaded = load_experiment(path)
    for name in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(loaded.split, name), getattr(points, name)), name
    assert loaded.metrics() == trainer.metrics() and loaded.custom_split
    assert loaded.dataset.window == trainer.dataset.window


def test_a_bad_test_mask_is_refused_with_one_line(tmp_path, trainer):
    trainer.use_split(trainer.split)
    path = tmp_path / "edited.npz"
    save_experiment(path, trainer)
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    for bad in (arrays["test_mask"][:-1], arrays["test_mask"].astype(int), np.ones_like(arrays["test_mask"])):
        path.write_bytes(npz_bytes({**arrays, "test_mask": bad}))
        with pytest.raises(SpecError, match="test_mask"):
            load_experiment(path)
