"""Worker side of LightevalExtractiveMatch: lighteval's own MultilingualExtractiveMatchMetric, one sample per call.

Imported only inside an ``evalmetrics.isolated`` worker process (never by ``import evalmetrics``; without lighteval
installed it imports, for doctest collection, and does nothing). At import it replaces lighteval's evaluation of
text with an interpreter:

* ``extractive_match_utils.parse_expr`` / ``parse_expr_with_timeout`` (sympy ``parse_expr(expr, evaluate=False)``
  on a matched string of digits and operators) -> ``evalmetrics.mathparse.pyexpr.parse_expr_safe``, under
  lighteval's own ``timeout(timeout_seconds)`` and the same 20-entry cache;
* ``extractive_match_utils.Number`` (sympy ``Number(str)``, which calls ``sympify`` on the matched number) -> the
  same rules as ``Number`` with the string read by ``parse_expr_safe``.

Nothing else of lighteval changes. lighteval's own timeouts use ``signal.alarm``; the worker runs each task in its
main thread, where that works.
"""
from __future__ import annotations

import logging
from functools import lru_cache

import sympy

from ..isolated import in_worker
from ..mathparse.pyexpr import install_sympy_firewall, parse_expr_safe

if in_worker():  # before lighteval and latex2sympy2 bind sympy's parse_expr; covers their sympify(str), Number(str)
    install_sympy_firewall()

try:
    from lighteval.metrics.dynamic_metrics import MultilingualExtractiveMatchMetric
    from lighteval.metrics.utils import extractive_match_utils as _emu
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc
    from lighteval.utils.language import Language
    from lighteval.utils.timeout import timeout
except ImportError:  # imported without lighteval (pytest --doctest-modules): nothing to patch, nothing to score
    _emu = None

__all__ = ["score_sample", "self_check"]


_safe_calls = [0]


def _parse_expr(expr, evaluate=False):
    """sympy ``parse_expr(expr, evaluate=...)`` as lighteval calls it, interpreted instead of evaluated."""
    _safe_calls[0] += 1
    return parse_expr_safe(expr, evaluate=evaluate)


@lru_cache(maxsize=20)
def _parse_expr_with_timeout(expr: str, timeout_seconds: int):
    return timeout(timeout_seconds)(_parse_expr)(expr, evaluate=False)


def _number(obj):
    """sympy ``Number(obj)``; a string is read by the safe parser where ``Number`` would ``sympify`` it (``sympify``
    of a string is ``parse_expr`` with evaluation, after removing newlines)."""
    if not isinstance(obj, str):
        return sympy.Number(obj)
    low = obj.lower()
    if low == "nan":
        return sympy.S.NaN
    if low in ("inf", "+inf"):
        return sympy.S.Infinity
    if low == "-inf":
        return sympy.S.NegativeInfinity
    try:
        val = _parse_expr(obj.replace("\n", ""), evaluate=True)
    except Exception as e:  # noqa: BLE001 - sympify raises SympifyError; lighteval's caller catches every exception
        raise ValueError(f"could not parse {obj!r}") from e
    if not isinstance(val, sympy.Number):
        raise ValueError(f'String "{obj}" does not denote a Number')
    return val


# lighteval logs a warning for every sample without an extractable answer; the parent reports results instead.
logging.getLogger("lighteval").setLevel(logging.ERROR)

if _emu is not None and in_worker():
    _emu.parse_expr = _parse_expr
    _emu.parse_expr_with_timeout = _parse_expr_with_timeout
    _emu.Number = _number

_PREFIX = {"letters": "Letters", "native_letters": "NativeLetters", "numbers": "Numbers"}
_metrics: dict = {}


def _target(spec: str):
    from .lighteval_math import parse_target

    kind, args = parse_target(spec)
    a = dict(args)
    if kind == "expr":
        return _emu.ExprExtractionConfig(try_extract_without_anchor=a["anchorless"])
    if kind == "latex":
        return _emu.LatexExtractionConfig(try_extract_without_anchor=a["anchorless"],
                                          boxed_match_priority=a["boxed_priority"])
    return _emu.IndicesExtractionConfig(prefix_for_extraction=_PREFIX[a["prefix"]],
                                        try_extract_without_anchor=a["anchorless"])


def _metric(config):
    m = _metrics.get(config)
    if m is None:
        _version, language, gold, pred, precision, fallback_mode, extraction_mode, timeout_seconds = config
        m = MultilingualExtractiveMatchMetric(
            language=Language(language),
            gold_extraction_target=tuple(_target(s) for s in gold),
            pred_extraction_target=tuple(_target(s) for s in pred),
            aggregation_function=max,
            fallback_mode=fallback_mode,
            extraction_mode=extraction_mode,
            precision=precision,
            timeout_seconds=timeout_seconds,
        )
        _metrics[config] = m
    return m


def score_sample(payload: dict):
    """``("score", float)`` for one prediction against its golds, or ``("config", why)`` for a bad configuration."""
    if _emu is None:
        return ("config", "lighteval is not installed in the worker's environment")
    try:
        metric = _metric(payload["config"])
    except (ValueError, KeyError) as e:
        return ("config", f"{type(e).__name__}: {e}")
    golds = list(payload["golds"])
    n = payload["n_choices"]
    choices = golds + [""] * (n - len(golds)) if n is not None else golds
    doc = Doc(query="", choices=choices, gold_index=list(range(len(golds))))
    resp = ModelResponse(text=[payload["prediction"]])
    return ("score", float(metric.compute(doc=doc, model_response=resp)))


def self_check(_payload=None) -> dict:
    """Whether lighteval's text-evaluating references are the safe ones here, and how often the safe parser ran."""
    if _emu is None:
        return {"parse_expr": False, "parse_expr_with_timeout": False, "Number": False, "safe_calls": 0}
    return {
        "parse_expr": _emu.parse_expr is _parse_expr,
        "parse_expr_with_timeout": _emu.parse_expr_with_timeout is _parse_expr_with_timeout,
        "Number": _emu.Number is _number,
        "safe_calls": _safe_calls[0],
    }
