"""The financial value of the CRM investment: cash flows, NPV, ROI, IRR, payback, cost
structure, sensitivity and simulation (DESIGN §1 and §4).

Every function is pure: it takes the canonical ``costs`` and ``benefits`` tables (DESIGN §3)
as pandas DataFrames and returns a tidy DataFrame or a small frozen result object. Nothing
is printed, read or written, and no state is kept; the simulation draws from a generator
seeded by the caller. Numbers are kept at full precision; round only for display.

Timing convention
-----------------
As in total-economic-impact (TEI) studies::

    year        0 "Initial"     1 "Year 1"       2 "Year 2"      …   N "Year N"
    falls at    today           end of year 1    end of year 2       end of year N
    discount    1               1 / (1 + r)      1 / (1 + r)**2      1 / (1 + r)**N

- ``PV costs = Σ costs_t / (1 + r)**t``, ``PV benefits`` likewise, ``NPV = PV benefits − PV
  costs``; ``net benefits`` is the undiscounted total, a different figure (both reported).
- ``ROI = (PV benefits − PV costs) / PV costs`` (``roi_convention="present_value"``, the
  default) or ``average annual benefit / initial cost`` (``roi_convention="simple"``).
- Risk adjustment lowers each benefit to ``amount × (1 − risk_adjustment)`` and raises each
  cost to ``amount × (1 + risk_adjustment)``. The headline figures are risk-adjusted; the
  unadjusted ones are reported beside them.
- Payback is the month at which cumulative undiscounted net benefit turns positive: year
  0's net falls at month 0 all at once, each later year's net is spread evenly over its 12
  months, so the crossing is interpolated linearly (fractions of a month are kept).
- Costs are positive numbers in every table; net = benefits − costs.
- The horizon ends at year N: nothing after it (no terminal value) enters any figure.

Input rules
-----------
``costs`` and ``benefits`` need the columns ``year``, ``category`` and ``amount``;
``risk_adjustment`` (and, for costs, ``phase``) are optional, missing values meaning 0
(and "not stated"). A table may be ``None`` or empty (no costs, or no benefits). Rows whose
year lies beyond the horizon are left out of every figure; :func:`investment_summary` names
them in its ``notes``. Everything else that breaks a rule raises :class:`ValueError` with
one message per rule naming the table, column and row labels: a negative, fractional or
missing year, a negative or missing amount, a risk adjustment outside [0, 1], a negative
discount rate, a horizon below one year.

Modules
-------
- :mod:`~crmkit.domains.finance.inputs`: the tables checked and cleaned, amounts per year;
- :mod:`~crmkit.domains.finance.cash_flows`: yearly flows, present values, payback, the
  summary table, the break-even factor;
- :mod:`~crmkit.domains.finance.appraisal`: NPV, ROI, IRR, MIRR, payback in one summary;
- :mod:`~crmkit.domains.finance.cost_structure`: cost by phase, category, economic use;
- :mod:`~crmkit.domains.finance.sensitivity`: the tornado;
- :mod:`~crmkit.domains.finance.simulation`: Monte Carlo of NPV and ROI.
"""

from crmkit.domains.finance.appraisal import (
    IRR_MIN_OUTLAY_SHARE,
    InvestmentSummary,
    investment_summary,
)
from crmkit.domains.finance.cash_flows import (
    breakeven_benefit_factor,
    cash_flows,
    payback_months,
    present_values,
    summary_table,
)
from crmkit.domains.finance.cost_structure import ECONOMIC_USES, cost_breakdown, economic_use
from crmkit.domains.finance.sensitivity import sensitivity
from crmkit.domains.finance.simulation import MonteCarloResult, monte_carlo

__all__ = [
    "ECONOMIC_USES",
    "IRR_MIN_OUTLAY_SHARE",
    "InvestmentSummary",
    "MonteCarloResult",
    "breakeven_benefit_factor",
    "cash_flows",
    "cost_breakdown",
    "economic_use",
    "investment_summary",
    "monte_carlo",
    "payback_months",
    "present_values",
    "sensitivity",
    "summary_table",
]
