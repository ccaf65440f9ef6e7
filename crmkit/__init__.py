"""crmkit: evidence-based assessment of the value a company's CRM system has delivered.

The public surface: parameters (:func:`load_params`), validation (:func:`validate_client`),
the canonical tables (:data:`TABLES`), running an assessment (:func:`run_assessment`) and the
errors crmkit raises (:mod:`crmkit.exceptions`).
"""

from crmkit.config import Assessment, load_params, parse_params
from crmkit.exceptions import CrmkitError, InputError, ParamsError, StageError, ValidationFailed
from crmkit.schemas import TABLES
from crmkit.validation import Problem, ValidationReport, validate_client

__version__ = "0.1.0"

__all__ = [
    "TABLES",
    "Assessment",
    "CrmkitError",
    "InputError",
    "ParamsError",
    "Problem",
    "StageError",
    "ValidationFailed",
    "ValidationReport",
    "__version__",
    "load_params",
    "parse_params",
    "validate_client",
]
