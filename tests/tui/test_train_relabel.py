"""TrainScreen.relabel(): after a language switch every word on the Train screen is re-read, nothing is reset."""

from __future__ import annotations

from textual.widgets import Label
from tui_helpers import make_app, screen_text, settled, until

from ml101.tui import i18n
from ml101.tui.widgets.data_cursor import DataCursorMap
from ml101.tui.widgets.dialogs import binding_groups


def words(app) -> str:
    return screen_text(app)


async def test_relabel_switches_every_word_and_keeps_training_worker_and_settings():
    app = make_app(epochs=1_000_000)
    async with app.run_test(size=(120, 40)) as pilot:  # wide: every panel is on screen at once
        await settled(pilot)
        screen = app.screen
        screen.request(screen, {"lr": 0.02})
        await pilot.press("space")
        await until(pilot, lambda: screen.state.running and screen.state.epoch > 0, "training runs")
        worker = screen.runner.worker
        english = words(app)
        assert "Trained model" in english and "Learning rate" in english and "One epoch" in english

        i18n.set_language("de")
        await screen.relabel()
        await pilot.pause()
        german = words(app)
        for word in ("Karte", "Kurven", "Netz", "Einstellungen",  # border titles
                     "Schritt",  # footer
                     "Test-Genauigkeit",  # status line
                     "Trainiertes Modell", "Trainingspunkte",  # legend
                     "Lernrate", "Neuronen:"):  # the editors' labels
            assert word in german, word
        assert "Learning rate" not in german and "Trained model" not in german
        assert "Training läuft" in german  # the message line, re-read in German
        help_words = {b.description for _, bindings in binding_groups(screen) for b in bindings}
        assert {"Schritt", "Punkte bearbeiten", "Speichern"} <= help_words

        assert screen.runner.worker is worker and worker.is_running  # the same worker, still training
        assert screen.state.running and screen.exp.lr == 0.02
        await pilot.press("space")
        await settled(pilot)
        assert screen.state.epoch > 0 and screen.state.exp.lr == 0.02

        i18n.set_language("en")
        await screen.relabel()
        await pilot.pause()
        assert "Learning rate" in words(app) and "Lernrate" not in words(app)


async def test_relabel_at_80x24_reaches_the_tabs_and_the_editors_before_they_show():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        i18n.set_language("de")
        await app.screen.relabel()
        await pilot.pause()
        assert "Karte" in screen_text(app) and "Kurven" in screen_text(app)  # the tabs
        await pilot.press("4")
        await pilot.pause()
        labels = {str(label.render()) for label in app.screen.query(Label)}
        assert "Lernrate" in labels


async def test_relabel_in_the_data_cursor_mode_keeps_the_mode_and_translates_its_keys():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("c", "right")
        i18n.set_language("de")
        await app.screen.relabel()
        await pilot.pause()
        cursor = app.screen.query_one(DataCursorMap)
        assert cursor.editing and cursor.has_focus
        text = screen_text(app)
        assert "Cursor bei (" in text and "nächsten umdrehen" in text
        await pilot.press("1")
        await settled(pilot)
        assert "dazu. Modell bleibt" in screen_text(app)
