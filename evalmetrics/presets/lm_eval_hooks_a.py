r"""lm_eval 0.4 ``process_results`` hooks, part A, as data: long-context string matches, multiple-choice accuracies
with several golds, bias probes, CIEACOVA, NorQuAD, InfiniteBench.

Each hook of lm_eval 0.4.13's tasks folder, the aliases of the values it reports, and what they compute:

* ``ruler/common_utils.py:process_results`` / ``_part``: ``ruler/string_match_all`` / ``ruler/string_match_part``,
  the share of the document's outputs found in the output, case folded;
* ``babilong/common_utils.py:process_results``: ``babilong/acc``, the target found in the output;
* ``agieval/utils.py:process_results_mcqa``: ``agieval/acc``, ``agieval/acc_norm``, with several gold indices;
* ``crows_pairs/utils.py:process_results``: ``crows_pairs/pct_stereotype`` (gold strictly likelier),
  ``crows_pairs/likelihood_diff`` (absolute gap);
* ``simple_cooccurrence_bias/utils.py:process_results``: ``simple_cooccurrence_bias/likelihood_diff`` (log mass
  ratio), ``.../pct_male_preferred`` (argmax);
* ``catalan_bench/cieacova/utils.py:process_results``: ``cieacova/acc``, ``cieacova/acc_norm`` (÷ max(1, length));
  ``..._text_generation``: ``cieacova/exact_match`` (kept-characters match);
* ``noreval/norquad/utils.py:process_results``: ``norquad/exact_match``, ``norquad/f1`` (SQuAD v2 EM / F1);
* ``coqa/utils.py:process_results`` and ``catalan_bench/utils.py:process_results_coqcat``: ``coqa/em``,
  ``coqa/f1`` (SQuAD EM / F1, leave-one-out over the answers);
* ``infinitebench/utils.py:process_results``, ``_int_match``, ``_qa_en``, ``_qa_chn``:
  ``infinitebench/substring_match``, ``/int_match``, ``/qa_f1``, ``/qa_f1_zh``.

The output steps of RULER and BABILong (their ``postprocess_pred``): strip, every control character U+0000-U+001F
becomes a newline, strip again (InfiniteBench: a space). The rows a hook reports per subset (RULER's per sequence
length, CIEACOVA's per difficulty and subtask) are the same per-sample value, averaged over that subset's documents.
References are the document's answers as the hook reads them (each alias's summary says which field).
"""
from __future__ import annotations

import re
import string

from ..extractors import RegexExtract, SplitTake
from ..metrics.choice import LoglikelihoodMatch
from ..metrics.kept_chars import KeptCharsMatch
from ..metrics.leave_one_out import LeaveOneOutMean
from ..metrics.match import F1, ExactMatch
from ..metrics.pairs import LogMassRatio, PairGap, PairPreference
from ..normalizers import Lowercase, RegexReplace, Strip, StripArticles, StripPunct, Uppercase
from ._steps import SQUAD_NORMALIZE
from .alias import Alias
from .squad import _em_v2, _f1_v2

__all__ = ["ALIASES", "LONG_CONTEXT_OUTPUT"]

# ruler/common_utils.py and babilong/common_utils.py postprocess_pred: strip, control characters -> "\n", strip.
LONG_CONTEXT_OUTPUT = (Strip(), RegexReplace(pattern=r"[\x00-\x1f]", replacement="\n"), Strip())


# infinitebench/utils.py postprocess_prediction: the same, but control characters become spaces.
_INFINITEBENCH_OUTPUT = (Strip(), RegexReplace(pattern=r"[\x00-\x1f]", replacement=" "), Strip())


# infinitebench/utils.py _normalize_en (then str.split): lower, a/an/the -> " ", delete string.punctuation.
_INFINITEBENCH_NORMALIZE = (Lowercase(), StripArticles(), StripPunct(chars="ascii"))


# infinitebench/utils.py _normalize_zh (then list(...)): delete ASCII and CJK punctuation, lower, delete whitespace;
# each remaining character is a token (a space is put between every two characters).
INFINITEBENCH_ZH_PUNCT = string.punctuation + (
    "！？｡。＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〰〾〿–—"
    "''‛„‟…‧﹏.")
_INFINITEBENCH_ZH_CHARS = (RegexReplace(pattern="[" + re.escape(INFINITEBENCH_ZH_PUNCT) + "]", replacement=""),
                           Lowercase(), RegexReplace(pattern=r"\s+", replacement=""),
                           RegexReplace(pattern="(?<=.)(?=.)", replacement=" "))



def _infinitebench_f1(tokens: tuple):
    """infinitebench/utils.py qa_f1_score / qa_f1_zh_score: the output's control characters become spaces, then
    ``tokens`` (the language's normalization) on both sides; multiset token F1, 0 if either side is empty."""
    return lambda: F1(bag="multiset", formula="ratio", empty="zero",
                      pred=(RegexReplace(pattern=r"[\x00-\x1f]", replacement=" "),) + tokens, ref=tokens)


# coqa/utils.py and catalan_bench/utils.py (coqcat): the output's first line after stripping, then transformers'
# squad_metrics compute_exact / compute_f1 (SQuAD normalization) against each answer, leave-one-out averaged.
_COQA_OUTPUT = (Strip(), SplitTake(sep="\n", index=0))


def _coqa(value):
    if value == "em":
        inner = ExactMatch(pred=_COQA_OUTPUT + SQUAD_NORMALIZE, ref=SQUAD_NORMALIZE)
    else:
        inner = F1(bag="multiset", formula="ratio", empty="equal", pred=_COQA_OUTPUT + SQUAD_NORMALIZE,
                   ref=SQUAD_NORMALIZE)
    return LeaveOneOutMean(metric=inner)


def _ruler():
    """``sum(r.lower() in pred.lower() for r in doc["outputs"]) / len(doc["outputs"])``."""
    return ExactMatch(mode="contains", pred=LONG_CONTEXT_OUTPUT + (Lowercase(),), ref=(Lowercase(),), combine="mean")


def _babilong():
    """``doc["target"].strip().lower() in pred.lower()``."""
    return ExactMatch(mode="contains", pred=LONG_CONTEXT_OUTPUT + (Lowercase(),), ref=(Strip(), Lowercase()))


_RULER = ("lm_eval RULER ({what}; every task, every sequence-length row): the output stripped, its control "
          "characters U+0000-U+001F turned into newlines, stripped again, lowercased; the score is the share of "
          "the document's outputs (each lowercased) that occur in it. {extra}A row named by a length is the mean "
          "over the documents of that length")

ALIASES = [
    Alias("lm_eval", "0.4", "ruler/string_match_all", _ruler,
          _RULER.format(what="common_utils.process_results, string_match_all", extra="")),
    Alias("lm_eval", "0.4", "ruler/string_match_part", _ruler,
          _RULER.format(what="common_utils.process_results_part, string_match_part (qa_hotpot, qa_squad)",
                        extra="With the one output lm_eval generates, the best share over outputs is this share. ")),
    Alias("lm_eval", "0.4", "babilong/acc", _babilong,
          "lm_eval BABILong acc (common_utils.process_results, every babilong task): the output stripped, control "
          "characters U+0000-U+001F turned into newlines, stripped again; 1 if the stripped target occurs in it, "
          "both lowercased"),
    Alias("lm_eval", "0.4", "agieval/acc", lambda: LoglikelihoodMatch(norm="none"),
          "lm_eval AGIEval acc (utils.process_results_mcqa, the multiple-choice agieval tasks): the choice with the "
          "highest log-likelihood (ties: first) is one of the gold indices"),
    Alias("lm_eval", "0.4", "agieval/acc_norm", lambda: LoglikelihoodMatch(norm="char", zero_length="ieee"),
          "lm_eval AGIEval acc_norm (utils.process_results_mcqa): the choice with the highest log-likelihood / "
          "characters of the choice text (numpy division: an empty choice gives -inf or NaN) is one of the golds"),
    Alias("lm_eval", "0.4", "crows_pairs/pct_stereotype", lambda: PairPreference(),
          "lm_eval CrowS-Pairs pct_stereotype (crows_pairs/utils.py:process_results): 1 if the more stereotypical "
          "sentence (choice 0, the gold) has a strictly higher log-likelihood than the less stereotypical one "
          "(a tie scores 0)"),
    Alias("lm_eval", "0.4", "crows_pairs/likelihood_diff", lambda: PairGap(),
          "lm_eval CrowS-Pairs likelihood_diff (crows_pairs/utils.py:process_results): the absolute difference of "
          "the two sentences' log-likelihoods"),
    Alias("lm_eval", "0.4", "cieacova/acc", lambda: LoglikelihoodMatch(norm="none"),
          "lm_eval CIEACOVA cieacova_choice acc and every acc_<difficulty> / acc_<subtask> row "
          "(catalan_bench/cieacova/utils.py:process_results): the most likely option is one of the gold options"),
    Alias("lm_eval", "0.4", "cieacova/acc_norm", lambda: LoglikelihoodMatch(norm="char", zero_length="as_one"),
          "lm_eval CIEACOVA cieacova_choice acc_norm and every acc_norm_<difficulty> / acc_norm_<subtask> row: "
          "the option with the highest log-likelihood / max(1, characters of the option) is one of the golds"),
    Alias("lm_eval", "0.4", "norquad/exact_match", _em_v2,
          "lm_eval NorQuAD exact_match (noreval/norquad/utils.py:process_results): transformers' squad_metrics "
          "compute_exact against the first answer, doc['answers']['text'][0] (SQuAD v2.0 EM with one reference)"),
    Alias("lm_eval", "0.4", "norquad/f1", _f1_v2,
          "lm_eval NorQuAD f1 (noreval/norquad/utils.py:process_results): transformers' squad_metrics compute_f1 "
          "against the first answer, doc['answers']['text'][0] (SQuAD v2.0 F1 with one reference)"),
    Alias("lm_eval", "0.4", "infinitebench/substring_match",
          lambda: ExactMatch(mode="contains", pred=_INFINITEBENCH_OUTPUT + (Uppercase(),), ref=(Strip(), Uppercase())),
          "lm_eval InfiniteBench score (utils.process_results: longdialogue_qa_en): the output stripped, control "
          "characters U+0000-U+001F turned into spaces, stripped again, uppercased; 1 if a stripped, uppercased "
          "answer of doc['answer'] occurs in it. An empty answer list is an InvalidInput here (the hook scores 0)"),
    Alias("lm_eval", "0.4", "infinitebench/int_match",
          lambda: ExactMatch(extract=(RegexExtract(pattern="[0-9]+", match_index=0, fallback=None, strip=False),),
                             normalize_ref=(Strip(),)),
          "lm_eval InfiniteBench score (utils.process_results_int_match: passkey, number_string): the first run "
          "of ASCII digits in the output (none: 0) equals a stripped answer of doc['answer']. An empty answer list "
          "is an InvalidInput here (the hook scores 0)"),
    Alias("lm_eval", "0.4", "infinitebench/qa_f1",
          _infinitebench_f1(_INFINITEBENCH_NORMALIZE),
          "lm_eval InfiniteBench score (utils.process_results_qa_en: longbook_qa_en): control characters of the "
          "output become spaces; both sides lowercased, whole-word a/an/the become spaces, ASCII punctuation "
          "deleted; multiset token F1 (0 if either side has no token), best over doc['answer']. An empty answer "
          "list is an InvalidInput here (the hook scores 0)"),
    Alias("lm_eval", "0.4", "cieacova/exact_match", lambda: KeptCharsMatch(case="lower_per_char"),
          "lm_eval CIEACOVA cieacova_word exact_match and every exact_match_<difficulty> / exact_match_<subtask> row "
          "(catalan_bench/cieacova/utils.py:process_results_text_generation): output and answers keep only letters, "
          "digits and the symbols the answers use, each character lowercased, stripped; 1 if the output equals an "
          "answer (doc['parsed_respuesta'])"),
    Alias("lm_eval", "0.4", "simple_cooccurrence_bias/likelihood_diff", lambda: LogMassRatio(),
          "lm_eval simple_cooccurrence_bias likelihood_diff (utils.process_results): log(exp(lp female) + exp(lp "
          "woman)) - log(exp(lp male) + exp(lp man)) in Python floats; gold: the female words, choices 0 and 1 "
          "(doc_to_choice female, woman, male, man). A mass that underflows to 0 raises, as in lm_eval"),
    Alias("lm_eval", "0.4", "simple_cooccurrence_bias/pct_male_preferred", lambda: LoglikelihoodMatch(norm="none"),
          "lm_eval simple_cooccurrence_bias pct_male_preferred (utils.process_results): the most likely of the four "
          "words (ties: first) is a male word; gold: choices 2 and 3 (male, man). Where the hook crashes on "
          "likelihood_diff (both words of a group below about -745) lm_eval reports nothing; this alias scores"),
    Alias("lm_eval", "0.4", "infinitebench/qa_f1_zh",
          _infinitebench_f1(_INFINITEBENCH_ZH_CHARS),
          "lm_eval InfiniteBench score (utils.process_results_qa_chn: longbook_qa_chn): control characters of the "
          "output become spaces; both sides lose ASCII and CJK punctuation, are lowercased and lose all "
          "whitespace; every character is a token; multiset F1 (0 if either side is empty), best over "
          "doc['answer']. An empty answer list is an InvalidInput here (the hook scores 0)"),
    Alias("lm_eval", "0.4", "coqa/em", lambda: _coqa("em"),
          "lm_eval CoQA em (coqa/utils.py:process_results; catalan_bench coqcat the same): the stripped output's "
          "first line; SQuAD-normalized equality with an answer; with several answers (the turn's answer and the "
          "additional answers that differ from it case-insensitively, as doc_to_target lists them) the mean over "
          "each answer left out of the best score against the others"),
    Alias("lm_eval", "0.4", "coqa/f1", lambda: _coqa("f1"),
          "lm_eval CoQA f1 (coqa/utils.py:process_results; catalan_bench coqcat the same): the stripped output's "
          "first line; SQuAD token F1 (both sides empty: 1) against an answer; several answers: leave-one-out mean "
          "of the best F1 against the others"),
]
