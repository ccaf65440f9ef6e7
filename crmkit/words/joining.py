"""How the report's sentences join items of a list, and sentences one after another.

English lists items with commas ("a, b, c") and puts a space between sentences; Chinese
lists with 、 and writes sentences without a space. Both joins go through
:func:`crmkit.words.language.tr`, so each language joins its own way.
"""

from __future__ import annotations

from collections.abc import Sequence

from crmkit.words.language import tr

__all__ = ["listed", "listed_by_semicolons", "one_after_another"]


def listed(parts: Sequence[str]) -> str:
    """Items of a list joined as a sentence lists them ("a, b, c"; "a、b、c" in Chinese).

    Examples
    --------
    >>> listed(["financial", "customer", "internal process"]), listed([])
    ('financial, customer, internal process', '')
    """
    if not parts:
        return ""
    text = parts[0]
    for part in parts[1:]:
        text = tr("{earlier}, {later}", earlier=text, later=part)
    return text


def one_after_another(sentences: Sequence[str]) -> str:
    """Sentences one after the other: a space between them in English, none in Chinese.

    Examples
    --------
    >>> one_after_another(["Churn fell.", "Revenue rose."])
    'Churn fell. Revenue rose.'
    """
    if not sentences:
        return ""
    text = sentences[0]
    for sentence in sentences[1:]:
        text = tr("{earlier} {later}", earlier=text, later=sentence)
    return text


def listed_by_semicolons(parts: Sequence[str]) -> str:
    """Clauses of a list joined by semicolons ("a; b"; "a；b" in Chinese).

    Examples
    --------
    >>> listed_by_semicolons(["worsened after go-live", "behind its target"])
    'worsened after go-live; behind its target'
    """
    if not parts:
        return ""
    text = parts[0]
    for part in parts[1:]:
        text = tr("{earlier}; {later}", earlier=text, later=part)
    return text
