"""SQuAD v2.0's corpus figures over answerable and unanswerable questions: the mean over one kind of question
(``HasAns_*`` / ``NoAns_*``) and the best score over no-answer thresholds (``best_exact`` / ``best_f1``).

A sample's references are SQuAD's answers mapping (``{"text": [...], "answer_start": [...]}``, the dataset's
``answers`` field, which lm_eval passes on) or a string / non-empty list of strings. A question is *answerable* when
its answer texts are not empty (the official script's ``bool(answers)``, before any normalization: an answer that
normalizes to "" still makes the question answerable); ``{"text": []}`` is a question without an answer, and the
per-sample metric then scores the output against "" (the script's ``[""]``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from .._lazy import np
from ..errors import InvalidConfig, InvalidInput
from ..units import flag, number, register, unit_field
from .base import GenerativeMetric, at_sample, check_column, check_references, check_text
from .rounded import ScoresWithMetric

__all__ = ["AnswerableMean", "BestNoAnswerThreshold"]


def _answers(value, index):
    """A sample's answers as a tuple (empty: the question has no answer).

    ``value``: SQuAD's answers mapping (``{"text": [...], ...}``, the dataset's ``answers`` field; an empty
    ``text`` list is a question without an answer), or a string or non-empty list of strings (answerable)."""
    from collections.abc import Mapping

    if not isinstance(value, Mapping):
        if isinstance(value, (list, tuple)) and len(value) == 0:
            raise InvalidInput("the list of answers is empty; a question without an answer is SQuAD's answers "
                               "mapping with no text: {\"text\": []}", index=index, field="references")
        return check_references(value, index)
    if "text" not in value:
        raise InvalidInput("expected SQuAD's answers mapping with a 'text' list, got no 'text' key", index=index,
                           field="references")
    texts = value["text"]
    if isinstance(texts, (str, bytes)) or not isinstance(texts, (list, tuple)):
        raise InvalidInput(f"expected the answers' 'text' to be a list of strings, got {type(texts).__name__}",
                           index=index, field="references")
    for j, t in enumerate(texts):
        if not isinstance(t, str):
            got = "None" if t is None else type(t).__name__
            raise InvalidInput(f"answer {j} is {got}, expected a string", index=index, field="references")
    return tuple(texts)


class _SquadV2Corpus(ScoresWithMetric, GenerativeMetric):
    """Shared by both metrics: ``metric`` scores each sample (against "" when it has no answer); references are
    SQuAD v2.0 answer lists (empty: no answer)."""

    def _validate(self):
        super()._validate()
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise InvalidConfig(f"{self.name}: parameter 'scale' must be a positive finite number; got {self.scale}")

    def _check_refs(self, value, index):
        return _answers(value, index)

    def _score_refs(self, prediction, refs, cache):
        return self.metric._score_refs(prediction, refs or ("",), cache)

    def _trace(self, prediction, refs, cache=None):
        return self.metric._trace(prediction, refs or ("",), cache)

    def _raw(self, predictions, references):
        """(outputs, answers, per-sample values) of every sample, errors naming the sample."""
        preds, refs_all = self._check_lengths(predictions, references)
        outs, answers, values = [], [], []
        cache: dict = {}
        for i, (p, r) in enumerate(zip(preds, refs_all)):
            p = check_text(p, i, "prediction")
            a = _answers(r, i)
            try:
                v = self.metric._score_refs(p, a or ("",), cache)
            except InvalidInput as e:
                raise at_sample(e, i) from None
            outs.append(p)
            answers.append(a)
            values.append(float(v))
        return outs, answers, values

    def _corpus(self, score: float, per_sample: list, why: str):
        from .._version import __version__
        from ..result import Result

        per = np.asarray(per_sample, dtype=np.float64)
        per.setflags(write=False)
        return Result(score=float(score), per_sample=per, n=len(per), stderr=float("nan"), metric_id=self.id,
                      aggregation=self.aggregation, stderr_method=f"none: {why}",
                      provenance={"evalmetrics": __version__})


@register
@dataclass(frozen=True, repr=False)
class AnswerableMean(_SquadV2Corpus):
    """The mean of ``metric`` over the answerable questions only (``answerable=true``) or the unanswerable ones only
    (``answerable=false``), times ``scale``: SQuAD v2.0's ``HasAns_exact`` / ``HasAns_f1`` / ``NoAns_exact`` /
    ``NoAns_f1``.

    references: per sample SQuAD's answers mapping (``{"text": []}``: no answer, scored against "") or its answers.
    The score is ``scale * sum / count`` (Python's ``sum`` of the subset's values in input order, the script's
    ``100.0 * sum(...) / total`` with ``scale=100``); no question of that kind: 0.0 (the figure is absent from the
    script's output and lm_eval reports its default, 0). ``per_sample``: the metric's value for the samples of that
    kind, NaN for the others. No threshold applies: a no-answer probability ``exp(log-probability)`` never exceeds
    the script's threshold 1.0.

    >>> from evalmetrics import ExactMatch
    >>> AnswerableMean(metric=ExactMatch()).compute(["a", "b", ""], [["a"], ["a"], {"text": []}]).score
    0.5
    """

    name: ClassVar[str] = "answerable_mean"
    summary: ClassVar[str] = "mean of a metric over the answerable (or the unanswerable) questions only, SQuAD v2.0"
    aggregation: ClassVar[str] = "answerable_mean"
    compute_usage: ClassVar[str] = (
        "compute(predictions, references): per sample SQuAD's answers mapping ({\"text\": []}: no answer) or its "
        "answers, e.g. m.compute([\"Paris\", \"\"], [[\"Paris\"], {\"text\": []}])")
    metric: Any = unit_field(None, "the metric scoring each sample (against \"\" when it has no answer)")
    answerable: bool = flag(True, "true: the questions with an answer; false: those without one")
    scale: float = number(1.0, "the factor the mean is multiplied by (100.0: SQuAD's percent)")

    def compute(self, predictions, references, *, progress=None):
        _, answers, values = self._raw(predictions, references)
        chosen = [bool(a) == self.answerable for a in answers]
        subset = [v for v, c in zip(values, chosen) if c]
        score = self.scale * sum(subset) / len(subset) if subset else 0.0
        per = [v if c else float("nan") for v, c in zip(values, chosen)]
        return self._corpus(score, per, "lm_eval reports N/A for SQuAD v2.0's corpus figures")

    def describe(self):
        kind = "with an answer" if self.answerable else "without an answer (scored against '')"
        return (f"{self.metric.describe()}; the score is {self.scale:g} x the mean over the questions {kind} only "
                f"(none: 0)")


@register
@dataclass(frozen=True, repr=False)
class BestNoAnswerThreshold(_SquadV2Corpus):
    """SQuAD v2.0's ``best_exact`` / ``best_f1``: the best corpus score over every threshold on the no-answer
    probability (a question whose probability is above the threshold is answered "no answer").

    ``compute(predictions, references, no_answer_logprobs)``: ``no_answer_logprobs[i]`` is sample i's log-probability
    of having no answer (lm_eval's squadv2: the log-likelihood of " unanswerable" after the prompt); its probability
    is ``math.exp`` of it. Starting from every question answered "no answer" (the count of unanswerable questions),
    the questions are taken in ascending order of probability (ties: input order, Python's stable ``sorted``), each
    adding its ``metric`` value if it has an answer, and -1 if it has none and the output is not empty (0 if empty);
    the best running total (a later equal total does not replace it) times ``scale`` over the number of questions is
    the score. ``per_sample``: NaN (a corpus figure).

    >>> from evalmetrics import ExactMatch
    >>> m = BestNoAnswerThreshold(metric=ExactMatch())
    >>> m.compute(["a", "x", "b"], [["a"], {"text": []}, ["c"]], [-3.0, -2.0, -1.0]).score  # answer only "a"
    0.6666666666666666
    """

    name: ClassVar[str] = "best_no_answer_threshold"
    summary: ClassVar[str] = "best corpus score over no-answer probability thresholds, SQuAD v2.0 (best_exact/_f1)"
    aggregation: ClassVar[str] = "best_no_answer_threshold"
    sample_context: ClassVar[str] = "no_answer_logprobs"
    score_usage: ClassVar[str] = (
        "score(prediction, references, no_answer_logprob): one question, e.g. m.score(\"Paris\", [\"Paris\"], -2.5)")
    compute_usage: ClassVar[str] = (
        "compute(predictions, references, no_answer_logprobs): outputs, per sample SQuAD's answers mapping "
        "({\"text\": []}: no answer) and its log-probability of no answer, e.g. "
        "m.compute([\"Paris\", \"\"], [[\"Paris\"], {\"text\": []}], [-3.1, -0.2])")
    metric: Any = unit_field(None, "the metric scoring each answerable question")
    scale: float = number(1.0, "the factor the best share is multiplied by (100.0: SQuAD's percent)")

    def score(self, prediction, references, no_answer_logprob=None) -> float:
        return self.compute([prediction], [references], [no_answer_logprob]).score

    def compute(self, predictions, references, no_answer_logprobs=None, *, progress=None):
        outs, answers, values = self._raw(predictions, references)
        probs = _probabilities(no_answer_logprobs, len(outs), self.name)
        total = sum(1 for a in answers if not a)
        best = total
        for i in sorted(range(len(outs)), key=lambda i: probs[i]):
            if answers[i]:
                total += values[i]
            elif outs[i]:
                total += -1
            if total > best:
                best = total
        return self._corpus(self.scale * best / len(outs), [float("nan")] * len(outs),
                            "lm_eval reports N/A for SQuAD v2.0's corpus figures")

    def describe(self):
        return (f"{self.metric.describe()}; the score is {self.scale:g} x the best share over thresholds on the "
                f"no-answer probability exp(log-probability): questions above the threshold count as answered 'no "
                f"answer' (right when they have none)")


_LOGPROBS = "no_answer_logprobs"


def _probabilities(column, n: int, metric: str) -> list:
    """exp of each sample's no-answer log-probability (a finite or -inf float, at most 0)."""
    values = check_column(column, n, metric, _LOGPROBS, "one no-answer log-probability per sample (the "
                          "log-likelihood of the task's no-answer continuation)")
    out = []
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            got = "None" if v is None else type(v).__name__
            raise InvalidInput(f"expected a log-probability (a number), got {got}", index=i, field=_LOGPROBS)
        v = float(v)
        if math.isnan(v) or v > 0:
            raise InvalidInput(f"a log-probability is at most 0 (and not NaN), got {v!r}", index=i, field=_LOGPROBS)
        out.append(math.exp(v))
    return out

