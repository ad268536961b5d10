"""Units behind the lm_eval generation-overlap and structured-output hook aliases (presets/lm_eval_hooks_gen.py):
AnswerContrast, LinePrefix, AnswerFound, EmotionRatings, BetweenMarkers, KeepLines. Conformance against the hooks
themselves: tests/conformance/test_hooks_gen_lm_eval.py."""
from __future__ import annotations

import math

import pytest

import evalmetrics as em

REF = {"emotion1": "Joy", "emotion1_score": 7, "emotion2": "Fear", "emotion2_score": 0, "emotion3": "Anger",
       "emotion3_score": 2, "emotion4": "Pride", "emotion4_score": 5}


def test_answer_contrast_values():
    refs = {"correct": ["Paris", "paris"], "incorrect": ["Rome"]}
    assert em.AnswerContrast(value="max").score("Paris", refs) == 1.0
    assert em.AnswerContrast(value="diff").score("Rome", refs) == -1.0
    assert em.AnswerContrast(value="acc").score("Lyon", refs) == 0.0  # a tie is not a win
    r = em.AnswerContrast(value="acc").compute(["Paris", "Rome"], [refs, refs])
    assert list(r.per_sample) == [1.0, 0.0]


@pytest.mark.parametrize("bad,field", [
    (["Paris"], "references"),
    ({"correct": ["a"]}, "references.incorrect"),
    ({"correct": [], "incorrect": ["b"]}, "references.correct"),
    ({"correct": "a", "incorrect": ["b"]}, "references.correct"),
    ({"correct": ["a"], "incorrect": ["b"], "other": ["c"]}, "references"),
    ({"correct": ["a"], "incorrect": [None]}, "references.incorrect"),
])
def test_answer_contrast_bad_references_name_sample_and_field(bad, field):
    good = {"correct": ["a"], "incorrect": ["b"]}
    with pytest.raises(em.InvalidInput) as e:
        em.AnswerContrast().compute(["a", "b"], [good, bad])
    assert e.value.index == 1 and e.value.field == field


def test_truthfulqa_rouge_alias_breaks_sentences_and_scales():
    m = em.get("lm_eval:truthfulqa_gen/rougeL_max")
    assert m.score("a . b", {"correct": ["a . b"], "incorrect": ["c"]}) == 100.0
    assert em.get("lm_eval:truthfulqa_gen/bleu_acc").score("x y z", {"correct": ["q"], "incorrect": ["r"]}) == 0.0


@pytest.mark.parametrize("pred,ref,plain,plus_one", [
    ("a\nb", "a\nb", 1.0, 1.0),
    ("a\nb\nc", "a\nb", 1.0, 1.0),
    ("a\nx", "a\nb\nc\nd", 0.25, 0.5),
    ("x", "a\nb", 0.0, 0.5),
    ("", "", 1.0, 1.0),
])
def test_line_prefix(pred, ref, plain, plus_one):
    assert em.LinePrefix().score(pred, ref) == plain
    assert em.LinePrefix(first_miss_counts=True).score(pred, ref) == plus_one


def test_between_markers_and_answer_found():
    m = em.BetweenMarkers(start="<Route>", end="</Route>")
    assert m.apply("<Route>a</Route><Route>b</Route>") == "a"
    assert m.apply("</Route> <Route>a") == ""
    assert m.apply("<Route>a") is None
    found = em.AnswerFound(extract=[m])
    assert list(found.compute(["<Route></Route>", "none", "</Route><Route>"], ["x", "x", "x"]).per_sample) == \
        [1.0, 0.0, 1.0]
    assert em.get("lm_eval:longproc_path_traversal/partial_accuracy").score("<Route>A\nX</Route>", "A\nB\nC") == \
        2 / 3


def test_keep_lines():
    text = "intro\n  - a\r- b\u2028c\n-d"
    assert em.KeepLines(prefix="-").apply(text) == "  - a\n- b\n-d"
    assert em.KeepLines(prefix="-", ignore_indent=False).apply(text) == "- b\n-d"


def test_tom_tracking_first_kept_line_may_be_indented_the_others_not():
    m = em.get("lm_eval:longproc_tom_tracking/score")
    assert m.score("  - Alice box\n- Bob key", "- alice box\n- bob key") == 1.0
    assert m.score("- Alice box\n  - Bob key", "- alice box\n- bob key") == 0.0
    assert em.get("lm_eval:longproc_tom_tracking/partial_accuracy").score("- Alice box\n  - Bob key",
                                                                          "- alice box\n- bob key") == 0.5


def test_emotion_ratings():
    m, p = em.EmotionRatings(), em.EmotionRatings(value="parseable")
    assert m.score("Joy: 7\nFear: 0\nAnger: 2\nPride: 5", REF) == 100.0
    assert m.score("Joy: 7\nFear: 0\nAnger: 2\nPride: 5", repr(REF)) == 100.0
    d = 3.0  # one rating off by 3: one S-scaled difference
    expect = (10 - 6.5 * (1 / (1 + math.e ** (-1.2 * (d - 4)))) * 0.7477) * 10
    assert m.score("Joy: 4\nFear: 0\nAnger: 2\nPride: 5", REF) == expect
    assert (m.score("Joy: 7\nFear: 0\nAnger: 2\nShame: 5", REF), p.score("Joy: 7, Fear: 0", REF)) == (0.0, 0.0)
    assert p.score("Joy: 1 Fear: 1 Anger: 1 Pride: 1", REF) == 100.0


@pytest.mark.parametrize("bad", ["{not a literal", {"emotion1": "Joy"}, [REF, REF], None,
                                 {**REF, "emotion2_score": "high"}])
def test_emotion_ratings_bad_reference(bad):
    with pytest.raises(em.InvalidInput) as e:
        em.EmotionRatings().compute(["Joy: 1", "Joy: 1"], [REF, bad])
    assert e.value.index == 1 and e.value.field == "references"
