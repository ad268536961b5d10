"""Time-bounded regular expressions.

User-supplied patterns (regex normalizers and extractors) run through the ``regex`` package in VERSION0 mode
(the syntax and semantics of Python's ``re``) with a per-call timeout, so a pathological pattern or input raises
:class:`evalmetrics.Timeout` instead of hanging a run. Our own fixed patterns are linear-time and use ``re``.
"""
from __future__ import annotations

import functools
import os

import regex

from .errors import InvalidConfig, Timeout

__all__ = ["compile_pattern", "sub", "findall", "search", "settings"]


class _Settings:
    """Process-wide bounds. ``regex_timeout_s``: seconds one regex call may take (env EVALMETRICS_REGEX_TIMEOUT)."""

    def __init__(self):
        self.regex_timeout_s = float(os.environ.get("EVALMETRICS_REGEX_TIMEOUT", "2.0"))


settings = _Settings()


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str, owner: str = "regex"):
    try:
        return regex.compile(pattern, flags=regex.VERSION0)
    except (regex.error, ValueError, TypeError, OverflowError, RecursionError) as e:
        raise InvalidConfig(f"{owner}: invalid regular expression {pattern!r}: {e}") from None


def _timeout(pattern: str, text: str):
    return Timeout(
        f"regex {pattern!r} exceeded {settings.regex_timeout_s}s on an input of {len(text)} characters"
    )


def sub(compiled, repl: str, text: str) -> str:
    try:
        return compiled.sub(_literal(repl), text, timeout=settings.regex_timeout_s)
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def findall(compiled, text: str) -> list:
    try:
        return compiled.findall(text, timeout=settings.regex_timeout_s)
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def search(compiled, text: str):
    try:
        return compiled.search(text, timeout=settings.regex_timeout_s)
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


def split(compiled, text: str) -> list:
    try:
        return compiled.split(text, timeout=settings.regex_timeout_s)
    except TimeoutError:
        raise _timeout(compiled.pattern, text) from None


@functools.lru_cache(maxsize=256)
def _literal(repl: str):
    # Replacements are literal text: a function replacement avoids template interpretation of backslashes.
    if "\\" not in repl:
        return repl
    return lambda m: repl
