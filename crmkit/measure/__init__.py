"""Every KPI of the catalog measured before and after go-live, and its change tested.

This is where the KPI catalog (:mod:`crmkit.kpis`: what each KPI is and what its observations
are) meets the statistics (:mod:`crmkit.stats.impact`: which test fits which kind of observation).
:func:`measure_kpis` returns one tidy row per KPI of the catalog — the same rows for every
stage notebook, so the sales, service, adoption, marketing and overview pages, the scorecard
and results.json can never disagree — with the p-values corrected across the whole family of
KPIs measured (Holm by default).

Which test for which kind of KPI
--------------------------------
=========== ====================================================================================
kind        test (see :mod:`crmkit.stats.impact`)
=========== ====================================================================================
mean        Welch t-test on the means (Mann–Whitney U as a check); observations that cluster in
            units (orders of one customer) as a ratio of per-unit sums, Welch as the check
median      Mann–Whitney U with a Bonett–Price interval of the difference in medians
proportion  two-proportion z-test or Fisher's exact test, Newcombe interval; clustered trials
            (the contacts of one campaign) are compared as a ratio of per-unit sums
rate        exact conditional (Poisson) rate-ratio test; rates whose events cluster in units
            (orders of one customer, money of one campaign) as a ratio of per-unit sums
paired      paired t-test over the units seen in both windows (Wilcoxon as a check)
series      paired t-test of each month against the same calendar month of the other window
            (season removed; trend included); the interrupted time series of
            :func:`time_series` separates the trend
(domain)    KPIs measured by their domain module (NPS, churn, loyalty, CLV: see
            :attr:`crmkit.kpis.KPI.measured_by` and :data:`DOMAIN_MEASURES`), with the
            same one-row result
=========== ====================================================================================
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data import guards
from crmkit.data.config import Assessment
from crmkit.data.guards import Guard, percent_change
from crmkit.data.io import jsonable
from crmkit.data.verdicts import CLAIMED, COMPARED, Status, Verdict
from crmkit.domains import clv, confounds, customers, survey
from crmkit.stats import impact

__all__ = [
    "CONTROL_COLUMNS",
    "DESCRIPTIVE_COLUMNS",
    "DOMAIN_MEASURES",
    "RESULTS_JSON_KEYS",
    "ControlAnalysis",
    "SeriesAnalysis",
    "area_results",
    "campaign_response_rates",
    "campaign_table",
    "channel_mix",
    "channel_changes",
    "channel_mix_table",
    "compare_observations",
    "control_comparison",
    "impact_summary",
    "in_percent",
    "kpis_for_results",
    "measure_kpis",
    "measured_results",
    "monthly_values",
    "months",
    "net_of_control",
    "observations",
    "results_table",
    "time_series",
]

#: The catalog's columns each result row starts with.
DESCRIPTIVE_COLUMNS = (
    "kpi",
    "label",
    "unit",
    "direction",
    "perspective",
    "area",
    "kind",
    "observation",
    "definition",
    "status",
)

#: The columns of the control group's comparison (see :func:`measure_kpis`), NaN without a
#: control group or where the KPI cannot be measured on it.
CONTROL_COLUMNS = (
    "control_before",
    "control_after",
    "control_change",
    "did_change",
    "did_ci_low",
    "did_ci_high",
    "did_p_value",
)

#: The keys of ``kpis.<name>`` in results.json (DESIGN §3), taken from the result row.
RESULTS_JSON_KEYS = (
    "label",
    "unit",
    "area",
    "perspective",
    "direction",
    "before",
    "after",
    "change",
    "change_pct",
    "test",
    "statistic",
    "p_value",
    "p_adjusted",
    "ci_low",
    "ci_high",
    "effect_size",
    "effect_size_name",
    "n_before",
    "n_after",
    "mde",
    "verdict",
    "change_pct_ci_low",
    "change_pct_ci_high",
    "check_test",
    "check_p_value",
    "interval_method",
    "note",
    "guard",
    "needs",
    *CONTROL_COLUMNS,
)


def compare_observations(
    kpi: kpis.KPI,
    before: Any,
    after: Any,
    *,
    go_live: Any,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Test the change of one KPI between its before and after observations.

    Parameters
    ----------
    kpi : KPI
        The KPI, whose ``kind`` picks the test (see the module docstring).
    before, after
        What ``kpi.observe`` returned for each window.
    go_live : date-like
        The go-live date (for series KPIs).
    alpha : float
        1 − the confidence level of the intervals.
    seed : int
        Seed of the bootstrap resampling, where one is used.

    Returns
    -------
    DataFrame
        One row with the columns of :data:`crmkit.stats.impact.CHANGE_COLUMNS`.
    """
    kind = kpi.kind
    if kind == "mean":
        if _clustered(before) or _clustered(after):
            return _clustered_mean(before, after, alpha=alpha)
        return impact.compare_means(before, after, alpha=alpha, seed=seed)
    if kind == "median":
        return impact.compare_medians(before, after, alpha=alpha, seed=seed)
    if kind == "paired":
        return impact.compare_paired(before, after, alpha=alpha)
    if kind == "series":
        return _same_months(before, after, alpha=alpha)
    if kind == "proportion":
        if before.by_unit is not None and after.by_unit is not None:
            return impact.compare_ratio_of_sums(
                before.by_unit.set_axis(["events", "exposure"], axis=1),
                after.by_unit.set_axis(["events", "exposure"], axis=1),
                alpha=alpha,
            )
        return impact.compare_proportions(
            before.successes, before.n, after.successes, after.n, alpha=alpha
        )
    if kind == "rate":
        if before.by_unit is not None and after.by_unit is not None:
            return impact.compare_ratio_of_sums(
                before.by_unit, after.by_unit, per=before.per, alpha=alpha
            )
        return impact.compare_rates(
            before.events,
            before.exposure,
            after.events,
            after.exposure,
            per=before.per,
            alpha=alpha,
        )
    raise ValueError(f"KPI {kpi.name} has an unknown kind {kind!r}")


def _same_months(before: pd.Series, after: pd.Series, *, alpha: float) -> pd.DataFrame:
    """A monthly series compared month by month with the same calendar month a year earlier.

    Pairing January with January removes the season, which a comparison of all months would
    mistake for noise (or, with windows of unequal seasons, for an effect). The change is the
    mean monthly difference; it includes any trend (a growing customer base): the time series
    and the control-group comparison of the impact overview separate that.
    """

    def by_calendar_month(values: pd.Series) -> pd.Series:
        values = values.dropna()
        return values.groupby(pd.DatetimeIndex(values.index).month).mean()

    row = impact.compare_paired(by_calendar_month(before), by_calendar_month(after), alpha=alpha)
    # A row without a p-value is what impact.finalize calls "insufficient data".
    if not pd.isna(row["p_value"].iloc[0]):
        row["test"] = "paired t-test on the same calendar months"
        row["note"] = "months paired by calendar month; the change includes trend"
    return row


def _clustered(values: pd.Series) -> bool:
    """True when several observations share a unit (the index repeats: orders of a customer)."""
    return isinstance(values, pd.Series) and not values.index.is_unique


def _clustered_mean(before: pd.Series, after: pd.Series, *, alpha: float) -> pd.DataFrame:
    """A mean whose observations cluster in units, as a ratio of per-unit sums.

    The mean of orders is Σ amounts / Σ orders; summed per customer, it is a ratio of sums
    whose variance allows for customers whose orders resemble each other. Welch's t-test,
    which treats every order as independent, is reported beside it as the check.
    """

    def per_unit(values: pd.Series) -> pd.DataFrame:
        values = values.dropna()
        grouped = values.groupby(level=0, sort=False)
        return pd.DataFrame({"events": grouped.sum(), "exposure": grouped.size().astype(float)})

    row = impact.compare_ratio_of_sums(per_unit(before), per_unit(after), alpha=alpha)
    from scipy import stats

    b, a = before.dropna().to_numpy(float), after.dropna().to_numpy(float)
    if b.size > 1 and a.size > 1:
        row["check_test"] = "Welch t-test (observations as independent)"
        row["check_p_value"] = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
    unit = before.index.name or "unit"
    if row["note"].iloc[0] is None:
        row["note"] = f"observations clustered by {unit}"
    return row


def _descriptive(kpi: kpis.KPI, status: Status) -> dict[str, Any]:
    return {
        "kpi": kpi.name,
        "label": kpi.label,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "perspective": kpi.perspective,
        "area": kpi.area,
        "kind": kpi.kind,
        "observation": kpi.observation,
        "definition": kpi.definition,
        "status": status,
    }


def measure_kpis(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    *,
    kpis_wanted: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every KPI before and after go-live, with its test, interval, effect size and verdict.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables present.
    assessment : Assessment
        Windows, go-live, control group (left out of the before/after comparison and measured
        on its own for the difference-in-differences), and ``stats``: alpha, the
        multiple-testing correction and the seed.
    kpis_wanted : iterable of str, optional
        KPI names (default: the whole catalog). The correction runs over the KPIs measured.

    Returns
    -------
    DataFrame
        One row per KPI, in catalog order, indexed by KPI name: :data:`DESCRIPTIVE_COLUMNS`
        (``status`` is ``measured``, ``skipped`` — its table or column is absent — or
        ``failed`` — the data broke its computation, the error in ``note``), the columns of
        :data:`crmkit.stats.impact.CHANGE_COLUMNS`, then

        - ``p_adjusted``, ``significant`` and ``verdict``: improved, worsened, no detectable
          change, insufficient data (it had data, too little to compare), or not measured
          (a skipped KPI: its table or column is absent; it is not in the multiple-testing
          family);
        - ``needs``: for a KPI not measured, the data that would add it ("tickets.csv",
          "column is_complaint of tickets.csv", :func:`crmkit.kpis.needs`); else None;
          ``note`` keeps the shorter reason ("needs tickets");
        - :data:`CONTROL_COLUMNS`: ``control_before``, ``control_after``, ``control_change``
          (the same KPI on the control group's units alone, same windows, same test) and
          ``did_change``, ``did_ci_low``, ``did_ci_high``, ``did_p_value`` (the change net of
          the control group's, see :func:`net_of_control`); NaN without a control group, or
          where the KPI's rows cannot be tied to it or the control group has none;
        - ``guard``: None or the :class:`crmkit.data.guards.Guard` code that withholds the
          percentage or the claim (see Notes).

    Notes
    -----
    Guards, applied here once for every KPI (those measured by a domain ``compare`` as well):

    - the percentage: :func:`crmkit.data.guards.percent_change` of the base (the before value, or
      ``after − change`` where the change was measured against a counterfactual) and the
      after value, with the KPI's unit; where it trips, ``change_pct`` and its interval are
      NaN, the absolute change and the verdict stand (``base_near_zero``,
      ``not_a_ratio_scale``);
    - the control group: an improved or worsened KPI whose difference-in-differences
      interval includes zero, or whose difference-in-differences has the other sign, is
      ``shared_with_control``; one the control group has data for but whose
      difference-in-differences has no interval is ``no_interval``;
    - the ageing base: without a control group, when the customer base is one ageing cohort
      (:func:`crmkit.domains.confounds.ageing_base`), every compared KPI of
      :data:`crmkit.kpis.AGE_SENSITIVE` is ``confounded_ageing``.

    One code is kept per row: the first that withholds the claim (a code the domain module
    set, then the control group's, then the ageing base's), else the percentage's.
    """
    stats = assessment.stats
    chosen = kpis.CATALOG if kpis_wanted is None else [kpis.get_kpi(n) for n in kpis_wanted]
    frame = pd.concat([_measured_row(kpi, tables, assessment) for kpi in chosen], ignore_index=True)
    frame = impact.finalize(
        frame, direction=frame["direction"], alpha=stats.alpha, correction=stats.correction
    )
    skipped = (frame["status"] == Status.SKIPPED).to_numpy()
    frame.loc[skipped, "verdict"] = Verdict.NOT_MEASURED
    frame["needs"] = pd.Series(
        [
            kpis.needs(kpi, tables) if is_skipped else None
            for kpi, is_skipped in zip(chosen, skipped, strict=True)
        ],
        index=frame.index,
        dtype=object,
    )
    control, tied = _control_rows(chosen, tables, assessment)
    frame = pd.concat([frame, net_of_control(frame, control, alpha=stats.alpha)], axis=1)
    ageing = confounds.ageing_base(tables, assessment)
    codes = _guards(frame, tied, ageing_kpis=() if ageing is None else ageing["kpis"])
    frame["guard"] = pd.Series(codes, index=frame.index, dtype=object)
    withheld = _percent_guarded(frame).to_numpy()
    for column in ("change_pct", "change_pct_ci_low", "change_pct_ci_high"):
        frame[column] = frame[column].astype("float64").mask(withheld)
    return frame.set_index("kpi", drop=False).rename_axis(None)


def _measured_row(
    kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> pd.DataFrame:
    """One KPI's result row with its descriptive columns first."""
    try:
        row, status = _measure_one(kpi, tables, assessment)
    except Exception as error:  # one KPI's unexpected data must not sink every stage
        row, status = (
            _empty_row(f"could not be computed: {type(error).__name__}: {error}"),
            Status.FAILED,
        )
    for column, value in reversed(_descriptive(kpi, status).items()):
        row.insert(0, column, value)
    return row


def _control_rows(
    chosen: Sequence[kpis.KPI], tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> tuple[pd.DataFrame, np.ndarray]:
    """Each KPI measured on the control group's units alone, and whether it could be.

    The control group's rows of every table (:func:`crmkit.kpis.control_view`) go through the
    very same path as the CRM units' (observations and test, or the domain ``compare``), with
    no control group left to exclude. A KPI is *tied* to the control group when each of its
    tables can be tied to it and holds at least one of its rows (the CRM's usage log has no
    rows of units without the CRM: nothing to net); its row is then the control group's
    result (possibly "insufficient data": NaN), else all NaN. The windows are the
    assessment's; only what each view derives from its own rows (the data's end for
    censoring, the maturity horizon) may differ by a few days.

    Returns
    -------
    (DataFrame, ndarray of bool)
        One row per KPI of ``chosen`` (:data:`crmkit.stats.impact.CHANGE_COLUMNS`), and ``tied``.
    """
    empty = pd.DataFrame([dict.fromkeys(impact.CHANGE_COLUMNS, np.nan)])
    tied = np.zeros(len(chosen), dtype=bool)
    if assessment.control is None:
        return pd.concat([empty] * len(chosen), ignore_index=True), tied
    view = kpis.control_view(tables, assessment.control)
    alone = dataclasses.replace(assessment, control=None)
    rows = []
    for i, kpi in enumerate(chosen):
        tied[i] = kpis.available(kpi, view) is None and all(len(view[t]) for t in kpi.tables)
        row = empty
        if tied[i]:
            try:
                row = _measure_one(kpi, view, alone)[0]
            except Exception:  # the control group's data broke the computation: no netting
                row = empty
        rows.append(row)
    return pd.concat(rows, ignore_index=True), tied


def net_of_control(
    crm: pd.DataFrame, control: pd.DataFrame, *, alpha: float = 0.05
) -> pd.DataFrame:
    """Each KPI's change net of the control group's change: a difference-in-differences.

    Parameters
    ----------
    crm : DataFrame
        Result rows of the CRM units (``before``, ``after``, ``change``, ``ci_low``,
        ``ci_high``; for totals also ``kind`` and ``kpi``).
    control : DataFrame
        The same KPIs measured on the control group's units alone over the same windows, in
        the same row order (NaN rows where none).
    alpha : float
        1 − the confidence level of the intervals of both.

    Returns
    -------
    DataFrame
        Row for row: :data:`CONTROL_COLUMNS` — ``control_before``, ``control_after``,
        ``control_change`` (the control group's own values and change), ``did_change``,
        ``did_ci_low``, ``did_ci_high``, ``did_p_value`` (in the KPI's unit; NaN where
        either change or its interval is missing).

    Notes
    -----
    The two changes come from disjoint units, so they are independent:

    .. math::

        \\hat\\delta = \\Delta_\\text{CRM} - \\Delta_\\text{control},\\qquad
        SE(\\hat\\delta) = \\sqrt{SE_\\text{CRM}^2 + SE_\\text{control}^2}

    Each change's standard error is recovered from its own interval and the normal critical
    value: :math:`SE = (\\text{ci\\_high} - \\text{ci\\_low}) / (2 z_{1-\\alpha/2})`. That is exact
    for Wald intervals; for a t interval it is slightly larger than the t-based SE (so
    conservative); for an asymmetric interval (Newcombe, Bonett–Price, bootstrap) it is its
    mean half-width over z. The interval is :math:`\\hat\\delta \\pm z_{1-\\alpha/2} SE` and
    ``did_p_value`` = :math:`2(1 - \\Phi(|\\hat\\delta| / SE))`. It is not corrected for
    multiplicity: it only decides whether the plain change is credited (see
    :func:`measure_kpis`), never adds a finding.

    A total of the group (a ``series`` KPI summed over it: monthly revenue, new customers)
    grows with the group's size, so the control group's change is taken relative to its own
    before value and applied to the CRM units' before value:
    :math:`\\Delta_\\text{control} \\cdot \\text{before}_\\text{CRM} / \\text{before}_\\text{control}`
    (its SE scaled alike); ``control_change`` stays the control group's own.

    Examples
    --------
    >>> crm = pd.DataFrame({"before": [10.0], "after": [13.0], "change": [3.0],
    ...                     "ci_low": [1.04], "ci_high": [4.96]})
    >>> ctl = pd.DataFrame({"before": [10.0], "after": [12.0], "change": [2.0],
    ...                     "ci_low": [0.04], "ci_high": [3.96]})
    >>> out = net_of_control(crm, ctl)
    >>> round(float(out["did_change"].iloc[0]), 6), round(float(out["did_ci_high"].iloc[0]), 3)
    (1.0, 3.772)
    """
    z = NormalDist().inv_cdf(1 - alpha / 2)

    def column(frame: pd.DataFrame, name: str) -> np.ndarray:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64")

    change, ctl_change = column(crm, "change"), column(control, "change")
    se = (column(crm, "ci_high") - column(crm, "ci_low")) / (2 * z)
    ctl_se = (column(control, "ci_high") - column(control, "ci_low")) / (2 * z)
    scale = np.ones(len(crm))
    if "kind" in crm and "kpi" in crm:
        totals = np.array(
            [
                kind == "series" and kpis.get_kpi(name).aggregate == "sum"
                for kind, name in zip(crm["kind"], crm["kpi"], strict=True)
            ],
            dtype=bool,
        )
        ctl_before = column(control, "before")
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(ctl_before > 0, column(crm, "before") / ctl_before, np.nan)
        scale = np.where(totals, ratio, 1.0)
    did = change - ctl_change * scale
    did_se = np.sqrt(se**2 + (ctl_se * scale) ** 2)
    valid = np.isfinite(did) & np.isfinite(did_se) & (did_se >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.abs(did) / did_se
    p = np.array(
        [
            2 * (1 - NormalDist().cdf(t)) if np.isfinite(t) else (0.0 if d else 1.0)
            for t, d in zip(statistic, did, strict=True)
        ]
    )
    nan = np.full(len(crm), np.nan)
    return pd.DataFrame(
        {
            "control_before": column(control, "before"),
            "control_after": column(control, "after"),
            "control_change": ctl_change,
            "did_change": np.where(np.isfinite(did), did, nan),
            "did_ci_low": np.where(valid, did - z * did_se, nan),
            "did_ci_high": np.where(valid, did + z * did_se, nan),
            "did_p_value": np.where(valid, p, nan),
        },
        index=crm.index,
    )


def _percent_base(row: Mapping[str, Any]) -> Any:
    """The value a row's change_pct is relative to: before, or after − change (counterfactual)."""
    try:
        before, after, change = (float(row[c]) for c in ("before", "after", "change"))
    except (TypeError, ValueError):
        return row.get("before")
    if not (np.isfinite(after) and np.isfinite(change)):
        return before
    counterfactual = after - change
    if np.isfinite(before) and np.isclose(counterfactual, before, rtol=1e-6, atol=1e-12):
        return before
    return counterfactual


def _percent_guarded(frame: pd.DataFrame) -> pd.Series:
    """True where the percentage guard trips (its code may be hidden by a claim guard)."""
    return pd.Series(
        [
            percent_change(_percent_base(row), row["after"], unit=row["unit"])[1] is not None
            for _, row in frame.iterrows()
        ],
        index=frame.index,
        dtype=bool,
    )


def _guards(
    frame: pd.DataFrame, tied: np.ndarray, *, ageing_kpis: Collection[str]
) -> list[str | None]:
    """The one guard code of each row (see :func:`measure_kpis`, Notes).

    ``tied`` says, row by row, whether the KPI was measured on the control group too.
    """
    codes: list[str | None] = []
    for i, (_, row) in enumerate(frame.iterrows()):
        found: list[Guard] = []
        existing = row.get("guard")
        if isinstance(existing, str) and existing in Guard._value2member_map_:
            found.append(Guard(existing))
        claimed = row["verdict"] in CLAIMED
        if claimed and tied[i]:
            low, high = row["did_ci_low"], row["did_ci_high"]
            if _missing(low) or _missing(high):
                found.append(Guard.NO_INTERVAL)
            elif low <= 0 <= high or np.sign(row["did_change"]) != np.sign(row["change"]):
                found.append(Guard.SHARED_WITH_CONTROL)
        compared = row["verdict"] in COMPARED
        if compared and row["kpi"] in ageing_kpis:
            found.append(Guard.CONFOUNDED_AGEING)
        percentage = percent_change(_percent_base(row), row["after"], unit=row["unit"])[1]
        if percentage is not None:
            found.append(percentage)
        claims = [g for g in found if g.withholds_claim]
        chosen = claims[0] if claims else (found[0] if found else None)
        codes.append(None if chosen is None else chosen.value)
    return codes


def _missing(value: Any) -> bool:
    try:
        return not np.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def _empty_row(note: str) -> pd.DataFrame:
    row = pd.DataFrame([dict.fromkeys(impact.CHANGE_COLUMNS, np.nan)])
    row["note"] = note
    row["test"] = None
    return row


# --- KPIs measured by their domain modules (both windows at once) ------------------------------
#
# The catalog (crmkit.kpis) names the domain that measures such a KPI (``KPI.measured_by``) and
# imports no domain module; this layer, above both, joins each KPI to its domain's function.

Tables = Mapping[str, pd.DataFrame]


def _row_of(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    return rows.loc[rows["kpi"] == name, list(impact.CHANGE_COLUMNS)].reset_index(drop=True)


def _rows_kpi(
    name: str, table: str, rows_of: Callable[..., pd.DataFrame]
) -> Callable[..., pd.DataFrame]:
    """The compare function of a KPI that a domain measures among the rows of one call."""

    def compare(tables: Tables, assessment: Assessment, *, alpha: float, seed: int) -> pd.DataFrame:
        rows = rows_of(
            tables[table], assessment, customers=tables.get("customers"), alpha=alpha, seed=seed
        )
        return _row_of(rows, name)

    return compare


def _survey_kpi(name: str) -> Callable[..., pd.DataFrame]:
    return _rows_kpi(name, "surveys", survey.survey_changes)


def _loyalty_kpi(name: str) -> Callable[..., pd.DataFrame]:
    return _rows_kpi(name, "orders", customers.compare_loyalty)


def _compare_churn(
    tables: Tables, assessment: Assessment, *, alpha: float, seed: int
) -> pd.DataFrame:
    return customers.compare_churn(
        tables["customers"], assessment, orders=tables.get("orders"), alpha=alpha
    )


def _compare_average_clv(
    tables: Tables, assessment: Assessment, *, alpha: float, seed: int
) -> pd.DataFrame:
    """Average simple CLV of a buying customer, before against after (comparable windows).

    Measured by :func:`crmkit.domains.clv.compare_average_clv`: the same days of spend, the churn
    KPI's retention and the shared customer-age mix in both windows; declined where churn
    cannot be compared.
    """
    return clv.compare_average_clv(
        tables["orders"], assessment, customers=tables["customers"], alpha=alpha
    )


#: For each KPI the catalog says is measured by its domain (``KPI.measured_by``), the function
#: that measures it: ``compare(tables, assessment, *, alpha, seed)`` → a one-row DataFrame with
#: the columns of :data:`crmkit.stats.impact.CHANGE_COLUMNS`.
DOMAIN_MEASURES: dict[str, Callable[..., pd.DataFrame]] = {
    "nps": _survey_kpi("nps"),
    "csat_top2_share": _survey_kpi("csat_top2_share"),
    "ces": _survey_kpi("ces"),
    "churn_rate_annual": _compare_churn,
    "repeat_purchase_rate": _loyalty_kpi("repeat_purchase_rate"),
    "purchase_interval_days": _loyalty_kpi("purchase_interval_days"),
    "spend_per_customer": _loyalty_kpi("spend_per_customer"),
    "average_clv": _compare_average_clv,
}


def _measure_one(
    kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> tuple[pd.DataFrame, Status]:
    """One KPI's result row and its status: measured, or skipped with the reason."""
    stats = assessment.stats
    reason = kpis.available(kpi, tables)
    if reason is not None:
        return _empty_row(reason), Status.SKIPPED
    if kpi.measured_by is not None:  # measured by its domain module, both windows at once
        compare = DOMAIN_MEASURES[kpi.name]
        return compare(tables, assessment, alpha=stats.alpha, seed=stats.seed), Status.MEASURED
    before, after = kpis.observe_windows(tables, assessment, [kpi])[kpi.name]
    row = compare_observations(
        kpi, before, after, go_live=assessment.go_live_date, alpha=stats.alpha, seed=stats.seed
    )
    return row, Status.MEASURED


def kpis_for_results(results: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The ``kpis`` section of results.json from result rows: ``{name: {before, after, …}}``.

    Values are JSON-ready (NaN → None); shares stay fractions.
    """
    section = {}
    for name, row in results.iterrows():
        entry = {key: row.get(key) for key in RESULTS_JSON_KEYS}
        entry["status"] = row["status"]
        section[str(name)] = entry
    return jsonable(section)


@dataclass(frozen=True)
class SeriesAnalysis:
    """An interrupted time series of one monthly KPI (see :func:`time_series`).

    Attributes
    ----------
    kpi : KPI
    series : Series
        The KPI's actual monthly values over both windows (CRM units only).
    expected : Series
        What the model expects without go-live: its fit before go-live and its projection
        (the counterfactual) from go-live, in the KPI's unit.
    its : ITSResult
        The segmented regression (on the log ratio to the control group when ``comparative``;
        on the KPI or its logarithm otherwise, whichever fits the months before go-live
        better: :attr:`model`).
    comparative : bool
        True when the model ran on the ratio of the CRM units to the control group, so that
        season and shocks shared by both cancel.
    row : DataFrame
        The one-row comparison (:data:`crmkit.stats.impact.CHANGE_COLUMNS`, with ``label`` and
        ``unit``): ``change`` is the model's average monthly effect from go-live in the KPI's
        unit and ``change_pct`` the same effect relative to the expected path (both from one
        model and one counterfactual, so their signs agree); ``guard`` says when the
        percentage, or the claim, is withheld.
    """

    kpi: kpis.KPI
    series: pd.Series
    expected: pd.Series
    its: impact.ITSResult
    comparative: bool
    row: pd.DataFrame

    @property
    def model(self) -> str:
        """ "linear" or "log-linear" (a comparative series is log-linear in the ratio)."""
        return self.its.model

    @property
    def guard(self) -> str | None:
        """The guard code of the row (see :mod:`crmkit.data.guards`), or None."""
        code = self.row["guard"].iloc[0]
        return code if isinstance(code, str) else None

    def chart_frame(self) -> pd.DataFrame:
        """Columns "Actual" and "Expected without go-live", indexed by month."""
        return pd.DataFrame({"Actual": self.series, "Expected without go-live": self.expected})

    def coefficients_table(self, *, currency: str = "") -> pd.DataFrame:
        """The regression's terms as a reader sees them.

        In the KPI's unit per month; for a comparative series in percent of the control
        group's level (the model runs on the log ratio); for a log-linear model in percent
        (the first month's level in the KPI's unit).
        """
        from crmkit.words.formats import (
            format_change_pct,
            format_kpi_change,
            format_kpi_value,
            format_p_value,
        )

        names = {
            "baseline_level": "Level in the first month",
            "pre_slope": "Trend before go-live (per month)",
            "level_change": "Jump at go-live",
            "slope_change": "Change of trend from go-live (per month)",
            "season_sin": "Yearly season (sine term)",
            "season_cos": "Yearly season (cosine term)",
        }
        c = self.its.coefficients
        if self.comparative:
            names["baseline_level"] = "Gap to the control group in the first month (log ratio)"

        def shown(v: float, term: str) -> str:
            if self.comparative or (self.model == "log-linear" and term != "baseline_level"):
                return format_change_pct(np.expm1(v))
            if self.model == "log-linear":
                return format_kpi_value(np.exp(v), self.kpi.unit, currency)
            return format_kpi_change(v, self.kpi.unit, currency)

        return pd.DataFrame(
            {
                "Term": c["term"].map(names).fillna(c["term"]),
                **{
                    heading: [shown(v, t) for v, t in zip(c[column], c["term"], strict=True)]
                    for heading, column in (
                        ("Estimate", "estimate"),
                        ("CI low", "ci_low"),
                        ("CI high", "ci_high"),
                    )
                },
                "p": [format_p_value(v) for v in c["p_value"]],
            }
        )


def time_series(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi_name: str = "revenue_monthly"
) -> SeriesAnalysis | None:
    """Interrupted time series of a monthly KPI of the CRM units over both windows.

    With a control group whose monthly series is available and positive, the segmented
    regression runs on log(CRM units / control group) without a season term ("comparative
    interrupted time series"): the season, the market and anything else that moves both
    groups cancel, which a single year before go-live could never separate from a trend.
    Otherwise it runs on the KPI itself, with a season term when the data allow it: on its
    values, or — when every month is above zero and it fits the months before go-live better
    — on their logarithms (``model="auto"`` of :func:`crmkit.stats.impact.interrupted_time_series`).

    The row's ``guard`` is ``counterfactual_implausible`` (and ``change_pct`` NaN) when the
    projection crosses zero or runs beyond what the months before go-live support (the rules
    of :func:`crmkit.stats.impact.interrupted_time_series`).

    Returns None when the KPI's tables are absent.
    """
    kpi = kpis.get_kpi(kpi_name)
    if kpi.kind != "series":
        raise ValueError(f"{kpi_name} is not a monthly series KPI")
    found = observations(tables, assessment, kpi_name)
    if found is None:
        return None
    series = _joined(*found)
    go_live, alpha = assessment.go_live_date, assessment.stats.alpha
    first = _go_live_month(go_live)
    control = _control_series(tables, assessment, kpi_name)
    if control is not None:
        control = control.reindex(series.index)
    if control is None or not ((control > 0).all() and (series > 0).all()):
        its = impact.interrupted_time_series(series, go_live, model="auto", alpha=alpha)
        expected = _expected(its, first)
        row = its.to_row()
        comparative = False
    else:
        its = impact.interrupted_time_series(
            series / control, go_live, seasonality=False, model="log-linear", alpha=alpha
        )
        expected = control * _expected(its, first)
        row = _comparative_row(series, expected, its, first)
        comparative = True
    row.insert(0, "unit", kpi.unit)
    row.insert(0, "label", kpi.label)
    return SeriesAnalysis(kpi, series, expected.reindex(series.index), its, comparative, row)


def _expected(its: impact.ITSResult, first: pd.Timestamp) -> pd.Series:
    """The model's path without go-live: its fit before ``first``, its projection from it.

    Empty when the model could not be fitted (too few months on one side of go-live).
    """
    if not isinstance(its.fitted.index, pd.DatetimeIndex):
        return pd.Series(dtype="float64")
    return pd.concat([its.fitted.loc[its.fitted.index < first], its.counterfactual])


def _go_live_month(go_live: Any) -> pd.Timestamp:
    """The first month from go-live (the month that contains it), as the time series counts."""
    return pd.Timestamp(go_live).to_period("M").to_timestamp()


def _control_series(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi_name: str
) -> pd.Series | None:
    """The control group's monthly totals of a KPI, or None when there is none to use."""
    if assessment.control is None:
        return None
    try:
        panel = kpis.monthly_panel(tables, assessment, kpi_name, unit=assessment.control.column)
    except ValueError:
        return None
    control = panel.loc[~panel["treated"]]
    if control.empty:
        return None
    return control.groupby("month")["value"].sum()


def _comparative_row(
    series: pd.Series, expected: pd.Series, its: impact.ITSResult, first: pd.Timestamp
) -> pd.DataFrame:
    """The one-row comparison of a comparative series, in the KPI's unit.

    ``its`` is the log-linear model of the ratio CRM units / control group. Its average effect
    (mean log gap from go-live) and interval become relative changes by exp(·) − 1; the
    absolute change and its interval are those relative changes times the mean expected level
    from go-live (control group × projected ratio), so ``change`` and ``change_pct`` come from
    one model and one counterfactual and agree in sign. The model's guard carries over; a
    guarded row keeps the absolute change and drops the percentage.
    """
    log_row = its.to_row()
    post = expected.index >= first
    level = float(expected[post].mean())
    ratio_level = float(its.counterfactual.mean())
    relative = [
        float(log_row[c].iloc[0]) / ratio_level for c in ("change", "ci_low", "ci_high", "mde")
    ]
    row = log_row.copy()
    row["before"] = float(series[~post].mean())
    row["after"] = float(series[post].mean())
    row["change"] = relative[0] * level
    row["ci_low"], row["ci_high"] = relative[1] * level, relative[2] * level
    row["mde"] = relative[3] * level
    if isinstance(row["guard"].iloc[0], str):
        row["change_pct"] = np.nan
        row["change_pct_ci_low"], row["change_pct_ci_high"] = np.nan, np.nan
    else:
        row["change_pct"] = relative[0]
        row["change_pct_ci_low"], row["change_pct_ci_high"] = relative[1], relative[2]
    row["effect_size_name"] = "effect / residual SD (log ratio)"
    row["test"] = "segmented regression on the ratio to the control group (Newey–West)"
    row["interval_method"] = f"{log_row['interval_method'].iloc[0]}, on the log ratio"
    return row


def _joined(before: pd.Series, after: pd.Series) -> pd.Series:
    series = pd.concat([before, after]).sort_index()
    return series[~series.index.duplicated(keep="last")]


@dataclass(frozen=True)
class ControlAnalysis:
    """A difference-in-differences of one monthly KPI against the control group.

    Attributes
    ----------
    kpi : KPI
    did : DiDResult
    log_outcome : bool
        True when the outcome was log-transformed: the effect is then relative,
        ``exp(estimate) − 1``.
    unit_column : str
        The column whose values are the units (e.g. ``region``).
    treated_units, control_units : tuple of str
    """

    kpi: kpis.KPI
    did: impact.DiDResult
    log_outcome: bool
    unit_column: str
    treated_units: tuple[str, ...]
    control_units: tuple[str, ...]

    @property
    def relative_effect(self) -> tuple[float, float, float]:
        """The effect as a fraction of the counterfactual, with its interval.

        ``exp(·) − 1`` of the estimate and its bounds for a log outcome; otherwise the
        estimate over the treated units' counterfactual level, by the rule of
        :func:`crmkit.data.guards.percent_change` (NaN when that level is not a sane base). A
        bound the data cannot give (guard ``no_interval``) is NaN, never ±100 %.
        """
        d = self.did
        if not self.log_outcome:
            after = float(d.comparison["after"].iloc[0])
            level = after - d.estimate
            effect, _ = guards.percent_change(level, after)
            if effect is None:
                return math.nan, math.nan, math.nan
            return effect, d.ci_low / level, d.ci_high / level
        return float(np.expm1(d.estimate)), float(np.expm1(d.ci_low)), float(np.expm1(d.ci_high))

    @property
    def guard(self) -> str | None:
        """Why the comparison is not claimed as it stands (a :mod:`crmkit.data.guards` code), or None.

        ``no_interval`` when the data cannot bound the effect (too few units); for an outcome
        in the KPI's unit also ``base_near_zero`` when the percentage has no sane base.
        """
        if self.did.guard == guards.Guard.NO_INTERVAL:
            return self.did.guard
        if not self.log_outcome:
            after = float(self.did.comparison["after"].iloc[0])
            _, code = guards.percent_change(after - self.did.estimate, after)
            return None if code is None else code.value
        return None

    def event_study_frame(self) -> pd.DataFrame:
        """The event study in percent (log outcome) or the KPI's unit, for the chart."""
        es = self.did.event_study
        if not self.log_outcome:
            return es
        return es.assign(**{c: np.expm1(es[c]) * 100 for c in ("estimate", "ci_low", "ci_high")})


def control_comparison(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    kpi_name: str = "revenue_monthly",
    *,
    log_outcome: bool = True,
) -> ControlAnalysis | None:
    """Difference-in-differences of a monthly KPI between CRM units and the control group.

    The units are sales reps when the KPI's table names them (a rep belongs to the control
    group when most of their rows do), else the values of the control column (e.g. regions):
    more units give honest intervals that are also narrow. On the log scale
    (``log_outcome``) the estimate is a relative effect, ``exp(estimate) − 1``, which does not
    depend on how large each unit is; unit-months without activity are left out then.

    Returns None without a control group, when the KPI's tables are absent, or when no unit
    column splits its rows into at least one treated and one control unit.
    """
    control = assessment.control
    kpi = kpis.get_kpi(kpi_name)
    if control is None or kpis.available(kpi, tables) is not None:
        return None
    for unit in ("rep", control.column):
        try:
            panel = kpis.monthly_panel(tables, assessment, kpi_name, unit=unit)
        except ValueError:
            continue
        if log_outcome:
            panel = panel.loc[panel["value"] > 0].assign(value=lambda p: np.log(p["value"]))
        units = panel.drop_duplicates("unit")
        if units["treated"].sum() >= 2 and (~units["treated"]).sum() >= 1:
            break
    else:
        return None
    did = impact.difference_in_differences(
        panel,
        outcome="value",
        unit="unit",
        time="month",
        treated="treated",
        go_live=assessment.go_live_date,
        alpha=assessment.stats.alpha,
        seed=assessment.stats.seed,
    )
    return ControlAnalysis(
        kpi,
        did,
        log_outcome,
        "rep_id" if unit == "rep" else unit,
        tuple(sorted(units.loc[units["treated"], "unit"])),
        tuple(sorted(units.loc[~units["treated"], "unit"])),
    )


def area_results(results: pd.DataFrame, area: str) -> pd.DataFrame:
    """The rows of one report area (sales, service, adoption, marketing), in catalog order."""
    if area not in kpis.AREAS:
        raise ValueError(f"unknown area {area!r}; one of {', '.join(kpis.AREAS)}")
    return results.loc[results["area"] == area]


def observations(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi_name: str
) -> tuple[Any, Any] | None:
    """One KPI's before and after observations (CRM units only), or None when it is skipped."""
    found = kpis.observe_windows(tables, assessment, [kpi_name])[kpi_name]
    return None if isinstance(found, str) else found


def results_table(
    results: pd.DataFrame, *, currency: str = "", alpha: float = 0.05
) -> pd.DataFrame:
    """The result rows as a reader sees them: numbers formatted, each row in its KPI's unit.

    Parameters
    ----------
    results : DataFrame
        Rows of :func:`measure_kpis`.
    currency : str
        The client's currency code.
    alpha : float
        1 − the confidence level, for the intervals' column names.

    Returns
    -------
    DataFrame
        Columns KPI, Unit, Before, After, Change, Change (%), the confidence interval of the
        change, Adjusted p, Verdict, Test, Observations (before / after) — text, since the rows'
        units differ — and, when any KPI was measured on a control group, the change net of
        the control group's with its interval. Shares and ratios are in percent; their changes
        in percentage points. The verdict says what a KPI not measured needs ("not measured:
        needs tickets.csv") and why a guarded one is not claimed
        (:func:`crmkit.words.narrative.kpi_verdict_text`); a withheld percentage shows as missing.
    """
    from crmkit.words.formats import (
        display_unit,
        format_change_pct,
        format_kpi_change,
        format_kpi_value,
        format_p_value,
        is_missing,
    )
    from crmkit.words.narrative import kpi_verdict_text

    level = f"{(1 - alpha) * 100:.0f} % CI of the change"
    net = f"Change net of the control group ({(1 - alpha) * 100:.0f} % CI)"
    with_control = "did_change" in results and results["did_change"].notna().any()
    rows = []
    for _, r in results.iterrows():
        unit = r["unit"]

        def value(v: float, unit: str = unit) -> str:
            return format_kpi_value(v, unit, currency, with_unit=False)

        def change(v: float, unit: str = unit) -> str:
            return format_kpi_change(v, unit, currency, with_unit=False)

        def interval(low: Any, high: Any) -> str:
            return (
                "–" if is_missing(low) or is_missing(high) else f"{change(low)} to {change(high)}"
            )

        counts = (
            "–" if is_missing(r["n_before"]) else f"{int(r['n_before']):,} / {int(r['n_after']):,}"
        )
        row = {
            "KPI": r["label"],
            "Unit": display_unit(unit, currency),
            "Before": value(r["before"]),
            "After": value(r["after"]),
            "Change": change(r["change"]),
            "Change (%)": format_change_pct(r["change_pct"]),
            level: interval(r["ci_low"], r["ci_high"]),
            "Adjusted p": format_p_value(r["p_adjusted"]),
            "Verdict": kpi_verdict_text(r),
            "Test": r["test"] if isinstance(r["test"], str) else "–",
            "Observations (before / after)": counts,
        }
        if with_control:
            did = r["did_change"]
            row[net] = (
                "–"
                if is_missing(did)
                else f"{change(did)} ({interval(r['did_ci_low'], r['did_ci_high'])})"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def months(window: Any) -> float:
    """A window's length in months (average Gregorian months of 30.44 days).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> round(months(Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31))), 2)
    12.02
    """
    return ((window.end - window.start).days + 1) / (365.25 / 12)


def monthly_values(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi_name: str
) -> pd.Series | None:
    """A monthly series KPI over both windows (CRM units only), or None when it is skipped."""
    kpi = kpis.get_kpi(kpi_name)
    if kpi.kind != "series":
        raise ValueError(f"{kpi_name} is not a monthly series KPI")
    found = observations(tables, assessment, kpi_name)
    return None if found is None else _joined(*found).rename(kpi.label)


def channel_mix(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, *, table: str = "tickets"
) -> pd.DataFrame | None:
    """The contact-channel mix before and after go-live, tested (CRM units only).

    Returns
    -------
    DataFrame or None
        :data:`crmkit.stats.impact.DISTRIBUTION_COLUMNS`, one row per channel; None when the table
        is absent or has no channel column.
    """
    frame = tables.get(table)
    if frame is None or "channel" not in frame or frame["channel"].isna().all():
        return None
    counts = [
        kpis.channel_counts(tables, window, exclude=assessment.control, table=table)
        for window in (assessment.before, assessment.after)
    ]
    return impact.compare_distributions(*counts, alpha=assessment.stats.alpha)


def channel_mix_table(mix: pd.DataFrame) -> pd.DataFrame:
    """The channel mix as a reader sees it: counts, shares and the change in points."""
    from crmkit.words.formats import format_p_value

    def points(v: float) -> str:
        return f"{v * 100:+.1f}"

    return pd.DataFrame(
        {
            "Channel": mix["category"],
            "Tickets before": mix["before_count"].map("{:,}".format),
            "Tickets after": mix["after_count"].map("{:,}".format),
            "Share before (%)": (mix["before_share"] * 100).map("{:.1f}".format),
            "Share after (%)": (mix["after_share"] * 100).map("{:.1f}".format),
            "Change (points)": mix["change"].map(points),
            "CI of the change (points)": [
                f"{points(lo)} to {points(hi)}"
                for lo, hi in zip(mix["ci_low"], mix["ci_high"], strict=True)
            ],
            "Mix changed? (chi-square p)": mix["p_value"].map(format_p_value),
        }
    )


def campaign_table(tables: Mapping[str, pd.DataFrame], assessment: Assessment) -> pd.DataFrame:
    """Each campaign of the two windows with its response rate, in start order.

    Returns
    -------
    DataFrame
        ``campaign_id``, ``start_date``, ``label`` (id and start month), ``after`` (started
        on or after go-live), ``contacts``, ``responses``, ``response_rate`` (fraction; NaN
        without contacts).
    """
    c = tables["campaigns"]
    c = c.loc[assessment.window.contains(c["start_date"])].sort_values("start_date", kind="stable")
    contacts = (
        c["contacts"].astype("float64") if "contacts" in c else pd.Series(np.nan, index=c.index)
    )
    responses = (
        c["responses"].astype("float64") if "responses" in c else pd.Series(np.nan, index=c.index)
    )
    return pd.DataFrame(
        {
            "campaign_id": c["campaign_id"].astype(str),
            "start_date": c["start_date"],
            "label": c["campaign_id"].astype(str)
            + " ("
            + c["start_date"].dt.strftime("%Y-%m")
            + ")",
            "after": c["start_date"] >= pd.Timestamp(assessment.go_live_date),
            "contacts": contacts,
            "responses": responses,
            "response_rate": responses / contacts.where(contacts > 0),
        }
    ).reset_index(drop=True)


def impact_summary(
    series: SeriesAnalysis | None, control: ControlAnalysis | None
) -> dict[str, Any]:
    """The ``impact`` section of results.json: the headline time series and control comparison.

    Every number is finite or None. ``time_series``: the model's average monthly effect in the
    KPI's unit (``effect_per_month``, with ``ci_low`` / ``ci_high``) and relative to the
    expected path (``effect_pct``, with ``effect_pct_ci_low`` / ``effect_pct_ci_high``; None when
    a guard withholds it), ``model`` ("linear" or "log-linear"), ``comparative`` (modelled as
    the ratio to the control group) and ``guard``. ``difference_in_differences``: the relative
    effect and its bounds (both None when the data cannot bound it), its p-value (None when
    no valid test exists) and ``guard``.
    """
    out: dict[str, Any] = {}
    if series is not None:
        row = series.row.iloc[0]
        out["time_series"] = {
            "kpi": series.kpi.name,
            "model": series.model,
            "comparative": series.comparative,
            "effect_per_month": row["change"],
            "effect_pct": row["change_pct"],
            "ci_low": row["ci_low"],
            "ci_high": row["ci_high"],
            "effect_pct_ci_low": row["change_pct_ci_low"],
            "effect_pct_ci_high": row["change_pct_ci_high"],
            "p_value": row["p_value"],
            "months_before": series.its.n_pre,
            "months_after": series.its.n_post,
            "durbin_watson": series.its.durbin_watson,
            "ljung_box_p": series.its.ljung_box_p,
            "guard": series.guard,
        }
    if control is not None:
        effect, low, high = control.relative_effect
        out["difference_in_differences"] = {
            "kpi": control.kpi.name,
            "unit": control.unit_column,
            "treated_units": list(control.treated_units),
            "control_units": list(control.control_units),
            "effect_pct": effect,
            "ci_low_pct": low,
            "ci_high_pct": high,
            "p_value": control.did.p_value,
            "pre_trend_p": control.did.pre_trend_p,
            "n_clusters": control.did.n_clusters,
            "inference": control.did.inference,
            "guard": control.guard,
        }
    return jsonable(out)


def measured_results(results: pd.DataFrame) -> pd.DataFrame:
    """The KPI rows that were measured (not skipped for lack of data, not failed)."""
    return results.loc[results["status"] == Status.MEASURED]


def in_percent(values: pd.Series) -> pd.Series:
    """Fractions as percentages for a chart (0.25 → 25.0); the name and index are kept."""
    return values * 100


def channel_changes(mix: pd.DataFrame) -> pd.Series:
    """The change of each channel's share in percentage points, indexed by channel."""
    return mix.set_index("category")["change"] * 100


def campaign_response_rates(table: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Each campaign's response rate in percent (by label) and the labels of campaigns from go-live.

    ``table`` is :func:`campaign_table`.
    """
    rates = table.set_index("label")["response_rate"] * 100
    return rates, table.loc[table["after"], "label"].tolist()
