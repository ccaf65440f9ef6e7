"""Multi-item scales: Cronbach's alpha with Feldt's interval, and each item's fit.

Some surveys ask several questions about one idea (four loyalty statements, each 1–5) so that
their total measures it better than any single question. :func:`item_scales` finds such scales
by their column names, :func:`cronbach_alpha` says how consistently the items measure one
thing, :func:`item_analysis` which item fits and :func:`alpha_reading` George & Mallery's band.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.stats.primitives import check_alpha

__all__ = [
    "ACCEPTABLE_ALPHA",
    "ITEM_COLUMN",
    "WEAK_ITEM_CORRELATION",
    "AlphaReading",
    "alpha_reading",
    "cronbach_alpha",
    "item_analysis",
    "item_number",
    "item_scales",
]

#: An item column: a prefix, an optional underscore and the item's number (``loyalty_1``).
ITEM_COLUMN = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9]*?)_?(?P<number>\d+)$")
_SINGLE_SCORES = frozenset({"nps", "csat", "ces"})


def _item_matrix(items: pd.DataFrame, nan_policy: str) -> tuple[pd.DataFrame, int]:
    """The items as floats (listwise: complete rows only) and the number of respondents."""
    if not isinstance(items, pd.DataFrame):
        raise ValueError("items must be a DataFrame with one column per item")
    if nan_policy not in ("listwise", "pairwise"):
        raise ValueError(f"nan_policy must be 'listwise' or 'pairwise', got {nan_policy!r}")
    try:
        data = items.astype(float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"items must hold numbers: {error}") from None
    if nan_policy == "listwise":
        data = data.dropna(axis=0, how="any")
    n, k = data.shape
    if k < 2:
        raise ValueError(f"at least 2 items are needed, got {k}")
    return data, n


def cronbach_alpha(
    items: pd.DataFrame,
    *,
    alpha: float = 0.05,
    nan_policy: Literal["listwise", "pairwise"] = "listwise",
) -> pd.DataFrame:
    """Cronbach's alpha of a multi-item scale, with Feldt's confidence interval.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per respondent, one column per item (e.g. ``loyalty_1`` … ``loyalty_4``),
        scored in the same direction (reverse-score negatively worded items first).
    alpha : float, default 0.05
        The interval has level 1 − alpha (this is the significance level, not the
        coefficient).
    nan_policy : {"listwise", "pairwise"}, default "listwise"
        "listwise": drop respondents with any missing item (every figure from the same
        people); "pairwise": each covariance from the respondents who answered both items
        (pingouin's default; n is then all rows).

    Returns
    -------
    pandas.DataFrame
        One row: ``alpha`` (the coefficient), ``ci_low``, ``ci_high`` (Feldt interval),
        ``n`` (respondents used), ``k`` (items). NaN when fewer than 2 respondents remain or
        the total score does not vary.

    Notes
    -----
    With item covariance matrix :math:`C` (n − 1 denominators),

    .. math:: \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i \\sigma^2_i}{\\sigma^2_{total}}\\right)
              = \\frac{k}{k-1}\\left(1 - \\frac{\\mathrm{tr}\\,C}{\\mathbf 1^T C\\,\\mathbf 1}\\right).

    Feldt (1965): :math:`(1-\\alpha)/(1-\\hat\\alpha) \\sim F(n-1, (n-1)(k-1))`, so

    .. math:: c_L = 1 - (1-\\hat\\alpha)\\,F_{1-a/2}(n-1, (n-1)(k-1)),\\quad
              c_U = 1 - (1-\\hat\\alpha)\\,F_{a/2}(n-1, (n-1)(k-1)),

    with :math:`a` = ``alpha`` — as pingouin's ``cronbach_alpha``. Read the value with
    :func:`alpha_reading`.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16, 297–334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder–Richardson reliability
    coefficient twenty. Psychometrika 30, 357–370.
    Feldt, L. S., Woodruff, D. J. & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. Applied Psychological Measurement 11, 93–103.

    Examples
    --------
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 4], "q3": [1, 3, 3, 4, 5]})
    >>> round(float(cronbach_alpha(items)["alpha"].iloc[0]), 4)
    0.9451
    """
    check_alpha(alpha)
    data, n = _item_matrix(items, nan_policy)
    k = data.shape[1]
    if n < 2:
        value = low = high = math.nan
    else:
        cov = data.cov().to_numpy()
        total = float(cov.sum())
        if not total > 0:
            value = low = high = math.nan
        else:
            value = k / (k - 1) * (1 - float(np.trace(cov)) / total)
            df1, df2 = n - 1, (n - 1) * (k - 1)
            low = 1 - (1 - value) * float(stats.f.isf(alpha / 2, df1, df2))
            high = 1 - (1 - value) * float(stats.f.isf(1 - alpha / 2, df1, df2))
    return pd.DataFrame({"alpha": [value], "ci_low": [low], "ci_high": [high], "n": [n], "k": [k]})


def item_analysis(
    items: pd.DataFrame, *, nan_policy: Literal["listwise", "pairwise"] = "listwise"
) -> pd.DataFrame:
    """Per item of a scale: its corrected item–total correlation and the alpha without it.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per respondent, one column per item (as :func:`cronbach_alpha`).
    nan_policy : {"listwise", "pairwise"}, default "listwise"
        As :func:`cronbach_alpha`.

    Returns
    -------
    pandas.DataFrame
        One row per item, in column order:

        - ``item``: the column name; ``n``: respondents used;
        - ``mean``, ``sd``: the item's mean and standard deviation (n − 1);
        - ``item_total_correlation``: correlation of the item with the sum of the *other*
          items (corrected; below about 0.3 the item measures something else);
        - ``alpha_if_deleted``: Cronbach's alpha of the scale without the item (above the
          scale's alpha: the scale is more consistent without it; NaN with 2 items).

    Notes
    -----
    From the covariance matrix :math:`C`, with :math:`c_i = \\sum_j C_{ij}` and
    :math:`T = \\sum_{ij} C_{ij}`: the rest score's variance is :math:`T - 2c_i + C_{ii}`, its
    covariance with item i is :math:`c_i - C_{ii}`, so
    :math:`r_{i,rest} = (c_i - C_{ii}) / \\sqrt{C_{ii}(T - 2c_i + C_{ii})}` and
    :math:`\\alpha_{-i} = \\frac{k-1}{k-2}\\left(1 - \\frac{\\mathrm{tr}\\,C - C_{ii}}{T - 2c_i + C_{ii}}\\right)`.

    References
    ----------
    Nunnally, J. C. & Bernstein, I. H. (1994). Psychometric Theory, 3rd ed. McGraw-Hill, ch. 8.

    Examples
    --------
    >>> items = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 4], "q3": [1, 3, 3, 4, 5]})
    >>> item_analysis(items)["alpha_if_deleted"].round(4).tolist()
    [0.8529, 0.9783, 0.9091]
    """
    data, n = _item_matrix(items, nan_policy)
    k = data.shape[1]
    cov = data.cov().to_numpy() if n >= 2 else np.full((k, k), np.nan)
    diag = np.diag(cov)
    row = cov.sum(axis=1)
    total = cov.sum()
    rest_var = total - 2 * row + diag
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = (row - diag) / np.sqrt(diag * rest_var)
        if k > 2:
            deleted = (k - 1) / (k - 2) * (1 - (np.trace(cov) - diag) / rest_var)
        else:
            deleted = np.full(k, np.nan)
    return pd.DataFrame(
        {
            "item": [str(c) for c in data.columns],
            "n": np.full(k, n, dtype=np.int64),
            "mean": data.mean().to_numpy(),
            "sd": data.std(ddof=1).to_numpy(),
            "item_total_correlation": corr,
            "alpha_if_deleted": deleted,
        }
    )


class AlphaReading(StrEnum):
    """George & Mallery's band of a reliability coefficient; its value is the band's name.

    Examples
    --------
    >>> AlphaReading.GOOD == "good", f"{AlphaReading.NOT_AVAILABLE}"
    (True, 'not available')
    """

    EXCELLENT = "excellent"
    GOOD = "good"
    ACCEPTABLE = "acceptable"
    QUESTIONABLE = "questionable"
    POOR = "poor"
    UNACCEPTABLE = "unacceptable"
    #: The coefficient is missing.
    NOT_AVAILABLE = "not available"


#: The lower bound of each band, from the top; below the last is unacceptable.
_READINGS = (
    (0.9, AlphaReading.EXCELLENT),
    (0.8, AlphaReading.GOOD),
    (0.7, AlphaReading.ACCEPTABLE),
    (0.6, AlphaReading.QUESTIONABLE),
    (0.5, AlphaReading.POOR),
)
#: Cronbach's alpha from which a scale's total score can be used as one figure.
ACCEPTABLE_ALPHA = 0.7
#: Below this corrected item–total correlation an item measures something else.
WEAK_ITEM_CORRELATION = 0.3


def alpha_reading(value: float) -> AlphaReading:
    """George & Mallery's words for a reliability coefficient.

    Parameters
    ----------
    value : float
        Cronbach's alpha.

    Returns
    -------
    AlphaReading
        "excellent" (≥ 0.9), "good" (≥ 0.8), "acceptable" (≥ 0.7), "questionable" (≥ 0.6),
        "poor" (≥ 0.5), "unacceptable" (< 0.5); "not available" for a missing value.

    References
    ----------
    George, D. & Mallery, P. (2003). SPSS for Windows Step by Step: A Simple Guide and
    Reference, 11.0 Update, 4th ed. Allyn & Bacon, p. 231.

    Examples
    --------
    >>> [str(alpha_reading(v)) for v in (0.83, 0.7, 0.42)]
    ['good', 'acceptable', 'unacceptable']
    >>> alpha_reading(0.83) is AlphaReading.GOOD
    True
    """
    if value is None or pd.isna(value):
        return AlphaReading.NOT_AVAILABLE
    for threshold, reading in _READINGS:
        if value >= threshold:
            return reading
    return AlphaReading.UNACCEPTABLE


def item_scales(surveys: pd.DataFrame, *, min_items: int = 2) -> dict[str, list[str]]:
    """The multi-item scales in a survey table: columns that share a prefix and end in a number.

    Parameters
    ----------
    surveys : pandas.DataFrame
        The survey table.
    min_items : int, default 2
        Fewer numbered columns than this with one prefix are not a scale.

    Returns
    -------
    dict of str to list of str
        Prefix → its item columns in number order (``{"loyalty": ["loyalty_1", …]}``),
        prefixes in alphabetical order. Only numeric columns count; ``nps``, ``csat`` and
        ``ces`` are single scores, never items.

    Examples
    --------
    >>> s = pd.DataFrame(columns=["response_id", "nps", "loyalty_2", "loyalty_1", "trust1",
    ...                           "trust2", "trust3", "q1"])
    >>> item_scales(s.astype(float))
    {'loyalty': ['loyalty_1', 'loyalty_2'], 'trust': ['trust1', 'trust2', 'trust3']}
    """
    found: dict[str, list[tuple[int, str]]] = {}
    for column in surveys.columns:
        match = ITEM_COLUMN.match(str(column))
        if not match or str(column).lower() in _SINGLE_SCORES:
            continue
        if not pd.api.types.is_numeric_dtype(surveys[column]) or pd.api.types.is_bool_dtype(
            surveys[column]
        ):
            continue
        found.setdefault(match["prefix"], []).append((int(match["number"]), str(column)))
    return {
        prefix: [name for _, name in sorted(items)]
        for prefix, items in sorted(found.items())
        if len(items) >= min_items
    }


def item_number(column: str) -> int | None:
    """The number that ends an item column (``loyalty_2`` → 2), None for another column.

    Examples
    --------
    >>> item_number("loyalty_2"), item_number("trust3"), item_number("nps")
    (2, 3, None)
    """
    match = ITEM_COLUMN.match(str(column))
    return int(match["number"]) if match else None
