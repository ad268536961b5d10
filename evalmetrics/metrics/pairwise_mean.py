"""PairwiseMean: a text metric whose aggregate is ``numpy.mean`` of its per-sample values (numpy's pairwise sum)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from .._lazy import np
from ..units import register, unit_field
from .base import GenerativeMetric
from .rounded import ScoresWithMetric

__all__ = ["PairwiseMean"]


@register
@dataclass(frozen=True, repr=False)
class PairwiseMean(ScoresWithMetric, GenerativeMetric):
    """Per-sample values of ``metric``; the score is ``numpy.mean`` of them (NaN values left out, as ``numpy.nanmean``).

    numpy adds float64 values pairwise (eight running sums, then a tree), not left to right as Python's ``sum``
    does, so for fractional values the two means can differ in the last bits. unitxt's instance metrics (ROUGE,
    token overlap) aggregate with ``numpy.nanmean``; this reproduces their global score. ``score`` (one sample),
    ``per_sample`` and ``stderr`` are ``metric``'s.

    >>> from evalmetrics import ExactMatch
    >>> PairwiseMean(metric=ExactMatch()).compute(["a", "b"], ["a", "a"]).score
    0.5
    """

    name: ClassVar[str] = "pairwise_mean"
    summary: ClassVar[str] = "mean of a metric's per-sample values by numpy.nanmean (pairwise sum)"
    aggregation: ClassVar[str] = "numpy_nanmean"
    metric: Any = unit_field(None, "the metric scoring each sample")

    def compute(self, predictions, references, *, progress=None):
        r = self.metric.compute(predictions, references, progress=progress)
        return dataclasses.replace(r, score=float(np.nanmean(np.asarray(r.per_sample, dtype=np.float64))),
                                   metric_id=self.id, aggregation=self.aggregation)

    def describe(self):
        return f"{self.metric.describe()}; the score is numpy.nanmean of the per-sample values (pairwise sum)"
