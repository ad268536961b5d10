"""Metric base classes: input validation, the per-sample loop with bounds, and mean aggregation."""
from __future__ import annotations

import functools
from typing import Any, ClassVar, Iterable, Sequence

from .._lazy import np

from ..errors import InvalidInput, Timeout
from ..result import Result, mean_and_stderr
from ..units import Unit

__all__ = ["Metric", "GenerativeMetric", "DocumentMetric", "check_text", "check_references", "check_mapping",
           "check_column"]


def at_sample(e: InvalidInput, index: int) -> InvalidInput:
    """The error with the sample index filled in (an error that already names a sample is kept)."""
    return e if e.index is not None else InvalidInput(e.reason, index=index, field=e.field)


def check_text(value: Any, index: int | None, field: str) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        raise InvalidInput("expected a string, got None", index=index, field=field)
    hint = ""
    if type(value).__name__ == "Choices":
        hint = " (this metric scores text; Choices go to a multiple-choice metric such as lm_eval:acc)"
    raise InvalidInput(f"expected a string, got {type(value).__name__}{hint}", index=index, field=field)


def check_references(value: Any, index: int | None) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if value is None:
        raise InvalidInput("expected a string or a list of strings, got None", index=index, field="references")
    if isinstance(value, (bytes, bytearray, dict, set, frozenset)) or not isinstance(value, Sequence):
        if isinstance(value, np.ndarray) and value.ndim == 1:
            value = value.tolist()
        else:
            raise InvalidInput(
                f"expected a string or a list of strings, got {type(value).__name__}", index=index, field="references"
            )
    if len(value) == 0:
        raise InvalidInput("the list of references is empty", index=index, field="references")
    out = []
    for j, r in enumerate(value):
        if not isinstance(r, str):
            got = "None" if r is None else type(r).__name__
            raise InvalidInput(f"reference {j} is {got}, expected a string", index=index, field="references")
        out.append(r)
    return tuple(out)


def check_mapping(value: Any, index: int | None, expected: str):
    """``value`` when it is a mapping (a structured reference: answer sets, an IFEval document); otherwise an
    InvalidInput ``expected EXPECTED, got TYPE`` naming the sample and the references field."""
    from collections.abc import Mapping

    if not isinstance(value, Mapping):
        got = "None" if value is None else type(value).__name__
        raise InvalidInput(f"expected {expected}, got {got}", index=index, field="references")
    return value


def _check_sequence(value: Any, field: str) -> Sequence:
    if isinstance(value, (str, bytes)) or value is None:
        raise InvalidInput(
            f"expected a list with one entry per sample, got {type(value).__name__}", field=field
        )
    if isinstance(value, np.ndarray):
        return value.tolist()
    if not isinstance(value, Sequence):
        try:
            return list(value)
        except TypeError:
            raise InvalidInput(f"expected a list, got {type(value).__name__}", field=field) from None
    return value


def _check_pairs(predictions: Any, references: Any) -> tuple[Sequence, Sequence]:
    """The predictions and references columns, one entry per sample each and at least one sample."""
    preds = _check_sequence(predictions, "predictions")
    refs_all = _check_sequence(references, "references")
    if len(preds) != len(refs_all):
        raise InvalidInput(
            f"{len(preds)} predictions but {len(refs_all)} references; one entry per sample is required",
            field="references",
        )
    if len(preds) == 0:
        raise InvalidInput("no samples to score", field="predictions")
    return preds, refs_all


def check_column(value: Any, n: int, metric: str, field: str, words: str) -> Sequence:
    """A compute call's per-sample context column ``field`` (each sample's document, group key or no-answer
    log-probability) as a sequence with one entry for each of the ``n`` samples.

    Otherwise an InvalidInput (field ``field``) naming the metric and, for a column of another length, both lengths;
    ``words`` says what the column holds, e.g. "one group key per sample (a string or an integer)".

    >>> check_column(["x", "y"], 2, "macro_mean", "groups", "one group key per sample")
    ['x', 'y']
    >>> check_column(["x"], 2, "macro_mean", "groups", "a key each")
    Traceback (most recent call last):
    evalmetrics.errors.InvalidInput: field groups: macro_mean: the groups column has 1 entry for 2 samples; a key each
    """
    if value is None:
        raise InvalidInput(f"{metric}: expected {words}, got none", field=field)
    try:
        values = _check_sequence(value, field)
    except InvalidInput as e:
        raise InvalidInput(f"{metric}: {e.reason}; {words}", field=field) from None
    if len(values) != n:
        entries = f"{len(values)} entr{'y' if len(values) == 1 else 'ies'}"
        raise InvalidInput(f"{metric}: the {field} column has {entries} for {n} sample{'' if n == 1 else 's'}; "
                           f"{words}", field=field)
    return values


def _describe_args(args: tuple, kwargs: dict) -> str:
    parts = [type(a).__name__ if a is not None else "None" for a in args]
    parts += [f"{k}={type(v).__name__ if v is not None else 'None'}" for k, v in kwargs.items()]
    return f"({', '.join(parts)})"


def _typed_call(raw, usage_attr: str):
    """Wrap ``score`` / ``compute`` so that arguments that do not fit its signature (too many, too few, an unknown
    keyword) are an InvalidInput saying what the metric takes, with an example, instead of Python's bare TypeError.
    A TypeError raised inside a call whose arguments do fit is re-raised unchanged."""

    @functools.wraps(raw)
    def call(self, *args, **kwargs):
        try:
            return raw(self, *args, **kwargs)
        except TypeError:
            import inspect  # only on this error path: keeps `import evalmetrics` light

            sig = inspect.signature(raw)
            first = next((p.name for i, p in enumerate(sig.parameters.values()) if i == 1), "arguments")
            try:
                sig.bind(self, *args, **kwargs)
            except TypeError:
                raise InvalidInput(
                    f"{self.name}.{raw.__name__} was called with the arguments "
                    f"{_describe_args(args, {k: v for k, v in kwargs.items() if k != 'progress'})}; "
                    f"expected {getattr(self, usage_attr)}", field=first) from None
            raise

    call._typed = True
    return call


class Metric(Unit):
    """Base of every metric. Constant metadata that adapters read instead of guessing:

    ``higher_is_better``, ``aggregation`` (how per-sample values combine into the score), ``request_type``
    ("generate_until" for text outputs, "loglikelihood" for choice log-probabilities, ...).

    ``score_usage`` / ``compute_usage`` say in words, with an example, what ``score`` and ``compute`` take; an
    error about wrong arguments quotes them.
    """

    kind: ClassVar[str] = "metric"
    higher_is_better: ClassVar[bool] = True
    aggregation: ClassVar[str] = "mean"
    request_type: ClassVar[str] = "generate_until"
    # The keyword of compute's per-sample context column (each sample's document, or its group key) after its
    # samples: "documents" or "groups"; None where compute takes none.
    sample_context: ClassVar[str | None] = None
    score_usage: ClassVar[str] = (
        "score(prediction, references): the output text and a reference text or a non-empty list of them, "
        "e.g. m.score(\"Paris\", [\"Paris\", \"paris\"])")
    compute_usage: ClassVar[str] = (
        "compute(predictions, references): a list of output texts and, per sample, a reference text or list of "
        "them, e.g. m.compute([\"Paris\", \"4\"], [\"Paris\", [\"4\", \"four\"]])")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for meth, usage in (("score", "score_usage"), ("compute", "compute_usage")):
            raw = cls.__dict__.get(meth)
            if raw is not None and callable(raw) and not getattr(raw, "_typed", False):
                setattr(cls, meth, _typed_call(raw, usage))

    def trace(self, *sample) -> dict | None:
        """What one sample's score was decided on, for per-sample details (``evalmetrics score --details``).

        None where the metric has no trace; metrics that process a prediction and references return
        ``{"prediction": ..., "reference": ..., "reference_index": ...}`` (see GenerativeMetric.trace).
        """
        return None

    def _per_sample(self, n: int, one, progress: bool | None = False) -> Result:
        """The result of scoring samples ``0 .. n-1`` with ``one(i)``: a ``Timeout`` scores the sample 0 and is
        counted, an ``InvalidInput`` gets the sample index. ``progress``: a progress bar (None: from 5000 samples)."""
        values = np.empty(n, dtype=np.float64)
        timeouts: list[int] = []
        it = range(n)
        if progress or (progress is None and n >= 5000):
            from .._progress import progress_range

            it = progress_range(n, desc=self.name)
        for i in it:
            try:
                values[i] = one(i)
            except Timeout:
                values[i] = 0.0
                timeouts.append(i)
            except InvalidInput as e:
                raise at_sample(e, i) from None
        return self._result(values, timeouts)

    def _result(self, values: np.ndarray, timeouts: list[int], **prov) -> Result:
        from .._version import __version__

        mu, se = mean_and_stderr(values)
        values.setflags(write=False)
        return Result(
            score=mu,
            per_sample=values,
            n=len(values),
            stderr=se,
            metric_id=self.id,
            n_timeouts=len(timeouts),
            timeout_indices=tuple(timeouts),
            provenance={"evalmetrics": __version__, **prov},
        )

    def pipeline(self) -> list[tuple[str, Any]]:
        """The pipeline as (side, step) pairs, for explanations."""
        return []


class GenerativeMetric(Metric):
    """A metric over (prediction text, reference text or texts) pairs."""

    def _score_refs(self, prediction: str, refs: tuple, cache: dict | None) -> float:
        raise NotImplementedError

    def _check_refs(self, value, index: int | None) -> tuple:
        """Validate one sample's references (a string or a non-empty list of strings)."""
        return check_references(value, index)

    def score(self, prediction: str, references) -> float:
        """Score one sample. ``references``: a string or a non-empty sequence of strings.

        Raises ``Timeout`` if a bound is hit (``compute`` instead scores such a sample 0 and counts it).
        """
        p = check_text(prediction, None, "prediction")
        refs = self._check_refs(references, None)
        return float(self._score_refs(p, refs, None))

    def trace(self, prediction: str, references) -> dict:
        """What decided this sample's score: ``{"prediction": P, "reference": R, "reference_index": J}``.

        ``P`` is the prediction after the metric's prediction-side steps (extraction, normalization; the text as
        given for a metric without steps), ``None`` if a step found no answer; ``R`` is the processed reference
        that decided the score and ``J`` its position in ``references``: the first reference with the best
        single-reference score (under ``combine=mean`` every reference counts; this is still the best one). All
        three are ``None`` when the sample hits a time or size bound. ``evalmetrics score --details`` writes them
        into each row.

        >>> import evalmetrics as em
        >>> em.get("lm_eval:gsm8k/strict-match").trace("so #### 72.", ["7", "72"])
        {'prediction': '72', 'reference': '72', 'reference_index': 1}
        """
        return self._trace_checked(prediction, references, None)

    def _trace_checked(self, prediction, references, cache: dict | None) -> dict:
        """``trace`` with a memo shared across the samples of one batch (``cache``; None: no memo)."""
        p = check_text(prediction, None, "prediction")
        refs = self._check_refs(references, None)
        try:
            return self._trace(p, refs, cache)
        except Timeout:
            return {"prediction": None, "reference": None, "reference_index": None}

    def _trace(self, prediction: str, refs: tuple, cache: dict | None = None) -> dict:
        from ..units import run_steps

        pred_steps, ref_steps = getattr(self, "pred", None), getattr(self, "ref", None)
        p = run_steps(pred_steps, prediction) if isinstance(pred_steps, tuple) else prediction
        j = 0
        if len(refs) > 1:
            scores = [self._score_refs(prediction, (r,), None) for r in refs]
            j = scores.index(max(scores))
        r = run_steps(ref_steps, refs[j]) if isinstance(ref_steps, tuple) else refs[j]
        return {"prediction": p, "reference": r, "reference_index": j}

    def _check_lengths(self, predictions, references):
        return _check_pairs(predictions, references)

    def compute(self, predictions: Iterable[str], references: Iterable, *, progress: bool | None = None) -> Result:
        """Score every sample and aggregate (mean, with standard error).

        ``references[i]`` is a string or a list of strings for sample ``i``. Lengths must match.
        """
        preds, refs_all = self._check_lengths(predictions, references)
        cache: dict = {}

        def one(i):
            return self._score_refs(check_text(preds[i], i, "prediction"), self._check_refs(refs_all[i], i), cache)

        return self._per_sample(len(preds), one, progress)



class DocumentMetric(Metric):
    """A metric whose samples each come with the sample's document (a mapping: the task's row, e.g. its choices)
    beside the output and its references: ``score(prediction, references, document)`` and
    ``compute(predictions, references, documents)``, one document per sample.

    A subclass defines ``_one(prediction, references, document, index, cache)``: one sample's value (``index``: the
    sample's position, None in ``score``; ``cache``: a memo shared across one ``compute`` call, None in ``score``)
    and ``document_words``, what a document must hold (quoted when the documents column does not fit).
    """

    sample_context: ClassVar[str] = "documents"
    document_words: ClassVar[str] = "one document per sample (a mapping)"

    def _one(self, prediction, references, document, index: int | None, cache: dict | None) -> float:
        raise NotImplementedError

    def score(self, prediction: str, references, document) -> float:
        return self._one(prediction, references, document, None, None)

    def compute(self, predictions, references, documents, *, progress=None):
        preds, refs = _check_pairs(predictions, references)
        docs = check_column(documents, len(preds), self.name, "documents", self.document_words)
        cache: dict = {}
        return self._per_sample(len(preds), lambda i: self._one(preds[i], refs[i], docs[i], i, cache), progress)
