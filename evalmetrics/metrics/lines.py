"""Line-by-line comparison of structured outputs: how many lines of the reference the prediction reproduces from
the start."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..units import enum, flag, register, steps
from .pipelined import COMBINE, PipelinedMetric, init_pipeline

__all__ = ["LinePrefix"]


@register
@dataclass(frozen=True, repr=False, init=False)
class LinePrefix(PipelinedMetric):
    """The share of the reference's lines that the prediction reproduces before its first differing line.

    Both processed texts are split on ``"\\n"``; ``k`` is the number of leading lines that are equal. If every
    reference line matches (``k`` equals the number ``n`` of reference lines; extra predicted lines do not count)
    the score is 1; otherwise ``k / n``, or ``(k + 1) / n`` with ``first_miss_counts`` (longproc's path traversal
    counts the first wrong line as matched). A step that finds no answer in the prediction scores 0.

    >>> m = LinePrefix()
    >>> m.score("a\\nb\\nx", "a\\nb\\nc\\nd"), LinePrefix(first_miss_counts=True).score("a\\nx", "a\\nb\\nc\\nd")
    (0.5, 0.5)
    """

    name: ClassVar[str] = "line_prefix"
    summary: ClassVar[str] = "share of reference lines reproduced before the first differing line"
    first_miss_counts: bool = flag(False, "the first differing line counts as reproduced (longproc path traversal)")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(self, first_miss_counts: bool = False, normalize=None, *, normalize_pred=None, normalize_ref=None,
                 extract=None, extract_ref=None, pred=None, ref=None, combine: str = "max"):
        init_pipeline(self, {"first_miss_counts": first_miss_counts, "combine": combine}, normalize=normalize,
                      normalize_pred=normalize_pred, normalize_ref=normalize_ref, extract=extract,
                      extract_ref=extract_ref, pred=pred, ref=ref)

    def _one(self, p: str, r: str) -> float:
        gl, pl = r.split("\n"), p.split("\n")
        k = 0
        for a, b in zip(gl, pl):
            if a != b:
                break
            k += 1
        if k >= len(gl):
            return 1.0
        return (k + 1) / len(gl) if self.first_miss_counts else k / len(gl)

    def _compare(self, p, rs):
        return self._combine([0.0 if r is None else self._one(p, r) for r in rs])

    def describe(self):
        extra = " (the first differing line counts as reproduced)" if self.first_miss_counts else ""
        return f"share of the reference's lines reproduced from the start, split on newlines{extra}; 1 if all are"
