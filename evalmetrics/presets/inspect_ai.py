"""Inspect AI (inspect-ai 0.3.x) string scorers as explicit pipelines. DATA ONLY.

Each alias takes the scorer's own keyword arguments (``em.get("inspect:match", location="end", numeric=True)``).
A scorer's verdict C/I is 1.0/0.0; ``f1`` is its per-sample value. The references are the sample's ``Target``
(a text or a list of texts).

The perplexity scorers (``perplexity()`` over every prompt token, ``target_perplexity()`` over the last N) record per
sample the summed token log-probabilities and their count (``Score.metadata``: ``sum_log_probs``, ``num_tokens``);
their two metrics are the ``inspect:perplexity_per_token`` and ``inspect:perplexity_per_seq`` aliases, which read
those records (the metadata dicts, or ``(sum_log_probs, num_tokens)`` pairs).
"""
from __future__ import annotations

import string

from ..errors import InvalidConfig
from ..metrics.choice_letters import ChoiceAnswerMatch
from ..metrics.match import F1, ExactMatch
from ..metrics.numeric_text import NumberOrTextMatch, RegexGroupsMatch, RoundedScore
from ..metrics.perplexity import GeometricMeanPerplexity, WeightedPerplexity
from ..normalizers import CollapseWhitespace, Lowercase, PerToken, RejectEmpty, Strip, StripArticles
from ..number_steps import FiniteFloatCast, StripNumberFormatting, StripPunctSparingNumbers
from ..units import run_steps
from ..word_steps import BlankIfListed, Casefold
from .alias import Alias

# inspect_ai._util.pattern: each takes the LAST "ANSWER:" of the output.
ANSWER_PATTERNS = {
    "letter": r"(?is)ANSWER\s*:\s*([A-Za-z])(?:[^\w]|\n|$)(?!.*ANSWER\s*:)",
    "word": r"(?is)ANSWER\s*:\s*(\S+?)(?=[.,;:!?]?\s*(?:\n|$))(?!.*ANSWER\s*:)",
    "line": r"(?i)ANSWER\s*:\s*([^\n]+)\s*\Z",
}
_LOCATIONS = {
    "begin": ("prediction_starts_with_reference", "first"),
    "end": ("prediction_ends_with_reference", "last"),
    "any": ("prediction_contains_reference", "any"),
    "exact": ("full", "whole"),
}
# inspect_ai._util.text.strip_punctuation: ASCII whitespace and punctuation off both edges.
_EDGE_PUNCT = Strip(chars=string.whitespace + string.punctuation)
# inspect_ai.scorer._classification._normalize_token, applied to each piece of the text split on " " or "-".
TOKEN_STEPS = (Casefold(), StripPunctSparingNumbers(), FiniteFloatCast(), StripArticles(), CollapseWhitespace())


def _one_of(key: str, value, allowed) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidConfig(f"parameter {key!r} must be one of {', '.join(map(repr, allowed))}; got "
                            f"{value!r}")
    return value


def _bool(key: str, value) -> bool:
    if not isinstance(value, bool):
        raise InvalidConfig(f"inspect: parameter {key!r} must be true or false; got {value!r}")
    return value


def match(location="end", ignore_case=True, numeric=False):
    mode, where = _LOCATIONS[_one_of("location", location, tuple(_LOCATIONS))]
    fold = [Strip()] + ([Casefold()] if _bool("ignore_case", ignore_case) else [])
    if not _bool("numeric", numeric):
        return ExactMatch(mode, normalize=fold + [_EDGE_PUNCT])
    return NumberOrTextMatch(mode, normalize=fold, normalize_ref=[StripNumberFormatting()], text_steps=[_EDGE_PUNCT],
                             number_location=where, number_steps=[StripNumberFormatting()])


def includes(ignore_case=True):
    return ExactMatch("prediction_contains_reference",
                      normalize=[Casefold()] if _bool("ignore_case", ignore_case) else None)


def pattern(pattern=None, ignore_case=True, match_all=False):
    if pattern is None:
        raise InvalidConfig("inspect:pattern needs 'pattern' (the regular expression that extracts the answer)")
    if not isinstance(pattern, str):
        raise InvalidConfig(f"inspect: parameter 'pattern' must be a regular expression (a string); got {pattern!r}")
    ic = _bool("ignore_case", ignore_case)
    return RegexGroupsMatch(pattern=pattern, ignore_case=ic, require="all" if _bool("match_all", match_all) else "any",
                            normalize=(Lowercase(),) if ic else (), empty_answer_scores_zero=True)


def answer(pattern=None):
    if pattern is None:
        raise InvalidConfig("inspect:answer needs 'pattern': one of 'letter', 'word', 'line'")
    p = ANSWER_PATTERNS[_one_of("pattern", pattern, tuple(ANSWER_PATTERNS))]
    return RegexGroupsMatch(pattern=p, ignore_case=True, require="any", normalize=(Lowercase(),),
                            empty_answer_scores_zero=True)


def _tokens(stop_words=None) -> PerToken:
    steps = TOKEN_STEPS
    if stop_words is not None:
        if isinstance(stop_words, str) or not isinstance(stop_words, (list, tuple)) or \
                not all(isinstance(w, str) for w in stop_words):
            raise InvalidConfig(f"inspect: parameter 'stop_words' must be a list of words; got {stop_words!r}")
        # a word that folds to "" (an article, punctuation) changes nothing: empty tokens are dropped anyway
        folded = [f for f in (run_steps(TOKEN_STEPS, w) for w in stop_words) if f]
        if folded:
            steps = steps + (BlankIfListed(words=tuple(folded)),)
    return PerToken(split=" |-", steps=steps, drop_empty=True, join=" ", strip=True)


def exact():
    return ExactMatch(normalize=[_tokens()], normalize_ref=[RejectEmpty()])


def f1(stop_words=None):
    return RoundedScore(metric=F1(bag="multiset", formula="ratio", empty="zero", normalize=[_tokens(stop_words)],
                                  normalize_ref=[RejectEmpty()]), decimals=2)


def choice(multiple_correct=False):
    return ChoiceAnswerMatch(multiple_correct=_bool("multiple_correct", multiple_correct))


def _numeric_quirk() -> list[str]:
    m = match(numeric=True)
    a, b = m.score("The answer is 123459", "123456"), m.score("The answer is 123469", "123456")
    return [f"inspect:match with numeric=True writes both numbers with 5 significant digits before comparing: "
            f"output 'The answer is 123459' vs target '123456' scores {a:g}, 'The answer is 123469' scores {b:g}"]


_V = "0.3"
ALIASES = [
    Alias("inspect", _V, "match", match,
          "Inspect AI match(): strip, case-fold, trim ASCII punctuation at the edges; the target must end the output "
          "(location begin/end/any/exact); numeric=True: a numeric target is compared with the output's last "
          "(first/any/whole) number, both written with 5 significant digits",
          config_doc={"location": "begin | end | any | exact", "ignore_case": "case-fold both (default true)",
                      "numeric": "compare numbers to 5 significant digits when the target is a number"},
          quirks=_numeric_quirk),
    Alias("inspect", _V, "includes", includes,
          "Inspect AI includes(): the target (case-folded) occurs anywhere in the output (case-folded); no stripping",
          config_doc={"ignore_case": "case-fold both (default true)"}),
    Alias("inspect", _V, "pattern", pattern,
          "Inspect AI pattern(): the regex's groups from the output (the whole match if none) must equal a target "
          "(lowercased when ignore_case); match_all: every group must",
          config_doc={"pattern": "the regex (required)", "ignore_case": "default true", "match_all": "default false"},
          example={"pattern": r"ANSWER: (\w+)"}),
    Alias("inspect", _V, "answer", answer,
          "Inspect AI answer(): the text after the last 'ANSWER:' (a letter, a word, or the rest of the line) equals "
          "a target, case-insensitively",
          config_doc={"pattern": "letter | word | line (required)"}, example={"pattern": "letter"}),
    Alias("inspect", _V, "exact", exact,
          "Inspect AI exact(): split on ' ' and '-', per token case-fold, delete punctuation (sparing numbers), "
          "write floats as str(float), drop articles; equality; targets empty after that never match"),
    Alias("inspect", _V, "f1", f1,
          "Inspect AI f1(): exact()'s tokens (no stop words removed by default; stop_words= drops a list), "
          "multiset token F1 2PR/(P+R), best over targets, rounded to 2 decimals per sample",
          config_doc={"stop_words": "words dropped from both sides (normalized as tokens are)"}),
    Alias("inspect", _V, "choice", choice,
          "Inspect AI choice() after the multiple_choice solver: the labels after the last 'ANSWER:' (unwrapped from "
          "$X$ / **X** / (X)) select choices; correct if exactly the target's. Takes each sample's document "
          "(its 'choices')",
          config_doc={"multiple_correct": "the multiple_choice solver's key: several labels may be selected"}),
    Alias("inspect", _V, "perplexity_per_token", lambda: WeightedPerplexity(weight="tokens", unscored="skip"),
          "Inspect AI perplexity_per_token (the metric of its perplexity() and target_perplexity() scorers): "
          "exp(-sum of the samples' summed token log-probabilities / sum of their token counts); long samples weigh "
          "more; a sample without both keys is skipped (Inspect AI warns and counts it as 0 tokens; provenance lists "
          "the skipped), no tokens at all is NaN. Each sample: the scorer's metadata (sum_log_probs, num_tokens)"),
    Alias("inspect", _V, "perplexity_per_seq", lambda: GeometricMeanPerplexity(weight="tokens", unscored="skip"),
          "Inspect AI perplexity_per_seq (the metric of its perplexity() and target_perplexity() scorers): exp(mean "
          "over samples of -sum_log_probs / num_tokens), the geometric mean of per-sample perplexities; every sample "
          "weighs the same; a sample without both keys or with num_tokens 0 is skipped, as Inspect AI skips it "
          "(provenance lists the skipped), nothing left is NaN. Each sample: the scorer's metadata (sum_log_probs, "
          "num_tokens)"),
]
