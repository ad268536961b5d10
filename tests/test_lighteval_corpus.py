"""lighteval's corpus metrics over log-likelihoods: perplexity aliases, the numpy mean, the best-label and
one-vs-rest F1s, and the records built from lighteval's Doc / ModelResponse.

lighteval's own numbers are checked in tests/conformance/test_lighteval_corpus_sampling.py (harness environment);
here the rules are checked against plain formulas and scikit-learn.
"""
from __future__ import annotations

import math
import random
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics.errors import InvalidInput
from evalmetrics.integrations.lighteval import perplexity_record, sample_inputs
from evalmetrics.metrics.label_f1 import BestLabelF1, OneVsRestF1
from evalmetrics.metrics.perplexity import BitsPerUnit, MeanPerplexity, WeightedPerplexity

skm = pytest.importorskip("sklearn.metrics")


def test_aliases_are_the_shared_units():
    assert em.get("lighteval:word_perplexity") == WeightedPerplexity(weight="words")
    assert em.get("lighteval:byte_perplexity") == WeightedPerplexity(weight="bytes")
    assert em.get("lighteval:bits_per_byte") == BitsPerUnit(weight="bytes")
    assert em.get("lighteval:prediction_perplexity") == MeanPerplexity(summation="numpy_pairwise")
    assert em.get("lighteval:target_perplexity").id == "mean_perplexity(summation=numpy_pairwise)"
    assert em.get("lm_eval:perplexity").id == "mean_perplexity(summation=left_to_right)"
    assert em.get("lighteval:mcc").id == "matthews_corrcoef"
    assert em.get("lighteval:loglikelihood_f1") == BestLabelF1()
    assert em.get("lighteval:multi_f1_numeric") == OneVsRestF1(num_classes=3, average="micro")
    for unit in (MeanPerplexity(summation="numpy_pairwise"), BestLabelF1(), OneVsRestF1(num_classes=4)):
        assert em.get(unit.id) == unit


def test_numpy_mean_perplexity_is_numpys_mean():
    rng = random.Random(0)
    values = [-rng.random() * 10 for _ in range(40)]
    numpy_side = MeanPerplexity(summation="numpy_pairwise").compute(values).score
    left = MeanPerplexity().compute(values).score
    assert numpy_side == math.exp(-np.mean(values))
    assert left == math.exp(-(sum(values) / len(values)))
    assert numpy_side != left  # the two summations differ in the last bit here
    assert MeanPerplexity(summation="numpy_pairwise").compute([-800.0]).score == math.inf
    with pytest.raises(InvalidInput):
        MeanPerplexity(summation="numpy_pairwise").compute([-1.0, None])


def _doc(query="", original=None, golds=("g",), gold_index=None):
    golds = list(golds)
    return SimpleNamespace(query=query, original_query=original, choices=golds,
                           gold_index=list(range(len(golds))) if gold_index is None else gold_index,
                           get_golds=lambda: golds)


def test_perplexity_record_counts_what_lighteval_counts():
    resp = SimpleNamespace(logprobs=[-0.1] * 9)
    rec = perplexity_record(_doc(query=" a  b\n", original=None), resp)
    assert rec == {"logprob": float(np.sum([-0.1] * 9)), "n_words": 4, "n_bytes": 6}
    assert rec["logprob"] != sum([-0.1] * 9)  # numpy's pairwise sum, as lighteval's np.sum
    assert perplexity_record(_doc(query="x y", original="é"), resp)["n_bytes"] == 2  # original_query first
    assert perplexity_record(_doc(golds=["a b", "c"]), resp, counted="golds")["n_words"] == 3
    with pytest.raises(InvalidInput, match="logprobs"):
        perplexity_record(_doc(), SimpleNamespace(logprobs=[]))
    with pytest.raises(InvalidInput, match="counted"):
        perplexity_record(_doc(), resp, counted="choices")
    m = em.get("lighteval:word_perplexity")
    assert sample_inputs(m, _doc(query="a b"), resp) == (perplexity_record(_doc(query="a b"), resp),)


pair_corpus = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=30)


def _choices(pairs):
    out = []
    for gold, pick in pairs:
        lps = [-5.0] * 4
        lps[pick] = -1.0
        out.append(em.Choices(logprobs=lps, gold=gold))
    return out


@settings(max_examples=200, deadline=None)
@given(pair_corpus)
def test_best_label_f1_is_the_max_per_label_f1(pairs):
    golds, picks = [g for g, _ in pairs], [p for _, p in pairs]
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = float(np.max(skm.f1_score(golds, picks, average=None)))
    assert BestLabelF1().compute(_choices(pairs), bootstrap_iters=0).score == expected


@settings(max_examples=200, deadline=None)
@given(pair_corpus)
def test_one_vs_rest_micro_f1_is_the_mean_indicator_accuracy(pairs):
    n = len(pairs)
    expected = float(np.mean([sum((g == i) == (p == i) for g, p in pairs) / n for i in range(3)]))
    assert OneVsRestF1(num_classes=3).compute(_choices(pairs), bootstrap_iters=0).score == expected


def test_bootstrap_counts_path_equals_scikit_learn():
    """The count-based resample statistic is checked against scikit-learn on each resample (it falls back
    otherwise): here the fast path stays on, and its values equal scikit-learn's."""
    from evalmetrics.metrics.classification import choice_pairs

    rng = random.Random(3)
    pairs = [(rng.randrange(3), rng.randrange(3)) for _ in range(60)]
    for m in (BestLabelF1(), OneVsRestF1(num_classes=3)):
        golds, picks = choice_pairs(_choices(pairs), m.name)
        idx = np.array([[rng.randrange(60) for _ in range(60)] for _ in range(30)])
        fast = m._rows(golds, picks)(idx)
        slow = [m.statistic(golds[r], picks[r]) for r in idx]
        assert [float(x) for x in fast] == slow


def test_several_golds_are_refused():
    with pytest.raises(InvalidInput, match="gold"):
        BestLabelF1().compute([em.Choices(logprobs=[-1.0, -2.0], gold=[0, 1])], bootstrap_iters=0)
