"""OLMES scores and the MMLU ways, against the real packages' equivalent computations.

No OLMES package is installable, and the original MMLU evaluate.py is no package: their aliases are defined from
the published definitions (docs/olmes_mmlu.md) and cross-checked here against the computation lm_eval 0.4.13 or
lighteval 0.13.0 does on the same inputs, where the two definitions coincide:

- acc_raw = lm_eval acc; acc_per_token = lighteval LogProbTokenNorm (token counts >= 1); acc_per_char = lighteval
  LogProbCharNorm and lm_eval acc_norm given the same texts (non-empty; OLMES divides by max(length, 1));
  acc_per_byte = lm_eval acc_bytes (non-empty texts, and no two per-byte values that oe-eval's x1.44269504089
  makes equal: there OLMES keeps the first, tests/test_olmes.py checks that case against the definition);
  acc_uncond = lighteval LogProbPMINorm; one gold answer (OLMES tasks have one);
- hendrycks:mmlu/acc = the original hendrycks/test evaluate.py computation (a script, not a package: its
  top-100 read, -100 for a letter missing from it, numpy's argmax, written out below); the HELM, lm_eval and
  lighteval MMLU ways against those packages' own task code and metric drivers.
"""
from __future__ import annotations

import functools
import math
import warnings

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")
pytest.importorskip("lighteval")

import evalmetrics as em  # noqa: E402
import oracles as O  # noqa: E402
from _diff import ATOMS, check  # noqa: E402
from evalmetrics.metrics.choice import OE_EVAL_LOG2_E  # noqa: E402
from evalmetrics.presets.olmes import MC_PRIMARY, SCORES, TASK_PRIMARY  # noqa: E402

LM = "lm-eval==0.4.13"
LE = "lighteval==0.13.0"
HELM = "crfm-helm==0.5.16"

LL = st.one_of(
    st.floats(min_value=-60, max_value=0, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, -1.0, -2.0, -3.0, -1e-9, -1e300, -math.inf]),
)
TEXT = st.one_of(st.sampled_from(ATOMS + [" Paris", "Paris", "é", " abc", " A", " B", "日本", " well-known"]),
                 st.text(min_size=1, max_size=12))


def _collapses(d) -> bool:
    """Two different log-probabilities per byte that oe-eval's bits-per-byte multiplication makes equal."""
    per = [lp / len(t.encode("utf-8", "surrogatepass")) for lp, t in zip(d["logprobs"], d["texts"])]
    return any(a != b and OE_EVAL_LOG2_E * a == OE_EVAL_LOG2_E * b for a in per for b in per)


@st.composite
def mc(draw, n_min=1, n_max=5):
    n = draw(st.integers(n_min, n_max))
    lps = [draw(LL) for _ in range(n)]
    if n > 1 and draw(st.integers(0, 3)) == 0:
        lps[1] = lps[0]  # ties
    texts = [draw(TEXT) for _ in range(n)]
    if draw(st.booleans()):
        texts = [" " + t for t in texts]  # OLMES continuations start with a space
    return {"logprobs": lps, "unconditioned_logprobs": [draw(LL) for _ in range(n)], "texts": texts,
            "token_counts": [draw(st.integers(1, 6)) for _ in range(n)], "gold": draw(st.integers(0, n - 1))}


MC = mc().filter(lambda d: not _collapses(d))


def choices(d):
    return em.Choices(logprobs=d["logprobs"], gold=d["gold"], texts=d["texts"], token_counts=d["token_counts"],
                      unconditioned_logprobs=d["unconditioned_logprobs"])


# ---------------------------------------------------------------------------------------------- the real packages


@functools.cache
def _mc_task(letters: bool, metric: str):
    """A minimal lm_eval multiple_choice task: choices from the document, or the letters A-D (lm_eval's mmlu)."""
    import datasets
    from lm_eval.api.task import ConfigurableTask

    seed = {"q": "", "choices": ["a", "b"], "gold": 0}
    cfg = {
        "task": f"evalmetrics_olmes_{metric}" + ("_letters" if letters else ""),
        "output_type": "multiple_choice", "test_split": "test", "doc_to_text": "{{q}}\nAnswer:",
        "doc_to_choice": ["A", "B", "C", "D"] if letters else "choices", "doc_to_target": "gold",
        "metric_list": [{"metric": metric}],
        "custom_dataset": lambda **_: datasets.DatasetDict({"test": datasets.Dataset.from_list([seed])}),
    }
    datasets.disable_progress_bars()
    return ConfigurableTask(config=cfg)


def lm_eval_mc(d, metric, letters=False):
    """lm_eval's ConfigurableTask.process_results on one document: choices = the texts (or the letters A-D, as
    its mmlu task), the continuations' log-likelihoods = d's."""
    t = _mc_task(letters, metric)
    doc = {"q": "", "choices": d["texts"], "gold": d["gold"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(t.process_results(doc, [(ll, False) for ll in d["logprobs"]])[metric])


def lighteval_acc(d, norm):
    from lighteval.metrics.metrics_sample import LoglikelihoodAcc
    from lighteval.metrics.normalizations import LogProbCharNorm, LogProbPMINorm, LogProbTokenNorm
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc

    obj = {"none": None, "char": LogProbCharNorm(), "token": LogProbTokenNorm(), "pmi": LogProbPMINorm()}[norm]
    lps = list(d["logprobs"]) + (list(d["unconditioned_logprobs"]) if norm == "pmi" else [])
    doc = Doc(query="", choices=list(d["texts"]), gold_index=d["gold"])
    resp = ModelResponse(logprobs=lps, output_tokens=[[7] * k for k in d["token_counts"]])
    return float(LoglikelihoodAcc(logprob_normalization=obj).compute(doc=doc, model_response=resp))


# score -> (package, oracle) computing the same thing on the inputs of MC
ORACLES = {
    "acc_raw": (LM, lambda d: lm_eval_mc(d, "acc")),
    "acc_per_token": (LE, lambda d: lighteval_acc(d, "token")),
    "acc_per_char": (LE, lambda d: lighteval_acc(d, "char")),
    "acc_per_byte": (LM, lambda d: lm_eval_mc(d, "acc_bytes")),
    "acc_uncond": (LE, lambda d: lighteval_acc(d, "pmi")),
}

HAND = [
    {"logprobs": [-1.0, -2.8], "unconditioned_logprobs": [-1.0, -1.0], "texts": [" a", " abc"],
     "token_counts": [1, 3], "gold": 1},
    {"logprobs": [-4.0, -5.0], "unconditioned_logprobs": [-1.0, -4.5], "texts": [" x", " yy"],
     "token_counts": [1, 2], "gold": 1},
    {"logprobs": [-6.0, -7.0], "unconditioned_logprobs": [-1.0, -1.0], "texts": [" é", " ab"],
     "token_counts": [1, 1], "gold": 1},
    {"logprobs": [-2.0, -2.0, -1.0], "unconditioned_logprobs": [0.0, 0.0, -5.0], "texts": [" A", " B", " C"],
     "token_counts": [1, 1, 1], "gold": 0},
]


@pytest.mark.parametrize("name", sorted(SCORES))
def test_olmes_scores(name):
    alias = f"olmes@0.1:{name}"
    m = em.get(alias)
    package, oracle = ORACLES[name]
    check(alias, package, lambda d: m.score(choices(d)), oracle, MC, HAND)


def test_olmes_acc_per_char_against_lm_eval_acc_norm():
    """The same score against the other harness: lm_eval's acc_norm given the texts OLMES scores (space kept)."""
    m = em.get("olmes@0.1:acc_per_char")
    check("olmes@0.1:acc_per_char", LE, lambda d: m.score(choices(d)), lambda d: lm_eval_mc(d, "acc_norm"), MC,
          HAND)


TASK_CONFIGS = [{"task": t, "formulation": f} for t in sorted(TASK_PRIMARY) for f in ("rc", "mc")]


def test_olmes_primary_score():
    """Every task in both formulations: its primary score against that score's equivalent computation."""
    alias = "olmes@0.1:primary_score"

    def primary(cfg):
        return TASK_PRIMARY[cfg["task"]] if cfg["formulation"] == "rc" else MC_PRIMARY

    check(alias, f"{LM} / {LE}", lambda x: em.get(alias, **x[1]).score(choices(x[0])),
          lambda x: ORACLES[primary(x[1])][1](x[0]), st.tuples(MC, st.sampled_from(TASK_CONFIGS)),
          [(d, cfg) for d in HAND for cfg in TASK_CONFIGS])


# ---------------------------------------------------------------------------------------------- MMLU

LETTERS = ["A", "B", "C", "D"]


@st.composite
def letters_case(draw):
    lps = [draw(LL) for _ in range(4)]
    if draw(st.integers(0, 3)) == 0:
        lps[draw(st.integers(1, 3))] = lps[0]
    return {"logprobs": lps, "unconditioned_logprobs": [0.0] * 4, "texts": list(LETTERS), "token_counts": [1] * 4,
            "gold": draw(st.integers(0, 3))}


@st.composite
def continuation_case(draw):
    d = draw(mc(4, 4))
    d["texts"] = [t.lstrip(" ") or "x" for t in d["texts"]]  # lm_eval's doc_to_choice strings (no delimiter)
    return d


# The original's top-100 entries for the letters (a letter in the list has its log-probability; -100 and values just
# above it meet the -100 of a missing letter), and what a caller passes for a letter missing from the list.
TOP_LP = st.one_of(st.floats(min_value=-100.0, max_value=0.0, allow_nan=False),
                   st.sampled_from([0.0, -0.0, -1.0, -1e-9, -99.99999999999999, -100.0, -99.5]))
MISSING_LP = st.sampled_from([-100.0, -100.00000000000001, -120.0, -150.0, -1e300, -math.inf])


@st.composite
def top100_case(draw):
    """(the API's top-100 dict restricted to the letters' tokens, what the caller passes for each missing letter,
    gold index)."""
    top = {f" {L}": draw(TOP_LP) for L in LETTERS if draw(st.booleans())}
    return top, [draw(MISSING_LP) for _ in LETTERS], draw(st.integers(0, 3))


def hendrycks_evaluate(top: dict, gold: int) -> float:
    """The original evaluate.py's verdict for one question: each letter's entry in the last token's top_logprobs,
    -100 when it is not there, numpy's argmax, compared with the label."""
    import numpy as np

    lprobs = []
    for ans in LETTERS:
        try:
            lprobs.append(top[" {}".format(ans)])
        except KeyError:
            lprobs.append(-100)
    pred = {0: "A", 1: "B", 2: "C", 3: "D"}[np.argmax(lprobs)]
    return 1.0 if pred == LETTERS[gold] else 0.0


HENDRYCKS_HAND = [
    ({}, [-150.0, -120.0, -130.0, -140.0], 0),    # issue 18: no letter in the top 100 -> all -100 -> A
    ({}, [-150.0, -120.0, -130.0, -140.0], 1),
    ({" B": -99.0}, [-150.0, -1.0, -130.0, -140.0], 1), ({" D": -100.0}, [-1e300, -math.inf, -101.0, 0.0], 0),
    ({" A": -3.0, " B": -1.0, " C": -1.0, " D": -7.0}, [-200.0] * 4, 1), ({" C": -0.0}, [-math.inf] * 4, 2),
]


def test_hendrycks_mmlu():
    m = em.get("hendrycks@2021:mmlu/acc")

    def ours(case):
        top, missing, gold = case
        return m.score(em.Choices(logprobs=[top.get(f" {L}", missing[j]) for j, L in enumerate(LETTERS)], gold=gold))

    check("hendrycks@2021:mmlu/acc", "hendrycks/test evaluate.py (the original computation, written out: a script, "
          "not an installable package)", ours, lambda case: hendrycks_evaluate(case[0], case[2]), top100_case(),
          HENDRYCKS_HAND)


def test_lm_eval_mmlu_letters():
    m = em.get("lm_eval@0.4:mmlu/acc")
    check("lm_eval@0.4:mmlu/acc", LM, lambda d: m.score(choices(d)), lambda d: lm_eval_mc(d, "acc", letters=True),
          letters_case())


@pytest.mark.parametrize("metric", ["acc", "acc_norm"])
def test_lm_eval_mmlu_continuation(metric):
    alias = f"lm_eval@0.4:mmlu_continuation/{metric}"
    m = em.get(alias)
    check(alias, LM, lambda d: m.score(choices(d)), lambda d: lm_eval_mc(d, metric), continuation_case())


GENERATIONS = [" D", "D", "D.", " D\n", "d", " D. The second", "", " ", "B", "(D)", "Answer: D", "DD", " A",
               "\tC ", "D\u00a0", "The second and third pharyngeal arches"]


@st.composite
def generation_case(draw):
    gold = draw(st.integers(0, 3))
    texts = draw(st.lists(st.text(min_size=1, max_size=8), min_size=4, max_size=4, unique_by=str.strip)
                 .filter(lambda ts: all(t.strip() for t in ts)))
    kind = draw(st.integers(0, 2))
    if kind == 0:
        gen = draw(st.sampled_from(GENERATIONS))
    elif kind == 1:
        gen = (draw(st.sampled_from(["", " ", "\n"])) + draw(st.sampled_from(LETTERS))
               + draw(st.sampled_from(["", " ", ".", "\n"])))
    else:
        gen = draw(st.text(max_size=6))
    return gen, gold, texts


def test_helm_mmlu():
    """HELM's own driver with the multiple_choice_joint output mapping: the stripped output is mapped back from its
    letter to the choice text, which is compared with the gold text (distinct choice texts)."""
    m = em.get("helm@0.5:mmlu/exact_match")

    def oracle(x):
        gen, gold, texts = x
        mapping = dict(zip(LETTERS, texts))
        return O.helm_reference_metric("exact_match", [texts[gold]], [gen], output_mapping=mapping)["exact_match"]

    check("helm@0.5:mmlu/exact_match", HELM, lambda x: m.score(x[0], LETTERS[x[1]]), oracle, generation_case())


def test_lighteval_mmlu():
    """lighteval 0.13's mmlu tasks: Doc choices ' A' ... ' D', Metrics.exact_match through apply_metric."""
    from lighteval.utils.utils import remove_reasoning_tags

    m = em.get("lighteval@0.13:mmlu/em")

    def oracle(x):
        gen, gold, _ = x
        post = remove_reasoning_tags(gen, [("<think>", "</think>")])
        (v,) = O.lighteval_metric("exact_match", [" " + LETTERS[gold]], [gen], text_post_processed=[post]).values()
        return v

    check("lighteval@0.13:mmlu/em", LE, lambda x: m.score(x[0], " " + LETTERS[x[1]]), oracle, generation_case())


COVERED = ([f"olmes@0.1:{n}" for n in sorted(SCORES)] + ["olmes@0.1:primary_score"]
           + ["hendrycks@2021:mmlu/acc", "lm_eval@0.4:mmlu/acc", "lm_eval@0.4:mmlu_continuation/acc",
              "lm_eval@0.4:mmlu_continuation/acc_norm", "helm@0.5:mmlu/exact_match", "lighteval@0.13:mmlu/em"])
