"""Satisfaction with a purchase (CSAT, 1–5) and the effort it takes (CES, 1–7).

CSAT is read as its top-2-box share (answers 4–5) with a Wilson interval, and as its mean;
CES as its mean, on the CES 2.0 agreement scale (7 = "the company made it easy for me"), so
higher is better. Means carry the t interval.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.domains.survey.responses import CES_SCALE, CSAT_SCALE, scoped_windows, valid_scores
from crmkit.stats.primitives import check_alpha, t_critical, wilson_interval

__all__ = ["CSAT_SHARES", "ces", "csat", "csat_shares", "csat_windows"]

#: The columns of :func:`csat_shares` after ``window`` and ``n``.
CSAT_SHARES: tuple[str, ...] = ("satisfied_share", "neutral_share", "dissatisfied_share")


def _mean_interval(x: np.ndarray, alpha: float) -> tuple[float, float, float, float]:
    """mean, sd, and the t interval of the mean (NaN where undefined)."""
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    sd = float(x.std(ddof=1))
    half = t_critical(alpha, n - 1) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def csat(scores: npt.ArrayLike | pd.Series, *, alpha: float = 0.05) -> pd.DataFrame:
    """Customer satisfaction (CSAT, 1–5): the top-2-box share and the mean, with intervals.

    Parameters
    ----------
    scores : array-like of int
        One answer per response, 1–5; missing answers are dropped.
    alpha : float, default 0.05
        The intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row:

        - ``n``: answers used;
        - ``top2``: answers of 4 or 5 ("satisfied" or "very satisfied");
        - ``top2_share``: top2 / n; ``top2_ci_low``, ``top2_ci_high``: its Wilson interval;
        - ``mean``, ``sd``: mean and standard deviation (n − 1) of the answers;
        - ``mean_ci_low``, ``mean_ci_high``: t interval of the mean.

    Notes
    -----
    Wilson interval of :math:`\\hat p = x/n`:
    :math:`(x + z^2/2 \\pm z\\sqrt{x(n-x)/n + z^2/4}) / (n + z^2)`
    (:func:`crmkit.stats.impact.wilson_interval`). Mean: :math:`\\bar x \\pm t_{1-\\alpha/2,n-1}\\,s/\\sqrt n`.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22, 209–212.
    Hayes, B. E. (2008). Measuring Customer Satisfaction and Loyalty, 3rd ed. ASQ Quality Press.

    Examples
    --------
    >>> row = csat([5, 4, 4, 3, 2, 5, 4, 1, 5, 4])
    >>> row[["n", "top2", "top2_share", "mean"]].iloc[0].tolist()
    [10.0, 7.0, 0.7, 3.7]
    """
    check_alpha(alpha)
    x = valid_scores(scores, "scores", CSAT_SCALE)
    n = x.size
    top = int((x >= 4).sum())
    low, high = wilson_interval(top, n, alpha=alpha)
    mean, sd, mean_low, mean_high = _mean_interval(x, alpha)
    return pd.DataFrame(
        {
            "n": [n],
            "top2": [top],
            "top2_share": [top / n if n else math.nan],
            "top2_ci_low": [low],
            "top2_ci_high": [high],
            "mean": [mean],
            "sd": [sd],
            "mean_ci_low": [mean_low],
            "mean_ci_high": [mean_high],
        }
    )


def ces(
    scores: npt.ArrayLike | pd.Series,
    *,
    alpha: float = 0.05,
    scale: tuple[int, int] = CES_SCALE,
) -> pd.DataFrame:
    """Customer Effort Score: the mean answer with its t interval.

    Parameters
    ----------
    scores : array-like of int
        One answer per response on ``scale``; missing answers are dropped.
    alpha : float, default 0.05
        The interval has level 1 − alpha.
    scale : (int, int), default (1, 7)
        Inclusive bounds of the scale (CES 2.0: 1 = strongly disagree … 7 = strongly agree that
        the company made it easy; higher is better).

    Returns
    -------
    pandas.DataFrame
        One row: ``n`` (answers used), ``mean``, ``sd`` (n − 1), ``ci_low``, ``ci_high``
        (t interval of the mean).

    Notes
    -----
    :math:`\\bar x \\pm t_{1-\\alpha/2,n-1}\\,s/\\sqrt n`.

    References
    ----------
    Dixon, M., Freeman, K. & Toman, N. (2010). Stop trying to delight your customers. Harvard
    Business Review 88(7/8), 116–122.

    Examples
    --------
    >>> ces([7, 6, 5, 6, 4])[["n", "mean"]].iloc[0].tolist()
    [5.0, 5.6]
    """
    check_alpha(alpha)
    x = valid_scores(scores, "scores", scale)
    mean, sd, low, high = _mean_interval(x, alpha)
    return pd.DataFrame(
        {"n": [x.size], "mean": [mean], "sd": [sd], "ci_low": [low], "ci_high": [high]}
    )


def csat_windows(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Literal["crm", "control", "all"] = "crm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """CSAT (top-2 share and mean) and CES per window, with their intervals.

    Parameters
    ----------
    surveys, assessment, customers, scope
        As :func:`crmkit.domains.survey.changes.survey_changes`.
    alpha : float, default 0.05
        The intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        Two rows (``window`` "before", "after"): ``csat_n``, ``top2_share``,
        ``top2_ci_low``, ``top2_ci_high``, ``csat_mean``, ``csat_mean_ci_low``,
        ``csat_mean_ci_high`` (:func:`csat`), ``ces_n``, ``ces_mean``, ``ces_ci_low``,
        ``ces_ci_high`` (:func:`ces`); NaN (and n 0) for a score the survey does not have.
    """
    check_alpha(alpha)
    rows = []
    for name, part in scoped_windows(surveys, assessment, customers=customers, scope=scope).items():
        row: dict[str, Any] = {"window": name}
        c = csat(part["csat"] if "csat" in part else [], alpha=alpha).iloc[0]
        e = ces(part["ces"] if "ces" in part else [], alpha=alpha).iloc[0]
        row |= {
            "csat_n": int(c["n"]),
            "top2_share": c["top2_share"],
            "top2_ci_low": c["top2_ci_low"],
            "top2_ci_high": c["top2_ci_high"],
            "csat_mean": c["mean"],
            "csat_mean_ci_low": c["mean_ci_low"],
            "csat_mean_ci_high": c["mean_ci_high"],
            "ces_n": int(e["n"]),
            "ces_mean": e["mean"],
            "ces_ci_low": e["ci_low"],
            "ces_ci_high": e["ci_high"],
        }
        rows.append(row)
    return pd.DataFrame(rows)


def csat_shares(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Literal["crm", "control", "all"] = "crm",
) -> pd.DataFrame:
    """Shares of satisfied (4–5), neutral (3) and dissatisfied (1–2) CSAT answers per window.

    Parameters
    ----------
    surveys, assessment, customers, scope
        As :func:`crmkit.domains.survey.changes.survey_changes`.

    Returns
    -------
    pandas.DataFrame
        Two rows (``window`` "before", "after"): ``n`` (answers), ``satisfied_share``,
        ``neutral_share``, ``dissatisfied_share`` (fractions, NaN without answers). No rows
        without a csat column.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> s = pd.DataFrame({"response_date": pd.to_datetime(["2024-03-01"] * 4),
    ...                   "csat": [5, 4, 3, 1]})
    >>> csat_shares(s, a).to_dict("records")[0]
    {'window': 'before', 'n': 4, 'satisfied_share': 0.5, 'neutral_share': 0.25, 'dissatisfied_share': 0.25}
    """
    columns = ["window", "n", *CSAT_SHARES]
    if "csat" not in surveys.columns:
        return pd.DataFrame(columns=columns)
    rows = []
    for name, part in scoped_windows(surveys, assessment, customers=customers, scope=scope).items():
        x = valid_scores(part["csat"], "csat", CSAT_SCALE)
        n = x.size
        counts = [(x >= 4).sum(), (x == 3).sum(), (x <= 2).sum()]
        rows.append([name, n, *(c / n if n else math.nan for c in counts)])
    return pd.DataFrame(rows, columns=columns)
