"""Fixtures for the app's tests (helpers are in tui_helpers.py)."""

import pytest
from pilot_idle import install

from ml101.tui import i18n

install()  # Pilot waits for the app's thread to be idle, not for the training worker to stop (see pilot_idle.py)


@pytest.fixture(autouse=True)
def english():
    """Tests read English words unless they ask for German; the language is global, so put it back."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")
