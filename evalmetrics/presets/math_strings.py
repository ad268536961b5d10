r"""String-level MATH answer metrics (Hendrycks MATH ``is_equiv`` and its copies) as explicit pipelines.

Each harness carries its own copy of the MATH repository's helpers; the differences are fields of the shared
units in ``evalmetrics.metrics.mathstrings``:

| step                  | lm_eval 0.4 hendrycks_math   | HELM 0.5 math_equiv / _cot | lighteval math_normalizer |
|-----------------------|------------------------------|----------------------------|---------------------------|
| prediction's answer   | between first and last ``$`` | stripped output / last box | last box (none: ``""``)   |
| reference's answer    | last box (none: crash)       | reference / last box       | last box (none: ``""``)   |
| ``\boxed 5`` (space)  | up to the next ``$``, first  | not a box                  | after the space           |
| two ``\text{ `` units | normalization fails          | normalization fails        | first piece, rstripped    |
| ``x/y``               | normalization fails          | kept                       | kept                      |
| failed normalization  | compare unnormalized         | compare unnormalized       | crash                     |
"""
from __future__ import annotations

from ..metrics.mathstrings import BetweenOuterDollars, HendrycksLastBoxed, HendrycksMathNormalize, MathStringEquiv
from ..normalizers import RejectEmpty, RemoveSpans, Strip
from .alias import Alias

__all__ = ["ALIASES", "LIGHTEVAL_MATH_NORMALIZER", "lighteval_math_exact_match"]

# lighteval.metrics.normalizations.math_normalizer: _remove_boxed(_last_boxed_only_string(text)) (no usable box:
# "", "\boxed {x}" -> "{x}"), then its strip_string copy (units: first piece, right-stripped; a/b: kept). Its
# \sqrt / \frac failures are not caught: inside ExactMatch they are InvalidInput, as lighteval crashes there.
# (Exact inside ExactMatch except for one input: an empty output against a gold on which it fails. ExactMatch
# processes references even when the output has no answer and raises; lighteval scores 0. Use
# lighteval_math_exact_match for lighteval's ExactMatches with math_normalizer on both sides.)
LIGHTEVAL_MATH_NORMALIZER = (
    HendrycksLastBoxed(space_form="through_brace", on_missing="empty"),
    HendrycksMathNormalize(units="first_rstrip", slash_non_integer="keep"),
)

_LM_EVAL_NORMALIZE = HendrycksMathNormalize(units="one_or_fail", slash_non_integer="fail")
_HELM_NORMALIZE = HendrycksMathNormalize(units="one_or_fail", slash_non_integer="keep")
_HELM_ANSWER = HendrycksLastBoxed(space_form="none", on_missing="no_answer")


def _lm_eval_hendrycks_math():
    """lm_eval ``tasks/hendrycks_math/utils.py`` ``process_results``."""
    return MathStringEquiv(
        normalize=(_LM_EVAL_NORMALIZE,),
        pred=(BetweenOuterDollars(),),
        ref=(HendrycksLastBoxed(space_form="to_dollar", on_missing="error"),),
        on_failure="compare_unnormalized",
        both_missing="match",
    )


def _helm_math_equiv():
    """HELM ``is_equiv(gold, pred)``; ``compute_reference_metrics`` strips the completion first."""
    return MathStringEquiv(normalize=(_HELM_NORMALIZE,), pred=(Strip(),), ref=(), both_missing="match")


def _helm_math_equiv_cot():
    """HELM ``is_equiv_chain_of_thought(gold, pred)`` = ``is_equiv(get_answer(gold), get_answer(pred))``."""
    return MathStringEquiv(
        normalize=(_HELM_NORMALIZE,), pred=(Strip(), _HELM_ANSWER), ref=(_HELM_ANSWER,), both_missing="match"
    )


def lighteval_math_exact_match(reasoning_tags: bool = False):
    """lighteval ``ExactMatches(normalize_gold=math_normalizer, normalize_pred=math_normalizer, strip_strings=True)``.

    An empty output scores 0 before anything else (the gold is not normalized then); otherwise both sides are
    stripped, math_normalizer'd (a failure on either side crashes the run: ``InvalidInput``) and compared.
    ``reasoning_tags``: remove ``<think>...</think>`` spans from the output first (lighteval 0.13's pipeline).

    Built as ``MathStringEquiv(on_failure=error)`` rather than ``ExactMatch`` with ``LIGHTEVAL_MATH_NORMALIZER``
    on both sides: ExactMatch processes the references even when the output has no answer, so an empty output
    against a gold on which math_normalizer fails would raise where lighteval scores 0.
    """
    box, normalize = LIGHTEVAL_MATH_NORMALIZER
    pre = (RemoveSpans(start="<think>", end="</think>"),) if reasoning_tags else ()
    return MathStringEquiv(
        normalize=(normalize,),
        pred=pre + (RejectEmpty(), Strip(), box),
        ref=(Strip(), box),
        on_failure="error",
        both_missing="no_match",  # unreachable: the gold side always has a text ("" without a box)
    )


def _lighteval_qem_math():
    """lighteval 0.10 ``Metrics.quasi_exact_match_math`` (metric_name "qem")."""
    return lighteval_math_exact_match(reasoning_tags=False)


ALIASES = [
    Alias("lm_eval", "0.4", "hendrycks_math", _lm_eval_hendrycks_math,
          "lm_eval hendrycks_math exact_match: the output's answer is the text between its first and last '$' "
          "(the whole output if fewer than two; no \\boxed extraction); the solution's answer is its last "
          "\\boxed{...} (a solution without one crashes the run); both go through Hendrycks strip_string and are "
          "compared as strings; if strip_string fails on either (e.g. x/y, a trailing \\sqrt), the raw answers "
          "are compared"),
    Alias("helm", "0.5", "math_equiv", _helm_math_equiv,
          "HELM math_equiv: the stripped output and the reference answer go through Hendrycks strip_string "
          "(x/y kept) and are compared as strings; if strip_string fails on either, the raw texts are compared"),
    Alias("helm", "0.5", "math_equiv_chain_of_thought", _helm_math_equiv_cot,
          "HELM math_equiv_chain_of_thought: the last \\boxed{...} of the output and of the reference solution "
          "(none or unusable: no answer), then math_equiv's comparison; no answer on both sides scores 1, on "
          "one side 0"),
    Alias("lighteval", "0.10", "quasi_exact_match_math", _lighteval_qem_math,
          "lighteval 0.10 quasi_exact_match_math (reported as 'qem'): empty output scores 0; strip both; "
          "math_normalizer on both (last \\boxed{...} content, '' if none, so two unboxed texts match; then "
          "Hendrycks strip_string, which crashes on a trailing \\sqrt or \\frac); equality"),
]
