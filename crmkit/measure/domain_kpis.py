"""KPIs measured by their domain modules, both windows at once.

The catalog (:mod:`crmkit.kpis`) names the domain that measures such a KPI
(``KPI.measured_by``) and imports no domain module; this layer, above both, joins each KPI
to its domain's function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from crmkit.data.config import Assessment
from crmkit.domains import clv, customers, survey
from crmkit.stats import impact

__all__ = ["DOMAIN_MEASURES"]

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
