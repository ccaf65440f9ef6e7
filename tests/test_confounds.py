"""An ageing customer base: detected on a real single-cohort log, not on the demo.

CDNOW (Fader & Hardie's master file, shipped in the ``lifetimes`` package): 23,570 customers
who all bought first in Q1 1997, orders to June 1998. The file is read with pandas; the
package itself is not imported.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmkit import kpis, measure
from crmkit.data.config import parse_params
from crmkit.demo.synth import demo_params, generate_tables
from crmkit.domains import confounds

_GO_LIVE = {"client": "Acme", "go_live_date": "2025-01-01"}


def _orders(first_orders: dict[str, str], later: dict[str, list[str]]) -> pd.DataFrame:
    """Orders: each customer's first order, then their later ones."""
    rows = [(c, d) for c, d in first_orders.items()]
    rows += [(c, d) for c, dates in later.items() for d in dates]
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["order_id"] = [f"O{i}" for i in range(len(frame))]
    frame["amount"] = 10.0
    return frame


def _cohort_client(in_cohort: int, outside: int, new_after: int, old_after: int) -> dict:
    """``in_cohort`` customers first buying in 2024Q1, ``outside`` split between 2024Q3 and Q4;
    in 2025, ``old_after`` of the 2024Q1 customers buy again and ``new_after`` join."""
    first = {f"Q1-{i}": "2024-02-10" for i in range(in_cohort)}
    first |= {f"Q3-{i}": "2024-08-10" for i in range(outside - outside // 2)}
    first |= {f"Q4-{i}": "2024-11-10" for i in range(outside // 2)}
    first |= {f"N-{i}": "2025-05-10" for i in range(new_after)}
    later = {f"Q1-{i}": ["2025-03-01"] for i in range(old_after)}
    return {"orders": _orders(first, later)}


@pytest.mark.parametrize(
    ("in_cohort", "outside", "ages"),
    [(50, 50, True), (49, 51, False), (100, 0, True)],  # the threshold: half the buyers
)
def test_the_dominant_cohort_threshold_is_one_half(in_cohort, outside, ages):
    assessment = parse_params(_GO_LIVE)
    age = confounds.base_age(_cohort_client(in_cohort, outside, 0, 20), assessment)
    assert age.dominant_cohort == "2024Q1"  # 49 beside 26 and 25 is still the largest
    assert age.dominant_cohort_share == pytest.approx(in_cohort / 100)
    assert age.new_customer_share == 0.0  # nobody new among the 20 buyers of 2025
    assert age.buyers_before == 100 and age.buyers_after == 20
    assert age.ages is ages


@pytest.mark.parametrize(
    ("new_after", "old_after", "ages"),
    [(9, 91, True), (10, 90, False)],  # a tenth of the after window's buyers new: not one cohort
)
def test_new_customers_joining_mean_the_base_does_not_only_age(new_after, old_after, ages):
    assessment = parse_params(_GO_LIVE)
    age = confounds.base_age(_cohort_client(100, 0, new_after, old_after), assessment)
    assert age.dominant_cohort_share == 1.0
    assert age.new_customer_share == pytest.approx(new_after / 100)
    assert age.ages is ages
    found = confounds.ageing_base(_cohort_client(100, 0, new_after, old_after), assessment)
    assert (found is not None) is ages


def test_created_date_dates_a_customer_acquired_before_the_data_start():
    # first recorded order in 2024Q1 for all, but the customers table knows they are older
    tables = _cohort_client(60, 40, 0, 20)
    created = pd.Timestamp("2019-01-01") + pd.to_timedelta(np.arange(100) * 15, unit="D")
    ids = tables["orders"].drop_duplicates("customer_id")["customer_id"].to_numpy()
    tables["customers"] = pd.DataFrame({"customer_id": ids, "created_date": created})
    age = confounds.base_age(tables, parse_params(_GO_LIVE))
    assert age.dominant_cohort_share <= 7 / 100  # 15 days apart: at most 7 in a 92-day quarter
    assert not age.ages


def test_with_a_control_group_there_is_no_ageing_confound():
    assessment = parse_params({**_GO_LIVE, "control": {"column": "region", "values": ["West"]}})
    assert confounds.base_age(_cohort_client(100, 0, 0, 20), assessment).ages
    assert confounds.ageing_base(_cohort_client(100, 0, 0, 20), assessment) is None


def test_no_buyer_before_go_live_gives_no_figures():
    assessment = parse_params(_GO_LIVE)
    tables = {"orders": _orders({"A": "2025-02-01"}, {})}
    assert confounds.base_age(tables, assessment) is None
    assert confounds.ageing_base(tables, assessment) is None


def test_the_age_sensitive_kpis_are_in_the_catalog():
    assert set(kpis.AGE_SENSITIVE) <= {k.name for k in kpis.CATALOG}


def test_the_demo_has_many_cohorts_and_does_not_age():
    tables = generate_tables(scale=0.1)
    assessment = parse_params(demo_params())
    alone = dataclasses.replace(assessment, control=None)
    age = confounds.base_age(tables, alone)
    assert age.dominant_cohort_share < 0.5 and age.new_customer_share > 0.1
    assert not age.ages
    assert confounds.ageing_base(tables, alone) is None
    assert confounds.ageing_base(tables, assessment) is None  # and it has a control region


def _cdnow_file() -> Path | None:
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "CDNOW_master.txt"
    return path if path.exists() else None


@pytest.fixture(scope="module")
def cdnow() -> dict[str, pd.DataFrame]:
    path = _cdnow_file()
    if path is None:
        pytest.skip("the CDNOW master file (lifetimes package) is not installed")
    raw = pd.read_csv(
        path,
        sep=r"\s+",
        header=0,
        names=["customer_id", "date", "quantity", "amount"],
        dtype={"customer_id": str, "date": str},
    )
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(raw))],
            "customer_id": raw["customer_id"],
            "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "amount": raw["amount"].astype(float),
            "quantity": raw["quantity"].astype("int64"),
        }
    )
    return {"orders": orders}


def test_cdnow_is_one_ageing_cohort(cdnow):
    assessment = parse_params({"client": "CDNOW", "go_live_date": "1997-10-01"})
    age = confounds.base_age(cdnow, assessment)
    # published: all 23,570 customers made their first purchase in Q1 1997
    assert age.dominant_cohort == "1997Q1" and age.dominant_cohort_share == 1.0
    assert age.buyers_before == 23_570 and age.new_customer_share == 0.0
    found = confounds.ageing_base(cdnow, assessment)
    assert found["dominant_cohort"] == "1997Q1" and found["new_customer_share"] == 0.0
    # orders alone: the KPIs that need customers (churn, CLV, frequency) are not measured
    assert found["kpis"] == [
        "revenue_monthly",
        "average_order_value",
        "units_per_order",
        "orders_per_buyer",
        "repeat_purchase_rate",
        "purchase_interval_days",
        "spend_per_customer",
    ]


def test_cdnow_customer_behaviour_kpis_are_not_claimed(cdnow):
    assessment = parse_params({"client": "CDNOW", "go_live_date": "1997-10-01"})
    results = measure.measure_kpis(cdnow, assessment)
    measured = results.loc[results["status"] == "measured"]
    # every KPI orders alone can give is customer behaviour, even the size of an order
    assert set(measured.index) <= set(kpis.AGE_SENSITIVE)
    assert (measured["guard"] == "confounded_ageing").all()
    orders = cdnow["orders"]
    spend = [  # revenue / buying customers in each window, by hand with pandas
        orders.loc[orders["order_date"].between(start, end)].groupby("customer_id")["amount"].sum()
        for start, end in (("1996-10-01", "1997-09-30"), ("1997-10-01", "1998-09-30"))
    ]
    row = results.loc["spend_per_customer"]
    assert row["before"] == pytest.approx(spend[0].mean())
    assert row["change_pct"] == pytest.approx(spend[1].mean() / spend[0].mean() - 1)
    assert row["verdict"] == "improved"  # the comparison stands; only the claim is withheld
    # 35 KPIs, of which orders alone give 7 (revenue, order value, units, orders per buyer,
    # repeat rate, interval, spend): the other 28 are not measured, none "too little data"
    assert (results["verdict"] == "not measured").sum() == 28
    assert (results["verdict"] == "insufficient data").sum() == 0
