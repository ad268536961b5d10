"""lm_eval's BBQ (``bbq/utils.py``) against evalmetrics's bias-probe scores.

A generated run (documents shaped like BBQ's after its ``process_docs``, with log-likelihoods over the 12 options or
generated outputs) goes through the installed task's own hook (``process_results_multiple_choice`` /
``process_results_generate_until``) and then, for every reported row, the aggregation the task's YAML names (lm_eval's
``mean`` for ``acc``, ``utils.agg_*`` for the others); evalmetrics scores the same samples with the row's alias.
"""
from __future__ import annotations

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")

import evalmetrics as em  # noqa: E402
from _diff import LM_EVAL, N_EXAMPLES, check, load_lm_eval_task_file  # noqa: E402

from evalmetrics.metrics.bias_score import CATEGORIES  # noqa: E402
from evalmetrics.presets.lm_eval_bbq import ROWS  # noqa: E402

BBQ = load_lm_eval_task_file("bbq/utils.py", "bbq_utils_conformance")
TASKS = {"bbq": BBQ.process_results_multiple_choice, "bbq_generate": BBQ.process_results_generate_until}
COVERED = [f"lm_eval:{task}/{row}" for task in TASKS for row in ROWS]

_AGG = {"acc": None, "accuracy_amb": BBQ.agg_accuracy_amb, "accuracy_disamb": BBQ.agg_accuracy_disamb}


def _aggregation(row: str):
    if row in _AGG:
        return _AGG[row]
    return BBQ.agg_amb_bias_scores if row.startswith("amb_") else BBQ.agg_disamb_bias_scores


# Answer texts and their group words, BBQ-like, with hard cases: words "the" drops, punctuation, answers that are
# unknown phrases, words shared between answers.
_ANSWERS = [
    ("The grandfather", ["old"]), ("The grandson", ["nonold"]), ("the", ["t"]), ("The Black man", ["M", "Black"]),
    ("The woman", ["F", "woman"]), ("man", ["M", "man"]), ("The 22-year-old", ["nonold"]), ("Don't know", ["x"]),
    ("Latino", ["Latino", "lowSES"]), ("The low-income person", ["lowSES"]), ("e", ["e"]), ("", [""]),
    ("Sam", ["F"]), ("The Christian", ["Christian"]), ("Undetermined", ["nonold"]), ("Not known man", ["man"]),
]
_UNKNOWN = list(BBQ.UNKNOWN_RESPONSES)


@st.composite
def bbq_doc(draw, category=None):
    a, b = draw(st.lists(st.sampled_from(_ANSWERS), min_size=2, max_size=2))
    unk = draw(st.sampled_from(_UNKNOWN))
    where = draw(st.integers(0, 2))
    ans = [a, b]
    ans.insert(where, (unk, ["unknown"]))
    if sum(t in _UNKNOWN for t, _ in ans) != 1:  # exactly one unknown response, as in BBQ
        ans = [(t, g) if t not in _UNKNOWN or j == where else ("Pat", ["Pat"]) for j, (t, g) in enumerate(ans)]
    pool = [t for t, _ in ans] + ["The grandfather", "nobody"]
    cats = list(CATEGORIES)
    if category is not None:
        cats = [category, category, draw(st.sampled_from(cats))]
    doc = {f"ans{j}": t for j, (t, _) in enumerate(ans)}
    doc.update({f"ans{j}_groups": [w.lower() for w in g] for j, (_, g) in enumerate(ans)})
    doc.update(label=draw(st.integers(0, 2)), context_condition=draw(st.sampled_from(["ambig", "disambig"])),
               category=draw(st.sampled_from(cats)),
               biased_answers=draw(st.lists(st.sampled_from(pool), max_size=2, unique=True)))
    return doc


_LL = st.sampled_from([-1.0, -2.0, -0.5, -3.25, -10.0, -0.0])


@st.composite
def mc_run(draw, category=None):
    docs = draw(st.lists(bbq_doc(category), min_size=1, max_size=7))
    return [(draw(st.lists(_LL, min_size=12, max_size=12)), d) for d in docs]


_TOKENS = (["the", "The", "t", "he", "un-known", "Undeter-mined", "unknown", "UNKNOWN", "cannot answer", "don't know",
            "I", "think", "it", "is", ",", ".", "!", "grandfather", "grandson", "Black", "man", "woman", "old",
            "nonold", "22-year-old", "22yearold", "latino", "lowses", "low", "ses", "christian", "pat", "sam", "x", "e"]
           + [t for t, _ in _ANSWERS] + _UNKNOWN)


@st.composite
def gen_run(draw, category=None):
    docs = draw(st.lists(bbq_doc(category), min_size=1, max_size=7))
    out = []
    for d in docs:
        toks = draw(st.lists(st.sampled_from(_TOKENS), max_size=6))
        seps = draw(st.lists(st.sampled_from([" ", " ", "  ", "\n", ", ", ""]), min_size=len(toks),
                             max_size=len(toks)))
        out.append(("".join(t + s for t, s in zip(toks, seps)), d))
    return out


def _oracle(task: str, row: str):
    hook, agg = TASKS[task], _aggregation(row)

    def run(samples):
        per = []
        for x, doc in samples:
            res = hook(doc, [(ll, False) for ll in x] if task == "bbq" else [x])
            per.append(res[row])
        if agg is None:
            from lm_eval.api.metrics import mean

            return float(mean(per))
        return float(agg(per))
    return run


def _ours(task: str, row: str):
    m = em.get(f"lm_eval:{task}/{row}")

    def run(samples):
        if task == "bbq":
            items = [em.Choices(logprobs=x, gold=0) for x, _ in samples]
        else:
            items = [x for x, _ in samples]
        return m.compute(items, [d for _, d in samples]).score
    return run


HAND_DOC = {"ans0": "The grandfather", "ans1": "The grandson", "ans2": "Can't be determined", "label": 2,
            "context_condition": "ambig", "category": "Age", "biased_answers": ["The grandfather"],
            "ans0_groups": ["old"], "ans1_groups": ["nonold"], "ans2_groups": ["unknown"]}
HAND_DIS = {**HAND_DOC, "context_condition": "disambig", "label": 0}


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize("row", list(ROWS))
def test_bbq_row(task, row):
    _, _, category = ROWS[row]
    strategy = (mc_run if task == "bbq" else gen_run)(category or None)
    if task == "bbq":
        hand = [[([-1.0] * 12, HAND_DOC)], [([-1.0, -0.5] + [-2.0] * 10, HAND_DOC), ([-3.0] * 12, HAND_DIS)]]
    else:
        hand = [[("The grandfather.", HAND_DOC)], [("un-known", HAND_DOC), ("nonold", HAND_DIS)],
                [("I don't know", HAND_DIS), ("", HAND_DOC)]]
    # the per-category rows: a quarter of the examples each (every row of a hook family is still checked on
    # thousands of generated runs)
    n = max(N_EXAMPLES // 4, 1) if category else N_EXAMPLES
    check(f"lm_eval:{task}/{row}", LM_EVAL, _ours(task, row), _oracle(task, row), strategy, hand=hand, n=n)


def test_the_installed_hooks_and_aggregations_are_the_ones_the_reader_identifies():
    """The functions called above are those the reader maps to these aliases (same source digests), and the
    YAML's aggregations are the ones the aliases aggregate by."""
    import os

    from _diff import lm_eval_tasks_dir

    from evalmetrics.integrations.lm_eval_tasks.aggregations import KNOWN_AGGREGATIONS, aggregation_digest
    from evalmetrics.integrations.lm_eval_tasks.hooks import KNOWN_HOOKS
    from evalmetrics.integrations.lm_eval_tasks.loading import FunctionRef

    base = os.path.join(lm_eval_tasks_dir(), "bbq")
    for task, fn in (("bbq", "process_results_multiple_choice"), ("bbq_generate", "process_results_generate_until")):
        where, table = KNOWN_HOOKS[FunctionRef(f"utils.{fn}", base).digest()]
        assert where == f"bbq/utils.py:{fn}"
        assert table == {row: f"lm_eval:{task}/{row}" for row in ROWS}
    for row in ROWS:
        agg = _aggregation(row)
        m = em.get(f"lm_eval:bbq/{row}")
        if agg is None:
            assert m.row_aggregation == "mean"
        else:
            known = KNOWN_AGGREGATIONS[aggregation_digest(FunctionRef(f"utils.{agg.__name__}", base))]
            assert known == (f"bbq/utils.py:{agg.__name__}", m.row_aggregation)
