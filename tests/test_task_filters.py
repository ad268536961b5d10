"""Task-filter steps (choice letters, pattern maps, number words, listed words), the with_document metric, the lm_eval
reader composing them, leaderboard_math_hard's comparison rules, and the Open LLM Leaderboard normalization.

The differential proof against lm_eval's own filter classes is tests/conformance/test_filters_lm_eval.py; these are
the unit-level facts and the error paths.
"""
from __future__ import annotations

import pytest

import evalmetrics as em
from evalmetrics.document_steps import ChoiceLetterExtract, ListedWordsInOrder
from evalmetrics.metrics.leaderboard_norm import BaselineRescale, LeaderboardAverage
from evalmetrics.pattern_extractors import MapRegex, NumberOrWords, RegexCascade

FLAN = dict(regex_pattern=r"(\([A-Z]\))", group_select=-1, ignore_case=True, ignore_punctuation=True)


def test_multi_choice_regex_steps_in_order():
    s = em.get("lm_eval:filter/multi_choice_regex", **FLAN)
    doc = {"choices": ["Guilty", "Guilty of Romance", "Rome"]}
    assert s.apply_doc("(A) or rather (C)", doc) == "(C)"  # the regex first, last match
    assert s.apply_doc("It is GUILTY OF ROMANCE!", doc) == "(B)"  # longest choice text first
    assert s.apply_doc("guilty", doc) == "(A)"
    assert s.apply_doc("Answer: B", doc) == "(B)"  # ': X'
    assert s.apply_doc("no idea", doc) == "[invalid]"


def test_multi_choice_regex_equal_texts_take_the_later_letter_and_edge_spaces_keep_the_text():
    s = em.get("lm_eval:filter/multi_choice_regex", ignore_punctuation=True)
    assert s.apply_doc("paris", {"choices": ["paris", "paris"]}) == "(B)"
    # "x." loses its period, leaving "x " as the key; the stripped match "x" is no key: kept as it is
    assert s.apply_doc("x y", {"choices": ["x .", "b"]}) == "x"


def test_document_steps_need_the_document():
    s = ChoiceLetterExtract()
    with pytest.raises(em.InvalidInput, match="apply_doc"):
        s.apply("x")
    with pytest.raises(em.InvalidInput, match="no field 'choices'"):
        s.apply_doc("x", {"input": "(A) a"})
    with pytest.raises(em.InvalidInput, match="list of texts"):
        s.apply_doc("x", {"choices": "ab"})
    with pytest.raises(em.InvalidInput, match="27 choices"):
        s.apply_doc("x", {"choices": ["c"] * 27})
    with pytest.raises(em.InvalidInput, match="group_select 3"):
        ChoiceLetterExtract(pattern="(a)", group_select=3).apply_doc("a a", {"choices": []})


def test_bbh_choices_come_from_the_input_labels():
    s = em.get("lm_eval:bbh/filter/multi_choice_regex", regex_pattern=r"(\([A-Z]\))", ignore_case=True)
    doc = {"input": "Which?\nOptions:\n(A) red\n(B) dark blue\n(C) green"}
    assert s.apply_doc("It is dark blue.", doc) == "(B)"
    with pytest.raises(em.InvalidInput, match="only empty groups"):
        em.get("lm_eval:bbh/filter/multi_choice_regex", regex_pattern="(x)?(y)?|z").apply_doc("z", doc)


def test_word_sort_keeps_last_occurrences_in_order():
    s = em.get("lm_eval:bbh/filter/word_sort")
    assert s.apply_doc("b a c a", {"input": "Sort: List: a b c"}) == "b c a"
    with pytest.raises(em.InvalidInput, match="no 'List:'"):
        s.apply_doc("a", {"input": "no list"})
    with pytest.raises(em.InvalidInput, match="valid pattern"):
        s.apply_doc("a", {"input": "List: a( b"})


def test_map_regex_and_its_fallback():
    m = em.get("lm_eval:bbh/filter/map_regex",
               regex_pattern_to_value={r"\b(no|not plausible)\b": "no", r"\b(yes|plausible)\b": "yes"}, ignore_case=True)
    assert isinstance(m, MapRegex)
    assert m.apply("PLAUSIBLE indeed") == "yes"
    assert m.apply("Not plausible") == "no"
    assert m.apply("unclear") == "[invalid]"
    with pytest.raises(em.InvalidConfig):
        em.get("lm_eval:bbh/filter/map_regex", regex_pattern_to_value={})
    with pytest.raises(em.InvalidConfig):
        MapRegex(patterns=("a", "b"), values=("x",))


def test_number_or_words():
    n = em.get("lm_eval:bbh/filter/number_parse_regex", regex_pattern="([-0-9]+)", group_select=-1)
    assert isinstance(n, NumberOrWords)
    assert n.apply("from 3 to 12") == "12"
    assert n.apply("I count Twenty Three") == "23"
    assert n.apply("nothing here") == "[invalid]"


def test_kormedmcqa_cascade():
    k = em.get("lm_eval:kormedmcqa/filter/extract_choice")
    assert k.apply("정답: b") == "B"
    assert k.apply("A. 이것 또는 c") == "A"  # the "X." pattern matches before the bare letter
    assert k.apply("없음") == ""
    assert RegexCascade(patterns=("(a)",), fallback=None).apply("b") is None


def test_with_document_scores_compute_and_errors():
    m = em.WithDocument(step=ChoiceLetterExtract(pattern=r"(\([A-Z]\))", ignore_case=True),
                        metric=em.get("lm_eval:exact_match"))
    docs = [{"choices": ["Rome", "Paris"]}] * 3
    r = m.compute(["(B)", "paris", "none"], ["(B)", "(B)", "(A)"], docs)
    assert list(r.per_sample) == [1.0, 1.0, 0.0] and r.metric_id == m.id
    assert em.get(m.id) == m
    assert m.trace("paris", "(B)", docs[0])["prediction"] == "(B)"
    with pytest.raises(em.InvalidInput, match="documents"):
        m.compute(["a"], ["a"], [])
    with pytest.raises(em.InvalidInput) as e:
        m.compute(["a", "b"], ["a", "b"], [docs[0], {"x": 1}])
    assert e.value.index == 1
    with pytest.raises(em.InvalidConfig):
        em.WithDocument(step=em.Strip())
    with pytest.raises(em.InvalidConfig):
        em.WithDocument(metric=em.get("lm_eval:acc"))


def test_reader_composes_a_document_filter_as_with_document():
    from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task

    cfg = {"task": "t", "output_type": "generate_until", "doc_to_target": "{{answer}}",
           "filter_list": [{"name": "flex", "filter": [{"function": "multi_choice_regex", **FLAN},
                                                       {"function": "take_first"}]}],
           "metric_list": [{"metric": "exact_match", "ignore_case": True}]}
    reading = [x for x in read_lm_eval_task(cfg).readings if x.filter == "flex"][0]
    assert reading.id is not None and reading.id.startswith("with_document(step=choice_letter_extract(")
    assert isinstance(em.get(reading.id), em.WithDocument)
    cfg["repeats"] = 3
    reading = [x for x in read_lm_eval_task(cfg).readings if x.filter == "flex"][0]
    assert reading.id is None and "reads the document" in reading.reason


def test_leaderboard_math_comparison_rules_without_sympy():
    em_orig = em.get("lm_eval:leaderboard_math_hard/exact_match_original")
    # "Final Answer: The final answer is . I hope..." gives the empty answer; an empty box too: equal after strip
    assert em_orig.score("Final Answer: The final answer is . I hope it is correct.", "\\boxed{}") == 1.0
    # the answer "[invalidanswer]" scores 0 even against a solution without a box ("[invalidanswer]" too)
    assert em_orig.score("no sentence", "no box") == 0.0
    minerva = em.get("lm_eval:minerva_math/exact_match")
    assert minerva.identical == "non_empty" and minerva.invalid is None


def test_last_boxed_invalid_answer():
    assert em.HendrycksLastBoxed(space_form="to_dollar", on_missing="invalid_answer").apply("\\fbox{5}") == \
        "[invalidanswer]"


def test_math_verify_gold_targets():
    m = em.get("lm_eval:leaderboard_math_hard/exact_match")
    assert m.gold_targets == ("latex",) and m.targets == ("latex", "expr")
    assert em.get(m.id) == m
    with pytest.raises(em.InvalidConfig):
        em.MathVerify(gold_targets=("latex", "latex"))


def test_leaderboard_normalization():
    from evalmetrics.presets.open_llm_leaderboard import RANDOM_BASELINES, benchmark_score, normalized

    assert round(normalized("leaderboard_gpqa_main", 0.6), 2) == 46.67
    assert normalized("leaderboard_mmlu_pro", 0.05) == 0.0
    assert normalized("leaderboard_math_hard", 0.3) == pytest.approx(30.0)
    assert RANDOM_BASELINES["leaderboard_bbh_geometric_shapes"] == 1 / 11
    raw = {"leaderboard_musr_murder_mysteries": 0.7, "leaderboard_musr_object_placements": 0.4,
           "leaderboard_musr_team_allocation": 0.6}
    assert benchmark_score("musr", raw) == pytest.approx((40.0 + 25.0 + (0.6 - 1 / 3) / (2 / 3) * 100) / 3)
    assert BaselineRescale(lower=0.5, below="negative").apply(0.25) == -50.0
    assert LeaderboardAverage(lowers=(0.5,)).id == "leaderboard_average(lowers=[0.5], upper=1.0, scale=100.0)"
    with pytest.raises(em.InvalidConfig):
        BaselineRescale(lower=1.0)
    with pytest.raises(em.InvalidInput):
        BaselineRescale(lower=0.0).apply(None)
    with pytest.raises(em.InvalidInput):
        LeaderboardAverage(lowers=(0.5, 0.2)).apply([0.5])
