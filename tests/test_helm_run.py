"""Run cards and ``why`` on HELM run folders written by HELM itself.

tests/data/helm_runs holds eight real crfm-helm 0.5.16 runs made offline by ``helm-run`` with HELM's deterministic
test client ``simple/model1`` (it answers with the prompt's last word), re-made by tests/data/helm_runs/make_runs.sh:
six of the run spec ``simple1_em`` (HELM's ``Simple1Scenario`` with HELM's exact-match family, registered by
helm_plugin.py there): ``base`` (2 in-context examples, 4 instances), ``base_again`` (the same, run again),
``fewshot0`` (``max_train_instances=0``), ``qa_prompt`` (HELM's ``prompt=qa`` run expander: the model now answers
``A:``), ``more_docs`` (5 instances) and ``trials2`` (``num_train_trials=2``); ``mcqa``, HELM's built-in
``simple_mcqa`` (multiple_choice_joint); and ``mcqa_separate``, that run spec with HELM's
multiple_choice_separate_original adapter spec (``simple_mcqa_separate`` in helm_plugin.py).
The values compared are HELM's own: stats.json, per_instance_stats.json and the outputs in scenario_state.json.
"""
from __future__ import annotations

import json
import os
import shutil

import pytest

from evalmetrics import InvalidInput
from evalmetrics.cli import main
from evalmetrics.registry import get
from evalmetrics.runs import KINDS, differences, read_run, why
from evalmetrics.runs.helm_run import helm_logged, helm_rescore, helm_row

RUNS = os.path.join(os.path.dirname(__file__), "data", "helm_runs")
TASK = "simple1:num_input_tokens=5,num_test_instances=20,num_train_instances=10,vocab_size=5"
EM_FAMILY = ("exact_match", "quasi_exact_match", "prefix_exact_match", "quasi_prefix_exact_match", "f1_score")


def _run(name):
    return os.path.join(RUNS, name)


def _json(name, file):
    with open(os.path.join(RUNS, name, file), encoding="utf-8") as f:
        return json.load(f)


def test_card_rows_are_helm_s_reported_metrics_with_their_ids():
    card = read_run(_run("base"))
    assert card.harness == "helm"
    stats = {(s["name"]["name"], s["name"]["split"]): s.get("mean") for s in _json("base", "stats.json")
             if "perturbation" not in s["name"]}
    assert [(r.task, r.metric, r.filter) for r in card.rows] == [(TASK, m, "test") for m in EM_FAMILY]
    for r in card.rows:
        assert r.value == stats[(r.metric, "test")]
        assert r.id == get(f"helm:{r.metric}").id and r.notes == []
        assert r.n == 4 and r.stderr is None
    assert card.documents[TASK]["n"] == 4
    first = _json("base", "scenario_state.json")["request_states"][0]["request"]["prompt"]
    assert card.documents[TASK]["first_prompt"] == first


def test_every_field_keeps_helm_s_key_and_has_a_kind():
    card = read_run(_run("base"))
    spec = _json("base", "run_spec.json")
    assert all(f.kind in KINDS for f in card.fields.values())
    for key, value in spec["adapter_spec"].items():
        assert card.fields[f"adapter_spec.{key}"].value == value
    assert card.fields["adapter_spec.method"].value == "generation"
    assert card.fields["adapter_spec.max_train_instances"].kind == "fewshot"
    assert card.fields["adapter_spec.max_tokens"].kind == "decoding"
    assert card.fields["adapter_spec.stop_sequences"].value == ["\n"]
    assert card.fields["adapter_spec.instructions"].kind == "prompt"
    assert card.fields["adapter_spec.model"].kind == "model"
    assert card.fields["adapter_spec.max_eval_instances"].kind == "documents"
    assert card.fields["scenario_spec.args.vocab_size"].value == 5
    assert card.fields["metric_specs"].kind == "metric"
    assert card.fields["request.top_p"].value == 1
    assert not card.fields["name"].can_move_score and not card.fields["scenario.description"].can_move_score


def test_multiple_choice_joint_run():
    card = read_run(_run("mcqa"))
    assert card.fields["adapter_spec.method"].value == "multiple_choice_joint"
    ids = {r.metric: r.id for r in card.rows}
    # the letter is stripped, then mapped: the choice text reaches exact_match's empty check unstripped
    assert ids["exact_match"] == get("helm:exact_match").id.replace(
        "pred=[strip(which=both, chars=none), reject_empty]", "pred=[reject_empty, strip(which=both, chars=none)]")
    assert get(ids["exact_match"]).id == ids["exact_match"]
    # best of the num_outputs=5 completions: any of them scoring 1 (pass@5 of 5), each scored as exact_match is
    for name in ("exact_match", "quasi_exact_match", "prefix_exact_match", "quasi_prefix_exact_match"):
        best = get(ids[f"{name}@5"])
        assert (best.name, best.k, best.n, best.metric.id) == ("pass_at_k", 5, 5, ids[name])
    # the simple client answers "Answer:", which is no letter of the mapping: HELM scores it as empty
    rows, keys, logged = helm_logged(_run("mcqa"), "test", "exact_match")
    assert [r["prediction"] for r in rows] == [""] * 4 and list(logged) == [0.0] * 4


def test_multiple_choice_separate_run_says_why_it_has_no_id():
    """One request per choice: HELM's BasicReferenceMetric scores exact_match as the share of correct references
    among the best-scoring ones (simple/model1 gives every token log-probability 0: all tie, half are correct)."""
    card = read_run(_run("mcqa_separate"))
    assert card.fields["adapter_spec.method"].value == "multiple_choice_separate_original"
    stats = {s["name"]["name"]: s.get("mean") for s in _json("mcqa_separate", "stats.json")
             if "perturbation" not in s["name"]}
    (row,) = card.rows
    assert (row.metric, row.value, row.n, row.id) == ("exact_match", stats["exact_match"], 4, None)
    assert row.value == 0.5
    (note,) = row.notes
    assert note.startswith("HELM's BasicReferenceMetric (multiple_choice_separate_original") and \
        "tie for the highest score" in note and "log-probability per token" in note
    d = why(_run("mcqa_separate"), _run("mcqa"))
    assert {x["field"]: x["b"] for x in d["differences"]}["adapter_spec.method"] == "multiple_choice_joint"
    (r,) = d["rows"]
    assert r["decomposition"]["available"] is False and "not read as a canonical ID" in r["decomposition"]["reason"]
    with pytest.raises(InvalidInput, match="several request states") as e:
        helm_logged(_run("mcqa_separate"), "test", "exact_match")
    assert e.value.field == "request_states"
    # the other order too: rows, the separate run's without a decomposition and with the reason
    d = why(_run("mcqa"), _run("mcqa_separate"))
    (r,) = d["rows"]
    assert (r["metric"], r["a"], r["b"]) == ("exact_match", 0.0, 0.5)
    assert r["decomposition"] == {"available": False, "reason": "B's per-document values cannot be read ("
                                  f"{e.value.reason})"}


def test_a_statistic_of_another_metric_names_it():
    from evalmetrics.runs.helm_run import _unread

    spec = _json("base", "run_spec.json")
    assert "computed by no metric evalmetrics reads" in _unread(spec, "x")
    spec["metric_specs"].append({"class_name": "helm.benchmark.metrics.wildbench_metrics.WildBenchScoreMetric",
                                 "args": {}})
    spec["annotators"] = [{"class_name": "helm.benchmark.annotation.wildbench_annotator.WildBenchAnnotator",
                           "args": {}}]
    note = _unread(spec, "wildbench_score")
    assert note == ("'wildbench_score' is not one of HELM's reference metrics (compute_reference_metrics) that the "
                    "run spec names: computed by the run spec's other metrics (WildBenchScoreMetric), with the "
                    "outputs graded by the run spec's annotators "
                    "(helm.benchmark.annotation.wildbench_annotator.WildBenchAnnotator: model-graded)")


@pytest.mark.parametrize("num_outputs", [1, 5])
def test_code_pass_rows_read_as_the_flag_aliases(num_outputs):
    """A code scenario's ``pass`` and ``pass@<num_outputs>`` rows: HELM's pass@1 / pass@k of its code-execution
    flags (helm:pass, helm:pass@k, proven against HELM's estimator in test_lighteval_extra.py); the flags are not
    logged, so why says it cannot rescore them."""
    from evalmetrics.runs.helm_run import _metric_ids

    spec = _json("base", "run_spec.json")
    spec["adapter_spec"]["num_outputs"] = num_outputs
    spec["metric_specs"][0]["args"]["names"] = ["pass"]
    ids = _metric_ids(spec)
    expected = {"pass": get("helm:pass").id}
    if num_outputs > 1:
        expected["pass@5"] = get("helm:pass@k", num_outputs=5).id
    assert {k: v[0] for k, v in ids.items()} == expected
    assert all("not logged in the run folder" in v[1][0] for v in ids.values())
    rows, _, _ = helm_logged(_run("base"), "test", "exact_match")
    with pytest.raises(InvalidInput, match="not logged in the run folder"):
        helm_rescore(get(expected["pass"]), rows)


def test_best_of_a_graded_metric_says_why_it_has_no_id():
    from evalmetrics.runs.helm_run import helm_best_of_id, helm_metric_id

    mid, notes = helm_best_of_id("f1_score", 3, helm_metric_id("f1_score", "generation"))
    assert mid is None and "a max over graded values" in notes[0]
    mid, notes = helm_best_of_id("exact_match", 3, (None, ["x"]))
    assert mid is None and "exact_match itself is not read" in notes[0]


@pytest.mark.parametrize("name", ["base", "fewshot0", "qa_prompt", "more_docs", "trials2", "mcqa"])
def test_rescoring_reproduces_helm_s_per_instance_values(name):
    """evalmetrics' helm: alias on the outputs HELM logged gives the per-instance values HELM logged (``@k``
    rows: on all the completions HELM logged)."""
    for row in read_run(_run(name)).rows:
        if row.id is None:
            continue
        rows, keys, logged = helm_logged(_run(name), row.filter, row.metric)
        assert len(rows) == row.n and len(set(keys)) == len(keys)
        assert helm_rescore(get(row.id), rows).tolist() == logged.tolist()
        assert sum(logged) / len(logged) == pytest.approx(row.value, abs=1e-15)


def test_identical_pair_has_no_difference_and_zero_parts():
    a, b = read_run(_run("base")), read_run(_run("base_again"))
    assert differences(a, b) == [] and a.fingerprint == b.fingerprint
    d = why(a, b)
    assert [r["metric"] for r in d["rows"]] == list(EM_FAMILY)
    for r in d["rows"]:
        dec = r["decomposition"]
        assert r["delta"] == 0.0 and dec["shared_docs"] == 4
        assert (dec["metric"], dec["outputs"], dec["docs"], dec["residual"]) == (0.0, 0.0, 0.0, 0.0)


def test_few_shot_pair_names_the_setting_and_the_prompts():
    d = why(_run("base"), _run("fewshot0"))
    assert {x["field"]: (x["a"], x["b"], x["kind"]) for x in d["differences"]} == {
        "adapter_spec.max_train_instances": (2, 0, "fewshot"),
        "prompts": (read_run(_run("base")).fields["prompts"].value,
                    read_run(_run("fewshot0")).fields["prompts"].value, "prompt")}
    for r in d["rows"]:  # the simple client answers the last input token, whatever the examples before it
        assert r["delta"] == 0.0 and r["decomposition"]["differing_outputs"] == 0


def test_prompt_pair_puts_the_gap_in_the_outputs():
    d = why(_run("base"), _run("qa_prompt"))
    prompts = {s["instance"]["id"]: s["request"]["prompt"]
               for s in _json("base", "scenario_state.json")["request_states"]}
    assert {x["field"] for x in d["differences"]} == {"adapter_spec.input_prefix", "adapter_spec.output_prefix",
                                                      "prompts"}
    for r in d["rows"]:
        dec = r["decomposition"]
        assert r["delta"] < 0 and dec["differing_outputs"] == 4
        assert dec["metric"] == 0.0 and dec["docs"] == 0.0 and dec["residual"] == 0.0
        assert dec["outputs"] == pytest.approx(r["delta"], abs=1e-12)
        assert dec["flips"] == 1 and dec["examples"][0]["output_b"] == "A:"
        # A's rendered prompt of that instance, from scenario_state.json
        assert dec["examples"][0]["prompt_tail"] == prompts[dec["examples"][0]["doc_id"]][-200:]
    assert d["rows"][0]["decomposition"]["significance"]["outputs"]["method"].startswith("exact McNemar")


def test_document_pair_puts_the_gap_in_the_documents():
    d = why(_run("base"), _run("more_docs"))
    assert {x["field"] for x in d["differences"]} == {"adapter_spec.max_eval_instances", "documents", "prompts"}
    for r in d["rows"]:
        dec = r["decomposition"]
        assert (dec["shared_docs"], dec["only_a_docs"], dec["only_b_docs"]) == (4, 0, 1)
        assert dec["metric"] == 0.0 and dec["outputs"] == 0.0 and dec["residual"] == 0.0
        assert dec["docs"] == pytest.approx(r["delta"], abs=1e-12) and r["delta"] > 0


def test_train_trial_pair_matches_instances_by_trial():
    """Two train trials: each instance is scored once per trial (other in-context examples); trial 0 of each
    instance is shared with the one-trial run, trial 1 is B's alone."""
    card = read_run(_run("trials2"))
    assert all(r.n == 8 for r in card.rows) and card.documents[TASK]["n"] == 4
    d = why(_run("base"), _run("trials2"))
    assert {x["field"] for x in d["differences"]} == {"adapter_spec.num_train_trials", "prompts"}
    for r in d["rows"]:
        dec = r["decomposition"]
        assert (dec["shared_docs"], dec["only_a_docs"], dec["only_b_docs"]) == (4, 0, 4)
        assert (dec["metric"], dec["outputs"], dec["residual"]) == (0.0, 0.0, 0.0)
        assert dec["docs"] == pytest.approx(r["delta"], abs=1e-12)


def test_card_and_why_commands(capsys, tmp_path):
    assert main(["card", _run("base"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["harness"] == "helm" and "doc_hashes" not in d["documents"][TASK]
    assert main(["card", _run("base")]) == 0
    assert "adapter_spec.max_train_instances = 2" in capsys.readouterr().out
    page = tmp_path / "why.html"
    assert main(["why", _run("base"), _run("qa_prompt"), "-o", str(page)]) == 0
    out = capsys.readouterr().out
    assert "[prompt] adapter_spec.output_prefix: \"\" -> \"A: \"" in out and "outputs  -0.2500" in out
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html
    # a prompt tail shows the prompt's last characters (cut at the start)
    tail = json.dumps(why(_run("base"), _run("qa_prompt"))["rows"][0]["decomposition"]["examples"][0]["prompt_tail"])
    assert f"prompt tail \u2026{tail[-43:]}" in out and tail.endswith('2\\n"')
    # every chart label shows its metric in full (a long task name is cut instead)
    import re

    labels = re.findall(r'text-anchor="end">([^<]*)<title>', html)
    rows = why(_run("base"), _run("qa_prompt"))["rows"]
    assert len(labels) == len(rows) and all(len(x) <= 44 for x in labels)
    assert [x.rsplit(" ", 1)[1] for x in labels] == [f"{r['metric']},{r['filter']}" for r in rows]
    assert all(x.split(" ")[0].endswith("\u2026") for x in labels)


def test_helm_output_layouts(tmp_path):
    suite = tmp_path / "benchmark_output" / "runs" / "evalmetrics"
    shutil.copytree(_run("base"), suite / "simple1_em:model=simple_model1")
    # a suite folder holding one run, the run folder, and one of its files all name the run
    for p in (tmp_path / "benchmark_output", suite, suite / "simple1_em:model=simple_model1",
              suite / "simple1_em:model=simple_model1" / "stats.json",
              suite / "simple1_em:model=simple_model1" / "scenario.json"):
        assert read_run(p).fingerprint == read_run(_run("base")).fingerprint
    shutil.copytree(_run("fewshot0"), suite / "other")
    with pytest.raises(InvalidInput, match="holds 2 HELM runs"):
        read_run(suite)


@pytest.mark.parametrize("file, text, message", [
    ("stats.json", None, "without stats.json"),
    ("run_spec.json", "{not json", "not a readable HELM run_spec.json"),
    ("scenario_state.json", '{"request_states": 3}', "no request_states list"),
    ("stats.json", '[{"mean": 1}]', "a statistic without its name"),
    ("scenario_state.json", '{"request_states": [3]}', "a request state that is not an object"),
    ("per_instance_stats.json", '[{"instance_id": "id1"}]', "an entry without its stats"),
])
def test_bad_run_folders_are_typed_errors(tmp_path, file, text, message):
    run = tmp_path / "run"
    shutil.copytree(_run("base"), run)
    if text is None:
        (run / file).unlink()
    else:
        (run / file).write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message) as e:
        read_run(run)
    assert e.value.field is not None


def test_a_missing_per_instance_value_is_named(tmp_path):
    run = tmp_path / "run"
    shutil.copytree(_run("base"), run)
    per = json.loads((run / "per_instance_stats.json").read_text(encoding="utf-8"))
    per[2]["stats"] = [s for s in per[2]["stats"] if s["name"]["name"] != "exact_match"]
    (run / "per_instance_stats.json").write_text(json.dumps(per), encoding="utf-8")
    with pytest.raises(InvalidInput, match="no 'exact_match' on split 'test' for instance") as e:
        helm_logged(run, "test", "exact_match")
    assert e.value.field == "exact_match" and e.value.index == 2


@pytest.mark.parametrize("change, field", [
    (lambda s: s["result"].update(completions=[]), "result"),
    (lambda s: s["result"]["completions"][0].update(logprob="high"), "logprob"),
    (lambda s: s["result"]["completions"][0].update(text=None), "completions"),
    (lambda s: s.update(output_mapping=["A"]), "output_mapping"),
    (lambda s: s["instance"].update(references=[{"output": {"text": "3"}, "tags": []}]), "references"),
])
def test_a_bad_request_state_is_named(change, field):
    state = json.loads(json.dumps(_json("base", "scenario_state.json")["request_states"][1]))
    helm_row(state, 1)  # as HELM wrote it
    change(state)
    with pytest.raises(InvalidInput) as e:
        helm_row(state, 1)
    assert (e.value.field, e.value.index) == (field, 1)
