"""Reading a column of dates the way its writer meant them, never by a silent guess.

A client's export may write 4 March 2024 as ``2024-03-04``, ``20240304``, ``45355`` (an Excel
serial day), ``04/03/2024`` (day first) or ``03/04/2024`` (month first). :func:`read_dates`
reads one column at a time and decides its format from the column's own values:

=========================== ===============================================================
written as                  read as
=========================== ===============================================================
ISO 8601                    as written (``2024-03-04``, ``2024-03-04 10:05``, ``…T10:05Z``;
                            a UTC offset is dropped, keeping the local time)
YYYYMMDD (8 digits)         year, month, day (``19970101``, also as an integer column)
5 digits, optional decimals an Excel serial day (``45355`` = 2024-03-04; ``.5`` = noon)
d/m/y, m/d/y                day first or month first, decided per column (below); the
                            separator may be ``/``, ``.``, ``-`` or a space, the year has 2 or
                            4 digits, a time may follow
month names and the rest    as pandas reads them (``4 March 2024``, ``Mar 4, 2024``)
=========================== ===============================================================

Day first or month first
------------------------
A row whose first field is above 12 (``25/03/2024``) can only be day first; a row whose
second field is above 12 (``03/25/2024``) only month first; a row such as ``03/04/2024`` is
ambiguous. In one column:

- params ``date_format`` (a strftime pattern) reads every cell by that pattern, nothing else;
- else params ``dayfirst: true | false`` decides, and rows that contradict it cannot be read;
- else (``dayfirst: auto``, the default) the unambiguous rows decide; rows of both kinds are
  a contradiction (:attr:`DateReading.contradictory`), and ambiguous rows with nothing to
  decide them leave the column undecided (:attr:`DateReading.undecided`). Validation turns
  both into errors that name the rows and the parameter to set.

Nothing here prints or reads files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DAY_MONTH",
    "EXCEL_EPOCH",
    "DateReading",
    "as_timestamp",
    "check_date_format",
    "read_dates",
]

#: A date written day-month-year or month-day-year (two 1–2 digit fields, then the year),
#: optionally followed by a time. Groups: first, separator, second, year, rest.
DAY_MONTH = re.compile(r"^(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4}|\d{2})((?:[ T].*)?)$")
#: Day 0 of Excel's 1900 date system as Excel counts from 1 March 1900 on.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# DAY_MONTH for pyarrow's RE2 (no back-references: the separators are compared afterwards).
_DAY_MONTH_RE2 = (
    r"^(?P<first>\d{1,2})(?P<sep1>[/.\- ])(?P<second>\d{1,2})(?P<sep2>[/.\- ])"
    r"(?P<year>\d{4}|\d{2})(?P<rest>(?:[ T].*)?)$"
)
_SERIAL = r"^\d{5}(?:\.\d+)?$"
# A UTC offset after a time ("10:00Z", "10:00:00+01:00", "10:00 +0100").
_OFFSET = r"(?<=\d)\s*(?:Z|UTC|[+-]\d{2}:?\d{2})$"

Order = Literal["day first", "month first"]


@dataclass(frozen=True)
class DateReading:
    """One column read as dates, and how its day-month rows were read.

    Attributes
    ----------
    values : Series
        ``datetime64[ns]``; NaT where no value was given or it could not be read.
    bad : ndarray of bool
        True where a value was given but cannot be read (including rows that contradict
        params ``dayfirst``, see :attr:`contradicting`).
    order : {'day first', 'month first'} or None
        How ambiguous day-month rows were read; None when the column has none, or when it is
        :attr:`undecided` or :attr:`contradictory` (then they are read month first, only so
        that the other checks see a date; validation stops the run).
    decided_by : {'format', 'params', 'data', ''}
        What decided: params ``date_format``, params ``dayfirst``, the column's unambiguous
        rows, or nothing.
    day_first, month_first, ambiguous : ndarray of bool
        Rows that can only be day first, only month first, or either (the same day when
        read either way, such as ``05/05/2024``, is not ambiguous).
    contradicting : ndarray of bool
        Rows that params ``dayfirst`` cannot read (a ``25/03/2024`` with ``dayfirst: false``).
    """

    values: pd.Series
    bad: np.ndarray
    order: Order | None
    decided_by: str
    day_first: np.ndarray
    month_first: np.ndarray
    ambiguous: np.ndarray
    contradicting: np.ndarray

    @property
    def undecided(self) -> bool:
        """True when ambiguous rows exist and neither params nor any row decides them."""
        return bool(
            self.order is None
            and self.ambiguous.any()
            and not self.day_first.any()
            and not self.month_first.any()
        )

    @property
    def contradictory(self) -> bool:
        """True when, without params, some rows can only be day first and others month first."""
        return bool(self.decided_by == "" and self.day_first.any() and self.month_first.any())

    @property
    def resolved(self) -> np.ndarray:
        """The ambiguous rows whose reading the decision settled (for a note to the user)."""
        return self.ambiguous if self.order is not None else np.zeros_like(self.ambiguous)


def check_date_format(pattern: Any) -> str | None:
    """Why ``pattern`` is not a usable strftime pattern for dates, or None when it is.

    Examples
    --------
    >>> check_date_format("%d/%m/%Y") is None
    True
    >>> check_date_format("dd/mm/yyyy")
    "expected a strftime pattern such as '%d/%m/%Y', got 'dd/mm/yyyy'"
    """
    example = "expected a strftime pattern such as '%d/%m/%Y'"
    if not isinstance(pattern, str) or "%" not in pattern:
        return f"{example}, got {pattern!r}"
    sample = dt.datetime(2024, 3, 14, 10, 5, 6)
    try:
        back = dt.datetime.strptime(sample.strftime(pattern), pattern)
    except ValueError as exc:
        return f"{example}, got {pattern!r} ({exc})"
    if back.date() != sample.date():
        return f"{pattern!r} does not name the year, month and day (%Y or %y, %m or %b, %d)"
    return None


def _in_ns_range(typed: pd.Series) -> pd.Series:
    """``typed`` as ``datetime64[ns]``, with dates beyond its range (years 1677–2262) as NaT.

    A typo such as 3024-01-01 then counts as a date that cannot be read, not as a crash.
    """
    lo, hi = pd.Timestamp.min, pd.Timestamp.max
    if len(typed) and str(typed.dtype) != "datetime64[ns]":
        outside = typed.notna() & ((typed < lo) | (typed > hi))
        typed = typed.where(~outside)
    return typed.astype("datetime64[ns]")


def _to_datetime(text: pd.Series, **options: Any) -> pd.Series:
    """Parse text dates; a time's UTC offset is dropped, keeping the time as written.

    Local time is what matters for the day a row belongs to, and one column may mix offsets
    (summer and winter time), which pandas cannot hold in one column.
    """
    try:
        typed = pd.to_datetime(text, errors="coerce", **options)
    except (ValueError, TypeError):  # "Mixed timezones detected"
        typed = None
    if typed is None or typed.dt.tz is not None:
        text = text.str.replace(_OFFSET, "", regex=True)
        try:
            typed = pd.to_datetime(text, errors="coerce", **options)
        except (ValueError, TypeError):
            typed = pd.to_datetime(text, errors="coerce", utc=True, **options)
        if typed.dt.tz is not None:
            typed = typed.dt.tz_localize(None)
    return _in_ns_range(typed)


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped text, missing stays missing; whole floats lose their ``.0``."""
    if pd.api.types.is_float_dtype(values):
        whole = values.dropna()
        if len(whole) and (whole % 1 == 0).all():
            values = values.astype("Int64")
    return values.astype("str").str.strip().where(values.notna())


def _serial_days(text: pd.Series) -> pd.Series:
    """Excel serial days (1900 system, from 1 March 1900 on) as timestamps."""
    days = pd.to_numeric(text, errors="coerce")
    return _in_ns_range(EXCEL_EPOCH + pd.to_timedelta(days, unit="D"))


def _day_month_parts(text: pd.Series) -> pd.DataFrame:
    """The fields of :data:`DAY_MONTH` (first, second, year, rest) per cell; NA where the cell
    is no day-month date. Vectorised with pyarrow: a column may hold a million cells."""
    strings = pa.array(text.to_numpy(dtype=object), type=pa.string())
    found = pc.extract_regex(strings, _DAY_MONTH_RE2)
    fields = {
        name: pd.Series(
            found.field(name).to_pandas(types_mapper=None), index=text.index, dtype="str"
        )
        for name in ("first", "sep1", "second", "sep2", "year", "rest")
    }
    parts = pd.DataFrame(fields)
    matched = pc.is_valid(found).to_numpy(zero_copy_only=False)  # children of a null are junk
    same = matched & (parts["sep1"] == parts["sep2"]).fillna(False).to_numpy(dtype=bool)
    return parts[["first", "second", "year", "rest"]].where(pd.Series(same, index=text.index))


def _day_month(parts: pd.DataFrame, order: Order) -> pd.Series:
    """Day-month rows (from :func:`_day_month_parts`) read in ``order``, as timestamps."""
    first = parts["first"].astype(int)
    second = parts["second"].astype(int)
    day, month = (first, second) if order == "day first" else (second, first)
    year = parts["year"].astype(int)
    short = parts["year"].str.len() == 2  # strptime's %y: 69–99 → 1969–1999, 00–68 → 2000–68
    year = year.where(~short, np.where(year < 69, 2000 + year, 1900 + year))
    iso = (
        year.astype(str).str.zfill(4)
        + "-"
        + month.astype(str).str.zfill(2)
        + "-"
        + day.astype(str).str.zfill(2)
        + parts["rest"].fillna("")
    )
    valid = (month <= 12) & (day <= 31)
    read = _to_datetime(iso.where(valid), format="ISO8601")
    retry = valid & read.isna()  # a time ISO 8601 does not know, e.g. "10:05 PM"
    if retry.any():
        read[retry] = _to_datetime(iso[retry], format="mixed")
    return read


def read_dates(
    values: pd.Series, *, dayfirst: bool | None = None, date_format: str | None = None
) -> DateReading:
    """Read one column as dates, deciding day first or month first from the column itself.

    Parameters
    ----------
    values : Series
        Raw cells: text from CSV or Excel, or typed values from Parquet.
    dayfirst : bool, optional
        Params ``dayfirst`` for this table: True or False reads ambiguous rows so; None
        (``auto``) lets the column's unambiguous rows decide.
    date_format : str, optional
        Params ``date_format`` for this column: every cell is read by this strftime pattern.

    Returns
    -------
    DateReading
        The dates and how they were read (see the module docstring).

    Examples
    --------
    >>> r = read_dates(pd.Series(["03/04/2024", "25/03/2024"]))
    >>> r.values.dt.strftime("%Y-%m-%d").tolist(), r.order, r.decided_by
    (['2024-04-03', '2024-03-25'], 'day first', 'data')
    >>> read_dates(pd.Series(["03/04/2024", "05/06/2024"])).undecided
    True
    >>> read_dates(pd.Series([19970101, 45355])).values.dt.strftime("%Y-%m-%d").tolist()
    ['1997-01-01', '2024-03-04']
    """
    n = len(values)
    none = np.zeros(n, dtype=bool)
    given = values.notna().to_numpy().copy()
    if pd.api.types.is_datetime64_any_dtype(values):
        typed = values.dt.tz_localize(None) if values.dt.tz is not None else values
        return DateReading(_in_ns_range(typed), none, None, "", none, none, none, none)
    text = _as_text(values)
    given &= (text != "").fillna(False).to_numpy()
    if date_format is not None:
        typed = _in_ns_range(pd.to_datetime(text, format=date_format, errors="coerce"))
        bad = given & typed.isna().to_numpy()
        return DateReading(typed, bad, None, "format", none, none, none, none)

    # ISO 8601 first, on every cell: it reads no day-month form and no serial day (it
    # declines 03/04/2024 and 45355), so what it reads needs no decision
    typed = _to_datetime(text.where(given), format="ISO8601")
    rest = given & typed.isna().to_numpy()
    day_first, month_first, ambiguous = none.copy(), none.copy(), none.copy()
    order: Order | None = None
    decided_by = ""
    contradicting = none
    if rest.any():
        # the other forms, read once per distinct text (a column repeats its dates)
        codes, uniques = pd.factorize(text[rest])
        unique = pd.Series(uniques, dtype="str")
        parts = _day_month_parts(unique)
        is_dm = parts["first"].notna().to_numpy()
        first = pd.to_numeric(parts["first"], errors="coerce").to_numpy()
        second = pd.to_numeric(parts["second"], errors="coerce").to_numpy()
        with np.errstate(invalid="ignore"):
            kinds = {
                "day_first": is_dm & (first > 12) & (second <= 12),
                "month_first": is_dm & (second > 12) & (first <= 12),
                "ambiguous": is_dm & (first <= 12) & (second <= 12) & (first != second),
            }
        for name, target in (
            ("day_first", day_first),
            ("month_first", month_first),
            ("ambiguous", ambiguous),
        ):
            target[rest] = kinds[name][codes]
        if dayfirst is not None:
            order, decided_by = ("day first" if dayfirst else "month first"), "params"
            contradicting = month_first if dayfirst else day_first
        elif day_first.any() and not month_first.any():
            order, decided_by = "day first", "data"
        elif month_first.any() and not day_first.any():
            order, decided_by = "month first", "data"
        read = pd.Series(pd.NaT, index=unique.index, dtype="datetime64[ns]")
        if is_dm.any():
            rows = parts[is_dm]
            if order is not None:
                read[is_dm] = _day_month(rows, order).to_numpy()
            else:  # undecided or contradictory: each row as it can be read, only to carry on
                only_day = kinds["day_first"][is_dm]
                dm = _day_month(rows, "month first")
                if only_day.any():
                    dm[only_day] = _day_month(rows[only_day], "day first")
                read[is_dm] = dm.to_numpy()
        strings = pa.array(unique.to_numpy(dtype=object), type=pa.string())
        serial = ~is_dm & pc.match_substring_regex(strings, _SERIAL).to_numpy(zero_copy_only=False)
        if serial.any():
            read[serial] = _serial_days(unique[serial]).to_numpy()
        other = ~is_dm & ~serial
        if other.any():  # month names and the like
            read[other] = _to_datetime(unique[other], format="mixed").to_numpy()
        typed[rest] = read.to_numpy()[codes]
    if contradicting.any():
        typed[contradicting] = pd.NaT
    return DateReading(
        typed,
        given & typed.isna().to_numpy(),
        order,
        decided_by,
        day_first,
        month_first,
        ambiguous,
        contradicting,
    )


def as_timestamp(value: Any, name: str, *, drop_timezone: bool = False) -> pd.Timestamp:
    """One date given as a parameter (a date, a datetime or a text) as a pandas Timestamp.

    Parameters
    ----------
    value : date, datetime, str or Timestamp
        The date.
    name : str
        The parameter's name, for the message when ``value`` is not a date.
    drop_timezone : bool, default False
        Return a time-zone-aware value as the same wall-clock time without its zone.

    Raises
    ------
    ValueError
        When ``value`` is missing or cannot be read as a date.

    Examples
    --------
    >>> as_timestamp("2025-01-01", "go_live")
    Timestamp('2025-01-01 00:00:00')
    >>> as_timestamp("2025-01-01 09:00+08:00", "go_live", drop_timezone=True)
    Timestamp('2025-01-01 09:00:00')
    >>> as_timestamp("soon", "go_live")
    Traceback (most recent call last):
    ...
    ValueError: go_live must be a date, got 'soon'
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a date, got {value!r}") from error
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, got {value!r}")
    if drop_timezone and stamp.tzinfo is not None:
        return stamp.tz_localize(None)
    return stamp
