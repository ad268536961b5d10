"""KeptCharsMatch: exact match after keeping only letters, digits and the symbols the references themselves use."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..units import enum, register
from .base import GenerativeMetric

__all__ = ["KeptCharsMatch"]

_CASE_WORDS = {"lower_per_char": "each kept character lowercased on its own (no final-sigma rule)",
               "keep": "case kept"}


def _clean(text: str, symbols: frozenset, lower: bool) -> str:
    kept = (c for c in text if c.isalnum() or c in symbols)
    return "".join(c.lower() for c in kept).strip() if lower else "".join(kept).strip()


@register
@dataclass(frozen=True, repr=False)
class KeptCharsMatch(GenerativeMetric):
    """1.0 if the prediction, reduced to the characters worth comparing, equals one reduced reference, else 0.0.

    The characters kept in every text of a sample: letters and digits (``str.isalnum``) and every symbol that
    occurs in one of that sample's references (a character that is neither alphanumeric nor whitespace), so
    spaces always go and an answer's own hyphen or apostrophe counts. ``case=lower_per_char`` lowercases each
    kept character on its own (``c.lower()``: Greek final sigma is not applied, "İ" becomes two characters).
    The kept text is stripped. The symbols depend on the references, so this is one metric, not a normalizer.

    >>> m = KeptCharsMatch()
    >>> m.score("L'home, ", ["l'home"]), m.score("l home", ["l'home"]), m.score("bon-dia!", ["bon dia"])
    (1.0, 0.0, 1.0)
    >>> m.id
    'kept_chars_match(case=lower_per_char)'
    """

    name: ClassVar[str] = "kept_chars_match"
    summary: ClassVar[str] = "exact match keeping only letters, digits and the references' own symbols"
    case: str = enum("lower_per_char", ("lower_per_char", "keep"), "how case is treated")

    def _score_refs(self, prediction: str, refs: tuple, cache) -> float:
        symbols = frozenset(c for r in refs for c in r if not c.isalnum() and not c.isspace())
        lower = self.case == "lower_per_char"
        p = _clean(prediction, symbols, lower)
        return 1.0 if any(p == _clean(r, symbols, lower) for r in refs) else 0.0

    def describe(self):
        return ("keep letters, digits and the symbols the sample's references use; "
                f"{_CASE_WORDS[self.case]}; strip; 1 if the prediction equals a reference")
