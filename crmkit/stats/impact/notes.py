"""What a comparison noticed, as typed facts: why it has no statistics, and its caveats.

A test records each thing worth telling the reader as a small frozen fact with its numbers,
e.g. ``TooFewValues(before=3, after=2, needed=5)``; the words layer says the fact in the
report's language (:mod:`crmkit.words.notes`). A comparison row (:func:`noted`) carries its
facts twice:

- ``note_facts``: the facts as JSON text (``[{"fact": "too_few_values", "before": 3, …}]``),
  which keeps the row's dtypes through the parquet cache and reads back with
  :func:`read_notes`;
- ``note``: the same facts in English, joined by "; ", the record results.json keeps
  (``kpis.<kpi>.note``). The words layer's English of a fact is the same text, which
  ``tests/test_language_notes.py`` checks for every kind of fact.

A note that is not (yet) a fact stays English text in ``note``; such a row has no
``note_facts`` and the report shows its note as written.

Examples
--------
>>> facts = (Insufficient(TooFewValues(before=3, after=2, needed=5)), DroppedMissing(1, 0))
>>> noted(*facts)["note"]
'insufficient data: 3 value(s) before and 2 after; at least 5 needed in each window; 1 missing value(s) before and 0 after were dropped'
>>> read_notes(noted(*facts)["note_facts"]) == facts
True
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from crmkit.data.verdicts import Verdict

__all__ = [
    "AgeMixesDiffer",
    "AutocorrelatedResiduals",
    "BothReasons",
    "CalendarMonthsMissing",
    "ChurnDefinition",
    "CollinearTreatment",
    "ColumnEmpty",
    "ColumnsAbsent",
    "ComputationFailed",
    "CounterfactualNearZero",
    "DataEndBeforeAfterWindow",
    "DroppedMissing",
    "EmptyDidCell",
    "ExactFit",
    "ExposureNotPositive",
    "FewUnitsOnASide",
    "FewUnitsOrNoExposure",
    "FisherUsed",
    "Guarded",
    "Insufficient",
    "ModelChosenByFit",
    "MonthsPairedByCalendarMonth",
    "MonthsWithoutValue",
    "NOTE_KINDS",
    "NoChurnEvent",
    "NoCustomerAtRisk",
    "NoEvents",
    "NoEventsBefore",
    "NoPositiveClv",
    "NoResidualMonths",
    "NoResidualRows",
    "NoVariation",
    "OneCategory",
    "NotComparable",
    "Note",
    "NpsBeforeNotPositive",
    "ObservationsClustered",
    "PreTrendsDiffer",
    "ProjectionLeavesRange",
    "ProjectionNotPositive",
    "ProjectionTooLong",
    "ResampledNormalLimit",
    "RowsWithMissingDropped",
    "SameChangeEveryUnit",
    "SeasonalityNotModelled",
    "ShortOrderHistory",
    "SmallSampleBootstrap",
    "SmallExpectedCounts",
    "SmallSampleNps",
    "SpendWindowDays",
    "TablesAbsent",
    "TooFewAnswers",
    "TooFewArrangements",
    "TooFewCounts",
    "TooFewMonths",
    "TooFewPairs",
    "TooFewTrials",
    "TooFewValues",
    "UnboundedInterval",
    "UnitsWithoutPair",
    "WildBootstrapInference",
    "english_note",
    "joined_reasons",
    "noted",
    "read_notes",
    "rmse_text",
    "write_notes",
]


@dataclass(frozen=True)
class Note:
    """One thing a comparison noticed; subclasses name it (``kind``) and hold its numbers."""

    kind: ClassVar[str] = ""

    def english(self) -> str:
        """The fact in English, as results.json records it."""
        raise NotImplementedError


# --- why a comparison has no statistics --------------------------------------------------------


@dataclass(frozen=True)
class TooFewValues(Note):
    """Fewer values than a test needs in a window."""

    kind: ClassVar[str] = "too_few_values"
    before: int
    after: int
    needed: int

    def english(self) -> str:
        return (
            f"{self.before} value(s) before and {self.after} after; "
            f"at least {self.needed} needed in each window"
        )


@dataclass(frozen=True)
class TooFewTrials(Note):
    """Fewer trials (opportunities, tickets, answers) than a proportion test needs."""

    kind: ClassVar[str] = "too_few_trials"
    before: int
    after: int
    needed: int

    def english(self) -> str:
        return (
            f"{self.before} trial(s) before and {self.after} after; "
            f"at least {self.needed} needed in each window"
        )


@dataclass(frozen=True)
class TooFewAnswers(Note):
    """Fewer survey answers than the NPS comparison needs."""

    kind: ClassVar[str] = "too_few_answers"
    before: int
    after: int
    needed: int

    def english(self) -> str:
        return (
            f"{self.before} answer(s) before and {self.after} after; "
            f"at least {self.needed} needed in each window"
        )


@dataclass(frozen=True)
class TooFewMonths(Note):
    """Fewer months than a time series needs on a side of go-live."""

    kind: ClassVar[str] = "too_few_months"
    before: int
    after: int
    needed: int

    def english(self) -> str:
        return (
            f"{self.before} month(s) before and {self.after} from go-live; "
            f"at least {self.needed} needed in each"
        )


@dataclass(frozen=True)
class TooFewPairs(Note):
    """Fewer units with a value in both windows than a paired test needs."""

    kind: ClassVar[str] = "too_few_pairs"
    pairs: int
    needed: int

    def english(self) -> str:
        return f"{self.pairs} complete pair(s); at least {self.needed} needed"


@dataclass(frozen=True)
class ExposureNotPositive(Note):
    """A rate whose exposure (orders, customer-years) is zero in a window."""

    kind: ClassVar[str] = "exposure_not_positive"
    before: float
    after: float

    def english(self) -> str:
        return f"exposure is {self.before:g} before and {self.after:g} after; both must be positive"


@dataclass(frozen=True)
class FewUnitsOrNoExposure(Note):
    """A ratio of sums with fewer than two units, or no exposure, in a window."""

    kind: ClassVar[str] = "few_units_or_no_exposure"

    def english(self) -> str:
        return "fewer than 2 units, or no exposure, in a window"


@dataclass(frozen=True)
class NoEvents(Note):
    """A rate with no event in either window."""

    kind: ClassVar[str] = "no_events"

    def english(self) -> str:
        return "no events in either window"


@dataclass(frozen=True)
class NoResidualMonths(Note):
    """A time-series model with as many terms as months: nothing left to estimate error."""

    kind: ClassVar[str] = "no_residual_months"
    months: int

    def english(self) -> str:
        return f"{self.months} months leave no residual degrees of freedom"


@dataclass(frozen=True)
class NoResidualRows(Note):
    """A difference-in-differences model with as many terms as rows."""

    kind: ClassVar[str] = "no_residual_rows"
    rows: int

    def english(self) -> str:
        return f"{self.rows} rows leave no residual degrees of freedom"


@dataclass(frozen=True)
class CollinearTreatment(Note):
    """The fixed effects absorb the treatment indicator: no effect can be estimated."""

    kind: ClassVar[str] = "collinear_treatment"

    def english(self) -> str:
        return "the treatment indicator is collinear with the fixed effects"


@dataclass(frozen=True)
class EmptyDidCell(Note):
    """A cell of the difference-in-differences (treated or control, before or after) is empty."""

    kind: ClassVar[str] = "empty_did_cell"
    treated_before: int
    treated_after: int
    control_before: int
    control_after: int

    def english(self) -> str:
        return (
            f"treated units have {self.treated_before} row(s) before and {self.treated_after} "
            f"after go-live, control units {self.control_before} and {self.control_after}; "
            "each needs at least one"
        )


@dataclass(frozen=True)
class NoCustomerAtRisk(Note):
    """A churn window with no customer at risk in the age mix both windows share."""

    kind: ClassVar[str] = "no_customer_at_risk"

    def english(self) -> str:
        return "no customer at risk in a window of the shared age mix"


@dataclass(frozen=True)
class NoChurnEvent(Note):
    """No customer churned in either window."""

    kind: ClassVar[str] = "no_churn_event"

    def english(self) -> str:
        return "no churn event in either window"


@dataclass(frozen=True)
class NoPositiveClv(Note):
    """The average CLV is not positive, or has no variance, in a window."""

    kind: ClassVar[str] = "no_positive_clv"

    def english(self) -> str:
        return "no positive CLV with a variance in both windows"


@dataclass(frozen=True)
class Insufficient(Note):
    """A comparison with too little data: the verdict's words, then why (another fact)."""

    kind: ClassVar[str] = "insufficient"
    reason: Note

    def english(self) -> str:
        return f"{Verdict.INSUFFICIENT}: {self.reason.english()}"


@dataclass(frozen=True)
class TablesAbsent(Note):
    """A KPI's tables are absent from the client's data (``tables``: those, in order)."""

    kind: ClassVar[str] = "tables_absent"
    tables: tuple[str, ...]

    def english(self) -> str:
        return "needs " + " and ".join(self.tables)

    def files(self) -> str:
        """The files that would add the KPI, as results.json's ``needs`` names them."""
        return " and ".join(f"{t}.csv" for t in self.tables)


@dataclass(frozen=True)
class ColumnsAbsent(Note):
    """A KPI's columns are absent from its tables (``columns``: (table, its columns) pairs)."""

    kind: ClassVar[str] = "columns_absent"
    columns: tuple[tuple[str, tuple[str, ...]], ...]

    def english(self) -> str:
        parts = [
            f"column{'s' if len(cs) > 1 else ''} {', '.join(cs)} in {t}" for t, cs in self.columns
        ]
        return "needs " + " and ".join(parts)

    def files(self) -> str:
        """The columns that would add the KPI, as results.json's ``needs`` names them."""
        parts = [
            f"column{'s' if len(cs) > 1 else ''} {', '.join(cs)} of {t}.csv"
            for t, cs in self.columns
        ]
        return " and ".join(parts)


@dataclass(frozen=True)
class ColumnEmpty(Note):
    """A KPI's column is there but holds no value."""

    kind: ClassVar[str] = "column_empty"
    table: str
    column: str

    def english(self) -> str:
        return f"needs values in column {self.column} of {self.table}"

    def files(self) -> str:
        """What would add the KPI, as results.json's ``needs`` names it."""
        return f"values in column {self.column} of {self.table}.csv"


@dataclass(frozen=True)
class ComputationFailed(Note):
    """A KPI whose data broke its computation; ``error`` is the error's name and message."""

    kind: ClassVar[str] = "computation_failed"
    error: str

    def english(self) -> str:
        return f"could not be computed: {self.error}"


@dataclass(frozen=True)
class OneCategory(Note):
    """A category mix with only one category occurring: no chi-square test."""

    kind: ClassVar[str] = "one_category"

    def english(self) -> str:
        return "only one category occurs"


@dataclass(frozen=True)
class TooFewCounts(Note):
    """A category mix with an empty window (``before`` and ``after``: the windows' totals)."""

    kind: ClassVar[str] = "too_few_counts"
    before: int
    after: int

    def english(self) -> str:
        return f"{self.before} count(s) before and {self.after} after"


# --- caveats -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmallExpectedCounts(Note):
    """More than 20 % of a chi-square test's expected counts below 5, or one below 1."""

    kind: ClassVar[str] = "small_expected_counts"

    def english(self) -> str:
        return "small expected counts: the chi-square approximation may be poor"


@dataclass(frozen=True)
class DroppedMissing(Note):
    """Missing or infinite values dropped from the windows."""

    kind: ClassVar[str] = "dropped_missing"
    before: int
    after: int

    def english(self) -> str:
        return f"{self.before} missing value(s) before and {self.after} after were dropped"


@dataclass(frozen=True)
class UnitsWithoutPair(Note):
    """Units left out of a paired test for having a value in one window only."""

    kind: ClassVar[str] = "units_without_pair"
    dropped: int
    units: int

    def english(self) -> str:
        return f"{self.dropped} of {self.units} units dropped for lacking a pair"


@dataclass(frozen=True)
class FisherUsed(Note):
    """Expected counts below 5: Fisher's exact test replaced the z-test."""

    kind: ClassVar[str] = "fisher_used"

    def english(self) -> str:
        return "small expected counts (below 5): Fisher's exact test used"


@dataclass(frozen=True)
class NoVariation(Note):
    """Neither window varies: the test (``"t"`` or ``"z"``) is undefined."""

    kind: ClassVar[str] = "no_variation"
    test: str

    def english(self) -> str:
        return f"no variation within either window: the {self.test}-test is undefined"


@dataclass(frozen=True)
class SameChangeEveryUnit(Note):
    """Every unit changed by the same amount: the paired t-test is undefined."""

    kind: ClassVar[str] = "same_change_every_unit"

    def english(self) -> str:
        return "every unit changed by the same amount: the t-test is undefined"


@dataclass(frozen=True)
class SmallSampleBootstrap(Note):
    """Fewer than ``threshold`` values in a window: a bootstrap interval (and Welch's p-value)."""

    kind: ClassVar[str] = "small_sample_bootstrap"
    threshold: int
    welch_p: bool

    def english(self) -> str:
        text = f"small sample (fewer than {self.threshold} in a window): bootstrap interval"
        return f"{text}, Welch p-value" if self.welch_p else text


@dataclass(frozen=True)
class ResampledNormalLimit(Note):
    """A large window's resampled means drawn from their normal limit."""

    kind: ClassVar[str] = "resampled_normal_limit"

    def english(self) -> str:
        return "resampled means of the larger window drawn from their normal limit"


@dataclass(frozen=True)
class NoEventsBefore(Note):
    """No event before go-live: the rate ratio and its interval are unbounded."""

    kind: ClassVar[str] = "no_events_before"

    def english(self) -> str:
        return "no events before: the rate ratio and the interval of change are unbounded"


@dataclass(frozen=True)
class MonthsWithoutValue(Note):
    """Months of a series without a value, dropped."""

    kind: ClassVar[str] = "months_without_value"
    months: int

    def english(self) -> str:
        return f"{self.months} month(s) without a value dropped"


@dataclass(frozen=True)
class CalendarMonthsMissing(Note):
    """Calendar months absent from a series: the HAC lags count observations, not months."""

    kind: ClassVar[str] = "calendar_months_missing"
    months: int

    def english(self) -> str:
        return f"{self.months} calendar month(s) missing: HAC lags count observations"


@dataclass(frozen=True)
class SeasonalityNotModelled(Note):
    """Too short a history before go-live to tell a season from a trend."""

    kind: ClassVar[str] = "seasonality_not_modelled"
    months: int
    needed: int

    def english(self) -> str:
        return (
            f"seasonality not modelled: {self.months} months before go-live, "
            f"at least {self.needed} needed"
        )


@dataclass(frozen=True)
class RowsWithMissingDropped(Note):
    """Rows of a panel with a missing value, dropped."""

    kind: ClassVar[str] = "rows_with_missing_dropped"
    rows: int

    def english(self) -> str:
        return f"{self.rows} row(s) with missing values dropped"


@dataclass(frozen=True)
class SmallSampleNps(Note):
    """Fewer than ``threshold`` survey answers in a window: the NPS interval is rough."""

    kind: ClassVar[str] = "small_sample_nps"
    threshold: int

    def english(self) -> str:
        return (
            f"small sample (fewer than {self.threshold} answers in a window): the interval is rough"
        )


@dataclass(frozen=True)
class NpsBeforeNotPositive(Note):
    """The NPS before go-live is zero or negative: no relative change."""

    kind: ClassVar[str] = "nps_before_not_positive"

    def english(self) -> str:
        return "relative change not shown: the NPS before is not positive"


@dataclass(frozen=True)
class ChurnDefinition(Note):
    """How the churn rates were made comparable: the column churn comes from, the days each
    window follows, and the share of the age mix both windows have."""

    kind: ClassVar[str] = "churn_definition"
    source: str
    days: int
    shared: float

    def english(self) -> str:
        return (
            f"churn from {self.source}; the same population rule, {self.days} days followed in "
            f"each window, age mix standardised ({self.shared:.0%} shared)"
        )


@dataclass(frozen=True)
class SpendWindowDays(Note):
    """How the average CLV's windows were made comparable: spend over ``days`` days in each."""

    kind: ClassVar[str] = "spend_window_days"
    days: int

    def english(self) -> str:
        return (
            f"{self.days} days of spend in each window, retention on the churn KPI's "
            "comparable definition, age mix standardised"
        )


# --- difference in differences ------------------------------------------------------------


@dataclass(frozen=True)
class ExactFit(Note):
    """The model leaves no residual variation: no test statistic."""

    kind: ClassVar[str] = "exact_fit"

    def english(self) -> str:
        return "the model fits exactly: no residual variation"


@dataclass(frozen=True)
class FewUnitsOnASide(Note):
    """Two or fewer treated or control units: even the wild bootstrap is unreliable."""

    kind: ClassVar[str] = "few_units_on_a_side"
    treated: int
    control: int

    def english(self) -> str:
        return (
            f"{self.treated} treated and {self.control} control unit(s): with two or "
            "fewer on a side, even wild-bootstrap inference is unreliable (MacKinnon & Webb 2017)"
        )


@dataclass(frozen=True)
class TooFewArrangements(Note):
    """So few units that no test over them reaches the level: no interval, no p-value."""

    kind: ClassVar[str] = "too_few_arrangements"
    units: int
    arrangements: int

    def english(self) -> str:
        return (
            f"no interval and no p-value: {self.units} units allow only {self.arrangements} "
            "arrangements of the treated ones"
        )


@dataclass(frozen=True)
class WildBootstrapInference(Note):
    """Too few clusters for cluster-robust t: the wild cluster bootstrap is used."""

    kind: ClassVar[str] = "wild_bootstrap_inference"
    clusters: int

    def english(self) -> str:
        return f"{self.clusters} clusters: wild cluster bootstrap inference"


@dataclass(frozen=True)
class PreTrendsDiffer(Note):
    """Treated and control trends differed before go-live (the event study's joint test)."""

    kind: ClassVar[str] = "pre_trends_differ"
    p_value: float

    def english(self) -> str:
        return (
            f"treated and control trends differed before go-live (p = {self.p_value:.3f}): "
            "parallel trends doubtful"
        )


@dataclass(frozen=True)
class UnboundedInterval(Note):
    """The interval is unbounded on a side: both bounds withheld."""

    kind: ClassVar[str] = "unbounded_interval"

    def english(self) -> str:
        return (
            "the interval is unbounded: no effect size on that side is rejected, so both "
            "bounds are withheld"
        )


# --- interrupted time series ------------------------------------------------------------------


@dataclass(frozen=True)
class ModelChosenByFit(Note):
    """The linear or log-linear model, chosen by the root mean squared error before go-live."""

    kind: ClassVar[str] = "model_chosen_by_fit"
    model: str
    linear_rmse: float
    log_linear_rmse: float

    def english(self) -> str:
        return (
            f"model: {self.model}, by the root mean squared error of the fit before go-live "
            f"({rmse_text(self.linear_rmse)} linear, {rmse_text(self.log_linear_rmse)} log-linear)"
        )


@dataclass(frozen=True)
class ProjectionTooLong(Note):
    """The projection runs longer after go-live than the trend it extends was fitted on."""

    kind: ClassVar[str] = "projection_too_long"
    months_after: int
    months_before: int

    def english(self) -> str:
        return (
            f"the projection runs {self.months_after} months from go-live on a trend fitted to "
            f"{self.months_before} months before it"
        )


@dataclass(frozen=True)
class ProjectionNotPositive(Note):
    """The projection without go-live is zero or below in some months."""

    kind: ClassVar[str] = "projection_not_positive"
    months: int
    of: int

    def english(self) -> str:
        return (
            f"the projection without go-live is zero or below in {self.months} of {self.of} months"
        )


@dataclass(frozen=True)
class ProjectionLeavesRange(Note):
    """The projection leaves the range of the months before go-live by more than it spans."""

    kind: ClassVar[str] = "projection_leaves_range"

    def english(self) -> str:
        return (
            "the projection leaves the range of the months before go-live by more than that "
            "range spans"
        )


@dataclass(frozen=True)
class CounterfactualNearZero(Note):
    """The counterfactual is near zero against the values compared: no percentage."""

    kind: ClassVar[str] = "counterfactual_near_zero"

    def english(self) -> str:
        return "the counterfactual is near zero against the values compared"


@dataclass(frozen=True)
class Guarded(Note):
    """A guard (:class:`crmkit.data.guards.Guard` value) withholds a number, and why."""

    kind: ClassVar[str] = "guarded"
    guard: str
    reason: Note

    def english(self) -> str:
        return f"{self.guard}: {self.reason.english()}"


@dataclass(frozen=True)
class AutocorrelatedResiduals(Note):
    """Residuals autocorrelated (Ljung–Box): Newey–West errors used."""

    kind: ClassVar[str] = "autocorrelated_residuals"
    p_value: float

    def english(self) -> str:
        return (
            f"residuals autocorrelated (Ljung–Box p = {self.p_value:.3f}): Newey–West errors "
            "used, read borderline p-values with care"
        )


# --- how a KPI was compared ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthsPairedByCalendarMonth(Note):
    """Months paired with the same calendar month of the other window; trend included."""

    kind: ClassVar[str] = "months_paired_by_calendar_month"

    def english(self) -> str:
        return "months paired by calendar month; the change includes trend"


@dataclass(frozen=True)
class ObservationsClustered(Note):
    """Observations clustered by a unit (the orders of a customer): a ratio of sums."""

    kind: ClassVar[str] = "observations_clustered"
    unit: str

    def english(self) -> str:
        return f"observations clustered by {self.unit}"


# --- windows that are not comparable ---------------------------------------------------------


@dataclass(frozen=True)
class NotComparable(Note):
    """A comparison declined: the windows do not measure the same thing (``reason`` says why)."""

    kind: ClassVar[str] = "not_comparable"
    reason: Note

    def english(self) -> str:
        return f"not comparable: {self.reason.english()}"


@dataclass(frozen=True)
class BothReasons(Note):
    """Two reasons for one finding, said one after the other ("first; second")."""

    kind: ClassVar[str] = "both_reasons"
    first: Note
    second: Note

    def english(self) -> str:
        return f"{self.first.english()}; {self.second.english()}"


@dataclass(frozen=True)
class ShortOrderHistory(Note):
    """The order history before the before window is shorter than the inactivity threshold."""

    kind: ClassVar[str] = "short_order_history"
    inactivity_days: int

    def english(self) -> str:
        return (
            f"the order history before the before window is shorter than the inactivity "
            f"threshold ({self.inactivity_days} days), so who was active at its start cannot be told"
        )


@dataclass(frozen=True)
class DataEndBeforeAfterWindow(Note):
    """The data end before the after window begins: nothing to follow."""

    kind: ClassVar[str] = "data_end_before_after_window"

    def english(self) -> str:
        return "the data end before the after window begins"


@dataclass(frozen=True)
class AgeMixesDiffer(Note):
    """The two windows' customers differ in age: their age mixes share too little.

    ``customers`` is ``"at_risk"`` (the customers at risk of churning) or ``"buying"``
    (the customers who bought); ``shared`` and ``needed`` are shares (0–1).
    """

    kind: ClassVar[str] = "age_mixes_differ"
    customers: str
    shared: float
    needed: float

    def english(self) -> str:
        who = "customers at risk" if self.customers == "at_risk" else "buying customers"
        return (
            f"the {who} differ in age: the two windows' age mixes share "
            f"{self.shared:.0%} of their customers (at least {self.needed:.0%} needed)"
        )


def joined_reasons(reasons: Iterable[Note]) -> Note | None:
    """Reasons as one fact (:class:`BothReasons` nested); None when there is none."""
    joined: Note | None = None
    for reason in reasons:
        joined = reason if joined is None else BothReasons(joined, reason)
    return joined


def rmse_text(value: float) -> str:
    """A root mean squared error as a note prints it: four significant digits."""
    return f"{value:,.4g}"


def _kinds() -> dict[str, type[Note]]:
    found: dict[str, type[Note]] = {}
    pending = list(Note.__subclasses__())
    while pending:
        cls = pending.pop()
        found[cls.kind] = cls
        pending.extend(cls.__subclasses__())
    return found


#: Every kind of fact by its ``kind`` code (how :func:`read_notes` finds the class back).
NOTE_KINDS: dict[str, type[Note]] = _kinds()


def english_note(notes: Iterable[Note | str | None]) -> str | None:
    """The facts (and any note still written as text) in English joined by "; "; None if none."""
    parts = [n.english() if isinstance(n, Note) else n for n in notes if n]
    return "; ".join(parts) if parts else None


def _as_record(note: Note) -> dict[str, Any]:
    record: dict[str, Any] = {"fact": note.kind}
    for field in dataclasses.fields(note):
        value = getattr(note, field.name)
        record[field.name] = _as_record(value) if isinstance(value, Note) else value
    return record


def write_notes(notes: Iterable[Note]) -> str | None:
    """The facts as JSON text (the ``note_facts`` column); None when there is none."""
    records = [_as_record(n) for n in notes]
    return json.dumps(records, ensure_ascii=False, sort_keys=True) if records else None


def _from_record(record: Any) -> Note:
    if not isinstance(record, dict) or record.get("fact") not in NOTE_KINDS:
        raise ValueError(f"not a note fact: {record!r}")
    cls = NOTE_KINDS[record["fact"]]
    values = {f.name: _field_value(record[f.name]) for f in dataclasses.fields(cls)}
    return cls(**values)


def _field_value(value: Any) -> Any:
    """A field read back from JSON: a nested fact, a tuple where JSON wrote a list."""
    if isinstance(value, dict):
        return _from_record(value)
    if isinstance(value, list):
        return tuple(_field_value(v) for v in value)
    return value


def read_notes(text: Any) -> tuple[Note, ...] | None:
    """The facts of a ``note_facts`` value; None when it holds none or cannot be read.

    Examples
    --------
    >>> read_notes('[{"fact": "fisher_used"}]')
    (FisherUsed(),)
    >>> read_notes(None) is None, read_notes("not json") is None
    (True, True)
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        records = json.loads(text)
        if not isinstance(records, list):
            return None
        return tuple(_from_record(r) for r in records)
    except (ValueError, KeyError, TypeError):
        return None


def noted(*parts: Note | str | None) -> dict[str, str | None]:
    """The ``note`` and ``note_facts`` columns of a comparison row, from its facts.

    ``note`` joins every part in English; ``note_facts`` holds the facts as JSON, or None
    when a part is still written as text (the report then shows the note as written).
    """
    kept = [p for p in parts if p]
    typed = all(isinstance(p, Note) for p in kept)
    facts = write_notes(p for p in kept if isinstance(p, Note)) if typed else None
    return {"note": english_note(kept), "note_facts": facts}
