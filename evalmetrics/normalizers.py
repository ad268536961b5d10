"""Normalizers: text -> text steps, each a frozen value object with a canonical ``.id``.

A normalizer never decides a score by itself; it rewrites the prediction or the reference (which side is chosen by
the metric that holds it: see ``ExactMatch(normalize=..., normalize_pred=..., normalize_ref=...)``).

>>> from evalmetrics.normalizers import Lowercase, StripPunct
>>> StripPunct().apply(Lowercase().apply("Hello, World!"))
'hello world'
>>> StripPunct().id
'strip_punct(chars=ascii, replacement="", except_numbers=false)'
"""
from __future__ import annotations

import functools
import re
import string
import sys
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from . import _regex
from ._packages import pip_extra
from ._punkt import punkt_english
from .errors import InvalidConfig, InvalidInput
from .units import REQUIRED, Step, enum, flag, no_id, pairs, register, run_steps, steps, text, texts

__all__ = [
    "Lowercase",
    "Uppercase",
    "SentenceLines",
    "Strip",
    "CollapseWhitespace",
    "StripPunct",
    "RemoveDigits",
    "IsolateChars",
    "StripArticles",
    "FloatCast",
    "NormalizeNumbers",
    "RegexReplace",
    "RegexRemove",
    "UnicodeNormalize",
    "StripLatex",
    "RemoveOuterBraces",
    "Replace",
    "PerToken",
    "RejectEmpty",
    "RemoveSpans",
    "ListLiteralRender",
    "IfNonEmpty",
    "IfContains",
    "MapText",
    "WordTokenize",
    "Segment",
    "KeepLines",
]


class Normalizer(Step):
    kind: ClassVar[str] = "normalizer"


@register
@dataclass(frozen=True, repr=False)
class Lowercase(Normalizer):
    """Lowercase the text.

    ``method=python``: Python's ``str.lower`` (full Unicode case mapping; "İ" becomes two characters).
    ``method=numpy_fixed_width``: as ``numpy.char.lower`` on an array of fixed width: the lowered text is cut to
    the longest input's length (so "İ" alone becomes "i"). A metric lowers one sample's references together, as
    lm_eval does for a multiple-target task, so a longer sibling reference leaves room. lm_eval's
    ``ignore_case`` behaves like this.

    >>> Lowercase().apply("ÉCOLE")
    'école'
    >>> len(Lowercase().apply("İ")), len(Lowercase(method="numpy_fixed_width").apply("İ"))
    (2, 1)
    """

    name: ClassVar[str] = "lowercase"
    summary: ClassVar[str] = "lowercase the text"
    idempotent: ClassVar[bool] = True
    method: str = enum("python", ("python", "numpy_fixed_width"), "which lowercasing")

    def apply(self, text: str) -> str:
        return self._lower(text, len(text))

    def _lower(self, text: str, width: int) -> str:
        low = text.lower()
        if self.method == "numpy_fixed_width" and len(low) > width:
            low = low[:width]
        return low

    @property
    def batch_dependent(self) -> bool:
        return self.method == "numpy_fixed_width"

    def apply_batch(self, texts: list) -> list:
        width = max((len(t) for t in texts if t is not None), default=0)
        return [None if t is None else self._lower(t, width) for t in texts]

    def describe(self):
        if self.method == "python":
            return "lowercase (Python str.lower, full Unicode mapping)"
        return "lowercase as numpy.char.lower does (result cut to the input's length)"


@register
@dataclass(frozen=True, repr=False)
class Uppercase(Normalizer):
    """Uppercase the text with Python's ``str.upper``.

    >>> Uppercase().apply("abc")
    'ABC'
    """

    name: ClassVar[str] = "uppercase"
    summary: ClassVar[str] = "uppercase the text"

    def apply(self, text: str) -> str:
        return text.upper()


@register
@dataclass(frozen=True, repr=False)
class Strip(Normalizer):
    """Remove characters from the edges.

    ``chars=None`` removes Unicode whitespace (``str.strip()``); otherwise removes any of the given characters.
    ``which`` is ``both``, ``left`` or ``right``.

    >>> Strip().apply("  Paris \\n")
    'Paris'
    >>> Strip(chars="\\x00", which="right").apply("a\\x00\\x00")
    'a'
    """

    name: ClassVar[str] = "strip"
    summary: ClassVar[str] = "remove characters from the edges"
    idempotent: ClassVar[bool] = True
    which: str = enum("both", ("both", "left", "right"), "which edges")
    chars: str | None = text(None, "characters to remove; none means Unicode whitespace", optional=True)

    def apply(self, text: str) -> str:
        if self.which == "both":
            return text.strip(self.chars)
        if self.which == "left":
            return text.lstrip(self.chars)
        return text.rstrip(self.chars)

    def describe(self):
        what = "whitespace" if self.chars is None else f"the characters {self.chars!r}"
        edges = {"both": "both edges", "left": "the start", "right": "the end"}[self.which]
        return f"remove {what} from {edges}"


_ASCII_WS = re.compile(r"[ \t\n\r\x0b\x0c]+")


@register
@dataclass(frozen=True, repr=False)
class CollapseWhitespace(Normalizer):
    """Replace each run of whitespace by one space.

    ``whitespace=unicode``: every character Python's ``str.split()`` splits on (includes NBSP, U+2003, ...).
    ``whitespace=ascii``: only space, \\t, \\n, \\r, \\x0b, \\x0c. ``strip_edges`` also removes leading and
    trailing whitespace (``" ".join(text.split())`` is ``whitespace=unicode, strip_edges=true``).

    >>> CollapseWhitespace().apply(" a \\u00a0 b ")
    'a b'
    >>> CollapseWhitespace(whitespace="ascii").apply("a\\u00a0 b")
    'a\\xa0 b'
    """

    name: ClassVar[str] = "collapse_whitespace"
    summary: ClassVar[str] = "collapse runs of whitespace to one space"
    idempotent: ClassVar[bool] = True
    whitespace: str = enum("unicode", ("unicode", "ascii"), "which characters count as whitespace")
    strip_edges: bool = flag(True, "also remove whitespace at both edges")

    def apply(self, text: str) -> str:
        if self.whitespace == "unicode":
            if self.strip_edges:
                return " ".join(text.split())
            parts = re.split(r"(\s+)", text)
            return "".join(" " if i % 2 else p for i, p in enumerate(parts))
        out = _ASCII_WS.sub(" ", text)
        return out.strip(" ") if self.strip_edges else out

    def describe(self):
        ws = "Unicode whitespace (str.split)" if self.whitespace == "unicode" else "ASCII whitespace"
        return f"collapse runs of {ws} to one space" + (" and trim the edges" if self.strip_edges else "")


@functools.lru_cache(maxsize=None)
def _unicode_punct() -> frozenset:
    return frozenset(
        chr(i) for i in range(sys.maxunicode + 1) if unicodedata.category(chr(i)).startswith("P")
    )


@functools.lru_cache(maxsize=None)
def _delete_table(chars: str, replacement: str) -> dict:
    if chars == "ascii":
        cs = set(string.punctuation)
    elif chars == "unicode":
        cs = set(_unicode_punct())
    elif chars == "ascii_and_unicode":
        cs = set(_unicode_punct()) | set(string.punctuation)
    elif chars == "ascii_digits":
        cs = set(string.digits)
    else:  # pragma: no cover - guarded by enum
        raise InvalidConfig(chars)
    return {ord(c): replacement for c in cs}


_PUNCT_WORDS = {
    "ascii": "ASCII punctuation (string.punctuation, 32 characters)",
    "unicode": "Unicode punctuation (categories P*)",
    "ascii_and_unicode": "Unicode punctuation (categories P*) and ASCII string.punctuation",
}


@register
@dataclass(frozen=True, repr=False)
class StripPunct(Normalizer):
    """Delete punctuation characters (or replace each by ``replacement``).

    ``chars=ascii``: Python's ``string.punctuation`` (includes symbols such as ``$ + < = > ^ ` | ~``, excludes
    Unicode quotes and dashes). ``chars=unicode``: characters whose Unicode category starts with P (includes
    ``“ ” ’ — …``, excludes ``$ + < = > ^ ` | ~``). ``chars=ascii_and_unicode``: the union.

    >>> StripPunct().apply("“Hi”, it's $5!")
    '“Hi” its 5'
    >>> StripPunct(chars="unicode").apply("“Hi”, it's $5!")
    'Hi its $5'
    """

    name: ClassVar[str] = "strip_punct"
    summary: ClassVar[str] = "delete punctuation"
    idempotent: ClassVar[bool] = True
    chars: str = enum("ascii", ("ascii", "unicode", "ascii_and_unicode"), "which characters count as punctuation")
    replacement: str = text("", "what each punctuation character becomes")
    except_numbers: bool = flag(False, "leave a text that parses as a Python float unchanged (DROP)")

    def _validate(self):
        if self.replacement and any(c in _delete_table(self.chars, "") for c in map(ord, self.replacement)):
            raise InvalidConfig("strip_punct: the replacement may not itself contain punctuation")

    def apply(self, text: str) -> str:
        if self.except_numbers and _parses_as_float(text):
            return text
        if self.chars == "ascii":
            fast = _ascii_punct_bytes(self.replacement)
            if fast is not None:
                # ASCII bytes never occur inside a multi-byte UTF-8 sequence, so deleting (or replacing) them in
                # the encoded text is the same as doing it to the characters, and bytes.translate is much faster.
                try:
                    return text.encode("utf-8").translate(*fast).decode("utf-8")
                except UnicodeEncodeError:  # lone surrogates: take the character table
                    pass
        return text.translate(_delete_table(self.chars, self.replacement))

    def describe(self):
        verb = "delete" if not self.replacement else f"replace with {self.replacement!r}"
        extra = ", unless the whole text parses as a Python float" if self.except_numbers else ""
        return f"{verb} {_PUNCT_WORDS[self.chars]}{extra}"


@functools.lru_cache(maxsize=None)
def _ascii_punct_bytes(replacement: str):
    """``bytes.translate`` arguments that delete ASCII punctuation or replace each with one ASCII character."""
    punct = string.punctuation.encode("ascii")
    if replacement == "":
        return (None, punct)
    if len(replacement) == 1 and replacement.isascii():
        table = bytearray(range(256))
        for c in punct:
            table[c] = ord(replacement)
        return (bytes(table),)
    return None


def _parses_as_float(text: str) -> bool:
    try:
        float(text)
        return True
    except (ValueError, OverflowError):
        return False


@register
@dataclass(frozen=True, repr=False)
class RemoveDigits(Normalizer):
    """Delete the ASCII digits 0-9 (lm_eval's ``ignore_numbers``).

    >>> RemoveDigits().apply("route 66")
    'route '
    """

    name: ClassVar[str] = "remove_digits"
    summary: ClassVar[str] = "delete ASCII digits 0-9"
    idempotent: ClassVar[bool] = True

    def apply(self, text: str) -> str:
        return text.translate(_delete_table("ascii_digits", ""))


# Character blocks IsolateChars can set apart, by name: (first, last) code points, inclusive.
ISOLATE_BLOCKS: dict[str, tuple[int, int]] = {
    # The range of the MLQA / CMRC official scripts' "mixed segmentation" (U+4E00..U+9FA5; the CJK Unified
    # Ideographs block itself goes on to U+9FFF).
    "cjk_4e00_9fa5": (0x4E00, 0x9FA5),
}


@register
@dataclass(frozen=True, repr=False)
class IsolateChars(Normalizer):
    """Put a space before and after every character of a block, so that each becomes a token of its own.

    Followed by ``CollapseWhitespace`` this is the "mixed segmentation" of the MLQA evaluation script for Chinese:
    every ideograph is one token, other text is split on whitespace. ``block=cjk_4e00_9fa5``: U+4E00..U+9FA5.

    >>> IsolateChars().apply("北京ab 大")
    ' 北  京 ab  大 '
    """

    name: ClassVar[str] = "isolate_chars"
    summary: ClassVar[str] = "put spaces around each character of a block (each becomes a token)"
    block: str = enum("cjk_4e00_9fa5", tuple(ISOLATE_BLOCKS), "which characters are set apart")

    def apply(self, text: str) -> str:
        lo, hi = ISOLATE_BLOCKS[self.block]
        lo, hi = chr(lo), chr(hi)
        return "".join(f" {c} " if lo <= c <= hi else c for c in text)

    def describe(self):
        lo, hi = ISOLATE_BLOCKS[self.block]
        return f"put a space before and after every character U+{lo:04X}..U+{hi:04X} (each becomes a token)"


# lighteval 0.13 normalizations._ARTICLE_PATTERNS, by lighteval Language value (ISO 639-3), in its order
# (repeated Greek words listed once: an alternation matches the same either way).
ARTICLES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "eng": ("a", "an", "the"),
    "spa": ("el", "la", "los", "las", "un", "una", "unos", "unas"),
    "por": ("o", "a", "os", "as", "um", "uma", "uns", "umas"),
    "ita": ("il", "lo", "la", "i", "gli", "le", "un", "uno", "una"),
    "fra": ("le", "la", "les", "l'", "un", "une", "des"),
    "deu": ("der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen"),
    "fin": ("se", "yksi", "yks"),
    "ell": ("ὁ", "οἱ", "τοῦ", "τῶν", "τόν", "τούς", "ὦ", "ἡ", "αἱ", "τῆς", "τήν", "τάς", "τό", "τά"),
    "nor": ("en", "ei", "et", "den", "det", "de"),
    "swe": ("en", "ett", "den", "det", "de"),
    "tur": ("bir",),
    "nld": ("de", "het", "een"),
    "hun": ("a", "az", "egy"),
    "cat": ("el", "la", "els", "les", "un", "una", "uns", "unes"),
    "heb": ("ה",),
    "glg": ("o", "a", "os", "as", "un", "unha", "uns", "unhas"),
}


@register
@dataclass(frozen=True, repr=False)
class StripArticles(Normalizer):
    """Replace whole-word articles by ``replacement`` (a space by default, as the SQuAD/HELM scripts do).

    Words are matched case-sensitively with Python ``re``'s Unicode ``\\b`` boundaries, so "the" inside
    "theory" is kept and "The" is kept unless lowercased first.

    >>> StripArticles().apply("the cat and a theory")
    '  cat and   theory'

    ``language`` (an ISO 639-3 code, as lighteval's ``Language`` values) takes the article list lighteval 0.13's
    ``remove_articles`` uses for that language (``ARTICLES_BY_LANGUAGE``); it only fills ``articles``, so the ID
    spells out the words and ``StripArticles(language="eng") == StripArticles()``.

    >>> StripArticles(language="fra").apply("l'homme et la femme")
    ' homme et   femme'
    """

    name: ClassVar[str] = "strip_articles"
    summary: ClassVar[str] = "remove the articles a/an/the as whole words"
    articles: tuple = texts(("a", "an", "the"), "the words removed")
    replacement: str = text(" ", "what each article becomes")
    ignore_case: bool = flag(False, "match articles case-insensitively")
    language: str | None = no_id(None)

    def _validate(self):
        if self.language is not None:
            table = ARTICLES_BY_LANGUAGE.get(self.language)
            if table is None:
                raise InvalidConfig(
                    f"strip_articles: parameter 'language' must be one of {', '.join(sorted(ARTICLES_BY_LANGUAGE))}"
                    f"; got {self.language!r}")
            if self.articles not in (("a", "an", "the"), table):
                raise InvalidConfig("strip_articles: give 'language' or 'articles', not both")
            object.__setattr__(self, "articles", table)
        if not self.articles or any(not a for a in self.articles):
            raise InvalidConfig("strip_articles: 'articles' must be a non-empty list of non-empty words")

    @functools.cached_property
    def _pattern(self):
        alt = "|".join(re.escape(a) for a in self.articles)
        return re.compile(r"\b(" + alt + r")\b", re.IGNORECASE if self.ignore_case else 0)

    def apply(self, text: str) -> str:
        return self._pattern.sub(self.replacement.replace("\\", "\\\\"), text)

    def describe(self):
        words = "/".join(self.articles)
        case = ", any case" if self.ignore_case else " (case-sensitive)"
        return f"replace the whole words {words}{case} with {self.replacement!r}"


@register
@dataclass(frozen=True, repr=False)
class FloatCast(Normalizer):
    """If the whole text parses as a Python float, replace it by ``str(float(text))``.

    Python's parser accepts surrounding whitespace, underscores between digits, exponents, "inf" and "nan" in
    any case, and non-ASCII decimal digits. So "1" -> "1.0", "01" -> "1.0", "1e3" -> "1000.0", "1_0" -> "10.0".

    >>> FloatCast().apply("01"), FloatCast().apply("1e3"), FloatCast().apply("one")
    ('1.0', '1000.0', 'one')
    """

    name: ClassVar[str] = "float_cast"
    summary: ClassVar[str] = "rewrite a text that parses as a Python float as str(float(text))"
    idempotent: ClassVar[bool] = True

    def apply(self, text: str) -> str:
        try:
            return str(float(text))
        except (ValueError, OverflowError):
            return text


_NUMBER = re.compile(r"(?<![\w.,])([+-]?)(\d{1,3}(?:,\d{3})+|\d+)((?:\.\d+)?)(?![\w,]|\.\d)", re.ASCII)


@register
@dataclass(frozen=True, repr=False)
class NormalizeNumbers(Normalizer):
    """Rewrite each ASCII number in the text: thousands separators, trailing zeros, leading plus.

    A number is an optional sign, digits (optionally grouped in threes by commas) and an optional decimal part,
    not glued to letters, digits or other separators. ``thousands``: remove grouping commas ("1,000" -> "1000").
    ``trailing_zeros``: drop zeros after the decimal point, and the point if nothing is left ("3.0" -> "3",
    "2.50" -> "2.5"). ``plus``: drop a leading "+" ("+5" -> "5").

    >>> NormalizeNumbers().apply("+1,000.50 and 3.0")
    '1000.5 and 3'
    """

    name: ClassVar[str] = "normalize_numbers"
    summary: ClassVar[str] = "rewrite numbers: thousands separators, trailing zeros, leading plus"
    idempotent: ClassVar[bool] = True
    thousands: bool = flag(True, "remove thousands separators")
    trailing_zeros: bool = flag(True, "drop trailing decimal zeros")
    plus: bool = flag(True, "drop a leading plus sign")

    def _sub(self, m):
        sign, whole, frac = m.group(1), m.group(2), m.group(3)
        if self.plus and sign == "+":
            sign = ""
        if self.thousands:
            whole = whole.replace(",", "")
        if self.trailing_zeros and frac:
            frac = frac.rstrip("0")
            if frac == ".":
                frac = ""
        return sign + whole + frac

    def apply(self, text: str) -> str:
        return _NUMBER.sub(self._sub, text)

    def describe(self):
        parts = []
        if self.thousands:
            parts.append('remove thousands separators ("1,000" -> "1000")')
        if self.trailing_zeros:
            parts.append('drop trailing decimal zeros ("3.0" -> "3")')
        if self.plus:
            parts.append('drop a leading "+"')
        return "in every number: " + ("; ".join(parts) if parts else "no change")


@register
@dataclass(frozen=True, repr=False)
class RegexReplace(Normalizer):
    """Replace every match of ``pattern`` (Python ``re`` syntax) by the literal ``replacement``; time-bounded.

    >>> RegexReplace(pattern=",").apply("1,000,000")
    '1000000'
    """

    name: ClassVar[str] = "regex_replace"
    summary: ClassVar[str] = "replace every match of a regular expression"
    pattern: str = text(REQUIRED, "the regular expression (Python re syntax)")
    replacement: str = text("", "the literal replacement text")

    @classmethod
    def example(cls):
        return cls(pattern=",")

    def _validate(self):
        _regex.compile_pattern(self.pattern, "regex_replace")

    @functools.cached_property
    def _compiled(self):
        return _regex.compile_pattern(self.pattern, "regex_replace")

    @functools.cached_property
    def _literal(self):
        return _regex.literal_text(self.pattern)

    def apply(self, text: str) -> str:
        lit = self._literal
        if lit is not None:  # a plain literal pattern: exactly str.replace, linear time
            return text.replace(lit, self.replacement)
        return _regex.sub(self._compiled, self.replacement, text)

    def describe(self):
        if not self.replacement:
            return f"delete every match of the regex {_regex.shown(self.pattern)}"
        return f"replace every match of the regex {_regex.shown(self.pattern)} with {self.replacement!r}"


def RegexRemove(pattern: str) -> RegexReplace:
    r"""Delete every match of ``pattern``: ``RegexReplace(pattern, replacement="")``.

    >>> print(RegexRemove(r"\$").id)
    regex_replace(pattern="\\$", replacement="")
    """
    return RegexReplace(pattern=pattern, replacement="")


@register
@dataclass(frozen=True, repr=False)
class UnicodeNormalize(Normalizer):
    """Apply a Unicode normalization form (NFC, NFKC, NFD, NFKD) with ``unicodedata.normalize``.

    >>> UnicodeNormalize(form="nfkc").apply("ﬁ ２")
    'fi 2'
    """

    name: ClassVar[str] = "unicode_normalize"
    summary: ClassVar[str] = "apply a Unicode normalization form"
    idempotent: ClassVar[bool] = True
    form: str = enum("nfkc", ("nfc", "nfkc", "nfd", "nfkd"), "the normalization form")

    def apply(self, text: str) -> str:
        return unicodedata.normalize(self.form.upper(), text)

    def describe(self):
        return f"apply Unicode normalization {self.form.upper()}"


_DOLLARS = re.compile(r"\$\$(.*?)\$\$|\$(.*?)\$|\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
_TEXT_CMD = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox)\s*\{([^{}]*)\}")


@register
@dataclass(frozen=True, repr=False)
class StripLatex(Normalizer):
    """Remove LaTeX wrappers: math delimiters, text commands, braces.

    ``dollars``: unwrap ``$$x$$``, ``$x$``, ``\\(x\\)`` and ``\\[x\\]``. ``text_commands``: ``\\text{x}``,
    ``\\textbf{x}``, ``\\textit{x}``, ``\\mathrm{x}``, ``\\mathbf{x}``, ``\\mbox{x}`` become ``x`` (innermost first,
    repeated). ``braces``: delete every remaining ``{`` and ``}``.

    >>> StripLatex().apply("$\\\\text{42 cm}$")
    '42 cm'
    """

    name: ClassVar[str] = "strip_latex"
    summary: ClassVar[str] = "remove LaTeX math delimiters, text commands and braces"
    idempotent: ClassVar[bool] = True
    dollars: bool = flag(True, "unwrap $...$, $$...$$, \\(...\\), \\[...\\]")
    text_commands: bool = flag(True, "unwrap \\text{} and similar commands")
    braces: bool = flag(True, "delete remaining braces")

    def apply(self, text: str) -> str:
        if self.dollars:
            prev = None
            while prev != text:
                prev = text
                text = _DOLLARS.sub(lambda m: next(g for g in m.groups() if g is not None), text)
        if self.text_commands:
            prev = None
            while prev != text:
                prev = text
                text = _TEXT_CMD.sub(lambda m: m.group(1), text)
        if self.braces:
            text = text.replace("{", "").replace("}", "")
        return text

    def describe(self):
        parts = []
        if self.dollars:
            parts.append("unwrap $...$, $$...$$, \\(...\\), \\[...\\]")
        if self.text_commands:
            parts.append("unwrap \\text{...}-style commands")
        if self.braces:
            parts.append("delete braces")
        return "; ".join(parts) or "no change"


@register
@dataclass(frozen=True, repr=False)
class RemoveOuterBraces(Normalizer):
    """Drop one leading ``{`` and one trailing ``}`` if present (after stripping whitespace if ``strip``).

    >>> RemoveOuterBraces().apply("{x}}")
    'x}'
    """

    name: ClassVar[str] = "remove_outer_braces"
    summary: ClassVar[str] = "drop one leading { and one trailing }"
    strip: bool = flag(False, "strip whitespace first")

    def apply(self, text: str) -> str:
        if self.strip:
            text = text.strip()
        if text.startswith("{"):
            text = text[1:]
        if text.endswith("}"):
            text = text[:-1]
        return text


@register
@dataclass(frozen=True, repr=False)
class Replace(Normalizer):
    """Replace every occurrence of the literal text ``old`` by ``new`` (``str.replace``).

    >>> Replace(old=" . ", new=".\\n").apply("a . b")
    'a.\\nb'
    """

    name: ClassVar[str] = "replace"
    summary: ClassVar[str] = "replace a literal text"
    old: str = text(REQUIRED, "the text to replace")
    new: str = text("", "its replacement")

    @classmethod
    def example(cls):
        return cls(old=" . ", new=".\n")

    def _validate(self):
        if not self.old:
            raise InvalidConfig("replace: parameter 'old' must be a non-empty string; got ''")

    def apply(self, text: str) -> str:
        return text.replace(self.old, self.new)

    def describe(self):
        return f"replace {self.old!r} with {self.new!r}"


@register
@dataclass(frozen=True, repr=False)
class PerToken(Normalizer):
    """Split the text, apply ``steps`` to each token, drop empty tokens if asked, join, and strip if asked.

    ``split`` is a regular expression (Python ``re`` syntax) that separates tokens. A step that finds no answer
    (returns nothing) makes the token empty.

    >>> from evalmetrics.normalizers import Lowercase
    >>> PerToken(split=" |-", steps=(Lowercase(),)).apply("Well-Known  Fact")
    'well known fact'
    """

    name: ClassVar[str] = "per_token"
    summary: ClassVar[str] = "apply steps to each token separately"
    split: str = text(" ", "regular expression that separates tokens")
    steps: tuple = steps("steps applied to each token")
    drop_empty: bool = flag(True, "drop tokens that are empty after the steps")
    join: str = text(" ", "text placed between tokens")
    strip: bool = flag(True, "strip whitespace from the joined result")

    def _validate(self):
        if self.split == "":
            raise InvalidConfig("per_token: parameter 'split' must be a non-empty regular expression")
        _regex.compile_pattern(self.split, "per_token")

    @functools.cached_property
    def _compiled(self):
        return _regex.compile_pattern(self.split, "per_token")

    def apply(self, text: str) -> str:
        out = []
        for tok in _regex.split(self._compiled, text):
            t = run_steps(self.steps, tok)
            if t is None:
                t = ""
            if self.drop_empty and t == "":
                continue
            out.append(t)
        joined = self.join.join(out)
        return joined.strip() if self.strip else joined

    def describe(self):
        inner = "; ".join(s.describe() for s in self.steps) or "nothing"
        return (
            f"split on the regex {_regex.shown(self.split)}; for each token: {inner}; "
            + ("drop empty tokens; " if self.drop_empty else "")
            + f"join with {self.join!r}"
            + ("; strip" if self.strip else "")
        )


@register
@dataclass(frozen=True, repr=False)
class RejectEmpty(Normalizer):
    """Treat an empty text as "no answer" (the sample scores 0), as HELM and lighteval do for empty predictions.

    >>> RejectEmpty().apply("") is None, RejectEmpty().apply(" ")
    (True, ' ')
    """

    name: ClassVar[str] = "reject_empty"
    summary: ClassVar[str] = "an empty text means no answer (scores 0)"
    idempotent: ClassVar[bool] = True

    def apply(self, text: str) -> str | None:
        return None if text == "" else text

    def describe(self):
        return "if the text is empty here, the sample scores 0"


@register
@dataclass(frozen=True, repr=False)
class RemoveSpans(Normalizer):
    """Remove every span from ``start`` to the next ``end`` tag, tags included (reasoning such as ``<think>``).

    Repeats while both tags occur; a ``start`` with no ``end`` after it stops the removal (the rest is kept).
    lighteval removes ``<think>...</think>`` from predictions this way before any metric.

    >>> RemoveSpans().apply("<think>2+2=4</think> The answer is 4")
    ' The answer is 4'
    """

    name: ClassVar[str] = "remove_spans"
    summary: ClassVar[str] = "remove tagged spans such as <think>...</think>"
    idempotent: ClassVar[bool] = True
    start: str = text("<think>", "the opening tag")
    end: str = text("</think>", "the closing tag")

    def _validate(self):
        if not self.start or not self.end:
            raise InvalidConfig("remove_spans: 'start' and 'end' must be non-empty strings")

    def apply(self, text: str) -> str:
        s, e = self.start, self.end
        while s in text and e in text:
            i = text.find(s)
            j = text.find(e, i)
            if j == -1:
                break
            text = text[:i] + text[j + len(e) :]
        return text

    def describe(self):
        return f"remove every span from {self.start!r} to the next {self.end!r}, tags included"


@register
@dataclass(frozen=True, repr=False)
class ListLiteralRender(Normalizer):
    """lm_eval's target rendering: a text that looks like a Python list literal is parsed and written back.

    If the text starts with ``[`` and ends with ``]`` and ``ast.literal_eval`` accepts it, the result is
    ``str()`` of the parsed value (``"[1,2]"`` becomes ``"[1, 2]"``); otherwise the text is unchanged. lm_eval
    applies this to every ``doc_to_target`` template output, so an alias of an lm_eval task applies it to
    references. ``ast.literal_eval`` builds literals only (no code runs); inputs on which lm_eval itself crashes
    (e.g. an unhashable dict key) raise ``InvalidInput``.

    >>> ListLiteralRender().apply("[1,2]"), ListLiteralRender().apply("[x]")
    ('[1, 2]', '[x]')
    """

    name: ClassVar[str] = "list_literal_render"
    summary: ClassVar[str] = "re-render a text that parses as a Python list literal (lm_eval targets)"

    def apply(self, text: str) -> str:
        if len(text) < 2 or text[0] != "[" or text[-1] != "]":
            return text
        import ast

        try:
            return str(ast.literal_eval(text))
        except (SyntaxError, ValueError):
            return text
        except (TypeError, MemoryError, RecursionError) as e:
            raise InvalidInput(
                f"lm_eval's target rendering fails on this text ({type(e).__name__}: {e})", field="references"
            ) from None

    def describe(self):
        return "if the text is a Python list literal, replace it by str() of the parsed list (lm_eval target rendering)"


@register
@dataclass(frozen=True, repr=False)
class IfNonEmpty(Normalizer):
    """Apply ``steps`` only to a non-empty text; an empty text stays empty (lighteval's sampling preprocess).

    >>> from evalmetrics.extractors import Gsm8kAnswer
    >>> IfNonEmpty(steps=(Gsm8kAnswer(),)).apply(""), IfNonEmpty(steps=(Gsm8kAnswer(),)).apply("x")
    ('', '[invalid]')
    """

    name: ClassVar[str] = "if_nonempty"
    summary: ClassVar[str] = "apply steps unless the text is empty"
    steps: tuple = steps("steps applied to a non-empty text")

    def apply(self, text: str) -> str | None:
        return text if text == "" else run_steps(self.steps, text)

    def describe(self):
        inner = "; ".join(s.describe() for s in self.steps) or "nothing"
        return f"unless the text is empty: {inner}"


@register
@dataclass(frozen=True, repr=False)
class IfContains(Normalizer):
    """Apply ``steps`` only when the text contains ``phrase``; any other text is kept unchanged.

    ``ignore_case``: look for ``phrase`` in ``text.lower()`` (Python's full Unicode lowercasing) instead of the
    text itself; the steps still get the original text. lm_eval's SCORE robustness tasks read "the best answer is
    X" this way.

    >>> s = IfContains(phrase="answer:", steps=(Uppercase(),))
    >>> s.apply("answer: b"), s.apply("b")
    ('ANSWER: B', 'b')
    """

    name: ClassVar[str] = "if_contains"
    summary: ClassVar[str] = "apply steps only when the text contains a phrase"
    phrase: str = text(REQUIRED, "the literal phrase looked for")
    ignore_case: bool = flag(False, "look for the phrase in the lowercased text")
    steps: tuple = steps("steps applied when the phrase is found")

    @classmethod
    def example(cls):
        return cls(phrase="answer:", steps=(Uppercase(),))

    def apply(self, text: str) -> str | None:
        hay = text.lower() if self.ignore_case else text
        return run_steps(self.steps, text) if self.phrase in hay else text

    def describe(self):
        inner = "; ".join(s.describe() for s in self.steps) or "nothing"
        where = "the lowercased text" if self.ignore_case else "the text"
        return f"if {where} contains {self.phrase!r}: {inner}; otherwise keep the text as is"


@register
@dataclass(frozen=True, repr=False)
class MapText(Normalizer):
    """Replace the whole text by its value in ``mapping``; a text not in it becomes ``default`` (None: no answer).

    lm_eval's ``map`` filter.

    >>> MapText(mapping={"A": "yes", "B": "no"}).apply("A"), MapText(mapping={"A": "yes"}).apply("C")
    ('yes', None)
    """

    name: ClassVar[str] = "map_text"
    summary: ClassVar[str] = "replace the whole text through a lookup table"
    mapping: tuple = pairs("the lookup table (text -> replacement)")
    default: str | None = text(None, "the result for a text not in the table (none: no answer)", optional=True)

    def apply(self, text: str) -> str | None:
        for k, v in self.mapping:
            if k == text:
                return v
        return self.default

    def describe(self):
        return f"replace the text through a {len(self.mapping)}-entry table; otherwise " + (
            "no answer" if self.default is None else repr(self.default))


# spaCy language codes a blank (rule-based, model-free) spaCy pipeline exists for, as lighteval 0.13's word tokenizers
# use them (its TOKENIZER_FACTORY; "xx" is spaCy's multi-language tokenizer).
SPACY_LANGUAGES = (
    "af", "am", "ar", "az", "bg", "bn", "ca", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr", "ga", "gu",
    "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "kn", "ko", "ky", "la", "lb", "lt", "lv", "mk", "ml", "mr",
    "ms", "nb", "ne", "nl", "nn", "pl", "pt", "ro", "ru", "sa", "si", "sk", "sl", "sq", "sr", "sv", "ta", "te", "th",
    "tl", "tr", "tt", "uk", "ur", "vi", "xx", "yo", "zh",
)


@functools.lru_cache(maxsize=None)
def _spacy_tokenizer(language: str, segmenter: str):
    """spaCy's blank pipeline's tokenizer for ``language`` (built once per process)."""
    try:
        import spacy
    except ImportError:
        raise InvalidConfig(
            "word_tokenize(tokenizer=spacy) delegates to the spaCy package, which is not installed: "
            + pip_extra("multilingual")
        ) from None
    try:
        if segmenter == "default":
            nlp = spacy.blank(language)
        else:
            nlp = spacy.blank(language, config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    except ImportError as e:  # e.g. Japanese needs SudachiPy, Thai PyThaiNLP, Chinese with jieba needs jieba
        raise InvalidConfig(f"word_tokenize: spaCy's {language!r} tokenizer needs another package: {e}") from None
    return nlp.tokenizer


@functools.lru_cache(maxsize=None)
def _jieba():
    """The jieba package (its dictionary loads on first use, once per process)."""
    try:
        import jieba
    except ImportError:
        raise InvalidConfig("segment(segmenter=jieba) delegates to the jieba package, which is not installed: "
                            + pip_extra("longbench")) from None
    return jieba


@register
@dataclass(frozen=True, repr=False)
class Segment(Normalizer):
    """Cut the text into a segmenter's segments and join them with single spaces, whitespace segments included.

    ``segmenter=jieba``: ``" ".join(jieba.cut(text, cut_all=False))`` (Chinese word segmentation, accurate mode with
    the HMM for unknown words; the jieba package, extra ``longbench``), as LongBench segments Chinese before ROUGE
    and F1. Whitespace is a segment of its own, so "a b" becomes "a   b".

    >>> Segment().id
    'segment(segmenter=jieba)'
    """

    name: ClassVar[str] = "segment"
    summary: ClassVar[str] = "cut into segmenter segments (jieba), joined with single spaces"
    segmenter: str = enum("jieba", ("jieba",), "which segmenter")

    def apply(self, text: str) -> str:
        return " ".join(_jieba().cut(text, cut_all=False))

    def describe(self):
        return "cut into jieba.cut segments (accurate mode, HMM on) and join them with single spaces (whitespace " \
               "segments kept)"


@register
@dataclass(frozen=True, repr=False)
class SentenceLines(Normalizer):
    """Split the text into sentences and join them with line breaks, one sentence a line.

    ``splitter=punkt_english``: nltk's Punkt English model, ``"\\n".join(nltk.sent_tokenize(text))`` (nltk and its
    ``punkt_tab`` data: extra ``textgen``). The whitespace after each sentence is dropped (between two sentences the
    line break replaces it); whitespace before the first is kept, and a text of whitespace only becomes empty.
    unitxt's ``Rouge`` prepares texts so for rouge-score's ``rougeLsum``, which reads one sentence a line.

    >>> SentenceLines().id
    'sentence_lines(splitter=punkt_english)'
    """

    name: ClassVar[str] = "sentence_lines"
    summary: ClassVar[str] = "one sentence a line (nltk Punkt English sentences joined with line breaks)"
    splitter: str = enum("punkt_english", ("punkt_english",), "which sentence splitter")

    def apply(self, text: str) -> str:
        return "\n".join(punkt_english().tokenize(text))

    def describe(self):
        return "split into sentences with nltk's Punkt English model and join them with line breaks"


@register
@dataclass(frozen=True, repr=False)
class WordTokenize(Normalizer):
    """Split the text into words and join them with single spaces (whitespace-only tokens dropped, each stripped).

    ``tokenizer=whitespace``: Python's ``str.split()``. ``tokenizer=spacy``: the tokenizer of spaCy's blank
    (rule-based, model-free) pipeline for ``language`` (a spaCy code, e.g. ``fr``), delegated to the spaCy package
    (extra ``multilingual``); ``segmenter=jieba`` selects spaCy's jieba word segmenter for
    Chinese. This is the word splitting of lighteval's multilingual normalizer (``get_word_tokenizer``).

    >>> WordTokenize().apply("  l'homme  est là ")
    "l'homme est là"
    >>> WordTokenize(tokenizer="spacy", language="fr").id
    'word_tokenize(tokenizer=spacy, language=fr, segmenter=default)'
    """

    name: ClassVar[str] = "word_tokenize"
    summary: ClassVar[str] = "split into words (whitespace or spaCy's rule-based tokenizer), join with spaces"
    tokenizer: str = enum("whitespace", ("whitespace", "spacy"), "which word tokenizer")
    language: str = enum("none", ("none",) + SPACY_LANGUAGES, "spaCy language code (none for whitespace)")
    segmenter: str = enum("default", ("default", "jieba"), "spaCy's word segmenter (jieba: Chinese only)")

    def _validate(self):
        if self.tokenizer == "whitespace" and (self.language != "none" or self.segmenter != "default"):
            raise InvalidConfig("word_tokenize: tokenizer=whitespace takes no language or segmenter")
        if self.tokenizer == "spacy" and self.language == "none":
            raise InvalidConfig("word_tokenize: tokenizer=spacy needs a language (a spaCy code such as 'fr')")
        if self.segmenter == "jieba" and self.language != "zh":
            raise InvalidConfig("word_tokenize: segmenter=jieba is spaCy's Chinese segmenter; language must be 'zh'")

    def apply(self, text: str) -> str:
        if self.tokenizer == "whitespace":
            words = text.split()
        else:
            try:
                words = [t.text for t in _spacy_tokenizer(self.language, self.segmenter)(text)]
            except UnicodeEncodeError as e:  # spaCy hashes UTF-8 bytes: a lone surrogate cannot be tokenized
                raise InvalidInput(f"word_tokenize: spaCy cannot tokenize this text ({e.reason} at position "
                                   f"{e.start}: {text[e.start:e.end]!r}); lighteval fails on it the same way") from None
        return " ".join(w.strip() for w in words if w.strip())

    def describe(self):
        if self.tokenizer == "whitespace":
            return "split on whitespace; join the words with single spaces"
        seg = ", jieba segmenter" if self.segmenter == "jieba" else ""
        return f"split into words with spaCy's blank {self.language!r} tokenizer{seg}; join with single spaces"


@register
@dataclass(frozen=True, repr=False)
class KeepLines(Normalizer):
    r"""Keep the lines that start with ``prefix`` and join them with ``"\n"``.

    Lines are ``str.splitlines()`` (``\n``, ``\r\n``, ``\r``, ``\x0b``, ``\x0c``, ``\x1c``-``\x1e``, ``\x85``,
    U+2028, U+2029 end a line). ``ignore_indent``: a line whose text after leading whitespace starts with
    ``prefix`` is kept too (as it is, indent included).

    >>> KeepLines(prefix="-").apply("Notes:\n- a\n  - b\nc - d")
    '- a\n  - b'
    >>> KeepLines(prefix="-", ignore_indent=False).apply("- a\n  - b")
    '- a'
    """

    name: ClassVar[str] = "keep_lines"
    summary: ClassVar[str] = "keep the lines that start with a prefix"
    idempotent: ClassVar[bool] = True
    prefix: str = text(REQUIRED, "the text a kept line starts with")
    ignore_indent: bool = flag(True, "leading whitespace before the prefix is allowed")

    @classmethod
    def example(cls):
        return cls(prefix="-")

    def apply(self, text: str) -> str:
        if self.ignore_indent:
            return "\n".join(line for line in text.splitlines() if line.strip().startswith(self.prefix))
        return "\n".join(line for line in text.splitlines() if line.startswith(self.prefix))

    def describe(self):
        indent = " (after any indent)" if self.ignore_indent else ""
        return f"keep the lines that start with {self.prefix!r}{indent}, joined with newlines"
