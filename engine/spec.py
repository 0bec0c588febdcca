"""What to train: the data, the network and the training settings, with their rules and presets.

An `Experiment` is plain, frozen data. Every field has a rule in `RULES`; `validate` checks them all and
raises `SpecError` naming the first field that breaks its rule and what is allowed. The app and the CLI
both change experiments with `exp.with_changes(field=value)`, which validates before it returns.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from ml101.engine.budget import check_training
from ml101.engine.errors import SpecError

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "leaky_relu")
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
LOSSES = ("bce", "mse")
REGULARIZERS = ("none", "l1", "l2")
INITS = ("notebook", "torch", "he", "xavier")
BACKENDS = ("numpy", "torch")
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("float32", "float64")
DATASETS = ("moons", "circles", "xor", "gauss", "spiral")
MAX_HIDDEN_LAYERS = 8
MAX_WIDTH = 256


@dataclass(frozen=True)
class Experiment:
    # data
    data: str = "moons"  # a generator name or a path to a .csv file
    samples: int = 1000
    noise: float = 0.2
    data_seed: int = 100
    test_fraction: float = 0.1
    split_seed: int = 42
    # network: hidden layers only; input is 2 features, output 1 sigmoid unit
    layers: tuple[int, ...] = (25, 50, 25)
    activations: tuple[str, ...] = ("relu", "relu", "relu")
    # training
    loss: str = "bce"
    optimizer: str = "adam"
    lr: float = 0.01
    epochs: int = 500
    batch_size: int = 0  # 0 means the full training set in one step, as in the notebooks
    reg: str = "none"
    reg_rate: float = 0.0
    init: str = "he"
    seed: int = 0
    backend: str = "numpy"
    device: str = "auto"
    dtype: str = "float32"
    threads: int = 1
    preset: str = "custom"

    def with_changes(self, **changes: Any) -> Experiment:
        """A validated copy; unknown field names and bad values raise `SpecError`."""
        for name in changes:
            if name not in FIELD_NAMES:
                # A name from a file can be anything, a line break included: quote it so it stays one line.
                shown = name if name.isidentifier() else repr(name)[:40]
                raise SpecError(shown, f"is not a setting; settings are {', '.join(sorted(FIELD_NAMES))}")
        changes = {name: coerce(name, value) for name, value in changes.items()}
        if "layers" in changes and "activations" not in changes:
            # Keep each surviving layer's activation; new layers copy the last one.
            old = self.activations or ("relu",)
            width = len(changes["layers"])
            changes["activations"] = tuple(old[i] if i < len(old) else old[-1] for i in range(width))
        exp = replace(self, **changes)
        validate(exp)
        if not exp.is_csv:  # a CSV's size is known once it is read: the trainer checks it then
            check_training(exp, blame=tuple(changes))
        return exp

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["layers"] = list(self.layers)
        d["activations"] = list(self.activations)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Experiment:
        return cls().with_changes(**d)

    @property
    def is_csv(self) -> bool:
        return self.data.lower().endswith(".csv")

    def parameter_count(self) -> int:
        sizes = (2, *self.layers, 1)
        return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False))


FIELD_NAMES = {f.name for f in fields(Experiment)}
LIVE_SAFE = {"lr", "reg", "reg_rate", "epochs", "batch_size", "loss", "optimizer", "threads"}
"""Fields a running trainer can take without a new model: weights stay, training goes on."""


def _int(lo: int, hi: int):
    return ("int", lo, hi)


def _float(lo: float, hi: float, lo_open: bool = False):
    return ("float", lo, hi, lo_open)


RULES: dict[str, tuple] = {
    "samples": _int(10, 100_000),
    "noise": _float(0.0, 2.0),
    "data_seed": _int(0, 2**31 - 1),
    "test_fraction": _float(0.0, 0.9, lo_open=True),
    "split_seed": _int(0, 2**31 - 1),
    "lr": _float(0.0, 10.0, lo_open=True),
    "epochs": _int(0, 10_000_000),
    "batch_size": _int(0, 100_000),
    "reg_rate": _float(0.0, 1.0),
    "seed": _int(0, 2**31 - 1),
    "threads": _int(1, 64),
    "loss": ("choice", LOSSES),
    "optimizer": ("choice", OPTIMIZERS),
    "reg": ("choice", REGULARIZERS),
    "init": ("choice", INITS),
    "backend": ("choice", BACKENDS),
    "device": ("choice", DEVICES),
    "dtype": ("choice", DTYPES),
}


def _text(value: Any) -> str:
    """str(value), except that an int of thousands of digits (which Python refuses to print) becomes a
    short placeholder that no rule accepts."""
    try:
        return str(value)
    except ValueError:
        return f"<a {type(value).__name__} too long to print>"


def coerce(name: str, value: Any) -> Any:
    """Turn text (from a command line or an input box) into the field's type, or explain."""
    if name == "layers":
        return parse_layers(value)
    if name == "activations":
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        try:
            return tuple(_text(v).lower() for v in value)
        except TypeError:  # a number or None from a hand-edited file
            raise SpecError(name, f"must be names like relu or relu,tanh; got {_text(value)[:30]!r}") from None
    if name in ("data", "preset"):
        return _text(value).strip()
    rule = RULES.get(name)
    if rule is None:
        return value
    kind = rule[0]
    if kind == "choice":
        return _text(value).strip().lower()
    text = _text(value).strip()
    if isinstance(value, bool):  # True is an int to Python, not a learning rate to a person
        raise SpecError(name, f"must be a number; got {text}")
    try:
        number = float(text) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        raise SpecError(name, f"must be a number; got {text[:30]!r}") from None
    except OverflowError:  # an int with hundreds of digits
        raise SpecError(name, f"must be a number from {rule[1]} to {rule[2]}; got {text[:30]}…") from None
    if kind == "int":
        if not math.isfinite(number) or number != int(number):
            raise SpecError(name, f"must be a whole number from {rule[1]} to {rule[2]}; got {text[:30]}")
        return int(number)
    return number + 0.0  # -0 is 0: NumPy refuses a noise "scale < 0" for -0.0


def parse_layers(value: Any) -> tuple[int, ...]:
    """"25,50,25" (or a list) → (25, 50, 25); "" or "none" → () (a net with no hidden layer)."""
    if isinstance(value, str):
        text = value.strip().lower()
        parts = [] if text in ("", "none", "-") else [p.strip() for p in text.split(",")]
    elif isinstance(value, int) and not isinstance(value, bool):
        parts = [value]
    else:
        try:
            parts = list(value)
        except TypeError:  # a float, None or True from a hand-edited file
            raise SpecError("layers", f"must be widths like 25,50,25 or none; got {_text(value)[:30]!r}") from None
    widths = []
    for part in parts:
        try:
            width = int(_text(part).strip())
        except (ValueError, TypeError):
            raise SpecError(
                "layers", f"widths must be whole numbers from 1 to {MAX_WIDTH}, like 25,50,25; got {_text(part)[:30]!r}"
            ) from None
        widths.append(width)
    return tuple(widths)


MIN_TRAIN_POINTS = 4  # fewer cannot show both classes and a boundary


def validate(exp: Experiment) -> None:
    for name, rule in RULES.items():
        value = getattr(exp, name)
        kind = rule[0]
        if kind == "choice":
            if value not in rule[1]:
                raise SpecError(name, f"must be one of {', '.join(rule[1])}; got {value!r}")
            continue
        lo, hi = rule[1], rule[2]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SpecError(name, f"must be a finite number from {lo} to {hi}; got {value!r}")
        lo_open = kind == "float" and rule[3]
        if (value <= lo if lo_open else value < lo) or value > hi:
            lower = f"greater than {lo}" if lo_open else f"at least {lo}"
            raise SpecError(name, f"must be {lower} and at most {hi}; got {value:g}")
    if not exp.is_csv and exp.data not in DATASETS:
        raise SpecError("data", f"must be one of {', '.join(DATASETS)} or a .csv file; got {exp.data!r}")
    if len(exp.layers) > MAX_HIDDEN_LAYERS:
        raise SpecError("layers", f"at most {MAX_HIDDEN_LAYERS} hidden layers are allowed; got {len(exp.layers)}")
    for width in exp.layers:
        if not 1 <= width <= MAX_WIDTH:
            raise SpecError("layers", f"each width must be from 1 to {MAX_WIDTH}; got {_text(width)[:30]}")
    if len(exp.activations) != len(exp.layers):
        raise SpecError(
            "activations", f"need one per hidden layer ({len(exp.layers)}); got {len(exp.activations)}"
        )
    for act in exp.activations:
        if act not in ACTIVATIONS:
            raise SpecError("activations", f"must each be one of {', '.join(ACTIVATIONS)}; got {act!r}")
    n_train = exp.samples - math.ceil(exp.test_fraction * exp.samples)
    if n_train < MIN_TRAIN_POINTS and not exp.is_csv:
        raise SpecError(
            "test_fraction",
            f"leaves {n_train} of {exp.samples} points for training; at least {MIN_TRAIN_POINTS} are needed "
            "(a smaller test fraction or more samples)",
        )
    if exp.backend == "torch":
        from ml101.engine.nets import require_torch  # here, not at the top: engine.nets imports this module

        require_torch("backend")  # PyTorch is an extra: one line saying how to add it (find_spec, no import)
    if exp.device == "cuda" and exp.backend != "torch":
        raise SpecError("device", "cuda needs backend torch (the NumPy backend runs on the CPU); use auto or cpu")
    if exp.batch_size > n_train and not exp.is_csv:
        raise SpecError(
            "batch_size", f"must be at most the {n_train} training points (or 0 for all); got {exp.batch_size}"
        )


def rule_text(name: str) -> str:
    """The allowed values of a field, for help texts and input placeholders."""
    if name == "layers":
        return f"0-{MAX_HIDDEN_LAYERS} widths of 1-{MAX_WIDTH}, like 25,50,25"
    if name == "data":
        return f"{', '.join(DATASETS)} or a .csv file"
    rule = RULES.get(name)
    if rule is None:
        return ""
    if rule[0] == "choice":
        return " | ".join(rule[1])
    lo, hi = rule[1], rule[2]
    return f"{'>' if rule[0] == 'float' and rule[3] else '≥'} {lo}, ≤ {hi}"


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    explanation: str
    settings: dict[str, Any] = field(default_factory=dict)

    def experiment(self) -> Experiment:
        return Experiment().with_changes(preset=self.name, **self.settings)


_NOTEBOOK_DATA = dict(data="moons", samples=1000, noise=0.2, data_seed=100, test_fraction=0.1, split_seed=42)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "quick",
            "Quick start",
            "The workshop's moons and PyTorch net, trained with Adam: good in a second.",
            dict(_NOTEBOOK_DATA, layers=(25, 50, 25), activations=("relu",) * 3, optimizer="adam", lr=0.01,
                 epochs=300, init="he", loss="bce", backend="numpy", dtype="float32"),
        ),
        Preset(
            "notebook-numpy",
            "NumPy notebook",
            "Notebook 1 exactly: 2-25-50-50-25-1, init N(0,1)·0.1 with seed 2, plain gradient descent "
            "lr 0.01, 10 000 full-batch epochs. Reached 0.98.",
            dict(_NOTEBOOK_DATA, layers=(25, 50, 50, 25), activations=("relu",) * 4, optimizer="sgd",
                 lr=0.01, epochs=10_000, init="notebook", seed=2, loss="bce", backend="numpy",
                 dtype="float64"),
        ),
        Preset(
            "notebook-torch",
            "PyTorch notebook",
            "Notebook 2 exactly: 2-25-50-25-1 in PyTorch, RMSprop lr 0.0001, 10 000 full-batch epochs. "
            "Reached 0.99.",
            dict(_NOTEBOOK_DATA, layers=(25, 50, 25), activations=("relu",) * 3, optimizer="rmsprop",
                 lr=1e-4, epochs=10_000, init="torch", seed=0, loss="bce", backend="torch", dtype="float32"),
        ),
        Preset(
            "overfit",
            "Overfitting",
            "60 noisy points, a big net, no regularisation, long training: training accuracy races to "
            "1.0 while test accuracy stays behind. Watch the gap.",
            dict(data="moons", samples=60, noise=0.35, data_seed=7, test_fraction=0.5, split_seed=42,
                 layers=(128, 128, 128), activations=("relu",) * 3, optimizer="adam", lr=0.01, epochs=2000,
                 init="he", reg="none", reg_rate=0.0, backend="numpy", dtype="float32"),
        ),
    )
}

DEFAULT_PRESET = "quick"


def preset(name: str) -> Experiment:
    if name not in PRESETS:
        raise SpecError("preset", f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name].experiment()
