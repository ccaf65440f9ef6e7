"""A control-group effect that fake go-live dates also show is neither evidence nor money."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from crmkit.data.guards import Guard
from crmkit.domains.valuation import revenue_effect
from crmkit.words.language import speaking
from crmkit.words.narrative.areas import overview_findings


def _control(guard: str | None) -> SimpleNamespace:
    # +12 % against the control group with an interval that excludes zero
    return SimpleNamespace(
        relative_effect=(0.12, 0.04, 0.20),
        guard=guard,
        kpi=SimpleNamespace(label="Revenue per month"),
    )


def _series() -> SimpleNamespace:
    row = pd.DataFrame(
        {"change_pct": [0.05], "change_pct_ci_low": [-0.02], "change_pct_ci_high": [0.12],
         "guard": [None]}
    )  # fmt: skip
    return SimpleNamespace(row=row, comparative=True)


def _results() -> pd.DataFrame:
    return pd.DataFrame(
        {"label": ["Win rate"], "status": ["measured"], "verdict": ["no detectable change"]}
    )


def test_a_withheld_control_effect_is_not_turned_into_money():
    assert revenue_effect(_control(None), None)[0] == (0.12, 0.04, 0.20)
    effect, source = revenue_effect(_control(Guard.INSIDE_PLACEBOS.value), _series())
    assert effect == (0.05, -0.02, 0.12)  # the time series' effect instead
    assert source == "interrupted time series on the ratio to the control group"
    effect, reason = revenue_effect(_control(Guard.INSIDE_PLACEBOS.value), None)
    assert effect is None
    assert "fake go-live dates" in reason


def test_a_withheld_control_effect_is_not_called_the_strongest_evidence():
    claimed = overview_findings(_results(), series=None, control=_control(None))
    assert "where revenue per month moved +12.0 % relative to it." in claimed
    withheld = overview_findings(
        _results(), series=None, control=_control(Guard.INSIDE_PLACEBOS.value)
    )
    assert "so the CRM cannot be credited with it" in withheld
    with speaking("zh"):
        chinese = overview_findings(
            _results(), series=None, control=_control(Guard.INSIDE_PLACEBOS.value)
        )
    assert "不能归功于 CRM" in chinese and "+12.0" in chinese


def test_why_no_revenue_effect_is_priced_reads_in_plain_words_in_both_languages():
    from crmkit.domains.benefits import Gap
    from crmkit.words.valuation import benefit_note

    _, why = revenue_effect(_control(Guard.INSIDE_PLACEBOS.value), _withheld_series())
    assert why == (
        "the difference-in-differences' revenue effect lies inside the effects of fake go-live "
        "dates; the time series' revenue effect is not usable (counterfactual_implausible)"
    )
    note = benefit_note(Gap.NO_REVENUE_EFFECT, {"why": why})
    assert "counterfactual_implausible" not in note  # the code is said in words
    assert "the time series' revenue effect is not claimed: the projected counterfactual is " \
        "implausible" in note  # fmt: skip
    with speaking("zh"):
        chinese = benefit_note(Gap.NO_REVENUE_EFFECT, {"why": why})
    assert "收入的双重差分效应落在虚拟上线日的效应范围之内" in chinese
    assert "时间序列的收入效应不予认定" in chinese
    assert "revenue" not in chinese


def _withheld_series() -> SimpleNamespace:
    row = pd.DataFrame(
        {"change_pct": [0.05], "change_pct_ci_low": [0.01], "change_pct_ci_high": [0.09],
         "guard": [Guard.COUNTERFACTUAL_IMPLAUSIBLE.value]}
    )  # fmt: skip
    return SimpleNamespace(row=row, comparative=False)


def test_kpis_too_short_for_the_check_share_one_line():
    from crmkit.words.narrative.placebo import placebo_findings

    def row(label, status, needed=42, there=12, **more):
        return {"label": label, "verdict": "improved", "guard": None, "placebo_status": status,
                "placebo_needed_months": needed, "placebo_history_months": there, **more}  # fmt: skip

    results = pd.DataFrame(
        [
            row("Monthly revenue", "history_too_short"),
            row(
                "Win rate",
                "ok",
                change_pct=0.2,
                placebo_n=30,
                placebo_p_value=0.01,
                placebo_outside=True,
            ),  # fmt: skip
            row("Average order value", "history_too_short"),
            row("System Usability Scale", "history_too_short", there=2),
        ]
    )
    assert placebo_findings(results).split("\n") == [
        "- Monthly revenue, Average order value: too little history to check their changes "
        "against fake go-live dates (the check needs 42 months of data before go-live; there "
        "are 12), so their verdicts stand unchecked.",
        "- Win rate: its change of +20.0 % lies outside the changes of 30 fake go-live dates "
        "before the real one (p = 0.010).",
        "- System Usability Scale: too little history to check its change against fake go-live "
        "dates (the check needs 42 months of data before go-live; there are 2), so its verdict "
        "stands unchecked.",
    ]
    with speaking("zh"):
        chinese = placebo_findings(results)
    assert chinese.count("历史数据太短") == 2 and "其结论未经检验" in chinese
