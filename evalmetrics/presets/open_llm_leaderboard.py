r"""The Open LLM Leaderboard v2 (lm_eval 0.4.13's ``leaderboard`` group): ``leaderboard_math_hard``'s two values, and
the leaderboard's score normalization as data (DATA ONLY).

``leaderboard_math_hard`` (the 7 ``leaderboard_math_*_hard`` tasks) reports two values from one ``process_results``
(``leaderboard/math/utils.py``):

| step             | ``exact_match``                                    | ``exact_match_original``                            |
|------------------|----------------------------------------------------|-----------------------------------------------------|
| output's answer  | math-verify ``parse(output)`` (LaTeX, then expr)   | "Final Answer: The final answer is X. I hope it..." |
|                  |                                                    | (none: ``[invalidanswer]``, scores 0), appendix-D   |
|                  |                                                    | normalize_final_answer                              |
| reference        | ``parse(solution)`` with LaTeX extraction only     | last ``\boxed`` of the solution (none:              |
|                  |                                                    | ``[invalidanswer]``), appendix-D normalization      |
| comparison       | ``verify`` (math-verify 0.9.0)                     | equal after strip (empty included), else sympy      |
|                  |                                                    | ``parse_latex`` + ``simplify`` (1 s)                |

The reference is the MATH ``solution`` text (what ``doc["solution"]`` holds).

Normalization (the leaderboard's own rule; lm_eval reports raw scores): each (sub)task's raw score ``s`` becomes
``0`` when ``s < lower``, else ``(s - lower) / (1 - lower) * 100``, where ``lower`` is the random baseline, ``1 /
number of choices`` (0 for the generative tasks); a benchmark with subtasks (BBH, MuSR) is the plain mean of its
subtasks' normalized scores. :data:`RANDOM_BASELINES` holds the baselines per task, :func:`normalized` the rule
(``evalmetrics.metrics.leaderboard_norm.BaselineRescale``).
"""
from __future__ import annotations

from ..metrics.leaderboard_norm import BaselineRescale, LeaderboardAverage
from ..metrics.mathstrings import HendrycksLastBoxed, MinervaAnswerNormalize, MinervaFinalAnswer
from .alias import Alias

__all__ = ["ALIASES", "RANDOM_BASELINES", "BENCHMARKS", "normalized", "benchmark_score"]

# leaderboard/math/utils.py: normalize_final_answer as appendix D prints it (unit words deleted as substrings, the
# \sqrt shorthand rule on indexed roots too, commas deleted when the rest is digits).
_NORMALIZE = MinervaAnswerNormalize(unit_words="substring", indexed_roots="shorthand", thousands="any_commas")
_INVALID = "[invalidanswer]"


def _exact_match():
    """``verify(parse(solution, extraction_config=[LatexExtractionConfig()]), parse(output))``."""
    from ..metrics.mathverify import MathVerify

    return MathVerify(gold_targets=("latex",))


def _exact_match_original():
    """``process_result_v1``: the Minerva sentence's answer against the solution's last box, both normalized."""
    from ..metrics.minerva import SympySimplifyEquiv

    return SympySimplifyEquiv(
        pred=(MinervaFinalAnswer(fallback=_INVALID), _NORMALIZE),
        ref=(HendrycksLastBoxed(space_form="to_dollar", on_missing="invalid_answer"), _NORMALIZE),
        sympy="1.14", antlr="4.11", timeout_s=1.0, identical="stripped", invalid=_INVALID,
    )


ALIASES = [
    Alias("lm_eval", "0.4", "leaderboard_math_hard/exact_match", _exact_match,
          "lm_eval leaderboard_math_hard exact_match (the 7 leaderboard_math_*_hard tasks): math-verify 0.9.0 "
          "verify(gold=parse(solution, LaTeX extraction only), target=parse(output)) with its defaults otherwise, "
          "in a bounded worker"),
    Alias("lm_eval", "0.4", "leaderboard_math_hard/exact_match_original", _exact_match_original,
          "lm_eval leaderboard_math_hard exact_match_original: the X of 'Final Answer: The final answer is X. I hope "
          "it is correct.' (absent: '[invalidanswer]', scores 0) against the solution's last \\boxed{...} (absent: "
          "'[invalidanswer]'), both through appendix D's normalize_final_answer; equal after strip (the empty text "
          "included) scores 1, else sympy parse_latex of both, subtracted and simplified, must give 0 (1 s, in a "
          "worker; failures score 0)"),
]


# ------------------------------------------------------------------------------------------------ normalization

# The random baseline of each Open LLM Leaderboard v2 task: 1 / number of choices (the choices each task's YAML
# lists; MuSR: 2, 5 and 3 per its subtask; GPQA: 4; MMLU-Pro: 10), 0 for the generative tasks.
_BBH_CHOICES = {
    "boolean_expressions": 2, "causal_judgement": 2, "date_understanding": 6, "disambiguation_qa": 3,
    "formal_fallacies": 2, "geometric_shapes": 11, "hyperbaton": 2, "logical_deduction_five_objects": 5,
    "logical_deduction_seven_objects": 7, "logical_deduction_three_objects": 3, "movie_recommendation": 6,
    "navigate": 2, "object_counting": 19, "penguins_in_a_table": 5, "reasoning_about_colored_objects": 18,
    "ruin_names": 6, "salient_translation_error_detection": 6, "snarks": 2, "sports_understanding": 2,
    "temporal_sequences": 4, "tracking_shuffled_objects_five_objects": 5, "tracking_shuffled_objects_seven_objects": 7,
    "tracking_shuffled_objects_three_objects": 3, "web_of_lies": 2,
}
RANDOM_BASELINES: dict[str, float] = {
    **{f"leaderboard_bbh_{k}": 1 / n for k, n in _BBH_CHOICES.items()},
    "leaderboard_gpqa_diamond": 1 / 4, "leaderboard_gpqa_extended": 1 / 4, "leaderboard_gpqa_main": 1 / 4,
    "leaderboard_musr_murder_mysteries": 1 / 2, "leaderboard_musr_object_placements": 1 / 5,
    "leaderboard_musr_team_allocation": 1 / 3,
    "leaderboard_mmlu_pro": 1 / 10,
    **{f"leaderboard_math_{k}_hard": 0.0 for k in ("algebra", "counting_and_prob", "geometry", "intermediate_algebra",
                                                    "num_theory", "prealgebra", "precalculus")},
    "leaderboard_ifeval": 0.0,
}

# benchmark -> (the lm_eval tasks whose normalized scores it averages, the row the leaderboard takes from each)
BENCHMARKS: dict[str, tuple[tuple[str, ...], str]] = {
    "bbh": (tuple(f"leaderboard_bbh_{k}" for k in _BBH_CHOICES), "acc_norm,none"),
    "gpqa": (("leaderboard_gpqa",), "acc_norm,none"),
    "musr": (("leaderboard_musr_murder_mysteries", "leaderboard_musr_object_placements",
              "leaderboard_musr_team_allocation"), "acc_norm,none"),
    "mmlu_pro": (("leaderboard_mmlu_pro",), "acc,none"),
    "math_hard": (("leaderboard_math_hard",), "exact_match,none"),
}
RANDOM_BASELINES["leaderboard_gpqa"] = 1 / 4  # the group: 4 choices in every subset
RANDOM_BASELINES["leaderboard_math_hard"] = 0.0


def normalized(task: str, raw: float) -> float:
    """A task's raw score (0..1, as lm_eval reports it) as the leaderboard shows it (0..100).

    >>> round(normalized("leaderboard_gpqa_main", 0.6), 2)
    46.67
    >>> normalized("leaderboard_musr_murder_mysteries", 0.4)
    0.0
    """
    return BaselineRescale(lower=RANDOM_BASELINES[task]).apply(raw)


def benchmark_score(benchmark: str, raw: dict) -> float:
    """The leaderboard's score for ``benchmark`` from the raw scores of its tasks (``{task: score}``): the mean of the
    tasks' normalized scores.

    >>> round(benchmark_score("musr", {"leaderboard_musr_murder_mysteries": 0.7,
    ...     "leaderboard_musr_object_placements": 0.4, "leaderboard_musr_team_allocation": 0.6}), 2)
    35.0
    """
    tasks, _ = BENCHMARKS[benchmark]
    agg = LeaderboardAverage(lowers=tuple(RANDOM_BASELINES[t] for t in tasks))
    return agg.apply([raw[t] for t in tasks])
