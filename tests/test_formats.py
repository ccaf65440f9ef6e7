"""Number formats: every formatter takes anything a results mapping may hold and never raises."""

from __future__ import annotations

import decimal
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.words import formats
from crmkit.words.formats import (
    MISSING,
    as_number,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_money,
    format_number,
    format_p_value,
    format_percent,
    is_missing,
)

# Values that are not a finite number: each must read "not available", never raise.
NOT_NUMBERS = [
    None,
    math.nan,
    math.inf,
    -math.inf,
    np.float64("nan"),
    np.float32("inf"),
    pd.NA,
    pd.NaT,
    True,
    np.bool_(False),
    "12.5",
    "",
    [1.0],
    {"value": 1.0},
    object(),
    decimal.Decimal("NaN"),
    10**400,  # an int too large for a float
]

UNITS = ["share", "ratio", "currency", "currency per month", "score (1–5)", "points (−100–100)",
         "days", "per 1,000 orders", "", None, 3]  # fmt: skip

ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(np.float64, st.floats(allow_nan=True, allow_infinity=True)),
    st.builds(np.int64, st.integers(min_value=-(2**63), max_value=2**63 - 1)),
    st.lists(st.floats(), max_size=2),
    st.just(pd.NA),
)


def _every_format(value, unit="share", currency="CNY") -> list[str]:
    return [
        format_percent(value),
        format_percent(value, decimals=0),
        format_money(value, currency),
        format_number(value),
        format_kpi_value(value, unit, currency),
        format_kpi_value(value, unit, currency, with_unit=False),
        format_kpi_change(value, unit, currency),
        format_kpi_change(value, unit, currency, with_unit=False),
        format_change_pct(value),
        format_p_value(value),
    ]


def test_missing_reads_not_available():
    assert MISSING == "not available"


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=repr)
@pytest.mark.parametrize("unit", UNITS, ids=repr)
def test_anything_but_a_finite_number_reads_not_available(value, unit):
    assert _every_format(value, unit) == [MISSING] * 10


CURRENCIES = st.one_of(
    st.sampled_from(["CNY", "EUR", "", None]),
    st.floats(allow_nan=True, allow_infinity=False),
    st.just(pd.NA),
    st.integers(),
)


# units of random text, without the letters of "nan" and "inf" that the check looks for
UNIT_TEXT = st.text(alphabet="abcdeghjklmopqrstuvwxyz ()–-,0123456789", max_size=12)


@given(value=ODD, unit=st.one_of(st.sampled_from(UNITS), UNIT_TEXT), currency=CURRENCIES)
def test_formatters_never_raise_and_print_no_nan_or_inf(value, unit, currency):
    for text in _every_format(value, unit, currency):
        assert isinstance(text, str) and text
        assert "nan" not in text.lower().replace("not available", "")
        assert "inf" not in text.lower()
    if as_number(value) is None:
        assert _every_format(value, unit, currency) == [MISSING] * 10


@given(value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_numpy_and_python_numbers_read_the_same(value):
    assert _every_format(np.float64(value)) == _every_format(value)
    assert _every_format(decimal.Decimal(repr(value))) == _every_format(value)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        # written by hand
        (lambda: format_percent(np.float32(0.25)), "25.0 %"),
        (lambda: format_money(np.int64(1234567), "CNY"), "CNY 1,234,567"),
        (lambda: format_money(1234.5, None), "1,234"),
        (lambda: format_money(1234.5, math.nan), "1,234"),
        (lambda: format_number(decimal.Decimal("2.771")), "2.77"),
        (lambda: format_change_pct(np.float64(-0.2967)), "\u221229.7 %"),
        (lambda: format_p_value(np.float64(0.0004)), "< 0.001"),
        (lambda: format_kpi_change(25.3, "points (\u2212100\u2013100)"), "+25.3 points"),
        (lambda: format_kpi_value(0.263, None), "0.263"),
        (lambda: format_percent(0.25, decimals="x"), "25.0 %"),
    ],
)
def test_odd_but_meaningful_inputs(call, expected):
    assert call() == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), (math.nan, True), (pd.NA, True), (pd.NaT, True), (0.0, False),
     ("a", False), (math.inf, False), ([1], False), (np.array([1.0, math.nan]), False)],
)  # fmt: skip
def test_is_missing_never_raises(value, expected):
    assert is_missing(value) is expected


def test_as_number_is_the_one_rule():
    assert as_number(np.int64(3)) == 3.0 and isinstance(as_number(np.int64(3)), float)
    assert [as_number(v) for v in NOT_NUMBERS] == [None] * len(NOT_NUMBERS)
    assert formats.as_number(decimal.Decimal("1.5")) == 1.5
