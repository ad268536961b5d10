"""Run cards of real lm_eval runs: pairs of runs that differ in one setting each name exactly that setting.

lm-eval 0.4.13's ``simple_evaluate`` runs a local multiple-choice task with its HF backend (``model="hf"``, a tiny
random GPT-2 saved to disk, as its command line would load it), once per configuration, and lm_eval's own
``EvaluationTracker`` writes each output folder (results and samples). ``evalmetrics card`` reads them; for each pair
the differing score-moving fields must be exactly the setting changed (with what lm_eval derives from it), and an
identically configured pair must show no difference, the same fingerprint and the same scores.
"""
from __future__ import annotations

import json
import os
import shutil

import pytest

pytest.importorskip("lm_eval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")
pytest.importorskip("transformers")

import lm_eval  # noqa: E402
from test_logs_lm_eval import DATA, MC  # noqa: E402

from evalmetrics.cli import main  # noqa: E402
from evalmetrics.runs import differences, read_run  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMITTED = os.path.join(ROOT, "tests", "data", "lm_eval_runs")
BASE = {"batch_size": 4, "dtype": "float32", "num_fewshot": 0, "fewshot_seed": 1234, "limit": None}
T = "tasks.em_logs_mc."
# lm_eval's task hash (``task_hashes``) is over every logged sample's document, prompt and target hashes: it moves
# with the prompts (few-shot) and with the document set (limit); the card's own digests say which of the two moved
SAMPLES = {T + "hash", T + "prompts"}
# (name, its settings' changes from BASE, the run it is compared with, the fields the card must name as differing)
PAIRS = [
    ("same", {}, "base", set()),
    ("batch_size", {"batch_size": 1}, "base", {"batch_size"}),
    ("dtype", {"dtype": "bfloat16"}, "base", {"model_args.dtype", "model_dtype"}),
    ("fewshot", {"num_fewshot": 2}, "base", {T + "num_fewshot", T + "n-shot"} | SAMPLES),
    ("fewshot_seed", {"num_fewshot": 2, "fewshot_seed": 7}, "fewshot", {"fewshot_seed"} | SAMPLES),
    ("limit", {"limit": 5}, "base", {"limit", T + "n-samples.effective", T + "documents"} | SAMPLES),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.tasks import TaskManager

    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    d = tmp_path_factory.mktemp("run_cards")
    tasks_dir = d / "tasks"
    tasks_dir.mkdir()
    shutil.copy(os.path.join(DATA, "mc.jsonl"), tasks_dir / "mc.jsonl")
    (tasks_dir / "em_logs_mc.yaml").write_text(MC.format(data=tasks_dir))
    tok = bpe_tokenizer()
    model_dir = d / "model"
    random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    tm = TaskManager(include_path=str(tasks_dir), include_defaults=False)

    def run(name, **changes):
        cfg = {**BASE, **changes}
        results = lm_eval.simple_evaluate(
            model="hf", model_args=f"pretrained={model_dir},dtype={cfg['dtype']}", tasks=["em_logs_mc"],
            task_manager=tm, batch_size=cfg["batch_size"], num_fewshot=cfg["num_fewshot"],
            fewshot_random_seed=cfg["fewshot_seed"], limit=cfg["limit"], log_samples=True, device="cpu")
        tracker = EvaluationTracker(output_path=str(d / name))
        samples = results.pop("samples")
        tracker.save_results_aggregated(results=results, samples=samples)
        tracker.save_results_samples(task_name="em_logs_mc", samples=samples["em_logs_mc"])
        return d / name

    out = {"base": run("base")}
    for name, changes, _, _ in PAIRS:
        out[name] = run(name, **changes)
    if os.environ.get("EVALMETRICS_WRITE_LOGS") == "1":  # the copy tests/test_runs.py reads without lm_eval
        for name in ("base", "batch_size", "fewshot"):
            shutil.rmtree(os.path.join(COMMITTED, name), ignore_errors=True)
            shutil.copytree(out[name], os.path.join(COMMITTED, name))
    return out


@pytest.mark.parametrize("name,changes,versus,expected", PAIRS, ids=[p[0] for p in PAIRS])
def test_a_pair_names_exactly_the_changed_settings(runs, name, changes, versus, expected):
    a, b = read_run(runs[versus]), read_run(runs[name])
    moving = {d["field"] for d in differences(a, b) if d["can_move_score"]}
    assert moving == expected, differences(a, b)
    assert (a.fingerprint == b.fingerprint) == (not expected)
    if not expected:
        assert differences(a, b) == []
        assert [(r.task, r.metric, r.filter, r.value) for r in a.rows] == \
               [(r.task, r.metric, r.filter, r.value) for r in b.rows]


def test_card_rows_carry_lm_eval_s_values_and_canonical_ids(runs):
    card = read_run(runs["base"])
    results = json.loads(open(card.source, encoding="utf-8").read())
    (row,) = card.rows
    assert (row.task, row.metric, row.filter) == ("em_logs_mc", "acc", "none")
    assert row.value == results["results"]["em_logs_mc"]["acc,none"]
    assert row.n == results["n-samples"]["em_logs_mc"]["effective"] == 12
    assert row.id is not None and row.id.startswith("loglikelihood_match(")
    docs = card.documents["em_logs_mc"]
    assert docs["n"] == 12 and docs["first_prompt"] == "The capital of France is"
    assert card.fields["batch_size"].value == 4 and card.fields["batch_size"].kind == "numerics"
    assert card.fields["model_args.dtype"].value == "float32"
    assert card.fields["fewshot_seed"].kind == "fewshot"


def test_card_command(runs, capsys):
    assert main(["card", str(runs["base"]), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["harness"] == "lm_eval" and len(d["fingerprint"]) == 16
    names = {f["name"]: f for f in d["fields"]}
    assert names["limit"]["kind"] == "documents" and names["date"]["can_move_score"] is False
    assert "doc_hashes" not in d["documents"]["em_logs_mc"]
    assert main(["card", str(runs["base"])]) == 0
    text = capsys.readouterr().out
    assert "fingerprint: " + d["fingerprint"] in text and "em_logs_mc acc,none" in text
    # a folder holding two runs: a typed error naming both
    both = runs["base"].parent / "both"
    shutil.copytree(runs["base"], both / "a")
    shutil.copytree(runs["limit"], both / "b")
    assert main(["card", str(both)]) == 2
    err = capsys.readouterr().err
    assert "holds 2 runs" in err and "field run" in err


def _comparable(card):
    """A card's score-moving fields, less the two that hold this run's temporary paths (model and data folder)."""
    return {k: f.value for k, f in card.fields.items()
            if f.can_move_score and k not in ("model_args.pretrained", T + "dataset_kwargs.data_files.test")}


def test_committed_runs_equal_fresh_ones(runs):
    """tests/data/lm_eval_runs holds three of these runs (EVALMETRICS_WRITE_LOGS=1 rewrites them): their cards
    equal a fresh run's, paths and software versions aside."""
    for name in ("base", "batch_size", "fewshot"):
        fresh, committed = read_run(runs[name]), read_run(os.path.join(COMMITTED, name))
        assert [r.to_dict() for r in committed.rows] == [r.to_dict() for r in fresh.rows], name
        assert committed.documents["em_logs_mc"]["digest"] == fresh.documents["em_logs_mc"]["digest"]
        a, b = _comparable(committed), _comparable(fresh)
        software = {k for k in a if committed.fields[k].kind == "software"}
        assert {k: v for k, v in a.items() if k not in software} == {k: v for k, v in b.items() if k not in software}


# -- why: the gap split into metric, outputs and documents, on real generative runs --------------------------------

GEN = """task: em_card_gen
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
  max_gen_toks: 6
metric_list:
  - metric: exact_match
{options}"""
# a metric option only: keep the letters a and e of both texts before comparing (a real lm_eval option)
OPTION = "    regexes_to_ignore: ['[^ae]']\n"


@pytest.fixture(scope="module")
def gen_runs(tmp_path_factory):
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.tasks import TaskManager

    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    d = tmp_path_factory.mktemp("why_runs")
    tok = bpe_tokenizer()
    model_dir = d / "model"
    random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    data = d / "data"  # one data file for both task folders: the pair differs in the metric option only
    data.mkdir()
    shutil.copy(os.path.join(DATA, "qa.jsonl"), data / "qa.jsonl")
    folders = {}
    for variant, options in (("plain", ""), ("option", OPTION)):
        folder = d / f"tasks_{variant}"
        folder.mkdir()
        (folder / "em_card_gen.yaml").write_text(GEN.format(data=data, options=options))
        folders[variant] = folder

    def run(name, variant, limit=None):
        tm = TaskManager(include_path=str(folders[variant]), include_defaults=False)
        results = lm_eval.simple_evaluate(
            model="hf", model_args=f"pretrained={model_dir},dtype=float32", tasks=["em_card_gen"], task_manager=tm,
            batch_size=4, limit=limit, log_samples=True, device="cpu")
        tracker = EvaluationTracker(output_path=str(d / name))
        samples = results.pop("samples")
        tracker.save_results_aggregated(results=results, samples=samples)
        tracker.save_results_samples(task_name="em_card_gen", samples=samples["em_card_gen"])
        return d / name

    out = {"plain": run("plain", "plain"), "again": run("again", "plain"), "option": run("option", "option"),
           "limit": run("limit", "plain", limit=5)}
    if os.environ.get("EVALMETRICS_WRITE_LOGS") == "1":  # the copies tests/test_runs.py reads without lm_eval
        for name in ("plain", "option", "limit"):
            shutil.rmtree(os.path.join(COMMITTED, f"gen_{name}"), ignore_errors=True)
            shutil.copytree(out[name], os.path.join(COMMITTED, f"gen_{name}"))
    return out


def _row(d):
    (row,) = d["rows"]
    return row


def test_why_identical_runs_show_nothing(gen_runs):
    from evalmetrics.runs import why

    d = why(gen_runs["plain"], gen_runs["again"])
    assert d["differences"] == [] and d["a"]["fingerprint"] == d["b"]["fingerprint"]
    row = _row(d)
    assert row["delta"] == 0.0
    dec = row["decomposition"]
    assert dec["available"] and dec["shared_docs"] == 14 and dec["only_a_docs"] == dec["only_b_docs"] == 0
    assert (dec["metric"], dec["outputs"], dec["docs"], dec["residual"]) == (0.0, 0.0, 0.0, 0.0)
    assert dec["flips"] == 0


def test_why_metric_only_pair_puts_the_gap_in_the_metric(gen_runs):
    from evalmetrics.runs import why

    d = why(gen_runs["plain"], gen_runs["option"])
    assert [x["field"] for x in d["differences"] if x["can_move_score"]] == ["tasks.em_card_gen.metric_list"]
    assert d["differences"][0]["kind"] == "metric"
    row = _row(d)
    results_a = json.loads(open(read_run(gen_runs["plain"]).source, encoding="utf-8").read())
    results_b = json.loads(open(read_run(gen_runs["option"]).source, encoding="utf-8").read())
    assert row["a"] == results_a["results"]["em_card_gen"]["exact_match,none"]
    assert row["b"] == results_b["results"]["em_card_gen"]["exact_match,none"]
    assert row["delta"] != 0  # the option really moves the score on these outputs
    dec = row["decomposition"]
    assert dec["outputs"] == 0.0 and dec["docs"] == 0.0 and dec["residual"] == 0.0
    assert dec["metric"] == pytest.approx(row["delta"], abs=1e-12)
    assert dec["significance"]["metric"]["method"].startswith("exact McNemar")
    assert row["id_a"] != row["id_b"] and "regexes_to_ignore" not in str(row["id_a"])


def test_why_limit_pair_puts_the_gap_in_documents(gen_runs):
    from evalmetrics.runs import why

    d = why(gen_runs["plain"], gen_runs["limit"])
    assert {x["field"] for x in d["differences"] if x["can_move_score"]} >= {"limit", "tasks.em_card_gen.documents"}
    dec = _row(d)["decomposition"]
    assert (dec["shared_docs"], dec["only_a_docs"], dec["only_b_docs"]) == (5, 9, 0)
    total = sum(dec[p] for p in ("metric", "outputs", "docs", "residual"))
    assert total == pytest.approx(_row(d)["delta"], abs=1e-12)
    assert dec["metric"] == 0.0 and dec["residual"] == 0.0


def test_committed_generative_runs_equal_fresh_ones(gen_runs):
    for name in ("plain", "option", "limit"):
        fresh, committed = read_run(gen_runs[name]), read_run(os.path.join(COMMITTED, f"gen_{name}"))
        assert [r.to_dict() for r in committed.rows] == [r.to_dict() for r in fresh.rows], name
        # the same documents; where each run's samples file lies (its name carries the run's timestamp) differs
        where = ("file", "path")
        assert ({t: {k: v for k, v in d.items() if k not in where} for t, d in committed.documents.items()}
                == {t: {k: v for k, v in d.items() if k not in where} for t, d in fresh.documents.items()}), name


def test_why_command(gen_runs, capsys, tmp_path):
    out = tmp_path / "why.json"
    assert main(["why", str(gen_runs["plain"]), str(gen_runs["option"]), "--json", "-o", str(out)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d == json.loads(out.read_text(encoding="utf-8"))
    assert set(d) >= {"a", "b", "differences", "rows"}
    assert set(d["differences"][0]) >= {"field", "a", "b", "kind", "can_move_score"}
    assert set(_row(d)) >= {"task", "metric", "filter", "a", "b", "delta", "decomposition"}
    assert main(["why", str(gen_runs["plain"]), str(gen_runs["option"])]) == 0
    text = capsys.readouterr().out
    assert "[metric] tasks.em_card_gen.metric_list" in text and "metric " in text
