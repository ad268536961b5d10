"""Perplexity metrics over log-likelihoods: formulas, the sample forms they read, typed errors, Result fields.

The numbers lm_eval reports are checked against lm_eval's own functions in
tests/conformance/test_perplexity_lm_eval.py; here the rules are checked against plain formulas.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics.metrics.perplexity import BitsPerUnit, MeanPerplexity, WeightedPerplexity

CORPUS = [(-12.5, 4), (-3.0, 1), (0.0, 2)]


def test_aliases_resolve_to_explicit_ids():
    assert em.get("lm_eval:word_perplexity") == WeightedPerplexity(weight="words")
    assert em.get("lm_eval:byte_perplexity") == WeightedPerplexity(weight="bytes")
    assert em.get("lm_eval:bits_per_byte") == BitsPerUnit(weight="bytes")
    assert em.get("lm_eval:perplexity") == MeanPerplexity()
    assert em.get("lm_eval:word_perplexity").id == "weighted_perplexity(weight=words, unscored=refuse)"
    assert em.get("weighted_perplexity(weight=tokens)").weight == "tokens"
    for alias in ("lm_eval:word_perplexity", "lm_eval:bits_per_byte", "lm_eval:perplexity"):
        assert em.get(alias).higher_is_better is False


def test_formulas():
    total_ll, total_w = -15.5, 7
    assert WeightedPerplexity().compute(CORPUS).score == math.exp(-(total_ll / total_w))
    assert BitsPerUnit().compute(CORPUS).score == -(total_ll / total_w) / math.log(2)
    assert MeanPerplexity().compute([-1.0, -2.0, -4.5]).score == math.exp(-(-7.5 / 3))
    # A corpus ratio, not a mean of per-document perplexities.
    per_doc = np.mean([math.exp(-lp / w) for lp, w in CORPUS])
    assert WeightedPerplexity().compute(CORPUS).score != pytest.approx(per_doc)
    assert WeightedPerplexity().score((-6.0, 3)) == math.exp(2.0)


def test_record_forms_are_the_same_sample():
    from evalmetrics.scoring import RollingRecord  # the scorer's record; metrics read it by attributes

    records = [RollingRecord(logprob=lp, n_tokens=9, n_windows=1, n_words=w, n_bytes=3 * w) for lp, w in CORPUS]
    dicts = [{"logprob": lp, "n_words": w, "n_bytes": 3 * w, "n_tokens": 9} for lp, w in CORPUS]
    m = em.get("lm_eval:word_perplexity")
    assert m.compute(records).score == m.compute(dicts).score == m.compute(CORPUS).score
    b = em.get("lm_eval:byte_perplexity")
    assert b.compute(records).score == b.compute([(lp, 3 * w) for lp, w in CORPUS]).score
    t = WeightedPerplexity(weight="tokens")
    assert t.compute(records).score == math.exp(15.5 / 27)
    assert MeanPerplexity().compute(records).score == MeanPerplexity().compute([lp for lp, _ in CORPUS]).score


def test_result_reports_a_corpus_value_without_stderr():
    r = em.get("lm_eval:bits_per_byte").compute(CORPUS)
    assert r.n == 3 and r.metric_id == "bits_per_unit(weight=bytes)" and r.aggregation == "bits_per_unit"
    assert math.isnan(r.stderr) and np.isnan(r.per_sample).all()
    assert "lm_eval reports no stderr" in r.stderr_method
    assert "bootstraps" in em.get("lm_eval:perplexity").compute([-1.0]).stderr_method


def test_overflow_is_infinite_and_empty_documents_count():
    assert WeightedPerplexity().compute([(-800.0, 1)]).score == math.inf
    assert MeanPerplexity().compute([-math.inf]).score == math.inf
    # An empty document (log-likelihood 0, one word as lm_eval counts it) lowers the word perplexity.
    assert WeightedPerplexity().compute([(-4.0, 2), (0.0, 1)]).score == math.exp(4.0 / 3)


@pytest.mark.parametrize("samples,field,index", [
    ([(float("nan"), 1)], "logprob", 0),
    ([(-1.0, 1), (0.5, 1)], "logprob", 1),
    ([(-1.0, True)], "weight", 0),
    ([(-1.0, -2)], "weight", 0),
    ([(-1.0, 1.5)], "weight", 0),
    ([("x", 1)], "logprob", 0),
    ([{"logprob": -1.0}], "sample", 0),
    ([(-1.0, 1), (-1.0, 2, 3)], "sample", 1),
    ([None], "sample", 0),
    ([], "samples", None),
    (None, "samples", None),
    ("text", "samples", None),
    ([(-1.0, 0), (-2.0, 0)], "weight", None),
])
def test_invalid_samples_are_typed(samples, field, index):
    with pytest.raises(em.InvalidInput) as e:
        WeightedPerplexity().compute(samples)
    assert (e.value.field, e.value.index) == (field, index)


def test_mean_perplexity_invalid_samples():
    with pytest.raises(em.InvalidInput) as e:
        MeanPerplexity().compute([-1.0, None])
    assert (e.value.field, e.value.index) == ("logprob", 1)
    with pytest.raises(em.InvalidInput):
        MeanPerplexity().compute([{"n_words": 1}])
    with pytest.raises(em.InvalidInput):
        MeanPerplexity().score(0.1)


@given(st.lists(st.tuples(st.floats(-1e4, 0), st.integers(1, 1000)), min_size=1, max_size=20))
def test_bits_per_byte_and_byte_perplexity_agree(corpus):
    """bits = log2(perplexity) for the same weight, up to rounding."""
    bits = BitsPerUnit(weight="bytes").compute(corpus).score
    ppl = WeightedPerplexity(weight="bytes").compute(corpus).score
    if math.isfinite(ppl):
        assert math.log2(ppl) == pytest.approx(bits, rel=1e-9, abs=1e-12)


def test_scorer_records_feed_the_metrics():
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from evalmetrics.scoring import LogprobScorer
    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    torch.manual_seed(0)
    tok = bpe_tokenizer()
    scorer = LogprobScorer(random_gpt2(len(tok), n_layer=1, n_embd=16, n_head=2, n_positions=8), tok)
    docs = ["The quick brown fox jumps over the lazy dog.", "Paris is the capital of France.", ""]
    records = scorer.score_rolling(docs)
    words = sum(len(d.split()) or 1 for d in docs)  # no leading/trailing whitespace here: split agrees
    ll = sum(r.logprob for r in records)
    assert em.get("lm_eval:word_perplexity").compute(records).score == pytest.approx(math.exp(-ll / words))
    bpb = em.get("lm_eval:bits_per_byte").compute(records).score
    assert bpb == pytest.approx(-ll / sum(len(d.encode()) for d in docs) / math.log(2))


def test_score_cli_reads_rolling_records_and_equals_compute(tmp_path, capsys):
    """`evalmetrics score` on a file of rolling records (one JSON object per document) gives the metric's own value."""
    import json

    from evalmetrics.cli import main

    rows = [{"logprob": -12.5, "n_words": 4, "n_bytes": 19}, {"logprob": -3.25, "n_words": 1, "n_bytes": 5}]
    data = tmp_path / "rolling.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    for alias in ("lm_eval:word_perplexity", "lm_eval:byte_perplexity", "lm_eval:bits_per_byte"):
        assert main(["score", "--metric", alias, "--data", str(data), "--json"]) in (0, None)
        got = json.loads(capsys.readouterr().out)
        assert got["score"] == em.get(alias).compute(rows).score
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"logprob": -1.0}) + "\n")
    assert main(["score", "--metric", "lm_eval:word_perplexity", "--data", str(bad)]) not in (0, None)
    assert "n_words" in capsys.readouterr().err
