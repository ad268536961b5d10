"""Two corpus F1 statistics of (gold index, picked index) pairs beyond scikit-learn's averages: the best label's F1,
and the mean over a fixed label set of one-vs-rest F1s.

lighteval 0.13's ``CorpusLevelF1Score`` forms them with scikit-learn: ``average=None, num_classes=2`` takes
``np.max`` of the per-label F1 array (``loglikelihood_f1``: glue mrpc, qqp), and ``num_classes > 2`` averages, over
the labels ``0 .. num_classes - 1``, the F1 of the indicator pairs ``(gold == i, pick == i)`` (``multi_f1_numeric``,
"mf1": super_glue cb). Pairs, picks and the bootstrap are those of :mod:`.classification` (scikit-learn, optional
extra ``classification``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .._lazy import np

from ..units import enum, integer, register
from .classification import _PairCorpusMetric, _sklearn_metrics

__all__ = ["BestLabelF1", "OneVsRestF1"]


@register
@dataclass(frozen=True, repr=False)
class BestLabelF1(_PairCorpusMetric):
    """The highest per-label F1 over the labels present: ``max(sklearn.metrics.f1_score(golds, picks, average=None))``.

    Each sample contributes (gold index, argmax of the log-probabilities; ties: the first); the labels are the
    sorted union of the golds and picks present, each label's F1 is 2·TP / (2·TP + FP + FN), and the corpus value is
    the largest of them. lighteval's ``loglikelihood_f1``.

    >>> BestLabelF1().id
    'best_label_f1'
    """

    name: ClassVar[str] = "best_label_f1"
    summary: ClassVar[str] = "the highest per-label F1 of picked vs gold choice over the corpus (scikit-learn)"

    def _statistic(self, golds, picks):
        return np.max(_sklearn_metrics().f1_score(golds, picks, average=None))

    def _from_counts(self, counts, labels):
        tp = np.einsum("rii->ri", counts).astype(np.float64)
        denom = counts.sum(axis=2).astype(np.float64) + counts.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            per = np.where(denom == 0, -np.inf, (2.0 * tp) / np.where(denom == 0, 1.0, denom))
        return per.max(axis=1)  # a label absent from a resample is not one of its labels

    def describe(self):
        return ("pick the choice with the highest log-probability (ties: first); the highest per-label F1 of the "
                "(gold, pick) pairs over the labels present (scikit-learn f1_score, average=None, then max)")


@register
@dataclass(frozen=True, repr=False)
class OneVsRestF1(_PairCorpusMetric):
    """The mean over labels ``0 .. num_classes - 1`` of scikit-learn's F1 of the one-vs-rest indicator pairs.

    For each label i, the pairs become ``(gold == i, pick == i)`` and ``sklearn.metrics.f1_score`` scores them with
    ``average`` (``micro``: over both indicator values, which is the indicator's accuracy); the corpus value is the
    numpy mean of the ``num_classes`` scores. lighteval's ``multi_f1_numeric`` ("mf1") is
    ``num_classes=3, average=micro``.

    >>> OneVsRestF1(num_classes=3).id
    'one_vs_rest_f1(num_classes=3, average=micro)'
    """

    name: ClassVar[str] = "one_vs_rest_f1"
    summary: ClassVar[str] = "mean over labels of the F1 of one-vs-rest indicators of picked vs gold (scikit-learn)"
    num_classes: int = integer(3, "the labels 0 .. num_classes - 1 averaged over", minimum=1)
    average: str = enum("micro", ("binary", "micro", "macro", "weighted"), "scikit-learn's average per label")

    def _statistic(self, golds, picks):
        f1 = _sklearn_metrics().f1_score
        scores = [f1(y_true=[g == i for g in golds], y_pred=[p == i for p in picks], average=self.average)
                  for i in range(self.num_classes)]
        return float(np.mean(scores))

    def _from_counts(self, counts, labels):
        if self.average != "micro":
            return None
        # micro F1 of an indicator pair = 2·A / (2·n), A the samples where (gold == i) equals (pick == i)
        n = counts.sum(axis=(1, 2)).astype(np.float64)
        true, pred = counts.sum(axis=2), counts.sum(axis=1)
        tp = np.einsum("rii->ri", counts)
        scores = []
        for i in range(self.num_classes):
            hit = np.flatnonzero(labels == i)
            wrong = (true[:, hit[0]] + pred[:, hit[0]] - 2 * tp[:, hit[0]]) if len(hit) else 0
            scores.append((2.0 * (n - wrong)) / (2.0 * n))
        return np.mean(np.stack(scores, axis=1), axis=1)

    def describe(self):
        return (f"pick the choice with the highest log-probability (ties: first); for each label "
                f"0..{self.num_classes - 1}, scikit-learn's {self.average} F1 of the indicators (gold == label, pick == label); the mean of "
                "those")
