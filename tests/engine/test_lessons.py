from importlib import resources

import pytest

from ml101.engine.lessons import load_lessons, render
from ml101.engine.spec import preset
from ml101.engine.trainer import Metrics

LESSON_FILES = sorted(entry.name.removesuffix(".toml")
                      for entry in resources.files("ml101.assets").joinpath("lessons").iterdir()
                      if entry.name.endswith(".toml"))


@pytest.mark.parametrize("lang", LESSON_FILES)
def test_every_lesson_renders_in_every_language(lang):
    lessons = load_lessons(lang)
    assert [lesson.id for lesson in lessons] == [lesson.id for lesson in load_lessons("en")]
    for lesson in lessons:
        text = render(lesson, preset("quick"))
        assert "{" not in text and text.strip()


def test_each_lesson_file_says_parameters_in_its_own_language():
    def formulas(lang: str) -> str:
        return render(next(lesson for lesson in load_lessons(lang) if lesson.id == "layers"), preset("quick"))

    assert "b¹: 25  → 75 parameters" in formulas("en")
    assert "b¹: 25  → 75 Parameter" in formulas("de")


@pytest.mark.parametrize("lang", ["fr", "", "../lessons/de", "de.toml"])
def test_a_language_without_a_lesson_file_gets_the_english_lessons(lang):
    assert load_lessons(lang) == load_lessons("en")


def test_layer_lesson_shows_the_real_shapes_of_an_edited_net():
    layers = next(lesson for lesson in load_lessons("en") if lesson.id == "layers")
    text = render(layers, preset("quick").with_changes(layers="7,3", activations="tanh,relu"))
    assert "a¹ = tanh(W¹·x + b¹)   W¹: 7×2, b¹: 7" in text
    assert "a² = relu(W²·a¹ + b²)   W²: 3×7" in text
    assert "ŷ = σ(W³·a² + b³)   W³: 1×3" in text
    assert "25×2" not in text


def test_gradient_lesson_uses_the_current_learning_rate_and_optimizer():
    lesson = next(lesson for lesson in load_lessons("de") if lesson.id == "gradient")
    text = render(lesson, preset("quick").with_changes(optimizer="sgd", lr=0.3))
    assert "α ← α − 0.3 · ∇J" in text


def test_fit_lesson_points_at_the_gap():
    lesson = next(lesson for lesson in load_lessons("en") if lesson.id == "fit")
    text = render(lesson, preset("overfit"), Metrics(500, 0.01, 0.6, 1.0, 0.83))
    assert "gap +0.17" in text and lesson.action == "preset:overfit"
