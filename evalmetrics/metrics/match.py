"""String-comparison metrics: ExactMatch (full, prefix, suffix, contains) and bag-of-tokens F1."""
from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import operator

from .._lazy import np

from ..errors import InvalidConfig, InvalidInput, Timeout
from ..normalizers import Strip
from ..units import enum, register, run_steps, run_steps_batch, steps
from .base import GenerativeMetric, at_sample, check_text

__all__ = ["ExactMatch", "F1"]


def _pipeline_init(self, fields: dict, *, normalize, normalize_pred, normalize_ref, extract, extract_ref, pred, ref):
    """Shared constructor logic: build the prediction-side and reference-side step lists."""
    as_list = lambda v: () if v is None else ((v,) if not isinstance(v, (list, tuple)) else tuple(v))  # noqa: E731
    if pred is not None or ref is not None:
        if any(x is not None and x != () for x in (normalize, normalize_pred, normalize_ref, extract, extract_ref)):
            raise InvalidConfig(
                f"{type(self).name}: give either pred=/ref= step lists or normalize=/extract= arguments, not both"
            )
        p, r = as_list(pred), as_list(ref)
    else:
        both = as_list(normalize)
        p = as_list(extract) + both + as_list(normalize_pred)
        r = as_list(extract_ref) + both + as_list(normalize_ref)
    for k, v in fields.items():
        object.__setattr__(self, k, v)
    object.__setattr__(self, "pred", p)
    object.__setattr__(self, "ref", r)
    self.__post_init__()


def _describe_sides(metric) -> list[tuple[str, object]]:
    if metric.pred == metric.ref:
        return [("both", s) for s in metric.pred]
    return [("prediction", s) for s in metric.pred] + [("reference", s) for s in metric.ref]


COMBINE = ("max", "mean", "max_nonempty")
_COMBINE_WORDS = {
    "max": "best score over the references",
    "mean": "mean score over the references",
    "max_nonempty": "best score over the references that are non-empty after processing (all empty: one empty "
    "reference)",
}


class _Pipelined(GenerativeMetric):
    id_merge: ClassVar[tuple] = ("normalize", "pred", "ref")

    def _refs(self, refs, cache):
        """Processed references under the ``combine`` rule (None entries: a step found no usable reference)."""
        if len(refs) > 1 and self._ref_batch_dependent:
            out = run_steps_batch(self.ref, list(refs))
        else:
            out = [self._ref_norm(r, cache) for r in refs]
        if self.combine == "max_nonempty":
            kept = [r for r in out if r != ""]
            return kept or [""]
        return out

    @property
    def _ref_batch_dependent(self) -> bool:
        try:
            return self.__dict__["_rbd"]
        except KeyError:
            v = any(s.batch_dependent for s in self.ref)
            object.__setattr__(self, "_rbd", v)
            return v

    def _combine(self, scores):
        if self.combine == "mean":
            return sum(scores) / len(scores)
        return max(scores)

    def _ref_norm(self, ref: str, cache: dict | None):
        if cache is None:
            return run_steps(self.ref, ref)
        try:
            return cache[ref]
        except KeyError:
            v = cache[ref] = run_steps(self.ref, ref)
            return v

    def pipeline(self):
        return _describe_sides(self)

    # -- scoring: process both sides, then compare -------------------------------------------------------------

    def _compare(self, p: str, rs: list) -> float:
        """Score a processed prediction against processed references (None: no usable reference)."""
        raise NotImplementedError

    def _score_refs(self, prediction, refs, cache):
        p = _side(run_steps, self.pred, prediction, field="prediction")
        rs = _side(self._refs, refs, cache, field="references")  # processed even when p has no answer
        if p is None:
            return 0.0
        return self._compare(p, rs)

    def compute(self, predictions, references, *, progress=None):
        """Score every sample and aggregate (mean, with standard error).

        Each distinct prediction and reference text is processed once (memoized, with a bounded memo), so
        repeated references, or repeated outputs across models, cost one pass through the steps.
        """
        preds, refs_all = self._check_lengths(predictions, references)
        n = len(preds)
        if (
            not progress
            and self.combine != "max_nonempty"
            and set(map(type, preds)) == {str}
            and set(map(type, refs_all)) == {str}
        ):
            return self._compute_columns(preds, refs_all)
        values = np.empty(n, dtype=np.float64)
        timeouts: list[int] = []
        pmemo: dict = {}
        rmemo: dict = {}
        pred_steps, ref_steps = self.pred, self.ref
        compare = self._compare
        single_ok = self.combine != "max_nonempty"
        it = range(n)
        if progress or (progress is None and n >= 5000):
            from .._progress import progress_range

            it = progress_range(n, desc=self.name)
        for i in it:
            raw = preds[i]
            if raw.__class__ is not str:
                check_text(raw, i, "prediction")
                raw = str(raw)
            r = refs_all[i]
            try:
                try:
                    p = pmemo[raw]
                except KeyError:
                    if len(pmemo) > _MEMO_MAX:
                        pmemo.clear()
                    p = pmemo[raw] = _side(run_steps, pred_steps, raw, field="prediction")
                if r.__class__ is str and single_ok:
                    try:
                        rr = rmemo[r]
                    except KeyError:
                        if len(rmemo) > _MEMO_MAX:
                            rmemo.clear()
                        rr = rmemo[r] = _side(run_steps, ref_steps, r, field="references")
                    rs = [rr]
                else:
                    if len(rmemo) > _MEMO_MAX:
                        rmemo.clear()
                    rs = _side(self._refs, self._check_refs(r, i), rmemo, field="references")
                values[i] = 0.0 if p is None else compare(p, rs)
            except Timeout:
                values[i] = 0.0
                timeouts.append(i)
            except InvalidInput as e:
                raise at_sample(e, i) from None
        return self._result(values, timeouts)


    def _compute_columns(self, preds, refs):
        """Fast path (every prediction and reference a plain string): process each distinct text once, then
        compare column-wise (each distinct processed pair once). Same results as the per-sample loop."""
        n = len(preds)
        if self.__class__ is ExactMatch and self.mode == "full" and _identity_here(self.pred, self.ref, preds, refs):
            # The steps cannot change these texts (e.g. lm_eval's trailing-NUL rule on texts without NUL).
            vals = np.fromiter(map(operator.eq, preds, refs), dtype=bool, count=n).astype(np.float64)
            return self._result(vals, [])
        pm = _process_distinct(self.pred, preds, _NONE_P, "prediction")
        rm = _process_distinct(self.ref, refs, _NONE_R, "references")
        if self.__class__ is ExactMatch and self.mode == "full":
            # No answer and timeouts are sentinels that equal no text (timeouts are zeroed below).
            same = map(operator.eq, map(pm.__getitem__, preds), map(rm.__getitem__, refs))
            vals = np.fromiter(same, dtype=bool, count=n).astype(np.float64)
        elif self.__class__ is F1:
            vals = self._f1_columns(preds, refs, pm, rm)
        else:
            compare = self._compare
            memo: dict = {}
            out = []
            append = out.append
            for a, b in zip(map(pm.__getitem__, preds), map(rm.__getitem__, refs)):
                if a.__class__ is not str or b is _TIMEOUT:
                    append(0.0)
                    continue
                key = (a, b)
                v = memo.get(key)
                if v is None:
                    if len(memo) > _MEMO_MAX:
                        memo.clear()
                    v = memo[key] = compare(a, [None if b is _NONE_R else b])
                append(v)
            vals = np.array(out, dtype=np.float64)
        timeouts = []
        if any(v is _TIMEOUT for v in pm.values()) or any(v is _TIMEOUT for v in rm.values()):
            timeouts = [i for i in range(n) if pm[preds[i]] is _TIMEOUT or rm[refs[i]] is _TIMEOUT]
            vals[timeouts] = 0.0
        return self._result(vals, timeouts)


def _side(fn, *args, field):
    """Call fn; an InvalidInput that names no field gets the side it came from."""
    try:
        return fn(*args)
    except InvalidInput as e:
        if e.field is None:
            raise InvalidInput(e.reason, index=e.index, field=field) from None
        raise


class _Sentinel:
    __slots__ = ("label",)

    def __init__(self, label):
        self.label = label

    def __repr__(self):
        return self.label


_NONE_P, _NONE_R, _TIMEOUT = _Sentinel("no-answer(prediction)"), _Sentinel("no-answer(reference)"), _Sentinel("timeout")


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


def _process_distinct(steps_, texts, none, field) -> dict:
    """Map each distinct text to its processed form (no answer -> ``none``; a Timeout -> ``_TIMEOUT``)."""
    out = dict.fromkeys(texts)
    for t in out:
        try:
            v = run_steps(steps_, t)
        except Timeout:
            v = _TIMEOUT
        except InvalidInput as e:
            raise InvalidInput(e.reason, index=texts.index(t), field=e.field or field) from None
        out[t] = none if v is None else v
    return out


_MEMO_MAX = 200_000

_MODE_WORDS = {
    "full": "prediction equals reference",
    "prefix": "prediction starts with reference",
    "suffix": "prediction ends with reference",
    "contains": "reference occurs inside prediction",
}


@register
@dataclass(frozen=True, repr=False, init=False)
class ExactMatch(_Pipelined):
    """1.0 if the processed prediction matches a processed reference, else 0.0.

    Pipeline: ``pred`` steps on the prediction, ``ref`` steps on each reference (``normalize=`` puts the same steps
    on both sides; ``extract=`` prepends extractors on the prediction side; ``normalize_pred=`` /
    ``normalize_ref=`` append side-specific steps). A step that finds no answer makes the sample score 0.

    Modes (direction stated): ``full`` prediction == reference; ``prefix`` prediction starts with reference;
    ``suffix`` prediction ends with reference; ``contains`` reference occurs in prediction (all character-level).
    Several references combine with ``combine`` (``max``: any reference matching gives 1).

    >>> from evalmetrics import ExactMatch, StripPunct, Lowercase
    >>> m = ExactMatch(mode="prefix", normalize=[Lowercase(), StripPunct()])
    >>> m.score("Yes, Elmendorf", "yes")
    1.0
    >>> m.id
    'exact_match(mode=prefix, normalize=[lowercase(method=python), strip_punct(chars=ascii, replacement="", except_numbers=false)], combine=max)'
    """

    name: ClassVar[str] = "exact_match"
    summary: ClassVar[str] = "1 if the processed prediction matches a processed reference"
    mode: str = enum("full", ("full", "prefix", "suffix", "contains"), "how prediction and reference must match")
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
        _pipeline_init(
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
        if m == "prefix":
            return 1.0 if p.startswith(r) else 0.0
        if m == "suffix":
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

    def describe(self):
        return f"exact match: {_MODE_WORDS[self.mode]}; several references: {_COMBINE_WORDS[self.combine]}"


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
class F1(_Pipelined):
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
        _pipeline_init(
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
            + f"; several references: {_COMBINE_WORDS[self.combine]}"
        )
