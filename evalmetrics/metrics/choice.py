"""Multiple-choice metrics over choice log-likelihoods: the Choices record and LoglikelihoodMatch."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Iterable

from .._lazy import np

from ..errors import InvalidInput
from ..units import enum, integer, register
from .base import Metric

__all__ = ["Choices", "LoglikelihoodMatch", "GreedyMatch", "ChoiceRank"]


def _seq(values, field: str, what: str) -> list:
    """A list/tuple/1-D array as a list; anything else is an InvalidInput naming the field."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        return values.tolist()
    if not isinstance(values, (list, tuple)):
        got = "None" if values is None else type(values).__name__
        raise InvalidInput(f"expected a list of {what}, got {got}", field=field)
    return list(values)


def _floats(values, field: str, n: int | None = None) -> tuple[float, ...]:
    seq = _seq(values, field, "numbers")
    out = []
    for j, v in enumerate(seq):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise InvalidInput(f"entry {j} is {type(v).__name__}, expected a number", field=field)
        f = float(v)
        if math.isnan(f):
            raise InvalidInput(f"entry {j} is NaN", field=field)
        out.append(f)
    if n is not None and len(out) != n:
        raise InvalidInput(f"has {len(out)} entries but there are {n} choices", field=field)
    return tuple(out)


@dataclass(frozen=True)
class Choices:
    """One multiple-choice sample: a summed log-probability per choice and the gold index (or indices).

    ``texts`` are the choice strings exactly as the task defines them (lm_eval: ``doc_to_choice`` output,
    without the target delimiter; lighteval: ``Doc.choices``, which often start with a space); length
    normalizations use exactly these strings. ``token_counts``: tokens per choice continuation.
    ``unconditioned_logprobs``: log p(choice) without the question (for PMI). ``is_greedy``: whether each
    continuation is the model's greedy decoding.

    >>> c = Choices(logprobs=[-1.0, -2.8], gold=1, texts=["a", "abc"])
    >>> c.n_choices
    2
    """

    logprobs: tuple
    gold: object
    texts: tuple | None = None
    token_counts: tuple | None = None
    unconditioned_logprobs: tuple | None = None
    is_greedy: tuple | None = None

    def __post_init__(self):
        lp = _floats(self.logprobs, "logprobs")
        if not lp:
            raise InvalidInput("there are no choices", field="logprobs")
        n = len(lp)
        object.__setattr__(self, "logprobs", lp)
        gold = self.gold
        if isinstance(gold, (bool, np.bool_)) or gold is None:
            raise InvalidInput(f"expected a choice index or a list of indices, got {gold!r}", field="gold")
        if isinstance(gold, (int, np.integer)):
            golds = (int(gold),)
        elif isinstance(gold, (list, tuple)) and gold and all(
            isinstance(g, (int, np.integer)) and not isinstance(g, bool) for g in gold
        ):
            golds = tuple(int(g) for g in gold)
        else:
            raise InvalidInput(f"expected a choice index or a non-empty list of indices, got {gold!r}", field="gold")
        for g in golds:
            if not 0 <= g < n:
                raise InvalidInput(f"gold index {g} is out of range for {n} choices", field="gold")
        object.__setattr__(self, "gold", golds[0] if isinstance(gold, (int, np.integer)) else golds)
        if self.texts is not None:
            t = tuple(_seq(self.texts, "texts", "strings"))
            if not all(isinstance(x, str) for x in t):
                raise InvalidInput("expected a list of strings", field="texts")
            if len(t) != n:
                raise InvalidInput(f"has {len(t)} entries but there are {n} choices", field="texts")
            object.__setattr__(self, "texts", t)
        if self.token_counts is not None:
            tc = _seq(self.token_counts, "token_counts", "non-negative integers")
            if not all(
                isinstance(x, (int, np.integer)) and not isinstance(x, bool) and x >= 0 for x in tc
            ):
                raise InvalidInput("expected a list of non-negative integers", field="token_counts")
            tc = tuple(int(x) for x in tc)
            if len(tc) != n:
                raise InvalidInput(f"has {len(tc)} entries but there are {n} choices", field="token_counts")
            object.__setattr__(self, "token_counts", tc)
        if self.unconditioned_logprobs is not None:
            object.__setattr__(
                self, "unconditioned_logprobs", _floats(self.unconditioned_logprobs, "unconditioned_logprobs", n)
            )
        if self.is_greedy is not None:
            g = _seq(self.is_greedy, "is_greedy", "booleans")
            if not all(isinstance(x, (bool, np.bool_)) for x in g):
                raise InvalidInput("expected a list of booleans", field="is_greedy")
            g = tuple(bool(x) for x in g)
            if len(g) != n:
                raise InvalidInput(f"has {len(g)} entries but there are {n} choices", field="is_greedy")
            object.__setattr__(self, "is_greedy", g)

    @property
    def n_choices(self) -> int:
        return len(self.logprobs)

    @property
    def golds(self) -> tuple[int, ...]:
        return self.gold if isinstance(self.gold, tuple) else (self.gold,)


CHOICE_SCORE_USAGE = (
    "score(choices): one evalmetrics.Choices (a summed log-probability per choice and the gold index), not text, "
    "e.g. m.score(em.Choices(logprobs=[-1.2, -0.7], gold=1, texts=[\"Paris\", \"Rome\"]))")
CHOICE_COMPUTE_USAGE = (
    "compute(samples): a list of evalmetrics.Choices, one per question, "
    "e.g. m.compute([em.Choices(logprobs=[-1.2, -0.7], gold=1), em.Choices(logprobs=[-0.1, -2.0], gold=0)])")


def _not_choices(metric, value, index: int | None = None):
    got = "None" if value is None else type(value).__name__
    raise InvalidInput(f"{metric.name} scores multiple-choice log-probabilities: expected "
                       f"{CHOICE_SCORE_USAGE}; got {got}", index=index, field="choices")


def choice_list(samples, name: str) -> list:
    """``compute``'s samples as a list: a list of Choices is expected (a single Choices, text or None is an
    InvalidInput naming ``name``, the metric); an empty one is an InvalidInput too."""
    if isinstance(samples, (str, bytes, Choices, dict)) or samples is None or not isinstance(samples, Iterable):
        got = "None" if samples is None else type(samples).__name__
        raise InvalidInput(f"{name} expected {CHOICE_COMPUTE_USAGE}; got {got}", field="choices")
    items = list(samples)
    if not items:
        raise InvalidInput("no samples to score", field="choices")
    return items


class ChoiceMetric(Metric):
    """Base of the metrics that score multiple-choice log-probabilities: ``score(choices)`` takes one
    :class:`Choices`; ``compute(samples)`` scores a list of them one by one and averages (a subclass with another
    aggregation overrides it)."""

    request_type: ClassVar[str] = "multiple_choice"
    score_usage: ClassVar[str] = CHOICE_SCORE_USAGE
    compute_usage: ClassVar[str] = CHOICE_COMPUTE_USAGE

    def _check_choices(self, choices) -> None:
        if not isinstance(choices, Choices):
            _not_choices(self, choices)

    def compute(self, samples: Iterable[Choices], *, progress: bool | None = None):
        items = choice_list(samples, self.name)
        values = np.empty(len(items), dtype=np.float64)
        for i, c in enumerate(items):
            try:
                values[i] = self.score(c)
            except InvalidInput as e:
                raise InvalidInput(e.reason, index=i, field=e.field) from None
        return self._result(values, [])


_NORM_WORDS = {
    "none": "summed log-probability",
    "char": "log-probability divided by the number of characters of the choice text",
    "char_nospace": "log-probability divided by the choice text's characters, not counting one leading space",
    "token": "log-probability divided by the choice's token count",
    "byte": "log-probability divided by the UTF-8 bytes of the choice text",
    "pmi": "log-probability minus the unconditioned log-probability (PMI)",
    "bits_per_byte": "log-probability per UTF-8 byte of the choice text times 1.44269504089 (oe-eval's log2(e): "
                     "its lowest bits per byte; values that product rounds to one are ties)",
}

# oe-eval (OLMES) computes bits per byte as -LOG_2_OF_E * (log-probability / bytes) with this literal, and picks the
# lowest: the same choice as the highest log-probability per byte, except where the multiplication rounds two
# different values to one (then the first of them wins).
OE_EVAL_LOG2_E = 1.44269504089


@register
@dataclass(frozen=True, repr=False)
class LoglikelihoodMatch(ChoiceMetric):
    """1.0 if the choice with the highest (normalized) log-probability is a gold choice, else 0.0.

    ``norm``: ``none``; ``char`` (÷ characters of ``texts``); ``char_nospace`` (÷ characters, one leading space
    not counted); ``token`` (÷ ``token_counts``); ``byte`` (÷ UTF-8 bytes of ``texts``); ``pmi`` (minus
    ``unconditioned_logprobs``); ``bits_per_byte`` (÷ UTF-8 bytes, then × 1.44269504089, oe-eval's lowest bits
    per byte: ``byte``'s choice except where that rounding makes two values equal). Ties go to the first index
    (numpy argmax). ``zero_length``: what a zero divisor does: ``error`` raises InvalidInput (as lighteval's
    ZeroDivisionError), ``ieee`` divides as numpy does (-inf, or NaN for 0/0, and numpy's argmax picks the first
    NaN), as lm_eval does; ``as_one`` divides a zero length by 1 instead (``max(1, length)``, as lm_eval's cieacova hook); with ``norm`` none or
    pmi there is no divisor and it is always ``error`` (canonical form).
    ``multi_gold``: ``any`` (the pick is one of several golds) or ``error`` (several golds raise, as lm_eval's
    acc_mutual_info).

    >>> from evalmetrics import Choices, LoglikelihoodMatch
    >>> c = Choices(logprobs=[-1.0, -2.8], gold=1, texts=["a", "abc"])
    >>> LoglikelihoodMatch().score(c), LoglikelihoodMatch(norm="char").score(c)
    (0.0, 1.0)
    """

    name: ClassVar[str] = "loglikelihood_match"
    summary: ClassVar[str] = "1 if the highest (normalized) choice log-probability is a gold choice"
    norm: str = enum("none", ("none", "char", "char_nospace", "token", "byte", "pmi", "bits_per_byte"),
                     "log-prob normalization")
    zero_length: str = enum("error", ("error", "ieee", "as_one"), "what a zero-length divisor does")
    multi_gold: str = enum("any", ("any", "error"), "what several gold indices mean")

    def _validate(self):
        # Canonical form: without a divisor, zero_length cannot matter; it is fixed so equal behavior, equal ID.
        if self.norm in ("none", "pmi") and self.zero_length != "error":
            object.__setattr__(self, "zero_length", "error")

    def normalized(self, c: Choices) -> np.ndarray:
        lp = np.asarray(c.logprobs, dtype=np.float64)
        norm = self.norm
        if norm == "none":
            return lp
        if norm == "pmi":
            if c.unconditioned_logprobs is None:
                raise InvalidInput("norm=pmi needs unconditioned_logprobs", field="unconditioned_logprobs")
            return lp - np.asarray(c.unconditioned_logprobs, dtype=np.float64)
        if norm == "token":
            if c.token_counts is None:
                raise InvalidInput("norm=token needs token_counts", field="token_counts")
            div = np.asarray(c.token_counts, dtype=np.float64)
        else:
            if c.texts is None:
                raise InvalidInput(f"norm={norm} needs the choice texts", field="texts")
            if norm == "char":
                div = np.array([float(len(t)) for t in c.texts])
            elif norm == "char_nospace":
                div = np.array([float(len(t) - 1 if t.startswith(" ") else len(t)) for t in c.texts])
            else:
                div = np.array([float(len(t.encode("utf-8", "surrogatepass"))) for t in c.texts])
        if (div == 0).any():
            if self.zero_length == "error":
                j = int(np.argmax(div == 0))
                field = "token_counts" if norm == "token" else "texts"
                raise InvalidInput(f"choice {j} has length 0, so norm={norm} divides by zero", field=field)
            if self.zero_length == "as_one":
                return self._scaled(lp / np.maximum(div, 1.0))
            with np.errstate(divide="ignore", invalid="ignore"):
                return self._scaled(lp / div)
        return self._scaled(lp / div)

    def _scaled(self, per_unit):
        # bits_per_byte: the lowest -c*x is the highest c*x (negation is exact), c*x rounded as oe-eval rounds it
        return OE_EVAL_LOG2_E * per_unit if self.norm == "bits_per_byte" else per_unit

    def score(self, choices: Choices) -> float:
        self._check_choices(choices)
        if self.multi_gold == "error" and len(choices.golds) > 1:
            raise InvalidInput(
                f"{len(choices.golds)} gold indices, but this metric takes exactly one (multi_gold=error)",
                field="gold",
            )
        pick = int(np.argmax(self.normalized(choices)))
        return 1.0 if pick in choices.golds else 0.0

    def trace(self, choices: Choices) -> dict:
        """What decided the score: ``{"prediction": index picked, "reference": gold index (or indices),
        "reference_index": None}`` (the keys of ``GenerativeMetric.trace``; the picked index is the argmax of the
        normalized log-probabilities, ties to the first)."""
        self._check_choices(choices)
        pick = int(np.argmax(self.normalized(choices)))
        gold = list(choices.gold) if isinstance(choices.gold, tuple) else choices.gold
        return {"prediction": pick, "reference": gold, "reference_index": None}

    def describe(self):
        extra = ""
        if self.norm in ("char", "char_nospace", "token", "byte", "bits_per_byte"):
            extra = "; a zero length " + {"error": "is an error", "ieee": "divides as IEEE floats",
                                          "as_one": "counts as 1"}[self.zero_length]
        return f"pick the choice with the highest {_NORM_WORDS[self.norm]} (ties: first); 1 if it is gold" + extra


@register
@dataclass(frozen=True, repr=False)
class GreedyMatch(ChoiceMetric):
    """1.0 if a gold choice's continuation is exactly what greedy decoding produces (``is_greedy``), else 0.0.

    This is lm_eval's ``exact_match`` on multiple-choice tasks and its ``acc`` on ``loglikelihood`` tasks (one
    continuation, gold 0). With several gold indices: 1 if any of them is greedy.

    >>> from evalmetrics import Choices
    >>> GreedyMatch().score(Choices(logprobs=[-3.0, -0.2], gold=1, is_greedy=[False, True]))
    1.0
    """

    name: ClassVar[str] = "greedy_match"
    summary: ClassVar[str] = "1 if a gold continuation is the model's greedy decoding"

    def score(self, choices: Choices) -> float:
        self._check_choices(choices)
        if choices.is_greedy is None:
            raise InvalidInput("greedy_match needs is_greedy", field="is_greedy")
        return 1.0 if any(choices.is_greedy[g] for g in choices.golds) else 0.0

    def describe(self):
        return "1 if a gold choice's continuation is the model's greedy decoding"


@register
@dataclass(frozen=True, repr=False)
class ChoiceRank(ChoiceMetric):
    """Rank-based scores over choice log-probabilities: reciprocal rank of the best gold, or recall@k.

    ``score_kind=mrr``: rank r of a gold = its position in the log-probabilities sorted from highest (equal
    values share the best position); the value is 1/(min over golds of r + 1). ``score_kind=recall``: 1 if a
    gold is among the k highest (k=1: numpy argmax, ties to the first index; k>1: the last k of numpy's default
    ``argsort``, reversed). ``norm=char`` divides each log-probability by the characters of its text first.

    >>> from evalmetrics import Choices
    >>> ChoiceRank(score_kind="mrr").score(Choices(logprobs=[-1.0, -3.0, -2.0], gold=2))
    0.5
    """

    name: ClassVar[str] = "choice_rank"
    summary: ClassVar[str] = "reciprocal rank of the gold choice, or recall@k"
    score_kind: str = enum("mrr", ("mrr", "recall"), "mean reciprocal rank or recall@k")
    k: int = integer(1, "depth for recall", minimum=1)
    norm: str = enum("none", ("none", "char"), "divide log-probabilities by characters first")

    def score(self, choices: Choices) -> float:
        self._check_choices(choices)
        lps = list(choices.logprobs)
        if self.norm == "char":
            if choices.texts is None:
                raise InvalidInput("norm=char needs the choice texts", field="texts")
            if any(len(t) == 0 for t in choices.texts):
                raise InvalidInput("a choice text is empty, so norm=char divides by zero", field="texts")
            lps = [lp / len(t) for lp, t in zip(lps, choices.texts)]
        golds = choices.golds
        if self.score_kind == "mrr":
            ranked = sorted(lps, reverse=True)
            return 1.0 / (min(ranked.index(lps[g]) for g in golds) + 1)
        if self.k == 1:
            return 1.0 if int(np.argmax(lps)) in golds else 0.0
        top = np.array(lps).argsort()[::-1][: self.k]
        return 1.0 if any(int(ix) in golds for ix in top) else 0.0

    def describe(self):
        base = "log-probability" + (" per character" if self.norm == "char" else "")
        if self.score_kind == "mrr":
            return f"1 / (1 + rank of the best gold by {base}; equal values share a rank)"
        return f"1 if a gold is among the {self.k} highest by {base}"
