"""The report's shared phrasing: the window labels and the shapes of a closing paragraph.

These few words are shared by every page's text (:mod:`crmkit.words.narrative` re-exports
them; the words of customers, surveys, customer value and data quality use them), so that a
change of wording is made here once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from crmkit.words.language import tr

__all__ = [
    "WINDOW_LABELS",
    "Findings",
    "findings_markdown",
    "verdict_word",
    "what_it_means",
    "window_label",
]


def window_label(window: str) -> str:
    """How the report names a window (``"before"`` or ``"after"``) in its language.

    Examples
    --------
    >>> window_label("before")
    'Before go-live'
    """
    if window == "before":
        return tr("Before go-live")
    if window == "after":
        return tr("After go-live")
    raise KeyError(window)


class _WindowLabels(Mapping[str, str]):
    """Window → its name, looked up in the report's language at each access."""

    def __getitem__(self, window: str) -> str:
        return window_label(window)

    def __iter__(self) -> Iterator[str]:
        return iter(("before", "after"))

    def __len__(self) -> int:
        return 2


#: How the report names the two windows: ``WINDOW_LABELS["before"]`` is "Before go-live"
#: in an English report, in the report's language otherwise.
WINDOW_LABELS: Mapping[str, str] = _WindowLabels()


def verdict_word(verdict: str) -> str:
    """A KPI's verdict or standing (:class:`crmkit.data.verdicts.Verdict`, the summary's
    standings) in the report's language; an unknown word stays as written.

    Examples
    --------
    >>> verdict_word("no detectable change"), verdict_word("odd")
    ('no detectable change', 'odd')
    """
    words = {
        "improved": tr("improved"),
        "worsened": tr("worsened"),
        "no detectable change": tr("no detectable change"),
        "insufficient data": tr("insufficient data"),
        "not measured": tr("not measured"),
        "not claimed": tr("not claimed"),
        "declined": tr("declined"),
        "without a verdict": tr("without a verdict"),
    }
    return words.get(str(verdict), str(verdict))


def what_it_means(text: str) -> str:
    """A section's closing paragraph: "**What it means:**" and the text.

    Examples
    --------
    >>> what_it_means("customers stay longer.")
    '**What it means:** customers stay longer.'
    """
    return tr("**What it means:** {text}", text=text)


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
    text = paragraph or tr("The data allow no findings on this yet.")
    if limitations:
        text += (
            "\n\n" + tr("**Limitations**") + "\n\n" + "\n".join(f"- {item}" for item in limitations)
        )
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
