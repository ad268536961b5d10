"""The Result of scoring a set of samples: per-sample values, their aggregate, and how it was aggregated."""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import Any

from ._lazy import np

__all__ = ["Result", "mean_and_stderr", "summary_dict", "stderr_notes"]

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


MEAN_STDERR_METHOD = "sample standard deviation (ddof=1) / sqrt(n), sums in input order (Python's sum)"

# What each harness reports as the standard error of a score, by aggregation (checked against lm-eval 0.4.13
# lm_eval/api/metrics.py and evaluator_utils.py, lighteval 0.13.0 metrics/utils/stderr.py and
# logging/info_loggers.py, crfm-helm 0.5.16 benchmark/metrics/statistic.py). Only lm_eval's is the same number as
# evalmetrics' to the last bit; lighteval's differs where its np.mean (pairwise) does; HELM reports none.
HARNESS_STDERR = {
    "mean": {
        "lm_eval": "lm_eval reports the same number (mean_stderr: sample stdev, ddof=1, over sqrt(n), Python sums); "
                   "N/A for n = 1",
        "lighteval": "lighteval reports the same formula (mean_stderr, ddof=1, over sqrt(n)) with the mean taken by "
                     "np.mean (a pairwise sum: may differ in the last bits for fractional scores); no stderr for n = 1",
        "helm": "HELM reports no standard error: its Stat keeps the mean and the population stddev (ddof=0) of the "
                "per-instance values",
    },
    "corpus": {
        "lm_eval": "lm_eval bootstraps it: the sample stdev (ddof=1) of the statistic over bootstrap_iters "
                   "resamples (default 100000; 100 for bleu, chrf, chrf++, ter; reproduced draw for draw by "
                   "evalmetrics' corpus metrics, see evalmetrics.metrics.bootstrap; N/A for a task's own aggregation "
                   "function)",
        "lighteval": "lighteval bootstraps it: the stdev (ddof=1) of the statistic over bootstrap_iters resamples "
                     "(default 1000) divided by sqrt(resamples) (random draws, so not reproduced here)",
        "helm": "HELM reports no standard error",
    },
}


def stderr_notes(aggregation: str, harness: str | None = None) -> dict[str, str]:
    """What each harness (or only ``harness``) reports as the stderr of a score aggregated by ``aggregation``.

    >>> stderr_notes("mean", "helm")["helm"][:35]
    'HELM reports no standard error: its'
    """
    table = HARNESS_STDERR.get("mean" if aggregation == "mean" else "corpus", {})
    if harness is not None:
        return {harness: table[harness]} if harness in table else {}
    return dict(table)


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
    stderr_method: str = MEAN_STDERR_METHOD
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
