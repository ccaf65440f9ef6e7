"""Which of the files found where earlier runs are kept are this client's earlier runs.

The pipeline (:func:`crmkit.pipeline.context.find_earlier_results`) finds and reads the files;
this module decides, without touching a file, which are earlier runs of the client and which
are skipped, and why (:class:`SkipReason`), and puts the runs in time order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

__all__ = ["EarlierRuns", "SkipReason", "SkippedRun", "earlier_runs"]


class SkipReason(StrEnum):
    """Why a file found where earlier runs are kept was not used."""

    #: A run folder still named ``.<run id>.partial``: that run never completed.
    PARTIAL = "partial run"
    #: The file could not be read or is not JSON.
    UNREADABLE = "unreadable"
    #: JSON, but not a crmkit ``results.json`` (no ``client`` or no ``generated_at``).
    NOT_RESULTS = "not a results file"
    #: A results.json of another client (its ``client`` differs).
    OTHER_CLIENT = "another client"
    #: The same run found twice (same ``run_id`` and ``generated_at``), e.g. in two folders.
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class SkippedRun:
    """One file that was not used as an earlier run, and why.

    Attributes
    ----------
    source : str
        Where it was found (a path, as the pipeline names it).
    reason : SkipReason
    detail : str or None
        E.g. the read error, or the other client's name.
    """

    source: str
    reason: SkipReason
    detail: str | None = None


@dataclass(frozen=True)
class EarlierRuns:
    """The earlier runs of this client, oldest first, and the files that were skipped.

    Attributes
    ----------
    runs : tuple of mapping
        Each earlier run's ``results.json`` content, sorted by ``generated_at``.
    skipped : tuple of SkippedRun
    this_run : str or None
        This run's id, when the caller knows it.
    """

    runs: tuple[Mapping[str, Any], ...] = ()
    skipped: tuple[SkippedRun, ...] = field(default_factory=tuple)
    this_run: str | None = None


def _generated_at(results: Mapping[str, Any]) -> pd.Timestamp | None:
    try:
        stamp = pd.Timestamp(results.get("generated_at"))
    except (TypeError, ValueError):
        return None
    if pd.isna(stamp):
        return None
    return stamp.tz_convert("UTC") if stamp.tzinfo is not None else stamp.tz_localize("UTC")


def earlier_runs(found: Iterable[tuple[str, Any]], *, client: str) -> EarlierRuns:
    """Keep the readable results of ``client`` among what was found, oldest first.

    Parameters
    ----------
    found : iterable of (str, object)
        Each candidate's source (its path) and what was read from it: the parsed JSON, or a
        :class:`SkippedRun` when the pipeline could not use it (unreadable, partial).
    client : str
        This run's client (``results.json`` ``client``); others' files are skipped.

    Returns
    -------
    EarlierRuns
        ``runs`` sorted by ``generated_at`` (then run id); ``skipped`` in the order found.

    Examples
    --------
    >>> found = [("b/results.json", {"client": "Acme", "generated_at": "2025-06-01T00:00:00"}),
    ...          ("a/results.json", {"client": "Acme", "generated_at": "2025-01-01T00:00:00"}),
    ...          ("x/results.json", {"client": "Other", "generated_at": "2025-03-01T00:00:00"})]
    >>> runs = earlier_runs(found, client="Acme")
    >>> [r["generated_at"][:7] for r in runs.runs], [str(s.reason) for s in runs.skipped]
    (['2025-01', '2025-06'], ['another client'])
    """
    kept: list[tuple[pd.Timestamp, str, Mapping[str, Any]]] = []
    skipped: list[SkippedRun] = []
    seen: set[tuple[str, str]] = set()
    for source, content in found:
        if isinstance(content, SkippedRun):
            skipped.append(content)
            continue
        if not isinstance(content, Mapping) or not isinstance(content.get("client"), str):
            skipped.append(SkippedRun(source, SkipReason.NOT_RESULTS, "no client"))
            continue
        stamp = _generated_at(content)
        if stamp is None:
            skipped.append(SkippedRun(source, SkipReason.NOT_RESULTS, "no generated_at"))
            continue
        if content["client"] != client:
            skipped.append(SkippedRun(source, SkipReason.OTHER_CLIENT, content["client"]))
            continue
        key = (str(content.get("run_id")), stamp.isoformat())
        if key in seen:
            skipped.append(SkippedRun(source, SkipReason.DUPLICATE, key[0]))
            continue
        seen.add(key)
        kept.append((stamp, key[0], content))
    kept.sort(key=lambda item: (item[0], item[1]))
    return EarlierRuns(tuple(item[2] for item in kept), tuple(skipped))
