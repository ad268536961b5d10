"""OLMES (AI2's Open Language Model Evaluation Standard): its multiple-choice scores and each task's primary one.

No OLMES package is installable, so these are defined from the published definitions (sources in
docs/olmes_mmlu.md):

- Gu et al. 2024, "OLMES: A Standard for Language Model Evaluations" (arXiv 2406.08446): the normalizations and
  the per-task choice for the cloze formulation; both formulations evaluated, the better one reported.
- oe-eval's ``MCAccuracy`` (the OLMES reference code): per choice, ``sum_logits`` (summed log-probability of the
  continuation), ``num_tokens = max(tokens, 1)``, ``num_chars = max(len(continuation), 1)``,
  ``num_bytes = max(len(continuation.encode("utf-8")), 1)``; the continuation starts with a space (" Paris", and
  " A" in the multiple-choice formulation), so the characters and bytes count it; the prediction is the first
  index of the highest ``sum_logits`` (``acc_raw``), ``sum_logits / num_tokens`` (``acc_per_token``),
  ``sum_logits / num_chars`` (``acc_per_char``), ``sum_logits - sum_logits_uncond`` (``acc_uncond``, the
  unconditioned log-probability given the context "Answer:") and the first index of the lowest bits per byte
  ``-1.44269504089 * sum_logits / num_bytes`` (``acc_per_byte``).
- OLMo-Eval's ``olmes_v0_1`` task table (``rc_metrics(primary=...)``) and ``combine_metrics`` (the better of the
  two formulations).

Choices: ``texts`` are the continuations as OLMES scores them, with their leading space (``choice_text_prefix``);
each OLMES task has one gold answer, so several gold indices are an error here.
"""
from __future__ import annotations

from ..errors import InvalidConfig
from ..metrics.choice import LoglikelihoodMatch
from .alias import Alias

V = "0.1"

# OLMES score name -> the log-probability normalization it ranks the choices by (LoglikelihoodMatch's norm); every
# divisor is floored at 1 as oe-eval floors it (zero_length=as_one).
SCORES = {
    "acc_raw": "none",
    "acc_per_token": "token",
    "acc_per_char": "char",
    "acc_per_byte": "bits_per_byte",
    "acc_uncond": "pmi",
}


def score(name: str) -> LoglikelihoodMatch:
    """The metric of one OLMES score (``acc_per_char``, ...)."""
    return LoglikelihoodMatch(norm=SCORES[name], zero_length="as_one", multi_gold="error")


# The cloze formulation's primary score per task (the OLMES paper; OLMo-Eval olmes_v0_1); the multiple-choice
# formulation always uses acc_raw over the answer letters. MMLU's task score is the macro average of its 57 subjects.
TASK_PRIMARY = {
    "arc_easy": "acc_per_char",
    "arc_challenge": "acc_uncond",
    "boolq": "acc_raw",
    "csqa": "acc_uncond",
    "hellaswag": "acc_per_char",
    "mmlu": "acc_per_char",
    "openbookqa": "acc_uncond",
    "piqa": "acc_per_char",
    "socialiqa": "acc_per_char",
    "winogrande": "acc_raw",
}
MC_PRIMARY = "acc_raw"
TASK_NAMES = {"arc_easy": "ARC-Easy", "arc_challenge": "ARC-Challenge", "boolq": "BoolQ", "csqa": "CommonsenseQA",
              "hellaswag": "HellaSwag", "mmlu": "MMLU", "openbookqa": "OpenBookQA", "piqa": "PIQA",
              "socialiqa": "Social IQa", "winogrande": "WinoGrande"}

_WORDS = {
    "acc_raw": "argmax of the summed log-probability of each continuation",
    "acc_per_token": "argmax of log-probability / max(token count, 1)",
    "acc_per_char": "argmax of log-probability / max(characters of the continuation, leading space counted, 1)",
    "acc_per_byte": "argmin of bits per byte, -1.44269504089 x log-probability / max(UTF-8 bytes of the "
                    "continuation, leading space counted, 1)",
    "acc_uncond": "argmax of log-probability minus the unconditioned log-probability (given 'Answer:'; PMI)",
}


def _builder(name: str):
    def build():
        return score(name)

    return build


def primary_score(task=None, formulation="rc"):
    """oe-eval's ``primary_score`` of an OLMES task: the task's cloze score (``rc``) or acc_raw (``mc``)."""
    if task not in TASK_PRIMARY:
        known = ", ".join(sorted(TASK_PRIMARY))
        raise InvalidConfig(f"olmes:primary_score needs task=, one of {known}; got {task!r}")
    if formulation not in ("rc", "mc"):
        raise InvalidConfig(f"olmes:primary_score: formulation must be 'rc' (cloze, CF) or 'mc' (multiple choice, "
                            f"MCF), got {formulation!r}")
    return score(TASK_PRIMARY[task] if formulation == "rc" else MC_PRIMARY)


ALIASES = [
    Alias("olmes", V, name, _builder(name),
          f"OLMES {name}: {_WORDS[name]}; ties: the first choice; one gold answer", choice_text_prefix=" ")
    for name in SCORES
] + [
    Alias("olmes", V, "primary_score", primary_score,
          "OLMES primary_score of task= (" + ", ".join(f"{TASK_NAMES[t]}: {p}" for t, p in TASK_PRIMARY.items())
          + ") in the cloze formulation (formulation='rc': each answer text scored after 'Answer:'); "
          "formulation='mc' (choices listed, the letters ' A', ' B', ... scored): acc_raw; OLMES reports the "
          "better of the two (evalmetrics.metrics.formulations.better_formulation); MMLU's task score: the mean over "
          "its 57 subjects of each subject's compute (compute itself averages the questions it is given)", choice_text_prefix=" ", example={"task": "arc_challenge"},
          config_doc={"task": "the OLMES task: " + ", ".join(TASK_PRIMARY),
                      "formulation": "'rc' (cloze, default) or 'mc' (multiple choice)"}),
]
