"""TextLabelF1: corpus F1 of predicted text labels against each sample's first reference, by scikit-learn.

A classification task scored on generated text treats each distinct text as a class label. unitxt 1.26's
``metrics.f1_micro`` / ``metrics.f1_macro`` (class ``F1Fast``) do this: every distinct text (references and
predictions alike) gets an integer in order of first appearance (for each sample its first reference, then its
prediction); the labels scored are those of the references only (a predicted text that is no reference's label
counts against recall, never as a label of its own); ``sklearn.metrics.f1_score`` (``zero_division=0``) forms the
statistic over those labels, in the order a Python set of the reference integers lists them (for a macro mean, the
order of the sum). Optional extra ``classification`` (scikit-learn).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar

from .._lazy import np

from ..errors import InvalidInput
from ..units import enum, register
from .base import GenerativeMetric, at_sample, check_text
from .classification import _sklearn_metrics, _sklearn_version

__all__ = ["TextLabelF1"]


def _encode(preds, refs) -> tuple[list, list, list]:
    """(gold integers, predicted integers, the reference labels in scikit-learn's ``labels`` order)."""
    ids: dict = {}
    golds, picks = [], []
    for p, r in zip(preds, refs):
        golds.append(ids.setdefault(r, len(ids)))
        picks.append(ids.setdefault(p, len(ids)))
    return golds, picks, list(set(golds))


@register
@dataclass(frozen=True, repr=False)
class TextLabelF1(GenerativeMetric):
    """Corpus F1 of the predicted texts against the first reference of each sample, each distinct text a label.

    The labels are the distinct first references. ``average=micro``: 2·TP / (2·TP + FP + FN) summed over those
    labels (a prediction outside them is a false negative of its gold label, not a false positive of any);
    ``average=macro``: the unweighted mean over those labels of each label's 2·TP / (2·TP + FP + FN) (every label
    has a gold, so none divides by zero). Texts are compared exactly, without normalization. ``score`` of one
    sample is the statistic of a one-sample corpus: 1 if the prediction equals the first reference, else 0;
    ``compute`` returns these as ``per_sample`` and the corpus statistic as the score (not their mean).

    >>> TextLabelF1(average="macro").compute(["a", "b", "b"], ["a", "a", "b"]).score
    0.6666666666666666
    """

    name: ClassVar[str] = "text_label_f1"
    summary: ClassVar[str] = "corpus F1 of predicted vs first-reference text labels (scikit-learn f1_score)"
    aggregation: ClassVar[str] = "corpus"
    average: str = enum("micro", ("micro", "macro"), "scikit-learn's average over the reference labels")

    def _statistic(self, preds, refs) -> float:
        golds, picks, labels = _encode(preds, refs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(_sklearn_metrics().f1_score(golds, picks, average=self.average, labels=labels,
                                                     zero_division=0))

    def _score_refs(self, prediction, refs, cache):
        return 1.0 if prediction == refs[0] else 0.0

    def compute(self, predictions, references, *, progress=None):
        """The corpus statistic; ``per_sample``: each sample's one-sample value; ``stderr``: none (NaN)."""
        from .._version import __version__
        from ..result import Result

        preds, refs_all = self._check_lengths(predictions, references)
        ps, rs = [], []
        for i in range(len(preds)):
            try:
                ps.append(check_text(preds[i], i, "prediction"))
                rs.append(self._check_refs(refs_all[i], i)[0])
            except InvalidInput as e:
                raise at_sample(e, i) from None
        per = np.fromiter((1.0 if p == r else 0.0 for p, r in zip(ps, rs)), dtype=np.float64, count=len(ps))
        per.setflags(write=False)
        version = _sklearn_version()  # the project's missing-package error (naming the extra), before any work
        return Result(score=self._statistic(ps, rs), per_sample=per, n=len(ps), stderr=float("nan"),
                      metric_id=self.id, aggregation=self.name,
                      stderr_method="none: a corpus statistic (unitxt reports a bootstrap confidence interval)",
                      provenance={"evalmetrics": __version__, "scikit-learn": version})

    def describe(self):
        how = "micro-averaged F1" if self.average == "micro" else "macro-averaged F1 (mean over labels)"
        return (f"each distinct text is a class label; {how} of the predictions against the first references over "
                f"the labels the references use (scikit-learn f1_score, zero_division=0)")
