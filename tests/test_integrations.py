"""Integrations without the harness packages: optional imports, digest names, the task reader, the docs' examples.

The same adapters are proven inside the real lm_eval and lighteval in tests/conformance/test_integrations_*.py.
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
import subprocess
import sys

import pytest

import evalmetrics as em
from evalmetrics.integrations import DIGEST_RE, catalog_metric_ids, metric_name, resolve_name
from evalmetrics.integrations.lm_eval_tasks import explain_lm_eval_task, load_task_yaml, read_lm_eval_task
from evalmetrics.registry import resolve_alias

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "lm_eval_tasks")
COPIES = os.path.join(DATA, "lm_eval_0.4.13")
DOC = os.path.join(ROOT, "docs", "integrations.md")


def doc_blocks():
    """[(language, first-line tag, code)] of docs/integrations.md."""
    text = open(DOC, encoding="utf-8").read()
    out = []
    for lang, code in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
        first = code.split("\n", 1)[0]
        out.append((lang, first.strip(), code))
    return out


# ---------------------------------------------------------------------------------------------- optional imports


def test_import_evalmetrics_and_the_adapters_loads_no_harness():
    code = (
        "import sys, evalmetrics, evalmetrics.integrations, evalmetrics.integrations.lm_eval, "
        "evalmetrics.integrations.lighteval, evalmetrics.integrations.lm_eval_tasks, "
        "evalmetrics.integrations.lighteval_tasks; "
        "print(','.join(m for m in ('lm_eval', 'lighteval', 'torch', 'transformers', 'datasets', 'yaml') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"imported eagerly: {out}"


@pytest.fixture
def without(monkeypatch):
    """Make a package unimportable (as if not installed), whatever this environment has."""

    def hide(*names):
        for n in names:
            for k in list(sys.modules):
                if k == n or k.startswith(n + "."):
                    monkeypatch.delitem(sys.modules, k)
            monkeypatch.setitem(sys.modules, n, None)

    return hide


def test_lm_eval_missing_is_a_clear_error(without):
    import evalmetrics.integrations.lm_eval as em_lm

    without("lm_eval")
    for call in (em_lm.register, lambda: em_lm.metric_function("squad:f1"), lambda: em_lm.EvalMetricsTask):
        with pytest.raises(em.InvalidConfig) as e:
            call()
        assert "pip install 'lm-eval==0.4.13'" in str(e.value)
        assert isinstance(e.value, em.EvalMetricsError)


def test_lighteval_missing_is_a_clear_error(without):
    from evalmetrics.integrations.lighteval import to_lighteval

    without("lighteval")
    with pytest.raises(em.InvalidConfig) as e:
        to_lighteval("squad:f1")
    assert_lighteval_hint(str(e.value))


def assert_lighteval_hint(message: str):
    """TRIAL.md item 12(d): a lighteval install hint says what docs/integrations.md's extras table says: the
    `lighteval` extra (lighteval[math]==0.13.0) in an environment of its own, not a bare `lighteval==0.13.0`."""
    assert "pip install -e '.[lighteval]'" in message and "lighteval[math]==0.13.0" in message, message
    assert "environment without evalmetrics' test or mathverify extras" in message, message
    assert "'lighteval==0.13.0'" not in message, message


def test_every_lighteval_install_hint_matches_the_extras_table():
    """Each place that tells a user how to install lighteval (require(), the lighteval math metrics) says the same
    thing as the extras table of docs/integrations.md, and the table row says it too."""
    from evalmetrics._packages import LIGHTEVAL_INSTALL
    from evalmetrics.metrics import lighteval_math

    assert lighteval_math.PIP == LIGHTEVAL_INSTALL
    assert_lighteval_hint(LIGHTEVAL_INSTALL)
    doc = open(DOC, encoding="utf-8").read()
    assert "pip install -e '.[lighteval]'     # lighteval[math]==0.13.0: in an environment without `test` or " \
           "`mathverify`" in doc
    assert "| `lighteval` | lighteval 0.13.0 with its `math` extra" in doc and "| `test`, `mathverify` |" in doc
    pkg = os.path.join(os.path.dirname(DOC), os.pardir, "evalmetrics")
    for d, _, names in os.walk(pkg):
        for n in names:
            if n.endswith(".py"):
                text = open(os.path.join(d, n), encoding="utf-8").read()
                assert "pip install 'lighteval==" not in text and "pip install 'lighteval[" not in text, n


def test_lighteval_task_reader_without_lighteval_says_what_to_install(without, capsys):
    from evalmetrics import cli
    from evalmetrics.integrations.lighteval_tasks import explain_lighteval_task, read_lighteval_task

    without("lighteval")
    for call in (lambda: read_lighteval_task("gsm8k"), lambda: explain_lighteval_task("my_tasks.py")):
        with pytest.raises(em.InvalidConfig, match=r"needs the 'lighteval' package") as e:
            call()
        assert_lighteval_hint(str(e.value))
    rc = cli.main(["explain", "--lighteval-task", "gsm8k"])
    err = capsys.readouterr().err
    assert rc != 0
    assert_lighteval_hint(" ".join(err.split()))


def test_yaml_missing_is_a_clear_error(without):
    without("yaml")
    with pytest.raises(em.InvalidConfig, match="pip install 'pyyaml'"):
        read_lm_eval_task(os.path.join(COPIES, "gsm8k", "gsm8k.yaml"))


# ---------------------------------------------------------------------------------------------- names


def test_digest_names_are_fixed_comma_free_and_resolve_back():
    assert metric_name("greedy_match") == "em_855059921c"
    assert metric_name("squad:f1") == "em_de7f09accb"
    contains = em.ExactMatch(mode="contains", normalize=[em.Lowercase()])
    assert metric_name(contains) == metric_name(contains.id) == "em_0685bfbc7b"
    assert resolve_name("em_0685bfbc7b") == contains.id
    ids = catalog_metric_ids()
    assert len(ids) > 40
    digests = {}
    for mid in set(ids.values()):
        n = metric_name(mid)
        assert DIGEST_RE.match(n) and "," not in n
        assert digests.setdefault(n, mid) == mid, "digest collision"
        assert resolve_name(n) == mid


def test_digest_is_stable_across_processes_and_hash_seeds():
    code = "from evalmetrics.integrations import metric_name; print(metric_name('helm:quasi_exact_match'))"
    outs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout.strip())
    assert outs == {"em_229e11d31c"}


def test_unknown_digest_and_non_metrics():
    with pytest.raises(em.UnknownMetric, match="named in this process"):
        resolve_name("em_0000000000")
    with pytest.raises(em.InvalidConfig, match="not a metric"):
        metric_name("lowercase")


# ---------------------------------------------------------------------------------------------- task reader


def _copy(*parts):
    return os.path.join(COPIES, *parts)


def _alias_id(key, **config):
    return em.get(key, **config).id


@pytest.mark.parametrize("path, row, alias, form", [
    (("gsm8k", "gsm8k.yaml"), ("exact_match", "strict-match"), "lm_eval:gsm8k/strict-match", "text"),
    (("gsm8k", "gsm8k.yaml"), ("exact_match", "flexible-extract"), "lm_eval:gsm8k/flexible-extract", "text"),
    (("gsm8k", "gsm8k-cot.yaml"), ("exact_match", "strict-match"), "lm_eval:gsm8k-cot/strict-match", "text"),
    (("gsm8k", "gsm8k-cot.yaml"), ("exact_match", "flexible-extract"), "lm_eval:gsm8k-cot/flexible-extract", "text"),
    (("gsm8k", "gsm8k-cot-self-consistency.yaml"), ("exact_match", "score-first"),
     "lm_eval:gsm8k-cot-self-consistency/score-first", "text"),
    (("gsm8k", "gsm8k-cot-self-consistency.yaml"), ("exact_match", "maj@64"),
     "lm_eval:gsm8k-cot-self-consistency/maj@64", "text"),
    (("gsm8k", "gsm8k-cot-self-consistency.yaml"), ("exact_match", "maj@8"),
     "lm_eval:gsm8k-cot-self-consistency/maj@8", "text"),
    (("triviaqa", "default.yaml"), ("exact_match", "remove_whitespace"), "lm_eval:triviaqa", "list"),
    (("nq_open", "nq_open.yaml"), ("exact_match", "remove_whitespace"), "lm_eval:nq_open", "list"),
    (("hellaswag", "hellaswag.yaml"), ("acc", "none"), "lm_eval:acc", "text"),
    (("hellaswag", "hellaswag.yaml"), ("acc_norm", "none"), "lm_eval:acc_norm", "text"),
    (("arc", "arc_easy.yaml"), ("acc_norm", "none"), "lm_eval:acc_norm", "text"),
    (("arc", "arc_challenge.yaml"), ("acc", "none"), "lm_eval:acc", "text"),
    (("truthfulqa", "truthfulqa_mc1.yaml"), ("acc", "none"), "lm_eval:acc", "text"),
    # issue 16: truthfulqa's process_results_mc2 hook is the probability mass on the true answers
    (("truthfulqa", "truthfulqa_mc2.yaml"), ("acc", "none"), "lm_eval:truthfulqa/mc2", "text"),
    (("mmlu", "default", "mmlu_anatomy.yaml"), ("acc", "none"), "lm_eval:acc", "text"),
    (("drop", "default.yaml"), ("em", "none"), "lm_eval:drop/em", "text"),
    (("drop", "default.yaml"), ("f1", "none"), "lm_eval:drop/f1", "text"),
    (("squadv2", "squadv2.yaml"), ("exact", "none"), "lm_eval:squadv2/exact", "text"),
    (("squadv2", "squadv2.yaml"), ("f1", "none"), "lm_eval:squadv2/f1", "text"),
    # issue 15: the task class's corpus figures (evaluate's squad_v2 over all documents)
    (("squadv2", "squadv2.yaml"), ("HasAns_exact", "none"), "lm_eval:squadv2/HasAns_exact", "text"),
    (("squadv2", "squadv2.yaml"), ("NoAns_f1", "none"), "lm_eval:squadv2/NoAns_f1", "text"),
    (("squadv2", "squadv2.yaml"), ("best_f1", "none"), "lm_eval:squadv2/best_f1", "text"),
    # issue 14 item 3: minerva_math's process_results hook (identified by its source hash) is the shipped aliases
    (("minerva_math", "minerva_math_algebra.yaml"), ("exact_match", "none"), "lm_eval:minerva_math/exact_match", "text"),
    (("minerva_math", "minerva_math_algebra.yaml"), ("math_verify", "none"), "lm_eval:minerva_math/math_verify", "text"),
])
def test_reader_on_lm_eval_yaml_copies(path, row, alias, form):
    r = read_lm_eval_task(_copy(*path)).get(*row)
    got_id, got_alias = (r.id, r.alias) if form == "text" else (r.list_id, r.list_alias)
    assert got_alias == alias, r.lines()
    assert got_id == _alias_id(alias)
    assert r.steps and r.references


@pytest.mark.parametrize("path, row, why", [
    (("score", "agi_eval", "option_order_robustness_agieval_aqua_rat.yaml"), ("options_consistency_rate", "none"),
     "score/agi_eval/utils_agieval.py:option_order_robustness_process_results"),
])
def test_reader_says_not_reproduced(path, row, why):
    r = read_lm_eval_task(_copy(*path)).get(*row)
    assert not r.reproduced and r.id is None and why in r.reason


def test_reader_hendrycks_math_follows_the_alias_table():
    r = read_lm_eval_task(_copy("hendrycks_math", "hendrycks_math_algebra.yaml")).get("exact_match", "none")
    alias = resolve_alias("lm_eval:hendrycks_math")
    if alias is None:
        assert not r.reproduced and "not shipped" in r.reason
    else:
        assert r.alias == "lm_eval:hendrycks_math" and r.id == alias.make_example().id


def test_reader_group_mmlu_copies():
    g = read_lm_eval_task(_copy("mmlu", "default", "_mmlu_stem.yaml"))
    leaves = g.tasks()
    assert sorted(t.task for t in leaves) == ["mmlu_abstract_algebra", "mmlu_anatomy", "mmlu_astronomy"]
    assert {t.get("acc").alias for t in leaves} == {"lm_eval:acc"}
    text = str(g)
    assert "lm_eval group mmlu_stem: 3 tasks" in text and "weighted by task size" in text


def test_reader_hooks_are_identified_by_source_not_by_name(tmp_path):
    d = tmp_path / "drop"
    d.mkdir()
    (d / "default.yaml").write_text(open(_copy("drop", "default.yaml")).read())
    (d / "utils.py").write_text("def process_results(doc, results):\n    return {'em': 1.0, 'f1': 1.0}\n")
    r = read_lm_eval_task(d / "default.yaml")
    assert not r.get("em").reproduced and "does not reproduce" in r.get("em").reason
    assert "not a hook evalmetrics recognizes" in " ".join(r.notes)


def test_reader_traps_and_errors(tmp_path):
    # An unregistered name becomes a Hub metric in lm_eval; evalmetrics names without the class vanish in MC.
    r = read_lm_eval_task({"task": "t", "output_type": "generate_until", "doc_to_target": "{{a}}",
                           "metric_list": [{"metric": "rouge"}, {"metric": "f1"}]})
    assert "Hugging Face Hub" in r.get("rouge").reason
    assert "corpus-level" in r.get("f1").reason
    r = read_lm_eval_task({"task": "t", "output_type": "multiple_choice", "metric_list": [{"metric": "lighteval:mrr"}]})
    assert "EvalMetricsTask" in r.get("lighteval:mrr").reason
    r = read_lm_eval_task({"task": "t", "output_type": "multiple_choice", "metric_list": [{"metric": "lighteval:mrr"}],
                           "class": "evalmetrics.integrations.lm_eval.EvalMetricsTask"})
    assert r.get("lighteval:mrr").alias == "lighteval:mrr"
    # A graded metric over a list target is binarized by lm_eval: only the text reading is given.
    r = read_lm_eval_task({"task": "t", "doc_to_target": "{{answers}}", "metric_list": [{"metric": "squad:f1"}]})
    row = r.get("squad:f1")
    assert row.id is not None and row.list_id is None and "binarized" in " ".join(row.notes)
    # Options go to aliases; a canonical ID's digest takes none.
    r = read_lm_eval_task({"task": "t", "doc_to_target": "{{a}}",
                           "metric_list": [{"metric": "lm_eval:exact_match", "ignore_case": True},
                                           {"metric": metric_name("squad:f1"), "ignore_case": True}]})
    base = em.get("lm_eval:exact_match", ignore_case=True)
    row = r.get("lm_eval:exact_match")
    assert row.id == em.ExactMatch(pred=base.pred, ref=(em.ListLiteralRender(),) + base.ref).id  # "{{a}}": a text
    assert row.list_id == base.id  # "{{a}}": a list, each item as is
    assert "takes no options" in r.get(metric_name("squad:f1")).reason
    # Other user code behind !function is not read (nor run).
    (tmp_path / "utils.py").write_text("def custom(references, predictions):\n    return 1.0\n")
    (tmp_path / "t.yaml").write_text("task: t\ndoc_to_target: '{{a}}'\nmetric_list:\n  - metric: !function utils.custom\n")
    assert "user code" in read_lm_eval_task(tmp_path / "t.yaml").get("custom").reason
    bad = tmp_path / "bad.yaml"
    bad.write_text("task: [unclosed\n")
    with pytest.raises(em.InvalidConfig, match="not valid YAML"):
        read_lm_eval_task(bad)
    with pytest.raises(em.InvalidConfig, match="cannot read"):
        read_lm_eval_task(tmp_path / "missing.yaml")
    with pytest.raises(em.InvalidConfig):
        read_lm_eval_task(42)


def test_reader_composes_filters_options_and_target():
    r = read_lm_eval_task(_copy("gsm8k", "gsm8k.yaml")).get("exact_match", "strict-match")
    m = em.get(r.id)
    # The composed pipeline scores like lm_eval's gsm8k strict-match (first '#### N', then gsm8k's options).
    assert m.score("so... #### 1,072", "blah\n#### 1072") == 1.0
    assert m.score("The answer is 1072.", "blah\n#### 1072") == 0.0


def test_load_task_yaml_merges_includes_and_keeps_functions():
    cfg = load_task_yaml(_copy("arc", "arc_challenge.yaml"))
    assert cfg["task"] == "arc_challenge" and cfg["dataset_name"] == "ARC-Challenge" and cfg["output_type"]
    hook = load_task_yaml(_copy("drop", "default.yaml"))["process_results"]
    assert hook.spec == "utils.process_results" and hook.source().startswith("def process_results")


def test_explain_lm_eval_task_text():
    text = explain_lm_eval_task(_copy("gsm8k", "gsm8k.yaml"))
    assert "exact_match,strict-match" in text and "= lm_eval:gsm8k/strict-match" in text
    assert "1. prediction:" in text


# ---------------------------------------------------------------------------------------------- the docs


def test_docs_examples_without_harness(without):
    without("lm_eval", "lighteval")
    blocks = [code for lang, tag, code in doc_blocks() if lang == "python" and tag == "# run: without-harness"]
    assert len(blocks) == 3
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        for code in blocks:
            exec(compile(code, DOC, "exec"), {})
    lines = buf.getvalue().splitlines()
    assert "needs the 'lm_eval' package" in lines[0] and "pip install 'lm-eval==0.4.13'" in lines[0]
    contains = em.ExactMatch(mode="contains", normalize=[em.Lowercase()])
    assert lines[1:4] == ["em_de7f09accb", em.get("squad:f1").id, "em_0685bfbc7b"]
    assert lines[4:] == [f"- metric: !function 'evalmetrics.integrations.lm_eval.{contains.id}'",
                         "evalmetrics.integrations.lm_eval.helm@0%2E5:quasi_exact_match"]


def test_docs_yaml_tasks_read_back():
    """The docs' task YAMLs, read by the task reader: every row is reproduced and names what it computes."""
    import yaml  # noqa: F401  (the reader needs it)

    files = {tag[len("# file: "):]: code for lang, tag, code in doc_blocks() if tag.startswith("# file: ")}
    assert {"my_tasks/em_qa.yaml", "my_tasks/em_mc.yaml", "my_tasks/em_qa_multi.yaml", "my_tasks/utils.py",
            "my_tasks/lighteval_tasks.py"} <= set(files)
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        for name, code in files.items():
            p = os.path.join(d, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8") as f:
                f.write(code)
        qa = read_lm_eval_task(os.path.join(d, "my_tasks", "em_qa.yaml"))
        assert qa.get("lm_eval:exact_match", "strict").id == qa.get("exact_match", "strict").id
        assert qa.get("helm:quasi_exact_match", "raw").list_alias == "helm:quasi_exact_match"
        contains = em.ExactMatch(mode="contains", normalize=[em.Lowercase()])
        row = qa.get("em_0685bfbc7b", "raw")
        assert row.list_id == contains.id
        assert row.id == em.ExactMatch(mode="contains", pred=[em.Lowercase()],
                                       ref=[em.ListLiteralRender(), em.Lowercase()]).id
        # !function evalmetrics.integrations.lm_eval.em_<hex> resolves to the catalog metric.
        assert qa.get("em_de7f09accb", "raw").reproduced
        # utils.prefix_match = metric_function("<ID>") is read statically, under the name lm_eval reports.
        prefix = qa.get("em_ab8ab26517", "strict")
        assert em.get(prefix.list_id).mode == "prediction_starts_with_reference"
        mc = read_lm_eval_task(os.path.join(d, "my_tasks", "em_mc.yaml"))
        assert all(r.reproduced for r in mc.readings), [r.lines() for r in mc.readings]
        assert mc.get("lm_eval:acc_norm").id == mc.get("acc_norm").id
        multi = read_lm_eval_task(os.path.join(d, "my_tasks", "em_qa_multi.yaml"))
        assert multi.get("squad:f1", "strict").list_id is not None  # the class scores all targets at once


def test_cli_explain_lm_eval_task_when_wired(capsys):
    """``evalmetrics explain --lm-eval-task PATH`` prints explain_lm_eval_task(PATH) (skipped until cli.py has it)."""
    from evalmetrics import cli

    path = _copy("gsm8k", "gsm8k.yaml")
    try:
        rc = cli.main(["explain", "--lm-eval-task", path])
    except SystemExit:
        pytest.skip("cli.py does not have --lm-eval-task yet")
    assert rc == 0
    assert capsys.readouterr().out.strip() == explain_lm_eval_task(path).strip()


def test_reader_group_overrides_apply_to_members(tmp_path):
    (tmp_path / "a.yaml").write_text("task: a\noutput_type: multiple_choice\ntag: my_tag\n"
                                     "metric_list:\n  - metric: acc\n")
    (tmp_path / "b.yaml").write_text("task: b\noutput_type: multiple_choice\ntag: my_tag\n")
    (tmp_path / "g.yaml").write_text(
        "group: g\ntask:\n  - my_tag\n  - task: a\n    metric_list:\n      - metric: acc_bytes\n"
        "metric_list:\n  - metric: acc_norm\n")
    g = read_lm_eval_task(tmp_path / "g.yaml")
    got = [(t.task, [r.alias for r in t.readings]) for t in g.tasks()]
    # the group's own keys override every member; a member's inline keys override the group's
    assert got == [("a", ["lm_eval:acc_norm"]), ("b", ["lm_eval:acc_norm"]), ("a", ["lm_eval:acc_bytes"])], got


# lm_eval's generative bbh / mmlu templates (lm_eval 0.4.13, as shipped; the conformance suite reads the real files)
_BBH_ZS = {"output_type": "generate_until", "doc_to_target": "{{target}}", "metric_list": [
    {"metric": "exact_match", "aggregation": "mean", "higher_is_better": True, "ignore_case": True,
     "regexes_to_ignore": ["\\.$", ",", "\n", "\\\\", '"']}]}
_MMLU_GEN = {"output_type": "generate_until", "doc_to_target": "{{['A', 'B', 'C', 'D'][answer]}}",
             "metric_list": [{"metric": "exact_match", "ignore_punctuation": True, "ignore_case": True}],
             "filter_list": [{"name": "get_response", "filter": [
                 {"function": "regex", "regex_pattern": "^(.*?)(?=\\n|$)"}, {"function": "remove_whitespace"},
                 {"function": "regex", "regex_pattern": "^(.*?)\\s*$"}, {"function": "take_first"}]}]}
_BBH_COT_FS = {"output_type": "generate_until", "doc_to_target": "{{target}}", "metric_list": [
    {"metric": "exact_match"}], "filter_list": [{"name": "get-answer", "filter": [
        {"function": "regex", "regex_pattern": "(?<=the answer is )(.*)(?=.)"}, {"function": "take_first"}]}]}


@pytest.mark.parametrize("task, cfg, row, alias", [
    ("bbh_zeroshot_snarks", _BBH_ZS, ("exact_match", "none"), "lm_eval:bbh_zeroshot/strict-match"),
    ("mmlu_anatomy_generative", _MMLU_GEN, ("exact_match", "get_response"), "lm_eval:mmlu_generative/get_response"),
    ("bbh_cot_fewshot_snarks", _BBH_COT_FS, ("exact_match", "get-answer"), "lm_eval:bbh_cot_fewshot/get-answer"),
    ("bbh_fewshot_snarks", {"output_type": "generate_until", "doc_to_target": "{{target}}",
                            "metric_list": [{"metric": "exact_match"}]}, ("exact_match", "none"), "lm_eval:bbh_fewshot"),
])
def test_reader_maps_bbh_and_mmlu_generative_templates_to_their_aliases(task, cfg, row, alias):
    r = read_lm_eval_task({"task": task, **cfg}).get(*row)
    assert r.alias == alias and r.id == em.get(alias).id, r.lines()


def test_reader_prefers_the_alias_named_after_the_task():
    cfg = {"output_type": "generate_until", "doc_to_target": "{{['(A)', '(B)', '(C)', '(D)'][answer]}}",
           "metric_list": [{"metric": "exact_match"}],
           "filter_list": [{"name": "strict-match", "filter": [{"function": "take_first"}]}]}
    r = read_lm_eval_task({"task": "mmlu_flan_n_shot_generative_anatomy", **cfg}).get("exact_match", "strict-match")
    assert r.alias == "lm_eval:mmlu_flan_n_shot_generative/strict-match"
    assert "lm_eval:bbh_fewshot" in r.same_as  # the same pipeline, under bbh's name too


# ---------------------------------------------------------------------------------------------- issue 14


def test_function_spec_carries_every_catalog_id_through_lm_eval_s_last_dot_split():
    """Item 4: the !function reference holds the ID (or alias key) with '%' and '.' escaped, so lm_eval 0.4.13's
    ``qual.rpartition('.')`` gives back our module and the whole ID, for every shipped metric."""
    from evalmetrics.integrations.lm_eval import function_spec, spec_key

    keys = list(catalog_metric_ids().values()) + ["helm@0.5:quasi_exact_match", "lm_eval:gsm8k/strict-match"]
    assert any("." in k for k in keys) and any("%" in k for k in keys)
    for key in keys:
        spec = function_spec(key)
        module, _, attr = spec.rpartition(".")
        assert module == "evalmetrics.integrations.lm_eval" and spec_key(attr) == key, key


def _write_task(path, entries):
    path.write_text("task: t\noutput_type: generate_until\ndoc_to_target: '{{answer}}'\nmetric_list:\n"
                    + "".join(f"  {e}\n" for e in entries), encoding="utf-8")
    return path


def _read_in_a_fresh_process(path) -> list:
    import json

    code = ("import json, sys; from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task; "
            "print(json.dumps([r.to_dict() for r in read_lm_eval_task(sys.argv[1]).readings]))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_task_yaml_carries_a_non_catalog_id_and_reads_back_in_a_fresh_process(tmp_path):
    """Item 4 as the issue wrote it: a YAML naming a non-catalog metric by its digest reads back, in another process,
    as "a digest name that is neither ..."; the same metric written with yaml_entry (its canonical ID in the file)
    reads back as that ID there, reported under the digest name lm_eval uses."""
    from evalmetrics.integrations.lm_eval import yaml_entry

    contains = em.ExactMatch(mode="contains", normalize=[em.Lowercase()])
    regex = em.ExactMatch(pred=[em.RegexExtract(pattern="The answer is (.*)"), em.Lowercase()], ref=[em.Lowercase()])
    assert "." in regex.id  # escaped in the !function reference
    (digest_only,) = _read_in_a_fresh_process(_write_task(tmp_path / "a.yaml", [f"- metric: {metric_name(contains)}"]))
    assert not digest_only["reproduced"]
    assert "neither a catalog metric nor named in this process" in digest_only["reason"]
    assert "function_spec" in digest_only["reason"]  # the error says how to write it
    rows = _read_in_a_fresh_process(_write_task(tmp_path / "b.yaml", [yaml_entry(contains), yaml_entry(regex)]))
    assert [r["metric"] for r in rows] == [metric_name(contains), metric_name(regex)]  # lm_eval's result keys
    assert [r["list_id"] for r in rows] == [contains.id, regex.id]
    assert all(r["reproduced"] for r in rows)


def test_results_table_handles_function_metrics():
    """Item 2: results whose configs hold !function metrics as lm_eval dumps them (the function's source text):
    the row is named as lm_eval reports it, nothing claims a Hub lookup, and the Markdown table stays one line per
    row with escaped pipes."""
    import inspect

    from evalmetrics.integrations.lm_eval import explain_results, results_table
    from evalmetrics.integrations.lm_eval_functions import make_function

    ours = inspect.getsource(make_function("em_de7f09accb", None, "x", None))  # what lm_eval dumps for ours
    user = "def custom(references, predictions):\n    return float(bool(references[0] or 'a|b'))\n"
    cfg = {"task": "em_qa", "output_type": "generate_until", "doc_to_target": "{{answer}}",
           "filter_list": [{"name": "raw", "filter": [{"function": "take_first"}]}],
           "metric_list": [{"metric": "exact_match"}, {"metric": ours}, {"metric": user}]}
    row = {"alias": "em_qa"}
    for name, value in (("exact_match", 0.5), ("em_de7f09accb", 0.25), ("custom", 1.0)):
        row[f"{name},raw"], row[f"{name}_stderr,raw"] = value, 0.1
    results = {"results": {"em_qa": row}, "configs": {"em_qa": cfg}}
    rows = explain_results(results)
    assert [r.metric for r in rows] == ["exact_match", "em_de7f09accb", "custom"]
    plain = read_lm_eval_task({**cfg, "metric_list": [{"metric": "em_de7f09accb"}]}).get("em_de7f09accb", "raw")
    assert rows[1].id == plain.id and rows[1].id is not None  # read by the name lm_eval reported
    assert rows[2].id is None and "user code" in rows[2].notes[0]
    assert not any("Hub" in n or "def " in n for r in rows for n in r.notes)
    table = results_table(results).splitlines()
    assert len(table) == 2 + 3
    for line in table:
        assert len(re.findall(r"(?<!\\)\|", line)) == 7, line


def test_explain_lm_eval_task_collapses_repeated_steps_and_reads_well():
    """Smaller items: gsm8k listed "remove '\\x00' from the end" five times per side; "highest the summed"."""
    text = explain_lm_eval_task(_copy("gsm8k", "gsm8k.yaml"))
    assert text.count("remove the characters '\\x00' from the end") == 4  # 2 rows x (prediction, reference)
    assert "(4 times: here and after steps 4, 5 and 7)" in text
    row = read_lm_eval_task(_copy("gsm8k", "gsm8k.yaml")).get("exact_match", "strict-match")
    assert sum("'\\x00'" in s for s in row.steps) == 8  # the data keeps every step
    for text in (explain_lm_eval_task(_copy("hellaswag", "hellaswag.yaml")), str(em.explain("lm_eval:acc"))):
        assert "highest the" not in text and "highest summed log-probability" in text


def test_task_names_are_accepted_wherever_a_task_is_meant(capsys):
    """Item 8: em.explain("gsm8k") and diff --name gsm8k (the task's rows as shipped aliases), lm_eval task names
    found among task folders, close names suggested."""
    from evalmetrics import cli
    from evalmetrics.integrations.lm_eval_tasks import find_lm_eval_task, read_lm_eval_task_named

    e = em.explain("gsm8k")
    assert [a for a, _ in e.meanings] == ["lm_eval:gsm8k/flexible-extract", "lm_eval:gsm8k/strict-match"]
    assert "is a task name" in e.notes[0]
    with pytest.raises(em.UnknownMetric, match="did you mean.*'gsm8k'"):
        em.explain("gsm8")
    assert cli.main(["diff", "--name", "gsm8k", "--json", "--n-boot", "10"]) == 0
    out = capsys.readouterr().out
    import json

    assert {s["name"] for s in json.loads(out)["scores"]} == {"lm_eval:gsm8k/flexible-extract",
                                                              "lm_eval:gsm8k/strict-match"}
    r = read_lm_eval_task_named("gsm8k", COPIES)
    assert r.path == os.path.realpath(_copy("gsm8k", "gsm8k.yaml"))
    assert r.get("exact_match", "strict-match").alias == "lm_eval:gsm8k/strict-match"
    assert len(read_lm_eval_task_named("mmlu_stem", COPIES).tasks()) == 3  # a group
    tag = read_lm_eval_task_named("math_word_problems", COPIES)  # a tag: every task carrying it
    assert sorted(t.task for t in tag.tasks()) == ["gsm8k", "hendrycks_math_algebra", "minerva_math_algebra"]
    from evalmetrics.errors import UnknownTask

    with pytest.raises(UnknownTask, match=r"did you mean 'gsm8k'") as err:
        find_lm_eval_task("gsm8", COPIES)
    assert isinstance(err.value, em.UnknownMetric) and err.value.suggestions[0] == "gsm8k"


def test_task_names_without_lm_eval_say_what_is_needed(without, capsys):
    from evalmetrics import cli

    without("lm_eval")
    with pytest.raises(em.InvalidConfig, match="needs lm_eval installed.*pip install 'lm-eval==0.4.13'"):
        read_lm_eval_task("gsm8k")
    assert cli.main(["explain", "--lm-eval-task", "gsm8k"]) == 2
    assert "task by NAME needs lm_eval installed" in capsys.readouterr().err
    assert cli.main(["explain", "--lm-eval-task", _copy("gsm8k", "gsm8k.yaml")]) == 0  # paths keep working


def test_to_lighteval_leaves_the_pipeline_s_reasoning_removal_to_lighteval():
    """Item 5 (structure; the numbers are checked against the real lighteval in tests/conformance): the converted
    metric runs the alias without its leading <think> removal, on lighteval's final_text."""
    from evalmetrics.integrations.lighteval import lighteval_part

    think = em.RemoveSpans()
    for key, params in (("lighteval:exact_match", {}), ("lighteval:f1_score", {}), ("lighteval:maj_at_n", {"n": 3}),
                        ("lighteval:pass_at_k", {"k": 1})):
        m = em.get(key, **params)
        part = lighteval_part(m)
        assert part != m and think.id not in part.id and think.id in m.id, key
        assert lighteval_part(part) == part
    squad = em.get("squad:f1")
    assert lighteval_part(squad) is squad
    assert lighteval_part(em.get("lighteval:exact_match")).score("<think>hmm 5</think>4", "4") == 0.0


def test_hook_table_names_every_shipped_alias_of_a_hook():
    """Item 3's class of defect: a hook row left None although an alias for it ships (minerva_math said "not
    reproduced" beside lm_eval:minerva_math/exact_match). Every row names a shipped alias, or none exists."""
    from evalmetrics.integrations.lm_eval_tasks import KNOWN_HOOKS
    from evalmetrics.registry import aliases

    shipped = set(aliases())
    for digest, (where, table) in KNOWN_HOOKS.items():
        folder = where.split("/")[0]
        for metric, alias in table.items():
            if alias is None:
                assert not {f"lm_eval:{folder}/{metric}", f"lm_eval:{folder}"} & shipped, (where, metric)
            else:
                assert resolve_alias(alias) is not None, (where, metric, alias)


def test_task_yaml_that_is_not_utf8_is_a_typed_error_naming_file_and_line(tmp_path):
    """Issue 14 item 10's class, in the task reader: bytes that are not UTF-8 name the file, line and byte offset."""
    from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task

    p = tmp_path / "bad.yaml"
    p.write_bytes(b"task: bad\noutput_type: generate_until\ndoc_to_text: 'caf\xe9'\n")
    with pytest.raises(em.InvalidInput, match=r"bad\.yaml:3: not valid UTF-8 at byte offset \d+"):
        read_lm_eval_task(str(p))


def test_docs_command_line_yaml_reads_back_as_its_aliases(tmp_path):
    """TRIAL.md item 2: the "From the lm_eval command line" YAML names each evalmetrics alias by `!function`
    (which registers it when lm_eval loads the file); read back, each row is the alias with its options
    (tests/conformance/test_integrations_lm_eval.py runs it with the real `lm_eval` command line)."""
    import yaml  # noqa: F401  (the reader needs it)

    (code,) = [c for _, t, c in doc_blocks() if t == "# file: my_tasks/em_qa_cli.yaml"]
    assert "- metric: \"lm_eval:" not in code and "- metric: \"helm:" not in code  # no plain alias strings
    p = tmp_path / "em_qa_cli.yaml"
    p.write_text(code, encoding="utf-8")
    r = read_lm_eval_task(str(p))
    assert [x.metric for x in r.readings] == ["exact_match", "lm_eval:exact_match", "helm:quasi_exact_match"]
    assert r.get("lm_eval:exact_match", "strict").id == r.get("exact_match", "strict").id
    assert all(x.reproduced for x in r.readings)
    text = open(DOC, encoding="utf-8").read()
    assert "### From the lm_eval command line" in text and "--include_path my_tasks --tasks em_qa_cli" in text


def test_perplexity_rows_read_as_the_perplexity_aliases():
    """lm_eval's rolling-log-likelihood rows (word/byte perplexity, bits per byte) and `perplexity` on a
    loglikelihood task read back as the aliases that reproduce them; another name there is named as unread."""
    from evalmetrics.integrations.lm_eval_tasks import read_lm_eval_task

    rolling = read_lm_eval_task({
        "task": "paloma_like", "output_type": "loglikelihood_rolling", "doc_to_text": "", "doc_to_target": "{{text}}",
        "metric_list": [{"metric": n} for n in ("word_perplexity", "byte_perplexity", "bits_per_byte", "acc")]})
    for name in ("word_perplexity", "byte_perplexity", "bits_per_byte"):
        row = rolling.get(name)
        assert row.id == em.get(f"lm_eval:{name}").id, row.reason
        assert "rolling" in " ".join(row.steps)
    assert rolling.get("acc").id is None and "loglikelihood_rolling" in rolling.get("acc").reason
    lambada = read_lm_eval_task({
        "task": "lambada_like", "output_type": "loglikelihood", "doc_to_text": "{{a}}", "doc_to_target": "{{b}}",
        "metric_list": [{"metric": "perplexity"}, {"metric": "acc"}]})
    assert lambada.get("perplexity").id == em.get("lm_eval:perplexity").id
    assert lambada.get("acc").id == em.get("lm_eval:loglikelihood/acc").id


CORPUS_TASK_YAML = """\
tag:
- adr_tasks
dataset_path: masakhane/diacritics-restoration
dataset_name: yor
task: afridiacritics_yor_like
doc_to_text: "Sentence: {{text}}. Return output sentence only"
doc_to_target: target
output_type: generate_until
test_split: test
metric_list:
  - metric: bleu
    aggregation: bleu
    higher_is_better: true
  - metric: chrf
    aggregation: chrf
    higher_is_better: true
  - metric: chrf++
  - metric: ter
    aggregation: ter
    higher_is_better: false
  - metric: bleu
    aggregation: mean
filter_list:
  - name: none
    filter:
      - function: take_first
  - name: clean
    filter:
      - function: regex
        regex_pattern: "Output: (.*)"
      - function: lowercase
      - function: take_first
generation_kwargs:
  until:
  - '</s>'
"""


def test_reader_reads_lm_eval_corpus_rows_as_their_aliases(tmp_path):
    """Issue 15: generate_until rows named bleu, chrf, chrf++ and ter (876 + 868 + 92 rows of lm_eval 0.4.13's
    shipped tasks, e.g. afridiacritics) were reported as "a corpus-level metric evalmetrics does not reproduce";
    they read as the lm_eval:<name> aliases, with the task's filters as prediction steps. What lm_eval does not
    compute as the alias is refused with the reason: another aggregation, a list target, majority voting, repeats.
    tests/conformance/test_integrations_lm_eval.py compares the readings with lm_eval's own values."""
    p = tmp_path / "afridiacritics_yor_like.yaml"
    p.write_text(CORPUS_TASK_YAML, encoding="utf-8")
    r = read_lm_eval_task(str(p))
    assert [(x.metric, x.filter) for x in r.readings] == [
        (m, f) for f in ("none", "clean") for m in ("bleu", "chrf", "chrf++", "ter", "bleu")]
    steps = (em.get("lm_eval:filter/regex", regex_pattern="Output: (.*)"), em.get("lm_eval:filter/lowercase"))
    for row in r.readings[:4] + r.readings[5:9]:
        base = em.get(f"lm_eval:{row.metric}")
        want = base if row.filter == "none" else dataclasses.replace(base, pred=steps)
        assert row.id == want.id and row.reproduced, (row.metric, row.filter, row.reason)
        assert row.list_id is None and "list target" in " ".join(row.notes)  # doc['target'] as a list: refused
    assert r.readings[0].alias == "lm_eval:bleu" and r.readings[3].alias == "lm_eval:ter"
    assert r.readings[5].id != r.readings[0].id and "lowercase" in r.readings[5].id
    for row in (r.readings[4], r.readings[9]):  # aggregation: mean of [gold, prediction] pairs
        assert not row.reproduced and "aggregation 'mean'" in row.reason
    # A "{{field}}" template (flores): the rendered target, a list literal re-read as lm_eval renders it.
    flores = read_lm_eval_task({"task": "flores_en-eu", "output_type": "generate_until", "target_delimiter": "",
                                "doc_to_target": "{{sentence_eus_Latn}}", "metric_list": [{"metric": "ter"}]})
    assert flores.get("ter").id == dataclasses.replace(em.get("lm_eval:ter"), ref=(em.ListLiteralRender(),)).id
    # Refused: a constant list target, majority voting, repeats; options are named as ignored by lm_eval.
    lst = read_lm_eval_task({"task": "t", "output_type": "generate_until", "doc_to_target": ["a", "b"],
                             "metric_list": [{"metric": "chrf", "beta": 3}]})
    row = lst.get("chrf")
    assert not row.reproduced and "list target" in row.reason
    assert any("['beta'] are ignored by lm_eval" in n for n in row.notes)
    vote = read_lm_eval_task({"task": "t", "output_type": "generate_until", "doc_to_target": "target", "repeats": 4,
                              "metric_list": [{"metric": "bleu"}],
                              "filter_list": [{"name": "maj", "filter": [{"function": "majority_vote"},
                                                                         {"function": "take_first"}]},
                                              {"name": "none", "filter": [{"function": "take_first"}]}]})
    assert "majority_vote" in vote.get("bleu", "maj").reason
    assert "repeats=4" in vote.get("bleu", "none").reason
