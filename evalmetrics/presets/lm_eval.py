"""lm-evaluation-harness (lm_eval 0.4.x) names as explicit pipelines. Data: compositions of shared steps."""
from __future__ import annotations

from ..errors import InvalidConfig
from ..extractors import RegexExtract, SplitTake
from ..metrics.match import ExactMatch
from ..normalizers import ListLiteralRender, Lowercase, RegexRemove, RemoveDigits, Strip, StripPunct
from .alias import Alias

_NUL = Strip(which="right", chars="\x00")


def exact_match_steps(ignore_case=False, ignore_punctuation=False, ignore_numbers=False, regexes_to_ignore=None):
    """The steps lm_eval's ``exact_match`` applies to both prediction and reference, in its order.

    Regexes (list order), then lowercase, then ASCII punctuation, then ASCII digits. lm_eval holds the strings in
    one-element numpy arrays between steps: reading an element drops trailing NULs (so NULs are stripped before
    each later regex and at the end) and ``numpy.char.lower`` cuts its result to the array's width.
    """
    if regexes_to_ignore is not None and (
        isinstance(regexes_to_ignore, str) or not all(isinstance(r, str) for r in regexes_to_ignore)
    ):
        raise InvalidConfig(f"lm_eval:exact_match: regexes_to_ignore must be a list of strings; got {regexes_to_ignore!r}")
    for k, v in (("ignore_case", ignore_case), ("ignore_punctuation", ignore_punctuation), ("ignore_numbers", ignore_numbers)):
        if not isinstance(v, bool):
            raise InvalidConfig(f"lm_eval:exact_match: {k} must be true or false; got {v!r}")
    out = []
    for i, pattern in enumerate(regexes_to_ignore or ()):
        if i:
            out.append(_NUL)
        out.append(RegexRemove(pattern))
    if ignore_case:
        out.append(Lowercase(method="numpy_fixed_width"))
    if ignore_punctuation:
        out.append(StripPunct(chars="ascii"))
    if ignore_numbers:
        out.append(RemoveDigits())
    # With regexes_to_ignore=[] and no option set, lm_eval compares plain Python lists: no numpy, no NUL rule.
    if regexes_to_ignore is None or regexes_to_ignore or ignore_case or ignore_punctuation or ignore_numbers:
        out.append(_NUL)
    return tuple(out)


def exact_match(ignore_case=False, ignore_punctuation=False, ignore_numbers=False, regexes_to_ignore=None):
    return ExactMatch(normalize=exact_match_steps(ignore_case, ignore_punctuation, ignore_numbers, regexes_to_ignore))


def regex_filter(regex_pattern=r"#### (\-?[0-9\.\,]+)", group_select=0, fallback="[invalid]"):
    """lm_eval's ``regex`` filter: findall, pick ``group_select`` from the match list, strip; else ``fallback``."""
    return RegexExtract(pattern=regex_pattern, match_index=group_select, fallback=fallback, strip=True)


_GSM8K_EM = dict(ignore_case=True, ignore_punctuation=False, regexes_to_ignore=[",", "\\$", "(?s).*#### ", "\\.$"])


# How each task's doc_to_target template renders the reference (then lm_eval's list-literal rule).
_TARGET_AS_IS = (ListLiteralRender(),)  # "{{answer}}"
_TARGET_AFTER_HASHES = (SplitTake(sep="####", index=-1), Strip(), ListLiteralRender())  # answer.split('####')[-1].strip()


def _task(extract_steps, target=_TARGET_AS_IS, **em_options):
    def build():
        return ExactMatch(extract=extract_steps, extract_ref=target, normalize=exact_match_steps(**em_options))

    return build


_STRICT = regex_filter(r"#### (\-?[0-9\.\,]+)", 0)
_FLEX = regex_filter(r"(-?[$0-9.,]{2,})|(-?[0-9]+)", -1)
_COT_STRICT = regex_filter(r"The answer is (\-?[0-9\.\,]+).", 0)
_LLAMA_STRICT = regex_filter(r"The final answer is ((-?[$0-9.,]{2,})|(-?[0-9]+))", -1)
_NQ_REGEX = ["\\b(?:The |the |An |A |The |a |an )"]

ALIASES = [
    Alias(
        "lm_eval", "0.4", "exact_match", exact_match,
        "lm_eval's exact_match: optional regex removal, lowercase, ASCII punctuation and digit deletion on both "
        "sides, then plain equality (no stripping)",
        also=("em", "exact"),
    ),
    Alias(
        "lm_eval", "0.4", "gsm8k/strict-match", _task((_STRICT,), **_GSM8K_EM),
        "gsm8k strict-match: first '#### N' in the output, then exact_match with gsm8k's options on both sides",
    ),
    Alias(
        "lm_eval", "0.4", "gsm8k/flexible-extract", _task((_FLEX,), **_GSM8K_EM),
        "gsm8k flexible-extract: last number-like span in the output, then exact_match with gsm8k's options",
    ),
    Alias(
        "lm_eval", "0.4", "gsm8k-cot/strict-match", _task((_COT_STRICT,), _TARGET_AFTER_HASHES, **_GSM8K_EM),
        "gsm8k-cot strict-match: first 'The answer is N' (any character after N), then gsm8k's exact_match",
    ),
    Alias(
        "lm_eval", "0.4", "gsm8k-cot/flexible-extract", _task((_FLEX,), _TARGET_AFTER_HASHES, **_GSM8K_EM),
        "gsm8k-cot flexible-extract: last number-like span, then gsm8k's exact_match",
    ),
    Alias(
        "lm_eval", "0.4", "gsm8k-cot-llama/strict-match", _task((_LLAMA_STRICT,), _TARGET_AFTER_HASHES, **_GSM8K_EM),
        "gsm8k-cot-llama strict-match: last 'The final answer is N', then gsm8k's exact_match",
    ),
    Alias(
        "lm_eval", "0.4", "gsm8k-cot-llama/flexible-extract", _task((_FLEX,), _TARGET_AFTER_HASHES, **_GSM8K_EM),
        "gsm8k-cot-llama flexible-extract: last number-like span, then gsm8k's exact_match",
    ),
    Alias(
        "lm_eval", "0.4", "triviaqa", _task((Strip(),), (), ignore_case=True, ignore_punctuation=True),
        "triviaqa: strip the output, then exact_match ignoring case and ASCII punctuation; any alias matching",
    ),
    Alias(
        "lm_eval", "0.4", "nq_open",
        _task((Strip(),), (), ignore_case=True, ignore_punctuation=True, regexes_to_ignore=_NQ_REGEX),
        "nq_open: strip the output, remove leading articles (case-sensitive, before lowercasing), then "
        "exact_match ignoring case and ASCII punctuation; any answer matching",
    ),
]

# ---- multiple choice (output_type: multiple_choice); texts = doc_to_choice strings without the delimiter
from ..metrics.choice import GreedyMatch, LoglikelihoodMatch  # noqa: E402

ALIASES += [
    Alias("lm_eval", "0.4", "acc", lambda: LoglikelihoodMatch(norm="none", zero_length="ieee"),
          "lm_eval acc (multiple_choice): argmax of the summed log-probabilities is gold", also=("accuracy",)),
    Alias("lm_eval", "0.4", "acc_norm", lambda: LoglikelihoodMatch(norm="char", zero_length="ieee"),
          "lm_eval acc_norm: argmax of log-probability / characters of the choice text (without the target "
          "delimiter) is gold"),
    Alias("lm_eval", "0.4", "acc_bytes", lambda: LoglikelihoodMatch(norm="byte", zero_length="ieee"),
          "lm_eval acc_bytes: argmax of log-probability / UTF-8 bytes of the choice text is gold"),
    Alias("lm_eval", "0.4", "acc_mutual_info",
          lambda: LoglikelihoodMatch(norm="pmi", zero_length="ieee", multi_gold="error"),
          "lm_eval acc_mutual_info: argmax of log p(choice|context) - log p(choice) is gold; one gold only"),
    Alias("lm_eval", "0.4", "multiple_choice/exact_match", GreedyMatch,
          "lm_eval exact_match on a multiple_choice task: the gold choice's continuation is the greedy decoding "
          "(not a string comparison)", also=("exact_match",)),
    Alias("lm_eval", "0.4", "loglikelihood/acc", GreedyMatch,
          "lm_eval acc on a loglikelihood task (e.g. lambada): the target continuation is the greedy decoding; "
          "pass Choices(logprobs=[ll], gold=0, is_greedy=[g])"),
]

# ---- drop (per-sample em / f1; answers: the answer plus validated answers, each a list of spans)
from ..metrics.drop import DropMatch  # noqa: E402

ALIASES += [
    Alias("lm_eval", "0.4", "drop/em", lambda: DropMatch(value="em", count_check=True),
          "lm_eval drop em: DROP-normalized prediction equals an answer's spans (one span), best over answers"),
    Alias("lm_eval", "0.4", "drop/f1", lambda: DropMatch(value="f1"),
          "lm_eval drop f1: DROP's numeracy-aware bag-of-words F1, rounded to 2 decimals, best over answers"),
]

# ---- gsm8k-cot-self-consistency (repeats: 64): the vote is on the raw extracted strings, before EM normalization
from ..metrics.sampling import MajorityVote, MeanOverSamples  # noqa: E402

_SC_REGEX = regex_filter(r"The answer is (\-?[0-9\.\,]*[0-9]+)", 0)


def _sc_em():
    return ExactMatch(extract_ref=_TARGET_AFTER_HASHES, normalize=exact_match_steps(**_GSM8K_EM))


ALIASES += [
    Alias("lm_eval", "0.4", "gsm8k-cot-self-consistency/score-first",
          lambda: MeanOverSamples(n=1, metric=ExactMatch(extract=(_SC_REGEX,), extract_ref=_TARGET_AFTER_HASHES,
                                                         normalize=exact_match_steps(**_GSM8K_EM))),
          "gsm8k-cot-self-consistency score-first: the first sample's 'The answer is N', gsm8k's exact_match"),
    Alias("lm_eval", "0.4", "gsm8k-cot-self-consistency/maj@64",
          lambda: MajorityVote(n=None, vote=(_SC_REGEX,), metric=_sc_em()),
          "gsm8k-cot-self-consistency maj@64: 'The answer is N' from every sample, majority vote on the raw "
          "strings (ties: first seen), gsm8k's exact_match of the winner"),
    Alias("lm_eval", "0.4", "gsm8k-cot-self-consistency/maj@8",
          lambda: MajorityVote(n=8, strict_n=True, vote=(_SC_REGEX,), metric=_sc_em()),
          "gsm8k-cot-self-consistency maj@8: the first 8 samples (fewer is an error), then as maj@64"),
]

# ---- filters (text steps): lm_eval's filter names as aliases of the steps they are
from ..normalizers import MapText, Uppercase  # noqa: E402


def _map_filter(mapping_dict=None, default_value=None):
    if mapping_dict is not None and not isinstance(mapping_dict, dict):
        raise InvalidConfig(f"lm_eval:filter/map: mapping_dict must be a dict; got {mapping_dict!r}")
    return MapText(mapping=mapping_dict or {}, default=default_value)


ALIASES += [
    Alias("lm_eval", "0.4", "filter/regex", regex_filter,
          "lm_eval regex filter: findall, pick group_select from the list of matches, strip; fallback if none",
          also=("regex",)),
    Alias("lm_eval", "0.4", "filter/remove_whitespace", lambda: Strip(),
          "lm_eval remove_whitespace filter: strip whitespace from both ends (str.strip)"),
    Alias("lm_eval", "0.4", "filter/lowercase", lambda: Lowercase(method="python"),
          "lm_eval lowercase filter: str.lower"),
    Alias("lm_eval", "0.4", "filter/uppercase", lambda: Uppercase(),
          "lm_eval uppercase filter: str.upper"),
    Alias("lm_eval", "0.4", "filter/map", _map_filter,
          "lm_eval map filter: the whole response looked up in mapping_dict; default_value (None) otherwise"),
]

# ---- generative bbh / mmlu variants (lm_eval/tasks/bbh/*, mmlu/generative, mmlu/flan_*): one alias per filter
# pipeline shared by every task of the group. The reference is the rendered doc_to_target ("{{target}}", or the
# letter "{{['A', 'B', 'C', 'D'][answer]}}" / "(A)".. picks), re-read if it is a list literal, as for gsm8k.
# Per-task flexible-extract pipelines (bbh's utils.*Filter classes, mmlu's multi_choice_regex) are not aliased.
_BBH_ZEROSHOT_EM = dict(ignore_case=True, regexes_to_ignore=["\\.$", ",", "\n", "\\\\", '"'])
_BBH_COT_ZEROSHOT_EM = dict(ignore_case=True, regexes_to_ignore=["\\.$", ",", "\\\\", "\n", '"'])
_MMLU_EM = dict(ignore_case=True, ignore_punctuation=True)
_ANSWER_IS = (r"((?<=The answer is )(.*)(?=.)|(?<=the answer is )(.*)(?=.)|(?<=The answer: )(.*)(?=.)"
              r"|(?<=The final answer: )(.*)(?=.))")
_MMLU_ANSWER_IS = (r"((?<=The answer is )(.*)(?=.)|(?<=answer is )(.*)(?=.)|(?<=The answer: )(.*)(?=.)"
                   r"|(?<=The final answer: )(.*)(?=.))")

ALIASES += [
    Alias("lm_eval", "0.4", "bbh_cot_fewshot/get-answer",
          _task((regex_filter("(?<=the answer is )(.*)(?=.)", 0),), regexes_to_ignore=None),
          "bbh_cot_fewshot get-answer: the first text after 'the answer is ' up to the last character before the "
          "line's end (lowercase 'the' only), stripped ('[invalid]' if none); exact_match without options "
          "(case and punctuation count)"),
    Alias("lm_eval", "0.4", "bbh_fewshot", _task((), regexes_to_ignore=None),
          "bbh_fewshot: the whole output, exact_match without options against the rendered target (no "
          "stripping: a leading space fails)"),
    Alias("lm_eval", "0.4", "mmlu_flan_n_shot_generative/strict-match", _task((), regexes_to_ignore=None),
          "mmlu_flan_n_shot_generative strict-match: the whole output, exact_match without options against "
          "'(A)'..'(D)' (no stripping: a leading space fails)"),
    Alias("lm_eval", "0.4", "bbh_zeroshot/strict-match", _task((), **_BBH_ZEROSHOT_EM),
          "bbh_zeroshot strict-match: the whole output; on both sides delete a final '.', every ',', newline, "
          "backslash and '\"' (in that order), lowercase, then equality (no stripping)"),
    Alias("lm_eval", "0.4", "bbh_cot_zeroshot/strict-match",
          _task((regex_filter(_ANSWER_IS, 0),), **_BBH_COT_ZEROSHOT_EM),
          "bbh_cot_zeroshot strict-match: the first text after 'The answer is ' / 'the answer is ' / "
          "'The answer: ' / 'The final answer: ' (all but its last character), stripped ('[invalid]' if none); "
          "then delete a final '.', ',', backslash, newline and '\"', lowercase, equality"),
    Alias("lm_eval", "0.4", "mmlu_generative/get_response",
          _task((regex_filter(r"^(.*?)(?=\n|$)", 0), Strip(), regex_filter(r"^(.*?)\s*$", 0)), **_MMLU_EM),
          "mmlu_generative get_response: the output's first line, stripped; then exact_match ignoring case and "
          "ASCII punctuation against the answer letter"),
    Alias("lm_eval", "0.4", "mmlu_flan_cot_zeroshot/strict-match",
          _task((regex_filter(_MMLU_ANSWER_IS, 0),), **_MMLU_EM),
          "mmlu_flan_cot_zeroshot strict-match: the first text after 'The answer is ' / 'answer is ' / "
          "'The answer: ' / 'The final answer: ' (all but its last character), stripped ('[invalid]' if none); "
          "exact_match ignoring case and ASCII punctuation against '(A)'..'(D)'"),
    Alias("lm_eval", "0.4", "mmlu_flan_cot_fewshot/get-answer",
          _task((regex_filter("(?<=answer is )(.*)(?=.)", 0),), **_MMLU_EM),
          "mmlu_flan_cot_fewshot get-answer: the first text after 'answer is ' (all but its last character), "
          "stripped ('[invalid]' if none); exact_match ignoring case and ASCII punctuation against '(A)'..'(D)'"),
]

# Log-likelihood aggregations (lm_eval/api/metrics.py): rolling tasks (wikitext, pile, paloma, ...) report
# (loglikelihood, words or bytes) per document; loglikelihood tasks (lambada) report the target's log-likelihood.
from ..metrics.perplexity import BitsPerUnit, MeanPerplexity, WeightedPerplexity  # noqa: E402

ALIASES += [
    Alias("lm_eval", "0.4", "word_perplexity", lambda: WeightedPerplexity(weight="words"),
          "lm_eval word_perplexity (weighted_perplexity aggregation): exp(-sum of document log-likelihoods / sum "
          "of words), words counted as len(re.split(r'\\s+', doc))"),
    Alias("lm_eval", "0.4", "byte_perplexity", lambda: WeightedPerplexity(weight="bytes"),
          "lm_eval byte_perplexity (weighted_perplexity aggregation): exp(-sum of document log-likelihoods / sum "
          "of UTF-8 bytes)"),
    Alias("lm_eval", "0.4", "bits_per_byte", lambda: BitsPerUnit(weight="bytes"),
          "lm_eval bits_per_byte: -(sum of document log-likelihoods / sum of UTF-8 bytes) / ln 2"),
    Alias("lm_eval", "0.4", "perplexity", MeanPerplexity,
          "lm_eval perplexity (loglikelihood tasks such as lambada): exp(-mean of the targets' log-likelihoods)"),
]
