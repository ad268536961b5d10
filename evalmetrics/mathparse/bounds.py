"""Size and time bounds of math parsing and comparison, and the typed errors they raise.

Every bound raises :class:`BoundExceeded` (a :class:`evalmetrics.Timeout`), so ``compute`` scores the sample 0
and counts it in ``Result.n_timeouts``. Text that is simply not math raises :class:`MathParseError` instead
(the answer is then compared as text).

The deadline is cooperative (``time.perf_counter``, no signals): the parser and the comparison check it between
steps, and the size guards keep each single step short, so it works in threads, worker processes and on any OS.
"""
from __future__ import annotations

import time

from ..errors import EvalMetricsError, Timeout

__all__ = ["MathParseError", "BoundExceeded", "Deadline", "LIMITS"]


class MathParseError(EvalMetricsError):
    """The text is not an expression this parser reads (an unknown command, unbalanced brackets, ...)."""


class BoundExceeded(Timeout):
    """A size or time bound was hit; ``bound`` names which one."""

    def __init__(self, bound: str, detail: str = ""):
        self.bound = bound
        super().__init__(f"math bound {bound!r} exceeded" + (f": {detail}" if detail else ""))

    def __reduce__(self):
        return (BoundExceeded, (self.bound,))


class _Limits:
    """The bounds (module-wide constants; documented in docs/math.md)."""

    max_chars = 10_000  # characters of one extracted answer
    max_tokens = 4_000  # tokens of one answer
    max_depth = 64  # nesting depth (brackets, fractions, roots, unary signs, exponents)
    max_digits = 1_000  # digits of one number literal
    max_exponent = 10_000  # |exponent| of a power of a number
    max_power_bits = 200_000  # estimated size of an exact rational power
    max_factorial = 1_000  # largest factorial / binomial argument
    max_items = 200  # elements of one tuple, set, list or matrix
    max_expand_nodes = 120  # expand() only below this many expression nodes ...
    max_expand_terms = 300  # ... and when the expanded form has at most about this many terms


LIMITS = _Limits()


class Deadline:
    """A per-sample time budget, checked cooperatively."""

    __slots__ = ("end", "budget")

    def __init__(self, budget_s: float | None):
        self.budget = budget_s
        self.end = None if budget_s is None else time.perf_counter() + budget_s

    def check(self) -> None:
        if self.end is not None and time.perf_counter() > self.end:
            raise BoundExceeded("deadline_s", f"{self.budget}s per sample")


NO_DEADLINE = Deadline(None)
