"""Differently shaped synthetic clients: the inputs of the robustness matrix.

The demo client (:mod:`crmkit.demo.synth`) is one well-behaved company. Real clients are not: their
exports lack tables and columns, their windows are short or unequal, their go-live falls in
mid-month, their files hold a handful of rows or tens of thousands, refunds, ties, zeros,
duplicated ids, hostile text and day-first dates; their customers may all come from one
acquisition cohort or their history may start at go-live. A :class:`ClientShape` states one
such client; :func:`write_client` writes it as a consultant's client folder (``params.yaml``
and ``data/*.csv``, DESIGN §3); :data:`SHAPES` names the catalogue the robustness matrix
(``benchmarks/robustness_matrix.py``) and its fast subset in the tests run end to end.

The customers' behaviour (everything seeded and deterministic):

- a customer buys as a Poisson process at its own yearly rate, gamma-distributed across
  customers (mean :attr:`ClientShape.purchases_per_year`, shape
  :attr:`ClientShape.rate_shape`), constant in time apart from an optional calendar
  seasonality and the effect;
- customers stop buying at a constant hazard (annual churn probability
  :attr:`ClientShape.churn_annual`; 0 = nobody ever stops). With the default acquisition the
  base is stationary: the customers present when the history starts have the ages of a
  steady state, and new customers replace the churned ones at the same rate, so that without
  an effect no KPI of the customer base changes between the windows;
- a new customer's first order falls on its created date; a customer who existed before the
  history starts has orders only from the history's start (the export's first day);
- order amounts are lognormal around a median that depends on the segment;
- the effect multiplies the purchase rate from go-live in the units that got the CRM (and,
  with :attr:`ClientShape.effect_in_control`, in the control group too). Nothing else
  changes: tickets, surveys, opportunities, usage, campaigns and the user survey follow
  the same rules before and after go-live.

Modules: :mod:`~crmkit.demo.shapes.shape` (:class:`ClientShape`, its dates),
:mod:`~crmkit.demo.shapes.tables` (its tables), :mod:`~crmkit.demo.shapes.client` (its folder,
parameters and truth) and :mod:`~crmkit.demo.shapes.catalogue` (:data:`SHAPES`).
"""

from crmkit.demo.shapes.catalogue import SHAPES
from crmkit.demo.shapes.client import params_for, shape_truth, write_client
from crmkit.demo.shapes.shape import (
    ALL_TABLES,
    HOSTILE_TEXTS,
    ClientShape,
    Timeline,
    crm_regions,
    rep_ids,
    timeline,
)
from crmkit.demo.shapes.tables import generate_tables

__all__ = [
    "ALL_TABLES",
    "HOSTILE_TEXTS",
    "SHAPES",
    "ClientShape",
    "Timeline",
    "crm_regions",
    "generate_tables",
    "params_for",
    "rep_ids",
    "shape_truth",
    "timeline",
    "write_client",
]
