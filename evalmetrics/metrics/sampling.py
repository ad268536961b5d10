"""Metrics over several sampled outputs per question: majority vote, pass@k, mean over n samples."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar, Sequence

from .._lazy import np

from ..errors import InvalidConfig, InvalidInput, Timeout
from ..units import enum, flag, integer, number, register, run_steps, steps, unit_field
from .._packages import pip_extra
from .base import GenerativeMetric, Metric, _check_sequence, check_references
from .match import ExactMatch

__all__ = ["MajorityVote", "PassAtK", "PassAtKFromFlags", "MeanOverSamples", "GPassAtK", "MGPassAtK"]


def _pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al. 2021), numpy float64: 1.0 if n - c < k, else 1 - prod_{i=n-c+1}^{n} (1 - k/i)."""
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def _check_samples(value, index) -> tuple[str, ...]:
    if isinstance(value, str) or value is None or not isinstance(value, (list, tuple)):
        got = "None" if value is None else type(value).__name__
        raise InvalidInput(f"expected a list of sampled outputs, got {got}", index=index, field="samples")
    for j, s in enumerate(value):
        if not isinstance(s, str):
            got = "None" if s is None else type(s).__name__
            raise InvalidInput(f"sample {j} is {got}, expected a string", index=index, field="samples")
    if not value:
        # Nothing to vote on, average or count: a typed error, never NaN (mean of nothing) or a vacuous pass@k.
        raise InvalidInput("the list of sampled outputs is empty; expected at least one", index=index,
                           field="samples")
    return tuple(value)


class _SamplingMetric(Metric):
    """Base: ``score(samples, references)`` where ``samples`` is the list of outputs for one question."""

    score_usage: ClassVar[str] = (
        "score(samples, references): the non-empty list of sampled output texts for one question and its reference "
        "text or list of them, e.g. m.score([\"4\", \"5\", \"4\"], \"4\")")
    compute_usage: ClassVar[str] = (
        "compute(samples, references): per question, a non-empty list of sampled output texts, and per question a "
        "reference text or list of them, e.g. m.compute([[\"4\", \"5\"], [\"7\", \"7\"]], [\"4\", \"7\"])")

    def _validate(self):
        if self.metric is not None and not isinstance(self.metric, GenerativeMetric):
            raise InvalidConfig(f"{self.name}: 'metric' must be a text metric (e.g. exact_match); got {self.metric!r}")

    @property
    def inner(self) -> GenerativeMetric:
        return self.metric if self.metric is not None else ExactMatch()

    def _one(self, samples, refs) -> float:
        raise NotImplementedError

    def score(self, samples: Sequence[str], references) -> float:
        return float(self._one(_check_samples(samples, None), self._refs(check_references(references, None))))

    def compute(self, samples, references, *, progress=None):
        all_s = _check_sequence(samples, "samples")
        all_r = _check_sequence(references, "references")
        if len(all_s) != len(all_r):
            raise InvalidInput(f"{len(all_s)} samples but {len(all_r)} references", field="references")
        if not all_s:
            raise InvalidInput("no samples to score", field="samples")
        return self._per_sample(
            len(all_s), lambda i: self._one(_check_samples(all_s[i], i), self._refs(check_references(all_r[i], i)))
        )

    def _first_n(self, samples):
        n = self.n if self.n is not None else len(samples)
        if getattr(self, "strict_n", False) and len(samples) < n:
            raise InvalidInput(f"n={n} but only {len(samples)} samples were given", field="samples")
        return samples[:n], n

    def _refs(self, refs):
        rule = self.references
        if rule == "first":
            return refs[:1]
        if rule == "exactly_one" and len(refs) != 1:
            raise InvalidInput(f"{len(refs)} references, but this metric takes exactly one", field="references")
        return refs

    def pipeline(self):
        return [("each sample", s) for s in getattr(self, "vote", ())] + self.inner.pipeline()


@register
@dataclass(frozen=True, repr=False)
class MajorityVote(_SamplingMetric):
    """Score the most frequent answer among the first ``n`` samples with ``metric``.

    Each sample goes through ``vote`` steps first (e.g. answer extraction); the vote is on the resulting exact
    strings ("1,072" and "1072" are different votes); ties go to the answer that occurs first. ``n=None`` uses
    every sample. lm_eval's ``majority_vote`` filter and lighteval's ``maj_at_n`` are this metric.

    >>> MajorityVote(n=3).score(["4", "5", "5", "4"], "5")
    1.0
    """

    name: ClassVar[str] = "majority_vote"
    summary: ClassVar[str] = "score the most frequent of the first n sampled answers"
    request_type: ClassVar[str] = "generate_until"
    n: int | None = integer(None, "how many samples vote (none: all)", minimum=1)
    vote: tuple = steps("steps applied to each sample before voting")
    metric: Any = unit_field(None, "the metric applied to the voted answer (none: exact_match)")
    strict_n: bool = flag(False, "fewer than n samples is an error (lm_eval's take_first_k)")
    references: str = enum("all", ("all", "first", "exactly_one"), "which references count (exactly_one: else error)")

    def _one(self, samples, refs):
        return self.inner.score(self._winner(samples), refs)

    def _winner(self, samples):
        firsts, _ = self._first_n(samples)
        if not firsts:
            raise InvalidInput("no samples to vote on", field="samples")
        answers = ["" if a is None else a for a in (run_steps(self.vote, s) for s in firsts)]
        return Counter(answers).most_common(1)[0][0]

    def trace(self, samples, references) -> dict:
        """The trace (see ``GenerativeMetric.trace``) of the voted answer under ``metric``: its processed text, and
        the processed reference that decided its score with its position."""
        s, refs = _check_samples(samples, None), self._refs(check_references(references, None))
        try:
            return self.inner.trace(self._winner(s), refs)
        except Timeout:
            return {"prediction": None, "reference": None, "reference_index": None}

    def describe(self):
        return f"majority vote over the first {self.n or 'all'} samples (ties: first seen), then the metric below"


@register
@dataclass(frozen=True, repr=False)
class PassAtK(_SamplingMetric):
    """Unbiased pass@k (Chen et al. 2021) from the first ``n`` samples, each scored by ``metric``.

    With c samples scoring exactly 1: 1.0 if n - c < k, else 1 - prod_{i=n-c+1}^{n} (1 - k/i) (numpy float64).
    ``n=None`` uses the number of samples given.

    >>> PassAtK(k=1).score(["a", "b", "c", "a"], "a")
    0.5
    """

    name: ClassVar[str] = "pass_at_k"
    summary: ClassVar[str] = "unbiased pass@k over sampled answers"
    k: int = integer(1, "k", minimum=1)
    n: int | None = integer(None, "samples used (none: all given)", minimum=1)
    metric: Any = unit_field(None, "the metric that scores each sample (none: exact_match)")
    references: str = enum("all", ("all", "first", "exactly_one"), "which references count (exactly_one: else error)")

    def _one(self, samples, refs):
        firsts, n = self._first_n(samples)
        scores = [self.inner.score(s, refs) for s in firsts]
        return _pass_at_k(n, scores.count(1), self.k)

    def describe(self):
        return f"pass@{self.k} (unbiased estimator) over the first {self.n or 'all'} samples"


@register
@dataclass(frozen=True, repr=False)
class MeanOverSamples(_SamplingMetric):
    """The mean of ``metric`` over the first ``n`` samples (lighteval's ``avg_at_n``); n past the samples given
    is an InvalidInput.

    >>> MeanOverSamples(n=4).score(["a", "b", "a", "c"], "a")
    0.5
    """

    name: ClassVar[str] = "mean_over_samples"
    summary: ClassVar[str] = "mean score over the first n sampled answers"
    n: int | None = integer(None, "samples averaged (none: all given)", minimum=1)
    metric: Any = unit_field(None, "the metric that scores each sample (none: exact_match)")
    references: str = enum("all", ("all", "first", "exactly_one"), "which references count (exactly_one: else error)")

    def _one(self, samples, refs):
        n = self.n if self.n is not None else len(samples)
        if n > len(samples):
            raise InvalidInput(f"n={n} but only {len(samples)} samples were given", field="samples")
        return float(np.mean([self.inner.score(s, refs) for s in samples[:n]]))

    def describe(self):
        return f"mean score over the first {self.n or 'all'} samples"


def _hypergeom_sf(m: int, n: int, c: int, k: int) -> float:
    """P(X >= m) for X ~ Hypergeometric(population n, c successes, k draws), by ``scipy.stats.hypergeom.sf``.

    Delegated to scipy (optional extra ``stats``) because lighteval's G-Pass@k is scipy's value, which is
    not the correctly rounded probability in the last bit.
    """
    try:
        from scipy.stats import hypergeom
    except ImportError:
        raise InvalidConfig("G-Pass@k delegates to scipy.stats.hypergeom, which is not installed: "
                            + pip_extra("stats")) from None
    return hypergeom.sf(m - 1, n, c, k)


def _g_pass(n: int, c: int, k: int, m: int):
    # lighteval 0.13 GPassAtK._compute_g_pass_at_k: impossible configurations score 0.
    if m > min(c, k) or k > n or c < 0 or n <= 0 or m < 0:
        return 0.0
    return _hypergeom_sf(m, n, c, k)


class _GPassBase(_SamplingMetric):
    def _count(self, samples, refs):
        firsts, n = self._first_n(samples)
        return n, int(sum(self.inner.score(s, refs) == 1 for s in firsts))


@register
@dataclass(frozen=True, repr=False)
class GPassAtK(_GPassBase):
    """G-Pass@k with threshold t (Liu et al. 2024, arXiv:2412.13147) from the first ``n`` samples.

    With c of the n samples scoring 1 and m = max(ceil(k * t), 1): the probability that k samples drawn without
    replacement contain at least m correct ones, i.e. the hypergeometric tail P(X >= m); 0 when m > min(c, k) or
    k > n. Computed by scipy (extra ``stats``). ``n=None`` uses the number of samples given.

    >>> GPassAtK(k=2, threshold=1.0).id
    'g_pass_at_k(k=2, n=none, threshold=1.0, metric=none, references=all)'
    """

    name: ClassVar[str] = "g_pass_at_k"
    summary: ClassVar[str] = "G-Pass@k: probability that at least ceil(k*t) of k drawn samples are correct"
    k: int = integer(1, "k, the samples drawn", minimum=1)
    n: int | None = integer(None, "samples used (none: all given)", minimum=1)
    threshold: float = number(0.0, "t: the fraction of the k draws that must be correct (at least one)")
    metric: Any = unit_field(None, "the metric that scores each sample (none: exact_match)")
    references: str = enum("all", ("all", "first", "exactly_one"), "which references count (exactly_one: else error)")

    def _validate(self):
        super()._validate()
        if not 0.0 <= self.threshold <= 1.0:
            raise InvalidConfig(f"g_pass_at_k: parameter 'threshold' must be between 0 and 1; got {self.threshold!r}")

    def _one(self, samples, refs):
        n, c = self._count(samples, refs)
        m = max(int(np.ceil(self.k * self.threshold)), 1)
        return float(_g_pass(n, c, self.k, m))

    def describe(self):
        return (f"G-Pass@{self.k} at threshold {self.threshold}: P(at least max(ceil(k*t), 1) correct among {self.k} "
                f"of the first {self.n or 'all'} samples drawn without replacement)")


@register
@dataclass(frozen=True, repr=False)
class MGPassAtK(_GPassBase):
    """mG-Pass@k: G-Pass@k averaged over thresholds above 0.5, as lighteval 0.13 computes it.

    With low = ceil(k / 2): 2 / k * sum over m = low+1 .. k of P(X >= m) (the hypergeometric tail of G-Pass@k),
    summed in that order. Computed by scipy (extra ``stats``).

    >>> MGPassAtK(k=4).id
    'mg_pass_at_k(k=4, n=none, metric=none, references=all)'
    """

    name: ClassVar[str] = "mg_pass_at_k"
    summary: ClassVar[str] = "mG-Pass@k: mean G-Pass@k over thresholds in (0.5, 1]"
    k: int = integer(1, "k, the samples drawn", minimum=1)
    n: int | None = integer(None, "samples used (none: all given)", minimum=1)
    metric: Any = unit_field(None, "the metric that scores each sample (none: exact_match)")
    references: str = enum("all", ("all", "first", "exactly_one"), "which references count (exactly_one: else error)")

    def _one(self, samples, refs):
        n, c = self._count(samples, refs)
        k = self.k
        total = 0.0
        for m in range(int(np.ceil(k * 0.5)) + 1, k + 1):
            total += _g_pass(n, c, k, m)
        return float(2 * total / k)

    def describe(self):
        return f"mG-Pass@{self.k}: 2/k times the sum of P(at least m correct) for m above k/2, first {self.n or 'all'} samples"


def _check_flags(value, index) -> tuple:
    if isinstance(value, (str, bytes)) or value is None or not isinstance(value, Sequence):
        if isinstance(value, np.ndarray) and value.ndim == 1:
            value = value.tolist()
        else:
            got = "None" if value is None else type(value).__name__
            raise InvalidInput(f"expected a list of pass/fail flags, got {got}", index=index, field="flags")
    if len(value) == 0:
        raise InvalidInput("the list of pass/fail flags is empty", index=index, field="flags")
    out = []
    for j, f in enumerate(value):
        if isinstance(f, (bool, np.bool_)):
            out.append(bool(f))
        elif isinstance(f, (int, float, np.integer, np.floating)) and f in (0, 1):
            out.append(f == 1)
        else:
            raise InvalidInput(f"flag {j} is {f!r}; expected True/False or 0/1", index=index, field="flags")
    return tuple(out)


@register
@dataclass(frozen=True, repr=False)
class PassAtKFromFlags(Metric):
    """Unbiased pass@k from per-sample pass/fail flags (e.g. whether each generated program passed its tests).

    ``score(flags)``: with n flags of which c are true, 1.0 if n - c < k, else 1 - prod_{i=n-c+1}^{n} (1 - k/i)
    (numpy float64), as ``PassAtK``; note that k > n gives 1.0 whatever the flags (HELM's estimator does the
    same). evalmetrics does not execute code: the flags come from the caller's sandbox. ``compute(flag_lists)``
    averages over problems. In a row file (``evalmetrics score``, streaming) the prediction column holds each
    problem's list of flags.

    >>> PassAtKFromFlags(k=1).score([True, False, False, True])
    0.5
    """

    name: ClassVar[str] = "pass_at_k_from_flags"
    summary: ClassVar[str] = "unbiased pass@k from per-sample pass/fail flags (no code is executed)"
    request_type: ClassVar[str] = "pass_fail_flags"  # scores flags from the caller's test runs, not text
    score_usage: ClassVar[str] = (
        "score(flags): one problem's non-empty list of pass/fail flags (True/False or 0/1), "
        "e.g. m.score([True, False, True])")
    compute_usage: ClassVar[str] = (
        "compute(flags): per problem, a non-empty list of pass/fail flags, e.g. m.compute([[True, False], [False]])")
    k: int = integer(1, "k", minimum=1)

    def score(self, flags, references=None) -> float:
        """pass@k of one problem. ``references`` is accepted and ignored, so that tools that call every metric as
        ``score(prediction, references)`` (explain, row streaming, the CLI) can pass the flags as the prediction."""
        f = _check_flags(flags, None)
        return _pass_at_k(len(f), sum(f), self.k)

    def compute(self, flags, references=None, *, progress=None):
        """Mean pass@k over problems; ``flags[i]`` is problem i's list of flags (``references`` is ignored)."""
        all_f = _check_sequence(flags, "flags")
        if not all_f:
            raise InvalidInput("no samples to score", field="flags")
        values = np.array([_pass_at_k(len(f), sum(f), self.k) for f in
                           (_check_flags(x, i) for i, x in enumerate(all_f))], dtype=np.float64)
        return self._result(values, [])

    def describe(self):
        return f"pass@{self.k} (unbiased estimator) from pass/fail flags"
