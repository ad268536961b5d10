"""lighteval 0.13's extractive-match metrics (math expressions, LaTeX, answer letters) as explicit pipelines.

Each named metric of ``lighteval.metrics.metrics.Metrics`` built on ``MultilingualExtractiveMatchMetric`` becomes a
:class:`LightevalExtractiveMatch` (lighteval's own code, run in a worker) with the same extraction configuration,
alone or inside the sampling metric lighteval wraps it in. What each sampling metric feeds it:

* the metric alone, ``PassAtK`` and ``GPassAtK``: the prediction with reasoning spans removed (``final_text``);
  ``PassAtK``/``GPassAtK`` then preprocess gold and samples (an empty text stays empty; strip if ``strip_strings``);
* ``AvgAtN``: each raw sample (``ModelResponse[i]`` keeps ``text`` only, so no reasoning removal) and the golds as is.

Tasks using them by default: gsm8k and gsm_plus (expr_gold_metric), math_500 (pass_at_k_math k=1 n=1), aime24/25
(pass_at_k_math k=1, avg_at_n_math n=1; the _gpassk variants g_pass_at_k_math k=16 n=48), gpqa:diamond
(gpqa_instruct_pass_at_k k=1), gpqa:main/extended, mmlu_pro, mmmu_pro (gpqa_instruct_metric), mmlu_redux
(pass_at_k_letters k=1). lighteval gives answer letters as ``Doc.choices``; ``n_choices`` is their number
(4 for GPQA and MMLU-Redux, 10 for MMLU-Pro).
"""
from __future__ import annotations

from ..errors import InvalidConfig
from ..metrics.lighteval_math import LightevalExtractiveMatch
from ..metrics.sampling import GPassAtK, MeanOverSamples, MGPassAtK, PassAtK
from .alias import Alias
from .lighteval import _THINK, _preprocess

EXPR = "expr(anchorless=true)"
LATEX = "latex(anchorless=true, boxed_priority=55, normalization=default)"
LATEX_BOXED_FIRST = "latex(anchorless=true, boxed_priority=0, normalization=default)"
LETTERS = "indices(prefix=native_letters, anchorless=false)"
LETTERS_ANCHORLESS = "indices(prefix=native_letters, anchorless=true)"


def _match(gold, pred, precision, pre=(), ref=(), n_choices=None):
    return LightevalExtractiveMatch(gold_targets=gold, pred_targets=pred, precision=precision,
                                    fallback_mode="first_match", extraction_mode="any_match", timeout_seconds=5,
                                    n_choices=n_choices, pred=pre, ref=ref)


# The scorers inside lighteval's named metrics (dynamic_metrics.MultilingualExtractiveMatchMetric arguments).
def _math_boxed_first(gold=EXPR, **kw):  # expr_gold_metric, g_pass_at_k_math (gold: expr), g_pass_at_k_latex (latex)
    return _match((gold,), (EXPR, LATEX_BOXED_FIRST), 5, **kw)


def _math_expr_latex(**kw):  # avg_at_n_math, pass_at_k_math
    return _match((EXPR, LATEX), (EXPR, LATEX), 6, **kw)


def _letters(target, n_choices, **kw):  # gpqa_instruct_*, pass_at_k_letters
    _check_choices(n_choices)
    return _match((target,), (target,), 6, n_choices=n_choices, **kw)


def _check_choices(n_choices):
    if isinstance(n_choices, bool) or not isinstance(n_choices, int) or n_choices < 1:
        raise InvalidConfig(f"lighteval: n_choices must be a positive integer (len(Doc.choices)); got {n_choices!r}")


def _need(name, **values):
    for key, v in values.items():
        if v is None:
            raise InvalidConfig(f"lighteval:{name} needs {key} (lighteval: attribute_must_be_set)")


def expr_gold_metric():
    return _math_boxed_first(pre=(_THINK,))


def gpqa_instruct_metric(n_choices=4):
    return _letters(LETTERS_ANCHORLESS, n_choices, pre=(_THINK,))


def avg_at_n_math(n=None):
    _need("avg_at_n_math", n=n)
    return MeanOverSamples(n=n, metric=_math_expr_latex(), references="all")


def _pass(k, n, scorer, strip_strings):
    pre = _preprocess(None, strip_strings)
    return PassAtK(k=k, n=n, metric=scorer(pre=(_THINK,) + pre, ref=pre), references="exactly_one")


def pass_at_k_math(k=None, n=None):
    _need("pass_at_k_math", k=k)
    return _pass(k, n, _math_expr_latex, True)


def pass_at_k_letters(k=None, n=None, n_choices=4):
    _need("pass_at_k_letters", k=k)
    _check_choices(n_choices)
    return _pass(k, n, lambda **kw: _letters(LETTERS, n_choices, **kw), False)


def gpqa_instruct_pass_at_k(k=None, n=None, n_choices=4):
    _need("gpqa_instruct_pass_at_k", k=k)
    _check_choices(n_choices)
    return _pass(k, n, lambda **kw: _letters(LETTERS_ANCHORLESS, n_choices, **kw), False)


def _g_scorer(gold):
    pre = _preprocess(None, True)  # GPassAtK(strip_strings=True)
    return _math_boxed_first(gold=gold, pre=(_THINK,) + pre, ref=pre)


def _g(name, gold):
    def g_pass(k=None, n=None, threshold=0.0):
        _need(name, k=k)
        return GPassAtK(k=k, n=n, threshold=threshold, metric=_g_scorer(gold), references="exactly_one")

    def mg_pass(k=None, n=None):
        _need(name, k=k)
        return MGPassAtK(k=k, n=n, metric=_g_scorer(gold), references="exactly_one")

    return g_pass, mg_pass


_g_math, _mg_math = _g("g_pass_at_k_math", EXPR)
_g_latex, _mg_latex = _g("g_pass_at_k_latex", LATEX)

_ONE = "1 if lighteval's extractive match finds an extracted prediction equal to an extracted gold"
ALIASES = [
    Alias("lighteval", "0.13", "expr_gold_metric", expr_gold_metric,
          "lighteval expr_gold_metric (gsm8k, gsm_plus): remove <think> spans; extract \\boxed{} first, then "
          "'final answer is', 'answer:', LaTeX and plain expressions from the prediction, expressions from the gold; "
          "compare with sympy to 5 decimals (lighteval 0.13's own code in a worker)"),
    Alias("lighteval", "0.13", "gpqa_instruct_metric", gpqa_instruct_metric,
          "lighteval gpqa_instruct_metric (gpqa:main/extended, mmlu_pro): remove <think> spans; extract the answer "
          "letter among the first n_choices (default 4) from prediction and gold, with or without an 'answer:' "
          "anchor; " + _ONE),
    Alias("lighteval", "0.13", "avg_at_n_math", avg_at_n_math,
          "lighteval avg_at_n_math (aime): mean over the first n raw samples (no reasoning removal) of lighteval's "
          "extractive match (expressions and LaTeX on both sides, 6 decimals) against every gold",
          example={"n": 1}),
    Alias("lighteval", "0.13", "pass_at_k_math", pass_at_k_math,
          "lighteval pass_at_k_math (math_500, aime): remove <think> spans, strip gold and the first n samples, "
          "score each with lighteval's extractive match (expressions and LaTeX, 6 decimals); unbiased pass@k",
          example={"k": 1}),
    Alias("lighteval", "0.13", "pass_at_k_letters", pass_at_k_letters,
          "lighteval pass_at_k_letters (mmlu_redux): remove <think> spans; answer letter (anchored: 'answer', "
          "start of a line) among the first n_choices (default 4) per sample; unbiased pass@k", example={"k": 1}),
    Alias("lighteval", "0.13", "gpqa_instruct_pass_at_k", gpqa_instruct_pass_at_k,
          "lighteval gpqa_instruct_pass_at_k (gpqa:diamond): remove <think> spans; answer letter among the first "
          "n_choices (default 4), with or without an anchor, per sample; unbiased pass@k", example={"k": 1}),
    Alias("lighteval", "0.13", "g_pass_at_k_math/math_g-pass@k_t", _g_math,
          "lighteval g_pass_at_k_math value 'math_g-pass@{k}_{t}' (aime _gpassk): remove <think> spans, strip; "
          "lighteval's extractive match (boxed first; gold: expressions; 5 decimals) per sample; hypergeometric "
          "P(at least max(ceil(k*t),1) of k draws correct) via scipy", example={"k": 4, "threshold": 0.5}),
    Alias("lighteval", "0.13", "g_pass_at_k_math/mmath_g-pass@k", _mg_math,
          "lighteval g_pass_at_k_math value 'mmath_g-pass@{k}': as math_g-pass@k, averaged over the thresholds "
          "above 0.5", example={"k": 4}),
    Alias("lighteval", "0.13", "g_pass_at_k_latex/latex_g-pass@k_t", _g_latex,
          "lighteval g_pass_at_k_latex value 'latex_g-pass@{k}_{t}': as g_pass_at_k_math with the gold read as "
          "LaTeX", example={"k": 4, "threshold": 0.5}),
    Alias("lighteval", "0.13", "g_pass_at_k_latex/mlatex_g-pass@k", _mg_latex,
          "lighteval g_pass_at_k_latex value 'mlatex_g-pass@{k}': as latex_g-pass@k, averaged over the thresholds "
          "above 0.5", example={"k": 4}),
]
