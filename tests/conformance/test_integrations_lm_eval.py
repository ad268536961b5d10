"""evalmetrics metrics inside lm-eval 0.4.13's own pipeline, and lm_eval task configs read back as canonical IDs.

One ``lm_eval.simple_evaluate`` run (the docs' example, executed as written) over the docs' local tasks: a generative
task (filters, lm_eval's own exact_match, evalmetrics aliases, digest names, ``!function`` metrics), a multiple-choice
task with ``EvalMetricsTask`` (a tiny random GPT-2 through lm_eval's HFLM gives the log-likelihoods), a list-target
task, and two trap variants without the class. Every reported value is recomputed by evalmetrics from the logged
samples, and every row's canonical ID (from ``explain_results``) is recomputed from the raw outputs and documents.

Run in the harness environment:  bash tests/conformance/run.sh tests/conformance/test_integrations_lm_eval.py
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil

import pytest

pytest.importorskip("lm_eval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")
torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import lm_eval  # noqa: E402
from lm_eval.api import registry as lm_registry  # noqa: E402
from lm_eval.api.model import LM  # noqa: E402

import evalmetrics as em  # noqa: E402
import evalmetrics.integrations.lm_eval as em_lm  # noqa: E402
from evalmetrics.integrations import metric_name, resolve_name  # noqa: E402
from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "integrations.md")
DATA = os.path.join(ROOT, "tests", "data", "lm_eval_tasks")
TASKS_DIR = os.path.join(os.path.dirname(lm_eval.__file__), "tasks")

CONTAINS = "exact_match(mode=prediction_contains_reference, normalize=[lowercase(method=python)], combine=max)"
PREFIX = "exact_match(mode=prediction_starts_with_reference, normalize=[strip(which=both, chars=none), lowercase(method=python)], combine=max)"
EM_OPTS = {"ignore_case": True, "ignore_punctuation": True}


def doc_blocks():
    text = open(DOC, encoding="utf-8").read()
    return [(lang, code.split("\n", 1)[0].strip(), code) for lang, code in re.findall(r"```(\w*)\n(.*?)```", text, re.S)]


def doc_block(tag, containing):
    (code,) = [c for _, t, c in doc_blocks() if t == tag and containing in c]
    return code


class ScriptedGeneration(LM):
    """generate_until: the output stored with each question in qa.jsonl (found by its question in the prompt);
    loglikelihood: a tiny random GPT-2 scored by lm_eval's own HFLM."""

    def __init__(self, outputs, hflm):
        super().__init__()
        self.outputs = outputs
        self.hflm = hflm

    def generate_until(self, requests, disable_tqdm=False):
        return [next(o for q, o in self.outputs.items() if q in r.arguments[0]) for r in requests]

    def loglikelihood(self, requests, disable_tqdm=False):
        return self.hflm.loglikelihood(requests, disable_tqdm=True)

    def loglikelihood_rolling(self, requests, disable_tqdm=False):  # pragma: no cover - not used
        raise NotImplementedError


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The docs' tasks and run block, executed in a temporary folder; returns (results, printed table)."""
    from lm_eval.models.huggingface import HFLM

    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    d = tmp_path_factory.mktemp("lm_eval_run")
    files = {t[len("# file: "):]: c for _, t, c in doc_blocks() if t.startswith("# file: my_tasks/")}
    for name, code in files.items():
        if name.endswith("lighteval_tasks.py"):
            continue
        os.makedirs(d / os.path.dirname(name), exist_ok=True)
        (d / name).write_text(code, encoding="utf-8")
    for f in ("qa.jsonl", "mc.jsonl"):
        shutil.copy(os.path.join(DATA, f), d / "my_tasks" / f)
    # Trap variants (not in the docs): the same tasks without EvalMetricsTask.
    class_line = "class: !function evalmetrics.integrations.lm_eval.EvalMetricsTask\n"
    multi = files["my_tasks/em_qa_multi.yaml"]
    assert class_line in multi
    (d / "my_tasks" / "em_qa_multi_plain.yaml").write_text(
        multi.replace(class_line, "").replace("task: em_qa_multi", "task: em_qa_multi_plain"))
    mc = files["my_tasks/em_mc.yaml"]
    (d / "my_tasks" / "em_mc_plain.yaml").write_text(
        mc.replace(class_line, "").replace("task: em_mc", "task: em_mc_plain")
        .replace('  - metric: "lm_eval:acc_mutual_info"', "  - metric: acc_mutual_info"))

    tok = bpe_tokenizer()
    model = random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    with open(os.path.join(DATA, "qa.jsonl"), encoding="utf-8") as f:
        outputs = {r["question"]: r["output"] for r in map(json.loads, f)}
    lm = ScriptedGeneration(outputs, HFLM(pretrained=model, tokenizer=tok, backend="causal", batch_size=8))
    tasks = ["em_qa", "em_mc", "em_qa_multi", "em_qa_multi_plain", "em_mc_plain"]
    code = doc_block("# run: lm_eval", "simple_evaluate")
    scope = {"model": lm, "tasks": tasks}
    cwd = os.getcwd()
    os.chdir(d)
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            exec(compile(code, DOC, "exec"), scope)
    finally:
        os.chdir(cwd)
    return scope["results"], buf.getvalue()


def samples(results, task, filt):
    out = [s for s in results["samples"][task] if s["filter"] == filt]
    return sorted(out, key=lambda s: s["doc_id"])


def rows(results, task):
    """{(metric, filter): (value, stderr)} of a task's reported rows."""
    out = {}
    for key, v in results["results"][task].items():
        if "," in key and "_stderr," not in key:
            m, _, f = key.partition(",")
            out[(m, f)] = (v, results["results"][task][f"{m}_stderr,{f}"])
    return out


def check_rows(results, task, metrics, inputs):
    """Every reported row of ``task`` equals evalmetrics' computation on the logged samples, per sample and overall.

    ``metrics``: {reported name: evalmetrics metric}; ``inputs(sample)``: the metric's arguments for one sample."""
    got = rows(results, task)
    assert {m for m, _ in got} == set(metrics), f"reported {sorted({m for m, _ in got})}"
    checked = 0
    for (name, filt), (value, stderr) in got.items():
        ss = samples(results, task, filt)
        m = metrics[name]
        args = [inputs(s) for s in ss]
        for s, a in zip(ss, args):
            assert s[name] == m.score(*a), (task, name, filt, s["doc_id"], a)
        r = m.compute(*zip(*args)) if len(args[0]) > 1 else m.compute([a[0] for a in args])
        assert value == r.score, (task, name, filt)
        assert stderr == pytest.approx(r.stderr, rel=1e-12, abs=1e-15), (task, name, filt)
        checked += len(ss)
    return checked


# ---------------------------------------------------------------------------------------------- registration


def test_registration_metadata_and_no_lm_eval_name_replaced(run):
    results, _ = run
    names = em_lm.register()
    assert em_lm.register() == names  # idempotent
    assert all("," not in n for n in names)
    for n in ("lm_eval:acc_norm", "helm:quasi_exact_match", "greedy_match", metric_name("squad:f1"),
              metric_name(CONTAINS), "lighteval@0.10:quasi_exact_match"):
        m = em.get(em_lm.resolve(n))
        assert lm_registry.get_metric(n) is em_lm._FUNCTIONS[n]
        assert lm_registry.is_higher_better(n) is type(m).higher_is_better
        assert lm_registry.get_metric_aggregation(n) is lm_registry.get_aggregation("mean")
        assert em_lm.registered()[n].output_type == type(m).request_type
    for n in names:
        if em.integrations.DIGEST_RE.match(n):
            assert resolve_name(n) == names[n]
    import lm_eval.api.metrics as lm_metrics

    for builtin in ("exact_match", "acc", "acc_norm", "f1", "bleu", "perplexity"):
        assert lm_registry.get_metric(builtin).__module__ == lm_metrics.__name__, builtin
    assert set(em_lm.skipped()) <= set(lm_registry.metric_registry.keys())
    assert results["higher_is_better"]["em_qa"]["helm:quasi_exact_match"] is True


def test_unknown_options_and_wrong_request_type_are_loud():
    fn = em_lm.metric_function(metric_name("squad:f1"))
    with pytest.raises(em.InvalidConfig, match="takes no options"):
        fn(references=["a"], predictions=["a"], ignore_case=True)
    acc = em_lm._FUNCTIONS["lm_eval:acc"]
    with pytest.raises(em.InvalidConfig, match="EvalMetricsTask"):
        acc(references=["a"], predictions=["a"])
    with pytest.raises(em.InvalidInput, match="take_first"):
        fn(references=["a"], predictions=[["a", "b"]])


# ---------------------------------------------------------------------------------------------- reported values


def test_generative_rows_equal_evalmetrics_on_logged_samples(run):
    results, _ = run
    lm_em = em.get("lm_eval:exact_match", **EM_OPTS)
    metrics = {
        "exact_match": lm_em,
        "lm_eval:exact_match": lm_em,
        "helm:quasi_exact_match": em.get("helm:quasi_exact_match"),
        metric_name(CONTAINS): em.get(CONTAINS),
        metric_name("squad:f1"): em.get("squad:f1"),  # via !function evalmetrics.integrations.lm_eval.em_...
        metric_name(PREFIX): em.get(PREFIX),  # via !function utils.prefix_match
    }
    n = check_rows(results, "em_qa", metrics, lambda s: (s["filtered_resps"][0], s["target"]))
    assert n == 2 * 6 * 14
    got = rows(results, "em_qa")
    # lm_eval's own exact_match and the evalmetrics alias agree sample by sample inside the same run.
    for f in ("strict", "raw"):
        for s in samples(results, "em_qa", f):
            assert s["exact_match"] == s["lm_eval:exact_match"]
    # The data exercises both outcomes, and the metrics disagree with each other.
    assert 0 < got[("exact_match", "strict")][0] < 1
    assert len({v for (m, f), (v, _) in got.items() if f == "strict"}) >= 4


def choices_of(s):
    doc = s["doc"]
    n = len(doc["choices"])
    lls = [float(r[0]) for r in s["filtered_resps"]]
    greedy = [bool(r[1]) for r in s["filtered_resps"]]
    return em.Choices(logprobs=lls[:n], gold=doc["gold"], texts=doc["choices"], is_greedy=greedy[:n],
                      unconditioned_logprobs=lls[n:] if len(lls) == 2 * n else None)


def test_choice_rows_equal_evalmetrics_on_logged_samples(run):
    results, _ = run
    metrics = {name: em.get(alias) for name, alias in [
        ("acc", "lm_eval:acc"), ("acc_norm", "lm_eval:acc_norm"), ("lm_eval:acc", "lm_eval:acc"),
        ("lm_eval:acc_norm", "lm_eval:acc_norm"), ("lm_eval:acc_mutual_info", "lm_eval:acc_mutual_info"),
        ("lighteval:mrr", "lighteval:mrr"), ("lm_eval:multiple_choice/exact_match", "lm_eval:multiple_choice/exact_match"),
    ]}
    assert check_rows(results, "em_mc", metrics, lambda s: (choices_of(s),)) == 7 * 12
    for s in samples(results, "em_mc", "none"):
        n = len(s["doc"]["choices"])
        # EvalMetricsTask asked for the unconditioned log-likelihoods itself, as lm_eval does for acc_mutual_info.
        assert len(s["arguments"]) == 2 * n and all(a[0] == "" for a in s["arguments"][n:])
        assert [a[1] for a in s["arguments"][n:]] == [a[1] for a in s["arguments"][:n]]
        assert s["acc"] == s["lm_eval:acc"] and s["acc_norm"] == s["lm_eval:acc_norm"]
    got = rows(results, "em_mc")
    assert got[("acc", "none")][0] != got[("acc_norm", "none")][0]  # the data separates the norms


def test_pmi_rows_equal_lm_eval_acc_mutual_info(run):
    results, _ = run
    ours = {s["doc_id"]: s["lm_eval:acc_mutual_info"] for s in samples(results, "em_mc", "none")}
    theirs = {s["doc_id"]: s["acc_mutual_info"] for s in samples(results, "em_mc_plain", "none")}
    assert ours == theirs


def test_list_targets_with_and_without_the_class(run):
    results, _ = run
    f1 = em.get("squad:f1")
    lm_em = em.get("lm_eval:exact_match", **EM_OPTS)
    check_rows(results, "em_qa_multi", {"exact_match": lm_em, "squad:f1": f1},
               lambda s: (s["filtered_resps"][0], s["target"]))
    plain = {s["doc_id"]: s for s in samples(results, "em_qa_multi_plain", "strict")}
    binarized = 0
    for s in samples(results, "em_qa_multi", "strict"):
        p = plain[s["doc_id"]]
        pred, golds = s["filtered_resps"][0], s["target"]
        assert isinstance(golds, list) and len(golds) >= 1
        assert s["squad:f1"] == max(f1.score(pred, [g]) for g in golds)  # the class: every target at once
        assert p["squad:f1"] == (1.0 if any(f1.score(pred, [g]) for g in golds) else 0.0)  # lm_eval: binarized
        assert s["exact_match"] == p["exact_match"]
        binarized += s["squad:f1"] != p["squad:f1"]
    assert binarized >= 3


def test_multiple_choice_without_the_class_drops_evalmetrics_rows(run):
    results, _ = run
    got = rows(results, "em_mc_plain")
    assert ("acc", "none") in got and ("lighteval:mrr", "none") not in got
    r = read_lm_eval_task(results["configs"]["em_mc_plain"]).get("lighteval:mrr")
    assert not r.reproduced and "EvalMetricsTask" in r.reason
    missing = [r for r in em_lm.explain_results(results) if r.task == "em_mc_plain" and r.value is None]
    assert {r.metric for r in missing} == {"lm_eval:acc", "lm_eval:acc_norm", "lighteval:mrr",
                                          "lm_eval:multiple_choice/exact_match"}
    assert all("configured but not reported" in r.notes[0] and "EvalMetricsTask" in r.notes[0] for r in missing)
    assert "| em_mc_plain | none | lighteval:mrr |  |  | configured but not reported" in em_lm.results_table(results)


# ---------------------------------------------------------------------------------------------- which ID each row is


def test_explain_results_ids_recompute_every_row_from_raw_outputs(run):
    """Each row's canonical ID (read from the task config in the results) reproduces the reported value from the
    raw model output and the document: filters, options and target rendering are all inside the ID."""
    results, table = run
    explained = em_lm.explain_results(results)
    by_task = {}
    for r in explained:
        by_task.setdefault(r.task, []).append(r)
    assert set(by_task) >= {"em_qa", "em_mc", "em_qa_multi", "em_qa_multi_plain", "em_mc_plain"}
    checked = 0
    for r in explained:
        if r.value is None:  # configured, never reported (em_mc_plain): see the test above
            continue
        ss = samples(results, r.task, r.filter)
        if r.task.startswith("em_mc"):
            m = em.get(r.id)
            value = m.compute([choices_of(s) for s in ss]).score
        elif r.task.startswith("em_qa_multi"):  # "{{aliases}}" renders a list: the list reading, from the samples
            if r.task == "em_qa_multi_plain" and r.metric == "squad:f1":
                assert r.id is None and any("binarize" in n for n in r.notes)
                continue
            m = em.get(r.id)
            value = m.compute([s["resps"][0][0] for s in ss], [s["doc"]["aliases"] for s in ss]).score
        else:  # "{{answer}}" renders a text
            m = em.get(r.id)
            value = m.compute([s["resps"][0][0] for s in ss], [s["doc"]["answer"] for s in ss]).score
        assert r.list_id is None  # the samples told which reading applies
        assert value == r.value, (r.task, r.key, r.id)
        checked += 1
    assert checked == len([r for r in explained if r.value is not None]) - 1
    for r in by_task["em_mc"]:
        assert r.alias == (r.metric if ":" in r.metric else f"lm_eval:{r.metric}")
    # The printed table names every row with what it computes.
    assert table.startswith("| task | filter | metric | value | stderr | what it computes |")
    assert "| em_mc | none | acc_norm | " in table and "lm_eval:acc_norm = `loglikelihood_match(norm=char" in table
    assert f"| em_qa | strict | {metric_name(CONTAINS)} |" in table


# ---------------------------------------------------------------------------------------------- the docs' other blocks


def test_corpus_metrics_register_with_a_corpus_aggregation():
    """BLEU-like corpus metrics: the per-document function keeps the item and lm_eval's aggregation registry gets a
    function scoring the items together; it equals lm_eval's own bleu on the same items and evalmetrics' compute."""
    from lm_eval.api.metrics import bleu as lm_bleu

    em_lm.register()
    preds = ["the cat sat on the mat", "a dog", "", "hello there general kenobi", "the cat"]
    golds = ["the cat is on the mat", "a dog barked", "nothing", "hello there", "the the cat"]
    fn = lm_registry.get_metric("lm_eval:bleu")
    agg = lm_registry.get_metric_aggregation("lm_eval:bleu")
    items = [fn(references=[g], predictions=[p]) for p, g in zip(preds, golds)]
    ours = em.get("lm_eval:bleu").compute(preds, golds).score
    assert agg(items) == ours
    assert agg(items) == lm_bleu([(g, p) for p, g in zip(preds, golds)])
    assert em_lm.registered()["lm_eval:bleu"].aggregation == "lm_eval:bleu__evalmetrics_corpus"


def test_docs_register_block():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(doc_block("# run: lm_eval", "registered()"), DOC, "exec"), {})
    assert buf.getvalue().splitlines() == [CONTAINS, "True"]


def test_docs_reader_block():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(doc_block("# run: lm_eval", "read_lm_eval_task"), DOC, "exec"), {})
    lines = buf.getvalue().splitlines()
    assert lines[0] == "lm_eval:gsm8k/strict-match"
    assert lines[1] == em.get("lm_eval:gsm8k/strict-match").id
    assert lines[2] == "lm_eval:triviaqa"
    assert lines[3].startswith("lm_eval task hellaswag (multiple_choice)")
    assert "= lm_eval:acc_norm" in "\n".join(lines[3:])


# ---------------------------------------------------------------------------------------------- the reader on lm_eval's YAMLs


def _installed(*parts):
    return os.path.join(TASKS_DIR, *parts)


INSTALLED = [
    (("gsm8k", "gsm8k.yaml"), "exact_match", "strict-match", "lm_eval:gsm8k/strict-match", "id"),
    (("gsm8k", "gsm8k.yaml"), "exact_match", "flexible-extract", "lm_eval:gsm8k/flexible-extract", "id"),
    (("gsm8k", "gsm8k-cot.yaml"), "exact_match", "strict-match", "lm_eval:gsm8k-cot/strict-match", "id"),
    (("gsm8k", "gsm8k-cot.yaml"), "exact_match", "flexible-extract", "lm_eval:gsm8k-cot/flexible-extract", "id"),
    (("gsm8k", "gsm8k-cot-llama.yaml"), "exact_match", "strict-match", "lm_eval:gsm8k-cot-llama/strict-match", "id"),
    (("gsm8k", "gsm8k-cot-self-consistency.yaml"), "exact_match", "maj@8",
     "lm_eval:gsm8k-cot-self-consistency/maj@8", "id"),
    (("triviaqa", "default.yaml"), "exact_match", "remove_whitespace", "lm_eval:triviaqa", "list_id"),
    (("nq_open", "nq_open.yaml"), "exact_match", "remove_whitespace", "lm_eval:nq_open", "list_id"),
    (("hellaswag", "hellaswag.yaml"), "acc", "none", "lm_eval:acc", "id"),
    (("hellaswag", "hellaswag.yaml"), "acc_norm", "none", "lm_eval:acc_norm", "id"),
    (("arc", "arc_easy.yaml"), "acc", "none", "lm_eval:acc", "id"),
    (("arc", "arc_easy.yaml"), "acc_norm", "none", "lm_eval:acc_norm", "id"),
    (("arc", "arc_challenge.yaml"), "acc_norm", "none", "lm_eval:acc_norm", "id"),
    (("truthfulqa", "truthfulqa_mc1.yaml"), "acc", "none", "lm_eval:acc", "id"),
    (("drop", "default.yaml"), "f1", "none", "lm_eval:drop/f1", "id"),
    # issue 14 item 3: minerva_math's process_results hook, identified by its source hash
    (("minerva_math", "minerva_math_algebra.yaml"), "exact_match", "none", "lm_eval:minerva_math/exact_match", "id"),
    (("minerva_math", "minerva_math_algebra.yaml"), "math_verify", "none", "lm_eval:minerva_math/math_verify", "id"),
    (("minerva_math", "minerva_math_precalc.yaml"), "exact_match", "none", "lm_eval:minerva_math/exact_match", "id"),
    (("minerva_math", "minerva_math500.yaml"), "math_verify", "none", "lm_eval:minerva_math/math_verify", "id"),
    (("squadv2", "squadv2.yaml"), "exact", "none", "lm_eval:squadv2/exact", "id"),
    (("bbh", "cot_fewshot", "snarks.yaml"), "exact_match", "get-answer", "lm_eval:bbh_cot_fewshot/get-answer", "id"),
    (("bbh", "fewshot", "snarks.yaml"), "exact_match", "none", "lm_eval:bbh_fewshot", "id"),
    (("bbh", "zeroshot", "snarks.yaml"), "exact_match", "strict-match", "lm_eval:bbh_zeroshot/strict-match", "id"),
    (("bbh", "cot_zeroshot", "snarks.yaml"), "exact_match", "strict-match", "lm_eval:bbh_cot_zeroshot/strict-match",
     "id"),
    (("mmlu", "generative", "mmlu_anatomy.yaml"), "exact_match", "get_response", "lm_eval:mmlu_generative/get_response",
     "id"),
    (("mmlu", "flan_cot_zeroshot", "mmlu_anatomy.yaml"), "exact_match", "strict-match",
     "lm_eval:mmlu_flan_cot_zeroshot/strict-match", "id"),
    (("mmlu", "flan_cot_fewshot", "mmlu_anatomy.yaml"), "exact_match", "get-answer",
     "lm_eval:mmlu_flan_cot_fewshot/get-answer", "id"),
    (("mmlu", "flan_n_shot", "generative", "mmlu_anatomy.yaml"), "exact_match", "strict-match",
     "lm_eval:mmlu_flan_n_shot_generative/strict-match", "id"),
]


@pytest.mark.parametrize("group, row, alias", [
    (("bbh", "cot_fewshot", "_bbh_cot_fewshot.yaml"), ("exact_match", "get-answer"), "lm_eval:bbh_cot_fewshot/get-answer"),
    (("bbh", "zeroshot", "_bbh_zeroshot.yaml"), ("exact_match", "strict-match"), "lm_eval:bbh_zeroshot/strict-match"),
    (("bbh", "cot_zeroshot", "_bbh_cot_zeroshot.yaml"), ("exact_match", "strict-match"),
     "lm_eval:bbh_cot_zeroshot/strict-match"),
    (("bbh", "fewshot", "_bbh_fewshot.yaml"), ("exact_match", "none"), "lm_eval:bbh_fewshot"),
    (("mmlu", "generative", "_mmlu.yaml"), ("exact_match", "get_response"), "lm_eval:mmlu_generative/get_response"),
    (("mmlu", "flan_cot_zeroshot", "_mmlu.yaml"), ("exact_match", "strict-match"),
     "lm_eval:mmlu_flan_cot_zeroshot/strict-match"),
    (("mmlu", "flan_cot_fewshot", "_mmlu.yaml"), ("exact_match", "get-answer"), "lm_eval:mmlu_flan_cot_fewshot/get-answer"),
    (("mmlu", "flan_n_shot", "generative", "_mmlu.yaml"), ("exact_match", "strict-match"),
     "lm_eval:mmlu_flan_n_shot_generative/strict-match"),
])
def test_reader_maps_every_member_of_the_bbh_and_mmlu_generative_groups(group, row, alias):
    """Every task of the group reports that row as the alias (the pipeline is shared by the whole group)."""
    leaves = read_lm_eval_task(_installed(*group)).tasks()
    assert len(leaves) >= 27
    assert {t.get(*row).alias for t in leaves} == {alias}
    assert {t.get(*row).id for t in leaves} == {em.get(alias).id}


@pytest.mark.parametrize("path, metric, filt, alias, attr", INSTALLED)
def test_reader_on_installed_lm_eval_yamls(path, metric, filt, alias, attr):
    r = read_lm_eval_task(_installed(*path)).get(metric, filt)
    assert getattr(r, attr) == em.get(alias).id, r.lines()
    assert (r.alias if attr == "id" else r.list_alias) == alias


def test_reader_on_installed_groups_and_unreproduced_tasks():
    g = read_lm_eval_task(_installed("mmlu", "default", "_mmlu.yaml"))
    leaves = g.tasks()
    assert len(leaves) == 57 and {t.get("acc").alias for t in leaves} == {"lm_eval:acc"}
    from evalmetrics.registry import resolve_alias

    # truthfulqa_mc2's process_results hook reads as its alias (issue 16); a task whose aggregation is a custom
    # function evalmetrics does not reproduce stays unread, with the reason
    r = read_lm_eval_task(_installed("truthfulqa", "truthfulqa_mc2.yaml")).get("acc")
    assert r.reproduced and r.alias == "lm_eval:truthfulqa/mc2"
    r = read_lm_eval_task(_installed("tinyBenchmarks", "tinyMMLU.yaml")).get("acc_norm")
    assert not r.reproduced and "custom function" in r.reason

    r = read_lm_eval_task(_installed("hendrycks_math", "hendrycks_math_algebra.yaml")).get("exact_match")
    if resolve_alias("lm_eval:hendrycks_math") is not None:
        assert r.alias == "lm_eval:hendrycks_math"
    else:
        assert not r.reproduced
    # The copies under tests/data are the installed files, byte for byte.
    copies = os.path.join(DATA, "lm_eval_0.4.13")
    for dirpath, _, filenames in os.walk(copies):
        for fn in filenames:
            if fn == "LICENSE.md":
                continue
            rel = os.path.relpath(os.path.join(dirpath, fn), copies)
            with open(os.path.join(dirpath, fn), "rb") as a, open(_installed(rel), "rb") as b:
                assert a.read() == b.read(), rel


READER_INPUTS = {
    "gsm8k": [({"question": "q", "answer": "Natalia sold 48 clips.\n#### 1,072"}, g) for g in (
        "#### 1072", "So #### 1,072.", "The answer is 1,072.", "$1,072", "#### -3", "1072 or 1073", "")],
    "gsm8k_cot": [({"question": "q", "answer": "He had 5.\n#### 72"}, g) for g in (
        "The answer is 72.", "The answer is 72", "The answer is $72.", "So 70 + 2 = 72", "The answer is 7,2.")],
    "triviaqa": [({"question": "q", "answer": {"aliases": ["Paris", "City of Light"], "normalized_aliases": []}}, g)
                 for g in (" Paris", "paris.", "city of light", "Lyon", "PARIS!", "")],
    "nq_open": [({"question": "q", "answer": ["The Beatles", "Beatles"]}, g)
                for g in (" the Beatles", "THE Beatles", "beatles.", "The Rolling Stones", "a Beatles")],
}


@pytest.mark.parametrize("task_name, path", [("gsm8k", ("gsm8k", "gsm8k.yaml")), ("gsm8k_cot", ("gsm8k", "gsm8k-cot.yaml")),
                                             ("triviaqa", ("triviaqa", "default.yaml")), ("nq_open", ("nq_open", "nq_open.yaml"))])
def test_reader_ids_score_like_the_real_task(task_name, path):
    """The reading of the installed YAML, as an evalmetrics metric, scores like lm_eval's ConfigurableTask built from
    that YAML (its filters and process_results), on the same documents and generations."""
    from test_string_aliases import Task

    reading = read_lm_eval_task(_installed(*path))
    inputs = READER_INPUTS[task_name]
    task = Task(task_name, inputs[0][0])
    for doc, gen in inputs:
        real = task.score(doc, gen)
        for pipeline, values in real.items():
            for metric, value in values.items():
                row = reading.get(metric, pipeline)
                if isinstance(doc["answer"], str):
                    ours = em.get(row.id).score(gen, doc["answer"])
                else:
                    refs = doc["answer"]["aliases"] if isinstance(doc["answer"], dict) else doc["answer"]
                    ours = em.get(row.list_id).score(gen, refs)
                assert ours == value, (task_name, pipeline, metric, doc, gen)


def test_reader_reads_any_installed_yaml():
    """300 task and group YAMLs drawn (seeded) from the ~14,000 lm_eval ships: each reads without error (a file that
    is not a mapping is an InvalidConfig), and every row is either reproduced with an ID or says why not."""
    import random

    files = sorted(os.path.join(dp, f) for dp, _, fn in os.walk(TASKS_DIR) for f in fn
                   if f.endswith(".yaml") or f.endswith("_yaml"))
    n_rows = n_reproduced = 0
    for p in random.Random(0).sample(files, 300):
        try:
            reading = read_lm_eval_task(p)
        except em.InvalidConfig as e:
            assert "expected a mapping" in str(e) or "include" in str(e), (p, e)
            continue
        for t in reading.tasks():
            for r in t.readings:
                n_rows += 1
                n_reproduced += r.reproduced
                assert r.reproduced or r.reason, (p, r.key)
                if r.id is not None:
                    assert em.get(r.id).id == r.id, (p, r.key)
    assert n_rows > 500 and n_reproduced > n_rows / 2


# ---------------------------------------------------------------------------------------------- issue 14


def test_minerva_math_every_installed_task_reads_as_the_shipped_aliases():
    """Item 3: every minerva_math task lm_eval ships reports its two rows as the minerva_math aliases."""
    d = _installed("minerva_math")
    files = sorted(f for f in os.listdir(d) if f.endswith(".yaml"))
    assert len(files) >= 8
    for f in files:
        r = read_lm_eval_task(os.path.join(d, f))
        assert [(x.key, x.alias) for x in r.readings] == [
            ("exact_match,none", "lm_eval:minerva_math/exact_match"),
            ("math_verify,none", "lm_eval:minerva_math/math_verify")], f


def test_explain_results_on_function_metrics_of_the_docs_run(run):
    """Item 2, on the docs' em_qa task as lm_eval ran it (its configs hold each !function metric as source text):
    every row is named as lm_eval reports it, none claims a Hub lookup, the Markdown table has one line per row."""
    results, table = run
    cfg_metrics = [m["metric"] for m in results["configs"]["em_qa"]["metric_list"]]
    assert sum(isinstance(m, str) and m.lstrip().startswith("def ") for m in cfg_metrics) >= 3  # dumped sources
    rows = [r for r in em_lm.explain_results(results) if r.task == "em_qa"]
    reported = {k.partition(",")[0] for k in results["results"]["em_qa"] if "," in k and "_stderr," not in k}
    assert {r.metric for r in rows} == reported
    assert all(r.value is not None and "\n" not in r.metric and "def " not in r.metric for r in rows)
    assert not any("Hub" in n for r in rows for n in r.notes)
    assert all(r.id is not None or r.list_id is not None for r in rows)
    lines = em_lm.results_table(results).splitlines()
    assert len(lines) == 2 + len(em_lm.explain_results(results))
    for line in lines:
        assert len(re.findall(r"(?<!\\)\|", line)) == 7, line


# The scripted lm_eval model of the fresh-process scripts below: it answers each question of my_tasks/qa.jsonl with the
# output stored with it (the script defines ``outputs`` and the ``class Scripted(LM):`` line these methods go under).
SCRIPTED_OUTPUTS = '''
outputs = {json.loads(l)["question"]: json.loads(l)["output"] for l in open("my_tasks/qa.jsonl")}
'''
SCRIPTED_METHODS = """
    def generate_until(self, requests, disable_tqdm=False):
        return [next(o for q, o in outputs.items() if q in r.arguments[0]) for r in requests]

    def loglikelihood(self, requests, disable_tqdm=False):
        raise NotImplementedError

    def loglikelihood_rolling(self, requests, disable_tqdm=False):
        raise NotImplementedError
"""

FRESH_RUN = """
import json, sys
import lm_eval
from lm_eval.api.model import LM
from lm_eval.tasks import TaskManager
""" + SCRIPTED_OUTPUTS + """

class Scripted(LM):""" + SCRIPTED_METHODS + """

assert not [m for m in sys.modules if m.startswith("evalmetrics")]  # nothing registered beforehand
tm = TaskManager(include_path="my_tasks", include_defaults=False)
res = lm_eval.simple_evaluate(model=Scripted(), tasks=["em_spec"], task_manager=tm, log_samples=True)
print(json.dumps({"results": res["results"]["em_spec"], "samples": res["samples"]["em_spec"]}, default=str))
"""


def test_a_task_yaml_carrying_its_ids_registers_and_runs_in_a_fresh_process(tmp_path):
    """Item 4: a task YAML whose metric_list names non-catalog metrics by function_spec (the ID in the file) loads
    and runs in lm_eval 0.4.13 in a fresh process that never called register(); result keys are the digest names
    (an alias: its key), never the ID; every value equals evalmetrics' compute on the logged samples."""
    import subprocess
    import sys

    regex = em.ExactMatch(pred=[em.RegexExtract(pattern="The answer is (.*)"), em.Lowercase()], ref=[em.Lowercase()])
    metrics = {metric_name(CONTAINS): em.get(CONTAINS), metric_name(regex): regex,
               "helm@0.5:quasi_exact_match": em.get("helm@0.5:quasi_exact_match")}
    entries = [em_lm.yaml_entry(CONTAINS), em_lm.yaml_entry(regex), em_lm.yaml_entry("helm@0.5:quasi_exact_match")]
    assert "%2E" in entries[1] and "%2E" in entries[2]
    (tmp_path / "my_tasks").mkdir()
    shutil.copy(os.path.join(DATA, "qa.jsonl"), tmp_path / "my_tasks" / "qa.jsonl")
    (tmp_path / "my_tasks" / "em_spec.yaml").write_text(
        "task: em_spec\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: my_tasks/qa.jsonl\n"
        "test_split: test\noutput_type: generate_until\ndoc_to_text: \"Question: {{question}}?\\nAnswer:\"\n"
        "doc_to_target: \"{{answer}}\"\ngeneration_kwargs:\n  until: [\"\\n\"]\n  do_sample: false\nmetric_list:\n"
        + "".join(f"  {e}\n" for e in entries), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=ROOT, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    out = subprocess.run([sys.executable, "-c", FRESH_RUN], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    keys = {k for k in got["results"] if "," in k}
    assert keys == {f"{n}{suffix},none" for n in metrics for suffix in ("", "_stderr")}
    assert max(map(len, keys)) < 40  # clean keys, not the kilobyte ID
    ss = sorted(got["samples"], key=lambda s: s["doc_id"])
    for name, m in metrics.items():
        per = [m.score(s["filtered_resps"][0], s["target"]) for s in ss]
        assert [s[name] for s in ss] == per, name
        assert got["results"][f"{name},none"] == m.compute([s["filtered_resps"][0] for s in ss],
                                                          [s["target"] for s in ss]).score
    assert 0 < got["results"][f"{metric_name(CONTAINS)},none"] < 1
    # and the same file reads back as those IDs (this process named none of them: the IDs come from the file)
    r = read_lm_eval_task(tmp_path / "my_tasks" / "em_spec.yaml")
    assert [x.metric for x in r.readings] == list(metrics)
    assert [x.list_id for x in r.readings] == [m.id for m in metrics.values()]


def test_task_names_resolve_among_the_installed_task_folders(capsys):
    """Item 8: --lm-eval-task takes a name (task, group or tag), read as the installed YAML; unknown names get
    close suggestions."""
    from evalmetrics import cli
    from evalmetrics.errors import UnknownTask
    from evalmetrics.integrations.lm_eval_tasks import explain_lm_eval_task

    assert str(read_lm_eval_task("gsm8k")) == str(read_lm_eval_task(_installed("gsm8k", "gsm8k.yaml")))
    assert cli.main(["explain", "--lm-eval-task", "gsm8k"]) == 0
    assert capsys.readouterr().out.strip() == explain_lm_eval_task(_installed("gsm8k", "gsm8k.yaml")).strip()
    assert len(read_lm_eval_task("mmlu").tasks()) == 57
    assert read_lm_eval_task("minerva_math_algebra").get("exact_match").alias == "lm_eval:minerva_math/exact_match"
    with pytest.raises(UnknownTask) as e:
        read_lm_eval_task("gsm8")
    assert "gsm8k" in e.value.suggestions
    assert cli.main(["explain", "--lm-eval-task", "hellaswg"]) == 2
    assert "did you mean 'hellaswag'" in capsys.readouterr().err
    # `evalmetrics explain NAME` / `diff --name NAME` with a task the shipped aliases do not name: its installed config
    assert cli.main(["explain", "hellaswag"]) == 0
    assert capsys.readouterr().out.strip() == explain_lm_eval_task(_installed("hellaswag", "hellaswag.yaml")).strip()
    assert cli.main(["explain", "hellaswg"]) == 2
    assert "did you mean 'hellaswag'" in capsys.readouterr().err
    choices = os.path.join(ROOT, "evalmetrics", "data", "sample_choices.jsonl")
    assert cli.main(["diff", "--name", "hellaswag", "--data", choices, "--json", "--n-boot", "10"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in got["scores"]] == ["lm_eval:acc", "lm_eval:acc_norm"]
    assert cli.main(["diff", "--name", "hellaswag", "--n-boot", "10"]) == 2  # generated text: no row scores it
    assert "scores generate_until rows" in capsys.readouterr().err


# lm_eval's own command line (lm_eval/__main__.py's cli_evaluate, as the `lm_eval` script runs it) in a fresh process
# that never imports evalmetrics itself; the model is a scripted one registered with lm_eval's model registry.
CLI_RUN = """
import json, sys
from lm_eval.api.model import LM
from lm_eval.api.registry import register_model
""" + SCRIPTED_OUTPUTS + """

@register_model("scripted")
class Scripted(LM):
    def __init__(self, **kwargs):  # the command line passes batch_size, device, ...
        super().__init__()
""" + SCRIPTED_METHODS + """

from lm_eval.__main__ import cli_evaluate

assert not [m for m in sys.modules if m.startswith("evalmetrics")]
sys.argv = ["lm_eval", "run", "--model", "scripted", "--include_path", "my_tasks", "--tasks", sys.argv[1],
            "--output_path", "out", "--log_samples"]
cli_evaluate()
"""


def test_docs_command_line_task_names_aliases_with_function(tmp_path):
    """TRIAL.md item 2: from the `lm_eval` command line (no register() call), a task whose evalmetrics entries are
    plain alias strings fails in lm_eval; the docs' em_qa_cli.yaml (each alias as `!function`) runs, reports
    every alias under its key, and each value equals lm_eval's own exact_match with the same options (the alias)
    and evalmetrics' compute on the logged samples."""
    import glob
    import subprocess
    import sys

    (tmp_path / "my_tasks").mkdir()
    shutil.copy(os.path.join(DATA, "qa.jsonl"), tmp_path / "my_tasks" / "qa.jsonl")
    (code,) = [c for _, t, c in doc_blocks() if t == "# file: my_tasks/em_qa_cli.yaml"]
    (tmp_path / "my_tasks" / "em_qa_cli.yaml").write_text(code, encoding="utf-8")
    fn = "!function 'evalmetrics.integrations.lm_eval."
    assert code.count(fn) == 2
    plain = code.replace("task: em_qa_cli", "task: em_qa_plain").replace(fn, '"').replace("'   #", '"   #')
    plain = plain.replace("quasi_exact_match'", 'quasi_exact_match"')
    assert '- metric: "lm_eval:exact_match"' in plain and "!function" not in plain
    (tmp_path / "my_tasks" / "em_qa_plain.yaml").write_text(plain, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=ROOT, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")

    def lm_eval_cli(task):
        return subprocess.run([sys.executable, "-c", CLI_RUN, task], cwd=tmp_path, env=env, capture_output=True,
                              text=True)

    failed = lm_eval_cli("em_qa_plain")  # the trial's YAML: plain strings, nothing imports evalmetrics
    assert failed.returncode != 0, failed.stderr[-3000:]
    assert "Could not find registered metric 'lm_eval:exact_match'" in failed.stderr, failed.stderr[-3000:]
    ok = lm_eval_cli("em_qa_cli")
    assert ok.returncode == 0, ok.stderr[-3000:]
    (res_file,) = glob.glob(str(tmp_path / "out" / "*" / "results_*.json"))
    res = json.load(open(res_file, encoding="utf-8"))["results"]["em_qa_cli"]
    assert {k for k in res if "," in k and "_stderr" not in k} == {
        "exact_match,strict", "lm_eval:exact_match,strict", "helm:quasi_exact_match,strict"}
    assert res["lm_eval:exact_match,strict"] == res["exact_match,strict"]
    (samples_file,) = glob.glob(str(tmp_path / "out" / "*" / "samples_em_qa_cli_*.jsonl"))
    ss = [json.loads(x) for x in open(samples_file, encoding="utf-8")]
    preds, refs = [s["filtered_resps"][0] for s in ss], [s["target"] for s in ss]
    for name, m in (("lm_eval:exact_match", em.get("lm_eval:exact_match", **EM_OPTS)),
                    ("helm:quasi_exact_match", em.get("helm:quasi_exact_match"))):
        assert res[f"{name},strict"] == m.compute(preds, refs).score, name
    assert 0 < res["helm:quasi_exact_match,strict"] < 1


SKIPPED_RUN = """
import json
import lm_eval.api.metrics  # lm_eval's own metrics and aggregations, as lm_eval loads them
from lm_eval.api import registry

@registry.register_metric(metric="greedy_match", higher_is_better=True, aggregation="mean")
def someone_elses(references, predictions, **kwargs):
    return 0.0

import evalmetrics.integrations.lm_eval as em_lm

names = em_lm.register()
print(json.dumps({"skipped": em_lm.skipped(), "kept": registry.get_metric("greedy_match") is someone_elses,
                  "ours": "greedy_match" in names, "acc": "lm_eval:acc" in names}))
"""


def test_skipped_lists_evalmetrics_names_left_out_not_lm_eval_builtins():
    """TRIAL.md item 12(a): the docs said skipped() lists names like exact_match and acc, but those are lm_eval's
    own names, which evalmetrics never registers: after register() skipped() is {}. It lists an evalmetrics name
    something else registered first (a fresh process registers greedy_match before evalmetrics does)."""
    import subprocess
    import sys

    names = em_lm.register()
    assert em_lm.skipped() == {}
    assert not {"exact_match", "acc", "acc_norm"} & set(names)
    text = open(DOC, encoding="utf-8").read()
    assert "with lm_eval 0.4.13 alone it is `{}`" in text and "`em_lm.skipped()` lists those" not in text
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", SKIPPED_RUN], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"skipped": {"greedy_match": "lm_eval already registers this name"}, "kept": True,
                   "ours": False, "acc": True}


# Installed task configs whose generate_until rows are lm_eval's passthrough bleu/chrf/ter (issue 15): a feature-name
# target, a "{{field}}" template and a doc_to_target function.
CORPUS_TASKS = [
    (("afrobench", "adr", "prompt_2", "afridiacritics_yor.yaml"), lambda t, g: {"text": "q", "target": g}),
    (("basque_bench", "flores_eu", "flores_en-eu.yaml"),
     lambda t, g: {"sentence_eng_Latn": "q", "sentence_eus_Latn": g}),
    (("afrobench", "mafand", "prompt_1", "african-english", "mafand_amh-en.yaml"),
     lambda t, g: {"translation": {"amh": "q", "en": g}}),
]


def _corpus_texts(rng, n):
    """(target, generation) pairs: copies, edits, reorderings, empty outputs, and a target that reads as a list."""
    from _diff import ATOMS

    words = [a for a in ATOMS if a.strip() and "\x00" not in a]
    out = []
    for i in range(n):
        target = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        if i % 37 == 5:
            target = '["Paris", "the"]'  # lm_eval reads it as a list and scores str(list): ['Paris', 'the']
        kind = rng.randint(0, 5)
        toks = target.split()
        if kind == 0:
            gen = target
        elif kind == 1:
            gen = " ".join(t for t in toks if rng.random() > 0.3)
        elif kind == 2:
            rng.shuffle(toks)
            gen = " ".join(toks)
        elif kind == 3:
            gen = ""
        elif kind == 4:
            gen = target.upper() + " " + rng.choice(words)
        else:
            gen = " ".join(rng.choice(words) for _ in range(rng.randint(0, 10)))
        out.append((target, gen))
    return out


@pytest.mark.parametrize("parts, make_doc", CORPUS_TASKS, ids=lambda p: p[-1] if isinstance(p, tuple) else "")
def test_reader_corpus_rows_equal_lm_eval_aggregations(parts, make_doc):
    """Issue 15: bleu/chrf/ter rows of installed generate_until tasks read as the lm_eval:<name> aliases (with the
    target rendering), and the reading's metric gives, bit for bit, the value lm_eval's own ConfigurableTask
    (built from that YAML: doc_to_target, filters, process_results with the passthrough fn) and its registered
    corpus aggregation give on the same documents and generations."""
    import random

    import datasets
    from lm_eval.api.instance import Instance
    from lm_eval.api.task import ConfigurableTask
    from lm_eval.tasks._yaml_loader import load_yaml

    from _diff import N_EXAMPLES

    path = _installed(*parts)
    reading = read_lm_eval_task(path)
    cfg = dict(load_yaml(path))
    seed = make_doc(None, "seed")
    splits = {cfg.get(k) for k in ("training_split", "validation_split", "test_split", "fewshot_split")} - {None}
    cfg["custom_dataset"] = lambda **_: datasets.DatasetDict({s: datasets.Dataset.from_list([seed]) for s in splits})
    for k in ("dataset_path", "dataset_name", "dataset_kwargs"):
        cfg.pop(k, None)
    datasets.disable_progress_bars()
    task = ConfigurableTask(config=cfg)
    names = [m["metric"] for m in cfg["metric_list"]]
    assert {"bleu", "chrf"} <= set(names)
    rng = random.Random(15)
    pairs = _corpus_texts(rng, min(N_EXAMPLES, 300))
    docs = [make_doc(None, t) for t, _ in pairs]
    items = {}  # (pipeline, metric) -> lm_eval's per-document items
    preds = {}
    for doc, (_, gen) in zip(docs, pairs):
        inst = Instance(request_type="generate_until", doc=doc, arguments=("", {}), idx=0, metadata=("t", 0, 1))
        inst.resps = [gen]
        for f in task._filters:
            f.apply([inst])
        for pipeline, resp in inst.filtered_resps.items():
            preds.setdefault(pipeline, []).append(gen)
            for metric, value in task.process_results(doc, [resp]).items():
                items.setdefault((pipeline, metric), []).append(value)
    refs = [[task.doc_to_target(d)] if callable(cfg["doc_to_target"]) else [t] for d, (t, _) in zip(docs, pairs)]
    checked = 0
    for (pipeline, metric), its in items.items():
        row = reading.get(metric, pipeline)
        assert row.reproduced, (metric, row.reason)
        base = em.get(f"lm_eval:{metric}")
        assert row.id.startswith(base.id.split("(")[0]) and row.list_id is None
        m = em.get(row.id)
        agg = task.aggregation()[metric]
        for lo, hi in ((0, len(its)), (0, 1), (3, 10), (40, 41)):
            if hi > len(its):  # a small EVALMETRICS_CONFORMANCE_EXAMPLES: no such slice (lm_eval's bleu raises on [])
                continue
            real = agg(its[lo:hi])
            ours = m.compute(preds[pipeline][lo:hi], refs[lo:hi]).score
            assert ours == real, (parts[-1], pipeline, metric, lo, hi, ours, real)
            checked += 1
    slices = 4 if min(len(its) for its in items.values()) >= 41 else 3
    assert {metric for _, metric in items} == set(names) and checked >= slices * len(names)
