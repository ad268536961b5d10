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
listed, the first few side by side (prompt tail, both outputs, both verdicts, B's output under A's metric). Text
rows are rescored from the model's own output (lm_eval's unfiltered response: a filtered row's ID spells its
filter out).

Runs of two harnesses (lm_eval's gsm8k against lighteval's) also pair the rows of one benchmark under each
harness's task names, each row of A's task with each of B's (:mod:`evalmetrics.runs.align`: same dataset, or task
names in its table, or named by the caller), saying both canonical IDs and whether they are one meaning. Their
documents are aligned by content (aligned / only in A / only in B / ambiguous, never merged), one aligned
document's two rendered prompts are shown side by side, and the parts are the same, with B's outputs rescored
against A's gold (A's whole pipeline: its target and its metric).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InvalidInput
from ..paired import paired_test
from .align import align_documents, benchmark_pairs, lighteval_docs, lm_eval_docs
from .card import RunCard, differences

__all__ = ["why", "format_why"]

PARTS = ("metric", "outputs", "docs", "residual")
FOOTER = ("parts: metric = B's values minus A's metric on B's outputs; outputs = A's metric on B's outputs minus on "
          "A's; docs = the documents only one run scored; residual = A's metric rescored minus A's logged values")


def why(a, b, *, seed: int = 0, n_boot: int = 10000, examples: int = 3, benchmarks: dict | None = None) -> dict:
    """The comparison of two runs (paths or :class:`RunCard`) as the stable JSON dict documented in docs/diff.md.

    Runs of two harnesses also pair the rows of one benchmark under each harness's task names
    (:mod:`evalmetrics.runs.align`; ``benchmarks`` names more pairs: ``{"<A's task>": "<B's task>"}``), their
    documents aligned by content."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise InvalidInput(f"--n-boot {n_boot!r}: the number of bootstrap resamples must be a positive integer",
                           field="n_boot")
    if isinstance(examples, bool) or not isinstance(examples, int) or examples < 0:
        raise InvalidInput(f"--examples {examples!r}: the number of examples shown must be 0 or more",
                           field="examples")
    ca = a if isinstance(a, RunCard) else _read_side(a, "A")
    cb = b if isinstance(b, RunCard) else _read_side(b, "B")
    _check_benchmarks(ca, cb, benchmarks or {})
    out = {
        "a": _side(ca), "b": _side(cb),
        "differences": differences(ca, cb),
        "rows": [],
        "settings": {"seed": seed, "n_boot": n_boot, "examples": examples},
    }
    rows_b = {(r.task, r.metric, r.filter): r for r in cb.rows}
    paired_a, paired_b = set(), set()
    for ra in ca.rows:
        rb = rows_b.get((ra.task, ra.metric, ra.filter))
        if rb is None:
            continue
        row = {"task": ra.task, "metric": ra.metric, "filter": ra.filter, "a": ra.value, "b": rb.value,
               "delta": _delta(ra.value, rb.value), "id_a": ra.id, "id_b": rb.id, "paired_by": "task",
               "same_meaning": _same_meaning(ra, rb)}
        row["decomposition"] = _decompose(ca, cb, ra, rb, seed=seed, n_boot=n_boot, examples=examples)
        out["rows"].append(row)
        paired_a.add((ra.task, ra.metric, ra.filter))
        paired_b.add((rb.task, rb.metric, rb.filter))
    if ca.harness != cb.harness:  # rows of one benchmark under each harness's own task names
        for ta, tb, bench, how in benchmark_pairs(ca, cb, benchmarks):
            for ra in (r for r in ca.rows if r.task == ta):
                for rb in (r for r in cb.rows if r.task == tb):
                    if (ra.task, ra.metric, ra.filter) == (rb.task, rb.metric, rb.filter):
                        continue  # already paired by task, metric and filter
                    row = {"task": ra.task, "metric": ra.metric, "filter": ra.filter, "a": ra.value, "b": rb.value,
                           "delta": _delta(ra.value, rb.value), "id_a": ra.id, "id_b": rb.id,
                           "paired_by": "benchmark", "same_meaning": _same_meaning(ra, rb), "benchmark": bench,
                           "benchmark_by": how, "task_b": rb.task, "metric_b": rb.metric, "filter_b": rb.filter}
                    row["decomposition"] = _decompose(ca, cb, ra, rb, seed=seed, n_boot=n_boot, examples=examples,
                                                      cross=True)
                    out["rows"].append(row)
                    paired_a.add((ra.task, ra.metric, ra.filter))
                    paired_b.add((rb.task, rb.metric, rb.filter))
    only_a = sorted({(r.task, r.metric, r.filter) for r in ca.rows} - paired_a)
    only_b = sorted(set(rows_b) - paired_b)
    out["rows_only_in_a"] = [",".join(k) for k in only_a]
    out["rows_only_in_b"] = [",".join(k) for k in only_b]
    return out


def _check_benchmarks(ca: RunCard, cb: RunCard, benchmarks: dict) -> None:
    """A named pair (``--benchmark A_TASK=B_TASK``) whose A task is not in A, or whose B task is not in B, is an
    error naming the tasks each run has."""
    tasks_a = list(dict.fromkeys(r.task for r in ca.rows))
    tasks_b = list(dict.fromkeys(r.task for r in cb.rows))
    for ta, tb in benchmarks.items():
        bad = [f"A has no task {ta!r}"] if ta not in tasks_a else []
        bad += [f"B has no task {tb!r}"] if tb not in tasks_b else []
        if bad:
            raise InvalidInput(f"--benchmark {ta}={tb}: {' and '.join(bad)} (A's tasks: {', '.join(tasks_a) or 'none'}"
                               f"; B's tasks: {', '.join(tasks_b) or 'none'})", field="benchmark")


def _same_meaning(ra, rb):
    """True/False when both rows have a canonical ID, else None (unknown)."""
    return None if ra.id is None or rb.id is None else ra.id == rb.id


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


def _logged(card: RunCard, path: Path, filt: str, metric_name: str, *, unique: bool = True):
    """(rows, keys, logged values) of one task's per-sample log: the mapped rows (one filter of an lm_eval samples
    file; a lighteval details file), each row's document key (lm_eval: its content hash, else its doc_id;
    lighteval: its query, choices and gold) and the per-document value the harness logged under the metric's
    name. ``unique``: a document twice is an error (rows matched by key); across harnesses documents are aligned
    by content instead (:mod:`evalmetrics.runs.align`), which reports duplicates."""
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
    if unique and len(set(keys)) != len(keys):
        raise InvalidInput(f"{path}: a document appears twice under filter {filt!r}", field="doc_hash")
    return rows, keys, np.asarray(values, dtype=np.float64)


def _raw(row: dict):
    """The model's own output of a text row: lm_eval's unfiltered response (a canonical ID of a filtered lm_eval
    row spells the filter out, so it is applied to what the model wrote), lighteval's ``text[0]``."""
    resps = row.get("resps")
    if isinstance(resps, list) and len(resps) == 1 and isinstance(resps[0], list) and len(resps[0]) == 1 \
            and isinstance(resps[0][0], str):
        return resps[0][0]
    return row.get("prediction")


def _rescore(metric, card, path, filt, rows, refs=None):
    """The metric's per-document values on one run's logged outputs (``refs``: these references instead of the
    run's own, one per row)."""
    from ..diffing import score_stream

    if card.harness == "helm":
        from .helm_run import helm_rescore

        return helm_rescore(metric, rows)
    if metric.request_type == "multiple_choice":  # the choice record as logged (log-probs, gold, texts)
        values = np.asarray(score_stream([("a", metric)], str(path), lm_eval_filter=filt)["a"].per_sample)
        return values if refs is None else values[[r["_row"] for r in rows]]
    preds = [_raw(r) for r in rows]
    if refs is None:
        refs = [r.get("references") for r in rows]
    return np.asarray(metric.compute(preds, refs, progress=False).per_sample, dtype=np.float64)


def _prompt(row: dict):
    """(rendered prompt, where it was read) of one logged row."""
    from .lm_eval_run import _prompt_of

    if "arguments" in row:
        return _prompt_of(row), "arguments (lm_eval's context)"
    full = (row.get("model_response") or {}).get("input")
    if isinstance(full, str) and full:
        return full, "model_response.input"
    doc = row.get("doc") if isinstance(row.get("doc"), dict) else {}
    if isinstance(doc.get("query"), str):
        return doc["query"], "doc.query"
    return (row["prompt"], "prompt") if isinstance(row.get("prompt"), str) else (None, None)


def _decompose(ca, cb, ra, rb, *, seed, n_boot, examples, cross: bool = False) -> dict:
    from ..registry import get

    pa, pb = _samples_path(ca, ra.task), _samples_path(cb, rb.task)
    if pa is None or pb is None:
        return {"available": False, "reason": "samples were not logged in " +
                " and ".join(s for s, p in (("A", pa), ("B", pb)) if p is None)}
    if ra.id is None:
        return {"available": False, "reason": f"A's {ra.metric} is not read as a canonical ID, so B's outputs "
                                              f"cannot be rescored with A's metric"}
    if cross and "helm" in (ca.harness, cb.harness):
        return {"available": False, "reason": "documents of a HELM run are not aligned with another harness's yet"}
    metric = get(ra.id)
    if getattr(metric, "aggregation", "mean") != "mean":
        return {"available": False, "reason": f"{ra.metric} is a corpus-level metric ({metric.aggregation}); "
                                              "per-document parts are not defined"}
    logs = []
    for side, card, path, row in (("A", ca, pa, ra), ("B", cb, pb, rb)):
        try:
            logs.append(_logged(card, path, row.filter, row.metric, unique=not cross))
        except InvalidInput as e:  # e.g. a HELM multiple_choice_separate run: no per-instance rows
            return {"available": False, "reason": f"{side}'s per-document values cannot be read ({e.reason})"}
    (rows_a, keys_a, logged_a), (rows_b, keys_b, logged_b) = logs
    fa = ra.filter if ca.harness == "lm_eval" else None
    fb = rb.filter if cb.harness == "lm_eval" else None
    alignment = None
    if cross:
        docs_a = (lm_eval_docs if ca.harness == "lm_eval" else lighteval_docs)(rows_a)
        docs_b = (lm_eval_docs if cb.harness == "lm_eval" else lighteval_docs)(rows_b)
        al = align_documents(docs_a, docs_b)
        shared = al.pairs
        alignment = al.to_dict(docs_a, docs_b)
    else:
        index_b = {k: i for i, k in enumerate(keys_b)}
        shared = [(i, index_b[k]) for i, k in enumerate(keys_a) if k in index_b]
    ia = np.asarray([i for i, _ in shared], dtype=np.int64)
    ib = np.asarray([j for _, j in shared], dtype=np.int64)
    try:
        ours_a = _rescore(metric, ca, pa, fa, rows_a)
        if cross:  # B's outputs on the aligned documents, against A's gold: A's whole pipeline
            ours_b = np.zeros(len(rows_b), dtype=np.float64)
            if shared:
                picked = [dict(rows_b[j], _row=j) for j in ib]
                ours_b[ib] = _rescore(metric, cb, pb, fb, picked, refs=[rows_a[i].get("references") for i in ia])
        else:
            ours_b = _rescore(metric, cb, pb, fb, rows_b)
    except InvalidInput as e:
        return {"available": False, "reason": f"the logged outputs cannot be rescored with A's metric ({e})"}
    out = {"available": True, "shared_docs": len(shared), "only_a_docs": len(keys_a) - len(shared),
           "only_b_docs": len(keys_b) - len(shared), "metric_a": ra.id}
    if alignment is not None:
        out["alignment"] = alignment
        if shared:
            i, j = shared[0]
            (prompt_a, from_a), (prompt_b, from_b) = _prompt(rows_a[i]), _prompt(rows_b[j])
            out["prompts"] = {"doc_a": str(rows_a[i].get("doc_id", (rows_a[i].get("doc") or {}).get("id", i))),
                              "doc_b": str(rows_b[j].get("doc_id", (rows_b[j].get("doc") or {}).get("id", j))),
                              "a": prompt_a, "b": prompt_b, "a_from": from_a, "b_from": from_b}
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
    out["examples"] = [_example(rows_a[i], rows_b[j], float(logged_a[i]), float(logged_b[j]), float(ours_b[j]),
                                cross=cross)
                       for i, j in flips[:examples]]
    return out


def _example(row_a: dict, row_b: dict, va: float, vb: float, vb_under_a: float, cross: bool = False) -> dict:
    """One document whose verdict differs: A's and B's logged verdicts, and B's output under A's metric (equal to
    ``verdict_a`` when only the metric differs, to ``verdict_b`` when only the output does)."""
    prompt = _prompt(row_a)[0] or ""
    doc_id = row_a.get("doc_id", (row_a.get("doc") or {}).get("id") if isinstance(row_a.get("doc"), dict) else None)
    out = {"doc_id": doc_id, "prompt_tail": prompt[-200:], "output_a": _output(row_a),
           "output_b": _output(row_b), "verdict_a": va, "verdict_b": vb, "verdict_b_under_a_metric": vb_under_a}
    if cross:
        doc_b = row_b.get("doc") if isinstance(row_b.get("doc"), dict) else {}
        out["doc_id_b"] = row_b.get("doc_id", doc_b.get("id"))
        out["prompt_tail_b"] = (_prompt(row_b)[0] or "")[-200:]
    return out


def _output(row: dict):
    if "prediction" in row:
        return _raw(row)
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
                  f"different names; rows pair by benchmark (each row of A's task with each of B's), their "
                  f"documents aligned by content", ""]
    if d["a"]["source"] == d["b"]["source"]:
        lines += ["note: A and B are the same run", ""]
    both = [x for x in d["differences"] if "missing" not in x]
    moving = [x for x in both if x["can_move_score"]]
    other = [x for x in both if not x["can_move_score"]]
    one_sided = [x for x in d["differences"] if "missing" in x]
    if not d["differences"]:
        lines.append("settings: no difference in any recorded setting")
    else:
        lines.append(f"settings that differ: {len(moving)} can move a score, {len(other)} cannot" + (
            f"; {len(one_sided)} recorded by one run only ({sum(x['missing'] == 'b' for x in one_sided)} by A, "
            f"{sum(x['missing'] == 'a' for x in one_sided)} by B)" if one_sided else ""))
        for x in moving + other:
            flag = "" if x["can_move_score"] else "  (cannot move a score)"
            lines.append(f"  [{x['kind']}] {x['field']}: {_short(x['a'])} -> {_short(x['b'])}{flag}")
        if one_sided and d["a"]["harness"] != d["b"]["harness"]:  # each harness names its settings its own way
            lines.append("  (the fields recorded by one run only are not listed: the two harnesses name their "
                         "settings their own way and evalmetrics does not map them; --json lists every one)")
        else:
            for x in one_sided:
                va = "not recorded" if x["missing"] == "a" else _short(x["a"])
                vb = "not recorded" if x["missing"] == "b" else _short(x["b"])
                lines.append(f"  [{x['kind']}] {x['field']}: {va} -> {vb}  (recorded by one run only)")
    for r in d["rows"]:
        key = f"{r['metric']},{r['filter']}" if r["filter"] else r["metric"]
        if r.get("paired_by") == "benchmark":
            key_b = f"{r['metric_b']},{r['filter_b']}" if r["filter_b"] else r["metric_b"]
            lines += ["", f"benchmark {r['benchmark']}: A {r['task']} {key} {_fmt(r['a'])}  B {r['task_b']} {key_b} "
                          f"{_fmt(r['b'])}  delta {_fmt(r['delta'], '+.4f')}",
                      f"  paired: {r['benchmark_by']}; same meaning: {_SAME[r['same_meaning']]}",
                      f"  A: {_clip(r['id_a'])}", f"  B: {_clip(r['id_b'])}"]
        else:
            lines += ["", f"{r['task']} {key}: A {_fmt(r['a'])}  B {_fmt(r['b'])}  "
                          f"delta {_fmt(r['delta'], '+.4f')}"]
        dec = r["decomposition"]
        if not dec["available"]:
            lines.append(f"  no decomposition: {dec['reason']}")
            continue
        al = dec.get("alignment")
        if al is not None:
            lines.append(f"  documents aligned by content: {al['aligned']} aligned, {al['only_a']} only in A, "
                         f"{al['only_b']} only in B, {al['ambiguous_a']} + {al['ambiguous_b']} ambiguous (A + B, "
                         f"not merged), {al['gold_differs']} aligned with golds written differently")
            for g in al["ambiguous"][:3]:
                lines.append(f"    ambiguous: A docs {', '.join(g['a']) or '-'} / B docs {', '.join(g['b']) or '-'}")
            if dec.get("prompts"):
                lines += _side_by_side(dec["prompts"])
        else:
            lines.append(f"  documents: {dec['shared_docs']} shared, {dec['only_a_docs']} only in A, "
                         f"{dec['only_b_docs']} only in B")
        sig = dec.get("significance", {})
        for part in PARTS:
            p = sig.get(part, {}).get("p_value")
            lines.append(f"  {part:<8} {_fmt(dec.get(part), '+.4f')}" + (f"  (p = {p:.3g})" if p is not None else ""))
        lines.append(f"  outputs differ on {dec['differing_outputs']} of the shared documents; verdicts differ on "
                     f"{dec['flips']}" + ("; first:" if dec["examples"] else ""))
        for e in dec["examples"]:
            lines.append(f"    doc {e['doc_id']}: prompt tail {_tail(e['prompt_tail'], 44)}")
            lines.append(f"      A {_short(e['output_a'])} -> {e['verdict_a']:g} | B {_short(e['output_b'])} -> "
                         f"{e['verdict_b']:g} (under A's metric {e['verdict_b_under_a_metric']:g})")
    for key, label in (("rows_only_in_a", "rows only in A"), ("rows_only_in_b", "rows only in B")):
        if d.get(key):
            lines.append(f"{label}: {'; '.join(d[key])}")
    if any(r["decomposition"]["available"] for r in d["rows"]):
        lines += ["", FOOTER]
    return "\n".join(lines)


def _side_by_side(p: dict, width: int = 46, height: int = 12) -> list[str]:
    """Two rendered prompts of one document in two columns (their last ``height`` lines, each wrapped at
    ``width``)."""
    import textwrap

    def column(text):
        out = []
        for line in (text or "").split("\n"):
            out.extend(textwrap.wrap(line, width, replace_whitespace=False, drop_whitespace=False) or [""])
        return out[-height:]

    a, b = column(p["a"]), column(p["b"])
    lines = [f"  doc {p['doc_a']} (A, {p['a_from']}) | doc {p['doc_b']} (B, {p['b_from']}): the prompts' ends"]
    for k in range(max(len(a), len(b))):
        left = a[k] if k < len(a) else ""
        right = b[k] if k < len(b) else ""
        lines.append(f"    {left:<{width}} | {right}")
    return lines


_SAME = {True: "yes", False: "no", None: "unknown (a row without a canonical ID)"}


def _clip(text, width: int = 96) -> str:
    text = "not reproduced" if text is None else str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _tail(text, width: int = 44) -> str:
    """The end of a text as JSON, cut at its START (``…`` first) to ``width`` characters."""
    import json

    out = json.dumps(text, ensure_ascii=False, default=str)
    return out if len(out) <= width else "…" + out[-(width - 1):]


def _short(v, width: int = 60) -> str:
    import json

    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"
