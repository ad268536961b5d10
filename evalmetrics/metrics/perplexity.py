"""Perplexities over log-likelihoods: corpus-weighted (per word, byte or token) and over per-sample means.

Inputs are log-likelihoods, not texts. A rolling (whole-document) sample is its summed log-likelihood and the
count it is weighed by, given as any of: a ``(logprob, weight)`` pair (lm_eval's per-document item), an object
with ``logprob`` and ``n_words`` / ``n_bytes`` / ``n_tokens`` attributes (the scorer's ``RollingRecord``), or a
mapping with those keys (a saved run); counted in tokens, a mapping may also use Inspect AI's score metadata keys
(``sum_log_probs``, ``num_tokens``). The counts are the harness's own (lm_eval: words are
``len(re.split(r"\\s+", text))``, bytes are UTF-8 bytes); this module does not count anything.

Sums run as lm_eval's ``weighted_mean`` runs them (Python's ``sum`` over the log-likelihoods, then over the
weights, in input order), so corpus values agree with lm-eval 0.4.13 to the last bit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar

from .._lazy import np

from ..errors import InvalidInput
from ..units import enum, register
from .base import Metric

__all__ = ["WeightedPerplexity", "BitsPerUnit", "MeanPerplexity", "GeometricMeanPerplexity"]

_WEIGHTS = ("words", "bytes", "tokens")
_NO_STDERR_WEIGHTED = (
    "none: a corpus ratio of sums, not a mean of per-sample values (lm_eval reports no stderr for "
    "weighted_perplexity and bits_per_byte either)"
)
_NO_STDERR_MEAN = (
    "none computed: lm_eval bootstraps this one (perplexity is in its bootstrappable list: bootstrap_iters "
    "resamples, default 100000)"
)
_WEIGHTED_USAGE = (
    "score(sample): one document's (logprob, weight) pair, a RollingRecord or a dict with 'logprob' and "
    "'n_words'/'n_bytes'/'n_tokens', e.g. m.score((-42.0, 10))")
_WEIGHTED_COMPUTE_USAGE = (
    "compute(samples): per document, a (logprob, weight) pair, a RollingRecord or a dict, e.g. "
    "m.compute([(-42.0, 10), (-7.5, 3)]) or m.compute(scorer.score_rolling(texts))")


def _real(value: Any, index: int | None, field: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.integer, np.floating)):
        got = "None" if value is None else type(value).__name__
        raise InvalidInput(f"expected a number, got {got}", index=index, field=field)
    f = float(value)
    if math.isnan(f):
        raise InvalidInput("is NaN", index=index, field=field)
    return f


def _logprob(value: Any, index: int | None) -> float:
    f = _real(value, index, "logprob")
    if f > 0:
        raise InvalidInput(f"is {f!r}; a log-likelihood is at most 0", index=index, field="logprob")
    return f


def _weight(value: Any, index: int | None, field: str):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        got = "None" if value is None else type(value).__name__
        raise InvalidInput(f"expected a non-negative count (int), got {got}", index=index, field=field)
    if value < 0:
        raise InvalidInput(f"is {int(value)}; a count is non-negative", index=index, field=field)
    return int(value)


_INSPECT_KEYS = ("sum_log_probs", "num_tokens")


def _nothing_left(weight: str, index: int | None):
    return InvalidInput(f"no sample has a log-likelihood record (expected {_dict_keys_words(weight)}, or a "
                        "(logprob, count) pair; unscored=skip left every sample out): nothing left to score (Inspect "
                        "AI reports NaN here; evalmetrics refuses rather than return NaN)", index=index, field="sample")
_UNSCORED = ("refuse", "skip")
_UNSCORED_DOC = ("a sample with no log-likelihood record (None, or a dict without both 'sum_log_probs' and "
                 "'num_tokens': an unscored sample's Inspect AI metadata): refused (InvalidInput), or skipped "
                 "(left out; Result.provenance['skipped'] lists their indices)")


def _unscored(sample: Any) -> bool:
    """True for a sample with no log-likelihood record: None, or a dict that is neither evalmetrics' record
    ('logprob') nor a complete Inspect AI score metadata (both keys present and not None)."""
    if sample is None:
        return True
    return (isinstance(sample, dict) and "logprob" not in sample
            and any(sample.get(k) is None for k in _INSPECT_KEYS))


def _dict_keys_words(weight: str) -> str:
    key = f"n_{weight}"
    if weight == "tokens":  # Inspect AI's perplexity scorers record each sample's Score.metadata as these keys
        return f"the keys 'sum_log_probs' and 'num_tokens' (Inspect AI's score metadata) or 'logprob' and {key!r}"
    return f"the keys 'logprob' and {key!r}"


def _read_weighted(sample: Any, weight: str, index: int | None) -> tuple[float, int, str]:
    """One sample as (logprob, weight, the weight's field name): a pair, a record with attributes, or a mapping."""
    key = f"n_{weight}"
    if isinstance(sample, dict):
        if weight == "tokens" and "logprob" not in sample and any(k in sample for k in _INSPECT_KEYS):
            if not all(k in sample for k in _INSPECT_KEYS):
                raise InvalidInput(f"a dict sample needs {_dict_keys_words(weight)}; got {sorted(sample)}",
                                   index=index, field="sample")
            return (_logprob(sample["sum_log_probs"], index), _weight(sample["num_tokens"], index, "num_tokens"),
                    "num_tokens")
        if "logprob" not in sample or key not in sample:
            raise InvalidInput(f"a dict sample needs {_dict_keys_words(weight)}; got {sorted(sample)}",
                               index=index, field="sample")
        return _logprob(sample["logprob"], index), _weight(sample[key], index, key), key
    if hasattr(sample, "logprob"):
        if not hasattr(sample, key):
            raise InvalidInput(f"{type(sample).__name__} has no {key!r}", index=index, field="sample")
        return _logprob(sample.logprob, index), _weight(getattr(sample, key), index, key), key
    if isinstance(sample, (tuple, list)) and len(sample) == 2:
        return _logprob(sample[0], index), _weight(sample[1], index, "weight"), "weight"
    got = "None" if sample is None else type(sample).__name__
    raise InvalidInput(f"expected {_WEIGHTED_USAGE}; got {got}", index=index, field="sample")


def _samples(samples: Any) -> list:
    if samples is None or isinstance(samples, (str, bytes, dict)):
        got = "None" if samples is None else type(samples).__name__
        raise InvalidInput(f"expected a list of samples, got {got}", field="samples")
    try:
        items = list(samples)
    except TypeError:
        raise InvalidInput(f"expected a list of samples, got {type(samples).__name__}", field="samples") from None
    if not items:
        raise InvalidInput("no samples to score", field="samples")
    return items


def _exp(x: float) -> float:
    """e**x; an overflow is +inf (lm_eval's ``math.exp`` raises OverflowError there)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


class _LogprobMetric(Metric):
    """Base: a statistic of log-likelihood samples over the whole set (``Result.per_sample`` is NaN)."""

    higher_is_better: ClassVar[bool] = False
    aggregation: ClassVar[str] = "corpus"
    stderr_method: ClassVar[str] = _NO_STDERR_WEIGHTED

    def _read(self, sample: Any, index: int | None):  # pragma: no cover - abstract
        raise NotImplementedError

    def _statistic(self, items: list) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def score(self, sample, references=None) -> float:
        """The statistic of a set of this one sample. ``references`` is accepted and ignored (tools that call
        every metric as ``score(prediction, references)`` pass the sample as the prediction)."""
        return self._statistic([self._read(sample, None)])

    def compute(self, samples, references=None, *, progress=None):
        """The statistic over every sample (``Result.aggregation`` names it; per-sample values are NaN, the
        stderr is NaN and ``stderr_method`` says what the harness reports instead)."""
        from .._version import __version__
        from ..result import Result

        given = _samples(samples)
        read = [self._read(s, i) for i, s in enumerate(given)]
        items = [x for x in read if x is not None]  # None: a sample this unit's ``unscored=skip`` leaves out
        if read and not items:
            raise _nothing_left(self.weight, 0)
        provenance = {"evalmetrics": __version__}
        if len(items) < len(read):
            provenance["skipped"] = [i for i, x in enumerate(read) if x is None]
        per = np.full(len(read), np.nan)
        per.setflags(write=False)
        return Result(
            score=self._statistic(items), per_sample=per, n=len(read),
            stderr=float("nan"), metric_id=self.id, aggregation=self.name, stderr_method=self.stderr_method,
            provenance=provenance,
        )


class _WeightedLogprobMetric(_LogprobMetric):
    """Base: a corpus statistic of rolling documents, each a summed log-likelihood with its ``weight`` count
    (the subclass declares the ``weight`` field)."""

    request_type: ClassVar[str] = "loglikelihood_rolling"
    score_usage: ClassVar[str] = _WEIGHTED_USAGE
    compute_usage: ClassVar[str] = _WEIGHTED_COMPUTE_USAGE

    def _read(self, sample, index):
        return _read_weighted(sample, self.weight, index)[:2]

    def score(self, sample, references=None) -> float:
        """The statistic of a set of this one sample (an unscored sample, which ``unscored=skip`` leaves out, leaves
        nothing to score: InvalidInput). ``references`` is accepted and ignored."""
        item = self._read(sample, None)
        if item is None:
            raise _nothing_left(self.weight, None)
        return self._statistic([item])


def _ratio(items: list) -> float:
    """lm_eval's ``weighted_mean``: ``sum(logprobs) / sum(weights)``, Python sums in input order."""
    total = sum(w for _, w in items)
    if total == 0:
        raise InvalidInput("the weights sum to 0, so the corpus has nothing to divide by", field="weight")
    return sum(lp for lp, _ in items) / total


@register
@dataclass(frozen=True, repr=False)
class WeightedPerplexity(_WeightedLogprobMetric):
    """Corpus perplexity per word, byte or token: ``exp(-sum(logprob) / sum(weight))`` over the documents.

    Each sample is a document's summed log-likelihood with its count of ``weight`` units (words, UTF-8 bytes or
    scored tokens); the corpus ratio is taken before the exponential, so long documents weigh more. lm_eval's
    ``word_perplexity`` is ``weight=words``, its ``byte_perplexity`` is ``weight=bytes`` (its
    ``weighted_perplexity`` aggregation). An overflowing exponential is +inf.

    >>> m = WeightedPerplexity(weight="words")
    >>> m.id
    'weighted_perplexity(weight=words, unscored=refuse)'
    >>> round(m.compute([(-6.0, 2), (-3.0, 1)]).score, 6)   # exp(9 / 3)
    20.085537
    """

    name: ClassVar[str] = "weighted_perplexity"
    summary: ClassVar[str] = "exp(-sum of log-likelihoods / sum of words, bytes or tokens) over the corpus"
    weight: str = enum("words", _WEIGHTS, "the unit each document's log-likelihood is divided over")
    unscored: str = enum("refuse", _UNSCORED, _UNSCORED_DOC + "; with skip, a corpus of no tokens at all is an error "
                     "(Inspect AI: NaN)")

    def _read(self, sample, index):
        if self.unscored == "skip" and _unscored(sample):
            return None
        return _read_weighted(sample, self.weight, index)[:2]

    def _statistic(self, items):
        if self.unscored == "skip" and sum(w for _, w in items) == 0:  # Inspect AI's perplexity_per_token: NaN
            raise InvalidInput("the scored samples have no tokens at all: nothing to divide by (Inspect AI reports "
                               "NaN here; evalmetrics refuses rather than return NaN)", field="num_tokens")
        return _exp(-_ratio(items))

    def describe(self):
        skip = ("" if self.unscored == "refuse" else
                f"; samples without a log-likelihood record are skipped (counted in provenance), no {self.weight} "
                "at all is an error (Inspect AI: NaN)")
        return f"exp(-sum of document log-likelihoods / sum of document {self.weight}) over the corpus" + skip


@register
@dataclass(frozen=True, repr=False)
class BitsPerUnit(_WeightedLogprobMetric):
    """Corpus bits per byte (word, token): ``-(sum(logprob) / sum(weight)) / ln 2`` over the documents.

    lm_eval's ``bits_per_byte`` is ``weight=bytes`` (its ``bits_per_byte`` aggregation, in that float order).

    >>> m = BitsPerUnit(weight="bytes")
    >>> m.id
    'bits_per_unit(weight=bytes)'
    >>> m.compute([(-math.log(2) * 8, 4), (0.0, 4)]).score   # 8 bits over 8 bytes
    1.0
    """

    name: ClassVar[str] = "bits_per_unit"
    summary: ClassVar[str] = "-(sum of log-likelihoods / sum of bytes, words or tokens) / ln 2 over the corpus"
    weight: str = enum("bytes", _WEIGHTS, "the unit each document's log-likelihood is divided over")

    def _statistic(self, items):
        return -_ratio(items) / math.log(2)

    def describe(self):
        return f"bits per {self.weight.rstrip('s')}: -(sum of log-likelihoods / sum of {self.weight}) / ln 2"


@register
@dataclass(frozen=True, repr=False)
class MeanPerplexity(_LogprobMetric):
    """Perplexity of the mean log-likelihood: ``exp(-mean(logprob))`` over the samples.

    Each sample is one request's summed log-likelihood (a number, or a record with ``logprob``). lm_eval's
    ``perplexity`` on ``loglikelihood`` tasks (lambada) is this: the mean over samples is taken before the
    exponential, whatever the samples' lengths. An overflowing exponential is +inf.

    ``summation`` is how the mean adds the samples up, which can move the last bit: ``left_to_right`` (Python's
    ``sum`` in input order, then divided by the count: lm_eval's ``mean``) or ``numpy_pairwise`` (``numpy.mean``
    over float64, numpy's pairwise summation: lighteval's ``CorpusLevelPerplexityMetric("perplexity")``).

    >>> m = MeanPerplexity()
    >>> m.id
    'mean_perplexity(summation=left_to_right)'
    >>> round(m.compute([-1.0, -3.0]).score, 6)   # exp(2)
    7.389056
    """

    name: ClassVar[str] = "mean_perplexity"
    summary: ClassVar[str] = "exp(-mean of per-sample log-likelihoods)"
    summation: str = enum("left_to_right", ("left_to_right", "numpy_pairwise"),
                          "how the mean adds the samples: Python's sum in input order, or numpy.mean's pairwise sum")
    request_type: ClassVar[str] = "loglikelihood"
    stderr_method: ClassVar[str] = _NO_STDERR_MEAN
    score_usage: ClassVar[str] = (
        "score(logprob): one request's summed log-likelihood (a number <= 0, or a record with .logprob), "
        "e.g. m.score(-2.5)")
    compute_usage: ClassVar[str] = (
        "compute(logprobs): per request, a summed log-likelihood or a record with .logprob, "
        "e.g. m.compute([-2.5, -0.3]) or m.compute(scorer.score(requests))")

    def _read(self, sample, index):
        if isinstance(sample, dict):
            if "logprob" not in sample:
                raise InvalidInput(f"a dict sample needs the key 'logprob'; got {sorted(sample)}", index=index,
                                   field="sample")
            sample = sample["logprob"]
        elif hasattr(sample, "logprob"):
            sample = sample.logprob
        return _logprob(sample, index)

    def _statistic(self, items):
        if self.summation == "numpy_pairwise":  # lighteval: math.exp(-np.mean(logprobs))
            return _exp(-float(np.mean(np.asarray(items, dtype=np.float64))))
        return _exp(-(sum(items) / len(items)))  # lm_eval: math.exp(-mean(items)), mean = sum / len

    def describe(self):
        how = "numpy.mean (pairwise summation)" if self.summation == "numpy_pairwise" else "summed left to right"
        return f"exp(-mean over samples of the summed log-likelihood), the mean {how}"


@register
@dataclass(frozen=True, repr=False)
class GeometricMeanPerplexity(_WeightedLogprobMetric):
    """Geometric mean of the samples' own perplexities: ``exp(mean over samples of -logprob / weight)``.

    Each sample is a text's summed log-likelihood with its count of ``weight`` units (tokens, words or bytes); its
    per-unit negative log-likelihood ``-logprob / weight`` is taken first, so every sample counts once whatever its
    length (:class:`WeightedPerplexity` divides the corpus sums instead, so long texts weigh more). The mean is
    Python's ``sum`` in input order divided by the count; an overflowing exponential is +inf. A sample with no
    units has no per-unit value and is refused (InvalidInput). Inspect AI's ``perplexity_per_seq`` metric (of its
    ``perplexity`` and ``target_perplexity`` scorers) is ``weight=tokens``.

    >>> m = GeometricMeanPerplexity()
    >>> m.id
    'geometric_mean_perplexity(weight=tokens, unscored=refuse)'
    >>> round(m.compute([(-6.0, 2), (-1.0, 1)]).score, 6)   # exp((3 + 1) / 2); WeightedPerplexity: exp(7 / 3)
    7.389056
    """

    name: ClassVar[str] = "geometric_mean_perplexity"
    summary: ClassVar[str] = "exp(mean over samples of -log-likelihood / tokens, words or bytes): per-sample first"
    weight: str = enum("tokens", _WEIGHTS, "the unit each sample's log-likelihood is divided over")
    unscored: str = enum("refuse", _UNSCORED, _UNSCORED_DOC + "; with skip, a sample of 0 units is skipped too (it "
                         "has no per-unit value) and a corpus with nothing left is an error (Inspect AI: NaN)")
    score_usage: ClassVar[str] = _WEIGHTED_USAGE.replace("one document's", "one sample's")

    def _read(self, sample, index):
        if self.unscored == "skip" and _unscored(sample):
            return None
        lp, w, field_ = _read_weighted(sample, self.weight, index)
        if w == 0:
            if self.unscored == "skip":
                return None
            raise InvalidInput(f"is 0; a sample with no {self.weight} has no per-{self.weight.rstrip('s')} "
                               "log-likelihood (unscored=skip leaves such samples out)", index=index, field=field_)
        return lp, w

    def _statistic(self, items):
        nll = [-lp / w for lp, w in items]
        return _exp(sum(nll) / len(nll))

    def describe(self):
        unit = self.weight.rstrip("s")
        skip = ("" if self.unscored == "refuse" else
                f"; samples without a log-likelihood record or with 0 {self.weight} are skipped (counted in "
                "provenance), nothing left is an error (Inspect AI: NaN)")
        return (f"exp(mean over samples of the per-{unit} negative log-likelihood, -log-likelihood / {self.weight}): "
                "the geometric mean of the samples' perplexities" + skip)
