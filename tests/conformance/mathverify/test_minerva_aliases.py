r"""lm_eval 0.4.13 ``minerva_math`` against its own code: the two aliases, and each step on its own.

The oracle is lm_eval's ``tasks/minerva_math/utils.py``, loaded by file path: ``process_docs``'s answer
(``normalize_final_answer(remove_boxed(last_boxed_only_string(solution)))``, a crash when the solution has no
usable box), then ``process_results({"solution", "answer"}, [output])`` for both values. The steps are compared with
``get_unnormalized_answer``, ``normalize_final_answer`` (and the appendix-D copy in ``leaderboard/math/utils.py`` for
the other field values), ``last_boxed_only_string`` + ``remove_boxed`` and ``is_equiv``.

Inputs: Minerva-format outputs ("Final Answer: The final answer is $X$. I hope it is correct." and its broken
forms) around MATH-style answers with unit words, ``\text{}``, ``\boxed``, ``\frac``/``\sqrt`` shorthand, thousands
commas, tuples and intervals; solutions with every box form; rows of tests/data/math_labeled.jsonl in Minerva format.

Timing: lm_eval bounds ``is_equiv`` with ``signal.alarm(5)`` (in-process, the ANTLR parser's first-use set-up inside
the first window), evalmetrics with a 5 s wall-clock deadline in a worker (set-up done at worker start). An input on
which sympy needs close to 5 s could land on different sides of the two clocks. Some generated inputs (``10^{10}``
products against ``[invalidanswer]``) make ``simplify`` run far past 5 s: both sides then score 0, and the tests check
that lm_eval's alarm fired on every input where our deadline did.
"""
from __future__ import annotations

import functools
import json
import os
import time

import pytest
from hypothesis import strategies as st

pytest.importorskip("lm_eval")

from _diff import N_EXAMPLES, check, text  # noqa: E402
from _lm_eval_utils import load_task_utils  # noqa: E402

from evalmetrics.metrics.mathstrings import HendrycksLastBoxed, MinervaAnswerNormalize, MinervaFinalAnswer  # noqa: E402
from evalmetrics.metrics.minerva import SympySimplifyEquiv  # noqa: E402
from evalmetrics.presets.lm_eval_math import ALIASES  # noqa: E402
from evalmetrics.units import run_steps  # noqa: E402

LM = "lm-eval==0.4.13"
METRICS = {a.key: a.make_example() for a in ALIASES}
EM_KEY = "lm_eval@0.4:minerva_math/exact_match"
MV_KEY = "lm_eval@0.4:minerva_math/math_verify"
COVERED = ["lm_eval@0.4:minerva_math/exact_match", "lm_eval@0.4:minerva_math/math_verify"]  # literal: read by ../test_zz_completeness.py


@functools.cache
def minerva():
    return load_task_utils("minerva_math/utils.py", "_lm_eval_minerva_utils")


@functools.cache
def leaderboard():
    return load_task_utils("leaderboard/math/utils.py", "_lm_eval_leaderboard_math_utils", stub_datasets=True)


# ---------------------------------------------------------------------------------------------- inputs

ANSWERS = [
    "5", "-5", "0", "10", "1,000", "12,345,678", "-12,345", "0,1", "1,00", "1,0000", "3.14", ".5", "0.5",
    "\\frac{1}{2}", "\\frac12", "\\dfrac{1}{2}", "\\tfrac12", "frac12", "\\frac1{2}", "\\frac{2}{4}", "1/2", "-\\frac{2}{3}",
    "\\sqrt{3}", "\\sqrt3", "2\\sqrt2", "\\sqrt[3]{8}", "\\sqrt[3]8", "\\sqrt[3]x", "\\sqrt[n]{x}", "\\sqrt{}",
    "(1,2)", "(1, 2)", "[2,5)", "\\left(1,2\\right)", "\\{1,2\\}", "(-\\infty, 3]", "\\infty", "\\pi", "2\\pi",
    "x^2+1", "(x-1)(x+1)", "x^2-1", "x = 5", "y = 2x+3", "a+b", "ab", "2x", "x2",
    "5 cm", "5\\text{ cm}", "5 \\text{ cm}", "10 feet", "2\\pi cm", "3 units", "4 ways", "6 inches", "12 ft",
    "\\$5", "5 dollars", "30^\\circ", "30^{\\circ}", "30 degrees", "50\\%", "7 hours", "8 km", "9 mph", "\\left( 3 \\right)",
    "\\text{(A)}", "\\textbf{(B)}", "\\text{Monday}", "\\mbox{Tuesday}", "\\overline{12}", "0.\\overline{3}",
    "\\boxed{5}", "\\boxed{\\frac{1}{2}}", "1\\text{ and }2", "1,\\text{and}3", "\\text{m}", "5\\;\\text{m}",
    "1,\\!000", "1{,}000", "\\ldots", "1, 2, \\ldots", "\\dots", "a ", "an apple", "\\ 5", "5.$", "\"5\"",
    "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\frac{\\sqrt{3}}{2}", "e^{i\\pi}", "\\log_2 8", "3!",
    "10^{10}", "2^{-1}", "i", "1+i", "\\text{square units}", "\\text{\nm}", "\\text{s}", "1\n2", "$",
    "\\text{", "}", "{", "=", "", " ", "[invalidanswer]", "squares", "ftp", "\\left", "\\right", "\\cm", "\\picm",
]
SEPS = ["", " ", ", ", "\n", "$", " = ", "\\text{ cm}", " and "]


@st.composite
def answer(draw):
    k = draw(st.integers(0, 9))
    if k <= 5:
        return draw(st.sampled_from(ANSWERS))
    if k <= 8:
        parts = [draw(st.sampled_from(ANSWERS)) for _ in range(draw(st.integers(2, 3)))]
        return draw(st.sampled_from(SEPS)).join(parts)
    return draw(text)


PRED_WRAPS = [
    "Final Answer: The final answer is ${a}$. I hope it is correct.",
    "Final Answer: The final answer is ${a}$. I hope it is correct.",
    "We compute things.\nFinal Answer: The final answer is ${a}$. I hope it is correct.\n\nProblem:",
    "Final Answer: The final answer is {a}. I hope it is correct.",
    "Final Answer: The final answer is ${a}$. I hope it is correct",
    "Final Answer: The final answer is ${a}$.",
    "Final Answer: The final answer is ${a}$",
    "Final Answer: The final answer is ${a}$ I hope it is correct.",
    "Final Answer: The final answer is ${a}$.\nI hope it is correct.",
    "Final Answer: The final answer is\n${a}$. I hope it is correct.",
    "Final Answer: The final answer is $\\boxed{{{a}}}$. I hope it is correct.",
    "The answer is ${a}$.",
    "so $\\boxed{{{a}}}$.",
    "{a}",
    "Final Answer: The final answer is $1$. I hope it is correct. Final Answer: The final answer is ${a}$. I hope it is correct.",
    "Final Answer: The final answer is Final Answer: The final answer is ${a}$. I hope it is correct.",
    "Final Answer: The final answer is ${a}$! I hope it is correctly done",
    "final answer: the final answer is ${a}$. I hope it is correct.",
    "Final Answer: The final answer is x = ${a}$. I hope it is correct.",
]
SOLUTION_WRAPS = [
    "We get $\\boxed{{{a}}}$.", "We get $\\boxed{{{a}}}$.\nFinal Answer: The final answer is ${a}$. I hope it is correct.",
    "\\boxed{{{a}}}", "so \\boxed {a}$.", "\\boxed {a}", "\\fbox{{{a}}}", "\\boxed{{1}} then \\boxed{{{a}}}",
    "\\boxed{{{a}", "the answer is {a}", "\\boxed {a}$ and \\boxed{{2}}", "$\\boxed{{\\frac{{{a}}}{{2}}}}$",
    " \\boxed{{ {a} }} ", "\\boxed{{\\text{{{a}}}}}", "\\begin{{align*}}\nx&={a}\\\\\n&=\\boxed{{{a}}}\n\\end{{align*}}",
]


# The forms with a usable box (lm_eval's process_docs crashes on the others; HARD has those).
NO_BOX_WRAPS = ("\\fbox{{{a}}}", "\\boxed{{{a}", "the answer is {a}")
USABLE_BOX_WRAPS = [w for w in SOLUTION_WRAPS if w not in NO_BOX_WRAPS]


@st.composite
def related(draw, a):
    k = draw(st.integers(0, 4))
    if k <= 1:
        return a
    return draw(answer())


@st.composite
def minerva_pair(draw, boxed_only=False):
    """(output, solution)."""
    a = draw(answer())
    b = draw(related(a))
    wraps = USABLE_BOX_WRAPS if boxed_only else SOLUTION_WRAPS
    solution = draw(st.sampled_from(wraps)).format(a=a)
    pred = draw(st.sampled_from(PRED_WRAPS)).format(a=b)
    if draw(st.integers(0, 14)) == 0:
        pred = draw(text)
    return pred, solution


def _labeled_rows():
    """Each row of tests/data/math_labeled.jsonl once, in Minerva format (two wrappings, alternating)."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "data", "math_labeled.jsonl")
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    out = []
    for i, r in enumerate(rows):
        p, g = r["prediction"], r["gold"]
        if i % 2:
            out.append((f"Solution.\nFinal Answer: The final answer is {p}. I hope it is correct.", f"So $\\boxed{{{g}}}$."))
        else:
            inner = p[1:-1] if len(p) > 1 and p[0] == p[-1] == "$" else p
            out.append((f"Final Answer: The final answer is ${inner}$. I hope it is correct.", f"\\boxed{{{g}}}"))
    return out


HARD = [
    ("Final Answer: The final answer is $\\frac12$. I hope it is correct.", "$\\boxed{0.5}$"),
    ("Final Answer: The final answer is $[2,5)$. I hope it is correct.", "$\\boxed{[2,5)}$"),
    ("Final Answer: The final answer is $(1,2)$. I hope it is correct.", "\\boxed{(2,1)}"),
    ("Final Answer: The final answer is $\\sqrt[3]{8}$. I hope it is correct.", "\\boxed{2}"),
    ("Final Answer: The final answer is $10\\text{ cm}$. I hope it is correct.", "\\boxed{10}"),
    ("Final Answer: The final answer is $\\left(1,2\\right)$. I hope it is correct.", "\\boxed{(1,2)}"),
    ("Final Answer: The final answer is $1,000$. I hope it is correct.", "\\boxed{1000}"),
    ("Final Answer: The final answer is $0,1$. I hope it is correct.", "\\boxed{01}"),
    ("no final sentence", "\\boxed{[invalidanswer]}"),
    ("Final Answer: The final answer is $$. I hope it is correct.", "\\boxed{}"),
    ("x", "no box at all"), ("x", "\\fbox{5}"), ("x", "\\boxed{5"), ("x", "\\boxedx{5}"),
    ("Final Answer: The final answer is 5. I hope it is correct.", "\\boxed 5$ so"),
    ("Final Answer: The final answer is $x^2-1$. I hope it is correct.", "\\boxed{(x-1)(x+1)}"),
    ("Final Answer: The final answer is $" + "1" * 3000 + "$. I hope it is correct.", "\\boxed{" + "1" * 3000 + "}"),
    ("Final Answer: The final answer is " + "\\text{" * 2000 + ". I hope it is correct.", "\\boxed{1}"),
    ("Final Answer: The final answer is " + "x" * 5000, "\\boxed{" + "\\boxed{" * 2000 + "}"),
]


# ---------------------------------------------------------------------------------------------- oracle


ORACLE_SECONDS: dict = {}  # input -> seconds lm_eval's process_results took (first call)


@functools.lru_cache(maxsize=None)
def _process(pred: str, solution: str):
    """lm_eval: process_docs's answer, then process_results (both values); raises where lm_eval crashes."""
    u = minerva()
    answer = u.normalize_final_answer(u.remove_boxed(u.last_boxed_only_string(solution)))
    t = time.perf_counter()
    try:
        return u.process_results({"problem": "", "solution": solution, "answer": answer}, [pred])
    finally:
        ORACLE_SECONDS[(pred, solution)] = time.perf_counter() - t


def _lm_eval(value):
    def oracle(x):
        return float(_process(*x)[value])

    return oracle


TIMED_OUT: dict[str, list] = {}  # alias -> inputs on which our comparison hit its bound


def _ours(key):
    m = METRICS[key]

    def run(x):
        r = m.compute([x[0]], [x[1]])
        if r.n_timeouts:
            TIMED_OUT.setdefault(key, []).append(tuple(x))
        return float(r.per_sample[0])

    return run


def _check_timeouts(key):
    """A timeout of ours scores 0 and agrees with lm_eval only because lm_eval's own 5 s alarm fired as well: check
    that it did (lm_eval spent at least 4.5 s on that input), so the agreement is not a coincidence of scores."""
    for x in TIMED_OUT.get(key, []):
        assert ORACLE_SECONDS.get(x, 0.0) >= 4.5, f"{key}: ours timed out but lm_eval did not on {x!r}"
    print(f"{key}: {len(TIMED_OUT.get(key, []))} inputs hit the 5 s bound on both sides")


# ---------------------------------------------------------------------------------------------- aliases


def _n(hand):
    """Generated inputs so that hand-picked + generated reach N_EXAMPLES (5,000 by default) per alias, and never
    fewer than 200 (CI runs a smaller N_EXAMPLES than the hand-picked rows alone)."""
    return max(200, N_EXAMPLES - len(hand))


def test_minerva_math_exact_match():
    hand = HARD + _labeled_rows()
    check(EM_KEY, LM, _ours(EM_KEY), _lm_eval("exact_match"), minerva_pair(boxed_only=True), hand, n=_n(hand))
    _check_timeouts(EM_KEY)


def test_minerva_math_math_verify():
    """lm_eval crashes in process_docs on a solution without a usable box before math_verify is computed; the
    alias scores math-verify's verdict there (see the alias summary), so those solutions are left out."""
    hand = [h for h in HARD + _labeled_rows() if _has_box(h[1])]
    check(MV_KEY, LM, _ours(MV_KEY), _lm_eval("math_verify"),
          minerva_pair(boxed_only=True).filter(lambda x: _has_box(x[1])), hand, n=_n(hand))
    _check_timeouts(MV_KEY)


def test_minerva_math_exact_match_with_processed_answer():
    """reference='answer': lm_eval's doc['answer'] (the --log_samples target) as the reference."""
    from conftest import RESULTS

    (alias,) = [a for a in ALIASES if a.key == EM_KEY]
    m = alias.make(reference="answer")
    u = minerva()

    def to_answer(x):
        return x[0], u.normalize_final_answer(u.remove_boxed(u.last_boxed_only_string(x[1])))

    key = "composition:lm_eval@0.4:minerva_math/exact_match(reference=answer)"
    try:
        check(key, LM, lambda x: float(m.compute([x[0]], [to_answer(x)[1]]).per_sample[0]),
              _lm_eval("exact_match"), minerva_pair(boxed_only=True).filter(lambda x: _has_box(x[1])), HARD[:8],
              n=500)
    finally:
        RESULTS.pop(key, None)


def _has_box(solution):
    try:
        minerva().remove_boxed(minerva().last_boxed_only_string(solution))
        return True
    except Exception:  # noqa: BLE001
        return False


# ---------------------------------------------------------------------------------------------- steps


def _texts():
    return st.one_of(minerva_pair().map(lambda x: x[0]), minerva_pair().map(lambda x: x[1]), answer(), text)


HAND_TEXTS = [t for pair in HARD for t in pair] + ANSWERS


def _variant():
    return MinervaAnswerNormalize(unit_words="substring", indexed_roots="shorthand", thousands="any_commas")


STEP_CHECKS = {
    "get_unnormalized_answer": (lambda: (MinervaFinalAnswer(),), lambda: minerva().get_unnormalized_answer),
    "normalize_final_answer": (lambda: (MinervaAnswerNormalize(),), lambda: minerva().normalize_final_answer),
    "leaderboard normalize_final_answer": (lambda: (_variant(),), lambda: leaderboard().normalize_final_answer),
    "remove_boxed(last_boxed_only_string)": (
        lambda: (HendrycksLastBoxed(space_form="to_dollar", on_missing="error"),),
        lambda: lambda t: minerva().remove_boxed(minerva().last_boxed_only_string(t))),
    "process_docs answer": (
        lambda: (HendrycksLastBoxed(space_form="to_dollar", on_missing="error"), MinervaAnswerNormalize()),
        lambda: lambda t: minerva().normalize_final_answer(minerva().remove_boxed(minerva().last_boxed_only_string(t)))),
}


@pytest.mark.parametrize("what", sorted(STEP_CHECKS))
def test_steps_against_lm_eval(what):
    from conftest import RESULTS

    ours, theirs = STEP_CHECKS[what]
    steps_, fn = ours(), theirs()
    key = f"unit:minerva {what}"
    try:
        check(key, LM, lambda t: run_steps(steps_, t), fn, _texts(), HAND_TEXTS)
    finally:
        RESULTS.pop(key, None)


@st.composite
def normalized_pair(draw):
    u = minerva()
    a = u.normalize_final_answer(draw(answer()))
    b = u.normalize_final_answer(draw(answer())) if draw(st.integers(0, 2)) else a
    return a, b


def test_is_equiv_against_lm_eval():
    from conftest import RESULTS

    m = SympySimplifyEquiv()
    u = minerva()
    key = "unit:minerva is_equiv"
    pairs = [("\\frac{1}{2}", "0.5"), ("x^2-1", "(x-1)(x+1)"), ("(1,2)", "(1,2)"), ("", ""), ("[2,5)", "[2,5)"),
             ("1", "1.0"), ("\\sqrt{2}", "2^{1/2}"), ("\\infty", "\\infty"), ("a", "b"), ("\\frac{", "1")]
    try:
        check(key, LM, lambda x: float(m.compute([x[0]], [x[1]]).per_sample[0]),
              lambda x: float(u.is_equiv(x[0], x[1])), normalized_pair(), pairs, n=500)
    finally:
        RESULTS.pop(key, None)


def test_the_runner_detects_a_wrong_variant():
    """Meta-test: the appendix-D normalization (leaderboard_math's) must disagree with minerva_math's somewhere."""
    from conftest import RESULTS

    wrong = _variant()
    with pytest.raises(AssertionError, match="mismatches"):
        check("meta:minerva-wrong", "-", wrong.apply, minerva().normalize_final_answer, _texts(), HAND_TEXTS, n=50)
    assert RESULTS.pop("meta:minerva-wrong")["mismatches"] > 0
