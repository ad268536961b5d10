"""ChoiceAnswerMatch: the choice letters a generated answer names ("ANSWER: B", "ANSWER: A, C") against the target
letters, with the sample's choices (their count bounds the letters)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from .. import _regex
from ..errors import InvalidInput, Timeout
from ..units import flag, register
from .base import DocumentMetric, check_references, check_text

__all__ = ["ChoiceAnswerMatch", "choice_letter", "choice_position"]

# Wrappers taken off before reading ("$B$", "**B**", "(B)" after a start, ':' or ','), then the answer line: strict
# (a line starting "ANSWER:", the letters, then only spaces or a period) else anywhere; the last one counts.
_PATTERNS = {
    "dollars": r"\$\s*([A-Za-z\d][A-Za-z\d ,]*?)\s*\$",
    "bold": r"\*\*\s*([A-Za-z\d][A-Za-z\d ,]*?)\s*\*\*",
    "parens": r"(?i)(^|[:,])(\s*)\(([A-Za-z\d])\)(?=\s*(?:,|\.|\n|\Z))",
    "strict": r"(?im)^ANSWER\s*:\s*([A-Za-z\d ,]+)\s*(?:$|\n|\.)",
    "lenient": r"(?i)ANSWER\s*:\s*([A-Za-z\d ,]+)(?:[^\w]|\n|$|\.)",
}


def _compiled(name: str):
    return _regex.compile_pattern(_PATTERNS[name], "choice_answer_match")


def _sub_groups(name: str, text: str) -> str:
    """Replace each match of pattern ``name`` by its groups, concatenated (time-bounded)."""
    compiled = _compiled(name)
    try:
        return compiled.sub(lambda m: "".join(g or "" for g in m.groups()), text,
                            timeout=_regex.settings.regex_timeout_s)
    except TimeoutError:
        raise Timeout(f"choice_answer_match: unwrapping {name} exceeded {_regex.settings.regex_timeout_s}s on an "
                      f"input of {len(text)} characters") from None


def choice_letter(index: int) -> str:
    """The label of choice ``index``: A..Z, then 1, 2, ... (Inspect AI's ``answer_character``)."""
    return chr(ord("A") + index) if index < 26 else str(index - 25)


def choice_position(label: str) -> int | None:
    """The index a label names (a letter: A=0; a number n: 25+n), or None for a label that names none."""
    if len(label) == 1 and label.isalpha():
        up = label.upper()
        return ord(up) - ord("A") if len(up) == 1 else None
    if label.isnumeric():
        try:
            n = int(label)
        except ValueError:
            return None
        return None if n == 0 else 25 + n
    return None


def answer_labels(output: str, n_choices: int, multiple: bool) -> set[str]:
    """The labels the output's answer line names, each one of the first ``n_choices`` labels; empty if none."""
    text = output
    for name in ("dollars", "bold", "parens"):
        text = _sub_groups(name, text)
    found = _regex.findall(_compiled("strict"), text) or _regex.findall(_compiled("lenient"), text)
    if not found:
        return set()
    said = found[-1].strip().rstrip(".").upper()
    allowed = {choice_letter(i) for i in range(n_choices)}
    if multiple:
        said = said.replace(" AND ", ",").replace(" ", "")
        listed = {x for x in said.split(",") if x}
        if listed <= allowed:
            return listed
        run = set(said)
        return run if run <= allowed else set()
    tokens = [x for x in said.split(",") if x]
    return {tokens[0]} if len(tokens) == 1 and tokens[0] in allowed else set()


def _target_positions(refs, n_choices: int, index) -> list[int]:
    out = []
    for value in refs:
        for token in value.replace(",", " ").split():
            for label in ([token] if token.isnumeric() else list(token)):
                pos = choice_position(label)
                if pos is None or pos >= n_choices:
                    raise InvalidInput(f"choice_answer_match: the target names {label!r}, not one of the "
                                       f"{n_choices} choices' labels (Inspect AI raises here)", index=index,
                                       field="references")
                out.append(pos)
    return sorted(out)


@register
@dataclass(frozen=True, repr=False)
class ChoiceAnswerMatch(DocumentMetric):
    """1 if the choices the output's answer line selects are exactly the target's, else 0.

    The output is read as Inspect AI's ``multiple_choice`` solver reads it: ``$B$``, ``**B**`` and ``(B)`` are
    unwrapped; the last line ``ANSWER: ...`` (letters, digits, spaces, commas; then only spaces or a period)
    counts, else the last ``ANSWER: ...`` anywhere; a period is trimmed and the text uppercased. A single answer
    (``multiple_correct=false``) must be exactly one label of the sample's choices (a stray comma allowed);
    ``multiple_correct=true`` reads a comma list, "A and C", or letters run together ("AC"), all of them labels.
    Labels are A..Z, then 1, 2, ... for choices past the 26th. The target is a text or list of texts of labels
    ("B", "A, C", "AC"); a label past the choices is an ``InvalidInput``. The selected positions, sorted, must
    equal the target's (a repeated target label never matches). The sample's document gives its ``choices``
    (only their count is used; choices as the task lists them, not shuffled).

    >>> m = ChoiceAnswerMatch()
    >>> m.score("I think... ANSWER: b", "B", {"choices": ["x", "y", "z"]})
    1.0
    >>> ChoiceAnswerMatch(multiple_correct=True).score("ANSWER: A and C", ["A", "C"], {"choices": ["x", "y", "z"]})
    1.0
    """

    name: ClassVar[str] = "choice_answer_match"
    summary: ClassVar[str] = "the choice labels after 'ANSWER:' in the output equal the target labels"
    request_type: ClassVar[str] = "generate_until"
    document_words: ClassVar[str] = "one document per sample (a mapping with the field 'choices')"
    score_usage: ClassVar[str] = (
        "score(prediction, references, document): the output text, the target labels (a text or a list of texts), "
        "and the sample's document with its 'choices', e.g. m.score(\"ANSWER: B\", \"B\", {\"choices\": [\"x\", "
        "\"y\"]})")
    compute_usage: ClassVar[str] = (
        "compute(predictions, references, documents): per sample an output text, target labels and a document with "
        "'choices', e.g. m.compute([\"ANSWER: B\"], [\"B\"], [{\"choices\": [\"x\", \"y\"]}])")
    multiple_correct: bool = flag(False, "several labels may be selected (a comma list, 'and', or run together)")

    def _one(self, prediction, references, document, index, cache) -> float:
        p = check_text(prediction, index, "prediction")
        refs = check_references(references, index)
        if not isinstance(document, Mapping) or "choices" not in document:
            got = (f"fields {sorted(map(str, document))}" if isinstance(document, Mapping)
                   else type(document).__name__)
            raise InvalidInput(f"choice_answer_match: expected a mapping with the field 'choices' as the document; got "
                               f"{got}", index=index, field="document")
        choices = document["choices"]
        if isinstance(choices, (str, bytes)) or not hasattr(choices, "__len__") or len(choices) == 0:
            raise InvalidInput(f"choice_answer_match: expected the document's 'choices' to be a non-empty list; got "
                               f"{type(choices).__name__}", index=index, field="document.choices")
        n = len(choices)
        target = _target_positions(refs, n, index)
        said = answer_labels(p, n, self.multiple_correct)
        picked = sorted(i for i in range(n) if i in {choice_position(x) for x in said})
        return 1.0 if picked == target else 0.0

    def describe(self):
        many = ("one or more labels (comma list, 'and', or run together)" if self.multiple_correct
                else "exactly one label")
        return (f"read the last 'ANSWER: ...' of the output (after unwrapping $X$, **X**, (X)): {many} of the "
                f"sample's choices; 1 if the selected choices are exactly the target's")
