"""The Net Promoter Score: of a set of answers, per group, per window, and its change.

Answers 0–10 to "how likely are you to recommend us": promoters 9–10, passives 7–8,
detractors 0–6; the NPS is 100 × (promoter share − detractor share), from −100 to 100.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from crmkit.data.config import Assessment
from crmkit.domains.survey.responses import (
    NPS_SCALE,
    SMALL_SAMPLE,
    scoped_windows,
    valid_scores,
    window_responses,
    with_customer_columns,
)
from crmkit.stats.impact.notes import (
    Note,
    NoVariation,
    NpsBeforeNotPositive,
    SmallSampleNps,
    TooFewAnswers,
)
from crmkit.stats.impact.row import insufficient_row, noted_row
from crmkit.stats.primitives import check_alpha, mde_z, z_critical

__all__ = [
    "MIN_GROUP_ANSWERS",
    "NPS_COLUMNS",
    "compare_nps",
    "nps",
    "nps_by",
    "nps_by_window",
    "nps_group_test",
    "nps_windows",
]

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

_NPS_TEST = "two-sample z-test for NPS"
_NPS_CHECK = "chi-square test of the promoter/passive/detractor mix"
#: A group needs at least this many answers to enter :func:`nps_group_test`.
MIN_GROUP_ANSWERS = 2


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
    half = z_critical(alpha) * se
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
    check_alpha(alpha)
    x = valid_scores(scores, "scores", NPS_SCALE)
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
    check_alpha(alpha)
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError("by must name at least one column")
    if score not in surveys.columns:
        raise ValueError(f"the survey table has no column {score!r}")
    frame = with_customer_columns(surveys, keys, customers)
    x = pd.Series(valid_scores(frame[score], score, NPS_SCALE))  # validates; drops missing
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
    check_alpha(alpha)
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 2:
        raise ValueError(f"min_n must be a whole number of at least 2, got {min_n!r}")
    x = valid_scores(before, "before", NPS_SCALE)
    y = valid_scores(after, "after", NPS_SCALE)
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
        return insufficient_row(TooFewAnswers(before=nb, after=na, needed=min_n), **common)

    se = math.hypot(se_b, se_a)
    z_crit = z_critical(alpha)
    notes: list[Note] = []
    if se > 0:
        statistic = change / se
        p_value = float(2 * special.ndtr(-abs(statistic)))
    else:
        statistic, p_value = math.nan, (1.0 if change == 0 else math.nan)
        notes.append(NoVariation(test="z"))
    if min(nb, na) < SMALL_SAMPLE:
        notes.append(SmallSampleNps(threshold=SMALL_SAMPLE))
    if score_b <= 0:
        notes.append(NpsBeforeNotPositive())
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
    return noted_row(
        tuple(notes),
        **common,
        ci_low=change - z_crit * se,
        ci_high=change + z_crit * se,
        change_pct_ci_low=pct_ci[0],
        change_pct_ci_high=pct_ci[1],
        statistic=statistic,
        p_value=p_value,
        effect_size=effect,
        mde=mde_z(se, alpha),
        check_p_value=check_p,
    )


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
    check_alpha(alpha)
    if "nps" not in surveys.columns:
        raise ValueError("the survey table has no column 'nps'")
    parts = scoped_windows(surveys, assessment, customers=customers, scope=scope)
    out = pd.concat([nps(part["nps"], alpha=alpha) for part in parts.values()], ignore_index=True)
    out.insert(0, "window", list(parts))
    return out


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
    rows = window_responses(surveys, assessment)[0 if window == "before" else 1]
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
    ok = (n >= MIN_GROUP_ANSWERS) & np.isfinite(x) & np.isfinite(se) & (se > 0)
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
