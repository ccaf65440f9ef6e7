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
:func:`nps_windows`              the NPS and its promoter/passive/detractor mix per window
:func:`nps_by_window`            the NPS per segment or region in one window
:func:`nps_group_test`           do the groups' NPS differ (Wald chi-square)
:func:`csat_windows`             CSAT top-2 share and mean, and CES, per window
:func:`response_counts`          responses, respondents and answers per window
:func:`item_scales`              multi-item scales found by their numbered columns
:func:`satisfaction_record`      the figures for results.json ``customers.satisfaction``
================================ ===========================================================

The satisfaction stage shows them through the report views at the end of the module: tables
with units (``*_view``, :class:`crmkit.data.quality.TableView`), the frames its charts draw
(``*_frame``, ``*_mix``), chart titles that state the finding (``*_title``) and "What it means"
paragraphs written from the numbers (``*_text``).

Scales (DESIGN §3, table ``surveys``): ``nps`` 0–10 (promoters 9–10, passives 7–8,
detractors 0–6), ``csat`` 1–5 (top-2 box: 4–5), ``ces`` 1–7 read as the CES 2.0 agreement
scale ("the company made it easy for me", 7 = strongly agree), so higher is better. The
System Usability Scale is scored by :func:`crmkit.kpis.sus_scores` and not repeated here.

The before/after comparisons return the one-row format of :mod:`crmkit.stats.impact`
(:data:`crmkit.stats.impact.CHANGE_COLUMNS`), without verdicts: the measure stage corrects a
family's p-values and gives the verdicts (:func:`crmkit.stats.impact.finalize`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from crmkit.data.config import Assessment
from crmkit.data.io import jsonable
from crmkit.domains.customers import control_mask
from crmkit.kpis import get_kpi
from crmkit.stats.impact import (
    CHANGE_COLUMNS,
    change_row,
    compare_means,
    compare_proportions,
)
from crmkit.stats.primitives import check_alpha as _check_alpha
from crmkit.stats.primitives import wilson_interval
from crmkit.stats.primitives import z_critical as _z
from crmkit.words.formats import (
    TableView,
    format_number,
    format_p_value,
    format_percent,
    is_missing,
)
from crmkit.words.phrases import WINDOW_LABELS, findings_markdown, what_it_means

__all__ = [
    "CES_SCALE",
    "CSAT_SCALE",
    "NPS_COLUMNS",
    "NPS_SCALE",
    "WINDOW_LABELS",
    "SurveyFindings",
    "alpha_reading",
    "ces",
    "compare_nps",
    "counts_view",
    "cronbach_alpha",
    "csat",
    "csat_mix",
    "csat_text",
    "csat_view",
    "csat_windows",
    "item_analysis",
    "item_frame",
    "item_labels",
    "item_scales",
    "item_view",
    "nps",
    "nps_by",
    "nps_by_frame",
    "nps_by_text",
    "nps_by_title",
    "nps_by_view",
    "nps_by_window",
    "nps_group_test",
    "nps_mix",
    "nps_text",
    "nps_view",
    "nps_windows",
    "reliability_text",
    "reliability_title",
    "representativeness",
    "representativeness_check",
    "representativeness_frame",
    "representativeness_text",
    "representativeness_title",
    "representativeness_view",
    "response_counts",
    "satisfaction_record",
    "scale_name",
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

_POWER = 0.80
_SMALL = 30
_NPS_TEST = "two-sample z-test for NPS"
_NPS_CHECK = "chi-square test of the promoter/passive/detractor mix"
# The survey KPIs are defined in the KPI catalog (crmkit.kpis); only the CSAT mean, shown
# beside the catalog's top-2-box share, is described here.
_CSAT_MEAN = ("CSAT mean", "score (1–5)", "higher")


def _kpi_info(name: str) -> tuple[str, str, str]:
    """Label, unit and direction of a survey KPI, from the one KPI catalog."""
    if name == "csat_mean":
        return _CSAT_MEAN
    kpi = get_kpi(name)
    return kpi.label, kpi.unit, kpi.direction


# --- small helpers ---------------------------------------------------------------------------


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


def _scoped(
    surveys: pd.DataFrame, assessment: Assessment, customers: pd.DataFrame | None, scope: str
) -> pd.DataFrame:
    """The responses of the CRM units, of the control group, or all (see :func:`survey_changes`)."""
    if scope not in ("crm", "control", "all"):
        raise ValueError(f"scope must be 'crm', 'control' or 'all', got {scope!r}")
    if scope == "all" or assessment.control is None:
        return surveys
    flags = control_mask(surveys, assessment.control, customers=customers)
    return surveys.loc[~flags if scope == "crm" else flags]


def _window_rows(rows: pd.DataFrame, assessment: Assessment) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The responses dated in the before window and in the after window."""
    if "response_date" not in rows.columns:
        raise ValueError("the survey table has no column 'response_date'")
    return (
        rows.loc[assessment.before.contains(rows["response_date"])],
        rows.loc[assessment.after.contains(rows["response_date"])],
    )


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
        One row with :data:`crmkit.stats.impact.CHANGE_COLUMNS` (no verdict):

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
        return change_row(**common, note=f"insufficient data: {reason}")

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
    return change_row(
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
        Seed of any bootstrap interval (small samples; see :func:`crmkit.stats.impact.compare_means`).

    Returns
    -------
    pandas.DataFrame
        One row per KPI whose column is present, in this order: ``nps``
        (:func:`compare_nps`), ``csat_top2_share`` (:func:`crmkit.stats.impact.compare_proportions`),
        ``csat_mean`` and ``ces`` (:func:`crmkit.stats.impact.compare_means`). Columns: ``kpi``,
        ``label``, ``unit``, ``direction`` ("higher" is better for all four), then
        :data:`crmkit.stats.impact.CHANGE_COLUMNS`.

    Notes
    -----
    Each response is one observation; a customer who answered several times counts several
    times. The CSAT mean and CES are means of ordinal answers, reported because managers use
    them; the top-2-box share is the primary CSAT figure.

    References
    ----------
    See :func:`compare_nps`, :func:`crmkit.stats.impact.compare_proportions` and
    :func:`crmkit.stats.impact.compare_means`.

    Examples
    --------
    >>> from crmkit.data.config import Assessment, Window
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
    rows = _scoped(surveys, assessment, customers, scope)
    before, after = _window_rows(rows, assessment)
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
        label, unit, direction = _kpi_info(kpi)
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

    def markdown(self) -> str:
        """The paragraph and a bulleted list of the limitations, as markdown."""
        return findings_markdown(self.paragraph, self.limitations)


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
    shares to 0.1 percentage point, p-values as :func:`crmkit.words.formats.format_p_value`.

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


# --- report views: tables, chart data, titles and readings for the satisfaction stage --------
#
# The functions below turn the results above into what the satisfaction stage shows: tables
# with units in their headers (:class:`crmkit.data.quality.TableView`), the frames its charts draw,
# chart titles that state the finding, and "What it means" paragraphs written from the numbers.

_ITEM = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9]*?)_?(?P<number>\d+)$")
_SINGLE_SCORES = frozenset({"nps", "csat", "ces"})
_MIN_GROUP_ANSWERS = 2


def _row_verdict(row: Any, alpha: float) -> str:
    """A result row's verdict: its own (a KPI result row), else from its p-value.

    Every survey KPI is better higher, so a significant rise is "improved".
    """
    verdict = row.get("verdict")
    if isinstance(verdict, str):
        return verdict
    p = row.get("p_value")
    if is_missing(p):
        return "insufficient data"
    if p >= alpha:
        return "no detectable change"
    return "improved" if row["change"] > 0 else "worsened"


def _window_label(window: str, n: int | None = None) -> str:
    label = WINDOW_LABELS.get(window, str(window))
    return label if n is None else f"{label} (n = {n:,})"


def _ci_text(low: float, high: float, fmt: str = "{:.1f}") -> str:
    if is_missing(low) or is_missing(high):
        return "–"
    return f"{fmt.format(low)} to {fmt.format(high)}".replace("-", "−")


def nps_windows(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Literal["crm", "control", "all"] = "crm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The NPS of each window, with its mix of promoters, passives and detractors.

    Parameters
    ----------
    surveys, assessment, customers, scope
        As :func:`survey_changes` (the same responses: the CRM units' by default).
    alpha : float, default 0.05
        The intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        Two rows, ``window`` "before" and "after", then :data:`NPS_COLUMNS` (as :func:`nps`;
        NaN shares with no answers).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> s = pd.DataFrame({"response_date": pd.to_datetime(["2024-03-01"] * 2 + ["2025-03-01"] * 2),
    ...                   "nps": [10, 3, 9, 9]})
    >>> nps_windows(s, a)[["window", "n", "nps"]].to_dict("list")
    {'window': ['before', 'after'], 'n': [2, 2], 'nps': [0.0, 100.0]}
    """
    _check_alpha(alpha)
    if "nps" not in surveys.columns:
        raise ValueError("the survey table has no column 'nps'")
    before, after = _window_rows(_scoped(surveys, assessment, customers, scope), assessment)
    rows = [nps(part["nps"], alpha=alpha) for part in (before, after)]
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "window", ["before", "after"])
    return out


def nps_mix(windows: pd.DataFrame) -> pd.DataFrame:
    """Promoters, passives and detractors per window, for a stacked share chart.

    Parameters
    ----------
    windows : pandas.DataFrame
        :func:`nps_windows`.

    Returns
    -------
    pandas.DataFrame
        Index: the window with its number of answers ("Before go-live (n = 3,585)"); columns
        "Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)" as fractions.

    Examples
    --------
    >>> w = pd.DataFrame({"window": ["after"], "n": [10], "promoter_share": [0.5],
    ...                   "passive_share": [0.3], "detractor_share": [0.2]})
    >>> nps_mix(w).to_dict("index")
    {'After go-live (n = 10)': {'Promoters (9–10)': 0.5, 'Passives (7–8)': 0.3, 'Detractors (0–6)': 0.2}}
    """
    index = [_window_label(w, int(n)) for w, n in zip(windows["window"], windows["n"], strict=True)]
    return pd.DataFrame(
        {
            "Promoters (9–10)": windows["promoter_share"].to_numpy(float),
            "Passives (7–8)": windows["passive_share"].to_numpy(float),
            "Detractors (0–6)": windows["detractor_share"].to_numpy(float),
        },
        index=pd.Index(index, name="window"),
    )


def nps_view(windows: pd.DataFrame, change: pd.DataFrame | None = None) -> TableView:
    """The NPS per window (and the change) as a table with units.

    Parameters
    ----------
    windows : pandas.DataFrame
        :func:`nps_windows`.
    change : pandas.DataFrame, optional
        :func:`survey_changes` (its ``nps`` row is used) or a one-row :func:`compare_nps`:
        adds a row "Change (after − before)" with its interval and p-value (not corrected
        for the number of KPIs).

    Returns
    -------
    crmkit.data.quality.TableView
        Columns Window, Answers (count), Promoters, Passives, Detractors (%), NPS, Standard
        error (points), Confidence interval (points), p-value.
    """
    frame = pd.DataFrame(
        {
            "Window": [_window_label(w) for w in windows["window"]],
            "Answers": windows["n"].astype("Int64"),
            "Promoters": windows["promoter_share"].to_numpy(float) * 100,
            "Passives": windows["passive_share"].to_numpy(float) * 100,
            "Detractors": windows["detractor_share"].to_numpy(float) * 100,
            "NPS": ["–" if is_missing(v) else f"{v:.1f}" for v in windows["nps"]],
            "Standard error": windows["se"].to_numpy(float),
            "Confidence interval": [
                _ci_text(lo, hi)
                for lo, hi in zip(windows["ci_low"], windows["ci_high"], strict=True)
            ],
            "p-value": ["–"] * len(windows),
        }
    )
    if change is not None and "kpi" in change.columns:
        change = change.loc[change["kpi"] == "nps"]
    if change is not None and len(change):
        row = change.iloc[0]
        frame.loc[len(frame)] = {
            "Window": "Change (after − before)",
            "Answers": pd.NA,
            "Promoters": math.nan,
            "Passives": math.nan,
            "Detractors": math.nan,
            "NPS": _signed_points(float(row["change"])),
            "Standard error": math.nan,
            "Confidence interval": _ci_text(row["ci_low"], row["ci_high"], "{:+.1f}"),
            "p-value": format_p_value(row["p_value"]),
        }
    units = {
        "Answers": "count",
        "Promoters": "%",
        "Passives": "%",
        "Detractors": "%",
        "NPS": "points",
        "Standard error": "points",
        "Confidence interval": "points",
    }
    formats = {
        "Answers": "{:,}",
        **dict.fromkeys(["Promoters", "Passives", "Detractors"], "{:.1f}"),
    }
    formats |= {"Standard error": "{:.2f}"}
    return TableView(frame, units, formats)


def nps_text(windows: pd.DataFrame, row: Any, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the NPS before and after go-live.

    Parameters
    ----------
    windows : pandas.DataFrame
        :func:`nps_windows`.
    row : mapping
        The NPS result row of the KPI catalog (:func:`crmkit.measure.measure_kpis`, with
        ``verdict``) or a :func:`compare_nps` row (with ``p_value``).
    alpha : float
        Significance level for a row without a verdict.

    Returns
    -------
    str
        A markdown paragraph starting "**What it means:**".

    Examples
    --------
    >>> w = pd.DataFrame({"window": ["before", "after"], "n": [900, 950], "nps": [20.0, 28.0],
    ...     "promoter_share": [0.45, 0.5], "detractor_share": [0.25, 0.22]})
    >>> print(nps_text(w, {"change": 8.0, "verdict": "improved"}))
    **What it means:** more customers would recommend the company after go-live: promoters went from 45.0 % to 50.0 % of answers and detractors from 25.0 % to 22.0 %, and the Net Promoter Score moved by +8.0 points, more than chance explains.
    """
    verdict = _row_verdict(row, alpha)
    by = windows.set_index("window")
    if verdict == "insufficient data" or not {"before", "after"} <= set(by.index):
        n = ", ".join(f"{int(by.loc[w, 'n'])} {w}" for w in by.index)
        return what_it_means(
            f"too few answers to say whether customers recommend the company more or less since "
            f"go-live ({n}); at least a few dozen answers per window are needed."
        )
    b, a = by.loc["before"], by.loc["after"]
    mix = (
        f"promoters went from {format_percent(b['promoter_share'])} to "
        f"{format_percent(a['promoter_share'])} of answers and detractors from "
        f"{format_percent(b['detractor_share'])} to {format_percent(a['detractor_share'])}"
    )
    change = float(row["change"])
    if verdict in ("improved", "worsened"):
        more = "more" if verdict == "improved" else "fewer"
        return what_it_means(
            f"{more} customers would recommend the company after go-live: {mix}, and the Net "
            f"Promoter Score moved by {_signed_points(change)} points, more than chance explains."
        )
    return what_it_means(
        f"customers' willingness to recommend the company has not changed detectably since "
        f"go-live ({mix}; {_signed_points(change)} points, within what chance produces)."
    )


def nps_by_window(
    surveys: pd.DataFrame,
    by: str,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    window: Literal["before", "after"] = "after",
    alpha: float = 0.05,
) -> pd.DataFrame | str:
    """The NPS per segment, region or other group, from one window's answers (all units).

    Parameters
    ----------
    surveys, customers
        As :func:`nps_by` (a group column the survey lacks is looked up through the customer).
    by : str
        The grouping column, e.g. "segment" or "region".
    assessment : Assessment
        Supplies the window.
    window : {"before", "after"}, default "after"
        Whose answers: the after window shows where customers stand now.
    alpha : float, default 0.05
        The intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame or str
        :func:`nps_by` of the window's answers, groups with a missing label left out; or, when
        the data cannot give it, the reason as a sentence fragment (for "Skipped: …").

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> s = pd.DataFrame({"response_date": pd.to_datetime(["2025-03-01"] * 4),
    ...                   "nps": [10, 3, 9, 9], "region": ["N", "N", "S", "S"]})
    >>> nps_by_window(s, "region", a)[["region", "nps"]].to_dict("list")
    {'region': ['N', 'S'], 'nps': [0.0, 100.0]}
    >>> nps_by_window(s, "segment", a)
    'the survey answers cannot be linked to a segment (no segment column, no customers table)'
    """
    if "nps" not in surveys.columns:
        return "the survey table has no NPS answers"
    if by not in surveys.columns and (
        customers is None or by not in customers.columns or "customer_id" not in surveys.columns
    ):
        return f"the survey answers cannot be linked to a {by} (no {by} column, no customers table)"
    rows = _window_rows(surveys, assessment)[0 if window == "before" else 1]
    rows = rows.loc[rows["nps"].notna()]
    if rows.empty:
        return f"no NPS answers in the {window} window"
    table = nps_by(rows, by, customers=customers, alpha=alpha)
    table = table.loc[table[by].notna()].reset_index(drop=True)
    if table.empty:
        return f"no answer could be placed in a {by}"
    return table


def nps_group_test(table: pd.DataFrame) -> pd.DataFrame:
    """Do the groups' NPS differ? A Wald chi-square test of equal NPS across groups.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`nps_by` (or :func:`nps_by_window`) output, one row per group with ``nps`` and
        ``se``.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("Wald chi-square test of equal NPS"), ``statistic``, ``df``
        (groups − 1), ``p_value``, ``groups`` (groups with at least 2 answers and a
        non-zero standard error, the ones tested), ``pooled_nps`` (inverse-variance weighted
        mean). NaN with fewer than two such groups.

    Notes
    -----
    With group scores :math:`x_i`, standard errors :math:`s_i` (:func:`nps`) and weights
    :math:`w_i = 1/s_i^2`, :math:`\\bar x_w = \\sum w_i x_i / \\sum w_i` and
    :math:`Q = \\sum w_i (x_i - \\bar x_w)^2 \\sim \\chi^2_{k-1}` under equal NPS (groups are
    independent samples). With two groups Q is the square of :func:`compare_nps`'s z.

    References
    ----------
    Cochran, W. G. (1954). The combination of estimates from different experiments.
    Biometrics 10, 101–129.

    Examples
    --------
    >>> t = pd.DataFrame({"nps": [20.0, 30.0], "se": [3.0, 4.0], "n": [400, 300]})
    >>> row = nps_group_test(t).iloc[0]
    >>> float(row["statistic"]), int(row["df"])
    (4.0, 1)
    """
    n = table["n"].to_numpy(dtype=float) if "n" in table else np.full(len(table), np.inf)
    x = table["nps"].to_numpy(dtype=float)
    se = table["se"].to_numpy(dtype=float)
    ok = (n >= _MIN_GROUP_ANSWERS) & np.isfinite(x) & np.isfinite(se) & (se > 0)
    k = int(ok.sum())
    if k < 2:
        statistic = p_value = pooled = math.nan
    else:
        w = 1 / se[ok] ** 2
        pooled = float(np.sum(w * x[ok]) / np.sum(w))
        statistic = float(np.sum(w * (x[ok] - pooled) ** 2))
        p_value = float(stats.chi2.sf(statistic, k - 1))
    return pd.DataFrame(
        {
            "test": ["Wald chi-square test of equal NPS"],
            "statistic": [statistic],
            "df": [max(k - 1, 0)],
            "p_value": [p_value],
            "groups": [k],
            "pooled_nps": [pooled],
        }
    )


def _group_names(table: pd.DataFrame, by: str, assessment: Assessment | None) -> list[str]:
    control = assessment.control if assessment is not None else None
    names = []
    for value in table[by]:
        text = str(value)
        if control is not None and control.column == by:
            wanted = {str(v).strip().casefold() for v in control.values}
            if text.strip().casefold() in wanted:
                text += " (no CRM)"
        names.append(text)
    return names


def nps_by_frame(
    table: pd.DataFrame, by: str, assessment: Assessment | None = None
) -> pd.DataFrame:
    """:func:`nps_by_window` as :func:`crmkit.report.plots.interval_chart` draws it.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``label`` (the group, marked "(no CRM)" when it is the control
        group), ``estimate`` (NPS), ``ci_low``, ``ci_high``, ``n``, ``crm`` (False for the
        control group's rows).
    """
    labels = _group_names(table, by, assessment)
    return pd.DataFrame(
        {
            "label": labels,
            "estimate": table["nps"].to_numpy(float),
            "ci_low": table["ci_low"].to_numpy(float),
            "ci_high": table["ci_high"].to_numpy(float),
            "n": table["n"].to_numpy(np.int64),
            "crm": [not label.endswith("(no CRM)") for label in labels],
        }
    )


def nps_by_title(table: pd.DataFrame, by: str, *, alpha: float = 0.05) -> str:
    """A chart title that states where the NPS is highest and lowest, and whether it differs.

    Examples
    --------
    >>> t = pd.DataFrame({"region": ["East", "West"], "nps": [30.7, 23.0], "se": [1.6, 1.6],
    ...                   "n": [2000, 2100]})
    >>> nps_by_title(t, "region")
    'NPS by region: highest in East (30.7), lowest in West (23.0) — a gap larger than chance explains'
    """
    usable = table.loc[table["nps"].notna()]
    if len(usable) < 2:
        return f"NPS by {by}: too few groups with answers to compare"
    top = usable.loc[usable["nps"].idxmax()]
    bottom = usable.loc[usable["nps"].idxmin()]
    test = nps_group_test(usable).iloc[0]
    if is_missing(test["p_value"]):
        verdict = "too few answers to test the gap"
    elif test["p_value"] < alpha:
        verdict = "a gap larger than chance explains"
    else:
        verdict = "a gap within what chance produces"
    return (
        f"NPS by {by}: highest in {top[by]} ({top['nps']:.1f}), lowest in {bottom[by]} "
        f"({bottom['nps']:.1f}) — {verdict}"
    )


def nps_by_view(table: pd.DataFrame, by: str, assessment: Assessment | None = None) -> TableView:
    """:func:`nps_by_window` as a table with units."""
    frame = pd.DataFrame(
        {
            by.replace("_", " ").capitalize(): _group_names(table, by, assessment),
            "Answers": table["n"].astype("Int64"),
            "Promoters": table["promoter_share"].to_numpy(float) * 100,
            "Detractors": table["detractor_share"].to_numpy(float) * 100,
            "NPS": table["nps"].to_numpy(float),
            "Confidence interval": [
                _ci_text(lo, hi) for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
            ],
        }
    )
    units = {
        "Answers": "count",
        "Promoters": "%",
        "Detractors": "%",
        "NPS": "points",
        "Confidence interval": "points",
    }
    formats = {"Answers": "{:,}", "Promoters": "{:.1f}", "Detractors": "{:.1f}", "NPS": "{:.1f}"}
    return TableView(frame, units, formats)


def nps_by_text(table: pd.DataFrame, by: str, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the NPS by group: where to look first, or that the groups agree."""
    usable = table.loc[table["nps"].notna()]
    test = nps_group_test(usable).iloc[0]
    if is_missing(test["p_value"]):
        return what_it_means(f"there are too few answers per {by} to compare them.")
    bottom = usable.loc[usable["nps"].idxmin()]
    p = _p_text(test["p_value"])
    small = usable.loc[usable["n"] < _SMALL, by].astype(str).tolist()
    caveat = (
        f" Groups with fewer than {_SMALL} answers ({', '.join(small)}) have wide intervals."
        if small
        else ""
    )
    if test["p_value"] < alpha:
        return what_it_means(
            f"customers' willingness to recommend differs by {by} (chi-square = "
            f"{test['statistic']:.1f}, df = {int(test['df'])}, p {p}). {bottom[by]} has the lowest "
            f"score ({bottom['nps']:.1f}): start improvement work there.{caveat}"
        )
    return what_it_means(
        f"the {by}s do not differ by more than chance explains (chi-square = "
        f"{test['statistic']:.1f}, df = {int(test['df'])}, p {p}): satisfaction is a company-wide "
        f"matter rather than one of a particular {by}.{caveat}"
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
        As :func:`survey_changes`.
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
    _check_alpha(alpha)
    parts = _window_rows(_scoped(surveys, assessment, customers, scope), assessment)
    rows = []
    for name, part in zip(("before", "after"), parts, strict=True):
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


def csat_mix(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Literal["crm", "control", "all"] = "crm",
) -> pd.DataFrame:
    """Satisfied (4–5), neutral (3) and dissatisfied (1–2) CSAT answers per window.

    Returns
    -------
    pandas.DataFrame
        Index: the window with its number of answers; columns "Satisfied (4–5)", "Neutral (3)",
        "Dissatisfied (1–2)" as fractions (NaN without answers). Empty without a csat column.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> s = pd.DataFrame({"response_date": pd.to_datetime(["2024-03-01"] * 4),
    ...                   "csat": [5, 4, 3, 1]})
    >>> csat_mix(s, a).iloc[0].tolist()
    [0.5, 0.25, 0.25]
    """
    columns = ["Satisfied (4–5)", "Neutral (3)", "Dissatisfied (1–2)"]
    if "csat" not in surveys.columns:
        return pd.DataFrame(columns=columns)
    parts = _window_rows(_scoped(surveys, assessment, customers, scope), assessment)
    rows, index = [], []
    for name, part in zip(("before", "after"), parts, strict=True):
        x = _scores(part["csat"], "csat", CSAT_SCALE)
        n = x.size
        counts = [(x >= 4).sum(), (x == 3).sum(), (x <= 2).sum()]
        rows.append([c / n if n else math.nan for c in counts])
        index.append(_window_label(name, n))
    return pd.DataFrame(rows, columns=columns, index=pd.Index(index, name="window"))


def csat_view(windows: pd.DataFrame) -> TableView:
    """:func:`csat_windows` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [_window_label(w) for w in windows["window"]],
            "CSAT answers": windows["csat_n"].astype("Int64"),
            "Satisfied (4–5)": windows["top2_share"].to_numpy(float) * 100,
            "Satisfied, confidence interval": [
                _ci_text(lo * 100, hi * 100)
                for lo, hi in zip(windows["top2_ci_low"], windows["top2_ci_high"], strict=True)
            ],
            "CSAT mean": windows["csat_mean"].to_numpy(float),
            "CSAT mean, confidence interval": [
                _ci_text(lo, hi, "{:.2f}")
                for lo, hi in zip(
                    windows["csat_mean_ci_low"], windows["csat_mean_ci_high"], strict=True
                )
            ],
            "CES answers": windows["ces_n"].astype("Int64"),
            "CES mean": windows["ces_mean"].to_numpy(float),
            "CES mean, confidence interval": [
                _ci_text(lo, hi, "{:.2f}")
                for lo, hi in zip(windows["ces_ci_low"], windows["ces_ci_high"], strict=True)
            ],
        }
    )
    units = {
        "CSAT answers": "count",
        "Satisfied (4–5)": "%",
        "Satisfied, confidence interval": "%",
        "CSAT mean": "score 1–5",
        "CSAT mean, confidence interval": "score 1–5",
        "CES answers": "count",
        "CES mean": "score 1–7, higher = easier",
        "CES mean, confidence interval": "score 1–7",
    }
    formats = {
        "CSAT answers": "{:,}",
        "Satisfied (4–5)": "{:.1f}",
        "CSAT mean": "{:.2f}",
        "CES answers": "{:,}",
        "CES mean": "{:.2f}",
    }
    return TableView(frame, units, formats)


def csat_text(changes: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for CSAT and CES before and after go-live.

    Parameters
    ----------
    changes : pandas.DataFrame
        Rows with ``kpi`` ("csat_top2_share", "ces"), ``change`` and either ``verdict`` (the
        KPI results of :func:`crmkit.measure.measure_kpis`, reset to a column) or
        ``p_value`` (:func:`survey_changes`).
    alpha : float
        Significance level for rows without a verdict.

    Examples
    --------
    >>> c = pd.DataFrame({"kpi": ["csat_top2_share", "ces"], "change": [0.05, -0.05],
    ...                   "verdict": ["improved", "no detectable change"]})
    >>> print(csat_text(c))
    **What it means:** more customers are satisfied with what they bought since go-live (+5.0 percentage points rate it 4 or 5), more than chance explains. How easy customers find it to deal with the company has not changed detectably.
    """
    rows = {r["kpi"]: r for r in changes.to_dict("records")}
    sentences = []

    if "csat_top2_share" in rows:
        r = rows["csat_top2_share"]
        v = _row_verdict(r, alpha)
        if v == "insufficient data":
            sentences.append("there are too few CSAT answers to compare the two windows.")
        elif v in ("improved", "worsened"):
            more = "more" if v == "improved" else "fewer"
            sentences.append(
                f"{more} customers are satisfied with what they bought since go-live "
                f"({_signed_pp(r['change'])} percentage points rate it 4 or 5), more than chance "
                "explains."
            )
        else:
            sentences.append(
                "the share of satisfied customers has not changed detectably since go-live "
                f"({_signed_pp(r['change'])} percentage points)."
            )
    if "ces" in rows:
        r = rows["ces"]
        v = _row_verdict(r, alpha)
        if v in ("improved", "worsened"):
            way = "easier" if v == "improved" else "harder"
            sentences.append(
                f"Customers find it {way} to deal with the company since go-live (CES "
                f"{_signed_points(r['change'])} points on the 1–7 scale)."
            )
        elif v == "no detectable change":
            sentences.append(
                "How easy customers find it to deal with the company has not changed detectably."
            )
    if not sentences:
        return what_it_means("the survey has no CSAT or CES answers to compare.")
    text = " ".join(sentences)
    return what_it_means(text[0].lower() + text[1:])


def response_counts(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Literal["crm", "control", "all"] = "crm",
) -> pd.DataFrame:
    """Responses and respondents per window, and how many answered each score.

    Returns
    -------
    pandas.DataFrame
        Two rows (``window`` "before", "after"): ``responses``; ``respondents`` (distinct
        customers; NaN without ``customer_id``); ``nps_answers``, ``csat_answers``,
        ``ces_answers`` (answers given, 0 for a score the survey lacks).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> s = pd.DataFrame({"response_date": pd.to_datetime(["2024-03-01", "2024-05-01", "2025-01-02"]),
    ...                   "customer_id": ["A", "A", "B"], "nps": [9, None, 7]})
    >>> response_counts(s, a)[["responses", "respondents", "nps_answers"]].to_dict("list")
    {'responses': [2, 1], 'respondents': [1.0, 1.0], 'nps_answers': [1, 1]}
    """
    parts = _window_rows(_scoped(surveys, assessment, customers, scope), assessment)
    rows = []
    for name, part in zip(("before", "after"), parts, strict=True):
        rows.append(
            {
                "window": name,
                "responses": len(part),
                "respondents": (
                    float(part["customer_id"].dropna().nunique())
                    if "customer_id" in part
                    else math.nan
                ),
                **{
                    f"{score}_answers": int(part[score].notna().sum()) if score in part else 0
                    for score in ("nps", "csat", "ces")
                },
            }
        )
    return pd.DataFrame(rows)


def counts_view(counts: pd.DataFrame) -> TableView:
    """:func:`response_counts` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [_window_label(w) for w in counts["window"]],
            "Responses": counts["responses"].astype("Int64"),
            "Customers who answered": counts["respondents"].astype("Float64").astype("Int64"),
            "NPS answers": counts["nps_answers"].astype("Int64"),
            "CSAT answers": counts["csat_answers"].astype("Int64"),
            "CES answers": counts["ces_answers"].astype("Int64"),
        }
    )
    numbers = [c for c in frame.columns if c != "Window"]
    return TableView(frame, dict.fromkeys(numbers, "count"), dict.fromkeys(numbers, "{:,}"))


def representativeness_check(
    surveys: pd.DataFrame,
    customers: pd.DataFrame | None,
    *,
    by: Sequence[str] = ("segment", "region"),
    alpha: float = 0.05,
) -> pd.DataFrame | str:
    """:func:`representativeness` on the first characteristic the customers table has.

    Parameters
    ----------
    surveys : pandas.DataFrame
        The survey table (``customer_id`` or the characteristic itself).
    customers : pandas.DataFrame or None
        The customer base.
    by : sequence of str, default ("segment", "region")
        The characteristics to try, in order.
    alpha : float, default 0.05
        As :func:`representativeness`.

    Returns
    -------
    pandas.DataFrame or str
        :func:`representativeness`, or why it cannot be checked.

    Examples
    --------
    >>> representativeness_check(pd.DataFrame({"nps": [9]}), None)
    'there is no customers table to compare the respondents with'
    """
    if customers is None:
        return "there is no customers table to compare the respondents with"
    for column in by:
        if column not in customers.columns or customers[column].notna().sum() == 0:
            continue
        if column in surveys.columns or (
            "customer_id" in surveys.columns and "customer_id" in customers.columns
        ):
            return representativeness(surveys, customers, by=column, alpha=alpha)
    return f"neither the survey nor the customers table says the {' or '.join(by)} of a customer"


def representativeness_frame(mix: pd.DataFrame) -> pd.DataFrame:
    """:func:`representativeness` as :func:`crmkit.report.plots.grouped_bar_chart` draws it.

    Returns
    -------
    pandas.DataFrame
        Index: the categories; columns "Respondents" and "Customers", their shares in percent.
    """
    return pd.DataFrame(
        {
            "Respondents": mix["respondent_share"].to_numpy(float) * 100,
            "Customers": mix["customer_share"].to_numpy(float) * 100,
        },
        index=pd.Index([str(c) for c in mix["category"]], name=str(mix["variable"].iloc[0])),
    )


def representativeness_title(mix: pd.DataFrame) -> str:
    """A chart title that states whether the respondents mirror the customer base.

    Examples
    --------
    >>> mix = pd.DataFrame({"variable": ["segment"] * 2, "category": ["SMB", "Enterprise"],
    ...     "respondent_share": [0.5, 0.5], "customer_share": [0.8, 0.2], "residual": [-5.0, 8.0],
    ...     "too_small": [False] * 2, "unrepresentative": [True] * 2})
    >>> representativeness_title(mix)
    'Respondents do not mirror the customers by segment: Enterprise make up 50 % of respondents but 20 % of customers'
    """
    if mix.empty:
        return "No customers to compare the respondents with"
    by = str(mix["variable"].iloc[0])
    if bool(mix["too_small"].iloc[0]):
        return f"Too few respondents to judge whether they mirror the customers by {by}"
    worst = mix.loc[mix["residual"].abs().idxmax()]
    detail = (
        f"{worst['category']} make up {worst['respondent_share'] * 100:.0f} % of respondents but "
        f"{worst['customer_share'] * 100:.0f} % of customers"
    )
    if bool(mix["unrepresentative"].iloc[0]):
        return f"Respondents do not mirror the customers by {by}: {detail}"
    return f"Respondents mirror the customers by {by} ({detail})"


def representativeness_view(mix: pd.DataFrame) -> TableView:
    """:func:`representativeness` as a table with units."""
    frame = pd.DataFrame(
        {
            str(mix["variable"].iloc[0]).capitalize() if len(mix) else "Category": mix[
                "category"
            ].astype(str),
            "Respondents": mix["respondents"].astype("Int64"),
            "Share of respondents": mix["respondent_share"].to_numpy(float) * 100,
            "Customers": mix["customers"].astype("Int64"),
            "Share of customers": mix["customer_share"].to_numpy(float) * 100,
            "Expected respondents": mix["expected"].to_numpy(float),
            "Pearson residual": mix["residual"].to_numpy(float),
        }
    )
    units = {
        "Respondents": "count",
        "Share of respondents": "%",
        "Customers": "count",
        "Share of customers": "%",
        "Expected respondents": "count",
        "Pearson residual": "SD",
    }
    formats = {
        "Respondents": "{:,}",
        "Customers": "{:,}",
        "Share of respondents": "{:.1f}",
        "Share of customers": "{:.1f}",
        "Expected respondents": "{:,.1f}",
        "Pearson residual": "{:+.1f}",
    }
    return TableView(frame, units, formats)


def representativeness_text(mix: pd.DataFrame) -> str:
    """The "What it means" paragraph for the respondents' mix, with a warning when it is flagged.

    Examples
    --------
    >>> mix = pd.DataFrame({"flag": [True], "too_small": [True], "unrepresentative": [False],
    ...     "message": ["Too few respondents to judge whether they represent the customer base by segment: only 2 respondents (at least 100 needed)."]})
    >>> print(representativeness_text(mix))
    **Warning:** Too few respondents to judge whether they represent the customer base by segment: only 2 respondents (at least 100 needed). Treat the survey's figures as anecdotes, not measurements.
    """
    if mix.empty:
        return what_it_means("there is no customer base to compare the respondents with.")
    message = str(mix["message"].iloc[0])
    if bool(mix["too_small"].iloc[0]):
        return f"**Warning:** {message} Treat the survey's figures as anecdotes, not measurements."
    if bool(mix["unrepresentative"].iloc[0]):
        return (
            f"**Warning:** {message} The scores above describe the customers who answered, "
            "not the customer base as a whole; the differences by group show which way the "
            "overall scores lean."
        )
    return what_it_means(f"{message} The survey's scores can be read as the customer base's.")


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
        match = _ITEM.match(str(column))
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


def scale_name(prefix: str) -> str:
    """How the report calls a scale found by :func:`item_scales`.

    Examples
    --------
    >>> scale_name("loyalty"), scale_name("brand_trust")
    ('loyalty scale', 'brand trust scale')
    """
    return f"{prefix.replace('_', ' ').strip()} scale"


def item_labels(items: Sequence[str], prefix: str) -> list[str]:
    """Items as a reader sees them: "Loyalty item 1" for ``loyalty_1``.

    Examples
    --------
    >>> item_labels(["loyalty_1", "loyalty_2"], "loyalty")
    ['Loyalty item 1', 'Loyalty item 2']
    """
    words = prefix.replace("_", " ").strip().capitalize()
    out = []
    for item in items:
        match = _ITEM.match(str(item))
        out.append(f"{words} item {int(match['number'])}" if match else str(item))
    return out


def reliability_title(reliability: pd.DataFrame, items: pd.DataFrame, prefix: str) -> str:
    """A chart title that states the scale's reliability and whether every item fits.

    Parameters
    ----------
    reliability : pandas.DataFrame
        :func:`cronbach_alpha` of the scale.
    items : pandas.DataFrame
        :func:`item_analysis` of the scale.
    prefix : str
        The scale's prefix (a key of :func:`item_scales`).

    Examples
    --------
    >>> rel = pd.DataFrame({"alpha": [0.80]})
    >>> items = pd.DataFrame({"item": ["loyalty_1", "loyalty_2"], "item_total_correlation": [0.61, 0.62]})
    >>> reliability_title(rel, items, "loyalty")
    "The loyalty scale is good in reliability (Cronbach's alpha 0.80); every item fits (item–rest correlations 0.61 to 0.62)"
    """
    name = scale_name(prefix)
    value = float(reliability["alpha"].iloc[0])
    if is_missing(value):
        return f"The {name}'s reliability cannot be estimated from these answers"
    r = items["item_total_correlation"].to_numpy(float)
    weak = item_labels(
        items.loc[items["item_total_correlation"] < 0.3, "item"].astype(str).tolist(), prefix
    )
    fit = (
        f"every item fits (item–rest correlations {np.nanmin(r):.2f} to {np.nanmax(r):.2f})"
        if not weak
        else f"{', '.join(weak)} fit{'s' if len(weak) == 1 else ''} poorly"
    )
    return (
        f"The {name} is {alpha_reading(value)} in reliability (Cronbach's alpha {value:.2f}); {fit}"
    )


def item_frame(items: pd.DataFrame, prefix: str) -> pd.Series:
    """Each item's correlation with the rest of its scale, for :func:`crmkit.report.plots.bar_chart`.

    Examples
    --------
    >>> item_frame(pd.DataFrame({"item": ["loyalty_1"], "item_total_correlation": [0.61]}), "loyalty")
    item
    Loyalty item 1    0.61
    Name: item_total_correlation, dtype: float64
    """
    return pd.Series(
        items["item_total_correlation"].to_numpy(float),
        index=pd.Index(item_labels(items["item"].tolist(), prefix), name="item"),
        name="item_total_correlation",
    )


def item_view(items: pd.DataFrame, prefix: str) -> TableView:
    """:func:`item_analysis` as a table with units."""
    frame = pd.DataFrame(
        {
            "Item": item_labels(items["item"].tolist(), prefix),
            "Respondents": items["n"].astype("Int64"),
            "Mean": items["mean"].to_numpy(float),
            "Standard deviation": items["sd"].to_numpy(float),
            "Correlation with the other items": items["item_total_correlation"].to_numpy(float),
            "Cronbach's alpha without the item": items["alpha_if_deleted"].to_numpy(float),
        }
    )
    units = {
        "Respondents": "count",
        "Mean": "score",
        "Standard deviation": "score",
        "Correlation with the other items": "r, −1 to 1",
        "Cronbach's alpha without the item": "0 to 1",
    }
    formats = {"Respondents": "{:,}"} | {c: "{:.2f}" for c in list(units)[1:]}
    return TableView(frame, units, formats)


def reliability_text(
    reliability: pd.DataFrame, items: pd.DataFrame, prefix: str, *, confidence: float = 0.95
) -> str:
    """The "What it means" paragraph for a scale's reliability: can its total score be used?

    ``reliability`` and ``items`` are :func:`cronbach_alpha` and :func:`item_analysis` of the
    scale ``prefix`` (a key of :func:`item_scales`); ``confidence`` is the level of the interval
    in ``reliability`` (1 − the ``alpha`` given to :func:`cronbach_alpha`).

    Examples
    --------
    >>> rel = pd.DataFrame({"alpha": [0.80], "ci_low": [0.79], "ci_high": [0.81], "n": [900], "k": [4]})
    >>> items = pd.DataFrame({"item": ["loyalty_1", "loyalty_2"], "item_total_correlation": [0.61, 0.62],
    ...                       "alpha_if_deleted": [0.75, 0.74]})
    >>> print(reliability_text(rel, items, "loyalty"))
    **What it means:** the loyalty scale's 4 items measure one thing consistently (Cronbach's alpha 0.80, good; 95 % confidence interval 0.79 to 0.81, 900 respondents), so their total or mean score can be tracked as one figure. No item would raise alpha if it were dropped.
    """
    name = scale_name(prefix)
    row = reliability.iloc[0]
    value = float(row["alpha"])
    if is_missing(value):
        return what_it_means(
            f"the {name}'s reliability cannot be estimated (too few complete answers, or answers "
            "that do not vary); do not use its total score yet."
        )
    reading = alpha_reading(value)
    interval = (
        f"{confidence * 100:g} % confidence interval {float(row['ci_low']):.2f} to {float(row['ci_high']):.2f}, "
        f"{int(row['n']):,} respondents"
    )
    better = item_labels(
        items.loc[items["alpha_if_deleted"] > value, "item"].astype(str).tolist(), prefix
    )
    drop = (
        f" Dropping {', '.join(better)} would raise alpha: "
        f"{'it measures' if len(better) == 1 else 'they measure'} something else."
        if better
        else " No item would raise alpha if it were dropped."
    )
    if value >= 0.7:
        return what_it_means(
            f"the {name}'s {int(row['k'])} items measure one thing consistently (Cronbach's alpha "
            f"{value:.2f}, {reading}; {interval}), so their total or mean score can be tracked as "
            f"one figure.{drop}"
        )
    return what_it_means(
        f"the {name}'s items do not hang together well enough (Cronbach's alpha {value:.2f}, "
        f"{reading}, below the usual 0.7; {interval}): read the items one by one rather than "
        f"their total.{drop}"
    )


def satisfaction_record(
    *,
    changes: pd.DataFrame | None = None,
    windows: pd.DataFrame | None = None,
    by_group: dict[str, pd.DataFrame] | None = None,
    representativeness: pd.DataFrame | str | None = None,
    scales: dict[str, pd.DataFrame] | None = None,
    counts: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The satisfaction figures for results.json (``customers.satisfaction``).

    Parameters
    ----------
    changes : pandas.DataFrame, optional
        :func:`survey_changes`.
    windows : pandas.DataFrame, optional
        :func:`nps_windows`.
    by_group : dict, optional
        Grouping column → :func:`nps_by_window` table.
    representativeness : pandas.DataFrame or str, optional
        :func:`representativeness` (a reason string records nothing).
    scales : dict, optional
        Scale prefix → :func:`cronbach_alpha` row.
    counts : pandas.DataFrame, optional
        :func:`response_counts`.

    Returns
    -------
    dict
        JSON-able (NaN → None): ``nps`` {``before``, ``after`` (each ``nps``, ``se``,
        ``ci_low``, ``ci_high``, ``n``, the three shares), ``change``, ``change_ci_low``,
        ``change_ci_high``, ``p_value``}; ``csat_top2_share``, ``csat_mean``, ``ces`` {``before``,
        ``after``, ``change``, ``ci_low``, ``ci_high``, ``p_value``, ``n_before``,
        ``n_after``}; ``nps_by_<column>`` {group: {``nps``, ``ci_low``, ``ci_high``, ``n``}};
        ``representativeness`` {``variable``, ``n``, ``chi_square``, ``df``, ``p_value``,
        ``cohens_w``, ``too_small``, ``unrepresentative``, ``flag``, ``message``};
        ``reliability`` {scale: {``cronbach_alpha``, ``ci_low``, ``ci_high``, ``items``,
        ``n``, ``reading``}}; ``responses`` {window: {``responses``, ``respondents``}}.
    """
    out: dict[str, Any] = {}
    if windows is not None:
        nps_part: dict[str, Any] = {}
        for row in windows.to_dict("records"):
            nps_part[row["window"]] = {
                k: row[k]
                for k in (
                    "nps",
                    "se",
                    "ci_low",
                    "ci_high",
                    "n",
                    "promoter_share",
                    "passive_share",
                    "detractor_share",
                )
            }
        out["nps"] = nps_part
    if changes is not None:
        for row in changes.to_dict("records"):
            part = {
                "before": row["before"],
                "after": row["after"],
                "change": row["change"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "p_value": row["p_value"],
                "test": row["test"],
                "n_before": row["n_before"],
                "n_after": row["n_after"],
            }
            if row["kpi"] == "nps":
                out.setdefault("nps", {}).update(
                    {
                        "change": row["change"],
                        "change_ci_low": row["ci_low"],
                        "change_ci_high": row["ci_high"],
                        "p_value": row["p_value"],
                        "test": row["test"],
                    }
                )
            else:
                out[row["kpi"]] = part
    for column, table in (by_group or {}).items():
        out[f"nps_by_{column}"] = {
            str(r[column]): {
                "nps": r["nps"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "n": r["n"],
            }
            for r in table.to_dict("records")
        }
    if isinstance(representativeness, pd.DataFrame) and len(representativeness):
        r = representativeness.iloc[0]
        out["representativeness"] = {
            "variable": r["variable"],
            "n": r["n"],
            "chi_square": r["statistic"],
            "df": r["df"],
            "p_value": r["p_value"],
            "cohens_w": r["effect_size"],
            "too_small": bool(r["too_small"]),
            "unrepresentative": bool(r["unrepresentative"]),
            "flag": bool(r["flag"]),
            "message": r["message"],
        }
    if scales:
        out["reliability"] = {
            prefix: {
                "cronbach_alpha": float(row["alpha"].iloc[0]),
                "ci_low": float(row["ci_low"].iloc[0]),
                "ci_high": float(row["ci_high"].iloc[0]),
                "items": int(row["k"].iloc[0]),
                "n": int(row["n"].iloc[0]),
                "reading": alpha_reading(float(row["alpha"].iloc[0])),
            }
            for prefix, row in scales.items()
        }
    if counts is not None:
        out["responses"] = {
            r["window"]: {"responses": r["responses"], "respondents": r["respondents"]}
            for r in counts.to_dict("records")
        }
    return jsonable(out)
