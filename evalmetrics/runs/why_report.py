"""``evalmetrics why A B -o page.html``: the comparison of two runs as one self-contained HTML page (no network, no
scripts): the decomposition of each row's gap as a chart (inline SVG: per row, one ``<rect class="part">`` per
non-zero part, positive parts stacked right of zero and negative ones left), the settings that differ, the rows with
their parts and paired p-values, and the documents whose verdicts differ. Every text from the runs is escaped."""
from __future__ import annotations

import json

from ..report import _CSS, _id_cell, _pre, _t

__all__ = ["render_why"]

COLORS = {"metric": "#e45756", "outputs": "#4c78a8", "docs": "#f58518", "residual": "#9d9d9d"}
PARTS = tuple(COLORS)


def _label(r: dict) -> str:
    key = f"{r['metric']},{r['filter']}" if r["filter"] else r["metric"]
    if r.get("paired_by") == "benchmark":  # two harnesses' rows of one benchmark
        key_b = f"{r['metric_b']},{r['filter_b']}" if r["filter_b"] else r["metric_b"]
        return f"{r['task']} {key} / {r['task_b']} {key_b}"
    return f"{r['task']} {key}"


def _chart_label(r: dict, width: int = 44) -> str:
    """A row's chart label of at most ``width`` characters that always shows its metric: a long task name is cut
    (``…``) before the metric, and a metric too long on its own keeps its start."""
    key = f"{r['metric']},{r['filter']}" if r["filter"] else r["metric"]
    if r.get("paired_by") == "benchmark":
        key_b = f"{r['metric_b']},{r['filter_b']}" if r["filter_b"] else r["metric_b"]
        key = key if key == key_b else f"{key} / {key_b}"
    room = width - len(key) - 1
    if room < 4:
        return key if len(key) <= width else key[: width - 1] + "\u2026"
    task = r["task"]
    return f"{task if len(task) <= room else task[: room - 1] + chr(0x2026)} {key}"


def _chart(rows: list) -> str:
    shown = [r for r in rows if r["decomposition"].get("available")]
    if not shown:
        return '<p class="muted">No row has a decomposition (see the reasons in the table).</p>'
    bar_h, gap, label_w, plot_w, pad = 22, 12, 300, 460, 34
    height = pad + len(shown) * (bar_h + gap) + 34
    width = label_w + plot_w + 90
    pos = [sum(max(0.0, r["decomposition"].get(p) or 0.0) for p in PARTS) for r in shown]
    neg = [sum(min(0.0, r["decomposition"].get(p) or 0.0) for p in PARTS) for r in shown]
    lo, hi = min([0.0] + neg), max([0.0] + pos)
    if hi - lo == 0:
        lo, hi = -0.5, 0.5
    scale = plot_w / (hi - lo)

    def x(v):
        return label_w + (v - lo) * scale

    parts = [f'<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="each row\'s score gap split into metric, outputs, documents and residual">',
             f'<line x1="{x(0):.1f}" y1="{pad - 10}" x2="{x(0):.1f}" y2="{height - 30}" stroke="#333"/>',
             f'<text x="{x(lo):.1f}" y="{pad - 14}" text-anchor="start">{lo:+.3f}</text>',
             f'<text x="{x(hi):.1f}" y="{pad - 14}" text-anchor="end">{hi:+.3f}</text>']
    for i, r in enumerate(shown):
        dec = r["decomposition"]
        y = pad + i * (bar_h + gap)
        label = _chart_label(r)
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{_t(label)}'
                     f'<title>{_t(_label(r))}</title></text>')
        right, left = 0.0, 0.0
        for p in PARTS:
            v = dec.get(p) or 0.0
            if v == 0:
                continue
            start = right if v > 0 else left + v
            if v > 0:
                right += v
            else:
                left += v
            parts.append(f'<rect class="part" data-part="{p}" x="{x(start):.1f}" y="{y}" width="{abs(v) * scale:.1f}" '
                         f'height="{bar_h}" fill="{COLORS[p]}"><title>{p}: {v:+.4f}</title></rect>')
        parts.append(f'<text x="{x(right) + 6:.1f}" y="{y + bar_h * 0.7:.1f}">'
                     f'{r["delta"]:+.4f}</text>' if r.get("delta") is not None else "")
    ly = height - 14
    for k, p in enumerate(PARTS):
        lx = label_w + k * 110
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{COLORS[p]}"/>'
                     f'<text x="{lx + 16}" y="{ly}">{p}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _v(x, spec="+.4f") -> str:
    return "n/a" if x is None else (format(x, spec) if isinstance(x, float) else _t(x))


def _p(dec: dict, part: str) -> str:
    sig = (dec.get("significance") or {}).get(part)
    if not sig:
        return ""
    return f' <span class="muted" title="{_t(sig["method"])}">(p = {sig["p_value"]:.3g})</span>'


def render_why(d: dict, title: str | None = None) -> str:
    """The HTML page for one ``why`` result (the dict :func:`evalmetrics.runs.why` returns)."""
    title = title or "evalmetrics why: two runs compared"
    both = [x for x in d["differences"] if "missing" not in x]
    moving = [x for x in both if x["can_move_score"]]
    one_sided = [x for x in d["differences"] if "missing" in x]
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
         f"<title>{_t(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_t(title)}</h1>"]
    for side in ("a", "b"):
        s = d[side]
        h.append(f'<p>{side.upper()}: {_t(s["harness"])} run <code>{_t(s["source"])}</code> '
                 f'(fingerprint <code>{_t(s["fingerprint"])}</code>)</p>')
    if d["a"]["source"] == d["b"]["source"]:
        h.append('<p class="lead">A and B are the same run.</p>')
    h.append(f'<p class="lead">{len(moving)} setting(s) that can move a score differ, '
             f'{len(both) - len(moving)} that cannot; {len(one_sided)} recorded by one run only.</p>')
    h.append("<h2>Where each gap comes from</h2>" + _chart(d["rows"]))
    h.append('<h2>Rows</h2><table id="rows"><thead><tr><th>row</th><th>A</th><th>B</th><th>delta</th>'
             "<th>metric</th><th>outputs</th><th>docs</th><th>residual</th><th>documents</th>"
             "<th>A's canonical ID</th></tr></thead><tbody>")
    for r in d["rows"]:
        dec = r["decomposition"]
        if dec.get("available"):
            cells = "".join(f'<td class="num">{_v(dec.get(p))}{_p(dec, p)}</td>' for p in PARTS)
            docs = (f'{dec["shared_docs"]:,} shared, {dec["only_a_docs"]:,} only A, {dec["only_b_docs"]:,} only B')
            al = dec.get("alignment")
            if al is not None:
                docs = (f'{al["aligned"]:,} aligned by content, {al["only_a"]:,} only A, {al["only_b"]:,} only B, '
                        f'{al["ambiguous_a"] + al["ambiguous_b"]:,} ambiguous')
        else:
            cells = f'<td colspan="4" class="muted">{_t(dec.get("reason", ""))}</td>'
            docs = ""
        idc = _id_cell(r["id_a"]) if r.get("id_a") else '<span class="muted">not reproduced</span>'
        h.append(f'<tr><td>{_t(_label(r))}</td><td class="num">{_v(r["a"], ".4f")}</td>'
                 f'<td class="num">{_v(r["b"], ".4f")}</td><td class="num">{_v(r["delta"])}</td>{cells}'
                 f"<td>{docs}</td><td>{idc}</td></tr>")
    h.append("</tbody></table>")
    h.append('<h2>Settings that differ</h2><table id="differences"><thead><tr><th>field</th><th>kind</th><th>A</th>'
             "<th>B</th><th>can move a score</th></tr></thead><tbody>")
    for x in both:
        h.append(f'<tr><td><code>{_t(x["field"])}</code></td><td>{_t(x["kind"])}</td>'
                 f'<td>{_pre(json.dumps(x["a"], ensure_ascii=False, default=str))}</td>'
                 f'<td>{_pre(json.dumps(x["b"], ensure_ascii=False, default=str))}</td>'
                 f'<td>{"yes" if x["can_move_score"] else "no"}</td></tr>')
    h.append("</tbody></table>")
    if one_sided:
        note = (" The two harnesses name their settings their own way; evalmetrics does not map them."
                if d["a"]["harness"] != d["b"]["harness"] else "")
        h.append(f'<h2>Settings recorded by one run only</h2><p class="muted">Not counted as differences.{note}</p>'
                 '<table id="one_sided"><thead><tr><th>field</th><th>kind</th><th>A</th><th>B</th></tr></thead>'
                 "<tbody>")
        for x in one_sided:
            va, vb = ("not recorded" if x["missing"] == side else json.dumps(x[side], ensure_ascii=False,
                                                                           default=str) for side in ("a", "b"))
            h.append(f'<tr><td><code>{_t(x["field"])}</code></td><td>{_t(x["kind"])}</td><td>{_pre(va)}</td>'
                     f"<td>{_pre(vb)}</td></tr>")
        h.append("</tbody></table>")
    shown = [r for r in d["rows"] if r["decomposition"].get("prompts")]
    if shown:  # one aligned document's two rendered prompts (the first such row; the rows share their documents)
        p = shown[0]["decomposition"]["prompts"]
        h.append('<h2>One aligned document, both prompts</h2><table id="prompts"><tr>'
                 f'<th>A: doc {_t(p["doc_a"])} ({_t(p["a_from"])})</th><th>B: doc {_t(p["doc_b"])} '
                 f'({_t(p["b_from"])})</th></tr><tr><td>{_pre(p["a"] or "")}</td><td>{_pre(p["b"] or "")}</td></tr>'
                 "</table>")
    examples = [(r, e) for r in d["rows"] for e in r["decomposition"].get("examples", ())]
    if examples:
        h.append('<h2>Documents whose verdicts differ</h2><div id="examples">')
        for r, e in examples:
            h.append(f'<table class="example"><tr><th colspan="3">{_t(_label(r))}, doc {_t(e["doc_id"])}</th></tr>'
                     f'<tr><td>prompt (end)</td><td colspan="2">{_pre(e["prompt_tail"])}</td></tr>'
                     f'<tr><th></th><th>A</th><th>B</th></tr>'
                     f'<tr><td>output</td><td>{_pre(json.dumps(e["output_a"], ensure_ascii=False))}</td>'
                     f'<td>{_pre(json.dumps(e["output_b"], ensure_ascii=False))}</td></tr>'
                     f'<tr><td>verdict</td><td>{e["verdict_a"]:g}</td><td>{e["verdict_b"]:g} '
                     f'(under A\'s metric: {e["verdict_b_under_a_metric"]:g})</td></tr></table>')
        h.append("</div>")
    h.append('<p class="muted">Parts: <b>metric</b> = B\'s values minus A\'s metric on B\'s outputs; '
             "<b>outputs</b> = A's metric on B's outputs minus on A's; <b>docs</b> = the documents only one run "
             "scored; <b>residual</b> = A's metric rescored minus A's logged values. p-values: exact McNemar for "
             "0/1 values, else a paired bootstrap.</p>")
    h.append('<p class="muted">Made by <code>evalmetrics why</code>; self-contained (no scripts, no network).</p>')
    h.append("</body></html>\n")
    return "\n".join(h)
