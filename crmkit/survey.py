"""Customer surveys: NPS, CSAT, CES, the respondents' representativeness and scale reliability.

Every function is pure (no I/O, no printing, no state) and returns a tidy DataFrame whose
columns are listed in its docstring; numbers stay at full precision (round only for display).
Scores outside their scale, or not whole numbers, raise :class:`ValueError`; missing scores
are dropped.

================================ ===========================================================
function                         what it returns
================================ ===========================================================
:func:`nps`                      Net Promoter Score of a set of 0–10 answers, with its SE
:func:`nps_by`                   the same per segment, region or any other grouping
:func:`compare_nps`              before/after NPS change, z test (:data:`CHANGE_COLUMNS`)
:func:`csat`                     CSAT top-2-box share (Wilson interval) and mean (t interval)
:func:`ces`                      Customer Effort Score mean (t interval)
:func:`survey_changes`           NPS, CSAT and CES before vs after go-live, one row per KPI
:func:`representativeness`       respondent mix vs customer base, chi-square goodness of fit
:func:`cronbach_alpha`           Cronbach's alpha of a multi-item scale, Feldt interval
:func:`item_analysis`            corrected item–total correlation, alpha if item deleted
:func:`alpha_reading`            George & Mallery's words for an alpha value
:func:`survey_findings`          a plain-language paragraph and the limitations
================================ ===========================================================

Scales (DESIGN §3, table ``surveys``): ``nps`` 0–10 (promoters 9–10, passives 7–8,
detractors 0–6), ``csat`` 1–5 (top-2 box: 4–5), ``ces`` 1–7 read as the CES 2.0 agreement
scale ("the company made it easy for me", 7 = strongly agree), so higher is better. The
System Usability Scale is scored by :func:`crmkit.kpis.sus_scores` and not repeated here.

The before/after comparisons return the one-row format of :mod:`crmkit.impact`
(:data:`crmkit.impact.CHANGE_COLUMNS`), without verdicts: the measure stage corrects a
family's p-values and gives the verdicts (:func:`crmkit.impact.finalize`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from crmkit.config import Assessment, Window
from crmkit.customers import control_mask
from crmkit.formats import format_number, format_p_value, format_percent, is_missing
from crmkit.impact import (
    CHANGE_COLUMNS,
    compare_means,
    compare_proportions,
    wilson_interval,
)

__all__ = [
    "CES_SCALE",
    "CSAT_SCALE",
    "NPS_COLUMNS",
    "NPS_SCALE",
    "SurveyFindings",
    "alpha_reading",
    "ces",
    "compare_nps",
    "cronbach_alpha",
    "csat",
    "item_analysis",
    "nps",
    "nps_by",
    "representativeness",
    "survey_changes",
    "survey_findings",
]

#: Inclusive bounds of each survey scale.
NPS_SCALE: tuple[int, int] = (0, 10)
CSAT_SCALE: tuple[int, int] = (1, 5)
CES_SCALE: tuple[int, int] = (1, 7)

#: The columns of :func:`nps` (and, after the grouping columns, of :func:`nps_by`).
NPS_COLUMNS: tuple[str, ...] = (
    "n",
    "promoters",
    "passives",
    "detractors",
    "promoter_share",
    "passive_share",
    "detractor_share",
    "nps",
    "se",
    "ci_low",
    "ci_high",
)

_TEXT_COLUMNS = frozenset({"test", "effect_size_name", "check_test", "interval_method", "note"})
_COUNT_COLUMNS = frozenset({"n_before", "n_after"})
_POWER = 0.80
_SMALL = 30
_NPS_TEST = "two-sample z-test for NPS"
_NPS_CHECK = "chi-square test of the promoter/passive/detractor mix"
_KPI_INFO = {
    "nps": ("Net Promoter Score", "points (−100–100)", "higher"),
    "csat_top2_share": ("CSAT top-2-box share", "share", "higher"),
    "csat_mean": ("CSAT mean", "score (1–5)", "higher"),
    "ces": ("Customer Effort Score", "score (1–7)", "higher"),
}


# --- small helpers ---------------------------------------------------------------------------


def _check_alpha(alpha: float) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number between 0 and 1 (exclusive), got {alpha!r}")


def _z(alpha: float) -> float:
    """z_{1−α/2}."""
    return float(-special.ndtri(alpha / 2))


def _scores(values: Any, name: str, scale: tuple[int, int]) -> np.ndarray:
    """The non-missing answers as floats; ValueError if any is off the scale or fractional."""
    if isinstance(values, pd.DataFrame):
        raise ValueError(f"{name} must be one-dimensional (a Series, array or list), got a table")
    try:
        array = pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must hold numbers: {error}") from None
    array = array[~np.isnan(array)]
    low, high = scale
    bad = (array < low) | (array > high) | (array != np.floor(array))
    if bad.any():
        examples = ", ".join(f"{v:g}" for v in np.unique(array[bad])[:5])
        raise ValueError(
            f"{name} must be whole numbers from {low} to {high}; found {examples} "
            f"({int(bad.sum())} value(s))"
        )
    return array


def _change_row(**values: Any) -> pd.DataFrame:
    """A one-row frame with :data:`CHANGE_COLUMNS` and the dtypes of :mod:`crmkit.impact`."""
    unknown = set(values).difference(CHANGE_COLUMNS)
    if unknown:
        raise TypeError(f"unknown comparison columns: {sorted(unknown)}")
    data: dict[str, Any] = {}
    for column in CHANGE_COLUMNS:
        value = values.get(column)
        if column in _TEXT_COLUMNS:
            data[column] = pd.Series([value], dtype=object)
        elif column in _COUNT_COLUMNS:
            data[column] = np.array([int(value or 0)], dtype=np.int64)
        else:
            data[column] = np.array([math.nan if value is None else float(value)])
    return pd.DataFrame(data, copy=False)


def _in_window(dates: pd.Series, window: Window) -> np.ndarray:
    """True where a date falls on a day of the inclusive window (NaT: False)."""
    start = np.datetime64(pd.Timestamp(window.start), "ns")
    stop = np.datetime64(pd.Timestamp(window.end) + pd.Timedelta(days=1), "ns")
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]")
    return (values >= start) & (values < stop)


def _with_customer_columns(
    frame: pd.DataFrame, columns: Sequence[str], customers: pd.DataFrame | None
) -> pd.DataFrame:
    """``frame`` with ``columns`` it lacks looked up from ``customers`` through customer_id."""
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return frame
    if customers is None or "customer_id" not in frame.columns:
        raise ValueError(
            f"column(s) {missing} are not in the survey table; pass customers (with "
            "customer_id) to look them up through the responding customer"
        )
    absent = [c for c in missing if c not in customers.columns]
    if absent:
        raise ValueError(f"column(s) {absent} are in neither the survey nor the customers table")
    lookup = customers.drop_duplicates("customer_id").set_index("customer_id")
    out = frame.copy()
    for column in missing:
        out[column] = lookup[column].reindex(frame["customer_id"].to_numpy()).to_numpy()
    return out


# --- NPS -------------------------------------------------------------------------------------


def _nps_table(
    n: np.ndarray, promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray, alpha: float
) -> pd.DataFrame:
    """NPS columns from counts (vectorised over groups)."""
    n = np.asarray(n, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_p = np.where(n > 0, promoters / n, np.nan)
        p_a = np.where(n > 0, passives / n, np.nan)
        p_d = np.where(n > 0, detractors / n, np.nan)
        score = 100.0 * (p_p - p_d)
        variance = np.maximum(p_p + p_d - (p_p - p_d) ** 2, 0.0)
        se = 100.0 * np.sqrt(variance / n)
    half = _z(alpha) * se
    return pd.DataFrame(
        {
            "n": n,
            "promoters": np.asarray(promoters, dtype=np.int64),
            "passives": np.asarray(passives, dtype=np.int64),
            "detractors": np.asarray(detractors, dtype=np.int64),
            "promoter_share": p_p,
            "passive_share": p_a,
            "detractor_share": p_d,
            "nps": score,
            "se": se,
            "ci_low": np.maximum(score - half, -100.0),
            "ci_high": np.minimum(score + half, 100.0),
        }
    )


def _nps_counts(x: np.ndarray) -> tuple[int, int, int, int]:
    promoters = int((x >= 9).sum())
    detractors = int((x <= 6).sum())
    return x.size, promoters, x.size - promoters - detractors, detractors


def nps(scores: npt.ArrayLike | pd.Series, *, alpha: float = 0.05) -> pd.DataFrame:
    """Net Promoter Score of a set of "how likely are you to recommend us" answers (0–10).

    Parameters
    ----------
    scores : array-like of int
        One answer per response, 0–10; missing answers are dropped.
    alpha : float, default 0.05
        The interval has level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`NPS_COLUMNS`:

        - ``n``: answers used;
        - ``promoters``, ``passives``, ``detractors``: counts of 9–10, 7–8 and 0–6;
        - ``promoter_share``, ``passive_share``, ``detractor_share``: the same as fractions;
        - ``nps``: 100 × (promoter share − detractor share), from −100 to 100;
        - ``se``: its standard error, in NPS points;
        - ``ci_low``, ``ci_high``: the Wald interval nps ± z·se, clipped to [−100, 100].

        With no answers every share and statistic is NaN.

    Notes
    -----
    Each answer scores +1 (promoter), 0 (passive) or −1 (detractor); the NPS is 100 times their
    mean. With shares :math:`p_P, p_D`, the variance of one answer's score is
    :math:`p_P + p_D - (p_P - p_D)^2`, so

    .. math:: SE(\\mathrm{NPS}) = 100\\sqrt{\\frac{p_P + p_D - (p_P - p_D)^2}{n}}

    and the interval is :math:`\\mathrm{NPS} \\pm z_{1-\\alpha/2}\\,SE`. The Wald interval is
    the common one; with fewer than about 30 answers, or an NPS near ±100, it is rough.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard Business Review 81(12),
    46–54.
    Rocks, B. (2016). Interval estimation for the "net promoter score". The American
    Statistician 70(4), 365–372.

    Examples
    --------
    >>> row = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
    >>> row[["n", "promoters", "detractors", "nps"]].iloc[0].tolist()
    [10.0, 5.0, 3.0, 20.0]
    >>> round(float(row["se"].iloc[0]), 4)
    27.5681
    """
    _check_alpha(alpha)
    x = _scores(scores, "scores", NPS_SCALE)
    n, promoters, passives, detractors = _nps_counts(x)
    return _nps_table(
        np.array([n]), np.array([promoters]), np.array([passives]), np.array([detractors]), alpha
    )


def nps_by(
    surveys: pd.DataFrame,
    by: str | Sequence[str],
    *,
    customers: pd.DataFrame | None = None,
    score: str = "nps",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """NPS per group (segment, region, channel, window …).

    Parameters
    ----------
    surveys : pandas.DataFrame
        The survey table, with the ``score`` column and, unless the grouping columns are in it,
        ``customer_id``.
    by : str or sequence of str
        Grouping column(s). A column the survey table lacks (segment, region) is looked up in
        ``customers`` through the responding customer.
    customers : pandas.DataFrame, optional
        The customers table (``customer_id`` and the grouping columns).
    score : str, default "nps"
        The column holding the 0–10 answers.
    alpha : float, default 0.05
        The intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by the grouping columns: the ``by`` columns, then
        :data:`NPS_COLUMNS` (as :func:`nps`). Responses with a missing group label form their
        own group (label missing); responses with a missing score are dropped.

    Notes
    -----
    The formulas are those of :func:`nps`, computed per group from the counts.

    Examples
    --------
    >>> surveys = pd.DataFrame({"nps": [10, 9, 3, 8, 10, 0], "region": list("NNNSSS")})
    >>> nps_by(surveys, "region")[["region", "n", "nps"]].to_dict("list")
    {'region': ['N', 'S'], 'n': [3, 3], 'nps': [33.33333333333333, 0.0]}
    """
    _check_alpha(alpha)
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError("by must name at least one column")
    if score not in surveys.columns:
        raise ValueError(f"the survey table has no column {score!r}")
    frame = _with_customer_columns(surveys, keys, customers)
    x = pd.Series(_scores(frame[score], score, NPS_SCALE))  # validates; drops missing
    answered = frame.loc[frame[score].notna(), keys].reset_index(drop=True)
    counts = pd.DataFrame(
        {
            "n": np.ones(len(x), dtype=np.int64),
            "promoters": (x >= 9).to_numpy(dtype=np.int64),
            "detractors": (x <= 6).to_numpy(dtype=np.int64),
        }
    )
    grouped = counts.groupby([answered[k] for k in keys], dropna=False, sort=True).sum()
    table = _nps_table(
        grouped["n"].to_numpy(),
        grouped["promoters"].to_numpy(),
        (grouped["n"] - grouped["promoters"] - grouped["detractors"]).to_numpy(),
        grouped["detractors"].to_numpy(),
        alpha,
    )
    labels = grouped.index.to_frame(index=False)
    labels.columns = keys
    return pd.concat([labels, table], axis=1)


def compare_nps(
    before: npt.ArrayLike | pd.Series,
    after: npt.ArrayLike | pd.Series,
    *,
    alpha: float = 0.05,
    min_n: int = 2,
) -> pd.DataFrame:
    """Compare the NPS before and after go-live.

    Parameters
    ----------
    before, after : array-like of int
        The 0–10 answers in each window; missing answers are dropped.
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.
    min_n : int, default 2
        Fewer answers than this in a window gives an "insufficient data" row.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`crmkit.impact.CHANGE_COLUMNS` (no verdict):

        - ``before``, ``after``: the NPS in each window (points); ``change`` = after − before,
          in NPS points; ``change_pct`` = change / before (NaN unless before > 0: a relative
          change of a score that can be 0 or negative means nothing);
        - ``ci_low``, ``ci_high``: change ± z·SE_diff; ``change_pct_ci_low``,
          ``change_pct_ci_high``: delta-method interval of after / before − 1 (NaN unless both
          NPS are positive);
        - ``test`` "two-sample z-test for NPS", ``statistic`` z, ``p_value`` two-sided;
        - ``effect_size``: standardised mean difference of the +1/0/−1 answer scores (pooled
          SD), ``effect_size_name`` "standardised difference of promoter/detractor scores";
        - ``n_before``, ``n_after``: answers used;
        - ``mde``: minimum detectable change in NPS points at 80 % power;
        - ``check_test`` "chi-square test of the promoter/passive/detractor mix" (2 × 3
          table) and ``check_p_value``;
        - ``interval_method`` "Wald (variances of the two windows summed)";
        - ``note``: caveats (small samples) or None.

    Notes
    -----
    With the standard errors of :func:`nps`,
    :math:`SE_{diff} = \\sqrt{SE_b^2 + SE_a^2}` (independent samples),
    :math:`z = (\\mathrm{NPS}_a - \\mathrm{NPS}_b) / SE_{diff}`, two-sided
    :math:`p = 2\\Phi(-|z|)`; interval :math:`\\Delta \\pm z_{1-\\alpha/2} SE_{diff}`;
    MDE :math:`(z_{1-\\alpha/2} + z_{0.8})\\,SE_{diff}`. Relative change: the variance of
    :math:`\\log(\\mathrm{NPS}_a/\\mathrm{NPS}_b)` is
    :math:`SE_a^2/\\mathrm{NPS}_a^2 + SE_b^2/\\mathrm{NPS}_b^2` (delta method).

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "net promoter score". The American
    Statistician 70(4), 365–372.
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed. Wiley, §3.2 (Pearson chi-square).

    Examples
    --------
    >>> before = [10] * 30 + [8] * 40 + [3] * 30
    >>> after = [10] * 45 + [8] * 35 + [3] * 20
    >>> row = compare_nps(before, after)
    >>> row[["before", "after", "change"]].iloc[0].tolist()
    [0.0, 25.0, 25.0]
    >>> round(float(row["statistic"].iloc[0]), 4), round(float(row["p_value"].iloc[0]), 4)
    (2.2942, 0.0218)
    """
    _check_alpha(alpha)
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 2:
        raise ValueError(f"min_n must be a whole number of at least 2, got {min_n!r}")
    x = _scores(before, "before", NPS_SCALE)
    y = _scores(after, "after", NPS_SCALE)
    nb, pb, ab, db = _nps_counts(x)
    na, pa, aa, da = _nps_counts(y)
    table = _nps_table(
        np.array([nb, na]), np.array([pb, pa]), np.array([ab, aa]), np.array([db, da]), alpha
    )
    score_b, score_a = float(table["nps"].iloc[0]), float(table["nps"].iloc[1])
    se_b, se_a = float(table["se"].iloc[0]), float(table["se"].iloc[1])
    change = score_a - score_b
    common: dict[str, Any] = {
        "before": score_b,
        "after": score_a,
        "change": change,
        "change_pct": change / score_b if score_b > 0 else math.nan,
        "test": _NPS_TEST,
        "effect_size_name": "standardised difference of promoter/detractor scores",
        "check_test": _NPS_CHECK,
        "n_before": nb,
        "n_after": na,
        "interval_method": "Wald (variances of the two windows summed)",
    }
    if nb < min_n or na < min_n:
        reason = f"{nb} answer(s) before and {na} after; at least {min_n} needed in each window"
        return _change_row(**common, note=f"insufficient data: {reason}")

    se = math.hypot(se_b, se_a)
    z_crit = _z(alpha)
    notes = []
    if se > 0:
        statistic = change / se
        p_value = float(2 * special.ndtr(-abs(statistic)))
    else:
        statistic, p_value = math.nan, (1.0 if change == 0 else math.nan)
        notes.append("no variation within either window: the z-test is undefined")
    if min(nb, na) < _SMALL:
        notes.append(
            f"small sample (fewer than {_SMALL} answers in a window): the interval is rough"
        )
    if score_b <= 0:
        notes.append("relative change not shown: the NPS before is not positive")
    if score_b > 0 and score_a > 0:
        log_se = math.sqrt((se_a / score_a) ** 2 + (se_b / score_b) ** 2)
        centre = math.log(score_a / score_b)
        pct_ci = (math.expm1(centre - z_crit * log_se), math.expm1(centre + z_crit * log_se))
    else:
        pct_ci = (math.nan, math.nan)
    # +1/0/−1 scores: variance p_P + p_D − (p_P − p_D)² (ddof 0), pooled with ddof 1
    var_b = (se_b / 100) ** 2 * nb * nb / (nb - 1)
    var_a = (se_a / 100) ** 2 * na * na / (na - 1)
    pooled = ((nb - 1) * var_b + (na - 1) * var_a) / (nb + na - 2)
    effect = (change / 100) / math.sqrt(pooled) if pooled > 0 else math.nan
    mix = np.array([[pb, ab, db], [pa, aa, da]], dtype=float)
    mix = mix[:, mix.sum(axis=0) > 0]
    if mix.shape[1] >= 2:
        check_p = float(stats.chi2_contingency(mix, correction=False).pvalue)
    else:
        check_p = math.nan
    return _change_row(
        **common,
        ci_low=change - z_crit * se,
        ci_high=change + z_crit * se,
        change_pct_ci_low=pct_ci[0],
        change_pct_ci_high=pct_ci[1],
        statistic=statistic,
        p_value=p_value,
        effect_size=effect,
        mde=(z_crit + float(special.ndtri(_POWER))) * se if se > 0 else math.nan,
        check_p_value=check_p,
        note="; ".join(notes) or None,
    )


# --- CSAT and CES ----------------------------------------------------------------------------


def _mean_interval(x: np.ndarray, alpha: float) -> tuple[float, float, float, float]:
    """mean, sd, and the t interval of the mean (NaN where undefined)."""
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan, math.nan
    sd = float(x.std(ddof=1))
    half = float(-special.stdtrit(n - 1, alpha / 2)) * sd / math.sqrt(n)
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
    (:func:`crmkit.impact.wilson_interval`). Mean: :math:`\\bar x \\pm t_{1-\\alpha/2,n-1}\\,s/\\sqrt n`.

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
    _check_alpha(alpha)
    x = _scores(scores, "scores", CSAT_SCALE)
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
    _check_alpha(alpha)
    x = _scores(scores, "scores", scale)
    mean, sd, low, high = _mean_interval(x, alpha)
    return pd.DataFrame(
        {"n": [x.size], "mean": [mean], "sd": [sd], "ci_low": [low], "ci_high": [high]}
    )


def survey_changes(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Literal["crm", "control", "all"] = "crm",
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """NPS, CSAT and CES before vs after go-live, one row per KPI.

    Parameters
    ----------
    surveys : pandas.DataFrame
        The survey table: ``response_date`` and any of ``nps``, ``csat``, ``ces``; with
        ``customer_id`` when the control group is found through the customers table.
    assessment : Assessment
        Supplies the before / after windows (responses dated in them) and the control group.
    customers : pandas.DataFrame, optional
        The customers table, to place responses in the control group through their customer
        (the survey table usually has no region).
    scope : {"crm", "control", "all"}, default "crm"
        Responses of the units that got the CRM (the control group left out; responses whose
        unit is unknown are kept), of the control group only, or all.
    alpha : float, default 0.05
        Significance level of each test (not corrected across KPIs).
    seed : int, default 0
        Seed of any bootstrap interval (small samples; see :func:`crmkit.impact.compare_means`).

    Returns
    -------
    pandas.DataFrame
        One row per KPI whose column is present, in this order: ``nps``
        (:func:`compare_nps`), ``csat_top2_share`` (:func:`crmkit.impact.compare_proportions`),
        ``csat_mean`` and ``ces`` (:func:`crmkit.impact.compare_means`). Columns: ``kpi``,
        ``label``, ``unit``, ``direction`` ("higher" is better for all four), then
        :data:`crmkit.impact.CHANGE_COLUMNS`.

    Notes
    -----
    Each response is one observation; a customer who answered several times counts several
    times. The CSAT mean and CES are means of ordinal answers, reported because managers use
    them; the top-2-box share is the primary CSAT figure.

    References
    ----------
    See :func:`compare_nps`, :func:`crmkit.impact.compare_proportions` and
    :func:`crmkit.impact.compare_means`.

    Examples
    --------
    >>> from crmkit.config import Assessment, Window
    >>> import datetime as dt
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> surveys = pd.DataFrame({
    ...     "response_date": pd.to_datetime(["2024-03-01"] * 4 + ["2025-03-01"] * 4),
    ...     "nps": [10, 6, 8, 9, 10, 9, 8, 10]})
    >>> survey_changes(surveys, a)[["kpi", "before", "after"]].to_dict("list")
    {'kpi': ['nps'], 'before': [25.0], 'after': [75.0]}
    """
    _check_alpha(alpha)
    if scope not in ("crm", "control", "all"):
        raise ValueError(f"scope must be 'crm', 'control' or 'all', got {scope!r}")
    if "response_date" not in surveys.columns:
        raise ValueError("the survey table has no column 'response_date'")
    rows = surveys
    if scope != "all" and assessment.control is not None:
        flags = control_mask(surveys, assessment.control, customers=customers)
        rows = surveys.loc[~flags if scope == "crm" else flags]
    before = rows.loc[_in_window(rows["response_date"], assessment.before)]
    after = rows.loc[_in_window(rows["response_date"], assessment.after)]
    results: list[tuple[str, pd.DataFrame]] = []
    if "nps" in rows.columns:
        results.append(("nps", compare_nps(before["nps"], after["nps"], alpha=alpha)))
    if "csat" in rows.columns:
        xb = _scores(before["csat"], "csat", CSAT_SCALE)
        xa = _scores(after["csat"], "csat", CSAT_SCALE)
        top_b, top_a = int((xb >= 4).sum()), int((xa >= 4).sum())
        results.append(
            ("csat_top2_share", compare_proportions(top_b, xb.size, top_a, xa.size, alpha=alpha))
        )
        results.append(("csat_mean", compare_means(xb, xa, alpha=alpha, seed=seed)))
    if "ces" in rows.columns:
        xb = _scores(before["ces"], "ces", CES_SCALE)
        xa = _scores(after["ces"], "ces", CES_SCALE)
        results.append(("ces", compare_means(xb, xa, alpha=alpha, seed=seed)))
    if not results:
        raise ValueError("the survey table has none of the columns nps, csat, ces")
    frames = []
    for kpi, row in results:
        label, unit, direction = _KPI_INFO[kpi]
        head = pd.DataFrame(
            {"kpi": [kpi], "label": [label], "unit": [unit], "direction": [direction]},
            dtype=object,
        )
        frames.append(pd.concat([head, row[list(CHANGE_COLUMNS)]], axis=1))
    return pd.concat(frames, ignore_index=True)


# --- representativeness ----------------------------------------------------------------------


def representativeness(
    respondents: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    by: str = "segment",
    alpha: float = 0.05,
    min_n: int = 100,
    min_expected: float = 5.0,
) -> pd.DataFrame:
    """Do the respondents mirror the customer base? Mix per category and a goodness-of-fit test.

    Parameters
    ----------
    respondents : pandas.DataFrame
        The survey responses (or any list of respondents): ``customer_id`` and/or the ``by``
        column. With ``customer_id`` each responding customer counts once, however often they
        answered; without it each row counts.
    customers : pandas.DataFrame
        The customer base: ``customer_id`` and the ``by`` column.
    by : str, default "segment"
        The characteristic compared (segment, region …). Missing labels are left out on both
        sides.
    alpha : float, default 0.05
        The mix is flagged as unrepresentative when the test's p-value is below alpha.
    min_n : int, default 100
        Fewer respondents than this are flagged as too few to judge.
    min_expected : float, default 5
        An expected count below this in any category is flagged (the chi-square
        approximation needs about 5 per cell).

    Returns
    -------
    pandas.DataFrame
        One row per category of the customer base (sorted), with:

        - ``variable``: ``by``; ``category``: the label;
        - ``respondents``, ``respondent_share``: respondents in the category and their share;
        - ``customers``, ``customer_share``: the same in the customer base;
        - ``expected``: respondents expected from the base's mix, n × customer_share;
        - ``residual``: Pearson residual (respondents − expected) / √expected (beyond ±2: a
          category clearly over- or under-represented);

        and, the same on every row, the test of the whole mix:

        - ``n``: respondents matched to a category; ``statistic``: Pearson chi-square;
          ``df``: categories − 1; ``p_value``;
        - ``effect_size``: Cohen's w = √(chi-square / n) (0.1 small, 0.3 medium, 0.5 large);
        - ``too_small``: n < ``min_n`` or any expected count < ``min_expected``;
        - ``unrepresentative``: p_value < alpha; ``flag``: either of the two;
        - ``message``: one plain sentence saying which, and the most distorted categories.

    Notes
    -----
    Goodness of fit: :math:`X^2 = \\sum_c (O_c - E_c)^2 / E_c` with
    :math:`E_c = n\\,\\pi_c` and :math:`\\pi_c` the customer base's share, referred to
    :math:`\\chi^2_{C-1}`. With thousands of respondents the test flags even trivial
    differences; read it with Cohen's w. Respondents whose category is not in the customer base
    (or who are not in it) are left out of n.

    References
    ----------
    Pearson, K. (1900). On the criterion that a given system of deviations … Philosophical
    Magazine 50, 157–175.
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 7.
    Groves, R. M. et al. (2009). Survey Methodology, 2nd ed. Wiley, ch. 6 (nonresponse).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [f"C{i}" for i in range(1000)],
    ...                           "segment": ["SMB"] * 600 + ["Enterprise"] * 400})
    >>> respondents = pd.DataFrame({"customer_id": [f"C{i}" for i in range(0, 1000, 5)]})
    >>> out = representativeness(respondents, customers)
    >>> out[["category", "respondents", "expected"]].to_dict("list")
    {'category': ['Enterprise', 'SMB'], 'respondents': [80, 120], 'expected': [80.0, 120.0]}
    >>> bool(out["flag"].iloc[0])
    False
    """
    _check_alpha(alpha)
    if by not in customers.columns:
        raise ValueError(f"the customers table has no column {by!r}")
    if by in respondents.columns:
        frame = respondents
        if "customer_id" in frame.columns:
            frame = frame.drop_duplicates("customer_id")
        labels = frame[by]
    elif "customer_id" in respondents.columns:
        if "customer_id" not in customers.columns:
            raise ValueError("the customers table has no column 'customer_id'")
        ids = respondents["customer_id"].dropna().drop_duplicates()
        lookup = customers.drop_duplicates("customer_id").set_index("customer_id")[by]
        labels = lookup.reindex(ids.to_numpy())
    else:
        raise ValueError(f"respondents need a {by!r} or a 'customer_id' column")
    base = customers[by].dropna().value_counts().sort_index()
    categories = base.index
    observed = labels.dropna().value_counts().reindex(categories, fill_value=0)
    n = int(observed.sum())
    pop = base.to_numpy(dtype=float)
    share = pop / pop.sum()
    expected = n * share
    obs = observed.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        residual = np.where(expected > 0, (obs - expected) / np.sqrt(expected), np.nan)
        statistic = float(np.sum((obs - expected) ** 2 / expected)) if n else math.nan
    df = len(categories) - 1
    if n and df > 0:
        p_value = float(stats.chi2.sf(statistic, df))
        effect = math.sqrt(statistic / n)
    else:
        p_value, effect = math.nan, math.nan
    small_cells = [str(c) for c, e in zip(categories, expected, strict=True) if e < min_expected]
    too_small = n < min_n or bool(small_cells)
    unrepresentative = bool(p_value < alpha) if not math.isnan(p_value) else False
    respondent_share = obs / n if n else np.full(len(obs), np.nan)
    if too_small:
        reasons = []
        if n < min_n:
            reasons.append(f"only {n} respondents (at least {min_n} needed)")
        if small_cells:
            reasons.append(f"expected counts below {min_expected:g} in {', '.join(small_cells)}")
        message = (
            f"Too few respondents to judge whether they represent the customer base by {by}: "
            + "; ".join(reasons)
            + "."
        )
    elif unrepresentative:
        order = np.argsort(-np.abs(np.nan_to_num(residual)))
        parts = [
            f"{categories[i]} {'over' if residual[i] > 0 else 'under'}-represented "
            f"({format_percent(respondent_share[i])} of respondents vs "
            f"{format_percent(share[i])} of customers)"
            for i in order[:2]
            if abs(residual[i]) >= 2 or i == order[0]
        ]
        message = (
            f"The respondents do not mirror the customer base by {by} (chi-square = "
            f"{statistic:.1f}, df = {df}, p {_p_text(p_value)}, Cohen's w = {effect:.2f}): "
            + "; ".join(parts)
            + ". Weight the results by "
            + by
            + " or read them with care."
        )
    else:
        message = (
            f"The respondents' mix by {by} matches the customer base (chi-square = "
            f"{statistic:.1f}, df = {df}, p {_p_text(p_value)})."
        )
    k = len(categories)
    return pd.DataFrame(
        {
            "variable": [by] * k,
            "category": categories.to_numpy(dtype=object),
            "respondents": obs.astype(np.int64),
            "respondent_share": respondent_share,
            "customers": pop.astype(np.int64),
            "customer_share": share,
            "expected": expected,
            "residual": residual,
            "n": np.full(k, n, dtype=np.int64),
            "statistic": np.full(k, statistic),
            "df": np.full(k, df, dtype=np.int64),
            "p_value": np.full(k, p_value),
            "effect_size": np.full(k, effect),
            "too_small": np.full(k, too_small),
            "unrepresentative": np.full(k, unrepresentative),
            "flag": np.full(k, too_small or unrepresentative),
            "message": [message] * k,
        }
    )


def _p_text(p: float) -> str:
    text = format_p_value(p)
    return text if text.startswith("<") else f"= {text}"


# --- scale reliability -----------------------------------------------------------------------


def _item_matrix(items: pd.DataFrame, nan_policy: str) -> tuple[pd.DataFrame, int]:
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
    _check_alpha(alpha)
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


_READINGS = (
    (0.9, "excellent"),
    (0.8, "good"),
    (0.7, "acceptable"),
    (0.6, "questionable"),
    (0.5, "poor"),
)


def alpha_reading(value: float) -> str:
    """George & Mallery's words for a reliability coefficient.

    Parameters
    ----------
    value : float
        Cronbach's alpha.

    Returns
    -------
    str
        "excellent" (≥ 0.9), "good" (≥ 0.8), "acceptable" (≥ 0.7), "questionable" (≥ 0.6),
        "poor" (≥ 0.5), "unacceptable" (< 0.5); "not available" for a missing value.

    References
    ----------
    George, D. & Mallery, P. (2003). SPSS for Windows Step by Step: A Simple Guide and
    Reference, 11.0 Update, 4th ed. Allyn & Bacon, p. 231.

    Examples
    --------
    >>> alpha_reading(0.83), alpha_reading(0.7), alpha_reading(0.42)
    ('good', 'acceptable', 'unacceptable')
    """
    if is_missing(value):
        return "not available"
    for threshold, word in _READINGS:
        if value >= threshold:
            return word
    return "unacceptable"


# --- findings --------------------------------------------------------------------------------


class SurveyFindings(NamedTuple):
    """Plain-language findings: one paragraph, and the limitations as sentences."""

    paragraph: str
    limitations: list[str]


def _interval_text(low: float, high: float, fmt: Any, confidence: float) -> str:
    return f"{confidence * 100:g} % confidence interval {fmt(low)} to {fmt(high)}"


def _signed_points(value: float) -> str:
    if is_missing(value):
        return "n/a"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value):.1f}"


def _signed_pp(value: float) -> str:
    if is_missing(value):
        return "n/a"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value) * 100:.1f}"


def _moved(change: float, p_value: float, alpha: float) -> str:
    if is_missing(p_value):
        return "could not be compared"
    if p_value >= alpha:
        return "shows no detectable change"
    return "rose" if change > 0 else "fell"


def survey_findings(
    changes: pd.DataFrame,
    *,
    representativeness: pd.DataFrame | None = None,
    reliability: pd.DataFrame | None = None,
    scale_name: str = "loyalty scale",
    alpha: float = 0.05,
    has_control_group: bool = True,
) -> SurveyFindings:
    """The survey results in plain words: a paragraph and a list of limitations.

    Parameters
    ----------
    changes : pandas.DataFrame
        The rows of :func:`survey_changes` (``kpi`` and the comparison columns).
    representativeness : pandas.DataFrame, optional
        The result of :func:`representativeness`.
    reliability : pandas.DataFrame, optional
        The result of :func:`cronbach_alpha` for the scale named ``scale_name``.
    scale_name : str, default "loyalty scale"
        How the multi-item scale is called in the text.
    alpha : float, default 0.05
        Significance level used in the words ("rose", "no detectable change") and the
        confidence level of the intervals quoted (1 − alpha). The p-values are the rows'
        own, not corrected across KPIs.
    has_control_group : bool, default True
        Whether the comparisons left out a control group (only changes the limitations).

    Returns
    -------
    SurveyFindings
        ``paragraph``: a few sentences on NPS level and change, CSAT, CES, the sample sizes,
        representativeness and scale reliability; ``limitations``: one sentence per caveat.

    Notes
    -----
    Every number in the text comes from the inputs, rounded only here: NPS to 0.1 point,
    shares to 0.1 percentage point, p-values as :func:`crmkit.formats.format_p_value`.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. HBR 81(12), 46–54.

    Examples
    --------
    >>> changes = pd.DataFrame({"kpi": ["nps"], "before": [20.0], "after": [28.0],
    ...     "change": [8.0], "ci_low": [2.0], "ci_high": [14.0], "p_value": [0.009],
    ...     "n_before": [900], "n_after": [950], "note": [None]})
    >>> survey_findings(changes).paragraph
    'The Net Promoter Score rose from 20.0 to 28.0 (+8.0 points; 95 % confidence interval +2.0 to +14.0; p = 0.009; 900 and 950 answers before and after go-live).'
    """
    _check_alpha(alpha)
    confidence = 1 - alpha
    by_kpi = {row["kpi"]: row for row in changes.to_dict("records")}
    sentences: list[str] = []
    limitations: list[str] = []
    row = by_kpi.get("nps")
    if row is not None:
        moved = _moved(row["change"], row["p_value"], alpha)
        verb = f"{moved} from" if moved in ("rose", "fell") else f"{moved}: it went from"
        if moved == "could not be compared":
            sentences.append(
                f"The Net Promoter Score could not be compared before and after go-live "
                f"({row.get('note') or 'too few answers'})."
            )
        else:
            sentences.append(
                f"The Net Promoter Score {verb} {row['before']:.1f} to {row['after']:.1f} "
                f"({_signed_points(row['change'])} points; "
                f"{_interval_text(row['ci_low'], row['ci_high'], _signed_points, confidence)}; "
                f"p {_p_text(row['p_value'])}; {row['n_before']:,} and {row['n_after']:,} answers "
                "before and after go-live)."
            )
    row = by_kpi.get("csat_top2_share")
    if row is not None and not is_missing(row["p_value"]):
        moved = _moved(row["change"], row["p_value"], alpha)
        verb = f"{moved} from" if moved in ("rose", "fell") else f"{moved}: it went from"
        sentences.append(
            f"The share of satisfied customers (CSAT 4–5) {verb} {format_percent(row['before'])} "
            f"to {format_percent(row['after'])} ({_signed_pp(row['change'])} percentage points; "
            f"{_interval_text(row['ci_low'], row['ci_high'], _signed_pp, confidence)}; "
            f"p {_p_text(row['p_value'])})."
        )
    row = by_kpi.get("ces")
    if row is not None and not is_missing(row["p_value"]):
        moved = _moved(row["change"], row["p_value"], alpha)
        verb = f"{moved} from" if moved in ("rose", "fell") else f"{moved}: it went from"
        sentences.append(
            f"The Customer Effort Score (1–7, higher = easier) {verb} "
            f"{format_number(row['before'])} to {format_number(row['after'])} "
            f"(p {_p_text(row['p_value'])})."
        )
    small = [r for r in by_kpi.values() if min(int(r["n_before"]), int(r["n_after"])) < _SMALL]
    if small:
        limitations.append(
            "Few answers: "
            + ", ".join(f"{r['kpi']} ({r['n_before']} before, {r['n_after']} after)" for r in small)
            + " rest on fewer than 30 answers in a window, so their intervals are wide and rough."
        )
    flat = [
        r["kpi"] for r in by_kpi.values() if not is_missing(r["p_value"]) and r["p_value"] >= alpha
    ]
    if flat:
        limitations.append(
            f"No detectable change is not proof of no change: for {', '.join(flat)} the data "
            "could only have detected changes at least as large as the minimum detectable effect."
        )
    if representativeness is not None and len(representativeness):
        message = str(representativeness["message"].iloc[0])
        sentences.append(message)
        if bool(representativeness["flag"].iloc[0]):
            limitations.append(
                "The respondents may not represent the customer base: "
                + message[0].lower()
                + message[1:]
            )
    if reliability is not None and len(reliability):
        value = float(reliability["alpha"].iloc[0])
        reading = alpha_reading(value)
        if is_missing(value):
            sentences.append(f"The reliability of the {scale_name} could not be estimated.")
        else:
            sentences.append(
                f"The {scale_name} is {reading} in reliability: Cronbach's alpha "
                f"{value:.2f} ({confidence * 100:g} % confidence interval "
                f"{float(reliability['ci_low'].iloc[0]):.2f} to "
                f"{float(reliability['ci_high'].iloc[0]):.2f}; {int(reliability['k'].iloc[0])} items, "
                f"{int(reliability['n'].iloc[0]):,} respondents)."
            )
            if value < 0.7:
                limitations.append(
                    f"The {scale_name}'s items do not hang together well (alpha {value:.2f}, "
                    f"{reading}); its total score is a noisy measure."
                )
    limitations.append(
        "Survey answers come from customers who chose to answer, usually after a purchase; "
        "customers who left or never bought are missing, which flatters the scores."
    )
    if not has_control_group:
        limitations.append(
            "Without a control group the changes are before-after only: anything else that "
            "changed at go-live is mixed into them."
        )
    limitations.append(
        "The p-values here are not corrected for the number of KPIs tested; the impact "
        "overview corrects them across the whole family."
    )
    return SurveyFindings(" ".join(sentences), limitations)
