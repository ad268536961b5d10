"""The diff as one self-contained HTML page: no network, no scripts, no external CSS or fonts.

``render(diff_dict)`` takes what ``evalmetrics.diffing.diff`` returns and gives the page: a bar chart (inline SVG,
one ``<rect>`` per meaning, the 95% bootstrap interval as a whisker), the table of scores with canonical IDs (a
long ID shown by a short name, the full ID one click away in a ``<details>``), the flip count of every pair, and
the first flipping samples with the steps that made the difference. Every piece of text from the data or the IDs
is HTML-escaped.
"""
from __future__ import annotations

from html import escape

__all__ = ["render"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;color:#222;padding:0 1rem}
h1{font-size:1.5rem} h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0} td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top}
th{background:#f3f3f3;text-align:left} td.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em}
pre{white-space:pre-wrap;word-break:break-word;margin:0;background:#f8f8f8;padding:.2rem .4rem}
.id{font-size:.8em;color:#444} .lead{font-size:1.1rem} .muted{color:#666}
details.long-id summary{cursor:pointer} .full-id{display:block;max-width:40rem;word-break:break-all;user-select:all;
background:#f8f8f8;padding:.2rem .4rem;margin-top:.2rem}
svg text{font-family:system-ui,sans-serif;font-size:12px}
"""


def _t(x) -> str:
    return escape(str(x), quote=True)


def _pre(x) -> str:
    return f"<pre>{_t(x if isinstance(x, str) else repr(x))}</pre>"


SHORT_ID = 60  # IDs up to this many characters are shown whole; longer ones by a short name


def short_name(metric_id: str) -> str:
    """A short name for a long canonical ID: its unit name and its digest name, ``em_`` + 10 hex digits of
    sha256(ID) (the name ``evalmetrics.integrations.metric_name`` registers it under)."""
    import hashlib

    unit = metric_id.split("(", 1)[0]
    return f"{unit}(\u2026) em_{hashlib.sha256(metric_id.encode('utf-8')).hexdigest()[:10]}"


def _short(name: str) -> str:
    """A meaning's name as shown: itself, or the short name of a long one (a canonical ID given as the name)."""
    return name if len(name) <= SHORT_ID else short_name(name)


def _name(name: str) -> str:
    """A meaning's name as HTML: a long one by its short name (its full ID is in the scores table)."""
    if len(name) <= SHORT_ID:
        return _t(name)
    return f'<span class="short-name">{_t(short_name(name))}</span>'


def _id_cell(metric_id: str) -> str:
    """The canonical ID, whole when short; else its short name, with the full ID one click away (a
    ``<details>`` that opens on click; the full ID is selected whole by one click, ready to copy)."""
    if len(metric_id) <= SHORT_ID:
        return f'<code class="id">{_t(metric_id)}</code>'
    return (f'<details class="long-id"><summary title="show the full canonical ID ({len(metric_id):,} characters)">'
            f'<code class="id">{_t(short_name(metric_id))}</code></summary>'
            f'<code class="id full-id">{_t(metric_id)}</code></details>')


def _chart(scores) -> str:
    """Horizontal bars, one per meaning, with the interval as a whisker (lines, so rects == meanings)."""
    bar_h, gap, label_w, plot_w, pad = 22, 10, 330, 420, 30
    height = pad + len(scores) * (bar_h + gap) + 20
    width = label_w + plot_w + 70
    hi = max([1.0] + [max(r["score"], r["ci95"][1]) for r in scores if r["ci95"][1] == r["ci95"][1]])

    def x(v):
        return label_w + plot_w * (max(v, 0.0) / hi)

    parts = [f'<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="scores per meaning with 95% intervals">']
    for k in range(0, 5):
        v = hi * k / 4
        parts.append(f'<line x1="{x(v):.1f}" y1="{pad - 8}" x2="{x(v):.1f}" y2="{height - 20}" stroke="#ddd"/>'
                     f'<text x="{x(v):.1f}" y="{pad - 12}" text-anchor="middle">{v:.2f}</text>')
    for i, r in enumerate(scores):
        y = pad + i * (bar_h + gap)
        lo, up = r["ci95"]
        label = _short(r["name"])
        label = label if len(label) <= 48 else label[:47] + "\u2026"
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{_t(label)}</text>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{x(r["score"]) - label_w:.1f}" '
                     f'height="{bar_h}" fill="#4c78a8"><title>{_t(_short(r["name"]))}: {r["score"]:.4f}</title></rect>')
        if lo == lo and up == up:  # not NaN
            cy = y + bar_h / 2
            parts.append(f'<line class="ci" x1="{x(lo):.1f}" y1="{cy}" x2="{x(up):.1f}" y2="{cy}" stroke="#111" '
                         f'stroke-width="1.5"/><line x1="{x(lo):.1f}" y1="{cy - 6}" x2="{x(lo):.1f}" y2="{cy + 6}" '
                         f'stroke="#111"/><line x1="{x(up):.1f}" y1="{cy - 6}" x2="{x(up):.1f}" y2="{cy + 6}" '
                         f'stroke="#111"/>')
        parts.append(f'<text x="{max(x(r["score"]), x(up) if up == up else 0) + 6:.1f}" '
                     f'y="{y + bar_h * 0.7:.1f}">{r["score"]:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _example(p, ex) -> str:
    a, b = p["a"], p["b"]
    rows = [f'<tr><th colspan="2">sample #{ex["index"]}'
            + (f' (doc_id {_t(ex["doc_id"])})' if "doc_id" in ex else "")
            + f': {_name(a)} = {ex["scores"][a]:g}, {_name(b)} = {ex["scores"][b]:g}</th></tr>']
    if "prediction" in ex:
        rows.append(f'<tr><td>prediction</td><td>{_pre(ex["prediction"])}</td></tr>')
        rows.append(f'<tr><td>reference</td><td>{_pre(ex["reference"])}</td></tr>')
        from .diffing import changed_words, flip_words

        for label, d in ex.get("processed", {}).items():
            rows.append(f'<tr><td>{_name(label)} compares</td><td>{_pre(d["prediction"])} with '
                        f'{_pre(d["reference"])}<span class="muted">{_t(changed_words(d))}</span></td></tr>')
        if ex.get("processed"):
            why = "; ".join(f"<code>{_t(w)}</code>" for w in flip_words(ex.get("differs_by", ())))
            rows.append(f'<tr><td>flipped by</td><td class="flipped-by">'
                        f'{why or "the comparison itself (mode, empty-answer rule or combine)"}</td></tr>')
    else:
        rows.append(f'<tr><td>choices</td><td>log-probs {_t(ex.get("logprobs"))}, gold {_t(ex.get("gold"))}</td></tr>')
    return '<table class="example">' + "".join(rows) + "</table>"


def render(out: dict, title: str | None = None) -> str:
    """The HTML page for one diff result (the dict ``evalmetrics.diffing.diff`` returns)."""
    scores = out["scores"]
    name = out.get("name")
    title = title or (f"evalmetrics: what \u201c{name}\u201d means" if name else "evalmetrics diff")
    vals = [r["score"] for r in scores]
    of = f" of \u201c{_t(name)}\u201d" if name else ""
    lead = ""
    if len(vals) > 1 and min(vals) != max(vals):
        lead = f"The same {out['n']:,} outputs score from {min(vals):.3f} to {max(vals):.3f} under {len(vals)} meanings{of}."
    elif len(vals) > 1:
        lead = f"The same {out['n']:,} outputs score {vals[0]:.3f} under all {len(vals)} meanings{of}."
    filt = f", lm_eval filter <code>{_t(out['filter'])}</code>" if out.get("filter") else ""
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
         f"<title>{_t(title)}</title><style>{_CSS}</style></head><body>",
         f"<h1>{_t(title)}</h1>", f'<p class="lead">{lead}</p>',
         f'<p class="muted">data: <code>{_t(out["data"])}</code> (n={out["n"]:,}{filt}); 95% percentile bootstrap '
         f'intervals, seed {_t(out["bootstrap_seed"])}, {_t(out["n_boot"])} resamples.</p>',
         "<h2>Scores per meaning</h2>", _chart(scores),
         '<table id="scores"><thead><tr><th>meaning</th><th>score</th><th>95% interval</th><th>n</th>'
         "<th>timeouts</th><th>canonical ID</th></tr></thead><tbody>"]
    for r in scores:
        lo, hi = r["ci95"]
        h.append(f'<tr><td>{_name(r["name"])}</td><td class="num">{r["score"]:.4f}</td>'
                 f'<td class="num">[{lo:.4f}, {hi:.4f}]</td><td class="num">{r["n"]:,}</td>'
                 f'<td class="num">{r["n_timeouts"]}</td><td>{_id_cell(r["id"])}</td></tr>')
    h.append("</tbody></table>")
    for note in out.get("skipped", ()):
        h.append(f'<p class="muted">not shown: {_t(note)}</p>')
    h.append('<h2>Samples whose verdict flips, per pair</h2><table id="flips"><thead><tr><th>flips</th>'
             "<th>meaning A</th><th>meaning B</th><th>p (paired)</th></tr></thead><tbody>")
    for p in sorted(out["pairs"], key=lambda p: -p["flips"]):
        sig = p.get("significance")
        pv = (f'<td class="num" title="{_t(sig["method"])}">{sig["p_value"]:.3g}</td>' if sig
              else '<td class="muted">n/a</td>')
        h.append(f'<tr><td class="num">{p["flips"]:,}</td><td>{_name(p["a"])}</td><td>{_name(p["b"])}</td>{pv}</tr>')
    h.append("</tbody></table>")
    shown = [p for p in out["pairs"] if p["examples"]]
    if shown:
        h.append('<h2>First flipping samples</h2><div id="examples">')
        for p in shown:
            h.append(f"<h3>{_name(p['a'])} vs {_name(p['b'])} ({p['flips']:,} flips)</h3>")
            h.extend(_example(p, ex) for ex in p["examples"])
        h.append("</div>")
    h.append('<p class="muted">Made by <code>evalmetrics report</code>; self-contained (no scripts, no network).</p>')
    h.append("</body></html>\n")
    return "\n".join(h)
