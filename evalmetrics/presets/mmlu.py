"""MMLU scored the ways its implementations score it: the original, HELM, lm_eval, lighteval (and OLMES).

The metric is the small part; what differs is what each asks of the model:

- the original (Hendrycks et al. 2021, ``hendrycks/test`` ``evaluate.py``): the prompt lists the lettered choices
  and ends "Answer:"; the next-token log-probabilities of " A", " B", " C", " D" (the API's top 100; a letter
  outside them counts -100) are compared; the argmax (numpy, ties to the first) is the answer;
- HELM (crfm-helm 0.5, ``mmlu`` run spec, multiple_choice_joint): the same kind of prompt; the model generates (temperature
  0, at most 5 tokens, stopped at a newline); ``exact_match``: the stripped output equals the letter;
- lm_eval 0.4.13 ``mmlu`` (default): the log-likelihood of each continuation " A" ... " D" (target delimiter +
  letter) after the lettered prompt; ``acc``; ``mmlu_continuation``: the log-likelihood of " " + each answer
  text after "Question: ...\\nAnswer:" (the choices are not shown); ``acc`` and ``acc_norm`` (÷ characters of
  the answer text);
- lighteval 0.13 ``mmlu:<subject>``: generative (at most 5 tokens, stop at a newline); ``em``: the stripped output
  equals the stripped gold choice " D".

``WAYS`` is that table as data (explain("mmlu") and docs/olmes_mmlu.md read it) and ``EXAMPLE`` is one MMLU
question with a hypothetical model's three kinds of output, on which explain computes each way's verdict.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..metrics.choice import LoglikelihoodMatch
from ..metrics.top_logprobs import TopLogprobMatch
from .alias import Alias
from .helm import _em as _helm_em
from .lighteval import _v13_em


def _letters_argmax():
    return TopLogprobMatch(floor=-100.0)


ALIASES = [
    Alias("hendrycks", "2021", "mmlu/acc", _letters_argmax,
          "original MMLU (hendrycks/test evaluate.py): argmax (first on ties) of the next-token log-probabilities "
          "of ' A', ' B', ' C', ' D' after 'Answer:' as the API's top 100 reports them, a letter outside them "
          "(give any value <= -100, e.g. -inf) counting -100 (floor=-100.0: every value below -100 counts -100); "
          "1 if it is the gold letter", choice_text_prefix=" "),
    Alias("helm", "0.5", "mmlu/exact_match", _helm_em(),
          "HELM mmlu (multiple_choice_joint): generate (temperature 0, <= 5 tokens, stop at a newline); "
          "exact_match: the stripped output equals the gold letter ('D'); empty output scores 0 (HELM maps the "
          "letter to its choice text and compares texts: the same verdict when the choice texts differ)"),
    Alias("lm_eval", "0.4", "mmlu/acc", lambda: LoglikelihoodMatch(norm="none", zero_length="ieee"),
          "lm_eval mmlu (default task): argmax of the log-likelihood of the continuations ' A' ... ' D' after the "
          "lettered prompt ending 'Answer:'; 1 if it is the gold letter"),
    Alias("lm_eval", "0.4", "mmlu_continuation/acc", lambda: LoglikelihoodMatch(norm="none", zero_length="ieee"),
          "lm_eval mmlu_continuation acc: argmax of the log-likelihood of ' ' + each answer text after "
          "'Question: ...\\nAnswer:' (choices not shown)"),
    Alias("lm_eval", "0.4", "mmlu_continuation/acc_norm", lambda: LoglikelihoodMatch(norm="char", zero_length="ieee"),
          "lm_eval mmlu_continuation acc_norm: as acc, each log-likelihood divided by the characters of the answer "
          "text (without the leading space)"),
    Alias("lighteval", "0.13", "mmlu/em", _v13_em,
          "lighteval mmlu:<subject>: generate (<= 5 tokens, stop at a newline); em: the stripped output equals the "
          "stripped gold choice (' D' -> 'D')", choice_text_prefix=" "),
]
# Each of these names one task's pipeline: where it shares a canonical ID with a generic alias (lm_eval:acc,
# lighteval:exact_match), the task readers name the generic one.
ALIASES = [dataclasses.replace(a, task_specific=True) for a in ALIASES]


@dataclass(frozen=True)
class Way:
    """One implementation of MMLU: its alias (with configuration), who defines it, what it needs from the model
    (``feeds``: ``letter_logprobs``, ``choice_logprobs`` or ``generation``), the text prefix its task puts before
    each choice or letter, the gold as it compares a generation, and whether ``LogprobScorer`` can produce its
    input."""

    alias: str
    source: str
    feeds: str
    needs: str
    logprob_scorer: str
    config: dict = field(default_factory=dict)
    prefix: str = ""
    gold_prefix: str = ""

    @property
    def label(self) -> str:
        if not self.config:
            return self.alias
        return self.alias + " (" + ", ".join(f"{k}={v!r}" for k, v in self.config.items()) + ")"


_LETTER_PROMPT = "the question, its choices as 'A. ...' to 'D. ...', then 'Answer:'"
WAYS = (
    Way("hendrycks:mmlu/acc", "Hendrycks et al. 2021, hendrycks/test evaluate.py", "letter_logprobs",
        f"letter log-probs: the next-token log-probabilities of ' A', ' B', ' C', ' D' after {_LETTER_PROMPT} "
        "(the API's top 100; a letter outside them counts -100)",
        "yes: score the continuations ' A' ... ' D' after the prompt (the summed log-probability is the "
        "next-token one when each letter is one token; the -100 floor then applies to every letter below it, "
        "not only to those outside the top 100)", prefix=" "),
    Way("helm:mmlu/exact_match", "crfm-helm 0.5 mmlu run spec (multiple_choice_joint, exact_match)", "generation",
        f"a generation: greedy (temperature 0), at most 5 tokens, stopped at a newline, after {_LETTER_PROMPT}",
        "no: it needs generated text (LogprobScorer scores given continuations; its is_greedy flag is not HELM's "
        "stripped-output comparison)"),
    Way("lm_eval:mmlu/acc", "lm-eval 0.4.13 tasks/mmlu/default", "letter_logprobs",
        f"letter log-probs: the log-likelihood of each continuation ' A' ... ' D' after {_LETTER_PROMPT}",
        "yes: score (prompt, ' A') ... (prompt, ' D')"),
    Way("lm_eval:mmlu_continuation/acc", "lm-eval 0.4.13 tasks/mmlu/continuation", "choice_logprobs",
        "full-choice log-probs: the log-likelihood of ' ' + each answer text after 'Question: ...\\nAnswer:' "
        "(the choices are not shown)", "yes: score (prompt, ' ' + answer text) for each answer"),
    Way("lm_eval:mmlu_continuation/acc_norm", "lm-eval 0.4.13 tasks/mmlu/continuation", "choice_logprobs",
        "full-choice log-probs, as mmlu_continuation/acc; divided by the characters of each answer text",
        "yes: as mmlu_continuation/acc"),
    Way("lighteval:mmlu/em", "lighteval 0.13 tasks/tasks/mmlu.py (generative, Metrics.exact_match)", "generation",
        f"a generation: at most 5 tokens, stopped at a newline, after the subject line and {_LETTER_PROMPT}",
        "no: it needs generated text", gold_prefix=" "),
    Way("olmes:primary_score", "OLMES (Gu et al. 2024), cloze formulation", "choice_logprobs",
        "full-choice log-probs: the log-likelihood of ' ' + each answer text after 'Question: ...\\nAnswer:'; "
        "acc_per_char counts the leading space", "yes: score (prompt, ' ' + answer text) for each answer",
        config={"task": "mmlu"}, prefix=" "),
    Way("olmes:primary_score", "OLMES (Gu et al. 2024), multiple-choice formulation", "letter_logprobs",
        "letter log-probs: the log-likelihood of ' A' ... ' D' after the lettered prompt (' A. ...' lines)",
        "yes: score (prompt, ' A') ... (prompt, ' D')", config={"task": "mmlu", "formulation": "mc"}, prefix=" "),
)


@dataclass(frozen=True)
class Example:
    """One MMLU question and a hypothetical model's outputs of the three kinds (numbers made up to show how the
    verdicts can split; each way's verdict is computed from them)."""

    subject: str
    question: str
    choices: tuple
    gold: int
    letter_logprobs: tuple
    choice_logprobs: tuple
    choice_token_counts: tuple
    generation: str
    letters: tuple = ("A", "B", "C", "D")


EXAMPLE = Example(
    subject="anatomy",
    question="What is the embryological origin of the hyoid bone?",
    choices=("The first pharyngeal arch", "The first and second pharyngeal arches", "The second pharyngeal arch",
             "The second and third pharyngeal arches"),
    gold=3,
    letter_logprobs=(-1.7, -1.2, -2.4, -1.1),
    choice_logprobs=(-14.2, -19.5, -13.9, -18.8),
    choice_token_counts=(5, 7, 5, 7),
    generation=" D. The second and",
)

# explain(NAME) for these names lays the ways side by side instead of listing aliases by name.
SIDE_BY_SIDE = {"mmlu": (WAYS, EXAMPLE)}

__all__ = ["ALIASES", "WAYS", "EXAMPLE", "SIDE_BY_SIDE", "Way", "Example"]
