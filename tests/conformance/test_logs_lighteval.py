"""Rescoring lighteval's own details parquet: ``evalmetrics score|diff --data details_<task>_*.parquet``.

lighteval 0.13.0's ``Pipeline`` runs the docs' generative custom task (a scripted model, offline shims from
test_integrations_lighteval.py) with ``save_details=True``; its ``EvaluationTracker.save`` writes the details
parquet. evalmetrics reads that file (prediction = ``model_response.text[0]``, references = the gold choices) and
must give, for every metric the task reports, exactly the value lighteval reported.

Run in the harness environment:  bash tests/conformance/run.sh tests/conformance/test_logs_lighteval.py
"""
from __future__ import annotations

import glob
import json

import pytest

pytest.importorskip("lighteval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")

from test_integrations_lighteval import (  # noqa: E402,F401 (fixtures)
    jsonl,
    offline_lighteval,
    scripted_qa_model,
    task_folder,
)

from evalmetrics.cli import main  # noqa: E402


def test_details_parquet_rescored_equals_lighteval(offline_lighteval, task_folder, capsys):  # noqa: F811
    from lighteval.logging.evaluation_tracker import EvaluationTracker
    from lighteval.pipeline import ParallelismManager, Pipeline, PipelineParameters

    n_outputs = len(jsonl("qa.jsonl"))
    tracker = EvaluationTracker(output_dir=str(task_folder / "out"), save_details=True)
    params = PipelineParameters(launcher_type=ParallelismManager.NONE,
                                custom_tasks_directory="my_tasks/lighteval_tasks.py")
    p = Pipeline(tasks="em_qa|0", pipeline_parameters=params, evaluation_tracker=tracker,
                 model=scripted_qa_model(task_folder))
    p.evaluate()
    p.save_and_push_results()
    (path,) = glob.glob(str(task_folder / "out" / "details" / "**" / "details_em_qa|0_*.parquet"), recursive=True)
    results = p.get_results()["results"]["em_qa:0"]
    cfg = p.tasks_dict["em_qa|0"].config
    checked = 0
    for lm in cfg.metrics:
        m = lm.sample_level_fn.metric
        assert main(["score", "--data", path, "--metric", m.id, "--json"]) == 0
        got = json.loads(capsys.readouterr().out)
        assert got["score"] == results[lm.metric_name], lm.metric_name
        assert got["n"] == n_outputs
        checked += 1
    assert checked >= 2
    assert main(["diff", "--data", path, "--name", "exact_match", "--json", "--n-boot", "20"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["n"] == n_outputs and len(d["scores"]) >= 3
