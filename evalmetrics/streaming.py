"""Scoring a stream of rows chunk by chunk, with durable per-sample details and a checkpoint to resume from.

:func:`score_rows` reads rows in chunks of ``chunk_rows``, scores each chunk with the metric's own batch
``compute`` (so its column fast paths apply), and keeps nothing per sample in memory: the per-sample values go
to a temporary file of float64s, and the details (one JSON record per sample) are appended to ``details``. The
corpus score is then computed from that file by the same sums as :func:`evalmetrics.result.mean_and_stderr`
(Python's ``sum`` over the values in input order, then over their squared deviations), so it is bit-identical
to scoring every row at once.

Chunking cannot change a sample's value: a mean-aggregated metric's value for sample ``i`` depends only on
sample ``i`` (batch-dependent steps, such as numpy fixed-width lowercasing, see the references of one sample
together, never other samples), and the memos a metric keeps across samples are caches of pure functions. A
metric whose score is a corpus statistic (``aggregation`` other than ``"mean"``: BLEU, chrF, TER sum counts over
every sample) depends on the whole column, so it is scored in one chunk (memory then grows with the rows) and a
resumed run of it starts over.

Durability: each chunk's records are written, flushed and fsync'd before the checkpoint ``details +
".state.json"`` (input fingerprint, metric ID, rows done) is replaced atomically with ``os.replace``. A kill at
any moment leaves a details file whose complete lines are all correct records, in order; ``resume=True``
checks that the checkpoint matches this input and metric, keeps every complete record, truncates a partial
last line, skips the rows already done and continues. The checkpoint is removed when the run finishes.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ._lazy import np

from json.encoder import encode_basestring_ascii as _encode_str

from .errors import InvalidInput
from .result import summary_dict

__all__ = ["StreamedScore", "ScoringInterrupted", "score_rows", "fingerprint", "state_path", "details_line",
           "STATE_VERSION"]

STATE_VERSION = 1
CHOICE_KEYS = ("logprobs", "gold", "texts", "token_counts", "unconditioned_logprobs", "is_greedy")
_SPILL_READ = 1 << 16  # values per read when summing the spilled values


@dataclass(frozen=True)
class StreamedScore:
    """The corpus figures of a streamed run (``Result.to_dict`` fields) and how many rows were resumed."""

    metric_id: str
    score: float
    stderr: float
    n: int
    n_timeouts: int
    aggregation: str
    stderr_method: str
    provenance: dict = field(default_factory=dict)
    rows_resumed: int = 0
    rows_computed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {**summary_dict(self), "rows_resumed": self.rows_resumed, "rows_computed": self.rows_computed}


class ScoringInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`score_rows`: still a KeyboardInterrupt, saying how far the run got. ``rows_saved``:
    the records in ``details`` that the checkpoint covers (a rerun with ``resume=True`` keeps them); ``details``:
    the details file, None when there is none (or nothing was saved and the run's files were removed)."""

    def __init__(self, rows_saved: int, details: str | None):
        self.rows_saved, self.details = rows_saved, details
        super().__init__(rows_saved, details)


def state_path(details: str) -> str:
    return details + ".state.json"


TRACE_KEYS = ("prediction", "reference", "reference_index")


def details_line(index: int, value: float, timeout: bool, trace: dict | None = None) -> str:
    """One details record, byte for byte ``json.dumps({"index": i, "score": v, "timeout": t, **trace}) + "\\n"``
    for a finite score; strict JSON always: a NaN score (a corpus statistic has no per-sample value) is written
    ``null``, an infinite one ``1e999`` / ``-1e999`` (a valid JSON number that parsers read as infinity), never
    the bare ``NaN`` / ``Infinity`` tokens strict parsers reject.

    ``trace`` is the metric's ``trace`` of the sample (the processed prediction, and the processed reference that
    decided the score with its position), in ``TRACE_KEYS`` order; None for a metric without one."""
    v = repr(value) if math.isfinite(value) else "null" if value != value else "1e999" if value > 0 else "-1e999"
    extra = "" if not trace else "".join(f', "{k}": {_json(trace[k])}' for k in TRACE_KEYS)
    return f'{{"index": {index}, "score": {v}, "timeout": {"true" if timeout else "false"}{extra}}}\n'


def _json(v) -> str:
    """``json.dumps(v)``, with the common cases (text, None, an index) written directly."""
    if v.__class__ is str:
        return _encode_str(v)
    if v is None:
        return "null"
    if v.__class__ is int:
        return str(v)
    return json.dumps(v)


def has_trace(metric) -> bool:
    """Whether ``metric`` reports a per-sample trace (``Metric.trace`` overridden)."""
    from .metrics.base import Metric

    return type(metric).trace is not Metric.trace


def _traces(metric, args: tuple, timeouts: set) -> list:
    """The trace of each sample of a chunk (a timed-out sample's is all None, as its score is 0)."""
    none = dict.fromkeys(TRACE_KEYS)
    if metric.request_type == "multiple_choice":
        return [none if i in timeouts else metric.trace(c) for i, c in enumerate(args[0])]
    if getattr(metric, "sample_context", None) is not None:  # the trace reads compute's first columns
        import inspect

        n = len(inspect.signature(metric.trace).parameters)
        return [none if i in timeouts else metric.trace(*sample[:n]) for i, sample in enumerate(zip(*args))]
    memoized = getattr(metric, "_trace_checked", None)
    if memoized is None:
        return [none if i in timeouts else metric.trace(*sample) for i, sample in enumerate(zip(*args))]
    cache: dict = {}  # processed texts, shared by the chunk's samples (each distinct text processed once)
    return [none if i in timeouts else memoized(p, r, cache) for i, (p, r) in enumerate(zip(*args))]


def fingerprint(path: str) -> dict:
    """What identifies an input for resuming: size and SHA-256 of its first and last MiB (per file, for a
    folder). Content edits that keep the size and touch neither end are not detected."""

    def one(p):
        size = os.path.getsize(p)
        h = hashlib.sha256()
        with open(p, "rb") as f:
            h.update(f.read(1 << 20))
            if size > 2 << 20:
                f.seek(size - (1 << 20))
            h.update(f.read(1 << 20))
        return size, h.hexdigest()

    if not os.path.exists(path):
        raise InvalidInput(f"no such file or folder: {path}", field="data")
    if os.path.isdir(path):
        files = sorted(
            os.path.relpath(os.path.join(d, n), path) for d, _, names in os.walk(path) for n in names
        )
        parts = [[f, *one(os.path.join(path, f))] for f in files]
        digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
        return {"path": os.path.abspath(path), "size": sum(p[1] for p in parts), "sha256_ends": digest}
    size, digest = one(path)
    return {"path": os.path.abspath(path), "size": size, "sha256_ends": digest}


# ------------------------------------------------------------------------------------------------ rows to samples


# Request types whose rows are log-likelihood records rather than (prediction, references) columns.
LOGPROB_REQUESTS = ("loglikelihood", "loglikelihood_rolling")


# The row column that holds each sample's context, by the keyword compute takes it under (Metric.sample_context).
CONTEXT_COLUMNS = {"documents": "document", "groups": "group", "no_answer_logprobs": "no_answer_logprob"}


def _chunk_args(metric, rows: list, start: int, pred_col: str, ref_col: str, context_col: str | None = None) -> tuple:
    """The columns ``metric.compute`` takes for these rows (errors name the row's index in the file): its samples
    and, for a metric with a per-sample context (``Metric.sample_context``: documents, group keys), that column
    last, read from ``context_col`` (default: ``document`` / ``group``). :func:`_compute` makes the call."""
    context = getattr(metric, "sample_context", None)
    if context is None:
        return _sample_args(metric, rows, start, pred_col, ref_col)
    # compute(predictions, groups) takes the outputs alone (consistency_rate): no references column
    refs = metric.request_type == "multiple_choice" or _takes_references(metric)
    args = _sample_args(metric, rows, start, pred_col, ref_col if refs else None)
    col = context_col or CONTEXT_COLUMNS.get(context, context)
    column = []
    for j, row in enumerate(rows):
        if col not in row:
            raise InvalidInput(f"column {col!r} not found ({metric.name} takes each sample's {context[:-1]} "
                               f"there); columns: {', '.join(map(str, row))}", index=start + j, field=col)
        column.append(row[col])
    return args + (column,)


def _takes_references(metric) -> bool:
    import inspect

    return "references" in inspect.signature(type(metric).compute).parameters


def _compute(metric, args: tuple, **kw):
    """``metric.compute`` on the columns of :func:`_chunk_args` (a per-sample context goes by its keyword)."""
    context = getattr(metric, "sample_context", None)
    if context is None:
        return metric.compute(*args, **kw)
    return metric.compute(*args[:-1], **{context: args[-1]}, **kw)


def _sample_args(metric, rows: list, start: int, pred_col: str, ref_col: str | None) -> tuple:
    if metric.request_type == "multiple_choice":
        from .metrics.choice import Choices

        out = []
        for j, row in enumerate(rows):
            try:
                out.append(Choices(**{k: row.get(k) for k in CHOICE_KEYS
                                      if row.get(k) is not None or k in ("logprobs", "gold")}))
            except InvalidInput as e:
                raise InvalidInput(e.reason, index=start + j, field=e.field) from None
        return (out,)
    if metric.request_type in LOGPROB_REQUESTS:
        # A statistic of log-likelihood records: each row is one record ({"logprob": ..., "n_words": ...,
        # "n_bytes": ...}, as LogprobScorer.score_rolling's records serialize); the metric names a missing key.
        return (list(rows),)
    # A metric over pass/fail flags reads only the prediction column (HELM's pass@k rows carry no references).
    columns = (pred_col,) if metric.request_type == "pass_fail_flags" or ref_col is None else (pred_col, ref_col)
    preds, refs = [], []
    for j, row in enumerate(rows):
        for col in columns:
            if col not in row:
                raise InvalidInput(
                    f"column {col!r} not found; columns: {', '.join(map(str, row))}", index=start + j, field=col
                )
        preds.append(row[pred_col])
        refs.append(row.get(ref_col))
    return (preds, refs) if ref_col is not None else (preds,)


def _compute_chunk(metric, args: tuple, start: int):
    try:
        r = _compute(metric, args, progress=False)
    except InvalidInput as e:
        index = None if e.index is None else e.index + start
        raise InvalidInput(e.reason, index=index, field=e.field) from None
    return r


# ------------------------------------------------------------------------------------------- the values on disk


class _Spill:
    """Per-sample values appended to an unnamed temporary file of float64s, read back in order."""

    def __init__(self):
        self.f = tempfile.TemporaryFile(prefix="evalmetrics-values-")
        self.n = 0

    def append(self, values) -> None:
        self.f.write(np.ascontiguousarray(values, dtype=np.float64).tobytes())
        self.n += len(values)

    def chunks(self) -> Iterator:
        self.f.flush()
        self.f.seek(0)
        while True:
            b = self.f.read(8 * _SPILL_READ)
            if not b:
                return
            yield np.frombuffer(b, dtype=np.float64)

    def close(self):
        self.f.close()


def mean_and_stderr_chunked(chunks) -> tuple[float, float]:
    """``result.mean_and_stderr`` over the concatenation of ``chunks()`` (a callable returning a fresh iterator
    of float64 arrays), reading the values twice instead of holding them: the same sums, in the same order."""
    n = 0
    for c in chunks():
        n += len(c)
    if n == 0:
        return float("nan"), float("nan")
    mu = sum(itertools.chain.from_iterable(c.tolist() for c in chunks())) / n
    if n < 2:
        return mu, float("nan")
    var = sum(itertools.chain.from_iterable(np.square(c - mu).tolist() for c in chunks())) / (n - 1)
    return mu, math.sqrt(var) / math.sqrt(n)


# ------------------------------------------------------------------------------------------------- checkpoints


def _write_state(path: str, state: dict) -> None:
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".state-", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _check_state(state: dict, expected: dict, details: str) -> None:
    def bad(what):
        raise InvalidInput(
            f"cannot resume {details}: {what}; rerun with --force to start over", field="resume"
        )

    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        bad(f"{state_path(details)} is not a checkpoint of this version of evalmetrics")
    for key in ("metric_id", "input", "format", "pred_col", "ref_col", "source_options"):
        if state.get(key) != expected[key]:
            bad(f"it was started with {key} {state.get(key)!r}, this run has {expected[key]!r}")


def _recover(details: str, spill: _Spill, timeouts: list, trace: bool = False) -> int:
    """Keep the complete, well-formed records at the start of ``details`` (in order: record k has index k, with
    the trace fields when ``trace``), truncate the rest, and load their values. Returns how many were kept."""
    k = 0
    good = 0
    with open(details, "rb") as f:
        vals = []
        for line in f:
            if not line.endswith(b"\n"):
                break
            try:
                rec = json.loads(line)
                if isinstance(rec, dict) and "score" in rec and rec["score"] is None:
                    rec["score"] = math.nan  # a NaN score is written null
                ok = (isinstance(rec, dict) and rec.get("index") == k and type(rec.get("score")) is float
                      and type(rec.get("timeout")) is bool
                      and (not trace or all(key in rec for key in TRACE_KEYS))
                      and line.decode() == details_line(k, rec["score"], rec["timeout"], rec if trace else None))
            except (ValueError, UnicodeDecodeError):
                ok = False
            if not ok:
                break
            vals.append(rec["score"])
            if rec["timeout"]:
                timeouts.append(k)
            k += 1
            good += len(line)
            if len(vals) >= _SPILL_READ:
                spill.append(vals)
                vals = []
        spill.append(vals)
    with open(details, "r+b") as f:
        f.truncate(good)
        f.flush()
        os.fsync(f.fileno())
    return k


def _restart(details: str) -> int:
    with open(details, "r+b") as f:
        f.truncate(0)
    return 0


# --------------------------------------------------------------------------------------------------- the runner


class _SigintLatch:
    """Ctrl-C that cannot be lost. Python raises KeyboardInterrupt wherever the main thread is when SIGINT
    arrives, and one raised inside a ``__del__`` (a regex object freed mid-chunk) is printed with a traceback and
    ignored, so the run would go on. While a run holds the latch (main thread, default handler only), SIGINT
    raises as usual, except inside a ``__del__``, where it is only remembered; ``check`` after each chunk raises
    it then."""

    def __init__(self):
        import signal
        import threading

        self.hit = False
        self.prev = None
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.prev = signal.signal(signal.SIGINT, self._on_sigint)

    def _on_sigint(self, signum, frame):
        self.hit = True
        f = frame
        while f is not None:  # inside a __del__ the exception would be printed and dropped: leave it to check()
            if f.f_code.co_name == "__del__":
                return
            f = f.f_back
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.hit:
            raise KeyboardInterrupt

    def restore(self) -> None:
        if self.prev is not None:
            import signal

            signal.signal(signal.SIGINT, self.prev)
            self.prev = None


class _Progress:
    def __init__(self, desc: str, force: bool | None):
        self.show = force if force is not None else (
            sys.stderr.isatty() or os.environ.get("EVALMETRICS_PROGRESS") == "1")
        self.desc, self.start, self.last = desc, time.monotonic(), 0.0

    def update(self, done: int, computed: int, end: bool = False):
        now = time.monotonic()
        if not self.show or (now - self.last < 0.5 and not end):
            return
        self.last = now
        rate = computed / max(now - self.start, 1e-9)
        sys.stderr.write(f"\r{self.desc}: {done:,} rows ({rate:,.0f} rows/s)" + ("\n" if end else ""))
        sys.stderr.flush()


def score_rows(
    metric,
    rows: Iterable[dict],
    *,
    source: str,
    fmt: str,
    pred_col: str = "prediction",
    ref_col: str = "references",
    context_col: str | None = None,
    details: str | None = None,
    resume: bool = False,
    force: bool = False,
    limit: int | None = None,
    chunk_rows: int = 20_000,
    progress: bool | None = None,
    source_options: dict | None = None,
) -> StreamedScore:
    """Score ``rows`` (read from ``source``, of format ``fmt``) with ``metric``, ``chunk_rows`` at a time.

    ``details``: append one record per sample to this file (see the module docstring for durability and
    ``resume``). Without ``resume`` an existing ``details`` file is an error unless ``force``. Raises
    ``InvalidInput`` naming the row index (in the file) and the field, as scoring all rows at once does.
    ``source_options``: reader options that change which rows ``rows`` holds (recorded in the checkpoint).
    ``context_col``: the column of each sample's document or group key, for a metric that takes one
    (``Metric.sample_context``; default ``document`` / ``group``).
    """
    from .units import Step, StepIsNotAMetric, not_a_metric

    if isinstance(metric, Step):  # before any file is written
        raise StepIsNotAMetric(not_a_metric(metric))
    if chunk_rows < 1:
        raise InvalidInput(f"chunk_rows must be >= 1; got {chunk_rows}", field="chunk_rows")
    if resume and not details:
        raise InvalidInput("resume needs a details file (--details OUT) to resume from", field="resume")
    state = {
        "version": STATE_VERSION,
        "metric_id": metric.id,
        "input": fingerprint(source) if details else None,
        "format": fmt,
        "pred_col": pred_col,
        "ref_col": ref_col,
        "source_options": dict(source_options or {}),
        "trace": bool(details) and has_trace(metric),
    }
    # A corpus statistic depends on every sample together: one chunk, and nothing partial to resume from.
    # (an instance may aggregate otherwise than its class: IFEval's instruction level is a share of all instructions)
    chunkable = (getattr(metric, "row_aggregation", None) or getattr(type(metric), "aggregation", "mean")) == "mean"
    if not chunkable:
        chunk_rows = sys.maxsize
    spill = _Spill()
    timeouts: list[int] = []
    done = 0
    out = None
    fresh = False  # this call created (or truncated) details: nothing of an earlier run is in it
    sigint = _SigintLatch()
    try:
        if details:
            sp = state_path(details)
            has_details, has_state = os.path.exists(details), os.path.exists(sp)
            if resume and has_details:
                if not has_state:
                    raise InvalidInput(
                        f"cannot resume {details}: it has no checkpoint {sp} (the run finished, or the file was not "
                        "written by evalmetrics score); rerun with --force to start over", field="resume")
                try:
                    with open(sp, encoding="utf-8") as f:
                        old = json.load(f)
                except (OSError, ValueError) as e:
                    raise InvalidInput(f"cannot read the checkpoint {sp}: {e}", field="resume") from None
                _check_state(old, state, details)
                # A run started before details carried traces continues without them (one format per file).
                state["trace"] = bool(old.get("trace", False)) and state["trace"]
                done = _recover(details, spill, timeouts, state["trace"]) if chunkable else _restart(details)
                out = open(details, "ab")
            else:
                if (has_details or has_state) and not (force or resume):
                    raise InvalidInput(
                        f"{details if has_details else sp} already exists; use --resume to continue that run or "
                        "--force to overwrite it", field="details")
                out = open(details, "wb")
                fresh = True
                if has_state and not has_details:
                    os.unlink(sp)
            _write_state(sp, {**state, "rows_done": done})
        resumed = done
        it = iter(rows)
        if done:
            skipped = sum(1 for _ in itertools.islice(it, done))
            if skipped < done:
                raise InvalidInput(f"{details} has {done} records but the input has only {skipped} rows",
                                   field="resume")
        if limit is not None:
            it = itertools.islice(it, max(limit - done, 0))
        bar = _Progress(metric.name, progress)
        prov = None
        while True:
            rows_ = list(itertools.islice(it, chunk_rows))
            if not rows_:
                break
            args = _chunk_args(metric, rows_, done, pred_col, ref_col, context_col)
            r = _compute_chunk(metric, args, done)
            whole = r
            vals = np.asarray(r.per_sample, dtype=np.float64)
            t = set(r.timeout_indices)
            timeouts.extend(done + i for i in r.timeout_indices)
            prov = prov or (r.provenance, r.aggregation, r.stderr_method)
            if out is not None:
                traces = _traces(metric, args, t) if state["trace"] else [None] * len(vals)
                out.write("".join(details_line(done + i, v, i in t, traces[i])
                                  for i, v in enumerate(vals.tolist())).encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            spill.append(vals)
            done += len(rows_)
            if out is not None:
                _write_state(state_path(details), {**state, "rows_done": done})
            bar.update(done, done - resumed)
            sigint.check()
        bar.update(done, done - resumed, end=True)
        if done == 0:
            _compute(metric, _chunk_args(metric, [], 0, pred_col, ref_col, context_col))  # its "no samples" error
        if out is not None:
            out.close()
            out = None
            os.unlink(state_path(details))
        if chunkable:
            mu, se = mean_and_stderr_chunked(spill.chunks)
        else:
            mu, se = whole.score, whole.stderr
        if prov is None:  # everything was resumed: the metric's own provenance and aggregation words
            from .metrics.base import Metric

            probe = Metric._result(metric, np.zeros(0), [])
            prov = (probe.provenance, probe.aggregation, probe.stderr_method)
        return StreamedScore(
            metric_id=metric.id, score=mu, stderr=se, n=done, n_timeouts=len(timeouts),
            aggregation=prov[1], stderr_method=prov[2], provenance=dict(prov[0]),
            rows_resumed=resumed, rows_computed=done - resumed,
        )
    except BaseException as e:
        saved = done
        if out is not None:
            out.close()
            out = None
            if fresh and done == 0:
                # Nothing scored yet (bad data in the first chunk, Ctrl-C while reading): leave no empty details
                # file or checkpoint behind, so that rerunning the same command reports the real error or runs.
                for p in (details, state_path(details)):
                    if os.path.exists(p):
                        os.unlink(p)
        if isinstance(e, KeyboardInterrupt) and not isinstance(e, ScoringInterrupted):
            keep = details if details and saved and os.path.exists(state_path(details)) else None
            raise ScoringInterrupted(saved if keep else 0, keep) from None
        raise
    finally:
        sigint.restore()
        if out is not None:
            out.close()
        spill.close()
