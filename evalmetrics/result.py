"""The Result of scoring a set of samples: per-sample values, their aggregate, and how it was aggregated."""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import Any

from ._lazy import np

__all__ = ["Result", "mean_and_stderr", "summary_dict"]

# The corpus figures every scored set reports (Result.to_dict, a streamed run's summary), in this order.
SUMMARY_FIELDS = ("metric_id", "score", "stderr", "n", "n_timeouts", "aggregation", "stderr_method")


def summary_dict(obj: Any) -> dict[str, Any]:
    """``SUMMARY_FIELDS`` of ``obj`` plus a copy of its provenance, as plain JSON-ready values."""
    out = {k: getattr(obj, k) for k in SUMMARY_FIELDS}
    out["provenance"] = dict(obj.provenance)
    return out


# CPython's sum() of floats adds left to right in plain float64 before 3.12; from 3.12 it compensates (Neumaier).
_SUM_IS_SEQUENTIAL = sys.version_info < (3, 12)


def python_sum(values: np.ndarray) -> float:
    """``sum(values.tolist())``, bit for bit, for a 1-d float64 array: what lm_eval's ``sum(arr) / len(arr)`` adds.

    Before Python 3.12 that is a plain left-to-right float64 sum starting from 0, which numpy's ``cumsum`` (a
    sequential accumulate, not numpy's pairwise ``sum``) computes without building a list; a leading 0.0 gives
    the same -0.0 handling (0 + -0.0 is 0.0). From 3.12 Python's own ``sum`` is called.
    """
    if _SUM_IS_SEQUENTIAL:
        if len(values) == 0:
            return 0.0
        with np.errstate(all="ignore"):  # inf + -inf is NaN without a warning, as in Python
            return float(np.cumsum(np.concatenate((np.zeros(1), values)))[-1])
    return float(sum(values.tolist()))


def mean_and_stderr(values: np.ndarray) -> tuple[float, float]:
    """Mean and its standard error, ``sqrt(sum((x - mean)^2) / (n - 1)) / sqrt(n)`` (NaN for n < 2).

    Sums run exactly as Python's ``sum`` over the values (left to right in float64 before Python 3.12), as
    lm_eval's ``mean`` and ``mean_stderr`` (and HELM's running sums) compute them, so corpus scores agree with those
    harnesses to the last bit. (lighteval's ``np.mean`` sums pairwise: identical for 0/1 scores, possibly not in
    the last bit for fractional ones.)
    """
    n = len(values)
    if n == 0:
        return float("nan"), float("nan")
    values = np.asarray(values, dtype=np.float64)
    mu = python_sum(values) / n
    if n < 2:
        return mu, float("nan")
    # (x - mu)**2 elementwise is the same correctly rounded operation in numpy; the sum stays Python's.
    var = python_sum(np.square(values - mu)) / (n - 1)
    return mu, math.sqrt(var) / math.sqrt(n)


@dataclass(frozen=True)
class Result:
    """Scores of ``n`` samples under one metric.

    ``score`` is the aggregate (``aggregation`` says how: "mean" unless stated), ``stderr`` its standard error
    (``stderr_method`` says how), ``per_sample`` the value of each sample in input order, ``metric_id`` the
    canonical ID of what was computed, ``n_timeouts`` how many samples hit a time or size bound (each scored 0;
    their indices are in ``timeout_indices``). ``provenance`` holds run facts (evalmetrics version, ...).
    """

    score: float
    per_sample: np.ndarray
    n: int
    stderr: float
    metric_id: str
    n_timeouts: int = 0
    timeout_indices: tuple = ()
    aggregation: str = "mean"
    stderr_method: str = "sample standard deviation (ddof=1) / sqrt(n), summed left to right as lm_eval does"
    provenance: dict = field(default_factory=dict)

    def ci(self, level: float = 0.95, *, method: str = "bootstrap", n_boot: int = 1000, seed: int = 0):
        """Confidence interval of ``score``: ``bootstrap`` (percentile, seeded) or ``normal`` (score ± z·stderr)."""
        if not 0 < level < 1:
            from .errors import InvalidConfig

            raise InvalidConfig(f"ci: level must be in (0, 1); got {level!r}")
        if self.n == 0:
            return (float("nan"), float("nan"))
        if method == "normal":
            from statistics import NormalDist

            z = NormalDist().inv_cdf(0.5 + level / 2)
            return (self.score - z * self.stderr, self.score + z * self.stderr)
        if method != "bootstrap":
            from .errors import InvalidConfig

            raise InvalidConfig(f"ci: method must be 'bootstrap' or 'normal'; got {method!r}")
        rng = np.random.default_rng(seed)
        vals = np.asarray(self.per_sample, dtype=np.float64)
        means = np.empty(n_boot)
        for b in range(n_boot):
            means[b] = vals[rng.integers(0, self.n, self.n)].mean()
        lo, hi = np.quantile(means, [(1 - level) / 2, 1 - (1 - level) / 2])
        return (float(lo), float(hi))

    def to_dict(self) -> dict[str, Any]:
        return summary_dict(self)

    def __repr__(self) -> str:
        return (
            f"Result(score={self.score:.6g}, stderr={self.stderr:.3g}, n={self.n}, "
            f"n_timeouts={self.n_timeouts}, metric_id={self.metric_id!r})"
        )
