"""The languages ml101 speaks: one word catalogue each, `assets/i18n/<code>.toml`, and the one the locale asks
for. A new language is one more file there; nothing here or elsewhere lists the languages by hand.

No Textual and no engine here: the headless CLI's `--lang` and the config's `language` read this module.
tui/i18n.py loads the words and gives them out.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable

ENGLISH = "en"  # the reference catalogue: every other one has its keys, and a missing word falls back to it
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order: the first one set decides


def catalogue_folder() -> Traversable:
    return resources.files("ml101.assets").joinpath("i18n")


def available() -> tuple[str, ...]:
    """The language codes that have a catalogue: English first (the default and the fallback), then the others
    by code. Listing the folder costs microseconds, so callers ask when they need it."""
    codes = sorted(entry.name.removesuffix(".toml") for entry in catalogue_folder().iterdir()
                   if entry.name.endswith(".toml"))
    return (ENGLISH, *(code for code in codes if code != ENGLISH))


def read_catalogue(lang: str) -> dict[str, str]:
    """`lang`'s words by key: the TOML table [panel] with map = "Map" is the key "panel.map"."""
    import tomllib  # here, not above: the CLI's --lang lists the languages on every start and reads none

    text = catalogue_folder().joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return _flat(tomllib.loads(text))


def _flat(table: dict, prefix: str = "") -> dict[str, str]:
    words = {}
    for name, value in table.items():
        if isinstance(value, dict):
            words.update(_flat(value, f"{prefix}{name}."))
        else:
            words[prefix + name] = value
    return words


def detect_language(env=None) -> str:
    """The language the locale asks for, as gettext reads it: the first of LANGUAGE, LC_ALL, LC_MESSAGES and
    LANG that is set; LANGUAGE may list several ("de:en"), the first one ml101 speaks wins. English when none
    is set or none is spoken here ("C", "fr_FR" without fr.toml)."""
    env = os.environ if env is None else env
    spoken = available()
    for var in LOCALE_VARIABLES:
        if env.get(var):
            for entry in env[var].split(":"):
                code = entry.split(".")[0].split("@")[0].split("_")[0].lower()  # de_AT.UTF-8@euro -> de
                if code in spoken:
                    return code
            break
    return ENGLISH
