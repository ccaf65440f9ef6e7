"""Source presets: the standard export columns and status values of common CRM systems.

params.yaml ``source_system: salesforce | hubspot | dynamics365 | generic`` (default
``generic``) names the system the client's files were exported from. Its preset maps the
system's usual column headers onto the canonical tables (:mod:`crmkit.data.schemas`) and its
opportunity status values onto ``won / lost / open``; ``columns:`` in params.yaml still wins
over a preset. Headers are matched ignoring case, spaces and hyphens (``Close date`` is
``Close Date``).

Each preset is data, one table per system:

============ ================================ ===========================================
system       files (canonical table)          status values
============ ================================ ===========================================
salesforce   Account report (customers),      Stage: ``Closed Won`` → won,
             Opportunity report                ``Closed Lost`` → lost, any other stage
             (opportunities), Case report      → open
             (tickets)
hubspot      contacts (customers), deals      Deal Stage: ``closedwon`` / ``Closed Won``
             (opportunities), tickets          → won, ``closedlost`` / ``Closed Lost`` →
                                               lost, any other stage → open
dynamics365  account (customers), opportunity statecode: ``Won`` / 1 → won, ``Lost`` / 2
             (opportunities), incident         → lost, ``Open`` / 0 → open
             (tickets)
generic      none: canonical names, their aliases and ``columns:`` only
============ ================================ ===========================================

A stage not listed whose name starts with "closed" (a custom ``Closed - Cancelled``) is left
as written, so that validation names it rather than calling it open. Salesforce and HubSpot
write the *expected* close date on open deals; their presets leave it out of
``closed_date`` for rows that are open (the schema's ``closed_date`` is empty while open).

Besides the presets, a few common Chinese headers are recognised in every system
(:data:`COMMON_HEADERS`); others are mapped through ``columns:`` (``订单编号: order_id``).
:func:`recognise_columns` applies all of these to one file's headers and says how each was
read (:class:`ColumnMapping`, which ``crmkit validate`` prints).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from crmkit.data.schemas import TableSchema

__all__ = [
    "COMMON_HEADERS",
    "GENERIC",
    "PRESETS",
    "SOURCE_SYSTEMS",
    "ColumnMapping",
    "MappingSource",
    "Preset",
    "RecognisedColumn",
    "normalise_header",
    "preset_columns",
    "recognisable_headers",
    "recognise_columns",
    "translate_values",
]

GENERIC = "generic"


@dataclass(frozen=True)
class Preset:
    """One CRM system's export layout.

    Attributes
    ----------
    name : str
        The value of params ``source_system``.
    label : str
        The system's name as messages write it.
    columns : mapping of str to mapping of str to str
        Canonical table → {export header → canonical column}; where two headers give the same
        column, the first one found in the file is used.
    status : mapping of str to str
        Opportunity status as exported (lower case) → ``won``, ``lost`` or ``open``.
    other_stages_open : bool
        Whether any other status value (a pipeline stage such as ``Prospecting``) is open.
    expected_close_date : bool
        Whether the export's close date of an open deal is the date it is expected to close
        (then it is not kept as ``closed_date`` for open rows).
    """

    name: str
    label: str
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    status: Mapping[str, str] = field(default_factory=dict)
    other_stages_open: bool = False
    expected_close_date: bool = False


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "salesforce",
            "Salesforce",
            columns={
                "customers": {
                    "Account ID": "customer_id",
                    "Created Date": "created_date",
                    "Type": "segment",
                    "Account Type": "segment",
                    "Billing State/Province": "region",
                },
                "opportunities": {
                    "Opportunity ID": "opportunity_id",
                    "Created Date": "created_date",
                    "Stage": "status",
                    "Close Date": "closed_date",
                    "Amount": "amount",
                    "Lead Source": "lead_source",
                    "Opportunity Owner ID": "rep_id",
                    "Owner ID": "rep_id",
                    "Opportunity Owner": "rep_id",
                },
                "tickets": {
                    "Case ID": "ticket_id",
                    "Case Number": "ticket_id",
                    "Date/Time Opened": "opened_at",
                    "Opened Date": "opened_at",
                    "Date/Time Closed": "resolved_at",
                    "Closed Date": "resolved_at",
                    "Account ID": "customer_id",
                    "Case Origin": "channel",
                },
            },
            status={"closed won": "won", "closed lost": "lost"},
            other_stages_open=True,
            expected_close_date=True,
        ),
        Preset(
            "hubspot",
            "HubSpot",
            columns={
                "customers": {
                    "Record ID": "customer_id",
                    "Contact ID": "customer_id",
                    "Create Date": "created_date",
                    "Lifecycle Stage": "segment",
                    "Country/Region": "region",
                },
                "opportunities": {
                    "Record ID": "opportunity_id",
                    "Deal ID": "opportunity_id",
                    "Create Date": "created_date",
                    "Deal Stage": "status",
                    "Close Date": "closed_date",
                    "Amount": "amount",
                    "Original Source Type": "lead_source",
                    "Deal owner": "rep_id",
                },
                "tickets": {
                    "Record ID": "ticket_id",
                    "Ticket ID": "ticket_id",
                    "Create date": "opened_at",
                    "First agent reply date": "first_response_at",
                    "Close date": "resolved_at",
                    "Source": "channel",
                    "Associated Contact ID": "customer_id",
                },
            },
            status={
                "closedwon": "won",
                "closed won": "won",
                "closedlost": "lost",
                "closed lost": "lost",
            },
            other_stages_open=True,
            expected_close_date=True,
        ),
        Preset(
            "dynamics365",
            "Dynamics 365",
            columns={
                "customers": {
                    "accountid": "customer_id",
                    "createdon": "created_date",
                    "Created On": "created_date",
                    "customertypecode": "segment",
                    "address1_stateorprovince": "region",
                },
                "opportunities": {
                    "opportunityid": "opportunity_id",
                    "createdon": "created_date",
                    "Created On": "created_date",
                    "statecode": "status",
                    "actualclosedate": "closed_date",
                    "Actual Close Date": "closed_date",
                    "estimatedvalue": "amount",
                    "Est. Revenue": "amount",
                    "ownerid": "rep_id",
                },
                "tickets": {
                    "incidentid": "ticket_id",
                    "createdon": "opened_at",
                    "Created On": "opened_at",
                    "customerid": "customer_id",
                    "caseorigincode": "channel",
                    "customersatisfactioncode": "satisfaction",
                },
            },
            status={
                "won": "won",
                "1": "won",
                "lost": "lost",
                "2": "lost",
                "open": "open",
                "0": "open",
            },
        ),
        Preset(GENERIC, "generic"),
    )
}

#: The values params ``source_system`` takes.
SOURCE_SYSTEMS = tuple(PRESETS)

#: Chinese headers recognised in every system, per canonical table (kept short on purpose:
#: any other header is mapped through ``columns:``).
COMMON_HEADERS: dict[str, dict[str, str]] = {
    "customers": {"客户编号": "customer_id"},
    "orders": {
        "订单编号": "order_id",
        "客户编号": "customer_id",
        "下单日期": "order_date",
        "金额": "amount",
    },
    "opportunities": {"金额": "amount"},
    "tickets": {"客户编号": "customer_id"},
    "surveys": {"客户编号": "customer_id"},
}


def preset_columns(system: str, table: str) -> dict[str, str]:
    """The export headers ``system``'s preset maps onto ``table``'s columns (maybe none).

    Examples
    --------
    >>> preset_columns("hubspot", "opportunities")["Deal Stage"]
    'status'
    >>> preset_columns("generic", "orders")
    {}
    """
    return dict(PRESETS[system].columns.get(table, {}))


def normalise_header(name: object) -> str:
    """A header as headers are compared: lower case, words joined by ``_`` (hyphens too).

    Examples
    --------
    >>> normalise_header(" Close-Date "), normalise_header("Date/Time Opened")
    ('close_date', 'date/time_opened')
    """
    return "_".join(str(name).strip().lower().replace("-", " ").split())


# --- recognising a file's headers ----------------------------------------------------------


class MappingSource(StrEnum):
    """Where a client's header was recognised from."""

    PARAMS = "params"  #: params.yaml ``columns``
    PRESET = "preset"  #: the ``source_system``'s preset (:mod:`crmkit.data.presets`)
    COMMON = "common"  #: a common Chinese header (:data:`crmkit.data.presets.COMMON_HEADERS`)
    NAME = "name"  #: the canonical name or an alias, apart from case, spaces and hyphens


@dataclass(frozen=True)
class RecognisedColumn:
    """A client's ``header`` read as the canonical ``column``, and why."""

    header: str
    column: str
    source: MappingSource


@dataclass(frozen=True)
class ColumnMapping:
    """How one table's headers were read (for ``crmkit validate`` to show).

    Attributes
    ----------
    table, system : str
        The canonical table and params ``source_system``.
    recognised : tuple of RecognisedColumn
        In the file's order.
    unused : tuple of str
        Headers that are no column of the table: left out.
    extra : tuple of str
        Headers kept under their own name (a table that allows extra columns, e.g. survey
        items).
    header_row : int
        The header's row, counted from 1.
    sheet : str or None
        The workbook's sheet read, for Excel files.
    """

    table: str
    system: str = GENERIC
    recognised: tuple[RecognisedColumn, ...] = ()
    unused: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    header_row: int = 1
    sheet: str | None = None

    @property
    def system_label(self) -> str:
        """The source system as messages name it (``Salesforce``)."""
        return PRESETS[self.system].label


def recognisable_headers(
    schema: TableSchema, mapping: Mapping[str, str] | None = None, system: str = GENERIC
) -> frozenset[str]:
    """Every header :func:`recognise_columns` reads as one of ``schema``'s columns, normalised
    (lower case, words joined by ``_``): for finding a header row below a title block."""
    names = [
        *(mapping or {}),
        *schema.column_names,
        *(a for c in schema.columns for a in c.aliases),
        *preset_columns(system, schema.name),
        *COMMON_HEADERS.get(schema.name, {}),
    ]
    return frozenset(normalise_header(name) for name in names)


def recognise_columns(
    frame: pd.DataFrame,
    schema: TableSchema,
    mapping: Mapping[str, str] | None = None,
    system: str = GENERIC,
) -> tuple[pd.DataFrame, ColumnMapping]:
    """Rename a client's columns to canonical names, and say how each header was read.

    In order, a header is read by: params ``columns`` (``mapping``, as written); its own name
    when it is a canonical one; the ``system``'s preset; the common Chinese headers; a
    canonical name or alias apart from case, spaces or hyphens (``Order ID``, ``order-id``).
    The last three compare headers ignoring case, spaces and hyphens, never take a column
    already taken, and the first header of the file wins.

    Examples
    --------
    >>> from crmkit.data.schemas import TABLES
    >>> deals = pd.DataFrame(columns=["Deal ID", "Deal Stage", "Create Date", "Pipeline"])
    >>> renamed, how = recognise_columns(deals, TABLES["opportunities"], system="hubspot")
    >>> list(renamed.columns), how.unused
    (['opportunity_id', 'status', 'created_date', 'Pipeline'], ('Pipeline',))
    """
    explicit = dict(mapping or {})
    renamed: dict[str, str] = {}
    sources: dict[str, MappingSource] = {}
    for col in frame.columns:
        if col in explicit:
            renamed[col], sources[col] = explicit[col], MappingSource.PARAMS
    for col in frame.columns:
        if col not in renamed and col in schema.column_names:
            renamed[col], sources[col] = col, MappingSource.NAME
    taken = set(renamed.values())
    by_name = {name: name for name in schema.column_names}
    by_name |= {a: c.name for c in schema.columns for a in c.aliases}
    layers = (
        (MappingSource.PRESET, preset_columns(system, schema.name)),
        (MappingSource.COMMON, COMMON_HEADERS.get(schema.name, {})),
        (MappingSource.NAME, by_name),
    )
    for source, headers in layers:
        lookup: dict[str, str] = {}
        for header, name in headers.items():
            lookup.setdefault(normalise_header(header), name)
        for col in frame.columns:
            name = lookup.get(normalise_header(col))
            if col not in renamed and name is not None and name not in taken:
                renamed[col], sources[col] = name, source
                taken.add(name)
    recognised = tuple(
        RecognisedColumn(str(col), renamed[col], sources[col])
        for col in frame.columns
        if col in renamed
    )
    others = tuple(str(col) for col in frame.columns if col not in renamed)
    extra = others if schema.extra_columns_allowed else ()
    how = ColumnMapping(
        table=schema.name,
        system=system,
        recognised=recognised,
        unused=() if extra else others,
        extra=extra,
        header_row=int(frame.attrs.get("header_row", 1)),
        sheet=frame.attrs.get("sheet"),
    )
    changed = {col: name for col, name in renamed.items() if col != name}
    return frame.rename(columns=changed), how


def translate_values(frame: pd.DataFrame, table: str, system: str) -> pd.DataFrame:
    """``frame`` (canonical names) with ``system``'s status values as won / lost / open.

    Only the opportunities table's ``status`` is translated; where the preset says the close
    date of an open deal is the expected one, ``closed_date`` of open rows is left empty.
    Values neither listed nor open stages stay as written, for validation to name.

    Examples
    --------
    >>> deals = pd.DataFrame({"status": ["Closed Won", "Prospecting", "Closed - Cancelled", None],
    ...                       "closed_date": ["1/5/2025", "3/1/2025", "2/2/2025", None]})
    >>> out = translate_values(deals, "opportunities", "salesforce")
    >>> out["status"].tolist()[:3], out["closed_date"].tolist()[:3]
    (['won', 'open', 'Closed - Cancelled'], ['1/5/2025', None, '2/2/2025'])
    """
    preset = PRESETS[system]
    if table != "opportunities" or "status" not in frame or not preset.status:
        return frame
    raw = frame["status"]
    if isinstance(raw, pd.DataFrame):  # the column twice: validation names it
        return frame
    given = raw.notna()
    key = raw.astype("str").str.strip().str.casefold()
    key = key.str.replace(r"\.0$", "", regex=True)  # statecode 1 read from Excel as 1.0
    status = key.map(dict(preset.status))
    if preset.other_stages_open:
        stage = given & status.isna() & ~key.isin(("won", "lost", "open"))
        status = status.where(~(stage & ~key.str.startswith("closed")), "open")
    status = status.where(status.notna(), raw).where(given)
    frame = frame.assign(status=status.astype(object).where(given, None))
    if preset.expected_close_date and "closed_date" in frame:
        is_open = (frame["status"] == "open").to_numpy(dtype=bool)
        frame["closed_date"] = frame["closed_date"].astype(object).where(~is_open, None)
    return frame
