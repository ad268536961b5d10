"""Text metrics whose comparison is not one processed string against another: a match that compares numbers
when the reference is a number and text otherwise, a match of a regular expression's groups against the
references, and a per-sample rounding of another metric's value."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from .. import _regex
from .._lazy import np
from ..errors import InvalidConfig
from ..number_steps import NUMBER_TRIM, format_significant, read_number
from ..units import REQUIRED, enum, flag, integer, register, run_steps, steps, text, unit_field
from .base import GenerativeMetric
from .match import _FORMER_MODES, _MODE_WORDS
from .pipelined import COMBINE, COMBINE_WORDS, PipelinedMetric, init_pipeline
from .rounded import ScoresWithMetric

__all__ = ["NumberOrTextMatch", "RegexGroupsMatch", "RoundedScore"]

_WORDS = re.compile(r"\s+")
_LOCATION_WORDS = {
    "whole": "the whole prediction, read as one number (no trimming)",
    "first": "the first whitespace-separated word of the prediction that reads as a number",
    "last": "the last whitespace-separated word of the prediction that reads as a number",
    "any": "any whitespace-separated word of the prediction that reads as a number",
}


@register
@dataclass(frozen=True, repr=False, init=False)
class NumberOrTextMatch(PipelinedMetric):
    """A reference that reads as a number is compared as a number; any other reference as text.

    After ``pred`` / ``ref`` steps, each reference decides its own comparison:

    * it reads as a finite number (:func:`evalmetrics.number_steps.read_number`, after trimming ``trim``
      characters at its edges): the prediction goes through ``number_steps``, is cut into whitespace-separated
      words, and the number at ``number_location`` (``whole``: the whole text, untrimmed; ``first`` / ``last`` /
      ``any``: words that read as numbers) must equal the reference's number when both are written with
      ``significant_digits`` significant digits (``format(x, ".5g")``): 123456 matches 123459, 0.1 + 0.2 matches
      0.3. No number in the prediction: no match. Text containment is never tried for a number reference
      ("25" does not end with "5" here);
    * otherwise: ``text_steps`` on both texts, then ``mode`` as in ``ExactMatch``.

    Several references: ``combine``. Inspect AI's ``match(numeric=True)`` is this metric.

    >>> from evalmetrics.number_steps import StripNumberFormatting
    >>> m = NumberOrTextMatch(number_location="last", number_steps=[StripNumberFormatting()])
    >>> m.score("so the total is 123,459", "123456"), m.score("about 123,500", "123456"), m.score("Paris", "Paris")
    (1.0, 0.0, 1.0)
    """

    name: ClassVar[str] = "number_or_text_match"
    summary: ClassVar[str] = "numbers compared to N significant digits when the reference is a number, else text match"
    mode: str = enum("prediction_ends_with_reference",
                     ("full", "prediction_starts_with_reference", "prediction_ends_with_reference",
                      "prediction_contains_reference"), "text comparison (references that are not numbers)",
                     former=_FORMER_MODES)
    text_steps: tuple = steps("steps applied to both texts before a text comparison")
    number_location: str = enum("last", tuple(_LOCATION_WORDS), "where the prediction's number is read")
    number_steps: tuple = steps("steps applied to the prediction before its numbers are read")
    significant_digits: int = integer(5, "significant digits both numbers are written with before comparing",
                                      minimum=1)
    trim: str = text(NUMBER_TRIM, "characters trimmed from a word's edges before it is read as a number")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(self, mode: str = "prediction_ends_with_reference", normalize=None, *, text_steps=(),
                 number_location: str = "last", number_steps=(), significant_digits: int = 5,
                 trim: str = NUMBER_TRIM, normalize_pred=None, normalize_ref=None, extract=None, extract_ref=None,
                 pred=None, ref=None, combine: str = "max"):
        init_pipeline(self, {"mode": mode, "text_steps": tuple(text_steps), "number_location": number_location,
                             "number_steps": tuple(number_steps), "significant_digits": significant_digits,
                             "trim": trim, "combine": combine},
                      normalize=normalize, normalize_pred=normalize_pred, normalize_ref=normalize_ref,
                      extract=extract, extract_ref=extract_ref, pred=pred, ref=ref)

    def _written(self, word: str, trim: str) -> str | None:
        v = read_number(word, trim)
        return None if v is None else format_significant(v, self.significant_digits)

    def _one(self, p: str, r: str) -> float:
        target = self._written(r, self.trim)
        if target is None:
            a, b = run_steps(self.text_steps, p), run_steps(self.text_steps, r)
            if a is None or b is None:
                return 0.0
            m = self.mode
            if m == "full":
                return float(a == b)
            if m == "prediction_starts_with_reference":
                return float(a.startswith(b))
            if m == "prediction_ends_with_reference":
                return float(a.endswith(b))
            return float(b in a)
        v = run_steps(self.number_steps, p)
        if v is None:
            return 0.0
        if self.number_location == "whole":
            return float(self._written(v, "") == target)
        words = _WORDS.split(v)
        if self.number_location == "last":
            words.reverse()
        for w in words:
            got = self._written(w, self.trim)
            if got is None:
                continue
            if got == target:
                return 1.0
            if self.number_location != "any":
                return 0.0
        return 0.0

    def _compare(self, p, rs):
        scores = []
        for r in rs:
            s = 0.0 if r is None else self._one(p, r)
            if s == 1.0 and self.combine != "mean":
                return 1.0
            scores.append(s)
        return self._combine(scores)

    def describe(self):
        ex = format_significant(123456.0, self.significant_digits)
        return (f"a reference that reads as a number: compare it with {_LOCATION_WORDS[self.number_location]}, "
                f"both written with {self.significant_digits} significant digits (123456 and 123459 both become "
                f"{ex!r}, so they match); any other reference: {_MODE_WORDS[self.mode]}; several references: "
                f"{COMBINE_WORDS[self.combine]}")

    def pipeline(self):
        out = super().pipeline()
        out += [("text comparison, both", s) for s in self.text_steps]
        out += [("number comparison, prediction", s) for s in self.number_steps]
        return out


@register
@dataclass(frozen=True, repr=False)
class RegexGroupsMatch(GenerativeMetric):
    """Search the prediction for ``pattern``; its capture groups (the whole match when it has none) are the
    answers, each compared for equality with the references after ``normalize`` steps on both.

    ``ignore_case`` makes the search case-insensitive (it does not change the comparison: put ``lowercase`` in
    ``normalize`` for that). ``require=any``: 1 if some group that took part in the match equals a reference;
    ``require=all``: 1 if every group that took part does (and at least one did). No match: 0.
    ``empty_answer_scores_zero`` (Inspect AI's verdict is the truth of the answer it reports): under ``any`` the
    first group (in order) that equals a reference is the answer, and an empty one scores 0 even if a later group
    matches; under ``all`` the answer is the references joined, so all-empty references score 0.

    >>> m = RegexGroupsMatch(pattern=r"ANSWER: (\\w+)", ignore_case=True)
    >>> m.score("answer: B", ["B", "C"]), m.score("no answer here", "B")
    (1.0, 0.0)
    """

    name: ClassVar[str] = "regex_groups_match"
    summary: ClassVar[str] = "a regular expression's groups compared with the references"
    pattern: str = text(REQUIRED, "the regular expression searched for (Python re syntax)")
    ignore_case: bool = flag(False, "search case-insensitively")
    require: str = enum("any", ("any", "all"), "which groups must equal a reference")
    normalize: tuple = steps("steps applied to each group and each reference before comparing")
    empty_answer_scores_zero: bool = flag(False, "an empty answer (first matching group, or joined references "
                                                 "under all) scores 0")

    def _validate(self):
        self._compiled  # noqa: B018 - an invalid pattern is an InvalidConfig at construction

    @property
    def _compiled(self):
        try:
            return self.__dict__["_re"]
        except KeyError:
            pat = ("(?i)" + self.pattern) if self.ignore_case else self.pattern
            v = _regex.compile_pattern(pat, self.name)
            object.__setattr__(self, "_re", v)
            return v

    def _score_refs(self, prediction, refs, cache):
        m = _regex.search(self._compiled, prediction)
        if m is None:
            return 0.0
        groups = [g for g in (m.groups() or (m.group(0),)) if isinstance(g, str)]
        targets = {run_steps(self.normalize, r) for r in refs}
        hits = [run_steps(self.normalize, g) in targets for g in groups]
        strict = self.empty_answer_scores_zero
        if self.require == "any":
            first = next((g for g, hit in zip(groups, hits) if hit), None)
            return float(first is not None and (first != "" or not strict))
        return float(bool(hits) and all(hits) and (not strict or any(r != "" for r in refs)))

    def describe(self):
        case = " case-insensitively" if self.ignore_case else ""
        which = "some group equals" if self.require == "any" else "every group that matched equals"
        empty = ""
        if self.empty_answer_scores_zero:
            empty = ("; the first group equal to a reference decides, and an empty one scores 0"
                     if self.require == "any" else "; all references empty scores 0")
        return (f"search the prediction{case} for the regex {_regex.shown(self.pattern)} (no match: 0); its groups "
                f"(the whole match if none) are the answers: 1 if {which} a reference{empty}")

    def pipeline(self):
        return [("both", s) for s in self.normalize]

    @classmethod
    def example(cls):
        return cls(pattern=r"ANSWER: (\w+)")


@register
@dataclass(frozen=True, repr=False)
class RoundedScore(ScoresWithMetric, GenerativeMetric):
    """``metric``'s per-sample value rounded by Python's ``round(x, decimals)``; the score is the mean of the
    rounded values. Inspect AI's ``f1`` rounds each sample's F1 to 2 decimals.

    >>> from evalmetrics import F1
    >>> F1().score("a b c", "a"), RoundedScore(metric=F1(), decimals=2).score("a b c", "a")
    (0.5, 0.5)
    >>> round(F1().score("a b c d e f", "a"), 4), RoundedScore(metric=F1(), decimals=2).score("a b c d e f", "a")
    (0.2857, 0.29)
    """

    name: ClassVar[str] = "rounded_score"
    summary: ClassVar[str] = "a metric's per-sample value rounded to some decimals (Python round)"
    metric: Any = unit_field(None, "the metric scoring each sample")
    decimals: int = integer(2, "decimals kept by Python's round, per sample", minimum=0)

    def _score_refs(self, prediction, refs, cache):
        return round(self.metric._score_refs(prediction, refs, cache), self.decimals)

    def compute(self, predictions, references, *, progress=None):
        r = self.metric.compute(predictions, references, progress=progress)
        vals = np.array([round(float(v), self.decimals) for v in r.per_sample], dtype=np.float64)
        return self._result(vals, list(r.timeout_indices))

    def describe(self):
        return f"{self.metric.describe()}; each sample's value rounded to {self.decimals} decimals (Python round)"
