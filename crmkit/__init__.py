"""crmkit: evidence-based assessment of the value a company's CRM system has delivered.

The public API, for notebooks and scripts of one's own:

- parameters: :func:`load_params`, :func:`parse_params`, :class:`Assessment`;
- the client's data: :data:`TABLES` (the canonical tables),
  :func:`validate_client` with its :class:`ValidationReport` and :class:`Problem`;
- the KPI catalog: :func:`get_kpi`, :func:`catalog_frame`;
- running: :func:`run_assessment`, :func:`open_stage` (what a stage notebook starts with),
  :func:`init_client` (a new client folder), :func:`generate_demo_client`;
- the errors crmkit raises: :class:`CrmkitError` and its kinds.

The layers below (``crmkit.data``, ``crmkit.stats``, ``crmkit.kpis``, ``crmkit.domains``,
``crmkit.measure``, ``crmkit.words``, ``crmkit.report``, ``crmkit.pipeline``) hold the rest;
the README's ARCHITECTURE section says what each owns. Names are imported when first used,
so ``import crmkit`` stays quick.

Examples
--------
>>> import crmkit
>>> crmkit.get_kpi("win_rate").direction
'higher'
"""

from __future__ import annotations

import importlib
from typing import Any

from crmkit.version import __version__ as __version__

#: Each public name and the module that defines it.
_PUBLIC: dict[str, str] = {
    "Assessment": "crmkit.data.config",
    "load_params": "crmkit.data.config",
    "parse_params": "crmkit.data.config",
    "TABLES": "crmkit.data.schemas",
    "Problem": "crmkit.data.validation",
    "ValidationReport": "crmkit.data.validation",
    "validate_client": "crmkit.data.validation",
    "CrmkitError": "crmkit.data.exceptions",
    "InputError": "crmkit.data.exceptions",
    "ParamsError": "crmkit.data.exceptions",
    "StageError": "crmkit.data.exceptions",
    "ValidationFailed": "crmkit.data.exceptions",
    "get_kpi": "crmkit.kpis",
    "catalog_frame": "crmkit.kpis",
    "run_assessment": "crmkit.pipeline.runner",
    "open_stage": "crmkit.pipeline.context",
    "init_client": "crmkit.pipeline.scaffold",
    "generate_demo_client": "crmkit.demo.synth",
}

__all__ = sorted([*_PUBLIC, "__version__"])


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'crmkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
