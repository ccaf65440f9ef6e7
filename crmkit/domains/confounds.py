"""Confounds of a before/after comparison: a customer base that only ages.

In one acquisition cohort (every customer bought first in the same few months) purchase
activity falls with the customers' age whatever the CRM does: the first months after
acquisition are the busiest, then customers buy less or stop. A before/after comparison
without a control group then reads the base's age as the CRM's effect (purchase frequency
"worsened", churn "improved" because those who lapsed early are gone). A control group of the
same age removes it; without one, the customer-behaviour KPIs of :data:`crmkit.kpis.AGE_SENSITIVE`
carry the guard :attr:`crmkit.data.guards.Guard.CONFOUNDED_AGEING`.

The check (:func:`base_age`)
----------------------------
A customer's acquisition date is the earlier of ``customers.created_date`` (where the
customers table has it) and their first order anywhere in the orders table; the cohort is
the calendar quarter of that date.

- ``dominant_cohort_share``: of the customers who bought in the before window, the share in
  the largest cohort;
- ``new_customer_share``: of the customers who bought in the after window, the share
  acquired in the after window itself.

The base ages (:attr:`BaseAge.ages`) when the dominant cohort holds at least
:data:`DOMINANT_COHORT_SHARE` (half) of the before window's buyers **and** fewer than
:data:`NEW_CUSTOMER_SHARE` (a tenth) of the after window's buyers are new. The second
condition keeps an export that merely starts at the beginning of the before window from
looking like one cohort: there, every established customer's first *recorded* order falls in
the first quarter of the data, but new customers keep joining; in a true single cohort
(CDNOW: 23,570 customers, all acquired in Q1 1997) none join afterwards.

Nothing here prints; the words are in :mod:`crmkit.words.narrative`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment

__all__ = [
    "DOMINANT_COHORT_SHARE",
    "NEW_CUSTOMER_SHARE",
    "BaseAge",
    "ageing_base",
    "base_age",
]

#: The before window's buyers are one cohort when the largest holds at least this share.
DOMINANT_COHORT_SHARE = 0.5
#: Few new customers join when less than this share of the after window's buyers are new.
NEW_CUSTOMER_SHARE = 0.1


@dataclass(frozen=True)
class BaseAge:
    """How the buying customers of the two windows are spread over acquisition cohorts.

    Attributes
    ----------
    dominant_cohort : str
        The largest acquisition quarter among the before window's buyers, e.g. "1997Q1".
    dominant_cohort_share : float
        Its share of the before window's buyers (fraction).
    new_customer_share : float
        Share of the after window's buyers acquired in the after window (fraction); NaN
        when nobody bought after go-live.
    buyers_before, buyers_after : int
        Customers with at least one order in each window.
    """

    dominant_cohort: str
    dominant_cohort_share: float
    new_customer_share: float
    buyers_before: int
    buyers_after: int

    @property
    def ages(self) -> bool:
        """True when the base is one cohort that only ages (see the module docstring)."""
        few_new = not self.new_customer_share >= NEW_CUSTOMER_SHARE  # NaN: nobody new either
        return self.dominant_cohort_share >= DOMINANT_COHORT_SHARE and few_new


def _acquired(tables: Mapping[str, pd.DataFrame]) -> pd.Series:
    """Each customer's acquisition date: the earlier of created_date and the first order."""
    orders = tables["orders"]
    known = orders.loc[orders["order_date"].notna()]
    first = known.groupby(known["customer_id"].astype("str"))["order_date"].min()
    first = first.astype("datetime64[ns]")
    customers = tables.get("customers")
    if customers is not None and {"customer_id", "created_date"} <= set(customers.columns):
        created = customers.loc[customers["created_date"].notna()]
        created = (
            created.groupby(created["customer_id"].astype("str"))["created_date"]
            .min()
            .astype("datetime64[ns]")
        )
        first = pd.concat([first, created], axis=1).min(axis=1)
    return first


def base_age(tables: Mapping[str, pd.DataFrame], assessment: Assessment) -> BaseAge | None:
    """The acquisition cohorts of the two windows' buyers (see the module docstring).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables; ``orders`` is needed, ``customers`` is used when it
        has ``created_date``.
    assessment : Assessment
        Supplies the before and after windows. All customers count (the check matters only
        without a control group).

    Returns
    -------
    BaseAge or None
        None without orders or without a buyer in the before window.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1),
    ...     dt.date(2024, 12, 31)), Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> orders = pd.DataFrame({"customer_id": ["A", "B", "C", "A", "B"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-07-01",
    ...                                   "2025-03-01", "2025-04-01"]),
    ...     "order_id": list("12345"), "amount": 1.0})
    >>> age = base_age({"orders": orders}, a)
    >>> age.dominant_cohort, round(age.dominant_cohort_share, 3), age.new_customer_share, age.ages
    ('2024Q1', 0.667, 0.0, True)
    """
    orders = tables.get("orders")
    if orders is None or orders.empty:
        return None
    acquired = _acquired(tables)
    ids = orders["customer_id"].astype("str")
    buyers = [
        pd.Index(ids.loc[window.contains(orders["order_date"])].unique())
        for window in (assessment.before, assessment.after)
    ]
    if buyers[0].empty:
        return None
    cohorts = acquired.reindex(buyers[0]).dt.to_period("Q").value_counts()
    after_acquired = acquired.reindex(buyers[1])
    new = assessment.after.contains(after_acquired) if len(buyers[1]) else np.array([], bool)
    return BaseAge(
        dominant_cohort=str(cohorts.index[0]),
        dominant_cohort_share=float(cohorts.iloc[0] / len(buyers[0])),
        new_customer_share=float(np.mean(new)) if len(buyers[1]) else float("nan"),
        buyers_before=len(buyers[0]),
        buyers_after=len(buyers[1]),
    )


def ageing_base(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> dict[str, Any] | None:
    """``impact.ageing_base`` of results.json: why the customer base ages, or None.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    assessment : Assessment
        Windows and control group.

    Returns
    -------
    dict or None
        None with a control group (it ages alike and cancels the confound), without orders,
        or when the base does not age (:attr:`BaseAge.ages`). Else ``dominant_cohort``,
        ``dominant_cohort_share``, ``new_customer_share`` (fractions; null when nobody
        bought after go-live), ``buyers_before``, ``buyers_after`` and ``kpis``: the names
        of the customer-behaviour KPIs (:data:`crmkit.kpis.AGE_SENSITIVE`) the tables let
        the assessment measure, whose before/after change this confounds.
    """
    if assessment.control is not None:
        return None
    age = base_age(tables, assessment)
    if age is None or not age.ages:
        return None
    affected = [
        name for name in kpis.AGE_SENSITIVE if kpis.available(kpis.get_kpi(name), tables) is None
    ]
    share = age.new_customer_share
    return {
        "dominant_cohort": age.dominant_cohort,
        "dominant_cohort_share": age.dominant_cohort_share,
        "new_customer_share": share if np.isfinite(share) else None,
        "buyers_before": age.buyers_before,
        "buyers_after": age.buyers_after,
        "kpis": affected,
    }
