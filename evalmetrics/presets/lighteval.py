"""lighteval names as explicit pipelines: 0.13 names, and the 0.10-era names people still quote.

lighteval's pipeline removes reasoning spans (``<think>...</think>``) from predictions before any metric
(``remove_reasoning_tags=True`` by default in 0.13); the 0.13 aliases include that step.
``ExactMatches`` scores an empty prediction 0 before anything else, then strips both sides if ``strip_strings``,
then applies ``normalize_gold`` / ``normalize_pred``, then compares (full, prefix or suffix).
"""
from __future__ import annotations

import functools

from ..errors import InvalidConfig
from ..extractors import RegexExtract
from ..metrics.match import F1, ExactMatch
from ..normalizers import RejectEmpty, RemoveOuterBraces, RemoveSpans, Replace, Strip, StripArticles, StripPunct
from .alias import Alias
from ._steps import HYPHEN_TOKEN_NORMALIZE, LOWER_STRIP_ASCII_PUNCT

_THINK = RemoveSpans(start="<think>", end="</think>")

# lighteval.metrics.normalizations, by name -> our steps.
NORMALIZERS = {
    "helm_normalizer": HYPHEN_TOKEN_NORMALIZE,
    "harness_triviaqa_normalizer": LOWER_STRIP_ASCII_PUNCT,
    "remove_braces": (RemoveOuterBraces(strip=False),),
    "remove_braces_and_strip": (RemoveOuterBraces(strip=True),),
    "bigbench_normalizer": (Replace(old=" . ", new=".\n"),),
    "remove_punc": (StripPunct(chars="ascii_and_unicode"),),
    "gsm8k_normalizer": (
        RegexExtract(pattern=r"#### (\-?[0-9\.\,]+)", match_index=0, fallback="[invalid]", strip=True),
        Replace(old=",", new=""),
    ),
}


def _norm(value, key):
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            return NORMALIZERS[value]
        except KeyError:
            raise InvalidConfig(
                f"lighteval: {key}={value!r} is not a normalizer evalmetrics reproduces; known: "
                + ", ".join(sorted(NORMALIZERS))
            ) from None
    if isinstance(value, (list, tuple)):
        return tuple(value)
    raise InvalidConfig(f"lighteval: {key} must be a normalizer name or a list of evalmetrics steps; got {value!r}")


# lighteval's type_exact_match values: "prefix" is pred.startswith(gold), "suffix" pred.endswith(gold).
MATCH_TYPES = {"full": "full", "prefix": "prediction_starts_with_reference", "suffix": "prediction_ends_with_reference"}


def exact_matches(normalize_gold=None, normalize_pred=None, strip_strings=False, type_exact_match="full",
                  reasoning_tags=True):
    """lighteval's ``ExactMatches`` with its sample_params (names of lighteval normalizers)."""
    if type_exact_match not in MATCH_TYPES:
        raise InvalidConfig(
            f"lighteval: type_exact_match must be one of 'full', 'prefix', 'suffix'; got {type_exact_match!r}"
        )
    if not isinstance(strip_strings, bool):
        raise InvalidConfig(f"lighteval: strip_strings must be true or false; got {strip_strings!r}")
    strip = (Strip(),) if strip_strings else ()
    pre = (_THINK,) if reasoning_tags else ()
    if "math_normalizer" in (normalize_gold, normalize_pred):
        return _math_exact_matches(normalize_gold, normalize_pred, strip, pre, type_exact_match)
    return ExactMatch(
        mode=MATCH_TYPES[type_exact_match],
        pred=pre + (RejectEmpty(),) + strip + _norm(normalize_pred, "normalize_pred"),
        ref=strip + _norm(normalize_gold, "normalize_gold"),
    )


def _math_exact_matches(normalize_gold, normalize_pred, strip, pre, type_exact_match):
    """ExactMatches with math_normalizer on both sides. math_normalizer can fail (lighteval crashes: InvalidInput);
    lighteval returns 0 for an empty output before normalizing the gold, so this is a MathStringEquiv (which
    processes the gold only when the output has an answer), not an ExactMatch with the steps."""
    from ..metrics.mathstrings import MathStringEquiv
    from .math_strings import LIGHTEVAL_MATH_NORMALIZER

    if normalize_gold != normalize_pred or type_exact_match != "full":
        raise InvalidConfig(
            "lighteval: math_normalizer is reproduced with normalize_gold=normalize_pred='math_normalizer' and "
            f"type_exact_match='full'; got normalize_gold={normalize_gold!r}, normalize_pred={normalize_pred!r}, "
            f"type_exact_match={type_exact_match!r}"
        )
    box, normalize = LIGHTEVAL_MATH_NORMALIZER
    return MathStringEquiv(normalize=(normalize,), pred=pre + (RejectEmpty(),) + strip + (box,), ref=strip + (box,),
                           on_failure="error", both_missing="no_match")


def f1_score(normalize_gold=None, normalize_pred=None, strip_strings=False, reasoning_tags=True):
    """lighteval's ``F1_score``: sets of whitespace tokens, nltk f_measure; ``strip_strings`` has no effect."""
    pre = (_THINK,) if reasoning_tags else ()
    return F1(
        bag="set", formula="harmonic", empty="zero",
        pred=pre + _norm(normalize_pred, "normalize_pred"),
        ref=_norm(normalize_gold, "normalize_gold"),
    )


def _v13_em(normalize_gold=None, normalize_pred=None, strip_strings=True, type_exact_match="full"):
    return exact_matches(normalize_gold, normalize_pred, strip_strings, type_exact_match)


def _v13_f1(normalize_gold=None, normalize_pred=None, strip_strings=False):
    return f1_score(normalize_gold, normalize_pred, strip_strings)


def _v10(**params):
    def build():
        return exact_matches(reasoning_tags=False, **params)

    return build


ALIASES = [
    Alias("lighteval", "0.13", "exact_match", _v13_em,
          "lighteval Metrics.exact_match ('em'): remove <think> spans, empty output scores 0, strip both, equality "
          "(case and punctuation sensitive)", also=("em",)),
    Alias("lighteval", "0.13", "f1_score", _v13_f1,
          "lighteval Metrics.f1_score ('f1'): remove <think> spans; F1 over sets of raw whitespace tokens (no "
          "lowercasing), nltk f_measure", also=("f1",)),
    Alias("lighteval", "0.10", "exact_match", _v10(strip_strings=True),
          "lighteval 0.10 exact_match ('em'): empty output scores 0, strip both, equality", also=("em",)),
    Alias("lighteval", "0.10", "quasi_exact_match",
          _v10(normalize_gold="helm_normalizer", normalize_pred="helm_normalizer", strip_strings=True),
          "lighteval 0.10 quasi_exact_match ('qem'): empty output scores 0, strip, then lighteval's helm_normalizer "
          "(splits on hyphens, casts numbers through float after deleting punctuation) on both, equality",
          also=("qem", "quasi_em")),
    Alias("lighteval", "0.10", "prefix_exact_match", _v10(strip_strings=True, type_exact_match="prefix"),
          "lighteval 0.10 prefix_exact_match ('pem'): empty output scores 0, strip both, output starts with gold",
          also=("pem", "prefix_em")),
    Alias("lighteval", "0.10", "prefix_quasi_exact_match",
          _v10(normalize_gold="helm_normalizer", normalize_pred="helm_normalizer", type_exact_match="prefix"),
          "lighteval 0.10 prefix_quasi_exact_match ('pqem'): empty output scores 0, helm_normalizer on both (no "
          "strip), output starts with gold", also=("pqem", "quasi_prefix_exact_match")),
    Alias("lighteval", "0.10", "perfect_exact_match", _v10(),
          "lighteval 0.10 perfect_exact_match ('perfect_em'): empty output scores 0, equality without stripping",
          also=("perfect_em",)),
    Alias("lighteval", "0.10", "quasi_exact_match_triviaqa",
          _v10(strip_strings=True, normalize_pred="harness_triviaqa_normalizer"),
          "lighteval 0.10 quasi_exact_match_triviaqa: empty output scores 0, strip both, lowercase and delete ASCII "
          "punctuation on the output only, equality"),
    Alias("lighteval", "0.10", "quasi_exact_match_gsm8k",
          _v10(strip_strings=True, normalize_gold="gsm8k_normalizer", normalize_pred="gsm8k_normalizer"),
          "lighteval 0.10 quasi_exact_match_gsm8k: empty output scores 0, strip, first '#### N' with commas "
          "removed on both ('[invalid]' if absent), equality"),
    Alias("lighteval", "0.10", "f1_score_quasi",
          lambda: f1_score("helm_normalizer", "helm_normalizer", reasoning_tags=False),
          "lighteval 0.10 f1_score_quasi: helm_normalizer on both, F1 over token sets (nltk f_measure)",
          also=("f1_quasi",)),
]

# ---- log-likelihood accuracy; texts = Doc.choices as stored (usually with a leading space)
import re as _re  # noqa: E402

from ..metrics.choice import ChoiceRank, LoglikelihoodMatch  # noqa: E402

_LOGPROB_NORM = _re.compile(
    r"^\s*(?:(LogProbCharNorm)\((?:\s*ignore_first_space\s*=\s*(True|False)\s*)?\)|(LogProbTokenNorm)\(\s*\)"
    r"|(LogProbPMINorm)\(\s*\)|(None))\s*$"
)


def loglikelihood_acc(logprob_normalization=None):
    """lighteval's ``LoglikelihoodAcc``; ``logprob_normalization`` as lighteval writes it, e.g.
    ``"LogProbCharNorm(ignore_first_space=True)"``, or None."""
    if logprob_normalization is None:
        norm = "none"
    else:
        m = _LOGPROB_NORM.match(str(logprob_normalization))
        if not m:
            raise InvalidConfig(
                "lighteval: logprob_normalization must be None, 'LogProbCharNorm()', "
                "'LogProbCharNorm(ignore_first_space=True)', 'LogProbTokenNorm()' or 'LogProbPMINorm()'; "
                f"got {logprob_normalization!r}"
            )
        if m.group(1):
            norm = "char_nospace" if m.group(2) == "True" else "char"
        elif m.group(3):
            norm = "token"
        elif m.group(4):
            norm = "pmi"
        else:
            norm = "none"
    return LoglikelihoodMatch(norm=norm, zero_length="error")


ALIASES += [
    Alias("lighteval", "0.13", "loglikelihood_acc", loglikelihood_acc,
          "lighteval loglikelihood_acc ('acc'): argmax of the (optionally normalized) log-probabilities is gold",
          also=("acc", "accuracy"), choice_text_prefix=" "),
    Alias("lighteval", "0.10", "loglikelihood_acc_norm", lambda: loglikelihood_acc("LogProbCharNorm()"),
          "lighteval 0.10 loglikelihood_acc_norm ('acc_norm'): log-probability / characters of Doc.choices "
          "(leading space counted)", also=("acc_norm",), choice_text_prefix=" "),
    Alias("lighteval", "0.10", "loglikelihood_acc_norm_nospace",
          lambda: loglikelihood_acc("LogProbCharNorm(ignore_first_space=True)"),
          "lighteval 0.10 loglikelihood_acc_norm_nospace: log-probability / characters, one leading space not "
          "counted", also=("acc_norm_nospace",), choice_text_prefix=" "),
    Alias("lighteval", "0.13", "acc_norm_token", lambda: loglikelihood_acc("LogProbTokenNorm()"),
          "lighteval acc_norm_token (LogLikelihoodAccMetric with LogProbTokenNorm): log-probability / tokens",
          choice_text_prefix=" "),
    Alias("lighteval", "0.13", "acc_norm", lambda: loglikelihood_acc("LogProbCharNorm()"),
          "lighteval acc_norm (LogLikelihoodAccMetric with LogProbCharNorm): log-probability / characters of "
          "Doc.choices (leading space counted)", choice_text_prefix=" "),
    Alias("lighteval", "0.13", "acc_norm_pmi", lambda: loglikelihood_acc("LogProbPMINorm()"),
          "lighteval acc_norm_pmi: log-probability minus the unconditioned log-probability",
          choice_text_prefix=" "),
]

# ---- drop (Metrics.drop); lighteval aggregates these per-sample values with max across samples, not the mean
from ..metrics.drop import DropMatch  # noqa: E402

ALIASES += [
    Alias("lighteval", "0.13", "drop/em", lambda: DropMatch(value="em", count_check=False),
          "lighteval Metrics.drop em: DROP-normalized prediction's span set equals an answer's span set (no span "
          "count check); best over answers. lighteval's corpus value is the max over samples (corpus_level_fn max); "
          "Result.score is the mean, max(Result.per_sample) is lighteval's"),
    Alias("lighteval", "0.13", "drop/f1", lambda: DropMatch(value="f1"),
          "lighteval Metrics.drop f1: DROP's numeracy-aware F1, rounded to 2 decimals; best over answers. "
          "lighteval's corpus value is the max over samples (corpus_level_fn max); Result.score is the mean, "
          "max(Result.per_sample) is lighteval's"),
]

# ---- sampling metrics: lighteval preprocesses gold and samples with SamplingMetric.preprocess
from ..metrics.sampling import MajorityVote, MeanOverSamples, PassAtK  # noqa: E402
from ..normalizers import IfNonEmpty  # noqa: E402


def _preprocess(normalize, strip_strings):
    """SamplingMetric.preprocess: an empty text stays empty; else strip (if asked), then the normalizer."""
    inner = ((Strip(),) if strip_strings else ()) + _norm(normalize, "normalize")
    return (IfNonEmpty(steps=inner),) if inner else ()


def _scorer(mode, pre):
    if mode not in MATCH_TYPES:
        raise InvalidConfig(f"lighteval: type_exact_match must be 'full', 'prefix' or 'suffix'; got {mode!r}")
    return ExactMatch(mode=MATCH_TYPES[mode], pred=pre, ref=pre)


def maj_at_n(n=None, normalize=None, strip_strings=False, type_exact_match="full"):
    if n is None:
        raise InvalidConfig("lighteval:maj_at_n needs n (lighteval raises 'You did not set the value of n')")
    pre = _preprocess(normalize, strip_strings)
    scorer = _scorer(type_exact_match, ())
    # the samples are preprocessed before the vote; the gold is preprocessed the same way
    # lighteval's pipeline removes reasoning spans from every sample first (final_text).
    return MajorityVote(n=n, vote=(_THINK,) + pre, metric=ExactMatch(mode=scorer.mode, pred=(), ref=pre),
                        references="exactly_one")


def pass_at_k(k=None, n=None, normalize=None, strip_strings=True, type_exact_match="full"):
    if k is None:
        raise InvalidConfig("lighteval:pass_at_k needs k")
    pre = _preprocess(normalize, strip_strings)
    scorer = _scorer(type_exact_match, pre)
    return PassAtK(k=k, n=n, metric=ExactMatch(mode=scorer.mode, pred=(_THINK,) + pre, ref=pre),
                   references="exactly_one")


def avg_at_n(n=None, type_exact_match="full"):
    # AvgAtN scores model_response[i].text (the raw sample: no reasoning removal) against golds[0] raw; its
    # strip/normalize parameters are never applied.
    return MeanOverSamples(n=n, metric=_scorer(type_exact_match, ()), references="first")


ALIASES += [
    Alias("lighteval", "0.13", "maj_at_n", maj_at_n,
          "lighteval maj_at_n ('maj@n'): remove <think> spans from samples; preprocess (empty stays empty; strip, normalize) the single gold and the "
          "first n samples, majority vote (ties: first seen), exact match of the winner", also=("maj@n", "maj_at_k"), example={"n": 4}),
    Alias("lighteval", "0.13", "pass_at_k", pass_at_k,
          "lighteval pass_at_k ('pass@k'): remove <think> spans from samples; preprocess (strip by default) gold and first n samples, exact match "
          "each, unbiased pass@k estimator", also=("pass@k",), example={"k": 1}),
    Alias("lighteval", "0.13", "avg_at_n", avg_at_n,
          "lighteval avg_at_n ('avg@n'): mean exact match of the first n raw samples against the first gold "
          "(its strip_strings is never applied)", also=("avg@n",)),
]


def _mrr(length_normalization=False):
    if not isinstance(length_normalization, bool):
        raise InvalidConfig(f"lighteval:mrr: length_normalization must be true or false; got {length_normalization!r}")
    return ChoiceRank(score_kind="mrr", norm="char" if length_normalization else "none")


def _recall(recall_depth=1):
    return ChoiceRank(score_kind="recall", k=recall_depth)


ALIASES += [
    Alias("lighteval", "0.13", "mrr", _mrr,
          "lighteval mrr: 1 / (1 + rank of the best gold choice by log-probability; ties share a rank)",
          also=("mean_reciprocal_rank",), choice_text_prefix=" "),
    Alias("lighteval", "0.13", "recall_at_k", _recall,
          "lighteval recall_at_k ('recall'): 1 if a gold is among the recall_depth highest log-probabilities "
          "(default 1)", also=("recall@k", "recall"), choice_text_prefix=" "),
]

# ---- text generation overlap (sacrebleu / rouge-score; optional extra textgen).
# Predictions are lighteval's final_text (reasoning spans removed). bleu/chrf/ter are CorpusLevelTranslationMetric:
# sacrebleu's corpus score over the whole task; lighteval passes only each doc's first gold to BLEU, but passes the
# docs' gold lists to chrF/TER as sacrebleu reference *streams* (doc i's golds are stream i).
from ..metrics.textgen import CorpusBLEU, CorpusChrF, CorpusTER, Rouge, SentenceBLEU  # noqa: E402

ALIASES += [
    Alias("lighteval", "0.13", "bleu", lambda: CorpusBLEU(references="first", pred=(_THINK,)),
          "lighteval bleu: remove <think> spans; sacrebleu corpus BLEU (13a, exp smoothing) against each doc's "
          "first gold"),
    Alias("lighteval", "0.13", "chrf", lambda: CorpusChrF(references="sample_lists_as_streams", pred=(_THINK,)),
          "lighteval chrf: remove <think> spans; sacrebleu corpus chrF with doc i's gold list passed as reference "
          "stream i (hypothesis j meets the j-th gold of every doc; docs past the shortest gold list are dropped)"),
    Alias("lighteval", "0.13", "chrf_plus",
          lambda: CorpusChrF(word_order=2, references="sample_lists_as_streams", pred=(_THINK,)),
          "lighteval chrf_plus ('chrf++'): as lighteval chrf with word bigrams (sacrebleu CHRF(word_order=2))",
          also=("chrf++",)),
    Alias("lighteval", "0.13", "ter", lambda: CorpusTER(references="sample_lists_as_streams", pred=(_THINK,)),
          "lighteval ter: remove <think> spans; sacrebleu corpus TER (lower is better) with doc i's gold list "
          "passed as reference stream i, as lighteval chrf"),
]
for _rt, _name in (("rouge1", "rouge1"), ("rouge2", "rouge2"), ("rougel", "rougeL"), ("rougelsum", "rougeLsum")):
    ALIASES.append(Alias(
        "lighteval", "0.13", _name, functools.partial(Rouge, rouge_type=_rt, combine="mean", pred=(_THINK,)),
        f"lighteval {_name}: remove <think> spans; rouge-score {_name} F-measure (no stemming) against each gold, "
        "numpy mean over golds"))

# rouge_t5 (ROUGE(bootstrap=True) with bigbench_normalizer on both sides): rouge-score's BootstrapAggregator over
# zip(golds, predictions) - one prediction, so the first gold only, and the bootstrap "mid" of a single score is
# that score - times 100; np.mean over samples.
_BIGBENCH = NORMALIZERS["bigbench_normalizer"]
for _rt, _name in (("rouge1", "rouge1"), ("rouge2", "rouge2"), ("rougel", "rougeL"), ("rougelsum", "rougeLsum")):
    ALIASES.append(Alias(
        "lighteval", "0.13", f"rouge_t5/{_name}",
        functools.partial(Rouge, rouge_type=_rt, combine="first", percent=True, pred=(_THINK,) + _BIGBENCH,
                          ref=_BIGBENCH),
        f"lighteval rouge_t5 value {_name}: remove <think> spans; bigbench_normalizer (' . ' -> '.\\n') on both; "
        f"100 x rouge-score {_name} F-measure (no stemming) against the first gold only"))

# bleu_1 / bleu_4 (sample-level BLEU(n_gram)): nltk sentence_bleu over nltk word_tokenize tokens, every gold a
# reference, weight 1 on the one order n of four; np.mean over samples.
for _n in (1, 4):
    ALIASES.append(Alias(
        "lighteval", "0.13", f"bleu_{_n}", functools.partial(SentenceBLEU, order=_n, weights="single", pred=(_THINK,)),
        f"lighteval bleu_{_n}: remove <think> spans; nltk sentence_bleu on nltk word_tokenize tokens against every "
        f"gold, weights one-hot on {_n}-grams (that precision times the brevity penalty, no smoothing); needs "
        "nltk's punkt_tab data"))

# ---- G-Pass@k (lighteval 0.13 Metrics.g_pass_at_k, GPassAtK(strip_strings=True)): one alias per reported value.
from ..metrics.sampling import GPassAtK, MGPassAtK  # noqa: E402


def _g_metric(normalize, strip_strings, type_exact_match):
    pre = _preprocess(normalize, strip_strings)
    scorer = _scorer(type_exact_match, pre)
    return ExactMatch(mode=scorer.mode, pred=(_THINK,) + pre, ref=pre)


def g_pass_at_k(k=None, n=None, threshold=0.0, normalize=None, strip_strings=True, type_exact_match="full"):
    if k is None:
        raise InvalidConfig("lighteval:g_pass_at_k needs k")
    return GPassAtK(k=k, n=n, threshold=threshold, metric=_g_metric(normalize, strip_strings, type_exact_match),
                    references="exactly_one")


def mg_pass_at_k(k=None, n=None, normalize=None, strip_strings=True, type_exact_match="full"):
    if k is None:
        raise InvalidConfig("lighteval:g_pass_at_k needs k")
    return MGPassAtK(k=k, n=n, metric=_g_metric(normalize, strip_strings, type_exact_match),
                     references="exactly_one")


ALIASES += [
    Alias("lighteval", "0.13", "g_pass_at_k/g-pass@k_t", g_pass_at_k,
          "lighteval g_pass_at_k value 'g-pass@{k}_{t}': remove <think> spans; preprocess (strip by default) the "
          "single gold and the first n samples, exact match each; hypergeometric P(at least max(ceil(k*t),1) of k "
          "draws correct) via scipy", also=("g-pass@k",), example={"k": 4, "threshold": 0.5}),
    Alias("lighteval", "0.13", "g_pass_at_k/mg-pass@k", mg_pass_at_k,
          "lighteval g_pass_at_k value 'mg-pass@{k}': as g-pass@k, averaged over the thresholds above 0.5 "
          "(2/k times the sum of the tails for m = ceil(k/2)+1 .. k)", also=("mg-pass@k",), example={"k": 4}),
]


# ---- lighteval.metrics.normalizations functions as single steps (usable in any pipeline).


def _remove_articles(language=None):
    if language is None:
        raise InvalidConfig("lighteval:remove_articles needs language (a lighteval Language value such as 'fra')")
    return StripArticles(language=language)


ALIASES += [
    Alias("lighteval", "0.13", "remove_articles", _remove_articles,
          "lighteval normalizations.remove_articles(text, lang): the language's articles (whole words, "
          "case-sensitive, Unicode word boundaries) become spaces", example={"language": "fra"}),
    Alias("lighteval", "0.13", "remove_punc", lambda: NORMALIZERS["remove_punc"][0],
          "lighteval normalizations.remove_punc: delete Unicode punctuation (categories P*) and ASCII "
          "string.punctuation"),
    Alias("lighteval", "0.13", "helm_normalizer", lambda: NORMALIZERS["helm_normalizer"][0],
          "lighteval normalizations.helm_normalizer: split on ' ' or '-'; per token lowercase, delete ASCII "
          "punctuation, cast through float if it parses, articles a/an/the become spaces, collapse whitespace; drop "
          "empty tokens; join with spaces"),
    Alias("lighteval", "0.13", "remove_braces", lambda: NORMALIZERS["remove_braces"][0],
          "lighteval normalizations.remove_braces: drop one leading '{' and one trailing '}'"),
    Alias("lighteval", "0.13", "remove_braces_and_strip", lambda: NORMALIZERS["remove_braces_and_strip"][0],
          "lighteval normalizations.remove_braces_and_strip: strip whitespace, then drop one leading '{' and one "
          "trailing '}'"),
    Alias("lighteval", "0.13", "bigbench_normalizer", lambda: NORMALIZERS["bigbench_normalizer"][0],
          "lighteval normalizations.bigbench_normalizer: replace ' . ' with '.\\n'"),
]

# ---- lighteval's multilingual normalizer (normalizations.get_multilingual_normalizer(language, lower=True)) and the
# metrics built on it (dynamic_metrics.MultilingualQuasiExactMatchMetric / MultilingualQuasiF1ScoreMetric).
# The normalizer: remove_articles(text, language) -> remove_punc -> str.lower (if lower) -> the language's word
# tokenizer (lighteval metrics/utils/linguistic_tokenizers.TOKENIZER_FACTORY), words stripped, empty ones dropped,
# joined with spaces.
from ..normalizers import ARTICLES_BY_LANGUAGE, Lowercase, WordTokenize  # noqa: E402

# lighteval Language values (ISO 639-3) -> spaCy blank-pipeline code, as TOKENIZER_FACTORY has them. A language
# not listed falls back to whitespace splitting.
_SPACY_BY_LANGUAGE = dict(pair.split(":") for pair in (
    "eng:en kor:ko deu:de fra:fr dan:da nld:nl est:et fin:fi ell:el ita:it mal:ml nor:nb pol:pl por:pt rus:ru "
    "slv:sl spa:es swe:sv tur:tr zho:zh jpn:ja vie:vi ind:id fas:fa ara:ar hin:hi tam:ta urd:ur mar:mr tel:te hun:hu "
    "ron:ro ukr:uk slk:sk bul:bg cat:ca hrv:hr lat:la srp:sr lit:lt heb:he lav:lv isl:is hye:hy eus:eu tha:th tgl:tl "
    "sqi:sq mkd:mk aze:az amh:am ben:bn msa:ms nep:ne guj:gu kan:kn nno:nn sin:si tat:tt afr:af kir:ky gle:ga ltz:lb "
    "san:sa yor:yo hbs:sr bos:hr epo:en oci:ca swa:en jav:en uzb:tr tgk:ru kur:en bak:tt fry:nl yid:he som:en tuk:tr "
    "pus:xx mlg:en"
).split())
# lighteval tokenizes these with Stanza (models downloaded at run time) or, for Czech, asks spaCy for the unknown
# code "cz" and fails: not reproduced.
_NOT_REPRODUCED = {"kaz": "Stanza", "cym": "Stanza", "mlt": "Stanza", "bel": "Stanza", "bre": "Stanza",
                   "ces": "spaCy language 'cz', which spaCy does not have (lighteval raises)"}
# Every lighteval 0.13 Language value.
LANGUAGES = frozenset((
    "ace acm acq aeb afr ajp aka als amh apc ara arb ars ary arz asm ast awa ayr azb aze azj bak bam ban bel bem ben "
    "bho bih bjn bod bos bre bug bul cat ceb ces cjk ckb crh cym dan deu dik div dyu dzo ell eng epo est eus ewe fao "
    "fas fij fin fon fra fry fur fuv gaz gla gle glg grn guj hat hau hbs heb hin hne hrv hti hun hye ibo ilo ind isl "
    "ita jav jpn kab kac kam kan kas kat kaz kbp kea khk khm kik kin kir kmb kmr knc kon kor kur lao lat lav lij lim "
    "lin lit lmo ltg ltz lua lug luo lus lvs mag mai mal mar min mkd mlg mlt mni mos mri msa mya nep nld nno nob nor "
    "nso nus nya oci ori ory pag pan pap pbt pes plt pol por prs pus que quy ron run rus sag san sat scn shn sin slk "
    "slv smo sna snd som sot spa sqi srd srp ssw sun swa swe szl tam taq tat tel tgk tgl tha tir tpi tsn tso tuk tum "
    "tur twi tzm udm uig ukr umb urd uzb uzn vec vie war wol xho ydd yid yor yue zho zsm zul"
).split())


def _language(language, who):
    if language is None:
        raise InvalidConfig(f"lighteval:{who} needs language (a lighteval Language value such as 'fra')")
    language = getattr(language, "value", language)  # a lighteval Language member works too
    if language not in LANGUAGES:
        raise InvalidConfig(f"lighteval:{who}: language must be a lighteval Language value (ISO 639-3, e.g. 'fra');"
                            f" got {language!r}")
    if language in _NOT_REPRODUCED:
        raise InvalidConfig(f"lighteval:{who}: lighteval's word tokenizer for {language!r} is "
                            f"{_NOT_REPRODUCED[language]}; evalmetrics does not reproduce it")
    return language


def multilingual_normalizer(language=None, lower=True, who="multilingual_normalizer"):
    """The steps of lighteval's ``get_multilingual_normalizer(language, lower)``."""
    language = _language(language, who)
    if not isinstance(lower, bool):
        raise InvalidConfig(f"lighteval:{who}: lower must be true or false; got {lower!r}")
    spacy_code = _SPACY_BY_LANGUAGE.get(language)
    if spacy_code is None:
        words = WordTokenize()
    else:
        words = WordTokenize(tokenizer="spacy", language=spacy_code,
                             segmenter="jieba" if spacy_code == "zh" else "default")
    articles = (StripArticles(language=language),) if language in ARTICLES_BY_LANGUAGE else ()
    return articles + (StripPunct(chars="ascii_and_unicode"),) + ((Lowercase(),) if lower else ()) + (words,)


def multilingual_quasi_exact_match(language=None, match_type="full"):
    steps_ = multilingual_normalizer(language, who="multilingual_quasi_exact_match")
    return exact_matches(normalize_gold=steps_, normalize_pred=steps_, type_exact_match=match_type)


def multilingual_quasi_f1_score(language=None):
    steps_ = multilingual_normalizer(language, who="multilingual_quasi_f1_score")
    return f1_score(normalize_gold=steps_, normalize_pred=steps_)


ALIASES += [
    Alias("lighteval", "0.13", "multilingual_quasi_exact_match", multilingual_quasi_exact_match,
          "lighteval MultilingualQuasiExactMatchMetric(language, match_type) (metric name "
          "'exact_match_{language}_{match_type}'): remove <think> spans; empty output scores 0; the multilingual "
          "normalizer on both (the language's articles, Unicode and ASCII punctuation deleted, lowercase, the "
          "language's word tokenizer: spaCy's blank pipeline or whitespace; words joined by spaces); full, prefix "
          "or suffix match; best over golds",
          also=("MultilingualQuasiExactMatchMetric",), example={"language": "fra"}),
    Alias("lighteval", "0.13", "multilingual_quasi_f1_score", multilingual_quasi_f1_score,
          "lighteval MultilingualQuasiF1ScoreMetric(language) (metric name 'f1_{language}'): remove <think> spans; "
          "the multilingual normalizer on both; F1 over sets of whitespace tokens (nltk f_measure); best over golds",
          also=("MultilingualQuasiF1ScoreMetric",), example={"language": "fra"}),
]
