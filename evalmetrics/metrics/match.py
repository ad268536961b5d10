"""String-comparison metrics: ExactMatch (equality, or a directed prefix / suffix / substring match) and token F1."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import operator

from .._lazy import np
from ..normalizers import Strip
from ..units import enum, register, steps
from .pipelined import COMBINE, COMBINE_WORDS, PipelinedMetric, init_pipeline

__all__ = ["ExactMatch", "F1"]


def _identity_here(pred_steps, ref_steps, preds, refs) -> bool:
    """True when every step is a strip of characters that occur in none of the texts (so all are no-ops)."""
    chars = set()
    for st in pred_steps + ref_steps:
        if st.__class__ is not Strip or st.chars is None:
            return False
        chars.update(st.chars)
    if not chars:
        return True
    for texts in (preds, refs):
        joined = "".join(texts)
        if any(c in joined for c in chars):
            return False
    return True


_MODE_WORDS = {
    "full": "prediction equals reference",
    "prediction_starts_with_reference": "prediction starts with reference",
    "prediction_ends_with_reference": "prediction ends with reference",
    "prediction_contains_reference": "reference occurs inside prediction",
}
# The first spellings of the modes did not say which string must start with (end with, contain) which; they still
# construct and parse, as the same behavior, and render in the spelling above.
_FORMER_MODES = {
    "prefix": "prediction_starts_with_reference",
    "suffix": "prediction_ends_with_reference",
    "contains": "prediction_contains_reference",
}


@register
@dataclass(frozen=True, repr=False, init=False)
class ExactMatch(PipelinedMetric):
    """1.0 if the processed prediction matches a processed reference, else 0.0.

    Pipeline: ``pred`` steps on the prediction, ``ref`` steps on each reference (``normalize=`` puts the same steps
    on both sides; ``extract=`` prepends extractors on the prediction side; ``normalize_pred=`` /
    ``normalize_ref=`` append side-specific steps). A step that finds no answer makes the sample score 0.

    Modes, each naming its direction (all character-level): ``full`` prediction == reference;
    ``prediction_starts_with_reference`` (short: ``"prefix"``); ``prediction_ends_with_reference`` (``"suffix"``);
    ``prediction_contains_reference`` (``"contains"``): the reference occurs inside the prediction. The short names
    are accepted by the constructor and in IDs (an ID saved with ``mode=prefix`` keeps its meaning) and render in
    the long form. Several references combine with ``combine`` (``max``: any reference matching gives 1).

    >>> from evalmetrics import ExactMatch, StripPunct, Lowercase
    >>> m = ExactMatch(mode="prefix", normalize=[Lowercase(), StripPunct()])
    >>> m.score("Yes, Elmendorf", "yes"), m.score("yes", "Yes, Elmendorf")
    (1.0, 0.0)
    >>> m.id
    'exact_match(mode=prediction_starts_with_reference, normalize=[lowercase(method=python), strip_punct(chars=ascii, replacement="", except_numbers=false)], combine=max)'
    """

    name: ClassVar[str] = "exact_match"
    summary: ClassVar[str] = "1 if the processed prediction matches a processed reference"
    mode: str = enum("full", ("full", "prediction_starts_with_reference", "prediction_ends_with_reference",
                              "prediction_contains_reference"), "how prediction and reference must match",
                     former=_FORMER_MODES)
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(
        self,
        mode: str = "full",
        normalize=None,
        *,
        normalize_pred=None,
        normalize_ref=None,
        extract=None,
        extract_ref=None,
        pred=None,
        ref=None,
        combine: str = "max",
    ):
        init_pipeline(
            self,
            {"mode": mode, "combine": combine},
            normalize=normalize,
            normalize_pred=normalize_pred,
            normalize_ref=normalize_ref,
            extract=extract,
            extract_ref=extract_ref,
            pred=pred,
            ref=ref,
        )

    def _match(self, p: str, r: str) -> float:
        m = self.mode
        if m == "full":
            return 1.0 if p == r else 0.0
        if m == "prediction_starts_with_reference":
            return 1.0 if p.startswith(r) else 0.0
        if m == "prediction_ends_with_reference":
            return 1.0 if p.endswith(r) else 0.0
        return 1.0 if r in p else 0.0

    def _compare(self, p, rs):
        m = self.mode
        if len(rs) == 1:
            r = rs[0]
            if r is None:
                return 0.0
            if m == "full":
                return 1.0 if p == r else 0.0
            return self._match(p, r)
        scores = []
        for r in rs:
            s = 0.0 if r is None else self._match(p, r)
            if s == 1.0 and self.combine != "mean":
                return 1.0
            scores.append(s)
        return self._combine(scores)

    def _unprocessed_columns(self, preds, refs):
        if self.mode == "full" and _identity_here(self.pred, self.ref, preds, refs):
            # The steps cannot change these texts (e.g. lm_eval's trailing-NUL rule on texts without NUL).
            return np.fromiter(map(operator.eq, preds, refs), dtype=bool, count=len(preds)).astype(np.float64)
        return None

    def _column_values(self, preds, refs, processed_preds, processed_refs):
        if self.mode != "full":
            return None
        # No answer and timeouts are sentinels that equal no text (timeouts are zeroed by the caller).
        same = map(operator.eq, map(processed_preds.__getitem__, preds), map(processed_refs.__getitem__, refs))
        return np.fromiter(same, dtype=bool, count=len(preds)).astype(np.float64)

    def describe(self):
        return f"exact match: {_MODE_WORDS[self.mode]}; several references: {COMBINE_WORDS[self.combine]}"


def _f1_value(p_toks, r_toks, bag, formula, empty):
    if bag == "set":
        ps, rs = set(p_toks), set(r_toks)
        if not ps or not rs:
            if empty == "equal":
                return 1.0 if ps == rs else 0.0
            return 0.0
        same = len(ps & rs)
        np_, nr = len(ps), len(rs)
    else:
        if not p_toks or not r_toks:
            if empty == "equal":
                return 1.0 if list(p_toks) == list(r_toks) else 0.0
            return 0.0
        common = Counter(p_toks) & Counter(r_toks)
        same = sum(common.values())
        np_, nr = len(p_toks), len(r_toks)
    if same == 0:
        return 0.0
    precision = same / np_
    recall = same / nr
    if formula == "ratio":
        return (2 * precision * recall) / (precision + recall)
    return 1.0 / (0.5 / precision + 0.5 / recall)


@register
@dataclass(frozen=True, repr=False, init=False)
class F1(PipelinedMetric):
    """Token-overlap F1 between the processed prediction and reference; several references: best.

    Tokens are the pieces of ``str.split()`` (Unicode whitespace). ``bag=multiset`` counts repeated tokens (SQuAD);
    ``bag=set`` counts each distinct token once (HELM, lighteval). With ``same`` shared tokens, precision
    P = same/len(pred), recall R = same/len(ref); ``formula=ratio`` gives 2PR/(P+R) (SQuAD), ``formula=harmonic``
    gives 1/(0.5/P + 0.5/R) (nltk's f_measure, used by HELM and lighteval) — equal in exact arithmetic, not always
    in floating point. ``empty``: when either side has no tokens, ``zero`` scores 0 and ``equal`` scores 1 only if
    both are empty (SQuAD v2).

    >>> from evalmetrics import F1
    >>> round(F1().score("cat cat sat", "cat sat"), 3)
    0.8
    >>> F1(bag="set").score("cat cat sat", "cat sat")
    1.0
    """

    name: ClassVar[str] = "f1"
    summary: ClassVar[str] = "token-overlap F1 between prediction and reference"
    bag: str = enum("multiset", ("multiset", "set"), "count repeated tokens (multiset) or not (set)")
    formula: str = enum("ratio", ("ratio", "harmonic"), "2PR/(P+R) or 1/(0.5/P+0.5/R)")
    empty: str = enum("zero", ("zero", "equal"), "score when either side has no tokens")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(
        self,
        bag: str = "multiset",
        formula: str = "ratio",
        empty: str = "zero",
        normalize=None,
        *,
        normalize_pred=None,
        normalize_ref=None,
        extract=None,
        extract_ref=None,
        pred=None,
        ref=None,
        combine: str = "max",
    ):
        init_pipeline(
            self,
            {"bag": bag, "formula": formula, "empty": empty, "combine": combine},
            normalize=normalize,
            normalize_pred=normalize_pred,
            normalize_ref=normalize_ref,
            extract=extract,
            extract_ref=extract_ref,
            pred=pred,
            ref=ref,
        )

    def _compare(self, p, rs):
        p_toks = p.split()
        scores = [0.0 if r is None else _f1_value(p_toks, r.split(), self.bag, self.formula, self.empty) for r in rs]
        return self._combine(scores)

    def _column_values(self, preds, refs, processed_preds, processed_refs):
        return self._f1_columns(preds, refs, processed_preds, processed_refs)

    def _f1_columns(self, preds, refs, pm, rm):
        """Column fast path: tokenize each distinct processed text once, then score each pair from its token sets
        (the same integers and arithmetic as ``_f1_value``). A multiset overlap needs counts only when both sides
        repeat a token: if either side has no repeats, each shared token counts once, the size of the set
        intersection. Identical texts share everything, and so score 1 (P = R = 1 under both formulas).
        ``pm``/``rm`` map each raw text to its processed text; each pair costs one lookup per side."""
        multiset = self.bag == "multiset"
        memo: dict = {}  # processed text -> its bag, shared by both sides: equal texts get the same object

        def bags(processed):
            out = {}
            for raw, t in processed.items():
                if t.__class__ is str:  # not a no-answer or timeout sentinel (scored 0; timeouts counted by caller)
                    b = memo.get(t)
                    if b is None:
                        toks = t.split()
                        distinct = frozenset(toks)
                        repeats = multiset and len(distinct) < len(toks)
                        n = len(toks) if multiset else len(distinct)
                        b = memo[t] = (distinct, n, Counter(toks) if repeats else None)
                    out[raw] = b
            return out

        pred_bags, ref_bags = bags(pm), bags(rm)
        ratio, equal_empty = self.formula == "ratio", self.empty == "equal"
        out = []
        append = out.append
        for pa, pb in zip(map(pred_bags.get, preds), map(ref_bags.get, refs)):
            if pa is None or pb is None:
                append(0.0)
                continue
            (sa, na, ca), (sb, nb, cb) = pa, pb
            if not na or not nb:
                append((1.0 if not na and not nb else 0.0) if equal_empty else 0.0)
                continue
            if pa is pb:
                append(1.0)
                continue
            same = len(sa & sb) if ca is None or cb is None else sum((ca & cb).values())
            if same == 0:
                append(0.0)
                continue
            precision = same / na
            recall = same / nb
            if ratio:
                append((2 * precision * recall) / (precision + recall))
            else:
                append(1.0 / (0.5 / precision + 0.5 / recall))
        return np.array(out, dtype=np.float64)

    def describe(self):
        return (
            f"token F1 over whitespace tokens counted as a {self.bag}, F1 = "
            + ("2PR/(P+R)" if self.formula == "ratio" else "1/(0.5/P + 0.5/R)")
            + "; if either side has no tokens: "
            + ("0" if self.empty == "zero" else "1 if both are empty, else 0")
            + f"; several references: {COMBINE_WORDS[self.combine]}"
        )
