"""DROP's answer metrics: exact match and numeracy-aware bag-of-words F1 over (possibly multi-span) answers."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from .._lazy import np

from ..errors import InvalidInput
from ..normalizers import CollapseWhitespace, FloatCast, Lowercase, PerToken, StripArticles, StripPunct
from ..units import enum, flag, register, run_steps, steps
from .base import GenerativeMetric

__all__ = ["DropMatch", "drop_normalize"]

# DROP's answer normalization: tokens split on " " or "-"; per token: lowercase, delete ASCII punctuation unless the
# token parses as a float, float-cast, articles to spaces, collapse whitespace; empty tokens dropped; joined.
@functools.lru_cache(maxsize=None)
def drop_normalize() -> tuple:
    """DROP's span normalization as steps (built on first use: it compiles a regex)."""
    return (
        PerToken(
            split=" |-",
            steps=(Lowercase(), StripPunct(except_numbers=True), FloatCast(), StripArticles(), CollapseWhitespace()),
            drop_empty=True,
            join=" ",
            strip=True,
        ),
    )


def _is_number(t: str) -> bool:
    try:
        float(t)
        return True
    except (ValueError, OverflowError):
        return False


def _bag_f1(pred: frozenset, gold: frozenset) -> float:
    inter = len(gold & pred)
    precision = 1.0 if not pred else inter / float(len(pred))
    recall = 1.0 if not gold else inter / float(len(gold))
    if precision == 0.0 and recall == 0.0:
        return 0.0
    return (2 * precision * recall) / (precision + recall)


def _numbers_ok(gold: frozenset, pred: frozenset) -> bool:
    gold_numbers = {w for w in gold if _is_number(w)}
    return not gold_numbers or bool(gold_numbers & {w for w in pred if _is_number(w)})


def _check_drop_refs(value, index):
    if isinstance(value, str):
        return ((value,),)
    if value is None or not isinstance(value, (list, tuple)) or not value:
        raise InvalidInput("expected a non-empty list of answers (each a string or a list of spans)",
                           index=index, field="references")
    out = []
    for j, g in enumerate(value):
        if isinstance(g, str):
            out.append((g,))
        elif isinstance(g, (list, tuple)) and g and all(isinstance(x, str) for x in g):
            out.append(tuple(g))
        else:
            raise InvalidInput(f"answer {j} must be a string or a non-empty list of strings, got {g!r}",
                               index=index, field="references")
    return tuple(out)


@register
@dataclass(frozen=True, repr=False)
class DropMatch(GenerativeMetric):
    """DROP's metric: the prediction is one span; each reference answer is a string or a list of spans.

    Spans are processed by ``steps`` (DROP's normalization by default). ``value=em``: 1 if the prediction's span
    equals the answer's set of spans (``count_check``: and the answer has exactly one span; lighteval's copy
    omits this check). ``value=f1``: each span is a set of tokens; an answer span containing numbers scores 0
    unless the prediction shares one of them; otherwise F1 with P=1 for an empty prediction and R=1 for an empty
    answer; the best answer span's F1 is divided by the number of answer spans (an optimal 1-1 alignment of one
    predicted span), then rounded to 2 decimals (numpy rounding). Answers whose first span is blank are skipped;
    the sample's value is the best over the answers (0 if all are skipped).

    >>> DropMatch(value="f1").score("1,000 yards", [["1000"], ["100 yards"]])
    0.67
    """

    name: ClassVar[str] = "drop_match"
    summary: ClassVar[str] = "DROP exact match or numeracy-aware F1 over answer spans"
    value: str = enum("f1", ("em", "f1"), "which DROP value")
    count_check: bool = flag(True, "EM also requires the answer to have as many spans as the prediction")
    steps: tuple = steps("steps applied to every span")

    def __post_init__(self):
        if not self.steps:
            object.__setattr__(self, "steps", drop_normalize())
        super().__post_init__()

    def _check_refs(self, value, index):
        return _check_drop_refs(value, index)

    def _norm(self, s: str, cache):
        if cache is None:
            return run_steps(self.steps, s) or ""
        try:
            return cache[s]
        except KeyError:
            v = cache[s] = run_steps(self.steps, s) or ""
            return v

    def _score_refs(self, prediction, refs, cache):
        p = self._norm(prediction, cache)
        p_bag = frozenset(p.split())
        best = 0.0
        for gold in refs:
            if not gold[0].strip():
                continue
            g_norm = [self._norm(g, cache) for g in gold]
            if self.value == "em":
                same = set(g_norm) == {p} and (not self.count_check or len(g_norm) == 1)
                v = 1.0 if same else 0.0
            else:
                scores = [
                    _bag_f1(p_bag, frozenset(g.split())) if _numbers_ok(frozenset(g.split()), p_bag) else 0.0
                    for g in g_norm
                ]
                v = float(np.round(np.float64(max(scores)) / len(g_norm), 2))
            best = max(best, v)
        return best

    def pipeline(self):
        return [("each span", s) for s in self.steps]

    def describe(self):
        if self.value == "em":
            return "DROP exact match of normalized spans" + (" (span counts must agree)" if self.count_check else "")
        return "DROP F1: numeracy-aware bag-of-words F1 of normalized spans, aligned, averaged, rounded to 2 decimals"
