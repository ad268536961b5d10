"""TopLogprobMatch: the argmax of choice log-probabilities read from an API's top-N list, where a choice missing from
the list counts a fixed floor (the original MMLU evaluate.py's -100)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .._lazy import np

from ..errors import InvalidConfig
from ..units import number, register
from .choice import ChoiceMetric, Choices

__all__ = ["TopLogprobMatch"]


@register
@dataclass(frozen=True, repr=False)
class TopLogprobMatch(ChoiceMetric):
    """1.0 if the choice with the highest log-probability, each raised to at least ``floor``, is a gold choice.

    The input is each choice's log-probability as an API's top-N list reports it, and anything at or below
    ``floor`` (e.g. -inf) for a choice the list does not hold: the original MMLU evaluation (hendrycks/test
    ``evaluate.py``) reads the next-token top 100 and counts a missing letter ``-100``; so ``max(logprob, floor)``,
    then numpy's argmax (ties to the first). With several gold indices: 1 if the pick is one of them.

    >>> TopLogprobMatch().score(Choices(logprobs=[-150.0, -120.0, -130.0, -140.0], gold=0))   # all count -100
    1.0
    """

    name: ClassVar[str] = "top_logprob_match"
    summary: ClassVar[str] = ("1 if the highest choice log-probability, each raised to at least a floor (the value of "
                              "a choice missing from an API's top-N list), is a gold choice")
    floor: float = number(-100.0, "the value a choice log-probability below it counts (a choice outside the top N)")

    def _validate(self):
        f = self.floor
        if isinstance(f, bool) or not isinstance(f, (int, float)) or f != f or f in (float("inf"), float("-inf")):
            raise InvalidConfig(f"top_logprob_match: floor must be a finite number, got {f!r}")
        object.__setattr__(self, "floor", float(f))

    def floored(self, c: Choices) -> np.ndarray:
        return np.maximum(np.asarray(c.logprobs, dtype=np.float64), self.floor)

    def score(self, choices: Choices) -> float:
        self._check_choices(choices)
        return 1.0 if int(np.argmax(self.floored(choices))) in choices.golds else 0.0

    def trace(self, choices: Choices) -> dict:
        """``{"prediction": index picked, "reference": gold index (or indices), "reference_index": None}``."""
        self._check_choices(choices)
        gold = list(choices.gold) if isinstance(choices.gold, tuple) else choices.gold
        return {"prediction": int(np.argmax(self.floored(choices))), "reference": gold, "reference_index": None}

    def describe(self):
        return (f"pick the choice with the highest log-probability, each below {self.floor!r} counted as "
                f"{self.floor!r} (a choice missing from the API's top-N list; ties: first); 1 if it is gold")
