"""ProbabilityMass: the share of the choices' probability that falls on the true choices (TruthfulQA MC2)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .._lazy import np
from ..errors import InvalidInput
from ..units import enum, register
from .choice import ChoiceMetric, Choices

__all__ = ["ProbabilityMass"]


@register
@dataclass(frozen=True, repr=False)
class ProbabilityMass(ChoiceMetric):
    """The probability of the true choices divided by the probability of all choices (a value in [0, 1]).

    Each choice's probability is ``numpy.exp`` of its summed log-probability (no length normalization). Which
    choices are true: ``true_choices=gold``: the gold indices; ``leading_gold``: the choices before the first
    choice that is not gold (a gold index after it counts as false; every choice gold is an InvalidInput, as the
    harness fails there). How it is summed (the last bits differ):

    * ``summation=numpy``: ``p / numpy.sum(p)`` over all choices, then ``numpy.sum`` of the true entries (pairwise
      sums, in index order) -- lm_eval's ``truthfulqa/utils.py:process_results_mc2``;
    * ``summation=python``: the true and the other probabilities each summed with Python's ``sum`` (left to right,
      index order), the true ones divided by the sum of those two sums, then summed again with ``sum`` --
      lm_eval's ``truthfulqa-multi`` / ``tinyTruthfulQA`` form.

    When every probability underflows to 0 (or one is infinite) the value is NaN, as the harness computes it; it is
    kept, never dropped.

    >>> from evalmetrics import Choices
    >>> m = ProbabilityMass()
    >>> round(m.score(Choices(logprobs=[-1.0, -1.0, -1.0, -1.0], gold=[0, 2])), 6)
    0.5
    >>> print(m.id)
    probability_mass(true_choices=gold, summation=numpy)
    """

    name: ClassVar[str] = "probability_mass"
    summary: ClassVar[str] = "share of the choices' probability on the true choices (MC2)"
    true_choices: str = enum("gold", ("gold", "leading_gold"), "which choices count as true")
    summation: str = enum("numpy", ("numpy", "python"), "how probabilities are summed")

    def _true_mask(self, c: Choices) -> np.ndarray:
        mask = np.zeros(c.n_choices, dtype=bool)
        for g in c.golds:
            mask[g] = True
        if self.true_choices == "leading_gold":
            if mask.all():
                raise InvalidInput("every choice is gold, so there is no first false choice to split at (lm_eval "
                                   "raises ValueError here)", field="gold")
            first_false = int(np.argmin(mask))
            mask[:] = False
            mask[:first_false] = True
        return mask

    def score(self, choices: Choices) -> float:
        self._check_choices(choices)
        mask = self._true_mask(choices)
        lp = np.asarray(choices.logprobs, dtype=np.float64)
        with np.errstate(all="ignore"):
            if self.summation == "numpy":
                p = np.exp(lp)
                return float(np.sum((p / np.sum(p))[mask]))
            p_true, p_false = np.exp(lp[mask]), np.exp(lp[~mask])
            total = 0.0
            for x in p_true.tolist():
                total += x
            rest = 0.0
            for x in p_false.tolist():
                rest += x
            out = 0.0
            for x in (p_true / np.float64(total + rest)).tolist():
                out += x
            return float(out)

    def describe(self):
        which = ("the gold choices" if self.true_choices == "gold"
                 else "the choices before the first non-gold choice")
        how = ("numpy.sum of exp(log-probability) / numpy.sum over all choices" if self.summation == "numpy"
               else "Python sums: exp(log-probability) of each true choice / (sum of true + sum of the others), "
                    "summed")
        return f"probability mass on {which}: {how}"
