"""Rescoring lm_eval's own ``--log_samples`` files: ``evalmetrics diff --data samples_<task>_*.jsonl``.

lm-eval 0.4.13's ``simple_evaluate(..., log_samples=True)`` runs two local tasks (a generative task with two filters,
answered by a scripted model; a multiple-choice task scored by a tiny random GPT-2 through lm_eval's HFLM), and
lm_eval's own ``EvaluationTracker.save_results_samples`` writes the samples files. evalmetrics then reads those
files and must report, for ``lm_eval:exact_match`` / ``lm_eval:acc``, exactly the value lm_eval reported.

The same run regenerates ``tests/data/lm_eval_logs/`` (the committed copy the main suite reads without lm_eval):
the committed rows must equal the freshly written ones.

Run in the harness environment:  bash tests/conformance/run.sh tests/conformance/test_logs_lm_eval.py
"""
from __future__ import annotations

import contextlib
import glob
import io
import json
import os
import shutil

import pytest

pytest.importorskip("lm_eval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")
pytest.importorskip("torch")
pytest.importorskip("transformers")

import lm_eval  # noqa: E402
from test_integrations_lm_eval import ScriptedGeneration  # noqa: E402

from evalmetrics.cli import main  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data", "lm_eval_tasks")
COMMITTED = os.path.join(ROOT, "tests", "data", "lm_eval_logs")

QA = """task: em_logs_qa
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}/qa.jsonl
test_split: test
output_type: generate_until
doc_to_text: "Question: {{{{question}}}}?\\nAnswer:"
doc_to_target: "{{{{answer}}}}"
generation_kwargs:
  until: ["\\n"]
  do_sample: false
filter_list:
  - name: strict
    filter:
      - function: regex
        regex_pattern: "The answer is (.*)"
      - function: take_first
  - name: raw
    filter:
      - function: take_first
metric_list:
  - metric: exact_match
"""

MC = """task: em_logs_mc
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}/mc.jsonl
test_split: test
output_type: multiple_choice
doc_to_text: "{{{{question}}}}"
doc_to_choice: "{{{{choices}}}}"
doc_to_target: "{{{{gold}}}}"
metric_list:
  - metric: acc
"""

# acc_mutual_info makes lm_eval append one unconditional request ("" + the continuation) per choice: 2N logged
# entries per document (TRIAL.md item 1: they were read as 2N choices).
PMI = MC.replace("em_logs_mc", "em_logs_pmi").replace(
    "  - metric: acc\n", "  - metric: acc\n  - metric: acc_norm\n  - metric: acc_mutual_info\n")
TASKS = ("em_logs_qa", "em_logs_mc", "em_logs_pmi")


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """(lm_eval's results, {task: the samples file lm_eval wrote})."""
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.models.huggingface import HFLM
    from lm_eval.tasks import TaskManager

    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    d = tmp_path_factory.mktemp("lm_eval_logs")
    tasks_dir = d / "tasks"
    tasks_dir.mkdir()
    for f in ("qa.jsonl", "mc.jsonl"):
        shutil.copy(os.path.join(DATA, f), tasks_dir / f)
    (tasks_dir / "em_logs_qa.yaml").write_text(QA.format(data=tasks_dir))
    (tasks_dir / "em_logs_mc.yaml").write_text(MC.format(data=tasks_dir))
    (tasks_dir / "em_logs_pmi.yaml").write_text(PMI.format(data=tasks_dir))
    tok = bpe_tokenizer()
    model = random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    with open(os.path.join(DATA, "qa.jsonl"), encoding="utf-8") as f:
        outputs = {r["question"]: r["output"] for r in map(json.loads, f)}
    lm = ScriptedGeneration(outputs, HFLM(pretrained=model, tokenizer=tok, backend="causal", batch_size=8))
    tm = TaskManager(include_path=str(tasks_dir), include_defaults=False)
    # one run per group of tasks (batches mix tasks, and batch composition moves the log-probs in the last bits)
    files, merged = {}, {"results": {}, "n_logged": {}}
    for run, tasks in (("out", TASKS[:2]), ("out_pmi", TASKS[2:])):
        results = lm_eval.simple_evaluate(model=lm, tasks=list(tasks), task_manager=tm, log_samples=True)
        out = d / run
        # as lm_eval's command line saves a --log_samples run (lm_eval/__main__.py); a .json path: files go next
        # to it (results_<date>.json and samples_<task>_<date>.jsonl)
        tracker = EvaluationTracker(output_path=str(out / "results.json"))
        samples = results.pop("samples")
        results["n_logged"] = {t: {f: sum(s["filter"] == f for s in ss) for f in {s["filter"] for s in ss}}
                               for t, ss in samples.items()}
        tracker.save_results_aggregated(results=results, samples=samples)
        for task in tasks:
            tracker.save_results_samples(task_name=task, samples=samples[task])
            (files[task],) = glob.glob(str(out / f"samples_{task}_*.jsonl"))
        merged["results"].update(results["results"])
        merged["n_logged"].update(results["n_logged"])
    return merged, files


def cli(capsys, *argv):
    code = main(list(argv))
    got = capsys.readouterr()
    return code, got.out, got.err


def test_generative_log_rescored_equals_lm_eval_per_filter(logs, capsys):
    results, files = logs
    path = files["em_logs_qa"]
    code, _, err = cli(capsys, "diff", "--data", path, "--name", "exact_match")
    assert code == 2 and "2 filters (strict, raw)" in err and "--filter" in err
    for filt in ("strict", "raw"):
        code, out, _ = cli(capsys, "diff", "--data", path, "--name", "exact_match", "--filter", filt, "--json",
                           "--n-boot", "20")
        assert code == 0
        d = json.loads(out)
        row = next(r for r in d["scores"] if "lm_eval:exact_match" in r["name"].split(" = "))
        reported = results["results"]["em_logs_qa"][f"exact_match,{filt}"]
        assert row["score"] == reported, (filt, row, reported)
        assert row["n"] == results["n_logged"]["em_logs_qa"][filt]
        assert len(d["scores"]) >= 3  # the other harnesses' meanings on the same logged outputs
    # the strict filter extracts answers, so meanings differ on it and the samples file shows why
    code, out, _ = cli(capsys, "diff", "--data", path, "--name", "exact_match", "--filter", "strict", "--json",
                       "--n-boot", "20")
    d = json.loads(out)
    ex = [e for p in d["pairs"] for e in p["examples"]]
    assert ex and all("doc_id" in e for e in ex)


def test_multiple_choice_log_rescored_equals_lm_eval(logs, capsys):
    results, files = logs
    code, out, _ = cli(capsys, "score", "--data", files["em_logs_mc"], "--metric", "lm_eval:acc", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["score"] == results["results"]["em_logs_mc"]["acc,none"]
    assert d["n"] == results["n_logged"]["em_logs_mc"]["none"]


def test_mutual_info_log_rescored_equals_lm_eval(logs, capsys):
    """acc, acc_norm and acc_mutual_info of a task with acc_mutual_info, rescored from its samples file (2N logged
    requests per document) as lm_eval reported them; the choice texts come from the results file next to it."""
    results, files = logs
    path = files["em_logs_pmi"]
    first = json.loads(open(path, encoding="utf-8").readline())
    assert len(first["filtered_resps"]) == 2 * len(first["doc"]["choices"])  # the log really holds 2N entries
    for name in ("acc", "acc_norm", "acc_mutual_info"):
        code, out, err = cli(capsys, "score", "--data", path, "--metric", f"lm_eval:{name}", "--json")
        assert code == 0, err
        d = json.loads(out)
        assert d["score"] == results["results"]["em_logs_pmi"][f"{name},none"], name
        assert d["n"] == results["n_logged"]["em_logs_pmi"]["none"]
    # the three values differ on this log, so a reader that mixed the halves up could not match all three
    assert len({results["results"]["em_logs_pmi"][f"{n},none"] for n in ("acc", "acc_norm", "acc_mutual_info")}) > 1
    # the same lm_eval log without its results file: acc and PMI still rescore; acc_norm is a typed error
    alone = os.path.join(os.path.dirname(os.path.dirname(path)), os.path.basename(path))
    shutil.copy(path, alone)
    code, out, _ = cli(capsys, "score", "--data", alone, "--metric", "lm_eval:acc_mutual_info", "--json")
    assert code == 0 and json.loads(out)["score"] == results["results"]["em_logs_pmi"]["acc_mutual_info,none"]
    code, _, err = cli(capsys, "score", "--data", alone, "--metric", "lm_eval:acc_norm")
    assert code == 2 and "texts" in err


def test_committed_copy_equals_a_fresh_run(logs):
    """tests/data/lm_eval_logs holds these files (date stamp dropped); set EVALMETRICS_WRITE_LOGS=1 to rewrite."""
    _, files = logs
    for task, path in files.items():
        dest = os.path.join(COMMITTED, f"samples_{task}.jsonl")
        fresh = [json.loads(x) for x in open(path, encoding="utf-8")]
        if os.environ.get("EVALMETRICS_WRITE_LOGS") == "1":
            os.makedirs(COMMITTED, exist_ok=True)
            shutil.copy(path, dest)
        committed = [json.loads(x) for x in open(dest, encoding="utf-8")]
        assert committed == fresh, task
