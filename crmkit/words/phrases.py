"""The report's shared phrasing: the window labels and the shapes of a closing paragraph.

These few words are shared by every page's text (:mod:`crmkit.words.narrative` re-exports
them; the words of customers, surveys, customer value and data quality use them), so that a
change of wording is made here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["WINDOW_LABELS", "Findings", "findings_markdown", "what_it_means"]

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


class Findings(NamedTuple):
    """A section's findings in plain words: one paragraph, and the limitations as sentences.

    Examples
    --------
    >>> print(Findings("Churn fell.", ["Few customers."]).markdown())
    Churn fell.
    <BLANKLINE>
    **Limitations**
    <BLANKLINE>
    - Few customers.
    """

    paragraph: str
    limitations: list[str]

    def markdown(self) -> str:
        """The paragraph and a bulleted list of the limitations, as markdown."""
        return findings_markdown(self.paragraph, self.limitations)
