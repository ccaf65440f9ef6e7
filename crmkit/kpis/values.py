"""What a KPI's observations amount to, and whether the tables allow them at all."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import pandas as pd

from crmkit.data.config import Assessment
from crmkit.kpis.catalog import CATALOG, get_kpi
from crmkit.kpis.definition import KPI, Tables
from crmkit.stats.impact.notes import ColumnEmpty, ColumnsAbsent, TablesAbsent


def display_unit(kpi: KPI, currency: str) -> str:
    """The KPI's unit as a reader sees it, "currency" replaced by the client's currency.

    Examples
    --------
    >>> display_unit(get_kpi("revenue_monthly"), "CNY")
    'CNY per month'
    """
    return kpi.unit.replace("currency", currency)


def _gaps(
    kpi: KPI, tables: Mapping[str, pd.DataFrame] | Collection[str]
) -> tuple[list[str], dict[str, list[str]], list[tuple[str, str]]]:
    """What ``kpi`` lacks: absent tables; absent columns by table; columns without values."""
    missing = [t for t in kpi.tables if t not in tables]
    if missing or not isinstance(tables, Mapping):
        return missing, {}, []
    absent: dict[str, list[str]] = {}
    for t, c in kpi.columns:
        if c not in tables[t]:
            absent.setdefault(t, []).append(c)
    if absent:
        return [], absent, []
    empty = [(t, c) for t, c in kpi.columns if len(tables[t]) and tables[t][c].isna().all()]
    return [], {}, empty


def data_gap(
    kpi: KPI, tables: Mapping[str, pd.DataFrame] | Collection[str]
) -> TablesAbsent | ColumnsAbsent | ColumnEmpty | None:
    """What ``kpi`` lacks in ``tables`` as a typed fact, or None when it can be computed.

    The words layer says the fact in the report's language; its ``english()`` is
    :func:`available`'s reason and its ``files()`` is :func:`needs`.

    Examples
    --------
    >>> data_gap(get_kpi("complaints_per_1000_orders"), ["orders"])
    TablesAbsent(tables=('tickets',))
    """
    missing, absent, empty = _gaps(kpi, tables)
    if missing:
        return TablesAbsent(tables=tuple(missing))
    if absent:
        return ColumnsAbsent(columns=tuple((t, tuple(cs)) for t, cs in absent.items()))
    if empty:
        t, c = empty[0]
        return ColumnEmpty(table=t, column=c)
    return None


_FILE = re.compile(r"(?P<table>\w+)\.csv")
_COLUMNS_OF = re.compile(r"columns? (?P<columns>\w+(?:, \w+)*) of (?P<table>\w+)\.csv")
_VALUES_OF = re.compile(r"values in column (?P<column>\w+) of (?P<table>\w+)\.csv")


def read_needs(text: object) -> TablesAbsent | ColumnsAbsent | ColumnEmpty | None:
    """The fact a ``needs`` text of results.json states (:func:`needs`); None for another.

    A fact is returned only when its ``files()`` is ``text`` exactly.

    Examples
    --------
    >>> read_needs("tickets.csv and customers.csv")
    TablesAbsent(tables=('tickets', 'customers'))
    >>> read_needs("column rep_id of orders.csv")
    ColumnsAbsent(columns=(('orders', ('rep_id',)),))
    >>> read_needs("the data it needs") is None
    True
    """
    if not isinstance(text, str) or not text:
        return None
    fact: TablesAbsent | ColumnsAbsent | ColumnEmpty | None = None
    parts = text.split(" and ")
    if (empty := _VALUES_OF.fullmatch(text)) is not None:
        fact = ColumnEmpty(table=empty["table"], column=empty["column"])
    elif all(_FILE.fullmatch(p) for p in parts):
        fact = TablesAbsent(tables=tuple(p.removesuffix(".csv") for p in parts))
    else:
        matches = [_COLUMNS_OF.fullmatch(p) for p in parts]
        if all(m is not None for m in matches):
            fact = ColumnsAbsent(
                columns=tuple((m["table"], tuple(m["columns"].split(", "))) for m in matches if m)
            )
    return fact if fact is not None and fact.files() == text else None


def available(kpi: KPI, tables: Mapping[str, pd.DataFrame] | Collection[str]) -> str | None:
    """Why ``kpi`` cannot be computed from ``tables``, or None when it can.

    Parameters
    ----------
    kpi : KPI
    tables : mapping of str to DataFrame, or collection of str
        The tables present. Given only names, columns cannot be checked.

    Returns
    -------
    str or None
        E.g. "needs tickets", "needs tickets and orders", "needs column quantity in orders",
        "needs values in column quantity of orders" (the column is there but empty): the
        English of :func:`data_gap`'s fact.

    Examples
    --------
    >>> available(get_kpi("complaints_per_1000_orders"), ["orders"])
    'needs tickets'
    """
    gap = data_gap(kpi, tables)
    return None if gap is None else gap.english()


def needs(kpi: KPI, tables: Mapping[str, pd.DataFrame] | Collection[str]) -> str | None:
    """The data that would let ``kpi`` be measured, named as the client provides it.

    The ``needs`` of a "not measured" KPI in results.json: the files (``<table>.csv``, the
    name ``crmkit init`` gives them; ``.xlsx`` and ``.parquet`` do as well) or columns absent.

    Returns
    -------
    str or None
        E.g. "tickets.csv", "tickets.csv and orders.csv", "column is_complaint of
        tickets.csv", "columns nps, csat of surveys.csv", "values in column quantity of
        orders.csv"; None when nothing is missing.

    Examples
    --------
    >>> needs(get_kpi("complaints_per_1000_orders"), ["orders"])
    'tickets.csv'
    >>> import pandas as pd
    >>> needs(get_kpi("units_per_order"), {"orders": pd.DataFrame(columns=["order_id"])})
    'column quantity of orders.csv'
    """
    gap = data_gap(kpi, tables)
    return None if gap is None else gap.files()


def kpi_value(kpi: KPI, observations: Any) -> float:
    """The KPI's value from its observations: the one definition used everywhere.

    Parameters
    ----------
    kpi : KPI
    observations
        What ``kpi.observe`` returned.

    Returns
    -------
    float
        mean: the mean; median: the median; proportion: successes / n; rate: events /
        exposure × per; paired: the mean over units; series: the mean over months (for a
        ``sum`` series the monthly level, e.g. revenue per month). NaN when there is nothing
        to compute it from (no observation, n = 0, exposure = 0).

    Examples
    --------
    >>> from crmkit.kpis.definition import Proportion, Rate
    >>> kpi_value(get_kpi("win_rate"), Proportion(successes=1, n=4))
    0.25
    >>> kpi_value(get_kpi("complaints_per_1000_orders"), Rate(3, 200, per=1000))
    15.0
    """
    if kpi.kind == "proportion":
        return observations.successes / observations.n if observations.n else float("nan")
    if kpi.kind == "rate":
        if not observations.exposure:
            return float("nan")
        return observations.events / observations.exposure * observations.per
    values = pd.Series(observations, dtype="float64").dropna()
    if values.empty:
        return float("nan")
    return float(values.median() if kpi.kind == "median" else values.mean())


def window_aggregate(kpi: KPI, observations: pd.Series) -> float:
    """A ``series`` KPI's figure for the whole window: the sum or mean of its months.

    E.g. the window's revenue (``revenue_monthly``: sum) or its average active-user rate
    (``active_user_rate``: mean). NaN when the window has no observed month.

    Raises
    ------
    ValueError
        For a KPI that is not a series.
    """
    if kpi.kind != "series":
        raise ValueError(f"{kpi.name} is a {kpi.kind} KPI; only series have a window aggregate")
    values = pd.Series(observations, dtype="float64").dropna()
    if values.empty:
        return float("nan")
    return float(values.sum() if kpi.aggregate == "sum" else values.mean())


def observation_count(kpi: KPI, observations: Any) -> int:
    """How many observations, in the KPI's unit of observation (``n_before`` / ``n_after``).

    Series: months; mean, median, paired: values (units for paired); proportion: trials ``n``;
    rate: the exposure rounded (orders, customer-years); either of these with ``by_unit``: the
    units (campaigns, customers).
    """
    if kpi.kind in ("proportion", "rate"):
        if observations.by_unit is not None:
            return len(observations.by_unit)
        if kpi.kind == "proportion":
            return int(observations.n)
        return int(round(observations.exposure))
    return int(pd.Series(observations, dtype="float64").notna().sum())


def observe_windows(
    tables: Tables, assessment: Assessment, kpis: Iterable[KPI | str] | None = None
) -> dict[str, tuple[Any, Any] | str]:
    """Observations of each KPI in the before and after windows, for the CRM units.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables present.
    assessment : Assessment
        Supplies ``before``, ``after`` and ``control`` (whose rows are left out).
    kpis : iterable of KPI or str, optional
        Which KPIs (default: the whole catalog), in the order wanted.

    Returns
    -------
    dict
        name → ``(before_observations, after_observations)``, or the reason it is skipped
        (see :func:`available`).
    """
    chosen = CATALOG if kpis is None else [k if isinstance(k, KPI) else get_kpi(k) for k in kpis]
    out: dict[str, tuple[Any, Any] | str] = {}
    for kpi in chosen:
        reason = available(kpi, tables)
        if reason is not None:
            out[kpi.name] = reason
            continue
        if kpi.observe is None:
            continue  # measured by its domain, not by observations per window
        out[kpi.name] = tuple(
            kpi.observe(tables, window, exclude=assessment.control)
            for window in (assessment.before, assessment.after)
        )
    return out
