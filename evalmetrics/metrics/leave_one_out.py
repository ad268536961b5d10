"""LeaveOneOutMean: several human answers scored the way CoQA's official script scores them (leave one out)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import InvalidConfig
from ..units import register, unit_field
from .base import GenerativeMetric

__all__ = ["LeaveOneOutMean"]


@register
@dataclass(frozen=True, repr=False)
class LeaveOneOutMean(GenerativeMetric):
    """With n > 1 references: the mean over i of ``metric``'s score against every reference except the i-th.

    CoQA's evaluation scores a prediction against n human answers by leaving each answer out in turn and taking
    the best score against the others, then averaging, so that a model is measured as one more human would be.
    With one reference the value is ``metric``'s score against it. ``metric`` is a text metric whose own
    ``combine`` is ``max``; the n partial scores are added in order in Python floats and divided by n.

    >>> from evalmetrics import ExactMatch
    >>> m = LeaveOneOutMean(metric=ExactMatch())
    >>> m.score("red", ["red", "blue"]), m.score("red", ["red", "red", "blue"]), m.score("red", ["red"])
    (0.5, 1.0, 1.0)
    """

    name: ClassVar[str] = "leave_one_out_mean"
    summary: ClassVar[str] = "mean over the references of the best score against the other references (CoQA)"
    metric: Any = unit_field(None, "the metric scoring the prediction against a list of references (combine=max)")

    @classmethod
    def example(cls):
        from .match import ExactMatch

        return cls(metric=ExactMatch())

    def _validate(self):
        if not isinstance(self.metric, GenerativeMetric):
            got = "None" if self.metric is None else type(self.metric).__name__
            raise InvalidConfig(f"leave_one_out_mean: parameter 'metric' must be a text metric; got {got}")
        combine = getattr(self.metric, "combine", "max")
        if combine != "max":
            raise InvalidConfig(f"leave_one_out_mean: the inner metric must combine references by max; got {combine!r}")

    def _check_refs(self, value, index):
        return self.metric._check_refs(value, index)

    def _score_refs(self, prediction, refs, cache):
        n = len(refs)
        if n == 1:
            return float(self.metric._score_refs(prediction, refs, cache)) / 1
        total = 0.0
        for i in range(n):
            total += float(self.metric._score_refs(prediction, refs[:i] + refs[i + 1:], cache))
        return total / n

    def pipeline(self):
        return self.metric.pipeline()

    def describe(self):
        return (f"{self.metric.describe()}; with several references: the mean, over each reference left out in "
                f"turn, of the best score against the others")
