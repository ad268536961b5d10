r"""lm_eval 0.4.13 ``leaderboard_math_hard`` against its own hook: both values of ``process_results``.

The oracle is lm_eval's ``tasks/leaderboard/math/utils.py``, loaded by file path: ``process_docs``'s answer
(``remove_boxed(last_boxed_only_string(solution))``, ``[invalidanswer]`` when there is no usable box), then
``process_results({"solution", "answer"}, [output])``. The inputs are the Minerva-format outputs and MATH-style
solutions of ``test_minerva_aliases.py`` (every box form, also the unusable ones, which this task scores instead of
crashing), plus hand-picked rows where the two tasks differ (empty answers, ``[invalidanswer]`` as text, tuples).

Timing: lm_eval bounds ``is_equiv`` with ``signal.alarm(1)``, evalmetrics with a 1 s wall-clock deadline in a worker;
where ours hits it, the test checks that lm_eval spent at least 0.9 s on that input too.
"""
from __future__ import annotations

import functools
import time

import pytest

pytest.importorskip("lm_eval")

from _diff import N_EXAMPLES, check  # noqa: E402
from _lm_eval_utils import load_task_utils  # noqa: E402
from test_minerva_aliases import HARD, _labeled_rows, minerva_pair  # noqa: E402

from evalmetrics.presets.open_llm_leaderboard import ALIASES  # noqa: E402

LM = "lm-eval==0.4.13"
METRICS = {a.key: a.make_example() for a in ALIASES}
EM_KEY = "lm_eval@0.4:leaderboard_math_hard/exact_match"
ORIG_KEY = "lm_eval@0.4:leaderboard_math_hard/exact_match_original"
COVERED = ["lm_eval@0.4:leaderboard_math_hard/exact_match", "lm_eval@0.4:leaderboard_math_hard/exact_match_original"]  # literal: read by ../test_zz_completeness.py


@functools.cache
def leaderboard():
    u = load_task_utils("leaderboard/math/utils.py", "_lm_eval_leaderboard_math_utils", stub_datasets=True)
    # sympy's ANTLR LaTeX parser sets itself up on first use; inside lm_eval's 1 s alarm that set-up alone can
    # exhaust the window, so it is done here first (our worker does it at start).
    u.is_equiv("\\frac{1}{2}", "0.5")
    return u


ORACLE_SECONDS: dict = {}


@functools.lru_cache(maxsize=None)
def _process(pred: str, solution: str):
    u = leaderboard()
    answer = u.remove_boxed(u.last_boxed_only_string(solution))
    t = time.perf_counter()
    try:
        return u.process_results({"problem": "", "solution": solution, "answer": answer}, [pred])
    finally:
        ORACLE_SECONDS[(pred, solution)] = time.perf_counter() - t


def _lm_eval(value):
    return lambda x: float(_process(*x)[value])


TIMED_OUT: dict = {}


def _ours(key):
    m = METRICS[key]

    def run(x):
        r = m.compute([x[0]], [x[1]])
        if r.n_timeouts:
            TIMED_OUT.setdefault(key, []).append(tuple(x))
        return float(r.per_sample[0])

    return run


LEADERBOARD_HARD = [
    ("Final Answer: The final answer is . I hope it is correct.", "\\boxed{}"),
    ("Final Answer: The final answer is [invalidanswer]. I hope it is correct.", "no box"),
    ("Final Answer: The final answer is [invalidanswer]\t\\text{}. I hope it is correct.", "no box"),
    ("no sentence", "no box"),
    ("Final Answer: The final answer is $(1,2)$. I hope it is correct.", "\\boxed{(1,2)}"),
    ("Final Answer: The final answer is $5$. I hope it is correct.", "\\fbox{5}"),
    ("Final Answer: The final answer is $5$. I hope it is correct.", "\\boxed{\n5}"),
    ("Final Answer: The final answer is $\\sqrt[3]{8}$. I hope it is correct.", "\\boxed{2}"),
    ("Final Answer: The final answer is $0,1$. I hope it is correct.", "\\boxed{01}"),
    ("Final Answer: The final answer is $2\\pi cm$. I hope it is correct.", "\\boxed{2\\pi}"),
    ("so $\\boxed{\\frac{1}{2}}$", "We get $\\boxed{0.5}$."),
    ("The answer is 3", "$x = 3$ so \\boxed{3}"),
]


def _n(hand):
    return max(200, N_EXAMPLES - len(hand))


@pytest.mark.parametrize("key,value", [(EM_KEY, "exact_match"), (ORIG_KEY, "exact_match_original")])
def test_leaderboard_math_hard(key, value):
    # the 2,029 labeled rows join the hand-picked inputs in full runs (5,000 per alias), not in quick ones
    hand = LEADERBOARD_HARD + HARD + (_labeled_rows() if N_EXAMPLES >= 5000 else [])
    check(key, LM, _ours(key), _lm_eval(value), minerva_pair(), hand, n=_n(hand))
    for x in TIMED_OUT.get(key, []):
        assert ORACLE_SECONDS.get(x, 0.0) >= 0.9, f"{key}: ours timed out but lm_eval did not on {x!r}"
    print(f"{key}: {len(TIMED_OUT.get(key, []))} inputs hit the bound on both sides")
