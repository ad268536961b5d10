"""Run cards (``evalmetrics card``) on lm_eval output folders written by lm_eval itself.

tests/data/lm_eval_runs holds three real lm_eval 0.4.13 runs of one local multiple-choice task (tiny random GPT-2
through lm_eval's HF backend), written by tests/conformance/test_run_cards_lm_eval.py: ``base`` (batch size 4,
0-shot), ``batch_size`` (batch size 1) and ``fewshot`` (2-shot). The conformance test checks them against fresh
runs; these tests read the committed copies without lm_eval.
"""
from __future__ import annotations

import json
import os
import shutil

import pytest

from evalmetrics import InvalidInput
from evalmetrics.cli import main
from evalmetrics.runs import KINDS, differences, format_why, read_run

RUNS = os.path.join(os.path.dirname(__file__), "data", "lm_eval_runs")
T = "tasks.em_logs_mc."


def _results(name):
    (path,) = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(RUNS, name)) for f in fs
               if f.startswith("results_")]
    return json.load(open(path, encoding="utf-8"))


def test_card_reads_every_row_with_lm_eval_s_value_and_an_id():
    card = read_run(os.path.join(RUNS, "base"))
    results = _results("base")
    assert card.harness == "lm_eval"
    assert [(r.task, r.metric, r.filter, r.value, r.stderr) for r in card.rows] == [
        ("em_logs_mc", "acc", "none", results["results"]["em_logs_mc"]["acc,none"],
         results["results"]["em_logs_mc"]["acc_stderr,none"])]
    assert card.rows[0].id.startswith("loglikelihood_match(")
    assert card.rows[0].n == 12
    assert card.documents["em_logs_mc"]["n"] == 12


def test_every_field_keeps_lm_eval_s_key_and_has_a_kind():
    card = read_run(os.path.join(RUNS, "base"))
    assert all(f.kind in KINDS for f in card.fields.values())
    config = _results("base")["config"]
    for key in ("batch_size", "limit", "fewshot_seed", "random_seed", "bootstrap_iters", "model_dtype"):
        assert card.fields[key].value == config[key]
    assert card.fields["model_args.dtype"].value == "float32"  # parsed from lm_eval's "k=v,k=v" string
    assert card.fields[T + "num_fewshot"].value == 0
    assert card.fields["bootstrap_iters"].can_move_score is False  # the standard error only
    assert card.fields["date"].kind == "record" and not card.fields["date"].can_move_score
    assert card.fields["torch_version"].kind == "software"


def test_pairs_differ_in_exactly_the_changed_setting():
    base, bs, fs = (read_run(os.path.join(RUNS, n)) for n in ("base", "batch_size", "fewshot"))
    assert {d["field"] for d in differences(base, bs)} == {"batch_size"}
    assert {d["field"] for d in differences(base, fs)} == {T + "num_fewshot", T + "n-shot", T + "hash", T + "prompts"}
    d = next(d for d in differences(base, bs) if d["field"] == "batch_size")
    assert (d["a"], d["b"], d["kind"], d["can_move_score"]) == (4, 1, "numerics", True)
    assert base.fingerprint != bs.fingerprint
    assert differences(base, base) == [] and base.fingerprint == read_run(os.path.join(RUNS, "base")).fingerprint


def test_fingerprint_ignores_record_fields(tmp_path):
    """Copy a run and change only its date and duration: same fingerprint, no differences."""
    dest = tmp_path / "copy"
    shutil.copytree(os.path.join(RUNS, "base"), dest)
    (path,) = list(dest.rglob("results_*.json"))
    d = json.loads(path.read_text(encoding="utf-8"))
    d["date"], d["total_evaluation_time_seconds"] = 1.0, "2.0"
    path.write_text(json.dumps(d), encoding="utf-8")
    a, b = read_run(os.path.join(RUNS, "base")), read_run(dest)
    assert differences(a, b) == [] and a.fingerprint == b.fingerprint
    d["config"]["limit"] = 3.0  # one score-moving field: the fingerprint moves
    path.write_text(json.dumps(d), encoding="utf-8")
    assert read_run(dest).fingerprint != a.fingerprint


def test_card_command_text_and_json(capsys, tmp_path):
    assert main(["card", os.path.join(RUNS, "base"), "--json", "-o", str(tmp_path / "c.json")]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d == json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert set(d) == {"harness", "source", "fingerprint", "fields", "rows", "documents"}
    assert "doc_hashes" not in d["documents"]["em_logs_mc"]
    assert main(["card", os.path.join(RUNS, "base"), "--json", "--doc-hashes"]) == 0
    assert len(json.loads(capsys.readouterr().out)["documents"]["em_logs_mc"]["doc_hashes"]) == 12
    assert main(["card", os.path.join(RUNS, "base")]) == 0
    out = capsys.readouterr().out
    assert f"fingerprint: {d['fingerprint']}" in out and "numerics:" in out and "first prompt:" in out


@pytest.mark.parametrize("make,message", [
    (lambda p: p, "no results_<date>.json"),
    (lambda p: (p / "x.json").write_text("{}") and p / "x.json", "not a run evalmetrics can read"),
    (lambda p: (p / "y.json").write_text("{not json") and p / "y.json", "not a JSON results file"),
    (lambda p: p / "missing", "no such file or folder"),
])
def test_bad_runs_are_typed_errors(tmp_path, make, message):
    with pytest.raises(InvalidInput, match=message) as e:
        read_run(make(tmp_path))
    assert e.value.field == "run"


def test_several_runs_in_one_folder_are_named(tmp_path, capsys):
    shutil.copytree(os.path.join(RUNS, "base"), tmp_path / "a")
    shutil.copytree(os.path.join(RUNS, "fewshot"), tmp_path / "b")
    assert main(["card", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "holds 2 runs" in err and "results_" in err


# -- why ---------------------------------------------------------------------------------------------------------
# gen_plain / gen_option: one generative task, the same model and outputs, the second with one metric option
# (exact_match regexes_to_ignore); gen_limit: gen_plain's settings with limit 5.


def test_why_metric_option_pair():
    from evalmetrics.runs import why

    d = why(os.path.join(RUNS, "gen_plain"), os.path.join(RUNS, "gen_option"))
    assert [(x["field"], x["kind"]) for x in d["differences"]] == [("tasks.em_card_gen.metric_list", "metric")]
    (row,) = d["rows"]
    dec = row["decomposition"]
    assert row["delta"] > 0 and dec["metric"] == pytest.approx(row["delta"], abs=1e-12)
    assert (dec["outputs"], dec["docs"], dec["residual"]) == (0.0, 0.0, 0.0)
    assert dec["differing_outputs"] == 0 and dec["flips"] > 0 and len(dec["examples"]) == min(3, dec["flips"])
    e = dec["examples"][0]
    assert e["output_a"] == e["output_b"] and e["verdict_b_under_a_metric"] == e["verdict_a"] != e["verdict_b"]
    assert dec["significance"]["outputs"]["p_value"] == 1.0


def test_why_limit_pair_and_parts_sum_to_the_gap():
    from evalmetrics.runs import why

    d = why(os.path.join(RUNS, "gen_plain"), os.path.join(RUNS, "gen_limit"))
    fields = {x["field"] for x in d["differences"]}
    assert {"limit", "tasks.em_card_gen.n-samples.effective", "tasks.em_card_gen.documents"} <= fields
    dec = d["rows"][0]["decomposition"]
    assert (dec["shared_docs"], dec["only_a_docs"], dec["only_b_docs"]) == (5, 9, 0)
    assert sum(dec[p] for p in ("metric", "outputs", "docs", "residual")) == pytest.approx(d["rows"][0]["delta"])


def test_why_without_samples_says_so(tmp_path):
    from evalmetrics.runs import why

    dest = tmp_path / "nosamples"
    shutil.copytree(os.path.join(RUNS, "gen_plain"), dest)
    for p in dest.rglob("samples_*.jsonl"):
        p.unlink()
    d = why(os.path.join(RUNS, "gen_plain"), dest)
    dec = d["rows"][0]["decomposition"]
    assert dec == {"available": False, "reason": "samples were not logged in B"}
    assert d["differences"] == [] or all(x["kind"] in ("documents", "prompt") for x in d["differences"])


def test_why_command_text(capsys):
    assert main(["why", os.path.join(RUNS, "gen_plain"), os.path.join(RUNS, "gen_option")]) == 0
    out = capsys.readouterr().out
    assert "[metric] tasks.em_card_gen.metric_list" in out
    assert "metric   +0.2857" in out and "outputs  +0.0000" in out and "verdicts differ on" in out


def test_readme_why_line_runs(capsys):
    """The README's second thing to try runs as written (from the repository root)."""
    import re
    import shlex

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    (line,) = re.findall(r"^\.venv/bin/evalmetrics (why .*)$", readme, re.M)
    argv = [os.path.join(root, a) if a.startswith("tests/") else a for a in shlex.split(line)]
    assert main(argv) == 0
    assert "settings that differ" in capsys.readouterr().out


def test_why_html_page_renders_in_headless_chromium(tmp_path, capsys):
    """The page is self-contained (no script, no external resource) and a real browser draws one bar part per
    non-zero part of each row's decomposition."""
    from test_report import parse, rendered

    out = tmp_path / "why.html"
    a, b = os.path.join(RUNS, "gen_plain"), os.path.join(RUNS, "gen_option")
    assert main(["why", a, b, "-o", str(out), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    dom = rendered(out, tmp_path)
    tags = parse(dom)
    parts = [a for t, a, enclosing in tags if t == "rect" and a.get("class") == "part" and "chart" in enclosing]
    dec = d["rows"][0]["decomposition"]
    assert [a["data-part"] for a in parts] == [p for p in ("metric", "outputs", "docs", "residual") if dec[p]]
    assert [a["data-part"] for a in parts] == ["metric"]  # this pair's whole gap is the metric's
    rows = [1 for t, a, enclosing in tags if t == "tr" and "rows" in enclosing]
    assert len(rows) == len(d["rows"]) + 1
    assert [1 for t, a, _ in tags if t == "table" and a.get("id") == "differences"]
    assert [1 for t, a, _ in tags if t == "div" and a.get("id") == "examples"]


# -- what a new user hit (issue 17) -------------------------------------------------------------------------------


def _without_samples(tmp_path, name="gen_plain"):
    dest = tmp_path / "no samples" / name
    shutil.copytree(os.path.join(RUNS, name), dest)
    for p in dest.rglob("samples_*.jsonl"):
        p.unlink()
    return dest


def test_card_without_samples_says_they_were_not_found(tmp_path, capsys):
    """A run without samples: the card says so and why its fingerprint differs from the same run's with samples
    (the fingerprint covers the document digests); with samples it says nothing of the kind."""
    dest = _without_samples(tmp_path)
    assert main(["card", str(dest)]) == 0
    out = capsys.readouterr().out
    assert ("documents em_card_gen: samples not found (lm_eval writes samples_<task>_<date>.jsonl next to the "
            "results file with --log_samples); the fingerprint covers the documents' digests") in out
    assert read_run(dest).fingerprint != read_run(os.path.join(RUNS, "gen_plain")).fingerprint
    assert main(["card", os.path.join(RUNS, "gen_plain")]) == 0
    assert "samples not found" not in capsys.readouterr().out


def test_missing_fields_are_counted_apart_and_null_on_one_side_is_no_difference(tmp_path, capsys):
    """A field one run does not record is ``missing`` (never ``null -> digest`` as a setting that can move a
    score); a field one run records as null and the other does not record is not listed at all."""
    from evalmetrics.runs import why

    d = why(_without_samples(tmp_path), os.path.join(RUNS, "gen_option"))
    one_sided = [x for x in d["differences"] if "missing" in x]
    assert sorted((x["field"], x["missing"]) for x in one_sided) == [
        ("tasks.em_card_gen.documents", "a"), ("tasks.em_card_gen.prompts", "a")]
    text = format_why(d)
    assert "settings that differ: 1 can move a score, 0 cannot; 2 recorded by one run only (0 by A, 2 by B)" in text
    assert "[documents] tasks.em_card_gen.documents: not recorded -> " in text and "null" not in text
    unrelated = why(os.path.join(RUNS, "gen_plain"), os.path.join(RUNS, "base"))
    assert unrelated["differences"] and all(x["a"] != x["b"] for x in unrelated["differences"])
    assert not [x for x in unrelated["differences"] if "missing" in x and x[{"a": "b", "b": "a"}[x["missing"]]]
                is None]


@pytest.mark.parametrize("pick,what", [
    (lambda d: next(d.rglob("samples_*.jsonl")), "samples"),
    (lambda d: (d / "details_x_2026.parquet").write_bytes(b"PAR1\x86\x00") and d / "details_x_2026.parquet", "parquet"),
])
def test_card_on_a_per_sample_log_says_what_to_pass(tmp_path, capsys, pick, what):
    dest = tmp_path / "run"
    shutil.copytree(os.path.join(RUNS, "gen_plain"), dest)
    assert main(["card", str(pick(dest))]) == 2
    err = capsys.readouterr().err
    assert "field run:" in err and "a per-sample log, not a run; pass the run folder or its results_<date>.json" in err
    assert "codec" not in err and "Extra data" not in err


def test_a_folder_of_several_harnesses_runs_lists_every_run(capsys):
    data = os.path.join(os.path.dirname(__file__), "data")
    assert main(["card", data]) == 2
    err = capsys.readouterr().err
    assert "holds 16 runs (8 HELM run folders, 8 lm_eval / lighteval results files)" in err
    listed = [line.strip() for line in err.splitlines()[1:]]
    assert len(listed) == 16 and any("cross_runs/lighteval" in x for x in listed)
    assert any("lm_eval_runs/base" in x for x in listed) and any("helm_runs/mcqa" in x for x in listed)


@pytest.mark.parametrize("argv,field", [(["--examples", "-1"], "examples"), (["--n-boot", "-5"], "n_boot"),
                                        (["--n-boot", "0"], "n_boot")])
def test_bad_why_counts_are_typed_errors(capsys, argv, field):
    assert main(["why", os.path.join(RUNS, "gen_plain"), os.path.join(RUNS, "gen_option"), *argv]) == 2
    assert f"field {field}: --{field.replace('_', '-')} {argv[1]}: " in capsys.readouterr().err


def test_why_of_a_run_with_itself_says_so_and_text_defines_the_parts(capsys):
    base = os.path.join(RUNS, "gen_plain")
    assert main(["why", base, base]) == 0
    out = capsys.readouterr().out
    assert "note: A and B are the same run" in out and "settings: no difference" in out
    assert main(["why", base, os.path.join(RUNS, "gen_option")]) == 0
    out = capsys.readouterr().out
    assert "same run" not in out
    assert out.rstrip().splitlines()[-1].startswith("parts: metric = B's values minus A's metric on B's outputs")
