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
    # corpus BLEU: lm_eval's own bootstrap (its 100-resample cap for bleu), named as such
    assert d["stderr_method"].startswith("lm_eval 0.4.13 bootstrap_stderr") and d["stderr"] == d["stderr"]
    assert "bootstrap" in d["stderr_harnesses"]["lm_eval"]


# ----------------------------------------------------------------------- new-user trial (issue 14): CLI findings


@pytest.mark.parametrize("given, close", [("lmeval", "lm_eval"), ("lm-eval", "lm_eval"), ("Lighteval", "lighteval"),
                                          ("nonsense", None)])
def test_trial_list_unknown_harness_is_a_typed_error_naming_the_harnesses(capsys, given, close):
    """Trial item 3: `list --harness lmeval` ended in `ValueError: max() arg is an empty sequence`."""
    code, out, err = run(capsys, "list", "--harness", given)
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"unknown harness {given!r}" in err
    assert "lm_eval, lighteval, helm, squad, hf_evaluate" in err
    assert (f"did you mean {close!r}?" in err) if close else "did you mean" not in err


def test_trial_every_fixed_name_option_refuses_an_unknown_name_without_a_traceback(capsys, tmp_path):
    """The same class of defect in the other options that take a fixed set of names."""
    with pytest.raises(SystemExit) as e:  # argparse choices: exit 2 with the valid names
        main(["score", "--metric", "lm_eval:acc", "--format", "jsonll"])
    assert e.value.code == 2 and "choose from" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:  # checked before the model loads or the requests are read
        main(["sensitivity", "--model", "tiny-random", "--requests", str(tmp_path / "r.jsonl"), "--dtypes",
              "float33"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "invalid choice: 'float33'" in err and "float32" in err and "no such file" not in err


def test_trial_list_shows_the_unversioned_alias_the_docs_use(capsys):
    """Trial item 12(c): `list --harness lm_eval` showed only lm_eval@0.4:acc while every doc writes lm_eval:acc."""
    code, out, _ = run(capsys, "list", "--harness", "lm_eval")
    assert code == 0
    assert any(line.startswith("lm_eval:acc (= lm_eval@0.4:acc) ") for line in out.splitlines())
    code, out, _ = run(capsys, "list", "--harness", "lighteval")
    lines = out.splitlines()
    # lighteval 0.13's exact_match is the one lighteval:exact_match names; 0.10's is listed by its versioned key
    assert any(x.startswith("lighteval:exact_match (= lighteval@0.13:exact_match) ") for x in lines)
    assert any(x.startswith("lighteval@0.10:exact_match ") for x in lines)
    code, out, _ = run(capsys, "list", "--harness", "lm_eval", "--json")
    row = next(r for r in json.loads(out) if r["name"] == "lm_eval@0.4:acc")
    assert row["unversioned"] == "lm_eval:acc"
    import evalmetrics as em

    assert em.get(row["unversioned"]).id == row["id"]


@pytest.mark.parametrize("word, json_word", [("True", "true"), ("False", "false"), ("None", "null")])
def test_trial_option_with_a_python_literal_says_values_are_json(capsys, jsonl, word, json_word):
    """Trial item 7: `--option ignore_case=True` said `ignore_case must be true or false; got 'True'`."""
    code, _, err = run(capsys, "score", "--metric", "lm_eval:exact_match", "--option", f"ignore_case={word}",
                       "--data", str(jsonl))
    assert code == 2 and "values are JSON" in err and f"ignore_case={json_word}" in err
    if json_word != "null":  # the spelling the message gives works
        code, _, err = run(capsys, "score", "--metric", "lm_eval:exact_match", "--option", f"ignore_case={json_word}",
                           "--data", str(jsonl))
        assert code == 0, err
    # the text itself, quoted as the message says, reaches the alias as a string (which refuses it, by name)
    code, _, err = run(capsys, "score", "--metric", "lm_eval:exact_match", "--option", f'ignore_case="{word}"',
                       "--data", str(jsonl))
    assert code == 2 and "values are JSON" not in err and repr(word) in err


def _strict(text):
    def bad(token):
        raise ValueError(f"not strict JSON: {token}")
    return json.loads(text, parse_constant=bad)


def test_trial_stderr_of_one_sample_is_na_in_text_and_null_in_strict_json(capsys, tmp_path):
    """Trial item 10: n = 1 printed `stderr nan` and --json wrote a bare NaN."""
    p = tmp_path / "one.jsonl"
    p.write_text(json.dumps({"prediction": "Paris", "references": ["Paris"]}) + "\n")
    code, out, _ = run(capsys, "score", "--metric", "lm_eval:exact_match", "--data", str(p))
    assert code == 0 and "nan" not in out.lower() and "stderr   N/A (n = 1)" in out
    code, out, _ = run(capsys, "score", "--metric", "lm_eval:exact_match", "--data", str(p), "--json")
    with pytest.raises(ValueError, match="not strict JSON"):
        _strict('{"stderr": NaN}')  # the checker rejects what the CLI used to write: it can fail
    d = _strict(out)
    assert code == 0 and d["stderr"] is None and d["score"] == 1.0 and d["n"] == 1


def test_trial_every_json_the_cli_writes_is_strict(capsys, tmp_path):
    p = tmp_path / "one.jsonl"
    p.write_text(json.dumps({"prediction": "Paris", "references": ["Paris"]}) + "\n")
    for argv in (["score", "--metric", "lm_eval:exact_match", "--data", str(p), "--json"],
                 ["diff", "--metrics", "lm_eval:exact_match", "helm:exact_match", "--data", str(p), "--json",
                  "--n-boot", "20"],
                 ["report", "--metrics", "lm_eval:exact_match", "helm:exact_match", "--data", str(p), "--json",
                  "--n-boot", "20", "-o", str(tmp_path / "r.html")],
                 ["explain", "f1", "--json"], ["explain", "acc_norm", "--json"], ["list", "--json"]):
        code, out, err = run(capsys, *argv)
        assert code == 0, (argv, err)
        _strict(out)
