"""The generated findings say what the numbers say, in words, with no number the row lacks."""

from __future__ import annotations

import math

import pandas as pd

from crmkit.words.narrative import area_findings, describe_change, verdict_counts


def _row(**changes):
    row = {
        "label": "First response time",
        "unit": "hours",
        "before": 3.94,
        "after": 2.77,
        "change": -1.17,
        "change_pct": -0.297,
        "ci_low": -1.30,
        "ci_high": -1.04,
        "p_adjusted": 0.0004,
        "mde": 0.15,
        "verdict": "improved",
        "note": None,
    }
    row.update(changes)
    return row


def test_an_improvement_that_fell_reads_as_fell_and_improvement():
    text = describe_change(_row())
    assert text.startswith("First response time fell from 3.94 hours to 2.77 hours (")
    assert "\u22121.17 hours, \u221229.7 %" in text
    assert "95 % confidence interval \u22121.30 to \u22121.04 hours" in text
    assert "p < 0.001" in text and text.endswith("an improvement.")


def test_a_deterioration():
    text = describe_change(
        _row(verdict="worsened", change=1.2, after=5.14, change_pct=0.30, ci_low=1.0, ci_high=1.4)
    )
    assert "rose from 3.94 hours to 5.14 hours" in text and text.endswith("a deterioration.")


def test_no_detectable_change_gives_the_minimum_detectable_effect():
    text = describe_change(
        _row(
            label="Average order value",
            unit="currency",
            before=5118.8,
            after=5130.1,
            change=11.3,
            change_pct=0.0022,
            ci_low=-40.0,
            ci_high=62.6,
            p_adjusted=0.66,
            mde=72.4,
            verdict="no detectable change",
        ),  # fmt: skip
        currency="CNY",
    )
    assert "rose from CNY 5,119 to CNY 5,130" in text
    assert "p = 0.660 after correction): no detectable change." in text
    assert text.endswith("a change of about CNY 72 or more would have been detected.")


def test_insufficient_data_says_why():
    text = describe_change(
        _row(verdict="insufficient data", note="no usage before go-live", p_adjusted=math.nan)
    )
    assert text == "First response time could not be compared: no usage before go-live."


def test_area_findings_counts_and_orders_the_verdicts():
    rows = pd.DataFrame(
        [
            _row(label="Ticket satisfaction", unit="score (1–5)", before=3.85, after=3.86, change=0.01,
                 change_pct=0.003, ci_low=-0.03, ci_high=0.05, p_adjusted=1.0, mde=0.05,
                 verdict="no detectable change"),
            _row(),
            _row(label="Share resolved", unit="share", verdict="insufficient data", note="no tickets"),
        ]
    )  # fmt: skip
    text = area_findings(rows, area="service")
    lines = text.splitlines()
    assert lines[0] == (
        "Of the 2 service KPIs that could be compared, 1 improved, 0 worsened and 1 show no "
        "detectable change. 1 could not be compared."
    )
    assert lines[2].startswith("- First response time fell")  # the improvement first
    assert lines[3].startswith("- Ticket satisfaction rose from 3.85 of 5 to 3.86 of 5")
    assert lines[4].startswith("- Share resolved could not be compared")
    assert lines[-1].startswith("**What it means:** Service performance is measurably better")


def test_area_findings_when_nothing_moved():
    rows = pd.DataFrame([_row(verdict="no detectable change", p_adjusted=0.4)])
    assert "no service KPI changed by more than chance" in area_findings(rows, area="service")
    assert verdict_counts(rows)["no detectable change"] == 1
