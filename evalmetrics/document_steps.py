"""Extraction steps that read a field of the sample's document as well as the output.

Some task filters decide what an output means from the question it answers: lm_eval's ``multi_choice_regex``
looks for the text of each of the document's ``choices`` in the output and maps it to its letter; bbh's
``WordSortFilter`` keeps the words of the document's list. Such a step is a :class:`DocumentStep`: it names the
document field it reads (part of its ID) and is applied with ``apply_doc(text, document)``; ``apply(text)`` alone
raises ``InvalidInput``. The metric :class:`evalmetrics.metrics.with_document.WithDocument` runs one in front of a
text metric, with each sample's document.

>>> from evalmetrics.document_steps import ChoiceLetterExtract
>>> s = ChoiceLetterExtract(pattern=r"(\\([A-Z]\\))", ignore_case=True)
>>> s.apply_doc("I pick paris.", {"choices": ["Rome", "Paris"]})
'(B)'
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from . import _regex
from .errors import InvalidConfig, InvalidInput
from .extractors import Extractor
from .normalizers import Lowercase, RegexRemove, StripPunct
from .pattern_extractors import EMPTY_GROUPS, find_match
from .units import enum, flag, integer, register, run_steps, text, texts

__all__ = ["DocumentStep", "ChoiceLetterExtract", "ListedWordsInOrder", "document_field"]


class DocumentStep(Extractor):
    """Base: a step whose result depends on a document field (``doc_field``) as well as on the text."""

    doc_field: ClassVar[str] = ""

    def apply(self, text: str):
        raise InvalidInput(f"{self.name} reads the document's {self.field_name()!r} field: apply it with "
                           f"apply_doc(text, document), or score with the metric with_document", field="document")

    def field_name(self) -> str:
        return self.doc_field

    def apply_doc(self, text: str, document) -> str | None:
        raise NotImplementedError


def document_field(document, name: str, owner: str):
    """``document[name]``; a missing field or a document that is not a mapping is an ``InvalidInput``."""
    if not isinstance(document, Mapping):
        raise InvalidInput(f"{owner}: the document must be a mapping with the field {name!r}; got "
                           f"{type(document).__name__}", field="document")
    if name not in document:
        raise InvalidInput(f"{owner}: the document has no field {name!r} (fields: {sorted(map(str, document))})",
                           field=f"document.{name}")
    return document[name]


_LABELLED = re.compile(r"\([A-Z]\)([^\n^(]*)")  # our fixed pattern: "(A) text" up to a newline, "^" or "("


@functools.lru_cache(maxsize=4096)
def _choice_patterns(keys: tuple):
    """(choice-text alternation, ':' + letter alternation) compiled, as the harness builds them per document."""
    escaped = [re.escape(k) for k in keys]
    by_text = "|".join(sorted(escaped, key=len, reverse=True))  # longest first, stable among equal lengths
    return _regex.compile_pattern(by_text, "choice_letter_extract"), _letter_pattern(len(keys))


@functools.lru_cache(maxsize=32)
def _letter_pattern(n: int):
    letters = "|".join(chr(ord("A") + i) for i in range(n))
    return _regex.compile_pattern(rf":[\s]*({letters})", "choice_letter_extract")


@register
@dataclass(frozen=True, repr=False)
class ChoiceLetterExtract(DocumentStep):
    r"""The letter of the choice the output names: a regex first, then the choice texts, then ``": X"``.

    The rule (lm_eval's ``multi_choice_regex`` filter, and bbh's ``utils.MultiChoiceRegexFilter``):

    1. ``pattern``'s match at ``group_select`` (see :func:`evalmetrics.pattern_extractors.find_match`), as is;
    2. else the choice texts: each choice (stripped) goes through the ``ignore`` steps (``regexes_to_ignore``
       deleted, then ``ignore_case`` lowercasing, then ``ignore_punctuation``: Unicode punctuation deleted), and the
       match at ``group_select`` of their escaped texts, longest first, in the output after the same steps becomes
       the letter ``(A)``, ``(B)``, ... of the choice with that text (the later choice when two texts are equal; a
       match that is no choice's text, possible when a processed choice has edge spaces, stays as it is);
    3. else the match at ``group_select`` of ``:\s*(A|B|...)`` (one letter per choice) in the output, as ``(X)``;
    4. else ``fallback``.

    An empty kept text counts as no match. ``choices``: where the choice texts come from: ``field`` (the document's
    ``choices`` list, lm_eval) or ``input_labels`` (the texts after each ``(A)``..``(Z)`` label in the document's
    ``input``, up to a newline, ``^`` or ``(``: bbh). More than 26 choices raise ``InvalidInput`` (the harness's
    letter pattern does not compile there).

    >>> s = ChoiceLetterExtract(pattern=r"(\([A-Z]\))", group_select=-1, ignore_case=True, ignore_punctuation=True)
    >>> doc = {"choices": ["Guilty", "Guilty of Romance"]}
    >>> s.apply_doc("It is (C)", doc), s.apply_doc("guilty of romance!", doc), s.apply_doc("Answer: B", doc)
    ('(C)', '(B)', '(B)')
    """

    name: ClassVar[str] = "choice_letter_extract"
    summary: ClassVar[str] = "the letter of the choice the output names (regex, then choice texts, then ': X')"
    pattern: str = text(r"#### (\-?[0-9\.\,]+)", "the regular expression tried first (Python re syntax)")
    group_select: int = integer(0, "which match, for all three searches: 0 first, -1 last")
    fallback: str = text("[invalid]", "result when nothing is found")
    ignore_case: bool = flag(False, "lowercase choices and output for the choice-text search")
    ignore_punctuation: bool = flag(False, "delete Unicode punctuation (categories P*) for the choice-text search")
    regexes_to_ignore: tuple = texts((), "regexes deleted (in order, first) for the choice-text search")
    choices: str = enum("field", ("field", "input_labels"),
                        "where the choice texts come from: the document's 'choices' list, or the '(A) ...' labels "
                        "of its 'input'")
    empty_groups: str = enum("empty", EMPTY_GROUPS, "a kept match of 'pattern' whose groups are all empty: empty "
                             "(no match; lm_eval) or error (bbh raises IndexError)")

    def _validate(self):
        self._compiled
        self._ignore

    def field_name(self) -> str:
        return "choices" if self.choices == "field" else "input"

    @functools.cached_property
    def _compiled(self):
        return _regex.compile_pattern(self.pattern, "choice_letter_extract")

    @functools.cached_property
    def _ignore(self) -> tuple:
        out = tuple(RegexRemove(p) for p in self.regexes_to_ignore)
        if self.ignore_case:
            out += (Lowercase(method="python"),)
        if self.ignore_punctuation:
            out += (StripPunct(chars="unicode"),)
        return out

    def _choice_texts(self, document) -> list:
        value = document_field(document, self.field_name(), self.name)
        if self.choices == "input_labels":
            if not isinstance(value, str):
                raise InvalidInput(f"{self.name}: the document's 'input' must be a text; got {type(value).__name__}",
                                   field="document.input")
            return _LABELLED.findall(value)
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise InvalidInput(f"{self.name}: the document's 'choices' must be a list of texts; got {value!r}",
                               field="document.choices")
        for i, c in enumerate(value):
            if not isinstance(c, str):
                raise InvalidInput(f"{self.name}: choice {i} must be a text; got {c!r}", field="document.choices")
        return list(value)

    def apply_doc(self, text: str, document) -> str:
        if not isinstance(text, str):
            raise InvalidInput(f"{self.name}: the output must be a text; got {text!r}", field="prediction")
        texts_ = self._choice_texts(document)
        if len(texts_) > 26:
            raise InvalidInput(f"{self.name}: {len(texts_)} choices; letters stop at Z (the harness's letter pattern "
                               f"does not compile past 26)", field=f"document.{self.field_name()}")
        m = find_match(self._compiled, text, self.group_select, self.empty_groups, self.name)
        if m:
            return m
        keys = [run_steps(self._ignore, c.strip()) for c in texts_]
        letter = {k: f"({chr(ord('A') + i)})" for i, k in enumerate(keys)}
        by_text, by_colon = _choice_patterns(tuple(keys))
        m = find_match(by_text, run_steps(self._ignore, text), self.group_select, "empty", self.name)
        if m:
            return letter.get(m, m)
        m = find_match(by_colon, text, self.group_select, "empty", self.name)
        if m:
            return f"({m})"
        return self.fallback

    def describe(self):
        which = {0: "the first match", -1: "the last match"}.get(self.group_select, f"match #{self.group_select}")
        ign = []
        if self.regexes_to_ignore:
            ign.append("deleting " + ", ".join(_regex.shown(p) for p in self.regexes_to_ignore))
        if self.ignore_case:
            ign.append("lowercasing")
        if self.ignore_punctuation:
            ign.append("deleting Unicode punctuation")
        src = ("the document's 'choices'" if self.choices == "field"
               else "the '(A) ...' labelled texts of the document's 'input'")
        return (f"keep {which} of the regex {_regex.shown(self.pattern)}; else find the choice texts ({src}"
                f"{', after ' + ', '.join(ign) if ign else ''}) in the output and give the letter '(X)' of the one "
                f"found; else a letter after ':' as '(X)'; if none: {self.fallback!r}")


@register
@dataclass(frozen=True, repr=False)
class ListedWordsInOrder(DocumentStep):
    r"""The words of the document's list that the output contains, each once, in the order of their last occurrence.

    The rule (lm_eval bbh's ``WordSortFilter``): the list is the text after the first ``marker`` in the document's
    ``field``, split on whitespace; each word becomes ``\bword\b`` (as written, not escaped: a word with regex
    syntax changes the pattern, a word that breaks it is an ``InvalidInput``); every match in the output is kept
    once, at its last occurrence, and the kept words are joined with single spaces. A ``field`` without
    ``marker`` is an ``InvalidInput`` (the harness raises IndexError).

    >>> s = ListedWordsInOrder()
    >>> s.apply_doc("apple, then cherry, banana and apple", {"input": "Sort: List: cherry apple banana"})
    'cherry banana apple'
    """

    name: ClassVar[str] = "listed_words_in_order"
    summary: ClassVar[str] = "the document's listed words found in the output, each once, by last occurrence"
    field: str = text("input", "the document field that holds the list")
    marker: str = text("List:", "the list is the text after the first occurrence of this marker")

    def _validate(self):
        if not self.marker:
            raise InvalidConfig("listed_words_in_order: parameter 'marker' must be a non-empty text", field="marker")

    def field_name(self) -> str:
        return self.field

    def apply_doc(self, text: str, document) -> str:
        if not isinstance(text, str):
            raise InvalidInput(f"{self.name}: the output must be a text; got {text!r}", field="prediction")
        value = document_field(document, self.field, self.name)
        if not isinstance(value, str):
            raise InvalidInput(f"{self.name}: the document's {self.field!r} must be a text", field=f"document.{self.field}")
        parts = value.split(self.marker)
        if len(parts) < 2:
            raise InvalidInput(f"{self.name}: the document's {self.field!r} has no {self.marker!r}",
                               field=f"document.{self.field}")
        words = parts[1].strip().split()
        pattern = "|".join(f"\\b{w}\\b" for w in words)
        try:
            compiled = _regex.compile_pattern(pattern, self.name)
        except InvalidConfig as e:  # the pattern comes from the document here
            raise InvalidInput(f"{self.name}: the listed words do not form a valid pattern: {e}",
                               field=f"document.{self.field}") from None
        found = _regex.findall(compiled, text)
        if any(isinstance(w, tuple) for w in found):
            raise InvalidInput(f"{self.name}: the listed words form a pattern with several groups (the harness "
                               f"raises TypeError joining them)", field=f"document.{self.field}")
        seen, kept = set(), []
        for w in reversed(found):
            if w not in seen:
                seen.add(w)
                kept.append(w)
        return " ".join(reversed(kept))

    def describe(self):
        return (f"the words listed after {self.marker!r} in the document's {self.field!r} that occur in the output "
                f"(whole words), each once at its last occurrence, in order, joined by spaces")
