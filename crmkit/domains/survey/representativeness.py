"""Do the survey's respondents mirror the customer base? A goodness-of-fit test of their mix.

A survey speaks for the customer base only if those who answer resemble it: the respondents'
mix by segment or region is compared with the customers' (Pearson chi-square, Cohen's w).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.stats.primitives import check_alpha

__all__ = ["representativeness", "representativeness_check"]


def representativeness(
    respondents: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    by: str = "segment",
    alpha: float = 0.05,
    min_n: int = 100,
    min_expected: float = 5.0,
) -> pd.DataFrame:
    """Do the respondents mirror the customer base? Mix per category and a goodness-of-fit test.

    Parameters
    ----------
    respondents : pandas.DataFrame
        The survey responses (or any list of respondents): ``customer_id`` and/or the ``by``
        column. With ``customer_id`` each responding customer counts once, however often they
        answered; without it each row counts.
    customers : pandas.DataFrame
        The customer base: ``customer_id`` and the ``by`` column.
    by : str, default "segment"
        The characteristic compared (segment, region …). Missing labels are left out on both
        sides.
    alpha : float, default 0.05
        The mix is flagged as unrepresentative when the test's p-value is below alpha.
    min_n : int, default 100
        Fewer respondents than this are flagged as too few to judge.
    min_expected : float, default 5
        An expected count below this in any category is flagged (the chi-square
        approximation needs about 5 per cell).

    Returns
    -------
    pandas.DataFrame
        One row per category of the customer base (sorted), with:

        - ``variable``: ``by``; ``category``: the label;
        - ``respondents``, ``respondent_share``: respondents in the category and their share;
        - ``customers``, ``customer_share``: the same in the customer base;
        - ``expected``: respondents expected from the base's mix, n × customer_share;
        - ``residual``: Pearson residual (respondents − expected) / √expected (beyond ±2: a
          category clearly over- or under-represented);

        and, the same on every row, the test of the whole mix:

        - ``n``: respondents matched to a category; ``statistic``: Pearson chi-square;
          ``df``: categories − 1; ``p_value``;
        - ``effect_size``: Cohen's w = √(chi-square / n) (0.1 small, 0.3 medium, 0.5 large);
        - ``too_small``: n < ``min_n`` or any expected count < ``min_expected``;
        - ``unrepresentative``: p_value < alpha; ``flag``: either of the two;
        - ``min_n``, ``min_expected``: the thresholds used (the arguments).

        :func:`crmkit.words.survey.representativeness_message` says it in one sentence.

    Notes
    -----
    Goodness of fit: :math:`X^2 = \\sum_c (O_c - E_c)^2 / E_c` with
    :math:`E_c = n\\,\\pi_c` and :math:`\\pi_c` the customer base's share, referred to
    :math:`\\chi^2_{C-1}`. With thousands of respondents the test flags even trivial
    differences; read it with Cohen's w. Respondents whose category is not in the customer base
    (or who are not in it) are left out of n.

    References
    ----------
    Pearson, K. (1900). On the criterion that a given system of deviations … Philosophical
    Magazine 50, 157–175.
    Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 7.
    Groves, R. M. et al. (2009). Survey Methodology, 2nd ed. Wiley, ch. 6 (nonresponse).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [f"C{i}" for i in range(1000)],
    ...                           "segment": ["SMB"] * 600 + ["Enterprise"] * 400})
    >>> respondents = pd.DataFrame({"customer_id": [f"C{i}" for i in range(0, 1000, 5)]})
    >>> out = representativeness(respondents, customers)
    >>> out[["category", "respondents", "expected"]].to_dict("list")
    {'category': ['Enterprise', 'SMB'], 'respondents': [80, 120], 'expected': [80.0, 120.0]}
    >>> bool(out["flag"].iloc[0])
    False
    """
    check_alpha(alpha)
    if by not in customers.columns:
        raise ValueError(f"the customers table has no column {by!r}")
    if by in respondents.columns:
        frame = respondents
        if "customer_id" in frame.columns:
            frame = frame.drop_duplicates("customer_id")
        labels = frame[by]
    elif "customer_id" in respondents.columns:
        if "customer_id" not in customers.columns:
            raise ValueError("the customers table has no column 'customer_id'")
        ids = respondents["customer_id"].dropna().drop_duplicates()
        lookup = customers.drop_duplicates("customer_id").set_index("customer_id")[by]
        labels = lookup.reindex(ids.to_numpy())
    else:
        raise ValueError(f"respondents need a {by!r} or a 'customer_id' column")
    base = customers[by].dropna().value_counts().sort_index()
    categories = base.index
    observed = labels.dropna().value_counts().reindex(categories, fill_value=0)
    n = int(observed.sum())
    pop = base.to_numpy(dtype=float)
    share = pop / pop.sum()
    expected = n * share
    obs = observed.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        residual = np.where(expected > 0, (obs - expected) / np.sqrt(expected), np.nan)
        statistic = float(np.sum((obs - expected) ** 2 / expected)) if n else math.nan
    df = len(categories) - 1
    if n and df > 0:
        p_value = float(stats.chi2.sf(statistic, df))
        effect = math.sqrt(statistic / n)
    else:
        p_value, effect = math.nan, math.nan
    too_small = n < min_n or bool((expected < min_expected).any())
    unrepresentative = bool(p_value < alpha) if not math.isnan(p_value) else False
    respondent_share = obs / n if n else np.full(len(obs), np.nan)
    k = len(categories)
    return pd.DataFrame(
        {
            "variable": [by] * k,
            "category": categories.to_numpy(dtype=object),
            "respondents": obs.astype(np.int64),
            "respondent_share": respondent_share,
            "customers": pop.astype(np.int64),
            "customer_share": share,
            "expected": expected,
            "residual": residual,
            "n": np.full(k, n, dtype=np.int64),
            "statistic": np.full(k, statistic),
            "df": np.full(k, df, dtype=np.int64),
            "p_value": np.full(k, p_value),
            "effect_size": np.full(k, effect),
            "too_small": np.full(k, too_small),
            "unrepresentative": np.full(k, unrepresentative),
            "flag": np.full(k, too_small or unrepresentative),
            "min_n": np.full(k, min_n, dtype=np.int64),
            "min_expected": np.full(k, float(min_expected)),
        }
    )


def representativeness_check(
    surveys: pd.DataFrame,
    customers: pd.DataFrame | None,
    *,
    by: Sequence[str] = ("segment", "region"),
    alpha: float = 0.05,
) -> pd.DataFrame | str:
    """:func:`representativeness` on the first characteristic the customers table has.

    Parameters
    ----------
    surveys : pandas.DataFrame
        The survey table (``customer_id`` or the characteristic itself).
    customers : pandas.DataFrame or None
        The customer base.
    by : sequence of str, default ("segment", "region")
        The characteristics to try, in order.
    alpha : float, default 0.05
        As :func:`representativeness`.

    Returns
    -------
    pandas.DataFrame or str
        :func:`representativeness`, or why it cannot be checked.

    Examples
    --------
    >>> representativeness_check(pd.DataFrame({"nps": [9]}), None)
    'there is no customers table to compare the respondents with'
    """
    if customers is None:
        return "there is no customers table to compare the respondents with"
    for column in by:
        if column not in customers.columns or customers[column].notna().sum() == 0:
            continue
        if column in surveys.columns or (
            "customer_id" in surveys.columns and "customer_id" in customers.columns
        ):
            return representativeness(surveys, customers, by=column, alpha=alpha)
    return f"neither the survey nor the customers table says the {' or '.join(by)} of a customer"
