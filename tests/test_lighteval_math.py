"""LightevalExtractiveMatch and the lighteval:* math/letter aliases: IDs, validation, errors, and how worker outcomes
become scores. lighteval itself is not installed here (it lives in the conformance 'harness' environment, where
tests/conformance/test_lighteval_math_aliases.py checks every alias against it); the worker is replaced by a stub
where a test needs outcomes, and the parts that need lighteval skip with the reason."""
from __future__ import annotations

import ast
import importlib.util
import os
import pickle

import pytest

import evalmetrics as em
from evalmetrics.isolated import Outcome
from evalmetrics.metrics import lighteval_math as LM
from evalmetrics.registry import aliases

HAS_LIGHTEVAL = importlib.util.find_spec("lighteval") is not None
NAMES = sorted(a.name for a in aliases().values() if a.harness == "lighteval" and a.build.__module__.endswith(
    "presets.lighteval_math"))


def test_every_named_metric_is_an_alias():
    expected = {"expr_gold_metric", "avg_at_n_math", "pass_at_k_math", "pass_at_k_letters", "gpqa_instruct_metric",
                "gpqa_instruct_pass_at_k", "g_pass_at_k_math/math_g-pass@k_t", "g_pass_at_k_math/mmath_g-pass@k",
                "g_pass_at_k_latex/latex_g-pass@k_t", "g_pass_at_k_latex/mlatex_g-pass@k"}
    assert set(NAMES) == expected


@pytest.mark.parametrize("name", NAMES)
def test_alias_round_trips_and_pickles(name):
    m = aliases()[f"lighteval@0.13:{name}"].make_example()
    assert em.get(m.id) == m and em.get(m.id).id == m.id
    assert pickle.loads(pickle.dumps(m)) == m
    assert 'version="0.13.0"' in m.id and "timeout_seconds=5" in m.id


def test_alias_configuration_reaches_the_id():
    a = em.get("lighteval:gpqa_instruct_metric")
    assert a.n_choices == 4 and a.gold_targets == ("indices(prefix=native_letters, anchorless=true)",)
    assert em.get("lighteval:gpqa_instruct_metric", n_choices=10).n_choices == 10
    p = em.get("lighteval:pass_at_k_math", k=2, n=8)
    assert (p.k, p.n) == (2, 8) and p.metric.precision == 6 and p.references == "exactly_one"
    assert p.metric.pred_targets == (LM.render_target(*LM.parse_target("latex")), "expr(anchorless=true)")
    e = em.get("lighteval:expr_gold_metric")
    assert e.precision == 5 and e.pred_targets[0].startswith("latex(anchorless=true, boxed_priority=0")
    # lighteval's AvgAtN feeds raw samples (no reasoning removal); its PassAtK strips gold and samples
    assert em.get("lighteval:avg_at_n_math", n=4).metric.pred == ()
    assert len(p.metric.ref) == 1 and p.metric.pred[0] == em.RemoveSpans()
    g = em.get("lighteval:g_pass_at_k_latex/latex_g-pass@k_t", k=4, threshold=0.5)
    assert g.metric.gold_targets == ("latex(anchorless=true, boxed_priority=55, normalization=default)",)


@pytest.mark.parametrize("name,cfg,needs", [("pass_at_k_math", {}, "k"), ("avg_at_n_math", {}, "n"),
                                             ("g_pass_at_k_math/mmath_g-pass@k", {}, "k"),
                                             ("gpqa_instruct_metric", {"n_choices": 0}, "n_choices"),
                                             ("pass_at_k_letters", {"k": 1, "n_choices": True}, "n_choices")])
def test_alias_rejects_missing_or_bad_parameters(name, cfg, needs):
    with pytest.raises(em.InvalidConfig, match=needs):
        em.get(f"lighteval:{name}", **cfg)


def test_targets_are_canonical():
    a = em.LightevalExtractiveMatch(pred_targets=["expr", "latex(boxed_priority=-7)"])
    b = em.LightevalExtractiveMatch(
        pred_targets=["latex(normalization=default, boxed_priority=-1, anchorless=true)", "expr(anchorless=true)"])
    assert a == b and a.id == b.id and hash(a) == hash(b)
    assert a.pred_targets == ("latex(anchorless=true, boxed_priority=-1, normalization=default)", "expr(anchorless=true)")
    c = em.LightevalExtractiveMatch(pred_targets=["expr", "latex(boxed_priority=0)"])
    assert c != a and c.id != a.id
    assert em.get(a.id) == a


@pytest.mark.parametrize("kwargs,match", [
    ({"gold_targets": []}, "at least one"),
    ({"gold_targets": ["sympy"]}, "unknown target kind"),
    ({"gold_targets": ["expr(boxed_priority=1)"]}, "no argument"),
    ({"gold_targets": ["expr(anchorless=1)"]}, "true or false"),
    ({"gold_targets": ["latex(boxed_priority=true)"]}, "integer"),
    ({"gold_targets": ["latex(normalization=basic)"]}, "default"),
    ({"gold_targets": ["indices"], "n_choices": 4}, "prefix="),
    ({"gold_targets": ["indices(prefix=greek)"], "n_choices": 4}, "letters"),
    ({"gold_targets": ["expr", "expr(anchorless=true)"]}, "twice"),
    ({"gold_targets": ["expr("]}, "does not parse"),
    ({"gold_targets": ["indices(prefix=letters)"]}, "n_choices"),
    ({"n_choices": 4}, "indices targets only"),
    ({"version": "0.10.0"}, "version"),
    ({"language": "English"}, "language"),
    ({"deadline_s": 0}, "deadline_s"),
    ({"fallback_mode": "last_match"}, "fallback_mode"),
])
def test_invalid_configurations_name_the_field(kwargs, match):
    with pytest.raises(em.InvalidConfig, match=match):
        em.LightevalExtractiveMatch(**kwargs)


@pytest.mark.skipif(HAS_LIGHTEVAL, reason="lighteval is installed here; this checks the message when it is not")
def test_missing_lighteval_names_the_pip_command():
    LM._installed.clear()
    m = em.get("lighteval:expr_gold_metric")
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[lighteval\]'.*lighteval\[math\]==0\.13\.0"):
        m.score("42", "42")
    with pytest.raises(em.InvalidConfig, match="not installed"):
        em.get("lighteval:pass_at_k_math", k=1).compute([["42"]], ["42"])


def _versions(table):
    from importlib import metadata

    def version(name):
        if table.get(name) is None:
            raise metadata.PackageNotFoundError(name)
        return table[name]

    return version


@pytest.mark.parametrize("installed,match", [
    ({"lighteval": "0.12.1", "latex2sympy2_extended": "1.0.6"}, r"lighteval 0\.12\.1 is installed.*0\.13\.0|0\.13\.0.*0\.12\.1"),
    ({"lighteval": "0.13.0", "latex2sympy2_extended": "1.11.0"}, r"1\.0\.6.*1\.11\.0"),
    ({"lighteval": "0.13.0"}, r"1\.0\.6.*none"),
])
def test_other_installed_versions_are_refused(monkeypatch, installed, match):
    from importlib import metadata

    LM._installed.clear()
    monkeypatch.setattr(metadata, "version", _versions(installed))
    with pytest.raises(em.InvalidConfig, match=match):
        em.get("lighteval:expr_gold_metric").score("42", "42")
    LM._installed.clear()


def test_letters_do_not_need_latex2sympy(monkeypatch):
    from importlib import metadata

    LM._installed.clear()
    monkeypatch.setattr(metadata, "version", _versions({"lighteval": "0.13.0"}))
    LM._check_installed("0.13.0", needs_latex=False)  # no error: the letter metrics never parse LaTeX
    LM._installed.clear()


class FakeWorker:
    """Stands in for run_isolated: records payloads and answers with a scripted Outcome."""

    def __init__(self, answer):
        self.answer = answer
        self.payloads = []

    def __call__(self, task, payloads, timeout_s, memory_mb):
        assert task == LM.WORKER_TASK and memory_mb == LM.MEMORY_MB
        self.payloads += payloads
        return [self.answer(p) if callable(self.answer) else self.answer for p in payloads]


@pytest.fixture
def worker(monkeypatch):
    import evalmetrics.isolated as iso

    monkeypatch.setattr(LM, "_check_installed", lambda version, needs_latex: None)
    LM._run_one.cache_clear()

    def install(answer):
        fake = FakeWorker(answer)
        monkeypatch.setattr(iso, "run_isolated", fake)
        return fake

    yield install
    LM._run_one.cache_clear()


def test_steps_run_before_lighteval_and_the_payload_carries_the_configuration(worker):
    fake = worker(lambda p: Outcome("ok", ("score", 1.0 if p["prediction"].strip() == "4" else 0.0)))
    m = em.get("lighteval:pass_at_k_math", k=1)
    assert m.score(["<think>3</think> 4 ", "5"], " 4") == 0.5
    first = fake.payloads[0]
    assert first["prediction"] == "4" and first["golds"] == ["4"] and first["n_choices"] is None
    assert first["config"] == ("0.13.0", "eng", m.metric.gold_targets, m.metric.pred_targets, 6, "first_match",
                               "any_match", 5)
    assert len(m.metric.gold_targets) == 2
    g = em.get("lighteval:gpqa_instruct_metric")
    worker(Outcome("ok", ("score", 1.0)))
    assert g.score("Answer: B", "B") == 1.0


def test_identical_samples_reach_the_worker_once(worker):
    fake = worker(Outcome("ok", ("score", 1.0)))
    m = em.get("lighteval:expr_gold_metric")
    r = m.compute(["42", "42", "<think></think>42", "43"], ["42", "42", "42", "42"])
    assert list(r.per_sample) == [1.0] * 4
    assert [p["prediction"] for p in fake.payloads] == ["42", "43"]


def test_timeouts_and_memory_errors_score_zero_and_are_counted_never_cached(worker):
    fake = worker(lambda p: Outcome("timeout", None, "no result") if p["prediction"] == "slow" else
                  Outcome("error", None, "MemoryError: out of memory") if p["prediction"] == "big" else
                  Outcome("ok", ("score", 1.0)))
    m = em.get("lighteval:expr_gold_metric")
    r = m.compute(["1", "slow", "big", "slow"], ["1"] * 4)
    assert list(r.per_sample) == [1.0, 0.0, 0.0, 0.0]
    assert r.n_timeouts == 3 and r.timeout_indices == (1, 2, 3)
    assert [p["prediction"] for p in fake.payloads].count("slow") == 2
    with pytest.raises(em.Timeout, match="deadline_s=60"):
        m.score("slow", "1")


def test_a_lighteval_exception_is_an_input_error_naming_the_sample(worker):
    worker(lambda p: Outcome("error", None, "ValueError: max() arg is an empty sequence") if p["prediction"] == "x"
           else Outcome("ok", ("score", 0.0)))
    with pytest.raises(em.InvalidInput) as e:
        em.get("lighteval:expr_gold_metric").compute(["1", "x"], ["1", "1"])
    assert e.value.index == 1 and e.value.field == "prediction" and "ValueError" in str(e.value)


def test_a_configuration_lighteval_rejects_is_invalid_config(worker):
    worker(Outcome("ok", ("config", "ValueError: 'xyz' is not a valid Language")))
    with pytest.raises(em.InvalidConfig, match="not a valid Language"):
        em.LightevalExtractiveMatch(language="xyz").score("1", "1")


def test_input_errors_before_the_worker(worker):
    fake = worker(Outcome("ok", ("score", 1.0)))
    m = em.get("lighteval:gpqa_instruct_metric")
    with pytest.raises(em.InvalidInput) as e:
        m.compute(["A", None], ["A", "B"])
    assert e.value.index == 1 and e.value.field == "prediction"
    with pytest.raises(em.InvalidInput, match="n_choices=4"):
        m.score("A", ["A", "B", "C", "D", "E"])
    with pytest.raises(em.InvalidInput, match="exactly one"):
        em.get("lighteval:pass_at_k_math", k=1).score(["1"], ["1", "2"])  # lighteval: "several golds"
    assert [p["prediction"] for p in fake.payloads] == ["A"]  # only the valid sample before the bad one


def test_the_worker_module_never_evaluates_text():
    """Static check of the worker source: no eval/exec/compile/sympify/parse_expr call of sympy's."""
    path = os.path.join(os.path.dirname(LM.__file__), "lighteval_math_worker.py")
    tree = ast.parse(open(path, encoding="utf-8").read())
    called = {getattr(n.func, "id", getattr(n.func, "attr", None)) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert not called & {"eval", "exec", "compile", "sympify", "parse_expr", "S"}, called
    assert "parse_expr_safe" in called


@pytest.mark.skipif(not HAS_LIGHTEVAL, reason="needs lighteval 0.13.0 (the conformance 'harness' environment); "
                                              "tests/conformance/test_lighteval_math_aliases.py runs it there")
def test_real_worker_scores_and_patches_lighteval():
    m = em.get("lighteval:expr_gold_metric")
    assert m.score("The final answer is $\\boxed{72}$", " so #### 72") == 1.0
    assert m.score("The answer is 1/2", "0.5") == 1.0 and m.score("71", "72") == 0.0
    r = em.get("lighteval:gpqa_instruct_metric").compute(["Answer: B", "Answer: C"], ["B", "B"])
    assert list(r.per_sample) == [1.0, 0.0] and r.provenance["lighteval"] == "0.13.0"


@pytest.mark.skipif(not HAS_LIGHTEVAL, reason="needs lighteval 0.13.0 (the conformance 'harness' environment)")
def test_worker_reads_expressions_with_the_safe_parser():
    from evalmetrics.isolated import run_isolated

    task = "evalmetrics.metrics.lighteval_math_worker:self_check"
    m = em.get("lighteval:expr_gold_metric")
    assert m.score("The answer is (3*4)/2", "6") == 1.0  # the expression path: parse_expr in lighteval
    (before,) = run_isolated(task, [None], timeout_s=30)
    assert m.score("The answer is 1,234.", "1234") == 1.0  # the number path: Number(str) -> sympify in lighteval
    (after,) = run_isolated(task, [None], timeout_s=30)
    assert before.status == after.status == "ok"
    assert all(before.value[k] for k in ("parse_expr", "parse_expr_with_timeout", "Number"))
    assert before.value["safe_calls"] >= 1 and after.value["safe_calls"] > before.value["safe_calls"]
