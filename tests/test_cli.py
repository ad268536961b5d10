"""The command line, run as a user runs it (in-process through main(), and once as a real subprocess)."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from evalmetrics.cli import main


@pytest.fixture
def jsonl(tmp_path):
    p = tmp_path / "s.jsonl"
    rows = [
        {"prediction": " Paris", "references": ["Paris"]},
        {"prediction": "paris.", "references": ["Paris", "City of Light"]},
        {"prediction": "well known", "references": "well-known"},
        {"prediction": "", "references": [""]},
    ]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return p


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_score_text_and_json(capsys, jsonl, tmp_path):
    code, out, _ = run(capsys, "score", "--metric", "helm:quasi_exact_match", "--data", str(jsonl))
    assert code == 0 and "score    0.500000" in out and "n        4" in out and "id       exact_match(" in out
    code, out, _ = run(capsys, "score", "--metric", "lm_eval:exact_match", "--option", "ignore_case=true",
                       "--data", str(jsonl), "--json")
    d = json.loads(out)
    assert d["n"] == 4 and d["score"] == 0.25 and d["metric_id"].startswith("exact_match(")
    details = tmp_path / "details.jsonl"
    run(capsys, "score", "--metric", "helm:exact_match", "--data", str(jsonl), "--details", str(details))
    recs = [json.loads(x) for x in details.read_text().splitlines()]
    assert [r["score"] for r in recs] == [1.0, 0.0, 0.0, 0.0] and [r["index"] for r in recs] == [0, 1, 2, 3]


def test_score_csv_and_parquet_and_datasets(capsys, tmp_path):
    p = tmp_path / "s.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["out", "gold"])
        w.writerow(["a", "a"])
        w.writerow(["b", "a"])
    code, out, _ = run(capsys, "score", "--metric", "exact_match", "--data", str(p), "--pred-col", "out",
                       "--ref-col", "gold", "--json")
    assert json.loads(out)["score"] == 0.5
    import datasets

    ds = datasets.Dataset.from_dict({"prediction": ["a", "b", "c"], "references": [["a"], ["x", "b"], ["z"]]})
    pq = tmp_path / "s.parquet"
    ds.to_parquet(str(pq))
    code, out, _ = run(capsys, "score", "--metric", "exact_match", "--data", str(pq), "--json")
    assert json.loads(out)["score"] == pytest.approx(2 / 3)
    folder = tmp_path / "ds"
    ds.save_to_disk(str(folder))
    code, out, _ = run(capsys, "score", "--metric", "exact_match", "--data", str(folder), "--json")
    assert json.loads(out)["score"] == pytest.approx(2 / 3)


def test_errors_are_clear_and_exit_2(capsys, jsonl, tmp_path):
    code, _, err = run(capsys, "score", "--metric", "helm:quasi_exact_matc", "--data", str(jsonl))
    assert code == 2 and "did you mean" in err and "helm:quasi_exact_match" in err
    code, _, err = run(capsys, "score", "--metric", "exact_match", "--data", str(jsonl), "--pred-col", "nope")
    assert code == 2 and "column 'nope' not found" in err and "sample 0" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prediction": "a", "references": ["a"]}\n{"prediction": null, "references": ["a"]}\n')
    code, _, err = run(capsys, "score", "--metric", "exact_match", "--data", str(bad))
    assert code == 2 and "sample 1" in err and "prediction" in err
    code, _, err = run(capsys, "score", "--metric", "exact_match", "--data", str(tmp_path / "missing.jsonl"))
    assert code == 2 and "no such file" in err


def test_explain_and_list(capsys):
    code, out, _ = run(capsys, "explain", "qem")
    assert code == 0 and "helm:quasi_exact_match" in out and "lighteval:quasi_exact_match" in out
    assert "Example where they differ" in out
    code, out, _ = run(capsys, "explain", "acc_norm", "--json")
    d = json.loads(out)
    assert {a for a, _ in d["meanings"]} >= {"lm_eval:acc_norm", "lighteval:acc_norm"}
    code, out, _ = run(capsys, "list", "--harness", "helm")
    assert "helm@0.5:quasi_exact_match" in out and "lm_eval" not in out


def test_diff_on_a_file(capsys, jsonl):
    code, out, _ = run(capsys, "diff", "--metrics", "lm_eval:exact_match", "helm:exact_match", "--data", str(jsonl),
                       "--json", "--seed", "3")
    d = json.loads(out)
    assert d["bootstrap_seed"] == 3
    (pair,) = d["pairs"]
    assert pair["flips"] == 2  # " Paris" (HELM strips) and "" (HELM scores empty 0)
    ex = pair["examples"][0]
    assert ex["index"] == 0 and ex["processed"]["helm:exact_match"]["prediction"] == "Paris"


def test_python_dash_m_entry_point():
    out = subprocess.run([sys.executable, "-m", "evalmetrics", "explain", "helm:exact_match"],
                         capture_output=True, text=True, check=True).stdout
    assert "exact_match(mode=full" in out


@pytest.mark.parametrize("metric, says", [
    ("lighteval:exact_match", "lighteval reports the same formula"),
    ("lm_eval:exact_match", "lm_eval reports the same number"),
    ("helm:exact_match", "HELM reports no standard error"),
])
def test_issue_14_stderr_note_says_what_each_harness_reports(capsys, jsonl, metric, says):
    code, out, _ = run(capsys, "score", "--metric", metric, "--data", str(jsonl))
    assert code == 0 and says in out and "as lm_eval does" not in out
    others = {"lighteval", "lm_eval", "HELM"} - {says.split()[0]}
    assert not any(f"{o} reports" in out for o in others)  # an alias gets its own harness's note only
    code, out, _ = run(capsys, "score", "--metric", metric, "--data", str(jsonl), "--json")
    d = json.loads(out)
    assert list(d["stderr_harnesses"]) == [metric.split(":")[0]] and says in d["stderr_harnesses"][metric.split(":")[0]]


def test_stderr_notes_for_a_canonical_id_and_a_corpus_statistic(capsys, jsonl):
    code, out, _ = run(capsys, "score", "--metric", "exact_match", "--data", str(jsonl), "--json")
    assert set(json.loads(out)["stderr_harnesses"]) == {"lm_eval", "lighteval", "helm"}
    code, out, _ = run(capsys, "score", "--metric", "lm_eval:bleu", "--data", str(jsonl), "--json")
    d = json.loads(out)
    assert d["stderr_method"].startswith("none") and "bootstrap" in d["stderr_harnesses"]["lm_eval"]
