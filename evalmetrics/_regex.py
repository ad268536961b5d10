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
# ``\B`` follow each engine's ``\w``. Harness patterns are ``re`` patterns, so before compiling with ``regex`` (for
# its timeout) the shorthands are spelled out as explicit sets computed from the str methods ``re`` itself uses.
_SHORTHAND = {"s": str.isspace, "w": lambda c: c.isalnum() or c == "_", "d": str.isdecimal}


@functools.lru_cache(maxsize=None)
def _class_body(kind: str) -> str:
    r"""The body of a character class matching exactly what ``re``'s ``\s``, ``\w`` or ``\d`` match."""
    import sys

    test = _SHORTHAND[kind]
    ranges, start, prev = [], None, None
    for cp in range(sys.maxunicode + 1):
        if test(chr(cp)):
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            ranges.append((start, prev))
            start = None
    if start is not None:
        ranges.append((start, prev))
    esc = lambda cp: f"\\U{cp:08x}"  # noqa: E731 - \UXXXXXXXX works for any code point
    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges)


def re_compatible(pattern: str) -> str:
    r"""``pattern`` with ``\s \S \w \W \d \D \b \B`` spelled out so that ``regex`` matches what ``re`` does.

    Left unchanged when the pattern sets an inline ``a``, ``L`` or ``u`` flag (they change the classes) or uses a negated
    shorthand inside a set (``[\S]``: rare; it has no plain-set spelling in regex's VERSION0).
    """
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


_INLINE_FLAGS = None  # compiled on first use (stdlib re: our own fixed pattern)


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str, owner: str = "regex"):
    global _INLINE_FLAGS
    if _INLINE_FLAGS is None:
        import re

        _INLINE_FLAGS = re.compile(r"\(\?[imsux-]*[aLu]")  # only these flags change what the shorthands match
    try:
        compiled = regex.compile(re_compatible(pattern), flags=regex.VERSION0)
    except (regex.error, ValueError, TypeError, OverflowError, RecursionError) as e:
        raise InvalidConfig(f"{owner}: invalid regular expression {pattern!r}: {e}") from None
    _SOURCE[compiled.pattern] = pattern
    return compiled


_SOURCE: dict = {}  # compiled (rewritten) pattern -> the pattern as given


def _timeout(pattern: str, text: str):
    return Timeout(
        f"regex {_SOURCE.get(pattern, pattern)!r} exceeded {settings.regex_timeout_s}s on an input of "
        f"{len(text)} characters"
    )


def _timeout_for(compiled):
    return None if is_linear(_SOURCE.get(compiled.pattern, compiled.pattern)) else settings.regex_timeout_s


def sub(compiled, repl: str, text: str) -> str:
    try:
        return compiled.sub(_literal(repl), text, timeout=_timeout_for(compiled))
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def findall(compiled, text: str) -> list:
    try:
        return compiled.findall(text, timeout=_timeout_for(compiled))
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def search(compiled, text: str):
    try:
        return compiled.search(text, timeout=_timeout_for(compiled))
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def split(compiled, text: str) -> list:
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
