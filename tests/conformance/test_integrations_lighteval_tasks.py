"""``read_lighteval_task`` on lighteval 0.13.0's own task configs, checked against lighteval's own metric objects.

For each task (gsm8k, MATH tasks, arc, hellaswag, mmlu, triviaqa, truthfulqa), the reader's canonical ID for every
metric it maps must give, sample by sample, the value lighteval's metric object (``Metric.compute_sample``, the
object the task config holds) gives on the same Doc and model response. Docs come from the task's own
``prompt_function`` on generated dataset rows; outputs are generated texts (with ``<think>`` spans, which lighteval's
pipeline removes into ``text_post_processed`` before metrics) or log-probabilities. Metrics the reader says have no
equivalent must say why.

Run in the harness environment:
  bash tests/conformance/run.sh tests/conformance/test_integrations_lighteval_tasks.py
"""
from __future__ import annotations

import os
import random

import pytest

pytest.importorskip("lighteval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")

from lighteval.models.model_output import ModelResponse  # noqa: E402
from lighteval.utils.utils import remove_reasoning_tags  # noqa: E402

import evalmetrics as em  # noqa: E402
from _diff import ATOMS, SEPS, _call, _same  # noqa: E402
from evalmetrics.integrations.lighteval import sample_inputs  # noqa: E402
from evalmetrics.integrations.lighteval_tasks import _resolve, read_lighteval_task  # noqa: E402
from evalmetrics.registry import resolve_alias  # noqa: E402

N = min(int(os.environ.get("EVALMETRICS_CONFORMANCE_EXAMPLES", "5000")), 300)

WORDS = ATOMS + ["A", "B", "C", "D", " A", " B", "\\boxed{5}", "\\boxed{\\frac{1}{2}}", "\\boxed{0.5}", "5",
                 "\\boxed{x^2}", "\\boxed{\\text{(A)}}", "\\boxed{\\sqrt}", "\\boxed{3 \\text{ cm}}"]


def phrase(rng, k=4):
    return "".join(rng.choice(WORDS) + rng.choice(SEPS) for _ in range(rng.randint(0, k))).rstrip(" ")


def near(rng, gold):
    """An output near ``gold``: itself, changed a little, wrapped in a sentence or reasoning tags, or unrelated."""
    k = rng.randint(0, 7)
    if k == 0:
        return gold
    if k == 1:
        return rng.choice([" ", "\n", "", "  "]) + gold + rng.choice([" ", "\n", "", "."])
    if k == 2:
        return gold.lower() if rng.random() < 0.5 else gold.upper()
    if k == 3:
        return f"<think>{phrase(rng)}</think>" + rng.choice(["", " ", "\n"]) + gold
    if k == 4:
        return phrase(rng) + " " + gold
    if k == 5:
        return "<think>" + gold  # an unclosed reasoning tag
    if k == 6:
        return ""
    return phrase(rng)


def row(task, rng):
    """A dataset row in the shape the task's prompt function reads."""
    texts = [phrase(rng, 3) or "x" for _ in range(4)]
    if task == "hellaswag":
        return {"activity_label": "a", "ctx_a": "b", "ctx_b": "c", "endings": texts, "label": str(rng.randrange(4))}
    if task.startswith("mmlu"):
        return {"subject": "anatomy", "question": "q", "choices": texts, "answer": rng.randrange(4)}
    if task.startswith("arc"):
        return {"question": "q", "choices": {"text": texts, "label": list("ABCD")}, "answerKey": rng.choice("ABCD")}
    if task == "triviaqa":
        return {"question": "q", "answer": {"aliases": [t for t in texts[: rng.randint(1, 4)]]}}
    if task == "truthfulqa:gen":
        return {"question": "q", "correct_answers": [t + "." for t in texts[:2]], "incorrect_answers": texts[2:],
                "mc1_targets": {"choices": texts}}
    if task.startswith("math:"):
        return {"problem": "p", "solution": phrase(rng, 3) + " " + rng.choice(WORDS[-9:])}
    if task == "aimo_progress_prize_1":
        return {"problem": "p", "answer": rng.choice(["5", "0.5", "\\frac{1}{2}", "12", "x"])}
    if task == "gsm8k":
        return {"question": "q", "answer": phrase(rng, 3) + " #### " + rng.choice(["5", "12", "42", "1,234", "0.5"])}
    raise KeyError(task)


def responses(rng, doc, category, n_samples):
    """(response as lighteval's pipeline hands it to metrics, the same response as the model returned it)."""
    if category == "LOGPROBS":
        n = len(doc.choices)
        tokens = [[rng.randrange(100) for _ in range(rng.randint(1, 4))] for _ in range(n)]
        r = ModelResponse(logprobs=[-rng.choice([0.5, 1.0, 2.0, 3.5]) * len(t) for t in tokens],
                          output_tokens=tokens, argmax_logits_eq_gold=[rng.random() < 0.3 for _ in range(n)])
        return r, r
    golds = doc.get_golds()
    texts = [near(rng, rng.choice(golds)) for _ in range(n_samples)]
    think = [remove_reasoning_tags(t, [("<think>", "</think>")]) for t in texts]
    return ModelResponse(text=texts, text_post_processed=think), ModelResponse(text=texts)


def check_task(name, n=N, seed=0):
    """Every mapped metric of the task: lighteval's value == evalmetrics' value. Returns {metric: inputs}."""
    reading = read_lighteval_task(name)
    (cfg,), *_ = _resolve(name)
    counted = {}
    for r in reading.readings:
        if not r.reproduced or r.computation.startswith("Inspect AI scorer"):  # tests/conformance/test_inspect.py
            continue
        (lmetric,) = [m for m in cfg.metrics
                      if r.metric in (m.metric_name if isinstance(m.metric_name, list) else [m.metric_name])]
        ours = em.get(r.id)
        rng = random.Random(f"{name}/{r.metric}/{seed}")
        mismatches, values = [], set()
        for _ in range(n):
            doc = cfg.prompt_function(row(name, rng), cfg.name)
            piped, raw = responses(rng, doc, lmetric.category.name, getattr(ours, "n", None) or 1)
            theirs = _call(lambda _: lmetric.compute_sample(doc=doc, model_response=piped)[r.metric], None)
            mine = _call(lambda _: ours.score(*sample_inputs(ours, doc, raw)), None)
            values.add(theirs)
            if not _same(mine, theirs):
                mismatches.append((doc.get_golds() if lmetric.category.name != "LOGPROBS" else doc.gold_index,
                                   raw.text or raw.logprobs, mine, theirs))
        assert not mismatches, (name, r.metric, r.id, mismatches[:3])
        assert len(values) > 1, (name, r.metric, values)  # the inputs reach both outcomes
        counted[r.metric] = n
    return counted


@pytest.mark.parametrize("task, mapped", [
    ("hellaswag", {"em": "lighteval:exact_match"}),
    ("mmlu:anatomy", {"em": "lighteval:exact_match"}),
    ("triviaqa", {"em": "lighteval:exact_match"}),
    ("truthfulqa:gen", {"em": "lighteval:exact_match"}),
    ("arc:easy", {"acc": "lighteval:loglikelihood_acc"}),
    ("arc:challenge", {"acc": "lighteval:loglikelihood_acc"}),
    ("math:algebra", {"maj@n:n=4&strip_strings=True&normalize_pred=": None}),
    ("aimo_progress_prize_1", {"em:normalize_gold=": None}),
    ("gsm8k", {"extractive_match": "lighteval:expr_gold_metric"}),
])
def test_reader_ids_score_like_lighteval_metric_objects(task, mapped):
    reading = read_lighteval_task(task)
    for prefix, alias in mapped.items():
        (r,) = [x for x in reading.readings if x.metric.startswith(prefix)]
        assert r.reproduced, r.lines()
        if alias is not None:
            assert r.alias == alias and r.id == em.get(alias).id
    counted = check_task(task)
    assert set(counted) == {r.metric for r in reading.readings
                            if r.reproduced and not r.computation.startswith("Inspect AI scorer")} and counted


def test_math_tasks_read_what_lighteval_really_runs():
    """math:* sets normalize_pred/normalize_gold on MajAtN, which never reads them: the ID has no math step."""
    r = read_lighteval_task("math:algebra").readings[0]
    assert "math" not in r.id and "never read" in " ".join(r.notes)
    aimo = read_lighteval_task("aimo_progress_prize_1").readings[0]
    assert "hendrycks_math_normalize" in aimo.id


@pytest.mark.parametrize("task, metric, why", [
    ("mmlu_pro", "extractive_match", "len(Doc.choices)"),  # read since: math_500 pass@k (extractive match)
    ("bigbench:social_support", "f1", "GenerativePreparator"),
    ("truthfulqa:mc", "truthfulqa_mc1", "TruthfulqaMCMetrics"),
    ("truthfulqa:mc", "truthfulqa_mc2", "TruthfulqaMCMetrics"),
])
def test_reader_says_no_equivalent(task, metric, why):
    r = read_lighteval_task(task).get(metric)
    assert not r.reproduced and r.id is None and why in r.reason and r.alias is None


def test_superset_and_specs():
    g = read_lighteval_task("mmlu")
    assert len(g.members) == 57 and {r.alias for t in g.tasks() for r in t.readings} == {"lighteval:exact_match"}
    assert "57 tasks" in str(g)
    assert read_lighteval_task("lighteval|arc:easy|5").get("acc").alias == "lighteval:loglikelihood_acc"
    # task@param=value sets a parametrizable metric's parameter, as lighteval's registry does
    r = read_lighteval_task("math:algebra@n=8").readings[0]
    assert "majority_vote(n=8" in r.id
    from evalmetrics.errors import UnknownTask

    with pytest.raises(UnknownTask, match="unknown task 'no_such_task_xyz' in lighteval 0.13.0's task registry"):
        read_lighteval_task("no_such_task_xyz")
    with pytest.raises(UnknownTask, match="did you mean 'gsm8k'") as e:  # issue 14 item 8: close names
        read_lighteval_task("gsm8")
    assert isinstance(e.value, em.UnknownMetric)


def test_config_object_and_custom_file(tmp_path):
    from lighteval.metrics.metrics import Metrics
    from lighteval.metrics.normalizations import helm_normalizer
    from lighteval.tasks.lighteval_task import LightevalTaskConfig

    cfg = LightevalTaskConfig(name="mine", prompt_function=lambda line, task_name=None: None, hf_repo="x",
                              hf_subset="default", metrics=[Metrics.f1_score, Metrics.exact_match(
                                  sample_params={"normalize_gold": helm_normalizer, "normalize_pred": helm_normalizer,
                                                 "type_exact_match": "prefix"}), Metrics.bleu, Metrics.bert_score])
    r = read_lighteval_task(cfg)
    assert r.get("f1").alias == "lighteval:f1_score"
    qem = [x for x in r.readings if x.metric.startswith("em:")][0]
    assert qem.id == em.get("lighteval:exact_match", normalize_gold="helm_normalizer",
                            normalize_pred="helm_normalizer", type_exact_match="prefix").id
    # a metric configured as a Metrics member is that member's alias, where evalmetrics ships one
    bleu = r.get("bleu")
    if resolve_alias("lighteval:bleu") is None:
        assert not bleu.reproduced and "corpus-level" in bleu.reason
    else:
        assert bleu.alias == "lighteval:bleu" and bleu.id == em.get("lighteval:bleu").id
    for name in ("BERTScore-P", "BERTScore-R", "BERTScore-F"):
        assert not r.get(name).reproduced and "BertScore" in r.get(name).reason
    f = tmp_path / "my_tasks.py"
    f.write_text(
        "from lighteval.metrics.metrics import Metrics\n"
        "from lighteval.tasks.lighteval_task import LightevalTaskConfig\n"
        "def p(line, task_name=None):\n    return None\n"
        "TASKS_TABLE = [LightevalTaskConfig(name='t1', prompt_function=p, hf_repo='x', hf_subset='d', "
        "metrics=[Metrics.loglikelihood_acc, Metrics.mrr]), LightevalTaskConfig(name='t2', prompt_function=p, "
        "hf_repo='x', hf_subset='d', metrics=[Metrics.maj_at_n(sample_params={'n': 3})])]\n")
    g = read_lighteval_task(str(f))
    assert [t.task for t in g.tasks()] == ["t1", "t2"]
    assert [x.alias for x in g.tasks()[0].readings] == ["lighteval:loglikelihood_acc", "lighteval:mrr"]
    assert g.tasks()[1].readings[0].id == em.get("lighteval:maj_at_n", n=3).id


def test_docs_example_and_cli(capsys):
    """docs/integrations.md's "# run: lighteval-tasks" block prints what its comments say; the CLI prints the text."""
    import re

    from evalmetrics import cli
    from evalmetrics.integrations.lighteval_tasks import explain_lighteval_task

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    doc = os.path.join(root, "docs", "integrations.md")
    blocks = [c for c in re.findall(r"```python\n(.*?)```", open(doc, encoding="utf-8").read(), re.S)
              if c.startswith("# run: lighteval-tasks")]
    assert len(blocks) == 1
    exec(compile(blocks[0], doc, "exec"), {})
    out = capsys.readouterr().out.splitlines()
    text = explain_lighteval_task("hellaswag")
    assert out[:3] == ["lighteval:loglikelihood_acc", "True", "57"]
    assert "\n".join(out[3:]) == text and "= lighteval:exact_match" in text
    assert cli.main(["explain", "--lighteval-task", "hellaswag"]) == 0
    assert capsys.readouterr().out.strip() == text.strip()
    assert cli.main(["explain", "--lighteval-task", "arc:easy", "--json"]) == 0
    import json

    row, *inspect_rows = json.loads(capsys.readouterr().out)
    assert row["alias"] == "lighteval:loglikelihood_acc" and row["reproduced"] is True
    # lighteval also runs arc through Inspect AI (scorer=choice()): that row reads as inspect:choice
    assert [(r["metric"], r["alias"]) for r in inspect_rows] == [("choice/accuracy", "inspect:choice")]


def test_to_lighteval_metrics_read_back_as_their_canonical_ids(tmp_path, capsys):
    """Issue 14 item 1: the docs' custom task file (metrics made by to_lighteval) reads back, metric by metric, as the
    canonical ID each was made from; `evalmetrics explain --lighteval-task FILE` says so (it said "no evalmetrics
    equivalent: EvalMetricsComputation" for every metric)."""
    import re

    from evalmetrics import cli
    from evalmetrics.integrations import metric_name

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    text = open(os.path.join(root, "docs", "integrations.md"), encoding="utf-8").read()
    (code,) = [c for c in re.findall(r"```python\n(.*?)```", text, re.S)
               if c.startswith("# file: my_tasks/lighteval_tasks.py")]
    made = re.findall(r'to_lighteval\("([^"]+)"(?:, name="([^"]+)")?\)', code)
    assert len(made) >= 7
    f = tmp_path / "lighteval_tasks.py"
    f.write_text(code, encoding="utf-8")
    g = read_lighteval_task(str(f))
    readings = {r.metric: r for t in g.tasks() for r in t.readings}
    for key, name in made:
        r = readings[name or metric_name(key)]
        assert r.reproduced and r.id == em.get(key).id, (key, r.lines())
        if resolve_alias(key) is not None:
            assert key in r.same_as, (key, r.same_as)
        assert "summed left to right" in r.corpus
    # a metric with lighteval's <think> step, and one without: each says what the Pipeline hands it
    assert "leaves the leading <think> removal" in " ".join(readings["em"].notes)
    assert "final_text" in " ".join(readings["f1"].notes) or "leaves" in " ".join(readings["f1"].notes)
    assert cli.main(["explain", "--lighteval-task", str(f)]) == 0
    out = capsys.readouterr().out
    assert "no evalmetrics equivalent" not in out and "EvalMetricsComputation" not in out
    assert len(re.findall(r"(?m)^\s+id: ", out)) == len(made)
