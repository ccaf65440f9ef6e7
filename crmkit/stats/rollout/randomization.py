"""Randomization inference over a rollout's assignment, with intervals by test inversion.

Under the sharp null that the CRM changed every treated observation by δ, Y − δ·D is the
outcome without it, whoever got which go-live date. Each reassignment π of the go-live dates
to the units (the observed multiset of dates, "never" included) gives the statistic
T_π(δ) = est_π(Y(0) + δ·D_π) − δ = est_π(Y − δ·D) = a_π − δ b_π, with a_π = est_π(Y) and
b_π = est_π(D) (the estimator is linear in the outcome and recovers a constant effect). The p-value of δ is the share of reassignments with
|T_π(δ)| ≥ |T_obs(δ)|, the observed one included; all reassignments are enumerated when there
are at most ``max_exact`` distinct ones, otherwise a seeded sample is drawn. The interval is
the set of δ whose p-value exceeds alpha (its hull), found exactly: p(δ) only changes where
two of the linear statistics cross. The smallest attainable p-value is 1 / (number of
distinct assignments); when it exceeds alpha no interval is returned ("too few units").

References
----------
Fisher, R. A. (1935). The Design of Experiments. Imbens, G. W. and Rubin, D. B. (2015).
Causal Inference, ch. 5. Rosenbaum, P. R. (2002). Observational Studies, §2.6 (inversion).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmkit.stats.rollout.imputation import Term, impute
from crmkit.stats.rollout.panel import Panel
from crmkit.stats.rollout.status import Inference

__all__ = ["RandomizationResult", "assignments", "randomization_inference"]

_TIE = 1e-9


@dataclass(frozen=True)
class RandomizationResult:
    """p-value and interval of each term, in the order of the terms given."""

    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    status: list[Inference]
    n_assignments: int  #: reassignments used (the observed one included)
    n_distinct: int  #: distinct assignments of the go-live dates to the units
    exact: bool  #: all distinct assignments were enumerated


def _multiset_permutations(codes: list[int]) -> Iterator[tuple[int, ...]]:
    counts: dict[int, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    keys = sorted(counts)
    n = len(codes)
    current: list[int] = []

    def walk() -> Iterator[tuple[int, ...]]:
        if len(current) == n:
            yield tuple(current)
            return
        for key in keys:
            if counts[key]:
                counts[key] -= 1
                current.append(key)
                yield from walk()
                current.pop()
                counts[key] += 1

    return walk()


def assignments(
    first_treated: np.ndarray,
    *,
    max_exact: int,
    n_permutations: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, int, bool]:
    """Reassignments of go-live dates to units (rows; row 0 is the observed one).

    Returns the array, the number of distinct assignments, and whether it is exhaustive.
    """
    codes, values = pd.factorize(pd.Series(first_treated), use_na_sentinel=False)
    values = np.asarray(values, dtype=float)
    counts = np.bincount(codes)
    n_distinct = math.factorial(codes.size)
    for count in counts:
        n_distinct //= math.factorial(int(count))
    if n_distinct <= max_exact:
        observed = tuple(codes.tolist())
        rows = [observed] + [p for p in _multiset_permutations(codes.tolist()) if p != observed]
        return values[np.array(rows)], n_distinct, True
    drawn = np.array([rng.permutation(codes) for _ in range(n_permutations)])
    return values[np.vstack([codes[None, :], drawn])], n_distinct, False


def _p_values(a: np.ndarray, c: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """p(δ) for each δ, with T_π(δ) = a_π − δ c_π and row 0 the observed assignment."""
    out = np.empty(deltas.size)
    for start in range(0, deltas.size, 256):
        d = deltas[start : start + 256, None]
        stat = np.abs(a[None, :] - d * c[None, :])
        observed = stat[:, :1]
        extreme = (stat >= observed * (1 - _TIE)) | ~np.isfinite(stat)
        out[start : start + 256] = extreme.mean(axis=1)
    return out


def _interval(a: np.ndarray, c: np.ndarray, alpha: float) -> tuple[float, float, bool]:
    """Hull of {δ: p(δ) > alpha}, and whether it is bounded (else NaN, NaN, False).

    Each reassignment's indicator |T_π(δ)| ≥ |T_obs(δ)| changes only where the two linear
    statistics are equal or opposite (at most two points), so the count of extreme
    reassignments is a step function: a sweep over the sorted change points gives it exactly.
    """
    m = a.size
    finite = np.isfinite(a[1:]) & np.isfinite(c[1:])
    always = 1 + int(np.sum(~finite))  # the observed assignment, and undefined estimates
    a_p, c_p, a0, c0 = a[1:][finite], c[1:][finite], a[0], c[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.column_stack([(a_p - a0) / (c_p - c0), (a_p + a0) / (c_p + c0)])
    roots[~np.isfinite(roots)] = np.nan
    low_root, high_root = np.nanmin(roots, axis=1), np.nanmax(roots, axis=1)
    all_roots = roots[np.isfinite(roots)]
    span = 1.0 + (float(np.abs(all_roots).max()) if all_roots.size else 0.0)

    def extreme(delta: np.ndarray) -> np.ndarray:
        return np.abs(a_p - delta * c_p) >= np.abs(a0 - delta * c0) * (1 - _TIE)

    has_low, has_high = np.isfinite(low_root), np.isfinite(high_root)
    left = extreme(np.where(has_low, low_root, 0.0) - span)
    middle = extreme(np.where(has_low & has_high, (low_root + high_root) / 2, 0.0))
    right = extreme(np.where(has_high, high_root, 0.0) + span)
    two = has_low & has_high & (high_root > low_root)
    points = np.concatenate([low_root[two], high_root[two], low_root[has_low & ~two]])
    steps = np.concatenate(
        [
            (middle[two].astype(int) - left[two]),
            (right[two].astype(int) - middle[two]),
            (right[has_low & ~two].astype(int) - left[has_low & ~two]),
        ]
    )
    order = np.argsort(points, kind="stable")
    points, steps = points[order], steps[order]
    cuts, first = np.unique(points, return_index=True)
    jumps = np.add.reduceat(steps, first) if points.size else np.zeros(0, dtype=int)
    counts = always + int(left.sum()) + np.concatenate([[0], np.cumsum(jumps)])
    accepted = counts / m > alpha  # segment j lies between cuts[j − 1] and cuts[j]
    if accepted[0] or accepted[-1]:
        return math.nan, math.nan, False
    inside = np.flatnonzero(accepted)
    if inside.size == 0:
        return math.nan, math.nan, True
    return float(cuts[inside[0] - 1]), float(cuts[inside[-1]]), True


def randomization_inference(
    panel: Panel,
    terms: list[Term],
    *,
    alpha: float,
    max_exact: int = 2000,
    n_permutations: int = 999,
    seed: int = 0,
) -> RandomizationResult:
    """Randomization p-values and inverted intervals of the imputation estimator's terms."""
    rng = np.random.default_rng(seed)
    draws, n_distinct, exact = assignments(
        panel.first_treated, max_exact=max_exact, n_permutations=n_permutations, rng=rng
    )
    observed = impute(panel)
    dose = observed.treated.astype(float)
    a = np.full((len(terms), len(draws)), np.nan)
    b = np.full((len(terms), len(draws)), np.nan)
    for index, first in enumerate(draws):
        imputation = observed if index == 0 else impute(panel.with_first_treated(first))
        a[:, index] = imputation.estimates(terms)[:, 0]
        b[:, index] = imputation.estimates(terms, dose)[:, 0]
    c = b
    p = np.array([_p_values(a[i], c[i], np.zeros(1))[0] for i in range(len(terms))])
    low, high = np.full(len(terms), np.nan), np.full(len(terms), np.nan)
    status = []
    for i in range(len(terms)):
        if not np.isfinite(a[i, 0]):
            status.append(Inference.NO_ESTIMATE)
            p[i] = math.nan
        elif 1.0 / n_distinct > alpha:
            status.append(Inference.TOO_FEW_UNITS)
        else:
            low[i], high[i], bounded = _interval(a[i], c[i], alpha)
            status.append(Inference.OK if bounded else Inference.UNBOUNDED_INTERVAL)
    return RandomizationResult(p, low, high, status, len(draws), n_distinct, exact)
