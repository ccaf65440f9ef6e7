"""The same units twice: paired t-test with the Wilcoxon signed-rank test as its check.

Library implementations: the Wilcoxon signed-rank test is :func:`scipy.stats.wilcoxon`
(exact or normal, chosen as R's ``wilcox.test(paired = TRUE)`` chooses). The paired t is
written out because its standard error feeds the interval and the minimum detectable effect;
:func:`scipy.stats.ttest_rel` agrees with it to about 1e-15 (``tests/test_impact.py``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.stats.impact.inputs import check_int, finite_or_nan
from crmkit.stats.impact.notes import Note, SameChangeEveryUnit, TooFewPairs, UnitsWithoutPair
from crmkit.stats.impact.row import (
    insufficient_row,
    log_ratio_interval,
    noted_row,
    ratio_or_nan,
)
from crmkit.stats.primitives import check_alpha, mde_t, t_critical, t_sf, z_critical

__all__ = ["compare_paired"]

_PAIRED_T = "paired t-test"
_WILCOXON = "Wilcoxon signed-rank"


def _wilcoxon_p(differences: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value as R's ``wilcox.test(paired = TRUE)``."""
    nonzero = differences[differences != 0]
    if nonzero.size == 0:
        return 1.0
    has_zeros = nonzero.size < differences.size
    has_ties = np.unique(np.abs(nonzero)).size < nonzero.size
    exact = nonzero.size < 50 and not has_zeros and not has_ties
    result = stats.wilcoxon(
        nonzero,
        zero_method="wilcox",
        correction=not exact,
        method="exact" if exact else "approx",
    )
    return float(result.pvalue)


def compare_paired(
    before: pd.Series,
    after: pd.Series,
    *,
    alpha: float = 0.05,
    min_n: int = 2,
) -> pd.DataFrame:
    """Compare the same units (reps, users, stores) before and after go-live.

    Parameters
    ----------
    before, after : pandas.Series
        One value per unit, indexed by the unit's id. Units are paired on the index; a unit
        missing from one window, or with a missing value, is dropped (and counted in ``note``).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.
    min_n : int, default 2
        Fewer pairs than this gives an "insufficient data" row.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`CHANGE_COLUMNS`:

        - ``before``, ``after``: the mean over the paired units; ``change`` = the mean
          within-unit difference (after − before); ``change_pct`` = change / before;
        - ``ci_low``, ``ci_high``: the paired t interval; ``change_pct_ci_low``,
          ``change_pct_ci_high``: delta-method interval of the ratio of means − 1 (with the
          covariance of the paired means; NaN unless both means are positive);
        - ``test`` "paired t-test", ``statistic`` t, ``p_value`` two-sided;
        - ``effect_size`` Hedges' g_av (``effect_size_name`` "Hedges' g_av");
        - ``n_before`` = ``n_after`` = the number of pairs;
        - ``mde``: minimum detectable mean difference at 80 % power;
        - ``check_test`` "Wilcoxon signed-rank" and its p-value (as R: exact below 50 pairs
          without ties or zeros, else normal with tie and continuity correction, zeros
          dropped);
        - ``interval_method`` "paired t"; ``note``: units dropped for lacking a pair, or None.

    Notes
    -----
    With differences :math:`d_i = a_i - b_i`: :math:`t = \\bar d / (s_d/\\sqrt n)` on n − 1
    degrees of freedom, interval :math:`\\bar d \\pm t_{1-\\alpha/2,n-1} s_d/\\sqrt n`.
    Effect size :math:`g_{av} = J\\,\\bar d / ((s_b + s_a)/2)` with
    :math:`J = 1 - 3/(4(n-1) - 1)`: standardised by the average of the two windows' standard
    deviations, so it reads like a between-groups d (Lakens 2013); d_z (standardised by
    :math:`s_d`) would grow with the correlation between windows. MDE:
    :math:`(t_{1-\\alpha/2,n-1} + t_{0.8,n-1}) s_d/\\sqrt n`.

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
    science. Frontiers in Psychology 4, 863.
    Borenstein, M. et al. (2009). Introduction to Meta-Analysis. Wiley, ch. 4.
    Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics 1, 80–83.

    Examples
    --------
    >>> ids = range(1, 11)
    >>> before = pd.Series([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0], index=ids)
    >>> after = pd.Series([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4], index=ids)
    >>> compare_paired(before, after)[["statistic", "p_value"]].round(6).iloc[0].tolist()
    [4.062128, 0.002833]
    """
    check_alpha(alpha)
    min_n = check_int(min_n, "min_n", minimum=2)
    for name, series in (("before", before), ("after", after)):
        if not isinstance(series, pd.Series):
            raise ValueError(f"{name} must be a pandas Series indexed by unit id")
        if series.index.has_duplicates:
            duplicated = series.index[series.index.duplicated()].unique()[:5].tolist()
            raise ValueError(f"{name} has more than one value for unit(s) {duplicated}")
    x_all = pd.Series(finite_or_nan(before, "before"), index=before.index)
    y_all = pd.Series(finite_or_nan(after, "after"), index=after.index)
    units = x_all.index.union(y_all.index)
    paired = pd.concat([x_all, y_all], axis=1, join="inner").dropna()
    x = paired.iloc[:, 0].to_numpy()
    y = paired.iloc[:, 1].to_numpy()
    n = x.size
    dropped = len(units) - n
    note = UnitsWithoutPair(dropped=dropped, units=len(units)) if dropped else None
    mean_x = float(x.mean()) if n else math.nan
    mean_y = float(y.mean()) if n else math.nan
    common = {
        "before": mean_x,
        "after": mean_y,
        "change": mean_y - mean_x,
        "change_pct": ratio_or_nan(mean_y - mean_x, mean_x),
        "test": _PAIRED_T,
        "effect_size_name": "Hedges' g_av",
        "check_test": _WILCOXON,
        "n_before": n,
        "n_after": n,
        "interval_method": "paired t",
    }
    if n < min_n:
        return insufficient_row(TooFewPairs(pairs=n, needed=min_n), (note,), **common)

    d = y - x
    mean_d = float(d.mean())
    sd_d = float(d.std(ddof=1))
    se = sd_d / math.sqrt(n)
    df = n - 1
    notes: list[Note | None] = [note]
    if se > 0:
        statistic = mean_d / se
        p_value = 2 * t_sf(abs(statistic), df)
        half = t_critical(alpha, df) * se
    else:
        statistic = math.nan
        p_value = 1.0 if mean_d == 0 else math.nan
        half = 0.0
        notes.append(SameChangeEveryUnit())
    sd_x, sd_y = float(x.std(ddof=1)), float(y.std(ddof=1))
    g_av = ratio_or_nan(mean_d, (sd_x + sd_y) / 2) * (1 - 3 / (4 * df - 1))
    covariance = float(np.cov(x, y, ddof=1)[0, 1])
    pct_ci = log_ratio_interval(
        mean_x,
        mean_y,
        sd_x**2 / n,
        sd_y**2 / n,
        covariance / n,
        z_critical(alpha),
    )
    return noted_row(
        tuple(notes),
        **common,
        ci_low=mean_d - half,
        ci_high=mean_d + half,
        change_pct_ci_low=pct_ci[0],
        change_pct_ci_high=pct_ci[1],
        statistic=statistic,
        p_value=p_value,
        effect_size=g_av,
        mde=mde_t(se, df, alpha),
        check_p_value=_wilcoxon_p(d),
    )
