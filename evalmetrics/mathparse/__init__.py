r"""Safe parsing of math answers (LaTeX and plain text) into our own AST, and bounded equivalence checks.

No input ever reaches ``eval``, ``exec``, ``sympify``, ``parse_expr`` or ``parse_latex``: a tokenizer and a
recursive-descent parser build tuples (``parser.py``), and a converter builds sympy objects from them directly
(``compare.py``). sympy is imported only when a comparison needs it. Every size or time bound raises
:class:`BoundExceeded`, a :class:`evalmetrics.Timeout`.

>>> from evalmetrics.mathparse import read_answer, answers_equal
>>> answers_equal(read_answer("\\frac{1}{2}"), read_answer("0.5"))
True
>>> answers_equal(read_answer("0.333"), read_answer("\\frac13"))
False
"""
from __future__ import annotations

import functools
from typing import NamedTuple

from .bounds import LIMITS, NO_DEADLINE, BoundExceeded, Deadline, MathParseError
from .compare import Options, equivalent
from .normalize import clean
from .parser import parse, tokenize

__all__ = ["Answer", "read_answer", "answers_equal", "Options", "Deadline", "BoundExceeded", "MathParseError",
           "LIMITS", "parse", "tokenize", "clean"]


class Answer(NamedTuple):
    """One answer, read: ``node`` (an AST) or ``text`` (not math: compared as text), plus its markers."""

    node: tuple | None
    text: str  # the cleaned text (lowercased, whitespace collapsed, for text comparison)
    unit: str | None
    percent: bool
    degrees: bool


def _text_key(s: str) -> str:
    s = s.lower().replace("\\", " ").replace("{", " ").replace("}", " ")
    return " ".join(s.split()).strip(" .")


def read_answer(raw: str, deadline: Deadline = NO_DEADLINE) -> Answer:
    """Clean and parse one extracted answer; text that is not math is kept as text.

    Memoized per distinct text of at most 2,000 characters (a bounded, thread-safe LRU cache of immutable
    results): the parse is bounded by
    the size caps alone, so the deadline is checked before and after it. A bound that is hit is not cached.
    """
    deadline.check()
    got = _read_cached(raw) if len(raw) <= 2000 else _read(raw)  # (long texts are not kept in the cache)
    deadline.check()
    return got


def _read(raw: str) -> Answer:
    c = clean(raw)
    try:
        node = parse(c.text) if c.text else None
    except MathParseError:
        node = _equality_chain(c.text)
    return Answer(node, _text_key(c.text), c.unit, c.percent, c.degrees)


def _top_level_split(text: str, sep: str, cap: int) -> list | None:
    """``text`` split at ``sep`` outside brackets and braces; None past ``cap`` parts or unbalanced brackets."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return None
        elif ch == sep and depth == 0:
            parts.append(text[start:k])
            start = k + 1
            if len(parts) >= cap:
                return None
    parts.append(text[start:])
    return parts if depth == 0 else None


def _equality_chain(text: str):
    """A chain of equalities that did not parse because some members hold an unknown LaTeX command: the members
    that parse, in order, when at least two do, the last one among them, and every member that does not parse
    has a command (``1 = \\zzz = x = 0`` reads as ``1 = x = 0``, whose answer is its last member). Else None."""
    if "=" not in text or "\\" not in text or any(op in text for op in ("<=", ">=", "!=")):
        return None
    parts = _top_level_split(text, "=", 16)
    if parts is None or len(parts) < 3:
        return None
    kept = []
    for k, part in enumerate(parts):
        try:
            kept.append(parse(part.strip()))
        except MathParseError:
            if k == len(parts) - 1 or "\\" not in part:
                return None
    if len(kept) < 2:
        return None
    node = kept[-1]
    for x in reversed(kept[:-1]):
        node = ("rel", "=", x, node)
    return node


_read_cached = functools.lru_cache(maxsize=8192)(_read)


def _with_percent(ans: Answer, mode: str) -> list:
    """The values an answer may stand for under the percent convention."""
    if not ans.percent or ans.node is None:
        return [ans.node]
    if mode == "drop":
        return [ans.node]
    if mode == "fraction_too":
        return [ans.node, ("div", ans.node, ("num", _hundred()))]
    return [("div", ans.node, ("num", _hundred()))]  # fraction: 50% means 1/2 only


def _hundred():
    from fractions import Fraction

    return Fraction(100)


def _text_items(t: str) -> list:
    return sorted(x.strip() for x in t.split(",") if x.strip())


def answers_equal(p: Answer, r: Answer, opts: Options = Options(), *, percent: str = "drop",
                  units: str = "match_if_both", deadline: Deadline = NO_DEADLINE) -> bool:
    """The comparison rules of ``MathEquivalence`` (see its docstring and docs/math.md)."""
    # units: compared only when both sides carry one (units="ignore": never)
    if units == "match_if_both" and p.unit and r.unit and p.unit != r.unit:
        return False
    if units == "match_if_both" and ((p.degrees and r.percent) or (p.percent and r.degrees)):
        return False  # degrees are not percent
    if p.node is None or r.node is None:
        if p.node is None and r.node is None:
            if p.text == r.text:
                return True
            return "," in p.text and _text_items(p.text) == _text_items(r.text) and opts.bare_lists == "unordered"
        return False
    if p.text == r.text and p.percent == r.percent:
        return True  # fast path: same cleaned text
    if p.percent == r.percent:
        return equivalent(p.node, r.node, opts, deadline)
    for a in _with_percent(p, percent):
        for b in _with_percent(r, percent):
            if equivalent(a, b, opts, deadline):
                return True
    return False
