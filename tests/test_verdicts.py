"""Verdicts and statuses as typed values (crmkit.data.verdicts), and the decisions made on them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from crmkit.data.verdicts import VERDICTS, Status, Verdict
from crmkit.measure import comparison
from crmkit.stats import impact
from crmkit.words import narrative


def test_members_are_the_strings_results_json_carries() -> None:
    assert [str(v) for v in Verdict] == [
        "improved",
        "worsened",
        "no detectable change",
        "insufficient data",
        "not measured",
    ]
    assert [str(s) for s in Status] == ["measured", "skipped", "failed"]
    assert json.dumps({"verdict": Verdict.NO_CHANGE, "status": Status.SKIPPED}) == (
        '{"verdict": "no detectable change", "status": "skipped"}'
    )
    assert {"improved": 1}[Verdict.IMPROVED] == 1  # same hash as the string


def test_the_old_names_are_the_one_definition() -> None:
    assert narrative.VERDICTS is VERDICTS
    assert set(impact.VERDICTS) == set(VERDICTS) - {Verdict.NOT_MEASURED}
    rows = pd.DataFrame({"change": [5.0, -2.0, 1.0, 0.0], "p_value": [0.001, 0.01, 0.5, np.nan]})
    verdicts = impact.finalize(rows, direction="higher")["verdict"].tolist()
    assert verdicts == [Verdict.IMPROVED, Verdict.WORSENED, Verdict.NO_CHANGE, Verdict.INSUFFICIENT]


def _months(start: str, values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def test_calendar_month_pairing_keeps_an_insufficient_row_as_the_test_gave_it() -> None:
    # One calendar month in common (January): too few pairs for a paired t-test.
    row = comparison._same_months(
        _months("2023-01-01", [5.0]), _months("2024-01-01", [6.0]), alpha=0.05
    )
    assert np.isnan(row["p_value"].iloc[0])
    assert row["note"].iloc[0].startswith("insufficient data")
    assert row["test"].iloc[0] == "paired t-test"


def test_calendar_month_pairing_labels_a_compared_row() -> None:
    before = _months("2023-01-01", [5.0, 6.0, 4.0, 7.0, 5.5, 6.5])
    after = _months("2024-01-01", [6.0, 6.5, 5.5, 7.2, 6.4, 7.1])
    row = comparison._same_months(before, after, alpha=0.05)
    # Hand calculation: differences 1.0, 0.5, 1.5, 0.2, 0.9, 0.6 → mean 0.783333.
    assert abs(row["change"].iloc[0] - 0.783333) < 1e-6
    assert row["test"].iloc[0] == "paired t-test on the same calendar months"
    assert row["note"].iloc[0] == "months paired by calendar month; the change includes trend"


def test_words_come_from_the_typed_values() -> None:
    results = pd.DataFrame(
        {
            "status": [Status.MEASURED, Status.MEASURED, Status.SKIPPED],
            "verdict": [Verdict.IMPROVED, Verdict.INSUFFICIENT, Verdict.NOT_MEASURED],
        }
    )
    assert narrative.verdict_counts(results) == {
        "improved": 1,
        "worsened": 0,
        "no detectable change": 0,
        "insufficient data": 1,
        "not measured": 1,
    }
    assert narrative.kpi_verdict_text({"status": Status.FAILED, "note": "x"}) == "failed: x"
