"""Every language's words: STRINGS[language][key]. The tables are in i18n_en.py and i18n_de.py."""

from tui import i18n_app, i18n_attack
from tui.i18n_de import DE
from tui.i18n_en import EN

STRINGS = {"en": EN | i18n_app.EN | i18n_attack.EN, "de": DE | i18n_app.DE | i18n_attack.DE}
