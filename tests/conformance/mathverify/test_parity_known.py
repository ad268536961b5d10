r"""Known, deliberate disagreements with math-verify 0.9.0, as strict xfails (listed in docs/math.md).

Each case calls the real math-verify with every default, ``verify(parse("$" + gold + "$"), parse(prediction))``
(the gold in math delimiters, as its README writes golds), and asserts that MathEquivalence's default verdict,
``score(prediction, gold) == 1.0``, is the same. math-verify is wrong on each of these, so the assertion fails and
the xfail holds; should the two ever agree, the strict xfail turns into a failure and the case must be revisited
(and removed from docs/math.md "## Against math-verify").

A sanity case where both agree (not xfail) shows the comparison itself can pass.
"""
from __future__ import annotations

import pytest

# (prediction, gold, the mathematically right verdict, why math-verify's verdict is wrong)
KNOWN = [
    (r"$0.\overline{3}$", r"\frac{1}{3}", True, "repeating-decimal overline: 0.333... is 1/3; math-verify says no"),
    ("$0.(3)$", r"\frac{1}{3}", True, "repeating decimal with the period in parentheses; math-verify says no"),
    (r"$0.333\ldots$", r"\frac{1}{3}", True, "repeating decimal written with \\ldots; math-verify says no"),
    (r"$5 \text{ m}$", r"5 \text{ cm}", False, "units: 5 m is not 5 cm; math-verify drops units"),
    (r"$\boxed{186 \text{ kg}}$", r"186 \text{ g}", False, "units: kg is not g; math-verify drops units"),
    (r"$30^\circ$", r"30\%", False, "degrees are not percent; math-verify drops both signs"),
    (r"$30\%$", r"30^\circ", False, "percent is not degrees; math-verify drops both signs"),
    (r"$1 + \frac{1}{\mathrm{e}}$", r"1 - \frac{1}{\mathrm{e}}", False,
     "1 + 1/e is not 1 - 1/e (math-verify's own table expects them equal)"),
    ("$0.333333$", r"\frac13", False, "rounded decimal: math-verify rounds both sides to 6 places"),
    ("$0.0833334$", r"\frac{1}{12}", False,
     "a wrong 7th digit: math-verify rounds both sides to 6 places, so 0.0833334 passes for 1/12"),
    ("The answer is not 7; it is 8.", "8", True, "negated statement: the stated answer is 8"),
    ("The answer is not 7; it is 8.", "7", False, "negated statement: 7 is the rejected value"),
    ("1\u2009000\u2009000", "1000000", True, "thin-space thousands separators"),
    (r"$1\,000\,000$", "1000000", True, r"\, thousands separators"),
    ("3.2e4", "32000", True, "e-notation: 3.2e4 is 32000"),
    ("\u22125", "-5", True, "Unicode minus sign"),
    ("The answer is three.", "3", True, "number words"),
    ("####12", "12", True, "GSM8K #### without a space"),
    ("1011_2", "11", True, "base subscript: 1011 in base 2 is eleven"),
    ("$10_8$", "10", False, "base subscript: 10 in base 8 is eight, not ten"),
    ("infinity", r"\infty", True, "the word infinity"),
    ("4ab", "4ba", True, "implicit multiplication commutes"),
    # issue 14 verdicts (docs/math.md "Verdicts decided with evidence")
    ("$oo$", r"\infty", True, "oo is sympy's spelling of infinity; math-verify reads it as the product o*o"),
    ("$(-oo, 2)$", r"(-\infty, 2)", True, "sympy-spelled interval ends"),
    ("$3 1/2$", r"\frac{7}{2}", True, "the mixed number 3 1/2 is 7/2; math-verify reads (3+1)/2 = 2"),
    ("$3 1/2$", "2", False, "3 1/2 is not 2 (math-verify's reading)"),
]


def _theirs(prediction: str, gold: str) -> bool:
    from math_verify import parse, verify

    return bool(verify(parse("$" + gold + "$"), parse(prediction)))


def _ours(prediction: str, gold: str) -> bool:
    import evalmetrics as em

    try:
        return em.MathEquivalence().score(prediction, gold) == 1.0
    except em.Timeout:
        return False


@pytest.mark.parametrize(
    "prediction,gold,right,reason",
    [pytest.param(p, g, ok, why, id=f"{i:02d}", marks=pytest.mark.xfail(strict=True, reason=why))
     for i, (p, g, ok, why) in enumerate(KNOWN)],
)
def test_parity_with_math_verify(prediction, gold, right, reason):
    assert _ours(prediction, gold) == _theirs(prediction, gold)


@pytest.mark.parametrize("prediction,gold,right,reason", KNOWN, ids=[f"{i:02d}" for i in range(len(KNOWN))])
def test_our_verdict_is_the_right_one(prediction, gold, right, reason):
    """The xfail above is a disagreement for the right reason: our verdict is the mathematically right one."""
    assert _ours(prediction, gold) == right, reason


# (prediction, gold); the issue 14 rows are verdicts where we follow math-verify (see docs/math.md)
BOTH_AGREE = [
    (r"$\boxed{4i + 4}$", "4 + 4i"), (r"$\frac{1}{2}$", "0.5"), ("#### 12", "12"), (r"$x = 4$", "3"),
    ("$0.0833333333333333$", r"\frac{1}{12}"), (r"$\sqrt{17}$", "4.123105625617661"), ("$0.33$", r"\frac13"),
    ("$3.14159265358979$", r"\pi"), (r"$1\frac{1}{2}$", r"\frac32"), (r"$1\frac{1}{2}$", r"\frac12"),
    (r"$3 \frac{1}{2}$", "3.5"), (r"$2\frac{1}{3}\pi$", r"\frac{2\pi}{3}"), ("$1/0$", "1/0"),
    ("$1/0$", r"\frac{1}{0}"), ("$1/0$", "2/0"),
]


@pytest.mark.parametrize("prediction,gold", BOTH_AGREE, ids=[f"{i:02d}" for i in range(len(BOTH_AGREE))])
def test_parity_where_both_agree(prediction, gold):
    assert _ours(prediction, gold) == _theirs(prediction, gold)
