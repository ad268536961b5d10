"""Multiple-choice aliases against the real lm_eval task code and lighteval's LoglikelihoodAcc."""
from __future__ import annotations

import functools
import math

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")
pytest.importorskip("lighteval")

import evalmetrics as em  # noqa: E402
from _diff import ATOMS, check  # noqa: E402

LM = "lm-eval==0.4.13"
LE = "lighteval==0.13.0"

LL = st.one_of(
    st.floats(min_value=-60, max_value=0, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, -1.0, -2.0, -3.0, -1e-9, -1e300, -math.inf]),
)
CHOICE_TEXT = st.one_of(st.sampled_from(ATOMS + ["", " ", " Paris", "Paris", "é", " abc"]), st.text(max_size=12))


@st.composite
def mc(draw, multi_gold=True, empty_texts=True):
    n = draw(st.integers(1, 5))
    lps = [draw(LL) for _ in range(n)]
    if n > 1 and draw(st.integers(0, 4)) == 0:
        lps[1] = lps[0]  # ties
    unc = [draw(LL) for _ in range(n)]
    texts = [draw(CHOICE_TEXT) for _ in range(n)]
    if not empty_texts:
        texts = [t or "x" for t in texts]
    toks = [draw(st.integers(1, 6)) for _ in range(n)]
    greedy = [draw(st.booleans()) for _ in range(n)]
    if multi_gold and n > 1 and draw(st.integers(0, 4)) == 0:
        gold = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n)))
    else:
        gold = draw(st.integers(0, n - 1))
    return {"logprobs": lps, "unconditioned_logprobs": unc, "texts": texts, "token_counts": toks,
            "is_greedy": greedy, "gold": gold}


def choices(d):
    return em.Choices(**d)


# ---------------------------------------------------------------------------------------------- lm_eval


@functools.cache
def mc_task(multiple_target: bool, metric: str):
    import datasets
    from lm_eval.api.task import ConfigurableTask

    seed = {"q": "", "choices": ["a", "b"], "gold": [0] if multiple_target else 0}
    cfg = {
        "task": f"evalmetrics_mc_{metric}_" + ("multi" if multiple_target else "single"),
        "output_type": "multiple_choice",
        "test_split": "test",
        "doc_to_text": "{{q}}",
        "doc_to_choice": "choices",
        "doc_to_target": "gold",
        "metric_list": [{"metric": metric}],
        "custom_dataset": lambda **_: datasets.DatasetDict({"test": datasets.Dataset.from_list([seed])}),
    }
    datasets.disable_progress_bars()
    return ConfigurableTask(config=cfg)


def lm_eval_mc(d, metric):
    multi = isinstance(d["gold"], list)
    t = mc_task(multi, metric)
    doc = {"q": "", "choices": d["texts"], "gold": d["gold"]}
    results = [(ll, g) for ll, g in zip(d["logprobs"], d["is_greedy"])]
    if metric == "acc_mutual_info":  # lm_eval adds the unconditioned requests only for this metric
        results += [(ll, False) for ll in d["unconditioned_logprobs"]]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(t.process_results(doc, results)[metric])


LM_MC = [("lm_eval:acc", "acc"), ("lm_eval:acc_norm", "acc_norm"), ("lm_eval:acc_bytes", "acc_bytes"),
         ("lm_eval:acc_mutual_info", "acc_mutual_info"), ("lm_eval:multiple_choice/exact_match", "exact_match")]


@pytest.mark.parametrize("alias,metric", LM_MC, ids=[a for a, _ in LM_MC])
def test_lm_eval_multiple_choice(alias, metric):
    m = em.get(alias)
    hand = [
        {"logprobs": [-1.0, -2.8], "unconditioned_logprobs": [-1.0, -1.0], "texts": ["a", "abc"],
         "token_counts": [1, 1], "is_greedy": [True, False], "gold": 1},
        {"logprobs": [-1.0, -2.0], "unconditioned_logprobs": [-0.5, -0.5], "texts": ["", "b"],
         "token_counts": [1, 1], "is_greedy": [False, False], "gold": 0},
        {"logprobs": [0.0, -2.0], "unconditioned_logprobs": [0.0, 0.0], "texts": ["", "b"],
         "token_counts": [1, 1], "is_greedy": [False, True], "gold": 0},
        {"logprobs": [-6.0, -7.0], "unconditioned_logprobs": [-1.0, -1.0], "texts": ["é", "ab"],
         "token_counts": [1, 1], "is_greedy": [False, True], "gold": [0, 1]},
    ]
    check(alias, LM, lambda d: m.score(choices(d)), lambda d: lm_eval_mc(d, metric), mc(), hand)


# ---------------------------------------------------------------------------------------------- lighteval

NORMS = {
    "lighteval@0.13:loglikelihood_acc": None,
    "lighteval@0.13:acc_norm": "char",
    "lighteval@0.10:loglikelihood_acc_norm": "char",
    "lighteval@0.10:loglikelihood_acc_norm_nospace": "char_nospace",
    "lighteval@0.13:acc_norm_token": "token",
    "lighteval@0.13:acc_norm_pmi": "pmi",
}


def lighteval_acc(d, norm):
    from lighteval.metrics.metrics_sample import LoglikelihoodAcc
    from lighteval.metrics.normalizations import LogProbCharNorm, LogProbPMINorm, LogProbTokenNorm
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc

    obj = {None: None, "char": LogProbCharNorm(), "char_nospace": LogProbCharNorm(ignore_first_space=True),
           "token": LogProbTokenNorm(), "pmi": LogProbPMINorm()}[norm]
    lps = list(d["logprobs"]) + (list(d["unconditioned_logprobs"]) if norm == "pmi" else [])
    doc = Doc(query="", choices=list(d["texts"]), gold_index=d["gold"])
    resp = ModelResponse(logprobs=lps, output_tokens=[[7] * k for k in d["token_counts"]])
    return float(LoglikelihoodAcc(logprob_normalization=obj).compute(doc=doc, model_response=resp))


@pytest.mark.parametrize("alias", sorted(NORMS))
def test_lighteval_loglikelihood_acc(alias):
    m = em.get(alias)
    hand = [
        {"logprobs": [-1.0, -2.8], "unconditioned_logprobs": [-1.0, -1.0], "texts": [" a", " abc"],
         "token_counts": [1, 2], "is_greedy": [True, False], "gold": 1},
        {"logprobs": [-1.0, -2.0], "unconditioned_logprobs": [-0.5, -0.5], "texts": ["", " "],
         "token_counts": [1, 1], "is_greedy": [False, False], "gold": 0},
    ]
    check(alias, LE, lambda d: m.score(choices(d)), lambda d: lighteval_acc(d, NORMS[alias]), mc(), hand)


@pytest.mark.parametrize("config,norm", [(None, None), ("LogProbCharNorm()", "char"),
                                         ("LogProbCharNorm(ignore_first_space=True)", "char_nospace"),
                                         ("LogProbTokenNorm()", "token"), ("LogProbPMINorm()", "pmi")])
def test_lighteval_logprob_normalization_config_key(config, norm):
    m = em.get("lighteval:loglikelihood_acc", logprob_normalization=config)
    assert m == em.get({None: "lighteval:loglikelihood_acc", "char": "lighteval:acc_norm",
                        "char_nospace": "lighteval:loglikelihood_acc_norm_nospace",
                        "token": "lighteval:acc_norm_token", "pmi": "lighteval:acc_norm_pmi"}[norm])


@functools.cache
def ll_task():
    import datasets
    from lm_eval.api.task import ConfigurableTask

    cfg = {
        "task": "evalmetrics_ll", "output_type": "loglikelihood", "test_split": "test", "doc_to_text": "{{q}}",
        "doc_to_target": "t", "metric_list": [{"metric": "acc"}, {"metric": "perplexity"}],
        "custom_dataset": lambda **_: datasets.DatasetDict({"test": datasets.Dataset.from_list([{"q": "", "t": "x"}])}),
    }
    return ConfigurableTask(config=cfg)


def test_lm_eval_loglikelihood_acc():
    m = em.get("lm_eval:loglikelihood/acc")
    strategy = st.tuples(LL, st.booleans())
    check("lm_eval:loglikelihood/acc", LM,
          lambda x: m.score(em.Choices(logprobs=[x[0]], gold=0, is_greedy=[x[1]])),
          lambda x: float(ll_task().process_results({"q": "", "t": "x"}, [x])["acc"]), strategy,
          [(-1.0, True), (-1.0, False), (0.0, True)])


def lighteval_rank(d, cls, params):
    from lighteval.metrics.metrics_sample import MRR, Recall
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc

    obj = MRR(**params) if cls == "mrr" else Recall(k=params.get("recall_depth", 1))
    doc = Doc(query="", choices=list(d["texts"]), gold_index=d["gold"])
    return float(obj.compute(doc=doc, model_response=ModelResponse(logprobs=list(d["logprobs"]))))


@pytest.mark.parametrize("alias,cls,configs", [
    ("lighteval@0.13:mrr", "mrr", [{}, {"length_normalization": True}]),
    ("lighteval@0.13:recall_at_k", "recall", [{}, {"recall_depth": 2}, {"recall_depth": 3}]),
])
def test_lighteval_rank_metrics(alias, cls, configs):
    check(alias, LE, lambda x: em.get(alias, **x[1]).score(choices(x[0])),
          lambda x: lighteval_rank(x[0], cls, x[1]), st.tuples(mc(), st.sampled_from(configs)))


COVERED = ([a for a, _ in LM_MC] + sorted(NORMS) + ["lm_eval:loglikelihood/acc", "lighteval@0.13:mrr",
                                                    "lighteval@0.13:recall_at_k"])
