"""The workshop slides as short lessons, each filled in with the network you are training right now.

Lesson texts live in `assets/lessons/<lang>.toml` (English and German, our own words). A text may use
placeholders that `live_values` fills from the current experiment and metrics: {formulas}, {parameters},
{loss_formula}, {update_rule}, {lr}, {optimizer}, {epoch}, {train_accuracy}, {test_accuracy}, {gap}.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

from ml101.engine.hyper import ADAM_BETAS, MOMENTUM, RMSPROP_ALPHA
from ml101.engine.spec import Experiment

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    body: str
    action: str = ""  # what the Learn panel offers to do, e.g. "preset:overfit"


def load_lessons(lang: str) -> list[Lesson]:
    lang = lang if lang in LANGUAGES else "en"
    text = resources.files("ml101.assets").joinpath("lessons", f"{lang}.toml").read_text(encoding="utf-8")
    return [Lesson(**entry) for entry in tomllib.loads(text)["lesson"]]


def layer_formulas(exp: Experiment, word: str = "parameters") -> list[str]:
    """One line per layer, with the real shapes: a¹ = relu(W¹·x + b¹)   W¹: 25×2, b¹: 25 → 75 parameters."""
    sizes = (2, *exp.layers, 1)
    names = [*exp.activations, "σ"]
    lines = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
        k = str(i).translate(SUPERSCRIPTS)
        previous = "x" if i == 1 else f"a{str(i - 1).translate(SUPERSCRIPTS)}"
        target = "ŷ" if i == len(sizes) - 1 else f"a{k}"
        count = n_in * n_out + n_out
        lines.append(f"{target} = {names[i - 1]}(W{k}·{previous} + b{k})   W{k}: {n_out}×{n_in}, b{k}: {n_out}"
                     f"  → {count} {word}")
    return lines


def loss_formula(exp: Experiment) -> str:
    penalty = {"none": "", "l1": f" + {exp.reg_rate:g}·Σ|w|", "l2": f" + {exp.reg_rate:g}·½Σw²"}[exp.reg]
    if exp.loss == "mse":
        return f"J = ½ · mean (y − ŷ)²{penalty}"
    return f"J = −mean [ y·log ŷ + (1 − y)·log(1 − ŷ) ]{penalty}"


def update_rule(exp: Experiment) -> str:
    lr = f"{exp.lr:g}"
    beta1, beta2 = ADAM_BETAS
    return {
        "sgd": f"α ← α − {lr} · ∇J",
        "momentum": f"v ← {MOMENTUM:g}·v + ∇J;   α ← α − {lr} · v",
        "rmsprop": f"s ← {RMSPROP_ALPHA:g}·s + {1 - RMSPROP_ALPHA:.2g}·(∇J)²;   α ← α − {lr} · ∇J / √s",
        "adam": f"m ← {beta1:g}·m + {1 - beta1:.2g}·∇J;  s ← {beta2:g}·s + {1 - beta2:.2g}·(∇J)²;   "
                f"α ← α − {lr} · m̂ / √ŝ",
    }[exp.optimizer]


PARAMETERS_WORD = {"en": "parameters", "de": "Parameter"}


def live_values(exp: Experiment, metrics=None, lang: str = "en") -> dict[str, str]:
    values = {
        "formulas": "\n".join(layer_formulas(exp, PARAMETERS_WORD.get(lang, "parameters"))),
        "parameters": str(exp.parameter_count()),
        "loss_formula": loss_formula(exp),
        "update_rule": update_rule(exp),
        "lr": f"{exp.lr:g}",
        "optimizer": exp.optimizer,
        "epoch": "0",
        "train_accuracy": "–",
        "test_accuracy": "–",
        "gap": "–",
    }
    if metrics is not None:
        values.update(
            epoch=str(metrics.epoch),
            train_accuracy=f"{metrics.train_accuracy:.2f}",
            test_accuracy=f"{metrics.test_accuracy:.2f}",
            gap=f"{metrics.train_accuracy - metrics.test_accuracy:+.2f}",
        )
    return values


def render(lesson: Lesson, exp: Experiment, metrics=None, lang: str = "en") -> str:
    return lesson.body.format(**live_values(exp, metrics, lang))
