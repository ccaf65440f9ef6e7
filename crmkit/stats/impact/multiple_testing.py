"""A KPI family: multiple-testing correction of its p-values, and each KPI's verdict.

The corrections (Holm, Bonferroni, Benjamini–Hochberg) are written out in :func:`adjust_pvalues`
in a few lines of numpy, step for step as statsmodels'
:func:`~statsmodels.stats.multitest.multipletests` computes them and tested against it:
that function runs a full garbage collection on every call, which costs 50 ms to over 0.3 s in
a kernel or process holding many objects. The verdicts are :class:`crmkit.data.verdicts.Verdict`
members.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from crmkit.data.verdicts import TEST_VERDICTS, Verdict
from crmkit.stats.impact.inputs import as_float_array, check_choice
from crmkit.stats.primitives import check_alpha

__all__ = ["CORRECTIONS", "VERDICTS", "adjust_pvalues", "finalize"]

#: Multiple-testing corrections understood by :func:`adjust_pvalues` and :func:`finalize`.
CORRECTIONS: tuple[str, ...] = ("holm", "bonferroni", "fdr_bh")
#: The verdicts :func:`finalize` gives (the one definition: :mod:`crmkit.data.verdicts`).
VERDICTS = TEST_VERDICTS


def adjust_pvalues(
    p_values: npt.ArrayLike | pd.Series,
    *,
    method: Literal["holm", "bonferroni", "fdr_bh"] = "holm",
) -> np.ndarray:
    """Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    p_values : array-like of float
        The family's p-values; NaN (no test) passes through and does not count in the family.
    method : {"holm", "bonferroni", "fdr_bh"}, default "holm"
        Holm's step-down (family-wise error), Bonferroni, or Benjamini–Hochberg (false
        discovery rate).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order (capped at 1).

    Notes
    -----
    With the m non-missing p-values sorted, :math:`p_{(1)} \\le … \\le p_{(m)}`:

    - Bonferroni: :math:`\\min(1, m p_i)`;
    - Holm: :math:`\\tilde p_{(i)} = \\min(1, \\max_{j \\le i} (m - j + 1) p_{(j)})`;
    - Benjamini–Hochberg: :math:`\\tilde p_{(i)} = \\min(1, \\min_{j \\ge i} m p_{(j)} / j)`.

    These are R's ``p.adjust`` methods "holm", "bonferroni" and "BH", as computed by
    statsmodels' :func:`~statsmodels.stats.multitest.multipletests`.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scand. J.
    Statist. 6, 65–70.
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57,
    289–300.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, 0.005]).round(4).tolist()
    [0.03, 0.06, 0.06, 0.02]
    """
    check_choice(method, CORRECTIONS, "method")
    p, _ = as_float_array(p_values, "p_values")
    valid = ~np.isnan(p)
    if ((p[valid] < 0) | (p[valid] > 1)).any():
        raise ValueError("p-values must lie between 0 and 1")
    adjusted = np.full(p.shape, np.nan)
    if valid.any():
        adjusted[valid] = _corrected(p[valid], method)
    return adjusted


def _corrected(p: np.ndarray, method: str) -> np.ndarray:
    """The adjusted p-values of a family without missing values (see :func:`adjust_pvalues`)."""
    m = len(p)
    if method == "bonferroni":
        return np.minimum(p * float(m), 1.0)
    order = np.argsort(p)
    ranked = p[order]
    if method == "holm":
        stepped = np.maximum.accumulate(ranked * np.arange(m, 0, -1))
    else:  # fdr_bh
        stepped = np.minimum.accumulate((ranked / (np.arange(1, m + 1) / float(m)))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(stepped, 1.0)
    return out


def finalize(
    results: pd.DataFrame,
    *,
    direction: str | pd.Series | Sequence[str],
    alpha: float = 0.05,
    correction: Literal["holm", "bonferroni", "fdr_bh"] = "holm",
) -> pd.DataFrame:
    """Correct a KPI family's p-values and give each KPI its verdict.

    Parameters
    ----------
    results : pandas.DataFrame
        Stacked one-row comparisons (one row per KPI, any index) with at least ``change``
        and ``p_value``.
    direction : str, pandas.Series or sequence of str
        Which way is better for each KPI, "higher" or "lower": the name of a column of
        ``results``, a Series aligned on ``results``' index, a sequence in row order, or one of
        "higher" / "lower" for every row.
    alpha : float, default 0.05
        Significance level for the adjusted p-values.
    correction : {"holm", "bonferroni", "fdr_bh"}, default "holm"
        Multiple-testing correction across the family (see :func:`adjust_pvalues`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``results`` with three more columns:

        - ``p_adjusted``: the corrected p-value (NaN where ``p_value`` is NaN, which does not
          count in the family);
        - ``significant``: p_adjusted < alpha;
        - ``verdict``: a :class:`~crmkit.data.verdicts.Verdict` (object dtype): IMPROVED or
          WORSENED when significant (the sign of ``change`` against ``direction``),
          NO_CHANGE otherwise, INSUFFICIENT when ``p_value`` is NaN. Members are strings
          ("improved", "no detectable change" …), so the column compares and serialises as
          its words.

    Notes
    -----
    A "no detectable change" is not "no change": the row's ``mde`` says how large a change
    the data could have detected.

    Examples
    --------
    >>> rows = pd.DataFrame({"change": [5.0, -2.0, 1.0], "p_value": [0.001, 0.01, 0.5]})
    >>> [str(v) for v in finalize(rows, direction=["higher", "higher", "lower"])["verdict"]]
    ['improved', 'worsened', 'no detectable change']
    """
    check_alpha(alpha)
    check_choice(correction, CORRECTIONS, "correction")
    if not isinstance(results, pd.DataFrame):
        raise ValueError("results must be a pandas DataFrame of stacked comparison rows")
    missing = [c for c in ("change", "p_value") if c not in results.columns]
    if missing:
        raise ValueError(f"results has no column(s) {missing}")
    if isinstance(direction, str):
        if direction in results.columns:
            directions = results[direction]
        elif direction in ("higher", "lower"):
            directions = pd.Series(direction, index=results.index)
        else:
            raise ValueError(
                f"direction {direction!r} is neither a column of results nor 'higher'/'lower'"
            )
    elif isinstance(direction, pd.Series):
        if direction.index.equals(results.index):
            directions = direction
        elif direction.index.is_unique and results.index.isin(direction.index).all():
            directions = direction.reindex(results.index)
        else:
            raise ValueError("direction must have one entry for every row of results (by index)")
    else:
        entries = list(direction)
        if len(entries) != len(results):
            raise ValueError(
                f"direction has {len(entries)} entries for {len(results)} rows of results"
            )
        directions = pd.Series(entries, index=results.index, dtype=object)
    labels = directions.to_numpy(dtype=object)
    bad = sorted({str(v) for v in labels if v not in ("higher", "lower")})
    if bad:
        raise ValueError(f"direction must be 'higher' or 'lower', got {bad}")
    p, _ = as_float_array(results["p_value"], "p_value")
    change, _ = as_float_array(results["change"], "change")
    adjusted = adjust_pvalues(p, method=correction)
    significant = np.nan_to_num(adjusted, nan=1.0) < alpha
    better = np.where(labels == "higher", change > 0, change < 0)
    worse = np.where(labels == "higher", change < 0, change > 0)
    verdict = np.array([Verdict.NO_CHANGE] * len(results), dtype=object)
    verdict[significant & worse] = Verdict.WORSENED
    verdict[significant & better] = Verdict.IMPROVED
    verdict[np.isnan(p)] = Verdict.INSUFFICIENT
    out = results.copy()
    out["p_adjusted"] = adjusted
    out["significant"] = significant
    out["verdict"] = pd.Series(verdict, index=results.index, dtype=object)
    return out
