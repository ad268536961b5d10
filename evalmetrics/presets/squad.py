"""SQuAD official scripts and HF evaluate's exact_match, as explicit pipelines.

The official scripts report corpus values on a 0-100 scale; evalmetrics reports the same means on 0-1.
"""
from __future__ import annotations

from ..metrics.match import F1, ExactMatch
from .alias import Alias
from ._steps import SQUAD_NORMALIZE
from .lm_eval import exact_match as _lm_eval_exact_match


def _em():
    return ExactMatch(normalize=SQUAD_NORMALIZE)


def _f1_v1():
    return F1(bag="multiset", formula="ratio", empty="zero", normalize=SQUAD_NORMALIZE)


def _em_v2():
    return ExactMatch(normalize=SQUAD_NORMALIZE, combine="max_nonempty")


def _f1_v2():
    return F1(bag="multiset", formula="ratio", empty="equal", normalize=SQUAD_NORMALIZE, combine="max_nonempty")


def _subset(value, answerable):
    from ..metrics.no_answer import AnswerableMean

    inner = _em_v2 if value == "exact" else _f1_v2
    return lambda: AnswerableMean(metric=inner(), answerable=answerable, scale=100.0)


def _best(value):
    from ..metrics.no_answer import BestNoAnswerThreshold

    inner = _em_v2 if value == "exact" else _f1_v2
    return lambda: BestNoAnswerThreshold(metric=inner(), scale=100.0)


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
    Alias("squad", "v2", "exact_match", _em_v2,
          "SQuAD v2.0 EM: v1.1's normalization; answers that normalize to empty are dropped (none left: the "
          "answer is ''); equality; best over answers", also=("em", "exact")),
    Alias("squad", "v2", "f1", _f1_v2,
          "SQuAD v2.0 F1: as v1.1 but no tokens on either side scores 1 if both are empty; answers that normalize "
          "to empty are dropped (none left: '')", also=("f1_score",)),
    Alias("lm_eval", "0.4", "squadv2/exact", _em_v2,
          "lm_eval squadv2 'exact' per sample: SQuAD v2.0 EM (lm_eval reports the corpus mean x100)"),
    Alias("lm_eval", "0.4", "squadv2/f1", _f1_v2,
          "lm_eval squadv2 'f1' per sample: SQuAD v2.0 F1 (lm_eval reports the corpus mean x100)"),
    *[Alias("lm_eval", "0.4", f"squadv2/{kind}_{value}", _subset(value, kind == "HasAns"),
            f"lm_eval squadv2 '{kind}_{value}': 100 x the mean SQuAD v2.0 {value} over the questions "
            f"{'with' if kind == 'HasAns' else 'without'} an answer (evaluate's squad_v2; none: 0)")
      for kind in ("HasAns", "NoAns") for value in ("exact", "f1")],
    *[Alias("lm_eval", "0.4", f"squadv2/best_{value}", _best(value),
            f"lm_eval squadv2 'best_{value}': 100 x the best SQuAD v2.0 {value} over thresholds on the no-answer "
            f"probability exp(log-likelihood of ' unanswerable') (evaluate's squad_v2)")
      for value in ("exact", "f1")],
]
