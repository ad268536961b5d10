"""sympy's ``parse_expr`` without ``eval``: the same tokens, the same AST, interpreted through a whitelist.

math-verify 0.9.0 and lighteval 0.13 turn a matched arithmetic string (digits, ``.``, spaces, ``+ - * / ^ ( )``)
into sympy with ``sympy.parsing.parse_expr(text, evaluate=False)``, which ends in Python's ``eval`` of generated
code in a namespace holding every sympy name and every builtin function. :func:`parse_expr_safe` runs the steps
before that unchanged (sympy's ``stringify_expr`` with the same transformations and the same name table, then
sympy's ``evaluateFalse`` AST transform) and replaces the final ``eval`` by a small interpreter of that AST which
admits only:

- Python literals (numbers, strings, ``True``/``False``/``None``, ``...``) and tuples/lists of admitted nodes;
- calls of the number and arithmetic constructors ``Integer Float Rational Symbol Add Mul Pow Eq Ne Lt Le Gt Ge``
  with admitted arguments and at most the keyword ``evaluate`` set to a literal;
- the names of sympy's numeric constants (``pi E I oo zoo nan`` ...);
- unary ``-``/``+`` (``~`` and ``not`` are refused) and, when an operand is a sympy object, the binary operators
  ``+ - * / ** % // @ << >>`` applied exactly as Python would (with ``evaluate=False`` sympy's ``evaluateFalse``
  has already turned ``+ - * / **`` into ``Add``/``Mul``/``Pow`` calls, so only the others remain).

Anything else (another name, an attribute, a subscript, a lambda, a comprehension, a call of a call) raises
``ValueError`` before anything is evaluated. On the strings those harnesses' regexes can match, the result is
``srepr``-identical to sympy's ``parse_expr(text, evaluate=False)``, and the two raise on the same strings
(differential test: tests/test_pyexpr.py). Nothing here calls ``eval``, ``exec``, ``sympify`` or ``parse_expr``.
"""
from __future__ import annotations

import ast
import functools
import operator
from typing import Any

__all__ = ["parse_expr_safe", "parse_expr_compatible", "install_sympy_firewall", "MAX_TEXT_LENGTH"]

#: Longer texts are refused (ValueError): the regexes that feed this never match anything near this size in practice.
MAX_TEXT_LENGTH = 10_000

_CONSTRUCTORS = ("Integer", "Float", "Rational", "Symbol", "Add", "Mul", "Pow", "Eq", "Ne", "Lt", "Le", "Gt", "Ge")
_CONSTANTS = ("pi", "E", "I", "oo", "zoo", "nan", "EulerGamma", "Catalan", "GoldenRatio", "TribonacciConstant")
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow, ast.Mod: operator.mod, ast.FloorDiv: operator.floordiv, ast.MatMult: operator.matmul,
           ast.LShift: operator.lshift, ast.RShift: operator.rshift}


@functools.lru_cache(maxsize=1)
def _tables():
    """(the name table sympy's parse_expr builds, which its transformations consult; our admitted names)."""
    import builtins
    import types

    import sympy

    # The table parse_expr builds with ``exec('from sympy import *', ...)`` plus builtin functions and Max/Min;
    # auto_symbol only asks whether a name is in it and callable, so it must be the same table.
    global_dict: dict[str, Any] = {name: getattr(sympy, name) for name in sympy.__all__}
    for name, obj in vars(builtins).items():
        if isinstance(obj, types.BuiltinFunctionType):
            global_dict[name] = obj
    global_dict["max"] = sympy.Max
    global_dict["min"] = sympy.Min
    functions = {name: getattr(sympy, name) for name in _CONSTRUCTORS}
    constants = {name: getattr(sympy, name) for name in _CONSTANTS}
    return global_dict, functions, constants


class _Interpreter:
    def __init__(self, functions, constants):
        self.functions = functions
        self.constants = constants
        import sympy

        self.basic = sympy.Basic

    def run(self, node):
        meth = getattr(self, "_" + type(node).__name__, None)
        if meth is None:
            raise ValueError(f"parse_expr_safe: {type(node).__name__} is not allowed")
        return meth(node)

    def _Expression(self, node):
        return self.run(node.body)

    def _Constant(self, node):
        return node.value

    def _Tuple(self, node):
        return tuple(self.run(e) for e in node.elts)

    def _List(self, node):
        return [self.run(e) for e in node.elts]

    def _Name(self, node):
        if node.id in self.constants:
            return self.constants[node.id]
        raise ValueError(f"parse_expr_safe: the name {node.id!r} is not allowed")

    def _UnaryOp(self, node):
        op = _UNARY.get(type(node.op))
        if op is None:
            raise ValueError(f"parse_expr_safe: the operator {type(node.op).__name__} is not allowed")
        return op(self.run(node.operand))

    def _BinOp(self, node):
        op = _BINARY.get(type(node.op))
        if op is None:
            raise ValueError(f"parse_expr_safe: the operator {type(node.op).__name__} is not allowed")
        left, right = self.run(node.left), self.run(node.right)
        # Only sympy objects: a Python int ** or << would be unbounded work; sympy applies its own rules.
        if not (isinstance(left, self.basic) or isinstance(right, self.basic)):
            raise ValueError("parse_expr_safe: an operator on plain Python values is not allowed")
        return op(left, right)

    def _Call(self, node):
        if not isinstance(node.func, ast.Name) or node.func.id not in self.functions:
            what = node.func.id if isinstance(node.func, ast.Name) else type(node.func).__name__
            raise ValueError(f"parse_expr_safe: calling {what!r} is not allowed")
        args = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise ValueError("parse_expr_safe: *arguments are not allowed")
            args.append(self.run(a))
        kwargs = {}
        for k in node.keywords:
            if k.arg != "evaluate" or not isinstance(k.value, ast.Constant):
                raise ValueError("parse_expr_safe: only the keyword evaluate=<literal> is allowed")
            kwargs["evaluate"] = k.value.value
        return self.functions[node.func.id](*args, **kwargs)


def parse_expr_safe(text: str, evaluate: bool = True, *, transformations=None):
    """Parse ``text`` as sympy's ``parse_expr(text, evaluate=evaluate)`` with its standard transformations would,
    without ``eval``: raises ``ValueError`` for any construct outside the whitelist (see the module docstring), and
    otherwise whatever sympy's tokenizer, ``ast.parse`` or the admitted constructors raise for that text.
    ``transformations`` (sympy's token transformations; default its ``standard_transformations``) only rewrite
    tokens before the interpreter runs.

    >>> from sympy import srepr
    >>> srepr(parse_expr_safe("1/2 + 3**2", evaluate=False))
    'Add(Mul(Integer(1), Pow(Integer(2), Integer(-1))), Pow(Integer(3), Integer(2)))'
    >>> parse_expr_safe("__import__('os')", evaluate=False)
    Traceback (most recent call last):
    ...
    ValueError: parse_expr_safe: calling '__import__' is not allowed
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_expr_safe: expected a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"parse_expr_safe: text longer than {MAX_TEXT_LENGTH} characters")
    from sympy.parsing.sympy_parser import evaluateFalse, standard_transformations, stringify_expr

    global_dict, functions, constants = _tables()
    if transformations is None:
        transformations = standard_transformations
    # stringify_expr only tokenizes and rewrites tokens; auto_symbol may write into local_dict, so it gets a fresh one.
    code = stringify_expr(text, {}, global_dict, transformations)
    tree = evaluateFalse(code) if not evaluate else ast.Expression(_single_expression(code))
    return _Interpreter(functions, constants).run(tree)


def _single_expression(code: str):
    """What ``eval(code)`` would evaluate: the one expression ``code`` holds (SyntaxError otherwise)."""
    return ast.parse(code, mode="eval").body


def parse_expr_compatible(s, local_dict=None, transformations=None, global_dict=None, evaluate=True):
    """:func:`parse_expr_safe` behind sympy's ``parse_expr`` signature (what :func:`install_sympy_firewall` puts in
    its place). A caller's own ``local_dict`` or ``global_dict`` is refused (ValueError): names are never looked up
    in a caller's namespace."""
    if local_dict or global_dict is not None:
        raise ValueError("parse_expr_safe: a local_dict or global_dict is not supported")
    from sympy.parsing.sympy_parser import T, standard_transformations

    if transformations is None:
        transformations = standard_transformations
    elif isinstance(transformations, str):
        if transformations not in ("all", "implicit"):
            raise ValueError("unknown transformation group name")
        transformations = T[:] if transformations == "all" else T[:6]
    return parse_expr_safe(s, evaluate=evaluate, transformations=tuple(transformations))


def _refuse_eval(*_args, **_kwargs):
    raise ValueError("evaluation of parsed text is disabled in this process (evalmetrics sympy firewall)")


def install_sympy_firewall() -> None:
    """Make every text-to-sympy path of *this process* go through :func:`parse_expr_safe`.

    For worker processes only (``evalmetrics.isolated``), before a harness module is imported: sympy's
    ``parse_expr`` (module attribute and the ``sympy.parsing`` re-export) becomes :func:`parse_expr_compatible`,
    and its ``eval_expr`` (the one ``eval`` of parsed text) refuses. ``sympify`` of a string, and so ``Number(str)``,
    which math-verify, latex2sympy2 and sympy's own ANTLR ``parse_latex`` call on number tokens, import
    ``parse_expr`` from that module at call time and therefore get the safe one. Idempotent.
    """
    import sympy.parsing
    import sympy.parsing.sympy_parser as sympy_parser

    sympy_parser.parse_expr = parse_expr_compatible
    sympy_parser.eval_expr = _refuse_eval
    sympy.parsing.parse_expr = parse_expr_compatible
