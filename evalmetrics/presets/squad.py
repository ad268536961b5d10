"""SQuAD official scripts and HF evaluate's exact_match, as explicit pipelines.

The official scripts report corpus values on a 0-100 scale; evalmetrics reports the same means on 0-1.
"""
from __future__ import annotations

from ..metrics.match import F1, ExactMatch
from . import Alias
from ._steps import SQUAD_NORMALIZE
from .lm_eval import exact_match as _lm_eval_exact_match


def _em():
    return ExactMatch(normalize=SQUAD_NORMALIZE)


def _f1_v1():
    return F1(bag="multiset", formula="ratio", empty="zero", normalize=SQUAD_NORMALIZE)


ALIASES = [
    Alias("squad", "v1.1", "exact_match", _em,
          "SQuAD v1.1 EM: lower, delete ASCII punctuation, articles to spaces, collapse whitespace; equality; "
          "best over answers", also=("em", "exact")),
    Alias("squad", "v1.1", "f1", _f1_v1,
          "SQuAD v1.1 F1: same normalization; multiset token overlap, 2PR/(P+R); no tokens on either side scores 0",
          also=("f1_score",)),
    Alias("hf_evaluate", "0.4", "exact_match", _lm_eval_exact_match,
          "HF evaluate exact_match: the same algorithm and options as lm_eval's exact_match",
          also=("em",)),
]
