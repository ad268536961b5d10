"""Whole-text word steps: Unicode case folding, and blanking a text that is one of some listed words (stop words).

>>> from evalmetrics.word_steps import Casefold, BlankIfListed
>>> Casefold().apply("Straße"), BlankIfListed(words=("of", "in")).apply("of"), BlankIfListed(words=("of",)).apply("off")
('strasse', '', 'off')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .errors import InvalidConfig
from .normalizers import Normalizer
from .units import register, texts

__all__ = ["Casefold", "BlankIfListed"]


@register
@dataclass(frozen=True, repr=False)
class Casefold(Normalizer):
    """Unicode case folding (Python's ``str.casefold``): stronger than lowercasing, "ß" becomes "ss" and "ς" "σ".

    >>> Casefold().apply("ΣΊΣΥΦΟΣ ß"), "ß".lower()
    ('σίσυφοσ ss', 'ß')
    """

    name: ClassVar[str] = "casefold"
    summary: ClassVar[str] = "Unicode case folding (str.casefold)"
    idempotent: ClassVar[bool] = True

    def apply(self, text: str) -> str:
        return text.casefold()

    def describe(self):
        return "case-fold (Python str.casefold: 'ß' -> 'ss', full Unicode folding)"


@register
@dataclass(frozen=True, repr=False)
class BlankIfListed(Normalizer):
    """A text equal to one of ``words`` becomes empty (inside ``per_token``: stop words are dropped); any other
    text is unchanged. The comparison is exact: fold or normalize the words as the tokens are folded.

    >>> BlankIfListed(words=("the", "of")).apply("of"), BlankIfListed(words=("the",)).apply("The")
    ('', 'The')
    """

    name: ClassVar[str] = "blank_if_listed"
    summary: ClassVar[str] = "a text equal to one of the listed words becomes empty (stop words)"
    idempotent: ClassVar[bool] = True
    words: tuple = texts((), "the words that become empty")

    def _validate(self):
        if not self.words:
            raise InvalidConfig("blank_if_listed: parameter 'words' must list at least one word")
        # canonical: order and repeats do not change the behavior
        object.__setattr__(self, "words", tuple(sorted(set(self.words))))

    def apply(self, text: str) -> str:
        return "" if text in self._set else text

    @property
    def _set(self) -> frozenset:
        try:
            return self.__dict__["_wordset"]
        except KeyError:
            v = frozenset(self.words)
            object.__setattr__(self, "_wordset", v)
            return v

    def describe(self):
        shown = ", ".join(repr(w) for w in self.words[:8]) + (" ..." if len(self.words) > 8 else "")
        return f"a text equal to one of {len(self.words)} listed words ({shown}) becomes empty"

    @classmethod
    def example(cls):
        return cls(words=("the",))
