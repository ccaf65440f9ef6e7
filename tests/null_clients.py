"""Generated clients for the churn, CLV and benefit tests: constant purchase rates, known truth.

Every customer buys at a constant rate of their own (a Poisson process; rates vary between
customers as a gamma distribution) from the day they are created to the data's end: nobody
ever stops buying unless ``stop_hazard`` says so. First orders are staggered (a slow buyer's
first order comes long after their creation). Regions North and South got the CRM; West,
when present, is the control group. Effects, when asked for, start at go-live in the CRM
regions only.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment, Control, Window

START = dt.date(2023, 1, 1)
GO_LIVE = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 31)
CRM_REGIONS = ("North", "South")
CONTROL_REGION = "West"


def assessment(*, control: bool) -> Assessment:
    """Windows 2024 (before) and 2025 (after); West as control when ``control``."""
    return Assessment(
        "Null client",
        GO_LIVE,
        Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        Window(GO_LIVE, END),
        control=Control("region", (CONTROL_REGION,)) if control else None,
    )


def _day(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days


def constant_rate_client(
    seed: int,
    *,
    customers: int = 1500,
    control: bool = True,
    monthly_rate: float = 0.6,
    rate_shape: float = 1.0,
    rate_effect: float = 1.0,
    stop_hazard: float = 0.0,
    stop_in_control: bool = False,
) -> dict[str, pd.DataFrame]:
    """The ``customers`` and ``orders`` tables of one generated client.

    Parameters
    ----------
    seed : int
        Seed of the random generator.
    customers : int
        Customers created, uniformly over 2023-01-01 … 2025-11-30.
    control : bool
        Whether a third region (West, the control group) exists; a third of the customers.
    monthly_rate, rate_shape : float
        Purchase rates per month are gamma distributed with this mean and shape.
    rate_effect : float
        The purchase rate is multiplied by it from go-live in the CRM regions.
    stop_hazard : float
        Yearly hazard from go-live with which a CRM customer stops buying for good (true
        churn); 0: nobody stops.
    stop_in_control : bool
        Whether the control region's customers stop with the same hazard.
    """
    rng = np.random.default_rng(seed)
    n = customers
    first, go, stop = _day(START), _day(GO_LIVE), _day(END) + 1
    created = first + np.floor(rng.uniform(0, stop - 30 - first, n))
    regions = np.array(CRM_REGIONS + ((CONTROL_REGION,) if control else ()))
    region = regions[rng.integers(0, len(regions), n)]
    daily = rng.gamma(rate_shape, monthly_rate / rate_shape, n) / 30.4375
    crm = region != CONTROL_REGION
    gone = np.full(n, float(stop))
    stopping = crm | stop_in_control
    if stop_hazard > 0:
        gone[stopping] = go + rng.exponential(365.0 / stop_hazard, stopping.sum())
    segments = []
    for low, high, factor in (
        (created, np.minimum(np.maximum(created, go), stop), np.ones(n)),
        (np.maximum(created, go), gone, np.where(crm, rate_effect, 1.0)),
    ):
        length = np.maximum(high - low, 0.0)
        count = rng.poisson(daily * factor * length)
        owner = np.repeat(np.arange(n), count)
        day = low[owner] + rng.uniform(0, 1, owner.size) * length[owner]
        segments.append((owner, np.floor(day)))
    owner = np.concatenate([s[0] for s in segments])
    day = np.concatenate([s[1] for s in segments])
    order = np.lexsort((day, owner))
    owner, day = owner[order], day[order]
    ids = np.array([f"C{i:05d}" for i in range(n)])
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
            "order_id": [f"O{i:07d}" for i in range(owner.size)],
            "customer_id": ids[owner],
            "order_date": pd.to_datetime(epoch + day.astype("timedelta64[D]")),
            "amount": np.round(rng.lognormal(4.0, 0.8, owner.size), 2),
            "region": region[owner],
        }
    )
    return {"customers": customers_table, "orders": orders_table}
