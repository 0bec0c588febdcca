"""The workshop slides as short lessons, each filled in with the network you are training right now.

Lesson texts live in `assets/lessons/<lang>.toml`, our own words; a language without a lesson file gets the
English lessons. The engine knows files, not languages: each file carries its own words for what the engine
writes into a lesson ([words] parameters = "Parameter"). A text may use placeholders that `live_values` fills
from the current experiment and metrics: {formulas}, {parameters}, {loss_formula}, {update_rule}, {lr},
{optimizer}, {epoch}, {train_accuracy}, {test_accuracy}, {gap}; and from the engine's presets and rules:
{overfit_samples}, {max_lr}.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

from ml101.engine.hyper import ADAM_BETAS, MOMENTUM, RMSPROP_ALPHA
from ml101.engine.spec import PRESETS, RULES, Experiment

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FALLBACK = "en"  # the lessons a language without its own file gets


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    body: str
    action: str = ""  # what the Learn panel offers to do, e.g. "preset:overfit"
    parameters_word: str = "parameters"  # the file's word after each layer's count: "→ 75 parameters"


def load_lessons(lang: str) -> list[Lesson]:
    """The lessons of `lang`'s file, or the English ones when there is none (a name that is not one of the
    files, a path included, is no file either)."""
    folder = resources.files("ml101.assets").joinpath("lessons")
    files = {entry.name for entry in folder.iterdir()}
    name = f"{lang}.toml" if f"{lang}.toml" in files else f"{FALLBACK}.toml"
    content = tomllib.loads(folder.joinpath(name).read_text(encoding="utf-8"))
    word = content["words"]["parameters"]
    return [Lesson(**entry, parameters_word=word) for entry in content["lesson"]]


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


def live_values(exp: Experiment, metrics=None, parameters_word: str = "parameters") -> dict[str, str]:
    values = {
        "formulas": "\n".join(layer_formulas(exp, parameters_word)),
        "parameters": str(exp.parameter_count()),
        "loss_formula": loss_formula(exp),
        "update_rule": update_rule(exp),
        "lr": f"{exp.lr:g}",
        "optimizer": exp.optimizer,
        "epoch": "0",
        "train_accuracy": "–",
        "test_accuracy": "–",
        "gap": "–",
        "overfit_samples": str(PRESETS["overfit"].settings["samples"]),
        "max_lr": f"{RULES['lr'][2]:g}",
    }
    if metrics is not None:
        values.update(
            epoch=str(metrics.epoch),
            train_accuracy=f"{metrics.train_accuracy:.2f}",
            test_accuracy=f"{metrics.test_accuracy:.2f}",
            gap=f"{metrics.train_accuracy - metrics.test_accuracy:+.2f}",
        )
    return values


def render(lesson: Lesson, exp: Experiment, metrics=None) -> str:
    return lesson.body.format(**live_values(exp, metrics, lesson.parameters_word))
