"""What the customer-value fitters share: maximum likelihood on log parameters and a summary.

:class:`BaseFitter` maximises a model's log-likelihood over the logarithms of its positive
parameters (L-BFGS-B, then Newton steps on a numerical Hessian of the analytic gradient, whose
inverse gives the standard errors) and reports the estimates with their intervals in
:attr:`BaseFitter.summary`, in the style of the lifetimes package (``fit`` returns the fitter,
fitted attributes end in ``_``). :func:`as_arrays` and :func:`wrap_like` let the models' methods
take scalars, arrays or Series and answer in kind. :data:`MONTH_IN_UNITS` converts months into
the models' time unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, stats

__all__ = ["MONTH_IN_UNITS", "ArrayLike", "BaseFitter", "as_arrays", "wrap_like"]

MONTH_IN_UNITS: dict[str, float] = {"H": 30.0 * 24.0, "D": 30.0, "W": 4.345, "M": 1.0}
"""One month in the models' time unit, by ``freq`` (the lifetimes convention)."""

ArrayLike = float | int | Sequence[float] | npt.NDArray[np.float64] | pd.Series
"""A scalar, a sequence, a NumPy array or a pandas Series of values, one per customer."""


def _index_of(*values: Any) -> pd.Index | None:
    """The index of the Series among ``values`` (all Series must share it), else None."""
    indexes = [value.index for value in values if isinstance(value, pd.Series)]
    if not indexes:
        return None
    if any(not index.equals(indexes[0]) for index in indexes[1:]):
        raise ValueError("Series arguments must share one index (same customers, same order)")
    return indexes[0]


def as_arrays(*values: Any) -> list[npt.NDArray[np.float64]]:
    """``values`` as float arrays broadcast to one shape (Series among them must share an index)."""
    _index_of(*values)
    return list(np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values)))


def wrap_like(result: npt.NDArray[np.float64], *inputs: Any, name: str | None = None) -> Any:
    """Return ``result`` as a float, a Series or an array, matching the inputs."""
    index = _index_of(*inputs)
    if index is not None and result.ndim == 1 and len(index) == result.size:
        return pd.Series(result, index=index, name=name)
    if result.ndim == 0:
        return float(result)
    return result


class BaseFitter:
    """Common machinery: maximum likelihood on log parameters, standard errors, summary."""

    _param_names: tuple[str, ...] = ()

    def __init__(self, *, ci_level: float = 0.95) -> None:
        if not 0 < ci_level < 1:
            raise ValueError(f"ci_level must be in (0, 1), got {ci_level!r}")
        self.ci_level = ci_level

    # subclasses provide the per-customer log-likelihood and its gradient in natural params
    def _loglik_and_grad(
        self, params: npt.NDArray[np.float64], data: tuple[npt.NDArray[np.float64], ...]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        raise NotImplementedError

    @staticmethod
    def _weights(weights: ArrayLike | None, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The customers' weights, one non-negative finite number per customer (default 1)."""
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
        if w.shape != x.shape or np.any(w < 0) or not np.isfinite(w).all():
            raise ValueError("weights must be non-negative, one per customer")
        return w

    def _initial(
        self, initial_params: Sequence[float] | None, default: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """The optimiser's starting parameters: ``initial_params`` (checked) or ``default``."""
        initial = default if initial_params is None else np.asarray(initial_params, dtype=float)
        names = self._param_names
        if initial.shape != (len(names),) or np.any(initial <= 0):
            raise ValueError(
                f"initial_params must be {len(names)} positive numbers ({', '.join(names)})"
            )
        return initial

    def _maximise(
        self,
        data: tuple[npt.NDArray[np.float64], ...],
        weights: npt.NDArray[np.float64],
        initial: npt.NDArray[np.float64],
        tol: float,
        maxiter: int,
    ) -> None:
        total = float(weights.sum())

        def objective(log_params: npt.NDArray[np.float64]) -> tuple[float, Any]:
            params = np.exp(log_params)
            ll, grad = self._loglik_and_grad(params, data)
            value = -float(weights @ ll) / total
            gradient = -(grad @ weights) * params / total
            if not np.isfinite(value):
                return np.inf, np.zeros_like(log_params)
            return value, gradient

        def gradient_only(log_params: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            return objective(log_params)[1]

        start = np.log(initial)
        bound = 30.0  # exp(±30): keeps a run-away parameter finite on degenerate data
        result = optimize.minimize(
            objective,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=[(-bound, bound)] * len(start),
            options={"gtol": tol, "ftol": 1e-15, "maxiter": maxiter, "maxcor": 20},
        )
        x = result.x
        # Newton steps with a numerical Hessian (of the analytic gradient) polish the optimum;
        # the Hessian also gives the standard errors
        hessian = _numeric_jacobian(gradient_only, x)
        for _ in range(5):
            g = gradient_only(x)
            if np.max(np.abs(g)) < 1e-12:
                break
            try:
                step = np.linalg.solve(hessian, g)
            except np.linalg.LinAlgError:
                break
            candidate = x - step
            if np.max(np.abs(candidate)) > bound or not (
                objective(candidate)[0] <= objective(x)[0] + 1e-15
            ):
                break
            x = candidate
        if not np.array_equal(x, result.x):
            hessian = _numeric_jacobian(gradient_only, x)
        value, grad = objective(x)
        self.converged_ = bool(np.all(np.abs(x) < bound - 1e-6) and np.max(np.abs(grad)) < 1e-5)
        self.params_ = pd.Series(np.exp(x), index=list(self._param_names), name="estimate")
        self.log_likelihood_ = -value * total
        self.n_ = int(round(total))
        try:
            cov_log = np.linalg.inv(hessian * total)
            if np.any(np.diag(cov_log) <= 0):
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            cov_log = np.full((len(x), len(x)), np.nan)
        self._cov_log = cov_log

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors and confidence intervals, one row per parameter.

        Columns: ``estimate``, ``se`` (delta method from the inverse Hessian of the
        log-likelihood in log parameters), ``ci_low``, ``ci_high`` (Wald interval of level
        ``ci_level`` on the log scale, transformed back, so it stays positive).
        """
        self._require_fit()
        se_log = np.sqrt(np.diag(self._cov_log))
        estimate = self.params_.to_numpy()
        z = stats.norm.ppf(0.5 + self.ci_level / 2)
        return pd.DataFrame(
            {
                "estimate": estimate,
                "se": estimate * se_log,
                "ci_low": estimate * np.exp(-z * se_log),
                "ci_high": estimate * np.exp(z * se_log),
            },
            index=pd.Index(list(self._param_names), name="parameter"),
        )

    def _require_fit(self) -> None:
        if not hasattr(self, "params_"):
            raise ValueError(f"{type(self).__name__} is not fitted yet: call fit() first")

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"<{type(self).__name__}: not fitted>"
        shown = ", ".join(f"{k}: {v:.3g}" for k, v in self.params_.items())
        return f"<{type(self).__name__}: fitted with {self.n_} customers, {shown}>"


def _numeric_jacobian(func: Any, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Central-difference Jacobian of the gradient ``func`` at ``x``, symmetrised."""
    n = len(x)
    out = np.empty((n, n))
    for j in range(n):
        h = 1e-5 * max(1.0, abs(x[j]))
        e = np.zeros(n)
        e[j] = h
        out[:, j] = (func(x + e) - func(x - e)) / (2 * h)
    return (out + out.T) / 2
