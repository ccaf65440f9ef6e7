"""What the CRM cost: by lifecycle phase, by category and by economic use.

A cost category as the client wrote it is mapped to one of :data:`ECONOMIC_USES` by
:func:`economic_use`; :func:`cost_breakdown` sums amounts and present values per group.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

import pandas as pd

from crmkit.domains.finance.inputs import (
    adjusted_amounts,
    check_choice,
    check_horizon,
    check_rate,
    clean_table,
    discount_factors,
)

__all__ = ["ECONOMIC_USES", "cost_breakdown", "economic_use"]

#: The economic uses a CRM's cost is broken down by (the method's cost structure).
ECONOMIC_USES = (
    "licences",
    "hardware",
    "implementation services",
    "training",
    "integration",
    "internal staff",
    "maintenance",
    "other",
)


# Words (lower case; Chinese as written) that identify an economic use, checked in order:
# the first use with a word inside the category's name wins.
_USE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("internal staff", ("internal", "staff", "employee", "personnel", "fte", "in-house",
                        "in house", "headcount", "内部", "人员", "员工", "人力")),
    ("training", ("training", "train", "education", "onboarding", "change management",
                  "coaching", "workshop", "培训")),
    ("integration", ("integration", "integrat", "interface", "api", "migration", "connector",
                     "middleware", "集成", "接口", "迁移")),
    ("maintenance", ("maintenance", "maintain", "support", "upgrade", "patch", "helpdesk",
                     "维护", "运维", "支持", "升级")),
    ("implementation services", ("implementation", "implement", "consult", "professional",
                                 "customi", "configur", "deployment", "set-up", "setup",
                                 "project", "partner", "实施", "咨询", "定制", "部署")),
    ("licences", ("licence", "license", "licens", "subscription", "saas", "seat", "software",
                  "user fee", "许可", "授权", "订阅", "软件")),
    ("hardware", ("hardware", "server", "infrastructure", "device", "equipment", "laptop",
                  "network", "hosting", "storage", "硬件", "服务器", "设备")),
)  # fmt: skip


def economic_use(category: Any) -> str:
    """The economic use a cost category belongs to, one of :data:`ECONOMIC_USES`.

    Parameters
    ----------
    category : str
        A cost category as the client wrote it ("Software licenses", "SI partner fees",
        "培训" …). Case, hyphens, underscores and extra spaces are ignored.

    Returns
    -------
    str
        "licences", "hardware", "implementation services", "training", "integration",
        "internal staff", "maintenance" or "other" (also for missing values).

    Notes
    -----
    A category is matched against word lists in this order: internal staff, training,
    integration, maintenance, implementation services, licences, hardware; the first hit
    wins ("internal staff training" is internal staff, "licence support" is maintenance).
    The exact name of a use always maps to itself.

    Examples
    --------
    >>> economic_use("Software Licenses"), economic_use("data_migration"), economic_use("Travel")
    ('licences', 'integration', 'other')
    """
    if not isinstance(category, str):
        return "other"
    text = re.sub(r"[\s_\-]+", " ", category.lower()).strip()
    if text in ECONOMIC_USES:
        return text
    for use, words in _USE_WORDS:
        if any(word in text for word in words):
            return use
    return "other"


def cost_breakdown(
    costs: pd.DataFrame | None,
    *,
    by: Literal["phase", "category", "economic_use"] = "phase",
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    risk_adjusted: bool = True,
) -> pd.DataFrame:
    """The CRM's cost by lifecycle phase, by category or by economic use.

    Parameters
    ----------
    costs : DataFrame or None
        The canonical costs table.
    by : {"phase", "category", "economic_use"}, default "phase"
        What to group by; missing phases and categories are "not stated", and economic
        uses come from :func:`economic_use`.
    discount_rate : float, default 0.10
    horizon_years : int, default 3
    risk_adjusted : bool, default True
        Costs × (1 + risk_adjustment), so that the present values add up to the summary's
        ``pv_costs``.

    Returns
    -------
    DataFrame
        One row per group, largest amount first (ties by name): the group column (named
        after ``by``), ``economic_use`` (only when ``by="category"``), ``amount``
        (undiscounted total over the horizon), ``share`` (of the total amount),
        ``present_value``, ``pv_share`` (of the total present value).

    Warnings
    --------
    End-of-year timing: year 0 costs are not discounted, year n's by ``(1 + r)**n``.

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0, 1], "category": ["licences", "support"],
    ...                       "amount": [300.0, 110.0], "phase": ["implementation", None]})
    >>> cost_breakdown(costs)[["phase", "amount", "share", "present_value"]]
                phase  amount     share  present_value
    0  implementation   300.0  0.731707          300.0
    1      not stated   110.0  0.268293          100.0
    """
    choices = ("phase", "category", "economic_use")
    group = check_choice(by, choices, "by")
    rate = check_rate(discount_rate)
    horizon = check_horizon(horizon_years)
    c, _ = clean_table(costs, "costs", horizon_years=horizon)
    amount = adjusted_amounts(c, "costs", risk_adjusted)
    frame = pd.DataFrame(
        {
            "phase": c["phase"],
            "category": c["category"],
            "economic_use": c["category"].map(economic_use),
            "amount": amount,
            "present_value": amount * discount_factors(rate, horizon)[c["year"].to_numpy()],
        }
    )
    # a category's economic use is a function of its name: grouping by both keeps one row
    keys = [group, "economic_use"] if group == "category" else [group]
    out = frame.groupby(keys, sort=False, dropna=False)[["amount", "present_value"]].sum()
    out = out.reset_index()
    total, total_pv = out["amount"].sum(), out["present_value"].sum()
    out["share"] = out["amount"] / total if total > 0 else math.nan
    out["pv_share"] = out["present_value"] / total_pv if total_pv > 0 else math.nan
    out = out.sort_values(["amount", group], ascending=[False, True], kind="stable")
    out = out[[*keys, "amount", "share", "present_value", "pv_share"]].reset_index(drop=True)
    for key in keys:
        out[key] = out[key].astype(object)
    return out
