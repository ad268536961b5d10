"""``evalmetrics why A B``: which settings differ between two saved runs, and how much of each row's gap comes from
the metric, from different outputs, and from different documents.

For a row both runs report (same task, metric and filter), with both runs' samples logged and A's row read as a
canonical ID, on the documents both runs scored (matched by content hash), with ``a``/``b`` the reported values:

* ``metric``  = B's own per-document values, minus A's metric (A's canonical ID) applied to B's outputs;
* ``outputs`` = A's metric on B's outputs, minus A's metric on A's outputs (0 exactly when the outputs are equal);
* ``docs``    = (b minus B's mean over the shared documents) minus (a minus A's mean over them): the documents only
  one run scored;
* ``residual`` = A's metric on A's outputs (evalmetrics) minus A's own logged values, over the shared documents:
  0 when evalmetrics reproduces A's metric exactly; anything else is named, never folded into a part.

``metric + outputs + docs + residual = b - a`` (up to float rounding). The metric and outputs parts get a paired
significance over the shared documents (:mod:`evalmetrics.paired`: exact McNemar for 0/1 values, else a paired
bootstrap with its seed); the documents whose outputs differ are counted, and those whose verdicts differ are
listed, the first few side by side (prompt tail, both outputs, both verdicts, B's output under A's metric).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InvalidInput
from ..paired import paired_test
from .card import RunCard, differences

__all__ = ["why", "format_why"]

PARTS = ("metric", "outputs", "docs", "residual")


def why(a, b, *, seed: int = 0, n_boot: int = 10000, examples: int = 3) -> dict:
    """The comparison of two runs (paths or :class:`RunCard`) as the stable JSON dict documented in docs/diff.md."""
    from .read import read_run

    ca = a if isinstance(a, RunCard) else _read_side(a, "A")
    cb = b if isinstance(b, RunCard) else _read_side(b, "B")
    out = {
        "a": _side(ca), "b": _side(cb),
        "differences": differences(ca, cb),
        "rows": [],
        "settings": {"seed": seed, "n_boot": n_boot, "examples": examples},
    }
    rows_b = {(r.task, r.metric, r.filter): r for r in cb.rows}
    for ra in ca.rows:
        rb = rows_b.get((ra.task, ra.metric, ra.filter))
        if rb is None:
            continue
        row = {"task": ra.task, "metric": ra.metric, "filter": ra.filter, "a": ra.value, "b": rb.value,
               "delta": _delta(ra.value, rb.value), "id_a": ra.id, "id_b": rb.id}
        row["decomposition"] = _decompose(ca, cb, ra, rb, seed=seed, n_boot=n_boot, examples=examples)
        out["rows"].append(row)
    only_a = sorted({(r.task, r.metric, r.filter) for r in ca.rows} - set(rows_b))
    only_b = sorted(set(rows_b) - {(r.task, r.metric, r.filter) for r in ca.rows})
    out["rows_only_in_a"] = [",".join(k) for k in only_a]
    out["rows_only_in_b"] = [",".join(k) for k in only_b]
    return out


def _side(card: RunCard) -> dict:
    return {"harness": card.harness, "source": card.source, "fingerprint": card.fingerprint}


def _delta(a, b):
    try:
        return float(b) - float(a)
    except (TypeError, ValueError):
        return None


def _samples_path(card: RunCard, task: str) -> Path | None:
    d = card.documents.get(task)
    return None if d is None else Path(d["path"])


def _logged(card: RunCard, path: Path, filt: str, metric_name: str):
    """(rows, keys, logged values) of one task's per-sample log: the mapped rows (one filter of an lm_eval samples
    file; a lighteval details file), each row's document key (lm_eval: its content hash, else its doc_id;
    lighteval: its query, choices and gold) and the per-document value the harness logged under the metric's
    name."""
    from ..io import read_rows
    from .lighteval_run import lighteval_doc_key

    if card.harness == "helm":  # the run folder: its instances on the row's split
        from .helm_run import helm_logged

        return helm_logged(path, filt, metric_name)
    lm_eval = card.harness == "lm_eval"
    rows = list(read_rows(str(path), lm_eval_filter=filt if lm_eval else None))
    keys, values = [], []
    for i, r in enumerate(rows):
        if lm_eval:
            keys.append(str(r.get("doc_hash") or r.get("doc_id")))
            v = r.get(metric_name)
        else:
            keys.append(lighteval_doc_key(r.get("doc") or {}))
            v = (r.get("metric") or {}).get(metric_name)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise InvalidInput(f"{path}: the logged value of {metric_name!r} is not a number ({v!r})", index=i,
                               field=metric_name)
        values.append(float(v))
    if len(set(keys)) != len(keys):
        raise InvalidInput(f"{path}: a document appears twice under filter {filt!r}", field="doc_hash")
    return rows, keys, np.asarray(values, dtype=np.float64)


def _decompose(ca, cb, ra, rb, *, seed, n_boot, examples) -> dict:
    from ..diffing import score_stream
    from ..registry import get

    pa, pb = _samples_path(ca, ra.task), _samples_path(cb, rb.task)
    if pa is None or pb is None:
        return {"available": False, "reason": "samples were not logged in " +
                " and ".join(s for s, p in (("A", pa), ("B", pb)) if p is None)}
    if ra.id is None:
        return {"available": False, "reason": f"A's {ra.metric} is not read as a canonical ID, so B's outputs "
                                              f"cannot be rescored with A's metric"}
    metric = get(ra.id)
    if getattr(metric, "aggregation", "mean") != "mean":
        return {"available": False, "reason": f"{ra.metric} is a corpus-level metric ({metric.aggregation}); "
                                              "per-document parts are not defined"}
    rows_a, keys_a, logged_a = _logged(ca, pa, ra.filter, ra.metric)
    rows_b, keys_b, logged_b = _logged(cb, pb, rb.filter, rb.metric)
    fa = ra.filter if ca.harness == "lm_eval" else None
    fb = rb.filter if cb.harness == "lm_eval" else None

    def rescore(card, path, filt, rows):
        if card.harness == "helm":
            from .helm_run import helm_rescore

            return helm_rescore(metric, rows)
        return np.asarray(score_stream([("a", metric)], str(path), lm_eval_filter=filt)["a"].per_sample)

    try:
        ours_a = rescore(ca, pa, fa, rows_a)
        ours_b = rescore(cb, pb, fb, rows_b)
    except InvalidInput as e:
        return {"available": False, "reason": f"the logged outputs cannot be rescored with A's metric ({e})"}
    index_b = {k: i for i, k in enumerate(keys_b)}
    shared = [(i, index_b[k]) for i, k in enumerate(keys_a) if k in index_b]
    ia = np.asarray([i for i, _ in shared], dtype=np.int64)
    ib = np.asarray([j for _, j in shared], dtype=np.int64)
    out = {"available": True, "shared_docs": len(shared), "only_a_docs": len(keys_a) - len(shared),
           "only_b_docs": len(keys_b) - len(shared), "metric_a": ra.id}
    if not shared:
        out.update(metric=None, outputs=None, docs=_delta(ra.value, rb.value), residual=None,
                   note="no document in common: the whole gap is documents")
        return out
    a_s, b_s = float(logged_a[ia].mean()), float(logged_b[ib].mean())
    a_ours, b_under_a = float(ours_a[ia].mean()), float(ours_b[ib].mean())
    out["metric"] = b_s - b_under_a
    out["outputs"] = b_under_a - a_ours
    out["residual"] = a_ours - a_s
    total = _delta(ra.value, rb.value)
    out["docs"] = None if total is None else (float(rb.value) - b_s) - (float(ra.value) - a_s)
    out["shared_means"] = {"a_logged": a_s, "b_logged": b_s, "a_rescored": a_ours, "b_under_a_metric": b_under_a}
    out["significance"] = {
        "metric": paired_test(ours_b[ib], logged_b[ib], seed=seed, n_boot=n_boot),
        "outputs": paired_test(ours_a[ia], ours_b[ib], seed=seed, n_boot=n_boot),
    }
    out["differing_outputs"] = sum(_output(rows_a[i]) != _output(rows_b[j]) for i, j in shared)
    flips = [(i, j) for i, j in shared if logged_a[i] != logged_b[j]]
    out["flips"] = len(flips)
    out["examples"] = [_example(rows_a[i], rows_b[j], float(logged_a[i]), float(logged_b[j]), float(ours_b[j]))
                       for i, j in flips[:examples]]
    return out


def _example(row_a: dict, row_b: dict, va: float, vb: float, vb_under_a: float) -> dict:
    """One document whose verdict differs: A's and B's logged verdicts, and B's output under A's metric (equal to
    ``verdict_a`` when only the metric differs, to ``verdict_b`` when only the output does)."""
    from .lm_eval_run import _prompt_of

    prompt = row_a.get("prompt") if isinstance(row_a.get("prompt"), str) else (_prompt_of(row_a) or "")
    return {"doc_id": row_a.get("doc_id"), "prompt_tail": prompt[-200:], "output_a": _output(row_a),
            "output_b": _output(row_b), "verdict_a": va, "verdict_b": vb, "verdict_b_under_a_metric": vb_under_a}


def _output(row: dict):
    if "prediction" in row:
        return row["prediction"]
    if "logprobs" in row:
        return {"argmax": int(np.argmax(row["logprobs"])), "logprobs": row["logprobs"]}
    return None


def _fmt(v, spec=".4f"):
    return "n/a" if v is None else (format(v, spec) if isinstance(v, float) else str(v))


def _read_side(path, side: str):
    """read_run(path); an InvalidInput names the side (A or B) it is about."""
    from .read import read_run

    try:
        return read_run(path)
    except InvalidInput as e:
        raise InvalidInput(f"run {side}: {e.reason}", index=e.index, field=e.field) from None


def format_why(d: dict) -> str:
    """The comparison as text."""
    lines = [f"A: {d['a']['harness']} run {d['a']['source']} (fingerprint {d['a']['fingerprint']})",
             f"B: {d['b']['harness']} run {d['b']['source']} (fingerprint {d['b']['fingerprint']})", ""]
    if d["a"]["harness"] != d["b"]["harness"]:
        lines += [f"note: runs of two harnesses ({d['a']['harness']}, {d['b']['harness']}): their settings have "
                  f"different names and their rows are paired only where task, metric and filter are equal (rows "
                  f"of the same documents under different task names are not aligned yet)", ""]
    moving = [x for x in d["differences"] if x["can_move_score"]]
    other = [x for x in d["differences"] if not x["can_move_score"]]
    if not d["differences"]:
        lines.append("settings: no difference in any recorded setting")
    else:
        lines.append(f"settings that differ: {len(moving)} can move a score, {len(other)} cannot")
        for x in moving + other:
            flag = "" if x["can_move_score"] else "  (cannot move a score)"
            lines.append(f"  [{x['kind']}] {x['field']}: {_short(x['a'])} -> {_short(x['b'])}{flag}")
    for r in d["rows"]:
        key = f"{r['metric']},{r['filter']}" if r["filter"] else r["metric"]
        lines += ["", f"{r['task']} {key}: A {_fmt(r['a'])}  B {_fmt(r['b'])}  "
                      f"delta {_fmt(r['delta'], '+.4f')}"]
        dec = r["decomposition"]
        if not dec["available"]:
            lines.append(f"  no decomposition: {dec['reason']}")
            continue
        lines.append(f"  documents: {dec['shared_docs']} shared, {dec['only_a_docs']} only in A, "
                     f"{dec['only_b_docs']} only in B")
        sig = dec.get("significance", {})
        for part in PARTS:
            p = sig.get(part, {}).get("p_value")
            lines.append(f"  {part:<8} {_fmt(dec.get(part), '+.4f')}" + (f"  (p = {p:.3g})" if p is not None else ""))
        lines.append(f"  outputs differ on {dec['differing_outputs']} of the shared documents; verdicts differ on "
                     f"{dec['flips']}" + ("; first:" if dec["examples"] else ""))
        for e in dec["examples"]:
            lines.append(f"    doc {e['doc_id']}: prompt ...{_short(e['prompt_tail'][-40:], 44)}")
            lines.append(f"      A {_short(e['output_a'])} -> {e['verdict_a']:g} | B {_short(e['output_b'])} -> "
                         f"{e['verdict_b']:g} (under A's metric {e['verdict_b_under_a_metric']:g})")
    for key, label in (("rows_only_in_a", "rows only in A"), ("rows_only_in_b", "rows only in B")):
        if d.get(key):
            lines.append(f"{label}: {'; '.join(d[key])}")
    return "\n".join(lines)


def _short(v, width: int = 60) -> str:
    import json

    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"
