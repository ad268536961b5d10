"""Corpus classification metrics over multiple-choice picks (F1, Matthews correlation), delegated to scikit-learn.

lm_eval scores a multiple-choice document for ``f1`` / ``mcc`` by the pair (gold index, picked index), the pick
being numpy's argmax of the choices' summed log-probabilities (ties to the first), and forms the corpus statistic
from all pairs with scikit-learn (``sklearn.metrics.f1_score``, ``matthews_corrcoef``); task folders pass their own
``!function`` aggregations that call ``f1_score`` with ``average="weighted"``, ``"macro"`` or ``"micro"``. These units
take :class:`~evalmetrics.Choices` like the other choice metrics, form the same pairs and call scikit-learn the same
way (optional extra ``classification``). ``compute`` returns a Result whose ``aggregation`` names the statistic,
whose ``per_sample`` values are NaN (a corpus statistic has no per-sample value) and whose ``stderr`` is lm_eval's
bootstrap standard error (:mod:`.bootstrap`; ``bootstrap_iters``, default lm_eval's 100000; 0: none).

The bootstrap recomputes the statistic on every resample. The statistics depend on the confusion counts only, so
resamples are counted in one numpy pass and the statistic is formed from the counts; before it is used, that path is
checked against scikit-learn's own function on the corpus and the first resamples, bit for bit, and scikit-learn
is called on every resample where the check fails.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import ClassVar, Iterable

from .._lazy import np

from .._packages import pip_extra
from ..errors import InvalidConfig, InvalidInput
from ..units import enum, integer, register
from .base import check_column
from .bootstrap import LM_EVAL_DEFAULT_ITERS, bootstrap_method, lm_eval_bootstrap_stderr
from .choice import CHOICE_SCORE_USAGE, ChoiceMetric, Choices, choice_list

__all__ = ["ClassificationF1", "MatthewsCorrelation", "BrierScore", "GoldLogprobMargin", "AllCorrectPerGroup",
           "choice_pairs"]

_EXTRA = pip_extra("classification")
_CHECKED_RESAMPLES = 16


def _sklearn_metrics():
    try:
        import sklearn.metrics as skm
    except ImportError:
        raise InvalidConfig(f"F1 and MCC delegate to scikit-learn, which is not installed: {_EXTRA}") from None
    return skm


def _sklearn_version() -> str:
    """The installed scikit-learn's version (for a Result's provenance); the missing-package error without it."""
    _sklearn_metrics()
    import sklearn

    return sklearn.__version__


def choice_pairs(samples, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(gold indices, picked indices) of a list of Choices: the pick is numpy's argmax of ``logprobs``."""
    items = choice_list(samples, name)
    golds = np.empty(len(items), dtype=np.int64)
    picks = np.empty(len(items), dtype=np.int64)
    for i, c in enumerate(items):
        if not isinstance(c, Choices):
            got = "None" if c is None else type(c).__name__
            raise InvalidInput(f"{name} scores multiple-choice log-probabilities: expected {CHOICE_SCORE_USAGE}; "
                               f"got {got}", index=i, field="choices")
        if isinstance(c.gold, tuple):
            raise InvalidInput(f"{len(c.gold)} gold indices; {name} pairs one gold index with the picked one "
                               f"(lm_eval's aggregation fails on a list of golds)", index=i, field="gold")
        golds[i] = c.gold
        picks[i] = int(np.argmax(np.asarray(c.logprobs, dtype=np.float64)))
    return golds, picks


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


class _PairCorpusMetric(ChoiceMetric):
    """Base: a corpus statistic of (gold index, picked index) pairs, with lm_eval's bootstrap stderr."""

    aggregation: ClassVar[str] = "corpus"

    def _statistic(self, golds, picks) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def _from_counts(self, counts: np.ndarray, labels: np.ndarray) -> np.ndarray | None:
        """The statistic of each resample from its confusion counts ``counts[r, gold, pick]`` over ``labels`` (the
        corpus's sorted labels); None where this unit has no count path."""
        return None

    def statistic(self, golds, picks) -> float:
        """The statistic of (gold, pick) label pairs, computed by scikit-learn (a ValueError is an InvalidInput)."""
        g = [int(x) for x in golds]  # lm_eval's golds are ints, its picks numpy integers
        p = [np.int64(x) for x in picks]
        _sklearn_metrics()  # scikit-learn missing is a configuration error naming the extra, not bad labels
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return float(self._statistic(g, p))
            except ValueError as e:
                raise InvalidInput(f"scikit-learn refuses these labels: {e}", field="gold") from None

    def score(self, choices: Choices) -> float:
        """The statistic of a corpus of this one sample."""
        self._check_choices(choices)
        golds, picks = choice_pairs([choices], self.name)
        return self.statistic(golds, picks)

    def trace(self, choices: Choices) -> dict:
        """``{"prediction": picked index, "reference": gold index, "reference_index": None}``."""
        golds, picks = choice_pairs([choices], self.name)
        return {"prediction": int(picks[0]), "reference": int(golds[0]), "reference_index": None}

    def _rows(self, golds, picks):
        """The vectorized statistic over resample index rows (checked against scikit-learn before use)."""
        labels = np.unique(np.concatenate((golds, picks)))
        k = len(labels)
        codes = np.searchsorted(labels, golds) * k + np.searchsorted(labels, picks)
        state = {"checked": False, "fast": True}

        def slow(idx):
            return np.array([self.statistic(golds[r], picks[r]) for r in idx])

        def rows(idx):
            if not state["fast"]:
                return slow(idx)
            m = idx.shape[0]
            flat = (np.arange(m, dtype=np.int64)[:, None] * (k * k) + codes[idx]).ravel()
            counts = np.bincount(flat, minlength=m * k * k).reshape(m, k, k)
            out = self._from_counts(counts, labels)
            if out is None:
                state["fast"] = False
                return slow(idx)
            if not state["checked"]:
                state["checked"] = True
                j = min(m, _CHECKED_RESAMPLES)
                ref = slow(idx[:j])
                if not all(_same(float(a), float(b)) for a, b in zip(out[:j], ref)):
                    state["fast"] = False
                    return slow(idx)
            return out

        return rows

    def compute(self, samples: Iterable[Choices], *, bootstrap_iters: int = LM_EVAL_DEFAULT_ITERS,
                progress: bool | None = None):
        """The corpus statistic, with lm_eval's bootstrap stderr over ``bootstrap_iters`` (0: none)."""
        from .._version import __version__
        from ..result import Result

        if isinstance(bootstrap_iters, bool) or not isinstance(bootstrap_iters, int):
            raise InvalidConfig(f"{self.name}: bootstrap_iters must be an integer; got {bootstrap_iters!r}")
        golds, picks = choice_pairs(samples, self.name)
        n = len(golds)
        value = self.statistic(golds, picks)
        stderr = float("nan")
        if bootstrap_iters > 0 and n > 1:
            stderr = lm_eval_bootstrap_stderr(self._rows(golds, picks), n, bootstrap_iters)
        per = np.full(n, np.nan)
        per.setflags(write=False)
        return Result(
            score=value, per_sample=per, n=n, stderr=stderr, metric_id=self.id, aggregation=self.name,
            stderr_method=(bootstrap_method(bootstrap_iters, n) if bootstrap_iters > 0 else
                           "none: bootstrap_iters=0 (lm_eval reports N/A)"),
            provenance={"evalmetrics": __version__, "scikit-learn": _sklearn_version()},
        )

    def pipeline(self):
        return []


_ZERO = {"zero": 0.0, "one": 1.0, "nan": "nan"}


@register
@dataclass(frozen=True, repr=False)
class ClassificationF1(_PairCorpusMetric):
    """F1 of the picked choice against the gold choice over the corpus, by ``sklearn.metrics.f1_score``.

    Each sample contributes the pair (gold index, argmax of the log-probabilities; ties: the first). The labels are
    the sorted union of the gold and picked indices present. ``average``: ``binary`` (F1 of the label ``pos_label``
    only; scikit-learn refuses more than two labels, or two labels without ``pos_label``), ``micro`` (counts summed
    over labels: 2·TP / (2·TP + FP + FN)), ``macro`` (unweighted mean of the per-label F1), ``weighted`` (mean
    weighted by each label's gold count). ``zero_division``: the F1 of a label with no gold and no pick (``zero``:
    0, scikit-learn's default "warn"). ``pos_label`` matters only for ``binary`` (canonical form: 1 otherwise).
    lm_eval's ``f1`` on multiple-choice tasks is ``average=binary, pos_label=1`` (it then takes ``np.max`` of the
    scalar, which changes nothing).

    >>> ClassificationF1(average="weighted").id
    'classification_f1(average=weighted, pos_label=1, zero_division=zero)'
    """

    name: ClassVar[str] = "classification_f1"
    summary: ClassVar[str] = "corpus F1 of picked vs gold choice (scikit-learn f1_score)"
    average: str = enum("binary", ("binary", "micro", "macro", "weighted"), "scikit-learn's average")
    pos_label: int = integer(1, "the positive label for average=binary")
    zero_division: str = enum("zero", ("zero", "one", "nan"), "F1 of a label with no gold and no pick")

    def _validate(self):
        if self.average != "binary" and self.pos_label != 1:
            object.__setattr__(self, "pos_label", 1)

    def _zd(self):
        z = _ZERO[self.zero_division]
        return np.nan if z == "nan" else z

    def _statistic(self, golds, picks):
        return _sklearn_metrics().f1_score(golds, picks, average=self.average, pos_label=self.pos_label,
                                          zero_division=self._zd())

    def _from_counts(self, counts, labels):
        tp = np.einsum("rii->ri", counts).astype(np.float64)
        true = counts.sum(axis=2).astype(np.float64)
        pred = counts.sum(axis=1).astype(np.float64)
        zd = float(self._zd())

        def f(tp_, true_, pred_):
            denom = 1.0 * true_ + pred_
            with np.errstate(divide="ignore", invalid="ignore"):
                out = (2.0 * tp_) / np.where(denom == 0, 1.0, denom)
            return np.where(denom == 0, zd, out)

        if self.average == "binary":
            hit = np.flatnonzero(labels == self.pos_label)
            if len(hit) == 0:
                return np.full(counts.shape[0], zd)
            j = int(hit[0])
            return f(tp[:, j], true[:, j], pred[:, j])
        if self.average == "micro":
            return f(tp.sum(axis=1), true.sum(axis=1), pred.sum(axis=1))
        try:
            from sklearn.utils.extmath import _nanaverage
        except ImportError:
            return None
        per = f(tp, true, pred)
        present = (true + pred) > 0
        out = np.empty(counts.shape[0])
        for r in range(counts.shape[0]):
            sel = present[r]
            w = true[r][sel].astype(np.int64) if self.average == "weighted" else None
            out[r] = float(_nanaverage(per[r][sel], weights=w))
        return out

    def describe(self):
        how = {"binary": f"F1 of label {self.pos_label}", "micro": "micro-averaged F1",
               "macro": "macro-averaged F1 (mean over labels)", "weighted": "F1 averaged over labels weighted by "
               "their gold counts"}[self.average]
        return (f"pick the choice with the highest log-probability (ties: first); {how} of the (gold, pick) pairs "
                f"over the corpus (scikit-learn f1_score; a label with no gold and no pick scores "
                f"{self.zero_division})")


@register
@dataclass(frozen=True, repr=False)
class MatthewsCorrelation(_PairCorpusMetric):
    """Matthews correlation coefficient of picked vs gold choice over the corpus (``sklearn.metrics.matthews_corrcoef``).

    Each sample contributes (gold index, argmax of the log-probabilities; ties: the first); the multiclass form
    (Gorodkin's R_K) over the labels present; 0 where it is undefined (one label only). lm_eval's ``mcc``.

    >>> MatthewsCorrelation().id
    'matthews_corrcoef'
    """

    name: ClassVar[str] = "matthews_corrcoef"
    summary: ClassVar[str] = "corpus Matthews correlation of picked vs gold choice (scikit-learn)"

    def _statistic(self, golds, picks):
        return _sklearn_metrics().matthews_corrcoef(golds, picks)

    def _from_counts(self, counts, labels):
        c = counts.astype(np.float64)
        t_sum = c.sum(axis=2)
        p_sum = c.sum(axis=1)
        n_correct = np.einsum("rii->r", c)
        n_samples = p_sum.sum(axis=1)
        cov_ytyp = n_correct * n_samples - (t_sum * p_sum).sum(axis=1)
        cov_ypyp = n_samples ** 2 - (p_sum * p_sum).sum(axis=1)
        cov_ytyt = n_samples ** 2 - (t_sum * t_sum).sum(axis=1)
        prod = cov_ypyp * cov_ytyt
        with np.errstate(divide="ignore", invalid="ignore"):
            out = cov_ytyp / np.sqrt(np.where(prod == 0, 1.0, prod))
        return np.where(prod == 0, 0.0, out)

    def describe(self):
        return ("pick the choice with the highest log-probability (ties: first); Matthews correlation of the "
                "(gold, pick) pairs over the corpus (scikit-learn matthews_corrcoef; 0 when undefined)")


def _one_gold(c, i: int, name: str) -> int:
    if not isinstance(c, Choices):
        got = "None" if c is None else type(c).__name__
        raise InvalidInput(f"{name} scores multiple-choice log-probabilities: expected {CHOICE_SCORE_USAGE}; "
                           f"got {got}", index=i, field="choices")
    if isinstance(c.gold, tuple):
        raise InvalidInput(f"{len(c.gold)} gold indices; {name} takes exactly one", index=i, field="gold")
    return c.gold


class _NumpyMeanChoiceMetric(ChoiceMetric):
    """Base: a per-sample value of one Choices, averaged by ``numpy.mean`` (pairwise sums), as lm_eval's
    ``brier_score`` and task aggregations written with numpy; lm_eval reports no stderr for them ("N/A")."""

    aggregation: ClassVar[str] = "numpy_mean"

    def _values(self, items: list) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def score(self, choices: Choices) -> float:
        self._check_choices(choices)
        return float(self._values([choices])[0])

    def compute(self, samples: Iterable[Choices], *, progress: bool | None = None):
        from .._version import __version__
        from ..result import Result

        items = choice_list(samples, self.name)
        values = np.asarray(self._values(items), dtype=np.float64)
        with np.errstate(all="ignore"):
            score = float(np.mean(values))
        values.setflags(write=False)
        return Result(score=score, per_sample=values, n=len(values), stderr=float("nan"), metric_id=self.id,
                      aggregation="numpy_mean",
                      stderr_method="none: lm_eval reports N/A for this aggregation (not in its bootstrappable list)",
                      provenance={"evalmetrics": __version__})


@register
@dataclass(frozen=True, repr=False)
class BrierScore(_NumpyMeanChoiceMetric):
    """Multiclass Brier score of the choices' softmax against the one-hot gold (lower is better).

    Per sample: p = softmax of the summed log-probabilities (``exp(x - max x)`` over its sum), the value is
    sum over choices of (p_j - [j = gold])^2; the score is numpy's mean over samples, computed on the (samples x
    choices) array as lm_eval's ``brier_score`` aggregation does (every sample must have the same number of choices).

    >>> BrierScore().id
    'brier_score'
    """

    name: ClassVar[str] = "brier_score"
    summary: ClassVar[str] = "multiclass Brier score of the choice softmax vs the one-hot gold (numpy mean)"
    higher_is_better: ClassVar[bool] = False

    def _values(self, items):
        golds = [_one_gold(c, i, self.name) for i, c in enumerate(items)]
        k = items[0].n_choices
        for i, c in enumerate(items):
            if c.n_choices != k:
                raise InvalidInput(f"{c.n_choices} choices where sample 0 has {k}; the Brier score stacks every "
                                   f"sample's probabilities into one array (lm_eval fails on ragged choices)",
                                   index=i, field="logprobs")
        probs = []
        for c in items:
            x = np.asarray(c.logprobs, dtype=np.float64)
            e = np.exp(x - np.max(x))
            probs.append(e / e.sum())
        onehot = np.eye(k)[golds]
        return np.sum((np.array(probs) - onehot) ** 2, axis=1)

    def describe(self):
        return ("softmax of the choices' log-probabilities; sum of squared differences to the one-hot gold; numpy "
                "mean over samples (lower is better)")


@register
@dataclass(frozen=True, repr=False)
class GoldLogprobMargin(_NumpyMeanChoiceMetric):
    """The gold choice's log-probability minus the numpy mean of the other choices' log-probabilities.

    Per sample ``lls[gold] - np.mean(lls without gold)`` (NaN with a single choice); the score is numpy's mean over
    samples. lm_eval's ``mmlu_early_training`` reports it as ``likelihood`` (its ``loglikelihood_diff``
    aggregation).

    >>> GoldLogprobMargin().score(Choices(logprobs=[-1.0, -2.0, -4.0], gold=0))
    2.0
    """

    name: ClassVar[str] = "gold_logprob_margin"
    summary: ClassVar[str] = "gold log-probability minus the mean of the others' (numpy mean over samples)"

    def _values(self, items):
        out = np.empty(len(items))
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numpy's "mean of empty slice" for a single choice (the value is NaN)
            for i, c in enumerate(items):
                g = _one_gold(c, i, self.name)
                others = [lp for j, lp in enumerate(c.logprobs) if j != g]
                out[i] = c.logprobs[g] - np.mean(others)
        return out

    def describe(self):
        return ("gold choice's summed log-probability minus the numpy mean of the other choices'; numpy mean over "
                "samples")


@register
@dataclass(frozen=True, repr=False)
class AllCorrectPerGroup(ChoiceMetric):
    """The share of groups (questions) whose every sample is answered correctly (lm_eval's ``acc_all``, MultiRC).

    A sample is a two-choice Choices (choice 0: "false", choice 1: "true"); it is correct when the higher
    log-probability (ties: choice 0) is the gold. ``compute(samples, groups=[(paragraph, question), ...])``: a group is
    correct when all its samples are; the score is the mean over groups (by first appearance). The stderr is
    lm_eval's ``acc_all_stderr``: the mean's standard error over the groups keyed by ``question`` alone (lm_eval's
    quirk: answers of equal question ids in different paragraphs form one group there).

    >>> AllCorrectPerGroup().id
    'all_correct_per_group'
    """

    name: ClassVar[str] = "all_correct_per_group"
    summary: ClassVar[str] = "share of (paragraph, question) groups with every answer correct (lm_eval acc_all)"
    aggregation: ClassVar[str] = "group_all_correct"
    sample_context: ClassVar[str] = "groups"
    compute_usage: ClassVar[str] = (
        "compute(samples, groups=...): a list of two-choice evalmetrics.Choices and, per sample, its (paragraph id, "
        "question id), e.g. m.compute([em.Choices(logprobs=[-1.0, -0.2], gold=1)], groups=[(0, 0)])")

    def _correct(self, c, i) -> bool:
        g = _one_gold(c, i, self.name)
        if c.n_choices != 2:
            raise InvalidInput(f"{c.n_choices} choices; acc_all scores false/true answers (2 choices)", index=i,
                               field="logprobs")
        return int(np.argmax(np.asarray(c.logprobs, dtype=np.float64))) == g

    def score(self, choices: Choices) -> float:
        """1.0 if this one answer is correct (a group of one)."""
        self._check_choices(choices)
        return 1.0 if self._correct(choices, None) else 0.0

    def compute(self, samples: Iterable[Choices], *, groups=None, progress: bool | None = None):
        from .._version import __version__
        from ..result import Result, mean_and_stderr

        items = choice_list(samples, self.name)
        groups = check_column(groups, len(items), self.name, "groups", "one (paragraph id, question id) per sample")
        by_pq: dict = {}
        by_q: dict = {}
        answers = np.empty(len(items))
        for i, (c, key) in enumerate(zip(items, groups)):
            if not isinstance(key, (tuple, list)) or len(key) != 2:
                raise InvalidInput(f"expected (paragraph id, question id), got {key!r}", index=i, field="groups")
            try:
                ok = self._correct(c, i)
                answers[i] = 1.0 if ok else 0.0
                by_pq.setdefault((key[0], key[1]), []).append(ok)
                by_q.setdefault(key[1], []).append(ok)
            except TypeError:
                raise InvalidInput(f"expected hashable group ids, got {key!r}", index=i, field="groups") from None
        per_group = np.array([1.0 if all(v) else 0.0 for v in by_pq.values()])
        score = float(np.mean(per_group))
        _, se = mean_and_stderr(np.array([1.0 if all(v) else 0.0 for v in by_q.values()]))
        answers.setflags(write=False)
        return Result(score=score, per_sample=answers, n=len(items), stderr=se, metric_id=self.id,
                      aggregation=self.name,
                      stderr_method="lm_eval's acc_all_stderr: sample stdev (ddof=1) / sqrt(groups) over the groups "
                                    "keyed by question id alone (per_sample: each answer's correctness; the score "
                                    "is over groups)",
                      provenance={"evalmetrics": __version__})

    def describe(self):
        return ("an answer is correct when its higher log-probability (ties: false) is the gold; a (paragraph, "
                "question) group scores 1 when all its answers are correct; mean over groups")
