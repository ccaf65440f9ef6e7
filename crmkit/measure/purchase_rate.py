"""Purchase rate against the control group, customer by customer: Poisson panel and its check.

Where the control group is a region (or any attribute) shared by many customers, a
difference-in-differences of the regions' monthly totals has as many clusters as regions —
three regions give an interval that bounds nothing. The customers themselves are the units
here: each customer's orders per month, before and after go-live, in a Poisson regression
with customer and month fixed effects (:class:`crmkit.stats.rollout.PoissonDiD`), its errors
clustered by customer (hundreds of clusters). The effect is the change of the purchase rate
(orders per customer-month) of the CRM's customers beyond the control group's.

Those errors are honest only if the CRM's customers and the control group's share their
month-to-month swings: a shock of one region's own (a local campaign, a closed store) is not
in them. Placebo go-lives check exactly that on the client's own history: the same
regression at fake go-live months before the real one (windows of
:data:`PLACEBO_WINDOW_MONTHS` on each side, all before go-live) should find a "significant"
change about alpha of the time. If it finds one clearly more often, the errors are too small
for this client and the effect is not claimed (:class:`PurchaseRateClaim`).

Numbers and typed statuses only; the words are in :mod:`crmkit.words.narrative.purchase_rate`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment, Window
from crmkit.data.guards import finite_number
from crmkit.measure.control import customer_panel
from crmkit.stats.rollout import Inference, PoissonDiD

__all__ = [
    "MIN_PLACEBO_DATES",
    "PLACEBO_WINDOW_MONTHS",
    "PlaceboCalibration",
    "PurchaseRateClaim",
    "PurchaseRateComparison",
    "binomial_tail",
    "purchase_rate_comparison",
    "purchase_rate_results",
]

#: Months on each side of a placebo go-live.
PLACEBO_WINDOW_MONTHS = 6
#: Fewer placebo go-lives than this in the history and the errors cannot be checked.
MIN_PLACEBO_DATES = 6


class PurchaseRateClaim(StrEnum):
    """Whether the change of the purchase rate can be claimed, and if not, why."""

    CLAIMED = "claimed"
    #: The interval includes no change.
    NOT_DETECTED = "not_detected"
    #: Too few customers with, or without, the CRM for clustered errors.
    TOO_FEW_CUSTOMERS = "too_few_customers"
    #: Too little history before the before-window for placebo go-lives: the errors are
    #: unchecked, so no claim.
    HISTORY_TOO_SHORT = "history_too_short"
    #: The placebo go-lives found "significant" changes far more often than alpha: the
    #: groups have swings of their own, and the errors are too small for this client.
    PLACEBOS_REJECT = "placebos_reject"
    #: No estimate: no orders on one side, or the regression did not converge.
    NO_ESTIMATE = "no_estimate"


@dataclass(frozen=True)
class PlaceboCalibration:
    """The same regression at fake go-lives before the real one.

    Attributes
    ----------
    placebos : DataFrame
        ``go_live`` (monthly Period), ``effect`` (the change of the rate, a fraction),
        ``p_value``: one row per fake go-live with an estimate.
    n : int
        Placebo go-lives with a p-value.
    rejections : int
        Those with p < alpha.
    tail_p : float
        The chance of at least ``rejections`` among ``n`` if each rejected with probability
        alpha (:func:`binomial_tail`); NaN when ``n`` < :data:`MIN_PLACEBO_DATES`.
    trusted : bool
        Enough placebo go-lives, and ``tail_p`` ≥ alpha.
    window_months : int
        Months on each side of each placebo go-live.
    real_effect : float
        The effect at the real go-live measured alike (``window_months`` on each side), for
        the chart beside the placebos; NaN when it cannot be estimated.
    """

    placebos: pd.DataFrame
    n: int
    rejections: int
    tail_p: float
    trusted: bool
    window_months: int
    real_effect: float

    @property
    def checked(self) -> bool:
        """Whether enough placebo go-lives fit in the history to check the errors."""
        return self.n >= MIN_PLACEBO_DATES


@dataclass(frozen=True)
class PurchaseRateComparison:
    """The purchase rate of the CRM's customers against the control group's.

    Attributes
    ----------
    summary : DataFrame
        One row, :meth:`crmkit.stats.rollout.PoissonDiD.summary`: ``estimate_pct`` (the
        change of the rate beyond the control group's, a fraction), its interval,
        ``p_value``, ``rate_ratio``, the counts and ``inference``.
    rates : DataFrame
        ``group`` (crm / control), ``window`` (before / after), ``customers``,
        ``customer_months``, ``orders``, ``rate`` (orders per customer-month).
    calibration : PlaceboCalibration
    claim : PurchaseRateClaim
    alpha : float
        The level used (the interval's is 1 − alpha).
    """

    summary: pd.DataFrame
    rates: pd.DataFrame
    calibration: PlaceboCalibration
    claim: PurchaseRateClaim
    alpha: float


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(K ≥ k) for K ~ Binomial(n, p).

    Examples
    --------
    >>> round(binomial_tail(2, 13, 0.05), 4)  # 1 − 0.95¹³ − 13 · 0.05 · 0.95¹²
    0.1354
    >>> binomial_tail(0, 5, 0.05)
    1.0
    """
    if k <= 0:
        return 1.0
    return float(sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1)))


def purchase_rate_comparison(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> PurchaseRateComparison | None:
    """The purchase rate's change with the CRM beyond the control group's, per customer.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated tables; orders needed, customers (created and churned dates) used for
        each customer's months.
    assessment : Assessment
        Windows, go-live, the control group and alpha.

    Returns
    -------
    PurchaseRateComparison or None
        None without a control group, with a ``rollout`` (its own designs apply), without
        orders, or when the orders cannot be split by the control group.
    """
    if assessment.control is None or assessment.rollout is not None:
        return None
    orders = tables.get("orders")
    if orders is None or orders.empty or "customer_id" not in orders:
        return None
    first = pd.Timestamp(orders["order_date"].min())
    if pd.isna(first):
        return None
    history = Window(min(first.date(), assessment.before.start), assessment.before.end)
    try:
        panel = customer_panel(tables, replace(assessment, before=history), count=True)
    except (KeyError, ValueError):
        return None
    if panel.empty or panel["treated"].all() or not panel["treated"].any():
        return None
    panel = panel.assign(exposed=panel["treated"] & panel["after"])
    alpha = assessment.stats.alpha
    before_start = pd.Timestamp(assessment.before.start).to_period("M").to_timestamp()
    real = panel.loc[panel["after"] | (panel["month"] >= before_start)]
    fit = PoissonDiD(alpha=alpha).fit(real, period="month", outcome="value")
    summary = fit.summary()
    go_live = pd.Timestamp(assessment.go_live_date).to_period("M")
    calibration = _calibrate(panel, go_live, alpha)
    return PurchaseRateComparison(
        summary=summary,
        rates=_rates(real),
        calibration=calibration,
        claim=_claim(summary.iloc[0], calibration),
        alpha=alpha,
    )


def _rates(panel: pd.DataFrame) -> pd.DataFrame:
    """Customers, customer-months, orders and orders per customer-month by group and window."""
    treated = panel["treated"].to_numpy(dtype=bool)
    after = panel["after"].to_numpy(dtype=bool)
    units = pd.factorize(panel["unit"])[0]
    values = panel["value"].to_numpy(dtype="float64")
    rows = []
    for group, is_crm in (("crm", True), ("control", False)):
        for window, is_after in (("before", False), ("after", True)):
            cell = (treated == is_crm) & (after == is_after)
            months = int(cell.sum())
            orders = float(values[cell].sum())
            rows.append(
                (group, window, int(np.unique(units[cell]).size), months, orders,
                 orders / months if months else math.nan)
            )  # fmt: skip
    columns = ["group", "window", "customers", "customer_months", "orders", "rate"]
    return pd.DataFrame(rows, columns=columns)


def _calibrate(panel: pd.DataFrame, go_live: pd.Period, alpha: float) -> PlaceboCalibration:
    """The regression at every fake go-live whose windows fit in the months before go-live,
    and at the real go-live with the same windows."""
    window = PLACEBO_WINDOW_MONTHS
    months = panel["month"].dt.to_period("M")
    history = ~panel["after"].to_numpy()
    first = months[history].min()
    rows = []
    # Fake go-lives whose windows fit before the real one (none when the history is short:
    # then no regression is run at all, the real one's windowed twin included).
    fakes = [] if pd.isna(first) else list(pd.period_range(first + window, go_live - window))
    for fake in fakes if len(fakes) >= MIN_PLACEBO_DATES else []:
        row = _windowed(panel.loc[history], months[history], fake, window, alpha)
        if row is not None:
            rows.append((fake, row["estimate_pct"], row["p_value"]))
    real = (
        _windowed(panel, months, go_live, window, alpha, exposed=panel["after"]) if rows else None
    )
    placebos = pd.DataFrame(rows, columns=["go_live", "effect", "p_value"])
    n = len(placebos)
    rejections = int((placebos["p_value"] < alpha).sum())
    tail = binomial_tail(rejections, n, alpha) if n >= MIN_PLACEBO_DATES else math.nan
    return PlaceboCalibration(
        placebos=placebos,
        n=n,
        rejections=rejections,
        tail_p=tail,
        trusted=bool(n >= MIN_PLACEBO_DATES and tail >= alpha),
        window_months=window,
        real_effect=math.nan if real is None else float(real["estimate_pct"]),
    )


def _windowed(
    panel: pd.DataFrame,
    months: pd.Series,
    go_live: pd.Period,
    window: int,
    alpha: float,
    exposed: pd.Series | None = None,
) -> pd.Series | None:
    """The regression on ``window`` months each side of ``go_live``; None without a usable
    estimate. ``exposed`` (the real after-window) defaults to the months from ``go_live``."""
    inside = ((months >= go_live - window) & (months < go_live + window)).to_numpy()
    sample = panel.loc[inside]
    after = (months[inside] >= go_live) if exposed is None else exposed[inside]
    fit = PoissonDiD(alpha=alpha).fit(
        sample.assign(exposed=(sample["treated"] & after).to_numpy()),
        period="month",
        outcome="value",
    )
    row = fit.summary().iloc[0]
    if fit.inference_ is not Inference.OK or not math.isfinite(row["p_value"]):
        return None
    return row


def _claim(row: pd.Series, calibration: PlaceboCalibration) -> PurchaseRateClaim:
    """Guards first (an estimate, enough customers, checked errors), then the interval."""
    inference = Inference(row["inference"])
    if inference is Inference.NO_ESTIMATE or not math.isfinite(row["estimate_pct"]):
        return PurchaseRateClaim.NO_ESTIMATE
    if inference is not Inference.OK:
        return PurchaseRateClaim.TOO_FEW_CUSTOMERS
    if not calibration.checked:
        return PurchaseRateClaim.HISTORY_TOO_SHORT
    if not calibration.trusted:
        return PurchaseRateClaim.PLACEBOS_REJECT
    low, high = row["ci_low_pct"], row["ci_high_pct"]
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 <= high:
        return PurchaseRateClaim.NOT_DETECTED
    return PurchaseRateClaim.CLAIMED


def purchase_rate_results(comparison: PurchaseRateComparison | None) -> dict[str, Any] | None:
    """results.json's ``impact.purchase_rate``: plain JSON (fractions, null for missing).

    Keys: ``kpi`` ("purchase_rate": orders per customer-month), ``unit`` ("customer"),
    ``method`` ("poisson_fixed_effects"), ``effect_pct``, ``ci_low_pct``, ``ci_high_pct``,
    ``p_value``, ``rate_ratio``, ``claim`` (:class:`PurchaseRateClaim`), ``customers``,
    ``crm_customers``, ``control_customers``, ``rates`` (``{crm|control: {before, after}}``,
    orders per customer-month), ``placebo`` (``n``, ``rejections``, ``expected`` = n · alpha,
    ``tail_p``, ``trusted``, ``window_months``, ``real_effect_pct``, ``go_lives``
    ["YYYY-MM", …], ``effects_pct``, ``p_values``). None without a comparison.
    """
    if comparison is None:
        return None
    row = comparison.summary.iloc[0]
    rates = comparison.rates.set_index(["group", "window"])
    calibration = comparison.calibration
    alpha_n = calibration.n * comparison.alpha
    return {
        "kpi": "purchase_rate",
        "unit": "customer",
        "method": "poisson_fixed_effects",
        "effect_pct": finite_number(row["estimate_pct"]),
        "ci_low_pct": finite_number(row["ci_low_pct"]),
        "ci_high_pct": finite_number(row["ci_high_pct"]),
        "p_value": finite_number(row["p_value"]),
        "rate_ratio": finite_number(row["rate_ratio"]),
        "claim": str(comparison.claim),
        "customers": int(row["n_units"]),
        "crm_customers": int(row["n_treated_clusters"]),
        "control_customers": int(row["n_clusters"]) - int(row["n_treated_clusters"]),
        "rates": {
            group: {
                window: finite_number(rates["rate"].get((group, window)))
                for window in ("before", "after")
            }
            for group in ("crm", "control")
        },
        "placebo": {
            "n": calibration.n,
            "rejections": calibration.rejections,
            "expected": finite_number(alpha_n),
            "tail_p": finite_number(calibration.tail_p),
            "trusted": calibration.trusted,
            "window_months": calibration.window_months,
            "real_effect_pct": finite_number(calibration.real_effect),
            "go_lives": [str(p) for p in calibration.placebos["go_live"]],
            "effects_pct": [finite_number(v) for v in calibration.placebos["effect"]],
            "p_values": [finite_number(v) for v in calibration.placebos["p_value"]],
        },
    }
