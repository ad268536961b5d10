"""Worker side of :class:`evalmetrics.metrics.mathverify.MathVerify`: math-verify's own ``parse`` and ``verify``.

Imported only inside an ``evalmetrics.isolated`` worker process, never by the caller. At import it replaces
math-verify's only evaluation of text, the module-level ``parse_expr`` that ``math_verify.parser.parse_expr_cached``
calls on a matched string of digits and operators, with :func:`evalmetrics.mathparse.pyexpr.parse_expr_safe`
(same tokens and AST, interpreted through a whitelist instead of ``eval``). LaTeX goes through latex2sympy2's ANTLR
parser, which builds sympy objects directly. math-verify's own ``signal.alarm`` timeouts run as configured (the
worker calls it from its main thread); each one it swallows is counted from its log record.
"""
from __future__ import annotations

import logging

from ..isolated import in_worker
from ..mathparse.pyexpr import install_sympy_firewall, parse_expr_safe

if in_worker():  # patch only inside a worker process, never in a process that merely imports this module
    install_sympy_firewall()  # before math-verify binds sympy's parse_expr; also covers sympify(str), Number(str)

import math_verify.parser as _mv_parser  # noqa: E402
from latex2sympy2_extended.latex2sympy2 import NormalizationConfig  # noqa: E402
from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify  # noqa: E402

if not hasattr(_mv_parser, "parse_expr"):  # pragma: no cover - a math-verify without that name is not supported
    raise ImportError("math_verify.parser has no parse_expr to replace; unsupported math-verify version")
if in_worker():
    _mv_parser.parse_expr = parse_expr_safe


class _TimeoutCounter(logging.Handler):
    """Counts math-verify's "Timeout during parsing/comparison" warnings (it swallows the timeout and logs one)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.n = 0

    def emit(self, record):
        try:
            if str(record.msg).startswith("Timeout during"):
                self.n += 1
        except Exception:  # noqa: BLE001 - counting must never fail a sample
            pass


_COUNTER = _TimeoutCounter()
for _name in ("math_verify.parser", "math_verify.grader", "math_verify.utils"):
    _lg = logging.getLogger(_name)
    _lg.addHandler(_COUNTER)
    _lg.propagate = False  # counted and reported in the Result instead of printed by the worker

_configs: dict = {}


def _extraction_config(cfg: dict) -> list:
    key = tuple(sorted(cfg.items()))
    hit = _configs.get(key)
    if hit is not None:
        return hit
    out = []
    for kind in cfg["targets"]:
        if kind == "latex":
            out.append(LatexExtractionConfig(
                try_extract_without_anchor=cfg["latex_anchorless"],
                boxed_match_priority=cfg["boxed_priority"],
                normalization_config=NormalizationConfig(
                    basic_latex=cfg["basic_latex"], units=cfg["units"], malformed_operators=cfg["malformed_operators"],
                    nits=cfg["nits"], boxed=cfg["boxed"], equations=cfg["equations"],
                ),
            ))
        elif kind == "expr":
            out.append(ExprExtractionConfig(try_extract_without_anchor=cfg["expr_anchorless"]))
        else:  # pragma: no cover - validated by the metric
            raise ValueError(f"unknown extraction target {kind!r}")
    _configs[key] = out
    return out


def verify_sample(payload):
    """``(prediction, references, config)`` -> ``(one bool per reference, timeouts math-verify swallowed)``.

    Each reference ``r`` is scored as ``verify(parse(r), parse(prediction))`` with the configured arguments.
    """
    prediction, references, cfg = payload
    extraction = _extraction_config(cfg)
    gold_extraction = _extraction_config({**cfg, "targets": cfg["gold_targets"]}) if cfg.get("gold_targets") else \
        extraction
    before = _COUNTER.n
    parse_kw = dict(
        extraction_config=extraction, fallback_mode=cfg["fallback_mode"], extraction_mode=cfg["extraction_mode"],
        parsing_timeout=cfg["parsing_timeout"],
    )
    verify_kw = dict(
        float_rounding=cfg["float_rounding"], numeric_precision=cfg["numeric_precision"], strict=cfg["strict"],
        allow_set_relation_comp=cfg["allow_set_relation_comp"], timeout_seconds=cfg["timeout_seconds"],
    )
    pred_parsed = None
    out = []
    for ref in references:
        gold_parsed = parse(ref, **{**parse_kw, "extraction_config": gold_extraction})
        if pred_parsed is None:
            pred_parsed = parse(prediction, **parse_kw)
        out.append(bool(verify(gold_parsed, pred_parsed, **verify_kw)))
    return out, _COUNTER.n - before


# -- test hooks (tests/test_mathverify_metric.py): the allowlist of evalmetrics.isolated admits only evalmetrics code

def _selftest_patched(_payload):
    """Whether math-verify's parse_expr is ours in this worker, and text reaching sympify is interpreted, not run."""
    import sympy

    try:
        sympy.sympify("__import__('os').getpid()")
        refused = False
    except ValueError:
        refused = True
    return _mv_parser.parse_expr is parse_expr_safe and refused and sympy.Number("1234") == 1234


def _selftest_stall(payload):
    """verify_sample, except that the prediction "<stall>" sleeps far past any deadline."""
    if payload[0] == "<stall>":
        import time

        time.sleep(3600)
    return verify_sample(payload)
