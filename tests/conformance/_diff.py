"""The differential runner and the input generators shared by the conformance tests.

Every check feeds the same input to evalmetrics and to the real package and compares the results exactly
(floats bit for bit; "both raise" counts as agreement). Inputs: hand-picked hard cases first, then
hypothesis-generated ones (derandomized, so every run checks the same inputs).
"""
from __future__ import annotations

import math
import os
import traceback

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import RESULTS

N_EXAMPLES = int(os.environ.get("EVALMETRICS_CONFORMANCE_EXAMPLES", "5000"))

# The packages the oracles come from, as each check records them.
LM_EVAL = "lm-eval==0.4.13"
LIGHTEVAL = "lighteval==0.13.0"


def lm_eval_tasks_dir() -> str:
    """The tasks folder of the installed lm_eval."""
    import lm_eval

    return os.path.join(os.path.dirname(lm_eval.__file__), "tasks")


def load_lm_eval_task_file(rel: str, name: str):
    """The module at ``rel`` in the installed lm_eval's tasks folder, loaded from its file under the module name
    ``name``, as lm_eval's ``!function`` loader loads it (not imported as a package module)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, os.path.join(lm_eval_tasks_dir(), rel))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

# ------------------------------------------------------------------------------------------------ text


ATOMS = [
    "the", "The", "THE", "a", "A", "an", "An", "theory", "Paris", "paris", "PARIS", "Eiffel", "Tower", "well-known",
    "well", "known", "New", "York", "City", "cat", "sat", "yes", "Yes", "no", "No", "Elmendorf", "answer", "is",
    "and", "Nothing.", "1", "01", "1.0", "1.5", "15", "1,000", "1000", "1e3", "+3", "-2", "-0", "0.50", ".5", "inf",
    "nan", "NaN", "١٢", "１２", "1_000", "$5", "$1,072.", "5%", "72", "1,072", "1072", "-5", "3.14", "10.",
    "\\boxed{5}", "\\frac{1}{2}", "$\\frac12$", "####", "#### 72", "The answer is", "The final answer is",
    "<think>", "</think>", "İ", "ß", "é", "e\u0301", "日本", "Москва", "…", "—", "–", "“", "”", "’", "'", '"', ".",
    ",", "!", "?", ";", ":", "-", "(", ")", "[", "]", "{", "}", "$", "\\", "/", "#", "%", "&", "\x00", "_", "^", "~",
]
SEPS = [" ", " ", " ", "  ", "\t", "\n", "-", "\u00a0", "\u2003", "\u200b", "", "\r\n", "\x0b", "\x1c"]

atom = st.sampled_from(ATOMS)
sep = st.sampled_from(SEPS)


@st.composite
def phrase(draw, max_atoms=7):
    n = draw(st.integers(0, max_atoms))
    parts = [draw(sep) if draw(st.booleans()) and draw(st.booleans()) else ""]
    for i in range(n):
        parts.append(draw(atom))
        if i < n - 1:
            parts.append(draw(sep))
    if draw(st.integers(0, 4)) == 0:
        parts.append(draw(sep))
    return "".join(parts)


any_text = st.text(max_size=25)
text = st.one_of(phrase(), phrase(), phrase(), any_text)


@st.composite
def mutated(draw, base):
    s = base
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.integers(0, 9))
        if op == 0:
            s = s.lower()
        elif op == 1:
            s = s.upper()
        elif op == 2:
            s = s + draw(st.sampled_from([".", "!", ",", "…", "”", " ", "\n", ".\n"]))
        elif op == 3:
            s = draw(st.sampled_from(["the ", "The ", "a ", "An ", " ", "\n", "“", "<think>x</think>"])) + s
        elif op == 4:
            s = s.strip()
        elif op == 5:
            s = s + draw(sep) + draw(phrase(3))
        elif op == 6:
            s = draw(phrase(3)) + draw(sep) + s
        elif op == 7:
            s = s.replace(" ", draw(sep))
        elif op == 8:
            s = s.replace("-", " ")
        else:
            s = s + "\x00"
    return s


@st.composite
def pair(draw):
    """(prediction, reference): often related, so matches happen as well as near misses."""
    ref = draw(text)
    kind = draw(st.integers(0, 5))
    if kind == 0:
        pred = ref
    elif kind <= 3:
        pred = draw(mutated(ref))
    else:
        pred = draw(text)
    return pred, ref


@st.composite
def multi(draw, max_refs=4):
    """(prediction, [references]) with 1..max_refs references."""
    refs = draw(st.lists(text, min_size=1, max_size=max_refs))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        pred = draw(st.sampled_from(refs))
    elif kind <= 2:
        pred = draw(mutated(draw(st.sampled_from(refs))))
    else:
        pred = draw(text)
    return pred, refs


# ------------------------------------------------------------------------------------------------ runner


def _call(fn, x):
    try:
        return ("ok", fn(x))
    except Exception as e:  # noqa: BLE001 - any exception of the oracle is an outcome to compare
        return ("raise", f"{type(e).__name__}: {e}")


def _same(a, b) -> bool:
    if a[0] == "raise" or b[0] == "raise":
        return a[0] == b[0]
    x, y = a[1], b[1]
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return type(x) is type(y) and x == y if not isinstance(x, (int, float)) else float(x) == float(y)


def check(alias: str, package: str, ours, oracle, strategy, hand=(), n: int = N_EXAMPLES):
    """Run ``ours(x)`` and ``oracle(x)`` on the hand-picked inputs and ``n`` generated ones; record and assert."""
    stats = RESULTS.setdefault(alias, {"n": 0, "mismatches": 0, "package": package, "examples": []})

    def one(x):
        stats["n"] += 1
        a, b = _call(ours, x), _call(oracle, x)
        if not _same(a, b):
            stats["mismatches"] += 1
            if len(stats["examples"]) < 5:
                stats["examples"].append({"input": repr(x), "evalmetrics": repr(a), "reference": repr(b)})

    for x in hand:
        one(x)

    @settings(max_examples=max(n, 1), derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(x):
        one(x)

    if n > 0:  # n == 0: the hand-picked inputs only (hypothesis refuses max_examples=0)
        try:
            run()
        except Exception:  # pragma: no cover - a crash of the runner itself
            traceback.print_exc()
            raise
    assert stats["mismatches"] == 0, f"{alias}: {stats['mismatches']} mismatches of {stats['n']}: {stats['examples']}"
