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


_PUNKT_HELP = ("nltk's Punkt English model (the punkt_tab data) is not installed: `python -m nltk.downloader "
               "punkt_tab`, or put a copy of the tokenizers/punkt_tab folder under a directory named in NLTK_DATA")


@functools.lru_cache(maxsize=1)
def _punkt():
    nltk = _nltk()
    try:
        return nltk.tokenize.PunktTokenizer("english")
    except LookupError:
        raise InvalidConfig(_PUNKT_HELP) from None


def count_sentences(text: str) -> int:
    """The number of sentences nltk's Punkt English model finds (what ``nltk.data.load("tokenizers/punkt/
    english.pickle")`` loads from nltk 3.9 on)."""
    return len(_punkt().tokenize(text))


def word_tokens(text: str) -> list:
    """``nltk.word_tokenize(text)``: Punkt English sentences, then Treebank-style words."""
    nltk = _nltk()
    try:
        return nltk.word_tokenize(text)
    except LookupError:
        raise InvalidConfig(_PUNKT_HELP) from None


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


# ---------------------------------------------------------------------------------------------------------------
# The checkers


@dataclass(frozen=True)
class Checker:
    """Base: one verifiable instruction. ``instruction``: the ID IFEval's data uses; ``name``: ours; ``params``:
    the data's keyword arguments this checker reads (all others must be absent, None or empty)."""

    instruction: ClassVar[str] = ""
    name: ClassVar[str] = ""
    params: ClassVar[tuple] = ()
    rule: ClassVar[str] = ""

    @classmethod
    def _from(cls, given: dict):
        """The checker from the data's non-empty keyword arguments (raise/return InvalidInput on bad data)."""
        return cls()

    def check(self, response: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def id(self) -> str:
        args = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{self.name}({args})"

    def describe(self) -> str:
        return self.rule


@dataclass(frozen=True)
class KeywordsPresent(Checker):
    instruction: ClassVar[str] = "keywords:existence"
    name: ClassVar[str] = "keywords_present"
    params: ClassVar[tuple] = ("keywords",)
    rule: ClassVar[str] = ("every keyword, read as a regular expression, matches somewhere in the response, "
                           "ignoring case (no word boundaries: 'cat' matches 'category')")
    keywords: tuple

    @classmethod
    def _from(cls, given):
        w = _words(cls.instruction, given, "keywords")
        return w if isinstance(w, InvalidInput) else cls(tuple(sorted(w)))

    def check(self, response):
        return all(_search(_pattern(self.instruction, "(?i)" + k), response) for k in self.keywords)


@dataclass(frozen=True)
class KeywordFrequency(Checker):
    instruction: ClassVar[str] = "keywords:frequency"
    name: ClassVar[str] = "keyword_frequency"
    params: ClassVar[tuple] = ("keyword", "frequency", "relation")
    rule: ClassVar[str] = ("the number of non-overlapping matches of the keyword (stripped, read as a regular "
                           "expression, ignoring case) is less than / at least the frequency")
    keyword: str
    frequency: int
    relation: str

    @classmethod
    def _from(cls, given):
        i = cls.instruction
        k, n, r = _text(i, given, "keyword"), _count(i, given, "frequency"), _relation(i, given, "relation")
        return next((x for x in (k, n, r) if isinstance(x, InvalidInput)), None) or cls(k.strip(), n, r)

    def check(self, response):
        n = len(_findall(_pattern(self.instruction, "(?i)" + self.keyword), response))
        return _compare(n, self.relation, self.frequency)


@dataclass(frozen=True)
class ForbiddenWords(Checker):
    instruction: ClassVar[str] = "keywords:forbidden_words"
    name: ClassVar[str] = "forbidden_words"
    params: ClassVar[tuple] = ("forbidden_words",)
    rule: ClassVar[str] = (r"no forbidden word matches as /\bWORD\b/ (the word read as a regular expression), "
                           "ignoring case")
    forbidden_words: tuple

    @classmethod
    def _from(cls, given):
        w = _words(cls.instruction, given, "forbidden_words")
        return w if isinstance(w, InvalidInput) else cls(tuple(sorted(set(w))))

    def check(self, response):
        return not any(_search(_pattern(self.instruction, r"(?i)\b" + w + r"\b"), response)
                       for w in self.forbidden_words)


@dataclass(frozen=True)
class LetterFrequency(Checker):
    instruction: ClassVar[str] = "keywords:letter_frequency"
    name: ClassVar[str] = "letter_frequency"
    params: ClassVar[tuple] = ("letter", "let_frequency", "let_relation")
    rule: ClassVar[str] = ("the lowercased response holds the (lowercased, ASCII) letter less than / at least "
                           "let_frequency times")
    letter: str
    let_frequency: int
    let_relation: str

    @classmethod
    def _from(cls, given):
        i = cls.instruction
        letter = _text(i, given, "letter")
        if not isinstance(letter, InvalidInput) and not (len(letter) == 1 and "a" <= letter.lower() <= "z"):
            letter = _random_draw(i, "letter", f"{letter!r}, not one ASCII letter")
        n, r = _count(i, given, "let_frequency"), _relation(i, given, "let_relation")
        return next((x for x in (letter, n, r) if isinstance(x, InvalidInput)), None) or cls(letter.lower(), n, r)

    def check(self, response):
        return _compare(response.lower().count(self.letter), self.let_relation, self.let_frequency)


@dataclass(frozen=True)
class ResponseLanguage(Checker):
    instruction: ClassVar[str] = "language:response_language"
    name: ClassVar[str] = "response_language"
    params: ClassVar[tuple] = ("language",)
    rule: ClassVar[str] = ("langdetect detects the language code given (a text langdetect cannot read, such as "
                           "digits only, passes)")
    language: str

    @classmethod
    def _from(cls, given):
        lang = _text(cls.instruction, given, "language")
        if not isinstance(lang, InvalidInput) and lang not in LANGUAGE_CODES:
            return _bad(cls.instruction, f"language {lang!r} is not one of IFEval's codes {sorted(LANGUAGE_CODES)} "
                                         "(the harness raises KeyError)")
        return lang if isinstance(lang, InvalidInput) else cls(lang)

    def check_seeded(self, response, seed):
        lang = detect_language(response, seed)
        return True if lang is None else lang == self.language


@dataclass(frozen=True)
class SentenceCount(Checker):
    instruction: ClassVar[str] = "length_constraints:number_sentences"
    name: ClassVar[str] = "sentence_count"
    params: ClassVar[tuple] = ("num_sentences", "relation")
    rule: ClassVar[str] = "the number of nltk Punkt (English) sentences is less than / at least num_sentences"
    num_sentences: int
    relation: str

    @classmethod
    def _from(cls, given):
        n, r = _count(cls.instruction, given, "num_sentences"), _relation(cls.instruction, given, "relation")
        return next((x for x in (n, r) if isinstance(x, InvalidInput)), None) or cls(n, r)

    def check(self, response):
        return _compare(count_sentences(response), self.relation, self.num_sentences)


@dataclass(frozen=True)
class DividedParagraphs(Checker):
    instruction: ClassVar[str] = "length_constraints:number_paragraphs"
    name: ClassVar[str] = "divided_paragraphs"
    params: ClassVar[tuple] = ("num_paragraphs",)
    rule: ClassVar[str] = (r"split on /\s?\*\*\*\s?/ (the markdown divider ***), there are exactly num_paragraphs "
                           "parts, an empty first or last part not counted; an empty part elsewhere fails")
    num_paragraphs: int

    @classmethod
    def _from(cls, given):
        n = _count(cls.instruction, given, "num_paragraphs")
        return n if isinstance(n, InvalidInput) else cls(n)

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


@dataclass(frozen=True)
class WordCount(Checker):
    instruction: ClassVar[str] = "length_constraints:number_words"
    name: ClassVar[str] = "word_count"
    params: ClassVar[tuple] = ("num_words", "relation")
    rule: ClassVar[str] = r"the number of /\w+/ runs is less than / at least num_words"
    num_words: int
    relation: str

    @classmethod
    def _from(cls, given):
        n, r = _count(cls.instruction, given, "num_words"), _relation(cls.instruction, given, "relation")
        return next((x for x in (n, r) if isinstance(x, InvalidInput)), None) or cls(n, r)

    def check(self, response):
        return _compare(count_words(response), self.relation, self.num_words)


_FIRST_WORD_STOP = frozenset(".,?!'\"")


@dataclass(frozen=True)
class NthParagraphFirstWord(Checker):
    instruction: ClassVar[str] = "length_constraints:nth_paragraph_first_word"
    name: ClassVar[str] = "nth_paragraph_first_word"
    params: ClassVar[tuple] = ("num_paragraphs", "nth_paragraph", "first_word")
    rule: ClassVar[str] = (r"split on '\n\n', the non-blank parts number num_paragraphs, and part nth_paragraph "
                           "(counted among all parts, blank ones included) is non-blank and its first "
                           "whitespace-separated word, leading quotes removed and cut at the first . , ? ! ' \", "
                           "lowercased, is first_word (lowercased)")
    num_paragraphs: int
    nth_paragraph: int
    first_word: str

    @classmethod
    def _from(cls, given):
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


@dataclass(frozen=True)
class Placeholders(Checker):
    instruction: ClassVar[str] = "detectable_content:number_placeholders"
    name: ClassVar[str] = "placeholders"
    params: ClassVar[tuple] = ("num_placeholders",)
    rule: ClassVar[str] = r"at least num_placeholders matches of /\[.*?\]/ (square-bracketed spans on one line)"
    num_placeholders: int

    @classmethod
    def _from(cls, given):
        n = _count(cls.instruction, given, "num_placeholders")
        return n if isinstance(n, InvalidInput) else cls(n)

    def check(self, response):
        return len(_findall(_pattern(self.instruction, r"\[.*?\]"), response)) >= self.num_placeholders


_PS = {"P.P.S": r"(?m)\s*p\.\s?p\.\s?s.*$", "P.S.": r"(?m)\s*p\.\s?s\..*$"}


@dataclass(frozen=True)
class Postscript(Checker):
    instruction: ClassVar[str] = "detectable_content:postscript"
    name: ClassVar[str] = "postscript"
    params: ClassVar[tuple] = ("postscript_marker",)
    rule: ClassVar[str] = (r"the lowercased response matches, on some line, /\s*p\.\s?p\.\s?s.*$/ for the marker "
                           r"'P.P.S', /\s*p\.\s?s\..*$/ for 'P.S.', and otherwise /\s*MARKER.*$/ (the lowercased "
                           "marker read as a regular expression)")
    postscript_marker: str

    @classmethod
    def _from(cls, given):
        m = _text(cls.instruction, given, "postscript_marker")
        return m if isinstance(m, InvalidInput) else cls(m.strip())

    def check(self, response):
        pattern = _PS.get(self.postscript_marker) or r"(?m)\s*" + self.postscript_marker.lower() + ".*$"
        return bool(_findall(_pattern(self.instruction, pattern), response.lower()))


@dataclass(frozen=True)
class BulletPoints(Checker):
    instruction: ClassVar[str] = "detectable_format:number_bullet_lists"
    name: ClassVar[str] = "bullet_points"
    params: ClassVar[tuple] = ("num_bullets",)
    rule: ClassVar[str] = (r"exactly num_bullets matches of /^\s*\*[^\*].*$/ and /^\s*-.*$/ together (multiline; "
                           r"\s* may run over blank lines)")
    num_bullets: int

    @classmethod
    def _from(cls, given):
        n = _count(cls.instruction, given, "num_bullets")
        return n if isinstance(n, InvalidInput) else cls(n)

    def check(self, response):
        stars = _findall(_pattern(self.instruction, r"(?m)^\s*\*[^\*].*$"), response)
        dashes = _findall(_pattern(self.instruction, r"(?m)^\s*-.*$"), response)
        return len(stars) + len(dashes) == self.num_bullets


_CONSTRAINED = ("My answer is yes.", "My answer is no.", "My answer is maybe.")


@dataclass(frozen=True)
class ConstrainedResponse(Checker):
    instruction: ClassVar[str] = "detectable_format:constrained_response"
    name: ClassVar[str] = "constrained_response"
    rule: ClassVar[str] = "the response contains 'My answer is yes.', 'My answer is no.' or 'My answer is maybe.'"

    def check(self, response):
        response = response.strip()
        return any(option in response for option in _CONSTRAINED)


@dataclass(frozen=True)
class HighlightedSections(Checker):
    instruction: ClassVar[str] = "detectable_format:number_highlighted_sections"
    name: ClassVar[str] = "highlighted_sections"
    params: ClassVar[tuple] = ("num_highlights",)
    rule: ClassVar[str] = (r"at least num_highlights spans: each match of /\*[^\n\*]*\*/ with non-blank text "
                           r"between the stars, plus each match of /\*\*[^\n\*]*\*\*/ with non-blank text inside")
    num_highlights: int

    @classmethod
    def _from(cls, given):
        n = _count(cls.instruction, given, "num_highlights")
        return n if isinstance(n, InvalidInput) else cls(n)

    def check(self, response):
        single = _findall(_pattern(self.instruction, r"\*[^\n\*]*\*"), response)
        double = _findall(_pattern(self.instruction, r"\*\*[^\n\*]*\*\*"), response)
        n = sum(1 for h in single if h.strip("*").strip())
        n += sum(1 for h in double if h.removeprefix("**").removesuffix("**").strip())
        return n >= self.num_highlights


@dataclass(frozen=True)
class Sections(Checker):
    instruction: ClassVar[str] = "detectable_format:multiple_sections"
    name: ClassVar[str] = "sections"
    params: ClassVar[tuple] = ("section_spliter", "num_sections")
    rule: ClassVar[str] = (r"splitting on /\s?SPLITTER\s?\d+\s?/ (the stripped splitter read as a regular "
                           "expression, case-sensitive) gives at least num_sections + 1 parts")
    section_spliter: str
    num_sections: int

    @classmethod
    def _from(cls, given):
        s, n = _text(cls.instruction, given, "section_spliter"), _count(cls.instruction, given, "num_sections")
        return next((x for x in (s, n) if isinstance(x, InvalidInput)), None) or cls(s.strip(), n)

    def check(self, response):
        pattern = r"\s?" + self.section_spliter + r"\s?\d+\s?"
        return len(_split(_pattern(self.instruction, pattern), response)) - 1 >= self.num_sections


@dataclass(frozen=True)
class JsonFormat(Checker):
    instruction: ClassVar[str] = "detectable_format:json_format"
    name: ClassVar[str] = "json_format"
    rule: ClassVar[str] = ("the stripped response, less one leading ```json / ```Json / ```JSON / ``` fence (each "
                           "removed in that order if present) and one trailing ```, stripped again, parses as JSON "
                           "(Python's json.loads)")

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


@dataclass(frozen=True)
class Title(Checker):
    instruction: ClassVar[str] = "detectable_format:title"
    name: ClassVar[str] = "title"
    rule: ClassVar[str] = r"some match of /<<[^\n]+>>/ is non-blank once its outer < and > are removed"

    def check(self, response):
        titles = _findall(_pattern(self.instruction, r"<<[^\n]+>>"), response)
        return any(t.lstrip("<").rstrip(">").strip() for t in titles)


@dataclass(frozen=True)
class TwoResponses(Checker):
    instruction: ClassVar[str] = "combination:two_responses"
    name: ClassVar[str] = "two_responses"
    rule: ClassVar[str] = ("split on '******', exactly two non-blank parts that differ once stripped; a blank part "
                           "other than the first or last fails")

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


@dataclass(frozen=True)
class RepeatPrompt(Checker):
    instruction: ClassVar[str] = "combination:repeat_prompt"
    name: ClassVar[str] = "repeat_prompt"
    params: ClassVar[tuple] = ("prompt_to_repeat",)
    rule: ClassVar[str] = "the stripped, lowercased response starts with the stripped, lowercased prompt_to_repeat"
    prompt_to_repeat: str

    @classmethod
    def _from(cls, given):
        p = _text(cls.instruction, given, "prompt_to_repeat")
        return p if isinstance(p, InvalidInput) else cls(p)

    def check(self, response):
        return response.strip().lower().startswith(self.prompt_to_repeat.strip().lower())


@dataclass(frozen=True)
class EndPhrase(Checker):
    instruction: ClassVar[str] = "startend:end_checker"
    name: ClassVar[str] = "end_phrase"
    params: ClassVar[tuple] = ("end_phrase",)
    rule: ClassVar[str] = ("the response, stripped of whitespace and then of double quotes, lowercased, ends with "
                           "the stripped, lowercased end_phrase")
    end_phrase: str

    @classmethod
    def _from(cls, given):
        p = _text(cls.instruction, given, "end_phrase")
        return p if isinstance(p, InvalidInput) else cls(p.strip())

    def check(self, response):
        return response.strip().strip('"').lower().endswith(self.end_phrase.strip().lower())


@dataclass(frozen=True)
class CapitalWordFrequency(Checker):
    instruction: ClassVar[str] = "change_case:capital_word_frequency"
    name: ClassVar[str] = "capital_word_frequency"
    params: ClassVar[tuple] = ("capital_frequency", "capital_relation")
    rule: ClassVar[str] = ("the number of nltk.word_tokenize tokens that are all capitals (str.isupper) is less "
                           "than / at least capital_frequency")
    capital_frequency: int
    capital_relation: str

    @classmethod
    def _from(cls, given):
        i = cls.instruction
        n = _count(i, given, "capital_frequency", minimum=None)  # the harness accepts negatives
        r = _relation(i, given, "capital_relation")
        return next((x for x in (n, r) if isinstance(x, InvalidInput)), None) or cls(n, r)

    def check(self, response):
        n = sum(1 for w in word_tokens(response) if w.isupper())
        return _compare(n, self.capital_relation, self.capital_frequency)


@dataclass(frozen=True)
class EnglishCapitals(Checker):
    instruction: ClassVar[str] = "change_case:english_capital"
    name: ClassVar[str] = "english_all_capitals"
    rule: ClassVar[str] = ("the response is all capitals (str.isupper) and langdetect detects English (a text "
                           "langdetect cannot read passes)")

    def check_seeded(self, response, seed):
        if not response.isupper():
            return False
        lang = detect_language(response, seed)
        return True if lang is None else lang == "en"


@dataclass(frozen=True)
class EnglishLowercase(Checker):
    instruction: ClassVar[str] = "change_case:english_lowercase"
    name: ClassVar[str] = "english_all_lowercase"
    rule: ClassVar[str] = ("the response is all lowercase (str.islower) and langdetect detects English (a text "
                           "langdetect cannot read passes)")

    def check_seeded(self, response, seed):
        if not response.islower():
            return False
        lang = detect_language(response, seed)
        return True if lang is None else lang == "en"


@dataclass(frozen=True)
class NoComma(Checker):
    instruction: ClassVar[str] = "punctuation:no_comma"
    name: ClassVar[str] = "no_comma"
    rule: ClassVar[str] = "the response holds no ',' (other comma characters are allowed)"

    def check(self, response):
        return "," not in response


@dataclass(frozen=True)
class Quoted(Checker):
    instruction: ClassVar[str] = "startend:quotation"
    name: ClassVar[str] = "quoted"
    rule: ClassVar[str] = "the stripped response is longer than one character and starts and ends with '\"'"

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
