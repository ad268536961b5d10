"""The ``process_results`` hooks and task classes that lm_eval 0.4.13 ships and evalmetrics reads, as data.

A hook is identified by the SHA-256 of its source text (first 16 hex digits), never imported: :func:`identify_hook`
takes a ``!function`` reference, a dumped source text or a callable and looks its digest up in :data:`KNOWN_HOOKS`.
"""
from __future__ import annotations

from .aggregations import KNOWN_AGGREGATIONS, aggregation_digest  # noqa: F401 (re-exported)
from .loading import FunctionRef, parse_source, source_digest

__all__ = ["KNOWN_HOOKS", "KNOWN_AGGREGATIONS", "KNOWN_METRIC_FUNCTIONS", "HOOK_NOTES", "identify_hook",
           "identify_metric_function", "aggregation_digest"]

# BBQ's rows (bbq/*.yaml metric_list): overall, per context condition, and the bias scores per category
_BBQ_ROWS = ("acc", "accuracy_amb", "accuracy_disamb", "amb_bias_score", "disamb_bias_score") + tuple(
    f"{c}_bias_score_{g}" for c in ("amb", "disamb") for g in (
        "Age", "Disability_status", "Gender_identity", "Nationality", "Physical_appearance", "Race_ethnicity",
        "Race_x_gender", "Race_x_SES", "Religion", "SES", "Sexual_orientation"))

# RULER's rows: one per sequence length (ruler/*.yaml metric_list)
_RULER_LENGTHS = ("4096", "8192", "16384", "32768", "65536", "131072")

# process_results hooks and task classes shipped with lm_eval 0.4.13, by the SHA-256 (first 16 hex digits) of the
# function's or class's source text: {hash: (where, {reported metric: alias key or None})}. None: not reproduced.
KNOWN_HOOKS: dict[str, tuple[str, dict[str, str | None]]] = {
    "c0d2f594b89a56bc": ("leaderboard/math/utils.py:process_results", {
        "exact_match": "lm_eval:leaderboard_math_hard/exact_match",
        "exact_match_original": "lm_eval:leaderboard_math_hard/exact_match_original"}),
    "d75ffe29548e7744": ("ifeval/utils.py:process_results", {  # also leaderboard/ifeval/utils.py (same source)
        v: f"lm_eval:ifeval/{v}" for v in ("prompt_level_strict_acc", "inst_level_strict_acc",
                                           "prompt_level_loose_acc", "inst_level_loose_acc")}),
    "2e94f2675967277a": ("hendrycks_math/utils.py:process_results", {"exact_match": "lm_eval:hendrycks_math"}),
    "b2f6cd6901c0a831": ("drop/utils.py:process_results", {"em": "lm_eval:drop/em", "f1": "lm_eval:drop/f1"}),
    "b1bf57a8ed0d0cba": ("minerva_math/utils.py:process_results", {
        "exact_match": "lm_eval:minerva_math/exact_match", "math_verify": "lm_eval:minerva_math/math_verify"}),
    "8db42f02270d1bb3": ("truthfulqa/utils.py:process_results_mc2", {"acc": "lm_eval:truthfulqa/mc2"}),
    "61ef80acabffeeb0": ("truthfulqa-multi/utils.py:process_results_mc2", {"acc": "lm_eval:truthfulqa-multi/mc2"}),
    "f1a9ba0850bb10d0": ("tinyBenchmarks/utils_truthfulqa.py:process_results_mc2",
                         {"acc": "lm_eval:truthfulqa-multi/mc2"}),
    "900ec1e4980d6bc6": ("score/agi_eval/utils_agieval.py:prompt_robustness_process_results", {
        **{f"{k}_accuracy": "lm_eval:score/accuracy" for k in range(10)},
        "consistency_rate": "lm_eval:score/consistency_rate"}),
    "63c9b60a7dee3dd8": ("score/agi_eval/utils_agieval.py:option_order_robustness_process_results", {
        **{f"per_option_accuracy_{x}": "lm_eval:score/accuracy" for x in "ABCD"}, "options_consistency_rate": None}),
    "3a70b723eeb44ae0": ("score/agi_eval/utils_agieval.py:non_greedy_robustness_process_results",
                         {"non_greedy_accuracy": "lm_eval:score/accuracy"}),
    "3083989b4e682a23": ("score/mmlu_pro/utils_mmlu_pro.py:prompt_robustness_process_results", {
        **{f"{k}_macro_accuracy": "lm_eval:score/macro_accuracy" for k in range(10)},
        "consistency_rate": "lm_eval:score/consistency_rate"}),
    "65152bab2e274efb": ("score/mmlu_pro/utils_mmlu_pro.py:option_order_robustness_process_results", {
        **{f"per_option_macro_accuracy_{x}": "lm_eval:score/macro_accuracy" for x in "ABCDEFGHIJ"},
        "options_consistency_rate": None}),
    "7d44040e6aa189af": ("score/mmlu_pro/utils_mmlu_pro.py:non_greedy_robustness_process_results",
                         {"non_greedy_macro_accuracy": "lm_eval:score/macro_accuracy"}),
    # part A (presets/lm_eval_hooks_a.py)
    "783c7c9e0d0e2e1b": ("ruler/common_utils.py:process_results",
                         {n: "lm_eval:ruler/string_match_all" for n in _RULER_LENGTHS}),
    "c6f947e4c4689b04": ("ruler/common_utils.py:process_results_part",
                         {n: "lm_eval:ruler/string_match_part" for n in _RULER_LENGTHS}),
    "61c6d81f7ae9a8ec": ("babilong/common_utils.py:process_results", {"acc": "lm_eval:babilong/acc"}),
    "447fe7dd5c7fa3fb": ("agieval/utils.py:process_results_mcqa",
                         {"acc": "lm_eval:agieval/acc", "acc_norm": "lm_eval:agieval/acc_norm"}),
    "acce6f0a7c4142de": ("crows_pairs/utils.py:process_results", {
        "likelihood_diff": "lm_eval:crows_pairs/likelihood_diff",
        "pct_stereotype": "lm_eval:crows_pairs/pct_stereotype"}),
    "49e56beaa7510487": ("catalan_bench/cieacova/utils.py:process_results", {
        f"acc{n}{part}": f"lm_eval:cieacova/acc{n}" for n in ("", "_norm")
        for part in ("", "_B1", "_B2", "_C1", "_C2", "_text", "_frase", "_oracions", "_definició")}),
    "7a1a05090fa5e8cd": ("catalan_bench/cieacova/utils.py:process_results_text_generation", {
        f"exact_match{part}": "lm_eval:cieacova/exact_match"
        for part in ("", "_B1", "_B2", "_C1", "_C2", "_text", "_oracions", "_definició")}),
    "ca33623a35848853": ("simple_cooccurrence_bias/utils.py:process_results", {
        "likelihood_diff": "lm_eval:simple_cooccurrence_bias/likelihood_diff",
        "pct_male_preferred": "lm_eval:simple_cooccurrence_bias/pct_male_preferred"}),
    "255761430ebee5fe": ("coqa/utils.py:process_results", {"em": "lm_eval:coqa/em", "f1": "lm_eval:coqa/f1"}),
    "03a9d9a745cf88ca": ("catalan_bench/utils.py:process_results_coqcat",
                         {"em": "lm_eval:coqa/em", "f1": "lm_eval:coqa/f1"}),
    "0526e4815c9b5204": ("noreval/norquad/utils.py:process_results",
                         {"exact_match": "lm_eval:norquad/exact_match", "f1": "lm_eval:norquad/f1"}),
    "e3057433678e4a87": ("infinitebench/utils.py:process_results",
                         {"score": "lm_eval:infinitebench/substring_match"}),
    "b4d57b91b1d4dcc3": ("infinitebench/utils.py:process_results_int_match",
                         {"score": "lm_eval:infinitebench/int_match"}),
    "4045454340890d91": ("infinitebench/utils.py:process_results_qa_en", {"score": "lm_eval:infinitebench/qa_f1"}),
    "13ec6f4d956256f7": ("infinitebench/utils.py:process_results_qa_chn",
                         {"score": "lm_eval:infinitebench/qa_f1_zh"}),
    # part C (presets/lm_eval_qa.py): extractive QA. mlqa's and tydiqa's process_results_ar / _en have the same
    # source (a call of the module's process_results_lang) and compute the same values in both modules.
    **{d: (f"mlqa/utils.py:process_results_{lang}", {
        "exact_match": f"lm_eval:mlqa_{lang}/exact_match", "f1": f"lm_eval:mlqa_{lang}/f1"}) for lang, d in (
        ("en", "87fb53f60f2a72c1"), ("es", "2341180f431b72b4"), ("hi", "f8c91b59a6683ef9"),
        ("vi", "b814d9fa63b21e29"), ("de", "6f4f4988354a9fb7"), ("ar", "074919467b834700"),
        ("zh", "e1ecc3425f7156a2"))},
    **{d: (f"tydiqa/utils.py:process_results_{lang}", {
        "exact_match": f"lm_eval:tydiqa_goldp_{lang}/exact_match", "f1": f"lm_eval:tydiqa_goldp_{lang}/f1"})
       for lang, d in (("bn", "0f013c095d3668ed"), ("fi", "9a2cfab0d18a516e"), ("id", "75d55fd1fb985b25"),
                       ("ko", "d4d827883e627486"), ("ru", "9638d879c7b44fbf"), ("sw", "08cc6643743ca8b5"),
                       ("te", "bac11d5865757f2b"))},
    "83c24dc601844813": ("xquad/utils.py:process_results_qa",
                         {"exact_match": "lm_eval:xquad/exact_match", "f1": "lm_eval:xquad/f1"}),
    "7db6281da1abc36b": ("catalan_bench/utils.py:process_results_qa",
                         {"exact_match": "lm_eval:xquad/exact_match", "f1": "lm_eval:xquad/f1"}),
    "0fa8da71396b3198": ("noreval/noridiom/utils.py:process_results",
                         {"em": "lm_eval:noridiom/em", "fscore": "lm_eval:noridiom/fscore"}),
    **{d: (f"longbench/metrics.py:get_{name}_with_score",
           {"score": f"lm_eval:longbench/{name}_score", f"{name}_score": f"lm_eval:longbench/{name}_score"})
       for name, d in (("qa_f1", "98f43ec55c8e3d9c"), ("count", "9c4d578da6730547"),
                       ("retrieval", "0e9b56ec8d10ca5b"), ("retrieval_zh", "cb106364dd179510"),
                       ("qa_f1_zh", "e33f1585daab344a"), ("rouge", "9a85e13ad0a6e766"),
                       ("rouge_zh", "e6457315f6e7919c"), ("code_sim", "1622483032a07a48"))},
    "4224b20e657a60df": ("longbench/metrics.py:get_classification_with_score",
                         {"score": None, "classification_score": None}),
    "da1dd99feb2c4714": ("squadv2/task.py:SQuAD2", {
        "exact": "lm_eval:squadv2/exact", "f1": "lm_eval:squadv2/f1",
        **{k: f"lm_eval:squadv2/{k}" for k in ("HasAns_exact", "HasAns_f1", "NoAns_exact", "NoAns_f1",
                                                 "best_exact", "best_f1")},
    }),
    # part D (presets/lm_eval_hooks_gen.py): generation overlap per document
    "9aa9c0b6e2453fd0": ("truthfulqa/utils.py:process_results_gen", {
        f"{m}_{v}": f"lm_eval:truthfulqa_gen/{m}_{v}" for m in ("bleu", "rouge1", "rouge2", "rougeL")
        for v in ("max", "acc", "diff")}),
    "19da5b4bbba8d53f": ("noreval/nortruthfulqa/generation/utils.py:process_results", {
        f"{m}_{v}": f"lm_eval:truthfulqa_gen/{m}_{v}" for m in ("bleu", "rouge1", "rouge2", "rougeL")
        for v in ("max", "acc", "diff")}),
    "90034ddb2689477f": ("truthfulqa-multi/utils.py:process_results_gen", {
        f"bleu_{v}": f"lm_eval:truthfulqa_gen/bleu_{v}" for v in ("max", "acc", "diff")}),
    "fd577b6d998e6eb3": ("cnn_dailymail/utils.py:process_results", {
        "rouge1": "lm_eval:cnn_dailymail/rouge1", "rouge2": "lm_eval:cnn_dailymail/rouge2",
        "rougeL": "lm_eval:cnn_dailymail/rougeL", "bertscore_precision": None, "bertscore_recall": None,
        "bertscore_f1": None}),
    "55d334d6eaaf0686": ("longproc/metrics.py:process_results_path_traversal", {
        k: f"lm_eval:longproc_path_traversal/{k}"
        for k in ("score", "accuracy", "partial_accuracy", "extraction_rate")}),
    "4ab5b47924b81f07": ("eq_bench/utils.py:calculate_score_fullscale", {
        "eqbench": "lm_eval:eq_bench/eqbench", "percent_parseable": "lm_eval:eq_bench/percent_parseable"}),
    # presets/lm_eval_bbq.py: BBQ accuracy and bias scores (every row of bbq and bbq_generate, with their subsets)
    "d09bdfd5fec18a09": ("bbq/utils.py:process_results_multiple_choice", {
        _row: f"lm_eval:bbq/{_row}" for _row in _BBQ_ROWS}),
    "31a3a28d305a2d36": ("bbq/utils.py:process_results_generate_until", {
        _row: f"lm_eval:bbq_generate/{_row}" for _row in _BBQ_ROWS}),
    "8072b0f3ce5afbc1": ("longproc/metrics.py:process_results_tom_tracking", {
        k: f"lm_eval:longproc_tom_tracking/{k}"
        for k in ("score", "accuracy", "partial_accuracy", "extraction_rate")}),
}

_SQUAD_METRICS_NOTE = ("the hook imports transformers.data.metrics.squad_metrics, which transformers 5 removed: "
                       "with transformers >= 5 lm_eval 0.4.13 cannot import this task's utils.py")
_RULER_NOTE = ("each row is named by a sequence length: the hook reports the document's value under its own "
               "max_length (and -1 under 4096 otherwise), and aggregate_metrics averages the values that are not -1, "
               "so a row is the mean over the documents of that length (-1 when there are none)")

# ``metric: !function module.name`` functions (lm_eval calls them per response as fn(references=[gold],
# predictions=[result]), or fn([gold, result]) when that raises TypeError) that evalmetrics reproduces, by the
# SHA-256 (first 16 hex digits) of their source: {digest: (where, alias key)}. Read only with a mean aggregation.
KNOWN_METRIC_FUNCTIONS: dict[str, tuple[str, str]] = {
    # part C (presets/lm_eval_qa.py)
    "bc0f31759dba2e87": ("french_bench/utils.py:exact", "lm_eval:french_bench/exact"),
    "754fb311248909d4": ("french_bench/utils.py:f1", "lm_eval:french_bench/f1"),
    "6b3ced28676f5d43": ("french_bench/utils.py:is_included", "lm_eval:french_bench/is_included"),
    # qasper's f1_abstractive is the SQuAD v1.1 script's f1_score (the squad:f1 conformance test calls it)
    "10d8089b30568139": ("qasper/metrics.py:f1_abstractive", "squad@v1.1:f1"),
}


def identify_metric_function(ref):
    """(where, alias key) of a known ``!function`` metric, else None."""
    if not isinstance(ref, FunctionRef):
        return None
    src = ref.source()
    return None if src is None else KNOWN_METRIC_FUNCTIONS.get(source_digest(src))


HOOK_NOTES = {
    "truthfulqa/utils.py:process_results_gen": "references are {'correct': doc['correct_answers'], 'incorrect': "
                                               "doc['incorrect_answers']} after the task's process_docs",
    "truthfulqa-multi/utils.py:process_results_gen": "references are {'correct': doc['correct_answers'], "
                                                     "'incorrect': doc['incorrect_answers']} after process_docs",
    "ifeval/utils.py:process_results": "IFEval: a sample's reference is its document (instruction_id_list and "
                                       "kwargs); inst_level_* are shares of all instructions (agg_inst_level_acc)",
    "ruler/common_utils.py:process_results": _RULER_NOTE,
    "ruler/common_utils.py:process_results_part": _RULER_NOTE,
    "catalan_bench/cieacova/utils.py:process_results_text_generation":
        "exact_match_<difficulty> / exact_match_<subtask> are reported only by the documents of that difficulty "
        "or subtask: the same per-sample value, averaged over that subset",
    "coqa/utils.py:process_results": _SQUAD_METRICS_NOTE,
    "catalan_bench/utils.py:process_results_coqcat": _SQUAD_METRICS_NOTE,
    "noreval/norquad/utils.py:process_results":
        "the hook imports transformers.data.metrics.squad_metrics, which transformers 5 removed: with "
        "transformers >= 5 lm_eval 0.4.13 cannot import this task's utils.py",
    "catalan_bench/cieacova/utils.py:process_results":
        "acc_<difficulty> / acc_<subtask> (and acc_norm_...) are reported only by the documents of that difficulty "
        "(Metadata.Dificultad) or subtask (Subtarea): the same per-sample value, averaged over that subset",
    "squadv2/task.py:SQuAD2": "lm_eval reports these as corpus values x100 through evaluate's squad_v2; for exact "
                              "and f1 the ID is the per-sample value whose mean (x100) that is; the HasAns_/NoAns_/"
                              "best_ IDs are the corpus figures themselves (x100); best_* takes each sample's "
                              "log-likelihood of ' unanswerable' (no_answer_logprobs)",
    **{f"mlqa/utils.py:process_results_{lang}":
       f"tydiqa/utils.py:process_results_{lang} has the same source (a call of its module's process_results_lang); "
       f"mlqa's and tydiqa's normalization for {lang!r} are the same, so one digest identifies both"
       for lang in ("ar", "en")},
    "longbench/metrics.py:get_code_sim_with_score":
        "fuzzywuzzy's ratio as computed without python-Levenshtein (difflib), which lm-eval's longbench extra "
        "installs; with python-Levenshtein installed fuzzywuzzy computes another ratio",
    "longbench/metrics.py:get_classification_with_score":
        "the score depends on the document's all_classes list (classes found in the output), which the alias "
        "interface (prediction, references) does not carry",
    **{f"bbq/utils.py:process_results_{k}": "BBQ: a sample's reference is its document after bbq's process_docs; "
       "accuracy_* and *_bias_score rows aggregate over one context condition (and one category: the hook reports "
       "NaN counts for the other categories' samples, which its aggregation skips)"
       for k in ("multiple_choice", "generate_until")},
    "minerva_math/utils.py:process_results": "minerva_math compares with sympy under a 5 s alarm (exact_match) and "
                                             "with math-verify (math_verify)",
    "score/agi_eval/utils_agieval.py:prompt_robustness_process_results":
        "the hook reports k_accuracy only for the rows of prompt k; per_prompt_accuracy_k takes their mean, rounded "
        "to 4 decimals; consistency_rate pools the agreeing answer pairs over the prompts of each question",
    "truthfulqa/utils.py:process_results_mc2":
        "gold: the choices labelled 1 in mc2_targets; the value is their share of exp(log-likelihood), numpy sums",
    "truthfulqa-multi/utils.py:process_results_mc2":
        "gold: the choices labelled 1 in mc2_targets; only those before the first label 0 count as true (Python sums)",
    "tinyBenchmarks/utils_truthfulqa.py:process_results_mc2":
        "also galician_bench and catalan_bench (same source); gold: the choices labelled 1 in mc2_targets; only those "
        "before the first label 0 count as true (Python sums)",
    "score/mmlu_pro/utils_mmlu_pro.py:prompt_robustness_process_results":
        "k_macro_accuracy: the rows of prompt k, grouped by the document's category (compute's groups); "
        "consistency_rate groups by question_id",
    "score/agi_eval/utils_agieval.py:option_order_robustness_process_results":
        "the hook reports per_option_accuracy_X only for the rows whose gold was moved to option X; their mean, "
        "rounded to 4 decimals (options_consistency_rate is not reproduced)",
}


# Hooks whose source text is shared by modules that compute different things: the module must import this (the
# digest alone cannot tell them apart). ifeval/multilingual/utils.py has the same process_results over Catalan and
# Spanish instruction checkers (its own instructions_registry), which evalmetrics does not model.
HOOK_REQUIRES_IMPORT: dict[str, str] = {
    "d75ffe29548e7744": "lm_eval.tasks.ifeval.instructions_registry",
}


def _imports(ref, module: str) -> bool:
    """Whether the hook's module imports ``module`` (a FunctionRef's file, or a callable's globals)."""
    if isinstance(ref, FunctionRef):
        path = ref.file
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, TypeError):
            return False
        head, _, name = module.rpartition(".")
        return f"from {head} import {name}" in text or f"import {module}" in text
    g = getattr(ref, "__globals__", None)
    if isinstance(g, dict):
        return any(getattr(v, "__name__", None) == module for v in g.values())
    return True  # a dumped source text: nothing else to read


def identify_hook(ref):
    """(where, metric table, digest) of a hook; table None when unknown."""
    src = None
    if isinstance(ref, FunctionRef):
        src = ref.source()
    elif isinstance(ref, str) and ref.lstrip().startswith(("def ", "class ", "@")):
        src = ref  # a dumped config holds the hook's source text
    elif callable(ref):
        import inspect

        try:
            src = inspect.getsource(ref)
        except (OSError, TypeError):
            src = None
    if src is None:
        return None, None, None
    digest = source_digest(src)
    known = KNOWN_HOOKS.get(digest)
    if known is None or (digest in HOOK_REQUIRES_IMPORT and not _imports(ref, HOOK_REQUIRES_IMPORT[digest])):
        return None, None, digest
    return known[0], known[1], digest
