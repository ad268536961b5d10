"""The base of pipelined metrics: process the prediction and each reference through steps, then compare.

``ExactMatch`` and ``F1`` (metrics/match.py), ``SetMatch`` (metrics/sets.py) and ``MathStringEquiv``
(metrics/mathstrings.py) are pipelined metrics. A new one subclasses :class:`PipelinedMetric`, declares its
comparison fields plus ``pred``, ``ref`` and ``combine``, calls :func:`init_pipeline` in ``__init__`` and
implements ``_compare``; it then gets scoring, memoized batch computation, the ``combine`` rule and the shared
``normalize=[...]`` ID form from the base.

>>> from evalmetrics.metrics.pipelined import COMBINE, PipelinedMetric
>>> from evalmetrics import ExactMatch
>>> issubclass(ExactMatch, PipelinedMetric), COMBINE
(True, ('max', 'mean', 'max_nonempty'))
"""
from __future__ import annotations

from typing import ClassVar

from .._lazy import np
from ..errors import InvalidConfig, InvalidInput, Timeout
from ..units import run_steps, run_steps_batch
from .base import GenerativeMetric, at_sample, check_text

__all__ = ["PipelinedMetric", "init_pipeline", "describe_sides", "COMBINE", "COMBINE_WORDS"]


def init_pipeline(self, fields: dict, *, normalize=None, normalize_pred=None, normalize_ref=None, extract=None,
                  extract_ref=None, pred=None, ref=None):
    """Constructor logic of a pipelined metric: set ``fields``, then the prediction-side and reference-side step
    lists. ``pred=``/``ref=`` give the two lists whole; otherwise ``pred = extract + normalize + normalize_pred``
    and ``ref = extract_ref + normalize + normalize_ref``. Giving both forms is an ``InvalidConfig``. An argument
    left out is None (no steps)."""
    as_list = lambda v: () if v is None else ((v,) if not isinstance(v, (list, tuple)) else tuple(v))  # noqa: E731
    given = {"normalize": normalize, "normalize_pred": normalize_pred, "normalize_ref": normalize_ref,
             "extract": extract, "extract_ref": extract_ref, "pred": pred, "ref": ref}
    for arg, value in given.items():  # errors name the argument the user wrote, not the side it is merged into
        _check_step_list(type(self).name, arg, value)
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


def _check_step_list(unit: str, arg: str, value) -> None:
    """``value`` is None, one step, or a list/tuple of steps; else an InvalidConfig naming ``arg`` and the item."""
    from ..units import Step

    if value is None or isinstance(value, Step):
        return
    if isinstance(value, (list, tuple)):
        items = list(enumerate(value))
        bad = next(((j, v) for j, v in items if not isinstance(v, Step)), None)
        if bad is None:
            return
        where, v = f"item {bad[0]} is", bad[1]
    else:
        where, v = "got", value
    hint = ""
    if isinstance(v, str):
        hint = (f"; a step named by its ID or alias is built with em.get({v!r}), e.g. "
                f"{arg}=[em.get({v!r})]")
    raise InvalidConfig(
        f"{unit}: parameter {arg!r} must be a list of normalizers/extractors (evalmetrics step objects such as "
        f"em.Lowercase() or em.StripPunct()); {where} {v!r}{hint}")


def describe_sides(metric) -> list[tuple[str, object]]:
    """``(side, step)`` pairs for ``explain``: side ``both`` when the two step lists are equal."""
    if metric.pred == metric.ref:
        return [("both", s) for s in metric.pred]
    return [("prediction", s) for s in metric.pred] + [("reference", s) for s in metric.ref]


COMBINE = ("max", "mean", "max_nonempty")
COMBINE_WORDS = {
    "max": "best score over the references",
    "mean": "mean score over the references",
    "max_nonempty": "best score over the references that are non-empty after processing (all empty: one empty "
    "reference)",
}


class PipelinedMetric(GenerativeMetric):
    """Base of the metrics that process both sides through steps, then compare (``ExactMatch``, ``F1``,
    ``SetMatch``, ``MathStringEquiv``).

    A subclass declares ``pred`` and ``ref`` step fields and a ``combine`` field (one of ``COMBINE``), calls
    :func:`init_pipeline` from its ``__init__``, and implements ``_compare(p, rs)``: the score of one processed
    prediction against the processed references (``None`` for a reference a step found no answer in).
    The base supplies the rest: ``score`` and ``compute`` (each distinct text processed once, a column fast path
    when every text is a plain string), the ``combine`` rule, ``pipeline()`` for ``explain``, and the
    ``normalize=[...]`` form of the ID when both sides carry the same steps. A step that finds no answer in the
    prediction scores the sample 0; a ``Timeout`` in a step scores it 0 and is counted in the result.
    Optional hooks for the column fast path: ``_unprocessed_columns`` and ``_column_values``.
    """

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
        return describe_sides(self)

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

    def _trace(self, prediction, refs, cache: dict | None = None):
        """The processed prediction and the processed reference that decided the score (see
        ``GenerativeMetric.trace``): references processed together as in scoring (batch-dependent steps), and
        under ``max_nonempty`` only the references non-empty after processing compete. A subclass that scores by
        its own ``_score_refs`` (no ``_compare``) gets the generic trace."""
        if type(self)._compare is PipelinedMetric._compare:
            return GenerativeMetric._trace(self, prediction, refs)
        if cache is None:
            p = _side(run_steps, self.pred, prediction, field="prediction")
        else:  # one memo per side: ("p", text) and plain reference texts (as _ref_norm keeps them)
            key = ("p", prediction)
            p = cache[key] if key in cache else cache.setdefault(key, _side(run_steps, self.pred, prediction,
                                                                               field="prediction"))
        if len(refs) > 1 and self._ref_batch_dependent:
            out = run_steps_batch(self.ref, list(refs))
        else:
            out = [self._ref_norm(r, cache) for r in refs]
        if p is None:
            return {"prediction": None, "reference": None, "reference_index": None}
        candidates = list(range(len(out)))
        if self.combine == "max_nonempty":
            candidates = [j for j in candidates if out[j] != ""] or candidates[:1]
        best, j = -1.0, candidates[0]
        for k in candidates:
            v = 0.0 if out[k] is None else self._compare(p, [out[k]])
            if v > best:
                best, j = v, k
        return {"prediction": p, "reference": out[j], "reference_index": j}

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
        pmemo: dict = {}
        rmemo: dict = {}
        pred_steps, ref_steps = self.pred, self.ref
        compare = self._compare
        single_ok = self.combine != "max_nonempty"

        def one(i):
            raw = preds[i]
            if raw.__class__ is not str:
                check_text(raw, i, "prediction")
                raw = str(raw)
            r = refs_all[i]
            p = _memoized(pmemo, raw, pred_steps, "prediction")
            if r.__class__ is str and single_ok:
                rs = [_memoized(rmemo, r, ref_steps, "references")]
            else:
                if len(rmemo) > _MEMO_MAX:
                    rmemo.clear()
                rs = _side(self._refs, self._check_refs(r, i), rmemo, field="references")
            return 0.0 if p is None else compare(p, rs)

        return self._per_sample(n, one, progress)

    # -- the column fast path (every prediction and reference a plain string) ----------------------------------

    def _unprocessed_columns(self, preds, refs):
        """Hook: per-sample values when the steps provably change none of these texts, else None (the default)."""
        return None

    def _column_values(self, preds, refs, processed_preds, processed_refs):
        """Hook: per-sample values computed column by column, else None (the default: each distinct processed pair
        is compared once with ``_compare``). ``processed_preds`` / ``processed_refs`` map each raw text to its
        processed text, or to a sentinel (no answer, timeout) that equals no text."""
        return None

    def _compute_columns(self, preds, refs):
        """Fast path (every prediction and reference a plain string): process each distinct text once, then
        compare column-wise (each distinct processed pair once). Same results as the per-sample loop."""
        n = len(preds)
        vals = self._unprocessed_columns(preds, refs)
        if vals is not None:
            return self._result(vals, [])
        pm = _process_distinct(self.pred, preds, _NONE_P, "prediction")
        rm = _process_distinct(self.ref, refs, _NONE_R, "references")
        vals = self._column_values(preds, refs, pm, rm)
        if vals is None:
            compare = self._compare
            memo: dict = {}
            out = []
            append = out.append
            for i, (a, b) in enumerate(zip(map(pm.__getitem__, preds), map(rm.__getitem__, refs))):
                if a.__class__ is not str or b is _TIMEOUT:
                    append(0.0)
                    continue
                key = (a, b)
                v = memo.get(key)
                if v is None:
                    if len(memo) > _MEMO_MAX:
                        memo.clear()
                    try:
                        v = memo[key] = compare(a, [None if b is _NONE_R else b])
                    except InvalidInput as e:  # named by its sample, as the per-sample loop names it
                        raise at_sample(e, i) from None
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


def _memoized(memo: dict, text: str, steps_, field: str):
    """``text`` through ``steps_`` (see ``_side``), kept in ``memo`` (cleared when over ``_MEMO_MAX`` entries)."""
    try:
        return memo[text]
    except KeyError:
        if len(memo) > _MEMO_MAX:
            memo.clear()
        v = memo[text] = _side(run_steps, steps_, text, field=field)
        return v


class _Sentinel:
    __slots__ = ("label",)

    def __init__(self, label):
        self.label = label

    def __repr__(self):
        return self.label


_NONE_P, _NONE_R, _TIMEOUT = _Sentinel("no-answer(prediction)"), _Sentinel("no-answer(reference)"), _Sentinel("timeout")


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
