"""Difference-in-differences: a KPI of units that got the CRM against units that did not."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.guards import Guard, percent_change
from crmkit.stats.impact.clustered import (
    cluster_ols,
    data_ranks,
    wild_cluster_bootstrap,
    wild_weights,
)
from crmkit.stats.impact.event_study import EVENT_STUDY_COLUMNS, fit_event_study, relative_periods
from crmkit.stats.impact.inputs import check_int
from crmkit.stats.impact.notes import (
    CollinearTreatment,
    EmptyDidCell,
    ExactFit,
    FewUnitsOnASide,
    Insufficient,
    NoResidualRows,
    Note,
    PreTrendsDiffer,
    RowsWithMissingDropped,
    TooFewArrangements,
    UnboundedInterval,
    WildBootstrapInference,
)
from crmkit.stats.impact.row import insufficient_row, noted_row, ratio_or_nan
from crmkit.stats.primitives import check_alpha, mde_t, t_critical, t_sf

__all__ = ["FEW_CLUSTERS", "DiDResult", "DidInference", "difference_in_differences"]

#: Below this many clusters, difference-in-differences inference is a wild cluster bootstrap.
FEW_CLUSTERS = 30


class DidInference(StrEnum):
    """Which inference gave the interval and p-value (the words are built elsewhere)."""

    #: Too few arrangements of the treated units for any test over units: no interval.
    TOO_FEW_ARRANGEMENTS = "too_few_arrangements"
    #: Fewer than :data:`FEW_CLUSTERS` clusters: wild cluster bootstrap-t, null imposed.
    WILD_CLUSTER_BOOTSTRAP = "wild_cluster_bootstrap"
    #: Enough clusters: cluster-robust t (CR1) with clusters − 1 degrees of freedom.
    CLUSTER_ROBUST = "cluster_robust"
    #: No estimate (too little data).
    INSUFFICIENT = "insufficient"


@dataclass(frozen=True, eq=False)
class DiDResult:
    """A difference-in-differences estimate (see :func:`difference_in_differences`).

    Attributes
    ----------
    estimate : float
        The DiD effect on the outcome (treated units, after go-live), in the outcome's unit.
    se : float
        Cluster-robust (CR1) standard error.
    ci_low, ci_high : float
        Interval of the estimate from the primary inference (level 1 − alpha).
    p_value : float
        Two-sided p-value of the primary inference.
    n_clusters, n_treated_units, n_control_units : int
        Units (= clusters), of which treated and control.
    inference : str
        The primary inference in words, and why.
    pre_trend_p : float
        p-value of the test that treated and control trends did not differ before go-live
        (see ``pre_trend_test``); NaN with a single pre-period.
    pre_trend_test : str or None
        Which pre-trend test was run.
    event_study : pandas.DataFrame
        :data:`EVENT_STUDY_COLUMNS`: one row per period relative to go-live except the
        reference (the last pre-period, −1 for monthly data): ``relative_period``,
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value`` (cluster-robust CR1,
        t with G − 1 df).
    statistic : float
        The CR1 t statistic of the estimate.
    cr1_p_value, cr1_ci_low, cr1_ci_high : float
        The cluster-robust t inference (G − 1 df), also when it is not the primary one.
    comparison : pandas.DataFrame
        The standard one-row comparison (see :meth:`to_row`).
    guard : str or None
        ``no_interval`` when the data cannot bound the estimate (too few units, or an
        unbounded bootstrap interval: ``ci_low`` and ``ci_high`` are then both NaN),
        ``base_near_zero`` when only the row's percentage has no sane base, else None.
    inference_kind : DidInference
        The primary inference, typed (``inference`` describes it for results.json).
    arrangements : int
        The ways the treated units can be drawn from all units (C(G, treated)).
    bootstrap_draws, bootstrap_seed : int
        The wild bootstrap's draws and seed (0 when it did not run).
    bootstrap_weights : str or None
        "Webb six-point" or "Rademacher" when the wild bootstrap ran.
    alpha : float
        The level the interval was built at (1 − alpha).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n_clusters: int
    n_treated_units: int
    n_control_units: int
    inference: str
    pre_trend_p: float
    pre_trend_test: str | None
    event_study: pd.DataFrame
    statistic: float
    cr1_p_value: float
    cr1_ci_low: float
    cr1_ci_high: float
    comparison: pd.DataFrame = field(repr=False)
    guard: str | None = None
    inference_kind: DidInference = DidInference.INSUFFICIENT
    arrangements: int = 0
    bootstrap_draws: int = 0
    bootstrap_seed: int = 0
    bootstrap_weights: str | None = None
    alpha: float = 0.05

    def to_row(self) -> pd.DataFrame:
        """The standard one-row comparison (:data:`CHANGE_COLUMNS`).

        ``before`` / ``after``: the treated units' mean outcome before / after go-live;
        ``change``: the DiD estimate with the primary interval; ``change_pct``: change /
        (after − change), the effect relative to the treated units' counterfactual mean, with
        the interval of change divided by that level (treated as known); ``test``
        "difference-in-differences (two-way fixed effects)" or "(2×2)"; ``statistic``: the
        CR1 t; ``effect_size``: change / standard deviation of the treated units' outcome
        before go-live; ``n_before`` / ``n_after``: treated rows before / after;
        ``mde``: (t_{1−α/2,G−1} + t_{0.8,G−1}) · se; ``check_test``: "cluster-robust t (CR1)"
        when the wild bootstrap is primary, else None.
        """
        return self.comparison.copy()


def difference_in_differences(
    panel: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treated: str,
    go_live: Any,
    alpha: float = 0.05,
    n_boot: int = 999,
    seed: int = 0,
    fixed_effects: bool = True,
) -> DiDResult:
    """Difference-in-differences of a KPI between units that got the CRM and units that did not.

    Parameters
    ----------
    panel : pandas.DataFrame
        One row per unit and period (region-month, rep-month …); repeated cross-sections (one
        row per unit) work with ``fixed_effects=False``.
    outcome : str
        Column of the KPI (numeric).
    unit : str
        Column identifying the unit; standard errors are clustered by it.
    time : str
        Column of the period: dates (monthly periods) or numbers (e.g. years).
    treated : str
        Column of bools (or 0/1): whether the unit got the CRM. Must be constant within a unit.
    go_live : date-like or number
        Periods at or after it are "post"; with dates, go-live's month is the first post month
        (as in :func:`interrupted_time_series`).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.
    n_boot : int, default 999
        Wild bootstrap draws (used with fewer than :data:`FEW_CLUSTERS` clusters).
    seed : int, default 0
        Seed of the wild bootstrap's random generator.
    fixed_effects : bool, default True
        True: two-way fixed effects, outcome ~ D + unit FE + period FE. False: the plain 2×2
        regression outcome ~ 1 + treated + post + D (for repeated cross-sections, or to
        reproduce a textbook 2×2 table).

    Returns
    -------
    DiDResult
        The estimate, its inference, the event study, the pre-trend test and
        :meth:`DiDResult.to_row`. Without treated or control units, or without periods
        before or after go-live, every statistic is NaN and the row's note says
        "insufficient data".

    Notes
    -----
    With :math:`D_{it} = \\text{treated}_i \\cdot [t \\ge \\text{go-live}]`, the estimate is
    :math:`\\hat\\delta` in :math:`y_{it} = \\alpha_i + \\lambda_t + \\delta D_{it} + e_{it}`.
    The fixed effects are absorbed by alternating projections (Frisch–Waugh–Lovell; exact in
    one sweep for a balanced panel), so 5,000 units × 24 months need no dummy matrix.
    Standard errors are clustered by unit, CR1:
    :math:`V = \\frac{G}{G-1}\\frac{N-1}{N-K} (\\tilde D'\\tilde D)^{-2}\\sum_g s_g^2`,
    :math:`s_g = \\sum_{i \\in g} \\tilde D_i \\hat e_i`, where K counts δ and the period
    effects (the unit effects, nested within the clusters, are not counted — as fixest and
    reghdfe); tests use t with G − 1 degrees of freedom.

    With fewer than 30 clusters the cluster-robust t over-rejects (Cameron, Gelbach & Miller
    2008), so the primary inference is the wild cluster bootstrap of that t with the null
    imposed (WCR), Rademacher weights, or Webb's six-point weights below 12 clusters; the
    interval inverts the same bootstrap test. With two or fewer treated (or control) units even
    that is unreliable (MacKinnon & Webb 2017): the note says so.

    **Cannot say.** With G units of which G₁ got the CRM there are C(G, G₁) ways to choose
    the treated units; when that is below 1/alpha (20 at the 5 % level: every panel of 5 or
    fewer units, 6 units with 1 or 2 treated, any panel with a single treated unit among fewer
    than 20), no test whose reference distribution comes from the units (randomization
    inference) can reach p < alpha, and the wild bootstrap rests on the few units alone (in
    simulation with 4–5 regions, 12 months and no effect it rejected in 7–9 % of panels at
    5 %). The estimate is then kept, but ``ci_low``, ``ci_high``, ``p_value`` and ``mde`` are
    NaN and ``guard`` is ``no_interval``. The same guard, with both bounds NaN (never a
    one-sided infinite bound), is set when the bootstrap test inversion finds no bound on a
    side; the p-value is then kept (the test at zero is still valid).

    The event study replaces D by treated × [relative period = r] for every r except the last
    pre-period. The pre-trend test is the joint Wald test that the q leads (periods before the
    reference) are zero. The cluster-robust Wald is far too liberal unless G ≫ q (in simulation
    with 11 leads: 25–60 % false alarms at 8–40 clusters), so up to 100 clusters its p-value
    comes from a restricted wild cluster bootstrap (5–7 % in the same simulation); above 100
    clusters the Hotelling small-sample correction W(G − q)/(q(G − 1)) ~ F(q, G − q) is used.
    When q > G − 1 the leads' covariance is singular and a single differential linear
    pre-trend is tested instead. ``pre_trend_test`` names the test used.

    References
    ----------
    Angrist, J. D. & Pischke, J.-S. (2009). Mostly Harmless Econometrics. Princeton, ch. 5.
    Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for
    inference with clustered errors. Rev. Econ. Stat. 90, 414–427.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. J. Human Resources 50, 317–372.
    MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different
    cluster sizes. J. Appl. Econometrics 32, 233–254.
    Roodman, D., MacKinnon, J. G., Nielsen, M. Ø. & Webb, M. D. (2019). Fast and wild:
    bootstrap inference in Stata using boottest. Stata Journal 19, 4–60.
    Webb, M. D. (2023). Reworking wild bootstrap-based inference for clustered errors.
    Canadian Journal of Economics 56, 839–858.
    Wooldridge, J. M. (2020). Introductory Econometrics, 7th ed., Example 13.3.

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "store": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...     "year": [2024, 2025] * 4,
    ...     "crm": [True, True, True, True, False, False, False, False],
    ...     "sales": [10.0, 15.0, 12.0, 16.0, 9.0, 10.0, 11.0, 13.0],
    ... })
    >>> result = difference_in_differences(
    ...     panel, outcome="sales", unit="store", time="year", treated="crm", go_live=2025
    ... )
    >>> result.estimate
    3.0
    """
    check_alpha(alpha)
    n_boot = check_int(n_boot, "n_boot", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    if not isinstance(panel, pd.DataFrame):
        raise ValueError("panel must be a pandas DataFrame")
    missing = [c for c in (outcome, unit, time, treated) if c not in panel.columns]
    if missing:
        raise ValueError(f"panel has no column(s) {missing}")
    data = panel[[outcome, unit, time, treated]].copy()
    data.columns = ["y", "unit", "time", "treated"]
    try:
        data["y"] = data["y"].astype("float64")
    except (TypeError, ValueError):
        raise ValueError(f"outcome column {outcome!r} must be numeric") from None
    is_datetime = pd.api.types.is_datetime64_any_dtype(data["time"])
    if is_datetime:
        try:
            go: Any = pd.Timestamp(go_live)
        except (TypeError, ValueError):
            raise ValueError(f"go_live must be a date, got {go_live!r}") from None
    elif pd.api.types.is_numeric_dtype(data["time"]) and not pd.api.types.is_bool_dtype(
        data["time"]
    ):
        try:
            go = float(go_live)
        except (TypeError, ValueError):
            raise ValueError(f"go_live must be a number like the {time!r} column") from None
    else:
        raise ValueError(f"time column {time!r} must hold dates or numbers")
    flags = data["treated"].dropna()
    if not flags.isin([0, 1]).all():
        raise ValueError(f"treated column {treated!r} must hold True/False (or 1/0)")
    n_rows = len(data)
    data = data.dropna()
    data = data[np.isfinite(data["y"].to_numpy())]
    dropped = n_rows - len(data)
    is_treated_all = data["treated"].astype(bool).to_numpy()
    unit_codes, unit_labels = pd.factorize(data["unit"], sort=True)
    n_units = len(unit_labels)
    rows_per_unit = np.bincount(unit_codes, minlength=n_units)
    treated_rows = np.bincount(unit_codes, weights=is_treated_all, minlength=n_units)
    mixed = (treated_rows > 0) & (treated_rows < rows_per_unit)
    if mixed.any():
        examples = unit_labels[mixed][:5].tolist()
        raise ValueError(f"treated must be constant within a unit; it varies for {examples}")
    n_treated_units = int((treated_rows > 0).sum())
    n_control_units = n_units - n_treated_units

    y = data["y"].to_numpy()
    relative = relative_periods(data["time"], go, is_datetime)
    post = relative >= 0
    treated_pre, treated_post = y[is_treated_all & ~post], y[is_treated_all & post]
    before = float(treated_pre.mean()) if treated_pre.size else math.nan
    after = float(treated_post.mean()) if treated_post.size else math.nan
    design_name = "two-way fixed effects" if fixed_effects else "2×2"
    test_name = f"difference-in-differences ({design_name})"
    notes: list[Note] = []
    if dropped:
        notes.append(RowsWithMissingDropped(rows=dropped))
    common = {
        "before": before,
        "after": after,
        "n_before": treated_pre.size,
        "n_after": treated_post.size,
        "test": test_name,
        "effect_size_name": "estimate / pre-period SD (treated)",
    }
    counts = {
        "n_clusters": n_units,
        "n_treated_units": n_treated_units,
        "n_control_units": n_control_units,
    }
    control_pre = int((~is_treated_all & ~post).sum())
    control_post = int((~is_treated_all & post).sum())
    if not (treated_pre.size and treated_post.size and control_pre and control_post):
        empty = EmptyDidCell(
            treated_before=int(treated_pre.size),
            treated_after=int(treated_post.size),
            control_before=control_pre,
            control_after=control_post,
        )
        return _did_insufficient(empty, common, counts, notes)

    time_codes, time_labels = pd.factorize(data["time"], sort=True)
    n_times = len(time_labels)
    if fixed_effects:
        first, second, k_absorbed = unit_codes, time_codes, n_times
        levels = n_units + n_times - 1
    else:
        first = is_treated_all.astype(np.int64)
        second = post.astype(np.int64)
        k_absorbed, levels = 3, 3
    if y.size - levels - 1 < 1:
        return _did_insufficient(NoResidualRows(rows=int(y.size)), common, counts, notes)
    treatment = (is_treated_all & post).astype(float)[:, None]
    fit = cluster_ols(y, treatment, first, second, unit_codes, n_units, k_absorbed)
    if float(fit.x[:, 0] @ fit.x[:, 0]) <= 1e-10 * float(treatment[:, 0] @ treatment[:, 0]):
        return _did_insufficient(CollinearTreatment(), common, counts, notes)
    estimate = float(fit.beta[0])
    se = math.sqrt(max(float(fit.cov[0, 0]), 0.0))
    df = n_units - 1
    crit = t_critical(alpha, df)
    if se > 0:
        statistic = estimate / se
        cr1_p = 2 * t_sf(abs(statistic), df)
    else:
        statistic, cr1_p = math.nan, math.nan
        notes.append(ExactFit())
    cr1_ci = (estimate - crit * se, estimate + crit * se)
    if min(n_treated_units, n_control_units) <= 2:
        notes.append(FewUnitsOnASide(treated=n_treated_units, control=n_control_units))

    rng = np.random.default_rng(seed)
    guard: Guard | None = None
    arrangements = math.comb(n_units, n_treated_units)
    if arrangements < 1 / alpha:
        guard = Guard.NO_INTERVAL
        p_value, ci_low, ci_high = math.nan, math.nan, math.nan
        inference = (
            f"cannot say: {n_units} units, {n_treated_units} of them with the CRM, can be split "
            f"that way in only {arrangements} ways, too few for any test over units at the "
            f"{alpha:g} level (at least {math.ceil(1 / alpha - 1e-9)} needed); the wild cluster "
            "bootstrap rejects a true null too often on so few units (MacKinnon & Webb 2017)"
        )
        interval_method = "none: too few units for an interval"
        kind, weight_name, draws = DidInference.TOO_FEW_ARRANGEMENTS, None, 0
        check_test, check_p = None, math.nan
        notes.append(TooFewArrangements(units=n_units, arrangements=arrangements))
    elif n_units < FEW_CLUSTERS and se > 0:
        weights, weight_name = wild_weights(n_boot, n_units, rng)
        weights = weights[:, data_ranks(unit_codes, n_units, y)]
        p_value, ci_low, ci_high = wild_cluster_bootstrap(fit, unit_codes, n_units, weights, alpha)
        inference = (
            f"wild cluster bootstrap-t ({weight_name} weights, {n_boot:,} draws, seed {seed}; "
            f"null imposed, interval by test inversion): {n_units} clusters are too few for "
            "cluster-robust t inference (Cameron, Gelbach & Miller 2008)"
        )
        interval_method = (
            f"wild cluster bootstrap test inversion ({weight_name}, {n_boot:,} draws, seed {seed})"
        )
        check_test, check_p = "cluster-robust t (CR1)", cr1_p
        kind, draws = DidInference.WILD_CLUSTER_BOOTSTRAP, n_boot
        notes.append(WildBootstrapInference(clusters=n_units))
    else:
        p_value, (ci_low, ci_high) = cr1_p, cr1_ci
        inference = f"cluster-robust t (CR1) with {df} degrees of freedom, {n_units} clusters"
        interval_method = f"cluster-robust CR1, t({df})"
        kind, weight_name, draws = DidInference.CLUSTER_ROBUST, None, 0
        check_test, check_p = None, math.nan

    es_first = unit_codes if fixed_effects else first
    es_k = n_times if fixed_effects else n_times + 1
    event_study, pre_trend_p, pre_trend_test = fit_event_study(
        y,
        is_treated_all,
        relative,
        es_first,
        time_codes,
        unit_codes,
        n_units,
        es_k,
        alpha,
        rng,
        n_boot,
    )
    if pre_trend_p < alpha:
        notes.append(PreTrendsDiffer(p_value=float(pre_trend_p)))
    if guard is None and not (math.isfinite(ci_low) and math.isfinite(ci_high)):
        guard = Guard.NO_INTERVAL
        notes.append(UnboundedInterval())
        ci_low, ci_high = math.nan, math.nan
    counterfactual = after - estimate
    change_pct, pct_guard = percent_change(counterfactual, after)
    pct_ci = (math.nan, math.nan)
    if change_pct is not None:
        pct_ci = (ci_low / counterfactual, ci_high / counterfactual)
    guard = guard or pct_guard
    sd_pre = float(treated_pre.std(ddof=1)) if treated_pre.size > 1 else math.nan
    row = noted_row(
        tuple(notes),
        **common,
        change=estimate,
        change_pct=change_pct,
        ci_low=ci_low,
        ci_high=ci_high,
        change_pct_ci_low=pct_ci[0],
        change_pct_ci_high=pct_ci[1],
        statistic=statistic,
        p_value=p_value,
        effect_size=ratio_or_nan(estimate, sd_pre),
        mde=math.nan if arrangements < 1 / alpha else mde_t(se, df, alpha),
        check_test=check_test,
        check_p_value=check_p,
        interval_method=interval_method,
        guard=guard,
    )
    return DiDResult(
        estimate=estimate,
        se=se,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        inference=inference,
        pre_trend_p=pre_trend_p,
        pre_trend_test=pre_trend_test,
        event_study=event_study,
        statistic=statistic,
        cr1_p_value=cr1_p,
        cr1_ci_low=cr1_ci[0],
        cr1_ci_high=cr1_ci[1],
        comparison=row,
        guard=None if guard is None else guard.value,
        inference_kind=kind,
        arrangements=arrangements,
        bootstrap_draws=draws,
        bootstrap_seed=seed if draws else 0,
        bootstrap_weights=weight_name,
        alpha=alpha,
        **counts,
    )


def _did_insufficient(
    reason: Note,
    common: dict[str, Any],
    counts: dict[str, int],
    notes: list[Note],
) -> DiDResult:
    row = insufficient_row(reason, tuple(notes), **common)
    empty = pd.DataFrame({column: pd.Series(dtype=float) for column in EVENT_STUDY_COLUMNS})
    nan = math.nan
    return DiDResult(
        estimate=nan,
        se=nan,
        ci_low=nan,
        ci_high=nan,
        p_value=nan,
        inference=Insufficient(reason).english(),
        pre_trend_p=nan,
        pre_trend_test=None,
        event_study=empty,
        statistic=nan,
        cr1_p_value=nan,
        cr1_ci_low=nan,
        cr1_ci_high=nan,
        comparison=row,
        **counts,
    )
