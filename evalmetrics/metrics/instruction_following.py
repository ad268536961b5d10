"""Instruction following (IFEval): the share of prompts, or of instructions, whose verifiable instructions a
response follows, strictly or loosely. The checkers live in :mod:`.instructions`."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from .._lazy import np

from ..errors import InvalidInput
from ..normalizers import Normalizer, Replace, Strip
from ..units import enum, integer, register
from .base import GenerativeMetric, at_sample, check_mapping, check_text
from .instructions import SEEDED, build_checker

__all__ = ["DropLines", "InstructionFollowing", "LOOSE_VARIANTS"]


@register
@dataclass(frozen=True, repr=False)
class DropLines(Normalizer):
    r"""Remove the first ``first`` and the last ``last`` lines (lines split on ``"\n"``, joined back with it).

    Removing more lines than the text has leaves the empty string.

    >>> DropLines(first=1).apply("Sure! Here it is:\nThe answer.\nHope this helps")
    'The answer.\nHope this helps'
    >>> DropLines(first=1, last=1).apply("only one line")
    ''
    """

    name: ClassVar[str] = "drop_lines"
    summary: ClassVar[str] = "remove the first and last lines"
    first: int = integer(0, "lines removed at the start", minimum=0)
    last: int = integer(0, "lines removed at the end", minimum=0)

    def apply(self, text: str) -> str:
        lines = text.split("\n")
        return "\n".join(lines[self.first:max(len(lines) - self.last, 0)])

    def describe(self):
        return f"remove the first {self.first} and the last {self.last} lines"


_NO_STARS = Replace(old="*", new="")

#: The loose mode's readings of a response, in the harnesses' order: as given, without '*', without its first line,
#: its last line, both (each then stripped), and those three without '*'.
LOOSE_VARIANTS: tuple = (
    (),
    (_NO_STARS,),
    (DropLines(first=1), Strip()),
    (DropLines(last=1), Strip()),
    (DropLines(first=1, last=1), Strip()),
    (DropLines(first=1), Strip(), _NO_STARS),
    (DropLines(last=1), Strip(), _NO_STARS),
    (DropLines(first=1, last=1), Strip(), _NO_STARS),
)


def _run(steps: tuple, text: str) -> str:
    for s in steps:
        text = s.apply(text)
    return text


def _check_doc(value, index) -> tuple:
    """One sample's instructions as checkers: ``value`` is the IFEval document (a mapping with
    ``instruction_id_list`` (lighteval: ``instructions_id_list``) and ``kwargs``, one mapping per instruction)."""
    check_mapping(value, index, "the IFEval document (a mapping with 'instruction_id_list' and 'kwargs')")
    ids = value.get("instruction_id_list", value.get("instructions_id_list"))
    kwargs = value.get("kwargs")
    if isinstance(ids, str) or not isinstance(ids, (list, tuple)) or not ids:
        raise InvalidInput(f"'instruction_id_list' must be a non-empty list of instruction IDs; got {ids!r}",
                           index=index, field="references")
    if isinstance(kwargs, (str, Mapping)) or not isinstance(kwargs, (list, tuple)) or len(kwargs) != len(ids):
        raise InvalidInput(f"'kwargs' must be a list with one mapping per instruction ({len(ids)}); got {kwargs!r}",
                           index=index, field="references")
    try:
        return tuple(build_checker(i, k) for i, k in zip(ids, kwargs))
    except InvalidInput as e:
        raise at_sample(e, index) from None


@register
@dataclass(frozen=True, repr=False)
class InstructionFollowing(GenerativeMetric):
    """IFEval: whether a response follows each verifiable instruction of its prompt.

    The reference of a sample is its IFEval document: ``{"instruction_id_list": [...], "kwargs": [...]}`` (one
    keyword mapping per instruction; None, 0 and empty values are ignored, as the harnesses ignore them). Each
    instruction is checked by its named checker (``evalmetrics.metrics.instructions.CHECKERS``); a blank response
    follows nothing. ``mode=strict`` checks the response as given; ``mode=loose`` counts an instruction as followed
    if any of eight readings of the response follows it (as given; without ``*``; without its first line, last line
    or both, stripped; and those without ``*``; blank readings do not count). ``level=prompt``: a sample scores 1
    if every instruction is followed; ``level=instruction``: a sample's value is the share of its instructions
    followed, and the score is the share of all instructions of all samples (not the mean of the samples' shares).
    ``language_seed`` seeds langdetect's random draws (the harnesses leave them unseeded, so their language verdicts
    on borderline texts can vary run to run).

    >>> m = InstructionFollowing(level="instruction", mode="loose")
    >>> doc = {"instruction_id_list": ["punctuation:no_comma", "startend:quotation"], "kwargs": [{}, {}]}
    >>> m.score('Sure:\\n"No commas here"', doc)
    1.0
    >>> InstructionFollowing(level="instruction").score('Sure:\\n"No commas here"', doc)
    0.5
    >>> m.id
    'instruction_following(level=instruction, mode=loose, language_seed=0)'
    """

    name: ClassVar[str] = "instruction_following"
    summary: ClassVar[str] = "IFEval: does the response follow its prompt's verifiable instructions"
    score_usage: ClassVar[str] = (
        "score(prediction, document): the response and its IFEval document, e.g. m.score('no commas', "
        "{'instruction_id_list': ['punctuation:no_comma'], 'kwargs': [{}]})")
    compute_usage: ClassVar[str] = (
        "compute(predictions, documents): the responses and, per sample, its IFEval document "
        "({'instruction_id_list': [...], 'kwargs': [...]})")
    level: str = enum("prompt", ("prompt", "instruction"), "score prompts (all instructions followed) or instructions")
    mode: str = enum("strict", ("strict", "loose"), "check the response as given, or any of its eight loose readings")
    language_seed: int = integer(0, "seed of langdetect's random draws", minimum=0)

    @property
    def row_aggregation(self) -> str:
        """How ``compute`` aggregates: ``mean`` (prompt level) or ``share_of_all_instructions``."""
        return "mean" if self.level == "prompt" else "share_of_all_instructions"

    def _check_refs(self, value, index):
        return _check_doc(value, index)

    def _follows(self, checker, text: str) -> bool:
        if not text.strip():
            return False
        if type(checker) in SEEDED:
            return checker.check_seeded(text, self.language_seed)
        return checker.check(text)

    def _verdicts(self, prediction: str, checkers: tuple) -> list:
        if self.mode == "strict":
            return [self._follows(c, prediction) for c in checkers]
        readings = [_run(v, prediction) for v in LOOSE_VARIANTS]
        return [any(self._follows(c, r) for r in readings) for c in checkers]

    def verdicts(self, prediction: str, document) -> list:
        """Whether the response follows each instruction of the document, in order (lm_eval's
        ``inst_level_*_acc`` per-sample value)."""
        return self._verdicts(check_text(prediction, None, "prediction"), _check_doc(document, None))

    def _score_refs(self, prediction, checkers, cache):
        v = self._verdicts(prediction, checkers)
        return float(all(v)) if self.level == "prompt" else sum(v) / len(v)

    def trace(self, prediction, references) -> dict:
        """Per instruction, whether the response follows it: ``{"instructions": [checker IDs], "followed": [...]}``."""
        checkers = _check_doc(references, None)
        return {"instructions": [c.id for c in checkers],
                "followed": self._verdicts(check_text(prediction, None, "prediction"), checkers)}

    def _trace(self, prediction, checkers, cache=None) -> dict:
        """The details row's trace (``evalmetrics score --details``): the response, and as its reference the
        verdicts of :meth:`trace` (checker IDs and whether each is followed); no reference index."""
        return {"prediction": prediction, "reference": {"instructions": [c.id for c in checkers],
                                                        "followed": self._verdicts(prediction, checkers)},
                "reference_index": None}

    def compute(self, predictions, references, *, progress=None):
        """Score every sample; ``level=instruction`` aggregates over all instructions (followed / total)."""
        preds, docs = self._check_lengths(predictions, references)
        followed: list = [0] * len(preds)
        sizes: list = [0] * len(preds)

        def one(i):
            checkers = self._check_refs(docs[i], i)
            sizes[i] = len(checkers)
            v = self._verdicts(check_text(preds[i], i, "prediction"), checkers)
            followed[i] = sum(v)
            return float(all(v)) if self.level == "prompt" else followed[i] / len(v)

        r = self._per_sample(len(preds), one, progress)
        import dataclasses

        prov = {**r.provenance, **_versions()}
        if self.level == "prompt":
            return dataclasses.replace(r, provenance=prov)
        for i in r.timeout_indices:
            followed[i] = 0
        return dataclasses.replace(
            r, score=sum(followed) / sum(sizes), stderr=float("nan"), aggregation="share_of_all_instructions",
            stderr_method="none: a share of all instructions (lm_eval and lighteval report no stderr for it)",
            provenance=prov)

    def describe(self):
        what = ("1 if the response follows every instruction of its prompt" if self.level == "prompt"
                else "the share of instructions followed, over all instructions of all prompts")
        how = ("checked on the response as given" if self.mode == "strict" else
               "an instruction counts as followed if the response as given, without '*', without its first line, "
               "last line or both (stripped), or those without '*', follows it")
        return f"IFEval: {what}; {how}; a blank response follows nothing"


def _versions() -> dict:
    from .._packages import installed_version

    return {k: v for k, v in (("langdetect", installed_version("langdetect")),
                              ("nltk", installed_version("nltk"))) if v}
