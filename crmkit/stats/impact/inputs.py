"""Argument checks shared by the before/after tests: whole numbers, choices, numeric inputs.

Bad arguments raise :class:`ValueError` with one message naming the argument; missing and
infinite values are dropped (and counted) rather than refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["as_float_array", "check_choice", "check_int", "finite_or_nan", "finite_values"]


def check_int(value: Any, name: str, *, minimum: int) -> int:
    """``value`` as an int when it is a whole number (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


def check_choice(value: Any, choices: Sequence[str], name: str) -> None:
    """Raise ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def finite_values(values: npt.ArrayLike | pd.Series, name: str) -> tuple[np.ndarray, int]:
    """The finite values of a one-dimensional input as floats, and how many were dropped."""
    if isinstance(values, pd.DataFrame):
        raise ValueError(f"{name} must be one-dimensional (a Series, array or list), got a table")
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got an array of shape {values.shape}")
    try:
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
            array = values.astype(float, copy=False)
        else:
            array = pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must hold numbers: {error}") from None
    keep = np.isfinite(array)
    if keep.all():
        return array, 0
    return array[keep], int((~keep).sum())


def finite_or_nan(series: pd.Series, name: str) -> np.ndarray:
    """A Series' values as floats with every non-finite value as NaN (index untouched)."""
    try:
        values = series.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must hold numbers: {error}") from None
    return np.where(np.isfinite(values), values, np.nan)


def as_float_array(values: Any, name: str) -> tuple[np.ndarray, int]:
    """Any one-dimensional input as floats (missing values as NaN), and how many are NaN."""
    try:
        array = pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must hold numbers: {error}") from None
    return array, int(np.isnan(array).sum())
