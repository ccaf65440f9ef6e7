"""Short texts that several stage notebooks print: skip notes and chart axis labels.

A notebook's own one-off labels are written in its code cells with
:func:`crmkit.words.language.tr`; the texts here repeat across cells or notebooks, so each is
written once. Their translations live in ``catalogs/<language>/stages.json``.

Examples
--------
>>> skipped("the tickets have no channel column")
'*Skipped: the tickets have no channel column.*'
>>> revenue_per_month_label("CNY")
'Revenue (CNY per month)'
"""

from __future__ import annotations

from crmkit.kpis import get_kpi
from crmkit.words.language import term, tr

__all__ = [
    "kpi_needs_data",
    "needs_data",
    "npv_label",
    "nps_by_skipped",
    "revenue_per_month_label",
    "share_label",
    "skipped",
]


def skipped(reason: str) -> str:
    """A section that cannot be shown, and why (``reason`` without a final full stop).

    Examples
    --------
    >>> skipped("needs the usage log")
    '*Skipped: needs the usage log.*'
    """
    return tr("*Skipped: {reason}.*", reason=reason)


def needs_data() -> str:
    """A section skipped because the client did not supply the tables it needs.

    Examples
    --------
    >>> needs_data()
    '*Skipped: needs data the client has not provided.*'
    """
    return tr("*Skipped: needs data the client has not provided.*")


def kpi_needs_data(name: str) -> str:
    """A KPI's chart skipped because the client did not supply the tables it needs.

    Parameters
    ----------
    name : str
        The KPI's catalog name, e.g. ``"average_order_value"``.

    Returns
    -------
    str
        The note naming the KPI: by its catalog name in words, or by its label's
        translation where the report's language has one.

    Examples
    --------
    >>> kpi_needs_data("sales_cycle_days")
    '*Skipped: sales cycle days needs data the client has not provided.*'
    """
    label = get_kpi(name).label
    shown = term(label)
    kpi = shown if shown != label else name.replace("_", " ")
    return tr("*Skipped: {kpi} needs data the client has not provided.*", kpi=kpi)


def nps_by_skipped(by: str, reason: str) -> str:
    """The NPS of customer groups (``by``: ``"segment"`` or ``"region"``) cannot be shown.

    Examples
    --------
    >>> nps_by_skipped("region", "the customers have no region column")
    '*Skipped (NPS by region): the customers have no region column.*'
    """
    if by == "segment":
        return tr("*Skipped (NPS by segment): {reason}.*", reason=reason)
    if by == "region":
        return tr("*Skipped (NPS by region): {reason}.*", reason=reason)
    return tr("*Skipped (NPS by {column}): {reason}.*", column=by, reason=reason)


def revenue_per_month_label(currency: str) -> str:
    """The axis label of a chart of monthly revenue.

    Examples
    --------
    >>> revenue_per_month_label("EUR")
    'Revenue (EUR per month)'
    """
    return tr("Revenue ({currency} per month)", currency=currency)


def npv_label(currency: str) -> str:
    """The axis label of a chart of net present values.

    Examples
    --------
    >>> npv_label("CNY")
    'NPV (CNY)'
    """
    return tr("NPV ({currency})", currency=currency)


def share_label() -> str:
    """The axis label of a chart of shares in percent.

    Examples
    --------
    >>> share_label()
    'Share (%)'
    """
    return tr("Share (%)")
