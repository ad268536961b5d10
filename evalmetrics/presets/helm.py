"""HELM (crfm-helm 0.5.x) reference-metric names as explicit pipelines.

HELM strips every completion before its metrics run (``compute_reference_metrics``); each alias starts the
prediction side with that strip.
"""
from __future__ import annotations

from ..extractors import FirstLine, RegexExtract, SplitTake
from ..metrics.match import F1, ExactMatch
from ..metrics.sets import SetMatch
from ..metrics.textgen import Rouge
from ..normalizers import RejectEmpty, Replace, Strip
from .alias import Alias
from ._steps import SQUAD_NORMALIZE, SQUAD_NORMALIZE_KEEP_ARTICLES

_S = Strip()
_EMPTY0 = RejectEmpty()


def _em(mode="full", norm=()):
    """Upstream strip, empty output scores 0, then ``norm`` on both sides (plain variants: strip both)."""
    ref = tuple(norm) or (_S,)

    def build():
        return ExactMatch(mode=mode, pred=(_S, _EMPTY0) + tuple(norm), ref=ref)

    return build


def _f1():
    return F1(bag="set", formula="harmonic", empty="zero", pred=(_S,) + SQUAD_NORMALIZE, ref=SQUAD_NORMALIZE)


def _indicator(indicator=" "):
    take = SplitTake(sep=indicator, index=-1)
    return ExactMatch(pred=(_S, take, _S, _EMPTY0), ref=(take, _S))


_FINAL_NUMBER = RegexExtract(pattern=r"-?[\d,]+(?:.\d+)?", match_index=-1, fallback="", strip=False)
_NO_COMMA = Replace(old=",", new="")


def _final_number():
    return ExactMatch(pred=(_S, _FINAL_NUMBER, _NO_COMMA, _EMPTY0, _S), ref=(_FINAL_NUMBER, _NO_COMMA, _S))


def _set(kind):
    def build():
        return SetMatch(score=kind, pred=(_S, FirstLine()), ref=())

    return build


ALIASES = [
    Alias("helm", "0.5", "exact_match", _em(),
          "HELM exact_match: empty output scores 0; otherwise stripped output equals stripped reference",
          also=("em",)),
    Alias("helm", "0.5", "quasi_exact_match", _em(norm=SQUAD_NORMALIZE),
          "HELM quasi_exact_match: empty output scores 0; SQuAD-style normalization (lower, ASCII punctuation, "
          "articles, whitespace) on both, then equality", also=("qem", "quasi_em")),
    Alias("helm", "0.5", "quasi_leave_articles_exact_match", _em(norm=SQUAD_NORMALIZE_KEEP_ARTICLES),
          "HELM quasi_leave_articles_exact_match: as quasi_exact_match but articles are kept"),
    Alias("helm", "0.5", "prefix_exact_match", _em(mode="prediction_starts_with_reference"),
          "HELM prefix_exact_match: empty output scores 0; stripped output starts with stripped reference",
          also=("pem", "prefix_em")),
    Alias("helm", "0.5", "quasi_prefix_exact_match", _em(mode="prediction_starts_with_reference", norm=SQUAD_NORMALIZE),
          "HELM quasi_prefix_exact_match: empty output scores 0; normalized output starts with normalized reference",
          also=("pqem", "prefix_quasi_exact_match", "quasi_prefix_em")),
    Alias("helm", "0.5", "f1_score", _f1,
          "HELM f1_score: F1 over the sets of SQuAD-normalized tokens (nltk f_measure); empty side scores 0",
          also=("f1",)),
    Alias("helm", "0.5", "exact_match_indicator", _indicator,
          "HELM exact_match_indicator: text after the last indicator (default a space) on both, then exact_match"),
    Alias("helm", "0.5", "final_number_exact_match", _final_number,
          "HELM final_number_exact_match: last number-like span (commas removed) on both, then exact_match"),
    Alias("helm", "0.5", "exact_set_match", _set("exact"),
          "HELM exact_set_match: the output's first line and the reference read as sets (after the last ' is ', "
          "split on ' and ', periods deleted, 'Nothing.' = empty); 1 if equal"),
    Alias("helm", "0.5", "iou_set_match", _set("iou"),
          "HELM iou_set_match: the same sets; intersection over union (empty gold: 1 if both empty)"),
    Alias("helm", "0.5", "f1_set_match", _set("f1"),
          "HELM f1_set_match: the same sets; 2|P∩G|/(|P|+|G|) (empty gold: 1 if both empty)"),
]



def _rouge(kind):
    def build():
        return Rouge(rouge_type=kind, use_stemmer=True, combine="max", pred=(_S,))

    return build


ALIASES += [
    Alias("helm", "0.5", f"rouge_{name}", _rouge(kind),
          f"HELM rouge_{name}: rouge-score's {label} F-measure with Porter stemming (RougeScorer(use_stemmer=True)) "
          "of the stripped output against each correct reference; the best over references")
    for name, kind, label in (("1", "rouge1", "ROUGE-1"), ("2", "rouge2", "ROUGE-2"), ("l", "rougel", "ROUGE-L"))
]


# ---- pass@k of HumanEval-style code scenarios (compute_reference_metrics, metric name "pass"). HELM executes each
# completion against each correct reference's test cases (code_eval); evalmetrics executes nothing, so these aliases
# take that list of pass/fail flags (one per (reference, completion) pair) and reproduce what HELM does with it:
# n = len(flags), c = int(sum(flags)), pass_at_k_estimator(n, c, k); the per-instance stats are averaged.
from ..metrics.sampling import PassAtKFromFlags  # noqa: E402
from ..errors import InvalidConfig  # noqa: E402


def _pass_at_num_outputs(num_outputs=5):
    if isinstance(num_outputs, bool) or not isinstance(num_outputs, int) or num_outputs < 2:
        raise InvalidConfig("helm:pass@k: num_outputs (AdapterSpec.num_outputs) must be an integer >= 2 (HELM "
                            f"reports no pass@k stat for 1: use helm:pass); got {num_outputs!r}")
    return PassAtKFromFlags(k=num_outputs)


ALIASES += [
    Alias("helm", "0.5", "pass", lambda: PassAtKFromFlags(k=1),
          "HELM pass (displayed pass@1, code scenarios): input = the pass/fail flags of every (correct reference, "
          "completion) pair, as HELM's code_eval would return them (evalmetrics runs no code); unbiased pass@1 of "
          "n = number of flags, c = passes", also=("pass@1",)),
    Alias("helm", "0.5", "pass@k", _pass_at_num_outputs,
          "HELM pass@{num_outputs} (code scenarios): the same flags; pass_at_k_estimator(n, c, k=num_outputs), "
          "1.0 whenever n - c < k", also=("pass_at_k",), example={"num_outputs": 5}),
]
