"""ROUGE-L at summary level as the ``rouge`` package (pltrdy/rouge 1.0.1) computes it: texts split into sentences
on ".", union longest common subsequences; delegated to that package (extra ``longbench``)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from .._packages import pip_extra
from ..errors import InvalidConfig
from ..units import enum, register, run_steps, steps
from .textgen import _quadratic_bound
from .base import GenerativeMetric

__all__ = ["RougeSummaryLevel"]

_STAT_WORDS = {"f": "F1", "p": "precision", "r": "recall"}


@functools.lru_cache(maxsize=None)
def _rouge():
    try:
        from rouge import Rouge
    except ImportError:
        raise InvalidConfig(
            "rouge_summary_level delegates to the rouge package (pltrdy/rouge), which is not installed: "
            + pip_extra("longbench")
        ) from None
    return Rouge()


def _sentence_tokens(text: str) -> int:
    """The tokens the rouge package compares: whitespace-separated words of each '.'-separated sentence."""
    return sum(len(sentence.split()) for sentence in text.split("."))


@register
@dataclass(frozen=True, repr=False)
class RougeSummaryLevel(GenerativeMetric):
    """ROUGE-L of one sample by the ``rouge`` package's ``Rouge().get_scores(..., avg=True)``; 0 when it raises.

    The package splits each text into sentences on ".", collapses whitespace inside each, and takes the
    summary-level union LCS over whitespace tokens (no lowercasing, no stemming). It raises on a text with no
    sentence (an empty text), and on a sentence pair whose LCS walk is deeper than Python's recursion limit; either
    scores 0, as LongBench's ``rouge_score`` does (the depth at which the second happens depends on the caller's
    stack, so texts with single sentences of several hundred words are not guaranteed to match LongBench).
    ``stat``: f (F1), p or r; several references: the best.

    >>> RougeSummaryLevel().id
    'rouge_summary_level(stat=f, normalize=[])'
    """

    name: ClassVar[str] = "rouge_summary_level"
    summary: ClassVar[str] = "ROUGE-L (summary level, '.'-split sentences) via the rouge package, best over references"
    id_merge: ClassVar[tuple] = ("normalize", "pred", "ref")
    stat: str = enum("f", ("f", "p", "r"), "which value of rouge-l: f (F1), p (precision) or r (recall)")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")

    def _one(self, p: str, r: str) -> float:
        try:
            return _rouge().get_scores([p], [r], avg=True)["rouge-l"][self.stat]
        except InvalidConfig:
            raise
        except Exception:  # noqa: BLE001 - the package's errors (empty text, recursion depth) score 0, as LongBench
            return 0.0

    def _score_refs(self, prediction, refs, cache):
        _rouge()
        p = run_steps(self.pred, prediction)
        out = 0.0
        for r in refs:
            r = run_steps(self.ref, r)
            if p is None or r is None:
                continue
            # the package's LCS is quadratic in the words of a sentence pair: refuse past the bound (a Timeout,
            # counted and scored 0 by compute) instead of running for hours on a runaway output
            _quadratic_bound(p, [r], None, "rouge_summary_level", count=_sentence_tokens)
            out = max(self._one(p, r), out)
        return float(out)

    def pipeline(self):
        return [("prediction", s) for s in self.pred] + [("reference", s) for s in self.ref]

    def describe(self):
        return (f"ROUGE-L {_STAT_WORDS[self.stat]} at summary level via the rouge package (sentences split on '.', "
                f"whitespace tokens); 0 when the package raises; best over references")
