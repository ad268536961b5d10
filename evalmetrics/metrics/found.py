"""Whether the prediction's steps find an answer at all (an extraction rate)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..units import enum, register, steps
from .pipelined import COMBINE, PipelinedMetric, init_pipeline

__all__ = ["AnswerFound"]


@register
@dataclass(frozen=True, repr=False, init=False)
class AnswerFound(PipelinedMetric):
    """1 if the prediction's steps find an answer (no step returns "no answer"), else 0; the references are not
    compared (their steps still run, so a reference a step rejects is still an error where it would be one).

    >>> from evalmetrics.extractors import BetweenMarkers
    >>> m = AnswerFound(extract=[BetweenMarkers(start="<a>", end="</a>")])
    >>> m.score("<a></a>", "x"), m.score("no tags", "x")
    (1.0, 0.0)
    """

    name: ClassVar[str] = "answer_found"
    summary: ClassVar[str] = "1 if the prediction's steps find an answer"
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(self, normalize=None, *, normalize_pred=None, normalize_ref=None, extract=None, extract_ref=None,
                 pred=None, ref=None, combine: str = "max"):
        init_pipeline(self, {"combine": combine}, normalize=normalize, normalize_pred=normalize_pred,
                      normalize_ref=normalize_ref, extract=extract, extract_ref=extract_ref, pred=pred, ref=ref)

    def _compare(self, p, rs):
        return 1.0

    def describe(self):
        return "1 if the prediction's steps find an answer, else 0 (the references are not compared)"
