"""lm_eval 0.4 task filters that go beyond one regex: ``multi_choice_regex`` and the filter classes of the bbh and
kormedmcqa task folders, as the extraction steps they are (DATA ONLY: compositions of shared steps).

| lm_eval filter                                   | alias                                      | step                      |
|--------------------------------------------------|--------------------------------------------|---------------------------|
| ``multi_choice_regex`` (lm_eval/filters)         | ``lm_eval:filter/multi_choice_regex``      | choice_letter_extract     |
| bbh ``utils.MultiChoiceRegexFilter``             | ``lm_eval:bbh/filter/multi_choice_regex``  | choice_letter_extract     |
| bbh ``utils.MapRegexFilter``                     | ``lm_eval:bbh/filter/map_regex``           | map_regex                 |
| bbh ``utils.NumberParseRegexFilter``             | ``lm_eval:bbh/filter/number_parse_regex``  | number_or_words           |
| bbh ``utils.WordSortFilter``                     | ``lm_eval:bbh/filter/word_sort``           | listed_words_in_order     |
| kormedmcqa ``utils.ExtractChoiceFilter``         | ``lm_eval:kormedmcqa/filter/extract_choice`` | chain(regex_cascade, uppercase) |

The bbh classes (lm_eval/tasks/bbh/zeroshot and cot_zeroshot, one file) are read by the task reader through the
SHA-256 of their file (``evalmetrics/integrations/lm_eval_tasks/filter_classes.py``). Each alias takes the
filter's own keyword arguments with its defaults. ``choice_letter_extract`` and ``listed_words_in_order`` read the
sample's document (its ``choices``, or its ``input``): a task row with them is a ``with_document`` metric.
"""
from __future__ import annotations

from ..document_steps import ChoiceLetterExtract, ListedWordsInOrder
from ..errors import InvalidConfig
from ..metrics.math import Chain
from ..normalizers import Lowercase, RegexRemove, StripPunct, Uppercase
from ..pattern_extractors import MapRegex, NumberOrWords, RegexCascade
from .alias import Alias

__all__ = ["ALIASES", "KORMEDMCQA_PATTERNS"]

_NUMBER = r"#### (\-?[0-9\.\,]+)"


def _texts(name, value, key):
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InvalidConfig(f"{name}: {key} must be a list of regular expressions; got {value!r}", field=key)
    return tuple(value)


def _flag(name, value, key):
    if not isinstance(value, bool):
        raise InvalidConfig(f"{name}: {key} must be true or false; got {value!r}", field=key)
    return value


def _multi_choice(choices, empty_groups, name):
    def build(regex_pattern=_NUMBER, group_select=0, fallback="[invalid]", ignore_case=False,
              ignore_punctuation=False, regexes_to_ignore=None):
        return ChoiceLetterExtract(pattern=regex_pattern, group_select=group_select, fallback=fallback,
                                   ignore_case=_flag(name, ignore_case, "ignore_case"),
                                   ignore_punctuation=_flag(name, ignore_punctuation, "ignore_punctuation"),
                                   regexes_to_ignore=_texts(name, regexes_to_ignore, "regexes_to_ignore"),
                                   choices=choices, empty_groups=empty_groups)

    return build


def ignore_steps(name, ignore_case=False, ignore_punctuation=False, regexes_to_ignore=None) -> tuple:
    """bbh's ``filter_ignores``: regexes deleted in order, then lowercasing, then Unicode punctuation deleted."""
    out = tuple(RegexRemove(p) for p in _texts(name, regexes_to_ignore, "regexes_to_ignore"))
    if _flag(name, ignore_case, "ignore_case"):
        out += (Lowercase(method="python"),)
    if _flag(name, ignore_punctuation, "ignore_punctuation"):
        out += (StripPunct(chars="unicode"),)
    return out


def _map_regex(regex_pattern_to_value=None, group_select=0, fallback="[invalid]", ignore_case=False,
               ignore_punctuation=False, regexes_to_ignore=None):
    name = "lm_eval:bbh/filter/map_regex"
    mapping = regex_pattern_to_value if regex_pattern_to_value is not None else {}
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise InvalidConfig(f"{name}: regex_pattern_to_value must map regular expressions to texts; got {mapping!r}",
                            field="regex_pattern_to_value")
    if not mapping:
        raise InvalidConfig(f"{name}: regex_pattern_to_value is empty (the filter then returns the fallback for "
                            f"every output; not modeled)", field="regex_pattern_to_value")
    return MapRegex(patterns=tuple(mapping), values=tuple(mapping.values()), group_select=group_select,
                    fallback=fallback, ignore=ignore_steps(name, ignore_case, ignore_punctuation, regexes_to_ignore),
                    empty_groups="error")


def _number_parse(regex_pattern=_NUMBER, group_select=0, fallback="[invalid]", ignore_case=False,
                  ignore_punctuation=False, regexes_to_ignore=None):
    # ignore_case, ignore_punctuation, regexes_to_ignore: accepted by the class (its base's __init__), never used
    # by its apply; checked, not applied.
    ignore_steps("lm_eval:bbh/filter/number_parse_regex", ignore_case, ignore_punctuation, regexes_to_ignore)
    return NumberOrWords(pattern=regex_pattern, group_select=group_select, fallback=fallback, empty_groups="error")


# kormedmcqa/utils.py CHOICE_PATTERNS (each compiled with re.IGNORECASE), tried in order.
KORMEDMCQA_PATTERNS = (r"(?i)정답[:\s]*([ABCDE])", r"(?i)정답은\s*([ABCDE])\s*입니다", r"(?i)\b([ABCDE])\.",
                       r"(?i)\b([ABCDE])\b")


ALIASES = [
    Alias("lm_eval", "0.4", "filter/multi_choice_regex",
          _multi_choice("field", "empty", "lm_eval:filter/multi_choice_regex"),
          "lm_eval multi_choice_regex filter: regex_pattern's match at group_select as is; else the document's "
          "choice texts (after regexes_to_ignore, ignore_case, ignore_punctuation) found in the output give the "
          "letter '(A)', '(B)', ...; else ': X' gives '(X)'; else fallback. Reads doc['choices']",
          also=("multi_choice_regex",)),
    Alias("lm_eval", "0.4", "bbh/filter/multi_choice_regex",
          _multi_choice("input_labels", "error", "lm_eval:bbh/filter/multi_choice_regex"),
          "lm_eval bbh utils.MultiChoiceRegexFilter (zeroshot, cot_zeroshot): as multi_choice_regex, with the "
          "choice texts read from the '(A) ...' labels of doc['input']; a kept match of only empty groups raises"),
    Alias("lm_eval", "0.4", "bbh/filter/map_regex", _map_regex,
          "lm_eval bbh utils.MapRegexFilter: the patterns of regex_pattern_to_value joined with '|' find the match "
          "at group_select (after the ignore options), and the first pattern matching it gives its value; else "
          "fallback",
          example={"regex_pattern_to_value": {"\\b(no|not plausible)\\b": "no", "\\b(yes|plausible)\\b": "yes"},
                   "ignore_case": True}),
    Alias("lm_eval", "0.4", "bbh/filter/number_parse_regex", _number_parse,
          "lm_eval bbh utils.NumberParseRegexFilter: regex_pattern's match at group_select; else English number "
          "words in the lowercased output converted to digits with word2number; else fallback (the ignore options "
          "are accepted and unused, as in lm_eval)"),
    Alias("lm_eval", "0.4", "bbh/filter/word_sort", lambda: ListedWordsInOrder(field="input", marker="List:"),
          "lm_eval bbh utils.WordSortFilter: the words listed after 'List:' in doc['input'] that occur in the "
          "output, each once at its last occurrence, in order, joined by spaces"),
    Alias("lm_eval", "0.4", "kormedmcqa/filter/extract_choice",
          lambda: Chain(steps=(RegexCascade(patterns=KORMEDMCQA_PATTERNS, match_index=-1, fallback=""),
                               Uppercase())),
          "lm_eval kormedmcqa utils.ExtractChoiceFilter: the last match of the first of its four letter patterns "
          "that matches (정답: X, 정답은 X 입니다, X., X; any case), uppercased; else the empty text"),
]
