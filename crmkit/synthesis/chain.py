"""The cause-and-effect chain between the scorecard's perspectives, tested where data allow.

A balanced scorecard claims that learning and growth (adoption, user satisfaction) drives the
internal processes (response and cycle times, win rate), which drive the customer's view
(satisfaction, loyalty, repeat purchase), which drives the financial results. :data:`LINKS`
states each link as data: a cause KPI, an effect KPI (catalog names) and the unit across
which the two can be observed together.

How a link is tested
--------------------
For each unit (a sales rep: ``user_id`` in usage and the user survey, ``rep_id`` in orders and
opportunities; or a region: ``region`` of orders, opportunities and customers, and of tickets
and surveys through their customer), both KPIs are measured before and after go-live on that
unit's rows alone, the control group included (units without the CRM add the variation a
correlation needs). Across the units with both changes, the Pearson correlation r between
the cause's change and the effect's change, its p-value (two-sided, t test on n − 2 degrees
of freedom) and a Fisher-z interval: tanh(atanh(r) ± z₁₋α/₂ / √(n − 3)).

The link is *supported* when p < alpha and r has the expected sign (positive when both KPIs
are better in the same direction, negative when one is better higher and the other lower);
*not supported* otherwise; *not testable* with a :class:`ChainReason` when a table is absent,
a KPI is measured by its domain (no per-unit value), a table has no unit key, or fewer than
four units have both changes. A correlation across units is evidence of association, not of
cause.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.data.config import Assessment
from crmkit.kpis import KPI, available, get_kpi, kpi_value, observe_windows
from crmkit.synthesis.benchmarks import plain

__all__ = [
    "CHAIN_COLUMNS",
    "LINKS",
    "MIN_UNITS",
    "UNIT_COLUMNS",
    "ChainReason",
    "Link",
    "LinkStatus",
    "correlation_interval",
    "chain_results",
    "evaluate_chain",
    "unit_changes",
]

#: Fewest units with both changes for a correlation (the Fisher-z interval needs n > 3).
MIN_UNITS = 4

#: The columns of :func:`evaluate_chain`, as results.json ``scorecard.chain`` records them.
CHAIN_COLUMNS = (
    "cause",
    "effect",
    "cause_label",
    "effect_label",
    "unit",
    "n",
    "r",
    "ci_low",
    "ci_high",
    "p_value",
    "status",
    "reason",
)

#: Per kind of unit, the column of each table that names it (tables with ``customer_id`` also
#: reach a region through the customers table).
UNIT_COLUMNS: Mapping[str, Mapping[str, str]] = {
    "rep": {"usage": "user_id", "user_survey": "user_id", "orders": "rep_id",
            "opportunities": "rep_id"},
    "region": {"orders": "region", "opportunities": "region", "customers": "region"},
}  # fmt: skip


class LinkStatus(StrEnum):
    """What the data say about one link of the chain."""

    SUPPORTED = "supported"
    NOT_SUPPORTED = "not supported"
    NOT_TESTABLE = "not testable"


class ChainReason(StrEnum):
    """Why a link is not supported or not testable (None when supported)."""

    #: A table the link needs is absent.
    NO_DATA = "no_data"
    #: A KPI is measured by its domain as a whole, so it has no value per unit.
    NOT_PER_UNIT = "not_per_unit"
    #: A table of the link has no column naming the unit.
    NO_UNIT_KEY = "no_unit_key"
    #: Fewer than :data:`MIN_UNITS` units have both changes.
    TOO_FEW_UNITS = "too_few_units"
    #: The correlation is within chance (p ≥ alpha).
    NOT_SIGNIFICANT = "not_significant"
    #: The correlation is significant but of the unexpected sign.
    WRONG_SIGN = "wrong_sign"


@dataclass(frozen=True)
class Link:
    """One link of the chain: a change in ``cause`` should move ``effect``, across ``unit``."""

    cause: str
    effect: str
    unit: str


#: The chain, from learning and growth up to the financial results.
LINKS: tuple[Link, ...] = (
    # learning and growth → internal process
    Link("sessions_per_active_user", "win_rate", "rep"),
    Link("sessions_per_active_user", "opportunities_per_rep", "rep"),
    Link("features_per_active_user", "sales_cycle_days", "rep"),
    Link("user_satisfaction", "revenue_per_rep", "rep"),
    # internal process → customer
    Link("win_rate", "purchase_frequency", "region"),
    Link("first_response_hours", "ticket_satisfaction", "region"),
    Link("resolution_hours", "complaints_per_1000_orders", "region"),
    # customer → financial
    Link("ticket_satisfaction", "revenue_monthly", "region"),
    Link("purchase_frequency", "revenue_monthly", "region"),
    Link("churn_rate_annual", "revenue_monthly", "region"),
)


def correlation_interval(
    x: np.ndarray | pd.Series, y: np.ndarray | pd.Series, *, level: float = 0.95
) -> tuple[int, float, float, float, float]:
    """Pearson's r between ``x`` and ``y`` with its Fisher-z interval and p-value.

    Parameters
    ----------
    x, y : array-like
        Paired values; pairs with a missing value are left out.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    tuple
        ``(n, r, ci_low, ci_high, p_value)``: the pairs used, r, the interval
        tanh(atanh(r) ± z / √(n − 3)) and the two-sided p-value of r = 0 (t test on n − 2
        degrees of freedom). NaN for all but n when n < 4 or either variable is constant.

    Examples
    --------
    >>> n, r, low, high, p = correlation_interval([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> n, round(r, 3), round(low, 3), round(high, 3), round(p, 3)
    (5, 0.8, -0.28, 0.986, 0.104)
    """
    a = pd.to_numeric(pd.Series(np.asarray(x, dtype="float64")), errors="coerce").to_numpy()
    b = pd.to_numeric(pd.Series(np.asarray(y, dtype="float64")), errors="coerce").to_numpy()
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = int(len(a))
    nan = float("nan")
    if n < MIN_UNITS or np.ptp(a) == 0 or np.ptp(b) == 0:
        return n, nan, nan, nan, nan
    r = float(np.corrcoef(a, b)[0, 1])
    r = min(max(r, -1.0), 1.0)
    if abs(r) == 1.0:
        return n, r, r, r, 0.0
    t = r * math.sqrt((n - 2) / (1 - r * r))
    p_value = float(2 * stats.t.sf(abs(t), n - 2))
    z = math.atanh(r)
    half = float(stats.norm.ppf(0.5 + level / 2)) / math.sqrt(n - 3)
    return n, r, math.tanh(z - half), math.tanh(z + half), p_value


def _unit_tables(
    tables: Mapping[str, pd.DataFrame], names: tuple[str, ...], unit: str
) -> dict[str, pd.Series] | ChainReason:
    """Each needed table's unit per row, or why the tables cannot be split by unit."""
    columns = UNIT_COLUMNS[unit]
    out: dict[str, pd.Series] = {}
    for name in names:
        frame = tables[name]
        column = columns.get(name)
        if column is not None and column in frame.columns:
            out[name] = frame[column]
        elif (
            unit == "region"
            and "customer_id" in frame.columns
            and "customers" in tables
            and "region" in tables["customers"].columns
        ):
            regions = tables["customers"].drop_duplicates("customer_id").set_index("customer_id")
            out[name] = frame["customer_id"].map(regions["region"])
        else:
            return ChainReason.NO_UNIT_KEY
    return out


def _rows_by_unit(key: pd.Series) -> dict[str, np.ndarray]:
    """The row positions of each unit named in ``key`` (by its text; missing units left out).

    Examples
    --------
    >>> {unit: rows.tolist() for unit, rows in _rows_by_unit(pd.Series(["b", "a", None, "b"])).items()}
    {'b': [0, 3], 'a': [1]}
    """
    codes, units = pd.factorize(key.astype("string"))
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(units) + 1))
    return {str(unit): order[starts[i] : starts[i + 1]] for i, unit in enumerate(units)}


def unit_changes(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi: KPI | str, *, unit: str
) -> pd.Series | ChainReason:
    """A KPI's change (after − before) per unit, measured on each unit's rows alone.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    assessment : Assessment
        Supplies the windows; the control group is kept (its units count as units).
    kpi : KPI or str
        The KPI (or its catalog name).
    unit : {'rep', 'region'}
        The kind of unit (:data:`UNIT_COLUMNS`).

    Returns
    -------
    Series or ChainReason
        Index unit, values the change (NaN where a window has no value); or the reason no
        change per unit exists.
    """
    kpi = kpi if isinstance(kpi, KPI) else get_kpi(kpi)
    if kpi.observe is None:
        return ChainReason.NOT_PER_UNIT
    if available(kpi, tables) is not None:
        return ChainReason.NO_DATA
    keys = _unit_tables(tables, kpi.tables, unit)
    if isinstance(keys, ChainReason):
        return keys
    everyone = dataclasses.replace(assessment, control=None)
    rows_by_unit = {table: _rows_by_unit(key) for table, key in keys.items()}
    names = sorted({name for rows in rows_by_unit.values() for name in rows})
    nothing = np.empty(0, dtype=np.intp)
    changes = {}
    for name in names:
        own = dict(tables)
        for table, rows in rows_by_unit.items():
            own[table] = tables[table].take(rows.get(name, nothing))
        observed = observe_windows(own, everyone, [kpi])[kpi.name]
        if isinstance(observed, str):
            changes[name] = float("nan")
            continue
        before, after = (kpi_value(kpi, obs) for obs in observed)
        changes[name] = after - before
    return pd.Series(changes, dtype="float64", name=kpi.name).rename_axis(unit)


def evaluate_chain(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    *,
    links: tuple[Link, ...] = LINKS,
) -> pd.DataFrame:
    """Test each link of the chain across units (see the module's notes).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    assessment : Assessment
        Supplies the windows and ``stats.alpha``.
    links : tuple of Link, default :data:`LINKS`

    Returns
    -------
    DataFrame
        One row per link, in the order given, columns :data:`CHAIN_COLUMNS`: ``cause``,
        ``effect`` (KPI names), their labels, ``unit``, ``n`` (units with both changes),
        ``r``, ``ci_low``, ``ci_high``, ``p_value`` (NaN when not testable), ``status``
        (:class:`LinkStatus`) and ``reason`` (:class:`ChainReason`, None when supported).
    """
    alpha = assessment.stats.alpha
    cache: dict[tuple[str, str], pd.Series | ChainReason] = {}
    rows = []
    for link in links:
        cause, effect = get_kpi(link.cause), get_kpi(link.effect)
        for kpi in (cause, effect):
            if (kpi.name, link.unit) not in cache:
                cache[kpi.name, link.unit] = unit_changes(tables, assessment, kpi, unit=link.unit)
        x, y = cache[cause.name, link.unit], cache[effect.name, link.unit]
        row = {
            "cause": cause.name,
            "effect": effect.name,
            "cause_label": cause.label,
            "effect_label": effect.label,
            "unit": link.unit,
        }
        reason = next((v for v in (x, y) if isinstance(v, ChainReason)), None)
        if reason is None:
            joined = pd.concat([x, y], axis=1, join="inner").to_numpy(dtype="float64")
            n, r, low, high, p = correlation_interval(joined[:, 0], joined[:, 1])
        else:
            n, r, low, high, p = 0, *[float("nan")] * 4
        if reason is None and not math.isfinite(r):
            reason = ChainReason.TOO_FEW_UNITS
        if reason is not None:
            status = LinkStatus.NOT_TESTABLE
        else:
            expected = 1.0 if cause.direction == effect.direction else -1.0
            if p < alpha and r * expected > 0:
                status = LinkStatus.SUPPORTED
            else:
                status = LinkStatus.NOT_SUPPORTED
                reason = ChainReason.NOT_SIGNIFICANT if p >= alpha else ChainReason.WRONG_SIGN
        rows.append(
            {**row, "n": n, "r": r, "ci_low": low, "ci_high": high, "p_value": p,
             "status": status, "reason": reason}
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(CHAIN_COLUMNS))
    for column in ("status", "reason"):
        frame[column] = pd.Series([row[column] for row in rows], index=frame.index, dtype=object)
    return frame


def chain_results(chain: pd.DataFrame) -> list[dict[str, Any]]:
    """The results.json list ``scorecard.chain``: one dict of :data:`CHAIN_COLUMNS` per link.

    Missing numbers are None; ``status`` and ``reason`` are their strings.
    """
    return [{column: plain(row[column]) for column in CHAIN_COLUMNS} for _, row in chain.iterrows()]
