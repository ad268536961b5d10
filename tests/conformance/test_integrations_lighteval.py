"""``to_lighteval(metric)`` inside lighteval 0.13.0: its ``apply_metric`` path and its ``Pipeline``.

* ``apply_metric`` on Docs and ModelResponses (texts, several samples, choice log-probabilities with greedy flags,
  padded token lists and unconditioned halves): the converted metrics give evalmetrics' per-sample values, the corpus
  aggregation gives ``metric.compute(...).score``, and converted lighteval aliases equal lighteval's own ``Metrics``
  members sample by sample.
* ``Pipeline`` on the docs' custom task file over local data: a generative task with a scripted model and a
  multiple-choice task with lighteval's own transformers backend on a tiny random GPT-2 saved locally. Two offline
  shims, neither touching scoring (see docs/integrations.md, "Known limits"): the task registry loads only the custom
  task file (lighteval's built-in ``tiny_benchmarks`` downloads a file at import) and the details logger's xxhash calls
  get bytes (lighteval passes ``str``, which xxhash 4 rejects).

Run in the harness environment:  bash tests/conformance/run.sh tests/conformance/test_integrations_lighteval.py
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import shutil
import types

import pytest

pytest.importorskip("lighteval", reason="needs the harness environment (tests/conformance/setup_envs.sh)")
pytest.importorskip("torch")

from lighteval.metrics import apply_metric  # noqa: E402
from lighteval.metrics.metrics import Metrics  # noqa: E402
from lighteval.metrics.normalizations import LogProbCharNorm, LogProbPMINorm, LogProbTokenNorm  # noqa: E402
from lighteval.models.model_output import ModelResponse  # noqa: E402
from lighteval.tasks.requests import Doc, SamplingMethod  # noqa: E402

import evalmetrics as em  # noqa: E402
from evalmetrics.integrations import metric_name  # noqa: E402
from evalmetrics.integrations.lighteval import sample_inputs, to_lighteval  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "integrations.md")
DATA = os.path.join(ROOT, "tests", "data", "lm_eval_tasks")
CONTAINS = "exact_match(mode=prediction_contains_reference, normalize=[lowercase(method=python)], combine=max)"


def doc_blocks():
    text = open(DOC, encoding="utf-8").read()
    return [(lang, code.split("\n", 1)[0].strip(), code) for lang, code in re.findall(r"```(\w*)\n(.*?)```", text, re.S)]


def jsonl(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def corpus(lmetric, values):
    (agg,) = lmetric.get_corpus_aggregations().values()
    return agg(values)


def check(pairs, docs, responses):
    """pairs: [(evalmetrics metric, lighteval built-in Metric or None)]. Returns the number of values compared."""
    converted = [to_lighteval(m, name=f"m{i}") for i, (m, _) in enumerate(pairs)]
    builtins = [b for _, b in pairs if b is not None]
    outs = apply_metric(responses, docs, converted + builtins)
    n = 0
    for i, (m, builtin) in enumerate(pairs):
        lm = converted[i]
        assert lm.higher_is_better is type(m).higher_is_better
        assert lm.category == (SamplingMethod.LOGPROBS if m.request_type == "multiple_choice" else SamplingMethod.GENERATIVE)
        values = [o[f"m{i}"] for o in outs]
        args = [sample_inputs(m, d, r) for d, r in zip(docs, responses)]
        assert values == [m.score(*a) for a in args], m.id
        result = m.compute(*zip(*args)) if len(args[0]) > 1 else m.compute([a[0] for a in args])
        assert corpus(lm, values) == result.score, m.id
        if builtin is not None:
            assert values == [o[builtin.metric_name] for o in outs], (m.id, builtin.metric_name)
        n += len(values)
    return n


# ---------------------------------------------------------------------------------------------- apply_metric


def test_text_metrics_through_apply_metric():
    rows = jsonl("qa.jsonl")
    docs = [Doc(query=r["question"], choices=r["aliases"], gold_index=list(range(len(r["aliases"])))) for r in rows]
    responses = [ModelResponse(text=[r["output"]]) for r in rows]
    # reasoning spans: lighteval's pipeline removes them into text_post_processed, which final_text prefers
    docs.append(Doc(query="q", choices=["4"], gold_index=0))
    responses.append(ModelResponse(text=["<think>3?</think>4"], text_post_processed=["4"]))
    pairs = [
        (em.get("lighteval:exact_match"), Metrics.exact_match.value),
        (em.get("lighteval:f1_score"), Metrics.f1_score.value),
        (em.get("squad:f1"), None),
        (em.get("helm:quasi_exact_match"), None),
        (em.get(CONTAINS), None),
    ]
    assert check(pairs, docs, responses) == 5 * 15
    values = [o["f1"] for o in apply_metric(responses, docs, [to_lighteval("squad:f1", name="f1")])]
    assert 0 < sum(values) < len(values)


def test_sampling_metrics_through_apply_metric():
    rows = jsonl("qa.jsonl")
    rng = random.Random(3)
    docs, responses = [], []
    for r in rows:
        texts = [r["output"], r["answer"], f" {r['answer']} ", r["output"].upper(), "no idea"]
        rng.shuffle(texts)
        docs.append(Doc(query=r["question"], choices=[r["answer"]], gold_index=0))
        responses.append(ModelResponse(text=texts))
    pairs = [
        (em.get("lighteval:maj_at_n", n=3), Metrics.maj_at_n(sample_params={"n": 3})),
        (em.get("lighteval:pass_at_k", k=1, n=5), Metrics.pass_at_k(sample_params={"k": 1, "n": 5})),
        (em.get("lighteval:avg_at_n", n=4), Metrics.avg_at_n(sample_params={"n": 4})),
        (em.MajorityVote(n=5, metric=em.get("squad:f1")), None),
    ]
    assert check(pairs, docs, responses) == 4 * 14


def choice_set(seed, *, pmi=False, padded=False):
    rng = random.Random(seed)
    docs, responses = [], []
    for r in jsonl("mc.jsonl"):
        n = len(r["choices"])
        tokens = [[rng.randrange(300) for _ in range(1 + len(c) // 4)] for c in r["choices"]]
        # summed log-probabilities grow with length, so the normalizations pick different choices
        lls = [-len(t) * rng.uniform(1.0, 3.0) for t in tokens]
        if pmi:
            lls += [-rng.uniform(0.5, 30.0) for _ in range(n)]
        if padded:  # the transformers backend: one -1-padded row per choice, all of the longest length
            width = max(map(len, tokens))
            tokens = [t + [-1] * (width - len(t)) for t in tokens]
        docs.append(Doc(query=r["question"], choices=[" " + c for c in r["choices"]], gold_index=r["gold"]))
        responses.append(ModelResponse(logprobs=lls, argmax_logits_eq_gold=[rng.random() < 0.3 for _ in range(n)],
                                       output_tokens=tokens))
    return docs, responses


def _acc(norm):
    return Metrics.loglikelihood_acc(sample_params={"logprob_normalization": norm})


def test_choice_metrics_through_apply_metric():
    docs, responses = choice_set(1)
    pairs = [
        (em.get("lighteval:loglikelihood_acc"), Metrics.loglikelihood_acc.value),
        (em.get("lighteval:acc_norm"), _acc(LogProbCharNorm())),
        (em.get("lighteval:loglikelihood_acc_norm_nospace"), _acc(LogProbCharNorm(ignore_first_space=True))),
        (em.get("lighteval:acc_norm_token"), _acc(LogProbTokenNorm())),
        (em.get("lighteval:mrr"), Metrics.mrr.value),
        (em.get("lighteval:recall_at_k"), Metrics.recall_at_k.value),
        (em.get("lm_eval:multiple_choice/exact_match"), None),
        (em.get("lm_eval:acc_norm"), None),
    ]
    assert check(pairs, docs, responses) == 8 * 12
    docs, responses = choice_set(2, pmi=True)  # the second half of logprobs is unconditioned, as lighteval reads it
    assert check([(em.get("lighteval:acc_norm_pmi"), _acc(LogProbPMINorm()))], docs, responses) == 12


def test_padded_token_lists_count_real_tokens():
    docs, responses = choice_set(4, padded=True)
    ours = to_lighteval("lighteval:acc_norm_token", name="ours")
    theirs = _acc(LogProbTokenNorm())
    outs = apply_metric(responses, docs, [ours, theirs])
    m = em.get("lighteval:acc_norm_token")
    differ = 0
    for d, r, o in zip(docs, responses, outs):
        real = [sum(t >= 0 for t in row) for row in r.output_tokens]
        assert o["ours"] == m.score(em.Choices(logprobs=r.logprobs, gold=d.gold_index, texts=d.choices,
                                                token_counts=real))
        # lighteval's own token norm divides every choice by the padded width (issue #1170): plain argmax.
        plain = 1.0 if max(range(len(r.logprobs)), key=lambda i: (r.logprobs[i], -i)) == d.gold_index else 0.0
        assert o[theirs.metric_name] == plain
        differ += o["ours"] != plain
    assert differ >= 1


def test_docs_apply_metric_block():
    (code,) = [c for _, t, c in doc_blocks() if t == "# run: lighteval"]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, DOC, "exec"), {})
    assert buf.getvalue().strip() == "[{'f1': 0.5}]"


def test_default_name_is_the_digest():
    assert to_lighteval("squad:f1").metric_name == metric_name("squad:f1") == "em_de7f09accb"
    assert str(to_lighteval("squad:f1").sample_level_fn) == f"evalmetrics({em.get('squad:f1').id})"


# ---------------------------------------------------------------------------------------------- the Pipeline


@pytest.fixture
def offline_lighteval(monkeypatch):
    import xxhash
    from lighteval.logging import info_loggers
    from lighteval.tasks.registry import Registry

    def custom_only(custom_tasks=None, load_multilingual=False):
        return Registry._extract_configs(Registry.create_custom_tasks_module(custom_tasks))

    def xxh64(data=b"", *a, **k):
        return xxhash.xxh64(data.encode("utf-8") if isinstance(data, str) else data, *a, **k)

    monkeypatch.setattr(Registry, "load_all_task_configs", staticmethod(custom_only))
    monkeypatch.setattr(info_loggers, "xxhash", types.SimpleNamespace(xxh64=xxh64))


@pytest.fixture
def task_folder(tmp_path, monkeypatch):
    (code,) = [c for _, t, c in doc_blocks() if t == "# file: my_tasks/lighteval_tasks.py"]
    (tmp_path / "my_tasks").mkdir()
    (tmp_path / "my_tasks" / "lighteval_tasks.py").write_text(code, encoding="utf-8")
    for name, folder in (("qa.jsonl", "lighteval_qa"), ("mc.jsonl", "lighteval_mc")):
        (tmp_path / "my_tasks" / folder).mkdir()
        shutil.copy(os.path.join(DATA, name), tmp_path / "my_tasks" / folder / "test.jsonl")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _pipeline(tasks, tmp, **model):
    from lighteval.logging.evaluation_tracker import EvaluationTracker
    from lighteval.pipeline import ParallelismManager, Pipeline, PipelineParameters

    tracker = EvaluationTracker(output_dir=str(tmp / "out"), save_details=False)
    params = PipelineParameters(launcher_type=ParallelismManager.NONE,
                                custom_tasks_directory="my_tasks/lighteval_tasks.py")
    p = Pipeline(tasks=tasks, pipeline_parameters=params, evaluation_tracker=tracker, **model)
    p.evaluate()
    return p, tracker


def _check_pipeline(p, tracker, task):
    """Per sample (from the details) and per corpus (from the results), the pipeline's values are evalmetrics'."""
    cfg = p.tasks_dict[task].config
    results = p.get_results()["results"][task.replace("|", ":")]
    details = tracker.details_logger.details[task]
    n = 0
    for lm in cfg.metrics:
        m = lm.sample_level_fn.metric
        args = [sample_inputs(m, d.doc, d.model_response) for d in details]
        values = [d.metric[lm.metric_name] for d in details]
        assert values == [m.score(*a) for a in args], lm.metric_name
        assert tracker.metrics_logger.metrics_values[task][lm.metric_name] == values
        r = m.compute(*zip(*args)) if len(args[0]) > 1 else m.compute([a[0] for a in args])
        assert results[lm.metric_name] == r.score, lm.metric_name
        assert results[f"{lm.metric_name}_stderr"] == pytest.approx(r.stderr, rel=1e-9), lm.metric_name
        n += len(values)
    return n


def scripted_model(cache_folder, answer):
    """A lighteval model whose generation for a doc is ``answer(doc)`` (its sample cache under ``cache_folder``)."""
    from lighteval.models.abstract_model import LightevalModel, ModelConfig
    from lighteval.utils.cache_management import SampleCache

    class Scripted(LightevalModel):
        def __init__(self):
            self.config = ModelConfig(model_name="scripted", cache_dir=str(cache_folder / "cache"))
            self._cache = SampleCache(self.config)

        @property
        def tokenizer(self):  # pragma: no cover - not used by generation here
            raise NotImplementedError

        @property
        def add_special_tokens(self):
            return False

        @property
        def max_length(self):
            return 2048

        def greedy_until(self, docs):
            return [ModelResponse(text=[answer(d)]) for d in docs]

        def loglikelihood(self, docs):  # pragma: no cover
            raise NotImplementedError

        def loglikelihood_rolling(self, docs):  # pragma: no cover
            raise NotImplementedError

    return Scripted()


def scripted_qa_model(task_folder):
    """A lighteval model that answers each docs question with the output stored with it in qa.jsonl."""
    outputs = {r["question"]: r["output"] for r in jsonl("qa.jsonl")}
    return scripted_model(task_folder, lambda d: next(o for q, o in outputs.items() if q in d.query))


def test_pipeline_generative_task(offline_lighteval, task_folder):
    p, tracker = _pipeline("em_qa|0", task_folder, model=scripted_qa_model(task_folder))
    assert _check_pipeline(p, tracker, "em_qa|0") == 3 * 14
    res = p.get_results()["results"]["em_qa:0"]
    assert 0 < res["f1"] < 1 and 0 < res[metric_name(CONTAINS)] < 1


def test_pipeline_multiple_choice_on_lighteval_transformers_backend(offline_lighteval, task_folder):
    from lighteval.models.transformers.transformers_model import TransformersModelConfig

    from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2

    tok = bpe_tokenizer()
    model = random_gpt2(len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    model.save_pretrained(task_folder / "tiny")
    tok.save_pretrained(task_folder / "tiny")
    cfg = TransformersModelConfig(model_name=str(task_folder / "tiny"), batch_size=8, dtype="float32",
                                  cache_dir=str(task_folder / "cache"))
    p, tracker = _pipeline("em_mc|0", task_folder, model_config=cfg)
    assert _check_pipeline(p, tracker, "em_mc|0") == 4 * 12
    details = tracker.details_logger.details["em_mc|0"]
    assert any(-1 in row for d in details for row in d.model_response.output_tokens)  # padded by the backend


# ---------------------------------------------------------------------------------------------- issue 14 item 5

THINK_PAIRS = [("lighteval:exact_match", {}, Metrics.exact_match, None),
               ("lighteval:f1_score", {}, Metrics.f1_score, None),
               ("lighteval:maj_at_n", {"n": 3}, Metrics.maj_at_n, {"n": 3}),
               ("lighteval:pass_at_k", {"k": 1, "n": 3}, Metrics.pass_at_k, {"k": 1, "n": 3}),
               ("lighteval:avg_at_n", {"n": 3}, Metrics.avg_at_n, {"n": 3})]


def think_outputs(seed, n):
    """(outputs of 3 samples, gold) with reasoning spans in every shape: closed, several, unclosed, nested, empty."""
    rng = random.Random(seed)
    golds = ["4", "Paris", "the cat sat", "x = 2"]
    shapes = ["<think>hmm 5</think>{g}", "<think>{g}</think>5", "<think> a </think> {g} ", "{g}", "<think>{g}",
              "<think>a</think><think>b</think>{g}", "</think>{g}<think>", "<think><think>x</think>y</think>{g}",
              "<think></think>", "{g}<think>no</think>", "<think>1</think>{g}<think>2", ""]
    out = []
    for _ in range(n):
        g = rng.choice(golds)
        out.append(([rng.choice(shapes).format(g=rng.choice([g, g.upper(), " " + g])) for _ in range(3)], g))
    return out


def first(responses):
    """Each response with its first output only (what a single-output task's model returns)."""
    return [ModelResponse(text=r.text[:1], text_post_processed=None if r.text_post_processed is None
                          else r.text_post_processed[:1]) for r in responses]


def test_converted_aliases_give_lighteval_s_own_number_with_reasoning_spans():
    """`to_lighteval(alias)` equals lighteval's own metric sample by sample, under apply_metric on raw responses
    (nothing removes <think> spans; the issue's "<think>hmm 5</think>4" vs "4" gave 1 vs 0) and on responses
    post-processed as lighteval's Pipeline does (remove_reasoning_tags into text_post_processed), where it also
    equals the alias's full canonical ID on the raw output."""
    from lighteval.utils.utils import remove_reasoning_tags

    data = think_outputs(0, 400)
    docs = [Doc(query="q", choices=[g], gold_index=0) for _, g in data]
    raw = [ModelResponse(text=list(texts)) for texts, _ in data]
    piped = [ModelResponse(text=list(texts), text_post_processed=[remove_reasoning_tags(t, [("<think>", "</think>")])
                                                                   for t in texts]) for texts, _ in data]
    assert raw[0].text != piped[0].final_text or any(r.text != p.final_text for r, p in zip(raw, piped))
    issue = apply_metric([ModelResponse(text=["<think>hmm 5</think>4"])], [Doc(query="q", choices=["4"], gold_index=0)],
                         [to_lighteval("lighteval:exact_match", name="ours"), Metrics.exact_match.value])[0]
    assert issue["ours"] == issue["em"] == 0
    compared = 0
    for key, params, member, sample_params in THINK_PAIRS:
        theirs = member(sample_params=sample_params) if sample_params else member.value
        ours = to_lighteval(em.get(key, **params), name="ours")
        full = em.get(key, **params)
        one = "n" not in params  # a single-output metric: also on one text per response
        for responses in ((raw, piped, first(raw), first(piped)) if one else (raw, piped)):
            outs = apply_metric(responses, docs, [ours, theirs])
            mine = [o["ours"] for o in outs]
            assert mine == [o[theirs.metric_name] for o in outs], key
            assert len(set(mine)) > 1, key
            compared += len(mine)
        if key != "lighteval:avg_at_n":  # avg_at_n reads the raw samples in the Pipeline too (no <think> step)
            values = [o["ours"] for o in apply_metric(first(piped) if one else piped, docs, [ours])]
            assert values == [full.score(*sample_inputs(full, d, r))
                              for d, r in zip(docs, first(raw) if one else raw)], key
    assert compared == (2 * 5 + 2 * 2) * 400


def test_converted_exact_match_equals_lighteval_s_through_the_pipeline(offline_lighteval, tmp_path, monkeypatch):
    """The same through lighteval's Pipeline (which removes reasoning spans first): a custom task reporting
    lighteval's own Metrics.exact_match / f1_score beside to_lighteval of their aliases, on outputs with spans."""
    data = [(texts[0], g) for texts, g in think_outputs(1, 60)]
    (tmp_path / "my_tasks" / "think").mkdir(parents=True)
    with open(tmp_path / "my_tasks" / "think" / "test.jsonl", "w", encoding="utf-8") as f:
        for i, (_, g) in enumerate(data):
            f.write(json.dumps({"question": f"question {i}?", "answer": g}) + "\n")
    (tmp_path / "my_tasks" / "lighteval_tasks.py").write_text(
        "from lighteval.metrics.metrics import Metrics\n"
        "from lighteval.tasks.lighteval_task import LightevalTaskConfig\n"
        "from lighteval.tasks.requests import Doc\n"
        "from evalmetrics.integrations.lighteval import to_lighteval\n\n"
        "def prompt(line, task_name=None):\n"
        "    return Doc(task_name=task_name, query=line['question'], choices=[line['answer']], gold_index=0)\n\n"
        "TASKS_TABLE = [LightevalTaskConfig(name='think', prompt_function=prompt, hf_repo='my_tasks/think', "
        "hf_subset='default', hf_avail_splits=['test'], evaluation_splits=['test'], generation_size=16, "
        "stop_sequence=['\\n'], metrics=[Metrics.exact_match, Metrics.f1_score, "
        "to_lighteval('lighteval:exact_match', name='ours_em'), "
        "to_lighteval('lighteval:f1_score', name='ours_f1')])]\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    outputs = {f"question {i}?": out for i, (out, _) in enumerate(data)}

    p, tracker = _pipeline("think|0", tmp_path, model=scripted_model(tmp_path, lambda d: outputs[d.query]))
    details = tracker.details_logger.details["think|0"]
    assert len(details) == len(data)
    assert any(d.model_response.text != d.model_response.final_text for d in details)  # spans were removed
    for ours, theirs in (("ours_em", "em"), ("ours_f1", "f1")):
        values = [d.metric[ours] for d in details]
        assert values == [d.metric[theirs] for d in details], ours
        assert len(set(values)) > 1
    full = em.get("lighteval:exact_match")
    assert [d.metric["ours_em"] for d in details] == [full.score(d.model_response.text[0], d.doc.get_golds())
                                                      for d in details]
    res = p.get_results()["results"]["think:0"]
    assert res["ours_em"] == pytest.approx(res["em"], abs=1e-12)
    assert res["ours_f1"] == pytest.approx(res["f1"], abs=1e-12)
