"""Emotion-intensity ratings against a reference rating (EQ-Bench's full-scale score)."""
from __future__ import annotations

import ast
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from .. import _regex
from ..errors import InvalidInput
from ..units import enum, register
from .base import GenerativeMetric, check_text

__all__ = ["EmotionRatings"]

_PAIR = r"(\w+):\s+(\d+)"


@functools.lru_cache(maxsize=1)
def _pair_pattern():
    return _regex.compile_pattern(_PAIR, "emotion_ratings")


def _reference(value, index) -> dict:
    """The reference ratings: a mapping with emotion1..4 and emotion1_score..4_score, or its Python literal text (what
    EQ-Bench's ``reference_answer_fullscale`` field holds)."""
    ref = value
    if isinstance(value, str):
        try:
            ref = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise InvalidInput("the reference is not a Python literal of a mapping", index=index,
                               field="references") from None
    if not isinstance(ref, Mapping):
        raise InvalidInput(f"expected a mapping of emotion1..4 and emotion1_score..4_score, got {type(ref).__name__}",
                           index=index, field="references")
    for i in range(1, 5):
        for key in (f"emotion{i}", f"emotion{i}_score"):
            if key not in ref:
                raise InvalidInput(f"the key {key!r} is missing", index=index, field="references")
        try:
            float(ref[f"emotion{i}_score"])
        except (TypeError, ValueError):
            raise InvalidInput(f"emotion{i}_score is not a number: {ref[f'emotion{i}_score']!r}", index=index,
                               field="references") from None
    return dict(ref)


@register
@dataclass(frozen=True, repr=False)
class EmotionRatings(GenerativeMetric):
    """How close four emotion ratings in the output are to the reference's ratings (EQ-Bench, full scale).

    The output's ratings are every ``word: digits`` pair (regex ``(\\w+):\\s+(\\d+)``; a word seen twice keeps its
    last rating). Unless there are exactly 4 distinct words and each names one of the reference's four emotions,
    the output is unparseable: ``value=score`` gives 0 and ``value=parseable`` gives 0. Otherwise ``parseable`` is
    100 and, with ``d`` the absolute difference of each rating from the reference's (counted once per reference
    emotion of that name), each ``d`` adds 0 if ``d == 0``, ``6.5 / (1 + e ** (-1.2 * (d - 4)))`` if ``d <= 5``,
    else ``d`` to a tally; ``score`` is ``(10 - tally * 0.7477) * 10``. The reference is a mapping of
    ``emotion1``..``emotion4`` and ``emotion1_score``..``emotion4_score``, or its Python literal text.

    >>> ref = {"emotion1": "Joy", "emotion1_score": 7, "emotion2": "Fear", "emotion2_score": 0,
    ...        "emotion3": "Anger", "emotion3_score": 2, "emotion4": "Pride", "emotion4_score": 5}
    >>> EmotionRatings().score("Joy: 7\\nFear: 0\\nAnger: 2\\nPride: 5", [ref]), EmotionRatings().score("Joy: 7", [ref])
    (100.0, 0.0)
    """

    name: ClassVar[str] = "emotion_ratings"
    summary: ClassVar[str] = "closeness of four emotion ratings to the reference's (EQ-Bench full scale)"
    value: str = enum("score", ("score", "parseable"), "score: the EQ-Bench score; parseable: 100 if the ratings "
                                                       "parse and name the reference's emotions, else 0")
    score_usage: ClassVar[str] = (
        "score(prediction, references): the output text and the reference ratings (a mapping of emotion1..4 and "
        "emotion1_score..4_score, or its Python literal text), e.g. m.score(\"Joy: 7 ...\", ref)")

    def _check_refs(self, value, index):
        if isinstance(value, (str, Mapping)):
            return (_reference(value, index),)
        if isinstance(value, (list, tuple)) and len(value) == 1:
            return (_reference(value[0], index),)
        got = "None" if value is None else type(value).__name__
        raise InvalidInput(f"expected one reference rating (a mapping or its literal text), got {got}", index=index,
                           field="references")

    def _score_refs(self, prediction, refs, cache):
        ref = refs[0]
        user = dict(_regex.findall(_pair_pattern(), check_text(prediction, None, "prediction")))
        emotions = [ref[f"emotion{i}"] for i in range(1, 5)]
        if len(user) != 4 or any(e not in emotions for e in user):
            return 0.0
        if self.value == "parseable":
            return 100.0
        tally = 0
        for emotion, rating in user.items():
            for i in range(1, 5):
                if emotion == ref[f"emotion{i}"]:
                    d = abs(float(rating) - float(ref[f"emotion{i}_score"]))
                    if d == 0:
                        scaled = 0
                    elif d <= 5:
                        scaled = 6.5 * (1 / (1 + math.e ** (-1.2 * (d - 4))))
                    else:
                        scaled = d
                    tally += scaled
        return float((10 - (tally * 0.7477)) * 10)

    def describe(self):
        if self.value == "parseable":
            return "100 if the output rates exactly four emotions, all the reference's, else 0"
        return ("EQ-Bench full-scale score: 10 minus 0.7477 x the tally of S-scaled rating differences, x10 "
                "(0 if the output does not rate exactly the reference's four emotions)")
