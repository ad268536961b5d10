"""One file scored under several meanings of a metric name: scores with intervals, flips per pair, and examples.

``diff(path, meanings)`` streams the file once to score it (rows are scored in chunks and dropped; only the
per-sample values stay, one float64 array per meaning), then reads it a second time for the few rows shown as
flipping examples. The returned dict is what ``evalmetrics diff --json`` prints and what ``evalmetrics report``
renders.
"""
from __future__ import annotations

import os
from typing import Iterator

from ._lazy import np

from .errors import InvalidInput
from .metrics.base import at_sample
from .paired import paired_test

__all__ = ["diff", "resolve_meanings", "bootstrap_cis", "data_kind"]

CHUNK = 8192
_CHOICE_KEYS = ("logprobs", "gold", "texts", "token_counts", "unconditioned_logprobs", "is_greedy")


def data_kind(path, fmt=None, lm_eval_filter=None) -> str:
    """'multiple_choice' if the file's rows are choice log-prob records, else 'generate_until'."""
    from .io import read_rows

    for row in read_rows(path, fmt, lm_eval_filter=lm_eval_filter):
        return "multiple_choice" if "logprobs" in row else "generate_until"
    raise InvalidInput(f"{path} has no rows", field="data")


def resolve_meanings(path, *, name=None, metrics=None, fmt=None, lm_eval_filter=None):
    """([(label, metric)], skipped notes): the given metrics, or every harness meaning of ``name`` that scores this
    file's kind of rows. Names resolving to one canonical ID become one meaning labelled ``"a = b"``."""
    from .explain import explain
    from .registry import get

    skipped = []
    if metrics:
        pairs = [(m, get(m)) for m in metrics]
    else:
        kind = data_kind(path, fmt, lm_eval_filter)
        pairs = []
        e = explain(name)
        # each meaning under explain's label (an alias, or an alias with its configuration: olmes:primary_score
        # (task='mmlu')), built from the name get() resolves
        for (alias, _), d in zip(e.meanings, e.details):
            m = get(alias)
            if m.request_type == kind:
                pairs.append((d.alias, m))
            else:
                skipped.append(f"{d.alias} scores {m.request_type} records, not this file's rows")
    if not pairs:
        raise InvalidInput("no meaning of this name scores this kind of data", field="metrics")
    from .explain import group_by_id

    out = [(" = ".join(labels), m) for labels, m in group_by_id(pairs)]
    if len({m.request_type for _, m in out}) > 1:
        raise InvalidInput("cannot compare generative and multiple-choice metrics on one file", field="metrics")
    return out, skipped


def _rows(path, fmt, limit, lm_eval_filter) -> Iterator[dict]:
    from .io import read_rows

    for i, row in enumerate(read_rows(path, fmt, lm_eval_filter=lm_eval_filter)):
        if limit is not None and i >= limit:
            return
        yield row


def _sample(row, i, mc, pred_col, ref_col):
    """The metric input of one row: a Choices record, or (prediction, references)."""
    if mc:
        from .metrics.choice import Choices

        try:
            return Choices(**{k: row.get(k) for k in _CHOICE_KEYS if row.get(k) is not None or k in ("logprobs", "gold")})
        except InvalidInput as e:
            raise at_sample(e, i) from None
    for col in (pred_col, ref_col):
        if col not in row:
            raise InvalidInput(f"column {col!r} not found; columns: {', '.join(map(str, row))}", index=i, field=col)
    return row[pred_col], row[ref_col]


def _total_rows(path, fmt, limit, lm_eval_filter):
    """Row count for the progress bar when cheap: Parquet metadata, or newlines of a plain JSONL file."""
    from .io import count_rows, detect_format

    try:
        fmt = fmt or detect_format(path)
        n = count_rows(path, fmt)
        if n is None and fmt == "jsonl" and lm_eval_filter is None and os.path.getsize(path) > (1 << 20):
            n = 0
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 22), b""):
                    n += block.count(b"\n")
    except (OSError, InvalidInput):
        return None
    return min(n, limit) if (n is not None and limit is not None) else n


def score_stream(meanings, path, *, fmt=None, pred_col="prediction", ref_col="references", limit=None,
                 lm_eval_filter=None, progress=None, chunk=CHUNK):
    """{label: Result} for every meaning, reading the file once in chunks of ``chunk`` rows.

    Each chunk goes through the metric's own ``compute``; per-sample values are concatenated and aggregated as
    ``compute`` aggregates them, so the results equal ``metric.compute`` on the whole file. Metrics whose
    aggregation is not a mean of per-sample values (corpus BLEU, ...) get the whole file in one chunk."""
    from ._progress import progress_iter

    mc = meanings[0][1].request_type == "multiple_choice"
    corpus = any(getattr(m, "aggregation", "mean") != "mean" for _, m in meanings)
    if corpus:
        chunk = float("inf")  # a corpus-level score (BLEU, ...) needs every row in one compute call
    whole: dict = {}
    total = _total_rows(path, fmt, limit, lm_eval_filter)
    # one float64 buffer per meaning, sized from the row count when it is known (else grown by doubling)
    bufs = {label: np.empty(max(total or 0, min(chunk, CHUNK)), dtype=np.float64) for label, _ in meanings}
    timeouts = {label: [] for label, _ in meanings}
    batch: list = []
    start = 0

    def flush():
        nonlocal start
        if not batch:
            return
        for label, m in meanings:
            try:
                r = m.compute(batch, progress=False) if mc else m.compute(
                    [b[0] for b in batch], [b[1] for b in batch], progress=False)
            except InvalidInput as e:  # named by the meaning that refused the row
                raise InvalidInput(f"{label}: {e.reason}", index=None if e.index is None else e.index + start,
                                   field=e.field) from None
            if corpus:
                whole[label] = r
                continue
            buf = bufs[label]
            if start + len(batch) > len(buf):
                grown = np.empty(max(2 * len(buf), start + len(batch)), dtype=np.float64)
                grown[:start] = buf[:start]
                bufs[label] = buf = grown
            buf[start:start + len(batch)] = r.per_sample
            timeouts[label].extend(start + t for t in r.timeout_indices)
        start += len(batch)
        batch.clear()

    rows = progress_iter(_rows(path, fmt, limit, lm_eval_filter), total=total, desc="scoring rows", force=progress)
    for i, row in enumerate(rows):
        batch.append(_sample(row, i, mc, pred_col, ref_col))
        if len(batch) >= chunk:
            flush()
    flush()
    if start == 0:
        raise InvalidInput(f"{path} has no rows to score", field="data")
    if corpus:
        return whole
    out = {}
    for label, m in meanings:
        buf = bufs.pop(label)
        values = buf[:start] if len(buf) == start else buf[:start].copy()
        out[label] = m._result(values, timeouts[label])
    return out


def bootstrap_cis(results, *, level=0.95, seed=0, n_boot=1000, progress=None):
    """{label: (lo, hi)}: the percentile bootstrap interval of each result, equal to ``Result.ci(level, seed=seed,
    n_boot=n_boot)`` but drawing each resample's indices once for all meanings (and counting 0/1 scores as bytes)."""
    from ._progress import progress_iter

    labels = list(results)
    n = results[labels[0]].n
    if n == 0:
        return {lbl: (float("nan"), float("nan")) for lbl in labels}
    cols = []
    for lbl in labels:
        v = np.asarray(results[lbl].per_sample, dtype=np.float64)
        binary = bool(np.all((v == 0.0) | (v == 1.0)))
        cols.append((binary, v.astype(np.uint8) if binary else v))
    means = np.empty((len(labels), n_boot))
    rng = np.random.default_rng(seed)
    for b in progress_iter(range(n_boot), total=n_boot, desc="bootstrap", force=progress, after=1 if n >= 100_000 else 10**9):
        idx = rng.integers(0, n, n)
        for j, (binary, v) in enumerate(cols):
            # the mean of 0/1 float64 values is exactly (count of ones) / n, which is what .mean() returns
            means[j, b] = np.count_nonzero(v[idx]) / n if binary else v[idx].mean()
    out = {}
    for j, lbl in enumerate(labels):
        lo, hi = np.quantile(means[j], [(1 - level) / 2, 1 - (1 - level) / 2])
        out[lbl] = (float(lo), float(hi))
    return out


def _fetch(path, fmt, limit, lm_eval_filter, wanted, mc, pred_col, ref_col):
    """{index: sample} for the wanted row indices (a second pass that stops after the last one)."""
    got = {}
    if not wanted:
        return got
    last = max(wanted)
    for i, row in enumerate(_rows(path, fmt, limit, lm_eval_filter)):
        if i in wanted:
            got[i] = (_sample(row, i, mc, pred_col, ref_col), row)
        if i >= last:
            break
    return got


def _explain_example(meanings, a, b, pred, refs):
    from .explain import trace
    from .units import run_steps

    ref0 = refs if isinstance(refs, str) else refs[0]
    processed, changed = {}, {}
    for label in (a, b):
        m = meanings[label]
        if not hasattr(m, "pred"):
            continue
        steps = trace(m, pred, ref0)
        changed[label] = [(side, s) for side, s, _, _ in steps]
        processed[label] = {
            "prediction": run_steps(m.pred, pred),
            "reference": run_steps(m.ref, ref0),
            "changed_by": [s for _, s in changed[label]],
            "changed_steps": [{"side": side, "step": s} for side, s in changed[label]],
        }
    differs_by = []
    if len(changed) == 2:
        for label, other in ((a, b), (b, a)):
            for side, s in changed[label]:
                d = {"meaning": label, "step": s, "side": side}
                if (side, s) not in changed[other] and d not in differs_by:
                    differs_by.append(d)
    return processed, differs_by


def _short(step: str) -> str:
    return step.split("(")[0]


def changed_words(processed: dict) -> str:
    """The steps that changed one meaning's texts, by side: ``"changed by prediction: regex_extract, strip;
    reference: strip"`` (step names; the diff's JSON has the full step IDs), or ``"no step changed the text"``."""
    by_side: dict = {}
    for d in processed.get("changed_steps") or [{"side": "prediction", "step": s} for s in processed["changed_by"]]:
        by_side.setdefault(d["side"], []).append(_short(d["step"]))
    if not by_side:
        return "no step changed the text"
    return "changed by " + "; ".join(f"{side}: {', '.join(names)}" for side, names in by_side.items())


def flip_words(differs_by) -> list[str]:
    """The steps that changed a text under one meaning and not under the other, per meaning and side:
    ``"prediction: remove_spans, strip (only in lighteval:exact_match)"``. A step name that appears on both
    meanings' lists (each has its own regex_extract) is shown whole, with its arguments, so the two are told
    apart."""
    owners: dict = {}
    for d in differs_by:
        owners.setdefault((d.get("side"), _short(d["step"])), set()).add(d["meaning"])
    groups: dict = {}
    for d in differs_by:
        side = d.get("side") or "text"
        step = d["step"] if len(owners[(d.get("side"), _short(d["step"]))]) > 1 else _short(d["step"])
        groups.setdefault((d["meaning"], side), []).append(step)
    return [f"{side}: {', '.join(steps)} (only in {meaning})" for (meaning, side), steps in groups.items()]


def diff(path, meanings, *, fmt=None, pred_col="prediction", ref_col="references", limit=None, lm_eval_filter=None,
         seed=0, n_boot=1000, examples=3, progress=None, skipped=(), name=None) -> dict:
    """Score ``path`` under each (label, metric) of ``meanings``; the JSON-able comparison (see module doc)."""
    results = score_stream(meanings, path, fmt=fmt, pred_col=pred_col, ref_col=ref_col, limit=limit,
                           lm_eval_filter=lm_eval_filter, progress=progress)
    cis = bootstrap_cis(results, seed=seed, n_boot=n_boot, progress=progress)
    labels = [lbl for lbl, _ in meanings]
    by_label = dict(meanings)
    mc = meanings[0][1].request_type == "multiple_choice"
    rows = [{"name": lbl, "id": results[lbl].metric_id, "score": results[lbl].score, "stderr": results[lbl].stderr,
             "ci95": list(cis[lbl]), "n": results[lbl].n, "n_timeouts": results[lbl].n_timeouts} for lbl in labels]
    pairs, wanted = [], set()
    for x in range(len(labels)):
        for y in range(x + 1, len(labels)):
            va, vb = results[labels[x]].per_sample, results[labels[y]].per_sample
            idx = np.flatnonzero((va != vb) & ~(np.isnan(va) & np.isnan(vb)))  # corpus metrics: no per-sample value
            first = [int(i) for i in idx[:examples]]
            wanted.update(first)
            pair = {"a": labels[x], "b": labels[y], "flips": int(len(idx)), "first": first}
            # paired significance of the two meanings' difference on these outputs (None for corpus metrics)
            both = ~(np.isnan(va) | np.isnan(vb))
            pair["significance"] = (paired_test(va, vb, seed=seed, n_boot=n_boot)
                                    if both.all() and len(va) else None)
            pairs.append(pair)
    fetched = _fetch(path, fmt, limit, lm_eval_filter, wanted, mc, pred_col, ref_col)
    for p in pairs:
        exs = []
        for i in p.pop("first"):
            va, vb = results[p["a"]].per_sample, results[p["b"]].per_sample
            ex = {"index": i, "scores": {p["a"]: float(va[i]), p["b"]: float(vb[i])}}
            sample, row = fetched[i]
            if "doc_id" in row:
                ex["doc_id"] = row["doc_id"]
            if mc:
                ex["logprobs"], ex["gold"] = list(sample.logprobs), sample.gold
            else:
                pred, refs = sample
                ex["prediction"], ex["reference"] = pred, refs
                ex["processed"], ex["differs_by"] = _explain_example(by_label, p["a"], p["b"], pred, refs)
            exs.append(ex)
        p["examples"] = exs
    return {"data": path, "filter": lm_eval_filter, "n": rows[0]["n"], "bootstrap_seed": seed, "n_boot": n_boot,
            "scores": rows, "pairs": pairs, "skipped": list(skipped), "name": name}
