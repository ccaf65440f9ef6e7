"""How the customer-value texts write shares: whole percentages, and signed changes."""

from __future__ import annotations

import math

from crmkit.words.formats import format_change_pct, is_missing
from crmkit.words.language import tr

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

    :func:`crmkit.words.formats.format_change_pct` without decimals, "n/a" when missing.

    Examples
    --------
    >>> signed_percent(0.523), signed_percent(-0.05), signed_percent(float("nan"))
    ('+52 %', '−5 %', 'n/a')
    """
    return tr("n/a") if is_missing(value) else format_change_pct(value, decimals=0)
