"""Scope: the customers of the CRM units, of the control group, or all.

``scope="crm"`` (the default) keeps the units that got the CRM: rows of the control group
(:class:`crmkit.data.config.Control`) are left out, found by the row's own control column (an
order's ``region``), else through its customer (``customer_id`` →
``customers.<column>``), else through the customer's orders (a customer whose orders are
mostly in the control group). Rows whose unit cannot be told are kept. ``"control"``
keeps only the control group, ``"all"`` everything (:func:`control_mask`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment, Control
from crmkit.data.labels import is_label, lookup

Scope = Literal["crm", "control", "all"]

_SCOPES = ("crm", "control", "all")


def _check_scope(scope: str) -> None:
    if scope not in _SCOPES:
        raise ValueError(f"scope must be one of {', '.join(map(repr, _SCOPES))}, got {scope!r}")


def _customer_control(
    customers: pd.DataFrame | None, control: Control, orders: pd.DataFrame | None
) -> pd.Series | None:
    """Whether each customer (index customer_id) is in the control group; None if unknown."""
    if customers is not None and {"customer_id", control.column} <= set(customers.columns):
        flags = pd.Series(
            is_label(customers[control.column], control.values),
            index=customers["customer_id"].to_numpy(),
        )
        return flags[~flags.index.duplicated()]
    if orders is not None and {"customer_id", control.column} <= set(orders.columns):
        known = orders["customer_id"].notna().to_numpy()
        flags = pd.Series(is_label(orders[control.column], control.values)[known]).astype(float)
        share = flags.groupby(orders["customer_id"].to_numpy()[known]).mean()
        return share > 0.5
    return None


def control_mask(
    frame: pd.DataFrame,
    control: Control | None,
    *,
    customers: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> np.ndarray:
    """Which rows of a table belong to the control group (the units that did NOT get the CRM).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table: orders, customers, tickets, surveys …
    control : Control or None
        The control group (``Assessment.control``); None: no row is in it.
    customers : pandas.DataFrame, optional
        The customers table, to place rows through their ``customer_id``.
    orders : pandas.DataFrame, optional
        The orders table, to place customers whose table lacks the control column: a customer
        is in the control group when more than half of its orders are.

    Returns
    -------
    numpy.ndarray of bool
        True for rows known to be in the control group. The row's own control column is used
        first, then its customer's; rows whose unit cannot be told are False (kept in the CRM
        scope). Labels are compared ignoring case and surrounding spaces.

    Examples
    --------
    >>> from crmkit.data.config import Control
    >>> surveys = pd.DataFrame({"customer_id": ["C1", "C2", "C3"]})
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["West", "north"]})
    >>> control_mask(surveys, Control("region", ("west",)), customers=customers).tolist()
    [True, False, False]
    """
    if control is None:
        return np.zeros(len(frame), dtype=bool)
    if control.column in frame.columns:
        return is_label(frame[control.column], control.values)
    if "customer_id" in frame.columns:
        flags = _customer_control(customers, control, orders)
        if flags is not None:
            return lookup(frame["customer_id"], flags, False).astype(bool)
    return np.zeros(len(frame), dtype=bool)


def _in_scope(
    frame: pd.DataFrame,
    control: Control | None,
    scope: str,
    *,
    customers: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> np.ndarray:
    if scope == "all" or control is None:
        return np.ones(len(frame), dtype=bool) if scope != "control" else np.zeros(len(frame), bool)
    flags = control_mask(frame, control, customers=customers, orders=orders)
    return ~flags if scope == "crm" else flags


def scoped_customers(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    orders: pd.DataFrame | None = None,
    scope: Scope = "crm",
) -> pd.DataFrame:
    """The customers of the CRM units (default), of the control group, or all.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table.
    assessment : Assessment
        Supplies the control group.
    orders : pandas.DataFrame, optional
        To place customers whose table lacks the control column (see :func:`control_mask`).
    scope : {"crm", "control", "all"}, default "crm"
        Which customers (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        The rows of ``customers`` in scope.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Control, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), control=Control("region", ("West",)))
    >>> c = pd.DataFrame({"customer_id": ["A", "B"], "region": ["North", "West"]})
    >>> scoped_customers(c, a)["customer_id"].tolist()
    ['A']
    """
    _check_scope(scope)
    return customers.loc[_in_scope(customers, assessment.control, scope, orders=orders)]
