"""Placebo go-lives for every KPI verdict (crmkit.measure.placebo_kpis).

The hand calculation writes out one KPI's placebo effects on a six-month table; the
simulations generate clients in the manner of tests/null_clients.py with a long history
(go-live after five years of orders) and check the gated verdicts.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from crmkit import kpis, measure
from crmkit.data.config import Assessment, Stats, Window
from crmkit.measure.placebo_kpis import KpiPlaceboStatus, kpi_placebo, placebo_block

START = dt.date(2020, 1, 1)
GO_LIVE = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 31)


def _day(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days


def long_client(
    seed: int, *, customers: int = 1500, rate_effect: float = 1.0, monthly_rate: float = 0.6
) -> tuple[dict[str, pd.DataFrame], Assessment]:
    """Customers buying at constant gamma-distributed rates from 2020 to 2025, no control group.

    Customers are created uniformly over 2020-01 … 2025-11 (the base ages, as in
    tests/null_clients.py); from go-live 2025-01-01 the purchase rate of the customers of
    North and South is multiplied by ``rate_effect`` (West keeps its rate; no control group
    is declared, so all three regions count as CRM regions).
    """
    rng = np.random.default_rng(seed)
    n = customers
    first, go, stop = _day(START), _day(GO_LIVE), _day(END) + 1
    created = first + np.floor(rng.uniform(0, stop - 30 - first, n))
    region = np.array(["North", "South", "West"])[rng.integers(0, 3, n)]
    daily = rng.gamma(1.0, monthly_rate, n) / 30.4375
    factor = np.where(region != "West", rate_effect, 1.0)
    owners, days = [], []
    for low, high, scale in (
        (created, np.maximum(created, go), np.ones(n)),
        (np.maximum(created, go), np.full(n, float(stop)), factor),
    ):
        length = np.maximum(np.minimum(high, stop) - low, 0.0)
        count = rng.poisson(daily * scale * length)
        owner = np.repeat(np.arange(n), count)
        owners.append(owner)
        days.append(np.floor(low[owner] + rng.uniform(0, 1, owner.size) * length[owner]))
    owner, day = np.concatenate(owners), np.concatenate(days)
    order = np.lexsort((day, owner))
    owner, day = owner[order], day[order]
    ids = np.array([f"C{i:06d}" for i in range(n)])
    epoch = np.datetime64("1970-01-01", "D")
    customers_table = pd.DataFrame(
        {
            "customer_id": ids,
            "created_date": pd.to_datetime(epoch + created.astype("timedelta64[D]")),
            "region": region,
        }
    )
    orders_table = pd.DataFrame(
        {
            "order_id": [f"O{i:08d}" for i in range(owner.size)],
            "customer_id": ids[owner],
            "order_date": pd.to_datetime(epoch + day.astype("timedelta64[D]")),
            "amount": np.round(rng.lognormal(4.0, 0.8, owner.size), 2),
            "region": region[owner],
        }
    )
    assessment = Assessment(
        "Long client", GO_LIVE, Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        Window(GO_LIVE, END),
    )  # fmt: skip
    return {"customers": customers_table, "orders": orders_table}, assessment
