"""math-verify 0.9.0's own regression tables, read from its source distribution by PARSING the test files.

The sdist (``pip download --no-binary :all: --no-deps math-verify==0.9.0``) is fetched once into
``$EVALMETRICS_CONFORMANCE_DIR/downloads`` (default ``~/.cache/evalmetrics-conformance/downloads``) and checked
against a pinned sha256. Its ``tests/*.py`` files are read out of the tarball as text and walked with :mod:`ast`;
nothing in them is imported or executed. Rows come from two shapes:

* ``@pytest.mark.parametrize("gold,pred,expected[,extra...]", [ (...), ... ])`` on a test function; the call the
  function makes (``compare_strings(gold, pred, match_types=[...], precision=..., strict=..., ...)`` or
  ``verify(parse(gold), parse(pred))``) gives the options of every row;
* ``assert compare_strings(<literals>) == <literal>`` statements in a plain test function.

Row values must be literals; the one computed value in 0.9.0 (``f"{math.sqrt(17):.15f}"``) is evaluated by a tiny
AST walker that allows only f-strings over ``math.<fn>(<number>)`` with a format spec. Anything else is reported as
skipped with the reason, never guessed.

``compare_strings`` (tests/test_all.py) is math-verify's test helper; :func:`call_math_verify` re-implements what it
does (the file is never imported): LatexExtractionConfig(boxed_match_priority=0) for "latex",
ExprExtractionConfig() for "expr", ``parse`` on both sides, then ``verify(gold, pred, float_rounding=precision,
strict=strict, allow_set_relation_comp=...)``. Its default arguments are read from the parsed definition.
"""
from __future__ import annotations

import ast
import hashlib
import math
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field

PACKAGE = "math-verify"
VERSION = "0.9.0"
SDIST_NAME = f"math_verify-{VERSION}.tar.gz"
SDIST_SHA256 = "45ac6c61344ba056b9e99a660a4bc8d044ed408f730aed68c60435aa5eec4645"

# Options compare_strings takes besides gold/pred (read from its definition; these are only the fallback
# used when the definition cannot be found, which the tests treat as an error).
HELPER = "compare_strings"
HELPER_OPTIONS = ("match_types", "precision", "strict", "allow_set_relation_comp")


def cache_dir() -> str:
    base = os.environ.get("EVALMETRICS_CONFORMANCE_DIR", os.path.expanduser("~/.cache/evalmetrics-conformance"))
    return os.path.join(base, "downloads")


def sdist_path() -> str:
    """The sdist on disk: reused when its sha256 matches, else downloaded with pip (then checked)."""
    d = cache_dir()
    path = os.path.join(d, SDIST_NAME)
    if not (os.path.isfile(path) and _sha256(path) == SDIST_SHA256):
        os.makedirs(d, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-input", "--no-binary", ":all:", "--no-deps",
               "--no-build-isolation", f"{PACKAGE}=={VERSION}", "-d", d]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or not os.path.isfile(path):
            # --no-build-isolation needs the build backend locally; retry with pip's default isolation.
            cmd.remove("--no-build-isolation")
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or not os.path.isfile(path):
            raise RuntimeError(f"pip download of {PACKAGE}=={VERSION} failed:\n{proc.stdout}\n{proc.stderr}")
    got = _sha256(path)
    if got != SDIST_SHA256:
        raise RuntimeError(f"{path}: sha256 {got} != pinned {SDIST_SHA256}")
    return path


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_test_sources(path: str) -> dict[str, str]:
    """{"tests/test_x.py": source text} for every test module in the sdist, read from the tarball (not extracted)."""
    out = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if member.isfile() and len(parts) == 3 and parts[1] == "tests" and parts[2].endswith(".py"):
                out["tests/" + parts[2]] = tar.extractfile(member).read().decode("utf-8")
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Row:
    source: str                      # "tests/test_all.py::test_latex_notation[3]" (index within the table)
    line: int                        # line of the row in the source file
    gold: str
    pred: str
    expected: bool
    call: str                        # "compare_strings" or "verify(parse(gold), parse(pred))"
    options: tuple = ()              # sorted (name, value) pairs for compare_strings

    def options_dict(self) -> dict:
        return dict(self.options)


@dataclass
class Tables:
    rows: list = field(default_factory=list)
    skipped: list = field(default_factory=list)       # (source, line, reason)
    helper_defaults: dict = field(default_factory=dict)


class _NotLiteral(ValueError):
    pass


_MATH_FUNCS = {"sqrt": math.sqrt, "log": math.log, "exp": math.exp}


def _value(node: ast.AST):
    """A literal, or an f-string over math.<fn>(<number>) with a format spec; nothing else."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        pass
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
            elif isinstance(part, ast.FormattedValue) and part.conversion == -1:
                spec = "" if part.format_spec is None else _value(part.format_spec)
                out.append(format(_math_call(part.value), spec))
            else:
                raise _NotLiteral(ast.unparse(node))
        return "".join(out)
    raise _NotLiteral(ast.unparse(node))


def _math_call(node: ast.AST) -> float:
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "math" and node.func.attr in _MATH_FUNCS and not node.keywords
            and len(node.args) == 1):
        arg = ast.literal_eval(node.args[0])
        if isinstance(arg, (int, float)) and not isinstance(arg, bool):
            return _MATH_FUNCS[node.func.attr](arg)
    raise _NotLiteral(ast.unparse(node))


def _helper_defaults(sources: dict[str, str]) -> dict:
    for text in sources.values():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name == HELPER:
                args = node.args.args
                defaults = node.args.defaults
                named = {a.arg: _value(d) for a, d in zip(args[len(args) - len(defaults):], defaults)}
                return {k: named[k] for k in HELPER_OPTIONS}
    raise RuntimeError(f"no definition of {HELPER} in the sdist's tests")


def _parametrize(dec: ast.AST):
    """(argnames, list-node) for @pytest.mark.parametrize(...), else None."""
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr == "parametrize"):
        return None
    names = _value(dec.args[0])
    names = [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]
    return names, dec.args[1]


def _find_call(fn: ast.FunctionDef):
    """The comparison a test function makes: ("compare_strings", Call) or ("verify", Call) or None."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == HELPER:
                return HELPER, node
            if node.func.id == "verify" and len(node.args) == 2 and all(
                    isinstance(a, ast.Call) and isinstance(a.func, ast.Name) and a.func.id == "parse"
                    and len(a.args) == 1 and not a.keywords for a in node.args) and not node.keywords:
                return "verify", node
    return None


def _options(call: ast.Call, bound: dict, defaults: dict) -> tuple:
    """compare_strings options: keyword literals, or parameter names bound from the row."""
    opts = dict(defaults)
    for kw in call.keywords:
        if kw.arg not in HELPER_OPTIONS:
            raise _NotLiteral(f"unknown {HELPER} keyword {kw.arg!r}")
        if isinstance(kw.value, ast.Name):
            opts[kw.arg] = bound[kw.value.id]
        else:
            opts[kw.arg] = _value(kw.value)
    for name, arg in zip(HELPER_OPTIONS, call.args[2:]):
        opts[name] = bound[arg.id] if isinstance(arg, ast.Name) else _value(arg)
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in opts.items()))


def _side(arg: ast.AST, bound: dict):
    return bound[arg.id] if isinstance(arg, ast.Name) else _value(arg)


def extract(sources: dict[str, str]) -> Tables:
    tables = Tables(helper_defaults=_helper_defaults(sources))
    for fname, text in sources.items():
        for fn in ast.walk(ast.parse(text, filename=fname)):
            if not (isinstance(fn, ast.FunctionDef) and fn.name.startswith("test_")):
                continue
            found = _find_call(fn)
            params = [p for p in map(_parametrize, fn.decorator_list) if p]
            if params:
                _table_rows(tables, fname, fn, params[0], found)
            elif found and found[0] == HELPER:
                _assert_rows(tables, fname, fn)
    return tables


def _table_rows(tables: Tables, fname: str, fn: ast.FunctionDef, param, found) -> None:
    names, listnode = param
    where = f"{fname}::{fn.name}"
    if found is None:
        tables.skipped.append((where, fn.lineno, "the test does not compare gold and pred (parse-only or mocked)"))
        return
    kind, call = found
    expected_name = "expected" if "expected" in names else "result" if "result" in names else None
    if "gold" not in names or "pred" not in names or expected_name is None:
        tables.skipped.append((where, fn.lineno, f"parametrize names {names} lack gold/pred/expected"))
        return
    if not isinstance(listnode, (ast.List, ast.Tuple)):
        tables.skipped.append((where, fn.lineno, "parametrize values are not a literal list"))
        return
    for i, elt in enumerate(listnode.elts):
        try:
            values = _value(elt) if not isinstance(elt, ast.Tuple) else tuple(_value(e) for e in elt.elts)
            bound = dict(zip(names, values, strict=True))
            gold, pred = _side(call.args[0] if kind == HELPER else call.args[0].args[0], bound), \
                _side(call.args[1] if kind == HELPER else call.args[1].args[0], bound)
            opts = _options(call, bound, tables.helper_defaults) if kind == HELPER else ()
        except (_NotLiteral, ValueError, KeyError) as exc:
            tables.skipped.append((f"{where}[{i}]", elt.lineno, f"not a literal row: {exc}"))
            continue
        tables.rows.append(Row(f"{where}[{i}]", elt.lineno, gold, pred, bool(bound[expected_name]),
                               HELPER if kind == HELPER else "verify(parse(gold), parse(pred))", opts))


def _assert_rows(tables: Tables, fname: str, fn: ast.FunctionDef) -> None:
    where = f"{fname}::{fn.name}"
    i = 0
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1
                and isinstance(node.test.ops[0], ast.Eq)):
            continue
        left = node.test.left
        if not (isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == HELPER):
            continue
        try:
            gold, pred = _value(left.args[0]), _value(left.args[1])
            opts = _options(left, {}, tables.helper_defaults)
            expected = bool(_value(node.test.comparators[0]))
        except (_NotLiteral, ValueError, KeyError, IndexError) as exc:
            tables.skipped.append((f"{where}#{i}", node.lineno, f"not a literal assert: {exc}"))
            continue
        tables.rows.append(Row(f"{where}#{i}", node.lineno, gold, pred, expected, HELPER, opts))
        i += 1


def call_math_verify(row: Row) -> bool:
    """math-verify 0.9.0 on a row, called the way the row's test calls it (never importing the test file)."""
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

    if row.call != HELPER:
        return bool(verify(parse(row.gold), parse(row.pred)))
    o = row.options_dict()
    targets = []
    for mt in o["match_types"]:
        if mt == "latex":
            targets.append(LatexExtractionConfig(boxed_match_priority=0))
        elif mt == "expr":
            targets.append(ExprExtractionConfig())
    g = parse(row.gold, targets)
    p = parse(row.pred, targets)
    return bool(verify(g, p, float_rounding=o["precision"], strict=o["strict"],
                       allow_set_relation_comp=o["allow_set_relation_comp"]))


def call_math_verify_defaults(row: Row) -> bool:
    """math-verify 0.9.0 with every default: verify(parse(gold), parse(pred))."""
    from math_verify import parse, verify

    return bool(verify(parse(row.gold), parse(row.pred)))
