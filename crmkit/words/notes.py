"""A comparison's notes in words: why it has no statistics, and its caveats.

The statistics and domain layers record what they noticed as typed facts
(:mod:`crmkit.stats.impact.notes`); :func:`say_note` says one in the report's language,
:func:`row_notes` says a comparison row's notes, joined by "; ". In English each fact reads
exactly as results.json records it (the fact's ``english()``).

Examples
--------
>>> from crmkit.stats.impact.notes import Insufficient, TooFewPairs
>>> say_note(Insufficient(TooFewPairs(pairs=1, needed=2)))
'insufficient data: 1 complete pair(s); at least 2 needed'
>>> from crmkit.words.language import speaking
>>> with speaking("zh"):
...     say_note(Insufficient(TooFewPairs(pairs=1, needed=2)))
'数据不足：1 个完整配对；至少需要 2 个'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from crmkit.stats.impact import notes as n
from crmkit.words.formats import is_missing
from crmkit.words.joining import listed_by_semicolons
from crmkit.words.language import SOURCE_LANGUAGE, active_language, tr

__all__ = [
    "SAYINGS",
    "data_needed",
    "row_notes",
    "said_notes",
    "shown_notes",
    "say_note",
    "say_notes",
]


def _insufficient(f: n.Insufficient) -> str:
    return tr("insufficient data: {reason}", reason=say_note(f.reason))


def _no_variation(f: n.NoVariation) -> str:
    if f.test == "z":
        return tr("no variation within either window: the z-test is undefined")
    return tr("no variation within either window: the t-test is undefined")


def _small_sample_bootstrap(f: n.SmallSampleBootstrap) -> str:
    if f.welch_p:
        return tr(
            "small sample (fewer than {threshold} in a window): bootstrap interval, Welch p-value",
            threshold=f.threshold,
        )
    return tr(
        "small sample (fewer than {threshold} in a window): bootstrap interval",
        threshold=f.threshold,
    )


def _guarded(f: n.Guarded) -> str:
    reason = say_note(f.reason)
    match f.guard:
        case "counterfactual_implausible":
            return tr("counterfactual_implausible: {reason}", reason=reason)
        case "base_near_zero":
            return tr("base_near_zero: {reason}", reason=reason)
    return tr("{guard}: {reason}", guard=f.guard, reason=reason)


def _model_chosen(f: n.ModelChosenByFit) -> str:
    fields = {"linear": n.rmse_text(f.linear_rmse), "log_linear": n.rmse_text(f.log_linear_rmse)}
    if f.model == "log-linear":
        return tr(
            "model: log-linear, by the root mean squared error of the fit before go-live "
            "({linear} linear, {log_linear} log-linear)",
            **fields,
        )
    return tr(
        "model: linear, by the root mean squared error of the fit before go-live "
        "({linear} linear, {log_linear} log-linear)",
        **fields,
    )


def _age_mixes_differ(f: n.AgeMixesDiffer) -> str:
    fields = {"shared": f"{f.shared:.0%}", "needed": f"{f.needed:.0%}"}
    if f.customers == "at_risk":
        return tr(
            "the customers at risk differ in age: the two windows' age mixes share {shared} of "
            "their customers (at least {needed} needed)",
            **fields,
        )
    return tr(
        "the buying customers differ in age: the two windows' age mixes share {shared} of their "
        "customers (at least {needed} needed)",
        **fields,
    )


def _and(parts: list[str]) -> str:
    """Parts joined by "and" in the report's language ("a and b and c" in English)."""
    text = parts[0]
    for part in parts[1:]:
        text = tr("{earlier} and {later}", earlier=text, later=part)
    return text


def _columns(columns: tuple[str, ...], place: str, *, of_file: bool) -> str:
    fields = {"columns": ", ".join(columns), "place": place}
    if of_file:
        if len(columns) > 1:
            return tr("columns {columns} of {place}", **fields)
        return tr("column {columns} of {place}", **fields)
    if len(columns) > 1:
        return tr("columns {columns} in {place}", **fields)
    return tr("column {columns} in {place}", **fields)


def _columns_absent(f: n.ColumnsAbsent) -> str:
    parts = [_columns(cs, t, of_file=False) for t, cs in f.columns]
    return tr("needs {data}", data=_and(parts))


def data_needed(fact: n.TablesAbsent | n.ColumnsAbsent | n.ColumnEmpty) -> str:
    """The files or columns that would let a KPI be measured, in the report's language.

    In English the fact's ``files()``, as results.json's ``needs`` records it.

    Examples
    --------
    >>> data_needed(n.ColumnsAbsent(columns=(("surveys", ("nps", "csat")),)))
    'columns nps, csat of surveys.csv'
    >>> from crmkit.words.language import speaking
    >>> with speaking("zh"):
    ...     data_needed(n.TablesAbsent(tables=("tickets", "orders")))
    'tickets.csv、orders.csv'
    """
    if isinstance(fact, n.TablesAbsent):
        return _and([f"{t}.csv" for t in fact.tables])
    if isinstance(fact, n.ColumnsAbsent):
        return _and([_columns(cs, f"{t}.csv", of_file=True) for t, cs in fact.columns])
    return tr("values in column {column} of {place}", column=fact.column, place=f"{fact.table}.csv")


#: How each kind of fact is said (a function of the fact, in the active language).
SAYINGS: Mapping[type[n.Note], Callable[[Any], str]] = {
    n.Insufficient: _insufficient,
    n.OneCategory: lambda f: tr("only one category occurs"),
    n.TooFewCounts: lambda f: tr(
        "{before} count(s) before and {after} after", before=f.before, after=f.after
    ),
    n.SmallExpectedCounts: lambda f: tr(
        "small expected counts: the chi-square approximation may be poor"
    ),
    n.TablesAbsent: lambda f: tr("needs {tables}", tables=_and(list(f.tables))),
    n.ColumnsAbsent: _columns_absent,
    n.ColumnEmpty: lambda f: tr(
        "needs values in column {column} of {table}", column=f.column, table=f.table
    ),
    n.ComputationFailed: lambda f: tr("could not be computed: {error}", error=f.error),
    n.TooFewValues: lambda f: tr(
        "{before} value(s) before and {after} after; at least {needed} needed in each window",
        before=f.before,
        after=f.after,
        needed=f.needed,
    ),
    n.TooFewTrials: lambda f: tr(
        "{before} trial(s) before and {after} after; at least {needed} needed in each window",
        before=f.before,
        after=f.after,
        needed=f.needed,
    ),
    n.TooFewAnswers: lambda f: tr(
        "{before} answer(s) before and {after} after; at least {needed} needed in each window",
        before=f.before,
        after=f.after,
        needed=f.needed,
    ),
    n.TooFewMonths: lambda f: tr(
        "{before} month(s) before and {after} from go-live; at least {needed} needed in each",
        before=f.before,
        after=f.after,
        needed=f.needed,
    ),
    n.TooFewPairs: lambda f: tr(
        "{pairs} complete pair(s); at least {needed} needed", pairs=f.pairs, needed=f.needed
    ),
    n.ExposureNotPositive: lambda f: tr(
        "exposure is {before} before and {after} after; both must be positive",
        before=f"{f.before:g}",
        after=f"{f.after:g}",
    ),
    n.FewUnitsOrNoExposure: lambda f: tr("fewer than 2 units, or no exposure, in a window"),
    n.NoEvents: lambda f: tr("no events in either window"),
    n.NoResidualMonths: lambda f: tr(
        "{months} months leave no residual degrees of freedom", months=f.months
    ),
    n.NoResidualRows: lambda f: tr("{rows} rows leave no residual degrees of freedom", rows=f.rows),
    n.CollinearTreatment: lambda f: tr(
        "the treatment indicator is collinear with the fixed effects"
    ),
    n.EmptyDidCell: lambda f: tr(
        "treated units have {treated_before} row(s) before and {treated_after} after go-live, "
        "control units {control_before} and {control_after}; each needs at least one",
        treated_before=f.treated_before,
        treated_after=f.treated_after,
        control_before=f.control_before,
        control_after=f.control_after,
    ),
    n.NoCustomerAtRisk: lambda f: tr("no customer at risk in a window of the shared age mix"),
    n.NoChurnEvent: lambda f: tr("no churn event in either window"),
    n.NoPositiveClv: lambda f: tr("no positive CLV with a variance in both windows"),
    n.DroppedMissing: lambda f: tr(
        "{before} missing value(s) before and {after} after were dropped",
        before=f.before,
        after=f.after,
    ),
    n.UnitsWithoutPair: lambda f: tr(
        "{dropped} of {units} units dropped for lacking a pair", dropped=f.dropped, units=f.units
    ),
    n.FisherUsed: lambda f: tr("small expected counts (below 5): Fisher's exact test used"),
    n.NoVariation: _no_variation,
    n.SameChangeEveryUnit: lambda f: tr(
        "every unit changed by the same amount: the t-test is undefined"
    ),
    n.SmallSampleBootstrap: _small_sample_bootstrap,
    n.ResampledNormalLimit: lambda f: tr(
        "resampled means of the larger window drawn from their normal limit"
    ),
    n.NoEventsBefore: lambda f: tr(
        "no events before: the rate ratio and the interval of change are unbounded"
    ),
    n.MonthsWithoutValue: lambda f: tr(
        "{months} month(s) without a value dropped", months=f.months
    ),
    n.CalendarMonthsMissing: lambda f: tr(
        "{months} calendar month(s) missing: HAC lags count observations", months=f.months
    ),
    n.SeasonalityNotModelled: lambda f: tr(
        "seasonality not modelled: {months} months before go-live, at least {needed} needed",
        months=f.months,
        needed=f.needed,
    ),
    n.RowsWithMissingDropped: lambda f: tr(
        "{rows} row(s) with missing values dropped", rows=f.rows
    ),
    n.SmallSampleNps: lambda f: tr(
        "small sample (fewer than {threshold} answers in a window): the interval is rough",
        threshold=f.threshold,
    ),
    n.NpsBeforeNotPositive: lambda f: tr(
        "relative change not shown: the NPS before is not positive"
    ),
    n.ChurnDefinition: lambda f: tr(
        "churn from {source}; the same population rule, {days} days followed in each window, "
        "age mix standardised ({shared} shared)",
        source=f.source,
        days=f.days,
        shared=f"{f.shared:.0%}",
    ),
    n.SpendWindowDays: lambda f: tr(
        "{days} days of spend in each window, retention on the churn KPI's comparable "
        "definition, age mix standardised",
        days=f.days,
    ),
    n.ExactFit: lambda f: tr("the model fits exactly: no residual variation"),
    n.FewUnitsOnASide: lambda f: tr(
        "{treated} treated and {control} control unit(s): with two or fewer on a side, even "
        "wild-bootstrap inference is unreliable (MacKinnon & Webb 2017)",
        treated=f.treated,
        control=f.control,
    ),
    n.TooFewArrangements: lambda f: tr(
        "no interval and no p-value: {units} units allow only {arrangements} arrangements of "
        "the treated ones",
        units=f.units,
        arrangements=f.arrangements,
    ),
    n.WildBootstrapInference: lambda f: tr(
        "{clusters} clusters: wild cluster bootstrap inference", clusters=f.clusters
    ),
    n.PreTrendsDiffer: lambda f: tr(
        "treated and control trends differed before go-live (p = {p}): parallel trends doubtful",
        p=f"{f.p_value:.3f}",
    ),
    n.UnboundedInterval: lambda f: tr(
        "the interval is unbounded: no effect size on that side is rejected, so both bounds "
        "are withheld"
    ),
    n.ModelChosenByFit: _model_chosen,
    n.ProjectionTooLong: lambda f: tr(
        "the projection runs {after} months from go-live on a trend fitted to {before} months "
        "before it",
        after=f.months_after,
        before=f.months_before,
    ),
    n.ProjectionNotPositive: lambda f: tr(
        "the projection without go-live is zero or below in {months} of {of} months",
        months=f.months,
        of=f.of,
    ),
    n.ProjectionLeavesRange: lambda f: tr(
        "the projection leaves the range of the months before go-live by more than that range spans"
    ),
    n.CounterfactualNearZero: lambda f: tr(
        "the counterfactual is near zero against the values compared"
    ),
    n.Guarded: _guarded,
    n.NotComparable: lambda f: tr("not comparable: {reason}", reason=say_note(f.reason)),
    n.BothReasons: lambda f: listed_by_semicolons([say_note(f.first), say_note(f.second)]),
    n.ShortOrderHistory: lambda f: tr(
        "the order history before the before window is shorter than the inactivity threshold "
        "({days} days), so who was active at its start cannot be told",
        days=f.inactivity_days,
    ),
    n.DataEndBeforeAfterWindow: lambda f: tr("the data end before the after window begins"),
    n.AgeMixesDiffer: _age_mixes_differ,
    n.MonthsPairedByCalendarMonth: lambda f: tr(
        "months paired by calendar month; the change includes trend"
    ),
    n.ObservationsClustered: lambda f: tr("observations clustered by {unit}", unit=f.unit),
    n.AutocorrelatedResiduals: lambda f: tr(
        "residuals autocorrelated (Ljung–Box p = {p}): Newey–West errors used, read borderline "
        "p-values with care",
        p=f"{f.p_value:.3f}",
    ),
}


def say_note(fact: n.Note) -> str:
    """One fact in the report's language.

    Examples
    --------
    >>> from crmkit.stats.impact.notes import FisherUsed
    >>> say_note(FisherUsed())
    "small expected counts (below 5): Fisher's exact test used"
    """
    return SAYINGS[type(fact)](fact)


def say_notes(facts: tuple[n.Note, ...]) -> str | None:
    """The facts in the report's language, joined by "; "; None when there is none."""
    said = [say_note(f) for f in facts]
    return listed_by_semicolons(said) if said else None


def row_notes(row: Mapping[str, Any]) -> str | None:
    """A comparison row's notes in the report's language; None when it has none.

    The row's ``note_facts`` are said when they are the facts its ``note`` was written from;
    a note written as text, or replaced by a later step, is shown as written.

    Examples
    --------
    >>> from crmkit.stats.impact.notes import TooFewValues, noted
    >>> row_notes(noted(TooFewValues(before=1, after=4, needed=2)))
    '1 value(s) before and 4 after; at least 2 needed in each window'
    >>> row_notes({"note": "observations clustered by customer_id", "note_facts": None})
    'observations clustered by customer_id'
    >>> row_notes({"note": None}) is None
    True
    """
    said = said_notes(row)
    if said is not None:
        return said
    return _written(row)


def said_notes(row: Mapping[str, Any]) -> str | None:
    """A row's notes said from its facts in the report's language; None when they cannot be.

    None when the row has no facts, or when its ``note`` is not the one they were written
    from (a note written as text, or replaced by a later step): only English can show such a
    note as written.

    Examples
    --------
    >>> said_notes({"note": "observations clustered by customer_id"}) is None
    True
    """
    facts = n.read_notes(row.get("note_facts"))
    if facts is None or n.english_note(facts) != _written(row):
        return None
    return say_notes(facts)


def _written(row: Mapping[str, Any]) -> str | None:
    note = row.get("note")
    return None if is_missing(note) or not note else str(note)


def shown_notes(row: Mapping[str, Any]) -> str | None:
    """A row's notes as a report in the active language can show them; None when it cannot.

    English shows every note (said from its facts, or as written); another language only
    notes said from their facts.
    """
    if active_language() == SOURCE_LANGUAGE:
        return row_notes(row)
    return said_notes(row)
