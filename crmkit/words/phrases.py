"""The report's shared phrasing: the window labels and the shapes of a closing paragraph.

These few words are shared by every report text: the words layer (:mod:`crmkit.words.narrative`,
which re-exports them) and the domain modules that still build their own readings
(:mod:`crmkit.domains.customers`, :mod:`crmkit.domains.survey`, :mod:`crmkit.domains.clv`). They live in this small
module, which imports only the number formats, so that a domain takes them without importing
another domain or the narrative, and a change of wording is made here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crmkit.words.formats import format_p_value

__all__ = ["WINDOW_LABELS", "findings_markdown", "p_value_phrase", "what_it_means"]

#: How the report names the two windows.
WINDOW_LABELS = {"before": "Before go-live", "after": "After go-live"}


def what_it_means(text: str) -> str:
    """A section's closing paragraph: "**What it means:**" and the text.

    Examples
    --------
    >>> what_it_means("customers stay longer.")
    '**What it means:** customers stay longer.'
    """
    return f"**What it means:** {text}"


def findings_markdown(paragraph: str, limitations: Sequence[str]) -> str:
    """Findings as markdown: the paragraph, then the limitations as a bulleted list.

    Examples
    --------
    >>> print(findings_markdown("Churn fell.", ["Few customers."]))
    Churn fell.
    <BLANKLINE>
    **Limitations**
    <BLANKLINE>
    - Few customers.
    >>> findings_markdown("", [])
    'The data allow no findings on this yet.'
    """
    text = paragraph or "The data allow no findings on this yet."
    if limitations:
        text += "\n\n**Limitations**\n\n" + "\n".join(f"- {item}" for item in limitations)
    return text


def p_value_phrase(p: Any) -> str:
    """A p-value as it follows "p" in a sentence: "= 0.023", or "< 0.001" for a small one.

    Examples
    --------
    >>> f"p {p_value_phrase(0.0231)}", f"p {p_value_phrase(0.00002)}"
    ('p = 0.023', 'p < 0.001')
    """
    text = format_p_value(p)
    return text if text.startswith("<") else f"= {text}"
