"""Every name in DESIGN.md's public contract, exercised as other tools use it."""
from __future__ import annotations

import pickle

import pytest

import evalmetrics as em


def test_version():
    assert isinstance(em.__version__, str) and em.__version__.count(".") >= 2


def test_exact_match_object_id_round_trip_score_compute():
    m = em.ExactMatch(mode="prefix", normalize=[em.StripPunct(), em.NormalizeNumbers()])
    assert isinstance(m.id, str) and m.id.startswith("exact_match(")
    # the ID states the direction ("prefix" is the constructor's short name for it)
    assert "mode=prediction_starts_with_reference" in m.id and "strip_punct" in m.id and "normalize_numbers" in m.id
    assert em.get(m.id) == m
    assert m.score("Yes, 1,000 of them", "Yes 1000") == 1.0
    assert m.score("No", ["Yes", "Maybe"]) == 0.0
    assert m.score("Maybe so", ("Yes", "Maybe")) == 1.0
    r = m.compute(["Yes!", "no", "3.0 apples"], ["Yes", "yes", ["4", "3"]])
    assert isinstance(r, em.Result)
    assert r.n == 3
    assert list(r.per_sample) == [1.0, 0.0, 1.0]
    assert r.score == pytest.approx(2 / 3)
    import statistics

    assert r.stderr == pytest.approx(statistics.stdev([1.0, 0.0, 1.0]) / 3 ** 0.5)
    assert r.metric_id == m.id


def test_stderr_is_the_sample_standard_error():
    r = em.ExactMatch().compute(["a", "b", "a", "a"], ["a", "a", "a", "a"])
    import statistics

    assert r.stderr == pytest.approx(statistics.stdev([1, 0, 1, 1]) / 2)


def test_harness_aliases_and_their_config_keys():
    light = em.get("lighteval:quasi_exact_match")
    helm = em.get("helm:quasi_exact_match")
    assert light.id != helm.id
    assert light.score("well known", "well-known") == 1.0
    assert helm.score("well known", "well-known") == 0.0
    lm = em.get("lm_eval:exact_match", ignore_case=True, ignore_punctuation=True, regexes_to_ignore=[",", "\\$"])
    assert lm.score("$1,000!", "1000") == 1.0
    assert em.get("lm_eval:exact_match").score("$1,000!", "1000") == 0.0
    gsm = em.get("lm_eval:gsm8k/strict-match")
    assert gsm.score("so #### 1,072", "Natalia... #### 1072") == 1.0
    assert gsm.score("The answer is 1072.", "Natalia... #### 1072") == 0.0


def test_explain_ambiguous_name():
    e = em.explain("quasi_em")
    assert isinstance(e, em.Explanation)
    assert isinstance(str(e), str) and "helm" in str(e)
    aliases = dict(e.meanings)
    assert set(aliases) == {"helm:quasi_exact_match", "lighteval:quasi_exact_match"}
    for alias, cid in e.meanings:
        assert em.get(cid) == em.get(alias)
    scores = e.example["scores"]
    assert len(set(scores.values())) > 1
    # The example's scores are what the metrics compute on it.
    for alias, s in scores.items():
        assert em.get(alias).score(e.example["prediction"], e.example["reference"]) == s


def test_catalog():
    rows = em.catalog()
    assert rows and all(isinstance(r, em.CatalogEntry) for r in rows)
    names = {r.name for r in rows}
    assert "exact_match" in names and "helm@0.5:quasi_exact_match" in names
    assert all(r.summary for r in rows)


def test_choices_and_loglikelihood_match():
    c = em.Choices(logprobs=[-1.2, -0.7, -3.1, -2.0], gold=1, texts=["Paris", "Rome", "Berlin", "Madrid"],
                   token_counts=[2, 1, 3, 2], unconditioned_logprobs=None)
    assert em.get("lm_eval:acc_norm").score(c) in (0.0, 1.0)
    assert em.get("lm_eval:acc").score(c) == 1.0
    for norm in ("none", "char", "char_nospace", "token", "byte"):
        assert em.LoglikelihoodMatch(norm=norm).score(c) in (0.0, 1.0)
    with pytest.raises(em.InvalidInput, match="unconditioned_logprobs"):
        em.LoglikelihoodMatch(norm="pmi").score(c)
    m = em.LoglikelihoodMatch(norm="char")
    assert em.get(m.id) == m and pickle.loads(pickle.dumps(m)) == m


def test_logprob_scorer_contract():
    pytest.importorskip("transformers")
    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    tok = bpe_tokenizer()
    model = random_gpt2(vocab_size=len(tok))
    scorer = em.LogprobScorer(model, tok, batch_size=32, device="cpu")
    recs = scorer.score([("The capital of France is", " Paris"), ("The capital of France is", " Rome")])
    assert len(recs) == 2
    for r in recs:
        assert isinstance(r.logprob, float) and r.logprob <= 0.0
        assert isinstance(r.is_greedy, bool) and r.n_tokens >= 1
    assert recs.provenance is not None
    c = em.Choices(logprobs=[r.logprob for r in recs], gold=0, texts=["Paris", "Rome"],
                   token_counts=[r.n_tokens for r in recs])
    assert em.get("lm_eval:acc_norm").score(c) in (0.0, 1.0)


def test_error_hierarchy():
    for cls in (em.InvalidInput, em.UnknownMetric, em.ParseError, em.Timeout, em.InvalidConfig):
        assert issubclass(cls, em.EvalMetricsError)
    with pytest.raises(em.UnknownMetric) as ei:
        em.get("lighteval:quasi_exact_matc")
    assert "lighteval:quasi_exact_match" in str(ei.value)
    with pytest.raises(em.ParseError) as pe:
        em.get("exact_match(mode=prefix")
    assert pe.value.position is not None
    with pytest.raises(em.InvalidInput) as ii:
        em.ExactMatch().compute(["a", None], ["a", "b"])
    assert ii.value.index == 1 and ii.value.field == "prediction"
    assert em.ExactMatch().score("", "") == 1.0  # an empty string is valid input


def test_math_equivalence_contract():
    m = em.MathEquivalence()
    assert isinstance(m.id, str) and m.id.startswith("math_equivalence@2(")
    assert em.get(m.id) == m and em.get("math_equivalence") == m
    assert m.score("so \\boxed{\\frac{1}{2}}", "0.5") == 1.0
    assert m.score("\\boxed{3}", ["1", "2"]) == 0.0
    r = m.compute(["\\boxed{2}", "\\boxed{9999999!}"], ["2", "1"])
    assert isinstance(r, em.Result) and list(r.per_sample) == [1.0, 0.0] and r.n_timeouts == 1
    with pytest.raises(em.Timeout):
        m.score("\\boxed{9999999!}", "1")
