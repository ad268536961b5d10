"""Set-valued answers: the texts are read as sets of items, then compared (exact, IoU, F1)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..units import enum, register, steps, text
from .pipelined import COMBINE, PipelinedMetric, init_pipeline

__all__ = ["SetMatch"]


def read_set(s: str, start: str, separator: str, empty_marker: str, delete: str) -> frozenset:
    """The set a text states: ``empty_marker`` is the empty set; otherwise delete ``delete``, keep the text after
    the last ``start``, split on ``separator``."""
    if s == empty_marker:
        return frozenset()
    if delete:
        s = s.replace(delete, "")
    return frozenset(s.split(start)[-1].split(separator))


@register
@dataclass(frozen=True, repr=False, init=False)
class SetMatch(PipelinedMetric):
    """Compare the sets of items that prediction and reference state.

    Each processed text is read as a set: exactly ``empty_marker`` is the empty set; otherwise every ``delete``
    is removed, the text after the last ``start`` is kept and split on ``separator``. ``score``: ``exact``
    (1 if the sets are equal), ``iou`` (|P∩G| / |P∪G|) or ``f1`` (2|P∩G| / (|P|+|G|)); for ``iou`` and ``f1`` an
    empty reference set scores 1 only if the prediction's set is empty too. HELM's ``exact_set_match``,
    ``iou_set_match`` and ``f1_set_match`` read only the prediction's first line.

    >>> m = SetMatch(score="iou")
    >>> m.score("The answer is A and B.", "The set is B and C.")
    0.3333333333333333
    """

    name: ClassVar[str] = "set_match"
    summary: ClassVar[str] = "compare the sets of items the texts state"
    score_kind: str = enum("exact", ("exact", "iou", "f1"), "how the two sets are compared")
    start: str = text(" is ", "the set starts after the last occurrence of this text")
    separator: str = text(" and ", "the text between items")
    empty_marker: str = text("Nothing.", "a text that states the empty set")
    delete: str = text(".", "a text deleted before splitting")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(self, score: str = "exact", start: str = " is ", separator: str = " and ",
                 empty_marker: str = "Nothing.", delete: str = ".", normalize=None, *, normalize_pred=None,
                 normalize_ref=None, extract=None, extract_ref=None, pred=None, ref=None, combine: str = "max",
                 score_kind: str | None = None):
        init_pipeline(
            self,
            {"score_kind": score_kind or score, "start": start, "separator": separator,
             "empty_marker": empty_marker, "delete": delete, "combine": combine},
            normalize=normalize, normalize_pred=normalize_pred, normalize_ref=normalize_ref, extract=extract,
            extract_ref=extract_ref, pred=pred, ref=ref,
        )

    def _validate(self):
        from ..errors import InvalidConfig

        if not self.start or not self.separator:
            raise InvalidConfig("set_match: 'start' and 'separator' must be non-empty")

    def _read(self, s):
        return read_set(s, self.start, self.separator, self.empty_marker, self.delete)

    def _compare(self, p, rs):
        ps = self._read(p)
        scores = []
        for r in rs:
            if r is None:
                scores.append(0.0)
                continue
            gs = self._read(r)
            if self.score_kind == "exact":
                scores.append(float(gs == ps))
            elif not gs:
                scores.append(float(gs == ps))
            elif self.score_kind == "iou":
                scores.append(len(gs & ps) / len(gs | ps))
            else:
                scores.append(2 * len(gs & ps) / (len(gs) + len(ps)))
        return self._combine(scores)

    def describe(self):
        how = {"exact": "1 if the sets are equal", "iou": "intersection over union",
               "f1": "2|P∩G|/(|P|+|G|)"}[self.score_kind]
        return (f"read each text as a set ({self.empty_marker!r} is empty; delete {self.delete!r}; items after the "
                f"last {self.start!r}, split on {self.separator!r}); score: {how}")
