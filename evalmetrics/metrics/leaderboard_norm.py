"""Score normalization between a random baseline and the maximum, as the Open LLM Leaderboard v2 shows scores.

:class:`BaselineRescale` turns one raw score (a task's aggregate, 0..1) into ``0`` when it is below ``lower``, else
``(raw - lower) / (upper - lower) * scale``. :class:`LeaderboardAverage` is the plain mean of several rescaled
scores, one ``lower`` each (a benchmark with subtasks). Both are applied to aggregates, after a metric's
``Result.score``; the baselines of the leaderboard's tasks are data in ``evalmetrics/presets/open_llm_leaderboard.py``.

>>> BaselineRescale(lower=0.25).apply(0.6)
46.666666666666664
>>> BaselineRescale(lower=0.25).id
'baseline_rescale(lower=0.25, upper=1.0, scale=100.0, below=zero)'
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import InvalidConfig, InvalidInput

__all__ = ["BaselineRescale", "LeaderboardAverage"]


def _number(name, field, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidConfig(f"{name}: parameter {field!r} must be a finite number; got {value!r}", field=field)
    return float(value)


@dataclass(frozen=True)
class BaselineRescale:
    """``0`` below ``lower``; else ``(raw - lower) / (upper - lower) * scale`` (the leaderboard's
    ``normalize_within_range`` times 100). ``below``: ``zero`` (the leaderboard) or ``negative`` (no floor)."""

    lower: float
    upper: float = 1.0
    scale: float = 100.0
    below: str = "zero"

    def __post_init__(self):
        for f in ("lower", "upper", "scale"):
            object.__setattr__(self, f, _number("baseline_rescale", f, getattr(self, f)))
        if not self.upper > self.lower:
            raise InvalidConfig(f"baseline_rescale: 'upper' ({self.upper}) must be above 'lower' ({self.lower})",
                                field="upper")
        if self.below not in ("zero", "negative"):
            raise InvalidConfig(f"baseline_rescale: parameter 'below' must be 'zero' or 'negative'; got {self.below!r}",
                                field="below")

    @property
    def id(self) -> str:
        return (f"baseline_rescale(lower={self.lower!r}, upper={self.upper!r}, scale={self.scale!r}, "
                f"below={self.below})")

    def apply(self, raw: float) -> float:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or math.isnan(raw):
            raise InvalidInput(f"baseline_rescale: the raw score must be a number; got {raw!r}", field="score")
        if raw < self.lower and self.below == "zero":
            return 0.0
        return (raw - self.lower) / (self.upper - self.lower) * self.scale

    def describe(self) -> str:
        floor = "0 below the baseline, else " if self.below == "zero" else ""
        return (f"{floor}(score - {self.lower!r}) / ({self.upper!r} - {self.lower!r}) x {self.scale!r}: the random "
                f"baseline becomes 0, the maximum {self.scale!r}")


@dataclass(frozen=True)
class LeaderboardAverage:
    """The plain mean of the subtasks' rescaled scores (:class:`BaselineRescale` with each subtask's ``lower``).

    >>> LeaderboardAverage(lowers=(0.5, 0.2)).apply([0.75, 0.2])
    25.0
    """

    lowers: tuple
    upper: float = 1.0
    scale: float = 100.0

    def __post_init__(self):
        if not self.lowers:
            raise InvalidConfig("leaderboard_average: 'lowers' must name at least one subtask", field="lowers")
        object.__setattr__(self, "lowers", tuple(_number("leaderboard_average", "lowers", v) for v in self.lowers))

    @property
    def id(self) -> str:
        return (f"leaderboard_average(lowers=[{', '.join(repr(v) for v in self.lowers)}], upper={self.upper!r}, "
                f"scale={self.scale!r})")

    def apply(self, raws) -> float:
        raws = list(raws)
        if len(raws) != len(self.lowers):
            raise InvalidInput(f"leaderboard_average: {len(raws)} scores for {len(self.lowers)} subtasks",
                               field="scores")
        parts = [BaselineRescale(lower=lo, upper=self.upper, scale=self.scale).apply(r)
                 for lo, r in zip(self.lowers, raws)]
        return sum(parts) / len(parts)
