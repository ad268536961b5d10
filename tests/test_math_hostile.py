"""Hostile model outputs: nothing is executed, every sample returns within the bound, results never depend on
threads or processes."""
from __future__ import annotations

import builtins
import io
import multiprocessing
import time
import tokenize
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import evalmetrics as em

M = em.MathEquivalence()
# CPU seconds of this process (not wall time: a loaded CI machine stalls wall time, not the work a sample may do)
CPU_LIMIT_S = 2.0


def _hostile(marker_path: str) -> dict:
    return {
        "code_injection": f"__import__('os').system('touch {marker_path}')",
        "code_injection_boxed": f"\\boxed{{__import__('os').system('touch {marker_path}')}}",
        "dunder_chain": "().__class__.__bases__[0].__subclasses__()",
        "dunder_boxed": "\\boxed{().__class__.__bases__[0]}",
        "eval_call": "\\boxed{eval('1+1')}",
        "input": "\\boxed{\\input{/etc/passwd}}",
        "include": "\\include{/etc/passwd} so the answer is \\boxed{2}",
        "def_loop": "\\boxed{\\def\\x{\\x}\\x}",
        "newcommand": "\\newcommand{\\x}{\\x}\\boxed{\\x}",
        "csname": "\\boxed{\\csname x\\endcsname}",
        "power_tower": "\\boxed{10^{10^{10^{10}}}}",
        "power_tower_plain": "The answer is 10**10**10**10.",
        "huge_factorial": "\\boxed{9999999!}",
        "huge_binomial": "\\boxed{\\binom{10^{9}}{10^{5}}}",
        "huge_exp": "\\boxed{e^{10^{10}}}",
        "sin_of_huge": "\\boxed{\\sin(10^{100})}",
        "sci_huge": "\\boxed{1e999999}",
        "parens_10000_deep": "\\boxed{" + "(" * 10000 + "1" + ")" * 10000 + "}",
        "parens_10000_deep_dollars": "$" + "(" * 10000 + "1" + ")" * 10000 + "$",
        "parens_depth_under_caps": "\\boxed{" + "(" * 1500 + "1" + ")" * 1500 + "}",
        "frac_deep": "\\boxed{" + "\\frac{" * 5000 + "1" + "}{2}" * 5000 + "}",
        "frac_depth_under_caps": "\\boxed{" + "\\frac{" * 900 + "1" + "}{2}" * 900 + "}",
        "unary_minus_deep": "\\boxed{" + "-" * 3000 + "1}",
        "pow_chain": "\\boxed{" + "2^{" * 2000 + "2" + "}" * 2000 + "}",
        "one_mb_text": "x" * 1_000_000,
        "one_mb_digits": "1" * 1_000_000,
        "one_mb_answer_is": "the answer is " * 75_000,
        "one_mb_dollars": "$1" * 500_000,
        "one_mb_boxes": "\\boxed{1}" * 110_000,
        "backtracking_bait": "1" * 50_000 + "x",
        "backtracking_bait_commas": "1," * 25_000 + "x",
        "unclosed_boxed": "\\boxed{" * 100_000,
        "expand_bomb": "\\boxed{(x+y+z+w)^{40}}",
        "many_symbols": "\\boxed{" + "+".join(f"x_{{{i}}}" for i in range(500)) + "}",
        "long_sum_chain": "\\boxed{" + "+".join(["x"] * 1900) + "}",
        "long_difference_chain": "\\boxed{" + "-".join(["1"] * 1999) + "}",
        "long_quotient_chain": "\\boxed{" + "/".join(["7"] * 1999) + "}",
        "multinomial_bomb": "\\boxed{(a+b+c+d+e+f)^{15}}",
        "long_product": "\\boxed{" + "\\cdot".join(["99999999"] * 900) + "}",
        "sum_huge_bounds": "\\boxed{\\sum_{k=1}^{10^{100}} k^{k}}",
        "product_huge_bounds": "\\boxed{\\prod_{k=1}^{10^{9}} (k+1)!}",
        "sum_nested_deep": "\\boxed{" + "\\sum_{k=0}^{n} " * 3000 + "k}",
        "indexed_deep": "\\boxed{" + "F_{n+" * 3000 + "1" + "}" * 3000 + "}",
        "equality_chain_unknown_commands": "\\boxed{" + "1 = \\zz = " * 2000 + "0}",
    }


@pytest.fixture(scope="module", autouse=True)
def _warm():
    M.score("\\boxed{\\sin x}", "\\cos x")  # the one-time sympy import is not part of any sample's time


@pytest.fixture
def no_code_execution(monkeypatch):
    """eval, exec, sympify and parse_expr all raise while the test runs: if any were called, it fails."""
    import sys

    import sympy
    import sympy.parsing.sympy_parser

    sympify_module = sys.modules["sympy.core.sympify"]  # (sympy.core.sympify the attribute is the function)

    calls = []

    def trap(name):
        def f(*a, **k):
            calls.append(name)
            raise AssertionError(f"{name} was called")

        return f

    monkeypatch.setattr(builtins, "eval", trap("eval"))
    monkeypatch.setattr(builtins, "exec", trap("exec"))
    monkeypatch.setattr(sympy, "sympify", trap("sympy.sympify"))
    monkeypatch.setattr(sympy, "parse_expr", trap("parse_expr"), raising=False)
    monkeypatch.setattr(sympy.parsing.sympy_parser, "parse_expr", trap("parse_expr"))
    real = sympify_module.sympify

    def strict(a, *args, **kw):  # sympy calls sympify on its own objects internally; a string never reaches it
        if isinstance(a, str):
            calls.append("sympify(str)")
            raise AssertionError("sympify was called on a string")
        return real(a, *args, **kw)

    monkeypatch.setattr(sympify_module, "sympify", strict)
    yield calls
    assert calls == []


HOSTILE_NAMES = sorted(_hostile("x"))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_output_is_bounded_and_not_executed(name, tmp_path, no_code_execution):
    marker = tmp_path / "pwned"
    text = _hostile(str(marker))[name]
    t0 = time.process_time()
    try:
        value = M.score(text, "1")
        assert value in (0.0, 1.0)
    except em.Timeout:
        pass  # a bound was hit: a typed, counted outcome
    elapsed = time.process_time() - t0
    assert elapsed < CPU_LIMIT_S, f"{name} took {elapsed:.2f}s"
    assert not marker.exists()
    # and as the reference side
    t0 = time.process_time()
    try:
        M.score("1", text[:200_000])
    except em.Timeout:
        pass
    assert time.process_time() - t0 < CPU_LIMIT_S


def test_depth_bombs_hit_our_bound_not_recursion_error():
    for name in ("parens_depth_under_caps", "frac_depth_under_caps", "pow_chain"):
        with pytest.raises(em.Timeout):
            M.score(_hostile("x")[name], "1")


def test_whole_hostile_batch_counts_timeouts(tmp_path):
    h = _hostile(str(tmp_path / "pwned"))
    preds = [h[n] for n in HOSTILE_NAMES] + ["\\boxed{1}"]
    t0 = time.process_time()
    r = M.compute(preds, ["1"] * len(preds))
    assert time.process_time() - t0 < CPU_LIMIT_S * len(preds)
    assert r.per_sample[-1] == 1.0
    assert r.n_timeouts >= 10
    assert all(r.per_sample[i] == 0.0 for i in r.timeout_indices)


def test_source_never_names_an_evaluator():
    """Static check: the math modules contain no call of eval/exec/sympify/parse_expr/parse_latex/__import__."""
    root = Path(em.__file__).parent
    banned = {"eval", "exec", "sympify", "parse_expr", "parse_latex", "__import__", "compile"}
    files = sorted((root / "mathparse").glob("*.py")) + [root / "metrics" / "math.py"]
    assert len(files) >= 5
    for f in files:
        toks = list(tokenize.generate_tokens(io.StringIO(f.read_text()).readline))
        for i, tok in enumerate(toks[:-1]):
            if tok.type == tokenize.NAME and tok.string in banned and toks[i + 1].string == "(":
                if tok.string == "compile" and i >= 2 and toks[i - 1].string == "." and toks[i - 2].string == "re":
                    continue  # re.compile of our own fixed patterns
                raise AssertionError(f"{f.name}:{tok.start[0]} calls {tok.string}")


# ------------------------------------------------------------------------------ threads and processes

BATCH_PREDS = [
    "\\boxed{\\frac{1}{2}}", "\\boxed{0.333}", "so #### 42", "\\boxed{x^2+2x+1}", "\\boxed{9999999!}",
    "\\boxed{\\sin^2 x + \\cos^2 x}", "\\boxed{(1,2]}", "\\boxed{\\text{Monday}}", "\\boxed{3 \\pm \\sqrt{2}}",
    "\\boxed{" + "(" * 1500 + "1" + ")" * 1500 + "}", "The answer is not 7; it is 8", "\\boxed{\\sqrt{8}}",
] * 4
BATCH_REFS = [
    "0.5", "\\frac13", "42", "(x+1)^2", "1", "1", "(1,2]", "monday", "3-\\sqrt2, 3+\\sqrt2", "1", "8",
    "2\\sqrt{2}",
] * 4


def _serial():
    out = []
    for p, r in zip(BATCH_PREDS, BATCH_REFS):
        try:
            out.append(M.score(p, r))
        except em.Timeout:
            out.append("timeout")
    return out


def _one(args):
    p, r = args
    try:
        return M.score(p, r)
    except em.Timeout:
        return "timeout"


def test_same_results_in_threads():
    expected = _serial()
    assert expected.count(1.0) >= 20 and "timeout" in expected
    with ThreadPoolExecutor(8) as ex:
        got = list(ex.map(_one, zip(BATCH_PREDS, BATCH_REFS)))
    assert got == expected
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda k: M.compute(BATCH_PREDS, BATCH_REFS), range(8)))
    for r in results:
        assert list(r.per_sample) == [0.0 if v == "timeout" else v for v in expected]
        assert r.n_timeouts == expected.count("timeout")


def test_same_results_in_spawned_processes():
    expected = M.compute(BATCH_PREDS, BATCH_REFS)
    chunks = [(BATCH_PREDS[i : i + 12], BATCH_REFS[i : i + 12]) for i in range(0, len(BATCH_PREDS), 12)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        parts = pool.starmap(M.compute, chunks)
    got = [v for part in parts for v in part.per_sample]
    assert got == list(expected.per_sample)
    assert sum(p.n_timeouts for p in parts) == expected.n_timeouts


def test_the_trap_catches_an_evaluator(no_code_execution):
    """Meta-test: the fixture above really fails a test that evaluates a string."""
    import sympy
    import sympy.parsing.sympy_parser

    for call in (lambda: builtins.eval("1"), lambda: sympy.sympify("1"),
                 lambda: sympy.parsing.sympy_parser.parse_expr("1"), lambda: sympy.Integer(1) + sympy.S("1")):
        with pytest.raises(AssertionError):
            call()
    assert len(no_code_execution) == 4
    no_code_execution.clear()
