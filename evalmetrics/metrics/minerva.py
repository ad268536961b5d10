r"""SympySimplifyEquiv: Minerva's answer comparison (``is_equiv`` of lm_eval's ``minerva_math``), run in a worker.

The rule: identical non-empty answers match; otherwise both answers are parsed with sympy's ANTLR ``parse_latex``,
subtracted, and ``sympy.simplify(difference) == 0`` decides. Any failure to parse, subtract or simplify scores 0,
and so does a comparison that runs past ``timeout_s`` (lm_eval's ``signal.alarm(5)``), which is also counted as a
timeout in the Result.

``parse_latex`` and ``simplify`` have no reliable time or memory bound inside a process, so they never run in the
caller's: every comparison goes through :func:`evalmetrics.isolated.run_isolated` to a pooled worker process that
is killed at the deadline (and capped at ``memory_mb`` of address space where the platform allows it).
``parse_latex`` builds sympy objects from the ANTLR parse tree directly; no text is ever evaluated as code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .._lazy import np
from .._packages import installed_version, pip_extra
from ..errors import InvalidConfig, InvalidInput, Timeout
from ..units import enum, integer, number, register, run_steps, steps, text
from .base import GenerativeMetric, at_sample, check_text

__all__ = ["SympySimplifyEquiv"]

TASK = "evalmetrics.metrics._minerva_worker:compare"  # the worker side
PIP = pip_extra("mathverify")


# ------------------------------------------------------------------------------------------------ the caller side


def _in_series(installed: str, series: str) -> bool:
    return installed == series or installed.startswith(series + ".")


def _relabel(e: InvalidInput, field: str) -> InvalidInput:
    return e if e.field is not None else InvalidInput(e.reason, index=e.index, field=field)


@register
@dataclass(frozen=True, repr=False)
class SympySimplifyEquiv(GenerativeMetric):
    r"""1.0 if the answers are identical, or sympy's ``parse_latex`` of both differ by what ``simplify`` makes 0.

    The rule (lm_eval ``minerva_math`` ``is_equiv``): ``pred`` steps extract the prediction's answer, ``ref``
    steps each reference's. Identical non-empty answers score 1 (tuples and intervals, which ``parse_latex``
    rejects, match themselves). Otherwise both are parsed with sympy's ANTLR ``parse_latex``, subtracted
    (prediction minus reference) and score 1 if ``sympy.simplify(difference) == 0``. A parse, subtraction or
    simplification failure scores 0; so does a comparison not done within ``timeout_s`` seconds (wall clock, in
    a worker process that is then killed; counted in ``Result.n_timeouts``; ``score`` raises ``Timeout``) or one
    that exhausts the worker's ``memory_mb`` (counted the same way). A step that finds no answer scores 0.
    Several references: the best score.

    ``sympy`` and ``antlr`` name the release series the result is defined for (sympy's ``simplify`` and the
    generated LaTeX parser differ between releases); scoring with another installed release raises
    ``InvalidConfig`` naming both. The comparison needs ``antlr4-python3-runtime`` 4.11
    (extra ``mathverify``).

    >>> m = SympySimplifyEquiv()
    >>> m.id
    'sympy_simplify_equiv(pred=[], ref=[], sympy="1.14", antlr="4.11", timeout_s=5.0, memory_mb=4096, identical=non_empty, invalid=none)'
    >>> m.score("(1,2)", "(1,2)")  # identical: no parsing needed
    1.0
    >>> m.score("\\frac{1}{2}", "0.5"), m.score("x^2-1", "(x-1)(x+1)")  # doctest: +SKIP
    (1.0, 1.0)
    """

    name: ClassVar[str] = "sympy_simplify_equiv"
    summary: ClassVar[str] = "1 if identical, or sympy parse_latex of both differ by 0 after simplify (in a worker)"
    id_merge: ClassVar[tuple | None] = None
    pred: tuple = steps("steps that extract the prediction's answer, in order")
    ref: tuple = steps("steps that extract each reference's answer, in order")
    sympy: str = text("1.14", "the sympy release series the result is defined for")
    antlr: str = text("4.11", "the antlr4-python3-runtime release series sympy's LaTeX parser runs on")
    timeout_s: float = number(5.0, "seconds one comparison may take (wall clock; then 0 and counted)")
    memory_mb: int = integer(4096, "address-space cap of the worker process in MiB (where the OS allows it)",
                             minimum=64)
    identical: str = enum("non_empty", ("non_empty", "stripped"),
                          "which answers match without sympy: identical non-empty texts (minerva_math), or texts "
                          "equal after str.strip, the empty text included (leaderboard_math_hard)")
    invalid: str | None = text(None, "a prediction answer equal to this text scores 0 before any comparison (none: "
                                     "no such rule)", optional=True)

    def _validate(self):
        if not (0 < self.timeout_s <= 3600):
            raise InvalidConfig(
                f"sympy_simplify_equiv: parameter 'timeout_s' must be in (0, 3600]; got {self.timeout_s!r}"
            )
        for f in ("sympy", "antlr"):
            v = getattr(self, f)
            if not v or not all(p.isdigit() for p in v.split(".")):
                raise InvalidConfig(
                    f"sympy_simplify_equiv: parameter {f!r} must be a release series like '1.14'; got {v!r}"
                )

    # -- environment

    def check_environment(self) -> None:
        """Raise ``InvalidConfig`` unless the installed sympy and ANTLR runtime are the declared releases."""
        antlr = installed_version("antlr4-python3-runtime")
        if antlr is None:
            raise InvalidConfig(
                f"{self.name}: sympy's LaTeX parser needs antlr4-python3-runtime {self.antlr}, which is not "
                f"installed; {PIP}"
            )
        if not _in_series(antlr, self.antlr):
            raise InvalidConfig(
                f"{self.name}: this metric is defined for antlr4-python3-runtime {self.antlr}, but {antlr} is "
                f"installed (sympy's generated parser needs a matching runtime); {PIP}"
            )
        sympy = installed_version("sympy")
        if sympy is None:
            raise InvalidConfig(f"{self.name}: this metric is defined for sympy {self.sympy}, which is not installed")
        if not _in_series(sympy, self.sympy):
            raise InvalidConfig(
                f"{self.name}: this metric is defined for sympy {self.sympy}, but {sympy} is installed (simplify "
                f"may decide differently); install sympy {self.sympy}.* or build it with sympy=\"{sympy}\""
            )

    # -- scoring

    def _answers(self, prediction: str, refs: tuple, ref_memo: dict | None):
        try:
            p = run_steps(self.pred, prediction)
        except InvalidInput as e:
            raise _relabel(e, "prediction") from None
        rs = []
        for r in refs:
            if ref_memo is not None and r in ref_memo:
                rs.append(ref_memo[r])
                continue
            try:
                v = run_steps(self.ref, r)
            except InvalidInput as e:
                raise _relabel(e, "references") from None
            if ref_memo is not None:
                ref_memo[r] = v
            rs.append(v)
        return p, rs

    def _compare_all(self, pairs: list) -> dict:
        """(answer, gold) -> "ok" outcome value (bool) or "bound" (timeout / worker death), via the worker."""
        if not pairs:
            return {}
        self.check_environment()
        from ..isolated import run_isolated

        out = {}
        for pair, o in zip(pairs, run_isolated(TASK, pairs, timeout_s=self.timeout_s, memory_mb=self.memory_mb)):
            if o.status == "ok":
                if isinstance(o.value, tuple):
                    raise InvalidConfig(f"{self.name}: sympy's LaTeX parser cannot load ({o.value[1]}); {PIP}")
                out[pair] = o.value
            else:
                out[pair] = Timeout(
                    f"{self.name}: comparing {_short(pair[0])} with {_short(pair[1])}: "
                    + (o.error or o.status)
                )
        return out

    def _same(self, p, r) -> bool:
        if self.identical == "stripped":
            return p.strip() == r.strip()
        return bool(p) and p == r

    def _needs_worker(self, p, r) -> bool:
        return p is not None and r is not None and p != self.invalid and not self._same(p, r)

    def _value(self, p, r, verdicts) -> float | Timeout:
        if p is None or r is None or p == self.invalid:
            return 0.0
        if self._same(p, r):
            return 1.0
        v = verdicts[(p, r)]
        return v if isinstance(v, Timeout) else (1.0 if v else 0.0)

    def _best(self, p, rs, verdicts) -> tuple[float, Timeout | None]:
        """(best value over the references, a Timeout that some reference hit, else None)."""
        best, bound = 0.0, None
        for r in rs:
            v = self._value(p, r, verdicts)
            if isinstance(v, Timeout):
                bound = v
            elif v > best:
                best = v
        return best, bound

    def _score_refs(self, prediction, refs, cache):
        p, rs = self._answers(prediction, refs, None)
        verdicts = self._compare_all(list(dict.fromkeys((p, r) for r in rs if self._needs_worker(p, r))))
        best, bound = self._best(p, rs, verdicts)
        if best == 0.0 and bound is not None:
            raise bound
        return best

    def compute(self, predictions, references, *, progress: bool | None = None):
        """Score every sample and aggregate (mean, with standard error).

        All steps run first (an input error names its sample before any comparison starts); the distinct
        (answer, reference answer) pairs that need sympy then go to the worker in one batch.
        """
        preds, refs_all = self._check_lengths(predictions, references)
        n = len(preds)
        answers = []
        ref_memo: dict = {}
        for i in range(n):
            p = check_text(preds[i], i, "prediction")
            r = self._check_refs(refs_all[i], i)
            try:
                answers.append(self._answers(p, r, ref_memo))
            except InvalidInput as e:
                raise at_sample(e, i) from None
        pairs = dict.fromkeys((p, r) for p, rs in answers for r in rs if self._needs_worker(p, r))
        verdicts = self._compare_all(list(pairs))
        values = np.empty(n, dtype=np.float64)
        timeouts: list[int] = []
        for i, (p, rs) in enumerate(answers):
            best, bound = self._best(p, rs, verdicts)
            values[i] = best
            if bound is not None and best == 0.0:
                timeouts.append(i)
        return self._result(values, timeouts)

    def pipeline(self):
        return [("prediction", s) for s in self.pred] + [("reference", s) for s in self.ref]

    def describe(self):
        first = (f"a prediction answer {self.invalid!r} scores 0; " if self.invalid is not None else "")
        same = ("identical and non-empty" if self.identical == "non_empty"
                else "equal after stripping whitespace (the empty text included)")
        return first + (
            "1 if the answers are " + same + "; otherwise sympy (" + self.sympy + ".*, ANTLR "
            + self.antlr + ") parse_latex of both, subtracted, and 1 if simplify(difference) == 0; a parse, "
            f"subtract or simplify failure scores 0; more than {self.timeout_s!r}s (or {self.memory_mb} MiB) scores "
            "0 and counts as a timeout; runs in a worker process; several references: the best score"
        )


def _short(s: str) -> str:
    return repr(s if len(s) <= 40 else s[:37] + "...")
