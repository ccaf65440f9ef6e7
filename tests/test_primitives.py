"""The shared statistical primitives (crmkit.stats.primitives) and label helpers (crmkit.data.labels).

References are independent of the code: statsmodels' Wilson interval, scipy.stats'
quantiles, printed table values, the exact binomial coverage of the Wilson interval, and
labels and lookups written out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from crmkit import kpis
from crmkit.data.labels import is_label, lookup
from crmkit.domains import customers, survey
from crmkit.stats import impact
from crmkit.stats.primitives import (
    POWER,
    check_alpha,
    check_count,
    mde_z,
    t_critical,
    wilson_interval,
    wilson_intervals,
    z_critical,
)


@pytest.mark.parametrize("alpha", [0.05, 0.1, 1e-6, 0.999, 1])
def test_check_alpha_accepts_exactly_the_open_unit_interval(alpha: float) -> None:
    if 0 < alpha < 1:
        check_alpha(alpha)
    else:
        with pytest.raises(ValueError, match="alpha must be a number between 0 and 1"):
            check_alpha(alpha)


@pytest.mark.parametrize("alpha", [0, 0.0, -0.05, True, "0.05", None, math.nan])
def test_check_alpha_refuses_non_levels(alpha: object) -> None:
    with pytest.raises(ValueError, match="alpha"):
        check_alpha(alpha)  # type: ignore[arg-type]


def test_check_count_takes_whole_numbers_only() -> None:
    assert check_count(7, "n") == 7
    assert check_count(7.0, "n") == 7
    assert check_count(np.int64(3), "n") == 3
    for bad in (-1, 2.5, math.inf, math.nan, "x", None):
        with pytest.raises(ValueError, match="n must be a non-negative whole number"):
            check_count(bad, "n")


def test_critical_values_match_scipy_and_printed_tables() -> None:
    for alpha in (0.2, 0.1, 0.05, 0.01, 0.001):
        assert z_critical(alpha) == pytest.approx(stats.norm.ppf(1 - alpha / 2), rel=1e-12)
        for df in (1, 4.5, 30, 1000):
            assert t_critical(alpha, df) == pytest.approx(stats.t.ppf(1 - alpha / 2, df), rel=1e-10)
    # Printed tables (e.g. Moore & McCabe, table D): z 1.960 and 2.576; t(10) 2.228, t(20) 2.086.
    assert round(z_critical(0.05), 3) == 1.960
    assert round(z_critical(0.01), 3) == 2.576
    assert round(t_critical(0.05, 10), 3) == 2.228
    assert round(t_critical(0.05, 20), 3) == 2.086


def test_mde_z_is_critical_value_plus_power_quantile_times_se() -> None:
    # z_0.975 = 1.959964, z_0.80 = 0.841621: MDE per unit of se is 2.801585.
    assert POWER == 0.80
    assert mde_z(1.0, 0.05) == pytest.approx(2.801585, abs=1e-6)
    assert mde_z(0.25, 0.05) == pytest.approx(0.25 * 2.801585, abs=1e-6)
    for se in (0.0, -1.0, math.inf, math.nan):
        assert math.isnan(mde_z(se, 0.05))


def test_wilson_interval_matches_statsmodels_on_a_grid() -> None:
    for alpha in (0.1, 0.05, 0.01):
        for n in (1, 2, 5, 17, 70, 400, 10_007):
            for x in sorted({0, 1, n // 3, n // 2, n - 1, n}):
                low, high = wilson_interval(x, n, alpha=alpha)
                ref_low, ref_high = proportion_confint(x, n, alpha=alpha, method="wilson")
                assert low == pytest.approx(ref_low, abs=1e-12)
                assert high == pytest.approx(ref_high, abs=1e-12)


def test_wilson_interval_hand_calculation_and_edges() -> None:
    # x = 56, n = 70, z = 1.959964, z² = 3.841459: centre (56 + 1.920729) / 73.841459
    # = 0.784393, half 1.959964 · sqrt(56 · 14 / 70 + 0.960365) / 73.841459 = 0.092560.
    low, high = wilson_interval(56, 70)
    assert low == pytest.approx(0.691834, abs=1e-6)
    assert high == pytest.approx(0.876953, abs=1e-6)
    assert wilson_interval(0, 12)[0] == 0.0
    assert wilson_interval(12, 12)[1] == 1.0
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    with pytest.raises(ValueError, match="cannot exceed"):
        wilson_interval(5, 4)
    with pytest.raises(ValueError, match="alpha"):
        wilson_interval(1, 4, alpha=0)


def test_wilson_interval_covers_close_to_its_level() -> None:
    """Exact coverage (summed over the binomial distribution) stays near 95 %."""
    for n, p in ((50, 0.3), (200, 0.1), (1000, 0.5)):
        x = np.arange(n + 1)
        low, high = wilson_intervals(x, np.full(n + 1, n))
        covered = (low <= p) & (p <= high)
        coverage = float(stats.binom.pmf(x[covered], n, p).sum())
        assert 0.93 <= coverage <= 0.97, (n, p, coverage)


def test_vectorised_wilson_equals_the_scalar_one_bit_for_bit() -> None:
    n = np.repeat(np.arange(0, 60), 61)
    x = np.tile(np.arange(0, 61), 60)
    keep = x <= n
    low, high = wilson_intervals(x[keep], n[keep], 0.1)
    for xi, ni, lo, hi in zip(x[keep], n[keep], low, high, strict=True):
        expected = wilson_interval(int(xi), int(ni), alpha=0.1)
        if ni == 0:
            assert math.isnan(lo) and math.isnan(hi)
        else:
            assert (lo, hi) == expected


def test_every_module_uses_the_one_definition() -> None:
    assert impact.wilson_interval is wilson_interval
    assert customers.loyalty.wilson_interval is wilson_interval
    assert survey.satisfaction.wilson_interval is wilson_interval
    assert impact.POWER == POWER
    assert customers.scope.is_label is is_label and kpis.scope.is_label is is_label
    assert kpis.scope.lookup is lookup and customers.scope.lookup is lookup


def test_is_label_ignores_case_and_spaces_and_never_matches_missing() -> None:
    labels = pd.Series(["Control", " control ", "CRM", None, np.nan, "CONTROL", "controls"])
    assert is_label(labels, ["control"]).tolist() == [True, True, False, False, False, True, False]
    assert is_label(pd.Series([1, 2, 2]), ["2"]).tolist() == [False, True, True]
    assert is_label(pd.Series([], dtype=object), ["x"]).tolist() == []


def test_lookup_fills_unknown_and_missing_keys() -> None:
    spend = pd.Series([10.0, 20.0], index=["a", "b"])
    out = lookup(pd.Series(["b", "z", None, "a", "b"]), spend, np.nan)
    assert out[[0, 3, 4]].tolist() == [20.0, 10.0, 20.0]
    assert np.isnan(out[[1, 2]]).all()
    flags = pd.Series([True], index=["a"])
    assert lookup(pd.Series(["a", "b"]), flags, False).tolist() == [True, False]
    assert lookup(pd.Series(["a", "b"]), flags, False).dtype == bool
