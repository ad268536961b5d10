"""Correct against incorrect answers: the best score of a prediction against the true answers, compared with its
best score against the false ones (TruthfulQA's generation metrics)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .._lazy import np

from ..errors import InvalidConfig, InvalidInput
from ..units import enum, register, unit_field
from .base import GenerativeMetric, check_mapping, check_references
from .match import ExactMatch

__all__ = ["AnswerContrast"]

_KEYS = ("correct", "incorrect")


def _check_contrast_refs(value, index) -> tuple:
    """((correct answers), (incorrect answers)) from a mapping with the keys ``correct`` and ``incorrect``."""
    check_mapping(value, index, "a mapping {'correct': [...], 'incorrect': [...]}")
    extra = sorted(str(k) for k in value if k not in _KEYS)
    if extra:
        raise InvalidInput(f"unknown keys {extra}; expected 'correct' and 'incorrect'", index=index,
                           field="references")
    out = []
    for key in _KEYS:
        if key not in value:
            raise InvalidInput(f"the key {key!r} is missing", index=index, field=f"references.{key}")
        v = value[key]
        if isinstance(v, str):
            raise InvalidInput(f"expected a list of answers, got a string", index=index, field=f"references.{key}")
        try:
            out.append(check_references(v, index))
        except InvalidInput as e:
            raise InvalidInput(e.reason, index=index, field=f"references.{key}") from None
    return tuple(out)


@register
@dataclass(frozen=True, repr=False)
class AnswerContrast(GenerativeMetric):
    """Score the prediction against every correct and every incorrect answer with ``metric`` (one answer at a
    time), then compare the two best scores.

    ``c`` is the largest score over the correct answers and ``i`` over the incorrect ones (NaN scores ignored,
    ``numpy.nanmax``). ``value``: ``max`` gives ``c``; ``diff`` gives ``c - i``; ``acc`` gives 1 if ``c > i``
    else 0. References are a mapping ``{"correct": [...], "incorrect": [...]}``, each a non-empty list. ``metric``
    None is exact match. TruthfulQA's generation metrics (``bleu_max``, ``rouge1_diff``, ...) are this metric.

    >>> m = AnswerContrast(value="acc")
    >>> m.score("Paris", {"correct": ["Paris"], "incorrect": ["Rome", "Lyon"]})
    1.0
    >>> m.id
    'answer_contrast(value=acc, metric=none)'
    """

    name: ClassVar[str] = "answer_contrast"
    summary: ClassVar[str] = "best score against the correct answers, compared with the best against the incorrect"
    score_usage: ClassVar[str] = (
        "score(prediction, references): the output text and a mapping of its correct and incorrect answers, "
        "e.g. m.score(\"Paris\", {\"correct\": [\"Paris\"], \"incorrect\": [\"Rome\"]})")
    compute_usage: ClassVar[str] = (
        "compute(predictions, references): a list of output texts and, per sample, a mapping of its correct and "
        "incorrect answers, e.g. m.compute([\"Paris\"], [{\"correct\": [\"Paris\"], \"incorrect\": [\"Rome\"]}])")
    value: str = enum("max", ("max", "diff", "acc"),
                      "max: best score over the correct answers; diff: that minus the best over the incorrect; "
                      "acc: 1 if the first is larger")
    metric: Any = unit_field(None, "the metric that scores the prediction against one answer (none: exact_match)")

    def _validate(self):
        if self.metric is not None and not isinstance(self.metric, GenerativeMetric):
            raise InvalidConfig(f"{self.name}: 'metric' must be a text metric (e.g. rouge); got {self.metric!r}")

    @property
    def inner(self) -> GenerativeMetric:
        return self.metric if self.metric is not None else ExactMatch()

    def _check_refs(self, value, index):
        return _check_contrast_refs(value, index)

    def _score_refs(self, prediction, refs, cache):
        correct, incorrect = refs
        m = self.inner
        c = np.nanmax([m.score(prediction, (r,)) for r in correct])
        if self.value == "max":
            return float(c)
        i = np.nanmax([m.score(prediction, (r,)) for r in incorrect])
        if self.value == "diff":
            return float(c - i)
        return 1.0 if c > i else 0.0

    def _trace(self, prediction, refs, cache=None):
        t = self.inner._trace(prediction, refs[0], cache)
        return {**t, "reference_set": "correct"}

    def pipeline(self):
        return self.inner.pipeline()

    def describe(self):
        what = {"max": "the best score against the correct answers",
                "diff": "the best score against the correct answers minus the best against the incorrect ones",
                "acc": "1 if the best score against the correct answers beats the best against the incorrect ones"}
        return f"{what[self.value]} (each answer scored alone by the metric below; NaN ignored)"
