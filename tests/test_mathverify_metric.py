"""MathVerify: math-verify's own verify(parse(gold), parse(pred)) in a bounded worker.

Differential checks against math-verify called in this process live in
tests/conformance/mathverify/test_math_verify_alias.py (thousands of inputs); here: the ID, configuration errors,
version checks, bounds, threads, and a handful of verdicts compared with the in-process call.
"""
import threading
from importlib import metadata

import pytest

import evalmetrics as em
from evalmetrics.errors import InvalidConfig, InvalidInput
from evalmetrics.metrics import mathverify as mv

math_verify = pytest.importorskip("math_verify")

CASES = [
    ("The answer is $\\frac{1}{2}$", "0.5"),
    ("\\boxed{3}", "$3$"),
    ("so x = 4", "$x=4$"),
    ("I think 1/3", "0.333333"),
    ("[1, 2]", "$\\{1,2\\}$"),
    ("\\boxed{(0, 1]}", "$(0,1]$"),
    ("the final answer is 10%", "0.1"),
    ("no idea", "7"),
    ("", "1"),
    ("1,234", "1234"),
]


def _in_process(pred, gold):
    return 1.0 if math_verify.verify(math_verify.parse(gold), math_verify.parse(pred)) else 0.0


def test_alias_is_the_default_metric_and_round_trips():
    m = em.get("math_verify:verify")
    assert m == em.MathVerify() == em.get("math_verify@0.9:verify")
    assert em.get(m.id) == m and em.get(m.id).id == m.id
    for field in ("version=\"0.9.0\"", "float_rounding=6", "numeric_precision=15", "strict=true",
                  "parsing_timeout=5", "timeout_seconds=5", "boxed_priority=50", "units=true", "equations=false",
                  "fallback_mode=first_match", "extraction_mode=any_match", "deadline_s=60.0", "combine=max"):
        assert field in m.id
    assert em.get("math_verify:verify", strict=False, timeout_seconds=None).id != m.id
    assert em.get("math_verify:verify", timeout_seconds=None).timeout_seconds == 0
    with pytest.raises(InvalidConfig):
        em.get("math_verify:verify", extraction_config=[])


def test_verdicts_equal_math_verify_in_process():
    m = em.MathVerify()
    preds, golds = zip(*CASES)
    r = m.compute(list(preds), list(golds))
    assert list(r.per_sample) == [_in_process(p, g) for p, g in CASES]
    assert 0 < r.score < 1 and r.n_timeouts == 0
    assert r.provenance["math_verify"] == "0.9.0"
    assert [m.score(p, g) for p, g in CASES[:3]] == list(r.per_sample[:3])


def test_several_references_max_and_mean():
    pred, refs = "\\boxed{2}", ["3", "2", "$2$"]
    assert em.MathVerify().score(pred, refs) == 1.0
    assert em.MathVerify(combine="mean").score(pred, refs) == pytest.approx(2 / 3)
    assert em.MathVerify().score(pred, ["3", "4"]) == 0.0


def test_worker_replaces_parse_expr():
    from evalmetrics.isolated import run_isolated

    out = run_isolated("evalmetrics.metrics._mathverify_worker:_selftest_patched", [0], timeout_s=60)
    assert out[0].status == "ok" and out[0].value is True


def test_deadline_scores_zero_and_is_counted(monkeypatch):
    monkeypatch.setattr(mv, "WORKER_TASK", "evalmetrics.metrics._mathverify_worker:_selftest_stall")
    m = em.MathVerify(deadline_s=1.0)
    r = m.compute(["\\boxed{1}", "<stall>", "2"], ["1", "1", "2"])
    assert list(r.per_sample) == [1.0, 0.0, 1.0]
    assert r.n_timeouts == 1 and r.timeout_indices == (1,)
    with pytest.raises(em.Timeout):
        m.score("<stall>", "1")


def test_works_from_a_thread():
    # In-process math-verify refuses threads (signal.alarm); in the worker its timeouts keep working.
    m = em.MathVerify()
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("r", m.compute(["\\boxed{5}", "6"], ["5", "5"])))
    t.start()
    t.join(120)
    assert list(box["r"].per_sample) == [1.0, 0.0]


def test_typed_input_errors():
    m = em.MathVerify()
    with pytest.raises(InvalidInput) as e:
        m.compute(["1", None], ["1", "2"])
    assert e.value.index == 1 and e.value.field == "prediction"
    with pytest.raises(InvalidInput) as e:
        m.compute(["1", "2"], ["1", []])
    assert e.value.index == 1 and e.value.field == "references"


@pytest.mark.parametrize("kw", [{"version": "0.8.0"}, {"targets": ()}, {"targets": ("latex", "latex")},
                                {"targets": ("string",)}, {"deadline_s": 0}, {"boxed": "first"},
                                {"parsing_timeout": -1}, {"boxed_priority": -2}])
def test_invalid_configuration(kw):
    with pytest.raises(InvalidConfig):
        em.MathVerify(**kw)


def _fake_versions(monkeypatch, table):
    real = metadata.version

    def version(name):
        if name in table:
            if table[name] is None:
                raise metadata.PackageNotFoundError(name)
            return table[name]
        return real(name)

    monkeypatch.setattr(metadata, "version", version)
    mv._check_installed.cache_clear()


def test_other_installed_version_is_refused_naming_both(monkeypatch):
    _fake_versions(monkeypatch, {"math-verify": "0.8.0"})
    try:
        with pytest.raises(InvalidConfig, match=r"0\.9\.0.*0\.8\.0"):
            em.MathVerify().score("1", "1")
    finally:
        monkeypatch.undo()
        mv._check_installed.cache_clear()


def test_missing_package_names_the_pip_command(monkeypatch):
    _fake_versions(monkeypatch, {"math-verify": None})
    try:
        with pytest.raises(InvalidConfig, match=r"pip install -e '\.\[mathverify\]'"):
            em.MathVerify().compute(["1"], ["1"])
    finally:
        monkeypatch.undo()
        mv._check_installed.cache_clear()


def test_pinned_latex2sympy_is_checked(monkeypatch):
    _fake_versions(monkeypatch, {"latex2sympy2_extended": "1.0.6"})
    try:
        with pytest.raises(InvalidConfig, match=r"1\.11\.0.*1\.0\.6"):
            em.MathVerify().score("1", "1")
    finally:
        monkeypatch.undo()
        mv._check_installed.cache_clear()
