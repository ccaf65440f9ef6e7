"""How the customer-value texts write shares: whole percentages, and signed changes."""

from __future__ import annotations

import math

from crmkit.words.formats import is_missing

__all__ = ["signed_percent", "whole_percent"]


def whole_percent(value: float) -> str:
    """A share as a whole percentage, halves rounded up (0.625 → "63 %").

    Examples
    --------
    >>> whole_percent(0.625), whole_percent(0.2)
    ('63 %', '20 %')
    """
    return f"{math.floor(100 * value + 0.5 + 1e-9):.0f} %"


def signed_percent(value: float) -> str:
    """A relative change as a signed whole percentage: "+10 %", "−5 %", "±0 %", or "n/a".

    Examples
    --------
    >>> signed_percent(0.523), signed_percent(-0.05), signed_percent(float("nan"))
    ('+52 %', '−5 %', 'n/a')
    """
    if is_missing(value):
        return "n/a"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value) * 100:.0f} %"
