"""Tests of crmkit.domains.finance: NPV, ROI, IRR, MIRR, payback, cost structure, sensitivity and
simulation.

Every reference value names its source in a comment: numpy-financial's own docstring
examples and test suite, Microsoft Excel's documentation examples for NPV / IRR / MIRR, a
textbook (Brealey, Myers & Allen), or a calculation written out by hand in the test. Values
that a source prints rounded are compared to the precision printed. Simulation checks are
seeded; their tolerances are Monte Carlo bands (a few standard errors), stated where used.
"""

from __future__ import annotations

import json
import math

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crmkit.domains.finance import (
    ECONOMIC_USES,
    breakeven_benefit_factor,
    cash_flows,
    cost_breakdown,
    economic_use,
    investment_summary,
    monte_carlo,
    payback_months,
    present_values,
    sensitivity,
    summary_table,
)

# --------------------------------------------------------------------------- helpers


def tables_from_net(net: list[float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Costs and benefits tables whose yearly net flows are ``net`` (year 0 first)."""
    costs = [(year, "outlay", -v) for year, v in enumerate(net) if v < 0]
    benefits = [(year, "inflow", v) for year, v in enumerate(net) if v > 0]
    columns = ["year", "category", "amount"]
    return pd.DataFrame(costs, columns=columns), pd.DataFrame(benefits, columns=columns)


def summary_of(net: list[float], *, rate: float = 0.10, **options) -> object:
    costs, benefits = tables_from_net(net)
    return investment_summary(
        costs, benefits, discount_rate=rate, horizon_years=len(net) - 1, **options
    )


# A TEI-style investment, three years, 10 % — every figure below is worked out by hand.
TEI_COSTS = pd.DataFrame(
    {
        "year": [0, 1, 2, 3],
        "category": ["implementation services", "licences", "licences", "licences"],
        "amount": [100_000.0, 50_000.0, 50_000.0, 50_000.0],
        "phase": ["implementation", "operation", "operation", "operation"],
    }
)
TEI_BENEFITS = pd.DataFrame(
    {
        "year": [1, 2, 3],
        "category": "sales productivity",
        "amount": [120_000.0, 150_000.0, 180_000.0],
    }
)
# By hand: discount factors 1/1.1 = 0.9090909091, 1/1.21 = 0.8264462810, 1/1.331 = 0.7513148009.
# PV costs    = 100,000 + 50,000 × (0.9090909091 + 0.8264462810 + 0.7513148009)
#             = 100,000 + 50,000 × 2.4868519910 = 224,342.5995
# PV benefits = 120,000 × 0.9090909091 + 150,000 × 0.8264462810 + 180,000 × 0.7513148009
#             = 109,090.9091 + 123,966.9421 + 135,236.6642 = 368,294.5154
# NPV         = 368,294.5154 − 224,342.5995 = 143,951.9159
# ROI         = 143,951.9159 / 224,342.5995 = 0.6416611
# Net benefits (undiscounted) = 450,000 − 250,000 = 200,000
TEI_PV_COSTS = 224_342.5995
TEI_PV_BENEFITS = 368_294.5154
TEI_NPV = 143_951.9159
TEI_ROI = 0.6416611


# --------------------------------------------------------------------------- numpy-financial


def test_npv_reproduces_numpy_financial_docstring_example():
    # numpy_financial.npv docstring: rate 8 %, cash flows −40,000, 5,000, 8,000, 12,000,
    # 30,000 → NPV 3065.22267 (same end-of-period convention, year 0 undiscounted).
    s = summary_of([-40_000, 5_000, 8_000, 12_000, 30_000], rate=0.08)
    assert round(s.npv, 5) == 3065.22267
    flows = present_values(
        cash_flows(*tables_from_net([-40_000, 5_000, 8_000, 12_000, 30_000]), horizon_years=4),
        discount_rate=0.08,
    )
    assert round(flows["pv_net"].sum(), 5) == 3065.22267


def test_npv_at_irr_is_zero_numpy_financial_congruence():
    # numpy-financial tests/test_financial.py::test_npv_irr_congruence: NPV(IRR(x), x) = 0
    # for x = −40,000, 5,000, 8,000, 12,000, 30,000.
    net = [-40_000, 5_000, 8_000, 12_000, 30_000]
    s = summary_of(net, rate=0.08)
    again = summary_of(net, rate=s.irr)
    assert again.npv == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("net", "expected", "flagged"),
    [
        # numpy_financial.irr docstring examples (printed to 5 decimals):
        ([-100, 39, 59, 55, 20], 0.28095, False),
        ([-100, 0, 0, 74], -0.0955, False),
        ([-100, 100, 0, -7], -0.0833, True),  # two sign changes → IRR flagged
        ([-100, 100, 0, 7], 0.06206, False),
        ([-5, 10.5, 1, -8, 1], 0.0886, True),  # three sign changes → IRR flagged
    ],
)
def test_irr_reproduces_numpy_financial_docstring_examples(net, expected, flagged):
    s = summary_of(net)
    assert round(s.irr, 5) == expected
    assert (s.irr_note is not None) is flagged
    if flagged:
        assert "change sign" in s.irr_note


@pytest.mark.parametrize(
    ("net", "finance_rate", "reinvest_rate", "expected", "places"),
    [
        # numpy-financial tests/test_financial.py::test_mirr (values asserted to 4 / 6 places)
        ([-4500, -800, 800, 800, 600, 600, 800, 800, 700, 3000], 0.08, 0.055, 0.0666, 4),
        ([-120000, 39000, 30000, 21000, 37000, 46000], 0.10, 0.12, 0.126094, 6),
        ([100, 200, -50, 300, -200], 0.05, 0.06, 0.3428, 4),
    ],
)
def test_mirr_reproduces_numpy_financial_tests(net, finance_rate, reinvest_rate, expected, places):
    s = summary_of(net, rate=finance_rate, reinvest_rate=reinvest_rate)
    assert round(s.mirr, places) == expected


def test_mirr_is_undefined_without_an_outflow():
    # numpy-financial tests/test_financial.py::test_mirr: all-positive flows → nan (None here)
    s = summary_of([39000, 30000, 21000, 37000, 46000], reinvest_rate=0.12)
    assert s.mirr is None and s.irr is None
    assert s.irr_note.startswith("IRR is not defined")


# --------------------------------------------------------------------------- Excel docs


def test_npv_reproduces_excel_documentation_examples():
    # Microsoft Excel, NPV function, example 1: rate 10 %, an initial cost of 10,000 paid one
    # year from today, then returns 3,000, 4,200, 6,800 → NPV 1,188.44. Excel's NPV discounts
    # its first value by one period, so here the cost falls in year 1 and year 0 is empty.
    s = summary_of([0, -10_000, 3_000, 4_200, 6_800], rate=0.10)
    assert round(s.npv, 2) == 1188.44
    assert s.irr_note is None  # the outlay in year 1 is the initial outlay, not a tiny one
    # Example 2: rate 8 %, initial investment 40,000 today, returns 8,000, 9,200, 10,000,
    # 12,000, 14,500 → 1,922.06; with a loss of 9,000 in year 6 → −3,749.47.
    assert round(summary_of([-40_000, 8_000, 9_200, 10_000, 12_000, 14_500], rate=0.08).npv, 2) == (
        1922.06
    )
    s = summary_of([-40_000, 8_000, 9_200, 10_000, 12_000, 14_500, -9_000], rate=0.08)
    assert round(s.npv, 2) == -3749.47


def test_irr_reproduces_excel_documentation_examples():
    # Microsoft Excel, IRR function: initial cost 70,000, net income 12,000, 15,000, 18,000,
    # 21,000, 26,000 → after four years −2.1 %, after five years 8.7 %, after two years
    # −44.4 % (the figures Excel's example prints, to 0.1 %).
    flows = [-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]
    assert round(summary_of(flows).irr, 3) == 0.087
    assert round(summary_of(flows[:5]).irr, 3) == -0.021
    assert round(summary_of(flows[:3]).irr, 3) == -0.444


def test_mirr_reproduces_excel_documentation_examples():
    # Microsoft Excel, MIRR function: loan of 120,000 at 10 %, income 39,000, 30,000, 21,000,
    # 37,000, 46,000 reinvested at 12 % → MIRR after five years 12.61 %; after three years
    # −4.80 %; five years reinvested at 14 % → 13.48 %.
    flows = [-120_000, 39_000, 30_000, 21_000, 37_000, 46_000]
    assert round(summary_of(flows, rate=0.10, reinvest_rate=0.12).mirr, 4) == 0.1261
    assert round(summary_of(flows[:4], rate=0.10, reinvest_rate=0.12).mirr, 4) == -0.0480
    assert round(summary_of(flows, rate=0.10, reinvest_rate=0.14).mirr, 4) == 0.1348


# --------------------------------------------------------------------------- textbook


def test_npv_and_irr_of_brealey_myers_office_block():
    # Brealey, Myers & Allen, Principles of Corporate Finance, ch. 2: an office block costs
    # 350,000 (land 50,000 + construction 300,000) and sells for 400,000 in a year; at 7 %,
    # PV = 400,000 / 1.07 = 373,832 and NPV = 373,832 − 350,000 = 23,832 (printed to $1).
    # Its rate of return is (400,000 − 350,000) / 350,000 = 14.29 %.
    s = summary_of([-350_000, 400_000], rate=0.07)
    assert round(s.pv_benefits) == 373_832
    assert round(s.npv) == 23_832
    assert s.irr == pytest.approx(50_000 / 350_000, rel=1e-12)


def test_irr_of_brealey_myers_two_period_project():
    # Brealey, Myers & Allen, ch. 5 (IRR): C0 = −4,000, C1 = +2,000, C2 = +4,000 → IRR 28.08 %.
    # By hand: with x = 1/(1 + IRR), 4,000x² + 2,000x − 4,000 = 0 → x = (−1 + √17) / 4
    # = 0.780776 → IRR = 1/x − 1 = 0.280776.
    s = summary_of([-4_000, 2_000, 4_000])
    assert round(s.irr, 4) == 0.2808
    assert s.irr == pytest.approx(4 / (math.sqrt(17) - 1) - 1, rel=1e-10)


# --------------------------------------------------------------------------- TEI table


def test_tei_summary_recomputed_by_hand():
    s = investment_summary(TEI_COSTS, TEI_BENEFITS, discount_rate=0.10, horizon_years=3)
    assert s.pv_costs == pytest.approx(TEI_PV_COSTS, abs=1e-3)
    assert s.pv_benefits == pytest.approx(TEI_PV_BENEFITS, abs=1e-3)
    assert s.npv == pytest.approx(TEI_NPV, abs=1e-3)
    assert s.roi == pytest.approx(TEI_ROI, abs=1e-7)
    assert s.net_benefits == 200_000.0  # undiscounted, a different figure from NPV
    assert (s.total_costs, s.total_benefits) == (250_000.0, 450_000.0)
    # no risk adjustment given: the unadjusted figures are the same
    assert s.unadjusted.npv == pytest.approx(s.npv)
    # breakeven: benefits × PV costs / PV benefits = 224,342.5995 / 368,294.5154 = 0.609139
    assert s.breakeven_benefit_factor == pytest.approx(TEI_PV_COSTS / TEI_PV_BENEFITS, rel=1e-8)
    assert round(s.breakeven_benefit_factor, 6) == 0.609139


def test_tei_summary_table_by_hand():
    table = summary_table(TEI_COSTS, TEI_BENEFITS, discount_rate=0.10, horizon_years=3)
    assert list(table.columns) == [
        "Initial",
        "Year 1",
        "Year 2",
        "Year 3",
        "Total",
        "Present value",
    ]
    assert list(table.index) == [
        "Total costs",
        "Total benefits",
        "Net benefits",
        "Cumulative net benefits",
    ]
    # by hand: net = −100,000, 70,000, 100,000, 130,000; cumulative −100,000, −30,000,
    # 70,000, 200,000
    assert table.loc["Total costs", "Initial":"Total"].tolist() == [
        100_000.0,
        50_000.0,
        50_000.0,
        50_000.0,
        250_000.0,
    ]
    assert table.loc["Net benefits", "Initial":"Total"].tolist() == [
        -100_000.0,
        70_000.0,
        100_000.0,
        130_000.0,
        200_000.0,
    ]
    assert table.loc["Cumulative net benefits", "Initial":"Year 3"].tolist() == [
        -100_000.0,
        -30_000.0,
        70_000.0,
        200_000.0,
    ]
    assert table.loc["Total costs", "Present value"] == pytest.approx(TEI_PV_COSTS, abs=1e-3)
    assert table.loc["Total benefits", "Present value"] == pytest.approx(TEI_PV_BENEFITS, abs=1e-3)
    assert table.loc["Net benefits", "Present value"] == pytest.approx(TEI_NPV, abs=1e-3)
    assert np.isnan(table.loc["Cumulative net benefits", "Present value"])


def test_tei_payback_and_discounted_payback_by_hand():
    s = investment_summary(TEI_COSTS, TEI_BENEFITS)
    # cumulative net −100,000 at month 0, −30,000 at month 12; year 2 adds 100,000 evenly:
    # 12 + 12 × 30,000 / 100,000 = 15.6 months
    assert s.payback_months == pytest.approx(15.6, abs=1e-12)
    # discounted nets: −100,000, 70,000/1.1 = 63,636.36, 100,000/1.21 = 82,644.63;
    # cumulative −100,000, −36,363.64; 12 + 12 × 36,363.64 / 82,644.63
    # = 12 + 12 × (0.4 × 1.21 / 1.1) = 12 + 12 × 0.44 = 17.28 months
    assert s.discounted_payback_months == pytest.approx(17.28, abs=1e-12)


def test_risk_adjustment_lowers_benefits_and_raises_costs_by_hand():
    costs = TEI_COSTS.assign(risk_adjustment=[0.0, 0.10, 0.10, 0.10])
    benefits = TEI_BENEFITS.assign(risk_adjustment=0.20)
    flows = cash_flows(costs, benefits, horizon_years=3)
    # costs: 50,000 × 1.1 = 55,000; benefits × 0.8 = 96,000, 120,000, 144,000
    assert flows["costs"].tolist() == pytest.approx([100_000, 55_000, 55_000, 55_000])
    assert flows["benefits"].tolist() == pytest.approx([0, 96_000, 120_000, 144_000])
    raw = cash_flows(costs, benefits, horizon_years=3, risk_adjusted=False)
    assert raw["costs"].tolist() == [100_000, 50_000, 50_000, 50_000]
    s = investment_summary(costs, benefits)
    # PV costs = 100,000 + 55,000 × 2.4868519910 = 236,776.8595
    # PV benefits = 0.8 × 368,294.5154 = 294,635.6123
    assert s.pv_costs == pytest.approx(236_776.8595, abs=1e-3)
    assert s.pv_benefits == pytest.approx(294_635.6123, abs=1e-3)
    assert s.npv == pytest.approx(294_635.6123 - 236_776.8595, abs=1e-3)
    assert s.unadjusted.npv == pytest.approx(TEI_NPV, abs=1e-3)
    assert s.pv_costs > s.unadjusted.pv_costs and s.pv_benefits < s.unadjusted.pv_benefits
    assert s.risk_adjusted and not s.unadjusted.risk_adjusted


def test_simple_roi_convention_by_hand():
    costs = TEI_COSTS.assign(risk_adjustment=0.10)
    benefits = TEI_BENEFITS.assign(risk_adjustment=0.20)
    s = investment_summary(costs, benefits, roi_convention="simple")
    # average annual benefit / initial cost, risk-adjusted:
    # (96,000 + 120,000 + 144,000) / 3 = 120,000; initial cost 100,000 × 1.1 = 110,000
    # → 120,000 / 110,000 = 1.090909
    assert s.roi == pytest.approx(120_000 / 110_000, rel=1e-12)
    # unadjusted: 450,000 / 3 = 150,000 over 100,000 → 1.5
    assert s.unadjusted.roi == pytest.approx(1.5, rel=1e-12)
    assert s.roi_convention == "simple"
    # NPV does not depend on the ROI convention
    assert s.npv == investment_summary(costs, benefits).npv


def test_flexibility_is_reported_beside_npv_never_inside():
    s = investment_summary(TEI_COSTS, TEI_BENEFITS, flexibility=25_000.0)
    assert s.flexibility == 25_000.0
    assert s.npv == pytest.approx(TEI_NPV, abs=1e-3)
    assert s.to_dict()["flexibility"] == 25_000.0


def test_to_dict_gives_results_json_financial_keys():
    d = investment_summary(TEI_COSTS, TEI_BENEFITS).to_dict()
    for key in ("pv_costs", "pv_benefits", "npv", "roi", "irr", "payback_months", "discount_rate"):
        assert key in d
    assert d["npv"] == pytest.approx(TEI_NPV, abs=1e-3)
    assert d["discount_rate"] == 0.10
    assert d["unadjusted"]["npv"] == pytest.approx(TEI_NPV, abs=1e-3)
    json.dumps(d, allow_nan=False)  # JSON-ready, no NaN
    # undefined figures are None: no benefits → no IRR, no payback
    empty = investment_summary(TEI_COSTS, None).to_dict()
    assert empty["irr"] is None and empty["payback_months"] is None
    assert empty["roi"] == -1.0
    json.dumps(empty, allow_nan=False)


def test_present_values_columns_and_discount_factors():
    flows = present_values(cash_flows(TEI_COSTS, TEI_BENEFITS), discount_rate=0.10)
    assert list(flows.columns) == [
        "year",
        "label",
        "costs",
        "benefits",
        "net",
        "cumulative_net",
        "discount_factor",
        "pv_costs",
        "pv_benefits",
        "pv_net",
        "cumulative_pv_net",
    ]
    assert flows["label"].tolist() == ["Initial", "Year 1", "Year 2", "Year 3"]
    # 1, 1/1.1, 1/1.21, 1/1.331
    assert flows["discount_factor"].tolist() == pytest.approx([1, 1 / 1.1, 1 / 1.21, 1 / 1.331])


# --------------------------------------------------------------------------- payback


def test_payback_exactly_at_month_24():
    # −120, +60, +60, +60: cumulative −120, −60, 0 (month 24), +60 → 24 months
    assert payback_months([-120.0, 60.0, 60.0, 60.0]) == 24.0


def test_payback_mid_month_by_hand():
    # −1,000, +450, +400, +350: cumulative −1,000, −550, −150, +200. Year 3 adds 350 evenly,
    # so the remaining 150 is recovered 12 × 150 / 350 = 5.142857 months into year 3:
    # 24 + 5.142857 = 29.142857 (in the 30th month)
    assert payback_months([-1000.0, 450.0, 400.0, 350.0]) == pytest.approx(24 + 12 * 150 / 350)
    assert round(payback_months([-1000.0, 450.0, 400.0, 350.0]), 6) == 29.142857


def test_discounted_payback_mid_month_by_hand():
    # −1,000, +450, +400, +350 at 10 %: discounted 450/1.1 = 409.0909, 400/1.21 = 330.5785,
    # 350/1.331 = 262.9602; cumulative −590.9091, −260.3306, +2.6296; payback
    # 24 + 12 × 260.3306 / 262.9602 = 24 + 11.879999 = 35.88 months
    s = summary_of([-1000.0, 450.0, 400.0, 350.0])
    remaining = 1000 - 450 / 1.1 - 400 / 1.21
    assert s.discounted_payback_months == pytest.approx(24 + 12 * remaining / (350 / 1.331))
    assert round(s.discounted_payback_months, 2) == 35.88


def test_payback_edge_cases():
    assert payback_months([-100.0, 50.0, 30.0]) is None  # still −20 at the end
    assert payback_months([0.0, 10.0, 10.0]) == 0.0  # never negative
    assert payback_months([0.0, 0.0]) is None  # nothing happens
    # a second investment makes the cumulative negative again: cumulative −100, 50, −50, 50;
    # it recovers for good in year 3: 24 + 12 × 50 / 100 = 30
    assert payback_months([-100.0, 150.0, -100.0, 100.0]) == 30.0


# --------------------------------------------------------------------------- IRR notes


def test_irr_note_for_a_tiny_initial_outlay():
    # initial outlay 10; later costs 1,000 a year: PV = 1,000 × 2.4868520 = 2,486.85;
    # 10 < 10 % × 2,486.85 → flagged. Net −10, +100, +100, +100 → IRR near 1,000 %.
    costs = pd.DataFrame(
        {"year": [0, 1, 2, 3], "category": "licences", "amount": [10.0] + [1000.0] * 3}
    )
    benefits = pd.DataFrame({"year": [1, 2, 3], "category": "sales", "amount": [1100.0] * 3})
    s = investment_summary(costs, benefits)
    assert s.irr > 9
    assert "initial outlay" in s.irr_note
    # with an initial outlay of 300 (12 % of 2,486.85) the IRR stands
    costs.loc[0, "amount"] = 300.0
    assert investment_summary(costs, benefits).irr_note is None


def test_irr_note_when_flows_start_positive():
    s = summary_of([100.0, -50.0, -60.0])
    assert "borrowing rate" in s.irr_note


# --------------------------------------------------------------------------- properties

conventional_flows = st.tuples(
    st.lists(st.floats(1.0, 1e6), min_size=1, max_size=3),
    st.lists(st.floats(1.0, 1e6), min_size=1, max_size=6),
)


@settings(max_examples=60, deadline=None)
@given(conventional_flows)
def test_property_npv_at_irr_is_zero(parts):
    outflows, inflows = parts
    net = [-v for v in outflows] + inflows
    assume(sum(net) > 1e-3 * sum(abs(v) for v in net))  # IRR > 0: a discount rate we accept
    s = summary_of(net)
    assert s.irr_note is None or "initial outlay" in s.irr_note
    assert s.irr > 0
    flows = present_values(
        cash_flows(*tables_from_net(net), horizon_years=len(net) - 1), discount_rate=s.irr
    )
    assert flows["pv_net"].sum() == pytest.approx(0.0, abs=1e-6 * sum(abs(v) for v in net))


@settings(max_examples=60, deadline=None)
@given(
    st.floats(1.0, 1e6),
    st.lists(st.one_of(st.just(0.0), st.floats(1.0, 1e6)), min_size=1, max_size=6),
    st.floats(0.0, 0.3),
)
def test_property_mirr_lies_between_rate_and_irr(outlay, inflows, rate):
    # One initial outlay C and inflows: (1 + MIRR)^n = FV(inflows at r) / C and, for IRR > r,
    # C(1 + IRR)^n = Σ in_t (1 + IRR)^(n−t) > FV(inflows at r) → r < MIRR < IRR.
    net = [-outlay, *inflows]
    assume(any(v > 0 for v in inflows))
    s = summary_of(net, rate=rate)
    assert s.mirr == pytest.approx(npf.mirr(net, rate, rate), rel=1e-12)
    assume(s.irr - rate > 1e-6)
    assert rate - 1e-9 <= s.mirr <= s.irr + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.0, 1e6), min_size=3, max_size=3),
    st.lists(st.floats(1.0, 1e6), min_size=3, max_size=3),
    st.floats(0.0, 0.3),
)
def test_property_breakeven_factor_zeroes_npv(cost_amounts, benefit_amounts, rate):
    costs = pd.DataFrame({"year": [0, 1, 2], "category": "c", "amount": cost_amounts})
    benefits = pd.DataFrame({"year": [1, 2, 3], "category": "b", "amount": benefit_amounts})
    factor = breakeven_benefit_factor(costs, benefits, discount_rate=rate)
    scaled = benefits.assign(amount=benefits["amount"] * factor)
    s = investment_summary(costs, scaled, discount_rate=rate)
    assert s.npv == pytest.approx(0.0, abs=1e-6 * (sum(cost_amounts) + sum(benefit_amounts)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=6))
def test_property_cumulative_net_is_zero_at_payback(net):
    months = payback_months(net)
    cumulative = np.cumsum(net)
    if months is None:
        assert cumulative[-1] < 0 or not np.any(net)
        return
    assert cumulative[-1] >= 0
    if months > 0:  # interpolate the cumulative net at the payback month: it is 0
        year = min(int(months // 12) + 1, len(net) - 1)
        at = cumulative[year - 1] + net[year] * (months - 12 * (year - 1)) / 12
        assert at == pytest.approx(0.0, abs=1e-6 * max(1.0, np.abs(net).sum()))


# --------------------------------------------------------------------------- structure


def test_cost_breakdown_by_phase_and_category():
    costs = TEI_COSTS.assign(phase=["implementation", "operation", None, "operation"])
    by_phase = cost_breakdown(costs, by="phase", discount_rate=0.10, horizon_years=3)
    # by hand: operation 100,000 (years 1 and 3), implementation 100,000, not stated 50,000;
    # ties are ordered by name
    assert by_phase["phase"].tolist() == ["implementation", "operation", "not stated"]
    assert by_phase["amount"].tolist() == [100_000.0, 100_000.0, 50_000.0]
    assert by_phase["share"].tolist() == pytest.approx([0.4, 0.4, 0.2])
    # present values: 100,000; 50,000/1.1 + 50,000/1.331 = 83,019.5341; 50,000/1.21
    assert by_phase["present_value"].tolist() == pytest.approx(
        [100_000, 50_000 / 1.1 + 50_000 / 1.331, 50_000 / 1.21]
    )
    assert by_phase["present_value"].sum() == pytest.approx(TEI_PV_COSTS, abs=1e-3)
    by_category = cost_breakdown(costs, by="category")
    assert by_category.columns.tolist() == [
        "category",
        "economic_use",
        "amount",
        "share",
        "present_value",
        "pv_share",
    ]
    assert by_category["economic_use"].tolist() == ["licences", "implementation services"]


def test_cost_breakdown_present_values_add_up_to_pv_costs_of_the_demo():
    from crmkit.demo.synth import generate_tables

    tables = generate_tables(scale=0.05)
    s = investment_summary(tables["costs"], tables["benefits"])
    for by in ("phase", "category", "economic_use"):
        out = cost_breakdown(tables["costs"], by=by)
        assert out["present_value"].sum() == pytest.approx(s.pv_costs)
        assert out["share"].sum() == pytest.approx(1.0)
        assert out["amount"].is_monotonic_decreasing
    table = summary_table(tables["costs"], tables["benefits"])
    assert table.loc["Net benefits", "Present value"] == pytest.approx(s.npv)
    assert table.loc["Net benefits", "Total"] == pytest.approx(s.net_benefits)


@pytest.mark.parametrize(
    ("category", "use"),
    [
        ("Software Licenses", "licences"),
        ("SaaS subscription", "licences"),
        ("licences", "licences"),
        ("Servers & hosting", "hardware"),
        ("SI partner / consulting", "implementation services"),
        ("Customisation", "implementation services"),
        ("End-user training", "training"),
        ("data_migration", "integration"),
        ("ERP interface", "integration"),
        ("Internal staff time", "internal staff"),
        ("internal staff training", "internal staff"),  # first rule in order wins
        ("Annual maintenance & support", "maintenance"),
        ("培训", "training"),
        ("软件许可", "licences"),
        ("Travel", "other"),
        (None, "other"),
    ],
)
def test_economic_use_mapping(category, use):
    assert economic_use(category) == use
    assert use in ECONOMIC_USES


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_range_is_0_4_times_category_pv_by_hand():
    costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [150.0]})
    benefits = pd.DataFrame({"year": [1, 2], "category": "sales", "amount": [110.0, 121.0]})
    out = sensitivity(costs, benefits, discount_rate=0.10, horizon_years=2)
    rows = out.set_index("driver")
    # sales PV = 110/1.1 + 121/1.21 = 100 + 100 = 200 → ±20 % moves NPV by ±40: range 80
    assert rows.loc["sales", "range"] == pytest.approx(0.4 * 200)
    assert rows.loc["sales", "npv_if_lower"] == pytest.approx(50 - 40)  # base NPV 200 − 150
    # licences PV = 150 (year 0) → range 0.4 × 150 = 60; a lower cost raises NPV
    assert rows.loc["licences", "range"] == pytest.approx(60)
    assert rows.loc["licences", "npv_if_lower"] == pytest.approx(50 + 30)
    # discount rate 5 % and 15 %: NPV = 110/1.05 + 121/1.05² − 150 = 64.5125 and
    # 110/1.15 + 121/1.15² − 150 = 37.1456
    assert rows.loc["discount rate", "high_npv"] == pytest.approx(110 / 1.05 + 121 / 1.05**2 - 150)
    assert rows.loc["discount rate", "low_npv"] == pytest.approx(110 / 1.15 + 121 / 1.15**2 - 150)
    assert out["driver"].tolist() == ["sales", "licences", "discount rate"]  # widest first
    assert out["range"].is_monotonic_decreasing


def test_sensitivity_rate_is_not_lowered_below_zero():
    costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [100.0]})
    benefits = pd.DataFrame({"year": [1], "category": "sales", "amount": [150.0]})
    out = sensitivity(costs, benefits, discount_rate=0.02, horizon_years=1).set_index("driver")
    assert out.loc["discount rate", "npv_if_lower"] == pytest.approx(50.0)  # at 0 %


# --------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_mean_converges_to_analytic_npv_with_symmetric_ranges():
    costs = TEI_COSTS  # no risk adjustment: costs are fixed
    benefits = TEI_BENEFITS.assign(risk_adjustment=0.25)  # symmetric triangle ±25 %
    result = monte_carlo(costs, benefits, discount_rate=0.10, horizon_years=3, n=20_000, seed=7)
    standard_error = result.npv_std / math.sqrt(result.n)
    # E[triangular(a(1 − r), a, a(1 + r))] = a → E[NPV] = unadjusted NPV = 143,951.92 (by hand)
    assert abs(result.npv_mean - TEI_NPV) < 4 * standard_error
    assert result.npv_p5 < result.npv_p50 < result.npv_p95


def test_monte_carlo_cost_overruns_have_mean_one_third_of_the_risk():
    costs = TEI_COSTS.assign(risk_adjustment=0.30)
    result = monte_carlo(costs, TEI_BENEFITS, n=20_000, seed=3)
    standard_error = result.npv_std / math.sqrt(result.n)
    # E[triangular(a, a, 1.3a)] = (a + a + 1.3a) / 3 = 1.1a → E[NPV] = 368,294.5154 −
    # 1.1 × 224,342.5995 = 121,517.6559
    assert abs(result.npv_mean - (TEI_PV_BENEFITS - 1.1 * TEI_PV_COSTS)) < 4 * standard_error


def test_monte_carlo_with_evidence_ranges_in_kpi_units():
    # a win-rate effect of +3 pp with interval [1 pp, 5 pp] scales the benefit by x / 3:
    # symmetric, so the mean NPV is the unadjusted NPV; a normal range likewise.
    for distribution in ("triangular", "normal"):
        ranges = pd.DataFrame(
            {
                "category": ["sales productivity"],
                "low": [1.0],
                "central": [3.0],
                "high": [5.0],
                "distribution": [distribution],
            }
        )
        result = monte_carlo(TEI_COSTS, TEI_BENEFITS, n=20_000, seed=11, benefit_ranges=ranges)
        assert abs(result.npv_mean - TEI_NPV) < 4 * result.npv_std / math.sqrt(result.n)
        assert result.p_npv_positive < 1.0  # at x = 1 pp the benefits are a third: NPV < 0
    # the normal's 95 % interval is [1, 5] pp → 2.5 % of draws below 1/3 of the benefits
    # (binomial band: ±4 × sqrt(0.025 × 0.975 / 20,000) = ±0.0044)
    low_third = (TEI_PV_BENEFITS / 3) - TEI_PV_COSTS
    assert np.mean(result.npv < low_third) == pytest.approx(0.025, abs=0.0044)


def test_monte_carlo_is_seeded_and_bounded():
    benefits = TEI_BENEFITS.assign(risk_adjustment=0.2)
    costs = TEI_COSTS.assign(risk_adjustment=0.1)
    a = monte_carlo(costs, benefits, n=2_000, seed=5)
    b = monte_carlo(costs, benefits, n=2_000, seed=5)
    c = monte_carlo(costs, benefits, n=2_000, seed=6)
    assert np.array_equal(a.npv, b.npv) and a.to_dict() == b.to_dict()
    assert not np.array_equal(a.npv, c.npv)
    assert 0.0 <= a.p_npv_positive <= 1.0
    # worst case: benefits × 0.8, costs × 1.1 → NPV = 0.8 × 368,294.52 − 1.1 × 224,342.60
    # = 47,858.75 > 0, so every draw is positive
    assert a.p_npv_positive == 1.0
    assert a.npv.min() >= 0.8 * TEI_PV_BENEFITS - 1.1 * TEI_PV_COSTS - 1e-6
    d = a.to_dict()
    for key in ("npv_p5", "npv_p50", "npv_p95", "roi_p5", "roi_p50", "roi_p95", "p_npv_positive"):
        assert isinstance(d[key], float)
    json.dumps(d, allow_nan=False)
    assert a.draws.shape == (2_000, 3)
    with pytest.raises(ValueError):
        a.npv[0] = 0.0  # read-only draws


def test_monte_carlo_roi_matches_npv_over_pv_costs_without_cost_risk():
    result = monte_carlo(TEI_COSTS, TEI_BENEFITS.assign(risk_adjustment=0.2), n=500, seed=1)
    assert np.allclose(result.roi, result.npv / TEI_PV_COSTS)


# --------------------------------------------------------------------------- validation


def test_validation_messages():
    with pytest.raises(ValueError, match="discount_rate must be a finite number ≥ 0"):
        investment_summary(TEI_COSTS, TEI_BENEFITS, discount_rate=-0.05)
    with pytest.raises(ValueError, match="risk_adjustment, rows 1"):
        investment_summary(TEI_COSTS, TEI_BENEFITS.assign(risk_adjustment=[0.1, 1.5, 0.1]))
    with pytest.raises(ValueError, match="risk_adjustment"):
        investment_summary(TEI_COSTS.assign(risk_adjustment=-0.1), TEI_BENEFITS)
    with pytest.raises(ValueError, match="column year, rows 0"):
        investment_summary(TEI_COSTS.assign(year=[-1, 1, 2, 3]), TEI_BENEFITS)
    with pytest.raises(ValueError, match="column year, rows 2"):
        investment_summary(TEI_COSTS, TEI_BENEFITS.assign(year=[1, 2, 2.5]))
    with pytest.raises(ValueError, match="column amount"):
        investment_summary(TEI_COSTS.assign(amount=[1.0, None, 1.0, 1.0]), TEI_BENEFITS)
    with pytest.raises(ValueError, match="missing column"):
        investment_summary(TEI_COSTS.drop(columns="amount"), TEI_BENEFITS)
    with pytest.raises(ValueError, match="horizon_years"):
        cash_flows(TEI_COSTS, TEI_BENEFITS, horizon_years=0)
    with pytest.raises(ValueError, match="roi_convention"):
        investment_summary(TEI_COSTS, TEI_BENEFITS, roi_convention="accounting")
    with pytest.raises(ValueError, match="not in benefits"):
        monte_carlo(
            TEI_COSTS,
            TEI_BENEFITS,
            n=10,
            benefit_ranges=pd.DataFrame(
                {"category": ["nope"], "low": [1.0], "central": [2.0], "high": [3.0]}
            ),
        )


def test_years_beyond_the_horizon_are_left_out_with_a_note():
    costs = pd.concat(
        [TEI_COSTS, pd.DataFrame({"year": [4], "category": ["licences"], "amount": [50_000.0]})],
        ignore_index=True,
    )
    s = investment_summary(costs, TEI_BENEFITS, horizon_years=3)
    assert s.npv == pytest.approx(TEI_NPV, abs=1e-3)
    assert len(s.notes) == 1 and "year(s) 4" in s.notes[0] and "costs" in s.notes[0]
    assert len(cash_flows(costs, TEI_BENEFITS, horizon_years=3)) == 4
