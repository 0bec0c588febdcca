"""Fixtures for the app's tests (helpers are in tui_helpers.py)."""

import pytest

from ml101.tui import i18n


@pytest.fixture(autouse=True)
def english():
    """Tests read English words unless they ask for German; the language is global, so put it back."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")
