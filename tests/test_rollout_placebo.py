"""Placebo go-lives: hand-counted placebo distributions and the history guard."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crmkit.stats.rollout import PlaceboStatus, minimum_placebos, placebo_go_lives


def test_placebo_dates_windows_and_p_value_by_hand():
    # Data 2020-01 … 2024-12, real go-live 2024-01, windows of 6 before and 3 after:
    # fake go-lives run from 2020-07 (six months of data before) to 2023-10 (its after-window
    # 2023-10 … 2023-12 ends before 2024-01): 40 dates. The estimator returns the month
    # number within the year minus 6.5 for fakes (|effect| ≥ 5 only in January, −5.5, and
    # December, 5.5), and 5 for the real date. Januaries and Decembers between 2020-07 and
    # 2023-10: 2020-12, 2021-01, 2021-12, 2022-01, 2022-12, 2023-01 → 6 placebos.
    # p = (1 + 6) / (40 + 1) = 7/41.
    calls = []

    def estimate(go_live: pd.Period, before: int, after: int) -> float:
        calls.append((go_live, before, after))
        if go_live == pd.Period("2024-01", "M"):
            return 5.0
        return go_live.month - 6.5

    result = placebo_go_lives(
        estimate,
        first_month="2020-01-01",
        last_month="2024-12-01",
        go_live="2024-01-15",
        before_months=6,
        after_months=3,
    )
    assert result.status == PlaceboStatus.OK
    assert result.n == 40
    assert result.placebos["go_live"].iloc[0] == pd.Period("2020-07", "M")
    assert result.placebos["go_live"].iloc[-1] == pd.Period("2023-10", "M")
    assert result.p_value == pytest.approx(7 / 41)
    assert not result.outside
    assert all(before == 6 and after == 3 for _, before, after in calls)


def test_short_history_says_so():
    # 24 months, go-live in month 19 (2021-07), windows of 6: fakes 2020-07 … 2021-01 = 7 < 19.
    result = placebo_go_lives(
        lambda go, before, after: 1.0,
        first_month="2020-01",
        last_month="2021-12",
        go_live="2021-07",
        before_months=6,
        after_months=6,
    )
    assert result.status == PlaceboStatus.HISTORY_TOO_SHORT
    assert result.n == 7 and result.min_placebos == 19
    assert math.isnan(result.p_value) and not result.outside


def test_minimum_placebos_is_where_the_smallest_p_reaches_alpha():
    # n placebos: smallest p = 1/(n + 1) ≤ alpha  ⇔  n ≥ 1/alpha − 1.
    assert minimum_placebos(0.05) == 19
    assert minimum_placebos(0.01) == 99


def test_bad_windows_and_dates_are_refused():
    with pytest.raises(ValueError, match="at least one month"):
        placebo_go_lives(
            lambda *a: 0.0,
            first_month="2020-01",
            last_month="2021-01",
            go_live="2020-06",
            before_months=0,
            after_months=3,
        )
    with pytest.raises(ValueError, match="outside the data"):
        placebo_go_lives(
            lambda *a: 0.0,
            first_month="2020-01",
            last_month="2021-01",
            go_live="2022-06",
            before_months=3,
            after_months=3,
        )
