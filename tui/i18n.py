"""Every word the app shows: `t("key", **values)`, from one catalogue per language (assets/i18n/<code>.toml).

The language comes from `set_language(code)`, by default from the locale (tui/languages.py). A key missing in
a language falls back to English, a key missing everywhere shows itself, so a gap is visible but never a crash.
Some {names} are not the caller's to fill: `AUTOMATIC` fills them, with the engine's limits and lists as the
engine has them (no catalogue copies a number the engine may change) and with the languages' own names.
Key bindings carry an `id`; `translate_bindings` gives them the words of the current language (`key.<id>`
and, for the help overlay, `keyhelp.<id>`).
"""

from __future__ import annotations

import string
from dataclasses import replace
from functools import cache
from importlib import import_module

from textual.binding import Binding

from ml101.engine import budget, spec
from ml101.engine.budget import MemoryBudgetError, human
from ml101.engine.errors import SpecError
from ml101.engine.spec import RULES
from ml101.tui.languages import ENGLISH, available, detect_language, read_catalogue

LANGUAGES: tuple[str, ...] = ()
_strings: dict[str, dict[str, str]] = {}
_language = ENGLISH


def load() -> None:
    """Read every catalogue: once, at import (a test that adds a catalogue file calls it again)."""
    global LANGUAGES, _strings
    _strings = {lang: read_catalogue(lang) for lang in available()}
    LANGUAGES = tuple(_strings)


load()


def set_language(lang: str | None) -> str:
    """Use `lang` (one of LANGUAGES); None picks it from the locale. Returns the language now in use."""
    global _language
    _language = lang if lang in LANGUAGES else detect_language()
    return _language


def language() -> str:
    return _language


def next_language() -> str:
    """The language `L` switches to: the next catalogue, round to the first after the last."""
    return LANGUAGES[(LANGUAGES.index(_language) + 1) % len(LANGUAGES)]


def _attacks(module: str):
    """An attack module, imported when one of its words is first shown (the attack lab has it by then)."""
    return import_module(f"ml101.engine.attacks.{module}")


def _percent(share: float) -> str:
    return f"{share * 100:g}"


def _language_round() -> str:
    """English ↔ Deutsch: every language by its own name, from the current one on."""
    i = LANGUAGES.index(_language)
    names = [_strings[lang]["app.language_now"] for lang in LANGUAGES[i:] + LANGUAGES[:i]]
    return " ↔ ".join(names) if len(names) == 2 else " → ".join([*names, names[0]])


AUTOMATIC = {
    # the engine's limits and lists
    "max_layers": lambda: spec.MAX_HIDDEN_LAYERS,
    "max_width": lambda: spec.MAX_WIDTH,
    "activation_names": lambda: ", ".join(spec.ACTIVATIONS),
    "dataset_names": lambda: ", ".join(spec.DATASETS),
    "test_fraction_min": lambda: f"{RULES['test_fraction'][1]:g}",
    "test_fraction_max": lambda: f"{RULES['test_fraction'][2]:g}",
    "min_train_points": lambda: spec.MIN_TRAIN_POINTS,
    "memory_variable": lambda: budget.ENV,
    # the workshop writes 10 000 epochs so in every language
    "notebook_numpy_epochs": lambda: f"{spec.PRESETS['notebook-numpy'].settings['epochs']:,}".replace(",", " "),
    "notebook_torch_epochs": lambda: f"{spec.PRESETS['notebook-torch'].settings['epochs']:,}".replace(",", " "),
    "knn_neighbours": lambda: _attacks("defend").DEFAULT_K,
    "loss_drop_percent": lambda: _percent(_attacks("defend").DEFAULT_DROP),
    "early_holdout_percent": lambda: _percent(_attacks("defend").DEFAULT_HOLDOUT),
    "poison_sweep_from": lambda: _percent(_attacks("poison_lab").SWEEP_FRACTIONS[0]),
    "poison_sweep_to": lambda: _percent(_attacks("poison_lab").SWEEP_FRACTIONS[-1]),
    "steal_sweep_from": lambda: _attacks("steal").SWEEP_BUDGETS[0],
    "steal_sweep_to": lambda: _attacks("steal").SWEEP_BUDGETS[-1],
    # the languages, each by its own name
    "next_language": lambda: _strings[next_language()]["app.language_now"],
    "language_round": _language_round,
}


@cache
def _automatic_names(text: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(text) if name in AUTOMATIC)


def t(key: str, **values) -> str:
    text = _strings[_language].get(key) or _strings[ENGLISH].get(key) or key
    if "{" in text and (names := _automatic_names(text)):
        values = {name: AUTOMATIC[name]() for name in names} | values
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in _strings[_language] or key in _strings[ENGLISH]


def words(lang: str) -> dict[str, str]:
    """Every text of `lang` by key, with the {names} `AUTOMATIC` fills already in: what is left in braces is the
    caller's to fill. (The language names are the current language's view of the round.)"""
    return {key: _fill_automatic(text) for key, text in _strings[lang].items()}


def _fill_automatic(text: str) -> str:
    if "{" not in text or not _automatic_names(text):
        return text
    parts = []
    for literal, name, spec_, conversion in string.Formatter().parse(text):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if name in AUTOMATIC:
            parts.append(format(AUTOMATIC[name](), spec_ or "").replace("{", "{{").replace("}", "}}"))
        elif name is not None:
            parts.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec_}" if spec_ else "") + "}")
    return "".join(parts)


def field_label(field: str) -> str:
    """A setting's name as people read it; the engine names a CSV file "data file NAME"."""
    if field.startswith("data file"):
        return t("field.data_file", name=field.removeprefix("data file").strip())
    return t(f"field.{field}") if has(f"field.{field}") else field


def explain(err: SpecError, typed=None) -> str:
    """One line: which field, what is allowed (and what was typed). English uses the engine's own words,
    which name the typed value; other languages say the rule in their words."""
    label = field_label(err.field)
    if _language == ENGLISH:
        return f"{label}: {err.message}"
    if isinstance(err, MemoryBudgetError):  # settings that fit their ranges but together not in memory
        return f"{label}: {t('rule.memory', needed=human(err.needed), limit=human(err.limit))}"
    rule_key = "rule.data_file" if err.field.startswith("data file") else f"rule.{err.field}"
    if has(rule_key):
        rule = t(rule_key, detail=err.message)
    elif err.field in RULES:
        rule = rule_sentence(err.field)
    else:
        return f"{label}: {err.message}"
    return f"{label}: {rule}" + (f" ({t('rule.typed', typed=typed)})" if typed not in (None, "") else "")


def rule_sentence(field: str) -> str:
    rule = RULES[field]
    if rule[0] == "choice":
        return t("rule.choice", choices=", ".join(rule[1]))
    lo, hi = f"{rule[1]:g}", f"{rule[2]:g}"
    if rule[0] == "int":
        return t("rule.int", lo=lo, hi=hi)
    return t("rule.float_open" if rule[3] else "rule.float", lo=lo, hi=hi)


def number(n: int) -> str:
    """A whole number with the thousands mark people read: 2,676 in English, 2.676 in German."""
    return f"{n:,}".replace(",", t("format.thousands"))


def binding(keys: str, action: str, id: str, **options) -> Binding:
    """A key binding whose words come from `key.<id>` (Textual hides bindings without a description, so the
    id stands in until `translate_bindings` runs)."""
    return Binding(keys, action, id, id=id, **options)


def translate_all_bindings(root) -> None:
    """`translate_bindings` for `root` and every widget below it (an editor's or the map cursor's keys too)."""
    for node in (root, *root.query("*")):
        translate_bindings(node)


def translate_bindings(node) -> None:
    """Give `node`'s ml101 bindings (those with an id) the current language's descriptions."""
    bindings = node._bindings.key_to_bindings
    for key, key_bindings in bindings.items():
        bindings[key] = [
            replace(
                b,
                description=t(f"key.{b.id}"),
                tooltip=t(f"keyhelp.{b.id}") if has(f"keyhelp.{b.id}") else "",
                key_display=t(f"keyname.{b.key}") if has(f"keyname.{b.key}") else b.key_display,
            )
            if b.id
            else b
            for b in key_bindings
        ]
