"""One-character answers read from the start of the output: the first character, or the one after a lead-in."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import InvalidConfig
from ..units import enum, register, steps, texts
from .pipelined import COMBINE, PipelinedMetric, init_pipeline

__all__ = ["LeadingCharMatch"]


@register
@dataclass(frozen=True, repr=False, init=False)
class LeadingCharMatch(PipelinedMetric):
    """1.0 if the processed reference is the processed prediction's first character, or the character right after
    one of ``prefixes`` where the prediction starts with it; else 0.0.

    Only a one-character reference can match (a longer or empty one never does); a prediction that ends with the
    lead-in has no character after it. Several references combine with ``combine``. This is MMStar's matching rule,
    which unitxt's ``metrics.exact_match_mm`` runs on lowercased, stripped texts: an answer letter alone, ``(B)``,
    ``option b``, ``the answer is b``.

    >>> m = LeadingCharMatch()
    >>> m.score("(b) Paris", "b"), m.score("option c", "c"), m.score("the answer is d.", "d"), m.score("b", "bc")
    (1.0, 1.0, 1.0, 0.0)
    >>> m.id
    'leading_char_match(prefixes=["(", "option ", "the answer is "], normalize=[], combine=max)'
    """

    name: ClassVar[str] = "leading_char_match"
    summary: ClassVar[str] = "the reference is the prediction's first character or the one after a lead-in"
    prefixes: tuple = texts(("(", "option ", "the answer is "),
                            "lead-ins at the start of the prediction after which the answer character is read")
    pred: tuple = steps("steps applied to the prediction, in order")
    ref: tuple = steps("steps applied to each reference, in order")
    combine: str = enum("max", COMBINE, "how scores against several references combine")

    def __init__(self, prefixes=("(", "option ", "the answer is "), normalize=None, *, normalize_pred=None,
                 normalize_ref=None, extract=None, extract_ref=None, pred=None, ref=None, combine: str = "max"):
        init_pipeline(
            self, {"prefixes": tuple(prefixes) if isinstance(prefixes, (list, tuple)) else prefixes,
                   "combine": combine},
            normalize=normalize, normalize_pred=normalize_pred, normalize_ref=normalize_ref, extract=extract,
            extract_ref=extract_ref, pred=pred, ref=ref,
        )

    def _validate(self):
        if isinstance(self.prefixes, str) or not all(isinstance(x, str) and x for x in self.prefixes):
            raise InvalidConfig(f"leading_char_match: parameter 'prefixes' must be a list of non-empty texts; got "
                                f"{self.prefixes!r}")
        # canonical: order and repeats do not change the behavior
        object.__setattr__(self, "prefixes", tuple(sorted(set(self.prefixes))))

    def _answers(self, p: str) -> set:
        """The characters the prediction may be answering with."""
        out = {p[:1]} if p else set()
        for x in self.prefixes:
            if len(p) > len(x) and p.startswith(x):
                out.add(p[len(x)])
        return out

    def _compare(self, p, rs):
        answers = self._answers(p)
        return self._combine([float(r is not None and len(r) == 1 and r in answers) for r in rs])

    def describe(self):
        leads = ", ".join(repr(x) for x in self.prefixes)
        return (f"1 if the reference is one character: the prediction's first, or the one right after a lead-in the "
                f"prediction starts with ({leads})")
