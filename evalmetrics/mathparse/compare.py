r"""Equivalence of two parsed answers: exact rationals first, then sympy objects built directly from the AST.

Order of checks for two scalar expressions: (1) exact ``Fraction`` arithmetic when both are rational numbers;
(2) structural equality after sympy's automatic evaluation; (3) ``expand`` of ``a - b`` only below
``LIMITS.max_expand_nodes`` nodes; (4) ``evalf`` of ``a - b`` at 30 digits at three fixed points for the free
symbols, equal when ``|a - b| <= max(tol * max(|a|, |b|), abs_tol)`` at every point, with
``tol = max(rel_tol, NUMERIC_NOISE)`` (``NUMERIC_NOISE = 1e-20``: what 30-digit evaluation cannot tell from 0).
Exact rationals compare exactly unless ``rel_tol`` / ``abs_tol`` are set, with one rule for long
decimals: a decimal literal with at least ``LONG_DECIMAL_DIGITS`` (15) significant digits equals a real value that
rounds to it at its own number of places, or whose nearest double Python prints as it. Two identical trees are
equal (an undefined value such as 1/0 equals only itself, however it is spelled). ``sympy.simplify``,
``sympify`` and ``parse_expr`` are never called. Collections compare element by element (sets and bare lists
unordered, tuples ordered unless configured), intervals by both ends and both closures, matrices elementwise.
"""
from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

from .bounds import LIMITS, NO_DEADLINE, BoundExceeded, Deadline

__all__ = ["Options", "equivalent", "rational_value", "to_sympy", "LONG_DECIMAL_DIGITS"]


class Options(NamedTuple):
    rel_tol: float = 0.0
    abs_tol: float = 0.0
    tuples: str = "ordered"  # or "unordered"
    bare_lists: str = "unordered"  # or "ordered"
    equations: str = "rhs_if_named"  # or "exact"
    imaginary: bool = True


# --------------------------------------------------------------------------------------- exact rationals


class _NotRational(Exception):
    pass


def _chain(node, kinds):
    """A left-deep chain ``((a + b) - c) + d`` as ``(a, [("add", b), ("sub", c), ("add", d)])``, iteratively."""
    rest = []
    while node[0] in kinds:
        rest.append((node[0], node[2]))
        node = node[1]
    rest.reverse()
    return node, rest


def _check_power(base: Fraction, exp: int) -> None:
    if abs(exp) > LIMITS.max_exponent and abs(base) not in (0, 1):
        raise BoundExceeded("max_exponent", f"exponent {exp}")
    bits = abs(exp) * max(base.numerator.bit_length(), base.denominator.bit_length())
    if bits > LIMITS.max_power_bits:
        raise BoundExceeded("max_power_bits", f"a power of about {bits} bits")


def rational_value(node) -> Fraction:
    """The exact value of a node built from numbers and + - * / and integer powers; raises _NotRational."""
    k = node[0]
    if k == "num":
        return node[1]
    if k == "neg":
        return -rational_value(node[1])
    if k in ("add", "sub"):
        first, rest = _chain(node, ("add", "sub"))
        v = rational_value(first)
        for op, x in rest:
            v = v + rational_value(x) if op == "add" else v - rational_value(x)
        return v
    if k in ("mul", "div"):
        first, rest = _chain(node, ("mul", "div"))
        v = rational_value(first)
        for op, x in rest:
            y = rational_value(x)
            if op == "div":
                if y == 0:
                    raise _NotRational
                v = v / y
            else:
                v = v * y
        return v
    if k == "pow":
        a, b = rational_value(node[1]), rational_value(node[2])
        if b.denominator != 1:
            raise _NotRational
        e = b.numerator
        _check_power(a, e)
        if a == 0 and e < 0:
            raise _NotRational
        return a**e
    raise _NotRational


# --------------------------------------------------------------------------------------- sympy conversion


def _sp():
    import sympy

    return sympy


def _load_sympy(deadline: Deadline) -> None:
    """Import sympy; the one-time import does not count against the sample's deadline."""
    import sys
    import time

    if "sympy" in sys.modules:
        return
    t0 = time.perf_counter()
    _sp()
    if deadline.end is not None:
        deadline.end += time.perf_counter() - t0


def to_sympy(node, opts: Options, deadline: Deadline = NO_DEADLINE, depth: int = 0):
    """Build a sympy object directly from the AST (no string ever reaches sympy)."""
    if depth > 2 * LIMITS.max_depth:
        raise BoundExceeded("max_depth", "expression too deep")
    sp = _sp()
    k = node[0]
    rec = lambda n: to_sympy(n, opts, deadline, depth + 1)  # noqa: E731
    if k == "num":
        v = node[1]
        return sp.Integer(v.numerator) if v.denominator == 1 else sp.Rational(v.numerator, v.denominator)
    if k == "sym":
        name = node[1]
        if name == "e":
            return sp.E
        if name == "i" and opts.imaginary:
            return sp.I
        return sp.Symbol(name)
    if k == "const":
        return {"pi": sp.pi, "oo": sp.oo, "e": sp.E, "i": sp.I}[node[1]]
    if k == "neg":
        return -rec(node[1])
    if k in ("add", "sub"):
        first, rest = _chain(node, ("add", "sub"))
        terms = [rec(first)] + [rec(x) if op == "add" else -rec(x) for op, x in rest]
        deadline.check()
        return sp.Add(*terms)
    if k in ("mul", "div"):
        first, rest = _chain(node, ("mul", "div"))
        factors = [rec(first)] + [rec(x) if op == "mul" else sp.Pow(rec(x), -1) for op, x in rest]
        deadline.check()
        return sp.Mul(*factors)
    if k == "pow":
        a, b = rec(node[1]), rec(node[2])
        if b.is_Number:
            if b.is_Integer or b.is_Rational:
                if abs(b) > LIMITS.max_exponent and a not in (sp.Integer(0), sp.Integer(1), sp.Integer(-1)):
                    raise BoundExceeded("max_exponent", f"exponent {b}")
                if a.is_Rational and b.is_Integer:
                    _check_power(Fraction(int(a.p), int(a.q)), int(b))
            elif abs(b) > LIMITS.max_exponent:
                raise BoundExceeded("max_exponent", f"exponent {b}")
        elif b.is_number and a.is_number:
            v = b.evalf(15)
            if v.is_Number and abs(v) > LIMITS.max_exponent:
                raise BoundExceeded("max_exponent", "a large exponent")
        return sp.Pow(a, b)
    if k == "sqrt":
        a = rec(node[1])
        if node[2] is None:
            return sp.sqrt(a)
        n = rec(node[2])
        if n.is_Integer and abs(n) > LIMITS.max_exponent:
            raise BoundExceeded("max_exponent", f"root index {n}")
        return sp.root(a, n) if n != 0 else sp.nan
    if k == "fact":
        a = rec(node[1])
        if a.is_Integer and a > LIMITS.max_factorial:
            raise BoundExceeded("max_factorial", f"{a}!")
        if a.is_number and not a.is_Integer:
            raise BoundExceeded("max_factorial", "factorial of a non-integer number")
        return sp.factorial(a)
    if k == "binom":
        n, r = rec(node[1]), rec(node[2])
        for x in (n, r):
            if x.is_Integer and abs(x) > LIMITS.max_factorial:
                raise BoundExceeded("max_factorial", f"binomial of {x}")
        return sp.binomial(n, r)
    if k == "abs":
        return sp.Abs(rec(node[1]))
    if k == "func":
        a = rec(node[2])
        if a.is_Number and abs(a) > 10**6:
            raise BoundExceeded("max_exponent", "a function of a huge number")
        f = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc,
             "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh,
             "tanh": sp.tanh, "exp": sp.exp}[node[1]]
        if node[1] == "exp" and a.is_Number and abs(a) > LIMITS.max_exponent:
            raise BoundExceeded("max_exponent", "exp of a huge number")
        return f(a)
    if k == "indexed":
        return sp.Function(node[1])(rec(node[2]))
    if k == "bigop":
        k_sym, lo, hi, body = sp.Symbol(node[2]), rec(node[3]), rec(node[4]), rec(node[5])
        return (sp.Sum if node[1] == "sum" else sp.Product)(body, (k_sym, lo, hi))  # unevaluated
    if k == "log":
        a = rec(node[2])
        if node[1] is None:
            return sp.log(a)
        return sp.log(a, rec(node[1]))
    raise _NotScalar(k)


class _NotScalar(Exception):
    pass


# --------------------------------------------------------------------------------------- comparison

NUMERIC_NOISE = 1e-20  # relative difference that 30-digit numeric evaluation treats as zero
_POINTS = ("0.5772156649", "-1.3247179572", "2.7182818285")


def _count_nodes(expr, cap: int) -> int:
    n = 0
    for _ in _sp().preorder_traversal(expr):
        n += 1
        if n > cap:
            return n
    return n


def _close(d, a, b, opts: Options) -> bool | None:
    """True/False when |d| is decidable numerically; None when a value is not finite."""
    sp = _sp()
    try:
        dv = complex(d)
        av = abs(complex(a))
        bv = abs(complex(b))
    except (TypeError, ValueError, OverflowError):
        return None
    if any(x != x or x in (float("inf"), float("-inf")) for x in (dv.real, dv.imag, av, bv)):
        # fall back to mpmath values at 30 digits: big or tiny magnitudes stay exact enough
        try:
            dd = abs(sp.N(d, 30))
            scale = max(abs(sp.N(a, 30)), abs(sp.N(b, 30)))
            return bool(dd <= max(max(opts.rel_tol, NUMERIC_NOISE) * scale, opts.abs_tol))
        except (TypeError, ValueError):
            return None
    return abs(dv) <= max(max(opts.rel_tol, NUMERIC_NOISE) * max(av, bv), opts.abs_tol)


def _scalar_equal(a, b, opts: Options, deadline: Deadline) -> bool:
    sp = _sp()
    if a.has(sp.zoo, sp.nan) or b.has(sp.zoo, sp.nan):
        return False  # undefined (a division by zero): equal only to the same tree, decided in equivalent()
    if a == b:
        return True
    deadline.check()
    if a.has(sp.oo, -sp.oo) or b.has(sp.oo, -sp.oo):
        return False
    if a.has(sp.Sum, sp.Product) or b.has(sp.Sum, sp.Product):
        return _unevaluated_equal(a, b, deadline)
    d = a - b
    if d == 0:
        return True
    free = sorted(d.free_symbols | a.free_symbols | b.free_symbols, key=lambda s: s.name)
    if len(free) > 8:
        raise BoundExceeded("max_items", "too many free symbols")
    if (_count_nodes(d, LIMITS.max_expand_nodes) <= LIMITS.max_expand_nodes and not _has_big_power(d)
            and _expanded_terms(d) <= LIMITS.max_expand_terms):
        deadline.check()
        try:
            if sp.expand(d) == 0:
                return True
        except (TypeError, ValueError, ZeroDivisionError):
            pass
    deadline.check()
    seen = 0
    for k in range(3 if free else 1):
        subs = {s: sp.Float(_POINTS[(k + j) % 3], 30) * (1 + sp.Rational(j, 7)) for j, s in enumerate(free)}
        try:
            dv = d.evalf(30, subs=subs) if subs else d.evalf(30)
            av = a.evalf(30, subs=subs) if subs else a.evalf(30)
            bv = b.evalf(30, subs=subs) if subs else b.evalf(30)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
            return False
        deadline.check()
        if not (dv.is_number and av.is_number and bv.is_number):
            return False
        ok = _close(dv, av, bv, opts)
        if ok is None:
            continue
        if not ok:
            return False
        seen += 1
    return seen > 0


def _unevaluated_equal(a, b, deadline: Deadline) -> bool:
    """Sums and products (\\sum, \\prod) are never evaluated: equal when structurally equal after sympy's
    automatic ordering of terms and factors, or when the difference expands to 0 (under the expand bounds)."""
    sp = _sp()
    d = a - b
    if d == 0:
        return True
    if (_count_nodes(d, LIMITS.max_expand_nodes) <= LIMITS.max_expand_nodes and not _has_big_power(d)
            and _expanded_terms(d) <= LIMITS.max_expand_terms):
        deadline.check()
        try:
            return sp.expand(d) == 0
        except (TypeError, ValueError, ZeroDivisionError):
            return False
    return False


def _expanded_terms(expr, cap: int = 10**6) -> int:
    """An upper estimate of the number of terms ``expand`` would produce (multinomial counts for powers)."""
    from math import comb

    if expr.is_Add:
        return min(cap, sum(_expanded_terms(a, cap) for a in expr.args))
    if expr.is_Mul:
        n = 1
        for a in expr.args:
            n = min(cap, n * _expanded_terms(a, cap))
        return n
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 1:
        t = _expanded_terms(expr.base, cap)
        e = int(expr.exp)
        if t > 1:
            return min(cap, comb(e + t - 1, t - 1))
    return 1


def _has_big_power(expr) -> bool:
    sp = _sp()
    for p in expr.atoms(sp.Pow):
        e = p.exp
        if e.is_Number and abs(e) > 20:
            return True
    return False


def _items(node):
    return node[1]


def _as_interval(node):
    """A 2-tuple reads as an open interval when compared with an interval."""
    if node[0] == "interval":
        return node
    if node[0] == "tuple" and len(node[1]) == 2:
        return ("interval", node[1][0], node[1][1], False, False)
    return None


def _match_unordered(xs, ys, eq) -> bool:
    if len(xs) != len(ys):
        return False
    used = [False] * len(ys)
    for x in xs:
        for j, y in enumerate(ys):
            if not used[j] and eq(x, y):
                used[j] = True
                break
        else:
            return False
    return True


def _dedupe_set(items, eq):
    out = []
    for x in items:
        if not any(eq(x, y) for y in out):
            out.append(x)
    return out


def _pm_items(node):
    a, b = node[1], node[2]
    return (("add", a, b), ("sub", a, b))


def equivalent(a, b, opts: Options = Options(), deadline: Deadline = NO_DEADLINE) -> bool:
    """True if the two ASTs denote the same answer under ``opts`` (raises BoundExceeded at a bound)."""
    deadline.check()
    if a == b:
        return True  # the same tree: what the answer says, read the same way (1/0 is \frac{1}{0}, see docs/math.md)
    eq = lambda x, y: equivalent(x, y, opts, deadline)  # noqa: E731
    a, b = _group_equations(_canon_rel(a)), _group_equations(_canon_rel(b))
    ka, kb = a[0], b[0]
    # equations: x = 3 vs 3
    if ka == "rel" or kb == "rel":
        if ka == "rel" and kb == "rel":
            return _relations_equal(a, b, opts, deadline, eq)
        if opts.equations == "exact":
            return False
        rel, other = (a, b) if ka == "rel" else (b, a)
        if rel[1] == "=" and (_is_name(rel[2]) or (_is_constant(rel[2]) and _is_constant(rel[3]))):
            return eq(rel[3], other)  # x = 3, or a computation 1/2 = 10/9 read by its result
        return False
    # plus-minus: a set of two values
    if ka == "pm":
        return eq(("set", _pm_items(a)), b)
    if kb == "pm":
        return eq(a, ("set", _pm_items(b)))
    collections = ("tuple", "set", "list", "interval", "union", "matrix")
    if (ka == "matrix") != (kb == "matrix") and (ka in _ARITH or kb in _ARITH):
        return _matrix_expression_equal(a, b, opts, deadline)
    if ka in collections or kb in collections:
        return _collections_equal(a, b, opts, deadline, eq)
    # scalars
    try:
        ra, rb = rational_value(a), rational_value(b)
    except (_NotRational, ZeroDivisionError):
        pass
    else:
        return (ra == rb or _rational_close(a, b, opts)
                or _long_decimal_rounds(a, rb, deadline) or _long_decimal_rounds(b, ra, deadline))
    _load_sympy(deadline)
    try:
        sa, sb = to_sympy(a, opts, deadline), to_sympy(b, opts, deadline)
    except _NotScalar:
        return False
    except (TypeError, ValueError, ZeroDivisionError, RecursionError):
        return False
    return (_scalar_equal(sa, sb, opts, deadline)
            or _long_decimal_rounds(a, sb, deadline) or _long_decimal_rounds(b, sa, deadline))


# --------------------------------------------------------------------------------------- long decimals

LONG_DECIMAL_DIGITS = 15  # significant digits from which a decimal literal may stand for a value it rounds
_MAX_EVAL_DIGITS = 1200  # an irrational value is evaluated to at most this many digits for the rule


def _long_decimal(node):
    """(value, places) of a decimal literal (optionally negated) written with at least ``LONG_DECIMAL_DIGITS``
    significant digits, else None. ``("num", v, places)`` nodes come from literals with a decimal point."""
    sign = 1
    if node[0] == "neg":
        sign, node = -1, node[1]
    if node[0] != "num" or len(node) < 3:
        return None
    v, k = node[1], node[2]
    m = v * Fraction(10) ** k  # the digits as written, as an integer (k may be negative: 1.5e3)
    if m == 0 or m.denominator != 1 or len(str(abs(m.numerator))) < LONG_DECIMAL_DIGITS:
        return None
    return sign * v, k


def _long_decimal_rounds(node, other, deadline: Deadline) -> bool:
    """The long-decimal rule: ``node`` is a decimal literal with at least 15 significant digits and ``other`` (an
    exact ``Fraction`` or a sympy constant) is a real value that (a) rounds to it at the literal's own number of
    decimal places (a tie may go either way), or (b) prints as it: it is Python's shortest repr of the IEEE-754
    double nearest to the value (``repr(2/3)`` is ``0.6666666666666666``)."""
    lit = _long_decimal(node)
    if lit is None:
        return False
    value, k = lit
    half = Fraction(1, 2) / Fraction(10) ** k
    deadline.check()
    if isinstance(other, Fraction):
        if abs(value - other) <= half:
            return True
        try:
            return Fraction(repr(float(other))) == value
        except (OverflowError, ValueError):
            return False
    sp = _sp()
    if not getattr(other, "is_number", False) or other.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return False
    if other.is_Rational:
        return _long_decimal_rounds(node, Fraction(int(other.p), int(other.q)), deadline)
    # an irrational value: evaluate it to every written place plus 20 guard digits, compare exactly, and refuse
    # to decide within 10^-(k+10) of a rounding boundary (an evaluation error there could flip the verdict)
    try:
        mag = other.evalf(15)
        if not mag.is_real or not mag.is_Float:
            return False
        int_digits = max(1, len(str(abs(int(mag)))))
        n = int_digits + max(k, 0) + 20
        if n > _MAX_EVAL_DIGITS:
            return False
        approx = other.evalf(n)
        deadline.check()
        if not approx.is_Float:
            return False
        x = Fraction(*(int(t) for t in sp.Rational(approx).as_numer_denom()))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError, AttributeError):
        return False
    margin = Fraction(1) / Fraction(10) ** (max(k, 0) + 10)
    dist = abs(value - x)
    if dist <= half - margin:
        return True
    if dist < half + margin:
        return False  # too close to a rounding boundary to tell
    try:
        return Fraction(repr(float(x))) == value
    except (OverflowError, ValueError):
        return False


_FLIP = {"<": ">", "<=": ">="}
_NUMBERISH = ("num", "const")


def _is_name(node) -> bool:
    """A left side that names the answer: it contains no number (x, x_1, (p, q), AB, f(x), |AB|, S_1:S)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] in _NUMBERISH:
            return False
        for x in n[1:]:
            if isinstance(x, tuple) and x and isinstance(x[0], str):
                stack.append(x)
            elif isinstance(x, tuple):
                stack.extend(y for y in x if isinstance(y, tuple))
    return True


def _is_constant(node) -> bool:
    """No symbols at all (a computed value such as 2+3 or \\frac{20}{2})."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] == "sym":
            return False
        for x in n[1:]:
            if isinstance(x, tuple) and x and isinstance(x[0], str):
                stack.append(x)
            elif isinstance(x, tuple):
                stack.extend(y for y in x if isinstance(y, tuple))
    return True


def _rel_chain(node):
    """``a op1 b op2 c ...`` (parsed right-nested) as ([op1, op2, ...], [a, b, c, ...])."""
    ops, items = [], []
    while node[0] == "rel":
        ops.append(node[1])
        items.append(node[2])
        node = node[3]
    items.append(node)
    return ops, items


def _canon_rel(node):
    """Chains: ``x = 5+5+1 = 11`` reads as ``x = 11`` (first and last); ``a < x < b`` with a named middle reads
    as ``x = (a, b)`` (an interval); other relations stay."""
    if node[0] != "rel" or node[3][0] != "rel":
        return node
    ops, items = _rel_chain(node)
    if all(o == "=" for o in ops):
        return ("rel", "=", items[0], items[-1])
    if len(ops) == 2 and _is_name(items[1]):
        lo_ops, hi_ops = ("<", "<="), (">", ">=")
        if ops[0] in lo_ops and ops[1] in lo_ops:
            return _abs_band(items[1], ("interval", items[0], items[2], ops[0] == "<=", ops[1] == "<="))
        if ops[0] in hi_ops and ops[1] in hi_ops:
            return _abs_band(items[1], ("interval", items[2], items[0], ops[1] == ">=", ops[0] == ">="))
    return node


def _abs_band(middle, iv):
    """``x = interval`` for a chain ``lo < x < hi``; when the middle is ``|x|`` and ``0 < lo < hi`` are exact
    numbers, ``x`` lies in the two mirrored intervals: ``1 <= |z| <= 3/2`` is ``z in [-3/2, -1] U [1, 3/2]``."""
    if middle[0] == "abs" and _is_name(middle[1]):
        try:
            lo, hi = rational_value(iv[1]), rational_value(iv[2])
        except (_NotRational, ZeroDivisionError):
            return ("rel", "=", middle, iv)
        if 0 < lo < hi:
            left = ("interval", ("neg", iv[2]), ("neg", iv[1]), iv[4], iv[3])
            return ("rel", "=", middle[1], ("union", left, iv))
    return ("rel", "=", middle, iv)


def _group_equations(node):
    """A flat list of equations whose named left sides repeat in one cycle reads as a list of tuples of the right
    sides, in the cycle's order: ``p=5, q=2; p=7, q=2`` is ``(5, 2), (7, 2)``. Anything else is unchanged."""
    if node[0] != "list":
        return node
    items = node[1]
    if not all(x[0] == "rel" and x[1] == "=" and x[2][0] == "sym" for x in items):
        return node
    names = [x[2] for x in items]
    m = names.index(names[0], 1) if names[0] in names[1:] else 0
    if m < 2 or len(items) % m or len(set(names[:m])) != m:
        return node
    if any(names[j] != names[j % m] for j in range(len(items))):
        return node
    groups = tuple(("tuple", tuple(x[3] for x in items[g : g + m])) for g in range(0, len(items), m))
    return ("list", groups)


def _relations_equal(a, b, opts, deadline, eq) -> bool:
    if a[1] == b[1] and eq(a[2], b[2]) and eq(a[3], b[3]):
        return True
    if a[1] == b[1] and a[1] in ("=", "!=") and eq(a[2], b[3]) and eq(a[3], b[2]):
        return True
    if any(n[0] in ("tuple", "set", "list", "interval", "union", "matrix", "rel", "pm") for n in a[2:] + b[2:]):
        return False
    # a op b  ->  (a - b) op' 0 with op' in {=, !=, >, >=}; then compare the differences
    def canon(r):
        op, lhs, rhs = r[1], r[2], r[3]
        if op in _FLIP:
            return _FLIP[op], ("sub", rhs, lhs)
        return op, ("sub", lhs, rhs)

    (oa, da), (ob, db) = canon(a), canon(b)
    if oa != ob:
        return False
    if eq(da, db):
        return True
    if oa in ("=", "!="):
        return eq(da, ("neg", db)) or _proportional(da, db, opts, deadline)
    return _proportional(da, db, opts, deadline, positive=True)


def _proportional(da, db, opts, deadline, positive=False) -> bool:
    """``da = c * db`` for a nonzero constant c (c > 0 with ``positive``): 2x+4y-3=0 is y=-x/2+3/4."""
    try:
        _load_sympy(deadline)
        sa, sb = to_sympy(da, opts, deadline), to_sympy(db, opts, deadline)
    except (_NotScalar, TypeError, ValueError, ZeroDivisionError):
        return False
    sp = _sp()
    if sb == 0 or sa == 0:
        return False
    free = sorted(sa.free_symbols | sb.free_symbols, key=lambda s: s.name)
    if not free or len(free) > 8:
        return False
    ratios = []
    for k in range(3):
        deadline.check()
        subs = {s: sp.Float(_POINTS[(k + j) % 3], 30) * (1 + sp.Rational(j, 7)) for j, s in enumerate(free)}
        try:
            va, vb = complex(sa.evalf(30, subs=subs)), complex(sb.evalf(30, subs=subs))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            return False
        if vb == 0 or va != va or vb != vb:
            return False
        ratios.append(va / vb)
    c = ratios[0]
    if c == 0 or (positive and (abs(c.imag) > 1e-12 or c.real <= 0)):
        return False
    return all(abs(r - c) <= 1e-12 * max(1.0, abs(c)) for r in ratios[1:])


_ARITH = ("add", "sub", "mul", "div", "neg", "pow")


def _matrix_expression_equal(a, b, opts, deadline) -> bool:
    """A matrix against an expression of matrices (a sum or product): evaluate it, then compare elementwise."""
    _load_sympy(deadline)
    sp = _sp()
    try:
        ma, mb = _matrix_value(a, opts, deadline), _matrix_value(b, opts, deadline)
    except (_NotScalar, TypeError, ValueError, ZeroDivisionError, AttributeError, sp.ShapeError):
        return False
    if ma is None or mb is None or ma.shape != mb.shape:
        return False
    return all(_scalar_equal(x, y, opts, deadline) for x, y in zip(ma, mb))


def _matrix_value(node, opts, deadline):
    sp = _sp()
    k = node[0]
    if k == "matrix":
        rows = [[to_sympy(x, opts, deadline) for x in row] for row in node[1]]
        return sp.ImmutableMatrix(rows)
    if k in ("add", "sub", "mul"):
        x, y = _matrix_value(node[1], opts, deadline), _matrix_value(node[2], opts, deadline)
        if x is None or y is None:
            return None
        if k == "add":
            return x + y
        if k == "sub":
            return x - y
        return x * y
    if k == "neg":
        x = _matrix_value(node[1], opts, deadline)
        return None if x is None else -x
    return None


def _rational_close(a, b, opts: Options) -> bool:
    if not opts.rel_tol and not opts.abs_tol:
        return False
    x, y = rational_value(a), rational_value(b)
    scale = max(abs(x), abs(y))
    return abs(x - y) <= max(Fraction(opts.rel_tol) * scale, Fraction(opts.abs_tol))


def _collections_equal(a, b, opts, deadline, eq) -> bool:
    ka, kb = a[0], b[0]
    if ka == "union" or kb == "union":
        if ka != "union" or kb != "union":
            return False
        pa, pb = _union_parts(a), _union_parts(b)
        return _match_unordered(pa, pb, eq)
    if ka == "interval" or kb == "interval":
        ia, ib = _as_interval(a), _as_interval(b)
        if ia is None or ib is None:
            return False
        return ia[3] == ib[3] and ia[4] == ib[4] and eq(ia[1], ib[1]) and eq(ia[2], ib[2])
    if ka == "matrix" or kb == "matrix":
        ra, rb = _matrix_rows(a), _matrix_rows(b)
        if ra is None or rb is None or len(ra) != len(rb) or any(len(x) != len(y) for x, y in zip(ra, rb)):
            return False
        return all(eq(x, y) for rx, ry in zip(ra, rb) for x, y in zip(rx, ry))
    if ka not in ("tuple", "set", "list"):
        xs = (a,)
    else:
        xs = a[1]
    ys = (b,) if kb not in ("tuple", "set", "list") else b[1]
    ordered = False
    if "set" in (ka, kb):
        if "tuple" in (ka, kb):
            return False  # {1,3} is not the ordered pair (3,1)
        xs2, ys2 = _dedupe_set(xs, eq), _dedupe_set(ys, eq)
        return _match_unordered(xs2, ys2, eq)
    if ka == "tuple" and kb == "tuple":
        ordered = opts.tuples == "ordered"
    elif "tuple" in (ka, kb):
        ordered = opts.tuples == "ordered"  # a bare list against a tuple: the tuple's order rule
        if ka not in ("tuple", "list") or kb not in ("tuple", "list"):
            return False
    else:  # list vs list, or list vs scalar: unordered lists are sets of answers (repeats count once)
        ordered = opts.bare_lists == "ordered"
        if not ordered:
            return _match_unordered(_dedupe_set(xs, eq), _dedupe_set(ys, eq), eq)
    if ordered:
        return len(xs) == len(ys) and all(eq(x, y) for x, y in zip(xs, ys))
    return _match_unordered(xs, ys, eq)


def _union_parts(node):
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if n[0] == "union":
            stack.extend((n[2], n[1]))
        else:
            out.append(_as_interval(n) or n)
    return out


def _matrix_rows(node):
    if node[0] == "matrix":
        return node[1]
    if node[0] in ("tuple", "list"):  # a vector: one column
        return tuple((x,) for x in node[1])
    return None
