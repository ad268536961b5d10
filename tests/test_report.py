"""`evalmetrics report`: one self-contained HTML page, rendered by a real headless Chromium in the test."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from evalmetrics.cli import main
from evalmetrics.report import render

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def rendered(page, tmp_path) -> str:
    """The page's DOM as headless Chromium renders it; skips the test, saying why, when no browser is installed."""
    exe = browser()
    if exe is None:
        pytest.skip("no Chromium or Chrome found (looked for " + ", ".join(BROWSERS) + "); install Debian's "
                    "`chromium` package (.ci/run does when apt-get is usable) to render the page in a browser")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([exe, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    return dom


class Elements(HTMLParser):
    """Every start tag with its attributes and the ids of the elements enclosing it."""

    def __init__(self):
        super().__init__()
        self.tags, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a, [x.get("id") for _, x in self.stack]))
        if tag not in ("meta", "line", "br", "img", "input", "link"):
            self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):  # <line/>: an element with no content
        self.tags.append((tag, dict(attrs), [x.get("id") for _, x in self.stack]))

    def handle_endtag(self, tag):
        if tag not in [t for t, _ in self.stack]:
            return
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break


def parse(html):
    p = Elements()
    p.feed(html)
    return p.tags


@pytest.fixture
def hostile(tmp_path):
    p = tmp_path / "s.jsonl"
    rows = [
        {"prediction": " <script>alert(1)</script>", "references": ["<script>alert(1)</script>"]},
        {"prediction": " Paris & <b>Co</b>", "references": ["Paris & <b>Co</b>"]},
        {"prediction": "\"quoted\" ' x", "references": ["x"]},
        {"prediction": "Paris", "references": ["Paris"]},
        {"prediction": "", "references": [""]},
    ]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return p


def test_page_is_self_contained_and_escaped(tmp_path, hostile, capsys):
    out = tmp_path / "r.html"
    assert main(["report", "--name", "exact_match", "--data", str(hostile), "-o", str(out), "--n-boot", "50"]) == 0
    assert "wrote" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    tags = parse(html)
    assert not [t for t, a, _ in tags if t in ("script", "link", "img", "iframe", "object", "embed", "b")]
    assert not [a for _, a, _ in tags if {"src", "href"} & set(a) or any(k.startswith("on") for k in a)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "Paris &amp; &lt;b&gt;Co&lt;/b&gt;" in html
    assert "https://" not in html and "url(" not in html and "@import" not in html and "@font-face" not in html
    d = json.loads(_diff_json(capsys, hostile))
    rects = [a for t, a, enclosing in tags if t == "rect" and "chart" in enclosing]
    assert len(rects) == len(d["scores"]) >= 3
    for r in d["scores"]:  # every canonical ID is in the table, escaped
        assert render({**d, "scores": [r]}).count("<code class=\"id\">") == 1
        from html import escape
        assert escape(r["id"]) in html


def _diff_json(capsys, data):
    assert main(["diff", "--name", "exact_match", "--data", str(data), "--n-boot", "50", "--json"]) == 0
    return capsys.readouterr().out


def test_renders_in_headless_chromium(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "--name", "exact_match", "-o", str(out), "--n-boot", "100"]) == 0
    capsys.readouterr()
    assert main(["diff", "--name", "exact_match", "--n-boot", "100", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    dom = rendered(out, tmp_path)
    tags = parse(dom)
    exe, flags = browser(), ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'shot'}"]
    rects = [a for t, a, enclosing in tags if t == "rect" and "chart" in enclosing]
    assert len(rects) == len(d["scores"]) >= 3  # one bar per meaning
    widths = [float(a["width"]) for a in rects]
    assert all(w > 0 for w in widths) and len(set(widths)) > 1  # bars differ as the scores differ
    assert [t for t, a, _ in tags if t == "table" and a.get("id") == "scores"]
    score_rows = [1 for t, a, enclosing in tags if t == "tr" and "scores" in enclosing]
    assert len(score_rows) == len(d["scores"]) + 1  # header + one per meaning
    assert [t for t, a, _ in tags if t == "div" and a.get("id") == "examples"]
    # long IDs: a short name in the browser's DOM, the full ID inside a <details> one click away
    _check_long_ids(dom, [r["id"] for r in d["scores"]])
    png = tmp_path / "shot.png"
    subprocess.run([exe, *flags, f"--screenshot={png}", "--window-size=1200,900", out.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_report_with_explicit_metrics(tmp_path, hostile, capsys):
    out = tmp_path / "two.html"
    assert main(["report", "--metrics", "lm_eval:exact_match", "helm:exact_match", "--data", str(hostile), "-o",
                 str(out), "--n-boot", "20", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"report": str(out), "n": 5, "meanings": 2}
    tags = parse(out.read_text(encoding="utf-8"))
    assert len([a for t, a, enclosing in tags if t == "rect" and "chart" in enclosing]) == 2
    assert len([1 for t, a, enclosing in tags if t == "tr" and "flips" in enclosing]) == 2  # header + one pair


def _check_long_ids(html, ids):
    import re
    from html import unescape

    from evalmetrics.report import SHORT_ID, short_name

    long_ids = [i for i in ids if len(i) > SHORT_ID]
    assert long_ids
    summaries = [unescape(re.sub(r"<[^>]+>", "", x)) for x in re.findall(r"<summary[^>]*>(.*?)</summary>", html, re.S)]
    fulls = [unescape(x) for x in re.findall(r'<code class="id full-id">(.*?)</code>', html, re.S)]
    assert summaries == [short_name(i) for i in long_ids] and all(len(x) <= 45 for x in summaries)
    assert fulls == long_ids  # the whole ID, unabridged, inside the <details>
    tags = parse(html)
    assert len([1 for t, a, enc in tags if t == "details" and "scores" in enc]) == len(long_ids)


def test_issue_14_long_ids_show_a_short_name_with_the_full_id_one_click_away(tmp_path, hostile, capsys):
    import evalmetrics as em
    from evalmetrics.integrations import metric_name

    full = em.MathEquivalence().id
    out = tmp_path / "ids.html"
    assert main(["report", "--metrics", full, "lighteval:exact_match", "--data", str(hostile), "-o",
                 str(out), "--n-boot", "20"]) == 0
    capsys.readouterr()
    html = out.read_text(encoding="utf-8")
    assert len(full) > 1000  # the kilobyte-long ID of the issue
    _check_long_ids(html, [full, em.get("lighteval:exact_match").id])
    # the short name's digest is the name integrations register the metric under
    from evalmetrics.report import short_name

    assert short_name(full).endswith(metric_name(full))
    # no ID cell holds the kilobyte string outside the <details>
    cells = html.split('<table id="scores">')[1].split("</table>")[0]
    from evalmetrics.report import _t

    assert cells.count(_t(full)) == 1


def test_trial_report_is_written_with_the_usual_file_mode(tmp_path):
    """Trial item 13: `report` wrote the HTML with mode 0600 (mkstemp's), not as the umask says."""
    out = tmp_path / "r.html"
    old = os.umask(0o022)
    try:
        assert main(["report", "--metrics", "lm_eval:exact_match", "helm:exact_match", "-o", str(out),
                     "--n-boot", "20", "--limit", "20"]) == 0
        assert out.stat().st_mode & 0o777 == 0o644
        os.umask(0o027)
        assert main(["report", "--metrics", "lm_eval:exact_match", "helm:exact_match", "-o", str(out),
                     "--n-boot", "20", "--limit", "20"]) == 0
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)
