"""Character-sequence similarity: difflib's matching-blocks ratio, rounded to whole percent (fuzzywuzzy's ratio)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import ClassVar

from ..units import enum, register, steps
from .pipelined import COMBINE, COMBINE_WORDS, PipelinedMetric, init_pipeline

__all__ = ["SequenceRatio"]


@register
@dataclass(frozen=True, repr=False, init=False)
class SequenceRatio(PipelinedMetric):
    """round(100 x difflib.SequenceMatcher(None, prediction, reference).ratio()) / 100; 1 for equal texts, 0 when
    exactly one of them is empty.

    ``SequenceMatcher.ratio()`` is 2M/T (M characters in matching blocks, T both lengths; difflib's automatic junk
    heuristic on). Rounding is Python's ``round`` to a whole percent (half to even). This is fuzzywuzzy's
    ``fuzz.ratio / 100`` as fuzzywuzzy computes it without python-Levenshtein (``backend=difflib``; with
    python-Levenshtein installed fuzzywuzzy uses Levenshtein's ratio instead, a different number). LongBench's
    ``code_sim_score``. Several references: ``combine``.

    >>> SequenceRatio().score("x = foo(1)", "x = foo(2)")
    0.9
    """

    name: ClassVar[str] = "sequence_ratio"
    summary: ClassVar[str] = "difflib matching-blocks ratio, rounded to a whole percent"
    backend: str = enum("difflib", ("difflib",), "which matcher computes the ratio")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(self, backend: str = "difflib", normalize=None, *, normalize_pred=None, normalize_ref=None,
                 extract=None, extract_ref=None, pred=None, ref=None, combine: str = "max"):
        init_pipeline(
            self,
            {"backend": backend, "combine": combine},
            normalize=normalize, normalize_pred=normalize_pred, normalize_ref=normalize_ref, extract=extract,
            extract_ref=extract_ref, pred=pred, ref=ref,
        )

    @staticmethod
    def _ratio(p: str, r: str) -> float:
        if p == r:
            return 1.0
        if not p or not r:
            return 0.0
        return round(100 * difflib.SequenceMatcher(None, p, r).ratio()) / 100

    def _compare(self, p, rs):
        return self._combine([0.0 if r is None else self._ratio(p, r) for r in rs])

    def describe(self):
        return ("round(100 x difflib SequenceMatcher ratio) / 100 (1 if equal, 0 if one side is empty); several "
                f"references: {COMBINE_WORDS[self.combine]}")
