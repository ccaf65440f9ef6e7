"""How names and lists sit inside a sentence, in the report's language.

A KPI's label, an area or a cost phase is a name defined as data below the words layer: it
is shown through :func:`crmkit.words.language.term` (a client's own name stays as written).
English lowercases a label inside a sentence and capitalizes one that opens it; a translated
name is shown as its translation. Lists read "a, b and c" in English and "a、b和c" in Chinese.

Examples
--------
>>> joined(["Win rate", "Revenue", "Churn"])
'Win rate, Revenue and Churn'
>>> in_sentence("Win rate"), capitalized("operation")
('win rate', 'Operation')
"""

from __future__ import annotations

from collections.abc import Iterable

from crmkit.words.language import Translated, english, term, tr

__all__ = ["capitalized", "in_order", "in_sentence", "joined", "listed", "named"]


def named(name: object) -> str:
    """A name as the report shows it: its translation where the catalog has one."""
    return term(str(name))


def in_sentence(name: object) -> str:
    """A name inside a sentence: lowercased as English writes it, else its translation.

    Examples
    --------
    >>> in_sentence("Monthly revenue")
    'monthly revenue'
    """
    shown = named(name)
    return shown if isinstance(shown, Translated) else shown.lower()


def capitalized(name: object) -> str:
    """A name opening a sentence or a title: capitalized as English writes it, else its
    translation."""
    shown = named(name)
    return shown if isinstance(shown, Translated) else shown.capitalize()


def listed(items: Iterable[str]) -> str:
    """Items one after the other: "a, b, c" (remembering its English, as :func:`tr` does).

    Examples
    --------
    >>> from crmkit.words.language import speaking
    >>> with speaking("zh"):
    ...     shown = listed([tr("financial"), "Own KPI"])
    >>> str(shown), english(shown)
    ('财务、Own KPI', 'financial, Own KPI')
    """
    items = list(items)
    shown = tr(", ").join(items)
    in_english = ", ".join(english(item) for item in items)
    return shown if shown == in_english else Translated(shown, in_english)


def joined(items: Iterable[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return tr("{items} and {last}", items=listed(items[:-1]), last=items[-1])


def in_order(sentences: Iterable[str]) -> str:
    """Sentences one after the other: a space between them in English, none in Chinese.

    Examples
    --------
    >>> in_order(["Sales rose.", "Costs fell."])
    'Sales rose. Costs fell.'
    """
    text = ""
    for sentence in sentences:
        text = tr("{sentence} {next}", sentence=text, next=sentence) if text else sentence
    return text
