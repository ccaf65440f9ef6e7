"""How numbers look in a report: percentages, money, KPI values and changes, p-values.

One place for number formatting, shared by the stage notebooks, the generated findings and
the HTML pages, so that a figure reads the same wherever it appears. Computing happens at full
precision elsewhere; only these functions round.

Every formatter takes whatever a results mapping may hold without raising: a number of any
type (Python, numpy, :class:`decimal.Decimal`) is formatted; ``None``, NaN, ±inf, ``pd.NA``,
booleans, strings and other objects are not numbers and read :data:`MISSING`
("not available"). :func:`as_number` is the one rule for what counts as a printable number.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from dataclasses import dataclass
from typing import Any

import pandas as pd

from crmkit.data.guards import finite_number
from crmkit.words.language import term, tr

__all__ = [
    "MISSING",
    "TableView",
    "as_number",
    "display_unit",
    "format_change_pct",
    "format_kpi_change",
    "format_kpi_value",
    "format_money",
    "format_number",
    "format_p_statement",
    "format_signed",
    "format_p_value",
    "format_percent",
    "is_missing",
    "missing_text",
    "unit_words",
]

#: The largest magnitude printed: beyond it even a value's percentage (× 100) overflows.
_LARGEST = sys.float_info.max / 100

#: How a missing or non-finite value reads in English (compare with it; print
#: :func:`missing_text`, which is in the report's language).
MISSING = "not available"


def missing_text() -> str:
    """How a missing value reads in the report's language (:data:`MISSING` in English).

    Examples
    --------
    >>> missing_text()
    'not available'
    """
    return tr("not available")


def unit_words(unit: str) -> str:
    """A unit's words (``"per month"``, ``"days"``) in the report's language.

    Units are names defined with the KPIs (:attr:`crmkit.kpis.KPI.unit`); one the
    catalog does not know stays as written.

    Examples
    --------
    >>> unit_words("per 1,000 orders")
    'per 1,000 orders'
    """
    return term(unit)


@dataclass(frozen=True)
class TableView:
    """A table ready for ``stage.show(view.frame, units=view.units, formats=view.formats)``.

    Attributes
    ----------
    frame : DataFrame
        The table with the column names a reader sees.
    units : dict of str
        Column → unit, shown in the header ("Orders (count)").
    formats : dict of str
        Column → format string for its numbers.
    """

    frame: pd.DataFrame
    units: dict[str, str]
    formats: dict[str, str]


_PARENTHESIS = re.compile(r"\s*\(.*\)\s*$")
_SCALE = re.compile(r"^score \((\d+)\s*[–-]\s*(\d+)\)$")


def is_missing(value: Any) -> bool:
    """True for None, NaN (of any numeric type), ``pd.NA`` and ``NaT``; False otherwise.

    Never raises, whatever ``value`` is. Infinity is not missing (see :func:`as_number` for
    what a report can print).

    Examples
    --------
    >>> is_missing(float("nan")), is_missing(None), is_missing(0.0), is_missing("a")
    (True, True, False, False)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(math.isnan(value))
    except (TypeError, ValueError, OverflowError):
        return False


def as_number(value: Any) -> float | None:
    """``value`` as a finite float when it is a number, else None.

    Numbers are Python and numpy integers and floats and :class:`decimal.Decimal`; booleans,
    strings, None, NaN, ±inf, ``pd.NA`` and any other object are not (a report prints
    :data:`MISSING` for them), nor is a magnitude so large (above 1.8e306) that its
    percentage would overflow.

    Examples
    --------
    >>> as_number(3), as_number(2.5), as_number(float("inf")), as_number(True), as_number("7")
    (3.0, 2.5, None, None, None)
    """
    number = finite_number(value)
    return number if number is not None and abs(number) <= _LARGEST else None


def _digits(decimals: Any) -> int:
    """A number of decimals that a format string accepts (0 to 12; 1 for anything odd)."""
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral):
        return 1
    return min(max(int(decimals), 0), 12)


def _text(value: Any) -> str:
    """A unit or currency code as text: None and missing values are empty."""
    if value is None or is_missing(value):
        return ""
    return value if isinstance(value, str) else str(value)


def format_percent(value: Any, decimals: int = 1) -> str:
    """Format a fraction as a percentage, the report's way.

    Parameters
    ----------
    value : float or None
        A fraction: 0.25 means 25 %. Anything but a finite number gives ``"not available"``.
    decimals : int, default 1
        Digits after the decimal point.

    Returns
    -------
    str
        The percentage with a space before the sign, e.g. ``"25.0 %"``.

    Examples
    --------
    >>> format_percent(0.964)
    '96.4 %'
    >>> format_percent(3.29, decimals=0)
    '329 %'
    >>> format_percent(None)
    'not available'
    """
    number = as_number(value)
    if number is None:
        return missing_text()
    return f"{number * 100:,.{_digits(decimals)}f} %"


def format_money(value: Any, currency: str | None = None, decimals: int = 0) -> str:
    """Format an amount of money with thousands separators and its currency code.

    Parameters
    ----------
    value : float or None
        The amount in the client's currency. Anything but a finite number gives ``"not available"``.
    currency : str, optional
        ISO currency code shown before the amount; left out when not given.
    decimals : int, default 0
        Digits after the decimal point.

    Returns
    -------
    str
        E.g. ``"CNY 1,234,567"``; negative amounts as ``"CNY -1,234,567"``.

    Examples
    --------
    >>> format_money(1234567.4, "CNY")
    'CNY 1,234,567'
    >>> format_money(-2500, "EUR")
    'EUR -2,500'
    """
    number = as_number(value)
    if number is None:
        return missing_text()
    amount = f"{number:,.{_digits(decimals)}f}"
    if amount.lstrip("-").strip("0.,") == "":
        amount = amount.lstrip("-")  # no "-0"
    return f"{_text(currency)} {amount}" if _text(currency) else amount


def format_number(value: Any) -> str:
    """A number with as many decimals as its size deserves (3 significant digits, at least).

    Examples
    --------
    >>> format_number(38610281.9), format_number(51.04), format_number(2.771), format_number(0.0123)
    ('38,610,282', '51.0', '2.77', '0.0123')
    """
    number = as_number(value)
    if number is None:
        return missing_text()
    size = abs(number)
    if size >= 100:
        return f"{number:,.0f}"
    if size >= 10:
        return f"{number:,.1f}"
    if size >= 1 or size == 0:
        return f"{number:,.2f}"
    return f"{number:,.3g}"


def _in_unit(number: float, unit: str, currency: str, *, with_unit: bool) -> str:
    """A number in a unit that is neither a share, a ratio nor a score scale.

    Money (a unit starting with ``currency``) with its currency code and the rest of the unit,
    anything else as the number and the unit without its parenthesis; ``with_unit=False``
    gives the number alone.

    Examples
    --------
    >>> _in_unit(5528.3, "currency per month", "CNY", with_unit=True)
    'CNY 5,528 per month'
    >>> _in_unit(18.04, "per 1,000 orders (count)", "", with_unit=True)
    '18.0 per 1,000 orders'
    """
    if unit.startswith("currency"):
        if not with_unit:
            return format_money(number)
        rest = unit.removeprefix("currency").strip()
        money = format_money(number, currency)
        return tr("{amount} {unit}", amount=money, unit=unit_words(rest)) if rest else money
    if not with_unit:
        return format_number(number)
    words = unit_words(_PARENTHESIS.sub("", unit).strip())
    amount = format_number(number)
    return tr("{amount} {unit}", amount=amount, unit=words) if words else amount


def format_kpi_value(value: Any, unit: str, currency: str = "", *, with_unit: bool = True) -> str:
    """A KPI's value with its unit, as a reader expects it.

    Parameters
    ----------
    value : float or None
        At full precision; shares and ratios are fractions (0.25 = 25 %).
    unit : str
        The KPI's unit (:attr:`crmkit.kpis.KPI.unit`): ``share`` and ``ratio`` read as
        percentages, units starting with ``currency`` as money in ``currency``, ``score (1–5)``
        as "3.58 of 5", others as the number followed by the unit without its parenthesis.
    currency : str
        The client's currency code.
    with_unit : bool, default True
        False gives the number alone, as a table with a unit column shows it (shares and
        ratios in percent, money without its code).

    Examples
    --------
    >>> format_kpi_value(0.263, "share")
    '26.3 %'
    >>> format_kpi_value(0.263, "share", with_unit=False), format_kpi_value(5528.3, "currency", with_unit=False)
    ('26.3', '5,528')
    >>> format_kpi_value(3.29, "ratio")
    '329 %'
    >>> format_kpi_value(5528.28, "currency", "CNY")
    'CNY 5,528'
    >>> format_kpi_value(38610281.9, "currency per month", "CNY")
    'CNY 38,610,282 per month'
    >>> format_kpi_value(3.581, "score (1–5)")
    '3.58 of 5'
    >>> format_kpi_value(72.0, "points (0–100)")
    '72.0 points'
    >>> format_kpi_value(18.04, "per 1,000 orders")
    '18.0 per 1,000 orders'
    """
    value = as_number(value)
    if value is None:
        return missing_text()
    unit, currency = _text(unit), _text(currency)
    if unit in ("share", "ratio"):
        decimals = 1 if unit == "share" else 0
        if not with_unit:
            return f"{value * 100:,.{decimals}f}"
        return format_percent(value, decimals=decimals)
    scale = _SCALE.match(unit)
    if scale and with_unit:
        return tr("{value} of {top}", value=format_number(value), top=scale.group(2))
    return _in_unit(value, unit, currency, with_unit=with_unit)


def format_kpi_change(change: Any, unit: str, currency: str = "", *, with_unit: bool = True) -> str:
    """A change of a KPI, signed, in the KPI's unit (shares in percentage points).

    ``with_unit=False`` gives the signed number alone (shares in points, money without code).

    Examples
    --------
    >>> format_kpi_change(0.0612, "share", with_unit=False), format_kpi_change(-9.0, "days", with_unit=False)
    ('+6.1', '−9.00')
    >>> format_kpi_change(0.0612, "share")
    '+6.1 percentage points'
    >>> format_kpi_change(-9.0, "days")
    '−9.00 days'
    >>> format_kpi_change(409.5, "currency", "CNY")
    '+CNY 410'
    >>> format_kpi_change(0.42, "score (1–5)")
    '+0.42 points on the 1–5 scale'
    """
    change = as_number(change)
    if change is None:
        return missing_text()
    unit, currency = _text(unit), _text(currency)
    sign = "+" if change > 0 else ("\u2212" if change < 0 else "\u00b1")
    size = abs(change)
    if unit in ("share", "ratio"):
        points = f"{sign}{size * 100:,.1f}"
        return tr("{points} percentage points", points=points) if with_unit else points
    scale = _SCALE.match(unit)
    if scale and with_unit:
        return tr(
            "{change} points on the {low}–{high} scale",
            change=f"{sign}{format_number(size)}",
            low=scale.group(1),
            high=scale.group(2),
        )
    return sign + _in_unit(size, unit, currency, with_unit=with_unit)


def format_change_pct(value: Any, decimals: int = 1) -> str:
    """A relative change, signed, as a percentage (0.08 → "+8.0 %").

    Examples
    --------
    >>> format_change_pct(0.08), format_change_pct(-0.2967), format_change_pct(None)
    ('+8.0 %', '−29.7 %', 'not available')
    """
    value = as_number(value)
    if value is None:
        return missing_text()
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "\u00b1")
    return f"{sign}{abs(value) * 100:,.{_digits(decimals)}f} %"


def display_unit(unit: str, currency: str = "") -> str:
    """A KPI's unit as a table's unit column shows it.

    Examples
    --------
    >>> display_unit("share"), display_unit("currency per month", "CNY"), display_unit("score (1–5)")
    ('%', 'CNY per month', 'score 1–5')
    """
    unit, currency = _text(unit), _text(currency)
    if unit in ("share", "ratio"):
        return "%"
    if unit.startswith("currency"):
        rest = unit.removeprefix("currency").strip()
        return (
            tr("{currency} {unit}", currency=currency, unit=unit_words(rest)) if rest else currency
        )
    return unit_words(unit.replace("(", "").replace(")", ""))


def format_p_value(p: Any) -> str:
    """A p-value as reports print it: three decimals, or "< 0.001".

    Examples
    --------
    >>> format_p_value(0.0231), format_p_value(0.00002), format_p_value(0.5)
    ('0.023', '< 0.001', '0.500')
    """
    p = as_number(p)
    if p is None:
        return missing_text()
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def format_p_statement(p: Any) -> str:
    """A p-value as a sentence states it: "p < 0.001", else "p = " and :func:`format_p_value`.

    Examples
    --------
    >>> format_p_statement(0.00002), format_p_statement(0.0231), format_p_statement(None)
    ('p < 0.001', 'p = 0.023', 'p = not available')
    """
    number = as_number(p)
    if number is not None and number < 0.001:
        return "p < 0.001"
    return f"p = {format_p_value(p)}"


def format_signed(value: Any, scale: float = 1.0) -> str:
    """A change times ``scale`` with its sign and one decimal: "+8.0", "−2.5", "±0.0".

    ``scale`` 100 writes a change of a share in percentage points. A missing value is "n/a".

    Examples
    --------
    >>> format_signed(8.0), format_signed(-0.025, 100), format_signed(0.0), format_signed(None)
    ('+8.0', '−2.5', '±0.0', 'n/a')
    """
    number = as_number(value)
    if number is None:
        return tr("n/a")
    sign = "+" if number > 0 else ("−" if number < 0 else "±")
    return f"{sign}{abs(number) * scale:.1f}"
