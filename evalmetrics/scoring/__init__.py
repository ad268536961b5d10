"""Log-probabilities of continuations under a causal LM: batched, shared-prefix, memory-bounded, reproducible.

``LogprobScorer(model, tokenizer).score([(context, continuation), ...])`` returns one :class:`LogprobRecord`
per request (summed log-prob, is-greedy flag, token count, optional per-token terms) in a list that carries the
run's :class:`Provenance` and :class:`ScoringStats`. ``scorer.score_rolling(texts)`` returns one
:class:`RollingRecord` per document: its rolling (whole-document) log-likelihood, as lm-eval's
``loglikelihood_rolling``, with the word and byte counts perplexities divide by. Tokenization follows lm-eval's
HFLM by default.
``score_distributed(scorer, requests)`` does the same across the ranks of a ``torchrun`` job (data parallel).
This package imports torch; ``import evalmetrics`` loads it only when ``LogprobScorer`` is first used.
"""
from __future__ import annotations

from .distributed import DistributedProvenance, init_distributed, score_distributed
from .records import LogprobRecord, Provenance, RollingRecord, ScoreResults, ScoringStats
from .scorer import LogprobScorer
from .tokenization import CONVENTIONS, LIGHTEVAL, LM_EVAL

__all__ = [
    "LogprobScorer",
    "LogprobRecord",
    "RollingRecord",
    "ScoreResults",
    "ScoringStats",
    "Provenance",
    "CONVENTIONS",
    "LM_EVAL",
    "LIGHTEVAL",
    "score_distributed",
    "init_distributed",
    "DistributedProvenance",
]
