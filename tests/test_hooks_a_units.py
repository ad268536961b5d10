"""Units added for lm_eval's process_results hooks, part A: the pair metrics, LogMassRatio, KeptCharsMatch and
LoglikelihoodMatch's zero_length=as_one (the differential checks against lm_eval are in tests/conformance)."""
from __future__ import annotations

import math

import pytest

import evalmetrics as em


def test_pair_preference_ties_lose():
    m = em.PairPreference()
    assert m.score(em.Choices(logprobs=[-1.0, -2.0], gold=0)) == 1.0
    assert m.score(em.Choices(logprobs=[-1.0, -2.0], gold=1)) == 0.0
    assert m.score(em.Choices(logprobs=[-2.0, -1.0], gold=1)) == 1.0
    assert m.score(em.Choices(logprobs=[-1.0, -1.0], gold=0)) == 0.0
    assert m.score(em.Choices(logprobs=[-math.inf, -math.inf], gold=1)) == 0.0
    # LoglikelihoodMatch gives the tie to the first choice: the two metrics differ exactly there
    assert em.LoglikelihoodMatch().score(em.Choices(logprobs=[-1.0, -1.0], gold=0)) == 1.0


def test_pair_metrics_need_exactly_two_choices_with_the_sample_index():
    with pytest.raises(em.InvalidInput) as e:
        em.PairGap().compute([em.Choices(logprobs=[-1.0, -2.0], gold=0), em.Choices(logprobs=[-1.0], gold=0)])
    assert e.value.index == 1 and e.value.field == "logprobs"
    with pytest.raises(em.InvalidInput):
        em.PairPreference().score(em.Choices(logprobs=[-1.0, -2.0], gold=[0, 1]))
    with pytest.raises(em.InvalidInput):
        em.PairPreference().score("a text")


def test_pair_gap_is_absolute_and_lower_is_better():
    assert em.PairGap().score(em.Choices(logprobs=[-3.5, -1.0], gold=0)) == 2.5
    assert em.PairGap.higher_is_better is False
    assert math.isnan(em.PairGap().score(em.Choices(logprobs=[-math.inf, -math.inf], gold=0)))
    r = em.PairGap().compute([em.Choices(logprobs=[-1.0, -2.0], gold=0), em.Choices(logprobs=[0.0, -3.0], gold=1)])
    assert r.score == 2.0 and list(r.per_sample) == [1.0, 3.0]


def test_log_mass_ratio():
    m = em.LogMassRatio()
    c = em.Choices(logprobs=[-1.0, -2.0, -0.5, -3.0], gold=[0, 1])
    want = math.log(math.exp(-1.0) + math.exp(-2.0)) - math.log(math.exp(-0.5) + math.exp(-3.0))
    assert m.score(c) == want
    with pytest.raises(em.InvalidInput) as e:
        m.score(em.Choices(logprobs=[-800.0, -900.0, -1.0], gold=[0, 1]))
    assert e.value.field == "logprobs"
    with pytest.raises(em.InvalidInput):
        m.score(em.Choices(logprobs=[-1.0, -2.0], gold=[0, 1]))  # no other choice
    with pytest.raises(em.InvalidInput):
        m.score(em.Choices(logprobs=[800.0, -2.0], gold=[0]))  # exp overflows


def test_zero_length_as_one():
    c = em.Choices(logprobs=[-0.5, -3.0], gold=1, texts=["", "abc"])
    assert em.LoglikelihoodMatch(norm="char", zero_length="as_one").score(c) == 0.0  # -0.5/1 > -3/3
    assert em.LoglikelihoodMatch(norm="char", zero_length="ieee").score(c) == 1.0  # -0.5/0 = -inf
    with pytest.raises(em.InvalidInput):
        em.LoglikelihoodMatch(norm="char").score(c)
    m = em.LoglikelihoodMatch(norm="char", zero_length="as_one")
    assert em.get(m.id) == m


def test_kept_chars_match():
    m = em.KeptCharsMatch()
    assert m.score("L'home", ["l'home"]) == 1.0
    assert m.score("l home", ["l'home"]) == 0.0  # the apostrophe is the answer's own symbol
    assert m.score("bon-dia!", ["bon dia"]) == 1.0  # spaces and symbols the answers do not use go
    assert m.score("ΣΑΣ", ["σασ"]) == 1.0  # each character lowercased on its own: no final sigma
    assert em.KeptCharsMatch(case="keep").score("Casa", ["casa"]) == 0.0
    with pytest.raises(em.InvalidInput) as e:
        m.compute(["a", None], ["a", "b"])
    assert e.value.index == 1 and e.value.field == "prediction"


@pytest.mark.parametrize("alias", ["lm_eval:ruler/string_match_all", "lm_eval:babilong/acc"])
def test_long_context_outputs_read_control_characters_as_newlines(alias):
    m = em.get(alias)
    assert m.score("\x00 The Key\x01IS 7 ", ["the key\nis 7"]) == 1.0
    assert m.score("the key is 7", ["THE KEY\nIS 7"]) == 0.0
