"""Whatever people type or load, the engine answers with its own SpecError or a valid result, nothing else."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml101.engine.csv_data import parse_csv
from ml101.engine.errors import SpecError
from ml101.engine.spec import FIELD_NAMES, Experiment

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# CSV-ish text: mostly the characters real CSV files are made of, so the parser gets past its first checks.
csv_text = st.text(alphabet=st.sampled_from(list("0123456789.,-+eE \n\r\t\"'abcnaif;_") + ["\ufeff", "é", "\x00"]),
                   max_size=300)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_spec_error(raw):
    try:
        data = parse_csv(raw)
    except SpecError:
        return
    assert data.X.shape == (len(data.y), 2)


@SETTINGS
@given(csv_text)
def test_random_csv_like_text_never_raises_anything_but_spec_error(text):
    try:
        data = parse_csv(text.encode("utf-8"))
    except SpecError as error:
        assert "\n" not in str(error)
        return
    assert np.isfinite(data.X).all() and set(np.unique(data.y)) <= {0.0, 1.0}


coordinate = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
points = st.lists(st.tuples(coordinate, coordinate, st.sampled_from([0, 1])), min_size=4, max_size=60).filter(
    lambda rows: min(sum(r[2] == 0 for r in rows), sum(r[2] == 1 for r in rows)) >= 2
)


@SETTINGS
@given(points, st.booleans(), st.sampled_from(["\n", "\r\n", "\r"]))
def test_valid_generated_csv_loads_with_the_right_shape_and_values(rows, header, newline):
    text = ("x1,x2,label" + newline if header else "") + "".join(f"{a!r},{b!r},{c}{newline}" for a, b, c in rows)
    data = parse_csv(text.encode())
    assert data.X.shape == (len(rows), 2)
    np.testing.assert_array_equal(data.X, [(a, b) for a, b, _ in rows])
    np.testing.assert_array_equal(data.y, [c for _, _, c in rows])


values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**5000), max_value=10**5000),
    st.floats(), st.text(max_size=20), st.binary(max_size=8), st.complex_numbers(),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "-1", "0", "25,50,25", "relu", "none", " ", "0x10", "1_000",
                     "moons", "data.csv", "adam", "float16", "٣"]),
    st.lists(st.one_of(st.integers(min_value=-300, max_value=300), st.text(max_size=6), st.floats()), max_size=10),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
changes = st.dictionaries(st.one_of(st.sampled_from(sorted(FIELD_NAMES)), st.text(max_size=12)), values, max_size=4)


@SETTINGS
@given(changes)
def test_any_changes_give_a_valid_experiment_or_a_spec_error(fields):
    try:
        exp = Experiment().with_changes(**fields)
    except SpecError as error:
        assert error.field and error.message and "\n" not in str(error)
        return
    # What was accepted obeys the rules the app and the trainer rely on.
    assert 0 < exp.lr <= 10 and math.isfinite(exp.lr)
    assert len(exp.activations) == len(exp.layers) <= 8
    assert all(1 <= w <= 256 for w in exp.layers)
    assert Experiment().with_changes(**exp.to_dict()) == exp  # what is saved loads again
