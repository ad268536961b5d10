"""HELM (crfm-helm 0.5.x) reference-metric names as explicit pipelines.

HELM strips every completion before its metrics run (``compute_reference_metrics``); each alias starts the
prediction side with that strip.
"""
from __future__ import annotations

from ..extractors import FirstLine, RegexExtract, SplitTake
from ..metrics.match import F1, ExactMatch
from ..metrics.sets import SetMatch
from ..normalizers import RejectEmpty, Replace, Strip
from . import Alias
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
    Alias("helm", "0.5", "prefix_exact_match", _em(mode="prefix"),
          "HELM prefix_exact_match: empty output scores 0; stripped output starts with stripped reference",
          also=("pem", "prefix_em")),
    Alias("helm", "0.5", "quasi_prefix_exact_match", _em(mode="prefix", norm=SQUAD_NORMALIZE),
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
