"""OLMES multiple-choice scores: against a naive reading of oe-eval's MCAccuracy rules, the per-task table, the
better-of-two-formulations rule, and their errors.

No OLMES package is installable; ``oe_eval_reference`` below restates the published rules (oe-eval's
MCAccuracy.compute_for_requests / process_one_doc) as plain Python lists, one statement per rule, and the aliases
must agree with it on generated inputs. The cross-check against lm_eval / lighteval is
tests/conformance/test_olmes_crosscheck.py.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics.errors import InvalidConfig, InvalidInput
from evalmetrics.metrics.formulations import FormulationChoice, better_formulation
from evalmetrics.presets.olmes import MC_PRIMARY, SCORES, TASK_PRIMARY


def oe_eval_reference(logprobs, texts, token_counts, uncond):
    """Predicted index per score, as oe-eval defines them: counts floored at 1; continuation = the text with its
    leading space; first index of the max (min for bits per byte)."""
    n_tok = [max(t, 1) for t in token_counts]
    n_chr = [max(len(t), 1) for t in texts]
    n_byt = [max(len(t.encode("utf-8")), 1) for t in texts]
    per_token = [s / k for s, k in zip(logprobs, n_tok)]
    per_char = [s / k for s, k in zip(logprobs, n_chr)]
    bits_per_byte = [-1.44269504089 * (s / k) for s, k in zip(logprobs, n_byt)]
    return {
        "acc_raw": logprobs.index(max(logprobs)),
        "acc_per_token": per_token.index(max(per_token)),
        "acc_per_char": per_char.index(max(per_char)),
        "acc_per_byte": bits_per_byte.index(min(bits_per_byte)),
        "acc_uncond": max(range(len(logprobs)), key=lambda i: logprobs[i] - uncond[i]),
    }


FINITE = st.floats(min_value=-80, max_value=0, allow_nan=False, allow_infinity=False)
LP = st.one_of(FINITE, st.sampled_from([0.0, -0.0, -1.0, -2.0, -1e-300, -math.inf]))
TEXT = st.one_of(st.sampled_from(["", " ", " A", " Paris", " é", " 日本", "x"]), st.text(max_size=10).map(" ".__add__))


@st.composite
def olmes_case(draw):
    n = draw(st.integers(1, 5))
    lps = [draw(LP) for _ in range(n)]
    if n > 1 and draw(st.booleans()):
        lps[-1] = lps[0]
    return (lps, [draw(TEXT) for _ in range(n)], [draw(st.integers(0, 5)) for _ in range(n)],
            [draw(FINITE) for _ in range(n)], draw(st.integers(0, n - 1)))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(olmes_case())
def test_scores_follow_the_oe_eval_rules(case):
    lps, texts, toks, unc, gold = case
    c = em.Choices(logprobs=lps, gold=gold, texts=texts, token_counts=toks, unconditioned_logprobs=unc)
    picks = oe_eval_reference(lps, texts, toks, unc)
    for name in SCORES:
        assert em.get(f"olmes:{name}").score(c) == (1.0 if picks[name] == gold else 0.0), name


def test_bits_per_byte_keeps_the_first_of_values_its_rounding_makes_equal():
    # two per-byte log-probabilities one ulp apart that x1.44269504089 rounds to one value: OLMES keeps the first,
    # the unrounded per-byte argmax (lm_eval's acc_bytes) the larger
    a = -1.5999999999999999  # per byte; the texts " x", " y" have 2 bytes, the log-probabilities are 2a, 2b
    b = math.nextafter(a, 0.0)
    c = 1.44269504089
    assert c * a == c * b and a < b
    ch = em.Choices(logprobs=[2 * a, 2 * b], gold=1, texts=[" x", " y"])
    assert oe_eval_reference([2 * a, 2 * b], [" x", " y"], [1, 1], [0.0, 0.0])["acc_per_byte"] == 0
    assert em.get("olmes:acc_per_byte").score(ch) == 0.0
    assert em.get("lm_eval:acc_bytes").score(ch) == 1.0


def test_counts_floor_at_one():
    c = em.Choices(logprobs=[-0.5, -3.0], gold=1, texts=["", " abc"], token_counts=[0, 4])
    assert oe_eval_reference([-0.5, -3.0], ["", " abc"], [0, 4], [0.0, 0.0])["acc_per_char"] == 0
    assert em.get("olmes:acc_per_char").score(c) == 0.0
    assert em.get("olmes:acc_per_token").score(c) == 0.0
    with pytest.raises(InvalidInput):  # lighteval divides by zero here
        em.get("lighteval:acc_norm").score(c)


def test_per_char_counts_the_leading_space_unlike_lm_eval_acc_norm():
    choices = ["a", "abc"]
    lps = [-1.0, -2.2]
    olmes = em.get("olmes:acc_per_char").score(em.Choices(logprobs=lps, gold=0, texts=[" " + t for t in choices]))
    lm_eval = em.get("lm_eval:acc_norm").score(em.Choices(logprobs=lps, gold=0, texts=choices))
    assert oe_eval_reference(lps, [" " + t for t in choices], [1, 1], [0.0, 0.0])["acc_per_char"] == 0
    assert (olmes, lm_eval) == (1.0, 0.0)


def test_several_golds_are_an_error():
    c = em.Choices(logprobs=[-1.0, -2.0], gold=[0, 1], texts=[" a", " b"], token_counts=[1, 1],
                   unconditioned_logprobs=[0.0, 0.0])
    for name in SCORES:
        with pytest.raises(InvalidInput, match="gold"):
            em.get(f"olmes:{name}").score(c)
    with pytest.raises(InvalidInput) as e:
        em.get("olmes:acc_raw").compute([em.Choices(logprobs=[-1.0], gold=0), c])
    assert e.value.index == 1


def test_missing_inputs_name_the_field():
    c = em.Choices(logprobs=[-1.0, -2.0], gold=0)
    for name, field in [("acc_per_token", "token_counts"), ("acc_per_char", "texts"), ("acc_per_byte", "texts"),
                        ("acc_uncond", "unconditioned_logprobs")]:
        with pytest.raises(InvalidInput) as e:
            em.get(f"olmes:{name}").score(c)
        assert e.value.field == field


def test_task_table():
    """The per-task primary score (OLMES paper / OLMo-Eval olmes_v0_1) as the alias builds it."""
    assert set(TASK_PRIMARY) == {"arc_easy", "arc_challenge", "boolq", "csqa", "hellaswag", "mmlu", "openbookqa",
                                 "piqa", "socialiqa", "winogrande"}
    by_primary = {}
    for task, primary in TASK_PRIMARY.items():
        by_primary.setdefault(primary, set()).add(task)
        assert em.get("olmes:primary_score", task=task) == em.get(f"olmes:{primary}")
        assert em.get("olmes:primary_score", task=task, formulation="rc") == em.get(f"olmes:{primary}")
        assert em.get("olmes:primary_score", task=task, formulation="mc") == em.get(f"olmes:{MC_PRIMARY}")
    assert by_primary == {"acc_per_char": {"arc_easy", "hellaswag", "piqa", "socialiqa", "mmlu"},
                          "acc_uncond": {"arc_challenge", "csqa", "openbookqa"},
                          "acc_raw": {"boolq", "winogrande"}}


@pytest.mark.parametrize("config,word", [({}, "task="), ({"task": "hellaswg"}, "task="),
                                         ({"task": "piqa", "formulation": "cloze"}, "formulation"),
                                         ({"task": "piqa", "norm": "char"}, "norm")])
def test_primary_score_configuration_is_checked(config, word):
    with pytest.raises(InvalidConfig, match=word):
        em.get("olmes:primary_score", **config)


def test_scores_take_no_configuration():
    for name in SCORES:
        with pytest.raises(InvalidConfig):
            em.get(f"olmes:{name}", task="piqa")


def test_bare_task_names_stay_task_names():
    """No OLMES alias is named after a task: explain("hellaswag") stays the task reader's."""
    from evalmetrics.registry import aliases

    names = {a.name for a in aliases().values() if a.harness == "olmes"}
    assert not any(t in n for t in TASK_PRIMARY for n in names)


def test_ids_round_trip_and_describe():
    for name in SCORES:
        m = em.get(f"olmes:{name}")
        assert em.get(m.id) == m
        assert m.describe()
    assert "1.44269504089" in em.get("olmes:acc_per_byte").describe()


def test_better_formulation():
    assert better_formulation(0.314, 0.297) == FormulationChoice(0.314, "rc", 0.314, 0.297)
    r = better_formulation(0.568, 0.62)
    assert (r.score, r.formulation, r.used_mc) == (0.62, "mc", True)
    assert better_formulation(0.5, 0.5).formulation == "rc"  # equal: the cloze formulation, listed first
    rc = em.get("olmes:primary_score", task="arc_challenge").compute([em.Choices(logprobs=[-1.0, -2.0], gold=0, unconditioned_logprobs=[
        -0.5, -0.1]), em.Choices(logprobs=[-3.0, -1.0], gold=1, unconditioned_logprobs=[0.0, 0.0])])
    mc = em.get("olmes:primary_score", task="arc_challenge", formulation="mc").compute(
        [em.Choices(logprobs=[-1.0, -2.0], gold=0), em.Choices(logprobs=[-0.5, -1.0], gold=1)])
    best = better_formulation(rc, mc)
    assert best.score == max(rc.score, mc.score)
    assert best.formulation == ("mc" if mc.score > rc.score else "rc")


@pytest.mark.parametrize("bad,field", [((None, 0.5), "rc"), ((0.5, "0.4"), "mc"), ((float("nan"), 0.5), "rc"),
                                       ((0.5, True), "mc")])
def test_better_formulation_rejects_non_scores(bad, field):
    with pytest.raises(InvalidInput) as e:
        better_formulation(*bad)
    assert e.value.field == field


def test_explain_shows_olmes_and_its_source():
    e = em.explain("olmes:acc_per_byte")
    assert "OLMES" in str(e) and "1.44269504089" in str(e)
    e = em.explain("acc_per_char")
    assert [a for a, _ in e.meanings] == ["olmes:acc_per_char"]
