"""The coverage figure (`evalmetrics coverage`): rows read as canonical IDs out of all rows a harness's tasks
report, unread rows by reason and reason class, and the denominator never drops a row.

Run on the small trees under tests/data/lm_eval_tasks (no harness needed); the run over the installed lm_eval is in
tests/conformance/test_coverage_lm_eval.py. The recorded snapshots behind docs/coverage.md are checked here.
"""
import importlib.util
import json
import os

import pytest

pytest.importorskip("yaml")

from evalmetrics.cli import main
from evalmetrics.integrations.coverage import (NOT_MODELED, OUTSIDE, Coverage, classify, expected_rows,
                                               lm_eval_coverage)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREE = os.path.join(ROOT, "tests", "data", "lm_eval_tasks", "coverage_tree")
COPIES = os.path.join(ROOT, "tests", "data", "lm_eval_tasks", "lm_eval_0.4.13")
JSON_KEYS = ["harness", "version", "source", "tasks", "rows", "read", "unread", "percent_read", "load_errors",
             "classes", "reasons", "notes"]
REASON_KEYS = ["reason", "rows", "tasks", "class", "needs", "examples"]


def _by_reason(d):
    return {g["reason"].split(":")[0] if g["reason"].startswith("the task config") else g["reason"]: g
            for g in d["reasons"]}


def test_counts_per_reason_on_a_small_tree():
    d = lm_eval_coverage(TREE).to_dict()
    # cov_gen: 2 filter pipelines x exact_match (listed twice, one row) = 2; cov_mc: lm_eval's multiple_choice
    # defaults acc, acc_norm = 2 (its duplicate in zz_duplicate.yaml is not a second task); cov_exec: 1;
    # cov_hook: 2; cov_broken (does not load): its own metric_list, 2. The group and the template are no tasks.
    assert (d["tasks"], d["rows"], d["read"], d["unread"], d["load_errors"]) == (5, 9, 3, 6, 1)
    groups = _by_reason(d)
    hook = groups["computed by the process_results hook hooks.score, which evalmetrics does not reproduce"]
    assert (hook["rows"], hook["tasks"], hook["class"], hook["needs"]) == (2, 1, NOT_MODELED, None)
    run = groups["computed by the process_results hook hooks.run_program, which evalmetrics does not reproduce"]
    assert (run["rows"], run["class"], run["needs"]) == (1, OUTSIDE, "code execution")
    broken = groups["the task config does not load"]
    assert broken["rows"] == 2 and "_does_not_exist.yaml" in broken["reason"] and broken["examples"] == [
        "cov_broken acc"]
    assert d["classes"] == {NOT_MODELED: 5, OUTSIDE: 1, f"{OUTSIDE}: code execution": 1}


def test_a_task_that_fails_to_load_is_counted_with_its_error():
    d = lm_eval_coverage(TREE).to_dict()
    broken = [g for g in d["reasons"] if g["reason"].startswith("the task config does not load: ")]
    assert len(broken) == 1 and broken[0]["rows"] == 2 and "No such file" in broken[0]["reason"]
    assert os.sep + "coverage_tree" + os.sep not in broken[0]["reason"]  # the folder is cut, so equal errors group


def test_denominator_never_drops_a_row_the_reader_leaves_out(monkeypatch):
    """A reader that returns fewer rows (or fails) does not shrink the denominator: rows come from the config."""
    import evalmetrics.integrations.lm_eval_tasks as pkg

    real = pkg.read_lm_eval_task

    def short_reader(cfg):
        r = real(cfg)
        if r.task == "cov_gen":
            r.readings = r.readings[:1]
        if r.task == "cov_mc":
            raise RuntimeError("boom")
        return r

    monkeypatch.setattr(pkg, "read_lm_eval_task", short_reader)
    d = lm_eval_coverage(TREE).to_dict()
    assert d["rows"] == 9
    groups = _by_reason(d)
    assert groups["the reader reports no such row"]["rows"] == 1
    assert groups["the reader failed: RuntimeError: boom"]["rows"] == 2
    assert d["read"] + sum(g["rows"] for g in d["reasons"]) == d["rows"]


def test_shipped_task_copies_count_every_row():
    d = lm_eval_coverage(COPIES).to_dict()
    # 20 YAMLs, one of them the group _mmlu_stem: 19 leaf tasks (two of them SCORE agieval tasks: 11 + 5 rows; 14
    # read: the prompt consistency_rate is not, in these copies, since score/utils.py is not copied beside them).
    # squadv2's 8 rows are all read (its HasAns / NoAns / best rows since the seventh session).
    assert d["tasks"] == 19
    assert d["rows"] == 49 and d["read"] == 47
    assert d["read"] + sum(g["rows"] for g in d["reasons"]) == d["rows"]


def test_expected_rows_is_metrics_times_filters():
    cfg = {"output_type": "generate_until",
           "metric_list": [{"metric": "exact_match"}, {"metric": "f1"}, {"metric": "exact_match"}],
           "filter_list": [{"name": "strict", "filter": []}, {"name": "flexible", "filter": []}]}
    assert expected_rows(cfg) == ["exact_match,strict", "f1,strict", "exact_match,flexible", "f1,flexible"]
    assert expected_rows({"output_type": "loglikelihood_rolling"}) == [
        "word_perplexity,none", "byte_perplexity,none", "bits_per_byte,none"]
    assert expected_rows({}) == ["exact_match,none"]  # lm_eval's default output_type is generate_until


@pytest.mark.parametrize("texts, expected", [
    (("computed by a hook", "acc", "import evaluate\nbleurt = evaluate.load('bleurt')"),
     (OUTSIDE, "a model (BERTScore, BLEURT, COMET, ...)")),
    (("JudgeLLMHLE (lighteval.tasks.tasks.hle): no equivalent", "accuracy", ""), (OUTSIDE, "an LLM judge")),
    (("hook", "score", "requests.post(PERSPECTIVE_URL)"), (OUTSIDE, "a web API")),
    (("hook", "pass@1", "compute_ = hf_evaluate.load('code_eval')"), (OUTSIDE, "code execution")),
    (("lm_eval's 'bleu' is a corpus-level metric evalmetrics does not reproduce", "bleu", ""), (NOT_MODELED, None)),
])
def test_reason_classes(texts, expected):
    assert classify(*texts) == expected


def test_json_shape_is_stable(capsys, tmp_path):
    out = tmp_path / "cov.json"
    assert main(["coverage", "--lm-eval-tasks", TREE, "--json", "--quiet", "-o", str(out)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert list(d) == JSON_KEYS
    assert all(list(g) == REASON_KEYS for g in d["reasons"])
    assert json.loads(out.read_text()) == d
    rows = [g["rows"] for g in d["reasons"]]
    assert rows == sorted(rows, reverse=True)


def test_text_output_and_progress(capsys):
    assert main(["coverage", "--lm-eval-tasks", TREE]) == 0
    cap = capsys.readouterr()
    assert "read as canonical IDs: 3 / 9 (33.3 %)" in cap.out
    assert "[code execution] computed by the process_results hook hooks.run_program" in cap.out
    assert "coverage: 8/8" in cap.err  # the counter runs over the tree's YAML files


def test_coverage_counts_every_add():
    c = Coverage("x", None, "here")
    c.add("t1", "m", True)
    c.add("t1", "m2", False, "gap")
    c.add("t2", "m2", False, "gap")
    d = c.to_dict()
    assert (d["rows"], d["read"], d["unread"]) == (3, 1, 2)
    assert d["reasons"] == [{"reason": "gap", "rows": 2, "tasks": 2, "class": NOT_MODELED, "needs": None,
                             "examples": ["t1 m2", "t2 m2"]}]


def _gendocs():
    spec = importlib.util.spec_from_file_location("_gendocs", os.path.join(ROOT, "tools", "gendocs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("rel", ["docs/coverage_lm_eval.json", "docs/coverage_lighteval.json"])
def test_recorded_snapshot_totals_equal_the_sum_of_their_groups(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        d = json.load(f)
    assert list(d) == JSON_KEYS
    assert d["unread"] == d["rows"] - d["read"] == sum(g["rows"] for g in d["reasons"])
    assert d["classes"][NOT_MODELED] + d["classes"][OUTSIDE] == d["unread"]
    outside = sum(v for k, v in d["classes"].items() if k.startswith(OUTSIDE + ": "))
    assert outside == d["classes"][OUTSIDE]
    assert d["percent_read"] == round(100 * d["read"] / d["rows"], 2)


def test_coverage_doc_is_fresh():
    with open(os.path.join(ROOT, "docs", "coverage.md"), encoding="utf-8") as f:
        assert f.read() == _gendocs().coverage_md(), "docs/coverage.md is stale: run `make docs`"



def test_lm_eval_tasks_without_dir_reads_the_installed_lm_eval_folder(monkeypatch, capsys):
    """`--lm-eval-tasks` alone: the installed lm_eval's tasks/ folder, found without importing lm_eval."""
    import evalmetrics.integrations.lm_eval_tasks as pkg

    monkeypatch.setattr(pkg, "lm_eval_tasks_dir", lambda: __import__("pathlib").Path(TREE))
    assert main(["coverage", "--lm-eval-tasks", "--json", "--quiet"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["source"], d["rows"]) == (TREE, 9)


def test_lm_eval_tasks_without_lm_eval_installed_is_a_clear_error(monkeypatch, capsys):
    import importlib.util as iu

    real = iu.find_spec
    monkeypatch.setattr(iu, "find_spec", lambda name, *a: None if name == "lm_eval" else real(name, *a))
    assert main(["coverage", "--lm-eval-tasks", "--quiet"]) == 2
    assert "lm-eval==0.4.13" in capsys.readouterr().err
