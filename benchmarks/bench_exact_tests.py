"""Benchmark: accuracy of the exact tests' library calls against exact rational arithmetic.

    .venv/bin/python benchmarks/bench_exact_tests.py

:func:`crmkit.stats.impact.compare_proportions` takes Fisher's exact test from
``scipy.stats.fisher_exact`` and :func:`crmkit.stats.impact.compare_rates` its two-sided binomial
test from ``scipy.stats.binomtest``; the rate-ratio interval is the Clopper–Pearson interval
by the beta quantiles (``scipy.special.betaincinv`` / ``betainccinv``, as R's ``qbeta`` in
``binom.test`` and ``poisson.test``) rather than ``BinomTestResult.proportion_ci``, which
finds the same limits by a root search. This script shows why, on windows of the sizes a CRM
assessment meets (up to a few thousand trials or events): each value is compared with the
exact one, computed in integer and rational arithmetic (``math.comb``, ``fractions``), and
the relative errors are printed as a Markdown table. For an interval limit the error is that
of the defining equation: P(X ≥ k | π_L) = alpha/2 and P(X ≤ k | π_U) = alpha/2.
"""

from __future__ import annotations

import argparse
import math
from fractions import Fraction

import numpy as np
from scipy import special, stats

ALPHA = 0.05


def exact_two_sided_p(weights: list[Fraction], observed: int) -> float:
    """Exact two-sided p-value: the outcomes no more likely than the observed one (R's rule)."""
    cut = weights[observed] * Fraction(10**7 + 1, 10**7)
    return float(sum(w for w in weights if w <= cut) / sum(weights))


def binomial_weights(trials: int, probability: Fraction) -> list[Fraction]:
    """Exact binomial probabilities of 0..trials successes."""
    return [
        math.comb(trials, k) * probability**k * (1 - probability) ** (trials - k)
        for k in range(trials + 1)
    ]


def relative(value: float, exact: Fraction | float) -> float:
    """Relative error of ``value`` against ``exact``."""
    exact = Fraction(exact)
    return float(abs(Fraction(value) - exact) / exact)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    errors: dict[str, list[float]] = {
        "Fisher p (scipy.stats.fisher_exact)": [],
        "binomial p (scipy.stats.binomtest)": [],
        "Clopper–Pearson limits, beta quantiles (used)": [],
        "Clopper–Pearson limits, binomtest proportion_ci": [],
    }
    for _ in range(args.cases):
        n_b, n_a = (int(v) for v in rng.integers(20, 3000, 2))
        share = rng.uniform(0.02, 0.5)
        x_b, x_a = int(rng.binomial(n_b, share)), int(rng.binomial(n_a, share))
        total = x_a + x_b
        support = range(max(0, total - n_b), min(total, n_a) + 1)
        weights = [Fraction(math.comb(n_a, k) * math.comb(n_b, total - k)) for k in support]
        exact = exact_two_sided_p(weights, x_a - support[0])
        fisher = stats.fisher_exact([[x_a, n_a - x_a], [x_b, n_b - x_b]]).pvalue
        errors["Fisher p (scipy.stats.fisher_exact)"].append(relative(fisher, exact))

        events = int(rng.integers(1, 400))
        exposure_b, exposure_a = (int(v) for v in rng.integers(100, 10_000, 2))
        probability = Fraction(exposure_a, exposure_a + exposure_b)
        drift = min(1.0, float(probability) * rng.uniform(0.7, 1.3))
        after = int(rng.binomial(events, drift))
        weights = binomial_weights(events, probability)
        exact = exact_two_sided_p(weights, after)
        test = stats.binomtest(after, events, float(probability))
        errors["binomial p (scipy.stats.binomtest)"].append(relative(test.pvalue, exact))
        if 0 < after < events:
            half = Fraction(ALPHA / 2)
            searched = test.proportion_ci(confidence_level=1 - ALPHA, method="exact")
            quantiles = (
                float(special.betaincinv(after, events - after + 1, ALPHA / 2)),
                float(special.betainccinv(after + 1, events - after, ALPHA / 2)),
            )
            for name, (low, high) in (
                ("Clopper–Pearson limits, beta quantiles (used)", quantiles),
                ("Clopper–Pearson limits, binomtest proportion_ci", searched),
            ):
                upper_tail = sum(binomial_weights(events, Fraction(low))[after:])
                lower_tail = sum(binomial_weights(events, Fraction(high))[: after + 1])
                errors[name] += [relative(upper_tail, half), relative(lower_tail, half)]
    print(f"{args.cases} random windows (seed {args.seed}); relative error against exact values\n")
    print("| quantity | median | 99th percentile | max |")
    print("|---|---:|---:|---:|")
    for name, values in errors.items():
        array = np.array(values)
        print(
            f"| {name} | {np.median(array):.1e} | {np.quantile(array, 0.99):.1e} "
            f"| {array.max():.1e} |"
        )


if __name__ == "__main__":
    main()
