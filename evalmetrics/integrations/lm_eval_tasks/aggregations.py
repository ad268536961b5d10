"""The ``aggregation: !function ...`` functions of lm_eval 0.4.13's shipped tasks that evalmetrics reads, as data.

A task's ``metric_list`` entry may name its own aggregation (``aggregation: !function utils.weighted_f1_score``);
lm_eval then reports that function's value of the per-document items instead of the metric's registered
aggregation. Like a ``process_results`` hook, the function is identified by the SHA-256 of its source text (first
16 hex digits), never imported. A task module that only re-exports a function of the lm_eval package
(``from lm_eval.utils import weighted_f1_score``) is followed to that package's file, found next to the tasks folder.
"""
from __future__ import annotations

import ast
import os

from ...io import read_text
from .loading import FunctionRef, _definition_source, parse_source, source_digest

__all__ = ["CORPUS_AGGREGATIONS", "KNOWN_AGGREGATIONS", "REGISTERED_AGGREGATIONS", "DEFAULT_AGGREGATION",
           "identify_aggregation", "aggregation_digest"]

# {digest: (where, {reported metric: alias key})}: the aggregation functions shipped with lm_eval 0.4.13.
CORPUS_AGGREGATIONS: dict[str, tuple[str, dict[str, str]]] = {
    # lm_eval/utils.py, imported by afrimmlu, afrixnli, afrobench (sib, masakhanews, ...): f1_score(average="weighted")
    "8ad60dcf0f970c3b": ("lm_eval/utils.py:weighted_f1_score", {"f1": "lm_eval:weighted_f1_score"}),
    "46e71cf4cff4057a": ("aradice/*/metrics.py:weighted_f1_score", {"f1": "lm_eval:weighted_f1_score"}),
    # f1_score(average="macro"); norec's multi_f1 swaps gold and prediction, which macro F1 does not see (each
    # label's F1 is symmetric in the two); assin2's macro_f1 returns float(...) of the same value
    "6f4de55c9551ec5d": ("kobest/utils.py:macro_f1_score", {"f1": "lm_eval:macro_f1_score"}),
    "b705f2d06462474c": ("aradice/*/metrics.py:macro_f1_score", {"f1": "lm_eval:macro_f1_score"}),
    "876bd5d799170b95": ("noreval/norec/utils.py:multi_f1", {"f1": "lm_eval:macro_f1_score"}),
    "686f528f472b1661": ("portuguese_bench/assin2_utils.py:macro_f1", {"f1": "lm_eval:macro_f1_score"}),
    # f1_score(average="micro")
    "4fe721cf4d39affb": ("aradice/*/metrics.py:micro_f1_score", {"f1": "lm_eval:micro_f1_score"}),
    # afrobench afriqa: SQuAD v1.1 F1 of each (gold, prediction) pair, then sum / len
    "3b967aefd85cf985": ("afrobench/afriqa/prompt_*/utils.py:f1", {"f1": "lm_eval:afriqa/f1"}),
    # e2lmc mmlu_early_training: gold log-likelihood minus the numpy mean of the others', numpy mean
    "3683e74f06120383": ("e2lmc/mmlu_early_training/custom_metrics.py:loglikelihood_diff",
                         {"likelihood": "lm_eval:loglikelihood_diff"}),
}

# Custom aggregations (``aggregation: !function ...``) that hook aliases (``hooks.KNOWN_HOOKS``) reproduce, by the SHA-256 (first 16
# hex digits) of the definition's source (see :func:`aggregation_digest`): {digest: (where, the evalmetrics
# Metric.aggregation that reproduces it)}. A row whose aggregation is another function is not read: that function
# defines the reported number.
KNOWN_AGGREGATIONS: dict[str, tuple[str, str]] = {
    # IFEval's inst_level_*: followed instructions over all instructions of all prompts (ifeval, leaderboard/ifeval)
    "63eba157502e1a0d": ("ifeval/utils.py:agg_inst_level_acc", "share_of_all_instructions"),
    # RULER: the mean of the values that are not the hook's -1 ("this document has another length")
    "d77dbfc57097fc94": ("ruler/common_utils.py:aggregate_metrics", "mean"),
    # per_prompt_accuracy_k = partial(per_prompt_accuracy, p_id=k): the mean over the rows of prompt k (the hook
    # reports "k_accuracy" only for prompt k), rounded to 4 decimals; likewise per option and non-greedy.
    **{d: (f"score/agi_eval/utils_agieval.py:per_prompt_accuracy_{k}", "rounded_mean") for k, d in enumerate((
        "032dee171c54d13b", "5c9f4014b6dac1f4", "9b7269d26defeb63", "445136579ab3021a", "b341c3b9f91febbd",
        "4b417a8f731712ac", "8866db9b1bb7cb0e", "c8c60a20739f550a", "6030e6f2633e4e5c", "0e3caa124b3fe5bf"))},
    **{d: (f"score/agi_eval/utils_agieval.py:per_option_accuracy_{x}", "rounded_mean") for x, d in zip("abcd", (
        "14ca68d1354b2e5a", "9131fbd12dfd4911", "b91f7bcfa0565efe", "a10ad532eedf779c"))},
    "7d2e08add59a64da": ("score/agi_eval/utils_agieval.py:non_greedy_accuracy", "rounded_mean"),
    # mmlu_pro: the mean over categories of each category's accuracy (numpy.mean), rounded to 4 decimals.
    **{d: (f"score/mmlu_pro/utils_mmlu_pro.py:per_prompt_accuracy_{k}", "macro_mean") for k, d in enumerate((
        "013b30dd93189820", "8f10f3517e4ff989", "a57b698c694b5a1b", "0d3d8a152784dcd9", "ff7ee8f875449ae9",
        "d7989ba672cfaca5", "e9c2ca4014a2fefa", "876c96a9681a8863", "fec91cfdfcc43557", "4d9961c1bf4228d1"))},
    **{d: (f"score/mmlu_pro/utils_mmlu_pro.py:per_option_macro_accuracy_{x}", "macro_mean") for x, d in zip(
        "abcdefghij", ("0d71b60e0fc0ce42", "9dc594f9638fc930", "3b493eb22e05558f", "f0cc8e9287f97461",
                       "b0ccce986b82f45b", "5898f21c8d669a63", "265e29c0a2301275", "d2e5e63a6f242fb7",
                       "052e304b61a7d01c", "6d119e74bdfc878e"))},
    "33f20ffa7cd4c04f": ("score/mmlu_pro/utils_mmlu_pro.py:non_greedy_macro_accuracy", "macro_mean"),
    # BBQ (bbq/utils.py): accuracy over one context condition; bias scores (their per-category rows too)
    "08164fec9f64268e": ("bbq/utils.py:agg_accuracy_amb", "mean_over_ambiguous"),
    "95183eecdd9c2e5e": ("bbq/utils.py:agg_accuracy_disamb", "mean_over_disambiguated"),
    "345f385ccb393830": ("bbq/utils.py:agg_amb_bias_scores", "bias_score_ambiguous"),
    "b67ac04d0147c6d2": ("bbq/utils.py:agg_disamb_bias_scores", "bias_score_disambiguated"),
    # prompt_consistency_rate (score/utils.py), under its agieval and mmlu_pro names
    "36465571f41053e2": ("score/agi_eval/utils_agieval.py:agi_eval_prompt_consistency_rate", "consistency_rate"),
    "012510240562f308": ("score/mmlu_pro/utils_mmlu_pro.py:mmlu_pro_prompt_consistency_rate", "consistency_rate"),
}

# lm_eval's registered aggregations of (gold, prediction) pairs on multiple_choice rows: {name: alias key}; and
# the aggregation each such metric has when its entry names none.
REGISTERED_AGGREGATIONS = {"f1": "lm_eval:f1", "matthews_corrcoef": "lm_eval:mcc", "brier_score": "lm_eval:brier_score"}
DEFAULT_AGGREGATION = {"f1": "f1", "mcc": "matthews_corrcoef", "brier_score": "brier_score"}


def _lm_eval_definition(base_dir: str, module: str, name: str) -> str | None:
    """The source of ``name`` in lm_eval's ``module``, found beside the tasks folder ``base_dir`` is in; None when
    the file is missing or unreadable."""
    target = _lm_eval_module_file(base_dir, module)
    if target is None:
        return None
    try:
        return _definition_source(read_text(target), name)
    except (OSError, UnicodeDecodeError):
        return None


def _lm_eval_module_file(base_dir: str, module: str) -> str | None:
    """The file of ``lm_eval.<...>`` module ``module`` for a task folder ``base_dir`` inside lm_eval's tasks/."""
    d = os.path.abspath(base_dir)
    while True:
        parent = os.path.dirname(d)
        if os.path.basename(d) == "tasks" and os.path.basename(parent) == "lm_eval":
            path = os.path.join(os.path.dirname(parent), *module.split(".")) + ".py"
            return path if os.path.isfile(path) else None
        if parent == d:
            return None
        d = parent


def _reexported_source(ref: FunctionRef) -> tuple[str | None, str | None]:
    """(source, module) of a function the referenced module imports from the lm_eval package."""
    path = ref.file
    if path is None or not os.path.isfile(path):
        return None, None
    tree = parse_source(read_text(str(path)))
    if tree is None:
        return None, None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("lm_eval."):
            for a in node.names:
                if (a.asname or a.name) == ref.name:
                    return _lm_eval_definition(ref.base_dir, node.module, a.name), node.module
    return None, None


def identify_aggregation(ref) -> tuple[str | None, dict | None, str | None]:
    """(where, {metric: alias key}, digest) of an ``aggregation: !function`` reference; table None when unknown."""
    if not isinstance(ref, FunctionRef):
        return None, None, None
    src = ref.source()
    if src is None:
        src, _ = _reexported_source(ref)
    if src is None:
        return None, None, None
    digest = source_digest(src)
    known = CORPUS_AGGREGATIONS.get(digest)
    if known is None:
        return None, None, digest
    return known[0], known[1], digest


def aggregation_digest(ref) -> str | None:
    """The digest of a ``!function`` aggregation's definition, read with ``ast`` (nothing is run); None if unreadable.

    A ``def`` is its source text. A module-level assignment (``f_0 = partial(f, p_id=0)``, ``g = f``) is its
    statement's text followed by the source of every function of the same module it names (``f``), so a change in
    either changes the digest.
    """
    if not isinstance(ref, FunctionRef):
        return None
    src = ref.source()
    if src is not None:
        return source_digest(src)
    path = ref.file
    if path is None:
        return None
    try:
        text = read_text(str(path))
    except (OSError, UnicodeDecodeError):
        return None
    tree = parse_source(text)
    if tree is None:
        return None
    defs = {n.name: ast.get_source_segment(text, n) for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    for n in tree.body:  # functions imported from another module of lm_eval's tasks folder
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("lm_eval.tasks.") and not n.level:
            for a in n.names:
                src = _lm_eval_definition(os.path.dirname(str(path)), n.module, a.name)
                if src is not None:
                    defs.setdefault(a.asname or a.name, src)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == ref.name for t in node.targets):
            parts = [ast.get_source_segment(text, node) or ""]
            for sub in ast.walk(node.value):
                if isinstance(sub, ast.Name) and sub.id in defs:
                    parts.append(defs[sub.id] or "")
            return source_digest("\n".join(parts))
    return None
