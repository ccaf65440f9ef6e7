"""Matching category labels and looking values up by key, on whole columns at once.

The control group is named by labels in a column (``"Control"``, ``" control "``); tables
are tied to it through keys (a row's customer, a member of staff). These two vectorised
helpers serve the KPI catalog (:mod:`crmkit.kpis`) and the customer domain
(:mod:`crmkit.domains.customers`) alike, so the rule for "is this row's label one of these" is
written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["is_label", "lookup"]


def is_label(labels: pd.Series, values: Iterable[str]) -> np.ndarray:
    """True where a label is one of ``values``, ignoring case and surrounding spaces.

    Parameters
    ----------
    labels : pandas.Series
        The labels, of any dtype (compared as text); missing labels are never a match.
    values : iterable of str
        The labels sought.

    Returns
    -------
    numpy.ndarray of bool
        One flag per label.

    Examples
    --------
    >>> is_label(pd.Series([" Control", "crm", None, "CONTROL"]), ["control"]).tolist()
    [True, False, False, True]
    """
    wanted = {str(v).strip().casefold() for v in values}
    codes, uniques = pd.factorize(labels)
    hit = pd.Index(uniques).astype(str).str.strip().str.casefold().isin(wanted)
    return np.append(np.asarray(hit, dtype=bool), False)[codes]  # code -1 (missing): False


def lookup(keys: pd.Series, values: pd.Series, fill: Any) -> np.ndarray:
    """``values[key]`` for each key, ``fill`` where the key is missing or not in the index.

    Parameters
    ----------
    keys : pandas.Series
        The keys to look up.
    values : pandas.Series
        The values, indexed by key (the index must be unique).
    fill : scalar
        The value for unknown or missing keys, of a type ``values``' dtype can hold.

    Returns
    -------
    numpy.ndarray
        One value per key, of ``values``' dtype.

    Examples
    --------
    >>> flags = pd.Series([True, False], index=["c1", "c2"])
    >>> lookup(pd.Series(["c2", "c9", None, "c1"]), flags, False).tolist()
    [False, False, False, True]
    """
    positions = pd.Index(values.index).get_indexer(keys.to_numpy())
    array = values.to_numpy()
    return np.append(array, np.array([fill], dtype=array.dtype))[positions]  # -1: fill
