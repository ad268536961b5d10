r"""lm_eval 0.4 ``minerva_math`` (the 7 subject tasks ``minerva_math_algebra``, ..., ``_precalc``, and
``minerva_math500``): one ``process_results``, so one alias per value it reports.

| step                    | ``exact_match``                                          | ``math_verify``                 |
|-------------------------|----------------------------------------------------------|---------------------------------|
| output's answer         | "Final Answer: The final answer is X. I hope it is..."   | math-verify ``parse(output)``   |
|                         | (none: ``[invalidanswer]``), then normalize_final_answer |                                 |
| reference               | ``process_docs``: last ``\boxed`` of the solution        | ``parse(doc["solution"])``      |
|                         | (none: the run crashes), then normalize_final_answer     |                                 |
| comparison              | identical, or sympy ``parse_latex`` + ``simplify`` (5 s) | ``verify`` (math-verify 0.9.0)  |

The reference is the MATH ``solution`` text (what the dataset holds); ``reference="answer"`` takes lm_eval's
already-processed ``doc["answer"]`` instead (the ``target`` of ``--log_samples`` records).
"""
from __future__ import annotations

from ..errors import InvalidConfig
from ..metrics.mathstrings import HendrycksLastBoxed, MinervaAnswerNormalize, MinervaFinalAnswer
from .alias import Alias

__all__ = ["ALIASES"]

# lm_eval tasks/minerva_math/utils.py: remove_boxed(last_boxed_only_string(solution)); no usable box crashes the run
# (TypeError or AssertionError in process_docs).
_SOLUTION_BOX = HendrycksLastBoxed(space_form="to_dollar", on_missing="error")
_NORMALIZE = MinervaAnswerNormalize(unit_words="words_then_glued", indexed_roots="braced", thousands="groups_of_three")
_REFERENCES = ("solution", "answer")


def _check_reference(reference, allowed=_REFERENCES):
    if reference not in allowed:
        raise InvalidConfig(
            "lm_eval:minerva_math: reference must be one of " + ", ".join(map(repr, allowed)) + f"; got {reference!r}"
        )


def _exact_match(reference="solution"):
    """``is_equiv(normalize_final_answer(get_unnormalized_answer(output)), doc["answer"])``."""
    from ..metrics.minerva import SympySimplifyEquiv

    _check_reference(reference)
    ref = (_SOLUTION_BOX, _NORMALIZE) if reference == "solution" else ()
    return SympySimplifyEquiv(pred=(MinervaFinalAnswer(fallback="[invalidanswer]"), _NORMALIZE), ref=ref,
                              sympy="1.14", antlr="4.11", timeout_s=5.0)


def _math_verify(reference="solution"):
    """``verify(gold=parse(doc["solution"]), target=parse(output))`` with math-verify's defaults."""
    from ..metrics.mathverify import MathVerify

    if reference == "answer":
        raise InvalidConfig(
            "lm_eval:minerva_math/math_verify parses the full solution (doc['solution']), not the processed "
            "doc['answer']; give the solution texts as references (reference='solution')"
        )
    _check_reference(reference, ("solution",))
    return MathVerify()


ALIASES = [
    Alias("lm_eval", "0.4", "minerva_math/exact_match", _exact_match,
          "lm_eval minerva_math exact_match (all 7 subject tasks and minerva_math500): the output's answer is the X "
          "of 'Final Answer: The final answer is X. I hope it is correct.' ('[invalidanswer]' if absent); the "
          "reference (the MATH solution) is its last \\boxed{...} (none: the run crashes); both go through "
          "Minerva's normalize_final_answer; identical non-empty answers score 1, otherwise sympy parse_latex of "
          "both, subtracted and simplified, must give 0 (5 s, in a worker; failures score 0). "
          "reference='answer' takes lm_eval's processed doc['answer'] (the --log_samples target)",
          config_doc={"reference": "'solution' (the MATH solution text, default) or 'answer' (lm_eval's processed "
                                   "doc['answer'], as --log_samples records the target)"}),
    Alias("lm_eval", "0.4", "minerva_math/math_verify", _math_verify,
          "lm_eval minerva_math math_verify (all 7 subject tasks and minerva_math500): math-verify 0.9.0 "
          "verify(gold=parse(solution), target=parse(output)) with its defaults (the same meaning as "
          "math_verify:verify, with the full MATH solution as the gold), in a bounded worker. A solution without "
          "a usable \\boxed{...} crashes lm_eval's process_docs before anything is scored; this alias scores it",
          config_doc={"reference": "'solution' only (math-verify parses the full solution text)"}),
]
