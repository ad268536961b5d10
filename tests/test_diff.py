"""`evalmetrics diff`: numbers equal `score` run metric by metric, intervals equal Result.ci, streaming memory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import evalmetrics as em
from evalmetrics.cli import main
from evalmetrics.diffing import bootstrap_cis, diff, resolve_meanings, score_stream

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "evalmetrics", "data", "sample_generations.jsonl")
CHOICES = os.path.join(ROOT, "evalmetrics", "data", "sample_choices.jsonl")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("data,name", [(SAMPLE, "exact_match"), (SAMPLE, "f1"), (CHOICES, "acc_norm"), (SAMPLE, "bleu")])
def test_diff_equals_score_metric_by_metric(capsys, data, name):
    code, out, _ = run(capsys, "diff", "--name", name, "--data", data, "--json", "--n-boot", "50")
    assert code == 0
    d = json.loads(out)
    assert len(d["scores"]) >= 2
    for row in d["scores"]:
        for alias in row["name"].split(" = "):
            code, sout, _ = run(capsys, "score", "--metric", alias, "--data", data, "--json")
            s = json.loads(sout)
            assert code == 0 and s["score"] == row["score"] and s["n"] == row["n"] == d["n"], alias
            assert not np.isnan(row["score"])
            assert s["metric_id"] == row["id"] and s["n_timeouts"] == row["n_timeouts"]
            assert s["stderr"] == row["stderr"] or (np.isnan(s["stderr"]) and np.isnan(row["stderr"]))


def test_chunked_scoring_equals_compute_and_flips_are_counted_from_per_sample_values():
    meanings, _ = resolve_meanings(SAMPLE, name="exact_match")
    streamed = score_stream(meanings, SAMPLE, chunk=7)  # many chunks, the last one partial
    rows = [json.loads(x) for x in open(SAMPLE, encoding="utf-8")]
    preds, refs = [r["prediction"] for r in rows], [r["references"] for r in rows]
    whole = {label: m.compute(preds, refs) for label, m in meanings}
    for label in whole:
        assert np.array_equal(streamed[label].per_sample, whole[label].per_sample)
        assert streamed[label].score == whole[label].score and streamed[label].stderr == whole[label].stderr
    d = diff(SAMPLE, meanings, n_boot=20, examples=2)
    for p in d["pairs"]:
        va, vb = whole[p["a"]].per_sample, whole[p["b"]].per_sample
        assert p["flips"] == int((va != vb).sum())
        assert [e["index"] for e in p["examples"]] == [int(i) for i in np.flatnonzero(va != vb)[:2]]
        for e in p["examples"]:
            assert e["prediction"] == preds[e["index"]] and e["reference"] == refs[e["index"]]
    assert any(e.get("differs_by") for p in d["pairs"] for e in p["examples"])


def test_shared_bootstrap_equals_result_ci_for_binary_and_fractional_scores():
    meanings = [("a", em.get("lm_eval:exact_match")), ("b", em.get("squad:f1"))]
    res = score_stream(meanings, SAMPLE)
    assert not set(np.unique(res["b"].per_sample)) <= {0.0, 1.0}  # the fractional path is exercised
    cis = bootstrap_cis(res, seed=11, n_boot=200)
    for label in res:
        assert cis[label] == res[label].ci(0.95, seed=11, n_boot=200)


def test_errors_name_the_row_across_chunks(tmp_path):
    p = tmp_path / "bad.jsonl"
    rows = [{"prediction": "a", "references": ["a"]}] * 20 + [{"prediction": None, "references": ["a"]}]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    meanings, _ = resolve_meanings(str(p), metrics=["lm_eval:exact_match", "helm:exact_match"])
    with pytest.raises(em.InvalidInput) as e:
        score_stream(meanings, str(p), chunk=8)
    assert e.value.index == 20 and e.value.field == "prediction"


def test_limit_and_text_output(capsys):
    code, out, _ = run(capsys, "diff", "--metrics", "lm_eval:exact_match", "helm:exact_match", "--data", SAMPLE,
                       "--limit", "100", "--n-boot", "30")
    assert code == 0 and "(n=100;" in out and "canonical IDs:" in out and "-> flipped by: prediction: strip" in out


_MEASURE = textwrap.dedent("""
    import json, resource, sys
    from evalmetrics.cli import main
    import io, contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["diff", "--metrics", "lm_eval:exact_match", "helm:exact_match", "--data", sys.argv[1],
              "--limit", sys.argv[2], "--n-boot", "10", "--json"])
    d = json.loads(buf.getvalue())
    print(json.dumps({"n": d["n"], "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
""")


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_memory_does_not_grow_with_rows_beyond_per_sample_results(tmp_path):
    """200k rows: peak RSS grows by far less than keeping the rows would cost (~100 MB here)."""
    rows = [json.loads(x) for x in open(SAMPLE, encoding="utf-8")]
    big = tmp_path / "big.jsonl"
    with open(big, "w", encoding="utf-8") as f:
        for i in range(200_000):
            r = rows[i % len(rows)]
            f.write(json.dumps({"prediction": r["prediction"] + f" #{i}", "references": r["references"]}) + "\n")
    script = tmp_path / "measure.py"
    script.write_text(_MEASURE)
    env = dict(os.environ, PYTHONPATH=ROOT)

    def measure(limit):
        out = subprocess.run([sys.executable, str(script), str(big), str(limit)], capture_output=True, text=True,
                             env=env, check=True).stdout
        return json.loads(out)

    small, large = measure(10_000), measure(200_000)
    assert small["n"] == 10_000 and large["n"] == 200_000
    growth_mb = (large["maxrss_kb"] - small["maxrss_kb"]) / 1024
    # per-sample results: 2 meanings x 190k x 8 bytes = 3 MB (plus transient copies); rows kept would be ~100 MB
    assert growth_mb < 30, f"peak RSS grew by {growth_mb:.1f} MB from 10k to 200k rows"


def test_docs_console_examples_run_as_shown(capsys, tmp_path, monkeypatch):
    """docs/diff.md: every `$ evalmetrics ...` line of a console block runs; its shown lines are in the output."""
    import re
    import shlex

    text = open(os.path.join(ROOT, "docs", "diff.md"), encoding="utf-8").read()
    blocks = re.findall(r"```console\n(.*?)```", text, re.S)
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)  # report writes its page here; data paths in the docs are relative to the root
    ran = 0
    for block in blocks:
        commands = []
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif line.strip() != "..." and line.strip():
                commands[-1][1].append(line.rstrip())
        for cmd, expected in commands:
            argv = shlex.split(cmd)
            assert argv[0] == "evalmetrics"
            argv = [os.path.join(ROOT, a) if a.startswith(("tests/", "evalmetrics/")) else a for a in argv[1:]]
            main(argv)
            got = capsys.readouterr()
            lines = [x.rstrip() for x in (got.out + got.err).replace(ROOT + os.sep, "").splitlines()]
            for want in expected:
                assert want in lines, (cmd, want)
            ran += 1
    assert ran >= 4 and (tmp_path / "exact_match.html").exists()


def test_trial_changed_by_and_flipped_by_say_the_side_and_tell_two_regex_extracts_apart(capsys, tmp_path):
    """Trial item 13: "changed by:" mixed prediction and reference steps; "flipped by" said `regex_extract (only
    in A); ... regex_extract (only in B)` when both meanings have one."""
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps({"prediction": "The answer is 72", "references": ["Natalia sold 48.\n#### 72"]}) + "\n")
    a, b = "lm_eval:gsm8k/strict-match", "lm_eval:gsm8k/flexible-extract"
    code, out, err = run(capsys, "diff", "--metrics", a, b, "--data", str(p), "--n-boot", "20")
    assert code == 0, err
    lines = out.splitlines()
    strict = next(x for x in lines if x.strip().startswith(a + ": compares"))
    assert "(changed by prediction: regex_extract" in strict and "; reference: " in strict
    flipped = next(x for x in lines if "flipped by:" in x)
    # each meaning's own regex_extract, whole (the patterns tell them apart), with its side
    assert f'prediction: regex_extract(pattern="#### (\\\\-?[0-9\\\\.\\\\,]+)"' in flipped
    assert f"(only in {a})" in flipped and f"(only in {b})" in flipped
    assert flipped.count("regex_extract(pattern=") == 2
    code, out, _ = run(capsys, "diff", "--metrics", a, b, "--data", str(p), "--n-boot", "20", "--json")
    ex = json.loads(out)["pairs"][0]["examples"][0]
    assert {d["side"] for d in ex["processed"][a]["changed_steps"]} == {"prediction", "reference"}
    assert all(d["side"] == "prediction" for d in ex["differs_by"])
