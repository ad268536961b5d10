"""Units behind lm_eval's process_results hooks, part B (TruthfulQA MC2, SCORE robustness): ProbabilityMass,
IfContains, RoundedMean, MacroMean, ConsistencyRate, their aliases and how the task reader reads the hook rows.

The differential tests against the installed lm_eval are in tests/conformance/test_hooks_b_lm_eval.py.
"""
import math
import os

import pytest

import evalmetrics as em
from evalmetrics.errors import InvalidConfig, InvalidInput

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COPIES = os.path.join(ROOT, "tests", "data", "lm_eval_tasks", "lm_eval_0.4.13")


# ------------------------------------------------------------------------------------------------ ProbabilityMass

def test_probability_mass_is_the_share_of_probability_on_the_true_choices():
    c = em.Choices(logprobs=[math.log(0.2), math.log(0.3), math.log(0.5)], gold=[0, 2])
    assert em.ProbabilityMass().score(c) == pytest.approx(0.7, abs=1e-15)
    assert em.ProbabilityMass(summation="python").score(c) == pytest.approx(0.7, abs=1e-15)
    # leading_gold: only the choices before the first non-gold one (index 1) are true
    assert em.ProbabilityMass(true_choices="leading_gold").score(c) == pytest.approx(0.2, abs=1e-15)


def test_probability_mass_summations_are_distinct_ids_and_round_trip():
    ids = {em.ProbabilityMass(true_choices=t, summation=s).id for t in ("gold", "leading_gold")
           for s in ("numpy", "python")}
    assert len(ids) == 4
    for i in ids:
        assert em.get(i).id == i


def test_probability_mass_errors_name_sample_and_field():
    m = em.get("lm_eval:truthfulqa-multi/mc2")
    ok = em.Choices(logprobs=[-1.0, -2.0], gold=[0])
    every = em.Choices(logprobs=[-1.0, -2.0], gold=[0, 1])
    with pytest.raises(InvalidInput) as e:
        m.compute([ok, every])
    assert e.value.index == 1 and e.value.field == "gold"
    with pytest.raises(InvalidInput):
        m.score("text")


def test_probability_mass_underflow_is_nan_never_dropped():
    r = em.get("lm_eval:truthfulqa/mc2").compute([em.Choices(logprobs=[-900.0, -950.0], gold=0),
                                                  em.Choices(logprobs=[-1.0, -1.0], gold=0)])
    assert math.isnan(r.per_sample[0]) and r.per_sample[1] == 0.5 and r.n == 2


# ------------------------------------------------------------------------------------------------ SCORE answer

@pytest.mark.parametrize("output, answer", [
    ("The best answer is (B).", "B"),
    ("so THE BEST ANSWER IS c because", "C"),
    ("the best answer is\nD", "THE"),  # no space after "is": nothing is split off; first word of the first line
    ("b", "B"),
    ("I think the best answer is", "I"),
    ("the best answer is ß", ""),  # non-ASCII letters are deleted
])
def test_score_answer_rule(output, answer):
    from evalmetrics.presets.lm_eval_hooks_b import SCORE_ANSWER
    from evalmetrics.units import run_steps

    assert run_steps(SCORE_ANSWER, output) == answer


def test_if_contains_keeps_other_texts_and_round_trips():
    s = em.IfContains(phrase="Answer:", steps=(em.Uppercase(),))
    assert s.apply("x Answer: b") == "X ANSWER: B" and s.apply("answer: b") == "answer: b"
    s2 = em.IfContains(phrase="answer:", ignore_case=True, steps=(em.Uppercase(),))
    assert s2.apply("ANSWER: b") == "ANSWER: B"
    assert em.get(s2.id) == s2 and s.id != s2.id


def test_rounded_mean_rounds_only_the_aggregate():
    m = em.get("lm_eval:score/accuracy")
    r = m.compute(["A", "B", "B"], ["A", "A", "A"])
    assert r.score == 0.3333 and list(r.per_sample) == [1.0, 0.0, 0.0] and r.aggregation == "rounded_mean"
    assert m.score("the best answer is a", "A") == 1.0
    with pytest.raises(InvalidConfig):
        em.RoundedMean(metric=em.get("lm_eval:acc"))


def test_macro_mean_weighs_groups_equally():
    m = em.MacroMean(metric=em.ExactMatch())
    # group x: 1/3, group y: 1/1 -> (1/3 + 1) / 2
    assert m.compute(["a", "b", "b", "a"], ["a", "a", "a", "a"], ["x", "x", "x", "y"]).score == (1 / 3 + 1) / 2
    assert em.get("lm_eval:score/macro_accuracy").compute(["A", "B", "A"], ["A", "A", "A"], [1, 1, 2]).score == 0.75
    with pytest.raises(InvalidInput) as e:
        m.compute(["a", "b"], ["a", "a"], ["x", None])
    assert e.value.index == 1 and e.value.field == "groups"
    with pytest.raises(InvalidInput):
        m.compute(["a", "b"], ["a", "a"], ["x"])


def test_consistency_rate_pools_pairs_over_questions():
    m = em.get("lm_eval:score/consistency_rate")
    # q1: A, A(from "the best answer is a"), B -> 1 equal pair of 3; q2: C alone -> no pair; q3: D, D -> 1 of 1
    r = m.compute(["A", "the best answer is a", "B", "C", "D", "d"], [1, 1, 1, 2, 3, 3])
    assert r.score == 2 / 4 and r.n == 6
    assert m.compute(["A", "B"], [1, 2]).score == 0.0
    assert m.score(["A", "A", "B"]) == 1 / 3
    with pytest.raises(InvalidInput) as e:
        m.compute(["A", None], [1, 1])
    assert e.value.index == 1 and e.value.field == "prediction"


# ------------------------------------------------------------------------------------------------ task reader

pytest.importorskip("yaml")


def test_reader_reads_truthfulqa_mc2_hook():
    from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task

    r = read_lm_eval_task(os.path.join(COPIES, "truthfulqa", "truthfulqa_mc2.yaml")).get("acc", "none")
    assert r.alias == "lm_eval:truthfulqa/mc2" and r.id == em.get("lm_eval:truthfulqa/mc2").id


def test_reader_reads_score_rows_with_their_aggregations(tmp_path):
    from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task

    t = read_lm_eval_task(os.path.join(COPIES, "score", "agi_eval", "prompt_robustness_agieval_aqua_rat.yaml"))
    for k in range(10):
        r = t.get(f"{k}_accuracy", "none")
        assert r.alias == "lm_eval:score/accuracy", r.lines()
    t = read_lm_eval_task(os.path.join(COPIES, "score", "agi_eval", "option_order_robustness_agieval_aqua_rat.yaml"))
    assert t.get("per_option_accuracy_C", "none").alias == "lm_eval:score/accuracy"
    assert not t.get("options_consistency_rate", "none").reproduced
    # the same hook with another aggregation function is not read: that function defines the number
    d = tmp_path / "agi"
    d.mkdir()
    src = os.path.join(COPIES, "score", "agi_eval")
    (d / "utils_agieval.py").write_text(open(os.path.join(src, "utils_agieval.py"), encoding="utf-8").read()
                                        + "\n\ndef other(results):\n    return 0.5\n", encoding="utf-8")
    y = open(os.path.join(src, "prompt_robustness_agieval_aqua_rat.yaml"), encoding="utf-8").read()
    (d / "t.yaml").write_text(y.replace("utils_agieval.per_prompt_accuracy_3", "utils_agieval.other"),
                              encoding="utf-8")
    t = read_lm_eval_task(d / "t.yaml")
    assert t.get("2_accuracy", "none").reproduced
    r = t.get("3_accuracy", "none")
    assert not r.reproduced and "custom function" in r.reason
    # aggregation: mean is not what the alias computes (a rounded mean)
    (d / "m.yaml").write_text(y.replace("!function utils_agieval.per_prompt_accuracy_4", "mean"), encoding="utf-8")
    r = read_lm_eval_task(d / "m.yaml").get("4_accuracy", "none")
    assert not r.reproduced and "rounded_mean" in r.reason
