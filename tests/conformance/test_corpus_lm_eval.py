"""lm_eval's corpus classification aggregations, its bootstrap stderr and the task rows using them, against
lm-eval 0.4.13's own code.

* Values: ``lm_eval:f1`` / ``lm_eval:mcc`` against lm_eval's registered aggregations (``lm_eval.api.metrics.f1_score``,
  ``matthews_corrcoef``); ``lm_eval:weighted_f1_score`` / ``macro_f1_score`` / ``micro_f1_score`` against
  ``lm_eval.utils.weighted_f1_score`` and every task module's own copy that the reader maps to them (aradice,
  kobest, noreval norec, portuguese_bench assin2), loaded from the installed tasks folder; ``lm_eval:afriqa/f1``
  against afrobench afriqa's ``utils.f1``. Inputs: hypothesis-generated corpora of choice log-probabilities (2-5
  choices, ties, one class only, a single sample) turned into lm_eval's items exactly as its multiple-choice
  ``process_results`` does (gold index, ``np.argmax`` of the log-likelihoods); text pairs for afriqa (empty
  strings, punctuation only). Both raising (scikit-learn refusing labels) counts as agreement.
* Bootstrap stderr: the Result's ``stderr`` against ``lm_eval.api.metrics.bootstrap_stderr`` of the same
  aggregation on the same items (single-process and worker-pool paths draw the same), for several iteration counts
  (chunk rounding: 1500 gives 1000 resamples), for these aliases and for ``lm_eval:bleu`` / ``chrf`` / ``chrf++`` /
  ``ter`` at lm_eval's real default for them (100).
* Reader: shipped task rows read as these aliases; the aggregation functions are identified by their source digest;
  afriqa's ``ignore_punctuation: 'true - "." - ...'`` is what lm_eval's exact_match makes of it (called).

    PYTHONPATH=. HF_HUB_OFFLINE=1 ~/.cache/evalmetrics-conformance/harness/bin/python -m pytest -o addopts="" \\
        -p no:randomly tests/conformance/test_corpus_lm_eval.py
"""
from __future__ import annotations

import contextlib
import io
import math
import os
import warnings

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")
pytest.importorskip("sklearn")

import numpy as np  # noqa: E402
from lm_eval import utils as lm_utils  # noqa: E402
from lm_eval.api import metrics as lm_metrics  # noqa: E402

import evalmetrics as em  # noqa: E402
from _diff import LM_EVAL, N_EXAMPLES, check, load_lm_eval_task_file, pair  # noqa: E402
from _diff import lm_eval_tasks_dir as _tasks_dir  # noqa: E402
from evalmetrics.metrics.bootstrap import resample_indices  # noqa: E402

LM = LM_EVAL

COVERED = ["lm_eval:f1", "lm_eval:mcc", "lm_eval:weighted_f1_score", "lm_eval:macro_f1_score",
           "lm_eval:micro_f1_score", "lm_eval:afriqa/f1", "lm_eval:brier_score", "lm_eval:loglikelihood_diff",
           "lm_eval:acc_all"]


_MODULES: dict = {}


def _task_function(rel: str, name: str):
    """A function of a task module of the installed lm_eval, loaded from its file."""
    if rel not in _MODULES:
        _MODULES[rel] = load_lm_eval_task_file(rel, "h1_" + rel.replace("/", "_").replace(" ", "_")[:-3])
    return getattr(_MODULES[rel], name)


# alias -> [(where, lm_eval's aggregation function)]
ORACLES = {
    "lm_eval:f1": [("lm_eval/api/metrics.py:f1_score", lambda: lm_metrics.f1_score)],
    "lm_eval:mcc": [("lm_eval/api/metrics.py:matthews_corrcoef", lambda: lm_metrics.matthews_corrcoef)],
    "lm_eval:weighted_f1_score": [
        ("lm_eval/utils.py:weighted_f1_score", lambda: lm_utils.weighted_f1_score),
        ("afrimmlu/utils.py (re-export)", lambda: _task_function("afrobench/sib/prompt_1/utils.py",
                                                                  "weighted_f1_score")),
        ("aradice/ArabicMMLU/EGY/metrics.py", lambda: _task_function("aradice/ArabicMMLU/EGY/metrics.py",
                                                                      "weighted_f1_score")),
    ],
    "lm_eval:macro_f1_score": [
        ("kobest/utils.py", lambda: _task_function("kobest/utils.py", "macro_f1_score")),
        ("aradice/ArabicMMLU/EGY/metrics.py", lambda: _task_function("aradice/ArabicMMLU/EGY/metrics.py",
                                                                      "macro_f1_score")),
        ("noreval/norec/utils.py:multi_f1", lambda: _task_function("noreval/norec/utils.py", "multi_f1")),
        ("portuguese_bench/assin2_utils.py:macro_f1", lambda: _task_function("portuguese_bench/assin2_utils.py",
                                                                              "macro_f1")),
    ],
    "lm_eval:micro_f1_score": [
        ("aradice/ArabicMMLU/EGY/metrics.py", lambda: _task_function("aradice/ArabicMMLU/EGY/metrics.py",
                                                                      "micro_f1_score")),
    ],
}

_LPS = (-0.5, -1.0, -1.0, -2.0, -3.25, -0.0, -7.0)


@st.composite
def corpora(draw, max_choices=5, max_n=30):
    """[(gold, logprobs)] with a fixed number of choices: ties, one class only, a single sample all occur."""
    k = draw(st.integers(2, max_choices))
    n = draw(st.sampled_from([1, 2, 3, draw(st.integers(1, max_n))]))
    only = draw(st.integers(-1, k - 1))  # >= 0: every gold is this class
    out = []
    for _ in range(n):
        gold = only if only >= 0 else draw(st.integers(0, k - 1))
        lps = [draw(st.sampled_from(_LPS)) for _ in range(k)]
        out.append((gold, lps))
    return out


def binary_corpora():
    return corpora(max_choices=2)


def _items(x):
    """lm_eval's multiple-choice items for f1/mcc: (gold index, np.argmax(lls))."""
    return [(g, np.argmax(lps)) for g, lps in x]


def _choices(x):
    return [em.Choices(logprobs=lps, gold=g) for g, lps in x]


def _quiet(fn, *args):
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        return fn(*args)


def _as_float(v):
    return float(v)


# ------------------------------------------------------------------------------------------------ values


@pytest.mark.parametrize("alias", sorted(ORACLES))
def test_values(alias):
    m = em.get(alias)
    strategy = binary_corpora() if alias == "lm_eval:f1" else corpora()
    hand = [[(0, [-1.0, -2.0])], [(1, [-1.0, -1.0])], [(0, [-1.0, -2.0])] * 5, [(1, [-2.0, -1.0])] * 3,
            [(0, [-1.0, -2.0]), (1, [-2.0, -1.0])], [(2, [-1.0, -2.0, -3.0]), (1, [-2.0, -1.0, -3.0])],
            [(0, [-0.0, -0.0, -0.0])] * 4]
    for where, get_fn in ORACLES[alias]:
        fn = get_fn()
        check(alias, f"{LM} ({where})", lambda x: m.compute(_choices(x), bootstrap_iters=0).score,
              lambda x: _as_float(_quiet(fn, _items(x))), strategy, hand=hand,
              n=max(N_EXAMPLES // len(ORACLES[alias]), 50))


def test_pick_is_lm_evals_argmax_and_several_golds_are_refused():
    """The picked index is numpy's argmax (first of equal maxima), and a list of golds is refused as lm_eval's
    scikit-learn call refuses it."""
    c = em.Choices(logprobs=[-1.0, -0.5, -0.5], gold=2)
    assert em.get("lm_eval:mcc").trace(c)["prediction"] == int(np.argmax(c.logprobs)) == 1
    with pytest.raises(em.InvalidInput, match="gold"):
        em.get("lm_eval:mcc").compute([em.Choices(logprobs=[-1.0, -0.5], gold=[0, 1])] * 2)
    with pytest.raises(Exception):
        _quiet(lm_metrics.matthews_corrcoef, [([0, 1], np.int64(1)), ([0, 1], np.int64(0))])


# ------------------------------------------------------------------------------------------------ bootstrap


def test_resample_indices_are_pythons_draws():
    import random

    for iters, n in ((1, 3), (7, 1), (50, 4), (1500, 6), (2000, 2)):
        chunk = min(1000, iters)
        want = []
        for i in range(iters // chunk):
            rnd = random.Random(i)
            want += [rnd.choices(range(n), k=n) for _ in range(chunk)]
        got = [row for block in resample_indices(n, iters) for row in block.tolist()]
        assert got == want


def _lm_bootstrap(fn, items, iters, multiproc=False):
    key = "DISABLE_MULTIPROC"
    old = os.environ.get(key)
    if multiproc:
        os.environ.pop(key, None)
    else:
        os.environ[key] = "1"
    try:
        return _quiet(lm_metrics.bootstrap_stderr, fn, items, iters)
    finally:
        if old is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = old


_ITERS = (2, 7, 50, 130)


@pytest.mark.parametrize("alias", sorted(ORACLES))
def test_bootstrap_stderr(alias):
    """Result.stderr equals lm_eval's bootstrap_stderr of the aggregation (resamples scored by scikit-learn on
    lm_eval's side, from confusion counts on ours, checked against scikit-learn inside)."""
    m = em.get(alias)
    fn = ORACLES[alias][0][1]()
    strategy = st.tuples(binary_corpora() if alias == "lm_eval:f1" else corpora(max_n=25), st.sampled_from(_ITERS))

    def ours(x):
        r = m.compute(_choices(x[0]), bootstrap_iters=x[1])
        return r.stderr

    def oracle(x):
        items = _items(x[0])
        if len(items) < 2:
            return float("nan")  # lm_eval reports "N/A" for one item
        _quiet(fn, items)  # the corpus value must be defined (else both raise)
        return float(_lm_bootstrap(fn, items, x[1]))

    hand = [([(0, [-1.0, -2.0]), (1, [-2.0, -1.0]), (1, [-1.0, -2.0])], 1500),  # 1000 resamples (one chunk)
            ([(i % 2, [-1.0, -1.5 - (i % 3)]) for i in range(12)], 2000),  # two chunks (seeds 0 and 1)
            ([(0, [-1.0, -2.0])] * 3, 7), ([(1, [-1.0, -2.0]), (0, [-2.0, -1.0])], 2)]
    check(alias, f"{LM} (bootstrap_stderr)", ours, oracle, strategy, hand=hand, n=max(N_EXAMPLES // 250, 8))


def test_bootstrap_worker_pool_draws_the_same():
    """lm_eval's worker-pool path (its default) and single-process path give the number evalmetrics gives."""
    x = [(i % 3, [-1.0 * ((i * 7) % 4), -1.5, -2.0 + (i % 2)]) for i in range(40)]
    items = _items(x)
    r = em.get("lm_eval:mcc").compute(_choices(x), bootstrap_iters=2000)
    assert r.stderr == _lm_bootstrap(lm_metrics.matthews_corrcoef, items, 2000, multiproc=True)
    assert r.stderr == _lm_bootstrap(lm_metrics.matthews_corrcoef, items, 2000)
    assert "2000 resamples" in r.stderr_method


def test_which_aggregations_lm_eval_bootstraps():
    """lm_eval bootstraps its registered f1 / matthews_corrcoef / bleu family and reports N/A for task functions
    (stderr_for_metric returns None for them): the reader's note says so."""
    for fn in (lm_metrics.f1_score, lm_metrics.matthews_corrcoef, lm_metrics.bleu):
        assert lm_metrics.stderr_for_metric(fn, 100000) is not None
    for fn in (lm_utils.weighted_f1_score, _task_function("kobest/utils.py", "macro_f1_score")):
        assert lm_metrics.stderr_for_metric(fn, 100000) is None


_TEXTGEN = {"lm_eval:bleu": lm_metrics.bleu, "lm_eval:chrf": lm_metrics.chrf, "lm_eval:chrf++": lm_metrics.chrfpp,
            "lm_eval:ter": lm_metrics.ter}


@pytest.mark.parametrize("alias", sorted(_TEXTGEN))
def test_textgen_bootstrap_stderr_at_lm_evals_default(alias):
    """bleu/chrf/chrf++/ter: the default Result.stderr is lm_eval's bootstrap with its evaluator's 100 iterations."""
    m = em.get(alias)
    fn = _TEXTGEN[alias]
    strategy = st.lists(pair(), min_size=2, max_size=6)

    def ours(x):
        return m.compute([p for p, _ in x], [r for _, r in x]).stderr

    def oracle(x):
        items = [(r, p) for p, r in x]  # lm_eval's [gold, result] per document
        return float(_lm_bootstrap(fn, items, 100))

    hand = [[("the cat sat", "the cat sat"), ("a dog", "the dog")], [("", ""), ("x", "")]]
    check(alias, f"{LM} (bootstrap_stderr, 100 iterations)", ours, oracle, strategy, hand=hand,
          n=max(N_EXAMPLES // 250, 4))


# ------------------------------------------------------------------------------------------------ brier, likelihood


def test_brier_score():
    m = em.get("lm_eval:brier_score")
    hand = [[(0, [-1.0, -1.0])], [(1, [-0.0, -700.0, -1e-300])], [(2, [-1.0, -2.0, -3.0])] * 9]
    check("lm_eval:brier_score", f"{LM} (lm_eval/api/metrics.py:brier_score)",
          lambda x: m.compute(_choices(x)).score,
          lambda x: float(_quiet(lm_metrics.brier_score, [(g, lm_utils.softmax(tuple(lps))) for g, lps in x])),
          corpora(max_n=40), hand=hand, n=N_EXAMPLES)


def test_loglikelihood_diff():
    fn = _task_function("e2lmc/mmlu_early_training/custom_metrics.py", "loglikelihood_diff")
    m = em.get("lm_eval:loglikelihood_diff")
    hand = [[(0, [-1.0, -2.0])], [(3, [-1.0, -2.0, -0.25, -9.5])] * 11, [(1, [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6,
                                                                           -0.7, -0.8, -0.9, -1.1])] * 3]
    check("lm_eval:loglikelihood_diff", f"{LM} (e2lmc/mmlu_early_training/custom_metrics.py:loglikelihood_diff)",
          lambda x: m.compute(_choices(x)).score,
          lambda x: float(_quiet(fn, [(g, tuple(lps)) for g, lps in x])),
          corpora(max_choices=12, max_n=40), hand=hand, n=N_EXAMPLES)


@st.composite
def multirc(draw):
    """[(label, [ll_false, ll_true], paragraph, question)] with at least two question ids."""
    n = draw(st.integers(2, 20))
    out = [(draw(st.integers(0, 1)), [draw(st.sampled_from(_LPS)), draw(st.sampled_from(_LPS))],
            draw(st.integers(0, 2)), draw(st.integers(0, 3))) for _ in range(n)]
    out[0] = out[0][:3] + (0,)
    out[1] = out[1][:3] + (1,)
    return out


def test_acc_all():
    """lm_eval's acc_all and acc_all_stderr over its (pred, doc) items: pred is "the answer is true" (the higher of
    the two log-likelihoods, ties false), doc carries idx.paragraph, idx.question and label."""
    m = em.get("lm_eval:acc_all")

    def ours(x):
        r = m.compute([em.Choices(logprobs=lps, gold=g) for g, lps, _, _ in x], groups=[(p, q) for _, _, p, q in x])
        return (r.score, r.stderr)

    def oracle(x):
        items = [(bool(np.argmax(lps) == 1), {"idx": {"paragraph": p, "question": q}, "label": g})
                 for g, lps, p, q in x]
        return (float(lm_metrics.acc_all(items)), float(lm_metrics.acc_all_stderr(items)))

    check("lm_eval:acc_all", f"{LM} (acc_all, acc_all_stderr)", ours, oracle, multirc(),
          hand=[[(1, [-1.0, -1.0], 0, 0), (0, [-1.0, -1.0], 0, 1)], [(1, [-2.0, -1.0], 0, 0), (1, [-2.0, -1.0], 1, 0),
                                                                    (0, [-1.0, -2.0], 1, 1)]],
          n=max(N_EXAMPLES // 2, 50))


def test_acc_all_single_question_group():
    """One question id: lm_eval's acc_all_stderr divides by zero (its evaluator crashes); evalmetrics reports NaN."""
    x = [(1, [-2.0, -1.0], 0, 0), (0, [-1.0, -2.0], 1, 0)]
    items = [(bool(np.argmax(lps) == 1), {"idx": {"paragraph": p, "question": q}, "label": g}) for g, lps, p, q in x]
    with pytest.raises(ZeroDivisionError):
        lm_metrics.acc_all_stderr(items)
    r = em.get("lm_eval:acc_all").compute([em.Choices(logprobs=lps, gold=g) for g, lps, _, _ in x],
                                           groups=[(p, q) for _, _, p, q in x])
    assert r.score == lm_metrics.acc_all(items) and math.isnan(r.stderr)


# ------------------------------------------------------------------------------------------------ afriqa


def test_afriqa_f1():
    fn = _task_function("afrobench/afriqa/prompt_1/utils.py", "f1")
    m = em.get("lm_eval:afriqa/f1")
    hand = [[("", "")], [(".", "the")], [("Paris", "paris!")], [("a an the", "")]]
    check("lm_eval:afriqa/f1", f"{LM} (afrobench/afriqa/prompt_1/utils.py:f1)",
          lambda x: m.compute([p for p, _ in x], [r for _, r in x]).score,
          lambda x: float(fn([(r, p) for p, r in x])),  # lm_eval's items: [gold, result]
          st.lists(pair(), min_size=1, max_size=8), hand=hand, n=N_EXAMPLES)


def test_afriqa_f1_row():
    """The afriqa f1 row: the remove_whitespace filter, then utils.f1 over (gold, prediction) pairs."""
    from oracles import lm_eval_filter

    r = _row("afrobench/afriqa/prompt_1/afriqa_hau.yaml", "f1")
    assert r.id is not None and em.get("lm_eval:afriqa/f1").id.split("normalize=")[0] in r.id, r.reason
    ours = em.get(r.id)
    fn = _task_function("afrobench/afriqa/prompt_1/utils.py", "f1")
    check("lm_eval:afriqa/f1", f"{LM} (afriqa's remove_whitespace + utils.f1)",
          lambda x: ours.compute([p for p, _ in x], [g for _, g in x]).score,
          lambda x: float(fn([(g, lm_eval_filter("remove_whitespace", [p])[0]) for p, g in x])),
          st.lists(pair(), min_size=1, max_size=8), hand=[[(" a", "a "), ("\n", "")]], n=max(N_EXAMPLES // 5, 50))


def _row(path, metric):
    from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task

    rows = [r for r in read_lm_eval_task(os.path.join(_tasks_dir(), path)).readings if r.metric == metric]
    assert len(rows) == 1, rows
    return rows[0]


def test_afriqa_exact_match_reads_lm_evals_truthy_option():
    """afriqa's YAML folds a list into ``ignore_punctuation: 'true - "." - "," - "\\\\$"'``; lm_eval's exact_match
    tests ``if ignore_punctuation:``, so it strips punctuation: the row reads as ignore_punctuation=true (called)."""
    from evalmetrics.integrations.lm_eval_tasks import load_task_yaml

    path = "afrobench/afriqa/prompt_1/afriqa_hau.yaml"
    cfg = load_task_yaml(os.path.join(_tasks_dir(), path))
    entry = next(e for e in cfg["metric_list"] if e["metric"] == "exact_match")
    opts = {k: v for k, v in entry.items() if k not in ("metric", "aggregation", "higher_is_better")}
    assert isinstance(opts["ignore_punctuation"], str) and opts["ignore_punctuation"].startswith("true")
    r = _row(path, "exact_match")
    assert r.id is not None and "counts as True" in " ".join(r.notes)
    ours = em.get(r.id)  # the row's pipeline: the remove_whitespace filter, then exact_match
    mfn = lm_metrics.exact_match_fn
    from oracles import lm_eval_filter

    def oracle(x):
        pred = lm_eval_filter("remove_whitespace", [x[0]])[0]
        return float(mfn(references=[x[1]], predictions=[pred], **opts)["exact_match"])

    check("lm_eval:exact_match", f"{LM} (afriqa's remove_whitespace + exact_match with its options)",
          lambda x: ours.score(x[0], x[1]),
          oracle, pair(), hand=[("Paris.", "paris"), ("$5", "5"), ("a,b", "ab")], n=max(N_EXAMPLES // 5, 50))


# ------------------------------------------------------------------------------------------------ reader


READER_ROWS = [
    ("afrimmlu/direct/prompt_1/afrimmlu_direct_amh.yaml", "f1", "lm_eval:weighted_f1_score"),
    ("afrixnli/anli prompt/en-direct/afrixnli_en_direct_amh.yaml", "f1", "lm_eval:weighted_f1_score"),
    ("afrobench/sib/prompt_1/sib_amh.yaml", "f1", "lm_eval:weighted_f1_score"),
    ("aradice/ArabicMMLU/EGY/AraDiCE_ArabicMMLU_high_humanities_history.yaml", "f1", "lm_eval:micro_f1_score"),
    ("kobest/kobest_boolq.yaml", "f1", "lm_eval:macro_f1_score"),
    ("noreval/norec/norec_document/norec_document_p0.yaml", "f1", "lm_eval:macro_f1_score"),
    ("portuguese_bench/assin2_rte.yaml", "f1", "lm_eval:macro_f1_score"),
    ("glue/mrpc/default.yaml", "f1", "lm_eval:f1"),
    ("catalan_bench/catcola.yaml", "mcc", "lm_eval:mcc"),
    ("glue/cola/default.yaml", "mcc", "lm_eval:mcc"),
    ("e2lmc/mmlu_early_training/mmlu_early_training.yaml", "likelihood", "lm_eval:loglikelihood_diff"),
]


@pytest.mark.parametrize("path,metric,alias", READER_ROWS)
def test_reader_rows(path, metric, alias):
    if not os.path.exists(os.path.join(_tasks_dir(), path)):
        pytest.skip(f"{path} is not in this lm_eval")
    r = _row(path, metric)
    assert r.id == em.get(alias).id, (r.reason, r.id)


def test_aggregation_functions_identified_by_digest():
    """Every task function the reader maps is the one the value tests call (same source digest)."""
    from evalmetrics.integrations.lm_eval_tasks.aggregations import identify_aggregation
    from evalmetrics.integrations.lm_eval_tasks.loading import FunctionRef

    cases = [("afrimmlu/direct/prompt_1", "utils.weighted_f1_score", "lm_eval:weighted_f1_score"),
             ("aradice/ArabicMMLU/EGY", "metrics.micro_f1_score", "lm_eval:micro_f1_score"),
             ("aradice/ArabicMMLU/EGY", "metrics.macro_f1_score", "lm_eval:macro_f1_score"),
             ("aradice/ArabicMMLU/EGY", "metrics.weighted_f1_score", "lm_eval:weighted_f1_score"),
             ("kobest", "utils.macro_f1_score", "lm_eval:macro_f1_score"),
             ("noreval/norec", "utils.multi_f1", "lm_eval:macro_f1_score"),
             ("portuguese_bench", "assin2_utils.macro_f1", "lm_eval:macro_f1_score"),
             ("afrobench/afriqa/prompt_3", "utils.f1", "lm_eval:afriqa/f1")]
    for base, spec, alias in cases:
        where, table, digest = identify_aggregation(FunctionRef(spec, os.path.join(_tasks_dir(), base)))
        assert table is not None and table["f1"] == alias, (base, spec, digest)
    # an unknown function is not guessed
    _, table, _ = identify_aggregation(FunctionRef("aggregate.cb_multi_fi", os.path.join(_tasks_dir(), "super_glue/cb")))
    assert table is None
    assert math.isnan(em.get("lm_eval:f1").compute([em.Choices(logprobs=[-1.0, -2.0], gold=0)]).stderr)
