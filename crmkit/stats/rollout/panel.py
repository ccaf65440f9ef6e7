"""A long panel and its go-live dates, checked and turned into integer codes.

Periods become integer ordinals so that "periods since go-live" is a subtraction:
``pd.Period`` values use their own ordinal (months for a monthly frequency), timestamps
their calendar month (``year · 12 + month − 1``; a go-live inside a month makes that month the
first treated one), integers stay as they are (years, for example).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Panel", "prepare_panel"]


@dataclass(frozen=True)
class Panel:
    """A checked long panel: one entry per row with an outcome, codes instead of labels."""

    unit: np.ndarray  #: unit code of each row (0 … n_units − 1)
    units: pd.Index  #: unit labels, by code
    period: np.ndarray  #: period ordinal of each row
    y: np.ndarray  #: outcome of each row
    weight: np.ndarray  #: weight of each row (ones when none is given)
    first_treated: np.ndarray  #: first treated period ordinal of each unit, NaN if never
    label: Callable[[int], Any]  #: period ordinal → label of the panel's kind

    @property
    def n_units(self) -> int:
        return len(self.units)

    def with_first_treated(self, first_treated: np.ndarray) -> Panel:
        """The same panel with another assignment of go-live periods to units."""
        return Panel(
            self.unit, self.units, self.period, self.y, self.weight, first_treated, self.label
        )

    def with_outcome(self, y: np.ndarray) -> Panel:
        """The same panel with another outcome."""
        return Panel(
            self.unit, self.units, self.period, y, self.weight, self.first_treated, self.label
        )


def _period_codes(values: pd.Series) -> tuple[np.ndarray, Callable[[Any], float]]:
    """Integer ordinals of a period column, and the converter of a go-live date to one."""
    if isinstance(values.dtype, pd.PeriodDtype):
        freq = values.dtype.freq

        def period_of(value: Any) -> float:
            stamp = value if isinstance(value, pd.Period) else pd.Period(value, freq=freq)
            return float(stamp.asfreq(freq).ordinal)

        return pd.PeriodIndex(values).asi8.astype(np.int64), period_of
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        stamps = pd.DatetimeIndex(values)

        def month_of(value: Any) -> float:
            stamp = pd.Timestamp(value.to_timestamp() if isinstance(value, pd.Period) else value)
            return float(stamp.year * 12 + stamp.month - 1)

        return np.asarray(stamps.year * 12 + stamps.month - 1, dtype=np.int64), month_of
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.to_numpy(dtype=np.int64), lambda value: float(int(value))
    raise ValueError(
        f"period column {values.name!r} must hold pd.Period values, timestamps or integers, "
        f"not {values.dtype}"
    )


def _label_maker(values: pd.Series) -> Callable[[int], Any]:
    if isinstance(values.dtype, pd.PeriodDtype):
        freq = values.dtype.freq
        return lambda ordinal: pd.Period(ordinal=int(ordinal), freq=freq)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return lambda ordinal: pd.Timestamp(
            year=int(ordinal) // 12, month=int(ordinal) % 12 + 1, day=1
        )
    return int


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def prepare_panel(
    panel: pd.DataFrame,
    go_live: Mapping[Any, Any],
    *,
    unit: str = "unit",
    period: str = "period",
    outcome: str = "outcome",
    weight: str | None = None,
) -> Panel:
    """Check a long panel and code its units, periods and go-live dates.

    Rows whose outcome (or weight) is missing are dropped. Units of ``go_live`` that are absent
    from the panel, unparseable dates and negative weights raise :class:`ValueError` naming
    them. Units absent from ``go_live``, or mapped to ``None``/``NaT``, are never treated.
    """
    if not isinstance(panel, pd.DataFrame):
        raise ValueError("panel must be a pandas DataFrame")
    needed = [unit, period, outcome] + ([weight] if weight is not None else [])
    missing = [name for name in needed if name not in panel.columns]
    if missing:
        raise ValueError(f"panel has no column(s) {missing}; it has {list(panel.columns)}")
    try:
        y_all = pd.to_numeric(panel[outcome]).to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"outcome column {outcome!r} must be numeric") from None
    keep = np.isfinite(y_all)
    w_all = np.ones_like(y_all)
    if weight is not None:
        w_all = pd.to_numeric(panel[weight]).to_numpy(dtype=float)
        bad = np.flatnonzero(w_all < 0)
        if bad.size:
            raise ValueError(f"weight column {weight!r} is negative in rows {bad[:5].tolist()}")
        keep &= np.isfinite(w_all) & (w_all > 0)
    if panel[unit].isna().any():
        rows = np.flatnonzero(panel[unit].isna().to_numpy())[:5].tolist()
        raise ValueError(f"unit column {unit!r} is empty in rows {rows}")
    if panel[period].isna().any():
        rows = np.flatnonzero(panel[period].isna().to_numpy())[:5].tolist()
        raise ValueError(f"period column {period!r} is empty in rows {rows}")
    ordinals, to_ordinal = _period_codes(panel[period])
    codes, units = pd.factorize(panel[unit], sort=True)
    known = set(units)
    unknown = [name for name in go_live if name not in known]
    if unknown:
        raise ValueError(f"go_live names units absent from the panel: {unknown[:10]}")
    first = np.full(len(units), np.nan)
    position = {name: index for index, name in enumerate(units)}
    for name, date in go_live.items():
        if _is_missing(date):
            continue
        try:
            first[position[name]] = to_ordinal(date)
        except (TypeError, ValueError):
            raise ValueError(f"go_live of unit {name!r} is not a date: {date!r}") from None
    return Panel(
        unit=codes[keep].astype(np.int64),
        units=pd.Index(units),
        period=ordinals[keep],
        y=y_all[keep],
        weight=w_all[keep],
        first_treated=first,
        label=_label_maker(panel[period]),
    )
