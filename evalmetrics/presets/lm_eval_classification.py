"""lm_eval 0.4 corpus classification metrics on multiple-choice tasks: ``f1``, ``mcc`` and the tasks' own F1
aggregations (data: compositions of shared metrics).

lm_eval's multiple-choice ``process_results`` reports ``f1`` and ``mcc`` per document as the pair (gold index,
argmax of the choice log-likelihoods); the registered aggregations (lm_eval/api/metrics.py ``f1_score``,
``matthews_corrcoef``) call scikit-learn with its defaults. Task folders replace the aggregation of ``f1`` with their
own functions: ``weighted_f1_score`` (lm_eval/utils.py, imported by afrimmlu, afrixnli, afrobench),
``macro_f1_score`` (kobest, aradice), ``micro_f1_score`` (aradice, basqueglue), each ``f1_score`` with that
``average``. The reader identifies those functions by the SHA-256 of their source
(``integrations/lm_eval_tasks/aggregations.py``).

Also: ``brier_score`` (registered, no shipped task uses it), ``acc_all`` (registered for MultiRC-style task classes;
ConfigurableTask never reports it) and mmlu_early_training's ``loglikelihood_diff``. lm_eval's registered
``likelihood`` aggregation is ``mean`` over (gold, log-likelihoods) tuples, which raises TypeError, so the bare
``likelihood`` row has no value to reproduce and no alias.
"""
from __future__ import annotations

from ..metrics.classification import (AllCorrectPerGroup, BrierScore, ClassificationF1, GoldLogprobMargin,
                                      MatthewsCorrelation)
from ..metrics.match import F1
from ._steps import SQUAD_NORMALIZE
from .alias import Alias

_PAIRS = "over (gold index, argmax of the choice log-likelihoods) pairs"

ALIASES = [
    Alias("lm_eval", "0.4", "f1", lambda: ClassificationF1(average="binary", pos_label=1),
          f"lm_eval f1 (multiple_choice): sklearn f1_score with its defaults (binary, pos_label 1) {_PAIRS}"),
    Alias("lm_eval", "0.4", "mcc", lambda: MatthewsCorrelation(),
          f"lm_eval mcc (multiple_choice): sklearn matthews_corrcoef {_PAIRS}"),
    Alias("lm_eval", "0.4", "weighted_f1_score", lambda: ClassificationF1(average="weighted"),
          f"lm_eval's weighted_f1_score aggregation (lm_eval.utils; afrimmlu, afrixnli, afrobench): sklearn "
          f"f1_score average=weighted {_PAIRS}"),
    Alias("lm_eval", "0.4", "macro_f1_score", lambda: ClassificationF1(average="macro"),
          f"the tasks' macro_f1_score aggregation (kobest, aradice): sklearn f1_score average=macro {_PAIRS}"),
    Alias("lm_eval", "0.4", "micro_f1_score", lambda: ClassificationF1(average="micro"),
          f"the tasks' micro_f1_score aggregation (aradice, basqueglue): sklearn f1_score average=micro {_PAIRS}"),
    Alias("lm_eval", "0.4", "afriqa/f1",
          lambda: F1(bag="multiset", formula="ratio", empty="zero", normalize=SQUAD_NORMALIZE),
          "afrobench afriqa's f1 aggregation (utils.f1): SQuAD v1.1 F1 of each (gold, prediction) pair (lower, "
          "delete ASCII punctuation, articles to spaces, collapse whitespace; multiset token overlap; no common "
          "token scores 0), then the mean (Python's sum / len)"),
    Alias("lm_eval", "0.4", "brier_score", lambda: BrierScore(),
          "lm_eval brier_score (multiple_choice): per document the softmax of the choice log-likelihoods against the "
          "one-hot gold, sum of squares; numpy mean over documents (lower is better; lm_eval reports no stderr)"),
    Alias("lm_eval", "0.4", "acc_all", lambda: AllCorrectPerGroup(),
          "lm_eval acc_all (MultiRC): a (paragraph, question) group is correct when every answer's true/false pick "
          "is right; mean over groups; stderr over groups keyed by question id alone (acc_all_stderr)"),
    Alias("lm_eval", "0.4", "loglikelihood_diff", lambda: GoldLogprobMargin(),
          "mmlu_early_training's 'likelihood' row (custom_metrics.loglikelihood_diff over lm_eval's (gold, lls) "
          "items): gold log-likelihood minus the numpy mean of the others', numpy mean over documents"),
]
