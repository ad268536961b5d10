"""The safe math parser: forms it reads, values it gives, and the only errors it raises."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics.mathparse import BoundExceeded, LIMITS, MathParseError, clean, parse, read_answer
from evalmetrics.mathparse.compare import Options, rational_value, to_sympy

# (text, exact value) - the value is what the text means, written independently with Fractions.
RATIONAL_FORMS = [
    ("\\frac{1}{2}", Fraction(1, 2)),
    ("\\dfrac{3}{4}", Fraction(3, 4)),
    ("\\tfrac{5}{6}", Fraction(5, 6)),
    ("\\frac12", Fraction(1, 2)),
    ("\\frac1{72}", Fraction(1, 72)),
    ("3/4", Fraction(3, 4)),
    ("-\\frac{15}{36}", Fraction(-5, 12)),
    ("2^{10}", Fraction(1024)),
    ("2**10", Fraction(1024)),
    ("2^-2", Fraction(1, 4)),
    ("3 \\cdot 4", Fraction(12)),
    ("3 \\times 4", Fraction(12)),
    ("3 × 4", Fraction(12)),
    ("3 · 4", Fraction(12)),
    ("\\left( 1+2 \\right) \\cdot 3", Fraction(9)),
    ("2(3+4)", Fraction(14)),
    ("−7", Fraction(-7)),
    ("1,000", Fraction(1000)),
    ("1{,}000{,}000", Fraction(1000000)),
    ("1\\,000", Fraction(1000)),
    ("1\u2009000", Fraction(1000)),
    ("12.5", Fraction(25, 2)),
    (".5", Fraction(1, 2)),
    ("3.2e4", Fraction(32000)),
    ("1.5E-3", Fraction(3, 2000)),
    ("0.\\overline{3}", Fraction(1, 3)),
    ("0.1\\overline{6}", Fraction(1, 6)),
    ("0.(3)", Fraction(1, 3)),
    ("0.2(27)", Fraction(5, 22)),
    ("0.333\\ldots", Fraction(1, 3)),
    ("0.142857142857...", Fraction(1, 7)),
    ("0.8333333\\ldots", Fraction(5, 6)),
    ("1011_2", Fraction(11)),
    ("1011_{2}", Fraction(11)),
    ("FF", None),  # not a number: two symbols
    ("seven", Fraction(7)),
    ("twenty-one", Fraction(21)),
    ("one hundred and five", Fraction(105)),
    ("\\$5", Fraction(5)),
    ("$\\boxed{42}$.", Fraction(42)),
    # mixed numbers (issue 14): a whole number, then a proper fraction of whole numbers, standing as one term
    ("3 1/2", Fraction(7, 2)),
    ("1\\frac{1}{2}", Fraction(3, 2)),
    ("1 \\frac{1}{2}", Fraction(3, 2)),
    ("2\\frac34", Fraction(11, 4)),
    ("-1\\frac{1}{2}", Fraction(-3, 2)),
    ("3 5/2", Fraction(15, 2)),  # improper: not a mixed number, a product
    ("\\frac12 3", Fraction(3, 2)),  # a fraction first: a product
]


@pytest.mark.parametrize("text,value", RATIONAL_FORMS, ids=[t for t, _ in RATIONAL_FORMS])
def test_rational_forms(text, value):
    node = parse(clean(text).text)
    if value is None:
        with pytest.raises(Exception):
            rational_value(node)
        return
    assert rational_value(node) == value


def _sympy_forms():
    import sympy as sp

    x, a, b = sp.symbols("x a b")
    return [
        ("\\sqrt{2}", sp.sqrt(2)),
        ("\\sqrt2", sp.sqrt(2)),
        ("√2", sp.sqrt(2)),
        ("\\sqrt[3]{x}", sp.root(x, 3)),
        ("2\\pi", 2 * sp.pi),
        ("π", sp.pi),
        ("\\infty", sp.oo),
        ("∞", sp.oo),
        ("-\\infty", -sp.oo),
        ("infinity", sp.oo),
        ("e^{i\\pi}", sp.Integer(-1)),
        ("3i", 3 * sp.I),
        ("4ab", 4 * a * b),
        ("x^2+2x+1", x**2 + 2 * x + 1),
        ("\\sin^2 x", sp.sin(x) ** 2),
        ("\\ln(x)", sp.log(x)),
        ("\\log_2 8", sp.log(8, 2)),
        ("|x|", sp.Abs(x)),
        ("5!", sp.Integer(120)),
        ("\\binom{5}{2}", sp.Integer(10)),
        ("\\frac{\\sqrt{3}}{2}", sp.sqrt(3) / 2),
        ("oo", sp.oo),  # issue 14: sympy's spelling of infinity, not o*o
        ("-oo", -sp.oo),
    ]


@pytest.mark.parametrize("i", range(23))
def test_symbolic_forms(i):
    text, expected = _sympy_forms()[i]
    got = to_sympy(parse(clean(text).text), Options())
    assert got == expected, (text, got)


STRUCTURES = [
    ("(1,2]", ("interval", False, True)),
    ("[1,2)", ("interval", True, False)),
    ("[1,2]", ("interval", True, True)),
    ("(1,2)", ("tuple",)),
    ("(1,2,3)", ("tuple",)),
    ("\\{1,2\\}", ("set",)),
    ("\\emptyset", ("set",)),
    ("1, 2, 3", ("list",)),
    ("x=3", ("rel",)),
    ("x \\le 3", ("rel",)),
    ("3 \\pm \\sqrt{2}", ("pm",)),
    ("(-\\infty, 1) \\cup (2, \\infty)", ("union",)),
    ("\\begin{pmatrix}1 & 2\\\\ 3 & 4\\end{pmatrix}", ("matrix",)),
    ("\\begin{bmatrix}1\\\\2\\end{bmatrix}", ("matrix",)),
]


@pytest.mark.parametrize("text,shape", STRUCTURES, ids=[t for t, _ in STRUCTURES])
def test_structures(text, shape):
    node = parse(clean(text).text)
    assert node[0] == shape[0]
    if shape[0] == "interval":
        assert (node[3], node[4]) == shape[1:]


def test_matrix_shape_and_values():
    node = parse(clean("\\begin{pmatrix}1 & \\frac12\\\\ 3 & 4\\end{pmatrix}").text)
    assert [[rational_value(v) for v in row] for row in node[1]] == [[1, Fraction(1, 2)], [3, 4]]


@pytest.mark.parametrize(
    "text,unit,percent,degrees",
    [
        ("5\\text{ cm}", "cm", False, False),
        ("5 centimeters", "cm", False, False),
        ("12 square units", "unit^2", False, False),
        ("50\\%", None, True, False),
        ("50%", None, True, False),
        ("30^\\circ", None, False, True),
        ("30°", None, False, True),
        ("30 degrees", None, False, True),
        ("\\text{Monday}", None, False, False),
    ],
)
def test_markers(text, unit, percent, degrees):
    c = clean(text)
    assert (c.unit, c.percent, c.degrees) == (unit, percent, degrees)


@pytest.mark.parametrize("text", ["\\text{Monday}", "Monday", "\\textbf{blue}", "north east"])
def test_text_answers_are_text(text):
    a = read_answer(text)
    assert a.node is None and a.text == text.replace("\\text{", "").replace("\\textbf{", "").rstrip("}").lower()


@pytest.mark.parametrize("text", ["\\input{/etc/passwd}", "\\def\\x{\\x}\\x", "\\newcommand{\\a}{1}", "\\csname x\\endcsname",
                                  "__import__('os')", "\\frac{1}", "(1,2", "1 +", "\\begin{pmatrix}1&2\\\\3\\end{pmatrix}"])
def test_unknown_or_broken_input_is_a_parse_error(text):
    with pytest.raises(MathParseError):
        parse(clean(text).text)


def test_depth_bound_is_ours_not_recursion_error():
    deep = "(" * 1500 + "1" + ")" * 1500  # under the token and length caps: the depth bound decides
    with pytest.raises(BoundExceeded) as e:
        parse(deep)
    assert e.value.bound == "max_depth"
    assert isinstance(e.value, em.Timeout)
    with pytest.raises(BoundExceeded):
        parse("-" * 5000 + "1")
    with pytest.raises(BoundExceeded):
        parse("\\frac{" * 1500 + "1" + "}{2}" * 1500)
    with pytest.raises(BoundExceeded):
        parse("x=" * 2000 + "1")


def test_length_digit_and_exponent_bounds():
    with pytest.raises(BoundExceeded, match="max_chars"):
        clean("1" * (LIMITS.max_chars + 1))
    with pytest.raises(BoundExceeded, match="max_digits"):
        parse("9" * (LIMITS.max_digits + 1))
    with pytest.raises(BoundExceeded, match="max_exponent"):
        rational_value(parse("10^{10^{10}}"))
    with pytest.raises(BoundExceeded, match="max_exponent"):
        parse("1e99999")
    with pytest.raises(BoundExceeded, match="max_factorial"):
        to_sympy(parse("9999999!"), Options())


# ------------------------------------------------------------------------------ properties

def _expr(depth):
    """(latex, plain, value) triples for random arithmetic; value computed with Fractions."""
    leaf = st.integers(0, 999).map(lambda n: (str(n), str(n), Fraction(n)))
    if depth == 0:
        return leaf
    sub = _expr(depth - 1)

    def combine(op, a, b):
        la, pa, va = a
        lb, pb, vb = b
        if op == "+":
            return (f"{{{la}}}+{{{lb}}}" if False else f"({la})+({lb})", f"({pa})+({pb})", va + vb)
        if op == "-":
            return (f"({la})-({lb})", f"({pa})-({pb})", va - vb)
        if op == "*":
            return (f"({la})\\cdot({lb})", f"({pa})*({pb})", va * vb)
        if vb == 0:
            return (f"({la})+({lb})", f"({pa})+({pb})", va + vb)
        return (f"\\frac{{{la}}}{{{lb}}}", f"({pa})/({pb})", va / vb)

    def power(a, k):
        la, pa, va = a
        if va == 0 and k < 0:
            k = -k
        return (f"\\left({la}\\right)^{{{k}}}", f"({pa})**({k})", va**k)

    return st.one_of(
        leaf,
        st.builds(combine, st.sampled_from("+-*/"), sub, sub),
        st.builds(power, sub, st.integers(-3, 3)),
        sub.map(lambda a: (f"-({a[0]})", f"-({a[1]})", -a[2])),
    )


@settings(max_examples=200, deadline=None)
@given(_expr(3))
def test_parsed_value_equals_fraction_arithmetic(e):
    latex, plain, value = e
    for text in (latex, plain):
        try:
            got = rational_value(parse(clean(text).text))
        except BoundExceeded:
            continue  # a bound (size of a power) is a typed, allowed outcome
        assert got == value, text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.text(alphabet="\\{}()[]^_0123456789.,+-*/=|&!$%abcefixpqrt ", max_size=60))
def test_parser_raises_only_typed_errors(text):
    try:
        a = read_answer(text)
    except BoundExceeded:
        return
    assert a.node is None or isinstance(a.node, tuple)
    if a.node is not None:
        try:
            to_sympy(a.node, Options())
        except BoundExceeded:
            pass
        except Exception as e:  # only our typed errors, or the converter's own "not a scalar" marker
            assert type(e).__name__ in ("_NotScalar",), repr(e)


def test_import_stays_light():
    import subprocess
    import sys

    code = ("import sys, evalmetrics as em; m = em.MathEquivalence(); m.score('\\\\boxed{1/2}', '0.5'); "
            "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"  # a pure-rational comparison never imports sympy


@pytest.mark.parametrize("text,places", [("0.0833", 4), (".5", 1), ("12.50", 2), ("8.3e-2", 3), ("1.5E3", -2),
                                         ("12", None), ("1e5", None), ("0.(3)", None), ("1011_2", None)])
def test_decimal_places_of_a_literal(text, places):
    """A decimal literal keeps the places it was written to (the long-decimal rule, issue 14)."""
    from evalmetrics.mathparse.parser import decimal_places

    assert decimal_places(text) == places
    node = parse(text)
    if places is not None:
        assert node == ("num", node[1], places)
