"""Reading a number written in Python float syntax or in Unicode number forms, and the text steps built on it.

:func:`read_number` accepts what Python's ``float`` accepts (finite values only) and, failing that, a number written
with Unicode characters: signs (``-`` ``−`` ``﹣`` ``－``, ``+`` ``＋`` ``﹢``, Chinese 正/负/負), digits of any
script, grouping separators (commas, thin and no-break spaces, apostrophes, ``、`` ...), a decimal mark chosen by
position (the later of ``.`` and ``,``; a lone ``,`` only when 1-3 digits follow it), one embedded vulgar fraction
(``2½``), a superscript exponent (``3²``, ``1.5⁻³``; the sign binds to the base: ``-2²`` is 4), Chinese numerals
with units up to 兆 and 点/點 decimals, and single numeric characters (``Ⅻ``, ``½``). Inspect AI's numeric
``match`` reads numbers this way; the conformance suite checks every rule against its ``unicode_number_to_float``.

>>> read_number("1,5"), read_number("２½"), read_number("十二点五"), read_number("-2²"), read_number("nan")
(1.5, 2.5, 12.5, 4.0, None)
"""
from __future__ import annotations

import functools
import math
import re
import string
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from .errors import InvalidInput
from .normalizers import Normalizer
from .units import integer, register, text

__all__ = ["read_number", "format_significant", "StripNumberFormatting", "FormatSignificant", "FiniteFloatCast",
           "StripPunctSparingNumbers", "NUMBER_TRIM"]

# --- the character tables ------------------------------------------------------------------------------------------

_MINUS = frozenset("-−﹣－负負")
_PLUS = frozenset("+＋﹢正")
_EXP_SIGN = {"+": "+", "＋": "+", "﹢": "+", "-": "-", "−": "-", "﹣": "-", "－": "-"}
_EXTRA_POINTS = frozenset("٫．")
_SEPARATORS = frozenset(",，﹐、٬ \u00a0\u202f\u2009\u2007\u2008'’ʼ＇")
_SUPERSCRIPTS = {c: str(i) for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
_SUPERSCRIPT_SIGNS = {"⁻": "-", "⁺": "+"}
# Chinese numerals: digit values (zero forms included), tens written as one character, units.
_HAN_DIGITS = {
    **dict.fromkeys("零〇○", 0), "一": 1, "幺": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_HAN_ZEROS = frozenset("零〇○")
_HAN_TENS = {"廿": 20, "卅": 30, "卌": 40}
_HAN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_HAN_LARGE = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "兆": 10**12}
_HAN_POINTS = ("点", "點")
_HAN_ANY = frozenset(_HAN_DIGITS) | frozenset(_HAN_TENS) | frozenset(_HAN_SMALL) | frozenset(_HAN_LARGE) \
    | frozenset(_HAN_POINTS) | frozenset("负負正")
_INT_MAX_DIGITS = 4300  # Python's default limit on int(str) (sys.get_int_max_str_digits)


class _NotANumber(Exception):
    """Raised inside the reading where no fallback may be tried: the whole text reads as no number."""


def _digit(ch: str) -> str | None:
    """The ASCII digit a character stands for: ASCII and other decimal digits, other digit characters (²,
    ①), Chinese digit numerals; None for anything else."""
    if "0" <= ch <= "9":
        return ch
    v = unicodedata.decimal(ch, None)
    if v is None:
        v = unicodedata.digit(ch, None)
    if v is None:
        v = _HAN_DIGITS.get(ch)
    return None if v is None else str(v)


def _char_value(ch: str) -> float | None:
    v = unicodedata.numeric(ch, None)
    return None if v is None else float(v)


# --- the Unicode reading, one form per function --------------------------------------------------------------------

def _positional(s: str) -> float | None:
    """Digits of any script with grouping separators, one decimal mark, an ASCII e/E exponent."""
    s = s.strip()
    if not s:
        return None
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    point = None
    if last_dot >= 0:
        point = "." if last_dot > last_comma else ","
    elif last_comma >= 0 and 1 <= sum(_digit(c) is not None for c in s[last_comma + 1:]) <= 3:
        point = ","
    out: list[str] = []
    had_point = had_exp = False
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        i += 1
        if ch in "eE" and not had_exp:
            if not out:
                return None
            had_exp = True
            out.append(ch)
            if i < n and s[i] in _EXP_SIGN:
                out.append(_EXP_SIGN[s[i]])
                i += 1
        elif ch == point or ch in _EXTRA_POINTS:
            if had_point:
                return None
            had_point = True
            out.append(".")
        elif ch in _SEPARATORS or ch.isspace() or ch in ",.":
            continue
        else:
            d = _digit(ch)
            if d is None:
                return None
            out.append(d)
    if not out or not any(c.isdigit() for c in out):
        return None
    try:
        return float("".join(out))
    except ValueError:
        return None


def _han_integer(s: str) -> int | None:
    """A Chinese integer: digit characters alone (二〇二五), or digits with units (三千零五, 十二万)."""
    if not any(c in _HAN_SMALL or c in _HAN_LARGE or c in _HAN_TENS for c in s):
        digits = []
        for c in s:
            if c.isspace():
                continue
            d = _digit(c)
            if d is None:
                return None
            digits.append(d)
        if len(digits) > _INT_MAX_DIGITS:
            raise _NotANumber
        return int("".join(digits)) if digits else 0
    total = group = pending = 0
    for c in s:
        if c.isspace() or c in _HAN_ZEROS:
            continue
        if c in _HAN_TENS:
            group += _HAN_TENS[c]
        elif c in _HAN_SMALL:
            group += (pending or 1) * _HAN_SMALL[c]
            pending = 0
        elif c in _HAN_LARGE:
            total += (group + pending) * _HAN_LARGE[c]
            group = pending = 0
        else:
            d = _digit(c)
            if d is None:
                return None
            pending = int(d)
    return total + group + pending


def _han(s: str) -> float | None:
    """A Chinese numeral, with 点/點 (or a full-width or ASCII point) before decimal digits."""
    whole, frac = s, ""
    points = [p for p in _HAN_POINTS if p in s]
    if len(points) > 1:
        return None  # a second point is no digit wherever it lands
    mark = points[0] if points else next((p for p in ("．", ".") if p in s), None)
    if mark is not None:
        whole, _, frac = s.partition(mark)
    value = _han_integer(whole)
    if value is None:
        return None
    tail, scale = 0.0, 0.1
    for c in frac:
        if c.isspace():
            continue
        d = _digit(c)
        if d is None:
            return None
        tail += int(d) * scale
        scale /= 10.0
    try:
        return float(value) + tail
    except OverflowError:
        raise InvalidInput(f"a number of {len(str(value))} digits is too large for a float (inspect_ai raises "
                           f"OverflowError here)") from None


def _plain(s: str) -> float | None:
    s = s.strip()
    if not s:
        return None
    if any(c in _HAN_ANY for c in s):
        v = _han(s)
        if v is not None:
            return v
    v = _positional(s)
    if v is not None:
        return v
    return _char_value(s) if len(s) == 1 else None


def _with_fraction(s: str) -> float | None:
    """A number with at most one vulgar-fraction character (value strictly between 0 and 1) added at its end."""
    if not s:
        return None
    hits = [i for i, c in enumerate(s) if 0.0 < (unicodedata.numeric(c, 0.0)) < 1.0]
    if not hits:
        return _plain(s)
    if len(hits) > 1:
        return None
    i = hits[0]
    if any(not (c.isspace() or c in _SEPARATORS) for c in s[i + 1:]):
        return None
    head = s[:i].strip()
    whole = 0.0
    if head:
        whole = _plain(head)
        if whole is None:
            return None
    return whole + float(unicodedata.numeric(s[i]))


def _exponent(s: str) -> tuple[str, int | None]:
    """Split a trailing superscript exponent (``²``, ``⁻³``; trailing separators ignored) from its base."""
    end = len(s)
    while end > 0 and (s[end - 1].isspace() or s[end - 1] in _SEPARATORS):
        end -= 1
    start = end
    while start > 0 and s[start - 1] in _SUPERSCRIPTS:
        start -= 1
    if start == end:
        return s.strip(), None
    sign = ""
    if start > 0 and s[start - 1] in _SUPERSCRIPT_SIGNS:
        start -= 1
        sign = _SUPERSCRIPT_SIGNS[s[start]]
        digits = s[start + 1:end]
    else:
        digits = s[start:end]
    base = s[:start].rstrip()
    if not base:
        return s.strip(), None
    return base, int(sign + "".join(_SUPERSCRIPTS[c] for c in digits))


def read_unicode_number(s: str) -> float | None:
    """The value of a number written with Unicode characters (see the module docstring), or None. May be
    infinite (a huge positional number); :func:`read_number` keeps finite values only."""
    body = s.strip()
    negative = False
    while True:
        body = body.lstrip()
        if body[:1] and body[0] in _MINUS:
            negative = not negative
        elif not (body[:1] and body[0] in _PLUS):
            break
        body = body[1:]
    if len(body) == 1:
        v = _char_value(body)
        if v is not None:
            return -v if negative else v
    base, power = _exponent(body)
    try:
        v = _with_fraction(base)
    except _NotANumber:
        return None
    if v is None:
        return None
    if negative:
        v = -v
    if power is None:
        return float(v)
    try:
        return float(v ** power)
    except (ArithmeticError, ValueError):
        return None


def read_number(s: str, trim: str = "") -> float | None:
    """The finite value ``s`` spells, trimmed of ``trim`` characters at both edges: Python's ``float`` syntax
    first, then :func:`read_unicode_number`; None when neither gives a finite number."""
    if trim:
        s = s.strip(trim)
    try:
        v = float(s)
    except ValueError:
        v = None
    if v is not None and math.isfinite(v):
        return v
    v = read_unicode_number(s)
    return v if v is not None and math.isfinite(v) else None


def format_significant(value: float, digits: int) -> str:
    """``value`` written with ``digits`` significant digits, as ``format(value, ".{digits}g")`` writes it."""
    return format(value, f".{digits}g")


# --- steps -----------------------------------------------------------------------------------------------------

NUMBER_TRIM = "!?:;()[]{}'\"`"


@register
@dataclass(frozen=True, repr=False)
class StripNumberFormatting(Normalizer):
    r"""Remove the characters that format numbers: un-escape ``\$ \, \£ \€ \* \_`` (LaTeX escapes), then delete
    ``$ , £ € * _``, then delete each ``.`` not followed by a digit ("20." -> "20", "3.5" kept). Everywhere in
    the text, not only around numbers (Inspect AI's ``strip_numeric_punctuation``).

    >>> StripNumberFormatting().apply("\\$1,234.50. *done*")
    '1234.50 done'
    """

    name: ClassVar[str] = "strip_number_formatting"
    summary: ClassVar[str] = "delete $ , £ € * _ (and their backslash escapes) and each '.' not before a digit"
    idempotent: ClassVar[bool] = True

    def apply(self, text: str) -> str:
        return _DOT_NOT_BEFORE_DIGIT.sub("", _FORMAT_CHARS.sub("", _ESCAPED_FORMAT.sub(r"\1", text)))

    def describe(self):
        return (r"un-escape \$ \, \£ \€ \* \_; delete $ , £ € * _; delete each '.' not followed by a digit "
                "(anywhere in the text)")


_ESCAPED_FORMAT = re.compile(r"\\([$,£€*_])")
_FORMAT_CHARS = re.compile(r"[$,£€*_]")
_DOT_NOT_BEFORE_DIGIT = re.compile(r"\.(?!\d)")


@register
@dataclass(frozen=True, repr=False)
class FormatSignificant(Normalizer):
    """If the text (trimmed of ``trim`` characters at its edges) reads as a finite number (:func:`read_number`),
    replace it by that number written with ``digits`` significant digits (``format(x, ".5g")``), so numbers that
    agree to ``digits`` significant digits become equal: 123456 and 123459 both read "1.2346e+05". Otherwise the
    text is unchanged.

    >>> f = FormatSignificant()
    >>> f.apply("123456"), f.apply("(123459)"), f.apply("0.5"), f.apply("½"), f.apply("five")
    ('1.2346e+05', '1.2346e+05', '0.5', '0.5', 'five')
    """

    name: ClassVar[str] = "format_significant"
    summary: ClassVar[str] = "write a number with a fixed count of significant digits (format .Ng)"
    idempotent: ClassVar[bool] = False
    digits: int = integer(5, "significant digits kept", minimum=1)
    trim: str = text(NUMBER_TRIM, "characters trimmed from the edges before reading the number")

    def apply(self, text: str) -> str:
        v = read_number(text, self.trim)
        return text if v is None else format_significant(v, self.digits)

    def describe(self):
        trim = f" (after trimming {self.trim!r} at the edges)" if self.trim else ""
        return (f"if the text reads as a finite number{trim}, write it with {self.digits} significant digits "
                f"(123456 and 123459 both become {format_significant(123456.0, self.digits)!r})")


def _finite_float(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


@register
@dataclass(frozen=True, repr=False)
class FiniteFloatCast(Normalizer):
    """If the text parses as a finite Python float, replace it by ``str(float(text))`` ("01" -> "1.0"); "inf",
    "nan" and overflowing texts such as "1e999" are left as they are (unlike ``float_cast``).

    >>> FiniteFloatCast().apply("01"), FiniteFloatCast().apply("Infinity"), FiniteFloatCast().apply("1e999")
    ('1.0', 'Infinity', '1e999')
    """

    name: ClassVar[str] = "finite_float_cast"
    summary: ClassVar[str] = "rewrite a text that parses as a finite Python float as str(float(text))"
    idempotent: ClassVar[bool] = True

    def apply(self, text: str) -> str:
        return str(float(text)) if _finite_float(text) else text


_EDGE_PUNCT = string.whitespace + string.punctuation


@register
@dataclass(frozen=True, repr=False)
class StripPunctSparingNumbers(Normalizer):
    """Delete ASCII punctuation, sparing numbers: a text that parses as a finite Python float is kept; else, if
    trimming ASCII whitespace and punctuation from its edges leaves one, that trimmed text is the result; else
    every ASCII punctuation character is deleted.

    >>> s = StripPunctSparingNumbers()
    >>> s.apply("-3.5"), s.apply("(3.14)."), s.apply("it's"), s.apply("-inf")
    ('-3.5', '3.14', 'its', 'inf')
    """

    name: ClassVar[str] = "strip_punct_sparing_numbers"
    summary: ClassVar[str] = "delete ASCII punctuation unless the text is a number (edges trimmed)"
    idempotent: ClassVar[bool] = False

    def apply(self, text: str) -> str:
        if _finite_float(text):
            return text
        trimmed = text.strip(_EDGE_PUNCT)
        if _finite_float(trimmed):
            return trimmed
        return text.translate(_punct_table())

    def describe(self):
        return ("keep a text that is a finite number; else if trimming ASCII whitespace and punctuation from the "
                "edges leaves a finite number, take it; else delete all ASCII punctuation")


@functools.lru_cache(maxsize=None)
def _punct_table() -> dict:
    return {ord(c): None for c in string.punctuation}
