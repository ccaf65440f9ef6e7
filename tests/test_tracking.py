"""The tracking plan: XmR control limits against the textbook, and what is tracked how often."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from crmkit.report import plots
from crmkit.synthesis import tracking
from crmkit.words import history as history_words

# Montgomery, Introduction to Statistical Quality Control, 6th ed. (2009), Example 6.5:
# viscosity of an aircraft primer paint, 15 batches, individuals and moving-range chart.
MONTGOMERY_VISCOSITY = [
    33.75, 33.05, 34.00, 33.81, 33.46, 34.02, 33.68, 33.27,
    33.49, 33.20, 33.62, 33.00, 33.54, 33.12, 33.84,
]  # fmt: skip


def _months(values: list[float], start: str = "2025-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def test_xmr_limits_match_montgomerys_viscosity_example():
    limits = tracking.control_limits(_months(MONTGOMERY_VISCOSITY))
    # By hand: sum of the 15 values = 502.85, centre = 502.85 / 15 = 33.5233.
    assert limits.centre == pytest.approx(502.85 / 15)
    # Moving ranges |x_t - x_{t-1}|: 0.70 0.95 0.19 0.35 0.56 0.34 0.41 0.22 0.29 0.42 0.62 0.54
    # 0.42 0.72 → sum 6.73 over 14 ranges, MR-bar = 0.4807 (Montgomery prints 0.48).
    assert limits.mr_bar == pytest.approx(6.73 / 14)
    assert limits.points["moving_range"].iloc[1:].tolist() == pytest.approx(
        [0.70, 0.95, 0.19, 0.35, 0.56, 0.34, 0.41, 0.22, 0.29, 0.42, 0.62, 0.54, 0.42, 0.72]
    )
    # Limits = centre ± 2.66 × MR-bar (2.66 = 3 / d2, d2 = 1.128): UCL 34.80, LCL 32.24 as printed.
    assert round(limits.upper, 2) == 34.80
    assert round(limits.lower, 2) == 32.24
    assert limits.upper == pytest.approx(502.85 / 15 + 2.66 * 6.73 / 14)
    # "the process is in statistical control": no batch outside the limits
    assert limits.n_outside == 0 and limits.n_months == 15


def test_a_month_outside_the_limits_is_flagged():
    values = [10.0, 12.0, 11.0, 13.0, 12.0, 10.0, 11.0, 30.0]
    limits = tracking.control_limits(_months(values))
    # By hand: centre = 109 / 8 = 13.625; moving ranges 2 1 2 1 2 1 19 → MR-bar = 28 / 7 = 4;
    # limits 13.625 ± 10.64 → [2.985, 24.265]: only the 30 lies outside.
    assert limits.centre == pytest.approx(13.625)
    assert limits.mr_bar == pytest.approx(4.0)
    assert limits.lower == pytest.approx(2.985) and limits.upper == pytest.approx(24.265)
    assert limits.points["outside"].tolist() == [False] * 7 + [True]


def test_fewer_than_eight_months_give_no_limits():
    assert tracking.control_limits(_months([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])) is None
    # missing months do not count
    assert tracking.control_limits(_months([1.0] * 7 + [math.nan])) is None


def test_a_lower_limit_below_zero_is_zero_for_a_quantity_never_negative():
    values = [0.0, 5.0, 0.0, 5.0, 0.0, 5.0, 0.0, 5.0]
    limits = tracking.control_limits(_months(values))
    # centre 2.5, MR-bar 5, raw lower limit 2.5 − 13.3 < 0 → 0; upper 2.5 + 13.3 = 15.8
    assert limits.lower == 0.0
    assert limits.upper == pytest.approx(2.5 + 2.66 * 5.0)


def _kpi_results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Monthly revenue", "Win rate", "Net Promoter Score"],
            "unit": ["currency per month", "share", "points (−100–100)"],
            "direction": ["higher", "higher", "higher"],
            "after": [1000.0, 0.3, math.nan],
        },
        index=pd.Index(["revenue_monthly", "win_rate", "nps"]),
    )


def test_the_plan_tracks_monthly_kpis_monthly_and_the_others_per_assessment():
    revenue = _months([10.0, 12.0, 11.0, 13.0, 12.0, 10.0, 11.0, 30.0])
    plan, charts = tracking.tracking_plan(_kpi_results(), {"revenue_monthly": revenue})
    # NPS was not measured (no after value): nothing to track against
    assert plan.index.tolist() == ["revenue_monthly", "win_rate"]
    assert plan.loc["revenue_monthly", "frequency"] == tracking.TrackingFrequency.MONTHLY
    assert plan.loc["win_rate", "frequency"] == tracking.TrackingFrequency.PER_ASSESSMENT
    # the tables come from the catalog
    assert plan.loc["revenue_monthly", "table"] == "orders"
    assert plan.loc["win_rate", "table"] == "opportunities"
    assert plan.loc["revenue_monthly", "centre"] == pytest.approx(13.625)
    assert plan.loc["revenue_monthly", "n_outside"] == 1
    assert math.isnan(plan.loc["win_rate", "upper"]) and plan.loc["win_rate", "n_months"] == 0
    assert set(charts) == {"revenue_monthly"}


def test_a_monthly_kpi_with_too_few_months_is_monthly_without_limits():
    plan, charts = tracking.tracking_plan(
        _kpi_results(), {"revenue_monthly": _months([1.0, 2.0, 3.0])}
    )
    assert plan.loc["revenue_monthly", "frequency"] == tracking.TrackingFrequency.MONTHLY
    assert math.isnan(plan.loc["revenue_monthly", "centre"])
    assert charts == {}


def test_tracking_results_are_plain_json_with_null_for_missing():
    plan, _ = tracking.tracking_plan(
        _kpi_results(),
        {"revenue_monthly": _months([10.0, 12.0, 11.0, 13.0, 12.0, 10.0, 11.0, 30.0])},
    )
    entries = tracking.tracking_results(plan)
    json.dumps(entries, allow_nan=False)
    assert entries[1] == {
        "kpi": "win_rate",
        "label": "Win rate",
        "table": "opportunities",
        "frequency": "per assessment",
        "centre": None,
        "lower": None,
        "upper": None,
        "n_months": 0,
        "n_outside": 0,
        "baseline": 0.3,
    }
    assert entries[0]["upper"] == pytest.approx(24.265)


def test_control_chart_marks_the_months_outside_and_states_them_in_its_title():
    limits = tracking.control_limits(_months([10.0, 12.0, 11.0, 13.0, 12.0, 10.0, 11.0, 30.0]))
    title = history_words.control_chart_title("Revenue <b>$x$</b>", limits)
    assert title.startswith("Revenue <b>$x$</b>: 1 of 8 months outside")
    fig = plots.control_chart(
        limits.points,
        centre=limits.centre,
        lower=limits.lower,
        upper=limits.upper,
        title=title,
        ylabel="Revenue (CNY per month)",
    )
    gids = {artist.get_gid() for artist in fig.findobj() if artist.get_gid()}
    assert {"outside", "centre", "upper-limit", "lower-limit"} <= gids
    fig.canvas.draw()  # client text with "$" draws as written, no mathtext error


def test_tracking_view_has_units_in_its_headers():
    plan, _ = tracking.tracking_plan(
        _kpi_results(),
        {"revenue_monthly": _months([10.0, 12.0, 11.0, 13.0, 12.0, 10.0, 11.0, 30.0])},
    )
    view = history_words.tracking_view(plan, currency="CNY")
    assert view.frame["Unit"].tolist() == ["CNY per month", "%"]
    assert view.frame.loc[1, "Now"] == "30.0"  # a share in percent
    assert view.frame.loc[0, "Months outside (count)"] == 1
