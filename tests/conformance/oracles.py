"""Thin wrappers that call the *real* reference-harness code on one input.

Importable only inside the harness environment built by ``setup_envs.sh``
(``${EVALMETRICS_CONFORMANCE_DIR:-~/.cache/evalmetrics-conformance}/harness``):
lm-eval 0.4.13, lighteval 0.13.0, crfm-helm 0.5.16 (metric modules only), evaluate 0.4.6.

Rules followed here:

* Every scoring decision is made by the harness's own function; this module only builds
  the objects the harness expects and unwraps the result.  Where a harness's *call
  pattern* matters (lm-eval's multiple-target exact match, HELM's preds-stripped-and-sorted
  step) the wrapper goes through the harness's own caller (``ConfigurableTask`` /
  ``compute_reference_metrics``) rather than re-creating it.
* Return values are converted with ``float()`` only (so ``np.float64(0.5)`` and ``int 1``
  come back as ``0.5`` and ``1.0``); nothing is rounded.  Functions that return strings
  (filters, normalizers) return the harness's string unchanged.
* Each harness is imported lazily, the first time one of its oracles is called, after
  forcing ``HF_HUB_OFFLINE=1`` / ``HF_DATASETS_OFFLINE=1``.

See ``REFERENCE_NOTES.md`` (same folder) for what each wrapped function does.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import sys
import types
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

CONFORMANCE_DIR = Path(
    os.environ.get("EVALMETRICS_CONFORMANCE_DIR", str(Path.home() / ".cache" / "evalmetrics-conformance"))
)
SQUAD_METRICS_FILE = CONFORMANCE_DIR / "vendor" / "transformers-4.57.6-squad_metrics.py"

__all__ = [
    # lm-eval
    "lm_eval_exact_match",
    "lm_eval_exact_match_any",
    "lm_eval_regex_filter",
    "lm_eval_filter",
    "lm_eval_drop",
    "lm_eval_drop_get_metrics",
    "lm_eval_task_results",
    # lighteval
    "lighteval_normalizer",
    "lighteval_normalize",
    "lighteval_exact_match",
    "lighteval_f1",
    "lighteval_metric",
    "lighteval_drop",
    # HELM
    "HELM_REFERENCE_METRICS",
    "helm_normalize_text",
    "helm_metric",
    "helm_reference_metric",
    # SQuAD
    "squad_v2_normalize",
    "squad_v2_exact",
    "squad_v2_f1",
    "squad_v2_raw_scores",
    "squad_v1_normalize",
    "squad_v1_exact",
    "squad_v1_f1",
]


def _f(x: Any) -> float:
    return float(x)


# ---------------------------------------------------------------------------------------
# lm-eval 0.4.13
# ---------------------------------------------------------------------------------------


@functools.cache
def _lm_metrics():
    import lm_eval.api.metrics as m

    return m


@functools.cache
def _lm_filters():
    # Importing the package registers every filter (custom, extraction, selection, transformation).
    import lm_eval.filters  # noqa: F401
    import lm_eval.api.registry as registry
    import lm_eval.filters.extraction as extraction

    return registry, extraction


def lm_eval_exact_match(
    pred: str,
    ref: str,
    ignore_case: bool = False,
    ignore_punctuation: bool = False,
    ignore_numbers: bool = False,
    regexes_to_ignore: Sequence[str] | None = None,
) -> float:
    """``lm_eval.api.metrics.exact_match_hf_evaluate`` on the single pair (pred, ref).

    ``regexes_to_ignore`` is passed through unchanged (``None`` and ``[]`` behave
    differently in the harness; see REFERENCE_NOTES.md).
    """
    out = _lm_metrics().exact_match_hf_evaluate(
        predictions=[pred],
        references=[ref],
        regexes_to_ignore=None if regexes_to_ignore is None else list(regexes_to_ignore),
        ignore_case=ignore_case,
        ignore_punctuation=ignore_punctuation,
        ignore_numbers=ignore_numbers,
    )
    return _f(out["exact_match"])


def lm_eval_exact_match_any(pred: str, golds: Sequence[str], **options: Any) -> float:
    """Multiple-target ``exact_match`` as lm-eval scores it, via the real task code.

    Runs ``ConfigurableTask.process_results`` of a minimal generate_until task whose
    target is the list ``golds`` (so the harness's own "call EM on the whole gold batch,
    then 1.0 if mean > 0" path runs, including its fixed-width numpy arrays sized by the
    longest gold).  ``options`` are the metric kwargs (ignore_case, ...).

    lm-eval decides "multiple target" from the *first* document of a task (a non-empty
    list); with ``golds == []`` the task is single-target and the gold becomes ``"[]"``.
    """
    cfg = {
        "task": "evalmetrics_oracle_em_any",
        "output_type": "generate_until",
        "test_split": "test",
        "doc_to_text": "{{q}}",
        "doc_to_target": "golds",  # a feature name: the list is returned as is
        "metric_list": [
            {"metric": "exact_match", "aggregation": "mean", "higher_is_better": True, **options}
        ],
        "generation_kwargs": {"until": ["\n"]},
    }
    res = lm_eval_task_results(cfg, {"q": "", "golds": list(golds)}, pred)
    return _f(res["none"]["exact_match"])


def lm_eval_regex_filter(
    resp: Any,
    regex_pattern: str = r"#### (\-?[0-9\.\,]+)",
    group_select: int = 0,
    fallback: str = "[invalid]",
) -> str:
    """``RegexFilter(regex_pattern, group_select, fallback).apply`` on one response."""
    _, extraction = _lm_filters()
    filt = extraction.RegexFilter(regex_pattern=regex_pattern, group_select=group_select, fallback=fallback)
    return list(filt.apply([[resp]], [{}]))[0][0]


def lm_eval_filter(name: str, resps: Sequence[Any], doc: dict | None = None, **kwargs: Any) -> Any:
    """Any registered lm-eval filter by name on one document's responses.

    Returns what the filter yields for that document (``take_first`` gives a bare
    string, the others a list).  E.g. ``lm_eval_filter("majority_vote", [...])``,
    ``lm_eval_filter("remove_whitespace", [" a "])``, ``lm_eval_filter("map", ["A"],
    mapping_dict={"A": 1}, default_value=0)``.
    """
    registry, _ = _lm_filters()
    filt = registry.get_filter(name)(**kwargs)
    return list(filt.apply([list(resps)], [doc if doc is not None else {}]))[0]


@functools.cache
def _lm_drop():
    import lm_eval.tasks.drop.utils as drop_utils

    return drop_utils


def lm_eval_drop(pred: str, golds: Iterable[Sequence[str]]) -> dict[str, float]:
    """lm-eval ``tasks/drop/utils.process_results`` for one generation.

    ``golds`` is the list of gold answers, each a tuple/list of spans (what ``get_answers``
    produces; a number gold is ``("12",)``).  ``results`` is ``[pred]`` as in the harness.
    """
    golds = [tuple(g) if not isinstance(g, str) else (g,) for g in golds]
    out = _lm_drop().process_results({"answers": golds}, [pred])
    return {k: _f(v) for k, v in out.items()}


def lm_eval_drop_get_metrics(pred: str | Sequence[str], gold: str | Sequence[str]) -> tuple[float, float]:
    """lm-eval DROP ``get_metrics(predicted, gold)`` -> (em, f1) without the blank-gold skip."""
    em, f1 = _lm_drop().get_metrics(pred, gold)
    return _f(em), _f(f1)


_LM_TASK_YAMLS = {
    "gsm8k": "gsm8k/gsm8k.yaml",
    "gsm8k_cot": "gsm8k/gsm8k-cot.yaml",
    "gsm8k_cot_zeroshot": "gsm8k/gsm8k-cot-zeroshot.yaml",
    "gsm8k_cot_llama": "gsm8k/gsm8k-cot-llama.yaml",
    "gsm8k_cot_self_consistency": "gsm8k/gsm8k-cot-self-consistency.yaml",
    "triviaqa": "triviaqa/default.yaml",
    "nq_open": "nq_open/nq_open.yaml",
    "drop": "drop/default.yaml",
}


@functools.cache
def _lm_task_config(name: str) -> dict:
    import lm_eval
    from lm_eval.tasks._yaml_loader import load_yaml

    path = Path(lm_eval.__file__).parent / "tasks" / _LM_TASK_YAMLS[name]
    return load_yaml(path)


def lm_eval_task_results(
    task: str | dict, raw_doc: dict, generations: str | Sequence[str]
) -> dict[str, dict[str, float]]:
    """Run a real lm-eval task's filter pipelines and ``process_results`` on one document.

    ``task`` is a key of ``_LM_TASK_YAMLS`` (the YAML shipped in the wheel is loaded, with
    its ``!function`` hooks) or a config dict.  The dataset is replaced by a one-row
    dataset holding ``raw_doc`` (in every split the YAML names), so ``process_docs`` runs
    as in the harness and the processed document is the one scored.  ``generations`` is
    the model output (a list for ``repeats > 1`` tasks).

    Returns ``{filter_pipeline_name: {metric: value}}``.
    """
    import datasets
    from lm_eval.api.instance import Instance
    from lm_eval.api.task import ConfigurableTask

    cfg = dict(_lm_task_config(task)) if isinstance(task, str) else dict(task)
    splits = {cfg.get(k) for k in ("training_split", "validation_split", "test_split", "fewshot_split")}
    splits.discard(None)

    def _dataset(**_: Any):
        return datasets.DatasetDict({s: datasets.Dataset.from_list([raw_doc]) for s in splits})

    datasets.disable_progress_bars()
    cfg["custom_dataset"] = _dataset
    cfg.pop("dataset_path", None)
    cfg.pop("dataset_name", None)
    logging.getLogger("lm_eval").setLevel(logging.ERROR)
    t = ConfigurableTask(config=cfg)
    doc = list(t.eval_docs)[0]
    resps = [generations] if isinstance(generations, str) else list(generations)
    inst = Instance(
        request_type=t.OUTPUT_TYPE,
        doc=doc,
        arguments=("", {}),
        idx=0,
        metadata=(cfg.get("task"), 0, len(resps)),
    )
    inst.resps = resps
    for f in t._filters:
        f.apply([inst])
    out: dict[str, dict[str, float]] = {}
    for name, filtered in inst.filtered_resps.items():
        res = t.process_results(doc, [filtered])
        out[name] = {k: _f(v) for k, v in res.items()}
    return out


# ---------------------------------------------------------------------------------------
# lighteval 0.13.0
# ---------------------------------------------------------------------------------------


@functools.cache
def _lighteval():
    from lighteval.metrics import apply_metric
    from lighteval.metrics import normalizations
    from lighteval.metrics.harness_compatibility.drop import DropMetrics
    from lighteval.metrics.metrics import Metrics
    from lighteval.metrics.metrics_sample import ExactMatches, F1_score
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc

    return types.SimpleNamespace(
        apply_metric=apply_metric,
        N=normalizations,
        DropMetrics=DropMetrics,
        Metrics=Metrics,
        ExactMatches=ExactMatches,
        F1_score=F1_score,
        ModelResponse=ModelResponse,
        Doc=Doc,
    )


LIGHTEVAL_NORMALIZERS = (
    "helm_normalizer",
    "harness_triviaqa_normalizer",
    "bigbench_normalizer",
    "remove_braces",
    "remove_braces_and_strip",
    "math_normalizer",
    "gsm8k_normalizer",
    "remove_punc",
)


def lighteval_normalizer(name: str | Callable[[str], str] | None) -> Callable[[str], str] | None:
    """The function ``lighteval.metrics.normalizations.<name>`` (callables/None pass through)."""
    if name is None or callable(name):
        return name
    return getattr(_lighteval().N, name)


def lighteval_normalize(name: str, text: str) -> str:
    """Apply lighteval normalizer ``name`` to ``text``."""
    return lighteval_normalizer(name)(text)


def lighteval_exact_match(
    gold: str,
    pred: str,
    normalize_gold: str | Callable[[str], str] | None = None,
    normalize_pred: str | Callable[[str], str] | None = None,
    strip_strings: bool = False,
    type_exact_match: str = "full",
) -> float:
    """``ExactMatches(...).compute_one_item(gold, pred)``; normalizers by name or callable."""
    L = _lighteval()
    em = L.ExactMatches(
        normalize_gold=lighteval_normalizer(normalize_gold),
        normalize_pred=lighteval_normalizer(normalize_pred),
        strip_strings=strip_strings,
        type_exact_match=type_exact_match,
    )
    return _f(em.compute_one_item(gold=gold, pred=pred))


def lighteval_f1(
    gold: str,
    pred: str,
    normalize_gold: str | Callable[[str], str] | None = None,
    normalize_pred: str | Callable[[str], str] | None = None,
    strip_strings: bool = False,
) -> float:
    """``F1_score(...).compute_one_item(gold, pred)`` (strip_strings is accepted and unused, as in lighteval)."""
    L = _lighteval()
    f1 = L.F1_score(
        normalize_gold=lighteval_normalizer(normalize_gold),
        normalize_pred=lighteval_normalizer(normalize_pred),
        strip_strings=strip_strings,
    )
    return _f(f1.compute_one_item(gold=gold, pred=pred))


def lighteval_metric(
    member: str,
    golds: str | Sequence[str],
    preds: str | Sequence[str],
    sample_params: dict | None = None,
    text_post_processed: Sequence[str] | None = None,
) -> dict[str, float]:
    """A ``Metrics`` enum member through the public path ``lighteval.metrics.apply_metric``.

    Builds ``Doc(choices=golds, gold_index=[all])`` and ``ModelResponse(text=preds)``.
    ``sample_params`` values that are normalizer names are resolved to the functions.
    Returns the metric's output dict with float values, keyed by lighteval's metric name
    (which for parametrized metrics includes the params).
    """
    L = _lighteval()
    golds = [golds] if isinstance(golds, str) else list(golds)
    preds = [preds] if isinstance(preds, str) else list(preds)
    metric = getattr(L.Metrics, member)
    if sample_params:
        params = {
            k: (lighteval_normalizer(v) if k.startswith("normalize") else v) for k, v in sample_params.items()
        }
        metric = metric(sample_params=params)
    else:
        metric = metric.value
    doc = L.Doc(query="", choices=golds, gold_index=list(range(len(golds))))
    resp = L.ModelResponse(
        text=preds,
        text_post_processed=None if text_post_processed is None else list(text_post_processed),
    )
    (out,) = L.apply_metric([resp], [doc], [metric])
    return {k: _f(v) for k, v in out.items()}


def lighteval_drop(preds: str | Sequence[str], golds: Iterable[str | Sequence[str]]) -> dict[str, float]:
    """lighteval ``DropMetrics.compute`` (``Metrics.drop``) via ``apply_metric``.

    ``golds`` becomes ``doc.specific["golds_no_preprocessing"]`` (each a string or a list
    of spans); ``preds`` becomes ``ModelResponse.text`` (each sample is treated as one span,
    as lighteval does).
    """
    L = _lighteval()
    preds = [preds] if isinstance(preds, str) else list(preds)
    golds = [g if isinstance(g, str) else list(g) for g in golds]
    flat = [g if isinstance(g, str) else (g[0] if g else "") for g in golds]
    doc = L.Doc(
        query="",
        choices=flat or [""],
        gold_index=0,
        specific={"golds_no_preprocessing": golds},
    )
    (out,) = L.apply_metric([L.ModelResponse(text=preds)], [doc], [L.Metrics.drop.value])
    return {k: _f(v) for k, v in out.items()}


# ---------------------------------------------------------------------------------------
# HELM (crfm-helm 0.5.16), helm/benchmark/metrics/evaluate_reference_metrics.py
# ---------------------------------------------------------------------------------------

HELM_REFERENCE_METRICS = (
    "exact_match",
    "quasi_exact_match",
    "quasi_leave_articles_exact_match",
    "prefix_exact_match",
    "quasi_prefix_exact_match",
    "f1_score",
    "exact_match_indicator",
    "final_number_exact_match",
    "exact_set_match",
    "iou_set_match",
    "f1_set_match",
    "absolute_value_difference",
    "cleva_math_result_match",
)


@functools.cache
def _helm():
    # Importing the module calls nltk.download("punkt_tab") when the resource is missing
    # (only BLEU needs it).  Offline that prints an error, or waits on the network; the
    # download is suppressed for the import only.  No metric wrapped here uses punkt.
    import nltk

    real_download = nltk.download
    nltk.download = lambda *a, **k: False  # type: ignore[assignment]
    try:
        import helm.benchmark.metrics.evaluate_reference_metrics as erm
    finally:
        nltk.download = real_download
    return erm


def helm_normalize_text(text: str, should_remove_articles: bool = True) -> str:
    """HELM ``normalize_text``."""
    return _helm().normalize_text(text, should_remove_articles=should_remove_articles)


def helm_metric(name: str, gold: str, pred: str, **kwargs: Any) -> float:
    """One HELM reference metric function on (gold, pred), e.g. ``helm_metric("quasi_exact_match", g, p)``.

    ``math_equiv`` / ``math_equiv_chain_of_thought`` are the math_scenario functions the
    HELM metric mapping uses.  The raw function is called: HELM's caller strips ``pred``
    first (use ``helm_reference_metric`` for that path).
    """
    erm = _helm()
    if name == "math_equiv":
        fn = erm.is_equiv
    elif name == "math_equiv_chain_of_thought":
        fn = erm.is_equiv_chain_of_thought
    else:
        if name not in HELM_REFERENCE_METRICS:
            raise KeyError(name)
        fn = getattr(erm, name)
    return _f(fn(gold, pred, **kwargs))


def helm_reference_metric(
    name: str,
    golds: str | Sequence[str],
    preds: str | Sequence[str],
    logprobs: Sequence[float] | None = None,
    output_mapping: dict[str, str] | None = None,
    output_mapping_pattern: str | None = None,
) -> dict[str, float]:
    """HELM's own per-instance driver ``compute_reference_metrics`` for one metric name.

    Builds an Instance whose references ``golds`` are all tagged correct and a
    RequestResult with one completion per pred (``logprobs`` default 0.0 each; HELM sorts
    completions by descending logprob and strips them before scoring).  Returns
    ``{stat_name: value}`` (``max_prob``, ``<name>``, and ``<name>@k`` when k > 1).
    """
    erm = _helm()
    from helm.benchmark.adaptation.adapter_spec import AdapterSpec
    from helm.benchmark.adaptation.request_state import RequestState
    from helm.benchmark.scenarios.scenario import CORRECT_TAG, Input, Instance, Output, Reference
    from helm.common.request import GeneratedOutput, Request, RequestResult

    golds = [golds] if isinstance(golds, str) else list(golds)
    preds = [preds] if isinstance(preds, str) else list(preds)
    logprobs = [0.0] * len(preds) if logprobs is None else list(logprobs)
    instance = Instance(
        input=Input(text=""),
        references=[Reference(Output(text=g), tags=[CORRECT_TAG]) for g in golds],
    )
    result = RequestResult(
        success=True,
        embedding=[],
        completions=[GeneratedOutput(text=p, logprob=lp, tokens=[]) for p, lp in zip(preds, logprobs)],
        cached=False,
    )
    state = RequestState(
        instance=instance,
        reference_index=None,
        request_mode=None,
        train_trial_index=0,
        output_mapping=output_mapping,
        request=Request(),
        result=result,
        num_train_instances=0,
        prompt_truncated=False,
    )
    spec = AdapterSpec(num_outputs=len(preds), output_mapping_pattern=output_mapping_pattern)
    stats = erm.compute_reference_metrics([name], spec, state, None)
    return {s.name.name: _f(s.mean) for s in stats}


# ---------------------------------------------------------------------------------------
# SQuAD
# ---------------------------------------------------------------------------------------
#
# v2.0: the official v2.0 functions as shipped in transformers<=4.x
# (transformers/data/metrics/squad_metrics.py, "heavily inspired by the official
# evaluation script for SQuAD version 2.0"; lm-eval's coqa/xquad tasks call them).
# transformers 5.x -- what lm-eval 0.4.13 installs -- removed the module, so
# setup_envs.sh keeps the unmodified file from the transformers 4.57.6 wheel in
# vendor/.  It is loaded as a module of a synthetic package so that its two relative
# imports resolve: ``...utils.logging`` (only get_logger is used) and
# ``...models.bert.BasicTokenizer`` (used only by get_final_text, which no oracle calls).
#
# v1.1: no copy of the official v1.1 script (evaluate-metric/squad compute_score.py) is
# installed and the evaluate metric scripts need the Hub.  lm-eval ships the v1.1
# normalize_answer and f1_score verbatim in lm_eval/tasks/qasper/metrics.py
# (``normalize_answer``, ``f1_abstractive``); those are used.  v1.1's exact_match_score
# is ``normalize_answer(pred) == normalize_answer(gold)``, textually the same as v2's
# ``compute_exact`` with the same normalize_answer, so squad_v1_exact composes the qasper
# normalize_answer that way (the only line not taken from an installed harness).


@functools.cache
def _squad_v2():
    if not SQUAD_METRICS_FILE.is_file():
        raise FileNotFoundError(
            f"{SQUAD_METRICS_FILE} is missing; run tests/conformance/setup_envs.sh harness"
        )
    root = "_evalmetrics_tf4"
    pkgs = [root, f"{root}.data", f"{root}.data.metrics", f"{root}.utils", f"{root}.models", f"{root}.models.bert"]
    for p in pkgs:
        if p not in sys.modules:
            mod = types.ModuleType(p)
            mod.__path__ = []  # mark as package
            sys.modules[p] = mod
    utils_logging = types.ModuleType(f"{root}.utils.logging")
    utils_logging.get_logger = logging.getLogger  # type: ignore[attr-defined]
    sys.modules[f"{root}.utils.logging"] = utils_logging
    sys.modules[f"{root}.utils"].logging = utils_logging  # type: ignore[attr-defined]

    class BasicTokenizer:  # placeholder; only get_final_text would use it
        def __init__(self, *a: Any, **k: Any) -> None:
            raise NotImplementedError("BasicTokenizer is not available in the SQuAD oracle")

    sys.modules[f"{root}.models.bert"].BasicTokenizer = BasicTokenizer  # type: ignore[attr-defined]
    name = f"{root}.data.metrics.squad_metrics"
    spec = importlib.util.spec_from_file_location(name, SQUAD_METRICS_FILE)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def squad_v2_normalize(text: str) -> str:
    return _squad_v2().normalize_answer(text)


def squad_v2_exact(gold: str, pred: str) -> float:
    """Official v2 ``compute_exact(a_gold, a_pred)``."""
    return _f(_squad_v2().compute_exact(gold, pred))


def squad_v2_f1(gold: str, pred: str) -> float:
    """Official v2 ``compute_f1(a_gold, a_pred)`` (empty vs empty -> 1)."""
    return _f(_squad_v2().compute_f1(gold, pred))


def squad_v2_raw_scores(golds: Sequence[str], pred: str) -> tuple[float, float]:
    """Official v2 ``get_raw_scores`` for one question -> (exact, f1) on 0/1 scale.

    Golds that normalize to "" are dropped; if none is left the gold is ``[""]``
    (unanswerable); max over the remaining golds.
    """
    ex = types.SimpleNamespace(qas_id="q", answers=[{"text": g} for g in golds])
    exact, f1 = _squad_v2().get_raw_scores([ex], {"q": pred})
    return _f(exact["q"]), _f(f1["q"])


@functools.cache
def _squad_v1():
    import lm_eval.tasks.qasper.metrics as qasper

    return qasper


def squad_v1_normalize(text: str) -> str:
    return _squad_v1().normalize_answer(text)


def squad_v1_exact(gold: str, pred: str) -> float:
    """SQuAD v1.1 exact_match_score: normalized equality (qasper's verbatim v1.1 normalize_answer)."""
    n = _squad_v1().normalize_answer
    return _f(n(pred) == n(gold))


def squad_v1_f1(gold: str, pred: str) -> float:
    """SQuAD v1.1 f1_score via lm-eval qasper's verbatim copy ``f1_abstractive([pred], [gold])``."""
    return _f(_squad_v1().f1_abstractive([pred], [gold]))
