"""math-verify's own scoring call, ``verify(parse(gold), parse(prediction))``, as an explicit pipeline.

math-verify is a library rather than a harness; its README's canonical use is ``verify(parse(gold), parse(answer))``
with every default, which is what ``math_verify:verify`` names. The keyword arguments of ``parse`` and ``verify``
that are plain values can be given as configuration keys (``em.get("math_verify:verify", strict=False)``).
"""
from __future__ import annotations

from ..metrics.mathverify import MathVerify
from .alias import Alias


def _verify(float_rounding=6, numeric_precision=15, strict=True, allow_set_relation_comp=False, timeout_seconds=5,
            parsing_timeout=5, fallback_mode="first_match", extraction_mode="any_match"):
    # None (math-verify: no timeout) is 0 in the ID.
    return MathVerify(
        float_rounding=float_rounding, numeric_precision=numeric_precision, strict=strict,
        allow_set_relation_comp=allow_set_relation_comp, timeout_seconds=timeout_seconds or 0,
        parsing_timeout=parsing_timeout or 0, fallback_mode=fallback_mode, extraction_mode=extraction_mode,
    )


ALIASES = [
    Alias("math_verify", "0.9", "verify", _verify,
          "math-verify 0.9.0 verify(parse(gold), parse(prediction)) with its defaults (LaTeX + plain-expression "
          "extraction, float_rounding 6, numeric_precision 15, strict, 5 s parse/compare timeouts), run by "
          "math-verify itself in a bounded worker; several golds: any verifies",
          also=("math_verify",)),
]
