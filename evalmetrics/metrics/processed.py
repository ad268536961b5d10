"""Processed: a text metric scored on texts that steps have processed first, for metrics without step lists.

A harness may process the model's output (and each reference) before a metric that has no steps of its own: unitxt
applies a template's postprocessors before its corpus F1 (``metrics.f1_micro``), which evalmetrics's
:class:`~evalmetrics.metrics.text_label_f1.TextLabelF1` computes on texts as given. ``Processed`` puts the steps in
front: every prediction goes through ``pred``, every reference through ``ref``, then ``metric`` scores the results,
per sample and over the corpus alike (its aggregation is ``metric``'s). A metric with step lists of its own
(``ExactMatch``, ``Rouge``) takes the steps there instead.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import InvalidConfig, InvalidInput
from ..units import Step, register, run_steps, steps, unit_field
from .base import GenerativeMetric, at_sample, check_text

__all__ = ["Processed"]


@register
@dataclass(frozen=True, repr=False)
class Processed(GenerativeMetric):
    """``metric`` scored on each prediction after the steps ``pred`` and each reference after the steps ``ref``.

    A step that finds no answer (an extractor without a fallback) leaves no text to score: an ``InvalidInput``
    naming the sample and the side. The score, its aggregation and ``per_sample`` are ``metric``'s on the
    processed texts.

    >>> from evalmetrics import Lowercase
    >>> from evalmetrics.metrics.text_label_f1 import TextLabelF1
    >>> m = Processed(pred=(Lowercase(),), ref=(Lowercase(),), metric=TextLabelF1(average="micro"))
    >>> m.compute(["Yes", "NO", "no"], ["yes", "no", "yes"]).score
    0.6666666666666666
    """

    name: ClassVar[str] = "processed"
    summary: ClassVar[str] = "a text metric scored after steps on the prediction and on each reference"
    aggregation: ClassVar[str] = "corpus"  # per instance: row_aggregation (the wrapped metric's)
    pred: tuple = steps("steps applied to the prediction before the metric, in order")
    ref: tuple = steps("steps applied to each reference before the metric, in order")
    metric: Any = unit_field(None, "the text metric scoring the processed texts")

    @classmethod
    def example(cls):
        from ..normalizers import Lowercase
        from .text_label_f1 import TextLabelF1

        return cls(pred=(Lowercase(),), ref=(Lowercase(),), metric=TextLabelF1())

    def _validate(self):
        if not isinstance(self.metric, GenerativeMetric):
            got = "None" if self.metric is None else type(self.metric).__name__
            raise InvalidConfig(f"{self.name}: parameter 'metric' must be a text metric; got {got}")
        for side in ("pred", "ref"):
            bad = [s for s in getattr(self, side) if not isinstance(s, Step)]
            if bad:
                raise InvalidConfig(f"{self.name}: parameter {side!r} must be a list of steps; got {bad[0]!r}")

    @property
    def row_aggregation(self) -> str:
        """The wrapped metric's aggregation (the class says ``corpus``: nothing is chunked or averaged here)."""
        return getattr(self.metric, "row_aggregation", None) or type(self.metric).aggregation

    def _side(self, steps_: tuple, text: str, index, field: str) -> str:
        out = run_steps(steps_, text)
        if out is None:
            raise InvalidInput(f"the {self.name} steps found no answer in the {field}, so there is no text for "
                               f"{self.metric.name} to score", index=index, field=field)
        return out

    def _prepared(self, prediction: str, refs: tuple, index) -> tuple:
        return (self._side(self.pred, prediction, index, "prediction"),
                tuple(self._side(self.ref, r, index, "references") for r in refs))

    def _score_refs(self, prediction, refs, cache):
        p, rs = self._prepared(prediction, refs, None)
        return self.metric._score_refs(p, self.metric._check_refs(list(rs), None), cache)

    def _trace(self, prediction, refs, cache=None):
        p, rs = self._prepared(prediction, refs, None)
        out = self.metric._trace(p, self.metric._check_refs(list(rs), None), cache)
        return out

    def compute(self, predictions, references, *, progress=None):
        """``metric.compute`` on the processed predictions and references; its result, under this ID."""
        preds, refs_all = self._check_lengths(predictions, references)
        ps, rs = [], []
        for i in range(len(preds)):
            try:
                p, r = self._prepared(check_text(preds[i], i, "prediction"), self._check_refs(refs_all[i], i), i)
            except InvalidInput as e:
                raise at_sample(e, i) from None
            ps.append(p)
            rs.append(list(r))
        result = self.metric.compute(ps, rs, progress=progress)
        return dataclasses.replace(result, metric_id=self.id)

    def pipeline(self):
        if self.pred == self.ref:
            return [("both", s) for s in self.pred] + self.metric.pipeline()
        return [("prediction", s) for s in self.pred] + [("reference", s) for s in self.ref] + self.metric.pipeline()

    def describe(self):
        return f"after the steps above, {self.metric.describe()}"
