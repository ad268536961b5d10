"""parse_expr_safe: srepr-identical to sympy's parse_expr on math-verify's expression alphabet, and never evaluates.

The differential oracle is sympy's own ``parse_expr`` (the real function the harnesses call), run on strings drawn
from the characters math-verify's and lighteval's expression regex admits (digits, ``.``, whitespace,
``+ - * / ^ ( )``, ``×``, ``÷``; the harnesses replace ``^`` by ``**`` and newlines by spaces before parsing).
"""
import builtins
import os
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

sympy = pytest.importorskip("sympy")
from sympy import srepr  # noqa: E402
from sympy.parsing import parse_expr  # noqa: E402

from evalmetrics.mathparse.pyexpr import parse_expr_safe  # noqa: E402

# sympy itself warns (both sides alike) when a tuple such as "(1,2)+3" becomes an Add argument.
pytestmark = pytest.mark.filterwarnings("ignore::sympy.utilities.exceptions.SymPyDeprecationWarning")

_TOKENS = ["0", "1", "2", "3", "7", "9", "10", "12", "007", "3.5", ".5", "2.", "1,000", ".", " ", "  ", "\t",
           "+", "-", "*", "/", "**", "^", "(", ")", "(", ")", "×", "÷", "\n", "e5", "\u2003"]


def _outcome(fn, text, evaluate):
    try:
        return ("ok", srepr(fn(text, evaluate=evaluate)))
    except Exception as e:  # noqa: BLE001 - any exception counts as "raises"; both must raise
        return ("raises", type(e).__name__)


def _same(text, evaluate=False):
    theirs = _outcome(parse_expr, text, evaluate)
    ours = _outcome(parse_expr_safe, text, evaluate)
    if theirs[0] == "ok" or ours[0] == "ok":
        assert ours == theirs, text
    return theirs[0]


token_strings = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=14).map("".join)
# What the harness regex can match: optional sign and paren, a digit, then expression characters.
regex_like = st.from_regex(re.compile(r"-?\(?-?\d[\d. +\-*×/^()÷]{0,12}[+\-*×/^()÷][\d. +\-*×/^()÷]{1,12}\)?"),
                           fullmatch=True)


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(token_strings)
@example("1/2 + 3**2")
@example("-2*-3")
@example("2/-3")
@example("-(1+2)")
@example("(1)(2)")
@example("1...2")
@example("0777")
def test_matches_sympy_on_token_strings(text):
    _same(text.replace("\n", " ").replace("^", "**"))


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(regex_like)
def test_matches_sympy_on_regex_shaped_strings(text):
    _same(text.replace("\n", " ").replace("^", "**"))


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from([t for t in _TOKENS if t not in ("**", "^", "e5")]), min_size=1, max_size=10)
       .map("".join))
def test_matches_sympy_with_evaluation(text):
    # evaluate=True applies Python's operators to sympy objects; no powers here (they would be evaluated).
    _same(text, evaluate=True)


def test_the_differential_draws_both_parsed_and_rejected_strings():
    kinds = {_same(t) for t in ["1+2", "1 2", "1×2", "(3.5/7)**2", "1/(2"]}
    assert kinds == {"ok", "raises"}


_HOSTILE = [
    "__import__('os').system('true')",
    "exec('import os')",
    "open('{marker}', 'w')",
    "exec('x=1')",
    "eval('1')",
    "getattr(Integer(1), '__class__')",
    "Integer(1).__class__",
    "(lambda: 1)()",
    "[c for c in (1,)]",
    "Integer(1).__class__.__mro__[1].__subclasses__()",
    "S.Half",
    "sympify('1+1')",
    "Function('f')(1)",
    "Symbol('x').subs(Symbol('x'), 1)",
    "print(1)",
    "Integer(*[1])",
    "Integer(1, evaluate=print)",
    "~Integer(1)",
    "not 1",
    "(1).real",
    "{1: 2}",
    "Integer(1)[0]",
    "x if 1 else y",
    "f'{1}'",
]


@pytest.mark.parametrize("template", _HOSTILE)
def test_hostile_text_is_rejected_without_evaluation(template, tmp_path, monkeypatch):
    marker = tmp_path / "marker"
    text = template.replace("{marker}", str(marker))
    calls = []

    def trap(name):
        def f(*a, **k):
            calls.append(name)
            raise AssertionError(f"{name} was called")
        return f

    for name in ("eval", "exec", "print", "open"):
        monkeypatch.setattr(builtins, name, trap(name))
    monkeypatch.setattr(sympy, "sympify", trap("sympify"))
    try:
        with pytest.raises((ValueError, SyntaxError)):
            parse_expr_safe(text, evaluate=False)
        with pytest.raises((ValueError, SyntaxError)):
            parse_expr_safe(text, evaluate=True)
    finally:
        monkeypatch.undo()
    assert calls == []
    assert not os.path.exists(marker)


def test_sympy_itself_would_evaluate_the_hostile_text(tmp_path):
    # The meta-test: the same text through sympy's parse_expr does run code, so the test above can fail.
    marker = tmp_path / "marker"
    try:
        parse_expr(f"open('{marker}', 'w')", evaluate=False)
    except Exception:  # noqa: BLE001 - whatever it returns, the file was opened first
        pass
    assert os.path.exists(marker)


def test_parsing_needs_no_eval(monkeypatch):
    def trap(*a, **k):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", trap)
    monkeypatch.setattr(builtins, "exec", trap)
    assert srepr(parse_expr_safe("(1+2)*3/4 - 5**2", evaluate=False)) == srepr(
        _unpatched_parse("(1+2)*3/4 - 5**2", monkeypatch)
    )


def _unpatched_parse(text, monkeypatch):
    monkeypatch.undo()
    return parse_expr(text, evaluate=False)


def test_bad_argument_types():
    with pytest.raises(TypeError):
        parse_expr_safe(None)
    with pytest.raises(ValueError):
        parse_expr_safe("1+" * 6000 + "1")


# -- the worker firewall: sympify(str) / Number(str) as sympy's ANTLR parse_latex, latex2sympy2 and math-verify call
#    them on number tokens, routed through the safe parser with sympify's own transformations

_NUMBER_TOKENS = st.from_regex(re.compile(r"-?\d{1,12}(,\d{3}){0,2}(\.\d{0,6})?|\.\d{1,6}|nan|inf|-inf"), fullmatch=True)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(_NUMBER_TOKENS)
def test_compatible_signature_matches_sympify_on_number_tokens(text):
    from sympy.parsing.sympy_parser import convert_xor, standard_transformations

    from evalmetrics.mathparse.pyexpr import parse_expr_compatible

    def theirs(t, evaluate):
        return sympy.sympify(t)

    def ours(t, evaluate):
        return parse_expr_compatible(t, transformations=standard_transformations + (convert_xor,), evaluate=True)

    a, b = _outcome(theirs, text, True), _outcome(ours, text, True)
    if a[0] == "ok" or b[0] == "ok":
        assert a == b, text


def test_compatible_refuses_a_callers_namespace():
    from evalmetrics.mathparse.pyexpr import parse_expr_compatible

    with pytest.raises(ValueError, match="local_dict"):
        parse_expr_compatible("x", local_dict={"x": 1})
    with pytest.raises(ValueError, match="local_dict"):
        parse_expr_compatible("x", global_dict={})

