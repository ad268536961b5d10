"""lm_eval 0.4 ``process_results`` hooks, part B: TruthfulQA MC2 and the SCORE robustness accuracies, as data.

| hook (lm_eval 0.4.13 tasks folder)                      | alias                          | what it is                  |
|---------------------------------------------------------|--------------------------------|-----------------------------|
| ``truthfulqa/utils.py:process_results_mc2`` (and okapi) | ``lm_eval:truthfulqa/mc2``     | probability mass on the     |
|                                                         |                                | true answers, numpy sums    |
| ``truthfulqa-multi``, ``tinyBenchmarks``, ``galician_`` | ``lm_eval:truthfulqa-multi/mc2``| the same mass on the answers|
| ``bench``, ``catalan_bench``: ``process_results_mc2``   |                                | before the first false one, |
|                                                         |                                | Python sums                 |
| ``score/agi_eval/utils_agieval.py``: the prompt, option | ``lm_eval:score/accuracy``     | "the best answer is X" read |
| order and non-greedy robustness hooks                   |                                | as a label, exact match,    |
|                                                         |                                | mean rounded to 4 decimals  |
| ``score/mmlu_pro/utils_mmlu_pro.py``: the same three    | ``lm_eval:score/macro_accuracy``| the same per sample; mean  |
|                                                         |                                | over categories, rounded    |
| both prompt robustness hooks: ``consistency_rate``      | ``lm_eval:score/consistency_rate``| equal answer pairs per    |
|                                                         |                                | question, pooled            |
"""
from __future__ import annotations

from ..extractors import FirstLine, SplitTake
from ..metrics.grouped import ConsistencyRate, MacroMean
from ..metrics.mass import ProbabilityMass
from ..metrics.match import ExactMatch
from ..metrics.rounded import RoundedMean
from ..normalizers import IfContains, Lowercase, RegexRemove, Strip, Uppercase
from .alias import Alias

__all__ = ["ALIASES", "SCORE_ANSWER"]

# lm_eval tasks/score/utils.py: __postprocess_pred, then translate_model_answer_to_labels with the shipped option
# formats ("{letter}: {option}", no numerals: only the uppercasing applies).
SCORE_ANSWER = (
    IfContains(phrase="the best answer is", ignore_case=True, steps=(
        Lowercase(), SplitTake(sep="the best answer is ", index=-1), FirstLine(), SplitTake(sep=" ", index=0),
        RegexRemove("[^a-zA-Z0-9]"), Strip(), Uppercase(),
    )),
    Uppercase(),
)


def _score_accuracy():
    return RoundedMean(metric=ExactMatch(extract=SCORE_ANSWER), decimals=4)


def _score_macro_accuracy():
    return MacroMean(metric=ExactMatch(extract=SCORE_ANSWER), decimals=4)


ALIASES = [
    Alias(
        "lm_eval", "0.4", "truthfulqa/mc2", lambda: ProbabilityMass(true_choices="gold", summation="numpy"),
        "lm_eval's truthfulqa_mc2 acc: exp(log-likelihood) normalized over all answers, summed over the true "
        "answers (numpy sums)",
    ),
    Alias(
        "lm_eval", "0.4", "truthfulqa-multi/mc2",
        lambda: ProbabilityMass(true_choices="leading_gold", summation="python"),
        "truthfulqa-multi / tinyTruthfulQA / galician and catalan mc2 acc: the probability mass on the answers "
        "before the first false one (Python sums)",
    ),
    Alias(
        "lm_eval", "0.4", "score/accuracy", _score_accuracy,
        "lm_eval SCORE robustness accuracy (agieval per prompt, per option order, non-greedy): the label after "
        "'the best answer is' (else the whole output), uppercased, equal to the gold letter; mean rounded to 4 "
        "decimals",
    ),
    Alias(
        "lm_eval", "0.4", "score/macro_accuracy", _score_macro_accuracy,
        "lm_eval SCORE mmlu_pro accuracy (per prompt, per option order, non-greedy): the score/accuracy answer rule "
        "per sample; the mean over categories of each category's accuracy (compute takes the categories as "
        "groups), rounded to 4 decimals",
    ),
    Alias(
        "lm_eval", "0.4", "score/consistency_rate", lambda: ConsistencyRate(extract=SCORE_ANSWER),
        "lm_eval SCORE consistency_rate (agieval, mmlu_pro prompt robustness): the answers to the same question "
        "under different prompts, read as score/accuracy reads them; the share of equal pairs, pooled (compute "
        "takes the question ids as groups)",
    ),
]
