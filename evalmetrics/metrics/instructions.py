"""Verifiable instructions (IFEval): one named checker per instruction kind, with its parameters.

Each checker is a frozen value object: its fields are the instruction's parameters (keywords, relation, number of
sentences, language, ...) and ``check(response)`` says whether a response follows it. :data:`CHECKERS` maps the
instruction IDs that IFEval's data uses (``"length_constraints:number_sentences"``) to the checkers, and
:func:`build_checker` reads one instruction's keyword arguments as the data gives them.

The rules are those of lm_eval 0.4.13 (``tasks/ifeval``) and lighteval 0.13.0 (``tasks/tasks/ifeval``), which
compute the same verdicts for every instruction the data uses. Three of them need third-party packages, the same ones
the harnesses call, so the verdicts are identical: ``langdetect`` (response language, all-capital and all-lowercase
English) and nltk's Punkt English model (``number_sentences`` counts Punkt sentences; ``capital_word_frequency``
counts all-capital tokens of ``nltk.word_tokenize``). The extra ``ifeval`` installs both; Punkt needs nltk's
``punkt_tab`` data on disk.

Where the harness would draw a random parameter (a missing, zero or out-of-range value) or fail, a checker refuses
the data with ``InvalidInput`` instead: a verdict against a random draw is not reproducible.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from .. import _regex
from .._punkt import PUNKT_HELP, punkt_english
from ..errors import InvalidConfig, InvalidInput, Timeout

__all__ = ["CHECKERS", "LANGUAGE_CODES", "RELATIONS", "Checker", "build_checker", "checkers_table",
           "count_sentences", "count_words", "detect_language"]

#: The comparison relations of the counting instructions, as the data spells them.
RELATIONS = ("less than", "at least")

#: The languages ``language:response_language`` accepts (ISO 639-1 code -> name), as IFEval defines them.
LANGUAGE_CODES = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "ar": "Arabic", "hi": "Hindi", "fr": "French",
    "ru": "Russian", "de": "German", "ja": "Japanese", "it": "Italian", "bn": "Bengali", "uk": "Ukrainian",
    "th": "Thai", "ur": "Urdu", "ta": "Tamil", "te": "Telugu", "bg": "Bulgarian", "ko": "Korean", "pl": "Polish",
    "he": "Hebrew", "fa": "Persian", "vi": "Vietnamese", "ne": "Nepali", "sw": "Swahili", "kn": "Kannada",
    "mr": "Marathi", "gu": "Gujarati", "pa": "Punjabi", "ml": "Malayalam", "fi": "Finnish",
}

_EXTRA = "the extra 'ifeval'"


# ---------------------------------------------------------------------------------------------------------------
# Text measurements shared by several checkers


def count_words(text: str) -> int:
    r"""The number of maximal runs of word characters (Python's ``\w+``), as nltk's ``RegexpTokenizer(r"\w+")``.

    >>> count_words("Hello, world! It's 2024.")
    5
    """
    return len(re.findall(r"\w+", text))


def _nltk():
    try:
        import nltk
    except ImportError:
        from .._packages import pip_extra

        raise InvalidConfig(f"IFEval's sentence and word counts need nltk: {pip_extra('ifeval')}") from None
    return nltk


def count_sentences(text: str) -> int:
    """The number of sentences nltk's Punkt English model finds (what ``nltk.data.load("tokenizers/punkt/
    english.pickle")`` loads from nltk 3.9 on)."""
    return len(punkt_english("ifeval").tokenize(text))


def word_tokens(text: str) -> list:
    """``nltk.word_tokenize(text)``: Punkt English sentences, then Treebank-style words."""
    nltk = _nltk()
    try:
        return nltk.word_tokenize(text)
    except LookupError:
        raise InvalidConfig(PUNKT_HELP) from None


@functools.lru_cache(maxsize=8)
def _detector_factory(seed: int):
    try:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    except ImportError:
        from .._packages import pip_extra

        raise InvalidConfig(f"IFEval's language checks need langdetect: {pip_extra('ifeval')}") from None
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(seed)
    return factory


def detect_language(text: str, seed: int = 0) -> str | None:
    """The language langdetect detects (``langdetect.detect``), with its random draws seeded by ``seed``; None
    where langdetect raises (no letters to read, e.g. ``"123"``).

    langdetect draws random n-grams; ``langdetect.detect`` seeds them from the clock unless
    ``DetectorFactory.seed`` is set, so the harnesses' verdicts on a borderline text can change between runs. Here
    the draws are seeded (0 by default), so a text always gets the same language; with the same seed set in
    langdetect, the harness detects the same language.
    """
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory(seed).create()
    detector.append(text)
    try:
        return detector.detect()
    except LangDetectException:
        return None


# ---------------------------------------------------------------------------------------------------------------
# Reading the data's keyword arguments


def _bad(instruction: str, message: str) -> InvalidInput:
    return InvalidInput(f"instruction {instruction!r}: {message}", field="references")


def _random_draw(instruction: str, key: str, why: str) -> InvalidInput:
    return _bad(instruction, f"{key!r} is {why}; the harness would draw a random value instead, which no score can "
                             "reproduce")


def _count(instruction, given, key, *, minimum=0, maximum=None):
    if key not in given:
        return _random_draw(instruction, key, "missing, None or 0")
    v = given[key]
    if isinstance(v, bool) or not isinstance(v, int):
        return _bad(instruction, f"{key!r} must be an integer; got {v!r}")
    if (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
        allowed = f"{minimum if minimum is not None else 'any'} to {maximum if maximum is not None else 'any'}"
        return _random_draw(instruction, key, f"{v} (allowed: {allowed})")
    return v


def _relation(instruction, given, key):
    if key not in given:
        return _random_draw(instruction, key, "missing or empty")
    v = given[key]
    if v not in RELATIONS:
        return _bad(instruction, f"{key!r} must be one of {list(RELATIONS)}; got {v!r} (the harness raises)")
    return v


def _text(instruction, given, key, *, required_note="missing or empty"):
    if key not in given:
        return _random_draw(instruction, key, required_note)
    v = given[key]
    if not isinstance(v, str):
        return _bad(instruction, f"{key!r} must be a string; got {type(v).__name__}")
    return v


def _words(instruction, given, key):
    if key not in given:
        return _random_draw(instruction, key, "missing or empty")
    v = given[key]
    if isinstance(v, str) or not isinstance(v, (list, tuple)) or not all(isinstance(w, str) for w in v):
        return _bad(instruction, f"{key!r} must be a list of strings; got {v!r}")
    return v


@functools.lru_cache(maxsize=4096)
def _compiled(instruction: str, pattern: str):
    """A pattern without quantifiers or lookaround (``_regex.is_linear``) runs in linear time: it is compiled by
    Python's ``re``, the harnesses' own engine. Any other runs through the time-bounded ``regex`` helpers."""
    if _regex.is_linear(pattern):
        try:
            return re.compile(pattern)
        except (re.error, ValueError, TypeError, OverflowError, RecursionError) as e:
            raise _bad(instruction, f"invalid regular expression {pattern!r}: {e} (the harness raises re.error)") \
                from None
    try:
        return _regex.compile_pattern(pattern, owner=instruction)
    except InvalidConfig as e:
        raise _bad(instruction, f"{e} (the harness raises re.error)") from None


def _pattern(instruction: str, pattern: str):
    try:
        return _compiled(instruction, pattern)
    except InvalidInput as e:
        raise InvalidInput(e.reason, field=e.field) from None  # a fresh error per sample (the cache keeps none)


def _search(p, text: str):
    return p.search(text) if isinstance(p, re.Pattern) else _regex.search(p, text)


def _findall(p, text: str) -> list:
    return p.findall(text) if isinstance(p, re.Pattern) else _regex.findall(p, text)


def _split(p, text: str) -> list:
    return p.split(text) if isinstance(p, re.Pattern) else _regex.split(p, text)


def _compare(count: int, relation: str, threshold: int) -> bool:
    return count < threshold if relation == "less than" else count >= threshold


def _then(read, make):
    """The reader ``read``, its valid value passed through ``make``."""
    def reader(instruction, given, key):
        v = read(instruction, given, key)
        return v if isinstance(v, InvalidInput) else make(v)
    return reader


_stripped = _then(_text, str.strip)
_sorted_words = _then(_words, lambda w: tuple(sorted(w)))
_word_set = _then(_words, lambda w: tuple(sorted(set(w))))
_any_count = functools.partial(_count, minimum=None)  # a count the harness accepts negative


def _letter(instruction, given, key):
    v = _text(instruction, given, key)
    if isinstance(v, InvalidInput):
        return v
    if not (len(v) == 1 and "a" <= v.lower() <= "z"):
        return _random_draw(instruction, key, f"{v!r}, not one ASCII letter")
    return v.lower()


def _language(instruction, given, key):
    v = _text(instruction, given, key)
    if not isinstance(v, InvalidInput) and v not in LANGUAGE_CODES:
        return _bad(instruction, f"language {v!r} is not one of IFEval's codes {sorted(LANGUAGE_CODES)} (the harness "
                                 "raises KeyError)")
    return v


def _detected(response: str, seed: int, code: str) -> bool:
    """Whether langdetect (seeded) detects ``code`` in ``response``; a text langdetect cannot read passes."""
    lang = detect_language(response, seed)
    return True if lang is None else lang == code


# ---------------------------------------------------------------------------------------------------------------
# The checkers


def _checker(instruction: str, name: str, rule: str, **reads):
    """Declare a checker class (a frozen dataclass): IFEval's instruction ID, our name, its rule in words, and the
    reader of each keyword argument of the data it takes (its fields, in that order)."""
    def declare(cls):
        cls.instruction, cls.name, cls.rule, cls.reads, cls.params = instruction, name, rule, reads, tuple(reads)
        return dataclass(frozen=True)(cls)
    return declare


@dataclass(frozen=True)
class Checker:
    """Base: one verifiable instruction. ``instruction``: the ID IFEval's data uses; ``name``: ours; ``params``:
    the data's keyword arguments this checker reads (all others must be absent, None or empty)."""

    instruction: ClassVar[str] = ""
    name: ClassVar[str] = ""
    params: ClassVar[tuple] = ()
    rule: ClassVar[str] = ""
    reads: ClassVar[dict] = {}  # {keyword argument: its reader}, in the order of the checker's fields

    @classmethod
    def _from(cls, given: dict):
        """The checker from the data's non-empty keyword arguments (raise/return InvalidInput on bad data): each
        argument through its reader; the first bad one is the error."""
        values = {key: read(cls.instruction, given, key) for key, read in cls.reads.items()}
        return next((v for v in values.values() if isinstance(v, InvalidInput)), None) or cls(**values)

    def check(self, response: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def id(self) -> str:
        args = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{self.name}({args})"

    def describe(self) -> str:
        return self.rule


@_checker("keywords:existence", "keywords_present",
          "every keyword, read as a regular expression, matches somewhere in the response, "
          "ignoring case (no word boundaries: 'cat' matches 'category')",
          keywords=_sorted_words)
class KeywordsPresent(Checker):
    keywords: tuple

    def check(self, response):
        return all(_search(_pattern(self.instruction, "(?i)" + k), response) for k in self.keywords)


@_checker("keywords:frequency", "keyword_frequency",
          "the number of non-overlapping matches of the keyword (stripped, read as a regular "
          "expression, ignoring case) is less than / at least the frequency",
          keyword=_stripped, frequency=_count, relation=_relation)
class KeywordFrequency(Checker):
    keyword: str
    frequency: int
    relation: str

    def check(self, response):
        n = len(_findall(_pattern(self.instruction, "(?i)" + self.keyword), response))
        return _compare(n, self.relation, self.frequency)


@_checker("keywords:forbidden_words", "forbidden_words",
          r"no forbidden word matches as /\bWORD\b/ (the word read as a regular expression), "
          "ignoring case",
          forbidden_words=_word_set)
class ForbiddenWords(Checker):
    forbidden_words: tuple

    def check(self, response):
        return not any(_search(_pattern(self.instruction, r"(?i)\b" + w + r"\b"), response)
                       for w in self.forbidden_words)


@_checker("keywords:letter_frequency", "letter_frequency",
          "the lowercased response holds the (lowercased, ASCII) letter less than / at least "
          "let_frequency times",
          letter=_letter, let_frequency=_count, let_relation=_relation)
class LetterFrequency(Checker):
    letter: str
    let_frequency: int
    let_relation: str

    def check(self, response):
        return _compare(response.lower().count(self.letter), self.let_relation, self.let_frequency)


@_checker("language:response_language", "response_language",
          "langdetect detects the language code given (a text langdetect cannot read, such as "
          "digits only, passes)",
          language=_language)
class ResponseLanguage(Checker):
    language: str

    def check_seeded(self, response, seed):
        return _detected(response, seed, self.language)


@_checker("length_constraints:number_sentences", "sentence_count",
          "the number of nltk Punkt (English) sentences is less than / at least num_sentences",
          num_sentences=_count, relation=_relation)
class SentenceCount(Checker):
    num_sentences: int
    relation: str

    def check(self, response):
        return _compare(count_sentences(response), self.relation, self.num_sentences)


@_checker("length_constraints:number_paragraphs", "divided_paragraphs",
          r"split on /\s?\*\*\*\s?/ (the markdown divider ***), there are exactly num_paragraphs "
          "parts, an empty first or last part not counted; an empty part elsewhere fails",
          num_paragraphs=_count)
class DividedParagraphs(Checker):
    num_paragraphs: int

    def check(self, response):
        parts = _split(_pattern(self.instruction, r"\s?\*\*\*\s?"), response)
        n = len(parts)
        for j, part in enumerate(parts):
            if not part.strip():
                if j in (0, len(parts) - 1):
                    n -= 1
                else:
                    return False
        return n == self.num_paragraphs


@_checker("length_constraints:number_words", "word_count",
          r"the number of /\w+/ runs is less than / at least num_words",
          num_words=_count, relation=_relation)
class WordCount(Checker):
    num_words: int
    relation: str

    def check(self, response):
        return _compare(count_words(response), self.relation, self.num_words)


_FIRST_WORD_STOP = frozenset(".,?!'\"")


@_checker("length_constraints:nth_paragraph_first_word", "nth_paragraph_first_word",
          r"split on '\n\n', the non-blank parts number num_paragraphs, and part nth_paragraph "
          "(counted among all parts, blank ones included) is non-blank and its first "
          "whitespace-separated word, leading quotes removed and cut at the first . , ? ! ' \", "
          "lowercased, is first_word (lowercased)",
          num_paragraphs=_count, nth_paragraph=_count, first_word=_text)
class NthParagraphFirstWord(Checker):
    num_paragraphs: int
    nth_paragraph: int
    first_word: str

    @classmethod
    def _from(cls, given):  # nth_paragraph is bounded by num_paragraphs
        i = cls.instruction
        n = _count(i, given, "num_paragraphs")
        if isinstance(n, InvalidInput):
            return n
        nth = _count(i, given, "nth_paragraph", minimum=1, maximum=n)
        w = _text(i, given, "first_word")
        return next((x for x in (nth, w) if isinstance(x, InvalidInput)), None) or cls(n, nth, w.lower())

    def check(self, response):
        parts = response.split("\n\n")
        n = sum(1 for p in parts if p.strip())
        if self.nth_paragraph > n:
            return False
        paragraph = parts[self.nth_paragraph - 1].strip()
        if not paragraph:
            return False
        word = paragraph.split()[0].strip().lstrip("'").lstrip('"')
        first = []
        for ch in word:
            if ch in _FIRST_WORD_STOP:
                break
            first.append(ch.lower())
        return n == self.num_paragraphs and "".join(first) == self.first_word


@_checker("detectable_content:number_placeholders", "placeholders",
          r"at least num_placeholders matches of /\[.*?\]/ (square-bracketed spans on one line)",
          num_placeholders=_count)
class Placeholders(Checker):
    num_placeholders: int

    def check(self, response):
        return len(_findall(_pattern(self.instruction, r"\[.*?\]"), response)) >= self.num_placeholders


_PS = {"P.P.S": r"(?m)\s*p\.\s?p\.\s?s.*$", "P.S.": r"(?m)\s*p\.\s?s\..*$"}


@_checker("detectable_content:postscript", "postscript",
          r"the lowercased response matches, on some line, /\s*p\.\s?p\.\s?s.*$/ for the marker "
          r"'P.P.S', /\s*p\.\s?s\..*$/ for 'P.S.', and otherwise /\s*MARKER.*$/ (the lowercased "
          "marker read as a regular expression)",
          postscript_marker=_stripped)
class Postscript(Checker):
    postscript_marker: str

    def check(self, response):
        pattern = _PS.get(self.postscript_marker) or r"(?m)\s*" + self.postscript_marker.lower() + ".*$"
        return bool(_findall(_pattern(self.instruction, pattern), response.lower()))


@_checker("detectable_format:number_bullet_lists", "bullet_points",
          r"exactly num_bullets matches of /^\s*\*[^\*].*$/ and /^\s*-.*$/ together (multiline; "
          r"\s* may run over blank lines)",
          num_bullets=_count)
class BulletPoints(Checker):
    num_bullets: int

    def check(self, response):
        stars = _findall(_pattern(self.instruction, r"(?m)^\s*\*[^\*].*$"), response)
        dashes = _findall(_pattern(self.instruction, r"(?m)^\s*-.*$"), response)
        return len(stars) + len(dashes) == self.num_bullets


_CONSTRAINED = ("My answer is yes.", "My answer is no.", "My answer is maybe.")


@_checker("detectable_format:constrained_response", "constrained_response",
          "the response contains 'My answer is yes.', 'My answer is no.' or 'My answer is maybe.'")
class ConstrainedResponse(Checker):
    def check(self, response):
        response = response.strip()
        return any(option in response for option in _CONSTRAINED)


@_checker("detectable_format:number_highlighted_sections", "highlighted_sections",
          r"at least num_highlights spans: each match of /\*[^\n\*]*\*/ with non-blank text "
          r"between the stars, plus each match of /\*\*[^\n\*]*\*\*/ with non-blank text inside",
          num_highlights=_count)
class HighlightedSections(Checker):
    num_highlights: int

    def check(self, response):
        single = _findall(_pattern(self.instruction, r"\*[^\n\*]*\*"), response)
        double = _findall(_pattern(self.instruction, r"\*\*[^\n\*]*\*\*"), response)
        n = sum(1 for h in single if h.strip("*").strip())
        n += sum(1 for h in double if h.removeprefix("**").removesuffix("**").strip())
        return n >= self.num_highlights


@_checker("detectable_format:multiple_sections", "sections",
          r"splitting on /\s?SPLITTER\s?\d+\s?/ (the stripped splitter read as a regular "
          "expression, case-sensitive) gives at least num_sections + 1 parts",
          section_spliter=_stripped, num_sections=_count)
class Sections(Checker):
    section_spliter: str
    num_sections: int

    def check(self, response):
        pattern = r"\s?" + self.section_spliter + r"\s?\d+\s?"
        return len(_split(_pattern(self.instruction, pattern), response)) - 1 >= self.num_sections


@_checker("detectable_format:json_format", "json_format",
          "the stripped response, less one leading ```json / ```Json / ```JSON / ``` fence (each "
          "removed in that order if present) and one trailing ```, stripped again, parses as JSON "
          "(Python's json.loads)")
class JsonFormat(Checker):
    def check(self, response):
        value = response.strip()
        for fence in ("```json", "```Json", "```JSON", "```"):
            value = value.removeprefix(fence)
        value = value.removesuffix("```").strip()
        try:
            json.loads(value)
        except ValueError:
            return False
        except RecursionError:
            raise Timeout("json_format: the response nests JSON deeper than Python's recursion limit (the harness "
                          "raises RecursionError)") from None
        return True


@_checker("detectable_format:title", "title",
          r"some match of /<<[^\n]+>>/ is non-blank once its outer < and > are removed")
class Title(Checker):
    def check(self, response):
        titles = _findall(_pattern(self.instruction, r"<<[^\n]+>>"), response)
        return any(t.lstrip("<").rstrip(">").strip() for t in titles)


@_checker("combination:two_responses", "two_responses",
          "split on '******', exactly two non-blank parts that differ once stripped; a blank part "
          "other than the first or last fails")
class TwoResponses(Checker):
    def check(self, response):
        parts = response.split("******")
        kept = []
        for j, part in enumerate(parts):
            if not part.strip():
                if j not in (0, len(parts) - 1):
                    return False
            else:
                kept.append(part)
        return len(kept) == 2 and kept[0].strip() != kept[1].strip()


@_checker("combination:repeat_prompt", "repeat_prompt",
          "the stripped, lowercased response starts with the stripped, lowercased prompt_to_repeat",
          prompt_to_repeat=_text)
class RepeatPrompt(Checker):
    prompt_to_repeat: str

    def check(self, response):
        return response.strip().lower().startswith(self.prompt_to_repeat.strip().lower())


@_checker("startend:end_checker", "end_phrase",
          "the response, stripped of whitespace and then of double quotes, lowercased, ends with "
          "the stripped, lowercased end_phrase",
          end_phrase=_stripped)
class EndPhrase(Checker):
    end_phrase: str

    def check(self, response):
        return response.strip().strip('"').lower().endswith(self.end_phrase.strip().lower())


@_checker("change_case:capital_word_frequency", "capital_word_frequency",
          "the number of nltk.word_tokenize tokens that are all capitals (str.isupper) is less "
          "than / at least capital_frequency",
          capital_frequency=_any_count, capital_relation=_relation)
class CapitalWordFrequency(Checker):
    capital_frequency: int
    capital_relation: str

    def check(self, response):
        n = sum(1 for w in word_tokens(response) if w.isupper())
        return _compare(n, self.capital_relation, self.capital_frequency)


@_checker("change_case:english_capital", "english_all_capitals",
          "the response is all capitals (str.isupper) and langdetect detects English (a text "
          "langdetect cannot read passes)")
class EnglishCapitals(Checker):
    def check_seeded(self, response, seed):
        return response.isupper() and _detected(response, seed, "en")


@_checker("change_case:english_lowercase", "english_all_lowercase",
          "the response is all lowercase (str.islower) and langdetect detects English (a text "
          "langdetect cannot read passes)")
class EnglishLowercase(Checker):
    def check_seeded(self, response, seed):
        return response.islower() and _detected(response, seed, "en")


@_checker("punctuation:no_comma", "no_comma",
          "the response holds no ',' (other comma characters are allowed)")
class NoComma(Checker):
    def check(self, response):
        return "," not in response


@_checker("startend:quotation", "quoted",
          "the stripped response is longer than one character and starts and ends with '\"'")
class Quoted(Checker):
    def check(self, response):
        value = response.strip()
        return len(value) > 1 and value[0] == '"' and value[-1] == '"'


#: IFEval's instruction IDs -> their checkers, in the order of IFEval's registry.
CHECKERS: dict[str, type] = {c.instruction: c for c in (
    KeywordsPresent, KeywordFrequency, ForbiddenWords, LetterFrequency, ResponseLanguage, SentenceCount,
    DividedParagraphs, WordCount, NthParagraphFirstWord, Placeholders, Postscript, BulletPoints, ConstrainedResponse,
    HighlightedSections, Sections, JsonFormat, Title, TwoResponses, RepeatPrompt, EndPhrase, CapitalWordFrequency,
    EnglishCapitals, EnglishLowercase, NoComma, Quoted,
)}

#: Checkers whose verdict depends on langdetect's seeded draws (``check_seeded(response, seed)``).
SEEDED = frozenset(c for c in CHECKERS.values() if hasattr(c, "check_seeded"))


def build_checker(instruction: str, kwargs: Any) -> Checker:
    """The checker for one instruction of a prompt: ``instruction`` as IFEval's data names it, ``kwargs`` its
    keyword arguments as the data gives them (a mapping; entries that are None, 0 or empty are ignored, as the
    harnesses ignore them).

    >>> build_checker("length_constraints:number_words", {"num_words": 3, "relation": "less than", "keyword": None})
    WordCount(num_words=3, relation='less than')
    >>> build_checker("length_constraints:number_words", {"num_words": 3}).check("one two")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    evalmetrics.errors.InvalidInput: field references: instruction 'length_constraints:number_words': 'relation' is...
    """
    cls = CHECKERS.get(instruction) if isinstance(instruction, str) else None
    if cls is None:
        raise InvalidInput(f"unknown IFEval instruction {instruction!r}; known: {', '.join(CHECKERS)}",
                           field="references")
    if kwargs is None:
        kwargs = {}
    if not isinstance(kwargs, dict):
        raise _bad(instruction, f"keyword arguments must be a mapping; got {type(kwargs).__name__}")
    given = {k: v for k, v in kwargs.items() if v}
    unknown = sorted(k for k in given if k not in cls.params)
    if unknown:
        raise _bad(instruction, f"takes {list(cls.params) or 'no arguments'}; got {unknown} (the harness raises "
                                "TypeError)")
    out = cls._from(given)
    if isinstance(out, InvalidInput):
        raise out
    return out


def checkers_table() -> str:
    """A markdown table of every checker: IFEval's instruction ID, our name, its parameters and its rule."""
    rows = ["| IFEval instruction | checker | parameters | passes when |", "|---|---|---|---|"]
    for inst, cls in CHECKERS.items():
        params = ", ".join(f"`{p}`" for p in cls.params) or "none"
        rows.append(f"| `{inst}` | `{cls.name}` | {params} | {cls.rule.replace('|', chr(92) + '|')} |")
    return "\n".join(rows)
