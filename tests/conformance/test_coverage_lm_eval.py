"""The coverage figure's denominator against lm_eval 0.4.13 itself: the leaf tasks evalmetrics counts are the tasks
lm_eval's own task index registers, and each task's rows are lm_eval's metrics x filter pipelines, as lm_eval's own
YAML loader merges the config and with lm_eval's own default metrics.

A deterministic sample of the task folders keeps this light (every 12th top-level folder of lm_eval/tasks, each
indexed on its own by both sides); the full run is `evalmetrics coverage --lm-eval-tasks`, recorded in
docs/coverage_lm_eval.json.
"""
from __future__ import annotations

from pathlib import Path

import pytest

lm_eval = pytest.importorskip("lm_eval")

from lm_eval.api.registry import DEFAULT_METRIC_REGISTRY  # noqa: E402
from lm_eval.tasks._index import Kind, TaskIndex  # noqa: E402

from evalmetrics.integrations.coverage import (LM_EVAL_DEFAULT_METRICS, expected_rows,  # noqa: E402
                                               lm_eval_coverage, lm_eval_leaf_tasks, lm_eval_yaml_files)
from evalmetrics.integrations.lm_eval_tasks import load_task_yaml  # noqa: E402

TASKS = Path(lm_eval.__file__).parent / "tasks"
FOLDERS = [d for d in sorted(TASKS.iterdir()) if d.is_dir() and d.name != "__pycache__"][::12]


def _lm_eval_rows(cfg: dict) -> list:
    """lm_eval's reported rows of a task config as its loader gives it (functions unresolved: ``dir/module.name``,
    reported under the function's ``__name__``)."""
    ml = cfg.get("metric_list")
    if ml is None:
        metrics = list(DEFAULT_METRIC_REGISTRY[cfg.get("output_type", "generate_until")])
    else:
        metrics = [m["metric"] if "/" not in str(m["metric"]) else str(m["metric"]).rpartition(".")[2] for m in ml]
    fl = cfg.get("filter_list")
    filters = [f["name"] for f in fl] if fl else ["none"]
    out = []
    for f in filters:
        for m in metrics:
            if f"{m},{f}" not in out:
                out.append(f"{m},{f}")
    return out


def test_default_metrics_are_lm_eval_s():
    assert {k: list(v) for k, v in LM_EVAL_DEFAULT_METRICS.items()} == {
        k: list(v) for k, v in DEFAULT_METRIC_REGISTRY.items() if k in LM_EVAL_DEFAULT_METRICS}
    assert set(DEFAULT_METRIC_REGISTRY) <= set(LM_EVAL_DEFAULT_METRICS)


@pytest.mark.parametrize("folder", FOLDERS, ids=[d.name for d in FOLDERS])
def test_leaf_tasks_and_rows_are_lm_eval_s(folder):
    index = {n: e for n, e in TaskIndex.build([folder]).items() if e.kind in (Kind.TASK, Kind.PY_TASK)}
    ours = {item[0]: item for item in lm_eval_leaf_tasks(lm_eval_yaml_files(folder), load_task_yaml) if item}
    assert set(ours) == set(index), f"leaf tasks differ: only ours {set(ours) - set(index)}, only lm_eval's " \
                                    f"{set(index) - set(ours)}"
    for name, entry in index.items():
        assert Path(ours[name][1]) == Path(entry.yaml_path), name
        if entry.kind is Kind.TASK:
            assert expected_rows(ours[name][2]) == _lm_eval_rows(entry.cfg), name


def test_coverage_denominator_equals_lm_eval_s_count_on_the_sample():
    """Tasks and rows of the coverage run equal lm_eval's count over the sampled folders (folders with a Python
    class task, whose rows only its code defines, are compared on tasks only)."""
    checked = 0
    for folder in FOLDERS:
        index = {n: e for n, e in TaskIndex.build([folder]).items() if e.kind in (Kind.TASK, Kind.PY_TASK)}
        cov = lm_eval_coverage(folder)
        assert cov.tasks == len(index), folder.name
        assert cov.read + sum(g["rows"] for g in cov.reasons.values()) == cov.rows
        if any(e.kind is Kind.PY_TASK for e in index.values()):
            continue
        assert cov.rows == sum(len(_lm_eval_rows(e.cfg)) for e in index.values()), folder.name
        checked += 1
    assert checked >= len(FOLDERS) // 2
