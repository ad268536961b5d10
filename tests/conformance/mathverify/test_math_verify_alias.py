"""math_verify:verify against math-verify 0.9.0 itself: ``verify(parse(gold), parse(pred))`` called in this process.

The oracle is the real package with every default, called in the test process (it evaluates matched
digit/operator strings with sympy's ``parse_expr``, acceptable for a test oracle on generated strings). The alias
runs the same package in an ``evalmetrics.isolated`` worker with ``parse_expr`` replaced by ``parse_expr_safe``.

Inputs, each as (gold, prediction):

* every row of math-verify's own regression tables (``_tables.py``, parsed from the sdist), both directions;
* every row of tests/data/math_labeled.jsonl, both directions;
* hand-picked cases aimed at the replaced ``parse_expr`` path (plain operator strings, ``×``, ``÷``, ``^``);
* hypothesis-generated answers (derandomized): numbers, thousands separators, percents, fractions, boxed and
  inline LaTeX, sets, intervals, tuples, equations, matrices, text, with the same or another value, wrapped in
  answer phrases.

A verdict differs only "because of timing" when math-verify's own timeout fired on one side (the oracle's log
warning in this process; the alias's ``timeout_indices``): such cases are listed separately with both sides'
status and are not mismatches; any other difference is. The per-alias count goes to the conformance record.
"""
from __future__ import annotations

import json
import logging
import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import _tables

COVERED = ["math_verify@0.9:verify"]
ALIAS = "math_verify@0.9:verify"
PACKAGE = "math-verify==0.9.0"
N_GENERATED = int(os.environ.get("EVALMETRICS_MATHVERIFY_GENERATED", "2000"))
HERE = os.path.dirname(os.path.abspath(__file__))
LABELED = os.path.join(HERE, "..", "..", "data", "math_labeled.jsonl")

HAND = [
    ("1/2", "0.5"), ("0.5", "1/2"), ("2^3", "8"), ("8", "2^3"), ("(1+2)*3", "9"), ("9", "3 × 3"), ("3", "12 ÷ 4"),
    ("1234.5", "1,234.5"), ("-3", "-(3)"), ("1/2", "2**-1"), ("7", "the result is 3+4"), ("1/3", "1 / 3"),
    ("2", "4/2 "), ("10", "2*5\n"), ("0.25", "1/4 ."), ("6", "((1+2))*2"), ("5", "5 5"), ("1.5", "3/2."),
    ("4", "(2^2)"), ("-1/2", "-1/2"), ("1/2", "-1/-2"), ("12", "1 2"), ("3", "1...2"), ("100", "10^2"),
    ("9^9^9", "9^9^9"), ("1", "0.999999999"), ("$\\frac{1}{2}$", "1/2"), ("\\boxed{7}", "7"), ("", ""),
    ("x", "x"), ("\\{1,2\\}", "{2,1}"), ("(0,1]", "$(0, 1]$"), ("50\\%", "0.5"), ("3.14", "\\pi"),
]


# ------------------------------------------------------------------------------------------------ generated inputs

VALUES = [
    ["1/2", "0.5", "\\frac{1}{2}", "\\frac12", "\\dfrac{1}{2}", ".5", "50\\%", "2/4", "\\tfrac{1}{2}"],
    ["3", "3.0", "3.00", "003", "\\boxed{3}", "6/2", "\\sqrt{9}", "3^1", "+3"],
    ["-7", "-7.0", "- 7", "-\\frac{14}{2}", "(-7)", "-(7)"],
    ["1234", "1,234", "1 234", "1234.0", "1.234\\times10^3", "1234.00"],
    ["0.25", "1/4", "25\\%", "\\frac{1}{4}", "0.250", "25 percent"],
    ["\\sqrt{2}", "2^{1/2}", "\\sqrt 2", "1.41421356", "\\frac{2}{\\sqrt{2}}"],
    ["\\pi", "3.14159265", "\\frac{2\\pi}{2}", "180^\\circ", "pi"],
    ["2x+1", "1+2x", "2 x + 1", "x+x+1", "2*x+1", "y=2x+1"],
    ["x=3", "3", "x = 3", "x=3.0", "3=x"],
    ["\\{1,2\\}", "\\{2,1\\}", "{1,2}", "1, 2", "1,2", "(1,2)", "[1,2]", "\\{1,2,2\\}"],
    ["(0,1]", "(0, 1]", "\\left(0,1\\right]", "0 < x \\leq 1", "[0,1]", "(0,1)"],
    ["(-\\infty, 3)", "x<3", "(-\\infty,3)", "-\\infty < x < 3", "(-\\infty, 3]"],
    ["(1, -2)", "(1,-2)", "\\left(1, -2\\right)", "(-2, 1)"],
    ["\\begin{pmatrix}1\\\\2\\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1,2)"],
    ["5 \\text{ cm}", "5", "5\\text{cm}", "5 cm", "\\$5", "5 dollars"],
    ["30^\\circ", "30", "30^{\\circ}", "\\frac{\\pi}{6}", "30 degrees"],
    ["\\text{yes}", "yes", "Yes", "\\text{Yes}", "no"],
    ["e^{i\\pi}", "-1", "\\exp(i\\pi)", "\\cos(\\pi)"],
    ["2+3i", "3i+2", "2 + 3 i", "2+3\\mathrm{i}", "2-3i"],
    ["\\frac{3}{8}", "0.375", "3/8", "37.5\\%", "\\frac{6}{16}", "0.38"],
    ["1/3", "0.333333", "0.3333", "\\frac13", "0.\\overline{3}", "0.33"],
    ["a^2-b^2", "(a-b)(a+b)", "(a+b)(a-b)", "a^2+b^2"],
    ["\\infty", "\\infty", "oo", "infinity"],
    ["12", "3 \\times 4", "3*4", "3 × 4", "24/2", "2^2 \\cdot 3", "12 ÷ 1"],
]
PHRASES = ["{}", "${}$", "\\({}\\)", "\\[{}\\]", "\\boxed{{{}}}", "$\\boxed{{{}}}$", "The answer is {}.",
           "The final answer is ${}$. I hope it is correct.", "Answer: {}", "**Answer:** {}", "so we get {} in the end",
           "We compute 2+2=4 and then the answer is $\\boxed{{{}}}$", "First 10, then {}", "{} or maybe 7",
           "Final answer: \\boxed{{{}}}\n", "{}\n\nThat is all."]

value_index = st.integers(0, len(VALUES) - 1)


@st.composite
def answer_pair(draw):
    """(gold, prediction): the same value in two renderings, or two values, each wrapped in an answer phrase."""
    i = draw(value_index)
    gold = draw(st.sampled_from(VALUES[i]))
    j = i if draw(st.integers(0, 3)) else draw(value_index)
    pred = draw(st.sampled_from(VALUES[j]))
    gold = draw(st.sampled_from(PHRASES[:6])).format(gold) if draw(st.booleans()) else gold
    pred = draw(st.sampled_from(PHRASES)).format(pred)
    if draw(st.integers(0, 5)) == 0:  # free text around it, or a truncated answer
        pred = draw(st.sampled_from(["", " ", "\n", "Hmm. ", "Step 1: 3+4=7. "])) + pred
        pred = pred[: draw(st.integers(0, len(pred)))] if draw(st.integers(0, 3)) == 0 else pred
    return gold, pred


def generated(n: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(answer_pair())
    def collect(x):
        out.append(x)

    collect()
    return out


# ------------------------------------------------------------------------------------------------ the two sides


class _TimeoutLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.n = 0

    def emit(self, record):
        if str(record.msg).startswith("Timeout during"):
            self.n += 1


def oracle_verdicts(pairs):
    """math-verify 0.9.0 in this process: (1.0/0.0, whether its own timeout fired) per (gold, pred)."""
    from math_verify import parse, verify

    log = _TimeoutLog()
    loggers = [logging.getLogger(n) for n in ("math_verify.parser", "math_verify.grader")]
    for lg in loggers:
        lg.addHandler(log)
    out = []
    try:
        for gold, pred in pairs:
            before = log.n
            try:
                v = 1.0 if verify(parse(gold), parse(pred)) else 0.0
            except Exception as e:  # noqa: BLE001 - math-verify returns False rather than raising; recorded if not
                v = f"raised {type(e).__name__}"
            out.append((v, log.n > before))
    finally:
        for lg in loggers:
            lg.removeHandler(log)
    return out


def alias_verdicts(pairs):
    import evalmetrics as em

    m = em.get("math_verify:verify")
    out = []
    for start in range(0, len(pairs), 1000):
        chunk = pairs[start:start + 1000]
        r = m.compute([p for _, p in chunk], [g for g, _ in chunk])
        hit = set(r.timeout_indices)
        out.extend((float(v), k in hit) for k, v in enumerate(r.per_sample))
    return out


def _results(config) -> dict:
    """The conformance record that this session's summary hook writes: this folder's conftest ``RESULTS`` (it shares
    ../conftest.py's record and hook), else ../conftest.py's own."""
    found = {}
    for plugin in config.pluginmanager.get_plugins():
        path = getattr(plugin, "__file__", "") or ""
        if path.endswith("conftest.py") and isinstance(getattr(plugin, "RESULTS", None), dict):
            found[os.path.basename(os.path.dirname(path))] = plugin.RESULTS
    for folder in ("mathverify", "conformance"):
        if folder in found:
            return found[folder]
    raise RuntimeError("no conformance conftest with a RESULTS record is loaded")


# ------------------------------------------------------------------------------------------------ the test


@pytest.fixture(scope="module")
def inputs():
    rows = _tables.extract(_tables.read_test_sources(_tables.sdist_path())).rows
    labeled = [json.loads(line) for line in open(LABELED, encoding="utf-8") if line.strip()]
    groups = {
        "hand": list(HAND),
        "regression_tables": [(r.gold, r.pred) for r in rows] + [(r.pred, r.gold) for r in rows],
        "math_labeled": [(r["gold"], r["prediction"]) for r in labeled] + [(r["prediction"], r["gold"]) for r in labeled],
        "generated": generated(N_GENERATED),
    }
    return groups


def test_alias_equals_math_verify(inputs, request):
    pairs = [p for g in inputs.values() for p in g]
    assert len(inputs["regression_tables"]) >= 2 * 270 and len(inputs["math_labeled"]) >= 4000
    theirs = oracle_verdicts(pairs)
    ours = alias_verdicts(pairs)
    mismatches, timing = [], []
    for (gold, pred), (a, a_to), (b, b_to) in zip(pairs, ours, theirs):
        if a == b:
            continue
        case = {"gold": gold, "pred": pred, "evalmetrics": a, "math_verify": b,
                "evalmetrics_timeout": a_to, "math_verify_timeout": b_to}
        (timing if (a_to or b_to) else mismatches).append(case)
    stats = _results(request.config).setdefault(ALIAS, {"n": 0, "mismatches": 0, "package": PACKAGE, "examples": []})
    stats["n"] += len(pairs)
    stats["mismatches"] += len(mismatches)
    stats["examples"].extend(mismatches[:5])
    if timing:
        stats["timing_differences"] = timing  # explained (a math-verify timeout fired on one side), listed in full
    print(f"\n{ALIAS}: {len(pairs)} inputs ({', '.join(f'{k} {len(v)}' for k, v in inputs.items())}); "
          f"{sum(1 for v, _ in ours if v == 1.0)} verified; {len(mismatches)} mismatches; "
          f"{len(timing)} differences where a math-verify timeout fired; "
          f"timeouts: alias {sum(t for _, t in ours)}, in-process {sum(t for _, t in theirs)}")
    for case in timing:
        print("  timing:", case)
    assert len(pairs) >= 5000
    assert not mismatches, f"{len(mismatches)} mismatches of {len(pairs)}: {mismatches[:5]}"


def test_the_comparison_can_fail():
    """The meta-test: options change verdicts on these inputs (the alias and the oracle both), so the equality
    above is evidence, not a comparison of constants."""
    from math_verify import parse, verify

    import evalmetrics as em

    pairs = [("1/3", "0.33"), ("$x+1$", "$y+1$"), ("1/3", "0.333")]
    strict = em.get("math_verify:verify")
    loose = em.get("math_verify:verify", strict=False, float_rounding=2)
    ours_strict = [strict.score(p, g) for g, p in pairs]
    ours_loose = [loose.score(p, g) for g, p in pairs]
    assert ours_strict != ours_loose
    assert ours_strict == [float(verify(parse(g), parse(p))) for g, p in pairs]
    assert ours_loose == [float(verify(parse(g), parse(p), strict=False, float_rounding=2)) for g, p in pairs]
