"""lm_eval 0.4 ``process_results`` hooks, part D: generation overlap (BLEU, ROUGE) computed per document, as data.

| hook (lm_eval 0.4.13 tasks folder)                         | aliases                                            |
|------------------------------------------------------------|----------------------------------------------------|
| ``truthfulqa/utils.py:process_results_gen`` (also          | ``lm_eval:truthfulqa_gen/{bleu,rouge1,rouge2,      |
| ``galician_bench``, ``catalan_bench/truthfulqa_va``,       | rougeL}_{max,acc,diff}``                           |
| ``tinyBenchmarks``; ``truthfulqa-multi``: the BLEU rows)   |                                                    |
| ``cnn_dailymail/utils.py:process_results``: the ROUGE rows | ``lm_eval:cnn_dailymail/{rouge1,rouge2,rougeL}``   |
| ``longproc/metrics.py:process_results_path_traversal``     | ``lm_eval:longproc_path_traversal/{score,accuracy,``|
|                                                            | ``partial_accuracy,extraction_rate}``              |
| ``eq_bench/utils.py:calculate_score_fullscale`` (also      | ``lm_eval:eq_bench/{eqbench,percent_parseable}``   |
| ``eq_bench/multilingual``)                                 |                                                    |
| ``longproc/metrics.py:process_results_tom_tracking``       | ``lm_eval:longproc_tom_tracking/{score,accuracy,`` |
|                                                            | ``partial_accuracy,extraction_rate}``              |

TruthfulQA: each correct and each incorrect answer is scored alone against the output (T5-style sentence BLEU:
sacrebleu's corpus BLEU of one segment with the ``intl`` tokenizer; ROUGE via rouge-score, ``" . "`` turned into a
line break on both sides, x100, where lm_eval's ``rougeL`` is rouge-score's ``rougeLsum``); ``_max`` is the best
score over the correct answers, ``_diff`` that minus the best over the incorrect ones, ``_acc`` 1 if the first is
larger (:class:`~evalmetrics.metrics.contrast.AnswerContrast`). The references are the document's
``correct_answers`` and ``incorrect_answers`` after the task's ``process_docs``.
"""
from __future__ import annotations

from ..extractors import BetweenMarkers
from ..metrics.contrast import AnswerContrast
from ..metrics.emotions import EmotionRatings
from ..metrics.found import AnswerFound
from ..metrics.lines import LinePrefix
from ..metrics.match import ExactMatch
from ..metrics.textgen import CorpusBLEU, Rouge
from ..normalizers import (
    CollapseWhitespace,
    KeepLines,
    Lowercase,
    PerToken,
    RegexReplace,
    Replace,
    Strip,
    StripPunct,
)
from .alias import Alias

__all__ = ["ALIASES"]

# truthfulqa/utils.py rouge(): _prepare_summary on both sides.
_SENTENCE_BREAKS = (Replace(old=" . ", new=".\n"),)
# cnn_dailymail/utils.py normalize_text: runs of whitespace (re's \s) to one space, then str.strip().
_CNN_NORMALIZE = (RegexReplace(pattern=r"\s+", replacement=" "), Strip())

_TQA_METRICS = {
    "bleu": ("T5-style sentence BLEU: sacrebleu corpus BLEU of the one segment (intl tokenizer, exp smoothing)",
             lambda: CorpusBLEU(tokenize="intl")),
    "rouge1": ("rouge-score rouge1 F-measure x100", lambda: _tqa_rouge("rouge1")),
    "rouge2": ("rouge-score rouge2 F-measure x100", lambda: _tqa_rouge("rouge2")),
    "rougeL": ("rouge-score rougeLsum F-measure x100 (' . ' becomes a line break first)",
               lambda: _tqa_rouge("rougelsum")),
}

_VALUES = {
    "max": "the best score over the correct answers",
    "diff": "the best score over the correct answers minus the best over the incorrect answers",
    "acc": "1 if the best score over the correct answers beats the best over the incorrect answers, else 0",
}


def _tqa_rouge(kind: str) -> Rouge:
    return Rouge(rouge_type=kind, percent=True, pred=_SENTENCE_BREAKS, ref=_SENTENCE_BREAKS)


def _tqa(metric: str, value: str):
    def build():
        return AnswerContrast(value=value, metric=_TQA_METRICS[metric][1]())

    build.__name__ = f"truthfulqa_gen_{metric}_{value}"
    return build


# longproc/metrics.py process_results_path_traversal: the route between the first <Route> and the first </Route>
# (str.find), stripped; the reference doc["reference_output"], stripped.
_ROUTE = (BetweenMarkers(start="<Route>", end="</Route>"), Strip())
_PATH_TRAVERSAL = {
    "score": ("1 if the route equals the reference", lambda: ExactMatch(pred=_ROUTE, ref=(Strip(),))),
    "accuracy": ("1 if the route equals the reference (the same value as score)",
                 lambda: ExactMatch(pred=_ROUTE, ref=(Strip(),))),
    "partial_accuracy": ("the share of the reference's lines the route reproduces before its first wrong line, "
                         "counting that wrong line as reproduced; 1 if every reference line matches",
                         lambda: LinePrefix(first_miss_counts=True, pred=_ROUTE, ref=(Strip(),))),
    "extraction_rate": ("1 if both markers are present", lambda: AnswerFound(pred=_ROUTE, ref=(Strip(),))),
}

# longproc/metrics.py process_results_tom_tracking, on both sides: the lines whose stripped text starts with "-",
# joined and stripped (so only the first kept line may be indented), then per line: a line not starting with "-" is
# dropped, else the text after its first "-", stripped, lowercased, ASCII punctuation and U+2019 deleted, the
# stop words replaced by a space, whitespace collapsed; empty beliefs dropped; one belief per line.
_TOM_STOPWORDS = (r"\b(a|an|the|on|in|at|the|step|thinks|think|believes|believe|is|are|of|location|know|knows|"
                  r"belief)\b")
_BELIEFS = (
    KeepLines(prefix="-"),
    Strip(),
    PerToken(split="\n", steps=(
        RegexReplace(pattern=r"^(?!-).*", replacement=""), RegexReplace(pattern="^-", replacement=""), Strip(),
        Lowercase(), StripPunct(chars="ascii"), Replace(old="\u2019", new=""),
        RegexReplace(pattern=_TOM_STOPWORDS, replacement=" "), CollapseWhitespace(),
    ), drop_empty=True, join="\n", strip=False),
)
_TOM_TRACKING = {
    "score": ("1 if the two lists of beliefs are equal", lambda: ExactMatch(normalize=_BELIEFS)),
    "accuracy": ("1 if the two lists of beliefs are equal (the same value as score)",
                 lambda: ExactMatch(normalize=_BELIEFS)),
    "partial_accuracy": ("the share of the reference's beliefs reproduced before the first differing one; 1 if "
                         "all are (0 when the reference has none and the output has some)",
                         lambda: LinePrefix(normalize=_BELIEFS)),
    "extraction_rate": ("always 1 (the hook reports 1.0 for every document)", lambda: AnswerFound()),
}


def _cnn(kind: str):
    def build():
        return Rouge(rouge_type=kind, use_stemmer=True, pred=_CNN_NORMALIZE, ref=_CNN_NORMALIZE)

    build.__name__ = f"cnn_dailymail_{kind}"
    return build


ALIASES = [
    Alias("lm_eval", "0.4", f"truthfulqa_gen/{metric}_{value}", _tqa(metric, value),
          f"lm_eval truthfulqa_gen {metric}_{value} (process_results_gen; also truthfulqa_gl_gen, truthfulqa_va, "
          f"truthfulqa-multi_gen_* for BLEU): {_VALUES[value]}, each answer scored alone by "
          f"{_TQA_METRICS[metric][0]}; references {{'correct': doc['correct_answers'], 'incorrect': "
          f"doc['incorrect_answers']}} after process_docs")
    for metric in _TQA_METRICS for value in _VALUES
] + [
    Alias("lm_eval", "0.4", f"cnn_dailymail/{name}", _cnn(kind),
          f"lm_eval cnn_dailymail_abisee {name} (process_results): rouge-score {name} F-measure with the Porter "
          f"stemmer, after whitespace runs become one space and the edges are stripped on both sides; reference "
          f"doc['highlights']")
    for name, kind in (("rouge1", "rouge1"), ("rouge2", "rouge2"), ("rougeL", "rougel"))
] + [
    Alias("lm_eval", "0.4", f"longproc_path_traversal/{name}", build,
          f"lm_eval longproc_path_traversal_* {name} (process_results_path_traversal): {words}; the route is the "
          f"text between the first '<Route>' and the first '</Route>' (either missing: 0), stripped; reference "
          f"doc['reference_output'], stripped")
    for name, (words, build) in _PATH_TRAVERSAL.items()
] + [
    Alias("lm_eval", "0.4", f"longproc_tom_tracking/{name}", build,
          f"lm_eval longproc_tom_tracking_* {name} (process_results_tom_tracking): {words}; the beliefs of a text "
          f"are its lines starting with '-' (the first may be indented), each after the '-', lowercased, without "
          f"ASCII punctuation, U+2019 and the hook's stop words, whitespace collapsed, empty ones dropped; "
          f"reference doc['reference_output']")
    for name, (words, build) in _TOM_TRACKING.items()
] + [
    Alias("lm_eval", "0.4", "eq_bench/eqbench", lambda: EmotionRatings(),
          "lm_eval eq_bench eqbench (calculate_score_fullscale; also eqbench_ca, eqbench_es): the output's 'word: "
          "digits' ratings must name exactly the reference's four emotions (else 0); 10 minus 0.7477 x the tally of "
          "S-scaled differences from the reference ratings, x10; reference doc['reference_answer_fullscale']"),
    Alias("lm_eval", "0.4", "eq_bench/percent_parseable", lambda: EmotionRatings(value="parseable"),
          "lm_eval eq_bench percent_parseable (calculate_score_fullscale; also eqbench_ca, eqbench_es): 100 if the "
          "output's 'word: digits' ratings name exactly the reference's four emotions, else 0; reference "
          "doc['reference_answer_fullscale']"),
]
