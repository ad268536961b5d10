r"""MathEquivalence: extract a math answer, parse it safely, and compare it with the reference by value.

Extraction is explicit steps (``pred`` / ``ref``, shown in the ID); parsing and comparison live in
``evalmetrics.mathparse`` (our own parser: nothing is ever evaluated as code). Every option that can change a score
is a field, so it appears in the ID.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import InvalidConfig, InvalidInput, Timeout
from ..extractors import Extractor, FirstOf, RegexExtract
from ..normalizers import Strip
from ..units import enum, flag, integer, number, register, run_steps, steps
from .base import GenerativeMetric
from .pipelined import COMBINE_WORDS, init_pipeline
from ..mathparse.normalize import _brace_end

__all__ = ["MathEquivalence", "BareMathAnswer", "FinalBoxes", "Chain", "AfterLastBox", "default_pred_steps", "default_ref_steps"]

# The GSM8K "#### 42" answer, with or without a space after the marks (last occurrence).
GSM8K_MARKS = RegexExtract(pattern=r"####\s*([-\u2212]?[0-9.,]+)", match_index=-1, fallback=None, strip=True)
# "the (final) answer is X" / "answer: X" (a $...$ right after it is taken whole), but not "the answer is not X",
# and not "Final Answer: The final answer is X" read as "The final answer is X".
ANSWER_IS = RegexExtract(
    pattern=r"(?i)answer(?: is|:)(?![\s:]*not\b)(?![\s:]*(?:the )?(?:final )?answer\b)[\s:]*"
    r"(?:\$((?:\\\$|[^$])+?)(?<!\\)\$|(.+?)(?:\.(?:\s|$)|\n|$))",
    match_index=-1, fallback=None, strip=True,
)
# The last math span: $...$ (an escaped \$ inside does not end it), \(...\) or \[...\].
LAST_DOLLARS = RegexExtract(
    pattern=r"(?<!\\)\$((?:\\\$|[^$])+?)(?<!\\)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]",
    match_index=-1, fallback=None, strip=True,
)
# The last number (not glued to a preceding letter): sign (ASCII or Unicode minus), thousands commas, decimals,
# exponent, a /denominator.
LAST_NUMBER = RegexExtract(
    pattern=r"(?<![A-Za-z_])[-\u2212]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?(?:/\d+)?", match_index=-1,
    fallback=None, strip=True,
)
# Whichever comes last: a math span ($...$, \(...\), \[...\]) or a number outside one.
LAST_SPAN_OR_NUMBER = RegexExtract(
    pattern=r"(?<!\\)\$((?:\\\$|[^$])+?)(?<!\\)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]"
    r"|((?<![A-Za-z_\\])[-\u2212]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?(?:/\d+)?%?)",
    match_index=-1, fallback=None, strip=True,
)


@register
@dataclass(frozen=True, repr=False)
class BareMathAnswer(Extractor):
    r"""The whole text, stripped, when it is itself a bare answer; otherwise no answer.

    A bare answer is at most ``max_chars`` characters on one line and either parses as math with the safe
    parser (``	frac{2}{5}``, ``[-9, -8]``, ``x = 3``) or, with ``text=true``, has no digit and at most six
    words (``Monday``, ``\text{(B)}``). Used after the explicit answer markers and before "last number", so a
    model that answers with the bare expression is read whole instead of by its last digit.

    >>> e = BareMathAnswer()
    >>> e.apply("\\tfrac{2}{5}"), e.apply("Monday"), e.apply("so the result is 5") is None
    ('\\tfrac{2}{5}', 'Monday', True)
    """

    name: ClassVar[str] = "bare_math_answer"
    summary: ClassVar[str] = "the whole text when it is itself a short math (or text) answer"
    max_chars: int = integer(200, "longest text read as a bare answer", minimum=1)
    text: bool = flag(True, "also accept a short answer without digits (text answers)")

    def apply(self, text: str) -> str | None:
        t = text.strip()
        if not t or len(t) > self.max_chars or "\n" in t:
            return None
        from ..mathparse import BoundExceeded, read_answer

        try:
            if read_answer(t).node is not None:
                return t
        except BoundExceeded:
            return None
        if self.text and not any(c.isdigit() for c in t) and len(t.split()) <= 6:
            return t
        return None

    def describe(self):
        return (
            f"the whole text if it is at most {self.max_chars} characters on one line and parses as math"
            + (" or is a short answer without digits (at most six words)" if self.text else "")
            + "; otherwise no answer"
        )


@register
@dataclass(frozen=True, repr=False)
class FinalBoxes(Extractor):
    r"""The content of the last ``\boxed{...}``, joined with the boxes right before it: ``\boxed{1}, \boxed{2}``.

    Starting from the last box, earlier boxes are added while the text between two boxes is at most ``max_gap``
    characters without a blank line and that do not read as a sentence (more than three words, or a word of four or
    more letters without "and"/"or"; layout words such as ``\quad`` and ``\text`` aside), so not
    ``\boxed{3} was wrong: \boxed{5}``, but ``\boxed{(2,2)} \quad \text{and} \quad \boxed{(6,2)}``), up to
    ``max_boxes``; the contents are joined with ", " in text order. A box written ``\boxed 5`` (a space instead
    of a brace) is taken alone up to the next ``$``. No box, or an unclosed last box: no answer.

    >>> FinalBoxes().apply("so $x=\\boxed{1}$ and $y = \\boxed{2}$.")
    '1, 2'
    >>> FinalBoxes().apply("first \\boxed{1}.\n\nLater we find \\boxed{7}")
    '7'
    """

    name: ClassVar[str] = "final_boxes"
    summary: ClassVar[str] = "the last \\boxed{...}, with the boxes just before it"
    max_gap: int = integer(60, "most characters between two boxes that are read together", minimum=0)
    max_boxes: int = integer(20, "most boxes read together", minimum=1)
    fbox: bool = flag(True, "also accept \\fbox{...}")

    def apply(self, text: str) -> str | None:
        cmds = ("\\boxed", "\\fbox") if self.fbox else ("\\boxed",)
        out = []
        end_limit = len(text)
        prev_start = None
        while len(out) < self.max_boxes:
            start, cmd = -1, None
            for c in cmds:
                k = text.rfind(c, 0, end_limit)
                if k > start:
                    start, cmd = k, c
            if start < 0:
                break
            j = start + len(cmd)
            if text.startswith(" ", j) and cmd == "\\boxed" and not text[j:].lstrip(" ").startswith("{"):
                if out:
                    break
                return text[j + 1 :].split("$")[0]
            while j < len(text) and text[j] == " ":
                j += 1
            close = _brace_end(text, j) if j < len(text) and text[j] == "{" else -1
            if close < 0:
                if out:
                    break
                return None
            if prev_start is not None:
                gap = text[close + 1 : prev_start]
                if close >= prev_start or len(gap) > self.max_gap or "\n\n" in gap or _narrative(gap):
                    break
            out.append(text[j + 1 : close])
            prev_start = start
            end_limit = start
        if not out:
            return None
        return ", ".join(reversed(out))

    def describe(self):
        return (
            "the content of the last \\boxed{...}" + (" or \\fbox{...}" if self.fbox else "")
            + f", joined (\", \") with up to {self.max_boxes - 1} boxes before it when at most {self.max_gap} "
            "characters without a blank line separate them; none: no answer"
        )


@register
@dataclass(frozen=True, repr=False)
class AfterLastBox(Extractor):
    r"""The text after the last complete ``\boxed{...}`` (balanced braces); no box: no answer.

    Used to prefer a final statement ("The final answer is 7") written after a box that held an intermediate value.

    >>> AfterLastBox().apply("so \\boxed{255}. The final answer is 10455.")
    '. The final answer is 10455.'
    >>> AfterLastBox().apply("no box") is None
    True
    """

    name: ClassVar[str] = "after_last_box"
    summary: ClassVar[str] = "the text after the last \\boxed{...}"

    def apply(self, text: str) -> str | None:
        start = text.rfind("\\boxed")
        if start < 0:
            return None
        j = start + len("\\boxed")
        while j < len(text) and text[j] == " ":
            j += 1
        if j >= len(text) or text[j] != "{":
            return None
        close = _brace_end(text, j)
        return None if close < 0 else text[close + 1 :]

    def describe(self):
        return "the text after the last \\boxed{...} (balanced braces); none: no answer"


_GAP_WORDS = frozenset(["text", "textrm", "mathrm", "quad", "qquad", "left", "right", "part", "case", "also"])


def _narrative(gap: str) -> bool:
    """True if the text between two boxes reads as a sentence: more than three words (layout words aside), or a
    word of four or more letters without an "and" / "or" joining the answers."""
    words = []
    word = []
    for ch in gap + " ":
        if ch.isalpha():
            word.append(ch)
            continue
        if word:
            w = "".join(word).lower()
            if w not in _GAP_WORDS:
                words.append(w)
        word = []
    if len(words) > 3:
        return True
    joined = "and" in words or "or" in words
    return any(len(w) >= 4 for w in words) and not joined


@register
@dataclass(frozen=True, repr=False)
class Chain(Extractor):
    r"""Several steps applied in order as one step (each to the previous one's output); no answer stops the chain.

    Inside :class:`evalmetrics.FirstOf`, ``Chain(steps=[answer_is, BareMathAnswer()])`` is an alternative that
    counts only when what follows "answer is" is itself a bare answer.

    >>> from evalmetrics import LastNumber, Strip
    >>> Chain(steps=[Strip(), LastNumber()]).apply("  so 3 then 4  ")
    '4'
    """

    name: ClassVar[str] = "chain"
    summary: ClassVar[str] = "several steps applied in order, as one step"
    steps: tuple = steps("the steps, applied in order")

    def apply(self, text: str) -> str | None:
        return run_steps(self.steps, text)

    def describe(self):
        return "in order: " + "; then ".join(s.describe() for s in self.steps)


def default_pred_steps() -> tuple:
    """"answer is X" stated after the last \\boxed{}, then the last \\boxed{} (with the boxes just before it), then
    GSM8K ####, then "answer is X" when X is a bare answer, then the whole text if it is a bare answer, then the last
    math span or number."""
    return (FirstOf(steps=(Chain(steps=(AfterLastBox(), ANSWER_IS, BareMathAnswer())), FinalBoxes(), GSM8K_MARKS,
                           Chain(steps=(ANSWER_IS, BareMathAnswer())), BareMathAnswer(), LAST_SPAN_OR_NUMBER)),)


def default_ref_steps() -> tuple:
    """The last \\boxed{} (with the boxes just before it), else GSM8K ####, else the whole reference if it is a bare
    answer, else "answer is X", else the last math span or number, else the whole reference."""
    return (FirstOf(steps=(FinalBoxes(), GSM8K_MARKS, BareMathAnswer(), Chain(steps=(ANSWER_IS, BareMathAnswer())),
                           LAST_SPAN_OR_NUMBER, Strip())),)


_PERCENT_WORDS = {
    "drop": "a percent sign is dropped (50% reads as 50)",
    "fraction_too": "50% reads as 50 or as 0.5",
    "fraction": "50% reads as 0.5 only",
}


@register
@dataclass(frozen=True, repr=False, init=False)
class MathEquivalence(GenerativeMetric):
    r"""1.0 if the extracted answer equals a reference by mathematical value, else 0.0. Safe and time-bounded.

    Steps: ``pred`` extracts the prediction's answer (default: "answer is X" stated after the last box, then the
    last ``\boxed{}`` with the boxes just before it, then GSM8K ``####``, then "answer is X" (not "answer is not"),
    then the whole text if it is a bare answer (:class:`BareMathAnswer`), then the last math span or number);
    ``ref`` extracts each reference's the same way, falling back to the whole text (docs/math.md lists the rules). Both answers are parsed by our
    own LaTeX/plain parser and compared: exact rationals first (``0.5`` is exactly ``1/2``; ``0.333`` is not
    ``1/3``), then sympy objects built directly from the parse tree (structural equality, a guarded ``expand``,
    then a 30-digit numeric check at fixed points). Exact rationals are equal only when equal, unless ``rel_tol``
    / ``abs_tol`` are set: then ``|a-b| <= max(rel_tol*max(|a|,|b|), abs_tol)``; the numeric check always allows a
    relative difference of 1e-20 (30-digit evaluation noise). A decimal with at least 15 significant digits equals
    the value it is rounded from (``0.0833333333333333`` is ``1/12``); ``3 1/2`` and ``1\frac{1}{2}`` are mixed
    numbers; ``oo`` is infinity; an undefined value (``1/0``) equals only the same expression.

    Options: ``tuples`` (``(1,2)`` vs ``(2,1)``: ``ordered`` or ``unordered``); ``bare_lists`` (``1, 2`` without
    brackets, and text lists); ``equations`` (``rhs_if_named``: ``x=3`` and ``f(x)=3`` equal ``3``; ``exact``: they do not);
    ``percent`` (``drop``, ``fraction_too``, ``fraction``); ``units`` (``match_if_both``: units must agree when
    both sides carry one, degrees are never percent; ``ignore``); ``imaginary`` (``i`` is the imaginary unit);
    ``deadline_s`` (per-sample time budget, cooperative). Text answers compare lowercased with whitespace
    collapsed. A sample that hits a size or time bound raises ``Timeout`` in ``score`` and scores 0 (counted in
    ``n_timeouts``) in ``compute``.

    >>> import evalmetrics as em
    >>> m = em.MathEquivalence()
    >>> m.score("so the answer is \\boxed{\\dfrac{1}{2}}", "0.5"), m.score("0.333", "\\frac13")
    (1.0, 0.0)
    >>> m.score("The answer is not 7; it is 8", "8"), m.score("{2,1}", "\\{1,2\\}")
    (1.0, 1.0)
    >>> m.score("0.0833333333333333", "\\frac{1}{12}"), m.score("0.333333", "\\frac13"), m.score("3 1/2", "7/2")
    (1.0, 0.0, 1.0)
    >>> m.id.startswith("math_equivalence@2(pred=[first_of(")
    True
    """

    name: ClassVar[str] = "math_equivalence"
    # 2: ``oo`` reads as infinity, mixed numbers (``3 1/2``, ``1\\frac{1}{2}``), long decimals equal the value they
    # round, an undefined value equals only the same expression however spelled (docs/math.md, "Verdicts").
    revision: ClassVar[int] = 2
    summary: ClassVar[str] = "1 if the extracted answer equals the reference by mathematical value (safe parser)"
    id_merge: ClassVar[tuple | None] = None
    pred: tuple = steps("steps that extract the prediction's answer, in order")
    ref: tuple = steps("steps that extract each reference's answer, in order")
    rel_tol: float = number(0.0, "relative tolerance (0: exact; numeric checks allow 1e-20 evaluation noise)")
    abs_tol: float = number(0.0, "absolute tolerance (0: exact)")
    tuples: str = enum("ordered", ("ordered", "unordered"), "whether (1,2) and (2,1) differ")
    bare_lists: str = enum("unordered", ("unordered", "ordered"), "order of bare comma lists (1, 2) and text lists")
    equations: str = enum("rhs_if_named", ("rhs_if_named", "exact"), "x=3 against 3")
    percent: str = enum("drop", ("drop", "fraction_too", "fraction"), "what 50% means")
    units: str = enum("match_if_both", ("match_if_both", "ignore"), "units on both sides must agree, or are ignored")
    imaginary: bool = flag(True, "read i as the imaginary unit")
    deadline_s: float = number(1.0, "per-sample time budget in seconds (cooperative, no signals)")
    combine: str = enum("max", ("max", "mean"), "how scores against several references combine")

    def __init__(self, *, pred=None, ref=None, rel_tol=0.0, abs_tol=0.0, tuples="ordered",
                 bare_lists="unordered", equations="rhs_if_named", percent="drop", units="match_if_both",
                 imaginary=True, deadline_s=1.0, combine="max"):
        init_pipeline(
            self,
            {"rel_tol": rel_tol, "abs_tol": abs_tol, "tuples": tuples, "bare_lists": bare_lists,
             "equations": equations, "percent": percent, "units": units, "imaginary": imaginary,
             "deadline_s": deadline_s, "combine": combine},
            normalize=None, normalize_pred=None, normalize_ref=None, extract=None, extract_ref=None,
            pred=default_pred_steps() if pred is None else pred,
            ref=default_ref_steps() if ref is None else ref,
        )

    def _validate(self):
        for f in ("rel_tol", "abs_tol"):
            v = getattr(self, f)
            if v < 0:
                raise InvalidConfig(f"math_equivalence: parameter {f!r} must be a number >= 0; got {v!r}")
        if not (0 < self.deadline_s <= 3600):
            raise InvalidConfig(
                f"math_equivalence: parameter 'deadline_s' must be in (0, 3600]; got {self.deadline_s!r}"
            )

    @property
    def _options(self):
        try:
            return self.__dict__["_opts"]
        except KeyError:
            from ..mathparse import Options

            v = Options(self.rel_tol, self.abs_tol, self.tuples, self.bare_lists, self.equations, self.imaginary)
            object.__setattr__(self, "_opts", v)
            return v

    # -- scoring

    def _read_ref(self, ref: str, deadline, cache):
        """The reference's extracted text and parsed answer (memoized per distinct reference in compute)."""
        from ..mathparse import BoundExceeded, read_answer

        if cache is not None:
            key = ("math_equivalence.ref", ref)
            hit = cache.get(key)
            if hit is not None:
                if isinstance(hit, BaseException):
                    raise hit
                return hit
        try:
            text = run_steps(self.ref, ref)
            v = (text, None if text is None else read_answer(text, deadline))
        except BoundExceeded as e:
            if cache is not None and e.bound != "deadline_s":
                cache[key] = e
            raise
        if cache is not None:
            if len(cache) > 100_000:
                cache.clear()
            cache[key] = v
        return v

    def _score_refs(self, prediction, refs, cache):
        from ..mathparse import BoundExceeded, Deadline, answers_equal, read_answer

        deadline = Deadline(self.deadline_s)
        try:
            p_text = run_steps(self.pred, prediction)
        except InvalidInput as e:
            raise InvalidInput(e.reason, index=e.index, field=e.field or "prediction") from None
        scores = []
        p_ans = None
        for r in refs:
            try:
                r_text, r_ans = self._read_ref(r, deadline, cache)
            except InvalidInput as e:
                raise InvalidInput(e.reason, index=e.index, field=e.field or "references") from None
            if p_text is None or r_text is None:
                s = 0.0
            elif p_text.strip() == r_text.strip():
                s = 1.0  # fast path: the same answer text
            else:
                try:
                    if p_ans is None:
                        p_ans = read_answer(p_text, deadline)
                    eq = answers_equal(p_ans, r_ans, self._options, percent=self.percent, units=self.units,
                                       deadline=deadline)
                except RecursionError:  # a safety net: the depth caps should make this unreachable
                    raise BoundExceeded("max_depth", "recursion limit") from None
                s = 1.0 if eq else 0.0
            if s == 1.0 and self.combine != "mean":
                return 1.0
            scores.append(s)
        if self.combine == "mean":
            return sum(scores) / len(scores)
        return max(scores)

    def score(self, prediction: str, references) -> float:
        """Score one sample (1.0 / 0.0). Raises ``Timeout`` if a size or time bound is hit."""
        return GenerativeMetric.score(self, prediction, references)

    def pipeline(self):
        return [("prediction", s) for s in self.pred] + [("reference", s) for s in self.ref]

    def describe(self):
        return (
            f"math equivalence by value (safe parser, exact rationals, then sympy): tolerance rel {self.rel_tol!r}, "
            f"abs {self.abs_tol!r}; tuples {self.tuples}; bare lists {self.bare_lists}; equations "
            f"{self.equations}; {_PERCENT_WORDS[self.percent]}; units {self.units}; i is "
            + ("the imaginary unit" if self.imaginary else "a symbol")
            + f"; at most {self.deadline_s}s per sample; several references: {COMBINE_WORDS[self.combine]}"
        )


# Timeout is re-exported for readers of this module: a hit bound is an evalmetrics.Timeout.
_ = Timeout
