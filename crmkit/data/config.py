"""The assessment's parameters: one model, loaded from ``params.yaml`` with safe YAML.

Where a value comes from, lowest priority first:

1. the defaults documented on each field below (and in ``templates/params.yaml``);
2. the client's ``params.yaml``;
3. ``overrides`` passed to :func:`load_params` (``crmkit run --set stats.alpha=0.01``).

Only ``client`` and ``go_live_date`` have no default. Every problem is collected, so the user
sees them all at once; unknown keys get a "did you mean" hint.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from crmkit.data.dates import check_date_format
from crmkit.data.exceptions import ParamsError
from crmkit.data.numbers import NUMBER_FORMATS
from crmkit.data.presets import GENERIC, SOURCE_SYSTEMS
from crmkit.data.schemas import TABLES

__all__ = [
    "Assessment",
    "CONTROL_UNITS",
    "LANGUAGES",
    "Control",
    "Finance",
    "PERSPECTIVES",
    "Objective",
    "Privacy",
    "Rollout",
    "Scorecard",
    "Stats",
    "TeamMember",
    "Window",
    "load_params",
    "parse_params",
    "read_rollout_file",
]

CORRECTIONS = ("holm", "bonferroni", "fdr_bh")
AUTO = "auto"
#: The languages a report can be written in (params ``language``).
LANGUAGES = ("en", "zh")
ROI_CONVENTIONS = ("present_value", "simple")


@dataclass(frozen=True)
class Window:
    """An inclusive date range."""

    start: dt.date
    end: dt.date

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def contains(self, dates: Any) -> np.ndarray:
        """True where a date or time falls on a day of the window, both ends included.

        The one rule by which every table's rows belong to a window; missing dates (NaT)
        belong to none.

        Examples
        --------
        >>> w = Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        >>> w.contains(pd.to_datetime(["2023-12-31 23:59", "2024-12-31 23:59", None])).tolist()
        [False, True, False]
        """
        start = np.datetime64(pd.Timestamp(self.start), "ns")
        stop = np.datetime64(pd.Timestamp(self.end) + pd.Timedelta(days=1), "ns")
        values = pd.to_datetime(pd.Series(dates)).to_numpy(dtype="datetime64[ns]")
        return (values >= start) & (values < stop)


#: The levels at which a client may have assigned the CRM (params ``control.unit``): single
#: customers, groups named by the control column's values (regions, branches, stores), or
#: sales reps. The level sets the units, and so the clusters, of the difference-in-differences.
CONTROL_UNITS = ("customer", "region", "rep")


@dataclass(frozen=True)
class Control:
    """Units that did not get the CRM: rows whose ``column`` is one of ``values``.

    ``column`` is any column of customers, orders or opportunities (a canonical one such as
    ``region``, or one kept under the client's own name such as ``Campaign Group``); ``unit``
    is one of :data:`CONTROL_UNITS`, or None to take it from where the column is found (see
    :func:`crmkit.data.control_groups.locate_control`).
    """

    column: str
    values: tuple[str, ...]
    unit: str | None = None


@dataclass(frozen=True)
class Rollout:
    """How the CRM was rolled out: the units of ``column`` and the day each went live.

    ``column`` assigns rows to units (``region``, ``rep_id``, or a column of customers,
    orders or opportunities kept from the export). ``go_live`` pairs each unit that got the
    CRM with its go-live day, earliest first; units not listed never got it. ``file`` is the
    CSV (relative to the client folder, one row per unit: ``unit``, ``go_live_date``) the
    pairs were read from, None when params.yaml lists them.

    Examples
    --------
    >>> r = Rollout("region", (("North", dt.date(2025, 1, 1)), ("South", dt.date(2025, 7, 1))))
    >>> r.dates()["South"], r.to_params()["go_live"]["North"]
    (datetime.date(2025, 7, 1), '2025-01-01')
    """

    column: str
    go_live: tuple[tuple[str, dt.date], ...] = ()
    file: str | None = None

    def dates(self) -> dict[str, dt.date]:
        """Unit → go-live day."""
        return dict(self.go_live)

    def to_params(self) -> dict[str, Any]:
        """The block as params.yaml writes it, units listed (the file already read)."""
        return {
            "column": self.column,
            "go_live": {unit: day.isoformat() for unit, day in self.go_live},
        }


@dataclass(frozen=True)
class Stats:
    """Statistical settings: significance level, multiple-testing correction, seed."""

    alpha: float = 0.05
    correction: str = "holm"
    seed: int = 20250101


@dataclass(frozen=True)
class Finance:
    """Financial settings, and the assumptions that turn measured KPI changes into money.

    Attributes
    ----------
    discount_rate : float
        Yearly discount rate (0.10 = 10 %).
    horizon_years : int
        Years after the initial investment that the NPV covers.
    roi_convention : {'present_value', 'simple'}
        (PV benefits − PV costs) / PV costs, or average annual benefit / initial cost.
    gross_margin : float
        Share of extra revenue that is extra gross profit (0.30 = 30 %).
    hourly_cost : float or None
        Loaded cost of one staff hour in the client's currency; None counts staff time saved
        in hours without valuing it.
    handling_share : float
        Share of the time a ticket is open that is staff work (for time saved by faster
        resolution).
    deal_hours_per_day : float
        Sales-rep hours a won deal takes per day of its sales cycle (for time saved by a
        shorter cycle).
    flexibility : float or None
        Present value of the future options the platform opens (new channels, analytics),
        in the client's currency, as the client estimates it; reported beside the NPV, never
        in it.
    """

    discount_rate: float = 0.10
    horizon_years: int = 3
    roi_convention: str = "present_value"
    gross_margin: float = 0.30
    hourly_cost: float | None = None
    handling_share: float = 0.10
    deal_hours_per_day: float = 0.25
    flexibility: float | None = None


@dataclass(frozen=True)
class Objective:
    """A SMART objective of the CRM programme."""

    name: str
    kpi: str | None = None
    target: float | None = None
    unit: str | None = None
    deadline: dt.date | None = None
    owner: str | None = None


@dataclass(frozen=True)
class TeamMember:
    """A member of the assessment team."""

    name: str
    role: str
    responsibility: str | None = None


@dataclass(frozen=True)
class Scope:
    """What the assessment covers."""

    description: str | None = None
    included: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


#: The balanced scorecard's perspectives, in report order (the KPI catalog's perspectives).
PERSPECTIVES = ("financial", "customer", "internal_process", "learning_and_growth")


@dataclass(frozen=True)
class Scorecard:
    """Balanced-scorecard targets and weights.

    ``params.yaml`` writes a KPI's target as a plain number (an absolute target, in the KPI's
    unit), as ``{value: 0.12}`` (the same, with room for a weight) or as ``{change: 0.10}``
    (a relative target: 10 % better than the before value, in the KPI's good direction); any
    of the mappings may carry ``weight`` (the KPI's weight within its perspective, default 1).

    Attributes
    ----------
    targets : mapping of str to float
        Absolute targets, KPI name → value in the KPI's unit.
    changes : mapping of str to float
        Relative targets, KPI name → fraction of the before value to improve by (0.10 = 10 %
        better: higher for a higher-is-better KPI, lower for a lower-is-better one).
    kpi_weights : mapping of str to float
        KPI name → weight within its perspective; a KPI not named weighs 1.
    weights : mapping of str to float
        Perspective → weight, normalised to sum to one.
    """

    targets: Mapping[str, float] = field(default_factory=dict)
    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "financial": 0.25,
            "customer": 0.25,
            "internal_process": 0.25,
            "learning_and_growth": 0.25,
        }
    )
    changes: Mapping[str, float] = field(default_factory=dict)
    kpi_weights: Mapping[str, float] = field(default_factory=dict)

    def kpi_weight(self, kpi: str) -> float:
        """The weight of ``kpi`` within its perspective (1 unless params.yaml sets it)."""
        return float(self.kpi_weights.get(kpi, 1.0))

    def to_params(self) -> dict[str, Any]:
        """The ``scorecard:`` block as params.yaml writes it (parsed back unchanged).

        Examples
        --------
        >>> Scorecard(targets={"win_rate": 0.25}, changes={"nps": 0.1},
        ...           kpi_weights={"nps": 2.0}).to_params()["targets"]
        {'win_rate': 0.25, 'nps': {'change': 0.1, 'weight': 2.0}}
        """
        targets: dict[str, Any] = {}
        for kpi in [*self.targets, *self.changes, *self.kpi_weights]:
            if kpi in targets:
                continue
            entry: dict[str, float] = {}
            if kpi in self.targets:
                entry["value"] = float(self.targets[kpi])
            if kpi in self.changes:
                entry["change"] = float(self.changes[kpi])
            if kpi in self.kpi_weights:
                entry["weight"] = float(self.kpi_weights[kpi])
            targets[kpi] = entry["value"] if list(entry) == ["value"] else entry
        return {"targets": targets, "weights": dict(self.weights)}


#: The key of ``privacy.extra_id_columns`` that names columns of every table.
ALL_TABLES = "all"


@dataclass(frozen=True)
class Privacy:
    """What may appear in a report about individual records and people.

    Attributes
    ----------
    show_record_ids : bool
        Whether reports may list individual records by id (top customers, example rows of
        data-quality issues); with ``pseudonymise`` those ids are pseudonyms.
    pseudonymise : bool
        True (the default): customer ids, user ids, rep ids and columns holding names,
        e-mails or phone numbers reach the stages only as stable pseudonyms
        (:mod:`crmkit.data.privacy`). False shows raw ids, and must be said explicitly.
    extra_id_columns : mapping of str to tuple of str
        More columns to pseudonymise: table → column names as the table has them after the
        ``columns`` mapping; the key ``all`` names columns of any table.
    keep_free_text : bool
        False (the default) drops free-text columns (comments, notes) before any stage sees
        them; True keeps them.
    """

    show_record_ids: bool = False
    pseudonymise: bool = True
    extra_id_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    keep_free_text: bool = False

    def extra_id_columns_for(self, table: str) -> tuple[str, ...]:
        """The extra columns to pseudonymise in ``table`` (its own, then those of ``all``).

        Examples
        --------
        >>> privacy = Privacy(extra_id_columns={"all": ("email",), "orders": ("rep_id",)})
        >>> privacy.extra_id_columns_for("orders")
        ('rep_id', 'email')
        """
        own = tuple(self.extra_id_columns.get(table, ()))
        shared = tuple(self.extra_id_columns.get(ALL_TABLES, ()))
        return own + tuple(c for c in shared if c not in own)


@dataclass(frozen=True)
class Assessment:
    """Every parameter of one client's assessment, validated.

    Build it with :func:`load_params` (from a file) or :func:`parse_params` (from a mapping).
    """

    client: str
    go_live_date: dt.date
    before: Window
    after: Window
    currency: str = "USD"
    data_dir: str = "data"
    control: Control | None = None
    stats: Stats = field(default_factory=Stats)
    finance: Finance = field(default_factory=Finance)
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    encoding: str | Mapping[str, str] = "auto"
    dayfirst: bool | str | Mapping[str, bool | str] = AUTO
    date_format: str | Mapping[str, str | Mapping[str, str]] = AUTO
    objectives: tuple[Objective, ...] = ()
    team: tuple[TeamMember, ...] = ()
    scope: Scope = field(default_factory=Scope)
    scorecard: Scorecard = field(default_factory=Scorecard)
    privacy: Privacy = field(default_factory=Privacy)
    source_system: str = GENERIC
    number_format: str | Mapping[str, str | Mapping[str, str]] = AUTO
    sheet: Mapping[str, str | int] = field(default_factory=dict)
    header_row: Mapping[str, int | str] = field(default_factory=dict)
    rollout: Rollout | None = None
    language: str = "en"

    @property
    def window(self) -> Window:
        """The whole assessment window, from the before start to the after end."""
        return Window(
            min(self.before.start, self.after.start), max(self.before.end, self.after.end)
        )

    def encoding_for(self, table: str) -> str:
        """The encoding to read ``table`` with (``auto`` means detect)."""
        if isinstance(self.encoding, str):
            return self.encoding
        return self.encoding.get(table, "auto")

    def dayfirst_for(self, table: str) -> bool | None:
        """How ``table``'s ambiguous dates (03/04/2025) are read: True day first, False month
        first, None decided by the column's unambiguous dates (``auto``).

        Examples
        --------
        >>> a = parse_params({"client": "A", "go_live_date": "2025-01-01",
        ...                   "dayfirst": {"orders": True}})
        >>> a.dayfirst_for("orders"), a.dayfirst_for("tickets")
        (True, None)
        """
        value = (
            self.dayfirst.get(table, AUTO) if isinstance(self.dayfirst, Mapping) else self.dayfirst
        )
        return None if value == AUTO else bool(value)

    def date_format_for(self, table: str, column: str) -> str | None:
        """The strftime pattern that reads ``table.column``, or None to detect the format.

        The most specific setting wins: per column, then per table, then global.

        Examples
        --------
        >>> a = parse_params({"client": "A", "go_live_date": "2025-01-01", "date_format":
        ...     {"orders": "%d.%m.%Y", "tickets": {"opened_at": "%d.%m.%Y %H:%M"}}})
        >>> a.date_format_for("orders", "order_date"), a.date_format_for("tickets", "resolved_at")
        ('%d.%m.%Y', None)
        """
        return _setting_for(self.date_format, table, column)

    def number_format_for(self, table: str, column: str) -> str | None:
        """How ``table.column`` writes its numbers (``1,234.56`` or ``1.234,56``), or None to
        let the column's values decide. The most specific setting wins.

        Examples
        --------
        >>> a = parse_params({"client": "A", "go_live_date": "2025-01-01",
        ...                   "number_format": {"orders": {"amount": "1.234,56"}}})
        >>> a.number_format_for("orders", "amount"), a.number_format_for("orders", "quantity")
        ('1.234,56', None)
        """
        return _setting_for(self.number_format, table, column)

    def sheet_for(self, table: str) -> str | int | None:
        """The sheet of an Excel workbook that holds ``table``: a name, a number counted from
        1, or None (the workbook must then have one sheet)."""
        return self.sheet.get(table)

    def header_row_for(self, table: str) -> int | None:
        """The row (counted from 1) of ``table``'s header, or None to find it."""
        value = self.header_row.get(table, AUTO)
        return None if value == AUTO else int(value)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings), as results.json records it."""
        data = asdict(self)
        data["scorecard"] = self.scorecard.to_params()
        data["rollout"] = None if self.rollout is None else self.rollout.to_params()
        return _jsonable(data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --- parsing -------------------------------------------------------------------------------

_TOP_KEYS = {
    "client", "currency", "go_live_date", "before", "after", "data_dir", "control", "stats",
    "finance", "columns", "encoding", "dayfirst", "date_format", "objectives", "team", "scope",
    "scorecard", "privacy", "source_system", "number_format", "sheet", "header_row", "rollout",
    "language",
}  # fmt: skip
_SECTION_KEYS = {
    "before": {"start", "end"},
    "after": {"start", "end"},
    "control": {"column", "values", "unit"},
    "rollout": {"column", "go_live", "file"},
    "stats": {"alpha", "correction", "seed"},
    "finance": {
        "discount_rate",
        "horizon_years",
        "roi_convention",
        "gross_margin",
        "hourly_cost",
        "handling_share",
        "deal_hours_per_day",
        "flexibility",
    },
    "scope": {"description", "included", "excluded"},
    "scorecard": {"targets", "weights"},
    "privacy": {"show_record_ids", "pseudonymise", "extra_id_columns", "keep_free_text"},
}
_OBJECTIVE_KEYS = {"name", "kpi", "target", "unit", "deadline", "owner"}
_TEAM_KEYS = {"name", "role", "responsibility"}
_TARGET_KEYS = ("value", "change", "weight")


class _Collector:
    """Collects every problem so that all are reported at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(f"{self.source}, {key}: {message}")

    def unknown_keys(self, given: Mapping, known: set[str], prefix: str = "") -> None:
        for key in given:
            if key not in known:
                hint = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
                known_list = ", ".join(sorted(known))
                self.add(f"{prefix}{key}", f"unknown key{suggestion} (known keys: {known_list})")

    def mapping(self, raw: Mapping, key: str) -> Mapping:
        value = raw.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(key, f"expected a mapping of keys, got {value!r}")
            return {}
        return value

    def date(self, value: Any, key: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.add(key, f"expected a date written YYYY-MM-DD, got {value!r}")
        return None

    def number(
        self, value: Any, key: str, low: float, high: float, *, integer: bool = False
    ) -> Any:
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type or not (low <= value <= high):
            noun = "a whole number" if integer else "a number"
            self.add(key, f"expected {noun} from {low:g} to {high:g}, got {value!r}")
            return None
        return value

    def text(self, value: Any, key: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.add(key, f"expected text, got {value!r}")
        return None

    def choice(self, value: Any, key: str, choices: tuple[str, ...]) -> str | None:
        if value in choices:
            return value
        self.add(key, f"expected one of {', '.join(choices)}, got {value!r}")
        return None

    def boolean(self, value: Any, key: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.add(key, f"expected true or false, got {value!r}")
        return None


def _add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February becomes 1 March off leap years.

    Rolling forward keeps each default window exactly one year long: go-live 2024-02-29 gives
    before = 2023-03-01 to 2024-02-28 and after = 2024-02-29 to 2025-02-28, so that no day of
    the year after go-live (2025-02-28) falls outside the after window.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, month=3, day=1)


def parse_params(
    raw: Mapping[str, Any],
    *,
    source: str = "params.yaml",
    known_kpis: Collection[str] | None = None,
) -> Assessment:
    """Validate a mapping of parameters and return the :class:`Assessment`.

    Parameters
    ----------
    raw : mapping
        The parameters as YAML would load them.
    source : str
        Named in error messages (usually the params file's path).
    known_kpis : collection of str, optional
        The KPI names ``scorecard.targets`` may name (the KPI catalog's, passed by the
        caller: this layer cannot read the catalog); None accepts any name.

    Returns
    -------
    Assessment

    Raises
    ------
    ParamsError
        Listing every problem found, one per line.

    Examples
    --------
    >>> a = parse_params({"client": "Acme Ltd", "go_live_date": "2025-01-01"})
    >>> str(a.before), str(a.after)
    ('2024-01-01 to 2024-12-31', '2025-01-01 to 2025-12-31')
    """
    if not isinstance(raw, Mapping):
        raise ParamsError(f"{source}: expected a mapping of parameters, got {type(raw).__name__}")
    c = _Collector(source)
    c.unknown_keys(raw, _TOP_KEYS)
    for section, keys in _SECTION_KEYS.items():
        if isinstance(raw.get(section), Mapping):
            c.unknown_keys(raw[section], keys, prefix=f"{section}.")

    client = c.text(raw["client"], "client") if "client" in raw else None
    if "client" not in raw:
        c.add("client", "required: the client's name, shown in every report header")
    go_live = c.date(raw["go_live_date"], "go_live_date") if "go_live_date" in raw else None
    if "go_live_date" not in raw:
        c.add("go_live_date", "required: the date the CRM went live, e.g. 2025-01-01")

    windows: dict[str, Window | None] = {}
    for name in ("before", "after"):
        section = c.mapping(raw, name)
        if go_live is None:
            windows[name] = None
            continue
        if name == "before":
            default = Window(_add_years(go_live, -1), go_live - dt.timedelta(days=1))
        else:
            default = Window(go_live, _add_years(go_live, 1) - dt.timedelta(days=1))
        start = c.date(section["start"], f"{name}.start") if "start" in section else default.start
        end = c.date(section["end"], f"{name}.end") if "end" in section else default.end
        if start and end and start > end:
            c.add(name, f"start {start} is after end {end}")
        windows[name] = Window(start, end) if start and end else None
    before, after = windows.get("before"), windows.get("after")
    if before and after and go_live:
        if before.end >= go_live:
            c.add(
                "before.end",
                f"the before window must end before go-live ({go_live}), got {before.end}",
            )
        if after.start < go_live:
            c.add(
                "after.start",
                f"the after window must start on or after go-live ({go_live}), got {after.start}",
            )

    control = None
    if raw.get("control") is not None:
        section = c.mapping(raw, "control")
        column = c.text(section.get("column"), "control.column") if "column" in section else None
        if "column" not in section:
            c.add("control.column", "required when control is given, e.g. region")
        values = section.get("values")
        if isinstance(values, str | int):
            values = [values]
        if not isinstance(values, list) or not values:
            c.add("control.values", f"expected a list of values such as [West], got {values!r}")
        unit = _control_unit(c, section.get("unit"))
        if column and isinstance(values, list) and values:
            control = Control(column, tuple(str(v) for v in values), unit)

    rollout = _rollout(c, raw, go_live)

    s = c.mapping(raw, "stats")
    stats = Stats(
        alpha=c.number(s.get("alpha", 0.05), "stats.alpha", 0.0001, 0.5) or 0.05,
        correction=c.choice(s.get("correction", "holm"), "stats.correction", CORRECTIONS) or "holm",
        seed=c.number(s.get("seed", 20250101), "stats.seed", 0, 2**32 - 1, integer=True) or 0,
    )
    f = c.mapping(raw, "finance")
    finance = Finance(
        discount_rate=c.number(f.get("discount_rate", 0.10), "finance.discount_rate", 0, 1),
        horizon_years=c.number(
            f.get("horizon_years", 3), "finance.horizon_years", 1, 30, integer=True
        ),
        roi_convention=c.choice(
            f.get("roi_convention", "present_value"), "finance.roi_convention", ROI_CONVENTIONS
        ),
        gross_margin=c.number(f.get("gross_margin", 0.30), "finance.gross_margin", 0, 1),
        hourly_cost=None
        if f.get("hourly_cost") is None
        else c.number(f["hourly_cost"], "finance.hourly_cost", 0, 1e9),
        handling_share=c.number(f.get("handling_share", 0.10), "finance.handling_share", 0, 1),
        deal_hours_per_day=c.number(
            f.get("deal_hours_per_day", 0.25), "finance.deal_hours_per_day", 0, 24
        ),
        flexibility=None
        if f.get("flexibility") is None
        else c.number(f["flexibility"], "finance.flexibility", 0, 1e15),
    )

    columns: dict[str, dict[str, str]] = {}
    for table, mapping in c.mapping(raw, "columns").items():
        if table not in TABLES:
            hint = difflib.get_close_matches(str(table), list(TABLES), n=1)
            c.add(
                f"columns.{table}",
                "unknown table" + (f"; did you mean '{hint[0]}'?" if hint else ""),
            )
        elif not isinstance(mapping, Mapping):
            c.add(f"columns.{table}", "expected a mapping: client column → canonical column")
        else:
            known = set(TABLES[table].column_names)
            for client_col, canonical in mapping.items():
                kept = canonical in (  # a control or rollout column, the client's name
                    control.column if control is not None else None,
                    rollout.column if rollout is not None else None,
                )
                if canonical not in known and not TABLES[table].extra_columns_allowed and not kept:
                    hint = difflib.get_close_matches(str(canonical), sorted(known), n=1)
                    c.add(
                        f"columns.{table}.{client_col}",
                        f"'{canonical}' is not a column of {table}"
                        + (f"; did you mean '{hint[0]}'?" if hint else ""),
                    )
            columns[table] = {str(k): str(v) for k, v in mapping.items()}

    encoding = raw.get("encoding", "auto")
    if not isinstance(encoding, str | Mapping):
        c.add(
            "encoding",
            f"expected an encoding name such as gb18030 or a mapping per table, got {encoding!r}",
        )
        encoding = "auto"

    objectives = []
    for i, item in enumerate(raw.get("objectives") or []):
        key = f"objectives[{i + 1}]"
        if not isinstance(item, Mapping) or "name" not in item:
            c.add(key, "expected a mapping with at least a name")
            continue
        c.unknown_keys(item, _OBJECTIVE_KEYS, prefix=f"{key}.")
        target = item.get("target")
        if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)):
            c.add(f"{key}.target", f"expected a number, got {target!r}")
            target = None
        deadline = c.date(item["deadline"], f"{key}.deadline") if item.get("deadline") else None
        objectives.append(
            Objective(
                name=str(item["name"]),
                kpi=item.get("kpi"),
                target=target,
                unit=item.get("unit"),
                deadline=deadline,
                owner=item.get("owner"),
            )
        )
    team = []
    for i, item in enumerate(raw.get("team") or []):
        key = f"team[{i + 1}]"
        if not isinstance(item, Mapping) or "name" not in item or "role" not in item:
            c.add(key, "expected a mapping with a name and a role")
            continue
        c.unknown_keys(item, _TEAM_KEYS, prefix=f"{key}.")
        team.append(TeamMember(str(item["name"]), str(item["role"]), item.get("responsibility")))

    sc = c.mapping(raw, "scope")
    scope = Scope(
        description=sc.get("description"),
        included=tuple(str(v) for v in sc.get("included") or ()),
        excluded=tuple(str(v) for v in sc.get("excluded") or ()),
    )
    scorecard = _scorecard(c, c.mapping(raw, "scorecard"), known_kpis)
    privacy = _privacy(c, c.mapping(raw, "privacy"))

    dayfirst = _dayfirst(c, raw.get("dayfirst", AUTO))
    date_format = _date_format(c, raw.get("date_format", AUTO))
    currency = c.text(raw.get("currency", "USD"), "currency")
    data_dir = c.text(raw.get("data_dir", "data"), "data_dir")

    exports = _export_layout(c, raw)
    language = c.choice(raw.get("language", "en"), "language", LANGUAGES)
    if c.problems:
        raise ParamsError("\n".join(c.problems))
    return Assessment(
        client=client,
        go_live_date=go_live,
        before=before,
        after=after,
        currency=currency,
        data_dir=data_dir,
        control=control,
        stats=stats,
        finance=finance,
        columns=columns,
        encoding=encoding,
        dayfirst=dayfirst,
        date_format=date_format,
        objectives=tuple(objectives),
        team=tuple(team),
        scope=scope,
        scorecard=scorecard,
        privacy=privacy,
        rollout=rollout,
        language=language or "en",
        **exports,
    )


def _rollout_pairs(
    c: _Collector, pairs: Any, key: str, go_live: dt.date | None
) -> tuple[tuple[str, dt.date], ...]:
    """Unit → go-live pairs checked (text units, once each, dates), earliest first."""
    out: dict[str, dt.date] = {}
    pairs = list(pairs)
    for unit, day in pairs:
        name = c.text(unit, f"{key} unit")
        when = c.date(day, f"{key}.{unit}")
        if name is None or when is None:
            continue
        if name in out:
            c.add(f"{key}.{name}", "this unit is listed twice; give one go-live date per unit")
        out[name] = when
    if not pairs:
        c.add(key, "expected at least one unit and its go-live date, e.g. {North: 2025-01-01}")
    elif out and go_live is not None and min(out.values()) != go_live:
        first = min(out.values())
        c.add(
            key,
            f"the earliest go-live ({first}) must be go_live_date ({go_live}), the "
            "programme's first go-live",
        )
    return tuple(sorted(out.items(), key=lambda pair: (pair[1], pair[0])))


def _rollout(c: _Collector, raw: Mapping, go_live: dt.date | None) -> Rollout | None:
    """Params ``rollout``: a column and ``go_live: {unit: date}``, or a ``file`` of units."""
    if raw.get("rollout") is None:
        return None
    section = c.mapping(raw, "rollout")
    if not section:
        return None
    column = c.text(section.get("column"), "rollout.column") if "column" in section else None
    if "column" not in section:
        c.add("rollout.column", "required when rollout is given, e.g. region")
    has_dates, has_file = section.get("go_live") is not None, section.get("file") is not None
    if has_dates == has_file:
        c.add(
            "rollout",
            "give either go_live (a mapping unit: date) or file (a CSV with unit, "
            "go_live_date), not both and not neither",
        )
        return None
    if has_file:
        file = c.text(section["file"], "rollout.file")
        return Rollout(column, (), file) if column and file else None
    dates = section["go_live"]
    if not isinstance(dates, Mapping):
        example = "{North: 2025-01-01}"
        c.add("rollout.go_live", f"expected a mapping unit: date such as {example}, got {dates!r}")
        return None
    pairs = _rollout_pairs(c, dates.items(), "rollout.go_live", go_live)
    return Rollout(column, pairs) if column and pairs else None


def read_rollout_file(
    client_dir: str | Path, rollout: Rollout, go_live: dt.date | None = None
) -> Rollout:
    """``rollout`` with the units and dates of its ``file`` (one row per unit).

    Raises
    ------
    ParamsError
        When the file is missing, lacks the columns ``unit`` and ``go_live_date``, or holds
        a unit twice, an empty unit or a date that is not YYYY-MM-DD.
    """
    if rollout.file is None:
        return rollout
    path = Path(client_dir) / rollout.file
    c = _Collector(str(path))
    if not path.is_file():
        raise ParamsError(
            f"{path}: rollout.file names no file here; expected a CSV with the columns unit "
            "and go_live_date, one row per unit"
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    if not {"unit", "go_live_date"} <= set(frame.columns):
        raise ParamsError(
            f"{path}: expected the columns unit and go_live_date, got "
            f"{', '.join(frame.columns) or 'none'}"
        )
    for row, unit in enumerate(frame["unit"], start=2):
        if not unit.strip():
            c.add(f"row {row}", "the unit is empty")
    rows = [(u, d) for u, d in zip(frame["unit"], frame["go_live_date"], strict=True) if u.strip()]
    pairs = _rollout_pairs(c, rows, "go_live_date", go_live)
    if c.problems:
        raise ParamsError("\n".join(c.problems))
    return replace(rollout, go_live=pairs, file=None)


def _scorecard(c: _Collector, card: Mapping, known_kpis: Collection[str] | None) -> Scorecard:
    """Params ``scorecard``: targets per KPI and weights per perspective, normalised.

    A target is a number (absolute), or a mapping of ``value`` (absolute) or ``change``
    (relative, a fraction of the before value) and an optional ``weight``. Perspective weights
    not given keep their default (0.25) before all are normalised to sum to one.
    """
    weights = dict(Scorecard().weights)
    given = card.get("weights")
    if given is not None and not isinstance(given, Mapping):
        c.add("scorecard.weights", f"expected a mapping of perspective → weight, got {given!r}")
        given = {}
    for key, value in (given or {}).items():
        where = f"scorecard.weights.{key}"
        if key not in PERSPECTIVES:
            hint = difflib.get_close_matches(str(key), PERSPECTIVES, n=1)
            c.add(
                where,
                "unknown perspective"
                + (f"; did you mean '{hint[0]}'?" if hint else "")
                + f"; expected one of {', '.join(PERSPECTIVES)}",
            )
        elif _weight(c, value, where) is not None:
            weights[key] = float(value)
    total = sum(weights.values())
    if total <= 0:
        c.add(
            "scorecard.weights",
            "all perspective weights are zero; they cannot be normalised to sum to one "
            "(give at least one perspective a positive weight)",
        )
    else:
        weights = {key: value / total for key, value in weights.items()}

    targets: dict[str, float] = {}
    changes: dict[str, float] = {}
    kpi_weights: dict[str, float] = {}
    raw_targets = card.get("targets")
    if raw_targets is not None and not isinstance(raw_targets, Mapping):
        c.add("scorecard.targets", f"expected a mapping of KPI → target, got {raw_targets!r}")
        raw_targets = {}
    known = None if known_kpis is None else sorted(known_kpis)
    for key, value in (raw_targets or {}).items():
        where = f"scorecard.targets.{key}"
        if known is not None and key not in known:
            hint = difflib.get_close_matches(str(key), known, n=1)
            c.add(
                where,
                "unknown KPI"
                + (f"; did you mean '{hint[0]}'?" if hint else "")
                + " (the KPI names are those of the catalog, e.g. win_rate, nps)",
            )
            continue
        if not isinstance(value, Mapping):
            if _finite(value):
                targets[str(key)] = float(value)
            else:
                c.add(where, f"{_TARGET_SHAPE}, got {value!r}")
            continue
        unknown = [str(k) for k in value if k not in _TARGET_KEYS]
        if unknown or ("value" in value) == ("change" in value):
            c.add(where, f"{_TARGET_SHAPE}, got {dict(value)!r}")
            continue
        for part in ("value", "change"):
            if part in value and not _finite(value[part]):
                c.add(f"{where}.{part}", f"expected a number, got {value[part]!r}")
            elif part in value:
                (targets if part == "value" else changes)[str(key)] = float(value[part])
        if "weight" in value and _weight(c, value["weight"], f"{where}.weight") is not None:
            kpi_weights[str(key)] = float(value["weight"])
    return Scorecard(targets=targets, weights=weights, changes=changes, kpi_weights=kpi_weights)


_TARGET_SHAPE = (
    "expected a number (absolute target), {value: number} or {change: fraction} "
    "(relative target), either with an optional weight"
)


def _finite(value: Any) -> bool:
    """True for an int or float (not a bool) that is finite."""
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and bool(np.isfinite(value))
    )


def _weight(c: _Collector, value: Any, key: str) -> float | None:
    """A weight: a finite number, zero or more; otherwise a problem naming ``key``."""
    if not _finite(value) or value < 0:
        c.add(key, f"expected a weight of zero or more, got {value!r}")
        return None
    return float(value)


def _control_unit(c: _Collector, value: Any) -> str | None:
    """``control.unit``: one of :data:`CONTROL_UNITS`, or None (from the column's table)."""
    if value is None:
        return None
    text = str(value).strip().casefold()
    if text in CONTROL_UNITS:
        return text
    hint = difflib.get_close_matches(text, CONTROL_UNITS, n=1, cutoff=0.5)
    c.add(
        "control.unit",
        f"expected one of {', '.join(CONTROL_UNITS)} (the level at which the CRM was assigned), "
        f"got {value!r}" + (f"; did you mean '{hint[0]}'?" if hint else ""),
    )
    return None


def _table_key(c: _Collector, key: str, table: Any) -> bool:
    """Whether ``table`` names a canonical table; otherwise a problem with a "did you mean"."""
    if table in TABLES:
        return True
    hint = difflib.get_close_matches(str(table), list(TABLES), n=1)
    c.add(f"{key}.{table}", "unknown table" + (f"; did you mean '{hint[0]}'?" if hint else ""))
    return False


def _privacy(c: _Collector, section: Mapping) -> Privacy:
    """Params ``privacy``: what reports may show about individual records and people."""
    flags = {
        key: bool(c.boolean(section.get(key, default), f"privacy.{key}"))
        for key, default in (
            ("show_record_ids", False),
            ("pseudonymise", True),
            ("keep_free_text", False),
        )
    }
    raw_extra = section.get("extra_id_columns")
    extra: dict[str, tuple[str, ...]] = {}
    key = "privacy.extra_id_columns"
    expected = "a list of column names, or a mapping of tables (or all) to lists"
    if isinstance(raw_extra, list | tuple | str):
        raw_extra = {ALL_TABLES: raw_extra}
    if raw_extra is None:
        raw_extra = {}
    if not isinstance(raw_extra, Mapping):
        c.add(key, f"expected {expected}, got {raw_extra!r}")
        raw_extra = {}
    for table, names in raw_extra.items():
        if table != ALL_TABLES and not _table_key(c, key, table):
            continue
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list | tuple) or not all(
            isinstance(n, str) and n.strip() for n in names
        ):
            c.add(f"{key}.{table}", f"expected {expected}, got {names!r}")
            continue
        if names:
            extra[str(table)] = tuple(n.strip() for n in names)
    return Privacy(**flags, extra_id_columns=extra)


def _dayfirst(c: _Collector, value: Any) -> bool | str | dict[str, bool | str]:
    """Params ``dayfirst``: true, false or auto, or a mapping of tables to one of them."""
    expected = "expected true, false or auto"
    if isinstance(value, bool) or value == AUTO:
        return value
    if value is None:
        return AUTO
    if not isinstance(value, Mapping):
        c.add("dayfirst", f"{expected}, or one per table such as {{orders: true}}; got {value!r}")
        return AUTO
    per_table: dict[str, bool | str] = {}
    for table, setting in value.items():
        if not _table_key(c, "dayfirst", table):
            continue
        if isinstance(setting, bool) or setting == AUTO:
            per_table[str(table)] = setting
        else:
            c.add(f"dayfirst.{table}", f"{expected}, got {setting!r}")
    return per_table


def _date_format(c: _Collector, value: Any) -> str | dict[str, str | dict[str, str]]:
    """Params ``date_format``: auto or a strftime pattern; or per table, or per table column."""
    return _column_setting(
        c,
        "date_format",
        value,
        kinds=("date", "datetime"),
        noun="date",
        problem=check_date_format,
        not_a_mapping="expected auto, a strftime pattern or a mapping, got",
    )


def _setting_for(value: Any, table: str, column: str) -> Any:
    """A setting of :func:`_column_setting`'s shape for ``table.column``: the most specific
    one given, None for auto."""
    if isinstance(value, Mapping):
        value = value.get(table, AUTO)
    if isinstance(value, Mapping):
        value = value.get(column, AUTO)
    return None if value == AUTO else value


def _column_setting(
    c: _Collector,
    name: str,
    value: Any,
    *,
    kinds: tuple[str, ...],
    noun: str,
    problem: Callable[[str], str | None],
    not_a_mapping: str,
) -> str | dict[str, str | dict[str, str]]:
    """A setting given once, per table, or per column of a table (``date_format``,
    ``number_format``): ``auto``, a value ``problem`` accepts (it returns None for a good one,
    else the message), or a mapping table → value, or table → {column → value} for the
    columns of ``kinds``. Each bad entry is one message at its own key."""
    if value is None or value == AUTO:
        return AUTO
    if isinstance(value, str):
        message = problem(value)
        if message:
            c.add(name, message)
        return AUTO if message else value
    if not isinstance(value, Mapping):
        c.add(name, f"{not_a_mapping} {value!r}")
        return AUTO
    per_table: dict[str, str | dict[str, str]] = {}
    for table, setting in value.items():
        if not _table_key(c, name, table):
            continue
        key = f"{name}.{table}"
        if isinstance(setting, Mapping):
            allowed = sorted(col.name for col in TABLES[table].columns if col.kind in kinds)
            columns: dict[str, str] = {}
            for column, chosen in setting.items():
                if column not in allowed:
                    hint = difflib.get_close_matches(str(column), allowed, n=1)
                    c.add(
                        f"{key}.{column}",
                        f"not a {noun} column of {table}"
                        + (f"; did you mean '{hint[0]}'?" if hint else "")
                        + f" ({noun} columns: {', '.join(allowed) or 'none'})",
                    )
                elif chosen != AUTO and (message := problem(chosen)):
                    c.add(f"{key}.{column}", message)
                else:
                    columns[str(column)] = chosen
            per_table[str(table)] = columns
        elif setting == AUTO or not (message := problem(setting)):
            per_table[str(table)] = setting
        else:
            c.add(key, message)
    return per_table


def _export_layout(c: _Collector, raw: Mapping) -> dict[str, Any]:
    """Params ``source_system``, ``number_format``, ``sheet`` and ``header_row``: how the
    client's files are laid out, as :class:`Assessment` holds them."""
    system = raw.get("source_system", GENERIC)
    system = c.choice(GENERIC if system is None else system, "source_system", SOURCE_SYSTEMS)
    sheets: dict[str, str | int] = {}
    for table, sheet in c.mapping(raw, "sheet").items():
        if not _table_key(c, "sheet", table):
            continue
        numbered = isinstance(sheet, int) and not isinstance(sheet, bool) and sheet >= 1
        if not (numbered or (isinstance(sheet, str) and sheet.strip())):
            c.add(
                f"sheet.{table}",
                f"expected a sheet name or a sheet number counted from 1, got {sheet!r}",
            )
        else:
            sheets[str(table)] = sheet
    header_rows: dict[str, int | str] = {}
    for table, row in c.mapping(raw, "header_row").items():
        if not _table_key(c, "header_row", table):
            continue
        if row == AUTO or c.number(row, f"header_row.{table}", 1, 1_000_000, integer=True):
            header_rows[str(table)] = row
    return {
        "source_system": system or GENERIC,
        "number_format": _number_format(c, raw.get("number_format", AUTO)),
        "sheet": sheets,
        "header_row": header_rows,
    }


def _number_format(c: _Collector, value: Any) -> str | dict[str, str | dict[str, str]]:
    """Params ``number_format``: auto, 1,234.56 or 1.234,56; or per table, or per column."""
    expected = f"expected auto, '{NUMBER_FORMATS[0]}' or '{NUMBER_FORMATS[1]}' (in quotes)"
    return _column_setting(
        c,
        "number_format",
        value,
        kinds=("number", "integer"),
        noun="number",
        problem=lambda form: None if form in NUMBER_FORMATS else f"{expected}, got {form!r}",
        not_a_mapping=f"{expected}, or a mapping per table or column; got",
    )


def _set_dotted(raw: dict, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = raw
    for part in parents:
        if node.get(part) is None:  # absent, or written as an empty section (`stats:`)
            node[part] = {}
        node = node[part]
        if not isinstance(node, dict):
            raise ParamsError(f"override {dotted}: {part} is not a section")
    node[last] = value


def _override_value(value: Any) -> Any:
    """An override as YAML reads it (``"0.01"`` → 0.01); text that is not valid YAML stays text."""
    if not isinstance(value, str):
        return value
    try:
        return yaml.safe_load(value)
    except (yaml.YAMLError, ValueError):  # e.g. "[0.1" or the impossible date 2025-02-30
        return value


def _yaml_where(exc: yaml.YAMLError) -> str:
    """Where and what a YAML error is, e.g. `` (line 8, column 11): while parsing …``."""
    problem = getattr(exc, "problem", None) or str(exc)
    mark, context = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    text = f": {problem}"
    if mark is not None:
        text = f" (line {mark.line + 1}, column {mark.column + 1}){text}"
    if context is not None and (mark is None or context.line != mark.line):
        # an unclosed bracket or quote is noticed lines later: name where it was opened
        text += f"; {getattr(exc, 'context', None) or 'it starts'} at line {context.line + 1}"
    return text


def _bad_value_line(text: str) -> int | None:
    """The line (from 1) of the first scalar that YAML parses but cannot construct."""
    loader = yaml.SafeLoader(text)
    try:
        nodes = [loader.get_single_node()]
        while nodes:
            node = nodes.pop(0)
            if isinstance(node, yaml.ScalarNode):
                try:
                    loader.construct_object(node, deep=True)
                except (yaml.YAMLError, ValueError):
                    return node.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode):
                nodes.extend(node.value)
            elif isinstance(node, yaml.MappingNode):
                nodes.extend(n for pair in node.value for n in pair)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def load_params(
    client_dir: str | Path,
    *,
    overrides: Mapping[str, Any] | None = None,
    known_kpis: Collection[str] | None = None,
) -> Assessment:
    """Read ``CLIENT_DIR/params.yaml`` (safe YAML), apply ``overrides``, and validate.

    Parameters
    ----------
    client_dir : path
        The client folder, holding ``params.yaml``.
    overrides : mapping, optional
        Dotted keys and values that win over the file, e.g. ``{"stats.alpha": 0.01}``;
        string values are read as YAML scalars (``"0.01"`` becomes 0.01).
    known_kpis : collection of str, optional
        The KPI names the scorecard's targets may name, as for :func:`parse_params`.

    Raises
    ------
    ParamsError
        When the file is missing, is not valid YAML, or any parameter is invalid.
    """
    path = Path(client_dir) / "params.yaml"
    if not path.is_file():
        raise ParamsError(
            f"{path}: no params.yaml here; create a client folder with `crmkit init NAME`"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML{_yaml_where(exc)}") from None
    except ValueError as exc:  # a value YAML recognises but cannot build, e.g. 2025-13-01
        if isinstance(exc, UnicodeDecodeError):
            raise ParamsError(f"{path}: not UTF-8 text; save it as UTF-8") from None
        line = _bad_value_line(text)
        where = f" (line {line})" if line else ""
        raise ParamsError(
            f"{path}: a value cannot be read{where}: {exc}; dates are written YYYY-MM-DD"
        ) from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: expected a mapping of parameters such as `client: Acme Ltd`")
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, _override_value(value))
    assessment = parse_params(raw, source=str(path), known_kpis=known_kpis)
    if assessment.rollout is not None and assessment.rollout.file is not None:
        rollout = read_rollout_file(client_dir, assessment.rollout, assessment.go_live_date)
        assessment = replace(assessment, rollout=rollout)
    return assessment
