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

__all__ = ["CORPUS_AGGREGATIONS", "REGISTERED_AGGREGATIONS", "DEFAULT_AGGREGATION", "identify_aggregation"]

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

# lm_eval's registered aggregations of (gold, prediction) pairs on multiple_choice rows: {name: alias key}; and
# the aggregation each such metric has when its entry names none.
REGISTERED_AGGREGATIONS = {"f1": "lm_eval:f1", "matthews_corrcoef": "lm_eval:mcc", "brier_score": "lm_eval:brier_score"}
DEFAULT_AGGREGATION = {"f1": "f1", "mcc": "matthews_corrcoef", "brier_score": "brier_score"}


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
                    target = _lm_eval_module_file(ref.base_dir, node.module)
                    if target is None:
                        return None, node.module
                    return _definition_source(read_text(target), a.name), node.module
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
