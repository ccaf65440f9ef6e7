"""Who answered, in words: the respondents' mix against the customer base."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.words.formats import TableView, format_p_statement, format_percent
from crmkit.words.language import term, tr
from crmkit.words.phrases import what_it_means
from crmkit.words.survey.fragments import listed

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
    by = term(str(first["variable"]))
    if bool(first["too_small"]):
        n, min_n, min_expected = int(first["n"]), int(first["min_n"]), float(first["min_expected"])
        small_cells = [
            str(c)
            for c, e in zip(mix["category"], mix["expected"], strict=True)
            if e < min_expected
        ]
        reasons = []
        if n < min_n:
            reasons.append(tr("only {n} respondents (at least {min_n} needed)", n=n, min_n=min_n))
        if small_cells:
            reasons.append(
                tr(
                    "expected counts below {min_expected} in {categories}",
                    min_expected=f"{min_expected:g}",
                    categories=listed(small_cells),
                )
            )
        return tr(
            "Too few respondents to judge whether they represent the customer base by {by}: "
            "{reasons}.",
            by=by,
            reasons=tr("; ").join(reasons),
        )
    test = tr(
        "chi-square = {statistic}, df = {df}, {p}",
        statistic=f"{float(first['statistic']):.1f}",
        df=int(first["df"]),
        p=format_p_statement(first["p_value"]),
    )
    if not bool(first["unrepresentative"]):
        return tr(
            "The respondents' mix by {by} matches the customer base ({test}).", by=by, test=test
        )
    residual = mix["residual"].to_numpy(float)
    categories = mix["category"].to_numpy(dtype=object)
    respondent_share = mix["respondent_share"].to_numpy(float)
    share = mix["customer_share"].to_numpy(float)
    order = np.argsort(-np.abs(np.nan_to_num(residual)))
    parts = [
        _represented(categories[i], residual[i], respondent_share[i], share[i])
        for i in order[:2]
        if abs(residual[i]) >= 2 or i == order[0]
    ]
    return tr(
        "The respondents do not mirror the customer base by {by} ({test}, Cohen's w = {w}): "
        "{categories}. Weight the results by {by} or read them with care.",
        by=by,
        test=test,
        w=f"{float(first['effect_size']):.2f}",
        categories=tr("; ").join(parts),
    )


def _represented(category: object, residual: float, respondents: float, customers: float) -> str:
    """A category over- or under-represented among the respondents, with both shares."""
    fields = {
        "category": category,
        "respondents": format_percent(respondents),
        "customers": format_percent(customers),
    }
    if residual > 0:
        return tr(
            "{category} over-represented ({respondents} of respondents vs {customers} of "
            "customers)",
            **fields,
        )
    return tr(
        "{category} under-represented ({respondents} of respondents vs {customers} of customers)",
        **fields,
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
            tr("Respondents"): mix["respondent_share"].to_numpy(float) * 100,
            tr("Customers"): mix["customer_share"].to_numpy(float) * 100,
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
        return tr("No customers to compare the respondents with")
    by = term(str(mix["variable"].iloc[0]))
    if bool(mix["too_small"].iloc[0]):
        return tr("Too few respondents to judge whether they mirror the customers by {by}", by=by)
    worst = mix.loc[mix["residual"].abs().idxmax()]
    fields = {
        "by": by,
        "category": worst["category"],
        "respondents": f"{worst['respondent_share'] * 100:.0f}",
        "customers": f"{worst['customer_share'] * 100:.0f}",
    }
    if bool(mix["unrepresentative"].iloc[0]):
        return tr(
            "Respondents do not mirror the customers by {by}: {category} make up {respondents} % "
            "of respondents but {customers} % of customers",
            **fields,
        )
    return tr(
        "Respondents mirror the customers by {by} ({category} make up {respondents} % of "
        "respondents but {customers} % of customers)",
        **fields,
    )


def representativeness_view(mix: pd.DataFrame) -> TableView:
    """:func:`representativeness` as a table with units."""
    respondents, respondent_share = tr("Respondents"), tr("Share of respondents")
    customers, customer_share = tr("Customers"), tr("Share of customers")
    expected, residual = tr("Expected respondents"), tr("Pearson residual")
    category = _category_header(str(mix["variable"].iloc[0])) if len(mix) else tr("Category")
    frame = pd.DataFrame(
        {
            category: mix["category"].astype(str),
            respondents: mix["respondents"].astype("Int64"),
            respondent_share: mix["respondent_share"].to_numpy(float) * 100,
            customers: mix["customers"].astype("Int64"),
            customer_share: mix["customer_share"].to_numpy(float) * 100,
            expected: mix["expected"].to_numpy(float),
            residual: mix["residual"].to_numpy(float),
        }
    )
    count = tr("count")
    units = {
        respondents: count,
        respondent_share: "%",
        customers: count,
        customer_share: "%",
        expected: count,
        residual: tr("SD"),
    }
    formats = {
        respondents: "{:,}",
        customers: "{:,}",
        respondent_share: "{:.1f}",
        customer_share: "{:.1f}",
        expected: "{:,.1f}",
        residual: "{:+.1f}",
    }
    return TableView(frame, units, formats)


def _category_header(variable: str) -> str:
    """The header of the categories' column: the variable, capitalized ("Segment")."""
    name = term(variable)
    return variable.capitalize() if name == variable else name


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
        return what_it_means(tr("there is no customer base to compare the respondents with."))
    message = representativeness_message(mix)
    if bool(mix["too_small"].iloc[0]):
        return tr(
            "**Warning:** {message} Treat the survey's figures as anecdotes, not measurements.",
            message=message,
        )
    if bool(mix["unrepresentative"].iloc[0]):
        return tr(
            "**Warning:** {message} The scores above describe the customers who answered, not "
            "the customer base as a whole; the differences by group show which way the overall "
            "scores lean.",
            message=message,
        )
    return what_it_means(
        tr("{message} The survey's scores can be read as the customer base's.", message=message)
    )
