"""Who answered, in words: the respondents' mix against the customer base."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.words.formats import TableView, format_p_statement, format_percent
from crmkit.words.phrases import what_it_means

__all__ = [
    "representativeness_frame",
    "representativeness_message",
    "representativeness_text",
    "representativeness_title",
    "representativeness_view",
]


def representativeness_message(mix: pd.DataFrame) -> str:
    """The respondents' mix in one sentence: too few to judge, unrepresentative, or matching.

    Parameters
    ----------
    mix : pandas.DataFrame
        :func:`crmkit.domains.survey.representativeness.representativeness` (not empty).

    Returns
    -------
    str
        Which of the three holds, with the test and, when unrepresentative, the one or two most
        distorted categories (those beyond ±2 Pearson residuals, at least the worst).

    Examples
    --------
    >>> mix = pd.DataFrame({"variable": ["segment"] * 2, "category": ["Enterprise", "SMB"],
    ...     "respondent_share": [0.4, 0.6], "customer_share": [0.4, 0.6],
    ...     "residual": [0.0, 0.0], "expected": [80.0, 120.0], "n": [200] * 2,
    ...     "statistic": [0.0] * 2, "df": [1] * 2, "p_value": [1.0] * 2, "effect_size": [0.0] * 2,
    ...     "too_small": [False] * 2, "unrepresentative": [False] * 2, "min_n": [100] * 2,
    ...     "min_expected": [5.0] * 2})
    >>> representativeness_message(mix)
    "The respondents' mix by segment matches the customer base (chi-square = 0.0, df = 1, p = 1.000)."
    """
    first = mix.iloc[0]
    by = str(first["variable"])
    if bool(first["too_small"]):
        n, min_n, min_expected = int(first["n"]), int(first["min_n"]), float(first["min_expected"])
        small_cells = [
            str(c)
            for c, e in zip(mix["category"], mix["expected"], strict=True)
            if e < min_expected
        ]
        reasons = []
        if n < min_n:
            reasons.append(f"only {n} respondents (at least {min_n} needed)")
        if small_cells:
            reasons.append(f"expected counts below {min_expected:g} in {', '.join(small_cells)}")
        return (
            f"Too few respondents to judge whether they represent the customer base by {by}: "
            + "; ".join(reasons)
            + "."
        )
    test = (
        f"chi-square = {float(first['statistic']):.1f}, df = {int(first['df'])}, "
        f"{format_p_statement(first['p_value'])}"
    )
    if not bool(first["unrepresentative"]):
        return f"The respondents' mix by {by} matches the customer base ({test})."
    residual = mix["residual"].to_numpy(float)
    categories = mix["category"].to_numpy(dtype=object)
    respondent_share = mix["respondent_share"].to_numpy(float)
    share = mix["customer_share"].to_numpy(float)
    order = np.argsort(-np.abs(np.nan_to_num(residual)))
    parts = [
        f"{categories[i]} {'over' if residual[i] > 0 else 'under'}-represented "
        f"({format_percent(respondent_share[i])} of respondents vs "
        f"{format_percent(share[i])} of customers)"
        for i in order[:2]
        if abs(residual[i]) >= 2 or i == order[0]
    ]
    return (
        f"The respondents do not mirror the customer base by {by} ({test}, Cohen's w = "
        f"{float(first['effect_size']):.2f}): "
        + "; ".join(parts)
        + ". Weight the results by "
        + by
        + " or read them with care."
    )


def representativeness_frame(mix: pd.DataFrame) -> pd.DataFrame:
    """:func:`representativeness` as :func:`crmkit.report.plots.grouped_bar_chart` draws it.

    Returns
    -------
    pandas.DataFrame
        Index: the categories; columns "Respondents" and "Customers", their shares in percent.
    """
    return pd.DataFrame(
        {
            "Respondents": mix["respondent_share"].to_numpy(float) * 100,
            "Customers": mix["customer_share"].to_numpy(float) * 100,
        },
        index=pd.Index([str(c) for c in mix["category"]], name=str(mix["variable"].iloc[0])),
    )


def representativeness_title(mix: pd.DataFrame) -> str:
    """A chart title that states whether the respondents mirror the customer base.

    Examples
    --------
    >>> mix = pd.DataFrame({"variable": ["segment"] * 2, "category": ["SMB", "Enterprise"],
    ...     "respondent_share": [0.5, 0.5], "customer_share": [0.8, 0.2], "residual": [-5.0, 8.0],
    ...     "too_small": [False] * 2, "unrepresentative": [True] * 2})
    >>> representativeness_title(mix)
    'Respondents do not mirror the customers by segment: Enterprise make up 50 % of respondents but 20 % of customers'
    """
    if mix.empty:
        return "No customers to compare the respondents with"
    by = str(mix["variable"].iloc[0])
    if bool(mix["too_small"].iloc[0]):
        return f"Too few respondents to judge whether they mirror the customers by {by}"
    worst = mix.loc[mix["residual"].abs().idxmax()]
    detail = (
        f"{worst['category']} make up {worst['respondent_share'] * 100:.0f} % of respondents but "
        f"{worst['customer_share'] * 100:.0f} % of customers"
    )
    if bool(mix["unrepresentative"].iloc[0]):
        return f"Respondents do not mirror the customers by {by}: {detail}"
    return f"Respondents mirror the customers by {by} ({detail})"


def representativeness_view(mix: pd.DataFrame) -> TableView:
    """:func:`representativeness` as a table with units."""
    frame = pd.DataFrame(
        {
            str(mix["variable"].iloc[0]).capitalize() if len(mix) else "Category": mix[
                "category"
            ].astype(str),
            "Respondents": mix["respondents"].astype("Int64"),
            "Share of respondents": mix["respondent_share"].to_numpy(float) * 100,
            "Customers": mix["customers"].astype("Int64"),
            "Share of customers": mix["customer_share"].to_numpy(float) * 100,
            "Expected respondents": mix["expected"].to_numpy(float),
            "Pearson residual": mix["residual"].to_numpy(float),
        }
    )
    units = {
        "Respondents": "count",
        "Share of respondents": "%",
        "Customers": "count",
        "Share of customers": "%",
        "Expected respondents": "count",
        "Pearson residual": "SD",
    }
    formats = {
        "Respondents": "{:,}",
        "Customers": "{:,}",
        "Share of respondents": "{:.1f}",
        "Share of customers": "{:.1f}",
        "Expected respondents": "{:,.1f}",
        "Pearson residual": "{:+.1f}",
    }
    return TableView(frame, units, formats)


def representativeness_text(mix: pd.DataFrame) -> str:
    """The "What it means" paragraph for the respondents' mix, with a warning when it is flagged.

    Examples
    --------
    >>> mix = pd.DataFrame({"variable": ["segment"], "category": ["SMB"], "n": [2],
    ...     "min_n": [100], "expected": [10.0], "min_expected": [5.0], "too_small": [True],
    ...     "unrepresentative": [False]})
    >>> print(representativeness_text(mix))
    **Warning:** Too few respondents to judge whether they represent the customer base by segment: only 2 respondents (at least 100 needed). Treat the survey's figures as anecdotes, not measurements.
    """
    if mix.empty:
        return what_it_means("there is no customer base to compare the respondents with.")
    message = representativeness_message(mix)
    if bool(mix["too_small"].iloc[0]):
        return f"**Warning:** {message} Treat the survey's figures as anecdotes, not measurements."
    if bool(mix["unrepresentative"].iloc[0]):
        return (
            f"**Warning:** {message} The scores above describe the customers who answered, "
            "not the customer base as a whole; the differences by group show which way the "
            "overall scores lean."
        )
    return what_it_means(f"{message} The survey's scores can be read as the customer base's.")
