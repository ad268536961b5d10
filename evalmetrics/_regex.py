"""Time-bounded regular expressions.

User-supplied patterns (regex normalizers and extractors) run through the ``regex`` package in VERSION0 mode
(the syntax and semantics of Python's ``re``) with a per-call timeout, so a pathological pattern or input raises
:class:`evalmetrics.Timeout` instead of hanging a run. Our own fixed patterns are linear-time and use ``re``.
"""
from __future__ import annotations

import functools
import os

from ._lazy import LazyModule

regex = LazyModule("regex")

from .errors import InvalidConfig, Timeout

__all__ = ["compile_pattern", "sub", "findall", "search", "settings", "shown"]


def shown(pattern: str) -> str:
    r"""A regex as plain-words descriptions print it: between slashes, exactly as written (``/\$/``, not Python's
    ``'\\$'``). A pattern that holds a slash, or a character that does not print (a tab, NUL), is shown as a
    Python string literal instead, so the text shown always names exactly one pattern.

    >>> print(shown(r"\$"), shown(r"(?s).*#### "), shown("a/b"))
    /\$/ /(?s).*#### / 'a/b'
    """
    if "/" in pattern or not pattern.isprintable():
        return repr(pattern)
    return f"/{pattern}/"


class _Settings:
    """Process-wide bounds. ``regex_timeout_s``: seconds one regex call may take (env EVALMETRICS_REGEX_TIMEOUT).
    ``quadratic_max``: the largest (prediction words x reference words) product a quadratic-time comparison (TER,
    ROUGE-L) accepts for one sample, about a second of work (env EVALMETRICS_QUADRATIC_MAX). ``ter_max``: the same for
    TER, whose shift search costs far more per word pair (up to ~8 s at the default; env EVALMETRICS_TER_MAX)."""

    def __init__(self):
        self.regex_timeout_s = float(os.environ.get("EVALMETRICS_REGEX_TIMEOUT", "2.0"))
        self.quadratic_max = int(os.environ.get("EVALMETRICS_QUADRATIC_MAX", "1000000"))
        self.ter_max = int(os.environ.get("EVALMETRICS_TER_MAX", "40000"))


settings = _Settings()


_META = set(".^$*+?{}[]\\|()")
_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ")


@functools.lru_cache(maxsize=4096)
def literal_text(pattern: str) -> str | None:
    """The text a pattern matches if it is a plain literal (characters and escaped punctuation), else None.

    ``re.sub`` with a literal pattern and a literal replacement is ``str.replace`` (leftmost, non-overlapping), so
    such patterns need no regex engine and no time bound (they run in linear time).
    """
    if not pattern:
        return None
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern) and pattern[i + 1] in _ESCAPABLE:
                out.append(pattern[i + 1])
                i += 2
                continue
            return None
        if c in _META:
            return None
        out.append(c)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def is_linear(pattern: str) -> bool:
    """True if the pattern has no quantifier (``* + ? {``) outside character classes and no lookaround.

    Such a pattern tries a bounded amount of work at each position, so matching runs in time linear in the
    input and needs no timeout. Anything else runs under the timeout. (Conservative: a literal ``{`` counts as a
    quantifier.)
    """
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # skip a character class
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(" and pattern.startswith("(?", i):
            k = i + 2
            if k < n and (pattern[k] in "=!" or pattern.startswith("<=", k) or pattern.startswith("<!", k)):
                return False  # lookaround
            i = k
            continue
        if c in "*+?{":
            return False
        i += 1
    return True


# Python's ``re`` and the ``regex`` package disagree on what the shorthand classes match in str patterns: ``re``'s
# ``\s`` is ``str.isspace`` (which includes U+001C..U+001F), ``\w`` is ``str.isalnum`` or "_" (``regex`` adds
# combining marks and more: ~30,000 code points differ), ``\d`` is ``str.isdecimal`` (110 differ), and ``\b`` /
# ``\B`` follow each engine's ``\w``. Harness patterns are ``re`` patterns, so where a text holds such a character
# the shorthands are spelled out as explicit sets of what ``re`` itself matches (see :class:`Pattern`).


@functools.lru_cache(maxsize=None)
def _every_code_point() -> str:
    import sys
    from array import array

    codec = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
    return array("I", range(sys.maxunicode + 1)).tobytes().decode(codec, "surrogatepass")


@functools.lru_cache(maxsize=None)
def _matched(engine: str, kind: str, ignore_case: bool) -> str:
    r"""Every code point that ``re``'s (``engine="re"``) or ``regex``'s ``\{kind}`` matches, in order."""
    if engine == "re":
        import re

        return "".join(re.findall("\\" + kind, _every_code_point(), re.IGNORECASE if ignore_case else 0))
    flags = regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0)
    return "".join(regex.findall("\\" + kind, _every_code_point(), flags=flags))


@functools.lru_cache(maxsize=None)
def _class_body(kind: str) -> str:
    r"""The body of a character class matching exactly what ``re``'s ``\s``, ``\w`` or ``\d`` match."""
    ranges, start, prev = [], None, None
    for cp in map(ord, _matched("re", kind, False)):
        if start is not None and cp == prev + 1:
            prev = cp
            continue
        if start is not None:
            ranges.append((start, prev))
        start = prev = cp
    if start is not None:
        ranges.append((start, prev))
    esc = lambda cp: f"\\U{cp:08x}"  # noqa: E731 - \UXXXXXXXX works for any code point
    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges)


@functools.lru_cache(maxsize=None)
def _disagreeing(kind: str) -> frozenset:
    r"""The characters that ``re``'s and ``regex``'s ``\{kind}`` classify differently (with or without IGNORECASE):
    both engines run over every code point, so the set is exact for the installed versions."""
    out: set = set()
    for ignore_case in (False, True):
        out |= set(_matched("re", kind, ignore_case)) ^ set(_matched("regex", kind, ignore_case))
    return frozenset(out)


_INLINE_FLAGS = None  # compiled on first use (stdlib re: our own fixed pattern)


def re_compatible(pattern: str) -> str:
    r"""``pattern`` with ``\s \S \w \W \d \D \b \B`` spelled out so that ``regex`` matches what ``re`` does.

    Left unchanged when the pattern sets an inline ``a``, ``L`` or ``u`` flag (they change the classes) or uses a negated
    shorthand inside a set (``[\S]``: rare; it has no plain-set spelling in regex's VERSION0).
    """
    global _INLINE_FLAGS
    if _INLINE_FLAGS is None:
        import re

        _INLINE_FLAGS = re.compile(r"\(\?[imsux-]*[aLu]")  # only these flags change what the shorthands match
    if "\\" not in pattern or "(?" in pattern and _INLINE_FLAGS.search(pattern):
        return pattern
    out, i, n, in_set, set_start = [], 0, len(pattern), False, False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            e = pattern[i + 1]
            set_start = False
            if e in "swd":
                body = _class_body(e)
                out.append(body if in_set else f"(?-i:[{body}])")
            elif e in "SWD":
                if in_set:
                    return pattern
                out.append(f"(?-i:[^{_class_body(e.lower())}])")
            elif e in "bB" and not in_set:
                w = f"(?-i:[{_class_body('w')}])"  # re's classes ignore IGNORECASE (U+0345 folds to a letter)
                if e == "b":
                    out.append(f"(?:(?<={w})(?!{w})|(?<!{w})(?={w}))")
                else:
                    # re's \B never matches in an empty string
                    out.append(f"(?:(?<={w})(?={w})|(?<!{w})(?!{w})(?!\\A\\Z))")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_set:
            if c == "]" and not set_start:
                in_set = False
            set_start = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_set, set_start = True, True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=None)
def _risky_for(kinds: tuple) -> frozenset:
    """The union of the disagreement sets of ``kinds``, built once per combination (not once per pattern)."""
    return frozenset().union(*(_disagreeing(k) for k in kinds))


class Pattern:
    r"""A pattern compiled for ``regex`` (per-call timeout) that matches exactly what ``re`` matches.

    Two compiled forms: the pattern as written (fast to compile) and, when it uses ``\s \w \d \b`` or their
    negations, the :func:`re_compatible` spelling (exact for every text, but slow to compile: each shorthand becomes a
    set of ~700 ranges). The two differ only on texts holding a character the engines classify differently (combining
    marks, U+001C..U+001F, some digits) or, for ``\B``, the empty text; each call checks its text and uses the
    spelled-out form (compiled on first need) only then. Methods take the text first, as ``re``'s do; ``pattern`` is
    the pattern as given.
    """

    __slots__ = ("pattern", "linear", "_native", "_kinds", "_risky", "_empty_risky", "_exact")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.linear = is_linear(pattern)
        self._native = regex.compile(pattern, flags=regex.VERSION0)
        # The shorthand kinds the pattern may use (a literal backslash before the letter counts too: conservative).
        self._kinds = tuple(k for k, escapes in (("w", "wWbB"), ("s", "sS"), ("d", "dD"))
                            if any("\\" + e in pattern for e in escapes))
        self._empty_risky = "\\B" in pattern
        # The characters on which the engines disagree for those kinds: computed here (once per process and kind,
        # ~0.3 s for \w) rather than on the first text, which may run under a per-sample time bound.
        self._risky = _risky_for(self._kinds)
        self._exact = None

    def engine(self, text):
        """The compiled form that matches as ``re`` does on ``text``."""
        if not self._kinds:
            return self._native
        if self._risky.isdisjoint(text) and (text or not self._empty_risky):
            return self._native
        if self._exact is None:
            self._exact = regex.compile(re_compatible(self.pattern), flags=regex.VERSION0)
        return self._exact

    @property
    def groups(self) -> int:
        return self._native.groups

    @property
    def groupindex(self):
        return self._native.groupindex

    def sub(self, repl, text, *args, **kwargs):
        return self.engine(text).sub(repl, text, *args, **kwargs)

    def findall(self, text, *args, **kwargs):
        return self.engine(text).findall(text, *args, **kwargs)

    def search(self, text, *args, **kwargs):
        return self.engine(text).search(text, *args, **kwargs)

    def split(self, text, *args, **kwargs):
        return self.engine(text).split(text, *args, **kwargs)

    def __repr__(self) -> str:
        return f"Pattern({self.pattern!r})"


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str, owner: str = "regex") -> Pattern:
    try:
        return Pattern(pattern)
    except (regex.error, ValueError, TypeError, OverflowError, RecursionError) as e:
        raise InvalidConfig(f"{owner}: invalid regular expression {pattern!r}: {e}") from None


def _timeout(pattern: str, text: str):
    return Timeout(
        f"regex {pattern!r} exceeded {settings.regex_timeout_s}s on an input of {len(text)} characters"
    )


def _timeout_for(compiled: Pattern):
    return None if compiled.linear else settings.regex_timeout_s


def sub(compiled: Pattern, repl: str, text: str) -> str:
    try:
        return compiled.sub(_literal(repl), text, timeout=_timeout_for(compiled))
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def findall(compiled: Pattern, text: str) -> list:
    try:
        return compiled.findall(text, timeout=_timeout_for(compiled))
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def search(compiled: Pattern, text: str):
    try:
        return compiled.search(text, timeout=_timeout_for(compiled))
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def split(compiled: Pattern, text: str) -> list:
    try:
        return compiled.split(text, timeout=_timeout_for(compiled))
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


@functools.lru_cache(maxsize=256)
def _literal(repl: str):
    # Replacements are literal text: a function replacement avoids template interpretation of backslashes.
    if "\\" not in repl:
        return repl
    return lambda m: repl
