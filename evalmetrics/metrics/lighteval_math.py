r"""LightevalExtractiveMatch: lighteval 0.13's extractive math/letter match, run by lighteval's own code in a worker.

lighteval scores math (gsm8k, MATH-500, AIME) and instruct multiple choice (GPQA, MMLU-Pro) with
``MultilingualExtractiveMatchMetric``: regexes find candidate answers by priority (``final answer is``, ``answer:``,
``\boxed{}``, plain expressions), the candidates are parsed into sympy objects (latex2sympy2_extended for LaTeX,
sympy ``parse_expr`` for plain expressions), and prediction and gold are compared numerically and symbolically.
Its result depends on sympy and latex2sympy2_extended in ways no reimplementation reproduces bit for bit, so this
metric delegates: each sample runs lighteval's own ``compute`` in a worker process (``evalmetrics.isolated``), with a
wall-clock deadline and a memory cap. Inside the worker, lighteval's only evaluation of text (sympy ``parse_expr`` /
``sympify`` on matched digit and operator strings) is replaced by ``evalmetrics.mathparse.pyexpr.parse_expr_safe``,
which interprets instead of evaluating (see ``lighteval_math_worker``).

Extraction targets are written in the ID grammar, one string per lighteval extraction config:

* ``expr(anchorless=true)``: ``ExprExtractionConfig(try_extract_without_anchor=...)``
* ``latex(anchorless=true, boxed_priority=55, normalization=default)``: ``LatexExtractionConfig(...)`` with
  lighteval's default latex2sympy2 normalization (the only one supported)
* ``indices(prefix=native_letters, anchorless=false)``: ``IndicesExtractionConfig(prefix_for_extraction=
  "NativeLetters", ...)``; ``prefix``: letters, native_letters or numbers. The letters considered are the first
  ``n_choices`` (lighteval: ``len(Doc.choices)``).

lighteval sorts targets by kind (indices, latex, expr) before use, so the canonical ID lists them in that order.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import ClassVar

from .. import ids
from .._packages import LIGHTEVAL_INSTALL, installed_version
from ..errors import InvalidConfig, InvalidInput, ParseError, Timeout
from ..units import enum, integer, number, register, run_steps, steps, text, texts
from .base import GenerativeMetric
from .pipelined import describe_sides

__all__ = ["LightevalExtractiveMatch", "SUPPORTED_VERSIONS"]

#: lighteval versions whose extractive match this metric is verified against, and the latex2sympy2_extended version
#: each pins (a different one may parse LaTeX differently).
SUPPORTED_VERSIONS: dict[str, str] = {"0.13.0": "1.0.6"}
PIP = LIGHTEVAL_INSTALL
WORKER_TASK = "evalmetrics.metrics.lighteval_math_worker:score_sample"
MEMORY_MB = 4096

_KIND_ORDER = {"indices": 0, "latex": 1, "expr": 2}  # lighteval's get_extraction_regexes sorts targets so
_PREFIXES = ("letters", "native_letters", "numbers")
# target kind -> ((argument, default, kind), ...) in canonical order
_TARGET_ARGS = {
    "expr": (("anchorless", True, "bool"),),
    "latex": (("anchorless", True, "bool"), ("boxed_priority", 55, "int"), ("normalization", "default", "word")),
    "indices": (("prefix", None, "prefix"), ("anchorless", False, "bool")),
}


def _bad_target(field: str, spec, why: str):
    raise InvalidConfig(
        f"lighteval_extractive_match: {field} entry {spec!r} {why}; expected e.g. 'expr(anchorless=true)', "
        "'latex(anchorless=true, boxed_priority=55, normalization=default)' or "
        "'indices(prefix=native_letters, anchorless=false)'"
    )


def parse_target(spec: str, field: str = "targets") -> tuple:
    """A target string -> ``(kind, ((arg, value), ...))`` with every argument filled in, in canonical order."""
    if not isinstance(spec, str):
        _bad_target(field, spec, "is not a string")
    try:
        node = ids.parse(spec)
    except ParseError as e:
        _bad_target(field, spec, f"does not parse ({e.reason})")
    if isinstance(node, ids.Word):
        kind, args = node.name, ()
    elif isinstance(node, ids.Call) and node.revision is None:
        kind, args = node.name, node.args
    else:
        _bad_target(field, spec, "is not a target")
    if kind not in _TARGET_ARGS:
        _bad_target(field, spec, f"names an unknown target kind {kind!r} (known: expr, latex, indices)")
    table = {name: (default, k) for name, default, k in _TARGET_ARGS[kind]}
    given = {}
    for key, value, _pos in args:
        if key not in table:
            _bad_target(field, spec, f"has no argument {key!r} (arguments of {kind}: {', '.join(table)})")
        k = table[key][1]
        if k == "bool" and not isinstance(value, bool):
            _bad_target(field, spec, f"needs true or false for {key}")
        if k == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            _bad_target(field, spec, f"needs an integer for {key}")
        if k in ("word", "prefix"):
            if not isinstance(value, ids.Word):
                _bad_target(field, spec, f"needs a bare word for {key}")
            value = value.name
            allowed = _PREFIXES if k == "prefix" else ("default",)
            if value not in allowed:
                _bad_target(field, spec, f"needs one of {', '.join(allowed)} for {key}")
        given[key] = value
    out = []
    for name, default, _k in _TARGET_ARGS[kind]:
        v = given.get(name, default)
        if v is None:
            _bad_target(field, spec, f"needs {name}=")
        if name == "boxed_priority" and v < 0:
            v = -1  # lighteval: any negative priority means "never match \boxed{}" on its own
        out.append((name, v))
    return kind, tuple(out)


def render_target(kind: str, args: tuple) -> str:
    def val(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v)

    return f"{kind}(" + ", ".join(f"{k}={val(v)}" for k, v in args) + ")"


def _canon_targets(value: tuple, field: str) -> tuple[str, ...]:
    if not value:
        raise InvalidConfig(f"lighteval_extractive_match: {field} needs at least one extraction target")
    parsed = [parse_target(s, field) for s in value]
    rendered = [render_target(k, a) for k, a in parsed]
    if len(set(rendered)) != len(rendered):
        raise InvalidConfig(f"lighteval_extractive_match: {field} lists a target twice: {list(value)!r}")
    order = sorted(range(len(parsed)), key=lambda i: _KIND_ORDER[parsed[i][0]])  # stable, as lighteval's sort
    return tuple(rendered[i] for i in order)


_installed: dict[str, None] = {}


def _check_installed(version: str, needs_latex: bool) -> None:
    """InvalidConfig unless lighteval ``version`` (and its pinned latex2sympy2_extended, if LaTeX is parsed) is installed."""
    key = f"{version}/{needs_latex}"
    if key in _installed:
        return
    got = installed_version("lighteval")
    if got is None:
        raise InvalidConfig(
            f"lighteval_extractive_match runs lighteval {version}'s own scoring code, and lighteval is not installed: "
            f"{PIP}"
        )
    if got != version:
        raise InvalidConfig(
            f"lighteval_extractive_match(version={version!r}) delegates to lighteval {version}, but lighteval {got} is "
            f"installed (another version may score differently): {PIP}"
        )
    if needs_latex:
        want = SUPPORTED_VERSIONS[version]
        l2s = installed_version("latex2sympy2_extended")
        if l2s != want:
            raise InvalidConfig(
                f"lighteval {version} parses LaTeX with latex2sympy2_extended {want} (it pins that version), but "
                f"{'none' if l2s is None else l2s} is installed: {PIP}"
            )
    _installed[key] = None


@functools.lru_cache(maxsize=8192)
def _run_one(config: tuple, prediction: str, golds: tuple, n_choices, deadline_s: float) -> float:
    """One sample in the worker. Memoized: lighteval's score is a function of these arguments, and sampling metrics
    score the same sample many times (G-Pass@k per threshold). Timeouts and errors raise, so they are never cached."""
    from ..isolated import run_isolated

    payload = {"config": config, "prediction": prediction, "golds": list(golds), "n_choices": n_choices}
    (out,) = run_isolated(WORKER_TASK, [payload], timeout_s=deadline_s, memory_mb=MEMORY_MB)
    if out.status == "ok":
        kind, value = out.value
        if kind == "config":
            raise InvalidConfig(f"lighteval_extractive_match: lighteval rejects this configuration: {value}")
        return float(value)
    if out.status == "timeout":
        raise Timeout(f"lighteval's extractive match took longer than deadline_s={deadline_s:g} s")
    err = out.error or ""
    if err.startswith("MemoryError") or err.startswith("worker died"):
        raise Timeout(f"lighteval's extractive match hit the worker's memory bound ({err})")
    raise InvalidInput(f"lighteval's extractive match raised {err} (lighteval itself fails on this sample)",
                       field="prediction")


@register
@dataclass(frozen=True, repr=False)
class LightevalExtractiveMatch(GenerativeMetric):
    r"""lighteval 0.13's ``MultilingualExtractiveMatchMetric`` for one prediction, run by lighteval itself.

    The prediction goes through ``pred`` steps and each reference through ``ref`` steps (lighteval's reasoning-span
    removal and its sampling metrics' strip), then lighteval extracts answers from both with the ``*_targets``
    regexes by priority (``extraction_mode``: try every match of a priority group, or only the first;
    ``fallback_mode=first_match`` also keeps the first matched string), parses them with sympy, and scores 1.0
    when an extracted prediction equals an extracted gold (numbers to ``precision`` decimals; each parse and
    comparison bounded by ``timeout_seconds`` inside lighteval). A gold from which nothing is extracted is compared
    as its raw string. ``n_choices`` (indices targets only) is lighteval's ``len(Doc.choices)``: the letters or
    numbers an answer may be.

    Needs lighteval ``version`` installed (the ``lighteval`` extra, ``pip install -e '.[lighteval]'`` in an
    environment of its own; InvalidConfig otherwise).
    Each sample runs in a worker process with a ``deadline_s`` wall-clock bound (a sample that exceeds it, or the
    worker's 4 GiB memory cap, scores 0 and is counted as a timeout in the Result).

    >>> m = LightevalExtractiveMatch(gold_targets=["expr"], pred_targets=["expr", "latex(boxed_priority=0)"])
    >>> m.pred_targets
    ('latex(anchorless=true, boxed_priority=0, normalization=default)', 'expr(anchorless=true)')
    """

    name: ClassVar[str] = "lighteval_extractive_match"
    summary: ClassVar[str] = "lighteval's extractive math/letter match, run by lighteval 0.13 itself in a worker"
    gold_targets: tuple = texts(("expr(anchorless=true)",), "what lighteval extracts from each gold")
    pred_targets: tuple = texts(
        ("expr(anchorless=true)", "latex(anchorless=true, boxed_priority=55, normalization=default)"),
        "what lighteval extracts from the prediction",
    )
    language: str = text("eng", "lighteval Language value (its answer words and punctuation)")
    precision: int = integer(6, "decimal places compared in numbers", minimum=0)
    fallback_mode: str = enum("first_match", ("no_fallback", "first_match"),
                              "first_match: also keep the first matched string whether or not it parsed")
    extraction_mode: str = enum("any_match", ("first_match", "any_match"),
                                "any_match: try every match of a priority group; first_match: only the first")
    timeout_seconds: int = integer(5, "lighteval's own bound on each parse and comparison (seconds)", minimum=1)
    n_choices: int | None = integer(None, "number of answer choices (indices targets only; lighteval's "
                                          "len(Doc.choices))", minimum=1)
    pred: tuple = steps("steps applied to the prediction before lighteval sees it")
    ref: tuple = steps("steps applied to each reference before lighteval sees it")
    deadline_s: float = number(60.0, "wall-clock bound on one sample in the worker (then: timeout, score 0)")
    version: str = text("0.13.0", "the lighteval version whose code scores (must be installed)")

    def _validate(self):
        object.__setattr__(self, "gold_targets", _canon_targets(self.gold_targets, "gold_targets"))
        object.__setattr__(self, "pred_targets", _canon_targets(self.pred_targets, "pred_targets"))
        if self.version not in SUPPORTED_VERSIONS:
            raise InvalidConfig(
                f"lighteval_extractive_match: parameter 'version' must be one of "
                f"{', '.join(map(repr, SUPPORTED_VERSIONS))}; got {self.version!r}"
            )
        if not (self.language.isascii() and self.language.isalpha() and self.language.islower()):
            raise InvalidConfig(
                f"lighteval_extractive_match: parameter 'language' must be a lighteval Language value such as 'eng'; "
                f"got {self.language!r}"
            )
        if not 0 < self.deadline_s <= 3600:
            raise InvalidConfig(
                f"lighteval_extractive_match: parameter 'deadline_s' must be in (0, 3600] seconds; got {self.deadline_s!r}"
            )
        has_indices = any(t.startswith("indices(") for t in self.gold_targets + self.pred_targets)
        if has_indices and self.n_choices is None:
            raise InvalidConfig("lighteval_extractive_match: indices targets need n_choices (lighteval's "
                                "len(Doc.choices), e.g. 4 for GPQA)")
        if not has_indices and self.n_choices is not None:
            raise InvalidConfig("lighteval_extractive_match: n_choices applies to indices targets only; got "
                                f"n_choices={self.n_choices!r} without one")

    @property
    def _needs_latex(self) -> bool:
        return any(t.startswith("latex(") for t in self.gold_targets + self.pred_targets)

    def _config(self) -> tuple:
        return (self.version, self.language, self.gold_targets, self.pred_targets, self.precision,
                self.fallback_mode, self.extraction_mode, self.timeout_seconds)

    def _score_refs(self, prediction: str, refs: tuple, cache) -> float:
        _check_installed(self.version, self._needs_latex)
        if self.n_choices is not None and len(refs) > self.n_choices:
            raise InvalidInput(f"{len(refs)} references but n_choices={self.n_choices}; each reference is one of "
                               "the choices", field="references")
        p = run_steps(self.pred, prediction)
        golds = tuple(run_steps(self.ref, r) for r in refs)
        if p is None or any(g is None for g in golds):
            return 0.0  # a step found no answer (the shipped aliases use no such step)
        return _run_one(self._config(), p, golds, self.n_choices, self.deadline_s)

    def compute(self, predictions, references, *, progress=None):
        r = super().compute(predictions, references, progress=progress)
        prov = dict(r.provenance)
        for pkg in ("lighteval", "latex2sympy2_extended", "sympy"):
            got = installed_version(pkg)
            if got is not None:
                prov[pkg] = got
        return dataclasses.replace(r, provenance=prov)

    def pipeline(self):
        return describe_sides(self)

    def describe(self):
        return (
            f"lighteval {self.version} MultilingualExtractiveMatchMetric (run by lighteval in a worker): extract "
            f"{', '.join(self.pred_targets)} from the prediction and {', '.join(self.gold_targets)} from each gold "
            f"({self.extraction_mode}, fallback {self.fallback_mode}, language {self.language}); 1 if an extracted "
            f"prediction equals an extracted gold (numbers to {self.precision} decimals), else 0"
        )
