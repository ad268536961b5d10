"""lm_eval 0.4 extractive-QA task hooks as explicit pipelines: mlqa, tydiqa, xquad / catalan_bench, noreval's
noridiom, french_bench's metric functions, longbench's QA, count and retrieval scores.

Each alias is the per-sample value the hook (``process_results`` or ``!function`` metric) returns for one reported
metric; lm_eval averages it. References are the document's answers as the hook reads them (its alias summary says
which). The hooks are identified by source hash in ``integrations/lm_eval_tasks/hooks.py``.

Steps that a hook applies but that cannot change its value are left out, so that one behavior keeps one ID: the
``.strip()`` of the prediction in front of a normalization that ends by splitting on whitespace (every step in
between leaves edge whitespace as a token boundary). The conformance tests feed edge whitespace to both.
"""
from __future__ import annotations

import re
import string

from ..extractors import FirstLineWithout, RegexExtract
from ..metrics.match import F1, ExactMatch
from ..metrics.rouge_sentences import RougeSummaryLevel
from ..metrics.sequence_ratio import SequenceRatio
from ..metrics.shares import MatchShare
from ..normalizers import (
    CollapseWhitespace,
    IsolateChars,
    Lowercase,
    PerToken,
    RegexRemove,
    RegexReplace,
    Replace,
    Segment,
    Strip,
    StripArticles,
    StripPunct,
)
from ._steps import SQUAD_NORMALIZE
from .alias import Alias

# ---- mlqa (utils.process_results_<lang>) and tydiqa (utils.process_results_<lang>): the MLQA evaluation script.
# lower -> delete Unicode punctuation (categories P*) and ASCII string.punctuation -> the language's articles become
# spaces -> whitespace tokens (Chinese: every U+4E00..U+9FA5 ideograph is a token of its own). EM: equality of the
# normalized texts; F1: multiset token overlap 2PR/(P+R), 0 when either side has no tokens. Best over the answers.
_ARTICLES = {
    "en": (StripArticles(),),
    "es": (StripArticles(language="spa"),),
    "de": (StripArticles(language="deu"),),
    "vi": (StripArticles(articles=("của", "là", "cái", "chiếc", "những")),),
    "ar": (RegexReplace(pattern=r"(?:^|\s)ال", replacement=" "),),
}
_ARTICLE_WORDS = {
    "en": "a/an/the", "es": "un/una/unos/unas/el/la/los/las", "de": "ein/eine/einen/einem/eines/einer/der/die/das/"
    "den/dem/des", "vi": "của/là/cái/chiếc/những", "ar": "the prefix ال at the start or after whitespace",
}


def mlqa_normalize(lang: str) -> tuple:
    """The MLQA script's ``normalize_answer(s, lang)`` as steps (``lang``: an ISO 639-1 code; hi, zh and the
    TyDi QA languages without articles remove none)."""
    seg = (IsolateChars(),) if lang == "zh" else ()
    return (Lowercase(), StripPunct(chars="ascii_and_unicode")) + _ARTICLES.get(lang, ()) + seg + \
        (CollapseWhitespace(),)


def _em_and_f1(em_name, f1_name, normalize, empty, em_summary, f1_summary):
    """The two aliases of a hook that reports exact match and token F1 over one normalization of both sides:
    equality, and multiset token F1 (``empty``: what a side without tokens scores, F1's option)."""
    return [Alias("lm_eval", "0.4", em_name, lambda: ExactMatch(normalize=normalize), em_summary),
            Alias("lm_eval", "0.4", f1_name,
                  lambda: F1(bag="multiset", formula="ratio", empty=empty, normalize=normalize), f1_summary)]


def _mlqa_words(lang, family):
    arts = _ARTICLE_WORDS.get(lang)
    seg = "; each ideograph U+4E00..U+9FA5 a token" if lang == "zh" else ""
    return (f"{family} ({lang}): lower, delete Unicode and ASCII punctuation, "
            + (f"articles {arts} to spaces" if arts else "no articles removed") + seg)


MLQA_LANGS = ("en", "es", "hi", "vi", "de", "ar", "zh")
TYDIQA_LANGS = ("ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te")

ALIASES = []
for _family, _langs in (("mlqa", MLQA_LANGS), ("tydiqa_goldp", TYDIQA_LANGS)):
    for _lang in _langs:
        ALIASES += _em_and_f1(
            f"{_family}_{_lang}/exact_match", f"{_family}_{_lang}/f1", mlqa_normalize(_lang), "zero",
            _mlqa_words(_lang, f"{_family} exact_match") + "; equality; best over doc['answers']",
            _mlqa_words(_lang, f"{_family} f1") + "; multiset token F1 (0 if either side is empty); best over "
            "doc['answers']")

# ---- xquad (utils.process_results_qa) and catalan_bench's catalanqa / xquad_ca (utils.process_results_qa): the
# SQuAD v2 compute_exact / compute_f1 of transformers' squad_metrics against the FIRST answer only.
ALIASES += _em_and_f1(
    "xquad/exact_match", "xquad/f1", SQUAD_NORMALIZE, "equal",
    "xquad / catalanqa exact_match: SQuAD normalization (lower, delete ASCII punctuation, a/an/the to spaces, "
    "collapse whitespace), equality with the first answer only",
    "xquad / catalanqa f1: SQuAD v2 token F1 (no tokens on either side: 1 if both are empty) against the first "
    "answer only")

# ---- noreval noridiom (lm_eval.tasks.noreval.noridiom.utils.process_results): delete ASCII punctuation, lower,
# strip (in that order, no whitespace collapsing); best over doc['accepted_completions'].
_NORIDIOM = (StripPunct(chars="ascii"), Lowercase(), Strip())
ALIASES += _em_and_f1(
    "noridiom/em", "noridiom/fscore", _NORIDIOM, "equal",
    "noridiom em: delete ASCII punctuation, lower, strip; equality; best over doc['accepted_completions']",
    "noridiom fscore: delete ASCII punctuation, lower, strip; multiset token F1 (no tokens on either side: 1 if "
    "both are empty); best over doc['accepted_completions']")

# ---- french_bench metric functions (!function utils.exact / utils.f1 / utils.is_included), called by lm_eval with
# the rendered target and the response.
_FR = (Lowercase(), StripPunct(chars="ascii"), StripArticles(articles=("un", "une", "des", "le", "la", "les")),
       CollapseWhitespace())
ALIASES += _em_and_f1(
    "french_bench/exact", "french_bench/f1", _FR, "equal",
    "french_bench exact: lower, delete ASCII punctuation, un/une/des/le/la/les to spaces, collapse whitespace; "
    "equality with the target",
    "french_bench f1: the same normalization; multiset token F1 (no tokens on either side: 1 if both are empty)")
ALIASES += [
    Alias("lm_eval", "0.4", "french_bench/is_included",
          lambda: ExactMatch(mode="prediction_contains_reference"),
          "french_bench is_included: the target occurs in the response as is (no normalization)"),
]

def _retrieval(name, paragraph, summary, also):
    """longbench's retrieval scores: the share of the output's numbers equal to the number the answer's first match
    of ``paragraph`` (a regex with one group of digits) holds; an answer without one is an error, as in lm_eval."""
    return Alias("lm_eval", "0.4", name,
                 lambda: MatchShare(pattern=r"\d+", extract_ref=(RegexExtract(pattern=paragraph, match_index=0,
                                                                             fallback=None, strip=False),),
                                    missing_reference="error"), summary, also=(also,))


# ---- longbench (metrics.get_*_with_score): "score" and the named score are the same value, best over
# doc['answers'] (0 when there is none).
ALIASES += [
    Alias("lm_eval", "0.4", "longbench/qa_f1_score",
          lambda: F1(bag="multiset", formula="ratio", empty="zero", normalize=SQUAD_NORMALIZE),
          "longbench qa_f1_score: SQuAD normalization, multiset token F1 (0 if either side is empty); best over "
          "doc['answers']", also=("longbench/qa_f1",)),
    Alias("lm_eval", "0.4", "longbench/count_score", lambda: MatchShare(pattern=r"\d+"),
          "longbench count_score: the share of the numbers (\\d+) in the stripped output equal to the answer; 0 "
          "with no number", also=("longbench/count",)),
    _retrieval("longbench/retrieval_score", r"Paragraph (\d+)",
               "longbench retrieval_score: the share of the numbers (\\d+) in the output equal to the number of the "
               "answer's first 'Paragraph N' (an answer without one is an error, as in lm_eval); 0 with no number",
               "longbench/retrieval"),
    _retrieval("longbench/retrieval_zh_score", r"段落(\d+)",
               "longbench retrieval_zh_score: the share of the numbers (\\d+) in the output equal to the number of "
               "the answer's first '段落N' (an answer without one is an error); 0 with no number",
               "longbench/retrieval_zh"),
]

# ---- longbench, Chinese and ROUGE: jieba segments the text (jieba.cut, accurate mode); qa_f1_zh normalizes each
# word (lower, delete ASCII and LongBench's Chinese punctuation, delete whitespace) and drops the empty ones; rouge
# is the rouge package's summary-level ROUGE-L F1 (0 when it raises, e.g. on an empty output).
LONGBENCH_ZH_PUNCT = string.punctuation + (
    "！？｡。＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〰〾〿–—‘’‛“”„‟…‧﹏.")
_JIEBA = Segment(segmenter="jieba")
_ZH_WORD = PerToken(split=" ", steps=(Lowercase(), RegexRemove("[" + re.escape(LONGBENCH_ZH_PUNCT) + "]"),
                                      CollapseWhitespace(), Replace(old=" ", new="")), drop_empty=True, join=" ")
ALIASES += [
    Alias("lm_eval", "0.4", "longbench/qa_f1_zh_score",
          lambda: F1(bag="multiset", formula="ratio", empty="zero", normalize=(_JIEBA, _ZH_WORD)),
          "longbench qa_f1_zh_score: jieba segments, each lowered with ASCII and Chinese punctuation and whitespace "
          "deleted, empty ones dropped; multiset token F1 (0 if either side is empty); best over doc['answers']",
          also=("longbench/qa_f1_zh",)),
    Alias("lm_eval", "0.4", "longbench/rouge_score", lambda: RougeSummaryLevel(pred=(Strip(),)),
          "longbench rouge_score: the stripped output, the rouge package's ROUGE-L F1 (sentences split on '.', "
          "whitespace tokens, no lowercasing), 0 when it raises; best over doc['answers']", also=("longbench/rouge",)),
    Alias("lm_eval", "0.4", "longbench/rouge_zh_score",
          lambda: RougeSummaryLevel(pred=(Strip(), _JIEBA), ref=(_JIEBA,)),
          "longbench rouge_zh_score: the stripped output and each answer segmented by jieba (segments joined by "
          "spaces), then the rouge package's ROUGE-L F1, 0 when it raises; best over doc['answers']", also=("longbench/rouge_zh",)),
]

# ---- longbench code completion (lcc, repobench-p): the output's first non-blank line without "`", "#" or "//"
# (not stripped; "" if none) against each answer, fuzzywuzzy's fuzz.ratio / 100 as computed without
# python-Levenshtein (difflib); best over doc['answers'].
ALIASES += [
    Alias("lm_eval", "0.4", "longbench/code_sim_score",
          lambda: SequenceRatio(extract=(FirstLineWithout(excluded=("`", "#", "//"), fallback=""),)),
          "longbench code_sim_score: the output's first non-blank line containing no '`', '#' or '//' (else ''), "
          "round(100 x difflib ratio) / 100 against each answer (fuzzywuzzy's ratio without python-Levenshtein); "
          "best over doc['answers']", also=("longbench/code_sim",)),
]
