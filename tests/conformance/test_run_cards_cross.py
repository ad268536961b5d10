"""``evalmetrics why`` across harnesses, on real runs: lm_eval's gsm8k against lighteval's gsm8k.

One local gsm8k-like data set (gsm8k's columns, ``question`` and ``answer``) is run by both harnesses with one tiny
random GPT-2 saved to disk:

* lm-eval 0.4.13's ``simple_evaluate`` (HF backend) on a copy of lm_eval's own ``gsm8k.yaml`` (read from the
  installed lm_eval; only the dataset is local and the few-shot count 0), its ``EvaluationTracker`` writing results
  and samples;
* lighteval 0.13.0's ``Pipeline`` (transformers backend) on lighteval's own ``gsm8k`` task config (its prompt
  function; only the dataset is local), scored by two metrics made with ``to_lighteval``: lm_eval's gsm8k
  strict-match meaning (the same meaning as lm_eval's row) and lighteval's ``quasi_exact_match_gsm8k`` (another
  one), its ``EvaluationTracker`` writing results and details.

The two runs' documents differ on purpose: one only lm_eval scores, one only lighteval scores, one question twice in
lighteval's data (ambiguous: never merged), and a question with two different answers in lm_eval's data (the gold
answer decides which one lighteval's document is). Gold answers without ``#### <number>`` make the two meanings
disagree on the tiny model's outputs (lighteval's extraction falls back on both sides and calls them equal), and a
gold of ``#### [invalid]`` is lm_eval's fallback text, which lm_eval's strict-match scores 1 on any output without an
answer: the parts are not all 0.

``python tests/conformance/test_run_cards_cross.py DEST`` writes the two runs under DEST (``tests/data/cross_runs`` is
such a copy, read by tests/test_why_cross.py without the harnesses).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import types

import pytest

if __name__ != "__main__":
    pytest.importorskip("lm_eval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")
    pytest.importorskip("lighteval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMITTED = os.path.join(ROOT, "tests", "data", "cross_runs")

SHARED = [
    {"question": "Tom has 3 apples and eats 1. How many are left", "answer": "He eats one: 3 - 1 = 2.\n#### 2"},
    {"question": "A box holds 12 eggs. How many eggs are in 2 boxes", "answer": "12 * 2 = 24\n#### 24"},
    {"question": "What colour is the sky on a clear day", "answer": "It is blue."},
    {"question": "Name the capital of France", "answer": "Paris"},
]
ONLY_LM_EVAL = [{"question": "What does lm_eval fall back on when no answer is found", "answer": "#### [invalid]"}]
ONLY_LIGHTEVAL = [{"question": "Who wrote Hamlet", "answer": "Shakespeare"}]
TWICE = {"question": "How many legs does a spider have", "answer": "#### 8"}
TWIN = [{"question": "How many days are in a week", "answer": "#### 6"},
        {"question": "How many days are in a week", "answer": "#### 7"}]

LM_EVAL_DOCS = SHARED + ONLY_LM_EVAL + [TWICE] + TWIN
LIGHTEVAL_DOCS = SHARED + ONLY_LIGHTEVAL + [TWICE, TWICE] + TWIN[1:]

LIGHTEVAL_TASKS = '''
import dataclasses

from lighteval.tasks.tasks.gsm8k import gsm8k

from evalmetrics.integrations.lighteval import to_lighteval

TASKS_TABLE = [dataclasses.replace(
    gsm8k, hf_repo={data!r}, hf_subset="default", hf_avail_splits=["test"], evaluation_splits=["test"],
    few_shots_split=None, few_shots_select=None, solver=None, scorer=None, sample_fields=None, sample_to_fewshot=None,
    generation_size=24,
    metrics=[to_lighteval("lm_eval:gsm8k/strict-match", name="em_strict"),
             to_lighteval("lighteval:quasi_exact_match_gsm8k", name="qem")])]
'''


def _jsonl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def make_runs(dest, patch):
    """Both runs under ``dest`` (``lm_eval/`` and ``lighteval/``); ``patch(obj, name, value)`` sets an attribute for
    the duration (pytest's monkeypatch.setattr)."""
    from pathlib import Path

    dest = Path(dest).resolve()
    work = dest / "_work"  # the model and both data sets, named relative to it (no temporary path in the runs)
    work.mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    os.chdir(work)
    try:
        return _make(dest, work, patch)
    finally:
        os.chdir(here)


def _make(dest, work, patch):
    import lm_eval
    import xxhash
    import yaml
    from lighteval.logging import info_loggers
    from lighteval.logging.evaluation_tracker import EvaluationTracker as LightevalTracker
    from lighteval.models.transformers.transformers_model import TransformersModelConfig
    from lighteval.pipeline import ParallelismManager, Pipeline, PipelineParameters
    from lighteval.tasks.registry import Registry
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.tasks import TaskManager

    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    tok = bpe_tokenizer()
    model_dir = work / "model"
    random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)

    # lm_eval: its own gsm8k.yaml, the dataset local, 0-shot
    cfg = yaml.safe_load(open(os.path.join(os.path.dirname(lm_eval.__file__), "tasks", "gsm8k", "gsm8k.yaml"),
                              encoding="utf-8"))
    _jsonl(work / "lm_eval_data" / "test.jsonl", LM_EVAL_DOCS)
    for k in ("tag", "training_split", "fewshot_split"):
        cfg.pop(k, None)
    cfg.update(dataset_path="json", dataset_kwargs={"data_files": {"test": "lm_eval_data/test.jsonl"}}, num_fewshot=0)
    cfg.pop("dataset_name", None)
    cfg["generation_kwargs"]["max_gen_toks"] = 24
    (work / "lm_eval_tasks").mkdir(parents=True, exist_ok=True)
    (work / "lm_eval_tasks" / "gsm8k.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    tm = TaskManager(include_path="lm_eval_tasks", include_defaults=False)
    results = lm_eval.simple_evaluate(model="hf", model_args="pretrained=model,dtype=float32", tasks=["gsm8k"],
                                      task_manager=tm, batch_size=4, log_samples=True, device="cpu")
    tracker = EvaluationTracker(output_path=str(dest / "lm_eval"))
    samples = results.pop("samples")
    tracker.save_results_aggregated(results=results, samples=samples)
    tracker.save_results_samples(task_name="gsm8k", samples=samples["gsm8k"])

    # lighteval: its own gsm8k config (prompt function), the dataset local, 0-shot
    def custom_only(custom_tasks=None, load_multilingual=False):
        return Registry._extract_configs(Registry.create_custom_tasks_module(custom_tasks))

    def xxh64(data=b"", *a, **k):
        return xxhash.xxh64(data.encode("utf-8") if isinstance(data, str) else data, *a, **k)

    patch(Registry, "load_all_task_configs", staticmethod(custom_only))
    patch(info_loggers, "xxhash", types.SimpleNamespace(xxh64=xxh64))
    _jsonl(work / "lighteval_data" / "test.jsonl", LIGHTEVAL_DOCS)
    tasks_file = work / "lighteval_tasks.py"
    tasks_file.write_text(LIGHTEVAL_TASKS.format(data="lighteval_data"), encoding="utf-8")
    mcfg = TransformersModelConfig(model_name="model", batch_size=4, dtype="float32", cache_dir="cache")
    ltracker = LightevalTracker(output_dir=str(dest / "lighteval"), save_details=True)
    params = PipelineParameters(launcher_type=ParallelismManager.NONE, custom_tasks_directory="lighteval_tasks.py")
    p = Pipeline(tasks="gsm8k|0", pipeline_parameters=params, evaluation_tracker=ltracker, model_config=mcfg)
    p.evaluate()
    p.save_and_push_results()
    return dest / "lm_eval", dest / "lighteval"


@pytest.fixture(scope="module")
def cross_runs(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        lm, le = make_runs(tmp_path_factory.mktemp("cross_runs"), mp.setattr)
    finally:
        mp.undo()
    if os.environ.get("EVALMETRICS_WRITE_LOGS") == "1":  # the copy tests/test_why_cross.py reads without the harnesses
        for src, name in ((lm, "lm_eval"), (le, "lighteval")):
            shutil.rmtree(os.path.join(COMMITTED, name), ignore_errors=True)
            shutil.copytree(src, os.path.join(COMMITTED, name))
    return lm, le


def _tests_dir_helpers():
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import test_why_cross

    return test_why_cross


def test_cross_harness_why_on_fresh_runs(cross_runs):
    """The checks tests/test_why_cross.py makes on the committed copy, on runs made now."""
    from evalmetrics.runs import why

    helpers = _tests_dir_helpers()
    lm, le = cross_runs
    helpers.check_cross(why(lm, le, n_boot=200), lm, le)
    helpers.check_swapped(why(le, lm, n_boot=200))


def test_the_metric_part_is_lm_eval_s_own_pipeline_on_lighteval_s_outputs(cross_runs):
    """B's outputs rescored with A's pipeline: on every aligned document, lm_eval's own filters (``Task._filters``)
    and ``process_results`` on lighteval's output and lm_eval's document give the values ``why`` used."""
    from lm_eval.tasks import TaskManager

    from evalmetrics.io import read_rows
    from evalmetrics.runs import read_run, why

    lm, le = cross_runs
    d = why(lm, le, n_boot=200)
    helpers = _tests_dir_helpers()
    work = lm.parent / "_work"
    here = os.getcwd()
    os.chdir(work)
    try:
        task = TaskManager(include_path="lm_eval_tasks", include_defaults=False).load_task_or_group(["gsm8k"])["gsm8k"]
    finally:
        os.chdir(here)
    card_a, card_b = read_run(lm), read_run(le)
    samples = card_a.documents["gsm8k"]["path"]
    details = card_b.documents["gsm8k|0"]["path"]
    out_b = {r["doc"]["id"]: r["model_response"]["text"][0] for r in read_rows(details)}
    checked = 0
    for row in d["rows"]:
        dec = row["decomposition"]
        (ensemble,) = [f for f in task._filters if f.name == row["filter"]]
        docs_a = {str(r["doc_id"]): r["doc"] for r in read_rows(samples, lm_eval_filter=row["filter"])}
        values = []
        for ida, idb in helpers.aligned_ids():
            resps = [[out_b[idb]]]
            for f in ensemble.filters:
                resps = f().apply(resps, [docs_a[ida]])
            (filtered,) = list(resps)
            values.append(task.process_results(docs_a[ida], [filtered])[row["metric"]])
            checked += 1
        assert dec["shared_means"]["b_under_a_metric"] == pytest.approx(sum(values) / len(values), abs=1e-15)
    assert checked == 4 * 5


def test_committed_runs_equal_fresh_ones(cross_runs):
    """tests/data/cross_runs (EVALMETRICS_WRITE_LOGS=1 rewrites it): each run's rows and documents equal a fresh
    run's (where the samples and details files lie, named by their timestamps, aside)."""
    from evalmetrics.runs import read_run

    for fresh_path, name in zip(cross_runs, ("lm_eval", "lighteval")):
        fresh, committed = read_run(fresh_path), read_run(os.path.join(COMMITTED, name))
        assert [r.to_dict() for r in committed.rows] == [r.to_dict() for r in fresh.rows], name
        where = ("file", "path")
        assert ({t: {k: v for k, v in d.items() if k not in where} for t, d in committed.documents.items()}
                == {t: {k: v for k, v in d.items() if k not in where} for t, d in fresh.documents.items()}), name


if __name__ == "__main__":
    class _Patch:
        def __call__(self, obj, name, value):
            setattr(obj, name, value)

    out = sys.argv[1]
    shutil.rmtree(out, ignore_errors=True)
    print(make_runs(out, _Patch()))
