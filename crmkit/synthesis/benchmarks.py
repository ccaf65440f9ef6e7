"""Each measured KPI against the client's industry benchmark, direction-aware.

The benchmarks table (``benchmarks.csv``: ``kpi``, ``value``, optional ``source``) names a
KPI of the catalog and the value the industry reaches. A KPI is *better* than its benchmark
when its after value lies on the KPI's good side of it (above for a higher-is-better KPI,
below for a lower-is-better one), *level* when the two differ by less than a tolerance
(1 % of the benchmark by default), *worse* otherwise, and *not measured* when the KPI has no
usable after value. Rows naming no KPI of ``kpi_results`` are left out (validation warns of
them); when a KPI is named twice, its first row counts.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.verdicts import Status

__all__ = [
    "BENCHMARK_COLUMNS",
    "Standing",
    "after_values",
    "benchmark_results",
    "compare_benchmarks",
    "plain",
]

#: The columns of :func:`compare_benchmarks`, as results.json ``benchmarks.<kpi>`` records them.
BENCHMARK_COLUMNS = ("label", "value", "benchmark", "gap", "gap_pct", "standing", "source")


class Standing(StrEnum):
    """Where a KPI stands against its benchmark.

    Examples
    --------
    >>> [str(s) for s in Standing]
    ['better', 'worse', 'level', 'not measured']
    """

    #: On the KPI's good side of the benchmark.
    BETTER = "better"
    #: On its bad side.
    WORSE = "worse"
    #: Within the tolerance of the benchmark.
    LEVEL = "level"
    #: The KPI has no usable after value.
    NOT_MEASURED = "not measured"


def plain(value: Any) -> Any:
    """A value as results.json holds it: numbers as float / int / bool, missing as None.

    Examples
    --------
    >>> plain(np.float64(0.5)), plain(float("nan")), plain(np.bool_(True)), plain(Standing.BETTER)
    (0.5, None, True, 'better')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return str(value)
    return value


def after_values(kpi_results: pd.DataFrame) -> pd.Series:
    """Each KPI's after value where it is usable, NaN where it is not.

    Usable: the KPI was measured (``status`` measured) and its after value is a finite
    number. A skipped or failed KPI has none.

    Examples
    --------
    >>> frame = pd.DataFrame({"status": ["measured", "skipped", "measured"],
    ...                       "after": [0.3, 0.2, np.inf]}, index=["a", "b", "c"])
    >>> after_values(frame).tolist()
    [0.3, nan, nan]
    """
    after = pd.to_numeric(kpi_results["after"], errors="coerce").astype("float64")
    usable = (kpi_results["status"] == Status.MEASURED).to_numpy(dtype=bool) & np.isfinite(
        after.to_numpy()
    )
    return after.where(usable)


def _standing(value: float, benchmark: float, direction: str, tolerance: float) -> Standing:
    if not (math.isfinite(value) and math.isfinite(benchmark)):
        return Standing.NOT_MEASURED
    gap = value - benchmark
    if abs(gap) <= tolerance * abs(benchmark):
        return Standing.LEVEL
    better = gap > 0 if direction == "higher" else gap < 0
    return Standing.BETTER if better else Standing.WORSE


def compare_benchmarks(
    kpi_results: pd.DataFrame, benchmarks: pd.DataFrame | None, *, tolerance: float = 0.01
) -> pd.DataFrame:
    """Each benchmarked KPI's after value against its benchmark.

    Parameters
    ----------
    kpi_results : DataFrame
        :func:`crmkit.measure.measure_kpis`: index KPI name; columns ``label``, ``direction``
        (higher / lower), ``status`` and ``after`` are used.
    benchmarks : DataFrame or None
        The client's benchmarks table: ``kpi``, ``value`` and optionally ``source``. None or
        empty gives an empty frame.
    tolerance : float, default 0.01
        A KPI within ``tolerance`` × \\|benchmark\\| of its benchmark is *level* (with a
        benchmark of 0: only an exact 0).

    Returns
    -------
    DataFrame
        Indexed by KPI name (``kpi``), in the order of ``kpi_results``, one row per KPI with a
        benchmark: ``label``; ``value`` (the after value, NaN when not usable, see
        :func:`after_values`); ``benchmark``; ``gap`` = value − benchmark (in the KPI's unit);
        ``gap_pct`` = gap / \\|benchmark\\| (a fraction; NaN for a benchmark of 0);
        ``standing`` (:class:`Standing`); ``source`` (None when not given).

    Raises
    ------
    ValueError
        When ``benchmarks`` lacks the ``kpi`` or ``value`` column.

    Examples
    --------
    >>> results = pd.DataFrame({"label": ["Win rate", "Sales cycle"],
    ...     "direction": ["higher", "lower"], "status": ["measured", "measured"],
    ...     "after": [0.25, 80.0]}, index=["win_rate", "sales_cycle_days"])
    >>> bench = pd.DataFrame({"kpi": ["sales_cycle_days", "win_rate"], "value": [70.0, 0.20]})
    >>> out = compare_benchmarks(results, bench)
    >>> out["gap"].round(3).tolist(), [str(s) for s in out["standing"]]
    ([0.05, 10.0], ['better', 'worse'])
    """
    empty = pd.DataFrame(columns=list(BENCHMARK_COLUMNS), index=pd.Index([], name="kpi"))
    if benchmarks is None or benchmarks.empty:
        return empty
    missing = {"kpi", "value"} - set(benchmarks.columns)
    if missing:
        raise ValueError(
            f"benchmarks: the columns {sorted(missing)} are missing; expected kpi, value "
            "and optionally source"
        )
    table = benchmarks.assign(kpi=benchmarks["kpi"].astype("string").str.strip())
    table = table.drop_duplicates("kpi", keep="first").set_index("kpi")
    names = [name for name in kpi_results.index if name in table.index]
    values = after_values(kpi_results)
    rows = []
    for name in names:
        value = float(values[name])
        benchmark = pd.to_numeric(pd.Series([table.at[name, "value"]]), errors="coerce")[0]
        benchmark = float(benchmark)
        gap = value - benchmark
        gap_pct = gap / abs(benchmark) if benchmark != 0 else float("nan")
        source = table.at[name, "source"] if "source" in table.columns else None
        direction = str(kpi_results.at[name, "direction"])
        rows.append(
            {
                "label": kpi_results.at[name, "label"],
                "value": value,
                "benchmark": benchmark,
                "gap": gap,
                "gap_pct": gap_pct,
                "standing": _standing(value, benchmark, direction, tolerance),
                "source": None if source is None or pd.isna(source) else str(source),
            }
        )
    if not rows:
        return empty
    frame = pd.DataFrame(rows, index=pd.Index(names, name="kpi"), columns=list(BENCHMARK_COLUMNS))
    for column in ("standing", "source"):  # enum members and None, not strings and NaN
        frame[column] = pd.Series([row[column] for row in rows], index=frame.index, dtype=object)
    return frame


def benchmark_results(comparison: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The results.json section ``benchmarks``: KPI → :data:`BENCHMARK_COLUMNS`, plain JSON.

    Examples
    --------
    >>> frame = pd.DataFrame({"label": ["Win rate"], "value": [float("nan")],
    ...     "benchmark": [0.2], "gap": [float("nan")], "gap_pct": [float("nan")],
    ...     "standing": [Standing.NOT_MEASURED], "source": [None]}, index=["win_rate"])
    >>> benchmark_results(frame)["win_rate"]["value"], benchmark_results(frame)["win_rate"]["standing"]
    (None, 'not measured')
    """
    return {
        str(name): {column: plain(row[column]) for column in BENCHMARK_COLUMNS}
        for name, row in comparison.iterrows()
    }
