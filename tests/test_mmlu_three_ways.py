"""MMLU scored the ways its implementations score it: the aliases, and explain("mmlu") laying them side by side.

The verdicts explain shows are recomputed here from the worked example's model outputs through the aliases
themselves; the packages' own code is the conformance suite's (tests/conformance/test_olmes_crosscheck.py).
"""
from __future__ import annotations

import pytest

import evalmetrics as em
from evalmetrics.presets.mmlu import EXAMPLE, WAYS

KEYS = ["hendrycks:mmlu/acc", "helm:mmlu/exact_match", "lm_eval:mmlu/acc", "lm_eval:mmlu_continuation/acc",
        "lm_eval:mmlu_continuation/acc_norm", "lighteval:mmlu/em"]


def way_input(way):
    ex = EXAMPLE
    if way.feeds == "generation":
        return (ex.generation, way.gold_prefix + ex.letters[ex.gold])
    if way.feeds == "letter_logprobs":
        return (em.Choices(logprobs=ex.letter_logprobs, gold=ex.gold, texts=[way.prefix + x for x in ex.letters]),)
    return (em.Choices(logprobs=ex.choice_logprobs, gold=ex.gold, texts=[way.prefix + x for x in ex.choices],
                       token_counts=ex.choice_token_counts),)


@pytest.mark.parametrize("key", KEYS)
def test_aliases_resolve_and_round_trip(key):
    m = em.get(key)
    assert em.get(m.id) == m
    assert key in {w.alias for w in WAYS}


def test_the_ways_ask_for_three_kinds_of_model_output():
    assert {w.feeds for w in WAYS} == {"letter_logprobs", "generation", "choice_logprobs"}
    for w in WAYS:
        m = em.get(w.alias, **w.config)
        kind = getattr(m, "request_type", None)
        assert (kind == "multiple_choice") == (w.feeds != "generation"), w.label
        assert w.logprob_scorer.startswith("yes" if w.feeds != "generation" else "no"), w.label


def test_explain_mmlu_side_by_side():
    e = em.explain("mmlu")
    labels = [d.alias for d in e.details]
    assert labels == [w.label for w in WAYS]
    for d, w in zip(e.details, WAYS):
        assert d.id == em.get(w.alias, **w.config).id
        assert w.needs in d.input
    # every verdict is the alias's own score on the example's outputs
    for w in WAYS:
        m = em.get(w.alias, **w.config)
        assert e.example["scores"][w.label] == m.score(*way_input(w)), w.label
    verdicts = e.example["scores"]
    assert set(verdicts.values()) == {0.0, 1.0}
    # the three kinds of output disagree on this question
    by_kind = {}
    for w in WAYS:
        by_kind.setdefault(w.feeds, set()).add(verdicts[w.label])
    assert by_kind["letter_logprobs"] != by_kind["generation"]
    assert len(by_kind["choice_logprobs"]) == 2  # acc and acc_norm split on the full answers
    text = str(e)
    assert "LogprobScorer can feed it: no" in text and "LogprobScorer can feed it: yes" in text
    for w in WAYS:
        assert w.label in text
    assert EXAMPLE.question in text


def test_explain_is_case_and_space_insensitive_for_the_task_name():
    assert [d.alias for d in em.explain(" MMLU ").details] == [w.label for w in WAYS]


def test_explain_of_one_mmlu_alias_is_the_alias():
    e = em.explain("helm:mmlu/exact_match")
    assert e.meanings == [("helm:mmlu/exact_match", em.get("helm:mmlu/exact_match").id)]


def test_letters_and_full_answers_are_different_questions_to_the_model():
    """lm_eval's default mmlu shares a metric (argmax of summed log-probabilities) with mmlu_continuation's acc;
    what they are given differs, and so can the verdict. The original floors letters at -100 (issue 18)."""
    letters = next(w for w in WAYS if w.alias == "lm_eval:mmlu/acc")
    full = next(w for w in WAYS if w.alias == "lm_eval:mmlu_continuation/acc")
    assert em.get(letters.alias).id == em.get(full.alias).id
    assert em.get(letters.alias).score(*way_input(letters)) != em.get(full.alias).score(*way_input(full))
    original = next(w for w in WAYS if w.alias == "hendrycks:mmlu/acc")
    assert em.get(original.alias).id == "top_logprob_match(floor=-100.0)"
    assert em.get(original.alias).score(*way_input(original)) == em.get(letters.alias).score(*way_input(letters))
    low = em.Choices(logprobs=[-150.0, -120.0, -130.0, -140.0], gold=0)  # none in the top 100: all -100, A
    assert em.get(original.alias).score(low) == 1.0 and em.get(letters.alias).score(low) == 0.0


def test_doc_examples_run():
    """The code blocks of docs/olmes_mmlu.md run (as README's do in test_readme)."""
    import os
    import re

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    text = open(os.path.join(root, "docs", "olmes_mmlu.md"), encoding="utf-8").read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    for code in blocks:
        exec(compile(code, "docs/olmes_mmlu.md", "exec"), {})
