"""RoundedMean: a text metric whose aggregate is the mean rounded to a number of decimals by ``numpy.round``."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from .._lazy import np
from ..errors import InvalidConfig
from ..units import integer, register, unit_field
from .base import GenerativeMetric

__all__ = ["RoundedMean", "ScoresWithMetric"]


class ScoresWithMetric:
    """Mixin of a text metric that scores each sample with its ``metric`` field (a text metric) and differs from
    it only in how the per-sample values are aggregated: validation, references, scoring, tracing and the pipeline
    are ``metric``'s."""

    @classmethod
    def example(cls):
        from .match import ExactMatch

        return cls(metric=ExactMatch())

    def _validate(self):
        if not isinstance(self.metric, GenerativeMetric):
            got = "None" if self.metric is None else type(self.metric).__name__
            raise InvalidConfig(f"{self.name}: parameter 'metric' must be a text metric; got {got}")

    def _check_refs(self, value, index):
        return self.metric._check_refs(value, index)

    def _score_refs(self, prediction, refs, cache):
        return self.metric._score_refs(prediction, refs, cache)

    def _trace(self, prediction, refs, cache=None):
        return self.metric._trace(prediction, refs, cache)

    def pipeline(self):
        return self.metric.pipeline()


@register
@dataclass(frozen=True, repr=False)
class RoundedMean(ScoresWithMetric, GenerativeMetric):
    """Per-sample values of ``metric``; the score is their mean (Python's ``sum`` / n) rounded by ``numpy.round``.

    lm_eval's SCORE robustness tasks (``per_prompt_accuracy_k``, ``per_option_accuracy_x``,
    ``non_greedy_accuracy``) aggregate this way, to ``decimals=4``. ``score`` (one sample) is ``metric``'s value,
    unrounded; ``per_sample`` and ``stderr`` of ``compute`` are those of the unrounded mean.

    >>> from evalmetrics import ExactMatch
    >>> m = RoundedMean(metric=ExactMatch(), decimals=2)
    >>> m.compute(["a", "b", "a"], ["a", "a", "a"]).score
    0.67
    """

    name: ClassVar[str] = "rounded_mean"
    summary: ClassVar[str] = "mean of a metric, rounded to some decimals (numpy.round)"
    aggregation: ClassVar[str] = "rounded_mean"
    metric: Any = unit_field(None, "the metric scoring each sample")
    decimals: int = integer(4, "decimals kept by numpy.round", minimum=0)

    def compute(self, predictions, references, *, progress=None):
        r = self.metric.compute(predictions, references, progress=progress)
        return dataclasses.replace(r, score=float(np.round(np.float64(r.score), self.decimals)), metric_id=self.id,
                                   aggregation=self.aggregation)

    def describe(self):
        return f"{self.metric.describe()}; the score is the mean rounded to {self.decimals} decimals (numpy.round)"
