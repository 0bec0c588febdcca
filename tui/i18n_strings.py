"""Every language's words: STRINGS[language][key]. The tables are in i18n_en.py and i18n_de.py."""

from ml101.tui import i18n_app, i18n_attack
from ml101.tui.i18n_de import DE
from ml101.tui.i18n_en import EN

STRINGS = {"en": EN | i18n_app.EN | i18n_attack.EN, "de": DE | i18n_app.DE | i18n_attack.DE}
