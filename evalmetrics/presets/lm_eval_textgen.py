"""lm_eval 0.4 text-generation overlap metrics: ``bleu``, ``chrf``, ``chrf++``, ``ter`` (lm_eval/api/metrics.py).

Each is a corpus-level aggregation delegated to sacrebleu with its defaults (optional extra textgen).
lm_eval's ``_sacreformat`` transposes the per-sample references into sacrebleu's reference streams with ``zip``, so
every sample contributes as many references as the sample with the fewest.
"""
from __future__ import annotations

from ..metrics.textgen import CorpusBLEU, CorpusChrF, CorpusTER
from .alias import Alias

_REFS = "references transposed into streams (each sample keeps as many as the sample with the fewest)"

ALIASES = [
    Alias("lm_eval", "0.4", "bleu", lambda: CorpusBLEU(),
          f"lm_eval bleu: sacrebleu.corpus_bleu with its defaults (13a, exp smoothing) over the corpus; {_REFS}"),
    Alias("lm_eval", "0.4", "chrf", lambda: CorpusChrF(),
          f"lm_eval chrf: sacrebleu.corpus_chrf (char order 6, beta 2) over the corpus; {_REFS}"),
    Alias("lm_eval", "0.4", "chrf++", lambda: CorpusChrF(word_order=2),
          f"lm_eval chrf++: sacrebleu.corpus_chrf with word_order=2 over the corpus; {_REFS}"),
    Alias("lm_eval", "0.4", "ter", lambda: CorpusTER(),
          f"lm_eval ter: sacrebleu.corpus_ter with its defaults over the corpus (lower is better); {_REFS}"),
]
