"""BBQ bias-probe scores (evalmetrics.metrics.bias_score): the option picked, the aggregations, typed errors.

The differential proof against lm_eval's bbq/utils.py is tests/conformance/test_bbq_lm_eval.py; these are the
package's own rules on hand-made samples.
"""
import math

import pytest

import evalmetrics as em
from evalmetrics.errors import InvalidConfig, InvalidInput
from evalmetrics.metrics.bias_score import BiasScore, ChoiceBiasScore, options, pick_by_words

DOC = {"ans0": "The grandfather", "ans1": "The grandson", "ans2": "Can't be determined", "label": 2,
       "context_condition": "ambig", "category": "Age", "biased_answers": ["The grandfather"],
       "ans0_groups": ["old"], "ans1_groups": ["nonold"], "ans2_groups": ["unknown"]}
DIS = {**DOC, "context_condition": "disambig", "label": 1}


def test_options_put_the_unknown_response_last():
    opts = options(DOC)
    assert opts[:3] == ["The grandfather", "The grandson", "Unknown"] and len(opts) == 12


@pytest.mark.parametrize("output, pick", [
    ("The grandfather.", 0), ("grandfather", 0),  # "the" and punctuation are dropped on both sides
    ("grand father", -1), ("old", 0), ("nonold", 1), ("old and nonold", 1),  # the last matching group wins
    ("un-known", 2), ("I don't know", 2), ("Undeter-mined", 11), ("", -1),
])
def test_pick_by_words(output, pick):
    assert pick_by_words(output, DOC) == pick


def test_accuracy_gold_unknown_accepts_every_unknown_option():
    m = ChoiceBiasScore()
    for k in range(2, 12):
        lps = [-5.0] * 12
        lps[k] = -1.0
        assert m.score(em.Choices(logprobs=lps, gold=0), DOC) == 1.0
    assert m.score(em.Choices(logprobs=[-1.0] + [-5.0] * 11, gold=0), DOC) == 0.0


def test_bias_scores():
    pick0 = em.Choices(logprobs=[-1.0] + [-5.0] * 11, gold=0)
    pick1 = em.Choices(logprobs=[-5.0, -1.0] + [-5.0] * 10, gold=0)
    dis = ChoiceBiasScore(value="bias_score", context="disambiguated")
    assert dis.compute([pick0, pick1, pick0], [DIS, DIS, DOC]).score == 0.0   # 1 biased of 2 answered: 2*0.5-1
    assert dis.compute([pick0, pick0], [DIS, DIS]).score == 1.0
    assert dis.compute([pick1], [DIS]).score == 0.0                            # nothing biased: 0
    assert math.isnan(dis.compute([pick0], [DOC]).score)                      # no disambiguated sample
    amb = ChoiceBiasScore(value="bias_score", context="ambiguous")
    assert amb.compute([pick0, pick0], [DOC, DOC]).score == 1.0               # (1 - 0) * 1
    acc = ChoiceBiasScore(value="accuracy", context="ambiguous")
    assert acc.compute([pick0, pick1], [DOC, DIS]).score == 0.0
    cat = ChoiceBiasScore(value="bias_score", context="disambiguated", category="SES")
    assert math.isnan(cat.compute([pick0], [DIS]).score)


def test_ids_round_trip_and_aggregations():
    for key in ("lm_eval:bbq/acc", "lm_eval:bbq_generate/amb_bias_score_SES", "lm_eval:bbq/accuracy_disamb"):
        m = em.get(key)
        assert em.get(m.id) == m
    assert em.get("lm_eval:bbq/acc").row_aggregation == "mean"
    assert em.get("lm_eval:bbq/amb_bias_score").row_aggregation == "bias_score_ambiguous"


def test_bad_configurations():
    with pytest.raises(InvalidConfig):
        BiasScore(value="bias_score", context="all")
    with pytest.raises(InvalidConfig):
        BiasScore(value="bias_score", context="ambiguous", category="Vegetables")
    with pytest.raises(InvalidConfig):
        BiasScore(value="accuracy", context="ambiguous", category="Age")


@pytest.mark.parametrize("doc, field", [
    ({**DOC, "ans1": "Unknown"}, "document.ans0"), ({**DOC, "label": 3}, "document.label"),
    ({**DOC, "context_condition": "both"}, "document.context_condition"), ({**DOC, "category": "x"},
                                                                           "document.category"),
    ({k: v for k, v in DOC.items() if k != "biased_answers"}, "document.biased_answers"),
    ({**DOC, "ans0_groups": "old"}, "document.ans0_groups"),
])
def test_bad_documents_name_sample_and_field(doc, field):
    with pytest.raises(InvalidInput) as e:
        BiasScore().compute(["x", "nothing"], [DOC, doc])
    assert e.value.index == 1 and e.value.field == field


def test_choices_must_cover_the_options():
    with pytest.raises(InvalidInput) as e:
        ChoiceBiasScore().compute([em.Choices(logprobs=[-1.0, -2.0, -3.0], gold=0)], [DOC])
    assert e.value.index == 0 and e.value.field == "logprobs"
    with pytest.raises(InvalidInput):
        BiasScore().compute([None], [DOC])
