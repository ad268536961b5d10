"""Extractors built from several regular expressions: a cascade of patterns, a pattern-to-value map, and a number
written in digits or in English words.

They share one rule for "a match" (:func:`find_match`): list the matches as ``re.findall`` does, keep the one at
``group_select`` (an index past the end is an ``InvalidInput`` error, as the harness raises there), take the first
non-empty group of a multi-group match, strip it. A kept text that is empty counts as no match. lm_eval's bbh task
filters (``MapRegexFilter``, ``NumberParseRegexFilter``) and kormedmcqa's ``ExtractChoiceFilter`` are these steps
(see ``evalmetrics/presets/lm_eval_filters.py``).

>>> from evalmetrics.pattern_extractors import MapRegex
>>> MapRegex(patterns=[r"\\b(no|not plausible)\\b", r"\\b(yes|plausible)\\b"], values=["no", "yes"]).apply("Plausible? yes")
'yes'
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from . import _regex
from ._packages import installed_version, pip_extra
from .errors import InvalidConfig, InvalidInput
from .extractors import Extractor
from .units import enum, flag, integer, register, run_steps, steps, text, texts

__all__ = ["RegexCascade", "MapRegex", "NumberOrWords", "find_match", "EMPTY_GROUPS"]

EMPTY_GROUPS = ("empty", "error")
_EMPTY_GROUPS_DOC = ("a kept match whose groups are all empty: empty (the empty text, no match) or error (the harness "
                     "raises IndexError)")


def find_match(compiled, text: str, group_select: int, empty_groups: str, owner: str, strip: bool = True):
    """The match at ``group_select`` among ``findall``'s (first non-empty group of a tuple), stripped; None if none.

    An index past the end, or (``empty_groups="error"``) a tuple of empty groups, raises ``InvalidInput``."""
    matches = _regex.findall(compiled, text)
    if not matches:
        return None
    try:
        m = matches[group_select]
    except IndexError:
        raise InvalidInput(f"{owner}: group_select {group_select} but the text has {len(matches)} match(es) of "
                           f"{_regex.shown(compiled.pattern)} (the harness "
                           f"raises IndexError here)") from None
    if isinstance(m, tuple):
        nonempty = [g for g in m if g]
        if not nonempty:
            if empty_groups == "error":
                raise InvalidInput(f"{owner}: the kept match has only empty groups (the harness raises IndexError "
                                   f"here)")
            return ""
        m = nonempty[0]
    return m.strip() if strip else m


def _which(i: int) -> str:
    return {0: "the first match", -1: "the last match"}.get(i, f"match #{i}")


@register
@dataclass(frozen=True, repr=False)
class RegexCascade(Extractor):
    r"""Try ``patterns`` in order; the first one that matches at all gives the answer (its match at ``match_index``).

    Matches are listed as ``re.findall`` lists them (the group of a one-group pattern; the first non-empty group of
    a multi-group one); the kept match is not stripped. No pattern matching: ``fallback``. kormedmcqa's
    ``ExtractChoiceFilter`` is this cascade (last match, fallback the empty text) followed by ``uppercase``.

    >>> c = RegexCascade(patterns=[r"(?i)answer[:\s]*([ABCDE])", r"(?i)\b([ABCDE])\b"], match_index=-1, fallback="")
    >>> c.apply("A or b? Answer: c"), c.apply("A or b?"), c.apply("none")
    ('c', 'b', '')
    """

    name: ClassVar[str] = "regex_cascade"
    summary: ClassVar[str] = "the first of several regular expressions that matches gives the answer"
    patterns: tuple = texts((r"(\d+)",), "the regular expressions (Python re syntax), tried in order")
    match_index: int = integer(-1, "which match of the first matching pattern: 0 first, -1 last")
    fallback: str | None = text("", "result when no pattern matches (none: no answer)", optional=True)

    def _validate(self):
        if not self.patterns:
            raise InvalidConfig("regex_cascade: parameter 'patterns' must name at least one pattern; got ()",
                                field="patterns")
        for p in self.patterns:
            _regex.compile_pattern(p, "regex_cascade")

    @functools.cached_property
    def _compiled(self):
        return tuple(_regex.compile_pattern(p, "regex_cascade") for p in self.patterns)

    def apply(self, text: str) -> str | None:
        for c in self._compiled:
            matches = _regex.findall(c, text)
            if matches:
                return find_match(c, text, self.match_index, "empty", "regex_cascade", strip=False)
        return self.fallback

    def describe(self):
        pats = ", ".join(_regex.shown(p) for p in self.patterns)
        fb = "no answer (scores 0)" if self.fallback is None else repr(self.fallback)
        return f"try the regexes {pats} in order; the first that matches gives {_which(self.match_index)}; if none: {fb}"


@register
@dataclass(frozen=True, repr=False)
class MapRegex(Extractor):
    r"""Map the output to the value of the first pattern that matches the kept match of all the patterns.

    The rule (lm_eval bbh's ``MapRegexFilter``): ``ignore`` steps run on the output; the patterns joined with ``|``
    find the match at ``group_select`` (see :func:`find_match`); ``ignore`` runs again on that match, and the first
    pattern (in order) that matches it there gives its value. No match, or an empty one: ``fallback``.

    >>> m = MapRegex(patterns=[r"\b(no|not plausible)\b", r"\b(yes|plausible)\b"], values=["no", "yes"])
    >>> m.apply("That is not plausible."), m.apply("maybe")
    ('no', '[invalid]')
    """

    name: ClassVar[str] = "map_regex"
    summary: ClassVar[str] = "map the output to the value of the first of several regexes that matches"
    patterns: tuple = texts((r"\b(yes)\b",), "the regular expressions (Python re syntax), in order")
    values: tuple = texts(("yes",), "the value each pattern maps to (same order)")
    group_select: int = integer(0, "which match of the joined patterns: 0 first, -1 last")
    fallback: str = text("[invalid]", "result when nothing matches")
    ignore: tuple = steps("steps run on the output before the search, and again on the kept match")
    empty_groups: str = enum("error", EMPTY_GROUPS, _EMPTY_GROUPS_DOC)

    def _validate(self):
        if not self.patterns or len(self.patterns) != len(self.values):
            raise InvalidConfig(f"map_regex: 'patterns' and 'values' must be non-empty and of one length; got "
                                f"{len(self.patterns)} and {len(self.values)}", field="values")
        if len(set(self.patterns)) != len(self.patterns):
            raise InvalidConfig("map_regex: 'patterns' must not repeat a pattern (they are the keys of a mapping)",
                                field="patterns")
        self._joined
        self._each

    @functools.cached_property
    def _joined(self):
        return _regex.compile_pattern("|".join(self.patterns), "map_regex")

    @functools.cached_property
    def _each(self):
        return tuple(_regex.compile_pattern(p, "map_regex") for p in self.patterns)

    def apply(self, text: str) -> str:
        ignored = run_steps(self.ignore, text)
        if ignored is None:  # an ignore step found no text: nothing can match
            return self.fallback
        whole = find_match(self._joined, ignored, self.group_select, self.empty_groups, "map_regex")
        if not whole:
            return self.fallback
        again = run_steps(self.ignore, whole)
        if again is None:
            return self.fallback
        for c, value in zip(self._each, self.values):
            if find_match(c, again, self.group_select, self.empty_groups, "map_regex"):
                return value
        return self.fallback

    def describe(self):
        pairs = ", ".join(f"{_regex.shown(p)} -> {v!r}" for p, v in zip(self.patterns, self.values))
        pre = f"after {', '.join(s.describe() for s in self.ignore)}: " if self.ignore else ""
        return (f"{pre}keep {_which(self.group_select)} of the patterns joined by '|', then the value of the first "
                f"pattern matching it ({pairs}); if none: {self.fallback!r}")


# An English number written in words (a run of number words, spaces, commas, "and", "&"), as bbh's
# NumberParseRegexFilter writes it (regex package syntax: "(?|...)" is a branch reset group).
ENGLISH_NUMBER_WORDS = (
    "((?:(?:zero|one|two|three|four|five|(?:twen|thir|for|fif|six|seven|nine)(?|teen|ty)|eight(?:|een|y)|ten|eleven|"
    "twelve|fourteen|hundred|thousand|(?:m|b|tr)illion)(?:zero|one|two|three|four|five|(?:twen|thir|for|fif|six|"
    "seven|nine)(?:|teen|ty)|eight(?|een|y)|ten|eleven|twelve|fourteen|hundred|thousand|(?:m|b|tr)illion|[^\\S\r\n]|,|"
    "and|&)+)?(?:zero|one|two|three|four|five|(?:twen|thir|for|fif|six|seven|nine)(?|teen|ty)|eight(?|een|y)|ten|"
    "eleven|twelve|fourteen|hundred|thousand|(?:m|b|tr)illion))"
)

PIP_NUMBERWORDS = pip_extra("numberwords")


@functools.lru_cache(maxsize=1)
def _word_to_num(version: str):
    try:
        from word2number import w2n
    except ImportError:
        raise InvalidConfig(f"number_or_words needs the word2number package: {PIP_NUMBERWORDS}") from None
    got = installed_version("word2number")
    if got != version:
        raise InvalidConfig(f"number_or_words is defined for word2number {version}; installed: {got}")
    return w2n.word_to_num


@register
@dataclass(frozen=True, repr=False)
class NumberOrWords(Extractor):
    r"""The regex match at ``group_select``; if none, the English number words in the lowercased output, as digits.

    The rule (lm_eval bbh's ``NumberParseRegexFilter``): ``pattern`` gives the answer as :func:`find_match` keeps
    it; if it finds nothing (or an empty text), the match at ``group_select`` of an English-number-words pattern
    (``one``, ``twenty three``, ``two hundred and five``, ...) in the lowercased output is converted to digits by
    the word2number package (``str(w2n.word_to_num(words))``, extra ``numberwords``); if that finds nothing:
    ``fallback``. Words word2number rejects raise ``InvalidInput`` (the harness raises ValueError there).

    >>> n = NumberOrWords(pattern="([-0-9]+)")
    >>> n.apply("I count 12 apples")
    '12'
    """

    name: ClassVar[str] = "number_or_words"
    summary: ClassVar[str] = "a number from a regex, else English number words converted to digits"
    pattern: str = text(r"([-0-9]+)", "the regular expression for a number in digits (Python re syntax)")
    group_select: int = integer(0, "which match: 0 first, -1 last (for both patterns)")
    fallback: str = text("[invalid]", "result when neither finds a number")
    empty_groups: str = enum("error", EMPTY_GROUPS, _EMPTY_GROUPS_DOC)
    word2number: str = text("1.1", "the word2number release the conversion is defined for")

    def _validate(self):
        _regex.compile_pattern(self.pattern, "number_or_words")

    @functools.cached_property
    def _compiled(self):
        return _regex.compile_pattern(self.pattern, "number_or_words")

    def apply(self, text: str) -> str:
        m = find_match(self._compiled, text, self.group_select, self.empty_groups, "number_or_words")
        if not m:
            words = find_match(_regex.compile_pattern(ENGLISH_NUMBER_WORDS, "number_or_words"), text.lower(),
                               self.group_select, self.empty_groups, "number_or_words")
            if words:
                try:
                    m = str(_word_to_num(self.word2number)(words))
                except (ValueError, IndexError, KeyError, TypeError) as e:
                    raise InvalidInput(f"number_or_words: word2number rejects {words!r}: {type(e).__name__}: {e} "
                                       f"(the harness raises there)") from None
        return m if m else self.fallback

    def describe(self):
        return (f"keep {_which(self.group_select)} of the regex {_regex.shown(self.pattern)}; if none, English "
                f"number words in the lowercased text converted to digits (word2number {self.word2number}); if none: "
                f"{self.fallback!r}")
