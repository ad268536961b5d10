"""OLMES's task score: the better of a task's two formulations, multiple choice (MCF) and cloze (CF)."""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import InvalidInput

__all__ = ["FormulationChoice", "better_formulation"]


@dataclass(frozen=True)
class FormulationChoice:
    """The reported task score and the formulation it came from (``"rc"``: cloze, ``"mc"``: multiple choice),
    with both inputs kept: ``rc`` and ``mc``."""

    score: float
    formulation: str
    rc: float
    mc: float

    @property
    def used_mc(self) -> bool:
        return self.formulation == "mc"


def _number(value, field: str) -> float:
    score = getattr(value, "score", value)  # an em.Result or a number
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        got = "None" if score is None else type(score).__name__
        raise InvalidInput(f"expected a task score (a number or an evalmetrics Result), got {got}", field=field)
    score = float(score)
    if math.isnan(score):
        raise InvalidInput("the task score is NaN", field=field)
    return score


def better_formulation(rc, mc) -> FormulationChoice:
    """OLMES's rule: evaluate a task in both formulations and report the higher task score.

    ``rc``: the task score in the cloze formulation (CF; oe-eval calls it ``rc``, ranked classification: the model
    scores each answer text, with the task's normalization, e.g. ``olmes:arc_challenge``); ``mc``: the task score in
    the multiple-choice formulation (MCF: the choices are listed with letters and the model scores " A", " B", ...,
    ``olmes:arc_challenge`` with ``formulation="mc"``). Each is a number or an ``em.Result`` (its ``.score``), the
    mean over the same questions. The result is ``max(rc, mc)``; equal scores report the cloze formulation (OLMES
    lists CF before MCF and keeps the first of equal scores). This compares two task-level means: it is not a
    per-question maximum.

    >>> better_formulation(0.314, 0.297)
    FormulationChoice(score=0.314, formulation='rc', rc=0.314, mc=0.297)
    >>> better_formulation(0.568, 0.62).used_mc
    True
    """
    r = _number(rc, "rc")
    m = _number(mc, "mc")
    if m > r:
        return FormulationChoice(m, "mc", r, m)
    return FormulationChoice(r, "rc", r, m)
