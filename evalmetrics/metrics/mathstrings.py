r"""String-level MATH answer equivalence (Hendrycks et al. 2021), as lm_eval, HELM and lighteval compute it.

Three harnesses carry copies of the same few functions from the MATH repository: find the last ``\boxed{...}``,
unwrap it, rewrite both answers with ``strip_string`` (units, ``\dfrac``, ``\sqrt3``, ``0.5``, ``a/b`` ...) and
compare the strings. The copies drifted apart. Here the pipeline exists once; every place where one copy behaves
differently from another is a named field:

* :class:`HendrycksLastBoxed` - the last ``\boxed`` answer. ``space_form``: what ``\boxed 5`` (a space instead
  of a brace) means; ``on_missing``: what happens when there is no usable box (no answer, empty text, error).
* :class:`BetweenOuterDollars` - lm_eval's prediction extraction: the text between the first and the last ``$``.
* :class:`HendrycksMathNormalize` - ``strip_string``. ``units``: the ``\text{ `` unit rule;
  ``slash_non_integer``: what ``x/y`` with non-integers does.
* :class:`MathStringEquiv` - the comparison (``is_equiv``): when the normalization fails on either side, the
  unnormalized answers are compared instead.

A normalization that is undefined for a text (the harness's ``strip_string`` raises: ``\sqrt`` or ``\frac`` at
the very end, two ``\text{ `` units, ``x/y`` under ``slash_non_integer=fail``) raises
:class:`NormalizationFailed` from ``apply``. :class:`MathStringEquiv` catches it; anywhere else it surfaces as an
``InvalidInput`` error, which is what happens in lighteval, whose ``math_normalizer`` lets it crash the run.

>>> from evalmetrics.metrics.mathstrings import HendrycksMathNormalize
>>> HendrycksMathNormalize().apply("\\dfrac12")
'\\frac{1}{2}'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from ..errors import InvalidInput
from ..extractors import Extractor
from ..normalizers import Normalizer
from ..units import enum, register, run_steps, steps, text
from .base import GenerativeMetric
from .pipelined import COMBINE, COMBINE_WORDS, PipelinedMetric, init_pipeline

__all__ = [
    "NormalizationFailed",
    "HendrycksMathNormalize",
    "HendrycksLastBoxed",
    "BetweenOuterDollars",
    "MathStringEquiv",
    "MinervaFinalAnswer",
    "MinervaAnswerNormalize",
]


class NormalizationFailed(InvalidInput):
    """The Hendrycks MATH normalization is undefined for this text (the harness's ``strip_string`` raises there).

    ``MathStringEquiv`` catches it and compares the unnormalized texts, as lm_eval's and HELM's ``is_equiv`` do.
    Where nothing catches it (the normalizer inside ``ExactMatch``, as lighteval uses it) it is an
    ``InvalidInput``: the harness crashes on that sample.

    >>> isinstance(NormalizationFailed("\\\\sqrt at the end"), InvalidInput)
    True
    """

    def __reduce__(self):
        return (_rebuild_failed, (self.reason, self.index, self.field))


def _rebuild_failed(reason, index, field):
    return NormalizationFailed(reason, index=index, field=field)


# ------------------------------------------------------------------------------------------- normalization

_TEXT_UNIT = "\\text{ "

# Literal rewrites applied in this order before the unit rule (each one sees the previous one's output).
_BEFORE_UNITS = (
    ("\n", ""),  # line breaks
    ("\\!", ""),  # negative thin spaces
    ("\\\\", "\\"),  # a doubled backslash becomes one
    ("tfrac", "frac"),
    ("dfrac", "frac"),
    ("\\left", ""),
    ("\\right", ""),
    ("^{\\circ}", ""),  # degrees
    ("^\\circ", ""),
    ("\\$", ""),  # escaped dollar signs
)
# ... and after it.
_AFTER_UNITS = (
    ("\\%", ""),  # escaped percent signs
    (" .", " 0."),
    ("{.", "{0."),
)


def _fail(rule: str, text: str) -> NormalizationFailed:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return NormalizationFailed(f"hendrycks_math_normalize: {rule} in {shown!r}")


def _drop_units(text: str, units: str) -> str:
    at = text.find(_TEXT_UNIT)
    if at < 0:
        return text
    if units == "first_rstrip":
        return text[:at].rstrip()
    if text.find(_TEXT_UNIT, at + len(_TEXT_UNIT)) >= 0:
        raise _fail('"\\text{ " occurs more than once (the unit rule allows one)', text)
    return text[:at]


def _brace_sqrt_arguments(text: str) -> str:
    """``\\sqrt3`` -> ``\\sqrt{3}``: a one-character argument gets braces; no character after ``\\sqrt`` fails."""
    head, *pieces = text.split("\\sqrt")
    out = [head]
    for piece in pieces:
        if not piece:
            raise _fail('"\\sqrt" with nothing after it', text)
        out.append("\\sqrt" + piece if piece[0] == "{" else "\\sqrt{" + piece[0] + "}" + piece[1:])
    return "".join(out)


def _brace_frac_arguments(text: str) -> str:
    """``\\frac12`` -> ``\\frac{1}{2}``, ``\\frac1{72}`` -> ``\\frac{1}{72}``, in order of occurrence.

    A ``\\frac`` followed by a single character and then the end leaves the whole text as it was given; a
    ``\\frac`` followed by nothing fails. Whichever of the two comes first decides.
    """
    head, *pieces = text.split("\\frac")
    out = [head]
    for piece in pieces:
        if not piece:
            raise _fail('"\\frac" with nothing after it', text)
        if piece[0] == "{":
            out.append("\\frac" + piece)
        elif len(piece) < 2:
            return text
        elif piece[1] == "{":
            out.append("\\frac{" + piece[0] + "}" + piece[1:])
        else:
            out.append("\\frac{" + piece[0] + "}{" + piece[1] + "}" + piece[2:])
    return "".join(out)


def _slash_to_frac(text: str, slash_non_integer: str) -> str:
    parts = text.split("/")
    if len(parts) != 2:
        return text
    try:
        a, b = int(parts[0]), int(parts[1])
    except ValueError:
        if slash_non_integer == "fail":
            raise _fail("a/b whose parts are not integers", text) from None
        return text
    if text != f"{a}/{b}":
        return text
    return "\\frac{" + str(a) + "}{" + str(b) + "}"


def hendrycks_strip(text: str, units: str = "one_or_fail", slash_non_integer: str = "fail") -> str:
    """The functional core of :class:`HendrycksMathNormalize` (raises ``NormalizationFailed``)."""
    for old, new in _BEFORE_UNITS:
        text = text.replace(old, new)
    text = _drop_units(text, units)
    for old, new in _AFTER_UNITS:
        text = text.replace(old, new)
    if not text:
        return text
    if text[0] == ".":
        text = "0" + text
    sides = text.split("=")
    if len(sides) == 2 and len(sides[0]) <= 2:
        text = sides[1]
    text = _brace_sqrt_arguments(text)
    text = text.replace(" ", "")
    text = _brace_frac_arguments(text)
    if text == "0.5":
        text = "\\frac{1}{2}"
    return _slash_to_frac(text, slash_non_integer)


_UNITS_WORDS = {
    "one_or_fail": 'if "\\text{ " occurs once, keep the text before it (more than once: the normalization fails)',
    "first_rstrip": 'if "\\text{ " occurs, keep the text before the first one, without trailing whitespace',
}
_SLASH_WORDS = {
    "fail": "if a part is not an integer, the normalization fails",
    "keep": "if a part is not an integer, the text is kept",
}


@register
@dataclass(frozen=True, repr=False)
class HendrycksMathNormalize(Normalizer):
    r"""The Hendrycks MATH ``strip_string`` normalization of a LaTeX answer, in its harness variants.

    In order: delete line breaks and ``\!``; ``\\`` becomes ``\``; ``tfrac`` and ``dfrac`` become ``frac``;
    delete ``\left``, ``\right``, ``^{\circ}``, ``^\circ``, ``\$``; the unit rule (``units``); delete ``\%``;
    ``" ."`` becomes ``" 0."`` and ``"{."`` becomes ``"{0."``; an empty text stops here; a leading ``.`` gets a
    ``0``; a text with exactly one ``=`` whose left side has at most 2 characters keeps its right side
    (``k = 5``); a one-character ``\sqrt`` argument gets braces (``\sqrt3`` -> ``\sqrt{3}``); delete spaces
    (U+0020 only); one- and two-character ``\frac`` arguments get braces (``\frac12`` -> ``\frac{1}{2}``,
    ``\frac1b``, ``\frac1{72}``; a ``\frac`` followed by one character at the very end leaves this rewrite
    undone); exactly ``0.5`` becomes ``\frac{1}{2}``; ``a/b`` with exactly one ``/`` becomes
    ``\frac{a}{b}`` when ``int()`` reads both parts and writes them back identically (``01/2`` is kept).

    The normalization fails (raises :class:`NormalizationFailed`) on ``\sqrt`` or ``\frac`` followed by nothing
    (at the very end, or directly before the next ``\sqrt`` / ``\frac``), and as the two fields say:

    ``units``: ``one_or_fail`` (lm_eval, HELM, the MATH repository): if ``"\text{ "`` occurs once, keep the
    text before it unchanged; twice or more: fail. ``first_rstrip`` (lighteval): keep the text before the first
    ``"\text{ "``, right-stripped of whitespace.

    ``slash_non_integer``: for ``a/b`` where ``int()`` rejects a part (``x/y``): ``fail`` (lm_eval, the MATH
    repository) or ``keep`` the text (HELM, lighteval).

    >>> n = HendrycksMathNormalize()
    >>> n.apply("k = \\dfrac12"), n.apply(".5"), n.apply("10\\text{ cm}"), n.apply("\\sqrt3")
    ('\\frac{1}{2}', '\\frac{1}{2}', '10', '\\sqrt{3}')
    >>> HendrycksMathNormalize(slash_non_integer="keep").apply("x/y")
    'x/y'
    >>> n.id
    'hendrycks_math_normalize(units=one_or_fail, slash_non_integer=fail)'
    """

    name: ClassVar[str] = "hendrycks_math_normalize"
    summary: ClassVar[str] = "the Hendrycks MATH strip_string normalization of a LaTeX answer"
    units: str = enum("one_or_fail", ("one_or_fail", "first_rstrip"), 'the "\\text{ " unit rule')
    slash_non_integer: str = enum("fail", ("fail", "keep"), "a/b whose parts are not integers: fail or keep")

    def apply(self, text: str) -> str:
        return hendrycks_strip(text, self.units, self.slash_non_integer)

    def describe(self):
        return (
            "Hendrycks MATH strip_string: delete line breaks, \\!, \\left, \\right, degrees, \\$, \\%; "
            "tfrac/dfrac -> frac; units: " + _UNITS_WORDS[self.units] + "; leading '.' -> '0.'; drop a short "
            "'k =' prefix; \\sqrt3 -> \\sqrt{3}; delete spaces; \\frac12 -> \\frac{1}{2}; 0.5 -> \\frac{1}{2}; "
            "a/b -> \\frac{a}{b} for integers (" + _SLASH_WORDS[self.slash_non_integer] + "); \\sqrt or \\frac "
            "with nothing after it: the normalization fails"
        )


# ------------------------------------------------------------------------------------------- extraction

_BRACE = re.compile(r"[{}]")
_BOXED = "\\boxed"


def last_boxed_answer(text: str, space_form: str = "none") -> str | None:
    """The functional core of :class:`HendrycksLastBoxed`: the answer, or None when there is none."""
    if space_form == "to_dollar":
        k = text.rfind(_BOXED + " ")
        if k >= 0:
            return text[k + len(_BOXED) + 1 :].split("$", 1)[0]
    at = text.rfind(_BOXED)
    if at < 0:
        return None
    start = at + len(_BOXED)
    depth = 0
    for m in _BRACE.finditer(text, start):
        if m.group() == "{":
            depth += 1
            continue
        depth -= 1
        if depth == 0:
            close = m.start()
            break
    else:
        return None
    follower = text[start]  # exists: the closing brace lies after it
    if follower == "{":
        return text[start + 1 : close]
    if follower == " " and space_form == "through_brace":
        return text[start + 1 : close + 1]
    return None


_SPACE_WORDS = {
    "none": "",
    "to_dollar": '; if "\\boxed " (with a space) occurs anywhere, the answer is instead the text after the last '
    '"\\boxed " up to the next "$"',
    "through_brace": '; a last "\\boxed " (with a space) gives the text after the space through the closing brace',
}
_MISSING_WORDS = {"no_answer": "no answer", "empty": "the empty text", "error": "an input error",
                  "invalid_answer": "the text '[invalidanswer]'"}


@register
@dataclass(frozen=True, repr=False)
class HendrycksLastBoxed(Extractor):
    r"""The answer in the last ``\boxed{...}``, by the MATH repository's ``last_boxed_only_string`` + ``remove_boxed``.

    Find the last ``\boxed``; from there count braces until the brace that closes the first one; if ``\boxed``
    is directly followed by ``{``, the answer is what lies between that brace and the closing one. Anything
    else has no usable box: no ``\boxed``, no closing brace, ``\boxed`` followed by another character
    (``\boxedx{5}``, ``\boxed\n{5}``). An ``\fbox{...}`` never gives an answer: the harnesses locate it when
    there is no ``\boxed``, but then fail to unwrap it (they expect ``\boxed{``).

    ``space_form`` - ``\boxed`` followed by a space: ``none`` (HELM, the MATH repository): no usable box.
    ``to_dollar`` (lm_eval): checked first, anywhere in the text: if ``"\boxed "`` occurs, the answer is the
    text after the last ``"\boxed "`` up to the next ``$`` (or the end), whatever braces follow.
    ``through_brace`` (lighteval): if the last ``\boxed`` is followed by a space, the answer is the text after
    the space through the closing brace (``\boxed {5}`` gives ``{5}``).

    ``on_missing`` - no usable box: ``no_answer`` (HELM's ``get_answer`` returns None), ``empty`` (lighteval's
    ``math_normalizer`` continues with ``""``), ``error`` (lm_eval's ``remove_boxed`` asserts or gets None and
    the run crashes: ``InvalidInput``), ``invalid_answer`` (lm_eval's ``leaderboard_math_hard``: the text
    ``[invalidanswer]``).

    >>> HendrycksLastBoxed().apply("so \\boxed{1} or rather \\boxed{\\frac{1}{2}}.")
    '\\frac{1}{2}'
    >>> HendrycksLastBoxed().apply("\\boxed 5$") is None, HendrycksLastBoxed(space_form="to_dollar").apply("\\boxed 5$")
    (True, '5')
    >>> HendrycksLastBoxed(space_form="through_brace", on_missing="empty").apply("\\fbox{5}")
    ''
    """

    name: ClassVar[str] = "hendrycks_last_boxed"
    summary: ClassVar[str] = "the answer in the last \\boxed{...}, by the MATH repository's rules"
    space_form: str = enum("none", ("none", "to_dollar", "through_brace"), 'what "\\boxed " with a space means')
    on_missing: str = enum("no_answer", ("no_answer", "empty", "error", "invalid_answer"),
                           "result when there is no usable box")

    def apply(self, text: str) -> str | None:
        got = last_boxed_answer(text, self.space_form)
        if got is not None:
            return got
        if self.on_missing == "empty":
            return ""
        if self.on_missing == "invalid_answer":
            return "[invalidanswer]"
        if self.on_missing == "error":
            raise InvalidInput(
                "no usable \\boxed{...} answer (lm_eval's remove_boxed, in hendrycks_math and minerva_math, "
                "fails here and the run crashes)"
            )
        return None

    def describe(self):
        return (
            "keep the content of the last \\boxed{...} (balanced braces; \\fbox never counts)"
            + _SPACE_WORDS[self.space_form]
            + f"; if none: {_MISSING_WORDS[self.on_missing]}"
        )


@register
@dataclass(frozen=True, repr=False)
class BetweenOuterDollars(Extractor):
    r"""The text between the first and the last ``$`` if there are at least two; otherwise the whole text.

    lm_eval's ``hendrycks_math`` reads the model's answer this way (it does not look for ``\boxed``). Escaped
    ``\$`` counts as a ``$``.

    >>> BetweenOuterDollars().apply("So $x = 2$ and $y$."), BetweenOuterDollars().apply("costs $5")
    ('x = 2$ and $y', 'costs $5')
    """

    name: ClassVar[str] = "between_outer_dollars"
    summary: ClassVar[str] = "the text between the first and the last $ (whole text if fewer than two)"

    def apply(self, text: str) -> str:
        first, last = text.find("$"), text.rfind("$")
        if first == last:
            return text
        return text[first + 1 : last]

    def describe(self):
        return "keep the text between the first and the last '$' (fewer than two '$': the whole text)"


# ------------------------------------------------------------------------------------------- comparison


_UNSET = object()


def _relabel(e: InvalidInput, field: str):
    if e.field is None:
        raise InvalidInput(e.reason, index=e.index, field=field) from None
    raise e


@register
@dataclass(frozen=True, repr=False, init=False)
class MathStringEquiv(PipelinedMetric):
    r"""1.0 if the extracted answers are equal after normalization; if the normalization fails, the raw answers.

    The rule: ``pred`` steps extract the answer from the prediction, ``ref`` steps from each reference. If
    neither side has an answer the sample scores ``both_missing`` (``match``: 1, as HELM's ``is_equiv``;
    ``no_match``: 0); if one side has none it scores 0. Otherwise the ``normalize`` steps (by default
    :class:`HendrycksMathNormalize`) rewrite both answers and equal results score 1 (a ``normalize`` step that
    finds no answer scores 0). If the normalization fails
    on either side (``NormalizationFailed``), ``on_failure=compare_unnormalized`` compares the two extracted
    answers as they were before normalization (lm_eval's and HELM's ``is_equiv``); ``error`` raises
    ``InvalidInput`` (lighteval's ``math_normalizer`` crashes the run; every reference is then normalized,
    so a failure on any of them raises). Several references combine with ``combine``. No numeric or symbolic equivalence:
    ``\frac{2}{4}`` is not ``\frac12``.

    >>> from evalmetrics.metrics.mathstrings import MathStringEquiv
    >>> m = MathStringEquiv()
    >>> m.score("\\dfrac12", "0.5"), m.score("\\frac{2}{4}", "\\frac12")
    (1.0, 0.0)
    >>> m.score("x/y", "x/y")  # the normalization fails on both; the raw texts are equal
    1.0
    >>> m.id
    'math_string_equiv(pred=[], ref=[], normalize=[hendrycks_math_normalize(units=one_or_fail, slash_non_integer=fail)], on_failure=compare_unnormalized, both_missing=match, combine=max)'
    """

    name: ClassVar[str] = "math_string_equiv"
    summary: ClassVar[str] = "1 if the extracted answers are equal after the Hendrycks MATH normalization"
    # pred and ref always render separately: "normalize" is this metric's own field, not the shared side name.
    id_merge: ClassVar[tuple | None] = None
    pred: tuple = steps("steps that extract the prediction's answer, in order")
    ref: tuple = steps("steps that extract each reference's answer, in order")
    normalize: tuple = steps("steps applied to both answers before comparing; a failure there triggers on_failure")
    on_failure: str = enum(
        "compare_unnormalized", ("compare_unnormalized", "error"), "when the normalization fails on either side"
    )
    both_missing: str = enum("match", ("match", "no_match"), "score when neither side has an answer")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(
        self,
        normalize=None,
        *,
        extract=None,
        extract_ref=None,
        pred=None,
        ref=None,
        on_failure: str = "compare_unnormalized",
        both_missing: str = "match",
        combine: str = "max",
    ):
        if normalize is None:
            normalize = (HendrycksMathNormalize(),)
        init_pipeline(
            self,
            {"normalize": normalize, "on_failure": on_failure, "both_missing": both_missing, "combine": combine},
            extract=extract,
            extract_ref=extract_ref,
            pred=pred,
            ref=ref,
        )

    def _normalized(self, text: str):
        """The normalized text (or None), or the NormalizationFailed raised on the way."""
        try:
            return run_steps(self.normalize, text)
        except NormalizationFailed as e:
            return e

    def _equiv(self, p, pn, r, rn) -> float:
        if isinstance(pn, NormalizationFailed) or isinstance(rn, NormalizationFailed):
            if self.on_failure == "error":
                side, e = ("prediction", pn) if isinstance(pn, NormalizationFailed) else ("references", rn)
                raise InvalidInput(e.reason, field=side)
            return 1.0 if p == r else 0.0
        if pn is None or rn is None:
            return 0.0
        return 1.0 if pn == rn else 0.0

    def _score_refs(self, prediction, refs, cache):
        try:
            p = run_steps(self.pred, prediction)
        except InvalidInput as e:
            _relabel(e, "prediction")
        try:
            extracted = self._refs(refs, cache)
        except InvalidInput as e:
            _relabel(e, "references")
        pn = _UNSET
        scores = []
        for r in extracted:
            if p is None or r is None:
                s = (1.0 if self.both_missing == "match" else 0.0) if p is None and r is None else 0.0
            else:
                if pn is _UNSET:
                    pn = self._normalized_cached(p, cache)
                s = self._equiv(p, pn, r, self._normalized_cached(r, cache))
            if s == 1.0 and self.combine != "mean" and self.on_failure != "error":
                return 1.0  # with on_failure=error every reference is normalized: a failure on any one raises
            scores.append(s)
        return self._combine(scores)

    def _normalized_cached(self, text: str, cache: dict | None):
        # Both sides go through the same normalize steps: one memo serves both.
        if cache is None:
            return self._normalized(text)
        key = ("math_string_equiv.normalized", text)
        try:
            return cache[key]
        except KeyError:
            v = cache[key] = self._normalized(text)
            return v

    def compute(self, predictions, references, *, progress: bool | None = None):
        """Score every sample and aggregate (mean, with standard error); see ``Metric.compute``.

        The per-sample loop of ``GenerativeMetric``: here a missing answer on both sides can score 1, and a
        failed normalization falls back to the extracted texts, so a sample is not a plain comparison of two
        processed texts.
        """
        return GenerativeMetric.compute(self, predictions, references, progress=progress)

    def pipeline(self):
        return (
            [("prediction", s) for s in self.pred]
            + [("reference", s) for s in self.ref]
            + [("both", s) for s in self.normalize]
        )

    def describe(self):
        both = "1" if self.both_missing == "match" else "0"
        fail = (
            "the answers as extracted are compared instead"
            if self.on_failure == "compare_unnormalized"
            else "it is an input error"
        )
        return (
            f"math string equivalence: an answer missing on one side scores 0, on both sides {both}; otherwise 1 "
            f"if the normalized answers are equal; if the normalization fails on either side, {fail}; several "
            f"references: {COMBINE_WORDS[self.combine]}"
        )



# ------------------------------------------------------------------------------------------- Minerva (Lewkowycz 2022)
#
# The Minerva prompt ends every solution with "Final Answer: The final answer is $X$. I hope it is correct." and
# scores the normalized X (appendix D of Lewkowycz et al. 2022, as lm_eval's minerva_math carries it). Several of
# the harness's regular expressions take quadratic time on adversarial text; each is done here by a linear scan with
# the same result (tests/conformance/mathverify/test_minerva_aliases.py compares them on every kind of input).

_FINAL_MARK = "Final Answer: The final answer is"
_FINAL_END = "I hope it is correct."
_FINAL_TAIL = " I hope it is correct"


def minerva_final_answer(text: str, fallback: str | None = "[invalidanswer]") -> str | None:
    """The functional core of :class:`MinervaFinalAnswer` (``fallback`` when the sentence is not found)."""
    t = text + _FINAL_END
    mark = t.find(_FINAL_MARK)
    while mark >= 0:
        start = mark + len(_FINAL_MARK)
        nl = t.find("\n", start)
        end = len(t) if nl < 0 else nl
        # the answer runs to the first " I hope it is correct" on the line that leaves one more character on it
        q = t.find(_FINAL_TAIL, start + 1, end)
        if q >= 0 and q + len(_FINAL_TAIL) < end:
            return t[start : q - 1].strip()
        if nl < 0:
            break
        mark = t.find(_FINAL_MARK, nl + 1)  # a later marker on the same line cannot match either
    return fallback


@register
@dataclass(frozen=True, repr=False)
class MinervaFinalAnswer(Extractor):
    r"""The answer in Minerva's closing sentence "Final Answer: The final answer is X. I hope it is correct.".

    The text gets ``"I hope it is correct."`` appended (so an output cut off after "correct" still counts); then
    the answer is the text, stripped, between the first ``Final Answer: The final answer is`` that is followed on
    the same line by any character, ``" I hope it is correct"`` and one more character, and that character (the
    shortest such span; the "." of the sentence is not literal: ``$5$! I hope it is correct`` also works). No such
    sentence: ``fallback`` (lm_eval's ``get_unnormalized_answer`` returns ``"[invalidanswer]"``, which is then
    normalized and compared like any answer; ``None``: no answer).

    >>> MinervaFinalAnswer().apply("so 2+2=4.\nFinal Answer: The final answer is $4$. I hope it is correct.")
    '$4$'
    >>> MinervaFinalAnswer().apply("The answer is 4."), MinervaFinalAnswer(fallback=None).apply("4") is None
    ('[invalidanswer]', True)
    """

    name: ClassVar[str] = "minerva_final_answer"
    summary: ClassVar[str] = 'the X of "Final Answer: The final answer is X. I hope it is correct."'
    fallback: str | None = text("[invalidanswer]", "result when the sentence is not found (None: no answer)",
                                optional=True)

    def apply(self, text: str) -> str | None:
        return minerva_final_answer(text, self.fallback)

    def describe(self):
        none = "no answer" if self.fallback is None else repr(self.fallback)
        return (
            'append "I hope it is correct."; keep the stripped text between the first "Final Answer: The final '
            'answer is" and the next "<any character> I hope it is correct<any character>" on the same line; '
            f"none: {none}"
        )


# normalize_final_answer's tables, in their order.
_MINERVA_SUBSTITUTIONS = (
    ("an ", ""), ("a ", ""), (".$", "$"), ("\\$", ""), ("\\ ", ""), (" ", ""), ("mbox", "text"),
    (",\\text{and}", ","), ("\\text{and}", ","), ("\\text{m}", "\\text{}"),
)
_MINERVA_REMOVED = (
    "square", "ways", "integers", "dollars", "mph", "inches", "ft", "hours", "km", "units", "\\ldots", "sue",
    "points", "feet", "minutes", "digits", "cents", "degrees", "cm", "gm", "pounds", "meters", "meals", "edges",
    "students", "childrentickets", "multiples", "\\text{s}", "\\text{.}", "\\text{\ns}", "\\text{}^2",
    "\\text{}^3", "\\text{\n}", "\\text{}", "\\mathrm{th}", "^\\circ", "^{\\circ}", "\\;", ",\\!", "{,}", '"',
    "\\dots",
)
# Linear-time patterns (fixed width, or one pass of a character class): plain ``re`` is safe here.
_MINERVA_WORDS = tuple(
    (w, re.compile(r"(?<!\\)\b" + w + r"\b")) for w in _MINERVA_REMOVED if w.isalpha()
)
_LATEX_COMMAND = re.compile(r"(\\[a-zA-Z]+)")
_SHORT_FRAC = re.compile(r"(frac)([^{])(.)")
_SHORT_SQRT = re.compile(r"(sqrt)([^{])")
_SHORT_SQRT_NOT_INDEXED = re.compile(r"(sqrt)(?!\[)([^{])")
_WORD_CHAR = re.compile(r"\w")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+")


def _first_math_span_per_line(s: str) -> str:
    """``re.sub(r"(.*?)(\\$)(.*?)(\\$)(.*)", "$\\3$", s)``: each line with two ``$`` becomes ``$<first span>$``."""
    if s.count("$") < 2:
        return s
    lines = s.split("\n")
    for i, line in enumerate(lines):
        parts = line.split("$", 2)
        if len(parts) == 3:
            lines[i] = "$" + parts[1] + "$"
    return "\n".join(lines)


def _unwrap_to_first_close(s: str, opener: str) -> str:
    """``re.sub(opener + r"(.*?)\\}", r"\\1", s)``: each opener up to the first ``}`` on its line loses both."""
    pos = s.find(opener)
    if pos < 0:
        return s
    out, i = [], 0
    while pos >= 0:
        start = pos + len(opener)
        close = s.find("}", start)
        nl = s.find("\n", start)
        if close >= 0 and (nl < 0 or close < nl):
            out.append(s[i:pos])
            out.append(s[start:close])
            i = close + 1
            pos = s.find(opener, i)
        elif nl < 0:
            break
        else:
            pos = s.find(opener, nl + 1)  # no "}" left on this line: no later opener on it matches
    out.append(s[i:])
    return "".join(out)


def _unwrap_boxed_to_last_close(s: str) -> str:
    """``re.sub(r"\\\\boxed\\{(.*)\\}", r"\\1", s)``: the first ``\\boxed{`` of a line up to its last ``}``."""
    opener = "\\boxed{"
    pos = s.find(opener)
    if pos < 0:
        return s
    out, i = [], 0
    while pos >= 0:
        start = pos + len(opener)
        nl = s.find("\n", start)
        end = len(s) if nl < 0 else nl
        close = s.rfind("}", start, end)
        if close >= 0:
            out.append(s[i:pos])
            out.append(s[start:close])
            i = close + 1
            pos = s.find(opener, i)  # on this line no "}" follows: only a later line can match
        elif nl < 0:
            break
        else:
            pos = s.find(opener, nl + 1)
    out.append(s[i:])
    return "".join(out)


def _brace_indexed_roots(s: str) -> str:
    """``re.sub(r"(sqrt)(\\[[^\\]]*\\])(\\w)", r"\\1\\2{\\3}", s)``: ``sqrt[3]a`` -> ``sqrt[3]{a}``."""
    pos = s.find("sqrt[")
    if pos < 0:
        return s
    out, i = [], 0
    while pos >= 0:
        close = s.find("]", pos + 5)
        if close < 0:
            break
        if close + 1 < len(s) and _WORD_CHAR.match(s, close + 1):
            out.append(s[i : close + 1])
            out.append("{" + s[close + 1] + "}")
            i = close + 2
            pos = s.find("sqrt[", i)
        else:
            pos = s.find("sqrt[", close + 1)  # every "sqrt[" before this "]" ends at it too
    out.append(s[i:])
    return "".join(out)


def _drop_outside_commands(s: str, word: str) -> str:
    """Delete ``word`` everywhere except inside LaTeX command names (``\\left`` keeps its "ft")."""
    if word not in s:
        return s
    segments = _LATEX_COMMAND.split(s)
    for k in range(0, len(segments), 2):
        segments[k] = segments[k].replace(word, "")
    return "".join(segments)


def minerva_normalize(
    s: str, unit_words: str = "words_then_glued", indexed_roots: str = "braced", thousands: str = "groups_of_three"
) -> str:
    """The functional core of :class:`MinervaAnswerNormalize`."""
    s = s.split("=")[-1]
    glued = unit_words == "words_then_glued"
    if glued:
        for w, pattern in _MINERVA_WORDS:
            if w in s:
                s = pattern.sub("", s)
    for old, new in _MINERVA_SUBSTITUTIONS:
        s = s.replace(old, new)
    for expr in _MINERVA_REMOVED:
        if glued and expr.isalpha():
            s = _drop_outside_commands(s, expr)
        else:
            s = s.replace(expr, "")
    s = _first_math_span_per_line(s)
    s = _unwrap_to_first_close(s, "\\text{")
    s = _unwrap_to_first_close(s, "\\textbf{")
    s = _unwrap_to_first_close(s, "\\overline{")
    s = _unwrap_boxed_to_last_close(s)
    s = _SHORT_FRAC.sub(lambda m: "frac{" + m.group(2) + "}{" + m.group(3) + "}", s)
    if indexed_roots == "braced":
        s = _brace_indexed_roots(s)
        s = _SHORT_SQRT_NOT_INDEXED.sub(lambda m: "sqrt{" + m.group(2) + "}", s)
    else:
        s = _SHORT_SQRT.sub(lambda m: "sqrt{" + m.group(2) + "}", s)
    s = s.replace("$", "")
    if thousands == "groups_of_three":
        if _THOUSANDS.fullmatch(s):
            s = s.replace(",", "")
    elif s.replace(",", "").isdigit():
        s = s.replace(",", "")
    return s


_UNIT_WORDS_WORDS = {
    "substring": "every listed unit word and LaTeX fragment is deleted wherever it occurs (\\left loses its 'ft')",
    "words_then_glued": "alphabetic unit words are first deleted as whole words not after a backslash, then (after "
    "the substitutions) wherever they occur outside LaTeX command names",
}
_ROOT_WORDS = {
    "shorthand": "\\sqrt[3]{8} gets the \\sqrt shorthand rule too (\\sqrt{[}3]{8})",
    "braced": "\\sqrt[3]a -> \\sqrt[3]{a}; indexed roots are otherwise left alone",
}
_THOUSANDS_WORDS = {
    "any_commas": "commas are deleted if the text is then all digits (0,1 -> 01)",
    "groups_of_three": "commas are deleted only in -?d{1,3}(,ddd)+ numbers (1,000 -> 1000; 0,1 kept)",
}


@register
@dataclass(frozen=True, repr=False)
class MinervaAnswerNormalize(Normalizer):
    r"""Minerva's ``normalize_final_answer`` (Lewkowycz et al. 2022, appendix D), in its lm_eval variants.

    In order: keep the text after the last ``=``; [``unit_words=words_then_glued``: delete the alphabetic unit
    words (``cm``, ``feet``, ``ways``, ``units``, ...) as whole words not preceded by ``\``]; the substitutions
    (delete ``"an "``, ``"a "``, ``.$`` -> ``$``, delete ``\$``, ``"\ "`` and spaces, ``mbox`` -> ``text``,
    ``\text{and}`` -> ``,``, ``\text{m}`` -> ``\text{}``); delete the unit words and fragments (``\ldots``,
    ``\text{s}``, ``^\circ``, ``\;``, ``{,}``, ``"``, ...; with ``words_then_glued`` the words only outside LaTeX
    command names); a line holding two ``$`` keeps only ``$<text between the first two>$``; ``\text{X}``,
    ``\textbf{X}``, ``\overline{X}`` -> ``X`` (up to the first ``}`` on the line); ``\boxed{X}`` -> ``X`` (up to
    the last ``}`` on the line); ``fracab`` -> ``frac{a}{b}``; ``sqrta`` -> ``sqrt{a}`` (``indexed_roots``);
    delete ``$``; thousands commas (``thousands``).

    ``unit_words``: ``words_then_glued`` (lm_eval 0.4.13 ``minerva_math``) or ``substring`` (appendix D as
    printed; lm_eval's ``leaderboard_math``). ``indexed_roots``: ``braced`` (``minerva_math``:
    ``\sqrt[3]a`` -> ``\sqrt[3]{a}``, the shorthand rule skips ``\sqrt[``) or ``shorthand`` (appendix D:
    ``\sqrt[3]{8}`` -> ``\sqrt{[}3]{8}``). ``thousands``: ``groups_of_three`` (``minerva_math``: only
    ``-?\d{1,3}(,\d{3})+``) or ``any_commas`` (appendix D: if deleting commas leaves ``str.isdigit()`` text).

    >>> n = MinervaAnswerNormalize()
    >>> n.apply("$10$ cm"), n.apply("x = \\frac12"), n.apply("1,000"), n.apply("\\text{(B)}")
    ('10', '\\frac{1}{2}', '1000', '(B)')
    >>> MinervaAnswerNormalize(unit_words="substring").apply("\\left(1,2\\right)")
    '\\le(1,2\\right)'
    """

    name: ClassVar[str] = "minerva_answer_normalize"
    summary: ClassVar[str] = "Minerva's normalize_final_answer (units, $...$, \\text, \\boxed, shorthand TeX, commas)"
    unit_words: str = enum("words_then_glued", ("words_then_glued", "substring"), "how unit words are deleted")
    indexed_roots: str = enum("braced", ("braced", "shorthand"), "what \\sqrt[n]x becomes")
    thousands: str = enum("groups_of_three", ("groups_of_three", "any_commas"), "when commas are deleted")

    def apply(self, text: str) -> str:
        return minerva_normalize(text, self.unit_words, self.indexed_roots, self.thousands)

    def describe(self):
        return (
            "Minerva normalize_final_answer: keep the text after the last '='; delete spaces, 'a '/'an ', \\$ and "
            "unit words (" + _UNIT_WORDS_WORDS[self.unit_words] + "); keep the first $...$ span of a line; unwrap "
            "\\text{}, \\textbf{}, \\overline{}, \\boxed{}; fracab -> frac{a}{b}; sqrta -> sqrt{a} ("
            + _ROOT_WORDS[self.indexed_roots] + "); delete $; " + _THOUSANDS_WORDS[self.thousands]
        )
