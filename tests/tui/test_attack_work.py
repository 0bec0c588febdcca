"""The attack lab's work without a screen: the worker's pictures and numbers for every strategy, the words
the lab says, the amount keys' limits and which curves the plot shows. (The screen itself:
test_attack_screen.py; that every language has every word: test_i18n.py.)"""

from __future__ import annotations

import string

import numpy as np
import pytest

from ml101.engine.attacks.lab import recipe
from ml101.tui import i18n
from ml101.tui.models import AttackSettings
from ml101.tui.workers.attack import Job, run_job

EN = i18n.words("en")
SHORT = recipe(epochs=40)  # enough for a boundary to show; these tests do not check accuracy


def test_a_run_marks_exactly_the_points_the_attacker_changed():
    result = run_job(Job("run", AttackSettings(poison_strategy="random", fraction=0.2, defense="knn"), 1, SHORT))
    clean, poisoned, defended = result.pictures
    assert clean.marks == ()
    marks = poisoned.marks[0]
    assert len(marks.X) == result.numbers["flipped"] == 180
    missed = defended.marks[0]
    assert len(missed.X) < len(marks.X)  # the defence repaired some
    assert np.isin(missed.X[:, 0], marks.X[:, 0]).all()
    for picture in result.pictures:
        assert picture.grid.shape == (120, 160) and np.isfinite(picture.grid).all()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_message_fits_the_message_line_at_80_columns(lang):
    i18n.set_language(lang)
    sample = dict(what=i18n.t("attack.label.fraction"), value="100 %", bar="█" * 16, percent=100)
    for key in (key for key in EN if key.startswith("attack.msg.")):
        text = i18n.t(key, **{name: sample[name] for name in placeholders(EN[key])})
        assert len(text) <= 76, (key, text)


@pytest.mark.parametrize(
    "settings",
    [AttackSettings(poison_strategy=name, defense=defense) for name, defense in
     (("class", "loss"), ("boundary", "early"), ("cluster", "none"), ("target", "knn"), ("backdoor", "none"))]
    + [AttackSettings(attack="steal", steal_strategy=name, budget=100, output=output) for name, output in
       (("data", "rounded"), ("uniform", "noisy"), ("active", "probability"))],
    ids=lambda s: f"{s.attack}-{s.strategy}",
)
def test_every_strategy_gives_pictures_to_draw(settings):
    result = run_job(Job("run", settings, 1, SHORT))
    assert 2 <= len(result.pictures) <= 3
    for picture in result.pictures:
        assert picture.grid.shape == (120, 160) and np.isfinite(picture.grid).all()
    kinds = {marks.kind for picture in result.pictures for marks in picture.marks}
    if settings.attack == "steal":
        assert kinds == {"query"} and len(result.pictures[1].marks[0].X) == 100
    elif settings.record.has_target:
        assert "target" in kinds and "target_hit" in result.numbers


def test_the_amount_stays_within_what_the_engine_allows():
    s = AttackSettings(fraction=0.95)
    assert s.step_amount(1).step_amount(1).fraction == 1.0
    assert AttackSettings(fraction=0.05).step_amount(-1).step_amount(-1).fraction == 0.0
    steal = AttackSettings(attack="steal", budget=10)
    assert steal.step_amount(-1).budget == 10
    assert AttackSettings(attack="steal", budget=5000).step_amount(1).budget == 5000
    assert AttackSettings(poison_strategy="target", count=1).step_amount(-1).count == 1


def test_the_curve_shows_the_spread_of_the_current_strategy_only():
    from ml101.tui.widgets.attack_curve import curve_key, series_for
    from ml101.tui.workers.attack import CurveResult

    def curve(strategy: str) -> CurveResult:
        rows = tuple({"fraction": f, "clean_test_accuracy": 0.99, "poisoned_test_accuracy": 1 - f,
                      "defended_test_accuracy": 1 - f / 2, "poisoned_test_accuracy_std": 0.05,
                      "defended_test_accuracy_std": 0.02, "seeds": [0, 1, 2]} for f in (0.0, 0.5, 1.0))
        return CurveResult(AttackSettings(poison_strategy=strategy, defense="knn"), rows)

    settings = AttackSettings(poison_strategy="random", defense="knn")
    curves = {curve_key(c.settings): c for c in (curve("last"), curve("random"))}
    series = series_for(settings, curves)
    assert [s.label for s in series] == ["clean", "last", "last + neighbours (kNN)", "random",
                                         "random + neighbours (kNN)"]
    assert [s.spread for s in series[3:]] == [[0.05] * 3, [0.02] * 3]
    assert all(s.spread is None for s in series[:3])
    assert series_for(AttackSettings(defense="none"), curves) == []  # other defence: other curves
