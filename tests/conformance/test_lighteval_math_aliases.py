"""lighteval 0.13's extractive-match metrics (expr_gold_metric, pass_at_k_math, gpqa_instruct_metric, ...) against
the real lighteval metric objects.

The reference side calls ``Metrics.<name>`` sample-level functions in this process with ``Doc``/``ModelResponse``
built as lighteval's tasks and pipeline build them (``text_post_processed`` = reasoning spans removed, as
``ModelResponse.post_process`` does; GPQA-style docs with ``choices = A..D`` and the gold's index). Our side runs the
alias, which runs lighteval's code in a worker process with sympy's ``parse_expr``/``sympify`` on matched text
replaced by ``evalmetrics.mathparse.pyexpr.parse_expr_safe``: every agreement below is also evidence that the
interpreter reads those strings exactly as sympy does.

Inputs: math-verify 0.9.0's regression tables and tests/data/math_labeled.jsonl rows (real gold/prediction pairs),
hand-picked hard cases, then derandomized hypothesis draws over math-flavored text. lighteval costs ~1-20 ms per
scored sample on each side, so by default the math aliases run fewer inputs than N_EXAMPLES (see FULL below); the
letter aliases (regex only) run N_EXAMPLES. Our side runs in a thread while lighteval computes the reference in the
main thread (its timeouts use signal.alarm), so the two sides overlap on two cores.
"""
from __future__ import annotations

import copy
import functools
import json
import logging
import os
import random
import string
import sys

import pytest
from hypothesis import strategies as st

pytest.importorskip("lighteval")

import evalmetrics as em  # noqa: E402
from _diff import N_EXAMPLES, _call, _same  # noqa: E402
from conftest import RESULTS  # noqa: E402
from test_lighteval_extra import _gen  # noqa: E402
from test_string_aliases import _think  # noqa: E402

from lighteval.metrics.metrics import Metrics  # noqa: E402
from lighteval.models.model_output import ModelResponse  # noqa: E402
from lighteval.tasks.requests import Doc  # noqa: E402

LE = "lighteval==0.13.0"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# lighteval costs 10-25 ms per scored math sample (sympy), on each side. By default the math aliases check the fixed
# rows (~2,300 real pairs and hand-picked cases, single-sample) plus MATH_GENERATED generated cases, and the sampling
# aliases SAMPLED questions of 1-3 samples; EVALMETRICS_LIGHTEVAL_MATH_FULL=1 raises both so that every alias gets
# at least N_EXAMPLES inputs (about 25 CPU-minutes; the recorded counts come from such a run).
FULL = os.environ.get("EVALMETRICS_LIGHTEVAL_MATH_FULL") == "1"
MATH_GENERATED = max(N_EXAMPLES - 2300, 1) if FULL else 300
SAMPLED = N_EXAMPLES if FULL else 500

logging.getLogger("lighteval").setLevel(logging.ERROR)  # one warning per sample without an extractable answer

# ------------------------------------------------------------------------------------------------ inputs

NUMBERS = ["72", "-5", "0", "-0", "1,234", "1 234", "1,234.5", "3.14", "0.50", ".5", "007", "-007", "-00.5", "00",
           "1/2", "2^3", "3*4", "2×3", "6÷2", "(1+2)", "-(3)", "50%", "50 percent", "12 pct", "$5", "€3", "100m2",
           "١٢", "１２", "²", "10,5", "1e3", "1_000", "4.", "9999999999999999999.123456789", "0.000001", "1.0000001"]
LATEX = ["$\\frac{1}{2}$", "\\boxed{72}", "\\boxed{\\frac{3}{4}}", "$x = 3$", "\\(2\\sqrt{2}\\)", "\\[ 5 \\]",
         "$$ 10 $$", "$\\{1,2\\}$", "$[1, 2]$", "$(0, 1]$", "$\\pi$", "$x^2+1$", "$\\text{Friday}$", "$5\\%$",
         "$\\$5$", "$\\dfrac12$", "$\\infty$", "\\boxed{1, 2}", "\\boxed{x \\in (0,1)}", "$a=2, b=3$", "$0.5$",
         "\\frac{1}{2}", "-\\frac{3}{4}", "$\\sqrt{-1}$", "$3i$", "$\\begin{pmatrix}1\\\\2\\end{pmatrix}$",
         "$x \\le 3$", "$y=2x+1$", "\\boxed{\\text{(B)}}", "$10^{3}$", "$1{,}000$", "\\boxed{", "$\\$", "\\boxed{}",
         "$30^\\circ$", "$2 \\text{ cm}$", "\\boxed{E}", "$\\log_2 8$", "$\\frac{\\sqrt{3}}{2}$", "$e^{i\\pi}$"]
ANCHORS = ["The final answer is", "final answer is $", "I hope it is correct.", "Answer:", "answer is", "ANSWER:",
           "Therefore,", "=", "and", "or", ",", ".", "Final Answer: The final answer is", "the answer:", "so",
           "<think>", "</think>", "\n", "**", "Answer: $", "$", "%", "x", "is"]
WORDS = ["we", "get", "total", "apples", "the", "sum", "is", "Friday", "cm", "dollars", "step", "1.", "2)"]
ATOMS = NUMBERS + LATEX + ANCHORS + WORDS
SEPS = [" ", " ", " ", "", "\n", "  ", "\t", "\u00a0"]


@st.composite
def math_text(draw, max_atoms=8):
    n = draw(st.integers(0, max_atoms))
    parts = []
    for _ in range(n):
        parts.append(draw(st.sampled_from(ATOMS)))
        parts.append(draw(st.sampled_from(SEPS)))
    return "".join(parts)


gold_atom = st.sampled_from(NUMBERS + LATEX)


@st.composite
def math_case(draw):
    """(prediction, [gold, ...]): the prediction often states the gold (or a near miss) after an anchor."""
    golds = draw(st.lists(st.one_of(gold_atom, gold_atom, math_text(3)), min_size=1, max_size=2))
    kind = draw(st.integers(0, 5))
    g = draw(st.sampled_from(golds))
    if kind == 0:
        pred = g
    elif kind <= 2:
        pred = draw(math_text(4)) + draw(st.sampled_from(ANCHORS)) + " " + g + draw(st.sampled_from(["", ".", " ", "$"]))
    elif kind == 3:
        pred = draw(math_text(3)) + " " + draw(gold_atom) + " " + draw(math_text(3))
    else:
        pred = draw(math_text())
    if draw(st.integers(0, 6)) == 0:
        pred = "<think>" + draw(math_text(3)) + "</think>" + pred
    if draw(st.integers(0, 8)) == 0:
        pred = " " + pred + "\n"
    return pred, golds


@functools.cache
def fixed_rows():
    """Real (prediction, [gold]) pairs: math-verify 0.9.0's regression tables and tests/data/math_labeled.jsonl."""
    rows = []
    sys.path.insert(0, os.path.join(HERE, "mathverify"))
    try:
        import _tables as T

        tables = T.extract(T.read_test_sources(T.sdist_path()))
        rows += [(r.pred, [r.gold]) for r in tables.rows if isinstance(r.pred, str) and isinstance(r.gold, str)]
    finally:
        sys.path.pop(0)
    with open(os.path.join(ROOT, "tests", "data", "math_labeled.jsonl"), encoding="utf-8") as f:
        rows += [(r["prediction"], [r["gold"]]) for r in map(json.loads, f)]
    return rows


MATH_HAND = [
    ("", ["1"]), ("1", [""]), ("", [""]), ("The final answer is $\\boxed{72}$. I hope it is correct.", ["72"]),
    ("<think>The answer is 5</think>The answer is 6", ["6"]), ("<think>unclosed 5", ["5"]),
    ("so #### 72", [" Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 72"]),
    ("The answer is 1,234", ["1234"]), ("Answer: 50%", ["0.5"]), ("Answer: -007", ["-7"]), ("-00.5", ["-0.5"]),
    ("Answer: ١٢", ["12"]), ("x = 2^3", ["8"]), ("\\boxed{\\frac{1}{2}} and \\boxed{3}", ["\\frac{1}{2}"]),
    ("answer: 3" * 50, ["3"]), ("1/0", ["zoo"]), ("Answer: 10^10^10", ["1"]), ("((((((1))))))", ["1"]),
    ("The answer is " + "9" * 400, ["1"]), ("$\\frac{1}{2}$ or $0.5$", ["1/2", "0.5"]),
]

# ------------------------------------------------------------------------------------------------ reference side


def _doc(golds, n_choices=None, gold_index=None):
    if n_choices is None:
        return Doc(query="", choices=list(golds), gold_index=list(range(len(golds))))
    return Doc(query="", choices=list(string.ascii_uppercase)[:n_choices], gold_index=gold_index)


def _resp(samples):
    return ModelResponse(text=list(samples), text_post_processed=[_think(s) for s in samples])


def _fn(name, **params):
    """The sample-level function of ``Metrics.<name>``, parametrized as a task does (a fresh deep copy)."""
    m = getattr(Metrics, name)
    return (m(sample_params=params) if params else copy.deepcopy(m.value)).sample_level_fn


# ------------------------------------------------------------------------------------------------ runner


def _both(ours, ref, inputs):
    """(our outcomes, lighteval's outcomes): ours in a thread (it mostly waits on the worker), lighteval here."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as ex:
        fut = ex.submit(lambda: [_call(ours, x) for x in inputs])
        expected = [_call(ref, x) for x in inputs]
        return fut.result(), expected


def _compare(alias, got, expected, inputs):
    stats = RESULTS.setdefault(alias, {"n": 0, "mismatches": 0, "package": LE, "examples": []})
    for x, a, b in zip(inputs, got, expected):
        stats["n"] += 1
        if not _same(a, b):
            stats["mismatches"] += 1
            if len(stats["examples"]) < 5:
                stats["examples"].append({"input": repr(x)[:1500], "evalmetrics": repr(a), "reference": repr(b)})
    assert stats["mismatches"] == 0, f"{alias}: {stats['mismatches']} mismatches of {stats['n']}: {stats['examples']}"


@functools.cache
def math_inputs():
    """Single-sample cases: hand-picked, the fixed rows, then N_MATH generated ones."""
    return MATH_HAND + fixed_rows() + _gen(math_case(), MATH_GENERATED)


@functools.cache
def sampled_inputs():
    """(samples, [gold], params): 1-4 samples per question, drawn from the math cases (so their answers vary); the first
    SAMPLED math cases (hand-picked first), then further questions over the same pool as needed."""
    base = math_inputs()
    rng = random.Random(13)
    out = []
    for i in range(SAMPLED):
        pred, golds = base[i % len(base)]
        gold = golds[:1] if rng.random() < 0.95 else golds + ["2"]  # several golds: lighteval raises in pass@k
        n_samples = rng.choice([1, 1, 1, 2, 3])
        samples = [pred] + [rng.choice(base)[0] if rng.random() < 0.5 else golds[0] for _ in range(n_samples - 1)]
        k = rng.choice([1, 1, 2, 3])
        n = rng.choice([None, n_samples, max(n_samples - 1, 1), n_samples + 1])
        out.append((samples, gold, {"k": k, "n": n}))
    return out


def test_expr_gold_metric():
    fn = _fn("expr_gold_metric")
    inputs = math_inputs()
    m = em.get("lighteval:expr_gold_metric")
    got, expected = _both(lambda x: m.score(x[0], x[1]),
                          lambda x: fn.compute(doc=_doc(x[1]), model_response=_resp([x[0]])), inputs)
    _compare("lighteval@0.13:expr_gold_metric", got, expected, inputs)


def test_avg_at_n_math():
    inputs = sampled_inputs()

    def ref(x):
        samples, golds, p = x
        return _fn("avg_at_n_math", n=p["n"] or len(samples)).compute(doc=_doc(golds), model_response=_resp(samples))

    def ours(x):
        samples, golds, p = x
        return em.get("lighteval:avg_at_n_math", n=p["n"] or len(samples)).score(samples, golds)

    _compare("lighteval@0.13:avg_at_n_math", *_both(ours, ref, inputs), inputs)


def _pass_ref(name, x, **extra):
    samples, golds, p = x
    params = {"k": p["k"], **({"n": p["n"]} if p["n"] is not None else {})}
    return _fn(name, **params).compute(doc=_doc(golds, **extra), model_response=_resp(samples))


def test_pass_at_k_math():
    inputs = sampled_inputs()

    def ours(x):
        samples, golds, p = x
        return em.get("lighteval:pass_at_k_math", k=p["k"], n=p["n"]).score(samples, golds)

    _compare("lighteval@0.13:pass_at_k_math", *_both(ours, lambda x: _pass_ref("pass_at_k_math", x), inputs), inputs)


G_ALIASES = {
    "g_pass_at_k_math": ("lighteval@0.13:g_pass_at_k_math/math_g-pass@k_t", "lighteval@0.13:g_pass_at_k_math/mmath_g-pass@k", "math"),
    "g_pass_at_k_latex": ("lighteval@0.13:g_pass_at_k_latex/latex_g-pass@k_t", "lighteval@0.13:g_pass_at_k_latex/mlatex_g-pass@k", "latex"),
}
THRESHOLDS = (0.0, 0.25, 0.5, 0.75, 1.0)


@pytest.mark.parametrize("name", sorted(G_ALIASES))
def test_g_pass_at_k(name):
    """One lighteval call gives every threshold's G-Pass@k and the mG-Pass@k; ours computes each (all thresholds
    compared per input)."""
    g_alias, mg_alias, prefix = G_ALIASES[name]
    inputs = [(s, g, {"k": p["k"], "n": p["n"] if p["n"] is not None else len(s)}) for s, g, p in sampled_inputs()]

    def ref(x):
        samples, golds, p = x
        return _fn(name, **p).compute(doc=_doc(golds), model_response=_resp(samples))

    def ours(x):
        samples, golds, p = x
        g = _call(lambda _: tuple(em.get(g_alias, threshold=t, **p).score(samples, golds) for t in THRESHOLDS), None)
        return g, _call(lambda _: em.get(mg_alias, **p).score(samples, golds), None)

    got, outcomes = _both(ours, ref, inputs)

    def pick(o, x, value):
        if o[0] == "raise":
            return o
        k = x[2]["k"]
        if value == "mg":
            return ("ok", float(o[1][f"m{prefix}_g-pass@{k}"]))
        return ("ok", tuple(float(o[1][f"{prefix}_g-pass@{k}_{t}"]) for t in THRESHOLDS))

    _compare(g_alias, [o[1][0] for o in got], [pick(o, x, "g") for o, x in zip(outcomes, inputs)], inputs)
    _compare(mg_alias, [o[1][1] for o in got], [pick(o, x, "mg") for o, x in zip(outcomes, inputs)], inputs)


# ------------------------------------------------------------------------------------------------ answer letters

LETTER_ATOMS = ["Answer:", "answer is", "The final answer is", "I hope it is correct", "**", "(", ")", ".", ",", ":",
                "\n", "A", "B", "C", "D", "E", "J", "(A)", "(B)", "**C**", "D.", "a", "b", "Answer: $", "I", "think",
                "option", "the", "choice", "<think>", "</think>", "Answer", "ANSWER:", "is", "K", "A)", "B:"]


@st.composite
def letter_case(draw):
    """(prediction, gold letter, n_choices)."""
    n = draw(st.sampled_from([4, 4, 4, 10]))
    gold = draw(st.sampled_from(string.ascii_uppercase[:n]))
    parts = [draw(st.sampled_from(LETTER_ATOMS + [gold] * 4)) for _ in range(draw(st.integers(0, 8)))]
    seps = [draw(st.sampled_from([" ", "", "\n", " "])) for _ in parts]
    return "".join(p + s for p, s in zip(parts, seps)), gold, n


LETTER_HAND = [("Answer: B", "B", 4), ("Answer: (B)", "B", 4), ("B", "B", 4), ("The final answer is C. I hope", "C", 4),
               ("**Answer:** D", "D", 4), ("Answer: J", "J", 10), ("Answer: J", "D", 4), ("", "A", 4),
               ("<think>Answer: A</think>Answer: B", "B", 4), ("A or B", "A", 4), ("\nC.", "C", 4)]


@functools.cache
def letter_inputs():
    return LETTER_HAND + _gen(letter_case(), N_EXAMPLES)


def test_gpqa_instruct_metric():
    fn = _fn("gpqa_instruct_metric")
    inputs = letter_inputs()

    def ref(x):
        pred, gold, n = x
        return fn.compute(doc=_doc(None, n, string.ascii_uppercase.index(gold)), model_response=_resp([pred]))

    def ours(x):
        pred, gold, n = x
        return em.get("lighteval:gpqa_instruct_metric", n_choices=n).score(pred, gold)

    _compare("lighteval@0.13:gpqa_instruct_metric", *_both(ours, ref, inputs), inputs)


@functools.cache
def letter_samples():
    base = letter_inputs()
    rng = random.Random(21)
    out = []
    for pred, gold, n_choices in base:
        n_samples = rng.choice([1, 1, 2, 4])
        samples = [pred] + [rng.choice(base)[0] for _ in range(n_samples - 1)]
        out.append((samples, gold, n_choices, {"k": rng.choice([1, 1, 2]), "n": rng.choice([None, n_samples])}))
    return out


@pytest.mark.parametrize("name", ["pass_at_k_letters", "gpqa_instruct_pass_at_k"])
def test_letter_pass_at_k(name):
    inputs = letter_samples()

    def ref(x):
        samples, gold, n_choices, p = x
        params = {"k": p["k"], **({"n": p["n"]} if p["n"] is not None else {})}
        doc = _doc(None, n_choices, string.ascii_uppercase.index(gold))
        return _fn(name, **params).compute(doc=doc, model_response=_resp(samples))

    def ours(x):
        samples, gold, n_choices, p = x
        return em.get(f"lighteval:{name}", n_choices=n_choices, **p).score(samples, gold)

    _compare(f"lighteval@0.13:{name}", *_both(ours, ref, inputs), inputs)


COVERED = (["lighteval@0.13:expr_gold_metric", "lighteval@0.13:avg_at_n_math", "lighteval@0.13:pass_at_k_math",
            "lighteval@0.13:gpqa_instruct_metric", "lighteval@0.13:pass_at_k_letters",
            "lighteval@0.13:gpqa_instruct_pass_at_k"] + [a for g, mg, _ in G_ALIASES.values() for a in (g, mg)])
