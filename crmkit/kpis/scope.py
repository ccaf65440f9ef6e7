"""The units that got the CRM: which rows belong to the control group, and how.

``observe(..., exclude=control)`` drops rows of the control group (the units that did NOT get
the CRM). A row's unit is found, in this order: the table's own control column (e.g.
``orders.region``); else through its customer (``customer_id`` → ``customers.<column>``, e.g.
tickets); else through its member of staff (``rep_id`` or ``user_id``: a member of staff
belongs to the control group when most of their orders and opportunities do, e.g. the usage
log and the staff survey); else the KPI is company-wide for that table (campaigns have no
region). Labels are compared ignoring case and surrounding spaces. Rows whose unit cannot be
determined (a customer missing from customers) are kept: the scope is "not known to be in the
control group".

:func:`control_routes` says, per KPI table, which of these applied. :func:`row_units` names
each row's unit of a rollout column (its own column, else its customer's).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from crmkit.data.config import Control, Window
from crmkit.data.labels import is_label, lookup
from crmkit.kpis.definition import KPI, Tables
from crmkit.kpis.windows import in_window


def _links_customers(tables: Tables, control: Control) -> bool:
    customers = tables.get("customers")
    return customers is not None and {"customer_id", control.column} <= set(customers.columns)


def _links_staff(tables: Tables, control: Control) -> bool:
    for name in ("orders", "opportunities"):
        frame = tables.get(name)
        if frame is not None and "rep_id" in frame:
            if control.column in frame or (
                "customer_id" in frame and _links_customers(tables, control)
            ):
                return True
    return False


def _customers_in_control(tables: Tables, control: Control) -> pd.Series:
    """Whether each customer (index, unique) is in the control group."""
    customers = tables["customers"]
    flags = pd.Series(
        is_label(customers[control.column], control.values),
        index=customers["customer_id"].to_numpy(),
    )
    return flags[~flags.index.duplicated()]


def _row_flags_direct(frame: pd.DataFrame, tables: Tables, control: Control) -> np.ndarray | None:
    """Control flags from the row's own column or its customer; None if neither exists."""
    if control.column in frame:
        return is_label(frame[control.column], control.values)
    if "customer_id" in frame and _links_customers(tables, control):
        return lookup(frame["customer_id"], _customers_in_control(tables, control), False)
    return None


def _staff_in_control(tables: Tables, control: Control) -> pd.Series:
    """Whether each member of staff (index: rep_id) is in the control group.

    A member of staff belongs to the control group when more than half of their orders and
    opportunities do.
    """
    staff, flags = [], []
    for name in ("orders", "opportunities"):
        frame = tables.get(name)
        if frame is None or "rep_id" not in frame:
            continue
        row_flags = _row_flags_direct(frame, tables, control)
        if row_flags is not None:
            staff.append(frame["rep_id"].astype("str"))
            flags.append(row_flags)
    if not staff:
        return pd.Series(False, index=pd.Index([], dtype="str"))
    codes, uniques = pd.factorize(pd.concat(staff, ignore_index=True))
    known = codes >= 0
    rows = np.bincount(codes[known], minlength=len(uniques))
    in_control = np.bincount(
        codes[known], weights=np.concatenate(flags)[known], minlength=len(uniques)
    )
    return pd.Series(in_control > 0.5 * rows, index=pd.Index(uniques))


def control_route(columns: Collection[str], tables: Tables, control: Control) -> str | None:
    """How rows with these columns are tied to the control column (see the module docstring)."""
    if control.column in columns:
        return "own"
    if "customer_id" in columns and _links_customers(tables, control):
        return "customer"
    for key in ("rep_id", "user_id"):
        if key in columns and _links_staff(tables, control):
            return key
    return None


def control_flags(frame: pd.DataFrame, tables: Tables, control: Control) -> np.ndarray:
    """True for rows known to belong to the control group."""
    route = control_route(frame.columns, tables, control)
    if route in ("own", "customer"):
        return _row_flags_direct(frame, tables, control)
    if route in ("rep_id", "user_id"):
        return lookup(frame[route], _staff_in_control(tables, control), False)
    return np.zeros(len(frame), dtype=bool)


def crm_rows(frame: pd.DataFrame, tables: Tables, exclude: Control | None) -> pd.DataFrame:
    """``frame`` without the rows of the control group (all rows when ``exclude`` is None)."""
    if exclude is None or frame.empty:
        return frame
    return frame.loc[~control_flags(frame, tables, exclude)]


def rows_in_window(
    tables: Tables, table: str, date_column: str, window: Window, *, exclude: Control | None
) -> pd.DataFrame:
    """The rows of ``table`` dated in ``window`` that belong to the CRM units.

    The same scope as every KPI's observations (see the module docstring): rows of the control group
    ``exclude`` are left out, found through the row's own column, its customer or its rep.
    Used for volumes (tickets resolved, deals won) that turn a KPI change into money.
    """
    frame = tables[table]
    return crm_rows(frame.loc[in_window(frame[date_column], window)], tables, exclude)


def control_view(tables: Tables, control: Control) -> dict[str, pd.DataFrame]:
    """The control group's rows of every table that can be tied to it.

    The same tie as the CRM scope (see the module docstring: the row's own column, its
    customer, or its member of staff, decided on the full tables); a table that cannot be tied
    (campaigns without the control column, costs) is left out, so a KPI that needs it is not
    measured on the control group. Measured with no control group to exclude, a KPI's observations of
    this view are the control group's own.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    control : Control
        The units that did not get the CRM.

    Returns
    -------
    dict of str to DataFrame
        Table name → its rows known to belong to the control group (possibly none).

    Examples
    --------
    >>> import pandas as pd
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["West", "North"]})
    >>> tickets = pd.DataFrame({"ticket_id": ["T1", "T2", "T3"],
    ...                         "customer_id": ["C2", "C1", "C1"]})
    >>> campaigns = pd.DataFrame({"campaign_id": ["K1"]})
    >>> view = control_view({"customers": customers, "tickets": tickets,
    ...                      "campaigns": campaigns}, Control("region", ("west",)))
    >>> sorted(view), view["tickets"]["ticket_id"].tolist()
    (['customers', 'tickets'], ['T2', 'T3'])
    """
    view = {}
    for name, frame in tables.items():
        if control_route(frame.columns, tables, control) is None:
            continue
        view[name] = frame.loc[control_flags(frame, tables, control)]
    return view


def control_routes(kpi: KPI, tables: Tables, control: Control) -> dict[str, str | None]:
    """How each present table of ``kpi`` is tied to the control column.

    Returns
    -------
    dict of str to str or None
        Table name (in the KPI's order, absent tables left out) → ``"own"`` (the row's own
        column), ``"customer"`` (its customer), ``"rep_id"`` or ``"user_id"`` (its member of
        staff), or None (company-wide: no tie to the control column).

    Examples
    --------
    >>> import pandas as pd
    >>> from crmkit.kpis import get_kpi
    >>> tables = {"campaigns": pd.DataFrame(columns=["campaign_id", "start_date", "cost"])}
    >>> control_routes(get_kpi("campaign_roi"), tables, Control("region", ("West",)))
    {'campaigns': None}
    """
    return {
        name: control_route(tables[name].columns, tables, control)
        for name in kpi.tables
        if tables.get(name) is not None
    }


def row_units(frame: pd.DataFrame, tables: Tables, column: str) -> pd.Series:
    """The unit of each row of ``frame`` for the column ``column`` (e.g. a rollout's region).

    The row's own ``column`` when the table has it; else its customer's, through
    ``customer_id`` → ``customers.<column>``; else missing. Labels are stripped of surrounding
    spaces; an empty label is missing.

    Parameters
    ----------
    frame : DataFrame
        Rows of one table.
    tables : mapping of str to DataFrame
        The validated tables (``customers`` is looked up).
    column : str
        The column naming the units.

    Returns
    -------
    Series of object
        Indexed like ``frame``: the unit's label, or None where it cannot be determined.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["North ", "West"]})
    >>> tickets = pd.DataFrame({"customer_id": ["C2", "C9", "C1"]})
    >>> row_units(tickets, {"customers": customers}, "region").tolist()
    ['West', None, 'North']
    """
    if column in frame:
        labels = frame[column]
    else:
        customers = tables.get("customers")
        if "customer_id" not in frame or customers is None or column not in customers:
            return pd.Series([None] * len(frame), index=frame.index, dtype="object")
        by_customer = customers.drop_duplicates("customer_id").set_index("customer_id")[column]
        labels = pd.Series(
            lookup(frame["customer_id"], by_customer.astype("object"), None), index=frame.index
        )
    present = labels.notna().to_numpy()
    units = [str(v).strip() or None if ok else None for v, ok in zip(labels, present, strict=True)]
    return pd.Series(units, index=frame.index, dtype="object")
