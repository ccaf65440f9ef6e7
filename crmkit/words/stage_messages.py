"""Why a stage was skipped or failed, as the index and the stage's banner say it.

The run records each stage's message in English (``results.json``
``stages.<stage>.message``): the tables a skipped stage needs
(:class:`crmkit.domains.plan.TablesMissing`), the error a failed stage raised and in which
cell, or that its page could not be rendered. :func:`stage_message` says such a message in
the report's language; the error's own text (the exception's name and message) is quoted as
the run recorded it. A message of another form is shown as written.

Examples
--------
>>> stage_message("needs tickets and customers")
'needs tickets and customers'
>>> from crmkit.words.language import speaking
>>> with speaking("zh"):
...     stage_message("needs orders or opportunities")
'需要 orders 或 opportunities 表'
>>> with speaking("zh"):
...     stage_message("KeyError: 'region' (cell 7)")
"KeyError: 'region'（第 7 个单元格）"
"""

from __future__ import annotations

import re

from crmkit.domains.plan import TablesMissing
from crmkit.words.joining import listed_by_semicolons
from crmkit.words.language import tr

__all__ = ["PAGE_NOT_RENDERED", "stage_message", "tables_missing"]

#: How the run records a page that could not be rendered (``<message>; `` may precede it).
PAGE_NOT_RENDERED = "the page could not be rendered: "

_IN_CELL = re.compile(r"(?P<error>.+) \(cell (?P<cell>\d+)\)", re.DOTALL)


def _tables(names: tuple[str, ...], *, any_of: bool) -> str:
    text = names[0]
    for name in names[1:]:
        text = (
            tr("{earlier} or {later}", earlier=text, later=name)
            if any_of
            else tr("{earlier} and {later}", earlier=text, later=name)
        )
    return text


def tables_missing(fact: TablesMissing) -> str:
    """The tables a stage needs and the client did not supply, in the report's language.

    Examples
    --------
    >>> tables_missing(TablesMissing(all_of=("usage",), any_of=("orders", "opportunities")))
    'needs usage; needs orders or opportunities'
    """
    parts = []
    if fact.all_of:
        parts.append(tr("needs {tables}", tables=_tables(fact.all_of, any_of=False)))
    if fact.any_of:
        parts.append(tr("needs {tables}", tables=_tables(fact.any_of, any_of=True)))
    return listed_by_semicolons(parts)


def _failure(message: str) -> str:
    """An error recorded as "<error> (cell <n>)", or as written."""
    match = _IN_CELL.fullmatch(message)
    if match is None:
        return message
    return tr("{error} (cell {cell})", error=match["error"], cell=match["cell"])


def stage_message(message: str | None) -> str | None:
    """A stage's recorded message in the report's language (None or "" as given).

    Parameters
    ----------
    message : str or None
        As the run recorded it: the skipped stage's missing tables, the failed stage's
        error, or that its page could not be rendered (after the stage's own message, if any).
    """
    if not message:
        return message
    head, sep, error = message.partition(PAGE_NOT_RENDERED)
    if sep and (not head or head.endswith("; ")):
        said = tr("the page could not be rendered: {error}", error=error)
        if not head:
            return said
        return listed_by_semicolons([stage_message(head[:-2]) or "", said])
    fact = TablesMissing.read(message)
    if fact is not None:
        return tables_missing(fact)
    return _failure(message)
