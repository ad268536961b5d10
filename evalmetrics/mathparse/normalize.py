r"""Text-level clean-up of one extracted answer before tokenizing: delimiters, spacing, Unicode, units.

Only ``str`` methods and a few fixed linear-time patterns; the input is capped at ``LIMITS.max_chars`` first.

>>> from evalmetrics.mathparse.normalize import clean
>>> clean("$1{,}000\\text{ cm}$.")
Cleaned(text='1000', unit='cm', percent=False, degrees=False)
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .bounds import LIMITS, BoundExceeded

__all__ = ["clean", "Cleaned", "number_words", "UNIT_WORDS"]


class Cleaned(NamedTuple):
    text: str
    unit: str | None  # a unit stripped from the end, canonical spelling
    percent: bool  # a trailing % or \%
    degrees: bool  # ^\circ, ° or "degrees"


_UNICODE = {
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": "\\times ", "\u00b7": "\\cdot ", "\u22c5": "\\cdot ",
    "\u221a": "\\sqrt", "\u03c0": "\\pi ", "\u221e": "\\infty ", "\u00f7": "\\div ", "\u2264": "\\le ",
    "\u2265": "\\ge ", "\u2260": "\\ne ", "\u00b1": "\\pm ", "\u2026": "\\ldots ", "\u222a": "\\cup ",
    "\u2229": "\\cap ", "\u2205": "\\emptyset ", "\uff0c": ",", "\u00b0": "^\\circ ",
}
_THIN = ("\u2009", "\u202f", "\u00a0", "\u2006", "\u2005")
_DROP = ("\\displaystyle", "\\!", "\\left.", "\\right.", "\\mathrm{d}")
_SPACES = ("\\;", "\\:", "\\quad", "\\qquad", "\\ ", "~", "\t", "\n", "\r")
_WRAPPERS = ("\\text", "\\textbf", "\\textit", "\\textrm", "\\mathrm", "\\mathbf", "\\mathit", "\\mbox",
             "\\operatorname", "\\textnormal", "\\mathbb")
# {,} between digit groups, also with spaces around or inside the braces: 14{,}916, 14 {, }916
_THOUSANDS_SEP = re.compile(r"(?<=\d)(?: ?\{ ?, ?\} ?|\\,)(?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(\d+),(\d{2,})")
_COMMA_BANG = re.compile(r",\\! ?(?=\d{3})")
_DOUBLED = re.compile(
    r"\\\\(?=(?:frac|dfrac|tfrac|left|right|boxed|sqrt|pi|cdot|times|text|textbf|mathrm|infty|le|ge|leq|geq|lt|gt"
    r"|neq|ne|in|cup|approx|pm|mp|sin|cos|tan|log|ln|exp|quad|qquad|overline|circ|dots|ldots)(?![A-Za-z]))"
)
_NAME = re.compile(r"[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?")
_THOUSANDS_SPACE = re.compile(r"(?<![\d.,\\])[1-9]\d{0,2}(?:(?:\\ | )\d{3})+(?![\d.])")
# (not right after an opening bracket: "(12,102)" is a pair)
_THOUSANDS_COMMA = re.compile(r"(?<![\d.,(\[{])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])")

# unit spellings -> canonical unit (only these are recognized as units; anything else is text)
UNIT_WORDS = {
    **dict.fromkeys(["cm", "centimeter", "centimeters", "centimetre", "centimetres"], "cm"),
    **dict.fromkeys(["m", "meter", "meters", "metre", "metres"], "m"),
    **dict.fromkeys(["km", "kilometer", "kilometers"], "km"),
    **dict.fromkeys(["mm", "millimeter", "millimeters"], "mm"),
    **dict.fromkeys(["in", "inch", "inches"], "in"),
    **dict.fromkeys(["ft", "foot", "feet"], "ft"),
    **dict.fromkeys(["yd", "yard", "yards"], "yd"),
    **dict.fromkeys(["mi", "mile", "miles"], "mi"),
    **dict.fromkeys(["kg", "kilogram", "kilograms"], "kg"),
    **dict.fromkeys(["g", "gram", "grams"], "g"),
    **dict.fromkeys(["lb", "lbs", "pound", "pounds"], "lb"),
    **dict.fromkeys(["oz", "ounce", "ounces"], "oz"),
    **dict.fromkeys(["s", "sec", "second", "seconds"], "s"),
    **dict.fromkeys(["min", "minute", "minutes"], "min"),
    **dict.fromkeys(["h", "hr", "hour", "hours"], "h"),
    **dict.fromkeys(["day", "days"], "day"),
    **dict.fromkeys(["week", "weeks"], "week"),
    **dict.fromkeys(["year", "years"], "year"),
    **dict.fromkeys(["l", "liter", "liters", "litre", "litres"], "l"),
    **dict.fromkeys(["ml", "milliliter", "milliliters"], "ml"),
    **dict.fromkeys(["dollar", "dollars"], "dollar"),
    **dict.fromkeys(["cent", "cents"], "cent"),
    **dict.fromkeys(["unit", "units"], "unit"),
    **dict.fromkeys(["sq units", "square units", "units^2"], "unit^2"),
    **dict.fromkeys(["cm^2", "square cm", "sq cm", "square centimeters"], "cm^2"),
    **dict.fromkeys(["m^2", "square meters", "sq m"], "m^2"),
    **dict.fromkeys(["in^2", "square inches", "sq in"], "in^2"),
    **dict.fromkeys(["ft^2", "square feet", "sq ft"], "ft^2"),
    **dict.fromkeys(["cm^3", "cubic cm", "cubic centimeters"], "cm^3"),
    **dict.fromkeys(["m^3", "cubic meters"], "m^3"),
    **dict.fromkeys(["mph", "miles per hour"], "mph"),
    **dict.fromkeys(["km/h", "kph"], "km/h"),
    **dict.fromkeys(["m/s"], "m/s"),
    **dict.fromkeys(["degree", "degrees", "deg"], "deg"),
    **dict.fromkeys(["radian", "radians", "rad"], "rad"),
    **dict.fromkeys(["percent"], "%"),
}
# words that end a plain (non-\text) answer as a unit only after a number; single letters never do
_PLAIN_UNIT_MIN = 2

_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUE = {w: i for i, w in enumerate(_SMALL)} | {w: 10 * i for i, w in enumerate(_TENS) if w}


def number_words(text: str) -> int | None:
    """``"twenty-one"`` -> 21, ``"one hundred and five"`` -> 105, ``"seven"`` -> 7; anything else -> None."""
    words = text.lower().replace("-", " ").replace(" and ", " ").split()
    if not words or len(words) > 8:
        return None
    total, cur, seen = 0, 0, False
    for w in words:
        if w in _WORD_VALUE:
            cur += _WORD_VALUE[w]
        elif w == "hundred":
            cur = (cur or 1) * 100
        elif w in ("thousand", "million"):
            total += (cur or 1) * (1000 if w == "thousand" else 1_000_000)
            cur = 0
        else:
            return None
        seen = True
    return total + cur if seen else None


def _strip_outer(s: str) -> str:
    """Remove math delimiters around the whole answer and a final period."""
    for _ in range(4):
        s = s.strip()
        before = s
        for a, b in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
            if len(s) >= len(a) + len(b) and s.startswith(a) and s.endswith(b):
                s = s[len(a) : len(s) - len(b)]
        if s.endswith(".") and not s.endswith(".."):
            s = s[:-1]
        if s.startswith("\\boxed{") and s.endswith("}"):
            s = s[7:-1]
        if s == before:
            break
    return s.strip()


def _brace_end(s: str, j: int) -> int:
    """Index of the brace closing the one at ``s[j]`` (== "{"), or -1."""
    depth = 0
    for k in range(j, len(s)):
        c = s[k]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return k
    return -1


def _unwrap(s: str) -> str:
    """``\\text{abc}`` -> ``abc`` (and the other text/font wrappers); linear in practice, bounded by max_chars."""
    if "\\" not in s:
        return s
    for w in _WRAPPERS:
        start = 0
        while True:
            i = s.find(w + "{", start)
            if i < 0:
                break
            j = i + len(w)
            k = _brace_end(s, j)
            if k < 0:
                break
            s = s[:i] + " " + s[j + 1 : k] + " " + s[k + 1 :]
            start = i
    return s


def _split_unit(s: str) -> tuple[str, str | None]:
    """Strip a unit word from the end when it follows something else: ``5\\text{ cm}`` -> (``5``, ``cm``)."""
    t = s.rstrip()
    for w in ("\\text{", "\\mbox{", "\\mathrm{", "\\textnormal{", "\\textbf{", "\\textit{", "\\mathbf{"):
        if t.endswith("}"):
            i = t.rfind(w)
            if i > 0 and _brace_end(t, i + len(w) - 1) == len(t) - 1:
                word = t[i + len(w) : -1].strip().lower().replace("\\", "").replace("{", "").replace("}", "")
                word = " ".join(word.split())
                if word in UNIT_WORDS:
                    return t[:i].rstrip(), UNIT_WORDS[word]
                head = t[:i].rstrip()
                if word.replace(" ", "").isalpha() and head and (head[-1].isdigit() or head[-1] in "})"):
                    return head, _unit_key(word)  # "5\text{ apples}": an unknown unit, kept for comparison
    # a plain trailing unit word after a number: "5 cm", "12 square units"
    parts = t.rsplit(None, 2)
    for n in (2, 1):
        if len(parts) > n:
            word = " ".join(parts[-n:]).lower()
            if len(word) >= _PLAIN_UNIT_MIN and word in UNIT_WORDS:
                head = t[: len(t) - len(" ".join(parts[-n:]))].rstrip() if n == 1 else t.rsplit(None, n)[0]
                if head and (head[-1].isdigit() or head[-1] in "})"):
                    return head.rstrip(), UNIT_WORDS[word]
    # one unknown word after a number: "5 apples" (not a number word or a name the parser knows)
    if len(parts) >= 2:
        word = parts[-1].lower()
        head = t[: len(t) - len(parts[-1])].rstrip()
        if (word.isascii() and word.isalpha() and len(word) >= 3 and word not in _NOT_UNITS
                and number_words(word) is None and head and head[-1].isdigit()):
            return head, _unit_key(word)
    return s, None


_NOT_UNITS = {"pi", "infinity", "inf", "infty", "and", "or", "sqrt", "sin", "cos", "tan", "log", "exp", "mod",
              "hundred", "thousand", "million", "percent"}


def _unit_key(word: str) -> str:
    """Canonical spelling of a unit word: known units map to one name; others lose a plural -s."""
    if word in UNIT_WORDS:
        return UNIT_WORDS[word]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def clean(answer: str) -> Cleaned:
    """Normalize one extracted answer's text (raises BoundExceeded past ``LIMITS.max_chars``)."""
    if len(answer) > LIMITS.max_chars:
        raise BoundExceeded("max_chars", f"{len(answer)} characters")
    s = answer
    for k, v in _UNICODE.items():
        if k in s:
            s = s.replace(k, v)
    for t in _THIN:
        if t in s:
            s = s.replace(t, "\\,")
    if "\\\\" in s:
        s = _DOUBLED.sub(lambda m: m.group()[1:], s)  # doubly escaped LaTeX: \\frac -> \frac
    s = _strip_outer(s)
    if ",\\!" in s:
        s = _COMMA_BANG.sub(",", s)  # 11,\! 111 -> 11,111 (a thousands group)
    for d in _DROP:
        s = s.replace(d, "")
    s = s.replace("\\\\", "\x01")  # protect row breaks (\\) from the spacing rules
    s = _THOUSANDS_SPACE.sub(lambda m: m.group().replace("\\ ", "").replace(" ", ""), s)
    for sp in _SPACES:
        s = s.replace(sp, " ")
    s = s.replace("\x01", " \\\\ ")
    s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\cfrac", "\\frac")
    s = s.replace("\\left", "").replace("\\right", "").replace("\\bigl", "").replace("\\bigr", "")
    s = s.replace("\\lvert", "|").replace("\\rvert", "|").replace("\\vert", "|").replace("\\mid", "|")
    s = s.replace("\\$", "").replace("$", "")
    if "," in s or "\\," in s:
        s = _THOUSANDS_SEP.sub("", s)
        s = _THOUSANDS_COMMA.sub(lambda m: m.group().replace(",", ""), s)
    s = s.replace("\\,", " ")
    degrees = False
    for deg in ("^{\\circ}", "^\\circ", "^{\\circ }", "\\circ"):
        if deg in s:
            s = s.replace(deg, " ")
            degrees = True
    s = s.strip()
    s, unit = _split_unit(s)
    if unit == "deg":
        degrees, unit = True, None
    percent = False
    if s.endswith("\\%") or s.endswith("%"):
        s = s[: -2 if s.endswith("\\%") else -1].rstrip()
        percent = True
    elif unit == "%":
        percent, unit = True, None
    s = _unwrap(s).strip()
    if s.endswith(".") and not s.endswith(".."):
        s = s[:-1].rstrip()
    m = _DECIMAL_COMMA.fullmatch(s)
    if m and (len(m.group(2)) != 3 or m.group(1).startswith("0")):
        s = m.group(1) + "." + m.group(2)  # a decimal comma: 1,22 and 0,111 (1,000 stays one thousand)
    if "\\approx" in s:
        head = s.split("\\approx", 1)[0].strip()
        # "x \approx 11" reads as x = 11; "1/3 \approx 0.33" keeps the exact value before the approximation
        s = s.replace("\\approx", "=", 1) if _NAME.fullmatch(head) else head
    return Cleaned(" ".join(s.split()), unit, percent, degrees)
