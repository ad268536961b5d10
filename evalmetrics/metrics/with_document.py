"""WithDocument: a step that reads each sample's document, then a text metric on what it gives.

A task filter such as lm_eval's ``multi_choice_regex`` decides what an output means from the sample's document (its
choices). :class:`WithDocument` carries that step (a :class:`evalmetrics.document_steps.DocumentStep`) and the text
metric after it; ``score`` and ``compute`` take each sample's document beside its output and references.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..document_steps import ChoiceLetterExtract, DocumentStep
from ..errors import InvalidConfig, InvalidInput
from ..units import register, unit_field
from .base import DocumentMetric, GenerativeMetric, check_text
from .match import ExactMatch

__all__ = ["WithDocument"]


@register
@dataclass(frozen=True, repr=False)
class WithDocument(DocumentMetric):
    """Run ``step`` on the output with the sample's document, then score its result with ``metric``.

    ``step`` is a document step (it names the document field it reads); ``metric`` is a text metric (none:
    ``exact_match``), whose own prediction steps run after ``step``. A step that finds no answer scores 0.

    >>> from evalmetrics.document_steps import ChoiceLetterExtract
    >>> m = WithDocument(step=ChoiceLetterExtract(pattern=r"(\\([A-Z]\\))", ignore_case=True))
    >>> m.score("It must be rome", "(A)", {"choices": ["Rome", "Paris"]})
    1.0
    >>> m.compute(["(B)", "paris", "no idea"], ["(B)", "(B)", "(A)"], [{"choices": ["Rome", "Paris"]}] * 3).score
    0.6666666666666666
    """

    name: ClassVar[str] = "with_document"
    summary: ClassVar[str] = "a step that reads the sample's document, then a text metric on its result"
    request_type: ClassVar[str] = "generate_until"
    document_words: ClassVar[str] = "one document per sample (a mapping with the field the step reads)"
    score_usage: ClassVar[str] = (
        "score(prediction, references, document): the output text, a reference text or a non-empty list of them, "
        "and the sample's document (a mapping with the field the step reads), e.g. "
        "m.score(\"paris\", \"(B)\", {\"choices\": [\"Rome\", \"Paris\"]})")
    compute_usage: ClassVar[str] = (
        "compute(predictions, references, documents): per sample an output text, a reference text or list of them, "
        "and the document (a mapping), e.g. m.compute([\"paris\"], [\"(B)\"], [{\"choices\": [\"Rome\", \"Paris\"]}])")
    step: Any = unit_field(ChoiceLetterExtract(), "the document step run on the output first")
    metric: Any = unit_field(None, "the text metric applied to the step's result (none: exact_match)")

    def _validate(self):
        if not isinstance(self.step, DocumentStep):
            raise InvalidConfig(f"with_document: 'step' must be a document step (e.g. choice_letter_extract); got "
                                f"{self.step!r}", field="step")
        if self.metric is not None and not isinstance(self.metric, GenerativeMetric):
            raise InvalidConfig(f"with_document: 'metric' must be a text metric (e.g. exact_match); got "
                                f"{self.metric!r}", field="metric")

    @property
    def inner(self) -> GenerativeMetric:
        return self.metric if self.metric is not None else ExactMatch()

    def _one(self, prediction, refs, document, index, cache):
        p = check_text(prediction, index, "prediction")
        if not isinstance(document, Mapping):
            raise InvalidInput(f"expected a mapping as the document, got {type(document).__name__}", index=index,
                               field="document")
        got = self.step.apply_doc(p, document)
        if got is None:
            return 0.0
        inner = self.inner
        return float(inner._score_refs(got, inner._check_refs(refs, index), cache))

    def trace(self, prediction, references, document) -> dict:
        """The inner metric's trace (see ``GenerativeMetric.trace``) of what ``step`` gives for this output."""
        got = self.step.apply_doc(check_text(prediction, None, "prediction"), document)
        if got is None:
            return {"prediction": None, "reference": None, "reference_index": None}
        return self.inner.trace(got, references)

    def pipeline(self):
        return [("prediction", self.step)] + list(self.inner.pipeline())

    def describe(self):
        return f"with the sample's document ({self.step.field_name()!r}), then {self.inner.describe()}"
