r"""lm_eval minerva_math: the Minerva steps, the sympy comparison and the two aliases (hand-checked cases).

The differential tests against lm_eval's own functions are in tests/conformance/mathverify/test_minerva_aliases.py.
Here: each named field's effect, the linear scans against the regular expressions they replace (Python's ``re`` on
small texts), the bounds on hostile texts, and the worker-backed metric (one pooled worker for the whole file).
"""
from __future__ import annotations

import pickle
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics.errors import InvalidConfig, InvalidInput, Timeout
from evalmetrics.metrics.mathstrings import (
    MinervaAnswerNormalize,
    MinervaFinalAnswer,
    _brace_indexed_roots,
    _first_math_span_per_line,
    _unwrap_boxed_to_last_close,
    _unwrap_to_first_close,
    minerva_final_answer,
)
from evalmetrics.metrics._minerva_worker import compare as compare_task
from evalmetrics.metrics.minerva import SympySimplifyEquiv

EM = "lm_eval:minerva_math/exact_match"
SOL = "We get $\\boxed{\\frac{1}{2}}$."


def final(x):
    return f"Reasoning.\nFinal Answer: The final answer is ${x}$. I hope it is correct."


# ---------------------------------------------------------------------------------------------- extraction


@pytest.mark.parametrize("text,expected", [
    (final("4"), "$4$"),
    ("Final Answer: The final answer is $4$. I hope it is correct", "$4$"),  # cut off: the appended end completes it
    ("Final Answer: The final answer is $4$! I hope it is correct.", "$4$"),  # the '.' is any character
    ("Final Answer: The final answer is $4$.", "[invalidanswer]"),
    ("Final Answer: The final answer is\n$4$. I hope it is correct.", "[invalidanswer]"),  # one line only
    ("Final Answer: The final answer is $1$. I hope it is correct. Final Answer: The final answer is $2$. I hope "
     "it is correct.", "$1$"),  # the first one
    ("x\nFinal Answer: The final answer is $4$.\nFinal Answer: The final answer is 5. I hope it is correct.", "5"),
    ("The answer is 4.", "[invalidanswer]"),
    ("", "[invalidanswer]"),
])
def test_final_answer(text, expected):
    assert MinervaFinalAnswer().apply(text) == expected


def test_final_answer_fallback_none_means_no_answer():
    assert MinervaFinalAnswer(fallback=None).apply("4") is None
    assert MinervaFinalAnswer(fallback=None).id == "minerva_final_answer(fallback=none)"


_FINAL_RE = re.compile(r"Final Answer: The final answer is(.*?). I hope it is correct.")
_PIECES = ["Final Answer: The final answer is", " I hope it is correct", "I hope it is correct.", ".", " ", "\n",
           "$4$", "x", "Final Answer: The final answer is $1$."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
def test_final_answer_scan_equals_the_regex(s):
    m = _FINAL_RE.search(s + "I hope it is correct.")
    assert minerva_final_answer(s) == (m.group(1).strip() if m else "[invalidanswer]")


# ---------------------------------------------------------------------------------------------- normalization


@pytest.mark.parametrize("text,expected", [
    ("$10$ cm", "10"),
    ("x = \\frac12", "\\frac{1}{2}"),
    ("1,000", "1000"),
    ("-12,345", "-12345"),
    ("0,1", "0,1"),  # a tuple, not a thousands group
    ("\\text{(B)}", "(B)"),
    ("\\boxed{5}", "5"),
    ("\\sqrt3", "\\sqrt{3}"),
    ("\\sqrt[3]8", "\\sqrt[3]{8}"),
    ("\\sqrt[3]{8}", "\\sqrt[3]{8}"),
    ("\\left(1,2\\right)", "\\left(1,2\\right)"),  # "ft" is not removed from \left
    ("2\\pi cm", "2\\pi"),
    ("10 feet", "10"),
    ("30^\\circ", "30"),
    ("\\overline{12}", "12"),
    ("an apple a day", "appleday"),  # the substitutions as printed: "an " and "a " go, then spaces
])
def test_normalize_lm_eval_minerva(text, expected):
    assert MinervaAnswerNormalize().apply(text) == expected


def test_normalize_fields_name_each_difference():
    default = MinervaAnswerNormalize()
    assert MinervaAnswerNormalize(unit_words="substring").apply("\\left(1,2\\right)") == "\\le(1,2\\right)"
    assert default.apply("\\left(1,2\\right)") == "\\left(1,2\\right)"
    assert MinervaAnswerNormalize(indexed_roots="shorthand").apply("\\sqrt[3]{8}") == "\\sqrt{[}3]{8}"
    assert MinervaAnswerNormalize(thousands="any_commas").apply("0,1") == "01"
    assert default.apply("0,1") == "0,1"
    assert default.id == ("minerva_answer_normalize(unit_words=words_then_glued, indexed_roots=braced, "
                          "thousands=groups_of_three)")


_SCAN_PIECES = ["$", "\\text{", "\\textbf{", "\\overline{", "\\boxed{", "}", "{", "\n", "a", "sqrt[", "]", "3", "_",
                "é", " ", "[", "\u2160"]
small_texts = st.lists(st.sampled_from(_SCAN_PIECES), max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(small_texts)
def test_linear_scans_equal_the_regular_expressions(s):
    assert _first_math_span_per_line(s) == re.sub(r"(.*?)(\$)(.*?)(\$)(.*)", "$\\3$", s)
    for opener, pat in (("\\text{", r"(\\text\{)(.*?)(\})"), ("\\textbf{", r"(\\textbf\{)(.*?)(\})"),
                        ("\\overline{", r"(\\overline\{)(.*?)(\})")):
        assert _unwrap_to_first_close(s, opener) == re.sub(pat, "\\2", s)
    assert _unwrap_boxed_to_last_close(s) == re.sub(r"(\\boxed\{)(.*)(\})", "\\2", s)
    assert _brace_indexed_roots(s) == re.sub(r"(sqrt)(\[[^\]]*\])(\w)", "\\1\\2{\\3}", s)


def test_scan_check_can_fail():
    """Meta-test: a scan that differs from its regex (stops at the first line) is caught by the comparison."""
    s = "a\n$x$y$"
    wrong = s.split("\n")[0]
    assert wrong != re.sub(r"(.*?)(\$)(.*?)(\$)(.*)", "$\\3$", s)


@pytest.mark.parametrize("hostile", [
    "\\text{" * 50_000, "\\boxed{" * 50_000, "sqrt[" * 50_000, "a$" + "b" * 300_000,
    "Final Answer: The final answer is " * 10_000, "frac" * 50_000 + "}",
])
def test_hostile_texts_take_linear_time(hostile):
    t = time.perf_counter()
    MinervaAnswerNormalize().apply(hostile)
    MinervaAnswerNormalize(unit_words="substring", indexed_roots="shorthand", thousands="any_commas").apply(hostile)
    MinervaFinalAnswer().apply(hostile)
    assert time.perf_counter() - t < 2.0


def test_steps_are_values():
    for u in (MinervaAnswerNormalize(thousands="any_commas"), MinervaFinalAnswer(fallback=None)):
        assert em.get(u.id) == u
        assert pickle.loads(pickle.dumps(u)) == u


# ---------------------------------------------------------------------------------------------- the comparison


def test_compare_task_called_directly_on_test_strings():
    assert compare_task(("\\frac{1}{2}", "0.5")) is True
    assert compare_task(("x^2-1", "(x-1)(x+1)")) is True
    assert compare_task(("2", "3")) is False
    assert compare_task(("(1,2)", "(1,2)")) is False  # parse_latex rejects tuples; the identity rule is the caller's
    assert compare_task(("", "")) is False


def test_metric_config_is_validated():
    with pytest.raises(InvalidConfig, match="timeout_s"):
        SympySimplifyEquiv(timeout_s=0)
    with pytest.raises(InvalidConfig, match="release series"):
        SympySimplifyEquiv(sympy="latest")
    with pytest.raises(InvalidConfig, match="memory_mb"):
        SympySimplifyEquiv(memory_mb=1)
    m = SympySimplifyEquiv()
    assert em.get(m.id) == m


def test_identical_answers_need_no_worker():
    # sympy="0.1" would fail the environment check, which only runs when sympy is needed.
    m = SympySimplifyEquiv(sympy="0.1")
    assert m.score("(1,2)", "(1,2)") == 1.0
    assert m.compute(["[2,5)"], ["[2,5)"]).score == 1.0
    with pytest.raises(InvalidConfig, match=r"sympy 0\.1.*is installed"):
        m.score("1", "2")


def test_alias_scores_through_the_worker():
    m = em.get(EM)
    outs = [final("\\frac12"), final("0.5"), "no final sentence", final("\\frac{2}{4}"), final("3"), final("[2,5)")]
    sols = [SOL, SOL, SOL, SOL, SOL, "$\\boxed{[2,5)}$"]
    r = m.compute(outs, sols)
    assert list(r.per_sample) == [1.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    assert r.n_timeouts == 0
    assert m.score(final("0.5"), SOL) == 1.0
    # the processed doc["answer"] as the reference
    a = em.get(EM, reference="answer")
    assert list(a.compute(outs, ["\\frac{1}{2}"] * 5 + ["[2,5)"]).per_sample) == list(r.per_sample)
    # "[invalidanswer]" is compared like any answer, as lm_eval does
    assert a.score("nothing", "[invalidanswer]") == 1.0


def test_timeout_scores_zero_and_is_counted():
    m = SympySimplifyEquiv(timeout_s=0.05)
    slow = "\\frac{(x+1)^{40}-(x-1)^{40}}{x^{3}+1}"
    r = m.compute(["1", slow], ["1", "\\sin^2 x + \\cos^2 x"])
    assert list(r.per_sample) == [1.0, 0.0]
    assert r.n_timeouts == 1 and r.timeout_indices == (1,)
    with pytest.raises(Timeout):
        m.score(slow, "\\sin^2 x + \\cos^2 x")


def test_solution_without_a_box_is_an_input_error_naming_sample_and_field():
    m = em.get(EM)
    with pytest.raises(InvalidInput) as e:
        m.compute([final("1"), final("2")], [SOL, "the answer is 2"])
    assert e.value.index == 1 and e.value.field == "references"
    with pytest.raises(InvalidInput):
        m.compute(["x"], ["\\fbox{2}"])  # located, but remove_boxed expects \boxed{


def test_alias_configuration():
    with pytest.raises(InvalidConfig, match="reference"):
        em.get(EM, reference="gold")
    with pytest.raises(InvalidConfig, match="solution"):
        em.get("lm_eval:minerva_math/math_verify", reference="answer")
    assert em.get("lm_eval:minerva_math/math_verify") == em.get("math_verify:verify")
    assert em.get(EM).id != em.get(EM, reference="answer").id


def test_worker_reads_number_tokens_without_eval():
    # sympy's parse_latex calls Number(str) -> sympify on number tokens; in the worker that path is the interpreter.
    from evalmetrics.isolated import run_isolated

    out = run_isolated("evalmetrics.metrics._minerva_worker:_selftest_firewall", [0], timeout_s=120)
    assert out[0] == ("ok", True, None), out[0]
