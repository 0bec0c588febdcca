"""Text from files and file names is printed escaped and cut: no window title forged, no screen cleared."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ml101.engine.errors import SpecError
from ml101.engine.safe_text import printable
from ml101.engine.spec import preset
from ml101.engine.store import load_experiment, npz_bytes, save_experiment
from ml101.engine.trainer import Trainer


@pytest.mark.parametrize(("text", "shown"), [
    ("run.npz", "run.npz"),
    ("a\x1b]0;owned\x07b", "a\\x1b]0;owned\\x07b"),  # the window-title escape
    ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear screen, cursor home
    ("two\nlines\r", "two\\nlines\\r"),
    ("gpj\u202eexe", "gpj\\u202eexe"),  # a right-to-left override that hides an .exe
    ("\x9b31m", "\\x9b31m"),  # the one-byte CSI of C1
    ("del\x7f", "del\\x7f"),
    ("Müller-Lüdenscheidt ✓", "Müller-Lüdenscheidt ✓"),
    ("back\\slash", "back\\slash"),
])
def test_control_characters_are_escaped_and_ordinary_text_kept(text, shown):
    assert printable(text) == shown


def test_a_hundred_thousand_characters_are_cut_keeping_both_ends():
    text = "start-" + "x" * 100_000 + "-end.npz"
    shown = printable(text, 80)
    assert len(shown) == 80 and shown.startswith("start-") and shown.endswith("-end.npz") and "…" in shown


def test_a_name_that_is_not_utf8_is_shown_not_raised():
    assert printable(b"caf\xe9.npz".decode("utf-8", "surrogateescape")) == "caf\\udce9.npz"


def _file_with(tmp_path, **experiment_changes):
    trainer = Trainer(preset("quick").with_changes(samples=100, epochs=1))
    trainer.run(1)
    path = tmp_path / "good.npz"
    save_experiment(path, trainer)
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(str(arrays["meta"]))
    meta["experiment"].update(experiment_changes)
    arrays["meta"] = np.array(json.dumps(meta))
    bad = tmp_path / "bad.npz"
    bad.write_bytes(npz_bytes(arrays))
    return bad


@pytest.mark.parametrize("value", ["\x1b]0;owned\x07", "x" * 100_000, "qu\nick", "\u202ekciuq", "[/]"])
def test_a_preset_field_with_escapes_or_100000_characters_is_refused_in_one_short_line(tmp_path, value):
    with pytest.raises(SpecError, match="has a bad setting: preset must be one of quick") as err:
        load_experiment(_file_with(tmp_path, preset=value))
    line = str(err.value)
    assert "\x1b" not in line and "\n" not in line and "\u202e" not in line and len(line) < 400


@pytest.mark.parametrize(("field", "value", "words"), [
    ("data", "evil\x1b[2J.csv", "data must be a CSV file name without control characters"),
    ("lr", [1, 2], "lr: must be a number"),
    ("epochs", True, "epochs: must be a number"),
    ("layers", "25,x", "layers: widths must be whole numbers"),
    ("activations", 3, "activations: must be names like relu"),
    ("optimizer", "adam\x1b", "optimizer: must be one of"),
])
def test_every_field_of_a_file_is_checked_like_a_typed_setting(tmp_path, field, value, words):
    with pytest.raises(SpecError, match=words) as err:
        load_experiment(_file_with(tmp_path, **{field: value}))
    assert "\x1b" not in str(err.value)


def test_a_short_unknown_preset_name_is_kept_as_a_label(tmp_path):
    assert load_experiment(_file_with(tmp_path, preset="my-run")).exp.preset == "my-run"


def test_a_file_name_with_escapes_is_named_escaped(tmp_path):
    path = tmp_path / "\x1b]0;owned\x07.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(SpecError) as err:
        load_experiment(path)
    assert str(err.value).startswith("experiment \\x1b]0;owned\\x07.npz: ")


def test_a_setting_this_machine_cannot_run_names_the_file(tmp_path):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA, so the file's device = cuda is fine")
    with pytest.raises(SpecError, match=r"^experiment bad.npz: has a bad setting: device: cuda"):
        load_experiment(_file_with(tmp_path, backend="torch", device="cuda"))
