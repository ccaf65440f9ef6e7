"""The probabilistic customer-value models, fitted by maximum likelihood (as in lifetimes).

:class:`BetaGeoFitter` (BG/NBD) for how often customers buy and whether they are still
customers, :class:`GammaGammaFitter` for how much they spend per purchase and their discounted
lifetime value, :func:`independence_check` for the spend model's assumption. Both follow the
lifetimes API: ``fit`` returns the fitter, fitted attributes end in ``_``, ``summary`` gives
the estimates with intervals.
"""

from crmkit.domains.clv.fitters.base import MONTH_IN_UNITS, BaseFitter
from crmkit.domains.clv.fitters.beta_geo import BetaGeoFitter
from crmkit.domains.clv.fitters.gamma_gamma import GammaGammaFitter, independence_check

__all__ = [
    "MONTH_IN_UNITS",
    "BaseFitter",
    "BetaGeoFitter",
    "GammaGammaFitter",
    "independence_check",
]
