"""The executive summary and headline figures claim only what passed the guards, never raise,
and the index escapes every text that comes from results.json."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.data.guards import Guard
from crmkit.report import render
from crmkit.report.render import executive_summary, headline_figures, index_content, render_index
from crmkit.words import narrative


def _by_label(figures: list[dict]) -> dict[str, dict]:
    return {figure["label"]: figure for figure in figures}


def _kpi(label, unit, before, after, verdict, *, p=0.001, size=None, guard=None, **extra):
    change = None if before is None or after is None else after - before
    pct = None if change is None or not before else change / before
    entry = {
        "label": label,
        "unit": unit,
        "before": before,
        "after": after,
        "change": change,
        "change_pct": pct,
        "p_adjusted": p,
        "effect_size": size,
        "verdict": verdict,
        "guard": guard,
        "status": "measured",
    }
    entry.update(extra)
    return entry


# A run without a control group whose customer base ages (the CDNOW-like case of issue 9).
GUARDED = {
    "params": {"currency": "USD", "control": None, "stats": {"alpha": 0.05}},
    "kpis": {
        "win_rate": _kpi("Win rate", "share", 0.20, 0.26, "improved", p=0.0001, size=0.14),
        "deal": _kpi(
            "Average deal size", "currency", 1000.0, 1100.0, "improved", p=0.0001, size=0.40
        ),  # fmt: skip
        "nps": _kpi(
            "Net Promoter Score",
            "points (\u2212100\u2013100)",
            1.0,
            26.3,
            "improved",
            p=0.02,
            guard="not_a_ratio_scale",
        ),  # fmt: skip
        "cycle": _kpi("Sales cycle", "days", 30.0, 33.0, "worsened", p=0.01, size=0.3),
        "churn_rate_annual": _kpi(
            "Annual churn rate", "share", 0.999, 0.74, "improved", guard="confounded_ageing"
        ),  # fmt: skip
        "purchase_frequency": _kpi(
            "Purchase frequency",
            "orders per customer-year",
            3.0,
            1.06,
            "worsened",
            guard="confounded_ageing",
        ),  # fmt: skip
        "average_clv": _kpi(
            "Average CLV",
            "currency",
            0.025,
            13.66,
            "improved",
            guard="base_near_zero",
            p=0.03,
            size=0.01,
            change_pct=545.3,
        ),  # fmt: skip
        "aov": _kpi("Average order value", "currency", 35.0, 35.5, "no detectable change", p=0.6),
        "usage": _kpi("Active CRM users", "share", None, None, "insufficient data", p=None),
        "first_response_hours": _kpi(
            "First response time", "hours", None, None, "not measured", p=None, needs="tickets.csv"
        ),  # fmt: skip
        "resolution_hours": _kpi(
            "Resolution time", "hours", None, None, "not measured", p=None, needs="tickets.csv"
        ),  # fmt: skip
        "complaints": _kpi(
            "Complaints per 1,000 orders",
            "per 1,000 orders",
            None,
            None,
            "not measured",
            p=None,
            needs="column is_complaint of tickets.csv",
        ),  # fmt: skip
        "revenue_per_rep": _kpi(
            "Revenue per rep",
            "currency per rep-month",
            None,
            None,
            "insufficient data",
            p=None,
            status="skipped",
            note="needs column rep_id in orders",
        ),  # fmt: skip
        "revenue_monthly": _kpi(
            "Monthly revenue", "currency per month", 1.0e6, 0.8e6, "no detectable change", p=0.3
        ),  # fmt: skip
    },
    "impact": {
        "time_series": {
            "kpi": "revenue_monthly",
            "effect_per_month": 242649.0,
            "effect_pct": -1.552,
            "ci_low": -1.0e5,
            "ci_high": 5.0e5,
            "p_value": 0.2,
            "guard": None,
        },
        "ageing_base": {
            "dominant_cohort_share": 1.0,
            "dominant_cohort": "1997-Q1",
            "kpis": ["churn_rate_annual", "purchase_frequency"],
        },
    },
    "financial": {
        "basis": "measured",
        "npv": 742000.0,
        "roi": 1.2,
        "payback_months": 9.0,
        "measured_benefits": {
            "retained customers' margin": {"kpi": "churn_rate_annual", "central": 689127.0},
            "repeat business": {"kpi": "purchase_frequency", "verdict": "improved"},
        },
    },
    "data_quality": {"overall_score": 0.99997, "issues": 9},
}


def test_guarded_kpis_are_not_claimed_and_say_why():
    summary = executive_summary(GUARDED)
    # counted by hand from GUARDED: win rate, deal size, NPS (a percentage guard only: the
    # claim stands) and average CLV improved; the sales cycle worsened; churn and purchase
    # frequency are withheld by the ageing guard
    assert summary[0] == (
        "Of 14 KPIs, after go-live 4 improved, 1 worsened, 2 moved but are not claimed, "
        "2 show no detectable change, 1 had too little data to compare and 4 were not measured "
        "(their data is absent)."
    )
    # ranked by corrected p (win rate and deal size tie below 0.001), then |effect size|
    assert summary[1] == (
        "The strongest improvements: Average deal size (+10.0 %), Win rate (+30.0 %), "
        "Net Promoter Score (+25.3 points)."
    )
    assert summary[2] == "The strongest deteriorations: Sales cycle (+10.0 %)."
    assert summary[3] == (
        "Not claimed, although the numbers moved: Annual churn rate and Purchase frequency "
        "(the customer base ages and there is no control group to separate that from the CRM)."
    )
    assert summary[4] == (
        "Not measured, for want of tickets.csv: First response time, Resolution time; "
        "for want of column is_complaint of tickets.csv: Complaints per 1,000 orders; "
        "for want of column rep_id in orders: Revenue per rep."
    )
    text = " ".join(summary)
    assert "2,530" not in text and "545" not in text  # no percentage of a base near zero
    assert "Annual churn rate (" not in summary[1]


def test_a_time_series_whose_sign_disagrees_is_not_reported():
    summary = executive_summary(GUARDED)
    assert summary[5] == (
        "The time series of monthly revenue is not reported: the data cannot give a reliable "
        "expected path (the relative effect and the estimate it comes from disagree in sign)."
    )
    figure = _by_label(headline_figures(GUARDED))["Revenue against its expected path"]
    assert figure["value"] == "not available"
    assert "\u2212155.2 %" not in " ".join(summary) + str(headline_figures(GUARDED))


def test_a_guarded_time_series_is_not_reported():
    results = {"impact": {"time_series": {"effect_pct": 0.3, "effect_per_month": 10.0,
                                          "guard": "counterfactual_implausible"}}}  # fmt: skip
    (sentence,) = executive_summary(results)
    assert sentence.startswith("The time series of revenue is not reported")
    assert "implausible" in sentence
    assert _by_label(headline_figures(results))["Revenue against its expected path"]["value"] == (
        "not available"
    )


def test_the_ageing_confound_is_named_without_a_control_group_only():
    summary = executive_summary(GUARDED)
    assert summary[6] == (
        "The customer base ages: 100 % of its customers were acquired in 1997-Q1, and there is "
        "no control group, so the before/after changes of Annual churn rate and Purchase "
        "frequency may come from the customers growing older rather than from the CRM."
    )
    with_control = {**GUARDED, "params": {"control": {"column": "region", "values": ["West"]}}}
    assert not any("customer base ages:" in s for s in executive_summary(with_control))


def test_measured_benefits_resting_on_no_claim_are_not_established():
    summary = executive_summary(GUARDED)
    assert summary[7] == (
        "On the benefits measured in the client's data, the CRM's net present value is "
        "USD 742,000 (ROI 120 %), paying back in 9 months; but none of the KPIs these benefits "
        "rest on passed the tests and guards, so the measured benefits are not established."
    )
    npv = _by_label(headline_figures(GUARDED))["Net present value (NPV)"]
    assert npv["note"] == "measured benefits, not established"
    # one benefit that rests on a claimable KPI establishes them
    established = {**GUARDED["financial"], "measured_benefits": {"x": {"kpi": "win_rate"}}}
    sentence = narrative.summary_financial(established, kpis=GUARDED["kpis"], currency="USD")
    assert "not established" not in sentence


def test_quality_never_reads_100_percent_beside_open_issues():
    summary = executive_summary(GUARDED)
    assert summary[8] == (
        "The client's data scored 99.9 % on quality, with 9 issues open: fit for the assessment "
        "once they are answered."
    )
    figures = _by_label(headline_figures(GUARDED))
    assert figures["Data quality"]["value"] == "99.9 %"
    assert figures["Data-quality issues"]["value"] == "9"
    contradictory = narrative.summary_quality({"overall_score": 1.0, "issues": [{}, {}]})
    assert contradictory.startswith("The data-quality score is 100.0 %, yet the data checks list 2")
    clean = narrative.summary_quality({"overall_score": 1.0, "issues": 0})
    assert clean == "The client's data scored 100.0 % on quality, with no issue open: fit for " \
        "the assessment."  # fmt: skip


@pytest.mark.parametrize(
    ("did", "expected"),
    [
        (  # the c1 client of issue 9: the upper bound could not be computed
            {"effect_pct": 0.155, "ci_low_pct": -0.35, "ci_high_pct": None},
            "Revenue where the CRM went live moved +15.5 % against the units that did not get "
            "it, but this data cannot say whether that is more than chance (too few units to "
            "compute an interval).",
        ),
        (
            {"effect_pct": 0.155, "ci_low_pct": None, "ci_high_pct": None},
            "Revenue where the CRM went live moved +15.5 % against the units that did not get "
            "it, but this data cannot say whether that is more than chance (too few units to "
            "compute an interval).",
        ),
        (
            {"effect_pct": 0.155, "ci_low_pct": 0.01, "ci_high_pct": 0.3, "guard": "no_interval"},
            "Revenue where the CRM went live moved +15.5 % against the units that did not get "
            "it, but this data cannot say whether that is more than chance (too few units to "
            "compute an interval).",
        ),
        (
            {"effect_pct": 0.124, "ci_low_pct": -0.02, "ci_high_pct": 0.27},
            "Revenue where the CRM went live moved +12.4 % against the units that did not get "
            "it (95 % CI \u22122.0 % to +27.0 %): within what chance explains, so this data "
            "cannot say whether the CRM changed revenue.",
        ),
        (
            {"effect_pct": 0.184, "ci_low_pct": 0.113, "ci_high_pct": 0.259},
            "Revenue where the CRM went live moved +18.4 % against the units that did not get "
            "it (95 % CI +11.3 % to +25.9 %): more than chance explains.",
        ),
    ],
)
def test_difference_in_differences_without_an_interval_cannot_say(did, expected):
    (sentence,) = executive_summary({"impact": {"difference_in_differences": did}})
    assert sentence == expected
    figure = _by_label(headline_figures({"impact": {"difference_in_differences": did}}))
    value = figure["Revenue effect against the control group"]["value"]
    assert value == ("+18.4 %" if "more than chance explains" in expected else value)
    if "too few units" in expected:
        assert value == "cannot say"


def test_every_guard_code_has_one_plain_reason():
    assert set(narrative.GUARD_REASONS) == set(Guard)
    assert len(set(narrative.GUARD_REASONS.values())) == len(Guard)
    for reason in narrative.GUARD_REASONS.values():
        assert "_" not in reason and reason == reason.strip()


def test_top_findings_stop_at_three_each_way():
    kpis = {
        f"k{i}": _kpi(f"KPI {i}", "share", 0.2, 0.2 + i / 100, "improved", p=0.01 * i, size=i)
        for i in range(1, 6)
    }
    (_, top) = executive_summary({"kpis": kpis})
    assert top == "The strongest improvements: KPI 1 (+5.0 %), KPI 2 (+10.0 %), KPI 3 (+15.0 %)."


# --------------------------------------------------------------------------- never raises

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(
        [
            "improved",
            "worsened",
            "not measured",
            "no_interval",
            "measured",
            "confounded_ageing",
            "failed",
            "ok",
            "declared",
            "skipped",
        ]
    ),  # fmt: skip
)
JSON_LIKE = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = ["effect_pct", "ci_low_pct", "ci_high_pct", "guard", "effect_per_month", "p_value",
        "ci_low", "ci_high", "overall_score", "issues", "tables", "npv", "roi", "irr",
        "payback_months", "discount_rate", "basis", "measured_benefits", "verdict", "label",
        "unit", "before", "after", "change", "change_pct", "p_adjusted", "effect_size", "needs",
        "status", "title", "message", "html", "seconds", "kpi", "dominant_cohort_share",
        "dominant_cohort", "kpis", "overall", "irr_note", "roi_convention", "number"]  # fmt: skip
SECTION = st.dictionaries(st.sampled_from(KEYS), JSON_LIKE, max_size=8)
RESULTS = st.fixed_dictionaries(
    {},
    optional={
        "client": JSON_LIKE,
        "generated_at": JSON_LIKE,
        "run_id": JSON_LIKE,
        "params": st.one_of(
            JSON_LIKE,
            st.fixed_dictionaries(
                {"currency": JSON_LIKE, "control": JSON_LIKE, "stats": JSON_LIKE}
            ),
        ),
        "kpis": st.one_of(JSON_LIKE, st.dictionaries(st.text(max_size=4), SECTION, max_size=4)),
        "impact": st.one_of(
            JSON_LIKE,
            st.fixed_dictionaries(
                {},
                optional={
                    "difference_in_differences": SECTION,
                    "time_series": SECTION,
                    "ageing_base": SECTION,
                },
            ),
        ),
        "financial": st.one_of(JSON_LIKE, SECTION),
        "data_quality": st.one_of(JSON_LIKE, SECTION),
        "scorecard": st.one_of(JSON_LIKE, SECTION),
        "stages": st.one_of(JSON_LIKE, st.dictionaries(st.text(max_size=4), SECTION, max_size=3)),
        "report": JSON_LIKE,
    },
)


def _recorded(results) -> list[dict]:
    """The failures a results mapping already records (render lists them as they are)."""
    report = results.get("report")
    listed = report.get("failed_sections") if isinstance(report, dict) else None
    if not isinstance(listed, list):
        return []
    return [
        {"section": str(i.get("section")), "message": str(i.get("message"))}
        for i in listed
        if isinstance(i, dict)
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results=RESULTS)
def test_any_json_like_results_never_raise(results):
    content = index_content(results)
    assert content.failed_sections == _recorded(results)  # no section of its own failed
    assert all(isinstance(sentence, str) and sentence for sentence in content.summary)
    for figure in content.figures:
        assert set(figure) == {"label", "value", "note"}
    page = render_index(results)
    assert page.lstrip().startswith("<!DOCTYPE html>")


def test_every_number_missing_or_odd():
    odd = [None, math.nan, math.inf, -math.inf, "12", True, [], {}]
    for value in odd:
        section = dict.fromkeys(KEYS, value)
        results = {
            "params": {"currency": value, "stats": {"alpha": value}, "control": value},
            "kpis": {"a": section, "b": {**section, "verdict": "improved"}},
            "impact": {
                "difference_in_differences": section,
                "time_series": section,
                "ageing_base": section,
            },  # fmt: skip
            "financial": section,
            "data_quality": section,
            "scorecard": section,
            "stages": {"s": section},
        }
        content = index_content(results)
        assert content.failed_sections == [], (value, content.failed_sections)
        text = " ".join(content.summary) + str(content.figures)
        assert "nan" not in text and "inf " not in text
        render_index(results)


def test_a_section_that_raises_is_left_out_and_listed(monkeypatch):
    def broken(results):
        raise KeyError("npv")

    sections = dict(render._SUMMARY_SECTIONS)
    sections["financial value"] = broken
    monkeypatch.setattr(render, "_SUMMARY_SECTIONS", tuple(sections.items()))
    content = index_content(GUARDED)
    assert content.failed_sections == [
        {"section": "summary: financial value", "message": "KeyError: 'npv'"}
    ]
    assert not any(s.startswith("On the benefits") for s in content.summary)
    assert content.summary[0].startswith("Of 14 KPIs")  # the other sections stand
    page = render_index(GUARDED, content=content)
    assert "summary: financial value: KeyError: &#39;npv&#39;" in page


# --------------------------------------------------------------------------- escaping

HOSTILE = ["<script>window.x=1</script>", '"><img src=x onerror="window.x=2">']


@pytest.mark.parametrize("attack", HOSTILE)
def test_every_text_from_results_is_escaped_on_the_index(attack):
    kpi = _kpi(attack, attack, 0.2, 0.3, "improved", guard=attack, needs=attack, note=attack)
    results = {
        "client": attack,
        "crmkit_version": attack,
        "generated_at": attack,
        "run_id": attack,
        "params": {"currency": attack, "control": None},
        "kpis": {
            attack: kpi,
            "b": {**kpi, "verdict": "not measured"},
            "c": {**kpi, "guard": None},
        },
        "impact": {
            "difference_in_differences": {
                "kpi": attack,
                "effect_pct": 0.1,
                "guard": attack,
                "ci_low_pct": 0.01,
                "ci_high_pct": 0.2,
            },  # fmt: skip
            "ageing_base": {
                "dominant_cohort": attack,
                "dominant_cohort_share": 0.9,
                "kpis": [attack],
            },  # fmt: skip
        },
        "financial": {
            "basis": attack,
            "npv": 1.0,
            "irr": 0.1,
            "irr_note": attack,
            "measured_benefits": {attack: {"kpi": attack}},
        },  # fmt: skip
        "data_quality": {"overall_score": 0.9, "issues": [attack], "tables": {attack: {}}},
        "stages": {
            attack: {
                "title": attack,
                "status": attack,
                "message": attack,
                "html": attack,
                "notebook": attack,
                "number": attack,
                "seconds": attack,
            },  # fmt: skip
            "ok": {"title": "Fine", "status": "failed", "message": attack, "html": "01_fine.html"},
        },
        "report": {"failed_sections": [{"section": attack, "message": attack}]},
    }
    page = render_index(results)
    assert "<script" not in page and "<img" not in page
    assert 'onerror="' not in page
    assert "&lt;script&gt;" in page or "&#34;&gt;&lt;img" in page
    assert 'href="01_fine.html"' in page  # a plain page name still links
    assert f'href="{attack}' not in page  # the hostile one does not
    fallback = render.fallback_index(results, results["report"]["failed_sections"])
    assert "<script" not in fallback and "<img" not in fallback


@pytest.mark.parametrize("href", ["javascript:alert(1)", "../../etc/passwd", "http://x/y.html",
                                  "a b.html", "//host/x.html", "x.html?q=1"])  # fmt: skip
def test_links_stay_inside_the_report_folder(href):
    page = render_index({"stages": {"s": {"title": "S", "status": "ok", "html": href}}})
    assert "<a href" not in page.split('<section class="stages">')[1].split("</table>")[0]


def test_monthly_revenue_is_told_once_by_the_difference_in_differences():
    """The panel difference-in-differences reports monthly revenue; its KPI row is not listed
    again as "not claimed" (the two would read as contradictory findings)."""
    kpis = {
        "revenue_monthly": _kpi(
            "Monthly revenue", "currency per month", 100.0, 120.0, "improved",
            guard=Guard.SHARED_WITH_CONTROL.value,
        ),
        "win_rate": _kpi(
            "Win rate", "share", 0.2, 0.3, "improved", guard=Guard.SHARED_WITH_CONTROL.value
        ),
    }  # fmt: skip
    did = {"effect_pct": 0.14, "ci_low_pct": 0.036, "ci_high_pct": 0.34, "guard": None}
    text = " ".join(executive_summary({"kpis": kpis, "impact": {"difference_in_differences": did}}))
    not_claimed = text.split("Not claimed")[1].split(".")[0]
    assert "Win rate" in not_claimed and "Monthly revenue" not in not_claimed
    assert "moved +14.0 % against the units that did not get it" in text
    alone = " ".join(executive_summary({"kpis": kpis}))
    assert "Monthly revenue" in alone.split("Not claimed")[1]


def test_a_declined_comparison_is_counted_and_named_apart_from_too_little_data():
    declined = _kpi("Annual churn rate", "share", None, None, "insufficient data")
    declined["guard"] = Guard.NOT_COMPARABLE.value
    thin = _kpi("Win rate", "share", None, None, "insufficient data")
    text = " ".join(executive_summary({"kpis": {"churn_rate_annual": declined, "win_rate": thin}}))
    assert "1 had too little data to compare" in text
    assert "1 was not compared, because the two windows cannot measure it alike" in text
    assert "Not compared: Annual churn rate" in text
