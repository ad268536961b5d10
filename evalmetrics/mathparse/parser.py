r"""Tokenizer and recursive-descent parser for LaTeX and plain math answers, building our own AST.

Nothing here evaluates its input: the tokenizer reads characters, the parser builds tuples. Node kinds
(``node[0]``) and their arguments:

``("num", Fraction)`` (``("num", Fraction, places)`` for a literal written with a decimal point: ``0.25`` has 2
places; a mixed number ``3 1/2`` is one ``num``), ``("sym", name)``, ``("const", "pi" | "e" | "i" | "oo")``,
``("add", a, b)``,
``("sub", a, b)``, ``("mul", a, b)``, ``("div", a, b)``, ``("neg", a)``, ``("pow", a, b)``, ``("sqrt", a, n)``,
``("fact", a)``, ``("binom", n, k)``, ``("abs", a)``, ``("func", name, a)``, ``("log", base_or_None, a)``,
``("pm", a, b)`` (a ± b), ``("tuple", items)``, ``("set", items)``, ``("list", items)`` (bare ``1, 2``),
``("interval", a, b, left_closed, right_closed)``, ``("union", a, b)``, ``("matrix", rows)``,
``("rel", op, a, b)`` (``=``, ``<``, ``\le`` ...), ``("empty",)``, ``("indexed", name, a)`` (``F_{n-1}``),
``("bigop", "sum" | "prod", index_name, lo, hi, body)`` (``\sum_{k=0}^{n} body``).

Bounds (see ``bounds.LIMITS``): tokens, nesting depth, digits per literal, items per collection; the cooperative
deadline is checked every 64 tokens.

>>> from evalmetrics.mathparse.parser import parse
>>> parse("\\frac{1}{2}")
('div', ('num', Fraction(1, 1)), ('num', Fraction(2, 1)))
>>> parse("4ab")
('mul', ('num', Fraction(4, 1)), ('mul', ('sym', 'a'), ('sym', 'b')))
"""
from __future__ import annotations

from fractions import Fraction

from .bounds import LIMITS, NO_DEADLINE, BoundExceeded, Deadline, MathParseError
from .normalize import number_words

__all__ = ["tokenize", "parse"]

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
          "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi",
          "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega"}
_FUNCS = {"sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp"}
_RELS = {"=": "=", "in": "=", "<": "<", ">": ">", "le": "<=", "leq": "<=", "ge": ">=", "geq": ">=", "ne": "!=", "neq": "!=",
         "<=": "<=", ">=": ">=", "!=": "!=", "lt": "<", "gt": ">", "leqslant": "<=", "geqslant": ">="}
_MUL_CMDS = {"cdot", "times", "ast"}
_IGNORED_CMDS = {"displaystyle", "limits", "nolimits", "big", "Big", "bigg", "Bigg", ",", "!", ";", ":"}
_MATRIX_ENVS = {"pmatrix", "bmatrix", "matrix", "Bmatrix", "vmatrix", "smallmatrix", "array"}
_OPS = set("+-*/^_=()[]{},!|&<>'")
# short English words are words, not products of single-letter symbols ("The sum is ...")
_ENGLISH = frozenset("the is are was sum for get has our you can all not but yes use let now one two six ten new "
                     "old per via may its had did got and".split())
# "oo" is sympy's (and so a tool-using model's) spelling of infinity; read as o*o it is never a meant answer
_WORD_CONSTS = {"pi": ("const", "pi"), "infinity": ("const", "oo"), "infty": ("const", "oo"), "inf": ("const", "oo"),
                "oo": ("const", "oo")}


_DIGITS = frozenset("0123456789")


def _isdigits(s: str) -> bool:
    """ASCII digits only (str.isdigit also accepts superscripts and other scripts, which int() rejects)."""
    return bool(s) and all(c in _DIGITS for c in s)


def _digits_ok(s: str) -> str:
    if len(s) > LIMITS.max_digits:
        raise BoundExceeded("max_digits", f"a number with {len(s)} digits")
    return s


def _repeating(whole: str, frac: str, rep: str) -> Fraction:
    """0.1\\overline{6} -> whole=0, frac=1, rep=6."""
    base = Fraction(int(whole or "0")) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
    if not rep:
        return base
    return base + Fraction(int(rep), (10 ** len(rep) - 1) * 10 ** len(frac))


def _period(frac: str) -> tuple[str, str]:
    """Split decimal digits written before '...' into (prefix, repeating block): '1666' -> ('1', '6')."""
    n = len(frac)
    for p in range(1, n // 2 + 1):
        block = frac[n - p :]
        if frac[n - 2 * p : n - p] == block:
            # extend the repeating tail as far left as it goes
            k = n - 2 * p
            while k - p >= 0 and frac[k - p : k] == block:
                k -= p
            return frac[:k], block
    return frac, ""


def tokenize(s: str, deadline: Deadline = NO_DEADLINE) -> list:
    """Tokens: ("num", Fraction, text), ("word", letters), ("cmd", name), ("op", char), ("env", kind, name)."""
    out = []
    i, n = 0, len(s)
    while i < n:
        if len(out) > LIMITS.max_tokens:
            raise BoundExceeded("max_tokens", f"more than {LIMITS.max_tokens} tokens")
        if (len(out) & 63) == 63:
            deadline.check()
        c = s[i]
        if c == " ":
            i += 1
            continue
        if c in _DIGITS or (c == "." and i + 1 < n and s[i + 1] in _DIGITS):
            j = i
            while j < n and s[j] in _DIGITS:
                j += 1
            whole = s[i:j]
            frac = ""
            has_dot = False
            if j < n and s[j] == ".":
                k = j + 1
                while k < n and s[k] in _DIGITS:
                    k += 1
                rest = s[k:]
                if k > j + 1 or rest.startswith("(") or rest.startswith("\\overline") or rest.startswith("\\dot"):
                    frac, has_dot, j = s[j + 1 : k], True, k
            _digits_ok(whole + frac)
            rep = ""
            rest = s[j:]
            if has_dot and (rest.startswith("\\overline") or rest.startswith("\\dot")):
                cmd = "\\overline" if rest.startswith("\\overline") else "\\dot"
                k = j + len(cmd)
                if k < n and s[k] == "{":
                    e = s.find("}", k)
                    if e < 0:
                        raise MathParseError("unclosed \\overline")
                    rep, j = s[k + 1 : e].strip(), e + 1
                else:
                    while k < n and s[k] == " ":
                        k += 1
                    rep, j = s[k : k + 1], k + 1
                if not _isdigits(rep):
                    raise MathParseError("\\overline of a non-number")
            elif has_dot and rest.startswith("("):
                e = s.find(")", j)
                if e > j + 1 and _isdigits(s[j + 1 : e]):
                    rep, j = s[j + 1 : e], e + 1
            elif has_dot and frac:
                for dots in ("\\ldots", "\\cdots", "\\dots", "..."):
                    if rest.startswith(dots):
                        frac, rep = _period(frac)
                        j += len(dots)
                        break
            _digits_ok(rep)
            if not rep and j < n and s[j] in "eE":
                k = j + 1
                if k < n and s[k] in "+-":
                    k += 1
                m = k
                while m < n and s[m] in _DIGITS:
                    m += 1
                if m > k and m - k <= 6:
                    exp = int(s[j + 1 : m])
                    if abs(exp) > LIMITS.max_exponent:
                        raise BoundExceeded("max_exponent", f"1e{exp}")
                    value = _repeating(whole, frac, "") * Fraction(10) ** exp
                    out.append(("num", value, s[i:m]))
                    i = m
                    continue
            value = _repeating(whole, frac, rep)
            text = s[i:j]
            # base subscript: 1011_2, 1011_{2}
            if not has_dot and j < n and s[j] == "_":
                k = j + 1
                braced = k < n and s[k] == "{"
                if braced:
                    e = s.find("}", k)
                    base_txt = s[k + 1 : e].strip() if e > 0 else ""
                    end = e + 1
                else:
                    m = k
                    while m < n and s[m] in _DIGITS:
                        m += 1
                    base_txt, end = s[k:m], m
                if _isdigits(base_txt) and 2 <= int(base_txt) <= 36:
                    try:
                        value = Fraction(int(whole, int(base_txt)))
                    except ValueError:
                        raise MathParseError(f"{whole} is not a number in base {base_txt}") from None
                    text, j = s[i:end], end
            out.append(("num", value, text))
            i = j
            continue
        if c.isalpha() and c.isascii():
            j = i
            while j < n and s[j].isalpha() and s[j].isascii():
                j += 1
            word = s[i:j]
            out.append(("op", ",") if word.lower() in ("and", "or") else ("word", word))
            i = j
            continue
        if c == "\\":
            if i + 1 < n and s[i + 1].isalpha():
                j = i + 1
                while j < n and s[j].isalpha():
                    j += 1
                name = s[i + 1 : j]
                if name in ("begin", "end"):
                    k = j
                    while k < n and s[k] == " ":
                        k += 1
                    if k < n and s[k] == "{":
                        e = s.find("}", k)
                        if e < 0:
                            raise MathParseError("unclosed environment name")
                        env = s[k + 1 : e].strip().rstrip("*")
                        j = e + 1
                        if name == "begin" and env == "array" and j < n and s[j] == "{":
                            e2 = s.find("}", j)
                            j = e2 + 1 if e2 > 0 else j
                        out.append(("env", name, env))
                        i = j
                        continue
                if name not in _IGNORED_CMDS:
                    out.append(("cmd", name))
                i = j
                continue
            if i + 1 < n:
                nxt = s[i + 1]
                if nxt in "{}":
                    out.append(("op", "\\" + nxt))
                elif nxt == "\\":
                    out.append(("op", "\\\\"))
                elif nxt == "%":
                    out.append(("op", "%"))
                # other escaped punctuation (\, \! \; ...) is spacing
                i += 2
                continue
            raise MathParseError("a lone backslash")
        if c == "*" and s.startswith("**", i):
            out.append(("op", "^"))
            i += 2
            continue
        if c in "<>!" and s.startswith("=", i + 1):
            out.append(("op", c + "="))
            i += 2
            continue
        if c in _OPS or c in ":;%":
            out.append(("op", c))
            i += 1
            continue
        raise MathParseError(f"unexpected character {c!r}")
    return out


_CLOSERS = {"(": (")", "]"), "[": ("]", ")"), "{": ("}",), "\\{": ("\\}",)}

# A mixed number (a whole number, then a proper fraction of whole numbers: "3 1/2", "1\frac{1}{2}", "2\frac34") is
# read as whole + fraction only where it stands as a whole term: after nothing, an opening bracket, a separator, a
# sign or a relation, and before nothing, a closing bracket, a separator, a sign, a relation or an explicit product.
_MIXED_SEPARATORS = frozenset({",", ";", "=", "<", ">", "<=", ">=", "!=", "+", "-", "&", "\\\\", "*"})
_MIXED_BEFORE_OPS = _MIXED_SEPARATORS | {"(", "[", "{", "\\{"}
_MIXED_AFTER_OPS = _MIXED_SEPARATORS | {")", "]", "}", "\\}"}
_MIXED_CMDS = frozenset(_RELS) | {"pm", "mp", "cup", "cdot", "times", "ast", "div"}


def _mixed_context(tok, before: bool) -> bool:
    """May a mixed number follow (``before``) or precede this token (None: the start or end of the answer)?"""
    if tok is None:
        return True
    if tok[0] == "op":
        return tok[1] in (_MIXED_BEFORE_OPS if before else _MIXED_AFTER_OPS)
    if tok[0] == "cmd":
        return tok[1] in _MIXED_CMDS
    if tok[0] == "env":
        return tok[1] == ("begin" if before else "end")
    return False


def decimal_places(text: str) -> int | None:
    """The number of decimal places a plain decimal literal is written to (``0.0833`` -> 4, ``8.3e-2`` -> 3,
    ``1.5e3`` -> -2); None for a literal without a decimal point (an integer) or with a repeating part."""
    mant, _, exp = text.lower().partition("e")
    whole, dot, frac = mant.partition(".")
    if not dot or not _isdigits(whole + frac):
        return None
    if exp and not _isdigits(exp.lstrip("+-")):
        return None
    return len(frac) - (int(exp) if exp else 0)


class _Parser:
    def __init__(self, tokens, deadline: Deadline):
        self.t = tokens
        self.i = 0
        self.depth = 0
        self.deadline = deadline
        self.steps = 0

    # -- helpers
    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def is_op(self, v, k=0):
        tok = self.peek(k)
        return tok is not None and tok[0] == "op" and tok[1] == v

    def is_cmd(self, v, k=0):
        tok = self.peek(k)
        return tok is not None and tok[0] == "cmd" and tok[1] == v

    def expect_op(self, v):
        if not self.is_op(v):
            raise MathParseError(f"expected {v!r} at token {self.i}")
        self.i += 1

    def enter(self):
        self.depth += 1
        if self.depth > LIMITS.max_depth:
            raise BoundExceeded("max_depth", f"nesting deeper than {LIMITS.max_depth}")
        self.steps += 1
        if (self.steps & 63) == 0:
            self.deadline.check()

    # -- grammar
    def parse_top(self):
        node = self.parse_list(stop=())
        if self.i != len(self.t):
            raise MathParseError(f"unexpected token {self.t[self.i]!r}")
        return node

    def parse_list(self, stop):
        """comma-separated relations (';' separates too at top level)"""
        items = [self.parse_union()]
        while self.is_op(",") or self.is_op(";"):
            self.i += 1
            if self.peek() is None or (self.peek()[0] == "op" and self.peek()[1] in stop):
                break  # trailing comma
            items.append(self.parse_union())
            if len(items) > LIMITS.max_items:
                raise BoundExceeded("max_items", f"more than {LIMITS.max_items} items")
        return items[0] if len(items) == 1 else ("list", tuple(items))

    def parse_union(self):
        a = self.parse_rel()
        while self.is_cmd("cup") or self.is_op("U"):
            self.i += 1
            a = ("union", a, self.parse_rel())
        return a

    def parse_rel(self):
        a = self.parse_pm()
        tok = self.peek()
        if tok is not None and ((tok[0] == "op" and tok[1] in _RELS) or (tok[0] == "cmd" and tok[1] in _RELS)):
            self.i += 1
            self.enter()
            try:
                b = self.parse_rel()
                # x \in A \cup B: membership binds looser than the union on its right side
                while tok == ("cmd", "in") and (self.is_cmd("cup") or self.is_op("U")):
                    self.i += 1
                    b = ("union", b, self.parse_rel())
            finally:
                self.depth -= 1
            return ("rel", _RELS[tok[1]], a, b)
        return a

    def parse_pm(self):
        if self.is_cmd("pm") or self.is_cmd("mp"):
            self.i += 1
            return ("pm", ("num", Fraction(0)), self.parse_add())
        a = self.parse_add()
        if self.is_cmd("pm") or self.is_cmd("mp"):
            self.i += 1
            return ("pm", a, self.parse_add())
        return a

    def parse_add(self):
        a = self.parse_term()
        while True:
            if self.is_op("+"):
                self.i += 1
                a = ("add", a, self.parse_term())
            elif self.is_op("-"):
                self.i += 1
                a = ("sub", a, self.parse_term())
            else:
                return a

    def _starts_primary(self, tok) -> bool:
        if tok is None:
            return False
        kind = tok[0]
        if kind in ("num", "word"):
            return True
        if kind == "op":
            return tok[1] in ("(", "[", "{", "\\{")
        if kind == "cmd":
            return tok[1] not in _MUL_CMDS and tok[1] not in _RELS and tok[1] not in ("pm", "mp", "div", "cup",
                                                                                       "circ", "ldots", "cdots", "dots")
        if kind == "env":
            return tok[1] == "begin"
        return False

    def parse_term(self):
        a = self.parse_unary()
        while True:
            tok = self.peek()
            if tok is None:
                return a
            if (tok[0] == "op" and tok[1] == "*") or (tok[0] == "cmd" and tok[1] in _MUL_CMDS):
                self.i += 1
                a = ("mul", a, self.parse_unary())
            elif (tok[0] == "op" and tok[1] in ("/", ":")) or (tok[0] == "cmd" and tok[1] == "div"):
                self.i += 1
                a = ("div", a, self.parse_unary())
            elif self._starts_primary(tok):
                a = ("mul", a, self.parse_power())
            else:
                return a

    def parse_unary(self):
        self.enter()
        try:
            if self.is_op("-"):
                self.i += 1
                return ("neg", self.parse_unary())
            if self.is_op("+"):
                self.i += 1
                return self.parse_unary()
            return self.parse_power()
        finally:
            self.depth -= 1

    def parse_power(self):
        base = self.parse_postfix()
        if self.is_op("^"):
            self.i += 1
            self.enter()
            try:
                if self.is_op("{"):
                    exp = self.parse_group_arg()
                elif self.is_op("-"):
                    self.i += 1
                    exp = ("neg", self.parse_postfix())
                else:
                    exp = self.parse_postfix()
            finally:
                self.depth -= 1
            base = ("pow", base, exp)
            base = self.parse_post_ops(base)
        return base

    def parse_post_ops(self, node):
        while True:
            if self.is_op("!"):
                self.i += 1
                node = ("fact", node)
            elif self.is_op("'"):
                raise MathParseError("primes are not supported")
            else:
                return node

    def parse_postfix(self):
        node = self.parse_primary()
        if node[0] == "sym" and self.is_op("_"):
            self.i += 1
            save = self.i
            try:
                node = ("sym", node[1] + "_" + self._subscript())
            except MathParseError:
                self.i = save
                if not self.is_op("{"):
                    raise
                node = ("indexed", node[1], self.parse_group_arg())  # F_{n-k-1}: a term of a sequence
        return self.parse_post_ops(node)

    def parse_bigop(self, name):
        """``\\sum_{k=lo}^{hi} body`` (and ``\\prod``): the body is the product that follows."""
        self.enter()
        try:
            if not self.is_op("_"):
                raise MathParseError(f"\\{name} without an index")
            self.i += 1
            low = self.parse_group_arg()
            if not self.is_op("^"):
                raise MathParseError(f"\\{name} without an upper bound")
            self.i += 1
            high = self.parse_group_arg()
            if low[0] != "rel" or low[1] != "=" or low[2][0] != "sym":
                raise MathParseError(f"\\{name} with an index that is not name=value")
            body = self.parse_term()
        finally:
            self.depth -= 1
        return ("bigop", name, low[2][1], low[3], high, body)

    def _subscript(self) -> str:
        """The text of a subscript on a name (x_1, x_{12}, S_{MBCN}), which becomes part of the name."""
        braced = self.is_op("{")
        if braced:
            self.i += 1
        parts = []
        while True:
            tok = self.peek()
            if tok is None:
                raise MathParseError("unclosed subscript")
            if braced and tok[0] == "op" and tok[1] == "}":
                self.i += 1
                break
            if tok[0] == "num" and _isdigits(tok[2]):
                parts.append(tok[2])
            elif tok[0] == "word":
                parts.append(tok[1])
            else:
                raise MathParseError("a subscript that is not a name or a number")
            self.i += 1
            if not braced or len(parts) > 8:
                break
        if not parts:
            raise MathParseError("an empty subscript")
        return "".join(parts)

    def parse_group_arg(self):
        """A ``{...}`` group, or a single token (``\\frac12``, ``\\sqrt2``, ``x^2``)."""
        self.enter()
        try:
            if self.is_op("{"):
                self.i += 1
                node = self.parse_list(stop=("}",))
                self.expect_op("}")
                return node
            tok = self.peek()
            if tok is None:
                raise MathParseError("missing argument")
            if tok[0] == "num" and len(tok[2]) > 1 and _isdigits(tok[2]):
                # \frac12: one digit per argument; keep the rest as a number token
                self.t = self.t[: self.i] + [("num", Fraction(int(tok[2][0])), tok[2][0]),
                                             ("num", Fraction(int(tok[2][1:])), tok[2][1:])] + self.t[self.i + 1 :]
                tok = self.peek()
            if tok[0] == "word" and len(tok[1]) > 1:
                self.t = self.t[: self.i] + [("word", tok[1][0]), ("word", tok[1][1:])] + self.t[self.i + 1 :]
            return self.parse_primary()
        finally:
            self.depth -= 1

    def parse_bracketed(self, opener):
        self.enter()
        try:
            self.i += 1
            closers = _CLOSERS[opener]
            if self.peek() is not None and self.peek()[0] == "op" and self.peek()[1] in closers:
                self.i += 1
                return ("tuple", ()) if opener != "\\{" else ("set", ())
            node = self.parse_list(stop=closers)
            tok = self.peek()
            if tok is None or tok[0] != "op" or tok[1] not in closers:
                raise MathParseError(f"unclosed {opener!r}")
            self.i += 1
            close = tok[1]
            items = node[1] if node[0] == "list" else (node,)
            if opener == "\\{":
                return ("set", items)
            if opener == "{":
                return node  # plain braces group: {1,3} is the bare list 1, 3
            if len(items) == 1:
                if opener == "(" and close == ")":
                    return items[0]
                if opener == "[" and close == "]":
                    return items[0]
                raise MathParseError("a one-element interval")
            if len(items) == 2 and (opener == "[" or close == "]"):
                return ("interval", items[0], items[1], opener == "[", close == "]")
            if opener == "(" and close == ")":
                return ("tuple", items)
            if opener == "[" and close == "]":
                return ("tuple", items)
            raise MathParseError("mismatched brackets")
        finally:
            self.depth -= 1

    def parse_matrix(self, env):
        rows, row = [], []
        self.enter()
        try:
            while True:
                tok = self.peek()
                if tok is None:
                    raise MathParseError(f"unclosed {env} environment")
                if tok[0] == "env" and tok[1] == "end":
                    self.i += 1
                    if row:
                        rows.append(tuple(row))
                    break
                if tok[0] == "op" and tok[1] == "\\\\":
                    self.i += 1
                    if row:
                        rows.append(tuple(row))
                    row = []
                    continue
                if tok[0] == "op" and tok[1] == "&":
                    self.i += 1
                    continue
                row.append(self.parse_add())
                if len(row) > LIMITS.max_items or len(rows) > LIMITS.max_items:
                    raise BoundExceeded("max_items", "matrix too large")
                if not (self.is_op("&") or self.is_op("\\\\") or (self.peek() or ("",))[0] == "env"):
                    raise MathParseError("unexpected token in a matrix")
        finally:
            self.depth -= 1
        if not rows or len({len(r) for r in rows}) != 1:
            raise MathParseError("a ragged or empty matrix")
        return ("matrix", tuple(rows))

    def parse_word(self, w):
        low = w.lower()
        if low in _WORD_CONSTS:
            return _WORD_CONSTS[low]
        if low in _FUNCS or low in ("ln", "log", "sqrt"):
            return self.parse_func(low)
        value = number_words(w)
        if value is not None:
            return ("num", Fraction(value))
        if len(w) > 3 or (len(w) > 1 and low in _ENGLISH):
            raise MathParseError(f"the word {w!r}")
        node = None
        for ch in w:  # implicit multiplication of single-letter symbols: "ab" -> a*b
            leaf = ("sym", ch)
            node = leaf if node is None else ("mul", node, leaf)
        return node

    def parse_func(self, name):
        if name == "sqrt":
            return ("sqrt", self.parse_group_arg(), None)
        base = None
        power = None
        if name == "log" and self.is_op("_"):
            self.i += 1
            base = self.parse_group_arg()
        if self.is_op("^"):
            self.i += 1
            power = self.parse_group_arg()
        if self.is_op("("):
            arg = self.parse_bracketed("(")
        elif self.is_op("{"):
            arg = self.parse_group_arg()
        else:
            self.enter()
            try:
                arg = self.parse_power()
            finally:
                self.depth -= 1
        node = ("log", base, arg) if name in ("ln", "log") else ("func", name, arg)
        if name == "log" and base is None:
            node = ("log", None, arg)
        return node if power is None else ("pow", node, power)

    def _int_at(self, j):
        """The value of the whole-number literal token at ``j``, or None."""
        tok = self.peek(j - self.i)
        return int(tok[2]) if tok is not None and tok[0] == "num" and _isdigits(tok[2]) else None

    def _frac_of_ints(self, j):
        """``\\frac{n}{d}`` / ``\\frac nd`` of two whole-number literals at token ``j``: (n, d, next index) or None."""
        if self.peek(j - self.i) != ("cmd", "frac"):
            return None
        j += 1
        tok = self.peek(j - self.i)
        if tok is not None and tok[0] == "num" and len(tok[2]) == 2 and _isdigits(tok[2]):  # \frac34
            return int(tok[2][0]), int(tok[2][1]), j + 1
        args = []
        for _ in range(2):
            if self.is_op("{", j - self.i) and self.is_op("}", j + 2 - self.i) and self._int_at(j + 1) is not None:
                args.append(self._int_at(j + 1))
                j += 3
            elif self._int_at(j) is not None and len(self.peek(j - self.i)[2]) == 1:  # \frac3{4}, \frac{3}4
                args.append(self._int_at(j))
                j += 1
            else:
                return None
        return args[0], args[1], j

    def _mixed_number(self, whole_tok):
        """A mixed number starting at the whole-number token just read (``3 1/2``, ``1\\frac{1}{2}``): its value
        as one number node, consuming the fraction; None (nothing consumed) when the tokens are not one."""
        if not _isdigits(whole_tok[2]) or not _mixed_context(self.peek(-2) if self.i >= 2 else None, True):
            return None
        j = self.i
        got = self._frac_of_ints(j)
        if got is None:  # "3 1/2": two literals side by side (only a space separates them), then /d
            n, d = self._int_at(j), self._int_at(j + 2)
            if n is None or d is None or not self.is_op("/", 1):
                return None
            got = (n, d, j + 3)
        n, d, end = got
        if not 0 < n < d or not _mixed_context(self.peek(end - self.i), False):
            return None
        self.i = end
        return ("num", Fraction(int(whole_tok[2])) + Fraction(n, d))

    def parse_primary(self):
        tok = self.peek()
        if tok is None:
            raise MathParseError("unexpected end")
        kind = tok[0]
        if kind == "num":
            self.i += 1
            mixed = self._mixed_number(tok)
            if mixed is not None:
                return mixed
            places = decimal_places(tok[2])
            # a decimal literal keeps the places it was written to (the long-decimal rule of compare.py)
            return ("num", tok[1]) if places is None else ("num", tok[1], places)
        if kind == "word":
            self.i += 1
            return self.parse_word(tok[1])
        if kind == "op":
            v = tok[1]
            if v in _CLOSERS:
                return self.parse_bracketed(v)
            if v == "|":
                self.i += 1
                self.enter()
                try:
                    inner = self.parse_add()
                finally:
                    self.depth -= 1
                self.expect_op("|")
                return ("abs", inner)
            raise MathParseError(f"unexpected {v!r}")
        if kind == "env":
            if tok[1] == "begin" and tok[2] in _MATRIX_ENVS:
                self.i += 1
                return self.parse_matrix(tok[2])
            raise MathParseError(f"environment {tok[2]!r}")
        name = tok[1]
        self.i += 1
        if name == "frac":
            a = self.parse_group_arg()
            b = self.parse_group_arg()
            return ("div", a, b)
        if name == "sqrt":
            n = None
            if self.is_op("["):
                self.i += 1
                n = self.parse_add()
                self.expect_op("]")
            return ("sqrt", self.parse_group_arg(), n)
        if name in ("binom", "dbinom", "tbinom"):
            return ("binom", self.parse_group_arg(), self.parse_group_arg())
        if name == "pi":
            return ("const", "pi")
        if name == "infty":
            return ("const", "oo")
        if name in ("emptyset", "varnothing"):
            return ("set", ())
        if name in ("ln", "log", "exp") or name in _FUNCS:
            return self.parse_func(name)
        if name in _GREEK:
            return ("sym", name)
        if name in ("sum", "prod"):
            return self.parse_bigop(name)
        if name in ("boxed", "fbox", "overline", "mathbf", "text", "mathrm", "hat", "vec", "bar"):
            return self.parse_group_arg()
        raise MathParseError(f"unknown command \\{name}")


def parse(text: str, deadline: Deadline = NO_DEADLINE):
    """Parse one cleaned answer into an AST (raises MathParseError, or BoundExceeded at a bound)."""
    if len(text) > LIMITS.max_chars:
        raise BoundExceeded("max_chars", f"{len(text)} characters")
    if text[:1].isalpha() and len(text) < 80:
        value = number_words(text)  # the whole answer in words: "twenty-one", "one hundred and five"
        if value is not None:
            return ("num", Fraction(value))
    tokens = tokenize(text, deadline)
    if not tokens:
        raise MathParseError("empty")
    p = _Parser(tokens, deadline)
    return p.parse_top()
