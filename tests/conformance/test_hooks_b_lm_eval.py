"""lm_eval process_results hooks, part B, against the hooks (and aggregations) of the installed lm_eval tasks folder.

* TruthfulQA MC2: ``truthfulqa/utils.py`` (numpy sums) and ``truthfulqa-multi/utils.py`` /
  ``tinyBenchmarks/utils_truthfulqa.py`` (Python sums over the answers before the first false one), called on
  generated log-likelihoods and label lists.
* SCORE robustness (``score/agi_eval/utils_agieval.py``): one generated run of documents and outputs goes through the
  hook and then the task's own aggregation for every reported row (``k_accuracy`` with ``per_prompt_accuracy_k``,
  ``per_option_accuracy_X``, ``non_greedy_accuracy``); evalmetrics scores the same rows' samples with the alias.
"""
from __future__ import annotations

import importlib
import math

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")

import evalmetrics as em  # noqa: E402
from _diff import LM_EVAL, check, load_lm_eval_task_file, phrase  # noqa: E402

LM = LM_EVAL


# ------------------------------------------------------------------------------------------------ TruthfulQA MC2

MC2_HOOKS = [
    ("lm_eval:truthfulqa/mc2", "truthfulqa/utils.py"),
    ("lm_eval:truthfulqa-multi/mc2", "truthfulqa-multi/utils.py"),
    ("lm_eval:truthfulqa-multi/mc2", "tinyBenchmarks/utils_truthfulqa.py"),
]

_LL = st.one_of(
    st.floats(min_value=-60.0, max_value=0.0, allow_nan=False),
    st.sampled_from([0.0, -0.0, -1e-300, -1.0, -2.5, -745.0, -746.0, -800.0, -1e6, -float("inf"), 3.0, 710.0]),
    st.floats(min_value=-1e4, max_value=50.0, allow_nan=False, allow_infinity=False),
)


@st.composite
def mc2_case(draw):
    n = draw(st.integers(1, 14))
    lls = draw(st.lists(_LL, min_size=n, max_size=n))
    if draw(st.integers(0, 2)):  # TruthfulQA's layout: the true answers first
        k = draw(st.integers(1, n))
        labels = [1] * k + [0] * (n - k)
    else:
        labels = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
        if 1 not in labels:
            labels[draw(st.integers(0, n - 1))] = 1
    return lls, labels


MC2_HAND = [
    ([-1.0, -2.0, -3.0, -0.5], [1, 1, 0, 0]), ([-1.0], [1]), ([-1.0, -1.0], [1, 1]), ([-800.0, -900.0], [1, 0]),
    ([-800.0, -1.0], [1, 0]), ([0.0, -0.0], [0, 1]), ([-0.1, -0.2, -0.3], [0, 1, 1]), ([710.0, 1.0], [1, 0]),
    ([-float("inf"), -1.0], [1, 0]), ([-float("inf"), -float("inf")], [1, 0]), ([-1e-300] * 9, [1] * 8 + [0]),
    ([-0.1 * i for i in range(13)], [1, 0] * 6 + [1]),
]


@pytest.mark.parametrize("alias,relpath", MC2_HOOKS)
def test_truthfulqa_mc2(alias, relpath):
    hook = load_lm_eval_task_file(relpath, "em_conf_" + relpath.replace("/", "_").replace("-", "_")[:-3]).process_results_mc2
    m = em.get(alias)

    def ours(x):
        lls, labels = x
        return m.score(em.Choices(logprobs=lls, gold=[i for i, v in enumerate(labels) if v == 1]))

    def oracle(x):
        lls, labels = x
        return hook({"mc2_targets": {"labels": labels}}, [(ll, False) for ll in lls])["acc"]

    check(alias, LM, ours, oracle, mc2_case(), MC2_HAND)


# ------------------------------------------------------------------------------------------------ SCORE robustness

LABELS = ["A", "B", "C", "D", "E"]
_ANSWER_ATOMS = [
    "The best answer is", "the best answer is", "THE BEST ANSWER IS", "The best answer is:", "best answer is",
    "the best answer is\n", "The best answer is (B).", "The best answer is A.", "the best answer is c",
    "the best answer is  D", "The best answer is **E**", "the best answer is İ", "the best answer is ß",
    "the best answer is\tb", "the best answer is b\nno, a", "A", "B", "C", "D", "E", "a", "b", "(c)", "d.", "e ",
    " A", "A\n", "1", "II", "F", "AB", "İ", "ß", "ı", "answer", "is", "the", "\n", " ", "*", "(", ")", ".", ":",
    "Ⓐ", "ａ", "é",
]


@st.composite
def score_output(draw):
    if draw(st.integers(0, 2)) == 0:  # a well-formed answer, often the gold one
        letter = draw(st.sampled_from(["A", "B", "C", "D", "a", "b", "(C)", "D.", "**A**"]))
        lead = draw(st.sampled_from(["", "Reasoning... ", "The best answer is wrong.\n"]))
        return lead + draw(st.sampled_from(["The best answer is ", "the best answer is ", ""])) + letter + draw(
            st.sampled_from(["", ".", "\nbecause", " ok"]))
    k = draw(st.integers(0, 5))
    parts = [draw(st.sampled_from(_ANSWER_ATOMS)) if draw(st.integers(0, 3)) else draw(phrase(2)) for _ in range(k)]
    glue = draw(st.sampled_from(["", " ", "\n", ". "]))
    return glue.join(parts)


MMLU_PRO_LABELS = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]
CATEGORIES = ["law", "math", "health", "other"]


@st.composite
def score_run(draw, kind, n_options=4, categories=False):
    """A run of one SCORE task: docs shaped as its process_docs leaves them, and one output per doc."""
    n_questions = draw(st.integers(1, 6 if categories else 4))
    rows = []
    for q in range(n_questions):
        answer = draw(st.integers(0, n_options - 1))
        extra = {"category": draw(st.sampled_from(CATEGORIES))} if categories else {}
        if kind == "prompt":
            for p in draw(st.lists(st.integers(0, 9), min_size=1, max_size=6, unique=True)):
                doc = {"question_id": q, "prompt_id": p, "answer_index": answer,
                       "options_format": "\n{letter}: {option}", **extra}
                rows.append((doc, draw(score_output())))
        elif kind == "option":
            for j in draw(st.lists(st.integers(0, n_options - 1), min_size=1, max_size=4, unique=True)):
                doc = {"question_id": q, "answer_index": j, "original_answer_index": answer,
                       "always_same_option": MMLU_PRO_LABELS[j], "options_format": "\n{letter}: {option}", **extra}
                rows.append((doc, draw(score_output())))
        else:
            doc = {"question_id": q, "answer_index": answer, "options_format": "\n{letter}: {option}", **extra}
            rows.append((doc, draw(score_output())))
    return rows


def _agieval():
    return importlib.import_module("lm_eval.tasks.score.agi_eval.utils_agieval")


SCORE_HOOKS = {
    "prompt": ("prompt_robustness_process_results", lambda key: f"per_prompt_accuracy_{key.split('_')[0]}"),
    "option": ("option_order_robustness_process_results",
               lambda key: f"per_option_accuracy_{key.rsplit('_', 1)[1].lower()}"),
    "non_greedy": ("non_greedy_robustness_process_results", lambda key: "non_greedy_accuracy"),
}


def _score_rows(kind, hook, rows):
    """{reported accuracy row: (samples' indices)} as the hook's keys split them."""
    out: dict = {}
    for i, (doc, text) in enumerate(rows):
        for key in hook(doc, [text]):
            if "consistency" not in key:
                out.setdefault(key, []).append(i)
    return out


def _score_pair(mod, hooks, kind, alias, labels, by_category=False):
    """(ours, oracle) of one SCORE hook, each giving (row key, value) per reported key: ours, ``alias`` over that
    key's rows (each row's category its group where ``by_category``); lm_eval's, the hook's per-key values
    aggregated by the key's function of the task module (the consistency rows are checked elsewhere)."""
    hook_name, agg_name = hooks[kind]
    hook = getattr(mod, hook_name)
    m = em.get(alias)

    def oracle(rows):
        per_key: dict = {}
        for doc, text in rows:
            for key, value in hook(doc, [text]).items():
                if "consistency" not in key:
                    per_key.setdefault(key, []).append(value)
        return sorted((k, float(getattr(mod, agg_name(k))(v))) for k, v in per_key.items())

    def ours(rows):
        out = []
        for key, idx in _score_rows(kind, hook, rows).items():
            args = [[rows[i][1] for i in idx], [labels[rows[i][0]["answer_index"]] for i in idx]]
            if by_category:
                args.append([rows[i][0]["category"] for i in idx])
            out.append((key, m.compute(*args).score))
        return sorted(out)

    return ours, oracle


@pytest.mark.parametrize("kind", sorted(SCORE_HOOKS))
def test_score_agieval_accuracy(kind):
    ours, oracle = _score_pair(_agieval(), SCORE_HOOKS, kind, "lm_eval:score/accuracy", LABELS)
    hand = [[({"question_id": 0, "prompt_id": 3, "answer_index": 1, "original_answer_index": 1,
               "always_same_option": "B", "options_format": "\n{letter}: {option}"}, t)
             for t in ("The best answer is (B).", "b", "the best answer is\nB", "the best answer is ß", "B.")]]
    check("lm_eval:score/accuracy", LM, ours, oracle, score_run(kind), hand)


def _mmlu_pro():
    return importlib.import_module("lm_eval.tasks.score.mmlu_pro.utils_mmlu_pro")


MMLU_PRO_HOOKS = {
    "prompt": ("prompt_robustness_process_results", lambda key: f"per_prompt_accuracy_{key.split('_')[0]}"),
    "option": ("option_order_robustness_process_results",
               lambda key: f"per_option_macro_accuracy_{key.rsplit('_', 1)[1].lower()}"),
    "non_greedy": ("non_greedy_robustness_process_results", lambda key: "non_greedy_macro_accuracy"),
}


@pytest.mark.parametrize("kind", sorted(MMLU_PRO_HOOKS))
def test_score_mmlu_pro_macro_accuracy(kind):
    ours, oracle = _score_pair(_mmlu_pro(), MMLU_PRO_HOOKS, kind, "lm_eval:score/macro_accuracy", MMLU_PRO_LABELS,
                               by_category=True)
    check("lm_eval:score/macro_accuracy", LM, ours, oracle, score_run(kind, n_options=10, categories=True))


@pytest.mark.parametrize("task", ["agieval", "mmlu_pro"])
def test_score_consistency_rate(task):
    mod = _agieval() if task == "agieval" else _mmlu_pro()
    agg = getattr(mod, f"{'agi_eval' if task == 'agieval' else 'mmlu_pro'}_prompt_consistency_rate")
    hook = mod.prompt_robustness_process_results
    m = em.get("lm_eval:score/consistency_rate")

    def oracle(rows):
        return float(agg([hook(doc, [text])["consistency_rate"] for doc, text in rows]))

    def ours(rows):
        return m.compute([t for _, t in rows], [d["question_id"] for d, _ in rows]).score

    check("lm_eval:score/consistency_rate", LM, ours, oracle,
          score_run("prompt", n_options=10 if task == "mmlu_pro" else 4, categories=task == "mmlu_pro"))


def test_score_per_sample():
    """Per sample, the alias's value is the hook's final_answer == gt (any output text)."""
    mod = _agieval()
    m = em.get("lm_eval:score/accuracy")
    doc = {"question_id": 0, "prompt_id": 0, "answer_index": 2, "options_format": "\n{letter}: {option}"}

    def oracle(text):
        _, _, final, gt = mod.prompt_robustness_process_results(doc, [text])["0_accuracy"]
        return float(final == gt)

    check("lm_eval:score/accuracy", LM, lambda t: m.score(t, "C"), oracle,
          st.one_of(score_output(), st.text(max_size=30)), ["the best answer is c", "C", "c", "İ"])


def test_rounding_is_checked():
    """Meta: without the 4-decimal rounding the aggregate differs from the harness (the check can fail)."""
    m = em.get("lm_eval:score/accuracy")
    r = m.compute(["A", "B", "B"], ["A", "A", "A"])
    assert r.score == 0.3333 and not math.isclose(float(r.per_sample.mean()), r.score, abs_tol=1e-6)


COVERED = ["lm_eval:truthfulqa/mc2", "lm_eval:truthfulqa-multi/mc2", "lm_eval:score/accuracy",
           "lm_eval:score/macro_accuracy", "lm_eval:score/consistency_rate"]
