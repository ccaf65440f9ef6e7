"""The report's language: every sentence, heading and label goes through :func:`tr`.

Sentences are written in English in the code, as templates with named fields::

    tr("Revenue rose by {change}.", change=format_percent(0.12))

In an English report the template is filled in as written. In another language (params
``language``) the template is looked up in that language's catalog, a folder of JSON files
``crmkit/words/catalogs/<language>/`` mapping each English template to its translation with
the same fields, and the translation is filled in with the same values: numbers read the same
in every language, only the words around them change. A template without a translation falls
back to English (the catalog tests list every template the code uses, so none is missing).

Three kinds of catalog file sit side by side: ``notebooks*.json`` map the stage notebooks'
markdown cells, translated whole with :func:`translate_markdown`; ``terms*.json`` map names
defined as data below this layer (KPI labels, areas, units), translated with :func:`term`;
every other file maps sentence templates for :func:`tr`. Each area of the words layer keeps
its own file; two files may repeat a template only with the same translation.

The active language is a context variable: a stage sets it once from its params
(:func:`set_language`); code that renders several clients uses :func:`speaking`.

Examples
--------
>>> tr("{n} customers", n=3)
'3 customers'
>>> with speaking("zh"):
...     tr("not available")
'不可用'
>>> tr("not available")
'not available'
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from crmkit.data.config import LANGUAGES

__all__ = [
    "LANGUAGES",
    "Translated",
    "active_language",
    "catalog",
    "english",
    "html_language",
    "set_language",
    "speaking",
    "template_fields",
    "term",
    "tr",
    "translate_markdown",
]

#: Where each language's catalog lives: ``catalogs/<language>/*.json``.
CATALOGS = Path(__file__).with_name("catalogs")

#: The language templates are written in.
SOURCE_LANGUAGE = "en"

#: The catalog files (``notebooks*.json``) that hold the notebooks' markdown cells.
NOTEBOOKS_FILES = "notebooks*.json"

#: The catalog files (``terms*.json``) that hold names defined as data below this layer (KPI
#: labels, areas, units), translated with :func:`term`.
TERMS_FILES = "terms*.json"

#: The value of an HTML page's ``lang`` attribute for each language.
_HTML_LANGUAGE = {"en": "en", "zh": "zh-CN"}

_active: ContextVar[str] = ContextVar("crmkit_language", default=SOURCE_LANGUAGE)


def active_language() -> str:
    """The language sentences are currently written in (``"en"`` unless set)."""
    return _active.get()


def set_language(language: str) -> None:
    """Write every following sentence in ``language`` (a stage does this once, from params).

    Raises
    ------
    ValueError
        If ``language`` is not one of :data:`LANGUAGES`.
    """
    _active.set(_checked(language))


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Write the sentences built inside the ``with`` block in ``language``."""
    token = _active.set(_checked(language))
    try:
        yield
    finally:
        _active.reset(token)


def html_language(language: str | None = None) -> str:
    """The HTML ``lang`` attribute of a page in ``language`` (default: the active one)."""
    return _HTML_LANGUAGE[_checked(language or active_language())]


class Translated(str):
    """A sentence in the report's language that remembers its English.

    :func:`tr` returns one outside English; where the translation cannot be shown (a chart
    on a machine without a font that draws Chinese), :func:`english` gives the English back
    instead of empty boxes.
    """

    english: str

    def __new__(cls, text: str, english: str) -> Translated:
        made = super().__new__(cls, text)
        made.english = english
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Translated, (str(self), self.english))


def english(text: str) -> str:
    """The English of a sentence built by :func:`tr` (the text itself otherwise).

    Examples
    --------
    >>> with speaking("zh"):
    ...     shown = tr("{kpi} improved", kpi=tr("not available"))
    >>> str(shown), english(shown)
    ('不可用改善', 'not available improved')
    """
    return getattr(text, "english", text)


def tr(template: str, /, **fields: Any) -> str:
    """``template`` in the active language, with ``fields`` filled in.

    Parameters
    ----------
    template : str
        The English text, a literal string with ``{name}`` fields (``str.format`` syntax;
        literal braces doubled).
    **fields
        The values of the fields, already formatted for a reader (numbers through
        :mod:`crmkit.words.formats`).

    Returns
    -------
    str
        The translation when the active language has one, else the English template; with
        the fields filled in when any are given.

    Examples
    --------
    >>> tr("{kpi} improved", kpi="Revenue")
    'Revenue improved'
    >>> with speaking("zh"):
    ...     tr("improved")
    '改善'
    """
    language = _active.get()
    if language == SOURCE_LANGUAGE:
        return template.format(**fields) if fields else template
    text = catalog(language).get(template, template)
    if not fields:
        return Translated(text, template)
    in_english = {name: english(value) for name, value in fields.items()}
    return Translated(text.format(**fields), template.format(**in_english))


def term(name: str) -> str:
    """A name defined as data below the words layer (a KPI's label, an area, a unit) in the
    active language; a name the catalog does not know (a client's own KPI) stays as written.

    Examples
    --------
    >>> term("Revenue (monthly)")
    'Revenue (monthly)'
    """
    language = _active.get()
    if language == SOURCE_LANGUAGE:
        return name
    translated = _merged(language, TERMS_FILES).get(name)
    return name if translated is None else Translated(translated, name)


def translate_markdown(source: str, language: str | None = None) -> str:
    """A notebook's markdown cell in ``language`` (default: the active one).

    A cell is translated whole; a cell the catalog does not know (or the English report)
    keeps its source.
    """
    language = _checked(language or active_language())
    if language == SOURCE_LANGUAGE:
        return source
    return _merged(language, NOTEBOOKS_FILES).get(source.strip(), source)


@cache
def catalog(language: str) -> Mapping[str, str]:
    """Every sentence template of ``language``'s catalog (English → translation).

    The notebooks' markdown cells (:func:`translate_markdown`) and the terms (:func:`term`)
    are not included.

    Raises
    ------
    ValueError
        If two catalog files translate the same template differently.
    """
    return _merged(language, "*.json")


def template_fields(template: str) -> frozenset[str]:
    """The names of the ``{fields}`` a template fills in.

    Examples
    --------
    >>> sorted(template_fields("{kpi} rose by {change} ({{note}})"))
    ['change', 'kpi']
    """
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(template) if name is not None
    )


@cache
def _merged(language: str, pattern: str) -> Mapping[str, str]:
    """The translations of the catalog files of ``language`` that match ``pattern`` (the
    sentence templates: every file that holds neither notebook cells nor terms)."""
    special = (NOTEBOOKS_FILES, TERMS_FILES)
    merged: dict[str, str] = {}
    for path in sorted((CATALOGS / _checked(language)).glob(pattern)):
        if pattern == "*.json" and any(path.match(kind) for kind in special):
            continue
        for english, translated in _read(path).items():
            english = english if pattern == "*.json" else english.strip()
            if merged.get(english, translated) != translated:
                raise ValueError(
                    f"{path.name}: {english!r} is translated twice, differently: "
                    f"{merged[english]!r} and {translated!r}"
                )
            merged[english] = translated
    return merged


def _read(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _checked(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, got {language!r}")
    return language
