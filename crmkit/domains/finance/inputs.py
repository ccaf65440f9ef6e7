"""The canonical ``costs`` and ``benefits`` tables checked, cleaned and laid out per year.

The building blocks every figure of :mod:`crmkit.domains.finance` starts from: the checks of
the options (rate, horizon, choices), the cleaning of a table to canonical columns within the
horizon (one message per broken rule), risk-adjusted amounts, yearly totals, and discount
factors at end-of-year timing (year 0 is not discounted, year n by ``(1 + r)**n``).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "NOT_STATED",
    "ROI_CONVENTIONS",
    "RoiConvention",
    "adjusted_amounts",
    "check_choice",
    "check_horizon",
    "check_rate",
    "clean_table",
    "discount_factors",
    "none_if_nan",
    "per_year",
    "ratio",
    "row_labels",
    "year_labels",
]

RoiConvention = Literal["present_value", "simple"]
ROI_CONVENTIONS = ("present_value", "simple")

#: What a missing category or phase is called.
NOT_STATED = "not stated"


def check_rate(value: Any, name: str = "discount_rate") -> float:
    """``value`` as a rate per year (a finite number ≥ 0), or ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number such as 0.10 (10 % a year), got {value!r}")
    rate = float(value)
    if not math.isfinite(rate) or rate < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0 such as 0.10, got {value!r}")
    return rate


def check_horizon(value: Any) -> int:
    """``value`` as the horizon in years (a whole number ≥ 1), or ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"horizon_years must be a whole number ≥ 1, got {value!r}")
    return int(value)


def check_choice(value: Any, choices: tuple[str, ...], name: str) -> str:
    """``value`` when it is one of ``choices``, else ValueError naming ``name``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def row_labels(labels: pd.Index) -> str:
    """The first ten row labels for a message, with the count when there are more."""
    shown = ", ".join(str(label) for label in list(labels)[:10])
    return shown + (f" … ({len(labels)} rows)" if len(labels) > 10 else "")


def clean_table(
    table: pd.DataFrame | None, name: str, *, horizon_years: int
) -> tuple[pd.DataFrame, list[str]]:
    """The table with canonical columns and dtypes, within the horizon, and its notes.

    Columns: year (int64), category, phase (str; "not stated" when missing), amount,
    risk_adjustment (float64; missing risk means 0).
    """
    columns = ["year", "category", "phase", "amount", "risk_adjustment"]
    if table is None:
        table = pd.DataFrame(columns=["year", "category", "amount"])
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in ("year", "category", "amount") if c not in table.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(missing)}; expected year, category, amount"
            " (optional: risk_adjustment" + (", phase)" if name == "costs" else ")")
        )
    problems = []
    year = pd.to_numeric(table["year"], errors="coerce").astype("float64")
    bad = ~np.isfinite(year) | (year < 0) | (year != np.floor(year))
    if bad.any():
        problems.append(
            f"{name}, column year, rows {row_labels(table.index[bad.to_numpy()])}: expected a whole "
            "number ≥ 0 (0 = initial)"
        )
    amount = pd.to_numeric(table["amount"], errors="coerce").astype("float64")
    bad = ~np.isfinite(amount.to_numpy()) | (amount.to_numpy() < 0)
    if bad.any():
        problems.append(
            f"{name}, column amount, rows {row_labels(table.index[bad])}: expected a number ≥ 0 "
            "in the client's currency"
        )
    if "risk_adjustment" in table.columns:
        raw_risk = table["risk_adjustment"]
        risk = pd.to_numeric(raw_risk, errors="coerce").astype("float64")
        bad = (risk.isna() & raw_risk.notna()) | (risk < 0) | (risk > 1)
        if bad.any():
            problems.append(
                f"{name}, column risk_adjustment, rows {row_labels(table.index[bad.to_numpy()])}: "
                "expected a fraction from 0 to 1, e.g. 0.15"
            )
        risk = risk.fillna(0.0)
    else:
        risk = pd.Series(0.0, index=table.index)
    if problems:
        raise ValueError("\n".join(problems))

    def _text(column: str) -> pd.Series:
        if column not in table.columns:
            return pd.Series(NOT_STATED, index=table.index, dtype=object)
        values = table[column].astype(object)
        text = values.map(lambda v: str(v).strip() if pd.notna(v) else "")
        return text.where(text != "", NOT_STATED)

    clean = pd.DataFrame(
        {
            "year": year.astype("int64").to_numpy(),
            "category": _text("category").to_numpy(dtype=object),
            "phase": _text("phase").to_numpy(dtype=object),
            "amount": amount.to_numpy(),
            "risk_adjustment": risk.to_numpy(dtype="float64"),
        },
        columns=columns,
    )
    notes = []
    beyond = clean["year"] > horizon_years
    if beyond.any():
        years = sorted(set(clean.loc[beyond, "year"]))
        listed = ", ".join(str(y) for y in years)
        notes.append(
            f"{name}: {int(beyond.sum())} row(s) in year(s) {listed}, beyond the "
            f"{horizon_years}-year horizon, were left out (amount "
            f"{clean.loc[beyond, 'amount'].sum():,.0f})"
        )
        clean = clean.loc[~beyond].reset_index(drop=True)
    return clean, notes


def adjusted_amounts(table: pd.DataFrame, kind: str, risk_adjusted: bool) -> np.ndarray:
    """Amounts, risk-adjusted if asked: benefits × (1 − risk), costs × (1 + risk)."""
    amount = table["amount"].to_numpy(dtype="float64")
    if not risk_adjusted:
        return amount
    sign = 1.0 if kind == "costs" else -1.0
    return amount * (1.0 + sign * table["risk_adjustment"].to_numpy(dtype="float64"))


def per_year(table: pd.DataFrame, amounts: np.ndarray, horizon_years: int) -> np.ndarray:
    """The ``amounts`` of a clean table summed per year, index 0 … ``horizon_years``."""
    years = table["year"].to_numpy(dtype="int64")
    return np.bincount(years, weights=amounts, minlength=horizon_years + 1).astype("float64")


def discount_factors(rate: float, horizon_years: int) -> np.ndarray:
    """``1 / (1 + rate)**year`` for year 0 … ``horizon_years`` (end-of-year timing)."""
    return 1.0 / (1.0 + rate) ** np.arange(horizon_years + 1)


def year_labels(horizon_years: int) -> list[str]:
    """The columns of the yearly tables: "Initial", "Year 1" … "Year N"."""
    return ["Initial"] + [f"Year {year}" for year in range(1, horizon_years + 1)]


def none_if_nan(value: Any) -> Any:
    """None for a non-finite float, a plain Python number for a numpy one (JSON-ready)."""
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        return None
    if isinstance(value, np.floating | np.integer):
        return value.item()
    return value


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when the denominator is 0."""
    return None if denominator == 0 else float(numerator / denominator)
