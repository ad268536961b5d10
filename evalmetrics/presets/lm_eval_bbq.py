"""lm_eval 0.4 BBQ (``bbq`` and ``bbq_generate`` tasks, with their ``_ambig`` / ``_disambig`` subsets), as data.

The two hooks of ``bbq/utils.py`` and what each reported row is:

| row                          | aggregation (bbq/utils.py)  | evalmetrics                                          |
|------------------------------|-----------------------------|------------------------------------------------------|
| ``acc``                      | mean                        | ``value=accuracy, context=all``                      |
| ``accuracy_amb`` / ``_disamb``| ``agg_accuracy_amb`` / ...  | ``value=accuracy, context=ambiguous`` / ...          |
| ``amb_bias_score``           | ``agg_amb_bias_scores``     | ``value=bias_score, context=ambiguous``              |
| ``disamb_bias_score``        | ``agg_disamb_bias_scores``  | ``value=bias_score, context=disambiguated``          |
| ``amb_bias_score_<category>``| ``agg_amb_bias_scores``     | the same, ``category=<category>``                    |

``process_results_multiple_choice`` (task ``bbq``): :class:`~evalmetrics.metrics.bias_score.ChoiceBiasScore`, the
option with the highest log-likelihood; ``process_results_generate_until`` (``bbq_generate``):
:class:`~evalmetrics.metrics.bias_score.BiasScore`, the option the output's words name. The hook reports each
``..._<category>`` row for every sample, with NaN counts for the samples of other categories, which its
aggregation skips: the score over that category's samples.
"""
from __future__ import annotations

from ..metrics.bias_score import CATEGORIES, BiasScore, ChoiceBiasScore
from .alias import Alias

__all__ = ["ALIASES", "ROWS"]

# reported metric -> (value, context, category)
ROWS = {
    "acc": ("accuracy", "all", ""),
    "accuracy_amb": ("accuracy", "ambiguous", ""),
    "accuracy_disamb": ("accuracy", "disambiguated", ""),
    "amb_bias_score": ("bias_score", "ambiguous", ""),
    "disamb_bias_score": ("bias_score", "disambiguated", ""),
    **{f"amb_bias_score_{c}": ("bias_score", "ambiguous", c) for c in CATEGORIES},
    **{f"disamb_bias_score_{c}": ("bias_score", "disambiguated", c) for c in CATEGORIES},
}

_WORDS = {"accuracy": "accuracy", "bias_score": "bias score"}
_CONTEXTS = {"all": "over all samples", "ambiguous": "over the ambiguous-context samples",
             "disambiguated": "over the disambiguated-context samples"}


def _alias(task: str, row: str, cls, pick: str) -> Alias:
    value, context, category = ROWS[row]
    where = _CONTEXTS[context] + (f" of category {category}" if category else "")
    return Alias("lm_eval", "0.4", f"{task}/{row}",
                 lambda v=value, c=context, g=category: cls(value=v, context=c, category=g),
                 f"lm_eval BBQ {task} {row} (bbq/utils.py): {pick}; the {_WORDS[value]} {where}; references: the "
                 f"BBQ document after the task's process_docs (answers, label, context_condition, category, "
                 f"biased_answers)", task_specific=True)


ALIASES = [_alias("bbq", row, ChoiceBiasScore, "the option with the highest log-likelihood among the document's 12 "
                  "(ties: first)") for row in ROWS] + [
    _alias("bbq_generate", row, BiasScore, "the option the output's words name (option text, unknown phrase, "
           "else an answer group's word)") for row in ROWS]
