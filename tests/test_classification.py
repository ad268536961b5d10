"""Corpus classification metrics over choices (F1, MCC, Brier, acc_all, gold margin) and lm_eval's bootstrap draws.

The numbers are proven against lm_eval in tests/conformance/test_corpus_lm_eval.py; here: IDs, errors, the
bootstrap's draws against Python's ``random``, and the counting fast path against scikit-learn on every resample.
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics.metrics.bootstrap import (lm_eval_bootstrap_stderr, lm_eval_resample_count, resample_indices,
                                           sample_stddev)
from evalmetrics.metrics.classification import (AllCorrectPerGroup, BrierScore, ClassificationF1, GoldLogprobMargin,
                                                MatthewsCorrelation)

sklearn_metrics = pytest.importorskip("sklearn.metrics")

ALIASES = ["lm_eval:f1", "lm_eval:mcc", "lm_eval:weighted_f1_score", "lm_eval:macro_f1_score",
           "lm_eval:micro_f1_score", "lm_eval:brier_score", "lm_eval:acc_all", "lm_eval:loglikelihood_diff",
           "lm_eval:afriqa/f1"]


@pytest.mark.parametrize("alias", ALIASES)
def test_aliases_round_trip(alias):
    m = em.get(alias)
    assert em.get(m.id) == m


@pytest.mark.parametrize("unit", [ClassificationF1(average=a) for a in ("binary", "micro", "macro", "weighted")]
                         + [ClassificationF1(pos_label=0), ClassificationF1(zero_division="nan"), MatthewsCorrelation(),
                            BrierScore(), GoldLogprobMargin(), AllCorrectPerGroup()])
def test_ids_parse_back(unit):
    assert em.get(unit.id) == unit


def test_pos_label_is_canonical_outside_binary():
    assert ClassificationF1(average="macro", pos_label=3) == ClassificationF1(average="macro")
    assert ClassificationF1(pos_label=3) != ClassificationF1()


def _choices(pairs, k=3):
    """Choices whose argmax is the given pick."""
    out = []
    for g, p in pairs:
        lps = [-5.0] * k
        lps[p] = -1.0
        out.append(em.Choices(logprobs=lps, gold=g))
    return out


@st.composite
def label_pairs(draw, k_max=4, n_max=25):
    k = draw(st.integers(2, k_max))
    n = draw(st.integers(2, n_max))
    return k, [(draw(st.integers(0, k - 1)), draw(st.integers(0, k - 1))) for _ in range(n)]


@pytest.mark.parametrize("unit", [ClassificationF1(average=a) for a in ("micro", "macro", "weighted")]
                         + [ClassificationF1(average="macro", zero_division="nan"), MatthewsCorrelation()])
@settings(max_examples=6, deadline=None, derandomize=True)
@given(x=label_pairs())
def test_value_is_sklearn_and_counting_path_equals_sklearn_per_resample(unit, x):
    k, pairs = x
    golds = np.array([g for g, _ in pairs])
    picks = np.array([p for _, p in pairs])
    r = unit.compute(_choices(pairs, k), bootstrap_iters=20)
    fn = sklearn_metrics.matthews_corrcoef if isinstance(unit, MatthewsCorrelation) else (
        lambda a, b: sklearn_metrics.f1_score(a, b, average=unit.average, zero_division=unit._zd()))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert r.score == float(fn(golds.tolist(), picks.tolist()))
        slow = lm_eval_bootstrap_stderr(lambda idx: [fn(golds[row].tolist(), picks[row].tolist()) for row in idx],
                                        len(pairs), 20)
    assert r.stderr == slow or (math.isnan(r.stderr) and math.isnan(slow))


def test_binary_f1_counting_path():
    pairs = [(i % 2, (i * 5 // 3) % 2) for i in range(30)]
    golds = np.array([g for g, _ in pairs])
    picks = np.array([p for _, p in pairs])
    for pos in (0, 1):
        unit = ClassificationF1(pos_label=pos)
        r = unit.compute(_choices(pairs, 2), bootstrap_iters=200)
        slow = lm_eval_bootstrap_stderr(
            lambda idx: [sklearn_metrics.f1_score(golds[row], picks[row], pos_label=pos, zero_division=0.0)
                         for row in idx], 30, 200)
        assert r.stderr == slow


def test_a_wrong_counting_path_is_caught_and_scikit_learn_used(monkeypatch):
    """Meta-test: the check of the counting path against scikit-learn can fail, and then every resample goes to
    scikit-learn (the stderr stays right)."""
    pairs = [(i % 3, (i * 7) % 3) for i in range(20)]
    good = MatthewsCorrelation().compute(_choices(pairs), bootstrap_iters=50).stderr
    monkeypatch.setattr(MatthewsCorrelation, "_from_counts", lambda self, c, labels: np.zeros(c.shape[0]) + 0.5)
    assert MatthewsCorrelation().compute(_choices(pairs), bootstrap_iters=50).stderr == good


def test_resample_indices_are_random_choices():
    for iters, n in ((3, 4), (1000, 2), (2500, 3)):
        chunk = min(1000, iters)
        want = []
        for i in range(iters // chunk):
            rnd = random.Random(i)
            want += [rnd.choices(range(n), k=n) for _ in range(chunk)]
        assert [r for b in resample_indices(n, iters) for r in b.tolist()] == want
    assert lm_eval_resample_count(1500) == 1000 and lm_eval_resample_count(0) == 0


def test_sample_stddev_is_pythons():
    v = [0.1, 0.7, 0.2, 0.3]
    mu = sum(v) / len(v)
    assert sample_stddev(v) == math.sqrt(sum((x - mu) ** 2 for x in v) / (len(v) - 1))


def test_stderr_none_cases():
    one = em.get("lm_eval:mcc").compute(_choices([(0, 1)]))
    assert math.isnan(one.stderr) and "N/A" in one.stderr_method
    zero = em.get("lm_eval:mcc").compute(_choices([(0, 1), (1, 1)]), bootstrap_iters=0)
    assert math.isnan(zero.stderr) and zero.stderr_method.startswith("none")
    r = em.get("lm_eval:mcc").compute(_choices([(0, 1), (1, 1), (1, 0)]), bootstrap_iters=1500)
    assert "1000 resamples" in r.stderr_method and r.aggregation == "matthews_corrcoef"
    assert all(math.isnan(v) for v in r.per_sample)


def test_errors_name_the_sample_and_field():
    m = em.get("lm_eval:f1")
    with pytest.raises(em.InvalidInput) as e:
        m.compute([em.Choices(logprobs=[-1.0, -2.0], gold=0), em.Choices(logprobs=[-1.0, -2.0], gold=[0, 1])])
    assert e.value.index == 1 and e.value.field == "gold"
    with pytest.raises(em.InvalidInput) as e:
        m.compute([em.Choices(logprobs=[-1.0, -2.0], gold=0), "A"])
    assert e.value.index == 1 and e.value.field == "choices"
    with pytest.raises(em.InvalidInput):
        m.compute([])
    with pytest.raises(em.InvalidInput, match="scikit-learn"):  # binary F1 of three labels
        m.compute(_choices([(0, 1), (2, 2), (1, 1)]))
    with pytest.raises(em.InvalidConfig):
        m.compute(_choices([(0, 1), (1, 1)]), bootstrap_iters="100")
    with pytest.raises(em.InvalidInput) as e:
        em.get("lm_eval:brier_score").compute([em.Choices(logprobs=[-1.0, -2.0], gold=0),
                                               em.Choices(logprobs=[-1.0, -2.0, -3.0], gold=0)])
    assert e.value.index == 1
    with pytest.raises(em.InvalidInput) as e:
        em.get("lm_eval:acc_all").compute(_choices([(0, 1)], 2), groups=[(0, 0), (0, 1)])
    assert e.value.field == "groups"


def test_brier_and_margin_values():
    sure = [em.Choices(logprobs=[0.0, -1000.0], gold=0)] * 3
    assert em.get("lm_eval:brier_score").compute(sure).score == 0.0
    assert em.get("lm_eval:brier_score").higher_is_better is False
    c = em.Choices(logprobs=[-1.0, -2.0, -4.0], gold=0)
    assert em.get("lm_eval:loglikelihood_diff").score(c) == -1.0 - np.mean([-2.0, -4.0])
    assert math.isnan(em.get("lm_eval:loglikelihood_diff").score(em.Choices(logprobs=[-1.0], gold=0)))


def test_acc_all_groups():
    m = em.get("lm_eval:acc_all")
    # group (0, 0): both right; group (0, 1): one wrong; group (1, 0): right (same question id as the first)
    samples = _choices([(1, 1), (0, 0), (1, 1), (1, 0), (0, 0)], 2)
    r = m.compute(samples, groups=[(0, 0), (0, 0), (0, 1), (0, 1), (1, 0)])
    assert r.score == np.mean([1.0, 0.0, 1.0])
    assert r.n == 5 and list(r.per_sample) == [1.0, 1.0, 1.0, 0.0, 1.0]
    from evalmetrics.result import mean_and_stderr

    assert r.stderr == mean_and_stderr(np.array([1.0, 0.0]))[1]  # keyed by question id alone: {0: all, 1: not}


def test_textgen_bootstrap_iterations():
    preds, refs = ["the cat sat", "a dog ran", "hello"], ["the cat sat", "the dog ran", "hi"]
    r = em.get("lm_eval:bleu").compute(preds, refs)
    assert "100 resamples" in r.stderr_method
    r2 = em.get("lm_eval:bleu").compute(preds, refs, bootstrap_iters=100)
    assert r2.stderr == r.stderr
