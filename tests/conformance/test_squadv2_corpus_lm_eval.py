"""lm_eval's squadv2 corpus figures (HasAns_exact, HasAns_f1, NoAns_exact, NoAns_f1, best_exact, best_f1) against
their evalmetrics aliases (evalmetrics/presets/squad.py).

lm_eval computes them in its task class (lm_eval/tasks/squadv2/task.py): ``SQuAD2.process_results`` turns each
document and the model's two results (the generated answer, the log-likelihood of " unanswerable") into the
prediction/reference dicts of evaluate's ``squad_v2`` metric, and ``_squad_agg(key, items)`` passes them to
``_squad_metric`` (``evaluate.load("squad_v2")``, which needs the Hub) and reads ``.get(key, 0)``. Here the installed
lm_eval's own ``process_results`` and ``_squad_agg`` run unchanged; only ``_squad_metric`` is replaced by the
official SQuAD v2.0 functions the conformance suite vendors (transformers 4.57.6 ``squad_evaluate``: the same
``get_raw_scores``, ``apply_no_ans_threshold`` at 1.0, ``make_eval_dict``, ``merge_eval`` and ``find_best_thresh``
as evaluate's squad_v2 script), fed exactly as that script feeds them.
"""
from __future__ import annotations

import math
import types

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")

import evalmetrics as em  # noqa: E402
import oracles as O  # noqa: E402
from _diff import N_EXAMPLES, mutated, check, text  # noqa: E402

LM = "lm-eval==0.4.13 (squadv2/task.py) + SQuAD v2.0 official functions (transformers 4.57.6 squad_metrics)"
# Generated corpora per figure (1 to 9 questions each, so about 5 questions per corpus): at most 1,000, which keeps
# the six checks within minutes on a shared machine.
N = min(N_EXAMPLES, 1000)

SUBSETS = ["HasAns_exact", "HasAns_f1", "NoAns_exact", "NoAns_f1"]
BEST = ["best_exact", "best_f1"]
COVERED = [f"lm_eval:squadv2/{k}" for k in SUBSETS + BEST]


def _evaluate_squad_v2(predictions, references):
    """evaluate's squad_v2 ``compute`` (default no_answer_threshold=1.0) on the official functions."""
    sq = O._squad_v2()
    na_probs = {p["id"]: p["no_answer_probability"] for p in predictions}
    preds = {p["id"]: p["prediction_text"] for p in predictions}
    examples = [types.SimpleNamespace(qas_id=r["id"], answers=[{"text": t} for t in r["answers"]["text"]])
                for r in references]
    return dict(sq.squad_evaluate(examples, preds, na_probs, 1.0))


def _lm_eval(key, samples):
    """The row lm_eval reports for ``key``: its process_results per document, its _squad_agg over the items."""
    from lm_eval.tasks.squadv2 import task as T

    items = []
    for i, (pred, answers, lp) in enumerate(samples):
        doc = {"id": f"q{i}", "answers": {"text": list(answers), "answer_start": [0] * len(answers)}}
        items.append(T.SQuAD2.process_results(None, doc, [pred, (lp, False)])[key])
    saved = T._squad_metric
    T._squad_metric = _evaluate_squad_v2
    try:
        return T._squad_agg(key, items)
    finally:
        T._squad_metric = saved


def _ours(key, samples):
    m = em.get(f"lm_eval:squadv2/{key}")
    preds = [p for p, _, _ in samples]
    refs = [{"text": list(a), "answer_start": [0] * len(a)} for _, a, _ in samples]
    if key in BEST:
        return m.compute(preds, refs, [lp for _, _, lp in samples]).score
    return m.compute(preds, refs).score


# log-likelihoods with ties (equal values, and values whose exp underflows to 0.0 or rounds to 1.0)
LOGPROB = st.one_of(st.sampled_from([0.0, -0.0, -1e-17, -0.5, -1.0, -2.0, -745.2, -800.0, -math.inf]),
                    st.floats(-60.0, 0.0))


@st.composite
def sample(draw):
    answers = draw(st.one_of(st.just([]), st.lists(text, min_size=1, max_size=3),
                             st.lists(st.sampled_from(["", " ", "the", "!!", "a an"]), min_size=1, max_size=2)))
    kind = draw(st.integers(0, 5))
    if kind == 0 and answers:
        pred = draw(st.sampled_from(answers))
    elif kind <= 2 and answers:
        pred = draw(mutated(draw(st.sampled_from(answers))))
    elif kind == 3:
        pred = draw(st.sampled_from(["", " ", "the", "unanswerable"]))
    else:
        pred = draw(text)
    return pred, answers, draw(LOGPROB)


CORPUS = st.lists(sample(), min_size=1, max_size=9)

HAND = [
    [("", [], -0.1)],                                       # one unanswerable question, no answer given
    [("x", [], -0.1)],                                      # answered anyway
    [("Paris", ["Paris"], -3.0)],                           # answerable only: NoAns_* absent (lm_eval: 0)
    [("the", ["!!"], -1.0), ("", [], -1.0), ("a", [], -1.0)],   # answers normalizing to "", equal probabilities
    [("a", ["a"], -math.inf), ("b", [], -math.inf), ("b c", ["b"], 0.0), ("", [], -800.0)],
    [("Paris", ["Paris", "paris."], -2.0), ("Rome", [], -0.5), ("x y", ["x"], -1.0), ("", ["z"], -0.25)],
]


@pytest.mark.parametrize("key", SUBSETS + BEST)
def test_squadv2_corpus_figures(key):
    check(f"lm_eval:squadv2/{key}", LM, lambda x: _ours(key, x), lambda x: _lm_eval(key, x), CORPUS, HAND, n=N)


def test_invalid_no_answer_logprobs_are_typed_errors():
    m = em.get("lm_eval:squadv2/best_f1")
    for bad, index in (([0.5], 0), ([float("nan")], 0), (["x"], 0), ([None], 0)):
        with pytest.raises(em.InvalidInput) as e:
            m.compute(["a"], [{"text": ["a"]}], bad)
        assert e.value.index == index and e.value.field == "no_answer_logprobs"
    with pytest.raises(em.InvalidInput):
        m.compute(["a"], [["a"]], [-1.0, -2.0])
    with pytest.raises(em.InvalidInput) as e:
        m.compute(["a", "b"], [["a"], []], [-1.0, -2.0])
    assert e.value.index == 1 and e.value.field == "references"
