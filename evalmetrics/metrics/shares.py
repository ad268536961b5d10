"""Match shares: the fraction of the spans a pattern finds in the prediction that equal the reference."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from .. import _regex
from ..errors import InvalidInput
from ..units import enum, register, steps, text
from .pipelined import COMBINE, COMBINE_WORDS, PipelinedMetric, init_pipeline

__all__ = ["MatchShare"]


@register
@dataclass(frozen=True, repr=False, init=False)
class MatchShare(PipelinedMetric):
    """The share of the prediction's matches of ``pattern`` that equal the processed reference.

    Every match of ``pattern`` in the processed prediction is listed (Python ``re.findall``: the whole match when
    the pattern has no group); the score is (matches equal to the reference) / (all matches), and 0 when the
    prediction has none. Several references: ``combine``. ``missing_reference``: a reference in which a
    reference-side step found no answer scores 0 (``zero``) or is an ``InvalidInput`` error (``error``; LongBench's
    retrieval score fails on an answer without its "Paragraph N"). LongBench's ``count_score`` (how many numbers the
    prediction names, and how many of them are the right count) and ``retrieval_score`` are this metric with
    ``pattern=\\d+`` (``\\d`` is any Unicode decimal digit, as in Python ``re``).

    >>> m = MatchShare()
    >>> m.score("Paragraph 3, or maybe 12 or 3", "3")
    0.6666666666666666
    >>> print(m.id)
    match_share(pattern="\\\\d+", normalize=[], combine=max, missing_reference=zero)
    """

    name: ClassVar[str] = "match_share"
    summary: ClassVar[str] = "share of the prediction's pattern matches that equal the reference"
    pattern: str = text(r"\d+", "the regular expression whose matches are counted (Python re syntax)")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")
    missing_reference: str = enum("zero", ("zero", "error"),
                                  "a reference a step found no answer in: scores 0, or is an error")

    def __init__(self, pattern: str = r"\d+", normalize=None, *, normalize_pred=None, normalize_ref=None,
                 extract=None, extract_ref=None, pred=None, ref=None, combine: str = "max",
                 missing_reference: str = "zero"):
        init_pipeline(
            self,
            {"pattern": pattern, "combine": combine, "missing_reference": missing_reference},
            normalize=normalize, normalize_pred=normalize_pred, normalize_ref=normalize_ref, extract=extract,
            extract_ref=extract_ref, pred=pred, ref=ref,
        )

    def _validate(self):
        _regex.compile_pattern(self.pattern, "match_share")

    @functools.cached_property
    def _compiled(self):
        return _regex.compile_pattern(self.pattern, "match_share")

    def _compare(self, p, rs):
        if self.missing_reference == "error" and any(r is None for r in rs):
            i = next(i for i, r in enumerate(rs) if r is None)
            raise InvalidInput(f"match_share: reference {i} has no answer for the reference-side steps "
                               f"({'; '.join(s.describe() for s in self.ref)})", field="references")
        found = _regex.findall(self._compiled, p)
        scores = []
        for r in rs:
            if r is None or not found:
                scores.append(0.0)
            else:
                scores.append(sum(1 for x in found if x == r) / len(found))
        return self._combine(scores)

    def describe(self):
        missing = "; a reference without an answer is an error" if self.missing_reference == "error" else ""
        return (f"list the matches of the regex {_regex.shown(self.pattern)} in the prediction; score the share of "
                f"them equal to the reference (0 if none); several references: {COMBINE_WORDS[self.combine]}{missing}")
