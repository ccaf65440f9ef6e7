"""The executive summary's sentence on the top actions by benefit index, and the top action's
headline figure.

The benefit index is (expected effect − expected cost) / expected cost: the net gain per unit
of cost. The summary says it so, once: a benefit index of 2.2 reads "net gain 2.2 times its
cost"; a negative one "net loss 0.4 times its cost"; one that rounds to zero "breaks even". An
action whose effect is not expressed in money has none ("effect not expressed in money").

Action names and KPI labels are client text: passed through as plain text with their
whitespace collapsed; the index page escapes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmkit.words.formats import as_number
from crmkit.words.language import tr
from crmkit.words.narrative.naming import joined, named
from crmkit.words.narrative.synthesis import _plain

__all__ = [
    "TOP_ACTIONS",
    "benefit_index_text",
    "summary_actions",
    "top_action_figure_text",
    "top_actions",
]

#: How many actions the summary lists at most.
TOP_ACTIONS = 5


def benefit_index_text(candidate: Mapping[str, Any]) -> str:
    """An action's benefit index in words: the net gain per unit of cost.

    An action whose effect is not monetised (``monetised`` false) has no benefit index; one
    that is monetised but has no finite benefit index reads "benefit index not available".

    Examples
    --------
    >>> benefit_index_text({"benefit_index": 2.24, "monetised": True})
    'net gain 2.2 times its cost'
    >>> benefit_index_text({"benefit_index": -0.4, "monetised": True})
    'net loss 0.4 times its cost'
    >>> benefit_index_text({"benefit_index": None, "monetised": False})
    'effect not expressed in money'
    >>> benefit_index_text({"benefit_index": float("nan"), "monetised": True})
    'benefit index not available'
    """
    if candidate.get("monetised") is False:
        return tr("effect not expressed in money")
    index = as_number(candidate.get("benefit_index"))
    if index is None:
        return tr("benefit index not available")
    if round(index, 1) == 0:
        return tr("breaks even")
    if index > 0:
        return tr("net gain {index} times its cost", index=f"{index:,.1f}")
    return tr("net loss {index} times its cost", index=f"{-index:,.1f}")


def _action_name(candidate: Mapping[str, Any]) -> str:
    name = _plain(candidate.get("action")) or _plain(candidate.get("description"))
    return named(name) if name else tr("unnamed action")


def _action_kpis(candidate: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    names = candidate.get("kpis")
    names = [n for n in names if isinstance(n, str) and n] if isinstance(names, list) else []
    if not names and isinstance(candidate.get("kpi"), str) and candidate["kpi"]:
        names = [candidate["kpi"]]
    return [named(_plain(labels.get(n)) or _plain(n)) for n in dict.fromkeys(names)]


def top_actions(actions: Any, *, limit: int = TOP_ACTIONS) -> list[Mapping[str, Any]] | None:
    """The first ``limit`` candidates (ranked by benefit index, best first), or None.

    None when ``actions`` records no list of candidates; an empty list when it records an
    empty one.
    """
    if not isinstance(actions, Mapping):
        return None
    candidates = actions.get("candidates")
    if not isinstance(candidates, list | tuple):
        return None
    return [c for c in candidates if isinstance(c, Mapping)][:limit]


def summary_actions(actions: Any, *, labels: Mapping[str, str] | None = None) -> list[str]:
    """The top actions by benefit index in one sentence, each with the KPIs it moves.

    Parameters
    ----------
    actions : mapping
        ``results["actions"]`` with its ranked ``candidates``.
    labels : mapping, optional
        KPI name → label.

    Examples
    --------
    >>> summary_actions({"candidates": [
    ...     {"action": "Coach the reps", "kpi": "win_rate", "benefit_index": 2.2,
    ...      "monetised": True},
    ...     {"action": "Clean the data", "kpi": "data_accuracy", "monetised": False}]},
    ...     labels={"win_rate": "Win rate"})
    ['The top 2 actions by benefit index (the net gain per unit of cost, estimated from typical effects and costs, not measured): (1) Coach the reps, for Win rate: net gain 2.2 times its cost; (2) Clean the data, for data_accuracy: effect not expressed in money.']
    >>> summary_actions({"candidates": []})
    ['No improvement action is proposed: no gap in the KPIs called for one.']
    """
    top = top_actions(actions)
    if top is None:
        return []
    if not top:
        return [tr("No improvement action is proposed: no gap in the KPIs called for one.")]
    labels = labels or {}
    items = []
    for candidate in top:
        kpis = _action_kpis(candidate, labels)
        if kpis:
            item = tr(
                "{action}, for {kpis}: {index}",
                action=_action_name(candidate),
                kpis=joined(kpis),
                index=benefit_index_text(candidate),
            )
        else:
            item = tr(
                "{action}: {index}",
                action=_action_name(candidate),
                index=benefit_index_text(candidate),
            )
        items.append(item)
    if len(items) == 1:
        return [
            tr(
                "The top action by benefit index (the net gain per unit of cost, estimated from "
                "typical effects and costs, not measured): {action}.",
                action=items[0],
            )
        ]
    numbered = tr("; ").join(f"({i}) {item}" for i, item in enumerate(items, start=1))
    return [
        tr(
            "The top {n} actions by benefit index (the net gain per unit of cost, estimated from "
            "typical effects and costs, not measured): {actions}.",
            n=len(items),
            actions=numbered,
        )
    ]


def top_action_figure_text(
    actions: Any, *, labels: Mapping[str, str] | None = None
) -> tuple[str, str] | None:
    """The headline figure of the best action: its name and its benefit index with its KPIs.

    Examples
    --------
    >>> top_action_figure_text({"candidates": [{"action": "Coach the reps", "kpi": "win_rate",
    ...                                         "benefit_index": 2.2, "monetised": True}]})
    ('Coach the reps', 'net gain 2.2 times its cost; moves win_rate')
    """
    top = top_actions(actions, limit=1)
    if not top:
        return None
    kpis = _action_kpis(top[0], labels or {})
    note = benefit_index_text(top[0])
    if kpis:
        note = tr("{index}; moves {kpis}", index=note, kpis=joined(kpis))
    return _action_name(top[0]), note
