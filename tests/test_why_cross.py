"""``evalmetrics why`` across harnesses: lm_eval's gsm8k against lighteval's gsm8k.

tests/data/cross_runs holds two real runs of one local gsm8k-like data set with one tiny random GPT-2, made by
tests/conformance/test_run_cards_cross.py (``python tests/conformance/test_run_cards_cross.py DEST``, or its tests
with EVALMETRICS_WRITE_LOGS=1): ``lm_eval/`` (lm-eval 0.4.13's own gsm8k.yaml, the data local, 0-shot) and
``lighteval/`` (lighteval 0.13.0's own gsm8k task config, the data local, scored with lm_eval's strict-match meaning
``em_strict`` and lighteval's ``quasi_exact_match_gsm8k`` ``qem``, both through ``to_lighteval``). The conformance
test makes the same checks on fresh runs, and checks the rescored part against lm_eval's own filters and metric.

The data (see that module): documents 0-3 in both runs; lm_eval's 4 (gold ``#### [invalid]``, lm_eval's fallback
text: strict-match scores it 1 whatever the output) and lighteval's 4 in one run only; one question twice in
lighteval's data (5, 6) and once in lm_eval's (5): ambiguous; lm_eval's 6 and 7 share a question with different
golds, and lighteval's 7 has 7's gold.
"""
from __future__ import annotations

import json
import os

import pytest

from evalmetrics.cli import main
from evalmetrics.io import read_rows
from evalmetrics.runs import format_why, read_run, why

RUNS = os.path.join(os.path.dirname(__file__), "data", "cross_runs")
LM, LE = os.path.join(RUNS, "lm_eval"), os.path.join(RUNS, "lighteval")
PARTS = ("metric", "outputs", "docs", "residual")
STRICT, FLEX = ("exact_match", "strict-match"), ("exact_match", "flexible-extract")


def aligned_ids():
    """(lm_eval doc_id, lighteval doc id) of the documents the two runs share (by the data's design)."""
    return [("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"), ("7", "7")]


def _rows(d):
    return {(r["metric"], r["filter"], r["metric_b"]): r for r in d["rows"]}


def check_cross(d, lm, le):
    """The comparison of lm_eval run ``lm`` (A) with lighteval run ``le`` (B)."""
    rows = _rows(d)
    assert set(rows) == {(*STRICT, "em_strict"), (*STRICT, "qem"), (*FLEX, "em_strict"), (*FLEX, "qem")}
    for (metric, filt, metric_b), r in rows.items():
        assert r["paired_by"] == "benchmark" and r["benchmark"] == "gsm8k"
        assert (r["task"], r["task_b"], r["filter_b"]) == ("gsm8k", "gsm8k|0", "")
        assert r["same_meaning"] is ((filt, metric_b) == ("strict-match", "em_strict"))
        assert r["same_meaning"] == (r["id_a"] == r["id_b"]) and r["id_a"] and r["id_b"]
        dec = r["decomposition"]
        al = dec["alignment"]
        assert (al["aligned"], al["only_a"], al["only_b"], al["ambiguous_a"], al["ambiguous_b"]) == (5, 2, 1, 1, 2)
        assert al["only_a_ids"] == ["4", "6"] and al["only_b_ids"] == ["4"]  # lm_eval's 6: the other gold
        assert al["ambiguous"] == [{"a": ["5"], "b": ["5", "6"]}] and al["gold_differs"] == 0
        assert (dec["shared_docs"], dec["only_a_docs"], dec["only_b_docs"]) == (5, 3, 3)
        assert dec["residual"] == 0.0  # evalmetrics on lm_eval's own outputs gives lm_eval's logged values
        assert sum(dec[p] for p in PARTS) == pytest.approx(r["delta"], abs=1e-12)
        # the outputs are the same: both harnesses ran the same greedy model on the same prompt
        assert dec["differing_outputs"] == 0 and dec["outputs"] == 0.0
        # the metric part is A's canonical pipeline (its ID) on B's outputs against A's gold, on the aligned docs
        rescored = _canonical_on_b(r["id_a"], lm, le, filt)
        assert dec["shared_means"]["b_under_a_metric"] == pytest.approx(rescored, abs=1e-15)
        assert dec["metric"] == pytest.approx(dec["shared_means"]["b_logged"] - rescored, abs=1e-15)
        # the documents only one run has (and the ambiguous ones) are the docs part
        assert dec["docs"] == pytest.approx((r["b"] - dec["shared_means"]["b_logged"])
                                            - (r["a"] - dec["shared_means"]["a_logged"]), abs=1e-15)
        p = dec["prompts"]
        assert (p["doc_a"], p["doc_b"], p["a_from"], p["b_from"]) == ("0", "0", "arguments (lm_eval's context)",
                                                                      "doc.query")
        question = "Tom has 3 apples and eats 1. How many are left"
        assert p["a"] == p["b"] == f"Question: {question}\nAnswer:"  # lm_eval's gsm8k prompt is lighteval's
    same = rows[(*STRICT, "em_strict")]["decomposition"]
    # one meaning, the same outputs: the whole gap is documents, and lm_eval's document 4 (strict-match scores
    # lm_eval's fallback text 1) is in it
    assert (same["metric"], same["outputs"]) == (0.0, 0.0)
    assert same["docs"] == pytest.approx(rows[(*STRICT, "em_strict")]["delta"], abs=1e-15) != 0
    logged = {r["doc_id"]: r["exact_match"] for r in read_rows(_samples(lm), lm_eval_filter="strict-match")}
    assert logged[4] == 1.0 and sum(logged.values()) == 1.0
    other = rows[(*STRICT, "qem")]["decomposition"]
    assert other["metric"] > 0 and other["flips"] == 2  # lighteval's qem calls "blue" and "Paris" right
    for e in other["examples"]:
        assert e["output_a"] == e["output_b"] and e["verdict_b_under_a_metric"] == e["verdict_a"] != e["verdict_b"]
        assert e["doc_id_b"] is not None and e["prompt_tail_b"].endswith("Answer:")
    assert other["significance"]["metric"]["method"].startswith("exact McNemar")
    assert d["rows_only_in_a"] == [] and d["rows_only_in_b"] == []


def check_swapped(d):
    """lighteval as A, lm_eval as B: the alignment seen from the other side."""
    for r in d["rows"]:
        al = r["decomposition"]["alignment"]
        assert (al["aligned"], al["only_a"], al["only_b"]) == (5, 1, 2)
        assert al["only_a_ids"] == ["4"] and al["only_b_ids"] == ["4", "6"]
        assert al["ambiguous"] == [{"a": ["5", "6"], "b": ["5"]}]
        dec = r["decomposition"]
        assert dec["residual"] == 0.0 and sum(dec[p] for p in PARTS) == pytest.approx(r["delta"], abs=1e-12)


def _samples(lm):
    return read_run(lm).documents["gsm8k"]["path"]


def _canonical_on_b(metric_id, lm, le, filt):
    """em.get(A's ID) on lighteval's raw outputs with lm_eval's targets, over the aligned documents."""
    import evalmetrics as em

    details = read_run(le).documents["gsm8k|0"]["path"]
    out_b = {r["doc"]["id"]: r["model_response"]["text"][0] for r in read_rows(details)}
    target_a = {str(r["doc_id"]): r["target"] for r in read_rows(_samples(lm), lm_eval_filter=filt)}
    pairs = aligned_ids()
    r = em.get(metric_id).compute([out_b[b] for _, b in pairs], [target_a[a] for a, _ in pairs])
    return float(sum(r.per_sample) / len(pairs))


def test_lm_eval_against_lighteval():
    check_cross(why(LM, LE, n_boot=200), LM, LE)


def test_lighteval_against_lm_eval():
    check_swapped(why(LE, LM, n_boot=200))


def test_rows_pair_only_by_benchmark():
    """The runs' tasks are gsm8k by name (BENCHMARKS); a caller can name a pair; unrelated tasks do not pair."""
    from evalmetrics.runs.align import benchmark_pairs, task_name

    a, b = read_run(LM), read_run(LE)
    assert [p[:3] for p in benchmark_pairs(a, b)] == [("gsm8k", "gsm8k|0", "gsm8k")]
    assert task_name("lighteval", "lighteval|gsm8k|5") == task_name("lighteval", "gsm8k|0") == "gsm8k"
    assert task_name("lighteval", "arc:easy|25") == "arc:easy"
    for r in b.rows:  # the same run under another task name: no benchmark, no row, unless named
        r.task = "my_math|0"
    assert why(a, b, n_boot=50)["rows"] == []
    d = why(a, b, n_boot=50, benchmarks={"gsm8k": "my_math|0"})
    assert len(d["rows"]) == 4 and {r["benchmark_by"] for r in d["rows"]} == {"named by the caller"}


def test_why_command_names_benchmark_pairs(capsys):
    """``why --benchmark A_TASK=B_TASK`` is ``why(a, b, benchmarks={A_TASK: B_TASK})``: the named pair wins over
    the pairs evalmetrics finds; a pair whose A task is not in A (or B task not in B), or a malformed pair, is a
    typed error (exit 2) naming the flag and each run's tasks; the text says "paired: named by the caller"."""
    assert main(["why", LM, LE, "--json", "--n-boot", "50"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert {r["benchmark_by"] for r in found["rows"]} != {"named by the caller"}
    assert main(["why", LM, LE, "--json", "--n-boot", "50", "--benchmark", "gsm8k=gsm8k|0"]) == 0
    named = json.loads(capsys.readouterr().out)
    assert "  paired: named by the caller; same meaning" in format_why(named)
    assert {r["benchmark_by"] for r in named["rows"]} == {"named by the caller"}
    assert {r["benchmark"] for r in named["rows"]} == {"gsm8k"}
    strip = ("benchmark", "benchmark_by")
    assert [{k: v for k, v in r.items() if k not in strip} for r in named["rows"]] == \
        [{k: v for k, v in r.items() if k not in strip} for r in found["rows"]]
    for bad in ("gsm8k", "=gsm8k|0", "gsm8k="):
        assert main(["why", LM, LE, "--benchmark", bad]) == 2
        assert "expected A_TASK=B_TASK" in capsys.readouterr().err
    for bad, says in (("nosuch=gsm8k|0", "A has no task 'nosuch'"), ("gsm8k=lighteval|gsm8k|0",
                                                                      "B has no task 'lighteval|gsm8k|0'")):
        assert main(["why", LM, LE, "--benchmark", bad]) == 2
        err = capsys.readouterr().err
        assert f"field benchmark: --benchmark {bad}: {says}" in err
        assert "(A's tasks: gsm8k; B's tasks: gsm8k|0)" in err


def test_cross_text_json_and_html(capsys, tmp_path):
    assert main(["why", LM, LE, "--json", "-o", str(tmp_path / "w.json")]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) >= {"a", "b", "differences", "rows", "rows_only_in_a", "rows_only_in_b", "settings"}
    row = d["rows"][0]
    assert set(row) >= {"task", "metric", "filter", "a", "b", "delta", "id_a", "id_b", "decomposition",
                        "same_meaning", "paired_by", "benchmark", "task_b", "metric_b", "filter_b"}
    assert set(row["decomposition"]) >= {"available", "shared_docs", "only_a_docs", "only_b_docs", "metric_a",
                                         "metric", "outputs", "docs", "residual", "shared_means", "significance",
                                         "differing_outputs", "flips", "examples", "alignment", "prompts"}
    text = format_why(d)
    assert "benchmark gsm8k: A gsm8k exact_match,strict-match" in text and "same meaning: yes" in text
    assert ("documents aligned by content: 5 aligned, 2 only in A, 1 only in B, 1 + 2 ambiguous (A + B, not "
            "merged)") in text
    assert "ambiguous: A docs 5 / B docs 5, 6" in text
    assert "doc 0 (A, arguments (lm_eval's context)) | doc 0 (B, doc.query): the prompts' ends" in text
    one_sided = [x for x in d["differences"] if "missing" in x]
    assert one_sided and all(x["missing"] in ("a", "b") and x[x["missing"]] is None for x in one_sided)
    assert all(x["a"] != x["b"] for x in d["differences"])  # never a field equal on both sides (null / null)
    n_a = sum(x["missing"] == "b" for x in one_sided)
    both = [x for x in d["differences"] if "missing" not in x]
    moving = sum(x["can_move_score"] for x in both)
    assert (f"settings that differ: {moving} can move a score, {len(both) - moving} cannot; {len(one_sided)} "
            f"recorded by one run only ({n_a} by A, {len(one_sided) - n_a} by B)") in text
    assert "evalmetrics does not map them" in text and "(recorded by one run only)" not in text
    page = tmp_path / "w.html"
    assert main(["why", LM, LE, "-o", str(page)]) == 0
    capsys.readouterr()
    html = page.read_text(encoding="utf-8")
    assert 'id="prompts"' in html and "aligned by content" in html and "gsm8k|0 em_strict" in html
    assert (f"{moving} setting(s) that can move a score differ, {len(both) - moving} that cannot; "
            f"{len(one_sided)} recorded by one run only.") in html
    table = html.split('id="differences"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + len(both) and "<pre>null</pre></td><td><pre>null</pre>" not in table
    assert html.split('id="one_sided"')[1].split("</table>")[0].count("not recorded") == len(one_sided)


def test_alignment_rules_on_documents():
    """The rules the real runs above do not reach: golds written differently (gsm8k_cot's target is the number,
    lighteval's the whole solution) still align on the question and are counted; a query holding two questions
    with neither gold is ambiguous; an lm_eval document without a question found in its prompt aligns with
    nothing."""
    from evalmetrics.runs.align import Doc, align_documents

    def lm(i, question, gold):
        return Doc(i, str(i), question, None, (gold,), None, "")

    def le(i, query, gold):
        return Doc(i, str(i), None, query, (gold,), None, "")

    a = [lm(0, "How many legs", "8"), lm(1, "What is 2 + 2", "4"), lm(2, "2 + 2", "5"), lm(3, None, "x")]
    b = [le(0, "Question: How many legs\nAnswer:".replace("\n", " "), "Spiders have 8 legs. #### 8"),
         le(1, "Question: What is 2 + 2 Answer:", "#### 4"), le(2, "Question: x Answer:", "x")]
    al = align_documents(a, b)
    assert al.pairs == [(0, 0)] and al.gold_differs == 1
    assert al.ambiguous == [{"a": ["1", "2"], "b": ["1"]}]
    assert al.only_a == [3] and al.only_b == [2] and al.unalignable == [3]
    swapped = align_documents(b, a)
    assert swapped.pairs == [(0, 0)] and swapped.ambiguous == [{"a": ["1"], "b": ["1", "2"]}]


def test_cross_html_page_renders_in_headless_chromium(tmp_path, capsys):
    """The page of a cross-harness comparison in a real browser: one bar part per non-zero part of each row, and
    the two prompts of one aligned document side by side."""
    from test_report import parse, rendered

    out = tmp_path / "why.html"
    assert main(["why", LM, LE, "-o", str(out), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    dom = rendered(out, tmp_path)
    tags = parse(dom)
    parts = [a["data-part"] for t, a, enclosing in tags if t == "rect" and a.get("class") == "part"
             and "chart" in enclosing]
    assert parts == [p for r in d["rows"] for p in PARTS if r["decomposition"][p]]
    cells = [1 for t, a, enclosing in tags if t == "td" and "prompts" in enclosing]
    assert len(cells) == 2
    assert dom.count("Question: Tom has 3 apples and eats 1. How many are left") >= 2
