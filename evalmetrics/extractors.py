"""Extractors: model output -> answer steps, applied before normalization.

Each extractor states what happens when nothing is found: ``fallback`` is the text returned then, or ``None``,
meaning "no answer" (the sample scores 0). The choice is part of the ID.

>>> from evalmetrics.extractors import Gsm8kAnswer
>>> Gsm8kAnswer().apply("so 3 + 4 = 7\\n#### 7")
'7'
>>> Gsm8kAnswer().apply("I think 7")
'[invalid]'
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from . import _regex
from .errors import InvalidConfig, InvalidInput
from .units import REQUIRED, Step, flag, integer, register, steps, text, texts

__all__ = [
    "RegexExtract",
    "SplitTake",
    "LastBoxed",
    "FirstLine",
    "FirstLineWithout",
    "Gsm8kAnswer",
    "AnswerIs",
    "LastNumber",
    "FirstOf",
    "BetweenMarkers",
]


class Extractor(Step):
    kind: ClassVar[str] = "extractor"


def _fallback_words(fallback):
    return "no answer (scores 0)" if fallback is None else repr(fallback)


@register
@dataclass(frozen=True, repr=False)
class RegexExtract(Extractor):
    """Find all matches of ``pattern`` and keep one of them.

    Matches are listed as Python's ``re.findall`` lists them: the whole match when the pattern has no group, the
    group when it has one, and, when it has several, the first non-empty group (``fallback`` if all are empty).
    ``match_index`` picks from that list (0 = first match, -1 = last); an index past the end is an
    ``InvalidInput`` error, as lm_eval raises there. ``strip`` strips the kept text. With no match at all the
    result is ``fallback`` (``None``: no answer). lm_eval's ``regex`` filter is this extractor.

    >>> RegexExtract(pattern=r"(-?[0-9.,]{2,})|(-?[0-9]+)", match_index=-1).apply("from 12 to 1,072.")
    '1,072.'
    """

    name: ClassVar[str] = "regex_extract"
    summary: ClassVar[str] = "keep one match of a regular expression"
    pattern: str = text(r"#### (\-?[0-9\.\,]+)", "the regular expression (Python re syntax)")
    match_index: int = integer(0, "which match: 0 first, -1 last, k the (k+1)-th")
    fallback: str | None = text("[invalid]", "result when nothing matches (none: no answer)", optional=True)
    strip: bool = flag(True, "strip whitespace from the kept match")

    def _validate(self):
        _regex.compile_pattern(self.pattern, "regex_extract")

    @functools.cached_property
    def _compiled(self):
        return _regex.compile_pattern(self.pattern, "regex_extract")

    def apply(self, text: str) -> str | None:
        matches = _regex.findall(self._compiled, text)
        if not matches:
            return self.fallback
        try:
            m = matches[self.match_index]
        except IndexError:
            raise InvalidInput(
                f"regex_extract: match_index {self.match_index} but the text has {len(matches)} match(es) of "
                f"{self.pattern!r} (lm_eval's regex filter raises IndexError here)",
            ) from None
        if isinstance(m, tuple):
            nonempty = [g for g in m if g]
            if nonempty:
                m = nonempty[0]
            else:
                m = self.fallback
                if m is None:
                    return None
        return m.strip() if self.strip else m

    def describe(self):
        which = {0: "the first match", -1: "the last match"}.get(self.match_index, f"match #{self.match_index}")
        return (
            f"find matches of the regex {_regex.shown(self.pattern)} and keep {which} (first non-empty group)"
            + (", stripped" if self.strip else "")
            + f"; if none: {_fallback_words(self.fallback)}"
        )


@register
@dataclass(frozen=True, repr=False)
class SplitTake(Extractor):
    """Split on the literal ``sep`` and keep the piece at ``index`` (``str.split(sep)[index]``).

    HELM's ``exact_match_indicator`` keeps the text after the last space this way.

    >>> SplitTake(sep=" ", index=-1).apply("the answer is ## 42")
    '42'
    """

    name: ClassVar[str] = "split_take"
    summary: ClassVar[str] = "split on a separator and keep one piece"
    sep: str = text(" ", "the literal separator")
    index: int = integer(-1, "which piece: 0 first, -1 last")
    fallback: str | None = text(None, "result when the piece does not exist (none: no answer)", optional=True)

    def _validate(self):
        if not self.sep:
            raise InvalidConfig("split_take: parameter 'sep' must be a non-empty string; got ''")

    def apply(self, text: str) -> str | None:
        parts = text.split(self.sep)
        try:
            return parts[self.index]
        except IndexError:
            return self.fallback

    def describe(self):
        which = {0: "the first piece", -1: "the last piece"}.get(self.index, f"piece #{self.index}")
        return f"split on {self.sep!r} and keep {which}"


def _last_boxed_span(text: str, commands: tuple[str, ...]):
    """Return the content of the last ``\\boxed{...}`` (balanced braces) or ``\\boxed x`` form, or None."""
    best = -1
    best_cmd = None
    for cmd in commands:
        i = text.rfind(cmd)
        if i > best:
            best, best_cmd = i, cmd
    if best < 0:
        return None
    j = best + len(best_cmd)
    if text.startswith(" ", j) and best_cmd == "\\boxed":
        # "\boxed 5" form: up to the next "$" or end
        rest = text[j + 1 :]
        return rest.split("$")[0]
    while j < len(text) and text[j] == " ":
        j += 1
    if j >= len(text) or text[j] != "{":
        return None
    depth = 0
    for k in range(j, len(text)):
        c = text[k]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[j + 1 : k]
    return None


@register
@dataclass(frozen=True, repr=False)
class LastBoxed(Extractor):
    """Keep the content of the last ``\\boxed{...}`` (or ``\\fbox{...}``), with balanced braces.

    ``\\boxed 5`` (a space instead of braces) keeps the text up to the next ``$``. Unbalanced braces or no box:
    ``fallback``.

    >>> LastBoxed().apply("so \\\\boxed{1} or rather \\\\boxed{\\\\frac{1}{2}}.")
    '\\\\frac{1}{2}'
    """

    name: ClassVar[str] = "last_boxed"
    summary: ClassVar[str] = "keep the content of the last \\boxed{...}"
    fbox: bool = flag(True, "also accept \\fbox{...}")
    fallback: str | None = text(None, "result when there is no box (none: no answer)", optional=True)

    def apply(self, text: str) -> str | None:
        cmds = ("\\boxed", "\\fbox") if self.fbox else ("\\boxed",)
        got = _last_boxed_span(text, cmds)
        return self.fallback if got is None else got

    def describe(self):
        return "keep the content of the last \\boxed{...}" + (" or \\fbox{...}" if self.fbox else "") + (
            f"; if none: {_fallback_words(self.fallback)}"
        )


@register
@dataclass(frozen=True, repr=False)
class FirstLine(Extractor):
    """Keep the text before the first newline (``text.split("\\n")[0]``).

    >>> FirstLine().apply("Paris\\nbecause ...")
    'Paris'
    """

    name: ClassVar[str] = "first_line"
    summary: ClassVar[str] = "keep the first line"
    idempotent: ClassVar[bool] = True

    def apply(self, text: str) -> str:
        return text.split("\n", 1)[0]


@register
@dataclass(frozen=True, repr=False)
class FirstLineWithout(Extractor):
    """Keep the first line (lines split on ``"\\n"``) that is not blank and contains none of ``excluded``.

    A blank line is one that ``str.strip()`` empties. With no such line the result is ``fallback``. LongBench's code
    completion score reads the first code line this way: no Markdown fence or backtick, no ``#`` or ``//`` comment.

    >>> FirstLineWithout().apply("```python\\n\\n# setup\\nx = 1  \\ny = 2")
    'x = 1  '
    """

    name: ClassVar[str] = "first_line_without"
    summary: ClassVar[str] = "keep the first non-blank line that contains none of some texts"
    excluded: tuple = texts(("`", "#", "//"), "a line containing any of these is skipped")
    fallback: str | None = text("", "result when no line qualifies (none: no answer)", optional=True)

    def apply(self, text: str) -> str | None:
        for line in text.split("\n"):
            if line.strip() == "":
                continue
            if not any(x in line for x in self.excluded):
                return line
        return self.fallback

    def describe(self):
        words = ", ".join(repr(x) for x in self.excluded)
        return (f"keep the first line (split on newlines) that is not blank and contains none of {words}; if none: "
                f"{_fallback_words(self.fallback)}")


def Gsm8kAnswer(fallback: str | None = "[invalid]") -> RegexExtract:
    r"""GSM8K's ``#### N`` answer: the first match of ``#### (-?[0-9.,]+)``, stripped (lm_eval strict-match).

    >>> print(Gsm8kAnswer().id)
    regex_extract(pattern="#### (\\-?[0-9\\.\\,]+)", match_index=0, fallback="[invalid]", strip=true)
    """
    return RegexExtract(pattern=r"#### (\-?[0-9\.\,]+)", match_index=0, fallback=fallback, strip=True)


def AnswerIs(fallback: str | None = None, last: bool = True) -> RegexExtract:
    """The text after "the answer is" / "the final answer is" (any case), up to a period+space, newline or end.

    >>> AnswerIs().apply("... so the answer is 42. Done")
    '42'
    """
    return RegexExtract(
        pattern=r"(?i)(?:the )?(?:final )?answer is:?\s*(.+?)(?:\.(?:\s|$)|\n|$)",
        match_index=-1 if last else 0,
        fallback=fallback,
        strip=True,
    )


def LastNumber(fallback: str | None = None) -> RegexExtract:
    """The last number (optional minus, digits with optional thousands commas and decimals).

    >>> LastNumber().apply("from 3 apples to 1,072.5 pears")
    '1,072.5'
    """
    return RegexExtract(pattern=r"-?\d[\d,]*(?:\.\d+)?", match_index=-1, fallback=fallback, strip=True)


@register
@dataclass(frozen=True, repr=False)
class FirstOf(Extractor):
    r"""Try several steps in order on the same text; keep the first result that is not "no answer".

    Each step gets the original text (they are alternatives, not a chain). A step's result counts only if it is
    not ``None`` and not blank; if every step finds nothing, the result is ``None`` (no answer).

    >>> m = FirstOf(steps=[LastBoxed(), LastNumber()])
    >>> m.apply("so \\boxed{7}"), m.apply("it is 8"), m.apply("none") is None
    ('7', '8', True)
    """

    name: ClassVar[str] = "first_of"
    summary: ClassVar[str] = "the first of several extractors that finds an answer"
    steps: tuple = steps("the alternatives, tried in order on the original text")

    def apply(self, text: str) -> str | None:
        for s in self.steps:
            got = s.apply(text)
            if got is not None and got.strip():
                return got
        return None

    def describe(self):
        return "try in order and keep the first answer found: " + "; ".join(s.describe() for s in self.steps)


@register
@dataclass(frozen=True, repr=False)
class BetweenMarkers(Extractor):
    """The text between the first ``start`` marker and the first ``end`` marker, each found with ``str.find`` from
    the beginning of the text: ``text[i + len(start):j]``.

    Either marker absent: no answer (the sample scores 0). An ``end`` whose first occurrence comes before the first
    ``start`` gives the empty text (the slice is empty), not "no answer".

    >>> m = BetweenMarkers(start="<Route>", end="</Route>")
    >>> m.apply("so <Route>A to B</Route>"), m.apply("</Route><Route>x"), m.apply("A to B") is None
    ('A to B', '', True)
    """

    name: ClassVar[str] = "between_markers"
    summary: ClassVar[str] = "the text between the first start marker and the first end marker"
    start: str = text(REQUIRED, "the marker before the answer")
    end: str = text(REQUIRED, "the marker after the answer")

    @classmethod
    def example(cls):
        return cls(start="<answer>", end="</answer>")

    def _validate(self):
        if not self.start or not self.end:
            raise InvalidConfig("between_markers: 'start' and 'end' must be non-empty strings")

    def apply(self, text: str) -> str | None:
        i, j = text.find(self.start), text.find(self.end)
        if i == -1 or j == -1:
            return None
        return text[i + len(self.start):j]

    def describe(self):
        return (f"the text between the first {self.start!r} and the first {self.end!r} (no answer if either is "
                f"missing; empty if the end comes first)")
