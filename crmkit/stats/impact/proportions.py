"""Shares and category mixes: two proportions, and a categorical distribution.

:func:`compare_proportions` (z-test or Fisher's exact test, Newcombe's interval) and
:func:`compare_distributions` (chi-square test of homogeneity, a Newcombe interval per
category).

Library implementations: the z-test is statsmodels' ``proportions_ztest``, Fisher's exact test
:func:`scipy.stats.fisher_exact`, the chi-square test :func:`scipy.stats.chi2_contingency`
(without continuity correction). Newcombe's interval is written out on the kit's Wilson
interval (:func:`crmkit.stats.primitives.wilson_interval`): statsmodels'
``confint_proportions_2indep(method="newcomb")`` gives the same interval to about 1e-16 but
not to the last digit; ``tests/test_impact.py`` checks the two agree.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from crmkit.stats.impact.inputs import check_int
from crmkit.stats.impact.notes import (
    FisherUsed,
    Insufficient,
    Note,
    OneCategory,
    SmallExpectedCounts,
    TooFewCounts,
    TooFewTrials,
    noted,
)
from crmkit.stats.impact.row import insufficient_row, noted_row, ratio_or_nan
from crmkit.stats.primitives import check_alpha, check_count, mde_z, wilson_interval, z_critical

__all__ = ["DISTRIBUTION_COLUMNS", "compare_distributions", "compare_proportions"]

_Z_TEST = "two-proportion z-test"
_FISHER = "Fisher's exact test"
_CHI_SQUARE = "chi-square test of homogeneity"

#: The columns of :func:`compare_distributions`, one row per category.
DISTRIBUTION_COLUMNS: tuple[str, ...] = (
    "category",
    "before_count",
    "after_count",
    "before_share",
    "after_share",
    "change",
    "ci_low",
    "ci_high",
    "test",
    "statistic",
    "p_value",
    "dof",
    "cramers_v",
    "n_before",
    "n_after",
    "interval_method",
    "note",
    "note_facts",
)


# --- proportions -----------------------------------------------------------------------------


def _newcombe(x1: int, n1: int, x2: int, n2: int, alpha: float) -> tuple[float, float]:
    """Newcombe (1998) hybrid score interval (method 10) of p2 − p1."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, alpha=alpha)
    l2, u2 = wilson_interval(x2, n2, alpha=alpha)
    difference = p2 - p1
    low = difference - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = difference + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return low, high


def compare_proportions(
    successes_before: int,
    n_before: int,
    successes_after: int,
    n_after: int,
    *,
    alpha: float = 0.05,
    min_n: int = 1,
) -> pd.DataFrame:
    """Compare a share (win rate, response rate, churn share) before and after go-live.

    Parameters
    ----------
    successes_before, n_before : int
        Successes and trials before go-live (e.g. won and closed opportunities).
    successes_after, n_after : int
        The same after go-live.
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.
    min_n : int, default 1
        Fewer trials than this in a window gives an "insufficient data" row.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`CHANGE_COLUMNS`:

        - ``before``, ``after``: the share in each window; ``change`` = after − before (a
          fraction: 0.05 is 5 percentage points); ``change_pct`` = change / before;
        - ``ci_low``, ``ci_high``: Newcombe's hybrid score interval of the difference;
          ``change_pct_ci_low``, ``change_pct_ci_high``: the risk ratio's log interval − 1
          (Katz; NaN when a window has no successes);
        - ``test``: "two-proportion z-test" (pooled standard error, as R's
          ``prop.test(correct = FALSE)``), or "Fisher's exact test" when an expected cell count
          is below 5; ``statistic`` z, or for Fisher the sample odds ratio (after vs before);
          ``p_value`` two-sided;
        - ``effect_size`` the risk difference (``effect_size_name`` "risk difference");
        - ``n_before``, ``n_after``: trials;
        - ``mde``: minimum detectable difference at 80 % power (pooled share);
        - ``check_test`` / ``check_p_value``: the other of z-test and Fisher (None / NaN
          when z is undefined);
        - ``interval_method`` "Newcombe hybrid score"; ``note``: caveats or None.

    Notes
    -----
    z-test: :math:`z = (\\hat p_a - \\hat p_b) / \\sqrt{\\bar p(1-\\bar p)(1/n_b + 1/n_a)}`
    with the pooled share :math:`\\bar p`; its square is the Pearson chi-square of the 2×2
    table. Fisher's exact test (``scipy.stats.fisher_exact``) is two-sided by summing the
    probabilities of tables no more likely than the one observed (as R's ``fisher.test``).

    Newcombe's method 10: with Wilson intervals :math:`(l_b, u_b)`, :math:`(l_a, u_a)` and
    :math:`d = \\hat p_a - \\hat p_b`:
    :math:`L = d - \\sqrt{(\\hat p_a - l_a)^2 + (u_b - \\hat p_b)^2}`,
    :math:`U = d + \\sqrt{(u_a - \\hat p_a)^2 + (\\hat p_b - l_b)^2}`.

    MDE: :math:`(z_{1-\\alpha/2} + z_{0.8})\\sqrt{\\bar p(1-\\bar p)(1/n_b + 1/n_a)}`.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17, 873–890.
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed. Wiley, §3.1 and §3.5.
    Katz, D. et al. (1978). Obtaining confidence intervals for the risk ratio in cohort
    studies. Biometrics 34, 469–474.

    Examples
    --------
    >>> row = compare_proportions(48, 80, 56, 70)
    >>> row[["change", "ci_low", "ci_high"]].round(4).iloc[0].tolist()
    [0.2, 0.0524, 0.3339]
    """
    check_alpha(alpha)
    min_n = check_int(min_n, "min_n", minimum=1)
    x1, n1 = check_count(successes_before, "successes_before"), check_count(n_before, "n_before")
    x2, n2 = check_count(successes_after, "successes_after"), check_count(n_after, "n_after")
    if x1 > n1:
        raise ValueError(f"successes_before ({x1}) cannot exceed n_before ({n1})")
    if x2 > n2:
        raise ValueError(f"successes_after ({x2}) cannot exceed n_after ({n2})")
    p1 = x1 / n1 if n1 else math.nan
    p2 = x2 / n2 if n2 else math.nan
    common = {
        "before": p1,
        "after": p2,
        "change": p2 - p1,
        "change_pct": ratio_or_nan(p2 - p1, p1),
        "effect_size": p2 - p1,
        "effect_size_name": "risk difference",
        "n_before": n1,
        "n_after": n2,
    }
    if n1 < min_n or n2 < min_n:
        reason = TooFewTrials(before=n1, after=n2, needed=min_n)
        return insufficient_row(reason, test=_Z_TEST, **common)

    pooled = (x1 + x2) / (n1 + n2)
    expected = np.outer([n1, n2], [pooled, 1 - pooled])
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se0 > 0:
        z, z_p = (float(v) for v in proportions_ztest([x2, x1], [n2, n1]))
    else:
        z, z_p = math.nan, math.nan
    fisher = stats.fisher_exact([[x2, n2 - x2], [x1, n1 - x1]])
    odds_ratio, fisher_p = fisher.statistic, fisher.pvalue
    small = bool((expected < 5).any())
    if small:
        primary = {"test": _FISHER, "statistic": float(odds_ratio), "p_value": float(fisher_p)}
        check = {"check_test": _Z_TEST if se0 > 0 else None, "check_p_value": z_p}
        note = FisherUsed()
    else:
        primary = {"test": _Z_TEST, "statistic": z, "p_value": z_p}
        check = {"check_test": _FISHER, "check_p_value": float(fisher_p)}
        note = None
    low, high = _newcombe(x1, n1, x2, n2, alpha)
    if x1 > 0 and x2 > 0:
        log_se = math.sqrt(1 / x2 - 1 / n2 + 1 / x1 - 1 / n1)
        spread = z_critical(alpha) * log_se
        log_rr = math.log(p2 / p1)
        pct_ci = (math.expm1(log_rr - spread), math.expm1(log_rr + spread))
    else:
        pct_ci = (math.nan, math.nan)
    return noted_row(
        (note,),
        **common,
        **primary,
        **check,
        ci_low=low,
        ci_high=high,
        change_pct_ci_low=pct_ci[0],
        change_pct_ci_high=pct_ci[1],
        mde=mde_z(se0, alpha),
        interval_method="Newcombe hybrid score",
    )


# --- category mix ----------------------------------------------------------------------------


def compare_distributions(
    before_counts: pd.Series,
    after_counts: pd.Series,
    *,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Compare a category mix (sales channel, contact channel, segment) before and after.

    Parameters
    ----------
    before_counts, after_counts : pandas.Series
        Counts per category, indexed by category (e.g. ``orders["channel"].value_counts()``).
        A category missing from one window counts 0 there.
    alpha : float, default 0.05
        Level of the per-category intervals (1 − alpha).

    Returns
    -------
    pandas.DataFrame
        One row per category (before's order, then categories new after go-live) with
        :data:`DISTRIBUTION_COLUMNS`:

        - ``category``; ``before_count``, ``after_count``;
        - ``before_share``, ``after_share``: the category's share of its window;
        - ``change``: after_share − before_share (a fraction: 0.05 is 5 percentage points);
        - ``ci_low``, ``ci_high``: Newcombe's hybrid score interval of ``change``, per
          category, not adjusted for the number of categories;
        - ``test`` "chi-square test of homogeneity", ``statistic`` (Pearson chi-square),
          ``p_value``, ``dof`` (categories − 1), ``cramers_v``: the overall test, the same on
          every row (so the frame stays tidy when saved or stacked);
        - ``n_before``, ``n_after``: the windows' totals;
        - ``interval_method`` "Newcombe hybrid score"; ``note``: caveats or None;
          ``note_facts``: the same caveats as typed facts (JSON text,
          :func:`crmkit.stats.impact.notes.read_notes`), which the words layer says in the
          report's language; None without caveats.

    Notes
    -----
    Pearson's :math:`\\chi^2 = \\sum (O - E)^2 / E` over the 2 × k table (categories with no
    count in either window left out), k − 1 degrees of freedom, no continuity correction;
    Cramér's :math:`V = \\sqrt{\\chi^2 / N}` for two rows. The note warns when more than 20 %
    of expected counts are below 5 or any is below 1 (Cochran 1954).

    References
    ----------
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed. Wiley, §3.2.
    Cochran, W. G. (1954). Some methods for strengthening the common χ² tests. Biometrics 10,
    417–451.
    Newcombe, R. G. (1998). Statistics in Medicine 17, 873–890.

    Examples
    --------
    >>> before = pd.Series({"email": 762, "phone": 327, "web": 468})
    >>> after = pd.Series({"email": 484, "phone": 239, "web": 477})
    >>> frame = compare_distributions(before, after)
    >>> round(float(frame["statistic"].iloc[0]), 2), int(frame["dof"].iloc[0])
    (30.07, 2)
    """
    check_alpha(alpha)
    for name, series in (("before_counts", before_counts), ("after_counts", after_counts)):
        if not isinstance(series, pd.Series):
            raise ValueError(f"{name} must be a pandas Series of counts indexed by category")
        if series.index.has_duplicates:
            raise ValueError(f"{name} lists a category more than once")
    categories = before_counts.index.append(after_counts.index.difference(before_counts.index))
    counts = {}
    for name, series in (("before_counts", before_counts), ("after_counts", after_counts)):
        aligned = series.reindex(categories).fillna(0)
        counts[name] = np.array([check_count(v, f"{name}[{k!r}]") for k, v in aligned.items()])
    c1, c2 = counts["before_counts"], counts["after_counts"]
    n1, n2 = int(c1.sum()), int(c2.sum())
    frame = pd.DataFrame(
        {
            "category": categories.to_numpy(dtype=object),
            "before_count": c1,
            "after_count": c2,
            "before_share": c1 / n1 if n1 else np.full(c1.size, np.nan),
            "after_share": c2 / n2 if n2 else np.full(c2.size, np.nan),
        }
    )
    frame["change"] = frame["after_share"] - frame["before_share"]
    notes: list[Note] = []
    if n1 and n2:
        intervals = [_newcombe(int(a), n1, int(b), n2, alpha) for a, b in zip(c1, c2, strict=True)]
        frame["ci_low"] = [low for low, _ in intervals]
        frame["ci_high"] = [high for _, high in intervals]
        used = (c1 + c2) > 0
        table = np.vstack([c1[used], c2[used]]).astype(float)
        k = table.shape[1]
        if k >= 2:
            chi_square = stats.chi2_contingency(table, correction=False)
            expected = chi_square.expected_freq
            statistic, p_value = float(chi_square.statistic), float(chi_square.pvalue)
            dof = int(chi_square.dof)
            cramers_v = math.sqrt(statistic / (n1 + n2))
            if (expected < 5).mean() > 0.2 or (expected < 1).any():
                notes.append(SmallExpectedCounts())
        else:
            statistic, dof, p_value, cramers_v = math.nan, math.nan, math.nan, math.nan
            notes.append(Insufficient(OneCategory()))
    else:
        frame["ci_low"] = math.nan
        frame["ci_high"] = math.nan
        statistic, dof, p_value, cramers_v = math.nan, math.nan, math.nan, math.nan
        notes.append(Insufficient(TooFewCounts(before=n1, after=n2)))
    frame["test"] = pd.Series([_CHI_SQUARE] * len(frame), dtype=object)
    frame["statistic"] = statistic
    frame["p_value"] = p_value
    frame["dof"] = dof
    frame["cramers_v"] = cramers_v
    frame["n_before"] = n1
    frame["n_after"] = n2
    frame["interval_method"] = pd.Series(["Newcombe hybrid score"] * len(frame), dtype=object)
    note = noted(*notes)
    frame["note"] = pd.Series([note["note"]] * len(frame), dtype=object)
    frame["note_facts"] = pd.Series([note["note_facts"]] * len(frame), dtype=object)
    return frame[list(DISTRIBUTION_COLUMNS)]
