"""Reading a column of amounts or rates the way an export wrote them, never by a silent guess.

Exports write 1234.5 as ``1234.5``, ``1,234.50``, ``$1,234.50``, ``1.234,50 €``, ``1 234,50``
or ``1'234.50``; a negative as ``-1,234`` or ``(1,234.00)``; a rate as ``12.5%``.
:func:`parse_numbers` reads one column at a time:

- a blank cell and ``-`` are missing values, not zeros;
- currency symbols ($ € £ ¥ …) are dropped, and so is the run's currency code
  (``USD 1,200`` when params say ``currency: USD``); another code (``12 EUR``) is not read;
- ``(123.00)`` and a trailing minus (``123-``) are negative;
- ``%`` divides by 100 in a column that holds a fraction (``fraction=True``); elsewhere a
  percentage is not a valid value.

Two ways of writing a decimal number exist (params ``number_format``):

============ ============================= ==============================================
format       decimal mark, thousands       e.g.
============ ============================= ==============================================
``1,234.56`` point; comma, space or '      ``1,234.50``, ``1 234.5``, ``0.125``
``1.234,56`` comma; point, space or '      ``1.234,50``, ``1 234,5``, ``0,125``
============ ============================= ==============================================

Most values can be read one way only (``1,234.50``, ``12,5``); some either way with two
different values (``1,234`` is 1234 or 1.234; ``1.234`` is 1.234 or 1234). Per column:

- params ``number_format`` reads every cell that way; a cell that can only be read the other
  way is :attr:`NumberReading.contradicting`;
- else the cells that can be read one way only decide (if both ways occur, the more frequent
  decides and the others are contradicting);
- else, when some cell is ambiguous, the column is :attr:`NumberReading.undecided` and
  validation stops with one error naming the parameter to set.

In a column of whole numbers a reading that is not whole does not count (``1,234`` of a
count is 1234). Nothing here prints or reads files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "COMMA_DECIMAL",
    "NUMBER_FORMATS",
    "POINT_DECIMAL",
    "NumberReading",
    "parse_number",
    "parse_numbers",
]

POINT_DECIMAL = "1,234.56"
COMMA_DECIMAL = "1.234,56"
#: The values of params ``number_format`` (besides ``auto``).
NUMBER_FORMATS = (POINT_DECIMAL, COMMA_DECIMAL)
NumberFormat = Literal["1,234.56", "1.234,56"]

_MISSING = frozenset({"", "-", "–", "—", "--"})
_CURRENCY_SYMBOLS = re.compile(r"[$€£¥￥₹₩₽₺₫₪฿₱¢元]")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_POINT = re.compile(r"(?:[1-9]\d{0,2}(?P<sep>[, '])\d{3}(?:(?P=sep)\d{3})*|\d+)(?:\.\d+)?|\.\d+")
_COMMA = re.compile(r"(?:[1-9]\d{0,2}(?P<sep>[. '])\d{3}(?:(?P=sep)\d{3})*|\d+)(?:,\d+)?|,\d+")
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d+")
_PLAIN = r"^[+-]?\d+(?:\.\d+)?$"  # read by pandas at once; ambiguous only as _THREE_DECIMALS
_THREE_DECIMALS = r"^[+-]?[1-9]\d{0,2}\.\d{3}$"
_GROUPED = (  # pattern, thousands separator, the reading it gives (the other gives none)
    (r"^[+-]?[1-9]\d{0,2}(?:,\d{3})+\.\d+$", ",", "point"),
    (r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+,\d+$", ".", "comma"),
)


def _strings(values: pd.Series) -> pa.Array:
    """Cells as an Arrow string array, stripped of surrounding spaces; missing stays null."""
    cells = values.to_numpy(dtype=object)
    try:
        strings = pa.array(cells, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers among the text of an object column
        cells = values.astype("str").where(values.notna()).to_numpy(dtype=object)
        strings = pa.array(cells, type=pa.string(), from_pandas=True)
    return pc.utf8_trim_whitespace(strings)


def _floats(strings: pa.Array) -> np.ndarray:
    """Plain numbers written as text (``-380.5``, ``+42``, ``007``) as floats."""
    return pc.cast(pc.utf8_ltrim(strings, characters="+"), pa.float64()).to_numpy(
        zero_copy_only=False
    )


def _read(body: str, pattern: re.Pattern[str], decimal: str) -> float | None:
    match = pattern.fullmatch(body)
    if match is None:
        return None
    separator = match.group("sep")
    digits = body.replace(separator, "") if separator else body
    return float(digits.replace(decimal, "."))


def parse_number(
    cell: str, *, currency: str | None = None
) -> tuple[float | None, float | None, bool] | None:
    """One cell read both ways: (point-decimal value, comma-decimal value, written with %).

    A value is None where the cell cannot be read that way; the whole result is None for a
    missing value (blank or ``-``). The percent sign is reported, not applied.

    Examples
    --------
    >>> parse_number("$1,234.50"), parse_number("1.234,50 €"), parse_number("1,234")
    ((1234.5, None, False), (None, 1234.5, False), (1234.0, 1.234, False))
    >>> parse_number("(123.00)"), parse_number("12.5%"), parse_number("-")
    ((-123.0, None, False), (12.5, None, True), None)
    >>> parse_number("CNY 1 234", currency="CNY"), parse_number("12 EUR", currency="USD")
    ((1234.0, 1234.0, False), (None, None, False))
    """
    text = cell.strip()
    if text in _MISSING:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = _CURRENCY_SYMBOLS.sub("", text)
    if currency:
        code = re.escape(currency)
        text = re.sub(rf"^\s*{code}(?![A-Za-z])|(?<![A-Za-z]){code}\s*$", "", text, flags=re.I)
    text = text.strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if text[:1] in ("-", "−", "+"):
        negative ^= text[0] != "+"
        text = text[1:].strip()
    elif text.endswith("-"):
        negative, text = not negative, text[:-1].strip()
    text = _SPACES.sub(" ", text)
    if _SCIENTIFIC.fullmatch(text):
        value = float(text)
        point = comma = value
    else:
        point, comma = _read(text, _POINT, "."), _read(text, _COMMA, ",")
    sign = -1.0 if negative else 1.0
    return (
        None if point is None else sign * point,
        None if comma is None else sign * comma,
        percent,
    )


@dataclass(frozen=True)
class NumberReading:
    """One column read as numbers, and how its decimal marks were read.

    Attributes
    ----------
    values : Series
        ``float64``; NaN where no value was given or it could not be read.
    bad : ndarray of bool
        True where a value was given but cannot be read (including :attr:`contradicting`).
    number_format : {'1,234.56', '1.234,56'} or None
        How the column was read; None when no cell needed a decision, or when the column is
        :attr:`undecided` (its ambiguous cells are then read as ``1,234.56`` only so that the
        other checks see a number; validation stops the run).
    decided_by : {'params', 'data', ''}
        Params ``number_format``, the column's one-way cells, or nothing.
    point_decimal, comma_decimal, ambiguous : ndarray of bool
        Cells that can only be read as ``1,234.56``, only as ``1.234,56``, or either way with
        two different values.
    contradicting : ndarray of bool
        Cells that can only be read the way the column is not read.
    percent : ndarray of bool
        Cells written with ``%`` (read as a fraction only where the column holds one).
    """

    values: pd.Series
    bad: np.ndarray
    number_format: NumberFormat | None
    decided_by: str
    point_decimal: np.ndarray
    comma_decimal: np.ndarray
    ambiguous: np.ndarray
    contradicting: np.ndarray
    percent: np.ndarray

    @property
    def undecided(self) -> bool:
        """True when ambiguous cells exist and neither params nor any cell decides them."""
        return bool(self.number_format is None and self.ambiguous.any())

    @property
    def evidence(self) -> np.ndarray:
        """The cells that decided the column's format (empty unless ``decided_by == 'data'``)."""
        if self.decided_by != "data":
            return np.zeros_like(self.ambiguous)
        return self.point_decimal if self.number_format == POINT_DECIMAL else self.comma_decimal


def parse_numbers(
    values: pd.Series,
    *,
    number_format: str | None = None,
    fraction: bool = False,
    whole: bool = False,
    currency: str | None = None,
) -> NumberReading:
    """Read one column as numbers, deciding the decimal mark from the column itself.

    Parameters
    ----------
    values : Series
        Raw cells: text from CSV or Excel, or typed values from Parquet.
    number_format : {'1,234.56', '1.234,56'}, optional
        Params ``number_format`` for this column; None (``auto``) lets the cells decide.
    fraction : bool
        The column holds a fraction: ``12.5%`` is read as 0.125.
    whole : bool
        The column holds whole numbers: a reading that is not whole does not count.
    currency : str, optional
        The run's currency code, dropped where a cell writes it (``USD 1,200``).

    Returns
    -------
    NumberReading
        The numbers and how they were read (see the module docstring).

    Examples
    --------
    >>> r = parse_numbers(pd.Series(["1.234", "12,5", None]))
    >>> r.values.tolist()[:2], r.number_format, r.decided_by
    ([1234.0, 12.5], '1.234,56', 'data')
    >>> parse_numbers(pd.Series(["1,234", "2,500"])).undecided
    True
    >>> parse_numbers(pd.Series(["1,234", "2,500"]), number_format="1.234,56").values.tolist()
    [1.234, 2.5]
    >>> parse_numbers(pd.Series(["12.5%", "(3.00)"]), fraction=True).values.tolist()
    [0.125, -3.0]
    """
    n = len(values)
    none = np.zeros(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        typed = values.astype("float64")
        return NumberReading(typed, none, None, "", none, none, none, none, none)
    given = values.notna().to_numpy().copy()
    strings = _strings(values)
    point, comma, percent = np.full(n, np.nan), np.full(n, np.nan), none.copy()
    # fast path, in Arrow: plain numbers such as 1250 or 380.5 (only d.ddd is read two ways)
    is_plain = pc.fill_null(pc.match_substring_regex(strings, _PLAIN), False)
    plain = is_plain.to_numpy(zero_copy_only=False).astype(bool)
    if plain.any():
        where = np.flatnonzero(plain)
        plain_strings = strings.filter(is_plain)
        point[where] = _floats(plain_strings)
        either = pc.or_(  # 1250 is 1250 both ways; 1.234 is 1.234 or 1234
            pc.invert(pc.match_substring(plain_strings, ".")),
            pc.match_substring_regex(plain_strings, _THREE_DECIMALS),
        )
        grouped = pc.replace_substring(plain_strings.filter(either), ".", "")
        comma[where[either.to_numpy(zero_copy_only=False).astype(bool)]] = _floats(grouped)
    for pattern, group, target in _GROUPED:  # 1,234.50 and 1.234,50: one reading each
        is_grouped = pc.fill_null(pc.match_substring_regex(strings, pattern), False)
        grouped_rows = is_grouped.to_numpy(zero_copy_only=False).astype(bool) & ~plain
        if grouped_rows.any():
            digits = pc.replace_substring(strings.filter(is_grouped), group, "")
            target_values = _floats(pc.replace_substring(digits, ",", "."))
            (point if target == "point" else comma)[grouped_rows] = target_values
            plain |= grouped_rows
    rest = given & ~plain
    if rest.any():
        codes, uniques = pd.factorize(pd.Series(strings.filter(pa.array(rest)).to_pylist()))
        parsed = [parse_number(u, currency=currency) for u in uniques]
        blank = np.array([p is None for p in parsed], dtype=bool)
        p_vals = np.array([np.nan if p is None or p[0] is None else p[0] for p in parsed])
        c_vals = np.array([np.nan if p is None or p[1] is None else p[1] for p in parsed])
        pct = np.array([p is not None and p[2] for p in parsed], dtype=bool)
        positions = np.flatnonzero(rest)
        point[positions] = p_vals[codes]
        comma[positions] = c_vals[codes]
        percent[positions] = pct[codes]
        given[positions[blank[codes]]] = False
    point = pd.Series(point, index=values.index)
    comma = pd.Series(comma, index=values.index)
    if fraction:
        point = point.where(~percent, point / 100)
        comma = comma.where(~percent, comma / 100)
    if whole:  # a count's reading that is not whole does not count, if the other one is
        p, c = point.to_numpy(), comma.to_numpy()
        with np.errstate(invalid="ignore"):
            p_whole, c_whole = p % 1 == 0, c % 1 == 0
        point = point.where(~(~p_whole & c_whole))
        comma = comma.where(~(~c_whole & p_whole))
    p_ok, c_ok = point.notna().to_numpy(), comma.notna().to_numpy()
    point_decimal = p_ok & ~c_ok
    comma_decimal = c_ok & ~p_ok
    with np.errstate(invalid="ignore"):
        ambiguous = p_ok & c_ok & (point.to_numpy() != comma.to_numpy())
    decided_by = ""
    chosen: NumberFormat | None = None
    if number_format is not None:
        chosen, decided_by = number_format, "params"  # type: ignore[assignment]
    elif point_decimal.any() or comma_decimal.any():
        more_comma = comma_decimal.sum() > point_decimal.sum()
        chosen, decided_by = (COMMA_DECIMAL if more_comma else POINT_DECIMAL), "data"
    if chosen == COMMA_DECIMAL:
        typed, contradicting = comma.where(c_ok, np.nan), point_decimal
    else:
        typed = point.where(p_ok, np.nan)
        contradicting = comma_decimal if chosen is not None else none
    if not fraction:
        typed = typed.where(~percent)  # 12% is no amount
    typed = typed.where(np.isfinite(typed.to_numpy()))
    bad = given & typed.isna().to_numpy()
    return NumberReading(
        typed.astype("float64"),
        bad,
        chosen,
        decided_by,
        point_decimal,
        comma_decimal,
        ambiguous,
        contradicting & given,
        percent,
    )
