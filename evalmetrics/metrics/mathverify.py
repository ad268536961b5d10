r"""MathVerify: math-verify's ``verify(parse(gold), parse(prediction))``, run by math-verify itself in a worker.

math-verify (Hugging Face) extracts answers with prioritized regexes (``final answer is``, ``\boxed{}``, LaTeX
spans, plain numbers and expressions), parses them into sympy (latex2sympy2_extended for LaTeX, sympy ``parse_expr``
for plain expressions) and compares gold and prediction by string, number (rounded), symbolic simplification, sets,
intervals, relations and matrices. Its verdicts depend on sympy and latex2sympy2 in ways no rewrite reproduces bit
for bit, so this metric delegates: each sample runs math-verify's own ``parse`` and ``verify`` in a worker process
(:mod:`evalmetrics.isolated`) under a wall-clock deadline and a memory cap. Inside the worker, math-verify's only
evaluation of text (``parse_expr`` on a matched digit/operator string) is replaced by
:func:`evalmetrics.mathparse.pyexpr.parse_expr_safe`, which interprets instead of evaluating and gives the same
sympy objects (see ``_mathverify_worker``).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from .._packages import installed_version, pip_extra
from ..errors import InvalidConfig
from ..units import enum, flag, integer, number, register, text, texts
from .base import GenerativeMetric, check_text
from .pipelined import COMBINE_WORDS

__all__ = ["MathVerify", "SUPPORTED_VERSIONS", "PIP"]

#: math-verify versions this metric is verified against -> the latex2sympy2_extended version each pins.
SUPPORTED_VERSIONS: dict[str, str] = {"0.9.0": "1.11.0"}
PIP = pip_extra("mathverify")
WORKER_TASK = "evalmetrics.metrics._mathverify_worker:verify_sample"
MEMORY_MB = 4096
_TARGETS = ("latex", "expr")


@functools.lru_cache(maxsize=None)
def _check_installed(version: str) -> None:
    """InvalidConfig unless math-verify ``version`` and the latex2sympy2_extended it pins are installed."""
    got = installed_version("math-verify")
    if got is None:
        raise InvalidConfig(f"math_verify: math-verify {version} is not installed; install it with {PIP}")
    if got != version:
        raise InvalidConfig(
            f"math_verify: this metric is defined by math-verify {version}, but math-verify {got} is installed "
            f"(another version may score differently); install it with {PIP} or use math_verify(version={got}, ...) "
            f"if that version is supported ({', '.join(SUPPORTED_VERSIONS)})"
        )
    want = SUPPORTED_VERSIONS[version]
    l2s = installed_version("latex2sympy2_extended")
    if l2s is None:
        raise InvalidConfig(f"math_verify: latex2sympy2_extended is not installed; install it with {PIP}")
    if l2s != want:
        raise InvalidConfig(
            f"math_verify: math-verify {version} is verified with latex2sympy2_extended {want}, but {l2s} is "
            f"installed (LaTeX may parse differently); install it with {PIP}"
        )


@register
@dataclass(frozen=True, repr=False)
class MathVerify(GenerativeMetric):
    r"""1.0 if math-verify 0.9.0 judges the prediction equal to a reference, else 0.0 (math-verify's own code).

    For each reference ``r``: ``verify(parse(r), parse(prediction))`` with the fields below as the arguments of
    math-verify's ``parse`` (both sides use the same extraction, unless ``gold_targets`` names the
    references' own) and ``verify`` (gold first: math-verify is not
    symmetric). Several references: ``combine=max`` (default) scores 1 if any reference verifies, which is what
    math-verify's ``math_metric`` computes by flattening the parsed golds into one ``verify``; ``mean`` averages.

    Fields (math-verify's defaults): ``targets`` the extraction configs in order (``latex``:
    ``LatexExtractionConfig``, ``expr``: ``ExprExtractionConfig``); ``latex_anchorless``, ``boxed_priority``,
    and the LaTeX ``NormalizationConfig`` flags ``basic_latex``, ``units``, ``malformed_operators``, ``nits``,
    ``boxed``, ``equations``; ``expr_anchorless``; ``fallback_mode``, ``extraction_mode``, ``parsing_timeout``
    (seconds, math-verify's own ``signal.alarm``; 0 disables it); ``float_rounding``, ``numeric_precision``,
    ``strict``, ``allow_set_relation_comp``, ``timeout_seconds`` (per comparison; 0 disables it).

    Bounds: math-verify's own timeouts fire inside the worker exactly as they would in-process (the comparison or
    parse counts as failed); a sample whose score is 0 after such a timeout is counted in ``n_timeouts``.
    ``deadline_s`` is the wall-clock limit of one whole sample (all its parses and comparisons) in the worker; on
    expiry the worker is killed and the sample scores 0 (``score`` raises ``Timeout``; ``compute`` counts it).
    The worker's address space is capped at 4 GiB where the OS allows it; a crash of the worker also scores 0 and
    is counted. ``version`` is the math-verify version the metric delegates to; another installed version raises
    ``InvalidConfig`` naming both.

    >>> import evalmetrics as em
    >>> m = em.MathVerify()
    >>> m.id.startswith('math_verify(version="0.9.0", targets=["latex", "expr"], latex_anchorless=true')
    True
    >>> m.score("so $x = \\frac{1}{2}$", "0.5"), m.score("The answer is 3", "\\boxed{4}")
    (1.0, 0.0)
    """

    name: ClassVar[str] = "math_verify"
    summary: ClassVar[str] = "math-verify's verify(parse(gold), parse(prediction)), run by math-verify in a worker"
    version: str = text("0.9.0", "the math-verify version this metric delegates to")
    targets: tuple = texts(_TARGETS, "extraction configs in order: latex (LatexExtractionConfig), expr (ExprExtractionConfig)")
    latex_anchorless: bool = flag(True, "LatexExtractionConfig.try_extract_without_anchor")
    boxed_priority: int = integer(50, "LatexExtractionConfig.boxed_match_priority (-1: no boxed matching)", minimum=-1)
    basic_latex: bool = flag(True, "NormalizationConfig.basic_latex")
    units: bool = flag(True, "NormalizationConfig.units")
    malformed_operators: bool = flag(True, "NormalizationConfig.malformed_operators")
    nits: bool = flag(True, "NormalizationConfig.nits")
    boxed: str = enum("all", ("all", "last", "none"), "NormalizationConfig.boxed")
    equations: bool = flag(False, "NormalizationConfig.equations")
    expr_anchorless: bool = flag(True, "ExprExtractionConfig.try_extract_without_anchor")
    fallback_mode: str = enum("first_match", ("first_match", "no_fallback"), "parse(fallback_mode=...)")
    extraction_mode: str = enum("any_match", ("any_match", "first_match"), "parse(extraction_mode=...)")
    parsing_timeout: int = integer(5, "parse(parsing_timeout=...) in seconds (0: none)", minimum=0)
    float_rounding: int = integer(6, "verify(float_rounding=...)", minimum=0)
    numeric_precision: int = integer(15, "verify(numeric_precision=...)", minimum=1)
    strict: bool = flag(True, "verify(strict=...)")
    allow_set_relation_comp: bool = flag(False, "verify(allow_set_relation_comp=...)")
    timeout_seconds: int = integer(5, "verify(timeout_seconds=...) per comparison (0: none)", minimum=0)
    deadline_s: float = number(60.0, "wall-clock seconds one sample may take in the worker (then killed, scored 0)")
    combine: str = enum("max", ("max", "mean"), "how scores against several references combine")
    gold_targets: tuple = texts((), "extraction configs for the references only, in order (empty: targets)")

    def _validate(self):
        if self.version not in SUPPORTED_VERSIONS:
            raise InvalidConfig(
                f"math_verify: parameter 'version' must be one of {', '.join(map(repr, SUPPORTED_VERSIONS))}; "
                f"got {self.version!r}"
            )
        if not self.targets or any(t not in _TARGETS for t in self.targets) or len(set(self.targets)) != len(
            self.targets
        ):
            raise InvalidConfig(
                f"math_verify: parameter 'targets' must be a non-empty list of distinct values from "
                f"{', '.join(map(repr, _TARGETS))}; got {list(self.targets)!r}"
            )
        if not (0 < self.deadline_s <= 3600):
            raise InvalidConfig(f"math_verify: parameter 'deadline_s' must be in (0, 3600]; got {self.deadline_s!r}")
        if any(t not in _TARGETS for t in self.gold_targets) or len(set(self.gold_targets)) != len(self.gold_targets):
            raise InvalidConfig(
                f"math_verify: parameter 'gold_targets' must be a list of distinct values from "
                f"{', '.join(map(repr, _TARGETS))} (empty: the same as targets); got {list(self.gold_targets)!r}"
            )

    @property
    def _config(self) -> dict:
        try:
            return self.__dict__["_cfg"]
        except KeyError:
            cfg = {
                "targets": tuple(self.targets), "latex_anchorless": self.latex_anchorless,
                "boxed_priority": self.boxed_priority, "basic_latex": self.basic_latex, "units": self.units,
                "malformed_operators": self.malformed_operators, "nits": self.nits, "boxed": self.boxed,
                "equations": self.equations, "expr_anchorless": self.expr_anchorless,
                "fallback_mode": self.fallback_mode, "extraction_mode": self.extraction_mode,
                "parsing_timeout": self.parsing_timeout or None, "float_rounding": self.float_rounding,
                "numeric_precision": self.numeric_precision, "strict": self.strict,
                "allow_set_relation_comp": self.allow_set_relation_comp,
                "timeout_seconds": self.timeout_seconds or None,
                "gold_targets": tuple(self.gold_targets),
            }
            object.__setattr__(self, "_cfg", cfg)
            return cfg

    # -- scoring: every sample goes through the worker; per-sample values come back with the bounds they hit

    def _combine(self, verdicts: list) -> float:
        if self.combine == "mean":
            return sum(1.0 if v else 0.0 for v in verdicts) / len(verdicts)
        return 1.0 if any(verdicts) else 0.0

    def _run(self, samples: list) -> list[tuple[float, bool]]:
        """``[(prediction, references)]`` -> ``[(score, hit_a_bound)]`` via the worker."""
        from ..isolated import run_isolated

        _check_installed(self.version)
        cfg = self._config
        outcomes = run_isolated(
            WORKER_TASK, [(p, tuple(r), cfg) for p, r in samples], timeout_s=self.deadline_s, memory_mb=MEMORY_MB
        )
        out = []
        for o in outcomes:
            if o.status == "ok":
                verdicts, n_internal = o.value
                s = self._combine(verdicts)
                out.append((s, n_internal > 0 and s == 0.0))
            else:  # deadline passed, or the worker died (crash, memory): scored 0, counted
                out.append((0.0, True))
        return out

    def _score_refs(self, prediction, refs, cache):
        from ..errors import Timeout

        (s, hit), = self._run([(prediction, refs)])
        if hit:
            raise Timeout(f"math_verify: a time or memory bound was hit (deadline {self.deadline_s}s)")
        return s

    def compute(self, predictions, references, *, progress=None):
        """Score every sample through one worker pool and aggregate (mean, with standard error)."""
        from .._lazy import np

        preds, refs_all = self._check_lengths(predictions, references)
        samples = [(check_text(preds[i], i, "prediction"), self._check_refs(refs_all[i], i)) for i in range(len(preds))]
        scored = self._run(samples)
        values = np.array([s for s, _ in scored], dtype=np.float64)
        timeouts = [i for i, (_, hit) in enumerate(scored) if hit]
        return self._result(values, timeouts, math_verify=self.version)

    def describe(self):
        return (
            f"math-verify {self.version} verify(parse(reference), parse(prediction)) run in a worker: targets "
            f"{', '.join(self.targets)}; float_rounding {self.float_rounding}, numeric_precision "
            f"{self.numeric_precision}, strict {self.strict}; math-verify timeouts {self.parsing_timeout}s parse / "
            f"{self.timeout_seconds}s compare; at most {self.deadline_s}s per sample; several references: "
            f"{COMBINE_WORDS[self.combine]}"
        )
