"""Run cards of real lighteval runs (``evalmetrics card`` / ``why`` on lighteval output folders).

lighteval 0.13.0's ``Pipeline`` runs the docs' multiple-choice custom task on its own transformers backend (a tiny
random GPT-2 saved to disk), with ``save_details=True``; its ``EvaluationTracker`` writes the results and details.
Pairs that differ in one setting must name exactly that setting; an identical pair shows no difference, the same
fingerprint and zero in every part of the decomposition; every row carries lighteval's value and the canonical ID.
"""
from __future__ import annotations

import json

import pytest

pytest.importorskip("lighteval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")

from test_integrations_lighteval import (  # noqa: E402,F401 (fixtures)
    offline_lighteval,
    task_folder,
)

from evalmetrics.cli import main  # noqa: E402
from evalmetrics.runs import differences, read_run, why  # noqa: E402

BASE = {"batch_size": 8, "dtype": "float32", "max_samples": None}
T = "tasks.em_mc|0."
PAIRS = [
    ("same", {}, set()),
    ("batch_size", {"batch_size": 2}, {"model_config.batch_size"}),
    ("dtype", {"dtype": "bfloat16"}, {"model_config.dtype"}),
    # lighteval's example and token hashes are over the evaluated documents: they move with the document set
    ("max_samples", {"max_samples": 5}, {"max_samples", T + "documents", T + "prompts", T + "hashes.hash_examples",
                                         T + "hashes.hash_input_tokens", T + "hashes.hash_cont_tokens"}),
]
_RUNS: dict = {}


def _runs(task_folder):
    """Every run once per session (the fixtures are per test; the output folders outlive them)."""
    if _RUNS:
        return _RUNS
    from lighteval.logging.evaluation_tracker import EvaluationTracker
    from lighteval.models.transformers.transformers_model import TransformersModelConfig
    from lighteval.pipeline import ParallelismManager, Pipeline, PipelineParameters

    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    tok = bpe_tokenizer()
    random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id).save_pretrained(
        task_folder / "tiny")
    tok.save_pretrained(task_folder / "tiny")

    def run(name, batch_size, dtype, max_samples):
        cfg = TransformersModelConfig(model_name=str(task_folder / "tiny"), batch_size=batch_size, dtype=dtype,
                                      cache_dir=str(task_folder / "cache"))
        tracker = EvaluationTracker(output_dir=str(task_folder / name), save_details=True)
        params = PipelineParameters(launcher_type=ParallelismManager.NONE, max_samples=max_samples,
                                    custom_tasks_directory="my_tasks/lighteval_tasks.py")
        p = Pipeline(tasks="em_mc|0", pipeline_parameters=params, evaluation_tracker=tracker, model_config=cfg)
        p.evaluate()
        p.save_and_push_results()
        return task_folder / name, p.get_results()["results"]["em_mc:0"]

    _RUNS["base"] = run("base", **BASE)
    for name, changes, _ in PAIRS:
        _RUNS[name] = run(name, **{**BASE, **changes})
    return _RUNS


@pytest.mark.parametrize("name,changes,expected", PAIRS, ids=[p[0] for p in PAIRS])
def test_a_pair_names_exactly_the_changed_settings(offline_lighteval, task_folder, name, changes, expected):
    runs = _runs(task_folder)
    a, b = read_run(runs["base"][0]), read_run(runs[name][0])
    moving = {d["field"] for d in differences(a, b) if d["can_move_score"]}
    assert moving == expected, differences(a, b)
    assert (a.fingerprint == b.fingerprint) == (not expected)
    d = why(a, b, n_boot=200)
    assert {r["metric"] for r in d["rows"]} == {r.metric for r in a.rows}
    for row in d["rows"]:
        dec = row["decomposition"]
        assert dec["available"], dec
        assert dec["residual"] == 0.0  # evalmetrics rescoring A's logged outputs gives A's logged values
        parts = sum(dec[p] for p in ("metric", "outputs", "docs", "residual"))
        assert parts == pytest.approx(row["delta"], abs=1e-12)
        if not expected:
            assert row["delta"] == 0.0 and (dec["metric"], dec["outputs"], dec["docs"]) == (0.0, 0.0, 0.0)
        if name == "max_samples":
            assert (dec["shared_docs"], dec["only_b_docs"]) == (5, 0) and dec["metric"] == 0.0


def test_card_rows_are_lighteval_s_values_with_ids(offline_lighteval, task_folder, capsys):
    runs = _runs(task_folder)
    path, results = runs["base"]
    card = read_run(path)
    assert card.harness == "lighteval"
    assert {r.metric: r.value for r in card.rows} == {k: v for k, v in results.items() if not k.endswith("_stderr")}
    assert all(r.id is not None and r.n == 12 for r in card.rows)
    assert card.fields["model_config.batch_size"].kind == "numerics"
    assert card.fields["model_config.dtype"].value == "float32"
    assert card.documents["em_mc|0"]["n"] == 12
    assert main(["card", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["harness"] == "lighteval" and d["fingerprint"] == card.fingerprint
