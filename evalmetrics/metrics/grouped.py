"""Aggregates over groups of samples (a group key per sample): the macro mean, and the consistency of the answers
given to the same question."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from .._lazy import np
from ..errors import InvalidInput
from ..units import integer, register, run_steps, steps, unit_field
from .base import GenerativeMetric, Metric, _check_sequence, at_sample, check_column, check_text
from .rounded import ScoresWithMetric

__all__ = ["MacroMean", "ConsistencyRate"]

_GROUPS_WORDS = "one group key per sample (a string or an integer, e.g. the question's category or id)"


def _group_keys(groups, n: int, metric: str) -> list:
    keys = check_column(groups, n, metric, "groups", _GROUPS_WORDS)
    out = []
    for i, k in enumerate(keys):
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, (str, int, np.integer)):
            got = "None" if k is None else type(k).__name__
            raise InvalidInput(f"expected a string or an integer group key, got {got}", index=i, field="groups")
        out.append(int(k) if isinstance(k, np.integer) else k)
    return out


def _first_seen(keys: list) -> dict:
    """{key: [sample indices]} in the order keys first appear (as a Python dict fills)."""
    out: dict = {}
    for i, k in enumerate(keys):
        out.setdefault(k, []).append(i)
    return out


@register
@dataclass(frozen=True, repr=False)
class MacroMean(ScoresWithMetric, GenerativeMetric):
    """The mean over groups of each group's mean of ``metric`` (each group weighs the same, whatever its size).

    ``compute(predictions, references, groups)``: ``groups[i]`` is sample i's group key (lm_eval's SCORE
    mmlu_pro tasks: the question's ``category``). Each group's mean is Python's ``sum`` / n over its samples in
    input order; the groups, in the order they first appear, are averaged with ``numpy.mean``; ``decimals`` (none:
    no rounding) rounds that with ``numpy.round``. ``score`` (one sample) is ``metric``'s value.

    >>> from evalmetrics import ExactMatch
    >>> m = MacroMean(metric=ExactMatch())
    >>> m.compute(["a", "b", "a"], ["a", "a", "a"], ["x", "x", "y"]).score
    0.75
    """

    name: ClassVar[str] = "macro_mean"
    summary: ClassVar[str] = "mean of per-group means of a metric (a group key per sample)"
    aggregation: ClassVar[str] = "macro_mean"
    sample_context: ClassVar[str] = "groups"
    compute_usage: ClassVar[str] = (
        "compute(predictions, references, groups): output texts, per sample a reference text or list of them, and "
        "per sample a group key, e.g. m.compute([\"A\", \"B\"], [\"A\", \"A\"], [\"law\", \"math\"])")
    metric: Any = unit_field(None, "the metric scoring each sample")
    decimals: int | None = integer(None, "decimals kept by numpy.round (none: not rounded)", minimum=0)

    def compute(self, predictions, references, groups, *, progress=None):
        r = self.metric.compute(predictions, references, progress=progress)
        keys = _group_keys(groups, r.n, self.name)
        values = r.per_sample.tolist()
        means = []
        for idx in _first_seen(keys).values():
            total = 0
            for i in idx:
                total += values[i]
            means.append(total / len(idx))
        score = np.mean(means)
        if self.decimals is not None:
            score = np.round(score, self.decimals)
        return dataclasses.replace(r, score=float(score), metric_id=self.id, aggregation=self.aggregation,
                                   stderr=float("nan"), stderr_method="none: a mean of group means")

    def describe(self):
        rounded = "" if self.decimals is None else f", rounded to {self.decimals} decimals (numpy.round)"
        return (f"{self.metric.describe()}; the score is the mean over groups (numpy.mean, groups in order of first "
                f"appearance) of each group's mean{rounded}")


@register
@dataclass(frozen=True, repr=False)
class ConsistencyRate(Metric):
    """The share of agreeing pairs among the answers given to the same question, pooled over all questions.

    Each output goes through ``extract`` (the answer); ``compute(predictions, groups)`` groups the answers by
    ``groups[i]`` (the question's id) and counts, over every question, the unordered pairs of its answers that are
    equal, divided by the number of such pairs (questions with one answer add no pair; no pair at all: 0.0).
    ``score(predictions)`` is that rate for the answers to one question. lm_eval's SCORE ``consistency_rate``.

    >>> m = ConsistencyRate()
    >>> m.compute(["A", "A", "B", "C", "C"], [1, 1, 1, 2, 2]).score   # pairs: q1 AA AB AB, q2 CC -> 2/4
    0.5
    """

    name: ClassVar[str] = "consistency_rate"
    summary: ClassVar[str] = "share of equal answer pairs among the answers to the same question"
    aggregation: ClassVar[str] = "consistency_rate"
    sample_context: ClassVar[str] = "groups"
    score_usage: ClassVar[str] = (
        "score(predictions): the outputs given to one question, e.g. m.score([\"A\", \"A\", \"B\"])")
    compute_usage: ClassVar[str] = (
        "compute(predictions, groups): output texts and per sample the question's id, e.g. "
        "m.compute([\"A\", \"B\", \"A\"], [1, 1, 2])")
    extract: tuple = steps("steps that read the answer from each output")

    def _answers(self, predictions) -> list:
        preds = _check_sequence(predictions, "predictions")
        out = []
        for i, p in enumerate(preds):
            try:
                out.append(run_steps(self.extract, check_text(p, i, "prediction")))
            except InvalidInput as e:
                raise at_sample(e, i) from None
        return out

    @staticmethod
    def _pairs(answers: list) -> tuple[int, float]:
        n = len(answers)
        same = sum(1 for a in range(n) for b in range(a + 1, n) if answers[a] == answers[b])
        return same, n * (n - 1) / 2

    def score(self, predictions) -> float:
        answers = self._answers(predictions)
        if not answers:
            raise InvalidInput("expected the outputs given to one question, got none", field="predictions")
        same, total = self._pairs(answers)
        return same / total if total > 0 else 0.0

    def compute(self, predictions, groups, *, progress=None):
        from .._version import __version__
        from ..result import Result

        answers = self._answers(predictions)
        if not answers:
            raise InvalidInput("no samples to score", field="predictions")
        keys = _group_keys(groups, len(answers), self.name)
        same, total = 0, 0.0
        for idx in _first_seen(keys).values():
            s, t = self._pairs([answers[i] for i in idx])
            same += s
            total += t
        per = np.full(len(answers), np.nan)
        per.setflags(write=False)
        return Result(score=same / total if total > 0 else 0.0, per_sample=per, n=len(answers),
                      stderr=float("nan"), metric_id=self.id, aggregation=self.aggregation,
                      stderr_method="none: a ratio of pooled pair counts, not a mean of per-sample values",
                      provenance={"evalmetrics": __version__})

    def describe(self):
        steps_words = "; ".join(s.describe() for s in self.extract) or "the output as is"
        return (f"answer: {steps_words}; the share of equal pairs among the answers to the same question, pooled "
                f"over questions")
